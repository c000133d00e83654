#!/bin/bash
# The command lines of dutydeskd and dutydesk sync/conflicts: usage errors,
# the token never over plain http to another host, retries with backoff and
# Retry-After, settings from the config file, bundles by hand.
. "$(dirname "$0")/lib.sh"

# ---- dutydeskd ----
expect_rc 0 "$DUTYDESKD" --help
expect_out_has "node add NAME"
expect_rc 0 "$DUTYDESKD" --version
expect_out_has "sync protocol 1"
expect_rc 2 "$DUTYDESKD"
expect_rc 2 hub frobnicate
expect_err_has "unknown command 'frobnicate'"
expect_rc 1 hub node list
expect_err_has "no hub database here"
# A --db written as a URL is never taken for a file: a kind the hub does
# not speak is refused, a PostgreSQL server that is not there is named,
# and neither leaves anything behind in the current folder.
mkdir "$TMP/cwd"
in_cwd() { (cd "$TMP/cwd" && TMPDIR=$TMP "$DUTYDESKD" "$@"); }
for cmd in init "node list" "serve --listen 127.0.0.1:0"; do
	# shellcheck disable=SC2086
	expect_rc 2 in_cwd --db mysql://user@127.0.0.1:3306/hub $cmd
	expect_err_has "mysql://: not a kind of hub database this program speaks"
done
expect_rc 2 in_cwd --db HTTPS://example.org/hub.db init
expect_err_has "HTTPS://: not a kind"
PORT_CLOSED=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
expect_rc 1 in_cwd --db "postgresql://user:secret@127.0.0.1:$PORT_CLOSED/hub" init
expect_err_has "PostgreSQL at 127.0.0.1:$PORT_CLOSED, database hub"
expect_true "the password is not shown" bash -c "! grep -q secret '$ERR'"
expect_rc 1 in_cwd --db "postgres://127.0.0.1:$PORT_CLOSED/hub" node list
expect_err_has "PostgreSQL at 127.0.0.1:$PORT_CLOSED"
expect_eq "$(ls -A "$TMP/cwd")" "" "nothing made in the current folder"
expect_rc 0 hub init
expect_rc 2 hub serve
expect_err_has "--listen ADDR:PORT is required"
expect_rc 2 hub serve --listen nowhere:80
expect_err_has "not an IP address"
expect_rc 2 hub serve --listen 127.0.0.1:99999
expect_err_has "port must be 0 to 65535"
expect_rc 2 hub serve --listen 127.0.0.1:0 --tls-cert /nonexistent
expect_err_has "go together"
expect_rc 1 hub serve --listen 127.0.0.1:0 --tls-cert /nonexistent --tls-key /nonexistent
expect_err_has "--tls-cert /nonexistent"
expect_rc 2 hub node add x
expect_err_has "either --township"
expect_rc 2 hub node add x --township 桑壁镇 --county
expect_rc 2 hub node add x --county --role township
expect_rc 2 hub node add x --township 不存在镇
expect_err_nonempty
expect_rc 2 hub node add 'bad name' --county
expect_rc 1 hub node revoke nobody
expect_err_nonempty
expect_rc 2 hub backup
if [ "$HUB_KIND" = pg ]; then
	# PostgreSQL's own tools back it up and restore it: said, nothing written
	expect_rc 1 hub backup "$TMP/copy.db"
	expect_err_has "backed up with PostgreSQL's own tools"
	expect_true "no copy written" test ! -e "$TMP/copy.db"
	expect_rc 1 hub init
	expect_err_has "exists already"
fi
enrol sangbi --township 桑壁镇
expect_rc 0 hub node add sangbi2 --township 桑壁镇
tail -n 1 "$OUT" >"$TMP/sangbi2.token"
# a second office of one township: told to give it its own incident prefix
expect_err_has "node sangbi serves the same township"
expect_err_has "--prefix"
expect_rc 0 hub node list
expect_out_has "sangbi"
expect_out_has "active"

# ---- dutydesk sync: settings and refusals ----
expect_rc 0 node sangbi init --node sangbi --township 桑壁镇
expect_rc 2 node sangbi sync --token-file "$TMP/sangbi.token"
expect_err_has "no hub"
expect_rc 2 node sangbi sync --server http://127.0.0.1:1
expect_err_has "no token"
expect_rc 1 node sangbi sync --server http://127.0.0.1:1 --token-file "$TMP/nothing"
expect_err_has "token file $TMP/nothing"
expect_rc 2 node sangbi sync --once --server http://hub.example.org:8470 --token-file "$TMP/sangbi.token"
expect_err_has "refusing to send the node's token over plain http to hub.example.org"
expect_rc 2 node sangbi sync --server ftp://127.0.0.1/ --token-file "$TMP/sangbi.token"
expect_rc 2 node sangbi sync --status --export-bundle "$TMP/x"
expect_rc 1 node sangbi sync --once --server http://127.0.0.1:1 --token-file "$TMP/sangbi.token"
expect_err_has "cannot reach http://127.0.0.1:1"
expect_rc 0 node sangbi sync --status --json
expect_true "the failure is recorded" jq -e '.last_error | test("cannot reach")' "$OUT"

# without --once: retries with growing, jittered delays (1 s doubling)
sync_retrying sangbi http://127.0.0.1:1 2
expect_eq "$RC" 143 "still retrying when stopped"
D1=$(grep -o 'retrying in [0-9.]*' "$ERR" | sed -n 1p | grep -o '[0-9.]*$')
D2=$(grep -o 'retrying in [0-9.]*' "$ERR" | sed -n 2p | grep -o '[0-9.]*$')
expect_true "first delay in [0.5, 1] s ($D1)" python3 -c "import sys; sys.exit(not 0.5 <= $D1 <= 1.0)"
expect_true "second delay in [1, 2] s ($D2)" python3 -c "import sys; sys.exit(not 1.0 <= $D2 <= 2.0)"

# a hub that says 503 with Retry-After: 3 is not asked again sooner
# (it notes when each request came)
python3 - "$TMP/busy.port" "$TMP/busy.times" 2>/dev/null <<'PY' &
import http.server, os, sys, time
class H(http.server.BaseHTTPRequestHandler):
    def busy(self):
        with open(sys.argv[2], "a") as f:
            f.write("%.3f\n" % time.monotonic())
        self.send_response(503); self.send_header("Retry-After", "3")
        self.send_header("Content-Type", "application/json"); self.end_headers()
        self.wfile.write(b'{"error":"busy","message":"the hub is busy"}')
    do_GET = do_POST = busy
    def log_message(self, *a): pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
open(sys.argv[1] + ".tmp", "w").write(str(s.server_address[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1]); s.serve_forever()
PY
BUSY_PID=$!
at_exit '[ -n "$BUSY_PID" ] && kill "$BUSY_PID" 2>/dev/null'
wait_until 30 "the busy server writing its port" test -s "$TMP/busy.port"
sync_retrying sangbi "http://127.0.0.1:$(cat "$TMP/busy.port")" 2
expect_eq "$RC" 143 "still retrying when stopped"
kill "$BUSY_PID"
wait "$BUSY_PID" 2>/dev/null
BUSY_PID=""
expect_err_has "503"
expect_eq "$(grep -o 'retrying in [0-9.]* s' "$ERR" | sort -u)" "retrying in 3.0 s" "the client's delays after 503 with Retry-After: 3"
# the second request came no sooner: the server notes the first before it
# answers, the client sleeps after the answer, so the gap is at least the
# delay whatever the load (2.9 s: the printed delay is rounded); the
# client's own backoff would have asked again after 0.5 to 1 s
GAP=$(awk 'NR == 1 {t = $1} NR == 2 {printf "%d", ($1 - t) * 1000}' "$TMP/busy.times")
expect_true "the second request came 3 s after the first (${GAP:-none} ms)" test "${GAP:-0}" -ge 2900

# settings from the config file; flags override them
start_hub
mkdir -p "$TMP/conf"
cat >"$TMP/conf/config.yaml" <<YAML
office: 桑壁镇应急办
sync:
  server: http://127.0.0.1:1
  token_file: $TMP/sangbi.token
  every_minutes: 5
YAML
export DUTYDESK_CONFIG=$TMP/conf/config.yaml
expect_rc 1 node sangbi sync --once
expect_err_has "cannot reach http://127.0.0.1:1"
expect_rc 0 node sangbi sync --once --server "$HUB_URL"
expect_out_has "pushed"
if [ "$HUB_KIND" = pg ]; then
	# The database server away: "try again" (503), not a bad token, and no
	# failed login counted; back, the same hub process answers again.
	_pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/primary" -m fast -w -t 60 stop >/dev/null ||
		fail "stopping PostgreSQL"
	for i in 1 2 3 4 5 6; do
		api sangbi GET "/v1/pull?since=0"
		expect_eq "$STATUS" 503 "a pull while the database server is down ($i)"
	done
	expect_true "it says the database is unavailable" grep -q '"unavailable"' "$OUT"
	_pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/primary" -l "$PG_DIR/primary.log" -w -t 60 start \
		>/dev/null || fail "starting PostgreSQL again"
	api sangbi GET "/v1/pull?since=0"
	expect_eq "$STATUS" 200 "a pull once the database server is back"
	expect_rc 0 node sangbi sync --once --server "$HUB_URL"
fi
# a problem in what sync reads: it refuses, naming the file, line and column
sed -i "s|http://127.0.0.1:1|$HUB_URL|; s|every_minutes: 5|every_minutes: soon|" "$TMP/conf/config.yaml"
expect_rc 1 node sangbi sync --once
expect_err_has "dutydesk sync: $TMP/conf/config.yaml:5:18: sync.every_minutes: expected minutes from 0 to 1440"
expect_rc 1 node sangbi sync --status
expect_err_has "sync.every_minutes: expected minutes from 0 to 1440"
sed -i "s|every_minutes: soon|every_minutes: 5|" "$TMP/conf/config.yaml"
expect_rc 0 node sangbi sync --once
# a sync setting at the top level, where the console used to take it silently
printf 'sync_server: %s\ntoken_file: %s\n' "$HUB_URL" "$TMP/sangbi.token" >"$TMP/conf/config.yaml"
expect_rc 1 node sangbi sync --once
expect_err_has "dutydesk sync: $TMP/conf/config.yaml:1:1: sync_server: belongs under sync:, as server"
printf 'sync:\n  server: %s\n  token: %s\n' "$HUB_URL" "$TMP/sangbi.token" >"$TMP/conf/config.yaml"
expect_rc 1 node sangbi sync --once
expect_err_has "dutydesk sync: $TMP/conf/config.yaml:3:3: sync.token: unknown setting (expected one of server, token_file, ca_file, every_minutes)"
# a problem in a console setting is the console's: sync says so and goes on
printf 'theme: purple\nsync:\n  server: %s\n  token_file: %s\n' "$HUB_URL" "$TMP/sangbi.token" >"$TMP/conf/config.yaml"
expect_rc 0 node sangbi sync --once
expect_err_has "dutydesk sync: warning: $TMP/conf/config.yaml:1:8: theme: expected auto or mono (a console setting: sync goes on)"
expect_out_has "pushed"
unset DUTYDESK_CONFIG
# the same file found through XDG_CONFIG_HOME
mkdir -p "$TMP/xdg/dutydesk"
printf 'sync:\n  server: %s\n  token_file: %s\n' "$HUB_URL" "$TMP/sangbi.token" >"$TMP/xdg/dutydesk/config.yaml"
expect_rc 0 env XDG_CONFIG_HOME="$TMP/xdg" "$DUTYDESK" --db "$TMP/sangbi.db" sync --once
expect_out_has "pushed"

# ---- bundles by hand ----
expect_rc 0 node sangbi incident add --title 断网期间的滑坡 --type landslide --township 桑壁镇
expect_rc 0 node sangbi sync --export-bundle "$TMP/sangbi.bundle" --token-file "$TMP/sangbi.token"
expect_out_has "signed bundle"
expect_rc 0 hub import-bundle "$TMP/sangbi.bundle"
expect_out_has '"applied":'
expect_rc 0 hub import-bundle "$TMP/sangbi.bundle"
expect_true "twice is harmless" grep -q '"applied":0' "$OUT"
sed 's/断网期间的滑坡/篡改的滑坡/' "$TMP/sangbi.bundle" >"$TMP/forged.bundle"
expect_rc 1 hub import-bundle "$TMP/forged.bundle"
expect_err_nonempty
# the hub's bundle for a node without a link, imported there
expect_rc 0 node sangbi2 init --node sangbi2 --township 桑壁镇
expect_rc 0 hub export-bundle sangbi2 "$TMP/for-sangbi2.bundle"
expect_rc 0 node sangbi2 sync --import-bundle "$TMP/for-sangbi2.bundle" --token-file "$TMP/sangbi2.token"
expect_rc 0 node sangbi2 incident list --json
expect_eq "$(json_get '[.[].title] | join(",")')" "断网期间的滑坡" "the bundle carried the incident"
expect_rc 0 node sangbi2 sync --import-bundle "$TMP/for-sangbi2.bundle" --token-file "$TMP/sangbi2.token"
expect_rc 0 node sangbi2 incident list --json
expect_eq "$(json_get 'length')" 1 "a second import adds nothing"
expect_rc 1 node sangbi2 sync --import-bundle "$TMP/for-sangbi2.bundle" --token-file "$TMP/sangbi.token"
expect_err_nonempty

# ---- conflicts, empty ----
expect_rc 0 node sangbi conflicts
expect_out_has "no conflicts to review"
expect_rc 1 node sangbi conflicts resolve 42 --keep
expect_err_has "no such conflict"
expect_rc 2 node sangbi conflicts resolve 42 --keep --take-lost
expect_rc 2 node sangbi conflicts resolve abc --keep
expect_rc 0 stop_hub
