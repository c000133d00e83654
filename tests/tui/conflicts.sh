#!/bin/bash
# Sync conflicts in the console: :conflicts (the CLI's verb, its table in a
# view that scrolls sideways) lists the values that lost a merge (what was
# kept, what was lost, from which office); :resolve ID keep (the shortcut of
# `conflicts resolve ID --keep`) marks one reviewed; :resolve ID take writes
# the lost value back, as a new change of this office's. The CLI agrees
# after each.
. "$(dirname "$0")/lib.sh"
need sqlite3
make_demo
HID=$(sqlite3 "$DB" "SELECT id FROM hazard WHERE code = '141032-HP-001'")
PHONE=$(sqlite3 "$DB" "SELECT monitor_phone FROM hazard WHERE code = '141032-HP-001'")
# two values that lost to newer changes from other offices
sqlite3 "$DB" "INSERT INTO sync_conflict (tbl, row_id, field, kept, lost, lost_hlc, lost_node, at)
	VALUES ('hazard', '$HID', 'monitor_phone', '\"$PHONE\"', '\"13800000001\"', '0190000000000000', 'sangbi', 1795860000),
	       ('hazard', '$HID', 'monitor', '\"贺丹\"', '\"李四\"', '0190000000000001', 'zhihe', 1795860060)" ||
	fail "setting up the conflicts"
pass

start 80 24
wait_for "sync"
keys :
type_text "conflicts"
keys Enter
wait_for "FIELD          KEPT"
wait_for_re "1 +hazard .* monitor_phone +\"$PHONE\" +\"13800000001\" +sangbi"
expect_screen_has "monitor  "
check_widths
# the rest of the table is off to the right
keys l l l l l l
wait_for "to review"
expect_screen_has "STATE"
check_widths
keys Escape
wait_gone "to review" # ESC and a key read together are Alt+key

# keep the value that won: reviewed, the record unchanged
keys :
type_text "resolve 1 keep"
keys Enter
wait_for "conflict 1 resolved: the kept value stays"
expect_eq "$(dd conflicts --json | jq -r '[.[].id] | join(",")')" 2 "conflicts left to review"
expect_eq "$(dd hazard show 141032-HP-001 --json | jq -r .monitor_phone)" "$PHONE" "the phone kept"

# take the lost value back: the record changes, and the change is queued to sync
OUTBOX=$(sqlite3 "$DB" "SELECT count(*) FROM outbox")
keys :
type_text "resolve 2 take"
keys Enter
wait_for "conflict 2 resolved: the lost value is back"
expect_eq "$(dd hazard show 141032-HP-001 --json | jq -r .monitor)" 李四 "the monitor taken back"
expect_eq "$(dd conflicts --json | jq length)" 0 "conflicts left to review"
expect_eq "$(sqlite3 "$DB" "SELECT count(*) FROM outbox")" $((OUTBOX + 1)) "ops queued by taking it back"

# nonsense is refused and says how
keys :
type_text "resolve x"
keys Enter
wait_for "usage: :resolve ID keep|take"
keys :
type_text "resolve 99 keep"
keys Enter
wait_for "conflict 99: no such conflict"
keys :
type_text "conflicts"
keys Enter
wait_for "no conflicts to review"
