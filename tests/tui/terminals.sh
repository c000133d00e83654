#!/bin/bash
# Terminals and settings that must not stop the console:
#  - NO_COLOR=1 on a colour terminal: no colour (and colour without it)
#  - TERM=vt100 with NO_COLOR=1: readable without colour or line drawing;
#    the active tab is marked [ ] in the text, the selection in reverse video
#  - an unknown TERM: starts anyway (as vt100) and says so
#  - a broken config.yaml: starts with the defaults and names the file and
#    the line:column of the problem
. "$(dirname "$0")/lib.sh"
make_demo

# has_colour: the screen's attributes include a foreground or background colour.
has_colour() {
	tm capture-pane -t "$SESSION" -p -e |
		grep -qE $'\e\\[([0-9;]*;)?(3[0-7]|4[0-7]|9[0-7]|10[0-7]|38;5|48;5)(;[0-9;]*)?m'
}
expect_no_colour() { ! has_colour || fail "colours on the screen with $1"; pass; }

# ---- NO_COLOR on a colour terminal: no colour; without it: colour ----
use colour
start 80 24 TERM=screen-256color
wait_for "Geological hazard points 180"
has_colour || fail "no colours with TERM=screen-256color (the colour check sees nothing)"
pass
tm kill-session -t colour
use nocolour
start 80 24 TERM=screen-256color NO_COLOR=1
wait_for "Geological hazard points 180"
keys 1
wait_for "永和-2026-0001"
keys g
wait_selected "永和-2026-0004" # in reverse video
expect_no_colour "NO_COLOR=1"
wait_for "Received↓"
tm kill-session -t nocolour

# ---- vt100, no colour ----
use main
start 80 24 TERM=vt100 NO_COLOR=1
wait_for "[0 Overview]"
wait_for "Geological hazard points 180"
wait_for "sync"
check_widths
keys 1
wait_for "[1 Incidents]"
wait_for "永和-2026-0001"
expect_screen_lacks "[0 Overview]"
# no Unicode arrows on vt100: the sort mark is ASCII
wait_for "Receivedv"
expect_screen_lacks "↓"
keys g
wait_selected "永和-2026-0004"
expect_no_colour "TERM=vt100 NO_COLOR=1"
keys 2
wait_for "[2 Hazards]"
wait_for "141032-HP-001"
check_widths
keys 3
wait_for "[3 Resources]"
wait_for "CK-00"
check_widths
tm kill-session -t main

# ---- an unknown terminal type ----
use unknown
start 80 24 TERM=nonexistent-term
wait_for "unknown terminal type 'nonexistent-term'"
wait_for "[0 Overview]"
wait_for "Geological hazard points 180"
check_widths
keys 1
wait_for "永和-2026-0001"
tm kill-session -t unknown

# ---- a broken config.yaml ----
conf_dir=$TMP/badconfig/dutydesk
mkdir -p "$conf_dir"
# bad_config NAME CONTENT REGEX: the console starts, the hint line names the
# file and where the problem is, and the console works.
bad_config() {
	local name=$1 content=$2 re=$3
	printf '%s' "$content" >"$conf_dir/config.yaml"
	use "$name"
	# 132 columns: the message names the whole path
	start 132 24 XDG_CONFIG_HOME="$TMP/badconfig"
	wait_for "sync"
	wait_for_re "$re"
	local hint
	# (a message longer than the line wraps onto the row above it)
	hint=$(screen | tail -2 | tr -d '\n')
	expect_contains "$hint" "$conf_dir/config.yaml:" "the hint line names the file"
	wait_for "Geological hazard points 180"
	keys 1
	wait_for "永和-2026-0001"
	check_widths
	tm kill-session -t "$name"
}
# not YAML: an unclosed flow sequence (the parser stops at line 3, column 1)
bad_config yaml $'office: 永和县应急管理局\ntheme: [\n' 'config\.yaml:[23]:[0-9]+: .+'
# a setting that does not exist, on line 2
bad_config unknown-setting $'theme: mono\nbogus: 1\n' 'config\.yaml:2:1: bogus: unknown setting'
# a value of the wrong kind
bad_config bad-value $'theme: purple\n' 'config\.yaml:1:8: theme: expected auto or mono'
# a sync setting at the top level: the console no longer takes it silently
bad_config misplaced $'theme: mono\nsync_server: https://hub.example\n' \
	'config\.yaml:2:1: sync_server: belongs under sync:, as server'
# a key name the console does not know, in keys:
bad_config bad-key $'keys:\n  down: "j Dwn"\n' "config\\.yaml:2:9: keys\\.down: unknown key 'Dwn'"
