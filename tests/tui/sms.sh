#!/bin/bash
# Warning messages in the console: a channel that is down says so in the
# header with the count waiting; :sms status shows the coverage and who to
# call; :sms send opens its form on the latest warning in force.
. "$(dirname "$0")/lib.sh"
make_demo
cat >"$TMP/config.yaml" <<'YAML'
sms:
  channel: http
  url: http://127.0.0.1:1/send
  body: '{"mobile": "{phone}", "content": "{text}", "id": "{id}"}'
YAML
export DUTYDESK_CONFIG=$TMP/config.yaml
W=$(dd warning add --colour yellow --townships 坡头乡 --until '2099-01-01 08:00') || fail "warning add"
n=$(dd sms recipients "$W" --json | jq '.recipients | length')
[ "$n" -gt 0 ] || fail "recipients in 坡头乡"
pass
dd sms send "$W" >"$TMP/send.out" 2>&1 || fail "sms send: $(cat "$TMP/send.out")"
grep -q "wait in the queue" "$TMP/send.out" || fail "sms send says the channel is down: $(cat "$TMP/send.out")"
pass

MISSES=$TMP/misses.txt
start_zh 80 24 "DUTYDESK_CONFIG=$TMP/config.yaml" "DUTYDESK_I18N_MISSES=$MISSES"
wait_for "短信故障排队 $n"
check_widths
keys :
type_text 'sms status'
keys Enter
wait_for "已发 0  送达 0  确认 0  未确认 $n  排队 $n"
wait_for "短信通道故障"
wait_for "未确认，需电话联系"
keys Escape
wait_gone "未确认，需电话联系"
keys :
type_text 'sms recipients'
keys Enter
keys NPage
wait_for "接收人 $n 名"
keys Escape
wait_gone "接收人 $n 名"
keys :
type_text 'sms send'
keys Enter
wait_for "短信发布预警"
wait_for "$W"

# everything shown in Chinese
tm kill-session -t "$SESSION" 2>/dev/null
if [ -s "$MISSES" ]; then
	sort -u "$MISSES" >&2
	fail "$(sort -u "$MISSES" | wc -l) texts untranslated under the Chinese interface"
fi
pass
