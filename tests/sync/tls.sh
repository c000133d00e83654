#!/bin/bash
# Built-in TLS: a county CA signs the hub's certificate; a node that trusts
# the CA (--ca-file) syncs, one that does not is refused by its own client.
. "$(dirname "$0")/lib.sh"
command -v openssl >/dev/null || { echo "openssl is required" >&2; exit 77; }

cd "$TMP" || exit 1
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=永和县应急管理局 CA" \
	-keyout ca.key -out ca.pem 2>/dev/null || fail "making the CA"
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout hub.key -out hub.csr 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >ext.cnf
openssl x509 -req -in hub.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
	-extfile ext.cnf -out hub.pem 2>/dev/null || fail "signing the hub's certificate"
pass

expect_rc 0 hub init
enrol sangbi --township 桑壁镇
expect_rc 0 node sangbi init --node sangbi --township 桑壁镇
expect_rc 0 node sangbi incident add --title 加密链路上的滑坡 --type landslide --township 桑壁镇

"$DUTYDESKD" --db "$HUBDB" serve --listen 127.0.0.1:0 --tls-cert hub.pem --tls-key hub.key 2>"$TMP/hub.start" &
HUB_PID=$!
for ((i = 0; i < 100; i++)); do
	grep -q '"event":"listening"' "$TMP/hub.start" 2>/dev/null && break
	sleep 0.05
done
HUB_PORT=$(grep '"event":"listening"' "$TMP/hub.start" | jq -r .port)
expect_true "the hub says it speaks TLS" grep -q '"tls":true' "$TMP/hub.start"

expect_rc 1 node sangbi sync --once --server "https://localhost:$HUB_PORT" --token-file sangbi.token
expect_err_has "cannot reach"
expect_rc 0 node sangbi sync --status --json
expect_eq "$(sqlite3 "$HUBDB" "SELECT count(*) FROM oplog WHERE node != 'hub'")" 0 "nothing reached the hub without a trusted certificate"
expect_rc 0 node sangbi sync --once --server "https://localhost:$HUB_PORT" --token-file sangbi.token --ca-file ca.pem
expect_out_has "pushed"
expect_rc 0 node sangbi sync --once --server "https://127.0.0.1:$HUB_PORT" --token-file sangbi.token --ca-file ca.pem
expect_rc 1 node sangbi sync --once --server "https://localhost:$HUB_PORT" --token-file sangbi.token --ca-file nothing.pem
expect_err_has "CA file nothing.pem"
expect_rc 1 node sangbi sync --once --server "http://127.0.0.1:$HUB_PORT" --token-file sangbi.token
expect_true "the incident is at the hub" test "$(sqlite3 "$HUBDB" "SELECT count(*) FROM oplog WHERE op_id LIKE 'sangbi:%'")" -gt 0
expect_rc 0 stop_hub
