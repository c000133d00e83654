#!/bin/bash
# Three databases syncing through a fault proxy (connections reset before
# and after the hub commits, answers cut in half, delays), in different
# orders, with offline edits between rounds: at the end every node's digest
# equals the hub's for its scope, outboxes are drained, nothing is doubled.
# FAULT_SEED picks the proxy's faults (printed; rerun with it to replay).
. "$(dirname "$0")/lib.sh"
SEED=${FAULT_SEED:-$RANDOM}
echo "fault seed: $SEED (FAULT_SEED=$SEED replays it)"

three_nodes
start_hub
start_proxy --seed "$SEED" --each-first --reset 0.15 --drop 0.2 --truncate 0.1 --delay 0.1 --delay-ms 200

# edits NAME TOWNSHIP K: K incidents with a note each, offline.
declare -A MADE=([sangbi]=0 [zhihe]=0 [county]=0)
edits() {
	local n=$1 town=$2 k=$3 i num
	for ((i = 0; i < k; i++)); do
		num=$(node "$n" incident add --title "$n 第$((MADE[$n] + 1))起 山洪" --type flood \
			--township "$town" --json | jq -r .number) || fail "$n: incident add"
		node "$n" incident note "$num" "巡查：水位上涨 $i" >/dev/null || fail "$n: note"
		MADE[$n]=$((MADE[$n] + 1))
	done
	pass
}
TRIES=0
round() {
	local n
	for n in "$@"; do
		sync_until "$n" "$PROXY_URL" 60
		TRIES=$((TRIES + SYNC_TRIES))
	done
}

edits sangbi 桑壁镇 8
edits zhihe 芝河镇 8
edits county 芝河镇 4
round sangbi zhihe county
edits county 桑壁镇 3
edits sangbi 桑壁镇 5
round county zhihe sangbi
edits zhihe 芝河镇 6
edits sangbi 桑壁镇 2
round zhihe sangbi county zhihe
# quiescence: everyone once more, so the last writes reach everyone
round sangbi zhihe county sangbi zhihe county
echo "sync attempts through the proxy: $TRIES"

for n in sangbi zhihe county; do
	expect_rc 0 node "$n" sync --status --json
	expect_eq "$(json_get .pending)" 0 "$n: nothing pending"
	expect_eq "$(node_digest "$n")" "$(hub_digest "$n")" "$n's digest equals the hub's"
done
TOTAL=$((MADE[sangbi] + MADE[zhihe] + MADE[county]))
expect_rc 0 node county incident list --json
expect_eq "$(json_get 'length')" "$TOTAL" "the county holds every incident once"
expect_eq "$(json_get '[.[].number] | unique | length')" "$TOTAL" "incident numbers are unique"
expect_eq "$(sqlite3 "$TMP/county.db" "SELECT count(*) FROM timeline")" "$((TOTAL * 2))" "every timeline entry once (first entry + note)"
SB_EXPECT=$(sqlite3 "$TMP/county.db" "SELECT count(*) FROM incident WHERE township_code = '141032101'")
expect_rc 0 node sangbi incident list --json
expect_eq "$(json_get 'length')" "$SB_EXPECT" "sangbi holds its township's incidents"
# nothing doubled at the hub: each node's ops there once, at the
# server_seq the node was given (op_id is unique in the hub's log, so the
# count says each op is there, the pairs say it was never given two seqs)
for n in sangbi zhihe county; do
	sqlite3 "$TMP/$n.db" "SELECT op_id || ' ' || server_seq FROM outbox WHERE state = 'acked' ORDER BY 1" >"$TMP/acked"
	hub_sql "SELECT op_id || ' ' || server_seq FROM oplog WHERE node = '$n' ORDER BY 1" >"$TMP/logged"
	expect_eq "$(wc -l <"$TMP/acked")" "$(sqlite3 "$TMP/$n.db" "SELECT count(*) FROM outbox")" "$n: every op acked"
	expect_eq "$(diff "$TMP/acked" "$TMP/logged" | head -3)" "" "$n: its ops at the hub, once each, at the seq it holds"
done
# a dropped answer (committed, then the connection reset) made its node
# send those ops again: the hub knew them as duplicates
DUPS=$(for n in sangbi zhihe county; do sqlite3 "$TMP/$n.db" "SELECT count(*) FROM outbox WHERE result = 'duplicate'"; done | awk '{s += $1} END {print s}')
expect_true "ops answered as duplicates after the dropped answer ($DUPS)" test "$DUPS" -gt 0

for f in reset drop truncate delay; do
	expect_true "the proxy did inject '$f' faults" grep -q "proxy: $f " "$TMP/proxy.log"
done
expect_rc 0 stop_hub
