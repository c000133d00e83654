#!/bin/bash
# kill -9 of a node in the middle of its sync, and of the hub in the middle
# of a push: the databases stay whole, an op the hub acknowledged is never
# lost, server_seq is never given twice, and the next sync finishes the job.
# SIGTERM with a push in flight: that push is answered, the hub exits 0.
#
# Every kill lands while a push is known to be running, whatever the
# machine's speed: the fault proxy holds push K in flight at the hub (the
# hub's handler has taken it; faultproxy.py --hold-push), the script sees it
# held, lets it go on and kills at a random moment within the next 400 ms,
# while push K+1, held too, keeps the sync from ending before the kill.
. "$(dirname "$0")/lib.sh"
: "${GEN_OPS:?GEN_OPS must name the gen_ops binary (run through meson test)}"

three_nodes auditor
# 3100 ops each (5 an incident): 7 pushes of at most 500, enough for the
# rounds below (a round in push K takes at most K pushes and needs K+1)
expect_rc 0 "$GEN_OPS" "$TMP/sangbi.db" 620 3 141032101
expect_rc 0 "$GEN_OPS" "$TMP/zhihe.db" 620 3 141032100
start_hub
HUB_FIXED_PORT=$HUB_PORT

acked() { sqlite3 "$TMP/$1.db" "SELECT count(*) FROM outbox WHERE state = 'acked'"; }
intact() { expect_eq "$(sqlite3 "$1" "PRAGMA integrity_check")" ok "$2: integrity"; }
# acked_at_hub NAME WHEN: every op NAME holds as acked is in the hub's log,
# at the server_seq the node was given.
acked_at_hub() {
	sqlite3 "$TMP/$1.db" "SELECT op_id || ' ' || server_seq FROM outbox WHERE state = 'acked' ORDER BY 1" >"$TMP/acked"
	hub_sql "SELECT op_id || ' ' || server_seq FROM oplog WHERE op_id LIKE '$1:%' ORDER BY 1" >"$TMP/logged"
	expect_eq "$(comm -23 "$TMP/acked" "$TMP/logged" | head -3)" "" \
		"$2: ops $1 holds as acked, missing from the hub's log or at another seq ($(wc -l <"$TMP/acked") acked)"
}

_held_or_ended() { # K PID
	held "$1" && return 0
	proxy_log | grep -q "push $1 not held" && fail "push $1 was not held: $(proxy_log | grep "push $1 not held")"
	exited "$2" && fail "the sync ended before its push $1 was held: $(cat "$TMP/cut.err")"
	return 1
}
# in_push NAME K: starts NAME's sync through a proxy that holds its pushes K
# and K+1; returns once push K has been in flight at the hub, been let go
# on, and a random moment (0 to 400 ms, not a wait) has passed. Sets
# SYNC_PID. The sync cannot end before push K+1 is let go.
in_push() {
	local name=$1 k=$2
	start_proxy --delay 1.0 --delay-ms 120 --hold-push "$k" --hold-push $((k + 1))
	"$DUTYDESK" --db "$TMP/$name.db" sync --once --server "$PROXY_URL" \
		--token-file "$TMP/$name.token" >"$TMP/cut.out" 2>"$TMP/cut.err" &
	SYNC_PID=$!
	wait_until 60 "$name's push $k held in flight at the hub" _held_or_ended "$k" "$SYNC_PID"
	release "$k"
	sleep "$(printf '0.%03d' $((RANDOM % 400)))"
}

# ---- the node killed mid-sync ----
LAST=0
for k in 1 2 1 1; do
	in_push sangbi "$k"
	kill -9 "$SYNC_PID"
	wait_exit "$SYNC_PID" 30 "sangbi ending after kill -9"
	expect_eq "$?" 137 "sangbi's exit status: killed by the signal, not ended on its own"
	stop_proxy
	intact "$TMP/sangbi.db" "node after kill -9 in push $k"
	NOW=$(acked sangbi)
	expect_true "acked ops never go back ($LAST -> $NOW)" test "$NOW" -ge "$LAST"
	# push K was sent, so the answers to the pushes before it were kept
	[ "$k" -ge 2 ] && expect_true "the pushes answered before push $k stay acked ($LAST -> $NOW)" test "$NOW" -gt "$LAST"
	acked_at_hub sangbi "after kill -9 of the node in push $k"
	echo "node killed in push $k: acked $LAST -> $NOW"
	LAST=$NOW
done
expect_rc 0 node_sync sangbi
expect_eq "$(sqlite3 "$TMP/sangbi.db" "SELECT count(*) FROM outbox WHERE state = 'pending'")" 0 "sangbi drained"

# ---- the hub killed mid-push ----
LAST=0
for k in 1 2 2; do
	in_push zhihe "$k"
	kill_hub
	stop_proxy
	wait_exit "$SYNC_PID" 30 "zhihe's sync ending after the hub's death"
	expect_eq "$?" 1 "zhihe's sync, cut by the hub's death: its exit status"
	expect_true "the failure is named ($(head -c 200 "$TMP/cut.err"))" test -s "$TMP/cut.err"
	[ "$HUB_KIND" = pg ] || intact "$HUBDB" "hub after kill -9 in push $k"
	NOW=$(acked zhihe)
	[ "$k" -ge 2 ] && expect_true "ops acked before the kill, to look for ($LAST -> $NOW)" test "$NOW" -gt "$LAST"
	acked_at_hub zhihe "after kill -9 of the hub in push $k"
	echo "hub killed in push $k: zhihe acked $LAST -> $NOW"
	LAST=$NOW
	start_hub "$HUB_FIXED_PORT"
done
expect_rc 0 node_sync zhihe
expect_eq "$(sqlite3 "$TMP/zhihe.db" "SELECT count(*) FROM outbox WHERE state = 'pending'")" 0 "zhihe drained"
# each op has one server_seq, the same at the hub and on the node
acked_at_hub zhihe "after the last sync"
expect_eq "$(comm -13 "$TMP/acked" "$TMP/logged" | head -3)" "" "zhihe's ops at the hub that zhihe does not hold as acked at that seq"
expect_eq "$(sqlite3 "$TMP/zhihe.db" "SELECT count(*) - count(DISTINCT server_seq) FROM outbox WHERE state = 'acked'")" 0 \
	"server_seqs given to two of zhihe's ops"

# ---- SIGTERM with a push in flight: it is answered, the hub exits 0 ----
enrol late --township 桑壁镇
expect_rc 0 node late init --node late --township 桑壁镇 --prefix 桑壁二
expect_rc 0 "$GEN_OPS" "$TMP/late.db" 150 3 141032101 # 750 ops: 2 pushes
start_proxy --hold-push 2
"$DUTYDESK" --db "$TMP/late.db" sync --once --server "$PROXY_URL" \
	--token-file "$TMP/late.token" >"$TMP/cut.out" 2>"$TMP/cut.err" &
SYNC_PID=$!
wait_until 60 "late's push 2 held in flight at the hub" _held_or_ended 2 "$SYNC_PID"
# the hub is stopping once it refuses new requests (503, or no connection)
_hub_stopping() {
	local code
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$HUB_URL/v1/health")
	[ $? -eq 7 ] || [ "$code" = 503 ]
}
kill -TERM "$HUB_PID"
wait_until 30 "the hub refusing new requests after SIGTERM" _hub_stopping
release 2
wait_exit "$HUB_PID" 60 "the hub ending after SIGTERM, its push in flight done"
expect_eq "$?" 0 "the hub's exit status after SIGTERM"
HUB_PID=""
cat "$TMP/hub.start" >>"$TMP/hub.log"
wait_exit "$SYNC_PID" 30 "late's sync ending after the hub stopped"
expect_eq "$?" 1 "late's sync, cut by the stop after its push 2: its exit status"
stop_proxy
expect_eq "$(jq -r 'select(.event == "stopping") | .in_flight' "$TMP/hub.start")" 1 "requests in flight at SIGTERM (push 2)"
expect_eq "$(sed -n '/"event":"stopping"/,$p' "$TMP/hub.start" |
	jq -r 'select(.event == "request" and .path == "/v1/push") | "\(.node) \(.status) \(.ended // "")"')" "late 200 " \
	"the push in flight at SIGTERM, after the stop began: answered in full"
acked_at_hub late "after SIGTERM"
expect_eq "$(comm -13 "$TMP/acked" "$TMP/logged" | wc -l)" 0 "ops committed but not acked after SIGTERM (the answer always got out)"
expect_eq "$(wc -l <"$TMP/acked")" "$(jq -s '[.[] | select(.event == "request" and .node == "late" and .path == "/v1/push" and .status == 200) | .ops] | add' "$TMP/hub.start")" \
	"ops late holds as acked, against the ops of the pushes the hub answered (push 2 with them)"
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
expect_eq "$(sqlite3 "$TMP/auditor.db" "SELECT count(*) FROM incident")" 1390 "the county holds every incident"
expect_eq "$(sqlite3 "$TMP/auditor.db" "SELECT count(*) FROM timeline")" $((1390 * 4)) "and every timeline entry, once"
expect_rc 0 stop_hub
