#!/bin/bash
# Resizing in the middle of a form keeps what was typed: bigger, back to
# 80x24, then below the minimum ("too small") and back again.
# (Only the resizes here, no key after them: see resize-keys.sh.)
. "$(dirname "$0")/lib.sh"
make_demo
TITLE='芝河镇城关社区东山坡崩塌续报'

# wait_line N TEXT: screen line N (1-based) contains TEXT.
wait_line() {
	local n=$1 text=$2 deadline=$((SECONDS + WAIT))
	while :; do
		[[ $(screen | sed -n "${n}p") == *"$text"* ]] && { pass; return 0; }
		[ "$SECONDS" -ge "$deadline" ] && break
		sleep 0.05
	done
	fail "line $n did not come to show '$text' within ${WAIT}s"
}

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
HINT="Tab/↓ next field  Enter pick/next  ^S save  Esc cancel"
wait_line 24 "$HINT"

# bigger: repainted at 100x30 (the hint line on row 30), the text is there
resize 100 30
wait_line 30 "$HINT"
wait_for_re "sync: off  [0-9]{2}:[0-9]{2} *\$"
# the header is laid out for 100 columns: its clock ends near the right edge
hw=$(screen | head -1 | python3 -c 'import sys,unicodedata; l=sys.stdin.read().rstrip(); print(sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in l))')
[ "$hw" -ge 98 ] && [ "$hw" -le 100 ] || fail "header is $hw cells wide at 100 columns"
pass
expect_screen_has "$TITLE"
expect_screen_has "崩塌 collapse"
check_widths

# back to 80x24
resize 80 24
wait_line 24 "$HINT"
expect_screen_has "$TITLE"
expect_screen_has "崩塌 collapse"
check_widths

# too small
resize 60 20
wait_for "too small"
wait_for "60x20"
expect_screen_lacks "$TITLE"
check_widths

# back: the form returns with the text
resize 80 24
wait_line 24 "$HINT"
wait_for "New incident (phone report)"
expect_screen_has "$TITLE"
expect_screen_has "崩塌 collapse"
expect_screen_lacks "too small"
check_widths
# the draft still holds it
expect_eq "$(jq -r '.fields.title' "$XDG_STATE_HOME"/dutydesk/drafts/*.json)" "$TITLE" "draft title"
