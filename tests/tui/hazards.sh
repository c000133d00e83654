#!/bin/bash
# Pane 2, hazards: the summary line reads the plan's figures; the filter
# form selects by township, kind, danger grade and overdue inspection and
# the list and its summary agree with `dutydesk hazard list` under the
# same filter; v shows the map (braille outlines, symbols by kind, legend),
# z zooms to a township, moving the selection moves the marked point; Space
# ticks households evacuated; an abnormal inspection offers the incident
# form about the point. 80x24 and 120x40.
. "$(dirname "$0")/lib.sh"
make_demo
count() { dd hazard list --json "$@" | jq length; }

start 80 24
wait_for "sync"
keys 2
wait_for "[2 Hazards]"
wait_for "180 geohazard points (large 6, medium 10, small 164; road 35)"
check_widths

# ---- the filter form: township 桑壁镇, kind geohazard ----
keys f
wait_for "Show hazards (empty: any)"
keys Enter
type_text '桑壁'
wait_for "桑壁镇"
keys Enter
wait_for_re "Township +桑壁镇"
keys Enter
type_text 'geohazard'
keys Enter
wait_for_re "Kind +geological hazard point"
keys C-s
wait_for "township: 桑壁镇"
wait_for "filter: geological hazard point"
N=$(count --township 桑壁镇 --kind geohazard)
[ "$N" -gt 0 ] || fail "no geohazards in 桑壁镇 in the demo"
pass
wait_for "$N geohazard points ("
expect_screen_lacks "fire key units"
# every row on screen is in 桑壁镇 (and there are rows)
s=$(screen)
rows=$(grep -c '^141032-HP-' <<<"$s")
[ "$rows" -gt 0 ] || fail "no hazard rows on the screen under the filter"
pass
expect_eq "$(grep '^141032-HP-' <<<"$s" | grep -c ' 桑壁镇 ')" "$rows" "rows of 桑壁镇"
check_widths

# ---- danger grade, overdue inspection, inside a warning (阁底乡) ----
dd warning add --colour yellow --townships 阁底乡 >/dev/null || fail "warning add"
pass
keys f
wait_for "Show hazards (empty: any)"
keys BSpace Tab BSpace Tab Tab Tab Enter
type_text 'small'
wait_for "small (under 100)"
keys Enter
wait_for_re "Danger \\(people threatened\\) +small \\(under 100\\)"
keys Tab Enter
type_text 'yes'
keys Enter
wait_for_re "Inspection overdue +yes"
keys Enter
type_text 'yes'
keys Enter
wait_for_re "Inside a warning in force +yes"
keys C-s
wait_for "filter: danger small · inspection overdue · inside a warning"
expect_screen_lacks "township: "
N=$(count --danger small --overdue --in-warning)
M=$(count --overdue)
[ "$N" -gt 0 ] && [ "$N" -lt "$M" ] || fail "demo: $N small overdue in the warning of $M overdue (want 0 < N < M)"
pass
wait_for "$N geohazard points ("
# the rows are the CLI's, in code order, all in 阁底乡 (the first page:
# all N, or as many as fill the screen)
s=$(screen)
shown=$(grep -oE '^141032-[A-Z]+-[0-9]+' <<<"$s" | paste -sd' ')
n_shown=$(wc -w <<<"$shown")
[ "$n_shown" -gt 0 ] && { [ "$n_shown" -eq "$N" ] || [ "$n_shown" -ge $((HEIGHT - 8)) ]; } ||
	fail "$n_shown rows on the screen of the $N under the filter"
pass
echo "rows under the second filter: $n_shown on the screen of $N"
want=$(dd hazard list --danger small --overdue --in-warning --json | jq -r '[.[].code] | sort | .[]' |
	head -n "$n_shown" | paste -sd' ')
expect_eq "$shown" "$want" "rows under danger small + overdue + in the warning"
expect_eq "$(grep '^141032-' <<<"$s" | grep -vc ' 阁底乡 ')" 0 "rows outside the warning's area"
check_widths

# ---- the map of what the filter shows ----
keys f
wait_for "Show hazards (empty: any)"
keys Tab Tab Tab Tab BSpace Tab Tab BSpace Tab BSpace
keys C-s
wait_for "filter: all"
FIRST=$(dd hazard list --json | jq -r '[.[].code] | sort | .[0]')
keys g
wait_selected "$FIRST"
keys v
wait_for "map: county"
wait_for "^geo Ffire Ssource ~flood"
# the selected point is named under the map
wait_for_re "^$FIRST "
# braille outlines: cells U+2801..U+28FF drawn
[ "$(screen | LC_ALL=C grep -c $'\xe2[\xa0-\xa3]')" -gt 5 ] || fail "no braille outlines on the map"
pass
check_widths
# the selection is shared with the list: Down moves the point named below
keys Down
NEXT=$(dd hazard list --json | jq -r '[.[].code] | sort | .[1]')
wait_for_re "^$NEXT "
keys z
wait_for "map: 芝河镇"
keys z
wait_for "map: county"
keys v
wait_gone "map: county"
wait_selected "$NEXT"

# ---- Space: households of the selected point ticked evacuated ----
keys g
wait_selected "141032-HP-001"
keys Space
wait_for "Evacuation, household by household"
keys Enter
type_text 'evacuated'
keys Enter
keys C-s
wait_for "1 households changed"
expect_eq "$(dd hazard households 141032-HP-001 --json | jq '[.households[] | select(.evacuated_at)] | length')" 1 "households evacuated after Space"
wait_gone "Evacuation, household by household"

# ---- an abnormal inspection offers the incident form about the point ----
keys i
wait_for "Inspection 141032-HP-001"
keys Tab Enter
type_text 'abnormal'
keys Enter
keys C-s
wait_for "New incident (phone report)"
wait_for "abnormal result recorded"
wait_for_re "Hazard point +141032-HP-001"
keys C-s
wait_gone "New incident (phone report)"
expect_eq "$(dd incident list --json | jq -r '[.[] | select(.title | test("abnormal on inspection"))] | length')" 1 "incidents opened from the inspection"
expect_eq "$(dd hazard show 141032-HP-001 --json | jq -r '.inspections[0].result')" abnormal "the inspection kept"

# ---- wide, monochrome: the summary whole, the map beside the record ----
tm kill-session -t "$SESSION"
start 200 40 NO_COLOR=1
wait_for "sync"
keys 2
wait_for "180 geohazard points (large 6, medium 10, small 164; road 35) · 36 fire key units"
keys v
wait_for "map: county"
wait_for "^geo Ffire Ssource ~flood"
check_widths
