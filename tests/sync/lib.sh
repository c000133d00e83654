# Sourced by every tests/sync/*.sh script: the cli sandbox (../cli/lib.sh)
# plus a hub, nodes and a fault proxy on loopback, all stopped on exit.
# Needs DUTYDESK and DUTYDESKD (paths of the binaries) from meson's test_env.
: "${DUTYDESKD:?DUTYDESKD must name the dutydeskd binary (run through meson test)}"
SYNC_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# What every script needs, checked before anything runs: a machine without
# it skips the script (exit 77) and says why.
for _tool in jq sqlite3 curl python3; do
	command -v "$_tool" >/dev/null ||
		{ echo "SKIP [$(basename "$0" .sh)] $_tool is not installed"; exit 77; }
done
# shellcheck source=../cli/lib.sh
. "$SYNC_DIR/../cli/lib.sh"

# Real time on the hub and the nodes: the hub refuses ops from the future.
unset DUTYDESK_NOW
# Loopback only: no proxy from the environment.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
HUBDB=$TMP/hub.db
# DUTYDESK_TEST_HUB=pg: the same suite with the hub's store in PostgreSQL
# (a server of its own for the script: tests/sync/pgcluster.sh, stopped on
# every exit path); anything else: the SQLite file above.
HUB_KIND=sqlite
if [ "${DUTYDESK_TEST_HUB:-}" = pg ]; then
	HUB_KIND=pg
	# shellcheck source=pgcluster.sh
	. "$SYNC_DIR/pgcluster.sh"
	pg_usable || { echo "SKIP [$(basename "$0" .sh)] $PG_WHY"; rm -rf "$TMP"; exit 77; }
	trap 'pg_cleanup' EXIT
	pg_start_primary || fail "PostgreSQL: $PG_WHY"
	HUBDB=$(pg_url "$PG_PRIMARY_PORT")
	echo "the hub's store: $HUBDB"
fi
# hub_sql SQL: one query on the hub's database, either kind (the hub's own
# tables: oplog, hub_node, row_scope), '|' between columns.
hub_sql() {
	if [ "$HUB_KIND" = pg ]; then
		pg_sql "$PG_PRIMARY_PORT" "$1"
	else
		sqlite3 "$HUBDB" "$1"
	fi
}
# hub_dump: everything in the hub's database, as text.
hub_dump() {
	if [ "$HUB_KIND" = pg ]; then
		"$PG_BIN/pg_dump" -h 127.0.0.1 -p "$PG_PRIMARY_PORT" -U postgres hub
	else
		sqlite3 "$HUBDB" .dump
	fi
}
# sqlite_hub_only PART: the rest is about the SQLite file itself (its
# materialised records, its integrity, its backups): skipped with a PG hub.
sqlite_hub_only() {
	[ "$HUB_KIND" = sqlite ] && return 0
	skip_part "$1" "about the SQLite hub file; this run's hub is in PostgreSQL"
	return 1
}
HUB_PID=""
PROXY_PID=""
HUB_PORT=""

_AT_EXIT=()
SKIPPED_PARTS=()
# at_exit CMD: run CMD (a string for eval) when the script ends, first.
at_exit() { _AT_EXIT+=("$1"); }
_sync_cleanup() {
	local c
	{
		for c in "${_AT_EXIT[@]}"; do eval "$c"; done
		[ -n "$PROXY_PID" ] && kill "$PROXY_PID"
		[ -n "$HUB_PID" ] && kill -9 "$HUB_PID"
		wait
		[ "$HUB_KIND" = pg ] && pg_cleanup
	} 2>/dev/null # no "Killed" notices
	return 0
}
_sync_exit() {
	local rc=$1
	in_child && exit "$rc" # a child killed before its exec: see in_child
	exec 1>&"$_SYNC_STDOUT" 2>&"$_SYNC_STDERR" # the script's own, even from inside `run`
	_sync_cleanup
	[ -n "${KEEP_TMP:-}" ] && rm -rf "/tmp/keep-$TEST_NAME" && cp -r "$TMP" "/tmp/keep-$TEST_NAME"
	if [ "$rc" -eq 77 ]; then # skipped, and said why: not a failure
		rm -rf "$TMP"
		exit 77
	fi
	[ ${#SKIPPED_PARTS[@]} -gt 0 ] && echo "parts skipped (see SKIP part above): ${SKIPPED_PARTS[*]}"
	(exit "$rc")
	_finish
}
# The script's own stdout and stderr, for failures met inside `run` (which
# sends the command's output to files).
exec {_SYNC_STDERR}>&2 {_SYNC_STDOUT}>&1
trap '_sync_exit $?' EXIT

# skip REASON: this script cannot run here (exit 77 under meson).
skip() {
	echo "SKIP [$TEST_NAME] $*"
	exit 77
}
# skip_part PART REASON: one part of the script cannot run here; the rest
# still runs, and the end of the log names what was left out.
skip_part() {
	echo "SKIP part: $1: $2"
	SKIPPED_PARTS+=("$1")
}

# wait_until SECONDS WHAT CMD...: runs CMD every 0.05 s until it succeeds;
# fails naming WHAT (the condition that never came) after SECONDS. The
# bound is far above what a slow, loaded machine needs: it only ends a
# wait for something that is not going to happen.
wait_until() {
	local secs=$1 what=$2 end
	shift 2
	end=$(($(date +%s%N) + secs * 1000000000))
	until "$@"; do
		(($(date +%s%N) < end)) || fail "never happened within $secs s: $what" 2>&"$_SYNC_STDERR"
		sleep 0.05
	done
}

# The hub's cache (a PostgreSQL hub's) in the script's folder: gone with it.
hub() { TMPDIR=$TMP "$DUTYDESKD" --db "$HUBDB" "$@"; }

_hub_listening() {
	grep -q '"event":"listening"' "$TMP/hub.start" 2>/dev/null && return 0
	if ! kill -0 "$HUB_PID" 2>/dev/null; then
		fail "the hub exited before it listened: $(cat "$TMP/hub.start")" 2>&"$_SYNC_STDERR"
	fi
	return 1
}

# start_hub [PORT [serve options]]: serves in the background on
# HUB_LISTEN_ADDR (127.0.0.1 unless set); sets HUB_PORT, HUB_URL (loopback).
start_hub() {
	local port=${1:-0}
	shift
	: >"$TMP/hub.start"
	TMPDIR=$TMP "$DUTYDESKD" --db "$HUBDB" serve --listen "${HUB_LISTEN_ADDR:-127.0.0.1}:$port" "$@" \
		2>"$TMP/hub.start" &
	HUB_PID=$!
	wait_until 30 "the hub logging \"listening\"" _hub_listening
	HUB_PORT=$(grep '"event":"listening"' "$TMP/hub.start" | jq -r .port)
	HUB_URL=http://127.0.0.1:$HUB_PORT
}

# The hub's log so far (every start appended).
hub_log() { cat "$TMP"/hub.start; }

# exited PID: that child of this shell has ended (gone, or a zombie).
exited() {
	local st
	st=$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)
	[ -z "$st" ] || [ "$st" = Z ]
}
# wait_exit PID SECONDS WHAT: waits (bounded) for that child to end;
# returns its exit status.
wait_exit() {
	# no "Killed" notice from the shell (the caller checks the status);
	# a failure of the wait still reaches the script's stderr
	{
		wait_until "$2" "$3" exited "$1"
		wait "$1"
	} 2>/dev/null
}

stop_hub() {
	kill -TERM "$HUB_PID" || return 1
	wait_exit "$HUB_PID" 60 "the hub ending after SIGTERM"
	local rc=$?
	HUB_PID=""
	cat "$TMP/hub.start" >>"$TMP/hub.log"
	return $rc
}

kill_hub() {
	kill -9 "$HUB_PID" 2>/dev/null
	wait "$HUB_PID" 2>/dev/null
	HUB_PID=""
	cat "$TMP/hub.start" >>"$TMP/hub.log"
}

_proxy_listening() {
	[ -s "$TMP/proxy.port" ] && return 0
	kill -0 "$PROXY_PID" 2>/dev/null ||
		fail "the fault proxy exited: $(tail -5 "$TMP/proxy.log")" 2>&"$_SYNC_STDERR"
	return 1
}

# start_proxy [fault options]: sets PROXY_URL. Holds (--hold-push N) are
# signalled in $TMP/holds (see faultproxy.py).
start_proxy() {
	rm -f "$TMP/proxy.port"
	rm -rf "$TMP/holds"
	mkdir -p "$TMP/holds"
	touch "$TMP/proxy.log"
	PROXY_LOG_FROM=$(($(wc -l <"$TMP/proxy.log") + 1))
	python3 "$SYNC_DIR/faultproxy.py" --upstream "127.0.0.1:$HUB_PORT" \
		--port-file "$TMP/proxy.port" --hold-dir "$TMP/holds" "$@" 2>>"$TMP/proxy.log" &
	PROXY_PID=$!
	wait_until 30 "the fault proxy listening" _proxy_listening
	PROXY_URL=http://127.0.0.1:$(cat "$TMP/proxy.port")
}

# The proxy's log lines since it was last started.
proxy_log() { tail -n "+$PROXY_LOG_FROM" "$TMP/proxy.log"; }
# proxy_pushes_at_least N: N pushes have reached the proxy since it started.
proxy_pushes_at_least() { [ "$(proxy_log | grep -c ' POST /v1/push ')" -ge "$1" ]; }
# held N: push N is held in flight at the hub (faultproxy.py --hold-push N).
held() { [ -e "$TMP/holds/push-$1.held" ]; }
release() { rm -f "$TMP/holds/push-$1.held"; }

stop_proxy() {
	kill "$PROXY_PID" 2>/dev/null
	wait "$PROXY_PID" 2>/dev/null
	PROXY_PID=""
}

# enrol NAME ARGS...: enrols NAME at the hub, its token in $TMP/NAME.token.
enrol() {
	local name=$1
	shift
	hub node add "$name" "$@" >"$TMP/enrol.out" || fail "enrolling $name"
	tail -n 1 "$TMP/enrol.out" >"$TMP/$name.token"
	chmod 600 "$TMP/$name.token"
}

# three_nodes [COUNTY_NAME]: a new hub with sangbi (桑壁镇), zhihe (芝河镇)
# and a county node (county unless named), each enrolled and initialised.
three_nodes() {
	local county=${1:-county}
	expect_rc 0 hub init
	enrol sangbi --township 桑壁镇
	enrol zhihe --township 芝河镇
	enrol "$county" --county
	expect_rc 0 node sangbi init --node sangbi --township 桑壁镇
	expect_rc 0 node zhihe init --node zhihe --township 芝河镇
	expect_rc 0 node "$county" init --node "$county" --county
}

# node NAME ARGS...: dutydesk on NAME's database.
node() {
	local name=$1
	shift
	"$DUTYDESK" --db "$TMP/$name.db" "$@"
}

# node_sync NAME [URL]: one sync attempt.
node_sync() {
	node "$1" sync --once --server "${2:-$HUB_URL}" --token-file "$TMP/$1.token"
}

# sync_until NAME URL [TRIES]: sync --once until it succeeds (a fault may
# strike any attempt); fails after TRIES attempts.
sync_until() {
	local name=$1 url=$2 tries=${3:-40} i
	for ((i = 1; i <= tries; i++)); do
		if node_sync "$name" "$url" >"$TMP/sync.out" 2>"$TMP/sync.err"; then
			SYNC_TRIES=$i
			return 0
		fi
		sleep 0.05
	done
	cat "$TMP/sync.err" >&2
	# the hub's side of the last attempts (a 503 names its cause there)
	[ -n "$HUB_PID" ] && { echo "the hub's log, last lines:"; tail -n 12 "$TMP/hub.start"; } >&2
	fail "$name did not sync in $tries attempts"
}

_retried() { # N PID
	[ "$(grep -c 'retrying in' "$ERR")" -ge "$1" ] && return 0
	exited "$2" && fail "the sync ended instead of retrying: $(tail -3 "$ERR")" 2>&"$_SYNC_STDERR"
	return 1
}
# sync_retrying NAME URL N: NAME's sync without --once (it retries after a
# failure) until its stderr has said "retrying in" N times, then stopped
# with SIGTERM: RC is 143 when it was still retrying; stderr in $ERR.
sync_retrying() {
	local name=$1 url=$2 n=$3 pid
	LAST_CMD="dutydesk sync --server $url, stopped after $n retries"
	# emptied here, not by the child's redirection: until the child has
	# opened them, $ERR holds the last command's "retrying in" lines
	: >"$OUT"
	: >"$ERR"
	"$DUTYDESK" --db "$TMP/$name.db" sync --server "$url" --token-file "$TMP/$name.token" \
		>"$OUT" 2>"$ERR" &
	pid=$!
	wait_until 60 "$name's sync saying 'retrying in' $n times" _retried "$n" "$pid"
	kill -TERM "$pid"
	wait_exit "$pid" 30 "$name's sync ending on SIGTERM"
	RC=$?
}

# api TOKEN_NAME METHOD PATH [curl args]: a raw request; status in STATUS,
# body in $OUT.
api() {
	local tok=$1 method=$2 path=$3
	shift 3
	local auth=()
	[ -n "$tok" ] && auth=(-H "Authorization: Bearer $(cat "$TMP/$tok.token")")
	LAST_CMD="curl $method $path"
	# every request this script makes itself, for a count against the hub's log
	echo "$method ${path%%\?*}" >>"$TMP/requests.made"
	STATUS=$(curl -s -o "$OUT" -w '%{http_code}' -X "$method" "${auth[@]}" "$@" "$HUB_URL$path")
}

# Tables left out of digest comparisons (space-separated; none by default).
DIGEST_SKIP=${DIGEST_SKIP:-}
_digest_filter() { jq -cS --arg skip "$DIGEST_SKIP" '($skip | split(" ")) as $s | with_entries(select(.key as $k | $s | index($k) | not))'; }
# hub_digest TOKEN_NAME: the hub's digest in that node's scope (compact JSON).
hub_digest() { api "$1" GET /v1/digest && jq -c .digest "$OUT" | _digest_filter; }
# node_digest NAME: the node's own digest (compact JSON).
node_digest() { node "$1" sync --digest | _digest_filter; }

# push_update NODE SEQ TABLE ID FIELDS_JSON: NODE's raw push of one update
# (op NODE:SEQ, stamped now; PUSH_KIND=insert: a new row) of the row ID of
# TABLE; STATUS, and the answer in $OUT.
push_update() {
	local hlc
	hlc=$(printf '%012x0000' "$(date +%s%3N)")
	jq -cn --arg n "$1" --arg seq "$2" --arg t "$3" --arg id "$4" --arg hlc "$hlc" \
		--arg kind "${PUSH_KIND:-update}" --argjson f "$5" '{proto: 1, node: $n,
		ops: [{op_id: ($n + ":" + $seq), node: $n, hlc: $hlc, table: $t, id: $id,
		kind: $kind, fields: $f}]}' >"$TMP/push.json"
	api "$1" POST /v1/push -H 'Content-Type: application/json' --data-binary @"$TMP/push.json"
}
# sync_refused NAME URL WHY: one sync of NAME in which the hub refused one of
# its ops, parked at the node, whose status says WHY.
sync_refused() {
	sync_until "$1" "$2"
	expect_true "$1's op is refused and parked" bash -c "grep -q 'parked 1' '$TMP/sync.out'"
	expect_rc 0 node "$1" sync --status
	expect_out_has "$3"
}
