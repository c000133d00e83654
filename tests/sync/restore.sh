#!/bin/bash
# The hub restored from an older backup: the copy has a new epoch, so every
# node re-sends what it kept; every op the hub had acknowledged comes back,
# and every node ends equal to the hub again.
. "$(dirname "$0")/lib.sh"

expect_rc 0 hub init
enrol sangbi --township 桑壁镇
enrol zhihe --township 芝河镇
enrol county --county
for n in sangbi zhihe; do
	expect_rc 0 node "$n" init --node "$n" --township "$([ $n = sangbi ] && echo 桑壁镇 || echo 芝河镇)"
done
expect_rc 0 node county init --node county --county
expect_rc 0 node sangbi incident add --title 备份前的滑坡 --type landslide --township 桑壁镇
expect_rc 0 node zhihe incident add --title 备份前的山洪 --type flood --township 芝河镇
start_hub
HUB_FIXED_PORT=$HUB_PORT
for n in sangbi zhihe county; do expect_rc 0 node_sync "$n"; done
EPOCH1=$(curl -s "$HUB_URL/v1/health" | jq -r .hub_epoch)

# a backup while serving
expect_rc 0 hub backup "$TMP/backup.db"
expect_out_has "backed up"
expect_eq "$(sqlite3 "$TMP/backup.db" "PRAGMA integrity_check")" ok "the backup is whole"

# work acknowledged after the backup: it will be missing from the copy
expect_rc 0 node sangbi incident add --title 备份后的滑坡 --type landslide --township 桑壁镇
expect_rc 0 node zhihe incident add --title 备份后的倒塌 --type collapse --township 芝河镇
expect_rc 0 node county incident add --title 备份后的县级事件 --type gas_leak --township 桑壁镇
for n in sangbi zhihe county sangbi zhihe; do expect_rc 0 node_sync "$n"; done
ACKED=$(sqlite3 "$HUBDB" "SELECT count(*) FROM oplog")
for n in sangbi zhihe county; do
	sqlite3 "$TMP/$n.db" "SELECT op_id FROM outbox WHERE state = 'acked'"
done | sort >"$TMP/acked_all"

# disaster: the hub comes back from the older copy, with dutydeskd restore
expect_rc 0 stop_hub
# what is not a hub's backup is refused, and nothing changes
BEFORE=$(sqlite3 "$HUBDB" "SELECT count(*) FROM oplog")
expect_rc 1 hub restore "$TMP/sangbi.db"
expect_err_has "not a hub database"
echo "not a database" >"$TMP/junk.db"
expect_rc 1 hub restore "$TMP/junk.db"
expect_err_has "nothing was changed"
expect_eq "$(sqlite3 "$HUBDB" "SELECT count(*) FROM oplog")" "$BEFORE" "the hub after refused restores"
expect_rc 0 hub restore "$TMP/backup.db"
expect_out_has "under a new epoch"
KEPT=$(ls "$HUBDB".before-restore-* 2>/dev/null | head -1)
expect_true "the replaced hub database is kept" test -n "$KEPT"
expect_eq "$(sqlite3 "$KEPT" "SELECT count(*) FROM oplog")" "$BEFORE" "ops in the kept database"
EPOCH_COPY=$(sqlite3 "$TMP/backup.db" "SELECT value FROM hub_meta WHERE key = 'epoch'")
expect_true "restoring stamps an epoch of its own" \
	test "$(sqlite3 "$HUBDB" "SELECT value FROM hub_meta WHERE key = 'epoch'")" != "$EPOCH_COPY"
expect_true "the copy lacks the later ops" test "$(sqlite3 "$HUBDB" "SELECT count(*) FROM oplog")" -lt "$ACKED"
start_hub "$HUB_FIXED_PORT"
EPOCH2=$(curl -s "$HUB_URL/v1/health" | jq -r .hub_epoch)
expect_true "a restored hub has a new epoch ($EPOCH1 -> $EPOCH2)" test "$EPOCH1" != "$EPOCH2"

# the nodes notice, re-send what they kept, pull again
for n in county zhihe sangbi county zhihe sangbi; do expect_rc 0 node_sync "$n"; done
sqlite3 "$HUBDB" "SELECT op_id FROM oplog" | sort >"$TMP/logged"
expect_eq "$(comm -23 "$TMP/acked_all" "$TMP/logged" | wc -l)" 0 "acked ops missing after the restore"
for n in sangbi zhihe county; do
	expect_eq "$(node_digest "$n")" "$(hub_digest "$n")" "$n's digest equals the restored hub's"
	expect_rc 0 node "$n" sync --status --json
	expect_eq "$(json_get .hub_epoch)" "$EPOCH2" "$n follows the new epoch"
done
expect_rc 0 node county incident list --json
expect_eq "$(json_get 'length')" 5 "the county has all five incidents again"

# a new node after the restore gets everything in its scope
enrol sangbi2 --township 桑壁镇
expect_rc 0 node sangbi2 init --node sangbi2 --township 桑壁镇
expect_rc 0 node_sync sangbi2
expect_rc 0 node sangbi2 incident list --json
expect_eq "$(json_get '[.[].title] | sort | join(",")')" "备份前的滑坡,备份后的县级事件,备份后的滑坡" "a new sangbi node has its township's incidents"
expect_rc 0 stop_hub
