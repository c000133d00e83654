#!/bin/bash
# Records that move between townships. The county moves 桑壁镇's incident
# to 坡头乡: the hub gives the incident and everything under it the new
# owner and logs their ops again for it, so 坡头乡's next pull brings the
# whole record (its timeline too); 桑壁镇 learns of the move, keeps a
# read-only copy, and its later writes are refused with the reason, at the
# node before anything is written, and at the hub if they were made
# before it knew. A township cannot move a record itself. Digests agree
# in every scope.
. "$(dirname "$0")/lib.sh"

expect_rc 0 hub init
enrol sangbi --township 桑壁镇
enrol potou --township 坡头乡
enrol county --county
expect_rc 0 node sangbi init --node sangbi --township 桑壁镇
expect_rc 0 node potou init --node potou --township 坡头乡
expect_rc 0 node county init --node county --county
start_hub 0
timeline_of() { node "$1" incident show "$INC" --json >"$OUT" && json_get '.timeline | length'; }
township_of() { node "$1" incident show "$INC" --json >"$OUT" && json_get '.township_code // .incident.township_code'; }

# ---- 桑壁镇's incident, with two reports ----
expect_rc 0 node sangbi incident add --title 后山滑坡 --type landslide --township 桑壁镇 --json
INC=$(json_get .number)
expect_rc 0 node sangbi incident note "$INC" 续报一 --deaths 1
expect_rc 0 node sangbi incident note "$INC" 续报二 --injured 2
sync_until sangbi "$HUB_URL"
sync_until potou "$HUB_URL"
sync_until county "$HUB_URL"
expect_rc 1 node potou incident show "$INC"

# ---- a township cannot move its record: refused before anything is written ----
db_snapshot "$TMP/sangbi.db"
expect_rc 1 node sangbi incident move "$INC" 坡头乡
expect_err_has "only the county can move a record between townships"
expect_db_unchanged "sangbi after its refused move" "$TMP/sangbi.db"

# ---- the county moves it ----
expect_rc 0 node county incident move "$INC" 坡头乡
expect_out_has "moved to 坡头乡"
sync_until county "$HUB_URL"
SEEN=$(timeline_of county)

# 桑壁镇 writes before it has heard of the move: the hub refuses, and says why
expect_rc 0 node sangbi incident note "$INC" 续报三
sync_until sangbi "$HUB_URL"
expect_true "sangbi's late note is refused and parked" \
	bash -c "grep -q 'parked 1' '$TMP/sync.out'"
expect_rc 0 node sangbi sync --status
expect_out_has "belongs to township 坡头乡"
expect_eq "$(township_of sangbi)" 141032202 "sangbi's copy says where the incident went"

# 坡头乡 gets the whole record at its next pull
sync_until potou "$HUB_URL"
expect_rc 0 node potou incident show "$INC"
expect_eq "$(timeline_of potou)" "$SEEN" "the timeline 坡头乡 received"
expect_eq "$(township_of potou)" 141032202 "the incident's township at 坡头乡"

# the new owner writes it; the old one may not, and is told why
expect_rc 0 node potou incident note "$INC" 坡头乡接管
sync_until potou "$HUB_URL"
expect_true "potou's note accepted" bash -c "grep -q 'parked 0' '$TMP/sync.out'"
db_snapshot "$TMP/sangbi.db"
expect_rc 1 node sangbi incident note "$INC" 再续报
expect_err_has "read-only copy"
expect_db_unchanged "sangbi after a refused note" "$TMP/sangbi.db"
expect_rc 1 node sangbi incident close "$INC"
expect_err_has "坡头乡"

# digests agree in every scope
sync_until county "$HUB_URL"
sync_until sangbi "$HUB_URL"
for n in sangbi potou county; do
	expect_eq "$(node_digest $n)" "$(hub_digest $n)" "$n and the hub agree after the move"
done
expect_rc 0 node county incident show "$INC" --json
expect_eq "$(json_get '.timeline | length')" "$(timeline_of potou)" "the county's timeline and 坡头乡's"

# ---- a hazard point moves too, with its inspections ----
expect_rc 0 node sangbi hazard add --kind geohazard --code HP-77 --name 后沟不稳定斜坡 --township 桑壁镇
expect_rc 0 node sangbi hazard inspect HP-77 --kind patrol --result normal
sync_until sangbi "$HUB_URL"
sync_until county "$HUB_URL"
printf 'code,kind,name,township\nHP-77,geohazard,后沟不稳定斜坡,坡头乡\n' >"$TMP/hp.csv"
expect_rc 1 node sangbi hazard import "$TMP/hp.csv" --kind geohazard
expect_err_has "only the county can move a record between townships"
expect_rc 0 node county hazard import "$TMP/hp.csv" --kind geohazard
sync_until county "$HUB_URL"
sync_until potou "$HUB_URL"
expect_rc 0 node potou hazard show HP-77 --json
expect_eq "$(json_get '.inspections | length')" 1 "HP-77's inspection at 坡头乡"
sync_until sangbi "$HUB_URL"
for n in sangbi potou county; do
	expect_eq "$(node_digest $n)" "$(hub_digest $n)" "$n and the hub agree after the hazard moved"
done

# moved back and forth, each op is logged again once a move: never a copy
# of a copy (a row moved k times would be logged 2^k times)
for t in 桑壁镇 坡头乡 桑壁镇; do
	printf 'code,kind,name,township\nHP-77,geohazard,后沟不稳定斜坡,%s\n' "$t" >"$TMP/hp.csv"
	expect_rc 0 node county hazard import "$TMP/hp.csv" --kind geohazard
	sync_until county "$HUB_URL"
done
expect_eq "$(hub_sql "SELECT count(*) FROM oplog WHERE op_id LIKE '%>%>%'")" 0 "copies of copies in the log"
sync_until sangbi "$HUB_URL"
sync_until potou "$HUB_URL"
expect_rc 0 node sangbi hazard show HP-77 --json
expect_eq "$(json_get '.inspections | length')" 1 "HP-77's inspection back at 桑壁镇"
for n in sangbi potou county; do
	expect_eq "$(node_digest $n)" "$(hub_digest $n)" "$n and the hub agree after HP-77 moved back and forth"
done

# ---- what waits at the hub for a record that never comes can be dropped one by one ----
expect_rc 0 stop_hub
expect_rc 0 hub waiting
expect_rc 2 hub waiting drop
expect_rc 1 hub waiting drop nosuch:1
expect_err_has "nosuch:1"
