#!/bin/bash
# Each screen update reaches the terminal in one write: a syscall, a
# wake-up of the terminal and, over SSH, a packet each, so a page must not
# go out in dozens of pieces. Counted from the console's own write
# syscalls (/proc/PID/io) while it pages through the hazards, moves and
# switches panes, at 80x24 and 160x48.
#
# Regression test: ncurses flushed at every cursor move until the screen
# had once been left and resumed; a page of the list took some 35 writes.
. "$(dirname "$0")/lib.sh"
make_demo

console_writes() { awk '/^syscw:/ {print $2}' "/proc/$(console_pid)/io"; }

# keys_writes LABEL KEY N [TEXT]: N times KEY, each waited for (the
# selection moves; or TEXT is on the screen) so that one key's update is
# not counted with the next one's; at most 2 writes per key (the update,
# and at most one more when a key's update is split by the next poll).
keys_writes() {
	local label=$1 key=$2 n=$3 text=${4:-} i w0 w1
	[ -n "$text" ] || SELECTED=$(selected_line)
	w0=$(console_writes)
	for ((i = 0; i < n; i++)); do
		keys "$key"
		if [ -n "$text" ]; then
			wait_for "$text"
		else
			wait_selection_moves "$SELECTED"
		fi
	done
	w1=$(console_writes)
	[ $((w1 - w0)) -ge 1 ] || fail "$label: the console wrote nothing ($w0 -> $w1)"
	[ $((w1 - w0)) -le $((2 * n)) ] ||
		fail "$label: $((w1 - w0)) writes to the terminal for $n keys (at most $((2 * n)))"
	pass
}

# widest_row FIRST LAST: the most cells any screen line FIRST..LAST takes
widest_row() {
	screen | sed -n "$1,$2p" | python3 -c '
import sys, unicodedata
print(max((sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in l)
           for l in sys.stdin.read().split("\n")), default=0))'
}

for size in "80 24" "160 48"; do
	set -- $size
	start "$1" "$2"
	wait_for "sync"
	[ -r "/proc/$(console_pid)/io" ] || skip "/proc/PID/io is not readable here"
	keys 2
	wait_for "geohazard points"
	wait_selected "141032-HP-001"
	keys_writes "Down ($1x$2)" Down 8
	keys_writes "PgDn through the hazards ($1x$2)" NPage 3
	keys_writes "PgUp ($1x$2)" PPage 3
	keys 1
	wait_for "永和-2026-0001"
	# List rows stop short of the last column: a row written into it leaves
	# the terminal's cursor in its pending wrap, and the next row then costs
	# an absolute move (7 bytes) instead of a carriage return.
	[ "$(widest_row 4 $(($2 - 1)))" -lt "$1" ] || fail "a list row reaches the last column at $1x$2"
	pass
	keys_writes "pane switch to 2 ($1x$2)" 2 1 "[2 Hazards]"
	keys_writes "pane switch to 3 ($1x$2)" 3 1 "[3 Resources]"
	keys_writes "pane switch to 4 ($1x$2)" 4 1 "[4 Plans]"
	keys_writes "pane switch to 0 ($1x$2)" 0 1 "[0 Overview]"
	tm kill-session -t "$SESSION"
done
