#!/bin/bash
# Sync benchmark on loopback, real binaries:
#   1. a county node with OPS queued ops (gen_ops) pushes them to a new hub;
#      a new county node then pulls them all: time, bytes on the wire
#      against the ops' compact JSON size (gzip on);
#   2. one change round trip: a node records an incident and syncs, another
#      syncs and has it (ms, whole processes);
#   3. the hub's memory while 50 nodes sync at once.
# usage: bench_sync.sh DUTYDESK DUTYDESKD GEN_OPS [INCIDENTS]
# (ops = INCIDENTS * 5; default 20000 -> 100,000 ops)
# DUTYDESK_TEST_HUB=pg: the hub's store in PostgreSQL, a server of its own
# on this machine (tests/sync/pgcluster.sh).
set -eu
DD=$1 DDD=$2 GEN=$3 N=${4:-${BENCH_SYNC_INCIDENTS:-20000}}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/dutydesk-bench-sync.XXXXXX")
HUB_PID=""
HUBDB=$TMP/hub.db
cleanup() {
	[ -n "$HUB_PID" ] && kill "$HUB_PID" 2>/dev/null && wait "$HUB_PID" 2>/dev/null
	[ "${DUTYDESK_TEST_HUB:-}" = pg ] && pg_cleanup
	[ -n "${BENCH_KEEP:-}" ] && echo "kept $TMP" || rm -rf "$TMP"
}
trap cleanup EXIT
if [ "${DUTYDESK_TEST_HUB:-}" = pg ]; then
	# shellcheck source=../sync/pgcluster.sh
	. "$(dirname "$0")/../sync/pgcluster.sh"
	pg_usable || { echo "SKIP: $PG_WHY"; exit 77; }
	pg_start_primary || { echo "PostgreSQL: $PG_WHY" >&2; exit 1; }
	HUBDB=$(pg_url "$PG_PRIMARY_PORT")
fi
echo "the hub's store: $HUBDB"
unset DUTYDESK_NOW http_proxy https_proxy HTTP_PROXY HTTPS_PROXY
export HOME=$TMP TMPDIR=$TMP
ms() { date +%s%3N; }
hub() { "$DDD" --db "$HUBDB" "$@"; }
enrol() { hub node add "$@" | tail -n 1 >"$TMP/$1.token"; }

hub init >/dev/null
enrol big --county
enrol fresh --county
"$DDD" --db "$HUBDB" serve --listen 127.0.0.1:0 --per-addr 128 --threads 4 2>"$TMP/hub.log" &
HUB_PID=$!
for ((i = 0; i < 100; i++)); do grep -q listening "$TMP/hub.log" && break; sleep 0.05; done
URL=http://127.0.0.1:$(grep '"event":"listening"' "$TMP/hub.log" | jq -r .port)

# ---- 1. initial sync ----
"$DD" --db "$TMP/big.db" init --node big --county >/dev/null
t0=$(ms)
"$GEN" "$TMP/big.db" "$N" 3 141032101
t1=$(ms)
OPS=$(sqlite3 "$TMP/big.db" "SELECT count(*) FROM outbox")
JSON=$(sqlite3 "$TMP/big.db" "SELECT sum(length(CAST(body AS BLOB))) + count(*) FROM outbox")
echo "generated $OPS ops ($JSON bytes of compact JSON) in $((t1 - t0)) ms"
t0=$(ms)
"$DD" --db "$TMP/big.db" sync --once --server "$URL" --token-file "$TMP/big.token" --json >"$TMP/push.json"
t1=$(ms)
echo "push: $(jq -r .pushed "$TMP/push.json") ops in $((t1 - t0)) ms; wire up $(jq .bytes_up "$TMP/push.json") B ($(awk "BEGIN{printf \"%.2f\", $(jq .bytes_up "$TMP/push.json")/$JSON}")x the JSON), down $(jq .bytes_down "$TMP/push.json") B"
"$DD" --db "$TMP/fresh.db" init --node fresh --county >/dev/null
t0=$(ms)
"$DD" --db "$TMP/fresh.db" sync --once --server "$URL" --token-file "$TMP/fresh.token" --json >"$TMP/pull.json"
t1=$(ms)
PULLED=$(jq -r .pulled "$TMP/pull.json")
DOWN=$(jq .bytes_down "$TMP/pull.json")
echo "initial sync of a new node: pulled $PULLED ops in $((t1 - t0)) ms; wire down $DOWN B ($(awk "BEGIN{printf \"%.2f\", $DOWN/$JSON}")x the compact JSON), up $(jq .bytes_up "$TMP/pull.json") B"
[ "$(sqlite3 "$TMP/fresh.db" "SELECT count(*) FROM incident")" -eq "$N" ] || { echo "the new node lacks incidents" >&2; exit 1; }

# ---- 2. one change round trip ----
enrol a --township 桑壁镇
enrol b --township 桑壁镇
for n in a b; do
	"$DD" --db "$TMP/$n.db" init --node "$n" --township 桑壁镇 >/dev/null
	"$DD" --db "$TMP/$n.db" sync --once --server "$URL" --token-file "$TMP/$n.token" >/dev/null
done
best=999999
for i in 1 2 3 4 5; do
	"$DD" --db "$TMP/a.db" incident add --title "往返测试$i" --type flood --township 桑壁镇 >/dev/null 2>&1
	t0=$(ms)
	"$DD" --db "$TMP/a.db" sync --once --server "$URL" --token-file "$TMP/a.token" >/dev/null
	"$DD" --db "$TMP/b.db" sync --once --server "$URL" --token-file "$TMP/b.token" >/dev/null
	t1=$(ms)
	[ "$(sqlite3 "$TMP/b.db" "SELECT count(*) FROM incident WHERE title = '往返测试$i'")" -eq 1 ] || { echo "b lacks the change" >&2; exit 1; }
	echo "round trip $i: $((t1 - t0)) ms (a pushes, b pulls; two processes)"
	[ $((t1 - t0)) -lt "$best" ] && best=$((t1 - t0))
done
echo "one change round trip: best $best ms"
grep '"event":"request"' "$TMP/hub.log" | tail -n 4 | jq -r '"  hub: \(.method) \(.path) \(.status) \(.ms) ms"'
# the hub's own time for the round trips' requests (a push of a few ops,
# a pull): median and worst
for path in /v1/push /v1/pull; do
	grep '"event":"request"' "$TMP/hub.log" |
		jq -r --arg p "$path" 'select(.path == $p and ((.ops // 0) <= 10)) | .ms' |
		tail -n 20 | sort -n | awk -v p="$path" '{a[NR] = $1} END {print "  hub " p " (last " NR ", at most 10 ops): median " a[int((NR + 1) / 2)] " ms, worst " a[NR] " ms"}'
done

# ---- 3. 50 nodes at once ----
# Township nodes of 芝河镇: the bulk above is 桑壁镇's, outside their scope,
# so each pulls its township and the county-wide data, not all 100,000 ops.
for i in $(seq 1 50); do
	enrol "n$i" --township 芝河镇
	"$DD" --db "$TMP/n$i.db" init --node "n$i" --township 芝河镇 --prefix "芝河$i" >/dev/null
	"$DD" --db "$TMP/n$i.db" incident add --title "并发节点$i" --type flood --township 芝河镇 >/dev/null 2>&1
done
RSS0=$(awk '/VmRSS/ {print $2}' "/proc/$HUB_PID/status")
t0=$(ms)
pids=()
for i in $(seq 1 50); do
	"$DD" --db "$TMP/n$i.db" sync --server "$URL" --token-file "$TMP/n$i.token" >"$TMP/n$i.out" 2>&1 &
	pids+=($!)
done
peak=0
# (kill -0 would count finished children not yet waited for)
while [ -n "$(jobs -rp | grep -v "^$HUB_PID\$")" ]; do
	r=$(awk '/VmRSS/ {print $2}' "/proc/$HUB_PID/status")
	[ "$r" -gt "$peak" ] && peak=$r
	sleep 0.02
done
fails=0
for p in "${pids[@]}"; do wait "$p" || fails=$((fails + 1)); done
t1=$(ms)
HWM=$(awk '/VmHWM/ {print $2}' "/proc/$HUB_PID/status")
echo "50 nodes syncing at once: $(grep -h -o 'pulled [0-9]*' "$TMP"/n*.out | awk '{s += $2} END {print s}') ops pulled, $(grep -h -o 'parked [0-9]*' "$TMP"/n*.out | awk '{s += $2} END {print s}') parked in all, done in $((t1 - t0)) ms, $fails failed; hub RSS before ${RSS0} kB, peak seen ${peak} kB, high-water mark ${HWM} kB"
[ "$fails" -eq 0 ]
