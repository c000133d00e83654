#!/usr/bin/env bash
# Faults: a read-only database, a locked one, a damaged or foreign file, a
# full disk, failing reads and writes. Each gives a clear message and leaves
# the database intact. A part that needs what this machine does not give
# (root for mount, another user able to run the binary, fiu-run without
# the address sanitizer) says "SKIP part: reason" and the rest still runs.
. "$(dirname "$0")/lib.sh"

DB=$DUTYDESK_DB
integrity() { sqlite3 "${1:-$DB}" 'PRAGMA integrity_check'; }
# Every incident has its 'received' timeline entry, every op of the outbox
# its row, every stock balance the sum of its movements.
consistent() {
	sqlite3 "${1:-$DB}" "
SELECT (SELECT count(*) FROM incident i WHERE NOT EXISTS
          (SELECT 1 FROM timeline t WHERE t.incident_id = i.id AND t.kind = 'received'))
     + (SELECT count(*) FROM outbox o WHERE o.tbl = 'incident' AND NOT EXISTS
          (SELECT 1 FROM incident i WHERE i.id = o.row_id))
     + (SELECT count(*) FROM incident i WHERE NOT EXISTS
          (SELECT 1 FROM outbox o WHERE o.tbl = 'incident' AND o.row_id = i.id))
     + (SELECT count(*) FROM stock_balance b WHERE b.qty !=
          (SELECT coalesce(sum(m.qty), 0) FROM stock_movement m
            WHERE m.depot_id = b.depot_id AND m.item_id = b.item_id))"
}
is_root() { [ "$(id -u)" -eq 0 ]; }
MNT=$TMP/mnt
mounted=false
cleanup_mount() { $mounted && { umount "$MNT" 2>/dev/null || umount -l "$MNT" 2>/dev/null; }; mounted=false; }
trap 'rc=$?; in_child && exit $rc; cleanup_mount; (exit $rc); _finish' EXIT

expect_rc 0 dd demo
expect_eq "$(consistent)" 0 "the consistency query holds on the demo"

# ---- read-only: opens read-only, reads work, writes are refused clearly ----
ro_check() {
	local db=$1 what=$2
	db_snapshot "$db"
	expect_rc 0 dd --db "$db" incident list --json
	expect_eq "$(json_get length)" 6 "$what: reads work"
	expect_rc 0 dd --db "$db" stats
	expect_rc 1 dd --db "$db" incident add --title 只读测试 --type landslide
	expect_err_has "is read-only"
	expect_err_has "nothing was changed"
	expect_rc 1 dd --db "$db" stock receive --depot CK-00 --item WZ-0501 --qty 5
	expect_err_has "is read-only"
	expect_rc 0 dd --db "$db" backup "$TMP/from-ro-$RANDOM.db"
	expect_db_unchanged "$what" "$db"
}
# as_nobody cmd...: cmd as uid/gid 65534 with no other groups.
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/ "$@"; }
# why_not_nobody: empty if uid 65534 can run the binary, read the data
# folder and reach the test database; else the reason it cannot.
why_not_nobody() {
	local rc bad
	as_nobody "$DUTYDESK" --version >/dev/null 2>&1
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "uid 65534 cannot run $DUTYDESK (exit $rc): is every folder above it open to others?"
		return
	fi
	bad=$(as_nobody find "$DUTYDESK_DATA" ! -readable -print -quit 2>&1) || bad=${bad:-"cannot search it"}
	if [ -n "$bad" ]; then
		echo "uid 65534 cannot read the data folder $DUTYDESK_DATA ($bad)"
		return
	fi
	as_nobody test -r "$TMP/rodir/ro.db" ||
		echo "uid 65534 cannot reach the test database under $TMP (is ${TMPDIR:-/tmp} open to others?)"
}
mkdir -p "$MNT"
if ! is_root; then
	echo "SKIP read-only file system: mount needs root"
	cp "$DB" "$TMP/ro.db" && chmod 0444 "$TMP/ro.db"
	ro_check "$TMP/ro.db" "0444 file"
else
	if mount -t tmpfs -o size=8m tmpfs "$MNT" 2>/dev/null; then
		mounted=true
		sqlite3 "$DB" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
		cp "$DB" "$MNT/ro.db" # a WAL database without its -shm: the usual state after use
		mount -o remount,ro "$MNT" || fail "cannot remount the tmpfs read-only"
		ro_check "$MNT/ro.db" "read-only file system"
		cleanup_mount
	else
		echo "SKIP read-only file system: mount -t tmpfs not permitted here"
	fi
	# root writes whatever the mode says: the 0444 file is tried as another user
	mkdir -p "$TMP/rodir" && cp "$DB" "$TMP/rodir/ro.db" && chmod 0444 "$TMP/rodir/ro.db" && chmod 0555 "$TMP/rodir"
	chmod 0755 "$TMP"
	if ! command -v setpriv >/dev/null; then
		echo "SKIP 0444 file as another user: setpriv not installed (util-linux)"
	elif why=$(why_not_nobody) && [ -n "$why" ]; then
		echo "SKIP 0444 file as another user: $why"
	else
		# as nobody: the file 0444 in a folder it cannot write
		LAST_CMD="incident add as uid 65534 on a 0444 file"
		as_nobody "$DUTYDESK" --db "$TMP/rodir/ro.db" incident add --title 只读 --type landslide >"$OUT" 2>"$ERR"
		RC=$?
		expect_eq "$RC" 1 "write as another user on a 0444 file"
		expect_err_has "is read-only (no write permission"
		LAST_CMD="incident list as uid 65534 on a 0444 file"
		as_nobody "$DUTYDESK" --db "$TMP/rodir/ro.db" incident list --json >"$OUT" 2>"$ERR"
		RC=$?
		expect_eq "$RC" 0 "read as another user on a 0444 file: exit status"
		expect_eq "$(json_get length)" 6 "read as another user on a 0444 file"
	fi
	chmod 0755 "$TMP/rodir"
fi

# ---- locked: a writer holding the lock; we wait (busy timeout) then name it ----
# The holder takes the lock, says so (the locked file, with its pid) and
# keeps it until told to let go (the release file): no guess at how long
# the attempt below takes.
python3 - "$DB" "$TMP/locked" "$TMP/release" <<'PY' &
import os, sqlite3, sys, time
db, locked, release = sys.argv[1:]
con = sqlite3.connect(db, isolation_level=None)
con.execute("BEGIN IMMEDIATE")
con.execute("UPDATE meta SET value = value WHERE key = 'x'")
with open(locked + ".tmp", "w") as f:
    f.write(str(os.getpid()))
os.rename(locked + ".tmp", locked)
deadline = time.monotonic() + 300
while not os.path.exists(release):
    if time.monotonic() > deadline or not os.path.isdir(os.path.dirname(release)):
        break
    time.sleep(0.05)
con.execute("ROLLBACK")
PY
holder=$!
BG_PIDS+=("$holder")
holder_ready() { [ -s "$TMP/locked" ] || ! kill -0 "$holder" 2>/dev/null; }
wait_until 60 "the python holder took the write lock" holder_ready
[ -s "$TMP/locked" ] || fail "the python holder ended without taking the write lock"
db_snapshot
t0=$(date +%s%N)
expect_rc 1 dd incident add --title 锁测试 --type landslide
t1=$(date +%s%N)
expect_err_has "is busy: another program holds its write lock (pid $(cat "$TMP/locked"): "
expect_err_has "python3"
expect_err_has "nothing was changed"
waited=$(((t1 - t0) / 1000000))
expect_true "waited the busy timeout ($waited ms)" test "$waited" -ge 4500
expect_rc 0 dd incident list # reads are not blocked by a writer (WAL)
expect_true "the holder still holds the lock" kill -0 "$holder"
: >"$TMP/release"
wait $holder
expect_eq "$?" 0 "the holder's exit status"
expect_db_unchanged "locked write"
expect_rc 0 dd incident add --title 锁释放后 --type landslide

# ---- damaged and foreign files: refused, pointing to restore ----
head -c 65536 /dev/urandom >"$TMP/random.db"
expect_rc 1 dd --db "$TMP/random.db" stats
expect_err_has "damaged or not a dutydesk database"
expect_err_has "dutydesk restore FILE"
expect_rc 1 dd --db "$TMP/random.db" incident add --title x --type landslide
expect_err_has "dutydesk restore FILE"
sqlite3 "$TMP/other.db" "CREATE TABLE customers(name TEXT); INSERT INTO customers VALUES ('x')"
cp "$TMP/other.db" "$TMP/other.orig"
expect_rc 1 dd --db "$TMP/other.db" init
expect_err_has "not a dutydesk one; refusing to touch it"
expect_err_has "dutydesk restore FILE"
expect_true "a foreign database is untouched" cmp -s "$TMP/other.db" "$TMP/other.orig"

# ---- disk full: a small tmpfs ----
fill_writes() { # writes until one fails; echoes the count of successes
	local i=0 n=0
	while [ $i -lt 4000 ]; do
		i=$((i + 1))
		if "$DUTYDESK" --db "$1" incident add --title "满盘测试$i $(printf '%0500d' 0)" --type landslide \
			>>"$TMP/full.out" 2>"$TMP/full.err"; then
			n=$((n + 1))
		else
			break
		fi
	done
	echo "$n"
}
if ! is_root; then
	echo "SKIP disk full: mount needs root"
elif ! mount -t tmpfs -o size=4m tmpfs "$MNT" 2>/dev/null; then
	echo "SKIP disk full: mount -t tmpfs not permitted here"
else
	mounted=true
	# demo on a disk too small: a clear message and no half-made database
	head -c $((3600 * 1024)) /dev/zero >"$MNT/filler"
	expect_rc 1 dd --db "$MNT/demo.db" demo
	expect_err_has "is full"
	expect_true "no database left by the failed demo" test ! -e "$MNT/demo.db"
	rm -f "$MNT/filler"
	cp "$DB" "$MNT/full.db"
	used=$(du -k "$MNT/full.db" | cut -f1)
	# leave about 300 KB
	head -c $(((4096 - used - 300) * 1024)) /dev/zero >"$MNT/filler" 2>/dev/null
	: >"$TMP/full.out"
	n=$(fill_writes "$MNT/full.db")
	LAST_CMD="incident add on a full disk"
	cp "$TMP/full.err" "$ERR"
	expect_true "some writes fitted before the disk filled ($n)" test "$n" -gt 0
	expect_true "the disk filled within 4000 writes ($n fitted)" test "$n" -lt 4000
	expect_err_has "is full; nothing was changed"
	expect_eq "$(wc -l <"$TMP/full.out")" "$n" "one number printed per success"
	rm -f "$MNT/filler"
	expect_eq "$(integrity "$MNT/full.db")" ok "integrity after the disk filled"
	expect_eq "$(consistent "$MNT/full.db")" 0 "nothing half-written after the disk filled"
	missing=0
	while read -r num; do
		[ "$(sqlite3 "$MNT/full.db" "SELECT count(*) FROM incident WHERE number = '$num'")" = 1 ] || missing=$((missing + 1))
	done <"$TMP/full.out"
	expect_eq "$missing" 0 "every reported write is there after the disk filled"
	expect_rc 0 dd --db "$MNT/full.db" incident add --title 空间恢复 --type landslide
	cleanup_mount
fi

# ---- I/O errors injected with libfiu ----
if ! command -v fiu-run >/dev/null; then
	echo "SKIP I/O errors: fiu-run not installed (apt install fiu-utils)"
elif ASAN_OPTIONS=help=1 "$DUTYDESK" --version 2>&1 | grep -q AddressSanitizer; then
	echo "SKIP I/O errors: fiu-run's preload does not mix with the address sanitizer"
elif fiu-run -x "$DUTYDESK" --version 2>&1 | grep -q "cannot be preloaded"; then
	# an arm64 binary run under qemu-user on amd64 (tests/pkg/arm64.sh)
	echo "SKIP I/O errors: fiu-run's preload is not of the binary's architecture"
else
	cp "$DB" "$TMP/fiu.db"
	: >"$TMP/fiu.ok"
	fails=0 oks=0 crashes=0 unclear=0 silent=0
	for i in $(seq 1 150); do
		fiu-run -x -c "enable_random name=posix/io/*,probability=0.01" \
			"$DUTYDESK" --db "$TMP/fiu.db" incident add --title "注入$i" --type landslide --deaths 1 \
			>"$TMP/fiu.out" 2>"$TMP/fiu.err"
		rc=$?
		if [ $rc -eq 0 ]; then
			oks=$((oks + 1))
			head -1 "$TMP/fiu.out" >>"$TMP/fiu.ok"
		elif [ $rc -eq 1 ]; then
			fails=$((fails + 1))
			# Every line it wrote is a message of dutydesk's (never bytes
			# of memory after a failed write of an earlier one); it wrote
			# nothing when the write of its message was a failure injected
			# too: counted, and bounded below.
			if [ ! -s "$TMP/fiu.err" ]; then
				silent=$((silent + 1))
			elif grep -qv '^dutydesk' "$TMP/fiu.err"; then
				unclear=$((unclear + 1))
				echo "fiu run $i: a line not from dutydesk: $(head -c 300 "$TMP/fiu.err" | cat -v)" >&2
			fi
		else
			crashes=$((crashes + 1))
			echo "fiu run $i: exit $rc: $(head -c 300 "$TMP/fiu.err")" >&2
		fi
		# check from outside the fault injection, every time
		r=$(integrity "$TMP/fiu.db" 2>&1)
		[ "$r" = ok ] || fail "integrity after fiu run $i: $r"
		r=$(consistent "$TMP/fiu.db" 2>&1)
		[ "$r" = 0 ] || fail "half-written record after fiu run $i: $r (run: exit $rc, $(head -c 300 "$TMP/fiu.err"))"
	done
	echo "fiu: 150 runs, $oks succeeded, $fails failed ($silent of them could not write their message), $crashes crashed"
	LAST_CMD="fiu runs"
	expect_eq "$crashes" 0 "no crash under injected I/O errors"
	expect_eq "$unclear" 0 "every failure under injected I/O errors says why, in dutydesk's lines only"
	# the write of the message fails for about 1 failure in 150 (its own
	# 1 %); a program that stopped saying why would be silent every time
	expect_true "few failures said nothing ($silent of $fails)" test $((silent * 10)) -le "$fails"
	expect_true "some runs failed under injection ($fails)" test "$fails" -gt 0
	missing=0
	while read -r num; do
		[ "$(sqlite3 "$TMP/fiu.db" "SELECT count(*) FROM incident WHERE number = '$num'")" = 1 ] || missing=$((missing + 1))
	done <"$TMP/fiu.ok"
	expect_eq "$missing" 0 "every reported write is there after injected I/O errors"
fi
