#!/bin/bash
# The header line at 80x24: who is on watch (the open shift's officers, else
# the configured name), in the console's own shifts and in another
# process's.
. "$(dirname "$0")/lib.sh"
make_demo

# ---- the officer: the open shift's, else the configured one ----
start 80 24
wait_for "sync"
wait_for "officer: 测试员"
# ---- :shift before any shift: says so, and how to start one ----
keys :
type_text 'shift'
keys Enter
wait_for "no shift has been started yet"
wait_for ":shift start NAME"
expect_screen_lacks "no such shift"
keys :
type_text 'shift start 王明'
keys Enter
wait_for "shift started"
wait_for "officer: 王明"
expect_screen_lacks "测试员"

keys :
type_text 'shift handover 李华'
keys Enter
wait_for "handed over"
# between the handover and its acknowledgement no shift is open
wait_for "officer: 测试员"
keys Escape
wait_gone "handed over" # ESC and a key read together are Alt+key
keys :
type_text 'shift ack 李华'
keys Enter
wait_for "your shift has started"
wait_for "officer: 李华"

# another process hands over and the next officer takes over, in a later
# second than the console's handover: `shift ack` takes the latest handover
# by its time, which is kept in seconds
t0=$(date +%s)
deadline=$((SECONDS + 5))
until [ "$(date +%s)" -gt "$t0" ]; do
	[ "$SECONDS" -lt "$deadline" ] || fail "the clock did not move on within 5s"
	sleep 0.05
done
dd shift handover --to 张强 >/dev/null || fail "shift handover from the CLI"
wait_for "officer: 测试员"
dd shift ack --name 张强 >/dev/null 2>"$TMP/ack.err" || fail "shift ack from the CLI: $(cat "$TMP/ack.err")"
wait_for "officer: 张强"
check_widths

# ---- stock alerts and warnings in force, apart ----
# The demo's eight stock alerts are not weather warnings; a warning counts
# while its `until` has not passed.
wait_for "stock alerts 8"
wait_for "warnings 0"
dd log add 县气象局暴雨黄色预警 --kind warning --colour yellow \
	--until "$(date -d '+1 day' '+%Y-%m-%d %H:%M')" >/dev/null || fail "log add (in force)"
dd log add 县气象局大风蓝色预警 --kind warning --colour blue \
	--until "$(date -d '-1 day' '+%Y-%m-%d %H:%M')" >/dev/null || fail "log add (past)"
wait_for "warnings 1"
expect_screen_has "stock alerts 8"
expect_screen_has "officer: 张强"
check_widths

# ---- the overdue count is what :tasks marks overdue ----
# A warning received an hour ago: its two tasks (10 and 30 minutes) are
# late, and count beside the demo's four incidents owing a report.
wait_for "OVERDUE 4"
dd log add 县气象局暴雨橙色预警 --kind warning --colour orange \
	--at "$(date -d '-1 hour' '+%Y-%m-%d %H:%M')" \
	--until "$(date -d '+1 day' '+%Y-%m-%d %H:%M')" >/dev/null || fail "log add (an hour ago)"
overdue=$(dd task due --json | jq '[.[] | select(.overdue)] | length')
expect_eq "$overdue" 6 "overdue in task due: four reports, two warning tasks"
wait_for "OVERDUE 6"
keys :
type_text tasks
keys Enter
wait_for "电话报告带班领导"
expect_eq "$(screen | grep -cE '^ *([0-9]{4}-)?[0-9]{2}-[0-9]{2} [0-9:]{5} +yes ')" 6 "overdue rows of :tasks"
keys Escape

# ---- in Chinese ----
DB=$TMP/zh.db
make_demo
tm kill-session -t "$SESSION"
start 80 24 LANGUAGE=zh_CN "DUTYDESK_LOCALEDIR=$(dirname "$DUTYDESK")/../locale"
wait_for "值班员: 测试员"
keys :
type_text 'shift'
keys Enter
wait_for "尚未开始任何班次"
wait_for ":shift start 姓名"
wait_for "物资预警 8"
wait_for "预警 0"
keys :
type_text 'shift start 欧阳明'
keys Enter
dd log add 暴雨橙色预警 --kind warning --colour orange \
	--until "$(date -d '+2 hours' '+%Y-%m-%d %H:%M')" >/dev/null || fail "log add (zh)"
wait_for " 预警 1"
expect_screen_has "值班员: 欧阳明"
check_widths
