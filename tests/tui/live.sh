#!/bin/bash
# Two consoles on one database, both on pane 1 (newest first, at the top):
# an incident added through the CLI shows in both, and one added through
# console A's form shows in console B, without a key pressed. (The console
# looks for other writers each second, and nothing else reloads the list
# without a key: the waits' deadlines only bound them.)
. "$(dirname "$0")/lib.sh"
make_demo

for s in A B; do
	use "$s"
	start 80 24
	wait_for "sync"
	keys 1
	wait_for "永和-2026-0001"
	wait_for "open 4"
done

# ---- through the CLI ----
number=$(dd incident add --title 实时刷新测试 --type collapse) || fail "incident add failed"
for s in A B; do
	use "$s"
	wait_for "open 5"
	wait_for "$number"
	wait_for "实时刷新测试"
	wait_selected "永和-2026-0004" # the selection stays on its record
done

# ---- through console A's form ----
use A
keys a
wait_for "New incident (phone report)"
type_text '控制台甲录入测试'
wait_for '控制台甲录入测试'
keys Tab Enter
wait_for "建筑火灾 building_fire"
type_text '崩塌'
wait_for "崩塌 collapse"
keys Enter
wait_for_re "Type\\* +崩塌 collapse"
keys C-s
wait_for_re "saved 永和-2026-[0-9]{4}"
wait_for '控制台甲录入' # A's own list
use B
wait_for "open 6"
wait_for '控制台甲录入'
check_widths
