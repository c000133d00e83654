#!/usr/bin/env bash
# backup and restore: consistent copies while others write; restore checks
# the file first, keeps the old database and replaces it whole.
. "$(dirname "$0")/lib.sh"

DB=$DUTYDESK_DB
count() { sqlite3 "${2:-$DB}" "SELECT count(*) FROM $1"; }

expect_rc 0 dd demo
expect_rc 0 dd backup "$TMP/b1.db"
expect_out_has "backed up $DB to $TMP/b1.db"
expect_eq "$(sqlite3 "$TMP/b1.db" 'PRAGMA integrity_check')" ok "backup integrity"
expect_eq "$(sqlite3 "$TMP/b1.db" 'PRAGMA journal_mode')" delete "backup is one file (no WAL)"
expect_eq "$(stat -c %a "$TMP/b1.db")" 600 "backup mode"
expect_eq "$(count hazard "$TMP/b1.db")" "$(count hazard)" "backup holds the hazards"
expect_eq "$(db_digest "$TMP/b1.db")" "$(db_digest)" "backup = database"

# Never overwrites by accident, never onto itself.
expect_rc 1 dd backup "$TMP/b1.db"
expect_err_has "already exists; give --force"
expect_rc 0 dd backup --force "$TMP/b1.db"
expect_rc 2 dd backup "$DB"
expect_err_has "is the database itself"
expect_rc 1 dd backup "$TMP/no/such/dir/b.db"
expect_err_nonempty
expect_true "no temporary file left" test -z "$(ls "$TMP" | grep -e '\.tmp-')"

# Backups while another process writes all the time: each backup is one
# moment's database (every write reported before it began is in it, no
# incident without its timeline), and the writer never fails. The writer
# runs from before the first backup to after the last; between backups the
# script waits for it to have written again, so backups and writes
# interleave however fast either is.
base=$(count incident)
: >"$TMP/written"
(
	for i in $(seq 1 2000); do
		[ -e "$TMP/stop" ] && exit 0
		if dd incident add --title "写入$i" --type landslide >/dev/null 2>&1; then
			echo "$i" >>"$TMP/written"
		else
			echo "writer failed $i"
		fi
	done
	echo "the writer made its 2000 writes before it was stopped"
) >"$TMP/writer.log" 2>&1 &
wpid=$!
BG_PIDS+=("$wpid")
written() { wc -l <"$TMP/written"; }
written_since() { [ "$(written)" -gt "$1" ] || ! kill -0 "$wpid" 2>/dev/null; }
wait_until 60 "the writer's first write" written_since 0
for i in 1 2 3; do
	w0=$(written)
	expect_rc 0 dd backup --force "$TMP/live$i.db"
	expect_eq "$(sqlite3 "$TMP/live$i.db" 'PRAGMA integrity_check')" ok "backup $i under writes"
	# Every incident has its 'received' entry: a snapshot, not a mix.
	expect_eq "$(sqlite3 "$TMP/live$i.db" "SELECT count(*) FROM incident i WHERE NOT EXISTS (SELECT 1 FROM timeline t WHERE t.incident_id = i.id)")" 0 "backup $i: no incident without timeline"
	n=$(count incident "$TMP/live$i.db")
	expect_true "backup $i holds the $w0 writes reported before it began (it has $((n - base)))" \
		test "$n" -ge $((base + w0))
	wait_until 60 "a write after backup $i" written_since "$w0"
done
: >"$TMP/stop"
wait $wpid
expect_eq "$(cat "$TMP/writer.log")" "" "writer undisturbed by backups"
expect_true "the writer wrote during the backups ($(written) writes)" test "$(written)" -ge 4

# restore refuses what is not an intact dutydesk database, and changes nothing.
db_snapshot
echo "not a database" >"$TMP/text.db"
expect_rc 1 dd restore "$TMP/text.db"
expect_err_has "not an SQLite database"
expect_err_has "nothing was changed"
sqlite3 "$TMP/foreign.db" "CREATE TABLE t(x); INSERT INTO t VALUES (1);"
expect_rc 1 dd restore "$TMP/foreign.db"
expect_err_has "is not a dutydesk database"
cp "$TMP/b1.db" "$TMP/newer.db"
sqlite3 "$TMP/newer.db" "PRAGMA user_version = 999"
expect_rc 1 dd restore "$TMP/newer.db"
expect_err_has "newer than this dutydesk knows"
cp "$TMP/b1.db" "$TMP/damaged.db"
root=$(sqlite3 "$TMP/damaged.db" "SELECT rootpage FROM sqlite_schema WHERE name = 'hazard'")
# Scribble over the header of the hazard table's root page.
printf 'garbage-garbage-' | command dd of="$TMP/damaged.db" bs=1 seek=$(((root - 1) * 4096)) conv=notrunc 2>/dev/null
expect_rc 1 dd restore "$TMP/damaged.db"
expect_err_has "is damaged (integrity check"
expect_rc 1 dd restore "$TMP/absent.db"
expect_err_has "No such file"
expect_rc 2 dd restore "$DB"
expect_err_has "is the database itself"
expect_db_unchanged "refused restores"
expect_true "no kept copy after refusals" test -z "$(ls "$TMP" | grep before-restore)"

# restore replaces the database and keeps the old one; a connection that has
# the database open (a console) sees the restored records.
before=$(count incident)
expect_eq "$(count incident "$TMP/b1.db")" 6 "demo incidents in the backup"
# The reader opens the database and reads the count, says so (ready), and
# reads again once told the restore is done (go): no guess at how long
# either takes.
python3 - "$DB" "$TMP/ready" "$TMP/go" "$TMP/seen" <<'PY' &
import os, sqlite3, sys, time
db, ready, go, seen = sys.argv[1:]
con = sqlite3.connect(db, isolation_level=None)
con.execute("PRAGMA journal_mode")
n0 = con.execute("SELECT count(*) FROM incident").fetchone()[0]
with open(ready + ".tmp", "w") as f:
    f.write(str(n0))
os.rename(ready + ".tmp", ready)
deadline = time.monotonic() + 120
while not os.path.exists(go):
    if time.monotonic() > deadline or not os.path.isdir(os.path.dirname(go)):
        sys.exit("reader: never told that the restore was done")
    time.sleep(0.05)
n = con.execute("SELECT count(*) FROM incident").fetchone()[0]
with open(seen, "w") as f:
    f.write(f"{n0} {n}")
PY
ppid=$!
BG_PIDS+=("$ppid")
reader_ready() { [ -s "$TMP/ready" ] || ! kill -0 "$ppid" 2>/dev/null; }
wait_until 60 "the reader opened the database and read it" reader_ready
[ -s "$TMP/ready" ] || fail "the reader ended before it had read the database"
expect_rc 0 dd restore "$TMP/b1.db"
expect_out_has "restored $DB from $TMP/b1.db"
expect_out_has "the previous database is kept as $DB.before-restore-"
: >"$TMP/go"
wait $ppid
expect_eq "$?" 0 "the reader's exit status"
expect_eq "$(cat "$TMP/seen")" "$before 6" "an open connection sees the restore"
expect_eq "$(count incident)" 6 "restored incidents"
kept=$(ls "$DB".before-restore-* | head -1)
expect_eq "$(count incident "$kept")" "$before" "the old database is kept whole"
expect_eq "$(sqlite3 "$kept" 'PRAGMA integrity_check')" ok "kept copy integrity"
expect_eq "$(sqlite3 "$DB" 'PRAGMA journal_mode')" wal "restored database in WAL mode"
expect_rc 0 dd incident add --title 恢复后 --type landslide
expect_eq "$(count incident)" 7 "writes after restore"

# A damaged database: refused with a pointer to restore, then restored as a file.
pages=$(sqlite3 "$DB" 'PRAGMA page_count')
sqlite3 "$DB" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
for p in $(seq 2 "$pages"); do # the header of every page but the first
	printf 'garbage-garbage-garbage-garbage-' | command dd of="$DB" bs=1 seek=$(((p - 1) * 4096)) conv=notrunc 2>/dev/null
done
expect_rc 1 dd incident list
expect_err_has "dutydesk restore FILE"
expect_rc 0 dd restore "$TMP/b1.db" --json
expect_eq "$(json_get .restored_from)" "$TMP/b1.db" "json restored_from"
expect_true "damaged file kept" test -f "$(json_get .kept)"
expect_eq "$(sqlite3 "$DB" 'PRAGMA integrity_check')" ok "restored over a damaged file"
expect_rc 0 dd incident list --json
expect_eq "$(json_get length)" 6 "incidents after restoring over a damaged file"

# A foreign file named by --db: refused, pointing to restore.
expect_rc 1 dd --db "$TMP/foreign.db" stats
expect_err_has "not a dutydesk one"
expect_err_has "dutydesk restore FILE"

# Restore where there is no database yet.
expect_rc 0 dd --db "$TMP/fresh/new.db" restore "$TMP/b1.db"
expect_out_lacks "kept as"
expect_rc 0 dd --db "$TMP/fresh/new.db" incident list --json
expect_eq "$(json_get length)" 6 "restored into a new place"
