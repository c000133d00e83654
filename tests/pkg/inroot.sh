#!/bin/bash
# Runs inside a fresh Debian 12 root (tests/pkg/install.sh makes it), as
# root, from the directory holding the packages: dutydesk_*.deb and
# dutydeskd_*.deb of this version, and, for the upgrade, prev/*.deb of an
# earlier one. Installs them with apt, uses them as an office and a hub
# would, purges them and checks that nothing is left. Ends with
# "PASS pkg: N checks" or the first failure, naming it.
set -u
cd "$(dirname "$0")"
PKG=$PWD
W=/root/pkgtest
export LANG=C.UTF-8 TZ=Asia/Shanghai DEBIAN_FRONTEND=noninteractive
unset LANGUAGE LC_ALL DUTYDESK_DATA DUTYDESK_PLANS DUTYDESK_LOCALEDIR
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
CHECKS=0
HUB_PID=""

fail() {
	echo "FAIL pkg: $*" >&2
	exit 1
}
pass() { CHECKS=$((CHECKS + 1)); }
check() { # check WHAT CMD...: CMD succeeds
	local what=$1
	shift
	"$@" >"$W/check.out" 2>&1 || fail "$what: '$*' failed: $(head -c 600 "$W/check.out")"
	pass
}
has() { # has WHAT FILE TEXT: FILE holds TEXT
	grep -qF -- "$3" "$2" || fail "$1: no '$3' in: $(head -c 800 "$2")"
	pass
}
# wait_until SECONDS WHAT CMD...: polls CMD every 0.02 s, fails naming WHAT.
wait_until() {
	local secs=$1 what=$2 end
	shift 2
	end=$(($(date +%s%N) + secs * 1000000000))
	until "$@"; do
		(($(date +%s%N) < end)) || fail "never happened within $secs s: $what"
		sleep 0.02
	done
}
cleanup() {
	[ -n "$HUB_PID" ] && kill -9 "$HUB_PID" 2>/dev/null
	tmux -L pkg kill-server 2>/dev/null
	return 0
}
trap cleanup EXIT

# What the root holds, but for the places every package run changes.
snapshot() {
	find / -xdev \( -path /proc -o -path /sys -o -path /dev -o -path /run -o -path /tmp \
		-o -path /root -o -path /var/lib/apt -o -path /var/lib/dpkg -o -path /var/cache \
		-o -path /var/log -o -path /var/tmp -o -path "$PKG" \) -prune -o -print |
		grep -v -e '^/etc/[a-z]*-$' -e '^/etc/ld.so.cache$' | sort
}

apt_install() { apt-get install -y -q --no-install-recommends "$@" >"$W/apt.log" 2>&1 || fail "apt-get install $*: $(tail -20 "$W/apt.log")"; }
purge() {
	apt-get purge -y -q --autoremove dutydesk dutydeskd >"$W/apt.log" 2>&1 ||
		fail "apt-get purge: $(tail -20 "$W/apt.log")"
}
nothing_left() { # nothing_left WHEN
	snapshot >"$W/after"
	diff "$W/before" "$W/after" >"$W/left" ||
		fail "$1: apt-get purge left this behind: $(head -40 "$W/left")"
	pass
}

mkdir -p "$W"
snapshot >"$W/before"
cur_d=$(ls "$PKG"/dutydesk_*.deb) cur_h=$(ls "$PKG"/dutydeskd_*.deb)

# ---- install: apt resolves the dependencies ----
apt_install "$cur_d" "$cur_h"
pass
dd() { dutydesk --db "$W/office.db" "$@"; }
check "version" dutydesk --version
for lib in libexpat.so.1 libfreexl.so.1 libutf8proc.so.2 libxlsxwriter.so.4 libcrypto.so.3 libcurl.so.4; do
	# opened with dlopen: named by hand in debian/control
	ldconfig -p | grep -qF "$lib " || fail "$lib is not installed (debian/control Depends)"
	pass
done
for f in /usr/share/man/man1/dutydesk.1.gz /usr/share/man/man5/dutydesk-plans.5.gz \
	/usr/share/man/man8/dutydeskd.8.gz /usr/share/locale/zh_CN/LC_MESSAGES/dutydesk.mo \
	/usr/share/dutydesk/divisions.csv /usr/share/doc/dutydesk/copyright; do
	[ -f "$f" ] || fail "$f is not installed"
	pass
done
ls /usr/share/dutydesk/plans/*.yaml >/dev/null 2>&1 || fail "no plans in /usr/share/dutydesk/plans"
pass

# ---- an office: demo data, stats, a workbook out and in, in Chinese ----
check "demo" dd demo
dd stats >"$W/stats" 2>&1 || fail "stats: $(cat "$W/stats")"
has "stats" "$W/stats" "Geological hazard points  180"
has "stats" "$W/stats" "Fire key units            36"
check "plans from /usr/share/dutydesk/plans" dd plan list
has "plan list" "$W/check.out" "永和县"
dd export --format xlsx depots >"$W/depots.xlsx" 2>"$W/err" || fail "xlsx export: $(cat "$W/err")"
check "a new database" dutydesk --db "$W/other.db" init --node other --county
check "xlsx import" dutydesk --db "$W/other.db" import depots "$W/depots.xlsx"
has "xlsx import" "$W/check.out" "7 new"
LANGUAGE=zh_CN dd stats >"$W/stats.zh" 2>&1 || fail "stats in Chinese: $(cat "$W/stats.zh")"
has "stats in Chinese" "$W/stats.zh" "地质灾害隐患点"

# Only the installed files are read, never the build machine's trees (the
# program holds their paths): a catalogue planted there, with the installed
# one gone (as dpkg's path-exclude for locales does), is not read.
mo=/usr/share/locale/zh_CN/LC_MESSAGES/dutydesk.mo
build_locale=$(grep -aoE '/[[:print:]]*/obj-[a-z0-9_-]+/locale' /usr/bin/dutydesk | head -1)
[ -n "$build_locale" ] || fail "no build tree path in /usr/bin/dutydesk to plant a catalogue at"
made=$build_locale # the first folder made here, removed after
while [ ! -e "$(dirname "$made")" ]; do made=$(dirname "$made"); done
mkdir -p "$build_locale/zh_CN/LC_MESSAGES"
cp "$PKG/planted.mo" "$build_locale/zh_CN/LC_MESSAGES/dutydesk.mo"
mv "$mo" "$W/dutydesk.mo"
LANGUAGE=zh_CN dd stats >"$W/stats.planted" 2>&1
mv "$W/dutydesk.mo" "$mo"
rm -rf "$made"
if grep -q PLANTED "$W/stats.planted"; then
	fail "dutydesk read the catalogue planted at the build tree's $build_locale"
fi
has "no catalogue: English" "$W/stats.planted" "Geological hazard points  180"

# The console, at 80x24 in Chinese: its first screen.
export DUTYDESK_OFFICER=王明
echo 'set -g remain-on-exit on' >"$W/tmux.conf"
tm() { tmux -L pkg -u -f "$W/tmux.conf" "$@"; }
t0=$(date +%s%N)
# env execs dutydesk: the pane's process is the console (the root shares
# the machine's process table: no pgrep)
tm new-session -d -s c -x 80 -y 24 \
	"env LANGUAGE=zh_CN TERM=tmux-256color dutydesk --db $W/office.db" ||
	fail "tmux did not start"
screen_has() { tm capture-pane -t c -p | grep -qF -- "$1"; }
wait_until 60 "the console's first screen (值班员)" screen_has "值班员: 王明"
t1=$(date +%s%N)
pass
wait_until 30 "the panes line in Chinese" screen_has "0 概览"
pid=$(tm list-panes -t c -F '#{pane_pid}')
rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null)
echo "console: first screen in $(((t1 - t0) / 1000000)) ms, RSS ${rss:-?} kB ($(uname -m))"
tm send-keys -t c 1
wait_until 30 "the incident list (接报时间)" screen_has "接报时间"
tm send-keys -t c : q Enter
dead() { [ "$(tm list-panes -t c -F '#{pane_dead}')" = 1 ]; }
wait_until 30 "the console ending on :q" dead
[ "$(tm list-panes -t c -F '#{pane_dead_status}')" = 0 ] || fail "the console exited with status $(tm list-panes -t c -F '#{pane_dead_status}')"
tm kill-server
pass

# ---- the hub: system user, its directory, the unit enabled, then init ----
getent passwd dutydeskd >/dev/null || fail "no system user dutydeskd"
pass
[ "$(stat -c %U:%a /var/lib/dutydeskd)" = dutydeskd:750 ] ||
	fail "/var/lib/dutydeskd is $(stat -c %U:%a /var/lib/dutydeskd), not dutydeskd:750"
pass
unit=/lib/systemd/system/dutydeskd.service
[ -f $unit ] || fail "no $unit"
[ -L /etc/systemd/system/multi-user.target.wants/dutydeskd.service ] ||
	fail "the unit is not enabled"
has "the unit waits for the database" $unit "ConditionPathExists=/var/lib/dutydeskd/hub.db"
[ ! -e /var/lib/dutydeskd/hub.db ] || fail "a hub database before dutydeskd init"
pass
hubcmd() { runuser -u dutydeskd -- dutydeskd "$@"; }
check "dutydeskd init" hubcmd init
[ "$(stat -c %U /var/lib/dutydeskd/hub.db)" = dutydeskd ] || fail "hub.db is not the user's"
pass
hubcmd node add sangbi --township 桑壁镇 >"$W/enrol" 2>&1 || fail "node add: $(cat "$W/enrol")"
tail -n 1 "$W/enrol" >"$W/sangbi.token"
hubcmd node add county --county >"$W/enrol" 2>&1 || fail "node add: $(cat "$W/enrol")"
tail -n 1 "$W/enrol" >"$W/county.token"
chmod 600 "$W"/*.token
: >"$W/hub.log"
runuser -u dutydeskd -- dutydeskd serve --listen 127.0.0.1:0 2>"$W/hub.log" &
HUB_PID=$!
listening() {
	grep -q '"event":"listening"' "$W/hub.log" && return 0
	kill -0 "$HUB_PID" 2>/dev/null || fail "the hub exited: $(cat "$W/hub.log")"
	return 1
}
wait_until 60 "the hub listening" listening
port=$(grep '"event":"listening"' "$W/hub.log" | sed 's/.*"port":\([0-9]*\).*/\1/')
url=http://127.0.0.1:$port
node() { local n=$1; shift; dutydesk --db "$W/$n.db" "$@"; }
check "node init" node sangbi init --node sangbi --township 桑壁镇
check "node init" node county init --node county --county
check "incident add" node sangbi incident add --title 桑壁镇后山滑坡包测 --type landslide --township 桑壁镇
check "sync (push)" node sangbi sync --once --server "$url" --token-file "$W/sangbi.token"
check "sync (pull)" node county sync --once --server "$url" --token-file "$W/county.token"
check "the county's list" node county incident list
has "the incident synced over loopback" "$W/check.out" "桑壁镇后山滑坡包测"
kill -TERM "$HUB_PID"
wait_until 60 "the hub ending after SIGTERM" bash -c "! kill -0 $HUB_PID 2>/dev/null"
HUB_PID=""

# ---- purge: nothing left ----
rm -rf "$W"/*.db "$W"/*.db-*
purge
getent passwd dutydeskd >/dev/null && fail "purge left the user dutydeskd"
pass
nothing_left "after purge"

# ---- upgrade: a database of the previous version migrates on first open ----
if ls "$PKG"/prev/dutydesk_*.deb >/dev/null 2>&1; then
	apt_install "$PKG"/prev/dutydesk_*.deb "$PKG"/prev/dutydeskd_*.deb
	old=$(dpkg-query -W -f '${Version}' dutydesk)
	check "demo on $old" dd demo
	v0=$(sqlite3 "$W/office.db" 'PRAGMA user_version')
	check "an incident on $old" dd incident add --title 升级前的事件 --type landslide --township 桑壁镇
	runuser -u dutydeskd -- dutydeskd init >"$W/hubinit" 2>&1 || fail "hub init on $old: $(cat "$W/hubinit")"
	apt_install "$cur_d" "$cur_h"
	new=$(dpkg-query -W -f '${Version}' dutydesk)
	[ "$old" != "$new" ] || fail "the upgrade did not change the version ($old)"
	pass
	dd stats >"$W/stats" 2>&1 || fail "stats after the upgrade $old -> $new: $(cat "$W/stats")"
	has "stats after the upgrade" "$W/stats" "Geological hazard points  180"
	check "the incident kept" dd incident list
	has "the incident kept" "$W/check.out" "升级前的事件"
	check "a new incident after the upgrade" dd incident add --title 升级后的事件 --type landslide --township 桑壁镇
	v1=$(sqlite3 "$W/office.db" 'PRAGMA user_version')
	[ "$v1" -gt "$v0" ] || fail "the office database stayed at schema $v0 after the upgrade"
	pass
	check "the hub database after the upgrade" runuser -u dutydeskd -- dutydeskd node list
	echo "upgrade: $old -> $new: the office database migrated from schema $v0 to $v1 on first open; the hub's opened"
	rm -rf "$W"/*.db "$W"/*.db-*
	purge
	nothing_left "after the upgrade and purge"
else
	echo "SKIP part: upgrade: no prev/*.deb given"
fi
echo "PASS pkg: $CHECKS checks"
