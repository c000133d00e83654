#!/bin/bash
# A township's office cannot move its incident to another township from
# the console: the edit form's save is refused with the reason and
# nothing is written (only the county moves records between townships).
. "$(dirname "$0")/lib.sh"
dd init --node sangbi --township 桑壁镇 >/dev/null || fail "init"
dd incident add --title 后山滑坡 --type landslide --township 桑壁镇 >/dev/null || fail "incident add"
NUM=$(dd incident list --json | jq -r '.[0].number')
sqlite3 "$DB" "SELECT count(*) FROM outbox" >"$TMP/before" 2>/dev/null || skip "sqlite3 is not installed"

start 100 30
wait_for "sync"
keys 1
wait_for "$NUM"
keys e
wait_for "Edit incident"
keys Tab Tab Tab
keys Enter
wait_for "坡头乡"
type_text '坡头'
keys Enter
wait_for_re "Township +坡头乡"
keys C-s
wait_for "only the county can move a record between townships"
expect_eq "$(dd incident show "$NUM" --json | jq -r .township_code)" 141032101 \
	"the incident's township after the refused move"
expect_eq "$(sqlite3 "$DB" "SELECT count(*) FROM outbox")" "$(cat "$TMP/before")" "ops queued"
