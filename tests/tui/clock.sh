#!/bin/bash
# The Due column counts with the clock while the console stays open: an
# overdue report's "!H:MM" grows, a countdown shrinks, without a key or a
# write. The clock runs 120 times as fast (libfaketime): two clock minutes
# a second.
#
# Regression guard: when a report falls due is worked out once per row
# read; the countdown from it must still be taken at every paint.
. "$(dirname "$0")/lib.sh"
ft=""
for f in /usr/lib/*/faketime/libfaketime.so.1 /usr/lib64/faketime/libfaketime.so.1 \
	/usr/lib/faketime/libfaketime.so.1 /usr/local/lib/faketime/libfaketime.so.1; do
	[ -r "$f" ] && { ft=$f; break; }
done
[ -n "$ft" ] || skip "libfaketime is not installed (apt install faketime)"
# libfaketime is an LD_PRELOAD library; the address sanitizer's runtime
# must come first in the preload order and refuses to run after it.
if ldd "$DUTYDESK" 2>/dev/null | grep -q libasan || grep -qa __asan_init "$DUTYDESK"; then
	skip "libfaketime's preload does not mix with the address sanitizer (this is an ASan build)"
fi
NOW='2026-11-28 14:00:00'
got=$(LD_PRELOAD=$ft FAKETIME="@$NOW" "$DUTYDESK" --version 2>&1) ||
	skip "dutydesk does not run under libfaketime's preload: $got"
got=$(LD_PRELOAD=$ft FAKETIME="@$NOW" date '+%F %T')
[[ $got == "2026-11-28 14:0"* ]] || skip "libfaketime's preload does not set the clock here (date says $got)"

make_demo
# The demo's log is of fixed dates (its first report due 11-28 12:30 is
# 1:30 late at 14:00); a report falling due in the future: received at
# 14:00, its first report due two hours later.
DUTYDESK_NOW=$NOW dd incident add --title '时钟测试 山洪' --type flood --township 桑壁镇 \
	>/dev/null || fail "incident add"

start 80 24 "LD_PRELOAD=$ft" "FAKETIME=@$NOW x120"
wait_for "sync"
keys 1
wait_for "时钟测试"
wait_for "永和-2026-0004"

# minutes H:MM (with or without "!", negative when overdue) of the Due cell
# of the screen line holding $2, in the screen $1
due_min() {
	local cell
	cell=$(grep -F -- "$2" <<<"$1" | grep -oE '(^| )!?[0-9]+:[0-9]{2} ' | tail -1 | tr -d ' ')
	[ -n "$cell" ] || { echo "none"; return; }
	local neg=1
	[ "${cell:0:1}" = "!" ] && { neg=-1; cell=${cell:1}; }
	echo $((neg * (10#${cell%%:*} * 60 + 10#${cell##*:})))
}
# the header's clock (HH:MM at the end of the first line) in minutes
clock_min() {
	local hm
	hm=$(head -1 <<<"$1" | grep -oE '[0-9]{2}:[0-9]{2} *$' | tr -d ' ')
	[ -n "$hm" ] || { echo "none"; return; }
	echo $((10#${hm%%:*} * 60 + 10#${hm##*:}))
}
# The header's clock and the Due cells are painted together: a countdown
# plus the clock is the due time, and stays so as the clock moves (to 1
# for the minute's rounding). From one screen: c new old.
read_screen() {
	local s
	s=$(screen)
	c=$(clock_min "$s") new=$(due_min "$s" '时钟测试') old=$(due_min "$s" '永和-2026-0004')
}
read_screen
[ "$c" != none ] || fail "no HH:MM clock at the end of the header"
pass
[ "$new" != none ] || fail "the new incident's Due cell is not on the screen"
pass
[ "$old" != none ] && [ "$old" -lt 0 ] || fail "永和-2026-0004's Due cell is not an overdue !H:MM"
pass
c0=$c new0=$new old0=$old
# Wait for the clock on screen to move by 4 minutes or more (two seconds:
# two repaints at the minute tick, at least); the deadline is a real minute.
deadline=$((SECONDS + 60))
until read_screen && [ "$c" != none ] && [ "$c" -ge $((c0 + 4)) ]; do
	[ "$SECONDS" -ge "$deadline" ] &&
		fail "the header's clock did not move on by 4 minutes in 60 s (120 clock minutes): $c0, then $c"
	sleep 0.05
done
pass
echo "clock $c0 -> $c, Due in minutes: new $new0 -> $new, overdue $old0 -> $old"
[ "$new" != none ] && [ $((new + c - new0 - c0)) -ge -1 ] && [ $((new + c - new0 - c0)) -le 1 ] ||
	fail "the countdown does not follow the clock: $new0 then $new minutes while the clock went $c0 then $c"
pass
[ "$old" != none ] && [ $((old + c - old0 - c0)) -ge -1 ] && [ $((old + c - old0 - c0)) -le 1 ] ||
	fail "an overdue report's lateness does not grow with the clock: $old0 then $old while the clock went $c0 then $c"
pass
