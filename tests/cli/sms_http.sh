#!/bin/bash
# A warning sent through an HTTP SMS gateway described in config.yaml
# (URL, method, headers, body template; the secret read from a file),
# against a gateway this test starts: the secret sent, the channel down
# (messages wait and say so), back up, a kill -9 between handing and
# marking, and nobody given a message twice.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sms_lib.sh"

sms_setup
GW=$TMP/gw
mkdir -p "$GW" "$HOME/.config/dutydesk"
printf 's3cret-token\n' >"$TMP/secret"
chmod 600 "$TMP/secret"
python3 "$(dirname "$0")/sms_gateway.py" "$GW" "$TMP/secret" 2>"$TMP/gw.log" &
BG_PIDS+=($!)
wait_until 20 "the gateway listens" test -s "$GW/port"
pass
PORT=$(cat "$GW/port")
cat >"$HOME/.config/dutydesk/config.yaml" <<YAML
sms:
  channel: http
  url: http://127.0.0.1:$PORT/send
  method: POST
  headers:
    - "Authorization: Bearer {secret}"
    - "Content-Type: application/json"
  body: '{"mobile": "{phone}", "content": "{text}", "id": "{id}"}'
  secret_file: $TMP/secret
  template: "{area}{colour}预警至{until}。{action}回复收到"
  retry_seconds: 60
YAML
delivered() { [ -f "$GW/delivered.jsonl" ] && wc -l <"$GW/delivered.jsonl" || echo 0; }

# the gateway is down: everything waits, and says why
touch "$GW/down"
expect_rc 0 dd sms send "$W"
expect_out_has "queued $EXPECTED messages"
expect_out_has "SMS channel down: SMS gateway answered 503"
expect_out_has "$EXPECTED messages wait in the queue"
expect_eq "$(delivered)" 0 "delivered while down"
expect_eq "$(wc -l <"$GW/requests.jsonl")" 1 "requests while down: the first fails, the rest wait"
expect_rc 0 dd sms status --json
expect_eq "$(json_get .queued)" "$EXPECTED" "queued"
expect_eq "$(json_get .channel.queued)" "$EXPECTED" "the channel's queue"
expect_rc 0 dd sms status
expect_out_has "SMS channel down: SMS gateway answered 503"
# not yet due: nothing is tried
expect_rc 0 dd sms run --once
expect_eq "$(wc -l <"$GW/requests.jsonl")" 1 "requests before the retry is due"

# back up, and the retry due: each message once, with the secret
rm "$GW/down"
DUTYDESK_NOW='2026-11-28 18:05' expect_rc 0 dd sms run --once
expect_out_has "handed to the channel $EXPECTED, already there 0, waiting 0, failed 0"
expect_eq "$(delivered)" "$EXPECTED" "delivered"
expect_eq "$(jq -r .auth "$GW/requests.jsonl" | sort -u | tail -1)" "Bearer s3cret-token" "the secret sent"
expect_eq "$(jq -r .content "$GW/delivered.jsonl" | sort -u)" "桑壁镇,坡头乡橙色预警至11月29日08时。请组织危险区群众做好撤离准备，加密巡查。回复收到" \
	"the message from the configured template"
expect_eq "$(jq -r .mobile "$GW/delivered.jsonl" | sort | uniq -d)" "" "a phone given two messages"
expect_rc 0 dd sms status --json
expect_eq "$(json_get .sent)" "$EXPECTED" "sent"
expect_eq "$(json_get .channel.last_error)" null "the channel's error cleared"
# answers come back by the gateway's callback (or the officer's hand)
expect_rc 0 dd sms reply 13900000001 "收到 张"
expect_rc 0 dd sms status
expect_out_has "confirmed 1  unconfirmed $((EXPECTED - 1))"

# kill -9 after three messages were handed and before they were marked:
# the rerun hands them again under the same ids, the gateway drops them
expect_rc 0 dd warning add --colour red --townships '桑壁镇,坡头乡' --until '2026-11-29 12:00'
W2=$(cat "$OUT")
DUTYDESK_SMS_KILL_AFTER=3 run dd sms send "$W2"
expect_eq "$RC" 137 "killed in the middle of sending"
expect_eq "$(delivered)" $((EXPECTED + 3)) "delivered before the kill"
expect_rc 0 dd sms run --once
expect_out_has "handed to the channel $((EXPECTED - 3)), already there 3"
expect_eq "$(delivered)" $((EXPECTED * 2)) "delivered after the rerun"
expect_eq "$(jq -r '.mobile + " " + .content' "$GW/delivered.jsonl" | sort | uniq -c | awk '$1 != 1')" "" \
	"a phone given a warning twice"
expect_eq "$(twice)" "" "one row per phone and warning"

# a wrong secret: the gateway refuses, the messages wait (nothing failed)
expect_rc 0 dd warning add --colour blue --townships '坡头乡' --until '2026-11-29 12:00'
W3=$(cat "$OUT")
printf 'other\n' >"$TMP/secret2"
sed -i "s|secret_file: .*|secret_file: $TMP/secret2|" "$HOME/.config/dutydesk/config.yaml"
expect_rc 0 dd sms send "$W3"
expect_out_has "SMS channel down: SMS gateway answered 401"
expect_rc 0 dd sms status "$W3" --json
expect_eq "$(json_get .failed)" 0 "failed for a wrong secret"
# a missing secret file says which
sed -i "s|secret_file: .*|secret_file: $TMP/nofile|" "$HOME/.config/dutydesk/config.yaml"
DUTYDESK_NOW='2026-11-28 19:00' expect_rc 0 dd sms run --once
expect_out_has "sms.secret_file $TMP/nofile"

# the handover and the daily report carry the coverage and who to call
expect_rc 0 dd shift start --officers 测试员
expect_rc 0 dd shift handover --to 李华
expect_rc 0 dd report shift last
expect_out_has "五、预警短信"
expect_out_has "桑壁镇,坡头乡橙色预警：已发 $EXPECTED  送达 1  确认 1  未确认 $((EXPECTED - 1))"
expect_out_has "未确认：(示例)"
expect_rc 0 dd report daily --date 2026-11-29
expect_out_has "五、预警短信"
expect_out_has "桑壁镇,坡头乡红色预警：已发 $EXPECTED  送达 0  确认 0  未确认 $EXPECTED"
