#!/bin/bash
# Built-in TLS: a county CA signs the hub's certificate; a node that trusts
# the CA (--ca-file) syncs, one that does not is refused by its own client.
. "$(dirname "$0")/lib.sh"
command -v openssl >/dev/null || skip "openssl is not installed (it makes the county CA and the hub's certificate)"

cd "$TMP" || exit 1
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=永和县应急管理局 CA" \
	-keyout ca.key -out ca.pem 2>/dev/null || fail "making the CA"
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout hub.key -out hub.csr 2>/dev/null || fail "making the hub's key"
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >ext.cnf
openssl x509 -req -in hub.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
	-extfile ext.cnf -out hub.pem 2>/dev/null || fail "signing the hub's certificate"
pass

expect_rc 0 hub init
enrol sangbi --township 桑壁镇
expect_rc 0 node sangbi init --node sangbi --township 桑壁镇
expect_rc 0 node sangbi incident add --title 加密链路上的滑坡 --type landslide --township 桑壁镇

start_hub 0 --tls-cert hub.pem --tls-key hub.key
expect_true "the hub says it speaks TLS" grep -q '"tls":true' "$TMP/hub.start"

expect_rc 1 node sangbi sync --once --server "https://localhost:$HUB_PORT" --token-file sangbi.token
expect_err_has "cannot reach"
expect_rc 0 node sangbi sync --status --json
expect_true "the refusal is the certificate's ($(json_get .last_error))" \
	jq -e '.last_error | test("certificate")' "$OUT"
expect_true "the incident is still pending ($(json_get .pending))" jq -e '.pending > 0' "$OUT"
expect_eq "$(hub_sql "SELECT count(*) FROM oplog WHERE node != 'hub'")" 0 "nothing reached the hub without a trusted certificate"
expect_rc 0 node sangbi sync --once --server "https://localhost:$HUB_PORT" --token-file sangbi.token --ca-file ca.pem
expect_out_has "pushed"
expect_rc 0 node sangbi sync --once --server "https://127.0.0.1:$HUB_PORT" --token-file sangbi.token --ca-file ca.pem
expect_rc 1 node sangbi sync --once --server "https://localhost:$HUB_PORT" --token-file sangbi.token --ca-file nothing.pem
expect_err_has "CA file nothing.pem"
# plain http to the TLS port: no answer
expect_rc 1 node sangbi sync --once --server "http://127.0.0.1:$HUB_PORT" --token-file sangbi.token
expect_err_has "cannot reach http://127.0.0.1:$HUB_PORT"
expect_true "the incident is at the hub" test "$(hub_sql "SELECT count(*) FROM oplog WHERE op_id LIKE 'sangbi:%'")" -gt 0
expect_rc 0 stop_hub
