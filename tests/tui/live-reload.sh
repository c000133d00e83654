#!/bin/bash
# Two consoles on one database notice each other's writes and the CLI's
# (the header's counts, without a key) and list the new incidents after g.
# (That the list shows them without a key is live.sh.) The console looks
# for other writers each second, and nothing else reloads the counts
# without a key: the waits' deadlines only bound them.
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

# ---- through the CLI: both headers ----
number=$(dd incident add --title 实时刷新测试 --type collapse) || fail "incident add failed"
t0=$(date +%s%N)
use A
wait_for "open 5"
use B
wait_for "open 5"
echo "both consoles noticed the CLI's write within $((($(date +%s%N) - t0) / 1000000)) ms"
for s in A B; do
	use "$s"
	keys g
	wait_for "$number"
	wait_for "实时刷新测试"
	wait_selected "$number"
done

# ---- through console A's form: B notices it ----
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
saved=$(screen | grep -oE "saved 永和-2026-[0-9]{4}" | cut -d' ' -f2)
wait_for "open 6"
use B
wait_for "open 6"
keys g
wait_for "$saved"
wait_for '控制台甲录入'
check_widths
# and the CLI agrees
expect_eq "$(dd incident list --json | jq -r --arg n "$saved" '.[] | select(.number == $n) | .title')" \
	'控制台甲录入测试' "the incident saved in console A"
