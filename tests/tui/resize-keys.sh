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
resize 100 30
wait_for_re "Tab/↓ next field.*"
sleep 0.3 # let the resize settle: the bug is in the first key after it
type_text '继续输入'
wait_for '调整窗口后继续输入' 5
# and the console is idle again: at most 0.5 s of CPU over 2 s
t0=$(console_cpu_ticks)
sleep 2
t1=$(console_cpu_ticks)
[ $((t1 - t0)) -le 50 ] || fail "the console used $((t1 - t0)) ticks of CPU in 2 s while idle"
pass
resize 80 24
keys Down
wait_for_re "Title\\* +调整窗口后继续输入"
