# Sourced by every tests/cli/*.sh script: a private sandbox and small assertion helpers.
# Needs DUTYDESK (path of the binary) and DUTYDESK_DATA from meson's test_env.
set -u

: "${DUTYDESK:?DUTYDESK must name the dutydesk binary (run through meson test)}"
TEST_NAME=$(basename "$0" .sh)
for _tool in jq sqlite3 python3; do
	command -v "$_tool" >/dev/null || { echo "SKIP [$TEST_NAME] $_tool is not installed"; exit 77; }
done
TMP=$(mktemp -d "${TMPDIR:-/tmp}/dutydesk-cli-$TEST_NAME.XXXXXX") || exit 1
CHECKS=0
OUT=$TMP/stdout
ERR=$TMP/stderr
RC=0
LAST_CMD=""
BG_PIDS=() # helper processes started in the background: ended with the test

# in_child: this is not the script's own shell. bash hands the EXIT trap
# to the child it forks for `cmd &` and keeps it there until the child
# execs cmd: a child killed (SIGTERM) in that window runs the trap. The
# trap then only exits: the cleanup and the verdict are the script's.
in_child() { [ "$BASHPID" != "$$" ]; }
_finish() {
	local rc=$? p
	in_child && exit "$rc"
	for p in "${BG_PIDS[@]}"; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	rm -rf "$TMP"
	if [ "$rc" -eq 0 ]; then
		echo "PASS $TEST_NAME: $CHECKS checks"
	elif [ "$rc" -eq 77 ]; then
		echo "SKIP $TEST_NAME (the reason is above)"
	else
		echo "FAIL $TEST_NAME: $CHECKS checks passed before the failure" >&2
	fi
	exit "$rc"
}
trap _finish EXIT

export HOME=$TMP/home
export XDG_DATA_HOME=$TMP/xdg
export DUTYDESK_DB=$TMP/dutydesk.db
export DUTYDESK_NOW='2026-11-28 18:00'
export DUTYDESK_OFFICER=测试员
unset XDG_CONFIG_HOME XDG_STATE_HOME
mkdir -p "$HOME"
: >"$OUT"
: >"$ERR"

# The binary under test.
dd() { "$DUTYDESK" "$@"; }

_show_last() {
	echo "  command: $LAST_CMD (exit $RC)"
	echo "  --- stdout (first 2000 bytes) ---"
	head -c 2000 "$OUT"
	echo "  --- stderr (first 2000 bytes) ---"
	head -c 2000 "$ERR"
}

# The top-level line of the test script that led here.
_script_line() {
	local i # the outermost frame: the script's own top-level line
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
		_show_last
	} >&2
	exit 1
}

pass() { CHECKS=$((CHECKS + 1)); }

# Runs a command, keeps its stdout/stderr, no check of the exit code.
run() {
	LAST_CMD="$*"
	"$@" >"$OUT" 2>"$ERR"
	RC=$?
}

# expect_rc N cmd... : runs cmd; fails unless it exits with N.
expect_rc() {
	local want=$1
	shift
	run "$@"
	[ "$RC" -eq "$want" ] || fail "expected exit $want, got $RC"
	pass
}

expect_out_has() { grep -qF -- "$1" "$OUT" || fail "stdout lacks '$1'"; pass; }
expect_err_has() { grep -qF -- "$1" "$ERR" || fail "stderr lacks '$1'"; pass; }
expect_out_lacks() { ! grep -qF -- "$1" "$OUT" || fail "stdout unexpectedly has '$1'"; pass; }
expect_err_nonempty() { [ -s "$ERR" ] || fail "expected a message on stderr"; pass; }

# expect_eq ACTUAL EXPECTED WHAT
expect_eq() {
	[ "$1" == "$2" ] || fail "$3: expected '$2', got '$1'"
	pass
}

# expect_true WHAT cmd... : the command (not the binary under test) must succeed.
expect_true() {
	local what=$1
	shift
	"$@" || fail "$what"
	pass
}

# wait_until SECONDS WHAT cmd... : runs cmd (not the binary under test) every
# 0.05 s until it succeeds; fails, naming WHAT, if it has not within SECONDS.
wait_until() {
	local secs=$1 what=$2 end
	shift 2
	end=$((SECONDS + secs))
	until "$@"; do
		[ "$SECONDS" -lt "$end" ] || fail "$what: not within $secs s"
		sleep 0.05
	done
}

# expect_all WHAT ARRAY COND [jq options...] : in the last stdout, ARRAY (a jq
# path; '.' for the whole) is a non-empty array and COND holds for every
# element. An empty array fails: "every row matches" would hold vacuously.
expect_all() {
	local what=$1 arr=$2 cond=$3 got
	shift 3
	got=$(jq -r "$@" "($arr) as \$a | if (\$a | type) != \"array\" then \"not an array\"
		elif (\$a | length) == 0 then \"empty\" elif (\$a | all(.[]; $cond)) then \"ok\" else \"no\" end" "$OUT") ||
		fail "$what: jq failed on: $(head -c 300 "$OUT")"
	case $got in
	ok) pass ;;
	empty) fail "$what: no rows to check (an empty list would pass vacuously)" ;;
	no) fail "$what: not every row: $(jq -c "$@" "[($arr)[] | select(($cond) | not)] | .[0]" "$OUT" | head -c 300)" ;;
	*) fail "$what: $got" ;;
	esac
}

# jq -r FILTER on the last stdout.
json_get() {
	jq -r "$@" "$OUT" || {
		echo "json_get: jq failed on: $(head -c 300 "$OUT")" >&2
		return 1
	}
}

# The database content as SQL text. SQLite's query-planner statistics
# (sqlite_stat*, refreshed by PRAGMA optimize even on read-only runs) are not data.
db_dump() {
	local db=${1:-$DUTYDESK_DB}
	[ -e "$db" ] || { echo "absent"; return; }
	sqlite3 -batch "$db" .dump | grep -v -e 'sqlite_stat' -e '^ANALYZE sqlite_'
}

db_digest() { db_dump "$@" | sha256sum | cut -d' ' -f1; }

# db_snapshot; ...; expect_db_unchanged WHAT : byte-for-byte same content, with a diff if not.
db_snapshot() { db_dump "$@" >"$TMP/snapshot.sql"; }
expect_db_unchanged() {
	db_dump "${2:-$DUTYDESK_DB}" >"$TMP/now.sql"
	cmp -s "$TMP/snapshot.sql" "$TMP/now.sql" ||
		fail "$1: database content changed:
$(diff "$TMP/snapshot.sql" "$TMP/now.sql" | head -20)"
	pass
}

# Display width of stdin's lines, one number per line.
display_width() {
	python3 -c '
import sys, unicodedata
for line in sys.stdin.read().split("\n"):
    print(sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line))'
}
