#!/bin/sh
# Fuzzing with libFuzzer: builds the targets with clang (address and
# undefined-behaviour sanitizers) in build-fuzz/ and runs each for SECONDS
# (default 30), starting from the seed corpus in tests/fuzz/corpus/TARGET.
# New inputs found go to build-fuzz/corpus/TARGET (not the repository);
# crashes to build-fuzz/artifacts/. Prints one line per target and exits 1
# if any target crashed. Every crash, once fixed, goes into
# tests/fuzz/corpus/TARGET/ so that `meson test` replays it from then on.
#
#   sh tests/fuzz/run.sh [SECONDS] [TARGET...]
set -eu
cd "$(dirname "$0")/../.."
secs=${1:-30}
[ $# -gt 0 ] && shift
targets=${*:-csv import plan config time sync http}
command -v clang >/dev/null || { echo "SKIP fuzzing: clang not installed"; exit 0; }

if [ ! -f build-fuzz/build.ninja ]; then
	CC=clang meson setup build-fuzz -Dfuzzing=true -Db_sanitize=address,undefined \
		-Db_lundef=false -Dbuildtype=debugoptimized >/dev/null
fi
for t in $targets; do ninja -C build-fuzz "tests/fuzz/fuzz_$t" >/dev/null; done

export TZ=Asia/Shanghai LC_ALL=C.UTF-8 DUTYDESK_DATA="$PWD/data"
# scratch files and databases of the targets (a time limit ends a target
# without its clean-up)
export TMPDIR="$PWD/build-fuzz/tmp"
rm -rf "$TMPDIR"
mkdir -p "$TMPDIR"
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
mkdir -p build-fuzz/artifacts
failed=0
for t in $targets; do
	work=build-fuzz/corpus/$t
	mkdir -p "$work"
	log=build-fuzz/fuzz-$t.log
	rm -f build-fuzz/artifacts/"$t"-*
	set +e
	"build-fuzz/tests/fuzz/fuzz_$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="build-fuzz/artifacts/$t-" \
		"$work" "tests/fuzz/corpus/$t" >"$log" 2>&1
	rc=$?
	set -e
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	crashes=$(ls build-fuzz/artifacts/"$t"-* 2>/dev/null | wc -l)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
	echo "fuzz $t: ${runs:-?} runs in ${secs} s, coverage ${cov:-?} edges, corpus $(ls "$work" | wc -l), crashes $crashes (exit $rc)"
	if [ "$rc" -ne 0 ] || [ "$crashes" -ne 0 ]; then
		failed=1
		grep -m1 -A12 -e 'ERROR: ' -e 'runtime error' "$log" || tail -20 "$log"
	fi
done
exit $failed
