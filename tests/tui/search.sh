#!/bin/bash
# Pane 2: '/' searches as you type (Chinese text), Enter keeps the match
# selected, n / N go to the next / previous match, Esc clears the search.
. "$(dirname "$0")/lib.sh"
make_demo

# The village 辛庄 from the demo register: the hazard points named after it,
# in code order (the pane's order).
csv=${DUTYDESK_DATA:?}/demo/geohazards.csv
mapfile -t codes < <(awk -F, '$2 ~ /辛庄/ {print $1}' "$csv" | sort)
expect_eq "${#codes[@]}" 2 "hazards named after 辛庄 in $csv"
first=${codes[0]} second=${codes[1]}

start 80 24
wait_for "sync"
keys 2
wait_for "[2 Hazards]"
wait_for "141032-HP-001"
wait_selected "141032-HP-001"

keys /
wait_for_re "^/ *\$"
type_text "辛"
wait_for "/辛"
# incremental: a match is selected before Enter
wait_selected "辛"
type_text "庄"
wait_for "/辛庄"
keys Enter
wait_for "filter: all  /辛庄"
wait_selected "$first"
sel=$(selected_line)
expect_contains "$sel" "辛庄" "the selected row holds the text searched for"
check_widths

keys n
wait_selected "$second"
sel=$(selected_line)
expect_contains "$sel" "辛庄" "n: the next match holds the text"
# no third match: says so, the selection stays
keys n
wait_for "not found: 辛庄"
wait_selected "$second"
keys N
wait_selected "$first"

# a search with no match at all: n says so
keys /
wait_for_re "^/ *\$"
type_text "不存在的地名"
wait_for "/不存在的地名"
keys Enter
wait_for "filter: all  /不存在的地名"
keys n
wait_for "not found: 不存在的地名"
check_widths

# a match already on the screen: the selection moves, the page stays (no
# page to read again, and only two rows to send)
keys Escape
wait_gone "/不存在的地名" # ESC and a key read together are Alt+key
keys 1
wait_for "[1 Incidents]"
first_row() { screen | sed -n 5p | awk '{print $1}'; } # the number (the due column ticks)
wait_eq "the incidents' first row" "永和-2026-0004" first_row
keys /
wait_for_re "^/ *\$"
type_text "2026-0001"
wait_selected "永和-2026-0001"
expect_eq "$(first_row)" "永和-2026-0004" "the first row stays while the match is on screen"
keys Enter
wait_selected "永和-2026-0001"
keys N
wait_for "not found: 2026-0001"
