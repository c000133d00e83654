#!/bin/bash
# Pane 1, the incident form: a Chinese title, the Type picker with
# type-to-filter, the required-field message, Esc asking before it drops
# typed text, and a saved incident seen by the CLI.
# (Saving here is ^S or Enter on the last field; ctrl-s.sh: ^S reaches it.)
. "$(dirname "$0")/lib.sh"
make_demo
TITLE='桑壁镇护国村滑坡测试'
drafts=$XDG_STATE_HOME/dutydesk/drafts

start 80 24
wait_for "sync"
keys 1
wait_for "永和-2026-0001"

# ---- Esc on a form with nothing typed closes it without asking ----
keys a
wait_for "New incident (phone report)"
keys Escape
wait_for "永和-2026-0001"
expect_screen_lacks "Discard the changes?"

# ---- saving without a title: "required" beside Title ----
keys a
wait_for "New incident (phone report)"
wait_for "Reporter"
keys C-s
wait_for_re "Title\\* .*required"
wait_for_re "Type\\* .*required"
expect_screen_has "New incident (phone report)"
check_widths

# ---- the title, then the Type picker ----
type_text "$TITLE"
wait_for "$TITLE"
keys Tab
keys Enter
wait_for "建筑火灾 building_fire" # the picker lists the types
type_text '滑坡'
wait_for "滑坡 landslide"
wait_gone "building_fire"
keys Enter
wait_for_re "Type\\* +滑坡 landslide"
check_widths
# the draft is on disk, with what was typed
[ -n "$(ls -A "$drafts" 2>/dev/null)" ] || fail "no draft in $drafts"
pass
expect_eq "$(jq -r '.fields.title, .fields.type' "$drafts"/*.json | paste -sd' ')" \
	"$TITLE landslide" "the draft's title and type"

# ---- Esc on the dirty form asks; n keeps the form and the text ----
keys Escape
wait_for "Discard the changes? y/n"
keys n
wait_gone "Discard the changes? y/n"
expect_screen_has "$TITLE"
expect_screen_has "New incident (phone report)"

# ---- save: Enter on the last field (PgDn goes down a screenful) ----
keys PgDn PgDn PgDn
wait_gone "more below"
wait_for "Caller's account"
keys Enter
wait_for_re "saved 永和-2026-[0-9]{4}"
number=$(screen | grep -oE "saved 永和-2026-[0-9]{4}" | cut -d' ' -f2)
wait_gone "New incident (phone report)"
[ -z "$(ls -A "$drafts" 2>/dev/null)" ] || fail "the draft is still there after saving"
pass
json=$(dd incident list --json) || fail "incident list failed"
expect_eq "$(jq -r --arg t "$TITLE" '[.[] | select(.title == $t)] | length' <<<"$json")" 1 \
	"incidents titled $TITLE"
expect_eq "$(jq -r --arg t "$TITLE" '.[] | select(.title == $t) | "\(.number) \(.type) \(.status)"' <<<"$json")" \
	"$number landslide open" "the saved incident"
# the list shows it (from the top; live.sh: the selection stays put)
keys g
wait_for "$number"

# ---- Esc, y: the typed text is dropped, nothing saved ----
keys a
wait_for "New incident (phone report)"
type_text '不要保存的标题'
wait_for '不要保存的标题'
keys Escape
wait_for "Discard the changes? y/n"
keys y
wait_gone "New incident (phone report)"
expect_screen_lacks '不要保存的标题'
[ -z "$(ls -A "$drafts" 2>/dev/null)" ] || fail "the draft is still there after discarding"
pass
expect_eq "$(dd incident list --json | jq '[.[] | select(.title == "不要保存的标题")] | length')" 0 \
	"a discarded form saves nothing"
