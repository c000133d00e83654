#!/bin/bash
# The benchmark run: the large database (generated once, then cached in the
# build folder), the store in process and the CLI end to end, the console
# in a pseudo-terminal, and beside them, in the same run so that machine
# noise cancels, the peers a user could pick instead on the same data:
# sqlite3 (the floor for data access), less (the floor for terminal bytes)
# and visidata. Then the console on one core under a memory limit, over a
# 64 kbit/s link, and through a compressed 24-hour watch. Ends with the
# tables of figures and ratios.
#   bench_cli.sh GEN_LARGE BENCH_CORE BENCH_TUI DUTYDESK CACHE_DB
# Environment: BENCH_SCALE=10 (a database ten times smaller), BENCH_RUNS
# (21), BENCH_WATCH_SECONDS (150; 0 skips the watch), BENCH_NET=0 (skip
# the shaped link), BENCH_AS_MB (32: the low-spec run's address space).
set -euo pipefail
gen=$1 core=$2 tui=$3 dd=$4 db=$5
here=$(cd "$(dirname "$0")" && pwd)
runs=${BENCH_RUNS:-21}
scale=${BENCH_SCALE:-1}
[ "$scale" -gt 1 ] && db=${db%.db}-$scale.db

# The cache is used again while the generator's format, the schema
# version and the scale are the same (not when the binaries are rebuilt).
stamp=$("$gen" --stamp "$scale")
if [ ! -f "$db" ] || [ "$(cat "$db.stamp" 2>/dev/null)" != "$stamp" ]; then
	echo "generating $db (once; cached): $stamp"
	start=$(date +%s.%N)
	rm -f "$db.stamp"
	"$gen" "$db.tmp" "$scale"
	mv "$db.tmp" "$db"
	rm -f "$db.tmp-wal" "$db.tmp-shm"
	echo "$stamp" >"$db.stamp"
	printf 'generated in %.1f s, %s MB\n' "$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')" \
		"$(($(stat -c %s "$db") / 1048576))"
fi

figs=$db.figs
: >"$figs"
export BENCH_FIGS=$figs
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GB", $2/1048576}' /proc/meminfo)," \
	"$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), load $(cut -d' ' -f1-3 /proc/loadavg)"
have() { command -v "$1" >/dev/null; }
sq=$(command -v sqlite3 || true)
"$core" "$db" "$dd" "$runs" $sq

# The incident list as the console's first screen shows it, for the peers:
# text for less, CSV for visidata, the first page for sqlite3.
list_sql="SELECT x.number, strftime('%m-%d %H:%M', x.received_at, 'unixepoch', 'localtime'),
 x.level, x.status, ty.name_zh, t.name, x.title FROM incident x
 JOIN incident_type ty ON ty.id = x.type LEFT JOIN division t ON t.code = x.township_code
 WHERE x.archived = 0 ORDER BY x.received_at DESC, x.id DESC"
text=$db.incidents.txt csv=$db.incidents.csv
if [ -n "$sq" ] && { [ ! -f "$csv" ] || [ "$csv" -ot "$db" ]; }; then
	sqlite3 -readonly -separator '  ' "$db" "$list_sql" >"$text"
	sqlite3 -readonly -csv -header "$db" "$list_sql" >"$csv"
fi

echo
"$tui" console dd -- "$dd" --db "$db"
echo
echo "peers on the same rows, 80x24"
if [ -n "$sq" ]; then
	"$tui" once sqlite3.page 21 -- sqlite3 -readonly "$db" "$list_sql LIMIT 19"
else
	echo "  sqlite3: not installed: skipped"
fi
if have less && [ -f "$text" ]; then
	"$tui" pager less 400 ' ' -- less -S "$text"
else
	echo "  less: not installed: skipped"
fi
if have vd && [ -f "$csv" ]; then
	"$tui" pager vd 1500 $'\e[6~' -- vd -f csv "$csv"
else
	echo "  visidata: not installed (Debian package visidata): skipped"
fi

echo
# A low-spec PC: one core, and the address space capped (prlimit --as;
# cgroup memory limits count the page cache of the 700 MB database too).
as_mb=${BENCH_AS_MB:-32}
echo "lowspec.as_mb $as_mb" >>"$figs"
if have taskset && have prlimit && taskset -c 0 true 2>/dev/null; then
	echo "low-spec: one core (taskset -c 0), address space at most $as_mb MB (prlimit --as)"
	"$tui" console lowspec -- taskset -c 0 prlimit --as=$((as_mb * 1048576)) "$dd" --db "$db"
else
	echo "low-spec: skipped: taskset or prlimit missing or refused"
fi

echo
if [ "${BENCH_NET:-1}" != 0 ]; then
	bash "$here/bench_net.sh" "$tui" "$dd" "$db" 64kbit
else
	echo "shaped link: skipped (BENCH_NET=0)"
fi

echo
secs=${BENCH_WATCH_SECONDS:-150}
ft=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -1 || true)
if [ "$secs" = 0 ]; then
	echo "24-hour watch: skipped (BENCH_WATCH_SECONDS=0)"
elif [ -z "$ft" ]; then
	echo "24-hour watch: skipped: libfaketime is not installed (Debian package faketime)"
else
	# on a copy: the watch writes
	watchdb=${db%.db}-watch.db
	rm -f "$watchdb" "$watchdb-wal" "$watchdb-shm"
	cp "$db" "$watchdb"
	# with a duty roster and a contact book loaded, every monitor a contact
	demo=${DUTYDESK_DATA:-$here/../../data}/demo
	"$dd" --db "$watchdb" import contacts "$demo/contacts.csv" >/dev/null &&
		"$dd" --db "$watchdb" roster import "$demo/roster.csv" >/dev/null &&
		"$dd" --db "$watchdb" contact link >/dev/null ||
		echo "  loading the roster and the contact book FAILED"
	echo "24-hour watch: with $(sqlite3 "$watchdb" "SELECT count(*) FROM contact") contacts and $(sqlite3 "$watchdb" "SELECT count(*) FROM roster") roster shifts"
	"$tui" watch "$dd" "$watchdb" "$secs" "$ft" || echo "  the watch FAILED"
	rm -f "$watchdb" "$watchdb-wal" "$watchdb-shm"
fi

bash "$here/tables.sh" "$figs"
