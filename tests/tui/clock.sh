#!/bin/bash
# The Due column counts with the clock while the console stays open: an
# overdue report's "!H:MM" grows, a countdown shrinks, without a key or a
# write. The clock runs 120 times as fast (libfaketime), so two seconds
# are four minutes.
#
# Regression guard: when a report falls due is worked out once per row
# read; the countdown from it must still be taken at every paint.
. "$(dirname "$0")/lib.sh"
ft=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -1)
[ -n "$ft" ] || { echo "SKIP: libfaketime not installed (apt install faketime)"; exit 77; }
if ldd "$DUTYDESK" | grep -q libasan; then
	echo "SKIP: libfaketime's preload does not mix with the address sanitizer"
	exit 77
fi
make_demo
# The demo's log is of fixed dates (its first report due 11-28 12:30 is
# 1:30 late at 14:00); a report falling due in the future: received at
# 14:00, its first report due two hours later.
NOW='2026-11-28 14:00:00'
DUTYDESK_NOW=$NOW dd incident add --title '时钟测试 山洪' --type flood --township 桑壁镇 \
	>/dev/null || fail "incident add"

start 80 24 "LD_PRELOAD=$ft" "FAKETIME=@$NOW x120"
wait_for "sync"
keys 1
wait_for "时钟测试"

# minutes H:MM (with or without "!") of the Due cell of the row holding $1
due_min() {
	local cell
	cell=$(screen | grep -F -- "$1" | grep -oE '(^| )!?[0-9]+:[0-9]{2} ' | tail -1 | tr -d ' ')
	[ -n "$cell" ] || { echo "none"; return; }
	local neg=1
	[ "${cell:0:1}" = "!" ] && { neg=-1; cell=${cell:1}; }
	echo $((neg * (10#${cell%%:*} * 60 + 10#${cell##*:})))
}
a_new=$(due_min '时钟测试') a_old=$(due_min '永和-2026-0004')
sleep 2.5
b_new=$(due_min '时钟测试') b_old=$(due_min '永和-2026-0004')
echo "Due in minutes, 2.5 s (5 clock minutes) apart: new $a_new -> $b_new, overdue $a_old -> $b_old"
[ "$a_new" != none ] && [ "$b_new" != none ] || fail "the new incident's Due cell is not on the screen"
pass
[ "$b_new" -le $((a_new - 2)) ] && [ "$b_new" -ge $((a_new - 15)) ] ||
	fail "the countdown does not follow the clock: $a_new then $b_new minutes"
pass
[ "$a_old" != none ] && [ "$b_old" -le $((a_old - 2)) ] && [ "$b_old" -ge $((a_old - 15)) ] ||
	fail "an overdue report's lateness does not grow with the clock: $a_old then $b_old minutes"
pass
