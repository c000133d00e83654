#!/bin/bash
# Background sync in the console: the header says what happened in words,
# and a hub that never answers does not freeze the screen.
. "$(dirname "$0")/lib.sh"
: "${DUTYDESKD:?DUTYDESKD must name the dutydeskd binary (run through meson test)}"
HUB_PID=""
BH_PID=""
_tui_finish() {
	[ -n "$HUB_PID" ] && kill "$HUB_PID" 2>/dev/null && wait "$HUB_PID" 2>/dev/null
	[ -n "$BH_PID" ] && kill "$BH_PID" 2>/dev/null && wait "$BH_PID" 2>/dev/null
	return 0
}
trap 'rc=$?; _tui_finish; (exit $rc); _finish' EXIT
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY

HUBDB=$TMP/hub.db
"$DUTYDESKD" --db "$HUBDB" init >/dev/null || fail "hub init"
"$DUTYDESKD" --db "$HUBDB" node add sangbi --township 桑壁镇 | tail -n 1 >"$TMP/token" || fail "enrol"
dd init --node sangbi --township 桑壁镇 >/dev/null || fail "init"
mkdir -p "$XDG_CONFIG_HOME/dutydesk"
config() {
	cat >"$XDG_CONFIG_HOME/dutydesk/config.yaml" <<YAML
sync:
  server: $1
  token_file: $TMP/token
  every_minutes: 1
YAML
}

# a black hole: accepts connections, never answers
python3 - "$TMP/bh.port" <<'PY' &
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
conns = []
while True:
    c, _ = s.accept(); conns.append(c)
PY
BH_PID=$!
for ((i = 0; i < 50; i++)); do [ -s "$TMP/bh.port" ] && break; sleep 0.05; done
config "http://127.0.0.1:$(cat "$TMP/bh.port")"
start 120 24
wait_for "syncing" 6
# the sync hangs on the black hole; the console answers keys meanwhile
keys 1
wait_for "nothing here" 2
keys 0
wait_gone "nothing here" 2
expect_screen_has "syncing"
keys q
wait_exit 5
expect_eq "$EXIT_STATUS" 0 "quit while a sync hangs"
tm kill-session -t "$SESSION" 2>/dev/null

# a hub that is down: the header says so in words
config "http://127.0.0.1:1"
start 120 24
wait_for "cannot reach" 8
expect_screen_has "never ok"
keys q
wait_exit 5
tm kill-session -t "$SESSION" 2>/dev/null

# a hub that answers: last success and what is pending
"$DUTYDESKD" --db "$HUBDB" serve --listen 127.0.0.1:0 2>"$TMP/hub.log" &
HUB_PID=$!
for ((i = 0; i < 100; i++)); do grep -q listening "$TMP/hub.log" && break; sleep 0.05; done
config "http://127.0.0.1:$(grep '"event":"listening"' "$TMP/hub.log" | jq -r .port)"
start 120 24
wait_for "sync ok" 8
wait_for "0 pending" 3
dd incident add --title 控制台同步测试 --type flood --township 桑壁镇 >/dev/null 2>&1 || fail "incident add"
wait_for "2 pending" 3
keys :
type_text sync
keys Enter
wait_for "0 pending" 8
expect_eq "$(sqlite3 "$HUBDB" "SELECT count(*) FROM oplog WHERE op_id LIKE 'sangbi:%' AND body LIKE '%控制台同步测试%'")" 1 "the incident reached the hub"
check_widths
