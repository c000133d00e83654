#!/bin/bash
# Pane 4, plans: the items of a drill started through the CLI, Space ticks
# an item done and again open (the CLI agrees), v shows the library and a
# on a plan opens the activation form; a drill started there is seen by
# the CLI. Every screen fits 80x24.
. "$(dirname "$0")/lib.sh"
make_demo
ACT=$(dd plan activate flood_drought --level IV --drill | cut -d' ' -f1)
[[ $ACT =~ ^[0-9a-f-]{36}$ ]] || fail "plan activate printed no activation id: '$ACT'"
pass
item_state() { dd plan status "$ACT" --json | jq -r --arg k "$1" '.items[] | select(.item_key == $k) | .state'; }

start 80 24
wait_for "sync"
keys 4
wait_for "[4 Plans]"
# the drill's items, in plan order, substeps indented
wait_for "接报雨情、水情、险情后立即核实"
expect_screen_has "  登记降雨量、河道水位"
expect_screen_has "每日续报处置进展"
drill_open_rows() { screen | grep -c '^\[D\]flood_drought .* IV   open '; }
wait_eq "open rows of the drill" 14 drill_open_rows
check_widths

# Space on a parent with open substeps: says how a parent is done and goes
# to its first substep; nothing ticked
wait_selected "接报雨情、水情、险情后立即核实"
keys Space
wait_for "2 still open, tick them"
wait_selected "登记降雨量"
expect_eq "$(item_state iv-receive)" open "the parent after Space"
expect_eq "$(dd plan status "$ACT" --json | jq -r .progress.done)" 0 "items done after Space on the parent"

# Space on a substep: done; the CLI agrees; Space again: open
keys Space
wait_for "iv-receive-log done" # (a use after free once printed garbage here)
wait_selected " done "
expect_eq "$(item_state iv-receive-log)" done "iv-receive-log after Space"
expect_eq "$(dd plan status "$ACT" --json | jq -r .progress.done)" 1 "items done after Space"
keys Space
wait_for "iv-receive-log open"
wait_selected " open "
expect_eq "$(item_state iv-receive-log)" open "iv-receive-log after a second Space"
expect_eq "$(dd plan status "$ACT" --json | jq -r .progress.done)" 0 "items done after a second Space"
check_widths

# both substeps done: the parent rolls up; Space on the done parent
# says how to reopen it and leaves it done
keys Space
wait_for "iv-receive-log done"
keys Down
wait_selected "报告带班领导"
keys Space
wait_for "iv-receive-leader done"
wait_eq "the parent rolled up" done item_state iv-receive
keys Up Up
wait_selected "接报雨情、水情、险情后立即核实"
keys Space
wait_for "open a substep"
expect_eq "$(item_state iv-receive)" done "the done parent after Space"
expect_eq "$(dd plan status "$ACT" --json | jq -r .progress.done)" 3 "items done after Space on the done parent"

# v: the library, nine plans; flood_drought is active once
keys v
wait_for "Version"
library_rows() { screen | grep -cE '^[a-z_]+(…)? +2025\.1 +[0-9]+ 永和县'; }
wait_eq "plans in the library" 9 library_rows
expect_eq "$(screen | grep -E '^flood_drought ' | awk '{print $3}')" 1 "flood_drought active"
check_widths

# a on geohazard: the activation form
keys g
wait_selected "earthquake"
keys Down Down Down Down
wait_selected "geohazard"
keys a
wait_for "Activate the plan geohazard"
wait_for_re "Level\\* +IV"
expect_screen_has "Incident"
expect_screen_has "Drill (演练)"
check_widths
keys Enter # the level picker
wait_for "III"
type_text IV
keys Enter
wait_for_re "Level\\* +IV"
# the pick moved on to Incident (left empty); Tab to Drill
keys Tab
keys Enter
wait_for "yes"
type_text yes
wait_gone "               no" # the picker filtered
keys Enter
wait_for_re "Drill \\(演练\\) +yes"
check_widths
keys C-s
wait_for "drill started"
wait_gone "Activate the plan geohazard"
check_widths

# the CLI sees two open activations, the new one a geohazard drill at IV
st=$(dd plan status --json)
expect_eq "$(jq length <<<"$st")" 2 "open activations"
expect_eq "$(jq -r '[.[] | select(.plan == "geohazard") | .level, .drill, .incident] | join(",")' <<<"$st")" \
	"IV,true," "the drill started in the console"
expect_eq "$(jq -r '.[] | select(.plan == "geohazard") | .items' <<<"$st")" 12 "its items"
# and the library says so
wait_for_re "^geohazard +2025\\.1 +1 "
