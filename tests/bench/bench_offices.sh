#!/bin/bash
# A province on one hub, real binaries over loopback HTTP, for each hub
# store in turn:
#   1. 2,000 offices of a province (100 counties of 19 townships; a county
#      node for each county, its area, and one for each township), each
#      with its own token, enrolled in the hub; every office pushes a few
#      ops and pulls what is new once a minute, the offices' syncs spread
#      over the minute (bench_offices load: a first pull each, the rounds,
#      then a burst of all at once): latencies, ops/s, the hub's CPU and
#      memory from /proc;
#   2. a county node's first full pull of 1,000,000 ops, pushed to a new
#      hub by another county node (gen_ops: incidents with 3 notes each).
# usage: bench_offices.sh DUTYDESK DUTYDESKD GEN_OPS BENCH_OFFICES
# Environment: BENCH_SCALE (1; 10 = 200 offices at the same rate, rounds of
# 6 s, 100,000 ops), BENCH_OFFICES_ROUNDS (2), BENCH_OFFICES_OPS (3 per
# push), BENCH_OFFICES_WORKERS (32 connections at most), BENCH_HUB_THREADS
# (dutydeskd serve --threads, 4), BENCH_STORES ("sqlite postgresql", but
# only sqlite when BENCH_SCALE is above 1; PostgreSQL from
# tests/sync/pgcluster.sh, skipped with a line saying why),
# BENCH_OFFICES_TOWNS: "own" (each township office a township of its own:
# the province's counties and townships given to the hub with dutydeskd
# divisions import, the offices enrolled with dutydeskd node import, both
# stores) or "real" (the shipped townships, offices enrolled one by one
# with dutydeskd node add; so they share six townships, and each township
# office pulls a sixth of all; the county offices, --area 141032, all of
# it). BENCH_OFFICES_FULL=0 leaves out part 2. BENCH_PG_STANDBY=0: the
# PostgreSQL primary alone (by default with a synchronous standby, as a
# province runs it; PostgreSQL's CPU counts both).
set -u
DD=$1 DDD=$2 GEN=$3 BO=$4
scale=${BENCH_SCALE:-1}
OFFICES=$((2000 / scale))
COUNTIES=$((OFFICES / 20))
PERIOD_MS=$((60000 / scale))
FULL_OPS=$((1000000 / scale))
ROUNDS=${BENCH_OFFICES_ROUNDS:-2}
OPS=${BENCH_OFFICES_OPS:-3}
WORKERS=${BENCH_OFFICES_WORKERS:-32}
THREADS=${BENCH_HUB_THREADS:-4}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/dutydesk-bench-offices.XXXXXX")
HUB_PID=""
# shellcheck source=../sync/pgcluster.sh
. "$(dirname "$0")/../sync/pgcluster.sh"
cleanup() {
	[ -n "$HUB_PID" ] && kill "$HUB_PID" 2>/dev/null && wait "$HUB_PID" 2>/dev/null
	pg_cleanup
	[ -n "${BENCH_KEEP:-}" ] && echo "kept $TMP" || rm -rf "$TMP"
}
trap cleanup EXIT
unset DUTYDESK_NOW http_proxy https_proxy HTTP_PROXY HTTPS_PROXY
export HOME=$TMP TMPDIR=$TMP
ms() { date +%s%3N; }

# serve DB: a hub on a free port; HUB_PID, URL.
serve() {
	: >"$TMP/hub.log"
	"$DDD" --db "$1" serve --listen 127.0.0.1:0 --threads "$THREADS" --per-addr 10000 \
		--max-connections 10000 --queue 10000 2>"$TMP/hub.log" &
	HUB_PID=$!
	local i
	for ((i = 0; i < 600; i++)); do
		grep -q '"event":"listening"' "$TMP/hub.log" && break
		kill -0 "$HUB_PID" 2>/dev/null || { echo "the hub did not start: $(cat "$TMP/hub.log")"; exit 1; }
		sleep 0.05
	done
	URL=http://127.0.0.1:$(grep '"event":"listening"' "$TMP/hub.log" | jq -r .port)
}
stop() {
	kill "$HUB_PID" && wait "$HUB_PID"
	HUB_PID=""
}
# cpu_s PID: user + system seconds so far
cpu_s() { awk -v t="$(getconf CLK_TCK)" '{sub(/.*\) /, ""); print ($12 + $13) / t}' "/proc/$1/stat"; }
hwm_mb() { awk '/VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }
# pg_cpu_s: PostgreSQL's CPU seconds so far, the primary's and the
# standby's (0 when none runs): each postmaster's own and its ended
# children's (cutime, cstime), and its running children's (backends,
# writer, WAL sender and receiver).
pg_cpu_s() {
	local d pm total=0
	for d in primary standby; do
		pm=$(head -n 1 "${PG_DIR:-/nonexistent}/$d/postmaster.pid" 2>/dev/null)
		[ -n "$pm" ] && [ -e "/proc/$pm/stat" ] || continue
		# (a child may end meanwhile: cat skips it; the postmaster's line first)
		# shellcheck disable=SC2046
		total=$(cat "/proc/$pm/stat" $(ps -o pid= --ppid "$pm" | sed 's/ //g; s|.*|/proc/&/stat|') \
			2>/dev/null | awk -v t="$(getconf CLK_TCK)" -v s="$total" '{sub(/.*\) /, "");
			s += ($12 + $13) / t; if (NR == 1) s += ($14 + $15) / t} END {print s}')
	done
	echo "$total"
}
# cpu_note C0 C1 P0 P1: the hub's CPU between two readings, and PostgreSQL's
cpu_note() {
	awk -v c="$(awk "BEGIN {print $2 - $1}")" -v p="$(awk "BEGIN {print $4 - $3}")" \
		'BEGIN {printf "hub CPU %.2f s", c; if (p > 0) printf ", PostgreSQL CPU %.2f s", p}'
}

# store_dbs STORE: DB_A and DB_B for that store, or a line saying why not.
store_dbs() {
	case $1 in
	sqlite)
		DB_A=$TMP/offices.db DB_B=$TMP/full.db
		rm -f "$DB_A"* "$DB_B"*
		;;
	postgresql)
		if [ -z "$PG_PRIMARY_PORT" ]; then
			# (the cluster's user must reach its folder: not in $TMP)
			TMPDIR=${BENCH_PG_TMPDIR:-/tmp} pg_usable && pg_start_primary ||
				{ echo "PostgreSQL: skipped: $PG_WHY"; return 1; }
			# as a province runs it: every commit on a synchronous standby too
			if [ "${BENCH_PG_STANDBY:-1}" = 1 ]; then
				pg_start_standby || { echo "PostgreSQL: skipped: standby: $PG_WHY"; return 1; }
				echo "PostgreSQL: a primary and a synchronous streaming standby"
			fi
		fi
		pg_sql "$PG_PRIMARY_PORT" "CREATE DATABASE full_pull" >/dev/null 2>&1
		DB_A=$(pg_url "$PG_PRIMARY_PORT") DB_B=$(pg_url "$PG_PRIMARY_PORT" full_pull)
		;;
	esac
	mkdir -p "$TMP/cwd"
	if ! (cd "$TMP/cwd" && "$DDD" --db "$DB_A" init >/dev/null 2>"$TMP/init.err"); then
		echo "$1: skipped: dutydeskd refuses --db $DB_A: $(head -n 1 "$TMP/init.err")"
		return 1
	fi
	if [ "$1" = postgresql ] && [ "$(pg_sql "$PG_PRIMARY_PORT" "SELECT count(*) FROM information_schema.tables
		WHERE table_schema NOT IN ('pg_catalog', 'information_schema')")" -eq 0 ]; then
		echo "$1: skipped: this dutydeskd has no PostgreSQL store (it took the URL for a file path)"
		return 1
	fi
}

# enrol_real DB: OFFICES offices on the shipped townships, in turn.
enrol_real() {
	local codes i name code
	mapfile -t codes < <(awk -F, '$3 == "township" {print $1}' "$DUTYDESK_DATA/divisions.csv")
	: >"$TMP/tokens"
	for ((i = 0; i < OFFICES; i++)); do
		name=$(printf o%04d "$i")
		if ((i >= OFFICES - COUNTIES)); then
			echo "$name county - $("$DDD" --db "$1" node add "$name" --area 141032 2>/dev/null | tail -n 1)"
		else
			code=${codes[i % ${#codes[@]}]}
			echo "$name township $code $("$DDD" --db "$1" node add "$name" --township "$code" 2>/dev/null | tail -n 1)"
		fi
	done >>"$TMP/tokens"
}

# enrol_own DB: the province (bench_offices province) imported, its
# OFFICES offices enrolled at once; $TMP/tokens: "name role town token".
enrol_own() {
	"$BO" province "$OFFICES" "$COUNTIES" "$TMP" || return 1
	"$DDD" --db "$1" divisions import "$TMP/divisions.csv" >/dev/null || return 1
	rm -f "$TMP/tokens.csv"
	"$DDD" --db "$1" node import "$TMP/offices.csv" --tokens "$TMP/tokens.csv" >/dev/null ||
		return 1
	awk 'NR == FNR { split($0, f, ","); if (FNR > 1) tok[f[1]] = f[2]; next }
		{ print $0, tok[$1] }' \
		"$TMP/tokens.csv" "$TMP/plan" >"$TMP/tokens"
}

run_store() {
	local store=$1 t0 t1 c0 c1
	echo "==== hub store: $store ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)) ===="
	store_dbs "$store" || return 0
	# ---- 1. the offices ----
	local towns=${BENCH_OFFICES_TOWNS:-own}
	t0=$(ms)
	if [ "$towns" = own ]; then
		enrol_own "$DB_A" || exit 1
	else
		enrol_real "$DB_A" || exit 1
	fi
	t1=$(ms)
	echo "enrolled $OFFICES offices ($towns townships) in $((t1 - t0)) ms"
	serve "$DB_A"
	c0=$(cpu_s "$HUB_PID") p0=$(pg_cpu_s)
	"$BO" load "$URL" "$TMP/tokens" "$HUB_PID" "$PERIOD_MS" "$ROUNDS" "$OPS" "$WORKERS" ||
		echo "some office syncs failed (BENCH_VERBOSE=1 says which)"
	echo "the whole run (first pulls, rounds, burst): $(cpu_note "$c0" "$(cpu_s "$HUB_PID")" "$p0" "$(pg_cpu_s)")"
	stop

	# ---- 2. a county node's first full pull ----
	[ "${BENCH_OFFICES_FULL:-1}" = 0 ] && echo "full pull: skipped (BENCH_OFFICES_FULL=0)" && return 0
	"$DDD" --db "$DB_B" init >/dev/null || exit 1
	"$DDD" --db "$DB_B" node add big --county | tail -n 1 >"$TMP/big.token"
	"$DDD" --db "$DB_B" node add fresh --county 2>/dev/null | tail -n 1 >"$TMP/fresh.token"
	chmod 600 "$TMP"/*.token
	rm -f "$TMP/big.db"* "$TMP/fresh.db"*
	"$DD" --db "$TMP/big.db" init --node big --county >/dev/null
	"$DD" --db "$TMP/fresh.db" init --node fresh --county --prefix 新县 >/dev/null
	t0=$(ms)
	"$GEN" "$TMP/big.db" $((FULL_OPS / 5)) 3 141032101 || exit 1
	t1=$(ms)
	echo "full pull: $(sqlite3 "$TMP/big.db" "SELECT count(*) FROM outbox") ops made by a county node in $((t1 - t0)) ms"
	serve "$DB_B"
	# node_sync NAME: one sync --once of NAME's database, timed; NODE_CPU:
	# its user + system seconds
	node_sync() {
		local TIMEFORMAT='%U %S'
		{ time "$DD" --db "$TMP/$1.db" sync --once --server "$URL" --token-file "$TMP/$1.token" \
			--json >"$TMP/$1.json" 2>"$TMP/$1.err"; } 2>"$TMP/$1.time" ||
			{ cat "$TMP/$1.err" >&2; exit 1; }
		NODE_CPU=$(awk '{print $1 + $2}' "$TMP/$1.time")
	}
	c0=$(cpu_s "$HUB_PID") p0=$(pg_cpu_s)
	t0=$(ms)
	node_sync big
	t1=$(ms)
	c1=$(cpu_s "$HUB_PID") p1=$(pg_cpu_s)
	echo "  pushed $(jq .pushed "$TMP/big.json") ops in $((t1 - t0)) ms; $(cpu_note "$c0" "$c1" "$p0" "$p1"), the node's CPU $NODE_CPU s"
	c0=$c1 p0=$p1
	t0=$(ms)
	node_sync fresh
	t1=$(ms)
	c1=$(cpu_s "$HUB_PID") p1=$(pg_cpu_s)
	echo "  a new county node's first pull: $(jq .pulled "$TMP/fresh.json") ops in $((t1 - t0)) ms ($(awk "BEGIN {printf \"%.0f\", $(jq .pulled "$TMP/fresh.json") / ($t1 - $t0) * 1000}") ops/s); $(cpu_note "$c0" "$c1" "$p0" "$p1"), the node's CPU $NODE_CPU s; hub high-water RSS $(hwm_mb "$HUB_PID") MB; $(jq .bytes_down "$TMP/fresh.json") B down"
	echo "RESULT $store full_pull ops=$(jq .pulled "$TMP/fresh.json") ms=$((t1 - t0))"
	stop
	[ "$(sqlite3 "$TMP/fresh.db" "SELECT count(*) FROM incident")" -eq $((FULL_OPS / 5)) ] ||
		{ echo "the new county node lacks incidents" >&2; exit 1; }
}

# The quick form (BENCH_SCALE above 1) stays on SQLite unless told.
stores=${BENCH_STORES:-sqlite postgresql}
[ -z "${BENCH_STORES:-}" ] && [ "$scale" -gt 1 ] && stores=sqlite
for store in $stores; do
	run_store "$store"
done
