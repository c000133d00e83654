#!/bin/bash
# After a resize the console still takes keys: typing goes on in the form,
# and the console is idle again.
#
# Regression test: after a terminal resize the first key sent the console
# into an endless loop at 100% CPU (get_wch() returned KEY_RESIZE on every
# call because resize() called resizeterm() for it, which queued another);
# the key was never read and the screen froze. Fixed in adf6196; this test
# fails on b482d5c.
. "$(dirname "$0")/lib.sh"
make_demo

start 80 24
wait_for "sync"
keys 1
wait_for "永和-2026-0001"
keys a
wait_for "New incident (phone report)"
type_text '调整窗口后'
wait_for '调整窗口后'
HINT="Tab/↓ next field  Enter pick/next  ^S save  Esc cancel"
hint_row() { screen | sed -n "$1p" | sed 's/^ *//; s/ *$//'; }
wait_eq "row 24" "$HINT" hint_row 24
resize 100 30
# the console has taken the resize: the hint line is repainted on row 30
wait_eq "row 30 after the resize to 100x30" "$HINT" hint_row 30
type_text '继续输入'
wait_for '调整窗口后继续输入'
# and the console is idle again: waiting in poll() (state S), not running
# (state R, running or waiting for a CPU: what a loop at 100% shows under
# any load). 40 samples 50 ms apart; the console wakes each second to look
# at the clock and the database, so a few R are allowed.
pid=$(console_pid)
running=0
for ((i = 0; i < 40; i++)); do
	read -r stat <"/proc/$pid/stat" || fail "no /proc/$pid/stat: the console is gone"
	stat=${stat##*) }
	[ "${stat%% *}" = R ] && running=$((running + 1))
	sleep 0.05
done
echo "idle: running in $running of 40 samples"
[ "$running" -le 10 ] || fail "the console was running in $running of 40 samples while idle"
pass
resize 80 24
keys Down
wait_for_re "Title\\* +调整窗口后继续输入"
