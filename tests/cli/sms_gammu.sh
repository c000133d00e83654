#!/bin/bash
# A warning sent through gammu-smsd: the real daemon (FILES backend) over
# Gammu's dummy phone, which keeps the "phone" in a folder: what the daemon
# sends is logged there, and a file put in its inbox folder is an SMS
# received. Replies (收到), a delivery report, an error, a kill -9 in the
# middle of sending, and nobody given a message twice.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sms_lib.sh"
command -v gammu-smsd >/dev/null || { echo "SKIP [$TEST_NAME] gammu-smsd is not installed (Debian package gammu-smsd)"; exit 77; }

sms_setup
SPOOL=$TMP/spool
mkdir -p "$SPOOL"/{inbox,outbox,sent,error} "$TMP/phone"
mkdir -p "$HOME/.config/dutydesk"
cat >"$HOME/.config/dutydesk/config.yaml" <<YAML
office: 永和县应急管理局
sms:
  channel: gammu
  gammu_spool: $SPOOL
  confirm_words: 收到 已收到 ok
YAML
# LoopSleep = 0: the daemon sends without a second's pause between
# messages (it spins a core while the test runs): 130 messages in seconds,
# not two minutes.
cat >"$TMP/smsdrc" <<RC
[gammu]
device = $TMP/phone
model = dummy
connection = none
[smsd]
service = files
logfile = $TMP/smsd.log
debuglevel = 1
inboxpath = $SPOOL/inbox/
outboxpath = $SPOOL/outbox/
sentsmspath = $SPOOL/sent/
errorsmspath = $SPOOL/error/
inboxformat = unicode
deliveryreport = sms
commtimeout = 1
loopsleep = 0
receivefrequency = 1
checksecurity = 0
checkbattery = 0
checksignal = 0
statusfrequency = 0
RC

# the list, with its counts and the numbers that cannot take an SMS
expect_rc 0 dd sms recipients "$W" --json
expect_eq "$(json_get '.recipients | length')" "$EXPECTED" "recipients"
expect_eq "$(json_get '.by_kind.informant')" $((DEMO_INFO + 2)) "信息员 inside the area (by group or post)"
expect_eq "$(json_get '.by_kind.leader')" $((DEMO_LEAD + 1)) "leaders and offices with a mobile (by group or post)"
expect_eq "$(json_get '[.invalid[].name] | sort | join(",")')" "(示例)孙信息,(示例)赵乡长" "invalid numbers"
expect_eq "$(json_get '[.recipients[] | select(.name == "(示例)王书记") | .phone] | .[0]')" 13900000003 \
	"a number written with +86 and dashes"
# a group of the contact book added whole: the county's leaders
LEADERS=$(sqlite3 "$DUTYDESK_DB" "SELECT count(*) FROM contact WHERE grp = 'county_leader' AND archived = 0")
[ "$LEADERS" -gt 0 ] || fail "the demo has county leaders"
pass
expect_rc 0 dd sms recipients "$W" --add 县领导 --json
expect_eq "$(json_get '.by_kind.added')" "$LEADERS" "县领导 added as a group"
expect_rc 2 dd sms recipients "$W" --add 县委
expect_err_has "neither a mainland mobile number, a contact id nor a group of the contact book"
expect_rc 0 dd sms recipients "$W"
expect_out_has "橙色预警"
expect_out_has "1 SMS each"
expect_out_has "not a mainland mobile number, not sent: (示例)孙信息 1390000"

# sent before the daemon runs: the messages wait in its outbox
expect_rc 0 dd sms send "$W"
expect_err_has "not a mainland mobile number, not sent: (示例)赵乡长"
expect_out_has "queued $EXPECTED messages (0 had it already)"
expect_out_has "handed to the channel $EXPECTED"
expect_eq "$(ls "$SPOOL/outbox" | grep -c '^OUT')" "$EXPECTED" "files in gammu's outbox"
expect_rc 0 dd log list --json
expect_true "the duty log says it was sent" grep -q "预警短信" "$OUT"
# again: nobody twice
expect_rc 0 dd sms send "$W"
expect_out_has "queued 0 messages ($EXPECTED had it already)"
expect_eq "$(ls "$SPOOL/outbox" | grep -c '^OUT')" "$EXPECTED" "files after sending again"

# the daemon sends them
gammu-smsd -c "$TMP/smsdrc" >"$TMP/smsd.out" 2>&1 &
BG_PIDS+=($!)
all_sent() { [ "$(ls "$SPOOL/sent" | grep -c '^OUT')" -eq "$EXPECTED" ]; }
wait_until 120 "gammu-smsd sends every message" all_sent
pass
expect_eq "$(grep -c 'Transmitted' "$TMP/smsd.log")" "$EXPECTED" "messages the daemon transmitted"

# answers come to the dummy phone: 收到, a delivery report, a plain reply
P1=13900000001 P2=13900000002 P3=13900000003
put_sms() { # N NUMBER TEXT PDU
	local hex
	hex=$(printf '%s' "$3" | iconv -f utf-8 -t utf-16be | od -An -tx1 | tr -d ' \n' | tr a-f A-F)
	cat >"$TMP/phone/sms/1/.$1" <<SMS
[SMSBackup000]
SMSC = "123456"
Sent = 20261128T181000
DateTime = 20261128T181000
State = UnRead
Number = "+86$2"
Text00 = $hex
Coding = Unicode_No_Compression
Folder = 1
Length = ${#3}
PDU = $4
SMS
	mv "$TMP/phone/sms/1/.$1" "$TMP/phone/sms/1/$1"
}
# (and the network's reports that one never arrived and one is pending:
# gammu's status texts, not answers)
P4=$(sqlite3 "$DUTYDESK_DB" "SELECT phone FROM sms_message WHERE phone NOT IN ('$P1','$P2','$P3')
	ORDER BY phone LIMIT 1")
P5=$(sqlite3 "$DUTYDESK_DB" "SELECT phone FROM sms_message WHERE phone NOT IN ('$P1','$P2','$P3','$P4')
	ORDER BY phone LIMIT 1")
put_sms 1 $P1 "收到，马上组织巡查" Deliver
put_sms 2 $P2 "Delivered" Status_Report
put_sms 3 $P3 "好的" Deliver
put_sms 4 "$P4" "Failed" Status_Report
put_sms 5 "$P5" "Pending" Status_Report
five_in() { [ "$(ls "$SPOOL/inbox" | grep -c '^IN')" -eq 5 ]; }
wait_until 60 "gammu-smsd receives the five answers" five_in
pass
expect_rc 0 dd sms run --once
expect_out_has "replies 2 (confirmed 1), delivery reports 3"
expect_rc 0 dd sms status "$W" --json
expect_eq "$(json_get .sent)" $((EXPECTED - 1)) "sent (all but the one the network could not deliver)"
expect_eq "$(json_get .confirmed)" 1 "confirmed"
expect_eq "$(json_get .delivered)" 2 "delivered (the report, and the one who confirmed)"
expect_eq "$(json_get .failed)" 1 "failed (the network's report)"
expect_eq "$(json_get .unconfirmed)" $((EXPECTED - 1)) "not confirmed"
expect_eq "$(sqlite3 "$DUTYDESK_DB" "SELECT state || ',' || coalesce(reply, '') FROM sms_message WHERE phone = '$P4'")" \
	"failed," "the message the network could not deliver: failed, no reply"
expect_eq "$(sqlite3 "$DUTYDESK_DB" "SELECT state || ',' || coalesce(reply, '') FROM sms_message WHERE phone = '$P5'")" \
	"sent," "a pending report changes nothing"
expect_eq "$(json_get '[.waiting[].phone] | index("13900000001")')" null "the one who confirmed is not listed"
expect_rc 0 dd log list --json
expect_true "the duty log says it never arrived, so that someone phones" \
	grep -q "预警短信发送失败：$P4（运营商回执：未送达）" "$OUT"
expect_rc 0 dd sms status
expect_out_has "sent $((EXPECTED - 1))  delivered 2  confirmed 1  unconfirmed $((EXPECTED - 1))  failed 1"
expect_out_has "(示例)王书记"
# read again: nothing taken twice
expect_rc 0 dd sms run --once
expect_out_has "replies 0 (confirmed 0), delivery reports 0"
# a reply by hand (a phone call), confirming with a configured word
expect_rc 0 dd sms reply "+86 139 0000 0003" 已收到
expect_out_has "confirmed"
# a later answer keeps the confirmation
expect_rc 0 dd sms reply $P1 谢谢提醒
expect_rc 0 dd sms status "$W" --json
expect_eq "$(json_get .confirmed)" 2 "confirmed after a later answer from one who confirmed"
expect_rc 1 dd sms reply 13700000000 收到
expect_err_has "no warning was sent to this number"

# kill -9 after handing three messages and before marking them: the next
# run hands the rest, and the daemon sends nobody a second message
expect_rc 0 dd warning add --colour red --townships '桑壁镇,坡头乡' --until '2026-11-29 12:00'
W2=$(cat "$OUT")
DUTYDESK_SMS_KILL_AFTER=3 run dd sms send "$W2"
expect_eq "$RC" 137 "killed in the middle of sending"
expect_eq "$(sqlite3 "$DUTYDESK_DB" "SELECT count(*) FROM sms_message WHERE warning_id = '$W2' AND state = 'sending'")" \
	"$EXPECTED" "claimed and never marked"
expect_rc 0 dd sms run --once
expect_out_has "handed to the channel $((EXPECTED - 3)), already there 3"
all_sent2() { [ "$(ls "$SPOOL/sent" | grep -c '^OUT')" -eq $((EXPECTED * 2)) ]; }
wait_until 120 "gammu-smsd sends the second warning" all_sent2
pass
dup=$(ls "$SPOOL/sent" | sed -E 's/^OUT[A-Z][0-9]+_[0-9]+_[0-9]+_([0-9+]+)_.*/\1/' | sort | uniq -c | awk '$1 != 2')
expect_eq "$dup" "" "every phone given exactly one message per warning"
expect_eq "$(twice)" "" "one row per phone and warning"
expect_eq "$(grep -c 'Transmitted' "$TMP/smsd.log")" $((EXPECTED * 2)) "messages the daemon transmitted"

# a message gammu-smsd could not send lands in its error folder: failed,
# and in the duty log for the officer to phone
kill "${BG_PIDS[0]}" && wait "${BG_PIDS[0]}" 2>/dev/null
BG_PIDS=()
key=$(sqlite3 "$DUTYDESK_DB" "SELECT key FROM sms_message WHERE warning_id = '$W2' AND phone = '13900000002'")
f=$(ls "$SPOOL/sent" | grep "_${key}.txt")
mv "$SPOOL/sent/$f" "$SPOOL/error/$f"
expect_rc 0 dd sms run --once
expect_out_has "failed 1"
expect_rc 0 dd sms status "$W2" --json
expect_eq "$(json_get .failed)" 1 "failed"
expect_rc 0 dd log list --json
expect_true "the failure is in the duty log" grep -q "预警短信发送失败：13900000002" "$OUT"
expect_rc 0 dd sms run --once
expect_out_has "failed 0"
# a prefix two warnings share names neither
expect_rc 2 dd sms recipients "${W:0:4}"
expect_err_has "more than one starts so"
