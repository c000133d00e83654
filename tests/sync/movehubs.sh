#!/bin/bash
# Two hub processes on one PostgreSQL database, and a record the county
# moves through one of them. The other process's cache held the incident
# as 桑壁镇's; it replays the move from the log and must then hold it as
# 芝河镇's: 芝河镇 pulling through it gets the whole record, its note is
# accepted there, 桑壁镇's late note is refused there with the new owner,
# and both processes' digests equal the nodes'. (And the tables of an
# older hub get the indexes moves need when it opens.)
. "$(dirname "$0")/lib.sh"
[ "$HUB_KIND" = pg ] || skip "hub processes share a PostgreSQL database only (DUTYDESK_TEST_HUB=pg)"

three_nodes
# a hub made before records moved (its tables' first schema, without the
# indexes that find a row's ops and what waits for it, nor what later
# migrations added) gets them at open
indexes() { hub_sql "SELECT string_agg(indexname, ' ' ORDER BY indexname) FROM pg_indexes
	WHERE indexname IN ('oplog_row', 'hub_waiting_row')"; }
expect_eq "$(indexes)" "hub_waiting_row oplog_row" "the indexes of a new hub"
SCHEMA=$(hub_sql "SELECT value FROM hub_meta WHERE key = 'schema'")
hub_sql "DROP INDEX oplog_row; DROP INDEX hub_waiting_row; ALTER TABLE hub_node DROP COLUMN area;
	DROP TABLE hub_division; DELETE FROM hub_meta WHERE key = 'divisions';
	UPDATE hub_meta SET value = '1' WHERE key = 'schema'" >/dev/null
expect_eq "$(indexes)" "" "the indexes dropped"
ZHIHE=$(sqlite3 "$TMP/zhihe.db" "SELECT township_code FROM node")
start_hub 0
A=$HUB_URL
at_exit "kill -9 $HUB_PID"
start_hub 0
B=$HUB_URL
expect_eq "$(indexes)" "hub_waiting_row oplog_row" "the indexes of the older hub, once opened"
expect_eq "$(hub_sql "SELECT value FROM hub_meta WHERE key = 'schema'")" "$SCHEMA" "its schema, once opened"
township_of() { node "$1" incident show "$INC" --json >"$OUT" && json_get '.township_code // .incident.township_code'; }
timeline_of() { node "$1" incident show "$INC" --json >"$OUT" && json_get '.timeline | length'; }

# 桑壁镇's incident reaches the log through B: B's cache has it as 桑壁镇's
expect_rc 0 node sangbi incident add --title 后山滑坡 --type landslide --township 桑壁镇 --json
INC=$(json_get .number)
expect_rc 0 node sangbi incident note "$INC" 续报一 --deaths 1
sync_until sangbi "$B"
sync_until zhihe "$B"
sync_until county "$A"
expect_rc 1 node zhihe incident show "$INC"

# the county moves it through A
expect_rc 0 node county incident move "$INC" 芝河镇
expect_out_has "moved to 芝河镇"
sync_until county "$A"
SEEN=$(timeline_of county)

# 芝河镇 pulls through B: the whole record, under its new owner
sync_until zhihe "$B"
expect_rc 0 node zhihe incident show "$INC"
expect_eq "$(township_of zhihe)" "$ZHIHE" "the incident's township at 芝河镇, pulled through B"
expect_eq "$(timeline_of zhihe)" "$SEEN" "the timeline 芝河镇 received through B"

# B knows whose it is now: 芝河镇's note accepted, 桑壁镇's late one refused
expect_rc 0 node zhihe incident note "$INC" 芝河镇接管
sync_until zhihe "$B"
expect_true "zhihe's note accepted by B" bash -c "grep -q 'parked 0' '$TMP/sync.out'"
expect_rc 0 node sangbi incident note "$INC" 续报二
sync_until sangbi "$B"
expect_true "sangbi's late note refused by B" bash -c "grep -q 'parked 1' '$TMP/sync.out'"
expect_rc 0 node sangbi sync --status
expect_out_has "belongs to township 芝河镇"

# both processes and every node agree, in every scope
sync_until county "$A"
sync_until zhihe "$A"
for n in sangbi zhihe county; do
	expect_eq "$(node_digest $n)" "$(HUB_URL=$B hub_digest $n)" "$n and hub process B agree after the move"
	expect_eq "$(node_digest $n)" "$(HUB_URL=$A hub_digest $n)" "$n and hub process A agree after the move"
done
expect_rc 0 stop_hub
