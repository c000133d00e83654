#!/bin/bash
# The incident form at 80x24 as an officer fills it in, on a fixed clock
# (00:10 on 7 December):
#  - fields below the screen are announced ("↓ N more below"), and above
#    once scrolled; under TERM=vt100 with ASCII arrows;
#  - a pick list: typing filters, Enter chooses and moves on, Tab takes the
#    filtered choice and moves on;
#  - village and hazard-point lists show only the chosen township's; a
#    village picked first fills in the township, another township clears it;
#  - the time field shows the forms it takes; a refused time puts the
#    message under the field and the cursor there, wherever it was;
#    "23:50" just after midnight is last night's;
#  - the saved incident is the one selected in the list;
#  - Tab on the last field stays there: text typed next goes into that
#    field, not into the first field's pick list.
. "$(dirname "$0")/lib.sh"
make_demo
TITLE='桑壁镇护国村滑坡'
NOW='2026-12-07 00:10'

start 80 24 DUTYDESK_NOW="$NOW"
wait_for "sync"
keys 1
wait_for "永和-2026-0001"

# ---- a long form says what is below the screen ----
keys a
wait_for "New incident (phone report)"
wait_for_re "↓ [0-9]+ more below"
expect_screen_lacks "more above"
expect_screen_lacks "Caller's account"
check_widths

# ---- the title; the Type list: typing filters, Enter chooses, moves on ----
type_text "$TITLE"
keys Tab
type_text '滑坡'
wait_for "滑坡 landslide"
keys Enter
wait_for_re "Type\\* +滑坡 landslide"
# the focus went on to Level: Tab to Township, where typing filters and
# Tab takes the filtered choice and moves on
keys Tab
type_text '桑壁'
wait_for "桑壁镇"
keys Tab
wait_for_re "Township +桑壁镇"

# ---- the Village list has only 桑壁镇's villages ----
keys Enter
wait_for "桑壁村 · 桑壁镇"
expect_screen_lacks "芝河镇"
type_text '护国'
wait_for "护国村 · 桑壁镇"
keys Enter
wait_for_re "Village +护国村 · 桑壁镇"

# ---- the Hazard point list too (Place -> ... -> Hazard point) ----
keys Tab Tab Tab Tab Tab Tab Tab Tab Tab Tab Tab
wait_for_re "Hazard point +▾"
type_text '滑坡'
wait_for "桑壁村东山坡滑坡"
expect_screen_lacks "城关社区"
keys Escape
wait_gone "桑壁村东山坡滑坡"
# two fields on, the form has scrolled: the focused one shows, and a sign
keys Tab Tab
wait_for_re "↑ [0-9]+ more above"
wait_for "Measures taken"
check_widths
keys Up Up

# ---- the time: the hint shows what it takes; a bad one is pointed at ----
keys Up Up Up Up Up Up Up Up Up Up # Hazard point -> Occurred
wait_for "昨天 23:50"
wait_for "4日23:50"
type_text '25:70'
wait_for_re "Occurred +25:70"
keys PgUp PgUp PgUp # away from it, to the Title
wait_gone "昨天 23:50"
keys C-s
# the message, whole, beside the field (under it when long); the cursor there
wait_for "'25:70': impossible time: hour must be 00-23"
screen | grep -A1 "Occurred" | grep -qF "hour must be 00-23" ||
	fail "the message is not beside or under the Occurred field"
pass
expect_screen_has "昨天 23:50" # the hint: Occurred has the focus
keys C-u
# a long message wraps under the field, whole
type_text '下午三点半'
keys C-s
wait_for "'下午三点半': not a time; expected like"
wait_for "2026-12-04T23:50:00+08:00"
check_widths
keys C-u
type_text '今天 08:00'
keys C-s
wait_for "2026-12-07 08:00 is in the future"
keys C-u
type_text '23:50'
wait_for_re "Occurred +23:50"
keys C-s
wait_for_re "saved 永和-2026-[0-9]{4}"
number=$(screen | grep -oE "saved 永和-2026-[0-9]{4}" | cut -d' ' -f2)
wait_gone "New incident (phone report)"

# ---- the saved incident is the one selected ----
wait_selected "$number"
json=$(dd incident show "$number" --json) || fail "incident show $number failed"
expect_eq "$(jq -r '[.title, .type, .township_code, .village, .occurred_at] | join(" ")' <<<"$json")" \
	"$TITLE landslide 141032101 护国村 2026-12-06T23:50:00+08:00" "the saved incident"

# ---- Enter in a pick list chooses and moves on; Tab on the last field stays there ----
keys t
wait_for "Timeline entry"
keys Enter # the Kind list
wait_for "dispatch"
keys Down Enter # chooses, moves on to Text
wait_gone "(no match)"
type_text '村民已撤离'
wait_for_re "Text +村民已撤离"
keys NPage NPage # to the last field, Loss
keys Tab # already the last field
type_text '3'
wait_for_re "Loss now \(10k yuan\) +3"
expect_screen_lacks "(no match)"
keys C-s
wait_for "entry added"
expect_eq "$(dd incident show "$number" --json |
	jq -r '[.timeline[] | select(.text == "村民已撤离") | .loss_10k] | join(",")')" \
	3 "the entry typed after the pick list, and the figure after Tab on the last field"

# ---- a village picked first fills in its township; another township
# clears it ----
keys a
wait_for "New incident (phone report)"
keys Tab Tab Tab Tab # Title -> Village
type_text '辛庄'
wait_for "辛庄村 · 桑壁镇"
keys Enter
wait_for_re "Village +辛庄村 · 桑壁镇"
wait_for_re "Township +桑壁镇"
keys Up Up # Place -> Village -> Township
type_text '芝河'
wait_for "芝河镇"
keys Enter
wait_for_re "Township +芝河镇"
wait_gone "辛庄村"
keys Escape
wait_for "Discard the changes? y/n"
keys y
wait_gone "New incident (phone report)"
tm kill-session -t main

# ---- without Unicode (vt100): ASCII signs ----
start 80 24 DUTYDESK_NOW="$NOW" TERM=vt100 NO_COLOR=1
wait_for "sync"
keys 1
wait_for "永和-2026-0001"
keys a
wait_for "New incident (phone report)"
wait_for_re "v [0-9]+ more below"
# (vt100 has no PgDn key)
for _ in $(seq 21); do keys Tab; done
wait_for_re "\\^ [0-9]+ more above"
wait_gone "more below"
check_widths
