#!/bin/bash
# Every pane opens by number and by Tab and lists the demo records; the
# header shows the clock and the sync state; nothing is wider than the
# terminal. Wide (132x43): an incident's detail beside the list. Narrow
# (80x24): Enter takes the screen, Esc returns to the list.
. "$(dirname "$0")/lib.sh"
make_demo

clock_re() { # the header's clock: HH:MM (now, or a minute either side)
	local t m
	for m in -1 0 1; do
		t+="${t:+|}$(date -d "$m min" +%H:%M)"
	done
	echo "^ .*sync.* ($t) *\$"
}

check_all_panes() {
	# 0 Overview: the registers' counts
	keys 0
	wait_for "[0 Overview]"
	wait_for "Geological hazard points 180"
	wait_for_re "$(clock_re)"
	check_widths
	# 1 Incidents
	keys 1
	wait_for "[1 Incidents]"
	wait_for "永和-2026-0001"
	wait_for "永和-2026-0006"
	check_widths
	# 2 Hazards
	keys 2
	wait_for "[2 Hazards]"
	wait_for "141032-HP-001"
	check_widths
	# 3 Resources
	keys 3
	wait_for "[3 Resources]"
	wait_for "CK-00"
	check_widths
	# 4 Plans (the demo has no plans: the pane and its columns)
	keys 4
	wait_for "[4 Plans]"
	wait_for_re "^Plan.* +Lvl +State +Due +Task"
	check_widths
	# Tab cycles 4 -> 0 -> 1 -> 2 -> 3; BTab goes back.
	keys Tab
	wait_for "[0 Overview]"
	keys Tab
	wait_for "[1 Incidents]"
	wait_for "永和-2026-0001"
	keys Tab
	wait_for "[2 Hazards]"
	wait_for "141032-HP-"
	keys Tab
	wait_for "[3 Resources]"
	wait_for "CK-00"
	keys BTab
	wait_for "[2 Hazards]"
	expect_screen_lacks "[3 Resources]"
	wait_for_re "$(clock_re)"
}

# ---- 80x24 ----
start 80 24
wait_for "sync"
check_all_panes
keys 1
wait_for "[1 Incidents]"
keys g
wait_for "永和-2026-0004"
wait_selected "永和-2026-0004"
keys j
wait_selected "永和-2026-0003"
# Enter: the record takes the whole screen (no list header, no other rows).
keys Enter
wait_for "# 永和-2026-0003"
wait_for "Timeline"
expect_screen_lacks "Received↓"
expect_screen_lacks "永和-2026-0001"
check_widths
# Esc: back to the list.
keys Escape
wait_for "Received↓"
wait_for "永和-2026-0001"
expect_screen_lacks "# 永和-2026-0003"
check_widths

# ---- 132x43 ----
tm kill-session -t main
use wide
start 132 43
wait_for "sync"
check_all_panes
keys 1
wait_for "[1 Incidents]"
keys g j
keys Enter
# list and detail together: the list's header and rows, the record's heading
wait_for "# 永和-2026-0003"
wait_for "Timeline"
expect_screen_has "Received↓"
expect_screen_has "永和-2026-0001"
expect_screen_has "永和-2026-0006"
# on the same lines: the list left of the divider, the detail right of it
line=$(screen | grep -F "# 永和-2026-0003")
expect_contains "$line" "│" "detail beside the list"
expect_contains "$line" "filter: all" "list status on the detail's first line"
check_widths
