#!/bin/sh
# tests/pkg/build.sh OUT [ARCH]: builds the .deb packages of this tree
# (its tracked and new files, as they are now) in OUT, for ARCH (default:
# this machine's; another one is cross-built, without running the tests),
# then runs lintian on them. Prints the paths of the packages made, last.
#
# Needs dpkg-dev, debhelper, lintian and the build dependencies of
# debian/control (for a cross build, crossbuild-essential-ARCH and the
# :ARCH development libraries: sh .ci/setup package-arm64 installs them).
# DEB_BUILD_OPTIONS is passed on (nocheck skips the unit and CLI suites).
# PKG_REF=COMMIT builds that commit instead (an earlier version, for the
# upgrade test), with this tree's debian/ and the version X~gitDATE.HASH
# (lower than X: the release that follows it).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$1
host=$(dpkg --print-architecture)
arch=${2:-$host}
mkdir -p "$out"
out=$(cd "$out" && pwd)

ver=$(dpkg-parsechangelog -l "$top/debian/changelog" -SVersion)
ref=${PKG_REF:-}
mver=$(sed -n "s/^  version : '\(.*\)',$/\1/p" "$top/meson.build")
case "$ver" in
"$mver" | "$mver"[-+~]*) ;;
*)
	echo "debian/changelog says $ver, meson.build $mver: add a changelog entry" >&2
	exit 1
	;;
esac

# A copy of the tree, without its build directories: the package is built
# from what the repository holds.
if [ -n "$ref" ]; then
	ver=$mver~git$(git -C "$top" log -1 --format=%cd.%h --date=format:%Y%m%d "$ref")
fi
src=$out/dutydesk-$ver
rm -rf "$src"
mkdir -p "$src"
if [ -n "$ref" ]; then
	git -C "$top" archive "$ref" | tar -xf - -C "$src"
	rm -rf "$src/debian"
	cp -r "$top/debian" "$src/debian"
	{
		printf 'dutydesk (%s) bookworm; urgency=medium\n\n  * %s\n\n' "$ver" \
			"$(git -C "$top" log -1 --format=%s "$ref" | cut -c1-70)"
		printf ' -- dutydesk maintainers <maintainers@dutydesk.example>  %s\n\n' \
			"$(git -C "$top" log -1 --format=%cD "$ref")"
	} >"$src/debian/changelog"
else
	(cd "$top" && git ls-files -z -co --exclude-standard |
		tar --null --ignore-failed-read -T - -cf - 2>/dev/null) | tar -xf - -C "$src"
fi

opts="-us -uc -b"
if [ "$arch" != "$host" ]; then
	opts="$opts -a$arch -Pcross,nocheck"
	export DEB_BUILD_OPTIONS="nocheck ${DEB_BUILD_OPTIONS:-}"
fi
echo "== dpkg-buildpackage $opts ($src)" >&2
# shellcheck disable=SC2086
(cd "$src" && dpkg-buildpackage $opts >"$out/build-$arch.log" 2>&1) || {
	tail -40 "$out/build-$arch.log" >&2
	echo "dpkg-buildpackage failed: $out/build-$arch.log" >&2
	exit 1
}
changes=$out/dutydesk_${ver}_$arch.changes
# Each tag left is explained in debian/dutydesk.lintian-overrides or
# debian/dutydeskd.lintian-overrides (with the reason beside it).
if [ -z "$ref" ]; then
	echo "== lintian $changes" >&2
	lintian --fail-on error,warning "$changes" >&2
fi
for p in dutydesk dutydeskd; do
	echo "$out/${p}_${ver}_$arch.deb"
done
