# Sourced by every tests/tui/*.sh script: drives the console in a private
# tmux server and checks what is on the screen.
#
#   start W H [VAR=value...]   opens the console (session $SESSION) at W x H
#   keys KEY...                tmux send-keys (key names: Enter Escape Tab BTab C-s ...)
#   type_text TEXT             sends TEXT literally (send-keys -l), e.g. Chinese
#   screen / screen_joined     the screen as text (capture-pane -p, -pJ)
#   wait_for TEXT [secs]       polls every 50 ms until TEXT is on the screen
#   wait_gone TEXT [secs]      ... until it is not
#   expect_screen_has TEXT     TEXT comes to be on the screen (as wait_for)
#   expect_screen_lacks TEXT   immediate check (use after a wait_for: screens change late)
#   wait_eq WHAT WANT CMD...   polls until CMD's output is WANT
#   selected_line              the highlighted list row (reverse or cyan background)
#   wait_selected TEXT         the highlighted row comes to contain TEXT
#   wait_selection_moves OLD   the highlighted row comes to be other than OLD
#   check_widths               no screen line wider than the terminal
#   wait_exit [secs]           the console process ended; its status in EXIT_STATUS
#   use NAME, resize W H, console_pid, dd ARGS (the CLI on $DB), make_demo
#   known_bug TEXT             skips this script (exit 77) unless DUTYDESK_TUI_KNOWN_BUGS=1
#   skip REASON                skips this script (exit 77), saying why
#   need TOOL...               skips this script unless each TOOL is on PATH
#
# Every wait is bounded: by its SECONDS, else by $WAIT (20 s; the console's
# first screen under the address sanitizer on a loaded machine can take
# seconds, and a wait that is met early costs nothing).
#
# Needs DUTYDESK (the binary) from meson's test_env, and tmux, python3, jq.
set -u

: "${DUTYDESK:?DUTYDESK must name the dutydesk binary (run through meson test)}"
TEST_NAME=$(basename "$0" .sh)
# need TOOL...: each TOOL is on PATH, or this script is skipped, saying so.
need() {
	local tool
	for tool; do
		command -v "$tool" >/dev/null || { echo "SKIP [$TEST_NAME] $tool is not installed"; exit 77; }
	done
}
need tmux python3 jq
WAIT=${DUTYDESK_TUI_WAIT:-20}

TMP=$(mktemp -d "${TMPDIR:-/tmp}/dd-tui-$TEST_NAME.XXXXXX") || exit 1
CHECKS=0
SOCKET="dd-test-$$"
SESSION=main
DB=$TMP/dutydesk.db
WIDTH=80
HEIGHT=24

# Everything the console reads or writes stays in $TMP.
export HOME=$TMP/home
export XDG_CONFIG_HOME=$TMP/config
export XDG_STATE_HOME=$TMP/state
export XDG_DATA_HOME=$TMP/data
export XDG_CACHE_HOME=$TMP/cache
export TMUX_TMPDIR=$TMP
export TZ=Asia/Shanghai
export LANG=C.UTF-8
export LC_ALL=C.UTF-8
export DUTYDESK_OFFICER=测试员
# The console runs on the real clock; no inherited settings or tmux nesting.
unset DUTYDESK_NOW DUTYDESK_DB DUTYDESK_CONFIG LANGUAGE NO_COLOR TMUX TMUX_PANE
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_STATE_HOME" "$XDG_DATA_HOME"

# The server: no status line (the pane is the whole window), dead panes stay
# (so an exit can be seen). (`window-size manual` here crashes tmux 3.3a at
# start; resize-window after new-session fixes the size instead.)
cat >"$TMP/tmux.conf" <<'EOF'
set -g status off
set -g remain-on-exit on
set -g history-limit 100
set -g escape-time 0
EOF

tm() { tmux -L "$SOCKET" -u -f "$TMP/tmux.conf" "$@"; }

_finish() {
	local rc=$?
	# bash keeps this trap in the child it forks for `cmd &` until the child
	# execs cmd: a child killed in that window only exits (tests/cli/lib.sh)
	[ "$BASHPID" = "$$" ] || exit "$rc"
	# SIGHUP to every console, then wait (briefly) for them before removing $TMP.
	local pids
	pids=$(tm list-panes -a -F '#{pane_pid}' 2>/dev/null)
	tm kill-server 2>/dev/null
	local i
	for ((i = 0; i < 40; i++)); do
		local alive=0 p
		for p in $pids; do kill -0 "$p" 2>/dev/null && alive=1; done
		[ "$alive" = 0 ] && break
		sleep 0.05
	done
	# A console that ignores the hang-up (stuck) is ended by its pid.
	for p in $pids; do kill -0 "$p" 2>/dev/null && kill -KILL "$p" 2>/dev/null; done
	rm -rf "$TMP"
	if [ "$rc" -eq 0 ]; then
		echo "PASS $TEST_NAME: $CHECKS checks"
	elif [ "$rc" -ne 77 ]; then # (a skip has said why already)
		echo "FAIL $TEST_NAME: $CHECKS checks passed before the failure" >&2
	fi
	exit "$rc"
}
trap _finish EXIT
trap 'exit 130' INT TERM

# The top-level line of the test script that led here.
_script_line() {
	local i
	for ((i = ${#BASH_SOURCE[@]} - 1; i > 0; i--)); do
		if [[ ${BASH_SOURCE[i]} != *lib.sh ]]; then
			echo "${BASH_SOURCE[i]##*/}:${BASH_LINENO[i - 1]}"
			return
		fi
	done
	echo "?"
}

fail() {
	{
		echo "FAIL [$TEST_NAME] check $((CHECKS + 1)) ($(_script_line)): $*"
		echo "  --- screen of session '$SESSION' ---"
		screen 2>&1 | sed 's/^/  |/'
	} >&2
	exit 1
}

pass() { CHECKS=$((CHECKS + 1)); }

# skip REASON: this script cannot run here (a missing tool or facility).
skip() {
	echo "SKIP [$TEST_NAME] $*"
	exit 77
}

# known_bug WHAT: the rest of this script shows a bug in src/ and would fail.
known_bug() {
	if [ "${DUTYDESK_TUI_KNOWN_BUGS:-0}" != 1 ]; then
		echo "SKIP [$TEST_NAME] known bug (set DUTYDESK_TUI_KNOWN_BUGS=1 to run): $*"
		exit 77
	fi
	echo "[$TEST_NAME] running the test of a known bug: $*"
}

# The demo database (quietly).
make_demo() {
	"$DUTYDESK" --db "$DB" demo >"$TMP/demo.out" 2>&1 || {
		cat "$TMP/demo.out" >&2
		fail "dutydesk demo failed"
	}
}

# dd ARGS...: the CLI on the test database.
dd() { "$DUTYDESK" --db "$DB" "$@"; }

# start W H [VAR=value...]: the console in session $SESSION, W x H cells.
# The pane runs `exec env ... dutydesk`, so the pane's pid is the console's.
start() {
	local w=$1 h=$2
	shift 2
	WIDTH=$w
	HEIGHT=$h
	local cmd="exec env"
	local a
	for a in "$@"; do cmd+=" $(printf '%q' "$a")"; done
	cmd+=" $(printf '%q' "$DUTYDESK") --db $(printf '%q' "$DB")"
	# After kill-session of the last session the server may still be going
	# away ("no server running", "server exited unexpectedly"): try again
	# until it has gone and a new one starts.
	local deadline=$((SECONDS + WAIT))
	until tm new-session -d -s "$SESSION" -x "$w" -y "$h" "$cmd" 2>"$TMP/tmux.err"; do
		[ "$SECONDS" -ge "$deadline" ] &&
			fail "tmux new-session failed for ${WAIT}s: $(cat "$TMP/tmux.err")"
		sleep 0.05
	done
	# The window is exactly W x H even with no client attached.
	tm resize-window -t "$SESSION" -x "$w" -y "$h" 2>/dev/null
}

# use NAME: the session the next helpers talk to.
use() { SESSION=$1; }

resize() {
	WIDTH=$1
	HEIGHT=$2
	tm resize-window -t "$SESSION" -x "$1" -y "$2" || fail "resize-window failed"
}

console_pid() { tm list-panes -t "$SESSION" -F '#{pane_pid}'; }

keys() { tm send-keys -t "$SESSION" "$@" || fail "send-keys $* failed"; }
type_text() { tm send-keys -t "$SESSION" -l -- "$1" || fail "send-keys -l failed"; }

screen() { tm capture-pane -t "$SESSION" -p; }
# Wrapped lines joined: a line written past the right edge shows as a long line.
screen_joined() { tm capture-pane -t "$SESSION" -p -J; }

# wait_for TEXT [SECONDS]: TEXT appears on the screen (fixed string).
wait_for() {
	local text=$1 secs=${2:-$WAIT}
	[ -n "$text" ] || fail "wait_for: no text to wait for (any screen would do)"
	local deadline=$((SECONDS + secs))
	while :; do
		screen 2>/dev/null | grep -qF -- "$text" && { pass; return 0; }
		[ "$SECONDS" -ge "$deadline" ] && break
		sleep 0.05
	done
	fail "'$text' did not appear within ${secs}s"
}

# wait_for_re REGEX [SECONDS]: an extended regex matches a screen line.
wait_for_re() {
	local re=$1 secs=${2:-$WAIT}
	[ -n "$re" ] || fail "wait_for_re: no regex to wait for (any screen would do)"
	local deadline=$((SECONDS + secs))
	while :; do
		screen 2>/dev/null | grep -qE -- "$re" && { pass; return 0; }
		[ "$SECONDS" -ge "$deadline" ] && break
		sleep 0.05
	done
	fail "nothing matching /$re/ appeared within ${secs}s"
}

# wait_gone TEXT [SECONDS]: TEXT leaves the screen.
wait_gone() {
	local text=$1 secs=${2:-$WAIT}
	[ -n "$text" ] || fail "wait_gone: no text to wait for"
	local deadline=$((SECONDS + secs))
	while :; do
		screen 2>/dev/null | grep -qF -- "$text" || { pass; return 0; }
		[ "$SECONDS" -ge "$deadline" ] && break
		sleep 0.05
	done
	fail "'$text' was still on the screen after ${secs}s"
}

# page_to TEXT WHAT: PgDn a page at a time (each page drawn) until TEXT
# shows, at most 8 pages; then waits for it as wait_for does.
page_to() {
	local page before deadline
	for ((page = 0; page < 8; page++)); do
		screen | grep -qF -- "$1" && break
		before=$(screen)
		keys NPage
		deadline=$((SECONDS + WAIT))
		until [ "$(screen)" != "$before" ]; do
			[ "$SECONDS" -lt "$deadline" ] || fail "PgDn did not page $2"
			sleep 0.05
		done
	done
	wait_for "$1"
}
# expect_screen_has TEXT: as wait_for (a screen can be read half drawn).
expect_screen_has() { wait_for "$1"; }
expect_screen_lacks() { ! screen | grep -qF -- "$1" || fail "screen unexpectedly has '$1'"; pass; }

# expect_eq ACTUAL EXPECTED WHAT
expect_eq() {
	[ "$1" == "$2" ] || fail "$3: expected '$2', got '$1'"
	pass
}

# wait_eq WHAT WANT CMD...: the output of CMD comes to be WANT.
wait_eq() {
	local what=$1 want=$2 got=""
	shift 2
	local deadline=$((SECONDS + WAIT))
	while :; do
		got=$("$@" 2>&1)
		[ "$got" == "$want" ] && { pass; return 0; }
		[ "$SECONDS" -ge "$deadline" ] && break
		sleep 0.05
	done
	fail "$what: expected '$want', still '$got' after ${WAIT}s"
}

# expect_contains HAYSTACK NEEDLE WHAT
expect_contains() {
	[[ $1 == *"$2"* ]] || fail "$3: '$1' does not contain '$2'"
	pass
}

# The pane-area line drawn highlighted (selection: reverse video, or the
# cyan background of the colour theme), as plain text; empty if none.
selected_line() {
	tm capture-pane -t "$SESSION" -p -e | python3 -c '
import re, sys
lines = sys.stdin.read().split("\n")
height = int(sys.argv[1])
rev, bg = False, None
tok = re.compile(r"\x1b\[([0-9;:]*)m|\x1b[^m]*?[A-Za-z]|(.)", re.S)
for i, line in enumerate(lines):
    first, text = None, []
    for m in tok.finditer(line):
        if m.group(2) is None:
            if not m.group(0).endswith("m"):
                continue
            ps = [int(p) if p else 0 for p in re.split("[;:]", m.group(1) or "0")]
            k = 0
            while k < len(ps):
                p = ps[k]
                if p == 0: rev, bg = False, None
                elif p == 7: rev = True
                elif p == 27: rev = False
                elif 40 <= p <= 47 or 100 <= p <= 107: bg = p
                elif p == 49: bg = None
                elif p in (38, 48):
                    n = 2 if k + 1 < len(ps) and ps[k + 1] == 5 else 4
                    if p == 48: bg = tuple(ps[k:k + n + 1])
                    k += n
                k += 1
        else:
            if first is None: first = (rev, bg)
            text.append(m.group(2))
    # rows 3 .. height-1 (not the header, the tabs or the hint line)
    if 2 <= i < height - 1 and first and (first[0] or first[1] == 46):
        print("".join(text).rstrip())
        break
' "$HEIGHT"
}

# wait_selected TEXT [SECONDS]: the highlighted row comes to contain TEXT.
wait_selected() {
	local text=$1 secs=${2:-$WAIT}
	[ -n "$text" ] || fail "wait_selected: no text to look for (any row, or none, would do)"
	local deadline=$((SECONDS + secs)) sel=""
	while :; do
		sel=$(selected_line 2>/dev/null)
		[[ $sel == *"$text"* ]] && { pass; return 0; }
		[ "$SECONDS" -ge "$deadline" ] && break
		sleep 0.05
	done
	fail "the selected row did not come to contain '$text' within ${secs}s (selected: '$sel')"
}

# wait_selection_moves OLD [SECONDS]: a row is highlighted, and not OLD
# (what selected_line said before a move); the row is left in SELECTED.
wait_selection_moves() {
	local old=$1 secs=${2:-$WAIT}
	local deadline=$((SECONDS + secs)) sel=""
	while :; do
		sel=$(selected_line 2>/dev/null)
		[ -n "$sel" ] && [ "$sel" != "$old" ] && { SELECTED=$sel; pass; return 0; }
		[ "$SECONDS" -ge "$deadline" ] && break
		sleep 0.05
	done
	fail "the selection did not move from '$old' within ${secs}s (selected: '$sel')"
}

# check_widths: every line of the screen (wrapped lines joined) fits in the
# terminal: display width with East Asian wide/fullwidth characters as 2.
check_widths() {
	local bad
	bad=$(screen_joined | python3 -c '
import sys, unicodedata
w = int(sys.argv[1])
for n, line in enumerate(sys.stdin.read().split("\n"), 1):
    cells = sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)
    if cells > w:
        print("line %d: %d cells > %d: %s" % (n, cells, w, line))
' "$WIDTH")
	[ -z "$bad" ] || fail "screen wider than $WIDTH columns:
$bad"
	local n
	n=$(screen_joined | wc -l)
	[ "$n" -le "$HEIGHT" ] || fail "$n screen lines for a $HEIGHT-line terminal"
	pass
}

# wait_exit [SECONDS]: the console ended; sets EXIT_STATUS.
wait_exit() {
	local secs=${1:-$WAIT}
	local deadline=$((SECONDS + secs)) st=""
	while :; do
		# dead, and reaped: the status (or the signal) is known
		st=$(tm list-panes -t "$SESSION" -F '#{pane_dead}:#{pane_dead_status}:#{pane_dead_signal}' 2>/dev/null)
		if [[ $st == 1:?*:* || $st == 1::?* ]]; then
			EXIT_STATUS=${st#1:}
			EXIT_STATUS=${EXIT_STATUS%%:*}
			[ -n "$EXIT_STATUS" ] || EXIT_STATUS="signal ${st##*:}"
			pass
			return 0
		fi
		# tmux (3.3a) may mark the pane dead on the terminal's EOF and be
		# late reaping the process: a zombie's status is in /proc (field 52).
		if [[ $st == 1:* ]]; then
			local pid zs
			pid=$(console_pid 2>/dev/null)
			zs=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{print $1, $50}')
			if [[ $zs == "Z "* ]]; then
				local code=${zs#Z }
				if [ $((code & 127)) -eq 0 ]; then
					EXIT_STATUS=$(((code >> 8) & 255))
				else
					EXIT_STATUS="signal $((code & 127))"
				fi
				pass
				return 0
			fi
		fi
		[ "$SECONDS" -ge "$deadline" ] && break
		sleep 0.05
	done
	local pid
	pid=$(console_pid 2>/dev/null)
	fail "the console did not exit within ${secs}s (pane: '$st'; process $pid: $(ps -o stat=,wchan:30=,comm= -p "$pid" 2>/dev/null || echo gone))"
}

# start_zh W H [VAR=value...]: start, with the interface in Chinese (the
# catalogue of the build tree), and wait for its first screen.
start_zh() {
	local w=$1 h=$2
	shift 2
	start "$w" "$h" LANGUAGE=zh_CN "DUTYDESK_LOCALEDIR=$(dirname "$DUTYDESK")/../locale" "$@"
	wait_for "值班员: 测试员"
}
