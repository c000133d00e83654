#!/bin/bash
# How long `dutydeskd serve` takes to start (launch to "listening") on a
# PostgreSQL hub whose log holds N ops: with no cache kept (every op
# replayed), and again with --cache DIR holding the last run's cache.
#   bash tests/bench/bench_pgcache.sh build/src/dutydesk build/src/dutydeskd \
#       build/tests/bench/gen_ops [OPS]
set -u
DUTYDESK=$1 DUTYDESKD=$2 GEN_OPS=$3 OPS=${4:-100000}
. "$(dirname "$0")/../sync/pgcluster.sh"
pg_usable || { echo "SKIP: $PG_WHY"; exit 77; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/bench-pgcache.XXXXXX")
PID=""
trap '[ -n "$PID" ] && kill -9 $PID 2>/dev/null; pg_cleanup; rm -rf "$TMP"' EXIT
pg_start_primary || { echo "PostgreSQL: $PG_WHY"; exit 1; }
DB=$(pg_url "$PG_PRIMARY_PORT")
export TMPDIR=$TMP
"$DUTYDESKD" --db "$DB" init >/dev/null || exit 1
"$DUTYDESKD" --db "$DB" node add county --county | tail -n 1 >"$TMP/county.token"
chmod 600 "$TMP/county.token"
"$DUTYDESK" --db "$TMP/county.db" init --node county --county >/dev/null || exit 1
"$GEN_OPS" "$TMP/county.db" $((OPS / 3)) 1 141032101 >/dev/null || exit 1

# serve ARGS...: starts the hub; RES: the time to "listening" and its
# cache line
serve() {
	local t0 t1
	: >"$TMP/hub.log"
	t0=$(date +%s%N)
	"$DUTYDESKD" --db "$DB" serve --listen 127.0.0.1:0 "$@" >/dev/null 2>"$TMP/hub.log" &
	PID=$!
	local deadline=$((SECONDS + 600))
	until grep -q '"event":"listening"' "$TMP/hub.log"; do
		kill -0 $PID 2>/dev/null || { cat "$TMP/hub.log"; exit 1; }
		[ "$SECONDS" -lt "$deadline" ] || { echo "the hub was not listening within 600 s"; exit 1; }
		sleep 0.02
	done
	t1=$(date +%s%N)
	PORT=$(grep '"event":"listening"' "$TMP/hub.log" | jq -r .port)
	RES="$(((t1 - t0) / 1000000)) ms; $(grep '"event":"cache"' "$TMP/hub.log" | jq -r .message)"
}
stop() { kill -TERM $PID; wait $PID; PID=""; }

serve
t0=$(date +%s)
"$DUTYDESK" --db "$TMP/county.db" sync --once --server "http://127.0.0.1:$PORT" \
	--token-file "$TMP/county.token" >/dev/null || exit 1
echo "pushed: $(pg_sql "$PG_PRIMARY_PORT" "SELECT max(server_seq) FROM oplog") ops in $(($(date +%s) - t0)) s"
stop
serve; echo "start, no cache kept:        $RES"; stop
serve --cache "$TMP/cache"; echo "start, cache made:           $RES"; stop
serve --cache "$TMP/cache"; echo "start, cache kept (reused):  $RES"; stop
serve --cache "$TMP/cache"; echo "start, cache kept (reused):  $RES"; stop
