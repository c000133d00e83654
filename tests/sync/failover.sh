#!/bin/bash
# Failover with nothing acknowledged lost: the hub's database is a
# PostgreSQL primary with a synchronous streaming standby; two hubs serve
# it behind nginx. Four township nodes write and push continuously; the
# standby stops receiving, and the primary is killed with SIGKILL in the
# middle of their pushes (some committed there and not on the standby), the standby
# promoted, the hubs restarted on it (--db names the new primary) and
# nginx pointed at them. Every op a node saw acknowledged, before the kill
# or after, is in the new primary's log; every node, and a county node
# enrolled after the failover, converges on the hub (digests, sync --check).
# Skipped while this dutydeskd has no PostgreSQL store.
. "$(dirname "$0")/lib.sh"
. "$SYNC_DIR/pgcluster.sh"
. "$SYNC_DIR/farm.sh"
: "${GEN_OPS:?GEN_OPS must name the gen_ops binary (run through meson test)}"

HUB_STORE=postgresql
nginx_usable || skip "$FARM_WHY"
farm_store standby
NODES=(w1 w2 w3 w4)
for n in "${NODES[@]}"; do
	enrol "$n" --township 桑壁镇
	expect_rc 0 node "$n" init --node "$n" --township 桑壁镇 --prefix "$n"
done
enrol county --county
expect_rc 0 node county init --node county --county
start_hubs 2
start_nginx
HUB_URL=$FARM_URL

q() { sqlite3 -cmd ".timeout 10000" "$@"; }
acked() { q "$TMP/$1.db" "SELECT count(*) FROM outbox WHERE state = 'acked'"; }
# writer NAME: writes a few incidents with notes and syncs once, again and
# again, until $TMP/run is gone (at most 3000 rounds); each sync's outcome
# one line in $TMP/NAME.rounds.
writer() {
	local n=$1 k
	for ((k = 0; k < 3000; k++)); do
		[ -e "$TMP/run" ] || return 0
		"$GEN_OPS" "$TMP/$n.db" 2 3 141032101 >>"$TMP/$n.loop" 2>&1 || echo "gen_ops failed" >>"$TMP/$n.loop"
		if "$DUTYDESK" --db "$TMP/$n.db" sync --once --server "$FARM_URL" --token-file "$TMP/$n.token" \
			>>"$TMP/$n.loop" 2>&1; then
			echo ok >>"$TMP/$n.rounds"
		else
			echo failed >>"$TMP/$n.rounds"
		fi
	done
}
rounds() { grep -c "^$2\$" "$TMP/$1.rounds" 2>/dev/null; }

touch "$TMP/run"
at_exit 'rm -f "$TMP/run"' # the writers end at their next round
PIDS=()
for n in "${NODES[@]}"; do
	writer "$n" &
	PIDS+=($!)
	BG_PIDS+=($!)
done
all_acked_at_least() {
	local n
	for n in "${NODES[@]}"; do
		[ "$(acked "$n")" -ge "$1" ] || return 1
	done
}
wait_until 120 "every node having 100 ops acknowledged" all_acked_at_least 100

# ---- the standby falls behind; the primary dies in the middle of pushes ----
# The standby's WAL receiver stopped (SIGSTOP): what the primary commits
# from now on is not on the standby. With synchronous replication the hub
# acknowledges none of it (its commits wait for the standby); without it,
# those pushes would be acknowledged and lost at the failover.
standby_pm=$(head -n 1 "$PG_DIR/standby/postmaster.pid")
WALRECEIVER=$(ps -o pid=,args= --ppid "$standby_pm" | awk '/walreceiver/ {print $1}')
[ -n "$WALRECEIVER" ] || fail "the standby has no WAL receiver"
kill -STOP "$WALRECEIVER"
at_exit "kill -KILL $WALRECEIVER"
logged() { pg_sql "$PG_PRIMARY_PORT" "SELECT count(*) FROM oplog"; }
LOGGED=$(logged)
# a push waiting for the standby (synchronous), or 20 more ops committed
# on the primary alone (were it asynchronous)
pushing() {
	[ "$(pg_sql "$PG_PRIMARY_PORT" "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'SyncRep'")" -gt 0 ] ||
		[ "$(logged)" -ge $((LOGGED + 20)) ]
}
wait_until 60 "a push on the primary after the standby stopped receiving" pushing
pg_kill_primary || fail "$PG_WHY"
# and the receiver with what it held unwritten: the standby has what it
# wrote before it stopped (its postmaster restarts it, to find no primary)
kill -KILL "$WALRECEIVER"
declare -A FAILED_BEFORE
for n in "${NODES[@]}"; do FAILED_BEFORE[$n]=$(rounds "$n" failed); done
failed_since_kill() {
	local n
	for n in "${NODES[@]}"; do
		[ "$(rounds "$n" failed)" -gt "${FAILED_BEFORE[$n]}" ] || return 1
	done
}
wait_until 60 "every node's sync failing without the primary" failed_since_kill
pg_promote || fail "$PG_WHY"
# What the nodes saw acknowledged by the old primary (no hub can
# acknowledge anything now: theirs is dead).
for n in "${NODES[@]}"; do
	q "$TMP/$n.db" "SELECT op_id FROM outbox WHERE state = 'acked' ORDER BY op_id" >"$TMP/$n.acked-before"
done
BEFORE=$(cat "$TMP"/*.acked-before | wc -l)
expect_true "ops acknowledged before the kill ($BEFORE)" test "$BEFORE" -ge 400

# ---- the hubs on the new primary, nginx in front of them ----
stop_hubs || fail "a hub did not stop cleanly on SIGTERM after its database died"
pass
HUBDB=$(pg_url "$PG_STANDBY_PORT")
start_hubs 2
nginx_reload
declare -A OK_AFTER
for n in "${NODES[@]}"; do OK_AFTER[$n]=$(rounds "$n" ok); done
synced_twice_since() {
	local n
	for n in "${NODES[@]}"; do
		[ "$(rounds "$n" ok)" -ge $((OK_AFTER[$n] + 2)) ] || return 1
	done
}
wait_until 120 "every node syncing twice with the hubs on the new primary" synced_twice_since
rm -f "$TMP/run"
for i in "${!PIDS[@]}"; do
	wait_exit "${PIDS[i]}" 120 "writer ${NODES[i]} ending"
done

# ---- nothing acknowledged lost; everyone converges ----
for n in "${NODES[@]}" county "${NODES[@]}" county; do
	expect_rc 0 node_sync "$n" "$FARM_URL"
done
enrol fresh --county # enrolled on the new primary
expect_rc 0 node fresh init --node fresh --county
expect_rc 0 node_sync fresh "$FARM_URL"
pg_sql "$PG_STANDBY_PORT" "SELECT op_id FROM oplog" | sort >"$TMP/hub.ops"
for n in "${NODES[@]}"; do
	expect_eq "$(comm -23 <(sort "$TMP/$n.acked-before") "$TMP/hub.ops" | head -3)" "" \
		"$n: ops acknowledged by the old primary missing on the new one"
	q "$TMP/$n.db" "SELECT op_id FROM outbox WHERE state = 'acked'" | sort >"$TMP/$n.acked"
	expect_eq "$(comm -23 "$TMP/$n.acked" "$TMP/hub.ops" | head -3)" "" \
		"$n: ops acknowledged (before or after the failover) missing on the hub"
	expect_eq "$(q "$TMP/$n.db" "SELECT count(*) FROM outbox WHERE state <> 'acked'")" 0 "$n: ops not acknowledged"
	expect_eq "$(q "$TMP/$n.db" "ATTACH '$TMP/fresh.db' AS f;
		SELECT count(*) FROM outbox o WHERE NOT EXISTS (SELECT 1 FROM f.incident i WHERE o.tbl = 'incident' AND i.id = o.row_id)
		AND NOT EXISTS (SELECT 1 FROM f.timeline t WHERE o.tbl = 'timeline' AND t.id = o.row_id)")" 0 \
		"$n: records of its ops that a county node enrolled after the failover lacks"
done
for n in "${NODES[@]}" county fresh; do
	expect_eq "$(node_digest "$n")" "$(hub_digest "$n")" "$n's digest equals the hub's"
	expect_rc 0 node "$n" sync --check --server "$FARM_URL" --token-file "$TMP/$n.token"
done
MADE=$(for n in "${NODES[@]}"; do q "$TMP/$n.db" "SELECT count(DISTINCT row_id) FROM outbox WHERE tbl = 'incident'"; done |
	awk '{s += $1} END {print s}')
expect_eq "$(q "$TMP/county.db" "SELECT count(*) FROM incident")" "$MADE" "the county has every incident the nodes made"
expect_rc 0 stop_hubs
echo "failover: $BEFORE ops acknowledged by the old primary, $(cat "$TMP"/w?.acked | wc -l) in all; $(wc -l <"$TMP/hub.ops") in the new primary's log"
