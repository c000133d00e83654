#!/bin/bash
# kill -9 of a node in the middle of its sync, and of the hub in the middle
# of a push: the databases stay whole, an op the hub acknowledged is never
# lost, server_seq is never given twice, and the next sync finishes the job.
. "$(dirname "$0")/lib.sh"
: "${GEN_OPS:?GEN_OPS must name the gen_ops binary (run through meson test)}"

expect_rc 0 hub init
enrol sangbi --township 桑壁镇
enrol zhihe --township 芝河镇
enrol auditor --county
expect_rc 0 node sangbi init --node sangbi --township 桑壁镇
expect_rc 0 node zhihe init --node zhihe --township 芝河镇
expect_rc 0 node auditor init --node auditor --county
expect_rc 0 "$GEN_OPS" "$TMP/sangbi.db" 800 3 141032101
expect_rc 0 "$GEN_OPS" "$TMP/zhihe.db" 800 3 141032100
start_hub
HUB_FIXED_PORT=$HUB_PORT

acked() { sqlite3 "$1" "SELECT count(*) FROM outbox WHERE state = 'acked'"; }
intact() { expect_eq "$(sqlite3 "$1" "PRAGMA integrity_check")" ok "$2: integrity"; }

# ---- the node killed mid-sync (slowed by the proxy so there is a middle) ----
start_proxy --delay 1.0 --delay-ms 120
LAST=0
KILLED=0
for delay in 0.3 0.5 0.2 0.7 0.4; do
	"$DUTYDESK" --db "$TMP/sangbi.db" sync --once --server "$PROXY_URL" \
		--token-file "$TMP/sangbi.token" >/dev/null 2>&1 &
	pid=$!
	sleep "$delay"
	kill -9 "$pid" 2>/dev/null && KILLED=$((KILLED + 1))
	wait "$pid" 2>/dev/null
	intact "$TMP/sangbi.db" "node after kill -9 at ${delay}s"
	NOW=$(acked "$TMP/sangbi.db")
	expect_true "acked ops never go back ($LAST -> $NOW)" test "$NOW" -ge "$LAST"
	LAST=$NOW
done
echo "node killed mid-sync $KILLED times; acked so far: $LAST of $(sqlite3 "$TMP/sangbi.db" "SELECT count(*) FROM outbox")"
expect_true "the node was killed while syncing at least once" test "$KILLED" -ge 1
stop_proxy
expect_rc 0 node_sync sangbi
expect_eq "$(sqlite3 "$TMP/sangbi.db" "SELECT count(*) FROM outbox WHERE state = 'pending'")" 0 "sangbi drained"

# ---- the hub killed mid-push (through the slowing proxy, so that a fast
# machine's push is not over before the kill) ----
start_proxy --delay 1.0 --delay-ms 120
CUT=0
for delay in 0.15 0.3 0.5; do
	"$DUTYDESK" --db "$TMP/zhihe.db" sync --once --server "$PROXY_URL" \
		--token-file "$TMP/zhihe.token" >/dev/null 2>&1 &
	pid=$!
	sleep "$delay"
	kill_hub
	wait "$pid" || CUT=$((CUT + 1))
	intact "$HUBDB" "hub after kill -9 at ${delay}s"
	# every op the node holds as acked is in the hub's log, at the same seq
	sqlite3 "$TMP/zhihe.db" "SELECT op_id || ' ' || server_seq FROM outbox WHERE state = 'acked' ORDER BY 1" >"$TMP/acked"
	sqlite3 "$HUBDB" "SELECT op_id || ' ' || server_seq FROM oplog WHERE op_id LIKE 'zhihe:%' ORDER BY 1" >"$TMP/logged"
	MISSING=$(comm -23 "$TMP/acked" "$TMP/logged" | wc -l)
	expect_eq "$MISSING" 0 "acked ops missing from the hub after kill -9 at ${delay}s ($(wc -l <"$TMP/acked") acked)"
	MAXSEQ=$(sqlite3 "$HUBDB" "SELECT coalesce(max(server_seq), 0) FROM oplog")
	start_hub "$HUB_FIXED_PORT"
	echo "hub killed at ${delay}s: zhihe had $(wc -l <"$TMP/acked") ops acked"
done
stop_proxy
echo "zhihe's sync cut by the hub's death $CUT times"
expect_true "the hub died under a running sync every time" test "$CUT" -eq 3
expect_rc 0 node_sync zhihe
expect_eq "$(sqlite3 "$HUBDB" "SELECT count(*) FROM oplog WHERE op_id LIKE 'zhihe:%'")" \
	"$(sqlite3 "$TMP/zhihe.db" "SELECT count(*) FROM outbox WHERE state != 'parked'")" "every zhihe op is in the hub's log once"
expect_eq "$(sqlite3 "$HUBDB" "SELECT count(*) FROM oplog WHERE server_seq > $MAXSEQ AND op_id IN (SELECT op_id FROM oplog WHERE server_seq <= $MAXSEQ)")" 0 "no op got a second server_seq"

# ---- SIGTERM mid-push: the request in flight finishes, the hub exits 0 ----
enrol late --township 桑壁镇
expect_rc 0 node late init --node late --township 桑壁镇 --prefix 桑壁二
expect_rc 0 "$GEN_OPS" "$TMP/late.db" 400 3 141032101
"$DUTYDESK" --db "$TMP/late.db" sync --once --server "$HUB_URL" --token-file "$TMP/late.token" >/dev/null 2>&1 &
pid=$!
sleep 0.2
expect_rc 0 stop_hub
wait "$pid"
expect_true "the stop waited for requests in flight" grep -q '"event":"stopping"' "$TMP/hub.log"
sqlite3 "$TMP/late.db" "SELECT op_id || ' ' || server_seq FROM outbox WHERE state = 'acked' ORDER BY 1" >"$TMP/acked"
sqlite3 "$HUBDB" "SELECT op_id || ' ' || server_seq FROM oplog WHERE op_id LIKE 'late:%' ORDER BY 1" >"$TMP/logged"
expect_eq "$(comm -23 "$TMP/acked" "$TMP/logged" | wc -l)" 0 "acked ops missing after SIGTERM ($(wc -l <"$TMP/acked") acked)"
expect_eq "$(comm -13 "$TMP/acked" "$TMP/logged" | wc -l)" 0 "ops committed but not acked after SIGTERM (the answer always got out)"
start_hub "$HUB_FIXED_PORT"
expect_rc 0 node_sync late

# ---- a new county node sees everything once ----
expect_rc 0 node_sync auditor
expect_rc 0 node_sync sangbi
expect_rc 0 node_sync zhihe
expect_rc 0 node_sync late
for n in sangbi zhihe auditor late; do
	expect_eq "$(node_digest "$n")" "$(hub_digest "$n")" "$n's digest equals the hub's"
done
expect_eq "$(sqlite3 "$TMP/auditor.db" "SELECT count(*) FROM incident")" 2000 "the county holds every incident"
expect_eq "$(sqlite3 "$TMP/auditor.db" "SELECT count(*) FROM timeline")" 8000 "and every timeline entry, once"
expect_rc 0 stop_hub
