#!/bin/bash
# Benchmark: the large database (generated once, then cached in the build
# folder), the store in process and the CLI end to end, beside sqlite3
# answering the same queries (the floor for data access).
#   bench_cli.sh GEN_LARGE BENCH_CORE BENCH_TUI DUTYDESK CACHE_DB
set -euo pipefail
gen=$1 core=$2 tui=$3 dd=$4 db=$5
runs=${BENCH_RUNS:-21}

if [ ! -f "$db" ] || [ "$db" -ot "$gen" ]; then
	echo "generating $db (once; cached)"
	start=$(date +%s.%N)
	"$gen" "$db.tmp" "${BENCH_SCALE:-1}"
	mv "$db.tmp" "$db"
	rm -f "$db.tmp-wal" "$db.tmp-shm"
	printf 'generated in %.1f s, %s MB\n' "$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')" \
		"$(($(stat -c %s "$db") / 1048576))"
fi

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GB", $2/1048576}' /proc/meminfo)," \
	"$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
"$core" "$db" "$dd" "$runs"

if command -v sqlite3 >/dev/null; then
	# sqlite3 answering the equivalent queries: the floor a user could pick.
	floor() {
		local label=$1 sql=$2 best=999999999999 t a
		for _ in $(seq "$runs"); do
			a=$(date +%s%N)
			sqlite3 -readonly "$db" "$sql" >/dev/null
			t=$((($(date +%s%N) - a) / 1000))
			[ "$t" -lt "$best" ] && best=$t
		done
		printf '%-34s %9.2f (min)\n' "$label" "$(awk -v t="$best" 'BEGIN { print t / 1000 }')"
	}
	printf '\n%-34s\n' "sqlite3 process, same query (ms)"
	floor "incident list --limit 50" \
		"SELECT number, received_at, level, status, title FROM incident ORDER BY received_at DESC LIMIT 50"
	floor "stock list" \
		"SELECT depot_id, item_id, sum(qty) FROM stock_lot GROUP BY 1, 2"
	floor "stock list from the ledger (no lots)" \
		"SELECT depot_id, item_id, sum(qty) FROM stock_movement GROUP BY 1, 2"
fi

# The console in a pseudo-terminal, beside less(1) paging the same rows.
text=$db.incidents.txt
if [ ! -f "$text" ] || [ "$text" -ot "$db" ]; then
	sqlite3 -readonly -separator '  ' "$db" \
		"SELECT number, strftime('%m-%d %H:%M', received_at, 'unixepoch', 'localtime'), level,
		 status, title FROM incident ORDER BY received_at DESC" >"$text"
fi
echo
"$tui" "$dd" "$db" "$text"
