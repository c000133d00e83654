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
# the overview: the coverage, changing as the channel comes back and
# the replies come in, from other processes
keys 0
wait_for "已发 0  送达 0  确认 0  未确认 $n  排队 $n"
mkdir -p "$TMP/gw"
printf 'k\n' >"$TMP/secret"
python3 "$(dirname "$0")/../cli/sms_gateway.py" "$TMP/gw" "$TMP/secret" 2>"$TMP/gw.log" &
GW=$!
# the gateway ends with the test, whose status _finish reports
trap 'rc=$?; kill "$GW" 2>/dev/null; (exit $rc); _finish' EXIT
deadline=$((SECONDS + 20))
until [ -s "$TMP/gw/port" ]; do
	[ "$SECONDS" -lt "$deadline" ] || fail "the gateway never listened"
	sleep 0.05
done
cat >"$TMP/config.yaml" <<YAML
sms:
  channel: http
  url: http://127.0.0.1:$(cat "$TMP/gw/port")/send
  headers: ["Authorization: Bearer {secret}"]
  body: '{"mobile": "{phone}", "content": "{text}", "id": "{id}"}'
  secret_file: $TMP/secret
YAML
DUTYDESK_NOW='2098-12-31 08:00' dd sms run --once >"$TMP/run.out" 2>&1 || fail "sms run: $(cat "$TMP/run.out")"
wait_for "已发 $n  送达 0  确认 0  未确认 $n"
wait_gone "短信故障排队"
phone=$(dd sms status "$W" --json | jq -r '.waiting[0].phone')
dd sms reply "$phone" 收到 >/dev/null || fail "sms reply"
wait_for "已发 $n  送达 1  确认 1  未确认 $((n - 1))"
kill $GW 2>/dev/null
wait $GW 2>/dev/null
trap _finish EXIT
keys :
type_text 'sms recipients'
keys Enter
wait_for "隐患点监测人"
# the count is under the list
page_to "接收人 $n 名" "the recipients"
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
