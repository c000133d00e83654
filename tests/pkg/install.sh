#!/bin/sh
# The packages on a machine that never saw the source:
#
#   sh tests/pkg/install.sh [ARCH]      (as root; or: sh .ci/setup package)
#
# builds the .deb packages of this tree (tests/pkg/build.sh, lintian
# included) and those of the version before the last schema change (for the
# upgrade), makes a fresh Debian 12 root with mmdebstrap and runs
# tests/pkg/inroot.sh in it: apt-get install ./…deb, demo, stats, the
# console's first screen in Chinese (tmux), dutydeskd init and a node sync
# on loopback, apt-get purge leaving nothing behind, then the upgrade from
# the earlier packages with their databases. ARCH arm64 on an amd64 machine
# cross-builds and runs the root under qemu-user (binfmt).
#
# Needs root, network access to the Debian mirror, mmdebstrap, debhelper,
# lintian (and for arm64 what `sh .ci/setup package-arm64` installs). Not
# part of `meson test`: it takes minutes. Work files go to PKG_OUT
# (default /tmp/dutydesk-pkg-ARCH); PKG_PREV_REF names another earlier
# commit, PKG_PREV_REF=none leaves the upgrade out, PKG_REUSE=1 takes the
# packages a previous run left in PKG_OUT. Exit status 77: cannot run here
# (the reason is printed).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
host=$(dpkg --print-architecture)
arch=${1:-$host}
out=${PKG_OUT:-/tmp/dutydesk-pkg-$arch}

skip() {
	echo "SKIP [pkg-install] $*"
	exit 77
}
[ "$(id -u)" -eq 0 ] || skip "needs root (mmdebstrap, chroot)"
for t in mmdebstrap dpkg-buildpackage dh lintian git; do
	command -v "$t" >/dev/null || skip "$t is not installed (sh .ci/setup package)"
done
if [ "$arch" != "$host" ] && ! [ -e "/proc/sys/fs/binfmt_misc/qemu-$(
	case $arch in arm64) echo aarch64 ;; *) echo "$arch" ;; esac)" ]; then
	skip "no binfmt handler for $arch (qemu-user-static, binfmt-support)"
fi

export DEB_BUILD_OPTIONS="${DEB_BUILD_OPTIONS:-nocheck}"
t0=$(date +%s)
if [ -n "${PKG_REUSE:-}" ] && ls "$out"/root/dutydesk_*.deb >/dev/null 2>&1; then
	echo "== the packages of the last run (PKG_REUSE): $(cd "$out/root" && echo *.deb)"
else
	rm -rf "$out"
	mkdir -p "$out/root/prev"
	for deb in $(sh "$top/tests/pkg/build.sh" "$out/cur" "$arch"); do
		cp "$deb" "$out/root/"
		echo "$(basename "$deb"): $(stat -c %s "$deb") bytes, Installed-Size $(dpkg-deb -f "$deb" Installed-Size) KiB"
	done
	prev=${PKG_PREV_REF:-$(git -C "$top" log -1 --format=%H -- src/store/migrations.c)^}
	if [ "$prev" != none ]; then
		echo "== the earlier version: $(git -C "$top" log -1 --format='%h %cd %s' --date=short "$prev")"
		for deb in $(PKG_REF=$prev sh "$top/tests/pkg/build.sh" "$out/prev" "$arch"); do
			cp "$deb" "$out/root/prev/"
		done
	fi
fi
cp "$top/tests/pkg/inroot.sh" "$out/root/"
# A catalogue someone else could leave at the build machine's paths: the
# installed program must not read it.
sed 's/^msgstr "地质灾害隐患点/msgstr "PLANTED/' "$top/data/po/zh_CN.po" >"$out/planted.po"
msgfmt -o "$out/root/planted.mo" "$out/planted.po"
t1=$(date +%s)
echo "== packages built in $((t1 - t0)) s; a fresh Debian 12 root ($arch)"

# tmux and sqlite3 belong to the root before the packages come: the
# console runs in tmux, the upgrade reads the schema version.
timeout 1800 mmdebstrap --variant=apt --architectures="$arch" \
	--include=tmux,sqlite3 \
	--customize-hook="copy-in $out/root /root" \
	--customize-hook='chroot "$1" bash /root/root/inroot.sh' \
	bookworm /dev/null \
	"deb http://deb.debian.org/debian bookworm main" \
	"deb http://deb.debian.org/debian bookworm-updates main" \
	"deb http://deb.debian.org/debian-security bookworm-security main" \
	>"$out/mmdebstrap.log" 2>&1 || {
	grep -E 'FAIL|SKIP|PASS|error|E:' "$out/mmdebstrap.log" | tail -20
	echo "FAIL [pkg-install] (whole log: $out/mmdebstrap.log)"
	exit 1
}
grep -E '^(PASS|SKIP|console|upgrade)' "$out/mmdebstrap.log"
echo "PASS [pkg-install] $arch: built in $((t1 - t0)) s, root and checks in $(($(date +%s) - t1)) s"
