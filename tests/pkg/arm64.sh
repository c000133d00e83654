#!/bin/sh
# The unit and CLI suites on arm64 binaries, on an amd64 machine:
#
#   sh tests/pkg/arm64.sh [BUILD_DIR]      (or: sh .ci/setup package-arm64)
#
# cross-builds with the Debian cross compiler and the :arm64 libraries
# (meson cross file written to BUILD_DIR, default build-arm64), with the
# build flags of an arm64 package (dpkg-buildflags), and runs `meson test
# --suite unit --suite cli` there: every binary, those the shell tests start
# included, runs under qemu-user through binfmt. Exit status 77: cannot run
# here (the reason is printed).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
b=${1:-$top/build-arm64}
skip() {
	echo "SKIP [pkg-arm64] $*"
	exit 77
}
command -v aarch64-linux-gnu-gcc >/dev/null ||
	skip "no cross compiler (crossbuild-essential-arm64; sh .ci/setup package-arm64)"
[ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] ||
	skip "no binfmt handler for arm64 binaries (qemu-user-static, binfmt-support)"
[ -e /usr/lib/aarch64-linux-gnu/pkgconfig/sqlite3.pc ] ||
	skip "no :arm64 development libraries (sh .ci/setup package-arm64)"

mkdir -p "$b"
flags() { DEB_HOST_ARCH=arm64 DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get "$1"; }
list() { printf "'%s', " $(flags "$1") | sed 's/, $//'; }
cat >"$b/cross.ini" <<EOT
[binaries]
c = 'aarch64-linux-gnu-gcc'
ar = 'aarch64-linux-gnu-ar'
strip = 'aarch64-linux-gnu-strip'
pkgconfig = 'aarch64-linux-gnu-pkg-config'
exe_wrapper = 'qemu-aarch64-static'

[built-in options]
c_args = [$(list CFLAGS), $(list CPPFLAGS)]
c_link_args = [$(list LDFLAGS)]

[host_machine]
system = 'linux'
cpu_family = 'aarch64'
cpu = 'aarch64'
endian = 'little'
EOT
if [ ! -f "$b/build.ninja" ]; then
	meson setup "$b" "$top" --cross-file "$b/cross.ini" -Dwerror=true >/dev/null
fi
ninja -C "$b" >/dev/null
file "$b/src/dutydesk" | grep -q 'ARM aarch64' || { echo "FAIL: $b/src/dutydesk is not arm64"; exit 1; }
echo "== $(file -b "$b/src/dutydesk" | cut -d, -f1-2)"
meson test -C "$b" --suite unit --suite cli --num-processes 2 --timeout-multiplier 10 --print-errorlogs

nat=${NATIVE_BUILD:-$top/build}
[ -x "$nat/src/dutydesk" ] || { echo "SKIP part: both machines: no native build in $nat"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export DUTYDESK_DATA="$top/data" DUTYDESK_PLANS="$top/plans" TZ=Asia/Shanghai LC_ALL=C.UTF-8
same() { # same WHAT CMD...: the command's output is the same from both builds
	what=$1
	shift
	DUTYDESK_NOW="$now" "$nat/src/dutydesk" "$@" >"$tmp/a" 2>&1 || { echo "FAIL: $what (amd64): $(cat "$tmp/a")"; exit 1; }
	DUTYDESK_NOW="$now" "$b/src/dutydesk" "$@" >"$tmp/b" 2>&1 || { echo "FAIL: $what (arm64): $(cat "$tmp/b")"; exit 1; }
	cmp -s "$tmp/a" "$tmp/b" || { echo "FAIL: $what differs between amd64 and arm64:"; diff "$tmp/a" "$tmp/b" | head -20; exit 1; }
}
checks=0
now=$(date "+%Y-%m-%d %H:%M") # one clock for both
for maker in "$nat" "$b"; do
	rm -f "$tmp/both.db"*
	"$maker/src/dutydesk" --db "$tmp/both.db" demo >/dev/null
	for args in "sync --digest" "stats --json" "hazard export --kind geohazard" \
		"hazard export --kind fire_unit" "incident list --json"; do
		# shellcheck disable=SC2086
		same "$args on a database made by $(basename "$maker")" --db "$tmp/both.db" $args
		checks=$((checks + 1))
	done
done
echo "PASS both machines: $checks outputs the same from amd64 and arm64"

# The console's first screen and memory, arm64 under qemu-user beside amd64
# (5 starts each, the median): emulation is slower than an ARM PC, the
# ratio is an upper bound. RSS under qemu is the emulator's own included.
command -v tmux >/dev/null || { echo "SKIP part: first screen: tmux is not installed"; exit 0; }
sock=pkg-arm64-$$
trap 'tmux -L "$sock" kill-server 2>/dev/null; rm -rf "$tmp"' EXIT
printf 'set -g remain-on-exit on\n' >"$tmp/tmux.conf"
"$nat/src/dutydesk" --db "$tmp/screen.db" demo >/dev/null
first_screen() { # first_screen BINARY: prints "MS RSS_KB" for one start
	tmux -L "$sock" -u -f "$tmp/tmux.conf" kill-server 2>/dev/null
	t0=$(date +%s%N)
	tmux -L "$sock" -u -f "$tmp/tmux.conf" new-session -d -s m -x 80 -y 24 \
		"env LANGUAGE=zh_CN DUTYDESK_OFFICER=王明 TERM=tmux-256color $1 --db $tmp/screen.db"
	end=$((t0 + 120000000000))
	until tmux -L "$sock" capture-pane -t m -p | grep -qF "值班员: 王明"; do
		[ "$(date +%s%N)" -lt "$end" ] || { echo "FAIL: no first screen from $1 in 120 s"; exit 1; }
		sleep 0.01
	done
	t1=$(date +%s%N)
	pid=$(tmux -L "$sock" list-panes -t m -F '#{pane_pid}')
	rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
	tmux -L "$sock" kill-server
	echo "$(((t1 - t0) / 1000000)) $rss"
}
median() { sort -n | sed -n 3p; }
for m in amd64 arm64; do
	bin=$nat/src/dutydesk
	[ $m = arm64 ] && bin=$b/src/dutydesk
	: >"$tmp/$m"
	for i in 1 2 3 4 5; do first_screen "$bin" >>"$tmp/$m"; done
	eval "${m}_ms=\$(cut -d' ' -f1 \"\$tmp/\$m\" | median)"
	eval "${m}_rss=\$(cut -d' ' -f2 \"\$tmp/\$m\" | median)"
done
# shellcheck disable=SC2154
echo "first screen (80x24, zh_CN, demo): amd64 ${amd64_ms} ms, RSS ${amd64_rss} kB;" \
	"arm64 under qemu ${arm64_ms} ms, RSS ${arm64_rss} kB;" \
	"ratio $(awk "BEGIN {printf \"%.1f\", $arm64_ms / ($amd64_ms ? $amd64_ms : 1)}") (time)," \
	"$(awk "BEGIN {printf \"%.1f\", $arm64_rss / $amd64_rss}") (RSS)"
