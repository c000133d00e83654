#!/bin/bash
# The duty roster in the console, on a fixed clock (09:00 on 28 November,
# the demo's day; its roster has 刘海燕 on the day shift, 郭秀英 leading,
# and 高志强 on the night):
#  - the header names the roster's officer and leader, not the login;
#  - the day shift nobody took over by 08:15 is in :tasks and counted in
#    the header's OVERDUE, and leaves both once someone takes it over;
#  - the handover form proposes the night shift's officer; the start form
#    the roster's officer and leader;
#  - in Chinese at 80x24 both names fit.
. "$(dirname "$0")/lib.sh"
make_demo
export DUTYDESK_NOW='2026-11-28 09:00'

start 100 30 DUTYDESK_NOW="$DUTYDESK_NOW"
wait_for "sync"
wait_for "officer: 刘海燕 leader: 郭秀英"
expect_screen_lacks "测试员"
# three reports owed by the demo's incidents, and the shift not taken over
overdue=$(dd task due --json | jq '[.[] | select(.overdue)] | length')
expect_eq "$overdue" 4 "overdue in task due: three reports and the shift"
wait_for "OVERDUE 4"
keys :
type_text tasks
keys Enter
wait_for "day shift not taken over, leader 郭秀英"
keys Escape
wait_gone "not taken over"

# ---- the start form: the roster's officer and leader ----
keys :
type_text 'shift start'
keys Enter
wait_for "Start a shift"
wait_for_re "Officers on duty\\* +刘海燕"
wait_for_re "Leader on duty \\(带班领导\\) +郭秀英"
keys Escape
wait_gone "Start a shift"

# ---- taken over: no longer owed ----
# (the console's own write: on a fixed clock it does not look for others')
keys :
type_text 'shift start 刘海燕'
keys Enter
wait_for "shift started"
wait_for "OVERDUE 3"
keys :
type_text tasks
keys Enter
wait_for "永和-2026-0001"
expect_screen_lacks "not taken over"
keys Escape

# ---- the handover form proposes the next shift's officer ----
keys :
type_text 'shift handover'
keys Enter
wait_for "Hand the shift over"
wait_for_re "Handed to\\* +高志强"
check_widths
keys Escape
wait_gone "Hand the shift over"
tm kill-session -t "$SESSION"

# ---- in Chinese at 80x24 ----
start 80 24 DUTYDESK_NOW="$DUTYDESK_NOW" LANGUAGE=zh_CN \
	"DUTYDESK_LOCALEDIR=$(dirname "$DUTYDESK")/../locale"
wait_for "值班员: 刘海燕 带班: 郭秀英"
wait_for "超时 3"
check_widths
