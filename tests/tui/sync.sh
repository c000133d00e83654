#!/bin/bash
# Background sync in the console: the header says what happened in words,
# and a hub that never answers does not freeze the screen.
. "$(dirname "$0")/lib.sh"
need sqlite3
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
deadline=$((SECONDS + WAIT))
until [ -s "$TMP/bh.port" ]; do
	[ "$SECONDS" -ge "$deadline" ] && fail "the black hole did not write its port within ${WAIT}s"
	sleep 0.05
done
config "http://127.0.0.1:$(cat "$TMP/bh.port")"
start 120 24
# the first sync starts 2 s after the console
wait_for "syncing"
# the sync hangs on the black hole (for minutes: curl's timeout is 300 s);
# the console answers keys meanwhile
keys 1
wait_for "nothing here"
keys 0
wait_gone "nothing here"
expect_screen_has "syncing"
keys q
wait_exit
expect_eq "$EXIT_STATUS" 0 "quit while a sync hangs"
tm kill-session -t "$SESSION" 2>/dev/null

# a hub that is down: the header says so in words
config "http://127.0.0.1:1"
start 120 24
wait_for "cannot reach"
expect_screen_has "never ok"
keys q
wait_exit
expect_eq "$EXIT_STATUS" 0 "quit after a failed sync"
tm kill-session -t "$SESSION" 2>/dev/null

# a hub that answers: last success and what is pending
"$DUTYDESKD" --db "$HUBDB" serve --listen 127.0.0.1:0 2>"$TMP/hub.log" &
HUB_PID=$!
deadline=$((SECONDS + WAIT))
until grep -q '"event":"listening"' "$TMP/hub.log"; do
	kill -0 "$HUB_PID" 2>/dev/null || fail "the hub exited: $(cat "$TMP/hub.log")"
	[ "$SECONDS" -ge "$deadline" ] && fail "the hub did not say it was listening within ${WAIT}s: $(cat "$TMP/hub.log")"
	sleep 0.05
done
port=$(grep '"event":"listening"' "$TMP/hub.log" | jq -r .port)
[[ $port =~ ^[0-9]+$ ]] || fail "no port in the hub's listening line: $(cat "$TMP/hub.log")"
pass
config "http://127.0.0.1:$port"
start 120 24
wait_for "sync ok"
wait_for "0 pending"
dd incident add --title 控制台同步测试 --type flood --township 桑壁镇 >/dev/null 2>&1 || fail "incident add"
wait_for "2 pending"
keys :
type_text sync
keys Enter
wait_for "0 pending"
expect_eq "$(sqlite3 "$HUBDB" "SELECT count(*) FROM oplog WHERE op_id LIKE 'sangbi:%' AND body LIKE '%控制台同步测试%'")" 1 "the incident reached the hub"
check_widths
