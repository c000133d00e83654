#!/bin/bash
# Console bugs found by reading, kept fixed:
# - `:log TEXT` took the command line through a 256-byte buffer, so a long
#   Chinese entry was cut, or lost ("text: empty") when the cut split a
#   character;
# - the evacuation form's draft was written but never restored (the draft
#   reader did not know its kind), so a household ticked before a kill was
#   lost.
# And the forms of the watch's verbs (here the handover) restore as well.
. "$(dirname "$0")/lib.sh"
make_demo
drafts=$XDG_STATE_HOME/dutydesk/drafts

start 80 24
wait_for "sync"

# ---- :log with a 100-character Chinese entry, stored whole ----
# 85 characters (255 bytes) of one kind, then 15 more: a 256-byte cut falls
# inside the 86th character.
long=$(printf '汛%.0s' $(seq 85))$(printf '情%.0s' $(seq 14))尾
expect_eq "${#long}" 100 "the entry's length in characters"
keys :
type_text "log $long"
keys Enter
wait_for "entry added to the duty log"
stored=$(dd log list --json | jq -r --arg l "$long" '[.[] | select(.text == $l)] | length')
expect_eq "$stored" 1 "the 100-character entry stored whole"

# ---- the evacuation form's draft survives a kill ----
keys 2
wait_for "[2 Hazards]"
keys g
wait_selected "141032-HP-001"
keys Space
wait_for "Evacuation, household by household"
keys Enter
type_text 'evacuated'
keys Enter
deadline=$((SECONDS + 10))
until [ "$(jq -r '.kind' "$drafts"/*.json 2>/dev/null)" = evacuation ]; do
	[ "$SECONDS" -lt "$deadline" ] || fail "no evacuation draft was written within 10s"
	sleep 0.05
done
pass
kill -KILL "$(console_pid)"
wait_exit 10
expect_eq "$(dd hazard households 141032-HP-001 --json | jq '[.households[] | select(.evacuated_at)] | length')" 0 \
	"nothing saved by the kill"
tm kill-session -t main
start 80 24
wait_for "restored the unsaved form from"
wait_for "Evacuation, household by household"
keys C-s
wait_for "1 households changed"
expect_eq "$(dd hazard households 141032-HP-001 --json | jq '[.households[] | select(.evacuated_at)] | length')" 1 \
	"the restored draft's tick, saved"

# ---- the watch's forms over verbs come back from their drafts too ----
dd shift start --officers 王明 >/dev/null || fail "shift start"
wait_for "officer: 王明"
keys :
type_text 'shift handover'
keys Enter
wait_for "Hand the shift over"
type_text 李华
keys Tab Tab
type_text 护国村继续监测
deadline=$((SECONDS + 10))
until [ "$(jq -r '.kind + " " + .fields.notes' "$drafts"/*.json 2>/dev/null)" = "handover 护国村继续监测" ]; do
	[ "$SECONDS" -lt "$deadline" ] || fail "no handover draft with the notes was written within 10s"
	sleep 0.05
done
pass
kill -KILL "$(console_pid)"
wait_exit 10
tm kill-session -t main
start 80 24
wait_for "restored the unsaved form from"
wait_for "Hand the shift over"
expect_screen_has "护国村继续监测"
keys C-s
wait_for "handed over"
expect_eq "$(dd shift show last --json | jq -r '.handed_to')" 李华 "handed to, from the restored draft"
