#!/bin/bash
# A watch through the console alone: start a shift, take a phone report in
# the intake form, report it up (首报 by phone) from the timeline form, hand
# the shift over and take it over; then the CLI sees every step, each entry
# stamped with the shift.
. "$(dirname "$0")/lib.sh"
make_demo
TITLE='护国村后山滑坡'

start 80 24
wait_for "sync"
keys :
type_text 'shift start 王明'
keys Enter
wait_for "shift started"

keys 1
wait_for "永和-2026-0001"
keys a
wait_for "New incident (phone report)"
type_text "$TITLE"
keys Tab Enter
type_text '滑坡'
wait_for "滑坡 landslide"
keys Enter
wait_for_re "Type\\* +滑坡 landslide"
keys C-s
wait_for_re "saved 永和-2026-[0-9]{4}"
number=$(screen | grep -oE "saved 永和-2026-[0-9]{4}" | head -1 | cut -d' ' -f2)
wait_gone "New incident (phone report)"

# the new incident is the first row, selected: a 首报 by phone
keys g
wait_selected "$number"
keys t
wait_for "Timeline entry"
keys Enter
type_text 'first_report'
wait_for "initial report"
keys Enter
type_text '电话报告县政府值班室'
keys C-s
wait_for "entry added"
wait_gone "Timeline entry"

# hand over: the handover record shows over the pane
keys :
type_text 'shift handover 李华'
keys Enter
wait_for "handed over"
wait_for "交接班记录"
expect_screen_has "$number"
check_widths
keys Escape
wait_gone "交接班记录"
keys :
type_text 'shift ack 李华'
keys Enter
wait_for "handover acknowledged"

# H: the record's history
keys g
wait_selected "$number"
keys H
wait_for "History of $number"
expect_screen_has "insert"
keys Escape
wait_gone "History of $number" # ESC and a key read together are Alt+key

# :export writes the list as filtered on screen: f to "open", then export
keys f
wait_for "filter: open"
keys :
type_text "export $TMP/open.csv"
keys Enter
wait_for "rows written"
[ "$(head -c 3 "$TMP/open.csv" | od -An -tx1 | tr -d ' ')" = efbbbf ] || fail "export lacks the BOM"
pass
expect_eq "$(sed -n 1p "$TMP/open.csv" | cut -d, -f1 | tail -c +4)" Number "first column of the export"
expect_eq "$(($(wc -l <"$TMP/open.csv") - 1))" "$(dd incident list --open --json | jq length)" \
	"rows exported = open incidents"
grep -q "^$number," "$TMP/open.csv" || fail "the new incident is not in the export"
pass
grep -q "已结束\|closed" "$TMP/open.csv" && fail "a closed incident was exported under the open filter"
pass

# ... and the same list as a workbook when the name ends in .xlsx
keys :
type_text "export $TMP/open.xlsx"
keys Enter
wait_eq "the console wrote open.xlsx" yes sh -c "test -s '$TMP/open.xlsx' && echo yes"
python3 "$(dirname "$0")/../cli/xlsx_cells.py" "$TMP/open.xlsx" >"$TMP/cells" || fail "open.xlsx is not a workbook"
pass
grep -q '^.*!A1 s Number$' "$TMP/cells" || fail "workbook header: $(grep '!A1 ' "$TMP/cells")"
pass
grep -q "frozen ySplit=1" "$TMP/cells" || fail "workbook header row not frozen"
pass
expect_eq "$(grep -c '!A[0-9]* s ' "$TMP/cells")" "$(($(wc -l <"$TMP/open.csv")))" \
	"workbook rows (with the header) = CSV lines"
grep -q "!A[0-9]* s $number\$" "$TMP/cells" || fail "the new incident is not in the workbook"
pass

# what the CLI sees
expect_eq "$(dd shift list --json | jq length)" 2 "shifts after the handover"
expect_eq "$(dd shift list --json | jq -r '.[1].handed_to')" 李华 "handed to"
expect_eq "$(dd shift list --json | jq -r '.[0].officers')" 李华 "the new shift's officer"
show=$(dd incident show "$number" --json)
expect_eq "$(jq -r '[.timeline[] | select(.kind == "first_report")] | length' <<<"$show")" 1 \
	"first reports of $number"
expect_eq "$(jq -r '[.timeline[] | select(.shift == null)] | length' <<<"$show")" 0 \
	"timeline entries without a shift"
expect_eq "$(dd incident list --json | jq -r --arg n "$number" '.[] | select(.number == $n) | .next_due_what')" \
	written_report "what is due after the phone report"
