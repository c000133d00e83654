#!/bin/bash
# Abuse of the hub: slow clients (slowhttptest: slow headers, slow bodies),
# wrong and revoked tokens, oversize and deeply nested bodies, replayed
# pushes and a write into another township from an attacker's address,
# while wrk loads the hub with legitimate
# pulls and a township node keeps writing and syncing. The node's every sync
# must succeed, the hub must stay up, and it must hold exactly the node's
# ops afterwards: nothing from the attacker.
#
# The attacker sits in a network namespace of its own (slow clients from
# 10.77.N.2, bad requests from 10.77.N.3), so the
# hub's per-address limits can tell it from the node; where namespaces
# cannot be made (no root), it shares the node's address and the slow
# clients stay under the per-address cap (ABUSE_SHARED_ADDRESS=1 forces
# that form). Bounded: about 30 seconds.
. "$(dirname "$0")/lib.sh"
for tool in slowhttptest wrk; do
	command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed" >&2; exit 77; }
done

expect_rc 0 hub init
enrol zhihe --township 芝河镇
enrol sangbi --township 桑壁镇
enrol gone --township 桑壁镇
expect_rc 0 hub node revoke gone
expect_rc 0 node zhihe init --node zhihe --township 芝河镇
expect_rc 0 node sangbi init --node sangbi --township 桑壁镇

# The hub on every address, with a short idle timeout (slow clients are
# dropped after it) and a small per-address cap.
"$DUTYDESKD" --db "$HUBDB" serve --listen 0.0.0.0:0 --per-addr 12 --timeout 3 \
	2>"$TMP/hub.start" &
HUB_PID=$!
for ((i = 0; i < 100; i++)); do
	grep -q '"event":"listening"' "$TMP/hub.start" 2>/dev/null && break
	sleep 0.05
done
HUB_PORT=$(grep '"event":"listening"' "$TMP/hub.start" | jq -r .port)
[ -n "$HUB_PORT" ] || fail "the hub did not start: $(cat "$TMP/hub.start")"
pass
HUB_URL=http://127.0.0.1:$HUB_PORT

# ---- the attacker's address ----
NS=ddatk$$
ATK=()
BADIF=()
CONNS=3 # slow connections per tool from a shared address: all under the cap of 12
_ns_cleanup() { ip netns del "$NS" 2>/dev/null; ip link del "v$NS" 2>/dev/null; }
if [ -z "${ABUSE_SHARED_ADDRESS:-}" ] && ip netns add "$NS" 2>/dev/null; then
	trap 'rc=$?; _ns_cleanup; _sync_cleanup; (exit $rc); _finish' EXIT
	NET=10.77.$((RANDOM % 200 + 20))
	ip link add "v$NS" type veth peer name "p$NS" &&
		ip link set "p$NS" netns "$NS" &&
		ip addr add "$NET.1/24" dev "v$NS" && ip link set "v$NS" up &&
		ip -n "$NS" addr add "$NET.2/24" dev "p$NS" && ip -n "$NS" addr add "$NET.3/24" dev "p$NS" &&
		ip -n "$NS" link set "p$NS" up &&
		ip -n "$NS" link set lo up || fail "setting up the attacker's namespace"
	ATK=(ip netns exec "$NS")
	ATK_URL=http://$NET.1:$HUB_PORT
	CONNS=300
	BADIF=(--interface "$NET.3") # bad requests from a second address of its
	echo "attacker at $NET.2 and $NET.3 (network namespace $NS)"
else
	ATK_URL=$HUB_URL
	echo "no network namespace (not root?): the attacker shares the node's address"
fi
"${ATK[@]}" curl -s -o /dev/null -w '%{http_code}' "$ATK_URL/v1/health" >"$TMP/atk.health"
expect_eq "$(cat "$TMP/atk.health")" 200 "the attacker reaches the hub"

# ---- the attack: slow headers and slow bodies, then bad requests ----
"${ATK[@]}" slowhttptest -H -c "$CONNS" -r 100 -i 2 -l 20 -s 8192 -x 24 -p 3 \
	-u "$ATK_URL/v1/push" -t POST -o "$TMP/slow-headers" >"$TMP/slow-headers.out" 2>&1 &
SLOW1=$!
"${ATK[@]}" slowhttptest -B -c "$CONNS" -r 100 -i 2 -l 20 -s 65536 -x 24 -p 3 \
	-u "$ATK_URL/v1/push" -t POST -o "$TMP/slow-body" >"$TMP/slow-body.out" 2>&1 &
SLOW2=$!
# legitimate load: pulls with a real token, 4 connections for 15 s
wrk -t1 -c4 -d15s --latency -H "Authorization: Bearer $(cat "$TMP/sangbi.token")" \
	"$HUB_URL/v1/pull?since=0&limit=100" >"$TMP/wrk.out" 2>&1 &
WRK=$!
sleep 2

# bad requests from the attacker, while all that goes on (from its own
# address only: failed logins hold the address back, node and all)
bad() { # bad EXPECTED_STATUS WHAT curl-args...
	local want=$1 what=$2
	shift 2
	local got
	got=$("${ATK[@]}" curl "${BADIF[@]}" -s -o "$TMP/bad.out" -w '%{http_code}' --max-time 10 "$@")
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
BODY_STATUS=$("${ATK[@]}" curl "${BADIF[@]}" -s -o /dev/null -w '%{http_code}' --max-time 10 -X POST \
	-H "Authorization: Bearer $(cat "$TMP/sangbi.token")" -H 'Content-Type: application/json' \
	--data-binary @"$TMP/big.json" "$ATK_URL/v1/push")
# 413, or 429 once the address has failed often enough to be held back
case $BODY_STATUS in 413 | 429) pass ;; *) fail "oversize body: status $BODY_STATUS" ;; esac
DEEP_STATUS=$("${ATK[@]}" curl "${BADIF[@]}" -s -o /dev/null -w '%{http_code}' --max-time 10 -X POST \
	-H "Authorization: Bearer $(cat "$TMP/sangbi.token")" -H 'Content-Type: application/json' \
	--data-binary @"$TMP/deep.json" "$ATK_URL/v1/push")
case $DEEP_STATUS in 400 | 429) pass ;; *) fail "deep JSON: status $DEEP_STATUS" ;; esac
fi

# ---- the node works on: every write synced, each within the attack ----
worst=0
for ((k = 1; k <= 8; k++)); do
	expect_rc 0 node zhihe incident add --title "芝河镇险情$k" --type landslide --township 芝河镇
	t0=$(date +%s%N)
	sync_until zhihe "$HUB_URL" 20
	ms=$((($(date +%s%N) - t0) / 1000000))
	((ms > worst)) && worst=$ms
	kill -0 "$HUB_PID" 2>/dev/null || fail "the hub died under attack"
	sleep 0.5
done
echo "node syncs under attack: 8 of 8, slowest $worst ms"

# a replay of the node's ops, from the attacker's address, with the
# node's own token (stolen): every op a duplicate, nothing new
OPS=$(sqlite3 "$TMP/zhihe.db" "SELECT json_group_array(json(body)) FROM outbox WHERE state = 'acked'")
EPOCH=$(curl -s "$HUB_URL/v1/health" | jq -r .hub_epoch)
SCHEMA=$(sqlite3 "$TMP/zhihe.db" "PRAGMA user_version")
jq -cn --argjson ops "$OPS" --arg epoch "$EPOCH" --argjson schema "$SCHEMA" \
	'{proto: 1, schema: $schema, node: "zhihe", hub_epoch: $epoch, ops: $ops}' >"$TMP/replay.json"
BEFORE=$(sqlite3 "$HUBDB" "SELECT count(*) FROM oplog")
REPLAY=$("${ATK[@]}" curl "${BADIF[@]}" -s -o "$TMP/replay.out" -w '%{http_code}' --max-time 10 -X POST \
	-H "Authorization: Bearer $(cat "$TMP/zhihe.token")" -H 'Content-Type: application/json' \
	--data-binary @"$TMP/replay.json" "$ATK_URL/v1/push")
if [ "$REPLAY" = 200 ]; then
	expect_eq "$(jq -c '[.results[] | select(.status != "duplicate") | .status] | unique' "$TMP/replay.out")" "[]" \
		"replayed ops that were not duplicates"
else
	[ "$REPLAY" = 429 ] || fail "replay: status $REPLAY"
	pass
fi
expect_eq "$(sqlite3 "$HUBDB" "SELECT count(*) FROM oplog")" "$BEFORE" "oplog rows after the replay"

# a write into another township with a real token (sangbi's, stolen):
# refused op by op, nothing logged
expect_rc 0 node sangbi incident add --title 桑壁镇滑坡 --type landslide --township 桑壁镇
FORGED=$(sqlite3 "$TMP/sangbi.db" "SELECT body FROM outbox WHERE tbl = 'incident' LIMIT 1" |
	jq -c '.fields.township_code = "141032100" | .fields.number = "芝河-2026-9999"')
jq -cn --argjson op "$FORGED" --arg epoch "$EPOCH" --argjson schema "$SCHEMA" \
	'{proto: 1, schema: $schema, node: "sangbi", hub_epoch: $epoch, ops: [$op]}' >"$TMP/forged.json"
FORGE=$("${ATK[@]}" curl "${BADIF[@]}" -s -o "$TMP/forged.out" -w '%{http_code}' --max-time 10 -X POST \
	-H "Authorization: Bearer $(cat "$TMP/sangbi.token")" -H 'Content-Type: application/json' \
	--data-binary @"$TMP/forged.json" "$ATK_URL/v1/push")
if [ "$FORGE" = 200 ]; then
	expect_eq "$(jq -r '.results[0].status' "$TMP/forged.out")" forbidden "a write into another township"
else
	[ "$FORGE" = 429 ] || fail "cross-township write: status $FORGE"
	pass
fi
expect_eq "$(sqlite3 "$HUBDB" "SELECT count(*) FROM oplog WHERE node = 'sangbi'")" 0 "sangbi's ops at the hub"

wait "$WRK"
kill "$SLOW1" "$SLOW2" 2>/dev/null
wait "$SLOW1" "$SLOW2" 2>/dev/null

# ---- after: the hub up, holding the node's ops and nothing else ----
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$HUB_URL/v1/health")" 200 "health after the attack"
expect_eq "$(sqlite3 "$HUBDB" "SELECT count(*) FROM oplog WHERE node != 'hub'")" \
	"$(sqlite3 "$TMP/zhihe.db" "SELECT count(*) FROM outbox WHERE state = 'acked'")" \
	"ops at the hub (the node's acked ones, all)"
expect_eq "$(sqlite3 "$HUBDB" "SELECT count(*) FROM oplog WHERE node NOT IN ('zhihe', 'hub')")" 0 \
	"ops at the hub from anyone else"
expect_eq "$(sqlite3 "$TMP/zhihe.db" "SELECT count(*) FROM outbox WHERE state = 'pending'")" 0 \
	"the node's ops still pending"
expect_eq "$(sqlite3 "$TMP/zhihe.db" "SELECT count(*) FROM outbox WHERE state = 'acked' AND tbl = 'incident'")" 8 \
	"the node's incidents acked"
expect_eq "$(sqlite3 "$HUBDB" "PRAGMA integrity_check")" ok "the hub's integrity"
REQS=$(awk '/Requests\/sec/ {print $2}' "$TMP/wrk.out")
NON2XX=$(awk '/Non-2xx/ {print $5}' "$TMP/wrk.out")
P99=$(awk '$1 == "99%" {print $2}' "$TMP/wrk.out")
echo "wrk under attack: ${REQS:-?} pulls/s, p99 ${P99:-?}, non-2xx ${NON2XX:-0}"
expect_eq "${NON2XX:-0}" 0 "legitimate pulls refused during the attack"
grep -h 'closed\|connected\|pending' "$TMP"/slow-*.out 2>/dev/null | tail -4
