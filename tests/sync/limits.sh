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

# SIGTERM while one request is half uploaded: that request finishes and its
# answer says Connection: close; a new request on another kept-alive
# connection gets 503 "stopping" and commits nothing; the hub exits 0.
start_hub 0
BODY=$(jq -cn --arg epoch "$(curl -s "$HUB_URL/v1/health" | jq -r .hub_epoch)" \
	--argjson schema "$(sqlite3 "$TMP/sangbi.db" "PRAGMA user_version")" \
	'{proto: 1, schema: $schema, node: "sangbi", hub_epoch: $epoch, ops: []}')
python3 - "$HUB_PORT" "$HUB_PID" "$(cat "$TMP/sangbi.token")" "$BODY" >"$OUT" <<'PY'
import os, signal, socket, sys, time
port, pid, token, body = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4].encode()
auth = "Authorization: Bearer %s\r\nHost: x\r\n" % token
def answer(s):
    s.settimeout(5)
    data = b""
    while b"\r\n\r\n" not in data:
        data += s.recv(4096)
    head, rest = data.split(b"\r\n\r\n", 1)
    n = [int(l.split(b":")[1]) for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")][0]
    while len(rest) < n:
        rest += s.recv(4096)
    return head.decode(), rest[:n].decode()
a = socket.create_connection(("127.0.0.1", port))
a.sendall(("POST /v1/push HTTP/1.1\r\n%sContent-Type: application/json\r\n"
           "Content-Length: %d\r\n\r\n" % (auth, len(body))).encode() + body[:10])
b = socket.create_connection(("127.0.0.1", port))
b.sendall(("GET /v1/health HTTP/1.1\r\n%s\r\n" % auth).encode())
head, _ = answer(b)
print("b first:", head.split("\r\n")[0])
time.sleep(0.2)
os.kill(pid, signal.SIGTERM)
time.sleep(0.5)
b.sendall(("GET /v1/pull?since=0 HTTP/1.1\r\n%s\r\n" % auth).encode())
head, text = answer(b)
print("b after TERM:", head.split("\r\n")[0], text)
a.sendall(body[10:])
head, text = answer(a)
print("a finished:", head.split("\r\n")[0])
print("a closes:", "connection: close" in head.lower())
PY
expect_out_has "b first: HTTP/1.1 200"
expect_out_has 'b after TERM: HTTP/1.1 503'
expect_out_has '"error":"stopping"'
expect_out_has "a finished: HTTP/1.1 200"
expect_out_has "a closes: True"
wait "$HUB_PID"
expect_eq "$?" 0 "the hub exits 0 after the stop"
HUB_PID=""
cat "$TMP/hub.start" >>"$TMP/hub.log"
