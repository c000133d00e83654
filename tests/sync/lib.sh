# Sourced by every tests/sync/*.sh script: the cli sandbox (../cli/lib.sh)
# plus a hub, nodes and a fault proxy on loopback, all stopped on exit.
# Needs DUTYDESK and DUTYDESKD (paths of the binaries) from meson's test_env.
: "${DUTYDESKD:?DUTYDESKD must name the dutydeskd binary (run through meson test)}"
SYNC_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../cli/lib.sh
. "$SYNC_DIR/../cli/lib.sh"
command -v curl >/dev/null || { echo "curl is required" >&2; exit 77; }

# Real time on the hub and the nodes: the hub refuses ops from the future.
unset DUTYDESK_NOW
# Loopback only: no proxy from the environment.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
HUBDB=$TMP/hub.db
HUB_PID=""
PROXY_PID=""
HUB_PORT=""

_sync_cleanup() {
	[ -n "$PROXY_PID" ] && kill "$PROXY_PID" 2>/dev/null
	[ -n "$HUB_PID" ] && kill -9 "$HUB_PID" 2>/dev/null
	wait 2>/dev/null
	return 0
}
trap 'rc=$?; _sync_cleanup; [ -n "${KEEP_TMP:-}" ] && rm -rf "/tmp/keep-$TEST_NAME" && cp -r "$TMP" "/tmp/keep-$TEST_NAME"; (exit $rc); _finish' EXIT

hub() { "$DUTYDESKD" --db "$HUBDB" "$@"; }

# start_hub [PORT [serve options]]: serves in the background; sets
# HUB_PORT, HUB_URL.
start_hub() {
	local port=${1:-0} i
	shift
	: >"$TMP/hub.start"
	"$DUTYDESKD" --db "$HUBDB" serve --listen "127.0.0.1:$port" "$@" 2>"$TMP/hub.start" &
	HUB_PID=$!
	for ((i = 0; i < 100; i++)); do
		if grep -q '"event":"listening"' "$TMP/hub.start" 2>/dev/null; then
			HUB_PORT=$(grep '"event":"listening"' "$TMP/hub.start" | jq -r .port)
			HUB_URL=http://127.0.0.1:$HUB_PORT
			return 0
		fi
		kill -0 "$HUB_PID" 2>/dev/null || break
		sleep 0.05
	done
	cat "$TMP/hub.start" >&2
	fail "the hub did not start"
}

# The hub's log so far (every start appended).
hub_log() { cat "$TMP"/hub.start; }

stop_hub() {
	kill -TERM "$HUB_PID" && wait "$HUB_PID"
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

# start_proxy [fault options]: sets PROXY_URL.
start_proxy() {
	rm -f "$TMP/proxy.port"
	python3 "$SYNC_DIR/faultproxy.py" --upstream "127.0.0.1:$HUB_PORT" \
		--port-file "$TMP/proxy.port" "$@" 2>>"$TMP/proxy.log" &
	PROXY_PID=$!
	local i
	for ((i = 0; i < 100; i++)); do
		[ -s "$TMP/proxy.port" ] && break
		sleep 0.05
	done
	[ -s "$TMP/proxy.port" ] || fail "the fault proxy did not start"
	PROXY_URL=http://127.0.0.1:$(cat "$TMP/proxy.port")
}

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
	fail "$name did not sync in $tries attempts"
}

# api TOKEN_NAME METHOD PATH [curl args]: a raw request; status in STATUS,
# body in $OUT.
api() {
	local tok=$1 method=$2 path=$3
	shift 3
	local auth=()
	[ -n "$tok" ] && auth=(-H "Authorization: Bearer $(cat "$TMP/$tok.token")")
	LAST_CMD="curl $method $path"
	STATUS=$(curl -s -o "$OUT" -w '%{http_code}' -X "$method" "${auth[@]}" "$@" "$HUB_URL$path")
}

# Tables left out of digest comparisons (space-separated; none by default).
DIGEST_SKIP=${DIGEST_SKIP:-}
_digest_filter() { jq -cS --arg skip "$DIGEST_SKIP" '($skip | split(" ")) as $s | with_entries(select(.key as $k | $s | index($k) | not))'; }
# hub_digest TOKEN_NAME: the hub's digest in that node's scope (compact JSON).
hub_digest() { api "$1" GET /v1/digest && jq -c .digest "$OUT" | _digest_filter; }
# node_digest NAME: the node's own digest (compact JSON).
node_digest() { node "$1" sync --digest | _digest_filter; }
