#!/bin/bash
# Abuse of the hub: slow clients (slowhttptest: slow headers, slow bodies),
# wrong and revoked tokens, oversize and deeply nested bodies, replayed
# pushes and a write into another township from an attacker's address,
# while wrk loads the hub with legitimate pulls and a township node keeps
# writing and syncing. Each of the node's syncs must succeed while the
# attack is seen to go on, the hub must stay up, and it must hold exactly
# the node's ops afterwards: nothing from the attacker.
#
# The attacker sits in a network namespace of its own (slow clients from
# 10.77.N.2, bad requests from 10.77.N.3), so that the hub's per-address
# limits can tell it from the node. Where no namespace can be made (not
# root, no ip, no veth), or ABUSE_SHARED_ADDRESS=1, the attacker shares
# the node's address: the slow clients stay under the per-address cap, and
# the bad logins are left out (they would hold the node's address back
# too), each said on a "SKIP part" line. A missing slowhttptest or wrk
# leaves out its part the same way. The attack runs until the node is done
# and is then stopped: bounded by the node's work, about 20 s.
. "$(dirname "$0")/lib.sh"

SLOW=yes
command -v slowhttptest >/dev/null || { SLOW=; skip_part "slow clients" "slowhttptest is not installed"; }
[ -n "$SLOW" ] && ! command -v ss >/dev/null &&
	{ SLOW=; skip_part "slow clients" "ss (iproute2) is not installed: their connections could not be seen"; }
LOAD=yes
command -v wrk >/dev/null || { LOAD=; skip_part "legitimate load" "wrk is not installed"; }

expect_rc 0 hub init
enrol zhihe --township 芝河镇
enrol sangbi --township 桑壁镇
enrol gone --township 桑壁镇
expect_rc 0 hub node revoke gone
expect_rc 0 node zhihe init --node zhihe --township 芝河镇
expect_rc 0 node sangbi init --node sangbi --township 桑壁镇

# The hub on every address, with a short idle timeout (slow clients are
# dropped after it) and a small per-address cap.
HUB_LISTEN_ADDR=0.0.0.0 start_hub 0 --per-addr 12 --timeout 3

# ---- the attacker's address ----
NS=ddatk$$
ATK=()
BADIF=()
CONNS=3 # slow connections per tool from a shared address: all under the cap of 12
_ns_cleanup() {
	ip netns del "$NS" 2>/dev/null
	ip link del "v$NS" 2>/dev/null
	return 0
}
# make_ns: the attacker's namespace, reaching the hub; else NS_WHY says why not.
make_ns() {
	NS_WHY=""
	if [ -n "${ABUSE_SHARED_ADDRESS:-}" ]; then
		NS_WHY="ABUSE_SHARED_ADDRESS is set"
	elif [ "$(id -u)" -ne 0 ]; then
		NS_WHY="not root (a network namespace needs it)"
	elif ! command -v ip >/dev/null; then
		NS_WHY="ip (iproute2) is not installed"
	elif ! ip netns add "$NS" 2>"$TMP/ns.err"; then
		NS_WHY="ip netns add failed: $(head -1 "$TMP/ns.err")"
	fi
	[ -z "$NS_WHY" ] || return 1
	at_exit _ns_cleanup
	# a /24 no other run on this machine uses now
	local i taken
	taken=$(ip -4 -o addr show 2>/dev/null)
	for ((i = 0; i < 200; i++)); do
		NET=10.77.$((($$ + i) % 200 + 20))
		grep -qF " $NET." <<<"$taken" || break
	done
	if ! {
		ip link add "v$NS" type veth peer name "p$NS" &&
			ip link set "p$NS" netns "$NS" &&
			ip addr add "$NET.1/24" dev "v$NS" && ip link set "v$NS" up &&
			ip -n "$NS" addr add "$NET.2/24" dev "p$NS" && ip -n "$NS" addr add "$NET.3/24" dev "p$NS" &&
			ip -n "$NS" link set "p$NS" up && ip -n "$NS" link set lo up
	} 2>"$TMP/ns.err"; then
		NS_WHY="setting up a veth pair into the namespace failed: $(head -1 "$TMP/ns.err")"
	elif [ "$(ip netns exec "$NS" curl -s -o /dev/null -w '%{http_code}' --max-time 30 \
		"http://$NET.1:$HUB_PORT/v1/health")" != 200 ]; then
		NS_WHY="the namespace does not reach the hub at $NET.1 (firewall?)"
	fi
	[ -z "$NS_WHY" ] && return 0
	_ns_cleanup
	return 1
}
if make_ns; then
	ATK=(ip netns exec "$NS")
	ATK_URL=http://$NET.1:$HUB_PORT
	CONNS=300
	BADIF=(--interface "$NET.3") # bad requests from a second address of its own
	echo "attacker at $NET.2 and $NET.3 (network namespace $NS)"
else
	ATK_URL=$HUB_URL
	skip_part "bad logins from an address of the attacker's own" \
		"no network namespace: $NS_WHY; the attacker shares the node's address"
fi
"${ATK[@]}" curl -s -o /dev/null -w '%{http_code}' --max-time 30 "$ATK_URL/v1/health" >"$TMP/atk.health"
expect_eq "$(cat "$TMP/atk.health")" 200 "the attacker reaches the hub"

# ---- the attack: slow headers and slow bodies, legitimate load ----
# Both run far longer than needed and are stopped once the node is done.
SLOW_PIDS=()
if [ -n "$SLOW" ]; then
	"${ATK[@]}" slowhttptest -H -c "$CONNS" -r 100 -i 2 -l 600 -s 8192 -x 24 -p 3 \
		-u "$ATK_URL/v1/push" -t POST >"$TMP/slow-headers.out" 2>&1 &
	SLOW_PIDS+=($!)
	"${ATK[@]}" slowhttptest -B -c "$CONNS" -r 100 -i 2 -l 600 -s 65536 -x 24 -p 3 \
		-u "$ATK_URL/v1/push" -t POST >"$TMP/slow-body.out" 2>&1 &
	SLOW_PIDS+=($!)
	at_exit 'kill "${SLOW_PIDS[@]}" 2>/dev/null'
fi
WRK=""
if [ -n "$LOAD" ]; then
	# pulls with a real token, 4 connections
	wrk -t1 -c4 -d600s --timeout 30s --latency -H "Authorization: Bearer $(cat "$TMP/sangbi.token")" \
		"$HUB_URL/v1/pull?since=0&limit=100" >"$TMP/wrk.out" 2>&1 &
	WRK=$!
	at_exit '[ -n "$WRK" ] && kill "$WRK" 2>/dev/null'
fi

# slow_held: connections the slow clients hold open to the hub (the
# ones it has closed are no longer established on their side)
slow_held() {
	"${ATK[@]}" ss -Htnp state established "( dport = :$HUB_PORT )" 2>/dev/null | grep -c '"slowhttptest"'
}
_slow_holding() { [ "$(slow_held)" -ge 6 ]; }
# wrk's pulls logged by the hub (sangbi's token; the node is zhihe)
wrk_pulls() { grep -c '"node":"sangbi","method":"GET","path":"/v1/pull","status":200' "$TMP/hub.start"; }
_wrk_pulling() { [ "$(wrk_pulls)" -ge 1 ]; }
[ -n "$SLOW" ] && wait_until 60 "the slow clients holding 6 connections to the hub" _slow_holding
[ -n "$LOAD" ] && wait_until 60 "wrk's first pull" _wrk_pulling
# attack_on WHEN: the attack still goes on
attack_on() {
	local p
	for p in "${SLOW_PIDS[@]}" $WRK; do
		exited "$p" && fail "$1: an attacking tool ended early: $(tail -c 300 "$TMP"/slow-*.out "$TMP/wrk.out" 2>/dev/null)"
	done
	if [ -n "$SLOW" ]; then
		local held
		held=$(slow_held)
		[ "$held" -ge 1 ] || fail "$1: the slow clients hold no connection to the hub"
	fi
	pass
}
attack_on "the attack under way"

# bad requests from the attacker, while all that goes on (from its own
# address only: failed logins hold the address back, node and all)
bad() { # bad EXPECTED_STATUS WHAT curl-args...
	local want=$1 what=$2
	shift 2
	local got
	got=$("${ATK[@]}" curl "${BADIF[@]}" -s -o "$TMP/bad.out" -w '%{http_code}' --max-time 30 "$@")
	expect_eq "$got" "$want" "$what"
}
if [ ${#ATK[@]} -gt 0 ]; then
	printf '{"proto":1,"ops":[' >"$TMP/big.json"
	head -c 2000000 /dev/zero | tr '\0' ' ' >>"$TMP/big.json"
	printf ']}' >>"$TMP/big.json"
	python3 -c 'print("[" * 5000 + "]" * 5000)' >"$TMP/deep.json"
	bad 401 "no token" -X POST --data-binary '{}' "$ATK_URL/v1/push"
	bad 401 "a wrong token" -H "Authorization: Bearer not-a-token" "$ATK_URL/v1/pull?since=0"
	bad 401 "a revoked token" -H "Authorization: Bearer $(cat "$TMP/gone.token")" \
		"$ATK_URL/v1/pull?since=0"
	# three failed logins from this address: far from the 20 that hold it back
	bad 413 "an oversize body" -X POST -H "Authorization: Bearer $(cat "$TMP/sangbi.token")" \
		-H 'Content-Type: application/json' --data-binary @"$TMP/big.json" "$ATK_URL/v1/push"
	bad 400 "JSON nested 5000 deep" -X POST -H "Authorization: Bearer $(cat "$TMP/sangbi.token")" \
		-H 'Content-Type: application/json' --data-binary @"$TMP/deep.json" "$ATK_URL/v1/push"
	attack_on "after the bad requests"
fi

# ---- the node works on: every write synced at once, under the attack ----
worst=0
for ((k = 1; k <= 8; k++)); do
	expect_rc 0 node zhihe incident add --title "芝河镇险情$k" --type landslide --township 芝河镇
	t0=$(date +%s%N)
	expect_rc 0 node_sync zhihe
	ms=$((($(date +%s%N) - t0) / 1000000))
	((ms > worst)) && worst=$ms
	attack_on "after the node's sync $k"
done
echo "node syncs under attack: 8 of 8, slowest $worst ms${SLOW:+; slow connections held now: $(slow_held)}"

# a replay of the node's ops, from the attacker's address, with the
# node's own token (stolen): every op a duplicate, nothing new
OPS=$(sqlite3 "$TMP/zhihe.db" "SELECT json_group_array(json(body)) FROM outbox WHERE state = 'acked'")
EPOCH=$(curl -s "$HUB_URL/v1/health" | jq -r .hub_epoch)
SCHEMA=$(sqlite3 "$TMP/zhihe.db" "PRAGMA user_version")
jq -cn --argjson ops "$OPS" --arg epoch "$EPOCH" --argjson schema "$SCHEMA" \
	'{proto: 1, schema: $schema, node: "zhihe", hub_epoch: $epoch, ops: $ops}' >"$TMP/replay.json"
BEFORE=$(hub_sql "SELECT count(*) FROM oplog")
REPLAY=$("${ATK[@]}" curl "${BADIF[@]}" -s -o "$TMP/replay.out" -w '%{http_code}' --max-time 30 -X POST \
	-H "Authorization: Bearer $(cat "$TMP/zhihe.token")" -H 'Content-Type: application/json' \
	--data-binary @"$TMP/replay.json" "$ATK_URL/v1/push")
expect_eq "$REPLAY" 200 "the replay's status"
expect_eq "$(jq '.results | length' "$TMP/replay.out")" "$(jq '.ops | length' "$TMP/replay.json")" "results for the replayed ops"
expect_eq "$(jq -c '[.results[] | select(.status != "duplicate") | .status] | unique' "$TMP/replay.out")" "[]" \
	"replayed ops that were not duplicates"
expect_eq "$(hub_sql "SELECT count(*) FROM oplog")" "$BEFORE" "oplog rows after the replay"

# a write into another township with a real token (sangbi's, stolen):
# refused op by op, nothing logged
expect_rc 0 node sangbi incident add --title 桑壁镇滑坡 --type landslide --township 桑壁镇
FORGED=$(sqlite3 "$TMP/sangbi.db" "SELECT body FROM outbox WHERE tbl = 'incident' LIMIT 1" |
	jq -c '.fields.township_code = "141032100" | .fields.number = "芝河-2026-9999"')
jq -cn --argjson op "$FORGED" --arg epoch "$EPOCH" --argjson schema "$SCHEMA" \
	'{proto: 1, schema: $schema, node: "sangbi", hub_epoch: $epoch, ops: [$op]}' >"$TMP/forged.json"
FORGE=$("${ATK[@]}" curl "${BADIF[@]}" -s -o "$TMP/forged.out" -w '%{http_code}' --max-time 30 -X POST \
	-H "Authorization: Bearer $(cat "$TMP/sangbi.token")" -H 'Content-Type: application/json' \
	--data-binary @"$TMP/forged.json" "$ATK_URL/v1/push")
expect_eq "$FORGE" 200 "the cross-township write's status"
expect_eq "$(jq -r '.results[0].status' "$TMP/forged.out")" forbidden "a write into another township"
expect_eq "$(hub_sql "SELECT count(*) FROM oplog WHERE node = 'sangbi'")" 0 "sangbi's ops at the hub"
attack_on "after the replay and the forgery"

# ---- the attack stops ----
if [ -n "$WRK" ]; then
	kill -INT "$WRK" # wrk prints its figures on SIGINT
	wait_exit "$WRK" 30 "wrk ending on SIGINT"
	WRK=""
fi
if [ -n "$SLOW" ]; then
	kill "${SLOW_PIDS[@]}"
	for p in "${SLOW_PIDS[@]}"; do wait_exit "$p" 30 "slowhttptest ending on SIGTERM"; done
	SLOW_PIDS=()
fi

# ---- after: the hub up, holding the node's ops and nothing else ----
_hub_up() { ! exited "$HUB_PID"; }
expect_true "the hub is still running" _hub_up
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 "$HUB_URL/v1/health")" 200 "health after the attack"
expect_rc 0 stop_hub
expect_eq "$(hub_sql "SELECT count(*) FROM oplog WHERE node != 'hub'")" \
	"$(sqlite3 "$TMP/zhihe.db" "SELECT count(*) FROM outbox WHERE state = 'acked'")" \
	"ops at the hub (the node's acked ones, all)"
expect_eq "$(hub_sql "SELECT count(*) FROM oplog WHERE node NOT IN ('zhihe', 'hub')")" 0 \
	"ops at the hub from anyone else"
expect_eq "$(sqlite3 "$TMP/zhihe.db" "SELECT count(*) FROM outbox WHERE state = 'pending'")" 0 \
	"the node's ops still pending"
expect_eq "$(sqlite3 "$TMP/zhihe.db" "SELECT count(*) FROM outbox WHERE state = 'acked' AND tbl = 'incident'")" 8 \
	"the node's incidents acked"
[ "$HUB_KIND" = pg ] || expect_eq "$(sqlite3 "$HUBDB" "PRAGMA integrity_check")" ok "the hub's integrity"
if [ -n "$LOAD" ]; then
	REQS=$(awk '/requests in/ {print $1}' "$TMP/wrk.out")
	NON2XX=$(awk '/Non-2xx/ {print $5}' "$TMP/wrk.out")
	SOCKERR=$(sed -n 's/.*Socket errors: connect \([0-9]*\), read \([0-9]*\), write \([0-9]*\), timeout \([0-9]*\).*/\1 \2 \3 \4/p' "$TMP/wrk.out")
	P99=$(awk '$1 == "99%" {print $2}' "$TMP/wrk.out")
	echo "wrk under attack: ${REQS:-?} pulls, $(awk '/Requests\/sec/ {print $2}' "$TMP/wrk.out") a second, p99 ${P99:-?}, non-2xx ${NON2XX:-0}, socket errors (connect read write timeout) ${SOCKERR:-0 0 0 0}"
	expect_true "wrk's figures are there ($(tail -c 300 "$TMP/wrk.out"))" test -n "$REQS"
	expect_true "legitimate pulls made during the attack ($REQS)" test "$REQS" -gt 0
	expect_eq "${NON2XX:-0}" 0 "legitimate pulls refused during the attack"
	expect_eq "$(cut -d' ' -f1-3 <<<"${SOCKERR:-0 0 0 0}")" "0 0 0" "legitimate connections refused or cut (connect, read, write errors)"
fi
