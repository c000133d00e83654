#!/bin/bash
# ^S saves a form (the hint line says "^S save").
#
# Regression test: the console used cbreak() and left the terminal's IXON
# flag on, so the tty took ^S as XOFF: the key never reached the console
# (nothing saved) and the terminal stopped showing output until ^Q. Fixed
# in adf6196 (start_curses clears IXON); this test fails on b482d5c.
. "$(dirname "$0")/lib.sh"
make_demo
TITLE='桑壁镇护国村滑坡测试'

start 80 24
wait_for "sync"
keys 1
wait_for "永和-2026-0001"
keys a
wait_for "New incident (phone report)"
type_text "$TITLE"
wait_for "$TITLE"
keys Tab Enter
wait_for "建筑火灾 building_fire"
type_text '滑坡'
wait_for "滑坡 landslide"
wait_gone "building_fire"
keys Enter
wait_for_re "Type\\* +滑坡 landslide"
keys C-s
wait_for_re "saved 永和-2026-[0-9]{4}"
wait_gone "New incident (phone report)"
# the terminal is not frozen: the list is drawn again
wait_for "永和-2026-0001"
expect_eq "$(dd incident list --json | jq --arg t "$TITLE" '[.[] | select(.title == $t)] | length')" 1 \
	"incidents titled $TITLE after ^S"
