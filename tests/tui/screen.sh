#!/bin/bash
# The screen, in Chinese:
#  - 130 columns: the incidents list keeps its title column beside the
#    record; a record opens at its top, not where the last one was left
#  - 80x24: a record opened again opens at its top; the help pages with
#    Space and PgDn and stops at its end
#  - TERM=vt100 without colour: the chosen row of a pick list is marked ">",
#    a cut cell ends in "~"
#  - words: checklist rows name their incident; experts' fields, an
#    incident's closing and times in one form ("11-28 10:30", never
#    "2026-10-25T09:30"); every hazard point with households has them listed
. "$(dirname "$0")/lib.sh"
make_demo

# A record longer than a screen: four notes on 永和-2026-0004.
for i in 1 2 3 4; do
	dd incident note 永和-2026-0004 "第${i}次续报：现场火势已得到控制，扑救队伍正在清理烟点，下一次续报在一小时后。" \
		--kind follow_up >/dev/null || fail "incident note failed"
done
dd plan activate geohazard --level IV --incident 永和-2026-0002 >/dev/null || fail "plan activate failed"

# ---- 130 columns: every column of the list, and the record beside it ----
start_zh 130 24
keys 1
wait_for "永和-2026-0001"
wait_for_re "时限 标题 +│"
keys g
wait_selected "永和-2026-0004"
wait_for "# 永和-2026-0004  打石腰乡乾坤湾村山林起火"
check_widths
# scrolled down in the record, then opened again: at its top
keys Enter PgDn
wait_for "第4次续报"
wait_gone "# 永和-2026-0004"
keys Escape Enter
wait_for "# 永和-2026-0004"
keys Escape
tm kill-session -t "$SESSION"

# ---- 80x24: the record opened again opens at its top ----
start_zh 80 24
keys 1
wait_for "永和-2026-0001"
keys /
type_text 山林起火
keys Enter
wait_selected "永和-2026-0004"
keys Enter
wait_for "# 永和-2026-0004"
keys PgDn PgDn PgDn
wait_for "第4次续报"
wait_gone "# 永和-2026-0004"
keys Escape
wait_for "筛选: 全部"
keys Enter
wait_for "# 永和-2026-0004"
keys Escape

# ---- the help pages and stops at its end ----
keys '?'
wait_for "# 按键"
keys Space
wait_gone "# 按键"
keys PgDn PgDn PgDn PgDn PgDn PgDn PgDn PgDn PgDn PgDn PgDn PgDn Space Space Space
# the last command is on screen, not a blank page
wait_for ":conflicts"
keys g
wait_for "# 按键"
keys Escape

# ---- words ----
# checklist rows name the incident they answer
keys 4
wait_for_re "^永和-2026-0002 geoha"
# experts' fields in words
keys 3
wait_for "CK-00"
keys v v
wait_for "ZJ-01"
wait_for "地质"
expect_screen_lacks "geology"
# a closed incident's state, in words, in its timeline
keys 1
wait_for "永和-2026-0005"
keys G
wait_selected "永和-2026-0005"
keys Enter
wait_for "# 永和-2026-0005"
keys PgDn
wait_for "已结束"
expect_screen_lacks "closed"
keys Escape
# one form of time: no ISO "T" between date and time
keys 2
wait_for "141032-HP-001"
keys Enter
wait_for "# 141032-HP-001"
keys PgDn
wait_for_re "最近巡查 +[0-9-]*[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]"
! screen | grep -qE '[0-9]T[0-9][0-9]:' || fail "an ISO time (…T09:30) on the screen"
pass
keys Escape
tm kill-session -t "$SESSION"

# every hazard point's households are listed as many as the register says
bad=$(dd hazard list --kind geohazard --json | jq -r '.[] | select(.households > 0) | .code' |
	while read -r code; do
		dd hazard households "$code" --json |
			jq -r --arg c "$code" 'select(.total_households == 0) | $c'
	done)
[ -z "$bad" ] || fail "hazard points with households but no household list: $bad"
pass
expect_eq "$(dd hazard list --kind geohazard --township 桑壁镇 --json |
	jq -r '[.[] | select(.subtype == "landslide")] | "\(map(.households) | add) \(map(.people) | add)"')" \
	"19 68" "桑壁镇 landslide points in the register"
sum=0
for code in $(dd hazard list --kind geohazard --township 桑壁镇 --json |
	jq -r '.[] | select(.subtype == "landslide") | .code'); do
	sum=$((sum + $(dd hazard households "$code" --json | jq -r .total_households)))
done
expect_eq "$sum" 19 "households listed for 桑壁镇's landslide points"

# ---- vt100 without colour: the pick list marks its choice ----
start_zh 80 24 TERM=vt100 NO_COLOR=1
keys 1
wait_for "永和-2026-0001"
# a cut cell ends in "~": a vt100 has no "…"
wait_for "森林草~"
expect_screen_lacks "…"
keys a
wait_for "新增事件"
keys Tab Enter
wait_for_re "^ +类型\*"
wait_for_re "^.{10,} > [^ ]"
first=$(screen | grep -E '^.{10,} > [^ ]')
keys Down
wait_for_re "^.{10,} > [^ ]"
second=$(screen | grep -E '^.{10,} > [^ ]')
[ "$first" != "$second" ] || fail "the > mark did not move with Down: '$first'"
pass
check_widths
