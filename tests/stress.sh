#!/bin/sh
# Hunt a flaky test: run one suite (or one test) many times while the
# machine is kept busy, and say which runs failed and where their logs are.
#
#   sh tests/stress.sh SUITE|TEST [N] [BUILD]
#
#   SUITE|TEST  a meson suite (unit, cli, tui, crash, fuzz, sync) or one
#               test's name (tui-form, sync-kill, ...)
#   N           how many times (default 10)
#   BUILD       the build folder (default build-san: the sanitizer build is
#               slower, which is where timing assumptions break)
#
# The load is stress-ng on every core (Debian package stress-ng; without
# it, one busy shell loop per core), started here and stopped at the end
# whatever happens. STRESS_LOAD=0 runs without it; STRESS_MINUTES (60)
# bounds the whole run. Each failed round's meson log is kept as
# BUILD/meson-logs/stress-ROUND.txt. Exits 1 if any round failed.
set -eu
cd "$(dirname "$0")/.."

what=${1:?usage: sh tests/stress.sh SUITE|TEST [N] [BUILD]}
rounds=${2:-10}
build=${3:-build-san}
minutes=${STRESS_MINUTES:-60}
[ -f "$build/build.ninja" ] || {
	echo "no build in $build: run sh .ci/setup test first" >&2
	exit 2
}

case "$what" in
unit | cli | tui | crash | fuzz | sync) select="--suite $what" ;;
*) select="$what" ;;
esac

loadpids=""
stop_load() {
	for p in $loadpids; do kill "$p" 2>/dev/null || :; done
	wait 2>/dev/null || :
}
trap stop_load EXIT
trap 'exit 130' INT TERM

cores=$(nproc)
if [ "${STRESS_LOAD:-1}" != 0 ]; then
	if command -v stress-ng >/dev/null; then
		stress-ng --cpu "$cores" --timeout "${minutes}m" --quiet &
		loadpids=$!
	else
		echo "stress-ng not installed: loading each core with a shell loop"
		i=0
		while [ "$i" -lt "$cores" ]; do
			(end=$(($(date +%s) + minutes * 60)); while [ "$(date +%s)" -lt "$end" ]; do :; done) &
			loadpids="$loadpids $!"
			i=$((i + 1))
		done
	fi
fi

ninja -C "$build" >/dev/null
deadline=$(($(date +%s) + minutes * 60))
failed=0
ran=0
r=1
while [ "$r" -le "$rounds" ]; do
	if [ "$(date +%s)" -ge "$deadline" ]; then
		echo "stopped after $ran rounds: STRESS_MINUTES=$minutes ran out"
		break
	fi
	# shellcheck disable=SC2086 # $select is one or two words on purpose
	if meson test -C "$build" --no-rebuild --num-processes 2 $select >/dev/null 2>&1; then
		echo "round $r: ok"
	else
		failed=$((failed + 1))
		cp "$build/meson-logs/testlog.txt" "$build/meson-logs/stress-$r.txt"
		echo "round $r: FAILED: $(jq -r 'select(.result != "OK" and .result != "SKIP" and .result != "EXPECTEDFAIL") | .name' \
			"$build/meson-logs/testlog.json" | tr '\n' ' ')(log: $build/meson-logs/stress-$r.txt)"
	fi
	ran=$((ran + 1))
	r=$((r + 1))
done
echo "$what: $ran rounds, $failed failed (load: ${STRESS_LOAD:-1}, build: $build)"
[ "$failed" -eq 0 ]
