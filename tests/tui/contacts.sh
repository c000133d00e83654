#!/bin/bash
# The contact book in the console: :contacts TEXT finds people by pinyin
# initials (zsj: 张建军, 党委书记); c on an incident logs a call to a
# contact picked by initials into its timeline; c on a hazard point logs
# it in the duty log, about the point.
. "$(dirname "$0")/lib.sh"
make_demo
N=永和-2026-0004 # the incidents pane's top row (panes.sh)

start 100 30
wait_for "sync"

# ---- :contacts zsj: 张书记 by initials, no one else ----
keys :
type_text 'contacts zsj'
keys Enter
wait_for "Contacts found by 'zsj'"
wait_for "张建军"
expect_screen_has "芝河镇人民政府"
expect_screen_lacks "薛波"
keys Escape
wait_gone "Contacts found by"

# ---- c on an incident: pick by initials, say how it went ----
keys 1
wait_for "$N"
keys g
wait_selected "$N"
keys c
wait_for "Call a contact"
wait_for_re "Incident \\(its timeline\\) +$N"
keys Enter
type_text 'zsj'
wait_for "张建军 · 党委书记"
wait_for "曾广 · 党委书记" # 曾 is zēng too
wait_gone "高明亮"
keys Enter
wait_for_re "Contact\\* +张建军"
type_text '已接通，张书记马上赶到现场'
keys C-s
wait_for "call logged"
wait_gone "Call a contact"
tl=$(dd incident show "$N" --json) || fail "incident show failed"
expect_eq "$(jq -r '[.timeline[] | select(.text != null and (.text | contains("张建军")))] | length' <<<"$tl")" 1 \
	"one timeline entry names 张建军"
expect_contains "$(jq -r '.timeline[] | select(.text != null and (.text | contains("张建军"))) | .text' <<<"$tl")" \
	"已接通，张书记马上赶到现场" "the outcome in the timeline"
expect_eq "$(dd contact show 张建军 --json | jq '.calls | length')" 1 "the call on 张建军's record"

# ---- c on a hazard point: the duty log, about the point ----
keys 2
wait_for "141032-HP-"
keys g
sel=$(selected_line)
code=$(grep -oE '141032-HP-[0-9]+' <<<"$sel" | head -1)
[ -n "$code" ] || fail "no hazard selected: '$sel'"
keys c
wait_for "Call a contact"
wait_for_re "About \\(a point, a team \\.\\.\\.\\) +$code"
keys Enter
type_text '燕军'
wait_for "燕军 · 灾害信息员"
keys Enter
wait_for_re "Contact\\* +燕军"
type_text '无人接听'
keys C-s
wait_for "call logged"
log=$(dd log list --json) || fail "log list failed"
expect_contains "$(jq -r '.[].text' <<<"$log")" "燕军" "the duty log names 燕军"
expect_contains "$(jq -r '.[] | select(.text | contains("燕军")) | .text' <<<"$log")" "无人接听" \
	"the duty log has the outcome"
expect_contains "$(jq -r '.[] | select(.text | contains("燕军")) | .text' <<<"$log")" "$code" \
	"the duty log says what the call was about"
check_widths
