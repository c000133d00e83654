#!/usr/bin/env bash
# Crash consistency: bulk writes through the CLI (incidents, stock receipts
# and transfers, timeline notes), killed with SIGKILL at random points, over
# and over. After every kill: PRAGMA integrity_check is
# ok, every write that reported success is there, and nothing is
# half-written (an incident without its 'received' entry or its outbox op,
# an op without its row, a transfer with one leg, a stock balance or lot that
# is not the sum of its movements).
#
#   CRASH_ITERATIONS (default 200) and CRASH_SECONDS (default 60) bound the run;
#   CRASH_SEED makes the kill points repeatable.
. "$(dirname "$0")/../cli/lib.sh"

ITER=${CRASH_ITERATIONS:-200}
LIMIT=${CRASH_SECONDS:-60}
RANDOM=${CRASH_SEED:-$$}
DB=$DUTYDESK_DB
LOG=$TMP/reported  # one line per write that reported success

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

# The writer: a mix of writes, each recorded once the CLI has exited 0.
writer() {
	set +m # its commands stay in its process group
	local n=0 num
	while :; do
		n=$((n + 1))
		case $((RANDOM % 5)) in
		0 | 1)
			num=$("$DUTYDESK" incident add --title "崩溃测试$1-$n" --type landslide --township 桑壁镇 \
				--deaths 1 --note "第$n条" 2>/dev/null) && echo "incident $num" >>"$LOG" ;;
		2)
			"$DUTYDESK" stock receive --depot CK-00 --item WZ-0501 --qty 2 --batch "K$1-$n" 2>/dev/null &&
				echo "receive K$1-$n" >>"$LOG" ;;
		3)
			"$DUTYDESK" incident note 永和-2026-0001 "续报$1-$n" 2>/dev/null &&
				echo "note 续报$1-$n" >>"$LOG" ;;
		4)
			"$DUTYDESK" stock transfer --from CK-00 --to CK-01 --item WZ-0501 --qty 1 \
				--reason "调拨$1-$n" 2>/dev/null && echo "transfer 调拨$1-$n" >>"$LOG" ;;
		esac
	done
}

: >"$LOG"
start=$SECONDS
iter=0 bad=0
while [ $iter -lt "$ITER" ] && [ $((SECONDS - start)) -lt "$LIMIT" ]; do
	iter=$((iter + 1))
	# job control: the writer gets its own process group (set by the shell
	# before it runs), so one kill takes the loop and the CLI inside it
	set -m
	writer "$iter" </dev/null &
	wpid=$!
	set +m
	sleep "0.$(printf '%03d' $((RANDOM % 250)))"
	kill -KILL -- "-$wpid" 2>/dev/null || kill -KILL "$wpid"
	wait "$wpid" 2>/dev/null
	# the CLI inside may take a moment more to die (and drop its locks)
	# (a zombie has dropped them already)
	for _ in $(seq 500); do
		ps -e -o pgid=,stat= | awk -v g="$wpid" '$1 == g && $2 !~ /Z/ { found = 1 } END { exit !found }' || break
		sleep 0.01
	done
	r=$(sqlite3 "$DB" 'PRAGMA integrity_check' 2>&1)
	[ "$r" = ok ] || fail "integrity_check after kill $iter: $r"
	r=$(half_written)
	[ "$r" = 0 ] || fail "half-written after kill $iter: $r"
done
pass
pass

# every reported write is there, exactly once
LAST_CMD="checking $(wc -l <"$LOG") reported writes"
missing=0
while read -r kind key; do
	case $kind in
	incident) q="SELECT count(*) FROM incident WHERE number = '$key'" ;;
	receive) q="SELECT count(*) FROM stock_movement WHERE kind = 'receive' AND batch = '$key'" ;;
	note) q="SELECT count(*) FROM timeline WHERE text = '$key'" ;;
	transfer) q="SELECT count(*) FROM stock_movement WHERE kind = 'transfer_out' AND reason = '$key'" ;;
	esac
	[ "$(sqlite3 "$DB" "$q")" = 1 ] || { missing=$((missing + 1)); echo "missing: $kind $key" >&2; }
done <"$LOG"
expect_eq "$missing" 0 "reported writes missing"
writes=$(wc -l <"$LOG")
expect_true "writes were made ($writes)" test "$writes" -gt "$iter"
expect_rc 0 dd incident add --title 崩溃之后 --type landslide
echo "crash: $iter kills in $((SECONDS - start)) s, $writes reported writes, all present; integrity ok every time"
