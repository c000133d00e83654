#!/bin/bash
# A hang-up in the middle of a form: the console exits (128+SIGHUP), the
# draft stays, and the next start restores the form with its text and says
# so; the restored form saves like any other.
. "$(dirname "$0")/lib.sh"
make_demo
TITLE='阁底乡永和关村崩塌挂断测试'
drafts=$XDG_STATE_HOME/dutydesk/drafts

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
type_text '崩塌'
wait_for "崩塌 collapse"
keys Enter
wait_for_re "Type\\* +崩塌 collapse"

# the pane's process is the console itself (exec env ... dutydesk)
pid=$(console_pid)
expect_eq "$(cat "/proc/$pid/comm" 2>/dev/null)" "dutydesk" "the pane's process"
kill -HUP "$pid" || fail "kill -HUP $pid"
wait_exit
expect_eq "$EXIT_STATUS" 129 "exit status after SIGHUP"
expect_eq "$(jq -r '.kind, .fields.title, .fields.type' "$drafts"/*.json 2>/dev/null | paste -sd' ')" \
	"incident $TITLE collapse" "the draft left by the hang-up"
expect_eq "$(dd incident list --json | jq --arg t "$TITLE" '[.[] | select(.title == $t)] | length')" 0 \
	"nothing saved by the hang-up"

# the next start: the form is back, with a message
tm kill-session -t main
start 80 24
wait_for "restored the unsaved form from"
wait_for_re "restored the unsaved form from $(date +%Y-%m-%d) [0-9]{2}:[0-9]{2}|restored the unsaved form from $(date -d '-1 min' +%Y-%m-%d) "
wait_for "New incident (phone report)"
wait_for_re "Title\\* +$TITLE"
wait_for_re "Type\\* +崩塌 collapse"
check_widths

# it goes on like any form: typing continues the title, then it saves
keys End
type_text '续'
wait_for_re "Title\\* +${TITLE}续"
keys C-s
wait_for_re "saved 永和-2026-[0-9]{4}"
wait_gone "New incident (phone report)"
expect_eq "$(dd incident list --json | jq -r --arg t "${TITLE}续" '.[] | select(.title == $t) | .type')" \
	collapse "the restored form, saved"
[ -z "$(ls -A "$drafts" 2>/dev/null)" ] || fail "the draft is still there after saving"
pass

# and a start after that restores nothing
tm kill-session -t main
start 80 24
wait_for "sync"
wait_for "Geological hazard points 180"
expect_screen_lacks "restored"
expect_screen_lacks "New incident (phone report)"
