#!/bin/bash
# An office's PC restored from its own backup, a PC replaced under the same
# name, a token rotated, a node synced with another node's token: nothing
# acknowledged is lost, no op id is used twice, the node gets back all of
# its scope (its own records included), and a wrong token moves nothing.
. "$(dirname "$0")/lib.sh"

three_nodes
# databases of the previous version (before incarnations): a hub without
# the column, a node at schema 14; both open and carry on
expect_rc 0 node zhihe incident add --title 升级前 --type flood --township 芝河镇
sqlite3 "$HUBDB" "ALTER TABLE hub_node DROP COLUMN incarnation; ALTER TABLE hub_node DROP COLUMN area" ||
	fail "making an old hub database"
# (what the migrations after v15 added is taken away too, so that they run again)
sqlite3 "$TMP/zhihe.db" "ALTER TABLE node DROP COLUMN incarnation; ALTER TABLE sync_state DROP COLUMN refill;
	DROP INDEX contact_name; DROP INDEX hazard_monitor; DROP INDEX timeline_contact;
	DROP INDEX duty_entry_contact; ALTER TABLE contact DROP COLUMN grp;
	ALTER TABLE contact DROP COLUMN phones; ALTER TABLE hazard DROP COLUMN monitor_contact_id;
	ALTER TABLE team DROP COLUMN leader_contact_id; ALTER TABLE timeline DROP COLUMN contact_id;
	ALTER TABLE duty_entry DROP COLUMN contact_id;
	DROP TABLE roster; DROP TABLE login_name; DROP TABLE sms_message; DROP TABLE sms_inbox;
	DROP TABLE sms_channel; ALTER TABLE sync_state DROP COLUMN area; ALTER TABLE sync_state DROP COLUMN divisions;
	DROP INDEX outbox_hub_waiting;
	PRAGMA user_version = 14" || fail "making an old node database"
start_hub
expect_rc 0 node_sync zhihe
expect_eq "$(sqlite3 "$TMP/zhihe.db" "PRAGMA user_version")" "$(sqlite3 "$TMP/sangbi.db" "PRAGMA user_version")" "the old node database upgraded"
expect_eq "$(sqlite3 "$TMP/zhihe.db" "SELECT op_id FROM outbox WHERE tbl = 'incident'")" zhihe:51 "an op id of the old form"
expect_eq "$(sqlite3 "$HUBDB" "SELECT incarnation FROM hub_node WHERE name = 'zhihe'")" 0 "the old hub database upgraded"
expect_eq "$(sqlite3 "$HUBDB" "SELECT quote(area) FROM hub_node WHERE name = 'zhihe'")" "''" "the old hub's nodes have no area"

titles() { # NAME: the titles of the incidents NAME holds, sorted, one line
	node "$1" incident list --json >"$TMP/titles.json" || fail "incident list on $1"
	jq -r '[.[].title] | sort | join(",")' "$TMP/titles.json"
}
# no op id in the hub's log twice, and every incident number once
expect_ids_unique() {
	expect_eq "$(sqlite3 "$HUBDB" "SELECT count(*) - count(DISTINCT op_id) FROM oplog")" 0 "$1: op ids logged twice"
	expect_eq "$(sqlite3 "$HUBDB" "SELECT count(*) - count(DISTINCT number) FROM incident")" 0 "$1: incident numbers used twice"
}

# ---- finding 1: a PC restored from its own backup ----
expect_rc 0 node sangbi incident add --title 备份前 --type landslide --township 桑壁镇
expect_rc 0 node_sync sangbi
expect_rc 0 node sangbi backup "$TMP/sangbi.backup"
expect_rc 0 node sangbi incident add --title 备份后 --type flood --township 桑壁镇
expect_rc 0 node_sync sangbi
B_OP=$(sqlite3 "$TMP/sangbi.db" "SELECT op_id FROM outbox WHERE tbl = 'incident' ORDER BY op_seq DESC LIMIT 1")
# the disk dies; the office restores yesterday's copy and goes on working
rm -f "$TMP/sangbi.db" "$TMP/sangbi.db-wal" "$TMP/sangbi.db-shm"
cp "$TMP/sangbi.backup" "$TMP/sangbi.db"
expect_rc 0 node sangbi incident add --title 恢复后 --type collapse --township 桑壁镇
expect_rc 0 node_sync sangbi
expect_rc 0 node sangbi sync --status --json
expect_eq "$(json_get .pending)" 0 "ops pending on the restored PC"
expect_eq "$(sqlite3 "$HUBDB" "SELECT count(*) FROM incident WHERE title = '恢复后'")" 1 "the new incident reached the hub"
C_OP=$(sqlite3 "$TMP/sangbi.db" "SELECT op_id FROM outbox WHERE tbl = 'incident' ORDER BY op_seq DESC LIMIT 1")
expect_true "the restored PC's op id ($C_OP) is not the lost one's ($B_OP)" test "$C_OP" != "$B_OP"
expect_ids_unique "after the restore"
expect_eq "$(titles sangbi)" "备份前,备份后,恢复后" "the restored PC has its own later record back"
expect_rc 0 node_sync county
expect_eq "$(titles county)" "升级前,备份前,备份后,恢复后" "the county has all four"
expect_eq "$(node_digest sangbi)" "$(hub_digest sangbi)" "the restored PC's digest equals the hub's"

# ---- finding 2: a replacement PC under the same name ----
expect_rc 0 hub node replace sangbi
expect_out_has "incarnation"
cp "$TMP/sangbi.token" "$TMP/old.token"
tail -n 1 "$OUT" >"$TMP/sangbi.token"
expect_true "replace prints a new token" test "$(cat "$TMP/sangbi.token")" != "$(cat "$TMP/old.token")"
mv "$TMP/sangbi.db" "$TMP/sangbi-oldpc.db"
rm -f "$TMP/sangbi.db-wal" "$TMP/sangbi.db-shm"
expect_rc 0 node sangbi init --node sangbi --township 桑壁镇
# offline work on the new PC before its first sync
expect_rc 0 node sangbi incident add --title 新电脑 --type flood --township 桑壁镇
expect_rc 0 node_sync sangbi
expect_eq "$(titles sangbi)" "备份前,备份后,恢复后,新电脑" "the new PC has its township's records, its own included"
expect_rc 0 node sangbi incident add --title 新电脑二 --type flood --township 桑壁镇
expect_rc 0 node_sync sangbi
expect_rc 0 node sangbi sync --status --json
expect_eq "$(json_get .pending)" 0 "ops pending on the new PC"
expect_eq "$(json_get .parked)" 0 "ops parked on the new PC"
expect_ids_unique "after the replacement"
expect_rc 0 node_sync county
expect_eq "$(titles county)" "升级前,备份前,备份后,恢复后,新电脑,新电脑二" "the county has the new PC's incidents"
expect_eq "$(node_digest sangbi)" "$(hub_digest sangbi)" "the new PC's digest equals the hub's"
# the old PC's token is dead
cp "$TMP/sangbi.token" "$TMP/new.token"
cp "$TMP/old.token" "$TMP/sangbi.token"
expect_rc 1 node_sync sangbi
expect_err_has "401"
cp "$TMP/new.token" "$TMP/sangbi.token"

# ---- a second office of the township under a new name: numbers taken are skipped ----
enrol sangbi2 --township 桑壁镇
expect_rc 0 node sangbi2 init --node sangbi2 --township 桑壁镇
expect_rc 0 node_sync sangbi2
expect_rc 0 node sangbi2 incident add --title 新名字 --type flood --township 桑壁镇
expect_rc 0 node_sync sangbi2
expect_rc 0 node sangbi2 sync --status --json
expect_eq "$(json_get .parked)" 0 "ops parked on the office under a new name"
expect_eq "$(sqlite3 "$HUBDB" "SELECT count(*) FROM incident WHERE title = '新名字'")" 1 "its incident reached the hub"
expect_ids_unique "after an office under a new name"

# ---- a lost token: rotate ----
expect_rc 0 hub node rotate sangbi
tail -n 1 "$OUT" >"$TMP/rotated.token"
expect_true "rotate prints a new token" test "$(cat "$TMP/rotated.token")" != "$(cat "$TMP/new.token")"
expect_rc 1 node_sync sangbi
expect_err_has "401"
cp "$TMP/rotated.token" "$TMP/sangbi.token"
chmod 600 "$TMP/sangbi.token"
expect_rc 0 node_sync sangbi
expect_rc 1 hub node rotate nobody
expect_err_has "nobody"

# ---- restored again, and nothing written since: the sync alone brings back all ----
expect_rc 0 node sangbi backup "$TMP/sangbi.backup2"
expect_rc 0 node sangbi incident add --title 第二次备份后 --type flood --township 桑壁镇
expect_rc 0 node_sync sangbi
rm -f "$TMP/sangbi.db" "$TMP/sangbi.db-wal" "$TMP/sangbi.db-shm"
cp "$TMP/sangbi.backup2" "$TMP/sangbi.db"
expect_rc 0 node_sync sangbi
expect_eq "$(titles sangbi)" "备份前,备份后,恢复后,新名字,新电脑,新电脑二,第二次备份后" "a restored PC with nothing new gets its later record back"
expect_rc 0 node sangbi incident add --title 第二次恢复后 --type flood --township 桑壁镇
expect_rc 0 node_sync sangbi
expect_ids_unique "after the second restore"
expect_eq "$(sqlite3 "$HUBDB" "SELECT incarnation FROM hub_node WHERE name = 'sangbi'")" 3 "sangbi's incarnation at the hub (restore, replace, restore)"
expect_eq "$(node_digest sangbi)" "$(hub_digest sangbi)" "the twice-restored PC's digest equals the hub's"

# ---- finding 3: a sync with another node's token ----
expect_rc 0 node zhihe incident add --title 芝河镇的 --type flood --township 芝河镇
expect_rc 0 node_sync zhihe
CUR=$(sqlite3 "$TMP/sangbi.db" "SELECT cursor FROM sync_state")
cp "$TMP/sangbi.token" "$TMP/keep.token"
cp "$TMP/zhihe.token" "$TMP/sangbi.token"
expect_rc 1 node_sync sangbi
expect_err_has "zhihe"
expect_eq "$(sqlite3 "$TMP/sangbi.db" "SELECT cursor FROM sync_state")" "$CUR" "sangbi's cursor after a sync with zhihe's token"
expect_true "nothing of zhihe's reached sangbi" test "$(titles sangbi | grep -c 芝河镇的)" = 0
cp "$TMP/keep.token" "$TMP/sangbi.token"
expect_rc 0 node_sync sangbi
expect_eq "$(node_digest sangbi)" "$(hub_digest sangbi)" "sangbi's digest after the right token again"

# ---- sync --check: node against hub, table by table, in words ----
node_check() { node "$1" sync --check --server "$HUB_URL" --token-file "$TMP/$1.token"; }
expect_rc 0 node_check sangbi
expect_out_has "incident"
expect_out_has "nothing to do"
expect_rc 0 node zhihe incident add --title 芝河镇未同步 --type flood --township 芝河镇
expect_rc 1 node_check zhihe
expect_out_has "DIFFERS"
expect_out_has "have not reached the hub yet: run 'dutydesk sync'"
expect_err_has "differ in"
expect_rc 0 node zhihe sync --check --json --server "$HUB_URL" --token-file "$TMP/zhihe.token"
expect_eq "$(json_get '[.tables[] | select(.same | not) | .table] | join(",")')" incident,timeline "the tables that differ, as JSON"
expect_eq "$(json_get .pending)" 2 "pending ops in the check (the incident and its first entry)"
expect_rc 0 node_sync zhihe
expect_rc 0 node_check zhihe
# a row the hub holds that this node lost, with nothing left to sync: what to do
sqlite3 "$TMP/zhihe.db" "PRAGMA foreign_keys = OFF; DELETE FROM incident WHERE title = '芝河镇的'" ||
	fail "removing a row behind the node's back"
expect_rc 1 node_check zhihe
expect_out_has "2 records here, 3 at the hub"
expect_out_has "dutydeskd node replace zhihe"
cp "$TMP/zhihe.token" "$TMP/sangbi.token"
expect_rc 1 node_check sangbi
expect_err_has "the token belongs to node zhihe, not to this node sangbi"
cp "$TMP/keep.token" "$TMP/sangbi.token"
expect_rc 0 stop_hub
