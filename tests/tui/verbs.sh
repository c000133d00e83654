#!/bin/bash
# The console's ':' line is the CLI's verb table: every verb of
# `dutydesk --help` answers `:VERB --help` with its usage; a writing verb
# run from ':' is in the database (the CLI sees it, Chinese and quotes
# intact); a refused one changes nothing and says why on the message line;
# Tab completes a verb, an option and an incident number; `:help VERB`
# shows the options; a verb without options still opens its form.
. "$(dirname "$0")/lib.sh"
make_demo

fingerprint() { sqlite3 "$DB" "SELECT (SELECT count(*) FROM outbox), (SELECT count(*) FROM audit), (SELECT count(*) FROM timeline)"; }
# run TEXT: types a ':' line and Enter
run() {
	keys :
	type_text "$1"
	keys Enter
}

start 100 30
wait_for "sync"

# ---- every verb of the table, by its --help ----
verbs=()
while IFS= read -r name; do
	verbs+=("$name")
done < <("$DUTYDESK" --help | sed -n '/^Commands:/,/^$/p' | sed -n 's/^  \(.\{18\}\).*/\1/p' | sed 's/ *$//')
[ "${#verbs[@]}" -ge 60 ] || fail "only ${#verbs[@]} verbs in dutydesk --help"
pass
for v in "${verbs[@]}"; do
	run "$v --help"
	wait_for "Usage: :$v [OPTIONS]" 5
	keys Escape
	wait_gone "Usage: :$v [OPTIONS]" 5
done
echo "verbs: ${#verbs[@]} verbs answered :VERB --help"

# ---- :help VERB: the options from the table ----
run "help incident note"
wait_for "Usage: :incident note [OPTIONS] N [TEXT]"
expect_screen_has "--kind KIND"
expect_screen_has "--via HOW"
expect_screen_has "--evacuated N"
check_widths
keys Escape

# ---- a writing verb from ':' is in the database ----
N=永和-2026-0001
TEXT='续报：现场 12 人已转移，"东山坡"仍有落石'
before=$(dd incident show "$N" --json | jq '.timeline | length')
run "incident note $N '$TEXT' --kind follow_up --evacuated 12"
wait_for_re "续报[一二三四五六七八九十]+"
show=$(dd incident show "$N" --json)
expect_eq "$(jq '.timeline | length' <<<"$show")" $((before + 1)) "timeline entries after :incident note"
expect_eq "$(jq -r '.timeline[-1].text' <<<"$show")" "$TEXT" "the entry's text, as typed"
expect_eq "$(jq -r '.timeline[-1].kind' <<<"$show")" follow_up "the entry's kind"
expect_eq "$(jq -r '.evacuated' <<<"$show")" 12 "the figure the report changed"

# the console shows it at once: the record, in a view
run "incident show $N"
wait_for "东山坡"
expect_screen_has "number"
check_widths
keys Escape

# ---- a refused verb: its error on the message line, nothing changed ----
fp=$(fingerprint)
run "incident note $N 不该写入 --kind nonsense"
wait_for "incident note: --kind: 'nonsense': expected"
expect_eq "$(fingerprint)" "$fp" "the database after a refused note"
run "stock issue --depot CK-00 --item WZ-0501 --qty 999999"
wait_for "stock issue: "
expect_screen_has "available"
expect_eq "$(fingerprint)" "$fp" "the database after a refused issue"
run "incident note 永和-2099-9999 文本"
wait_for "no such incident"
expect_eq "$(fingerprint)" "$fp" "the database after a note to no incident"

# ---- Tab: a verb, an option, an incident number ----
keys :
type_text "incident no"
keys Tab
wait_for ":incident note"
type_text "--ki"
keys Tab
wait_for ":incident note --kind"
keys Escape
wait_gone ":incident note --kind" # ESC and a key read together are Alt+key
keys :
type_text "incident show 0003"
keys Tab
wait_for ":incident show 永和-2026-0003"
keys Enter
wait_for "永和-2026-0003"
expect_screen_has "title"
keys Escape
wait_gone "title" # ESC and a key read together are Alt+key
# several candidates: listed, and Tab again goes through them
keys :
type_text "hazard show 141032-HP-00"
keys Tab
wait_for "141032-HP-001  141032-HP-002"
keys Tab
wait_for ":hazard show 141032-HP-001"
keys Escape
wait_gone ":hazard show" # ESC and a key read together are Alt+key

# ---- the selected record fills a missing argument; a form without options ----
keys 1
wait_for "永和-2026-0004"
keys g
wait_selected "永和-2026-0004"
run "incident show"
wait_for "打石腰乡乾坤湾村山林起火"
keys Escape
run "incident"
wait_for "New incident (phone report)"
keys Escape
wait_gone "New incident (phone report)"
run "hazard inspect 141032-HP-001"
wait_for "Inspection"
keys Escape
wait_gone "What was seen"
