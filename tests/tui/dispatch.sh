#!/bin/bash
# Sending stock from the console: d on an incident opens the dispatch form;
# the first ^S says where the stock would come from (nearest depot first)
# and writes nothing, the second sends it: issues and one timeline entry.
# :who shows who to call; v in pane 3 switches to the teams list.
. "$(dirname "$0")/lib.sh"
make_demo
N=永和-2026-0002 # 桑壁镇辛庄村滑坡险情: 桑壁镇's depot is CK-02

start 100 30
wait_for "sync"
keys 1
wait_for "$N"
keys g
wait_selected "永和-2026-0004" # the top row (panes.sh)
# j down to $N: each move waited for, at most one per incident listed
for ((i = 0; i < 10; i++)); do
	sel=$(selected_line)
	[[ $sel == *"$N"* ]] && break
	keys j
	wait_selection_moves "$sel"
done
wait_selected "$N"
keys d
wait_for "Send stock to the incident"
keys Enter
type_text '帐篷'
wait_for "帐篷 WZ-0501"
keys Enter
type_text '25'
keys C-s
wait_for "will send:"
expect_screen_has "桑壁镇救灾物资储备点"
expect_eq "$(dd incident show "$N" --json | jq '.stock | length')" 0 "nothing sent before the confirmation"
keys C-s
wait_for "stock sent"
show=$(dd incident show "$N" --json)
expect_eq "$(jq '[.stock[] | select(.item_code == "WZ-0501") | .sent] | add' <<<"$show")" 25 "tents sent"
expect_eq "$(jq '[.timeline[] | select(.kind == "dispatch")] | length' <<<"$show")" 1 "dispatch entries"
expect_eq "$(dd stock list --depot CK-02 --item WZ-0501 --json | jq '.[0].qty')" 0 \
	"CK-02's tents after sending 25 (it held 19: the county depot gave the rest)"

# :who: who to call, the township's militia first
keys :
type_text who
keys Enter
wait_for "Who to call for $N"
expect_screen_has "桑壁镇民兵应急分队"
keys Escape
wait_gone "Who to call"

# pane 3: v switches to the teams, then the experts
keys 3
wait_for "CK-00"
keys v
wait_for "永和县消防救援大队"
keys v
wait_for "Organisation"
check_widths
