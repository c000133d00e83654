#!/bin/bash
# The hub's limits: connections per address, idle connections closed after
# --timeout, 503 with Retry-After when too many requests wait (the client
# waits that long), and SIGTERM while a client holds a connection.
. "$(dirname "$0")/lib.sh"

expect_rc 0 hub init
enrol sangbi --township 桑壁镇
expect_rc 0 node sangbi init --node sangbi --township 桑壁镇
start_hub 0 --per-addr 2 --timeout 1 --queue 0

# --queue 0: every request that would wait for the database gets 503
expect_rc 0 curl -sf "$HUB_URL/v1/health"
api sangbi GET "/v1/pull?since=0"
expect_eq "$STATUS" 503 "a request over the queue"
HDR=$(curl -s -D - -o /dev/null -H "Authorization: Bearer $(cat "$TMP/sangbi.token")" "$HUB_URL/v1/pull")
expect_true "503 names Retry-After" grep -qi '^Retry-After: 2' <<<"$HDR"
expect_rc 1 node_sync sangbi
expect_err_has "503"
run timeout 3 "$DUTYDESK" --db "$TMP/sangbi.db" sync --server "$HUB_URL" --token-file "$TMP/sangbi.token"
expect_err_has "retrying in 2.0 s"

# connections per address, and idle ones closed
python3 - "$HUB_PORT" >"$OUT" <<'PY'
import socket, sys, time
port = int(sys.argv[1])
def closed(s, wait):
    s.settimeout(wait)
    try:
        return s.recv(1) == b""
    except socket.timeout:
        return False
    except ConnectionResetError:
        return True
a = socket.create_connection(("127.0.0.1", port))
b = socket.create_connection(("127.0.0.1", port))
time.sleep(0.2)
c = socket.create_connection(("127.0.0.1", port))
print("third refused:", closed(c, 0.5))
print("first open:", not closed(a, 0.1))
# half a request, then silence: the idle timeout ends it
a.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n")
t0 = time.time()
ok = closed(a, 4)
print("idle closed:", ok, "after %.1f s" % (time.time() - t0))
PY
expect_out_has "third refused: True"
expect_out_has "first open: True"
expect_out_has "idle closed: True"

# SIGTERM with a connection held open: the hub still stops, promptly
exec 3<>"/dev/tcp/127.0.0.1/$HUB_PORT"
T0=$(date +%s%N)
expect_rc 0 stop_hub
T1=$(date +%s%N)
exec 3<&-
expect_true "stopped within 5 s ($(((T1 - T0) / 1000000)) ms)" test $(((T1 - T0) / 1000000)) -lt 5000
expect_true "the stop is logged" grep -q '"event":"stopped"' "$TMP/hub.log"
