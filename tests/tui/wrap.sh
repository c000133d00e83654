#!/bin/bash
# Long text wraps, in Chinese at 80x24: by display width, never splitting
# a character, every word shown.
#  - an incident's timeline (a follow-up of some 200 characters) in its
#    detail; the detail stops at its end however far it is paged
#  - a checklist item's whole text, under the list and in its record
#  - the daily report (:report daily): each entry's own text in the content
#    column, wrapped under it, a change of state in words
#  - the duty log (:log): the whole text of an entry, its times as
#    "12-07 19:29" like every screen
#  - the help (?): a command's long description
#  - a long error on the message line
. "$(dirname "$0")/lib.sh"
make_demo

END1=末尾标记甲乙丙

# wait_for_flowed TEXT: TEXT on the screen, perhaps wrapped onto the next
# lines of its column (the lines joined, their leading blanks dropped).
wait_for_flowed() {
	local deadline=$((SECONDS + WAIT))
	while :; do
		screen 2>/dev/null | sed 's/^ *//' | tr -d '\n' | grep -qF -- "$1" && { pass; return 0; }
		[ "$SECONDS" -ge "$deadline" ] && break
		sleep 0.05
	done
	fail "'$1' did not appear, even wrapped, within ${WAIT}s"
}
NOTE1="续报：经现场核实，火场位于乾坤湾村后山，过火面积约三亩，县森林消防队二十人已到场扑救，明火已于十一时二十分扑灭，正在清理烟点，无人员伤亡。Fire crew of 20 from the county station arrived at 11:05 and the flames were out by 11:20.$END1"
dd incident note 永和-2026-0004 "$NOTE1" --kind follow_up >/dev/null || fail "incident note failed"
dd incident note 永和-2026-0004 "续报二：烟点已全部清理，扑救队伍撤离，留守看护人员五名。" --kind follow_up >/dev/null ||
	fail "incident note failed"
dd plan activate geohazard --level IV --incident 永和-2026-0002 >/dev/null || fail "plan activate failed"
# The entries are stamped now: the daily report that holds them is today's
# when it is before 08:00, else tomorrow's.
if [ "$(date +%H)" -lt 8 ]; then DAY=$(date +%F); else DAY=$(date -d tomorrow +%F); fi

start_zh 80 24

# ---- the timeline: the follow-up whole, the detail clamped at its end ----
keys 1
wait_for "永和-2026-0001"
keys g
wait_selected "永和-2026-0004"
keys Enter
wait_for "# 永和-2026-0004"
keys PgDn
wait_for "$END1"
check_widths
keys PgDn PgDn PgDn PgDn PgDn j j j
# still the end, not a blank screen
wait_for "留守看护人员五名。"
wait_for "$END1"
keys Escape

# ---- a checklist item, whole: under the list, and opened ----
keys 4
wait_for "永和-2026-0002 geoha"
keys g
wait_for_re "^ 接报后立即核实灾险情，30分钟内电话报告"
wait_for_re "^ +源局$" # the end of the item, on a row of its own
check_widths
keys Enter
wait_for "# iv-receive"
wait_for_re "^ +源局$"
check_widths
keys Escape

# ---- the daily report: each entry's own text, wrapped, states in words ----
keys :
type_text "report daily --date $DAY"
keys Enter
wait_for "值班日报 $DAY"
keys PgDn PgDn PgDn PgDn PgDn PgDn
wait_for "$END1"
wait_for "留守看护人员五名。"
check_widths
keys PgUp
wait_for "已结束"
expect_screen_lacks "closed"
# the content column is the entry's text, not its incident's title again
wait_for_re "永和-2026-0001 +测试员 +坡体局部崩落约200立方"
keys Escape

# ---- the duty log: the whole text of an entry; times as the screens show them ----
keys :
type_text "log"
keys Enter
wait_for "永和-2026-0004"
keys PgDn PgDn PgDn PgDn PgDn PgDn
wait_for_flowed "$END1"
check_widths
last=$(dd log list --json | jq -r '.[-1].at') # 2026-12-07T19:29:00+08:00
wait_for "${last:5:5} ${last:11:5}  续报"
expect_screen_lacks "${last:0:10}"
keys Escape

# ---- the help: a command's description whole ----
keys '?'
wait_for "# 按键"
page_to ":export FILE.csv" "the help"
wait_for "动作导出)"
check_widths
keys Escape

# ---- a long error: every word, on two lines ----
keys :
type_text "incident note 永和-2026-0004 x --kind nonsense_kind_that_is_long"
keys Enter
wait_for "nonsense_kind_that_is_long"
wait_for "final_report"
check_widths
