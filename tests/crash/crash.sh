#!/usr/bin/env bash
# Crash consistency: bulk writes through the CLI (incidents, stock receipts
# and transfers, timeline notes), killed with SIGKILL at random points, over
# and over. After every kill: PRAGMA integrity_check is
# ok, every write that reported success is there, and nothing is
# half-written (an incident without its 'received' entry or its outbox op,
# an op without its row, a transfer with one leg, a stock balance or lot that
# is not the sum of its movements).
#
# The run goes on until it has enough to judge: at least CRASH_KILLS kills
# (default 40) and CRASH_WRITES writes that reported success (default 100).
# A kill lands at a random moment within a window of a few writes' time,
# measured as the run goes (a write under the address sanitizer on a loaded
# machine takes many times longer than in a plain build), so that kills
# fall before, during and after writes whatever the speed. CRASH_ITERATIONS
# (default 400 kills) and CRASH_SECONDS (default 120) bound the run; reaching
# a bound before there is enough to judge fails, saying how far it got.
# CRASH_SEED repeats the random draws (the window still follows the speed
# measured in the run).
. "$(dirname "$0")/../cli/lib.sh"

WANT_KILLS=${CRASH_KILLS:-40}
WANT_WRITES=${CRASH_WRITES:-100}
ITER=${CRASH_ITERATIONS:-400}
LIMIT=${CRASH_SECONDS:-120}
RANDOM=${CRASH_SEED:-$$}
DB=$DUTYDESK_DB
LOG=$TMP/reported # one line per write that reported success
LAT=$TMP/latency  # how long each of those writes took, in ms

expect_rc 0 dd demo
sqlite3 "$DB" "PRAGMA journal_mode" >/dev/null

# half_written: the number of broken invariants (0 when all hold).
half_written() {
	local q="SELECT 0" t
	for t in $(sqlite3 "$DB" "SELECT DISTINCT tbl FROM outbox"); do
		q+=" + (SELECT count(*) FROM outbox o WHERE o.tbl = '$t' AND NOT EXISTS (SELECT 1 FROM $t r WHERE r.id = o.row_id))"
	done
	for t in incident timeline stock_movement inspection; do
		q+=" + (SELECT count(*) FROM $t r WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.tbl = '$t' AND o.row_id = r.id))"
	done
	q+=" + (SELECT count(*) FROM incident i WHERE NOT EXISTS (SELECT 1 FROM timeline t WHERE t.incident_id = i.id AND t.kind = 'received'))"
	q+=" + (SELECT count(*) FROM stock_balance b WHERE b.qty != (SELECT coalesce(sum(m.qty), 0) FROM stock_movement m WHERE m.depot_id = b.depot_id AND m.item_id = b.item_id))"
	# a transfer is both legs or neither
	q+=" + (SELECT count(*) FROM (SELECT transfer_id FROM stock_movement WHERE transfer_id IS NOT NULL GROUP BY transfer_id HAVING count(*) != 2 OR sum(qty) != 0))"
	q+=" + (SELECT count(*) FROM stock_lot l WHERE l.qty != (SELECT coalesce(sum(m.qty), 0) FROM stock_movement m WHERE m.depot_id = l.depot_id AND m.item_id = l.item_id AND m.batch = l.batch AND m.expiry = l.expiry))"
	sqlite3 "$DB" "$q" 2>&1
}
expect_eq "$(half_written)" 0 "invariants hold on the demo"

now_us() { echo "${EPOCHREALTIME/./}"; }

# One write of a random kind ($1: round, $2: number in the round), recorded
# once the CLI has exited 0, with the time it took.
one_write() {
	local num t0=$(now_us) ok=false
	case $((RANDOM % 5)) in
	0 | 1)
		num=$("$DUTYDESK" incident add --title "崩溃测试$1-$2" --type landslide --township 桑壁镇 \
			--deaths 1 --note "第$2条" 2>/dev/null) && echo "incident $num" >>"$LOG" && ok=true ;;
	2)
		"$DUTYDESK" stock receive --depot CK-00 --item WZ-0501 --qty 2 --batch "K$1-$2" 2>/dev/null &&
			echo "receive K$1-$2" >>"$LOG" && ok=true ;;
	3)
		"$DUTYDESK" incident note 永和-2026-0001 "续报$1-$2" 2>/dev/null &&
			echo "note 续报$1-$2" >>"$LOG" && ok=true ;;
	4)
		"$DUTYDESK" stock transfer --from CK-00 --to CK-01 --item WZ-0501 --qty 1 \
			--reason "调拨$1-$2" 2>/dev/null && echo "transfer 调拨$1-$2" >>"$LOG" && ok=true ;;
	esac
	$ok && echo $((($(now_us) - t0) / 1000)) >>"$LAT"
	$ok
}

# The writer: writes until it is killed.
writer() {
	set +m # its commands stay in its process group
	local n=0
	while :; do
		n=$((n + 1))
		one_write "$1" "$n"
	done
}

: >"$LOG"
: >"$LAT"
# A few writes nobody kills: the CLI works here, and a first measure of a
# write's time.
for n in 1 2 3; do
	LAST_CMD="one write before any kill ($n)"
	one_write 0 "$n" || one_write 0 "$n.retry" || fail "two writes in a row failed without a kill"
	pass
done

# The kill window in ms: six times the median of the last 20 writes' times,
# at least 250 ms, at most 10 s. Kills are uniform in it, so about one in six
# lands in a round's first command (opening the database after the last
# kill) and the rest during and between later writes.
window_ms() {
	local med
	med=$(tail -n 20 "$LAT" | sort -n | awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : 0 }')
	med=$((med * 6))
	((med < 250)) && med=250
	((med > 10000)) && med=10000
	echo "$med"
}

start=$SECONDS
iter=0
writes() { wc -l <"$LOG"; }
while { [ $iter -lt "$WANT_KILLS" ] || [ "$(writes)" -lt "$WANT_WRITES" ]; } &&
	[ $iter -lt "$ITER" ] && [ $((SECONDS - start)) -lt "$LIMIT" ]; do
	iter=$((iter + 1))
	win=$(window_ms)
	delay=$(((RANDOM * 32768 + RANDOM) % win))
	# job control: the writer gets its own process group (set by the shell
	# before it runs), so one kill takes the loop and the CLI inside it
	set -m
	writer "$iter" </dev/null &
	wpid=$!
	BG_PIDS=("$wpid")
	set +m
	# a random moment, not a wait: what the writer got done by then is its
	# business (every write it reported is checked at the end)
	sleep "$((delay / 1000)).$(printf '%03d' $((delay % 1000)))"
	kill -KILL -- "-$wpid" 2>/dev/null || kill -KILL "$wpid"
	wait "$wpid" 2>/dev/null
	# the CLI inside may take a moment more to die (and drop its locks);
	# a zombie has dropped them already
	gone=false
	for _ in $(seq 2000); do
		ps -e -o pgid=,stat= | awk -v g="$wpid" '$1 == g && $2 !~ /Z/ { found = 1 } END { exit !found }' ||
			{ gone=true; break; }
		sleep 0.01
	done
	$gone || fail "kill $iter: the writer's processes still run 20 s after SIGKILL"
	LAST_CMD="checks after kill $iter (at $delay ms of a $win ms window)"
	r=$(sqlite3 "$DB" 'PRAGMA integrity_check' 2>&1)
	[ "$r" = ok ] || fail "integrity_check after kill $iter: $r"
	pass
	r=$(half_written)
	[ "$r" = 0 ] || fail "half-written after kill $iter: $r"
	pass
done
elapsed=$((SECONDS - start))
writes=$(writes)
LAST_CMD="$iter kills in $elapsed s (bounds: $ITER kills, $LIMIT s), $writes reported writes"
expect_true "enough kills to judge: $iter, wanted $WANT_KILLS" test "$iter" -ge "$WANT_KILLS"
expect_true "enough reported writes to judge: $writes, wanted $WANT_WRITES (median write $(sort -n "$LAT" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }') ms)" \
	test "$writes" -ge "$WANT_WRITES"

# every reported write is there, exactly once
LAST_CMD="checking $writes reported writes"
missing=0
while read -r kind key; do
	case $kind in
	incident) q="SELECT count(*) FROM incident WHERE number = '$key'" ;;
	receive) q="SELECT count(*) FROM stock_movement WHERE kind = 'receive' AND batch = '$key'" ;;
	note) q="SELECT count(*) FROM timeline WHERE text = '$key'" ;;
	transfer) q="SELECT count(*) FROM stock_movement WHERE kind = 'transfer_out' AND reason = '$key'" ;;
	*) q="SELECT 'a line of an unknown kind'" ;;
	esac
	[ "$(sqlite3 "$DB" "$q")" = 1 ] || { missing=$((missing + 1)); echo "missing: $kind $key" >&2; }
done <"$LOG"
expect_eq "$missing" 0 "reported writes missing"
expect_rc 0 dd incident add --title 崩溃之后 --type landslide
echo "crash: $iter kills in $elapsed s, $writes reported writes (median $(sort -n "$LAT" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }') ms each), all present; integrity ok every time"
