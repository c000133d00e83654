#!/bin/bash
# Authorization and bad requests against the real hub, with curl: each
# refused with the right status or per-op result, and nothing written.
. "$(dirname "$0")/lib.sh"

expect_rc 0 hub init
enrol sangbi --township 桑壁镇
enrol zhihe --township 芝河镇
enrol county --county
enrol spare --township 桑壁镇
expect_rc 0 node sangbi init --node sangbi --township 桑壁镇
expect_rc 0 node zhihe init --node zhihe --township 芝河镇
expect_rc 0 node zhihe incident add --title 芝河镇民房倒塌 --type collapse --township 芝河镇 --json
start_hub
expect_rc 0 node_sync zhihe
expect_rc 0 node_sync sangbi
# an op of sangbi's own, not yet pushed: the template for forgeries
expect_rc 0 node sangbi incident add --title 桑壁镇滑坡 --type landslide --township 桑壁镇 --json
TEMPLATE=$(sqlite3 "$TMP/sangbi.db" "SELECT body FROM outbox WHERE tbl = 'incident' AND state = 'pending'")
ZHIHE_OP=$(sqlite3 "$TMP/zhihe.db" "SELECT body FROM outbox WHERE tbl = 'incident' AND state = 'acked'")
ZHIHE_ID=$(jq -r .id <<<"$ZHIHE_OP")
SCHEMA=$(sqlite3 "$TMP/sangbi.db" "PRAGMA user_version")
EPOCH=$(curl -s "$HUB_URL/v1/health" | jq -r .hub_epoch)
expect_true "templates found" test -n "$TEMPLATE" -a -n "$ZHIHE_OP" -a -n "$ZHIHE_ID"

# What the hub holds, apart from bookkeeping (last_seen): ops, owners,
# versions, conflicts and every synced row (the county's digest).
hub_db_state() {
	hub_sql "SELECT * FROM oplog ORDER BY server_seq; SELECT * FROM row_scope ORDER BY 1, 2;"
	# the records the SQLite hub holds in its file (a PostgreSQL hub's are
	# in each process's cache: the digest below covers them)
	[ "$HUB_KIND" = sqlite ] || return 0
	hub_sql "SELECT * FROM field_version ORDER BY 1, 2, 3; SELECT count(*) FROM sync_conflict;"
}
hub_state() {
	hub_db_state
	api county GET /v1/digest && jq -cS .digest "$OUT"
}
hub_state >"$TMP/state0"
hub_db_state >"$TMP/dbstate0"
expect_unchanged() {
	hub_state >"$TMP/state1"
	cmp -s "$TMP/state0" "$TMP/state1" || fail "$1: the hub changed: $(diff "$TMP/state0" "$TMP/state1" | head -5)"
	pass
}

# push TOKEN_NAME OPS_JSON: a push body around the ops.
push() {
	jq -cn --arg who "$1" --argjson ops "$2" --arg epoch "$EPOCH" --argjson schema "$SCHEMA" \
		'{proto: 1, schema: $schema, node: $who, hub_epoch: $epoch, ops: $ops}' >"$TMP/body.json"
	api "$1" POST /v1/push -H 'Content-Type: application/json' --data-binary @"$TMP/body.json"
}
# expect_op STATUS WHAT: the first per-op result of the last push.
expect_op() {
	expect_eq "$STATUS" 200 "$2: HTTP status"
	expect_eq "$(jq -r '.results[0].status' "$OUT")" "$1" "$2: per-op status ($(jq -c '.results[0].message' "$OUT"))"
}

# forged owner: sangbi writes a record into zhihe's township
push sangbi "[$(jq -c '.fields.township_code = "141032100" | .id = "01a2ffff-0000-7000-8000-000000000001" | .op_id = "sangbi:90001"' <<<"$TEMPLATE")]"
expect_op forbidden "a record placed in another township"
expect_unchanged "forged owner"

# another township's ids: sangbi updates zhihe's incident
push sangbi "[$(jq -c --arg id "$ZHIHE_ID" '.kind = "update" | .id = $id | .fields = {title: "篡改的标题"} | .op_id = "sangbi:90002"' <<<"$TEMPLATE")]"
expect_op forbidden "an update of another township's record"
expect_unchanged "another township's id"

# forged op id prefix: sangbi's token, zhihe's name on the op
push sangbi "[$(jq -c '.op_id = "zhihe:90003" | .node = "zhihe" | .id = "01a2ffff-0000-7000-8000-000000000003"' <<<"$TEMPLATE")]"
expect_op forbidden "an op id of another node"
expect_unchanged "forged op id prefix"

# replay of zhihe's real op under sangbi's token
push sangbi "[$ZHIHE_OP]"
expect_op forbidden "another node's op replayed under this token"
expect_unchanged "replay under another token"
# a push whose body names another node than the token's: refused whole
jq -c '.node = "zhihe"' "$TMP/body.json" >"$TMP/other.json"
api sangbi POST /v1/push --data-binary @"$TMP/other.json"
expect_eq "$STATUS" 403 "a body naming another node"
expect_unchanged "a body naming another node"

# the same op from its owner is a duplicate, not a second copy
push zhihe "[$ZHIHE_OP]"
expect_op duplicate "a replay by its owner"
expect_unchanged "replay by the owner"

# tokens
api "" POST /v1/push --data-binary @"$TMP/body.json"
expect_eq "$STATUS" 401 "no token"
api "" GET /v1/pull -H "Authorization: Bearer $(cat "$TMP/sangbi.token")x"
expect_eq "$STATUS" 401 "a wrong token"
api "" GET /v1/pull -H "Authorization: Basic c2FuZ2JpOng="
expect_eq "$STATUS" 401 "not a bearer token"
expect_rc 0 hub node revoke spare
api spare GET "/v1/pull?since=0"
expect_eq "$STATUS" 401 "a revoked token"
jq -c '.node = "spare"' "$TMP/body.json" >"$TMP/spare.json"
api spare POST /v1/push --data-binary @"$TMP/spare.json"
expect_eq "$STATUS" 401 "a push with a revoked token"
expect_unchanged "refused tokens"

# bad requests
api sangbi POST /v1/push --data-binary '{"proto":1,"ops":[{"op_id":'
expect_eq "$STATUS" 400 "malformed JSON"
expect_true "the message says where" grep -q "line 1 column" "$OUT"
api sangbi POST /v1/push --data-binary '[1,2]'
expect_eq "$STATUS" 400 "not an object"
python3 -c 'print("{\"proto\":1,\"ops\":" + "["*40 + "]"*40 + "}")' >"$TMP/deep.json"
api sangbi POST /v1/push --data-binary @"$TMP/deep.json"
expect_eq "$STATUS" 400 "JSON nested 41 deep"
expect_true "the message names the limit" grep -q "deeper than 32" "$OUT"
python3 -c 'print("{\"proto\":1,\"ops\":[], \"pad\":\"" + "x"*(1100*1024) + "\"}")' >"$TMP/big.json"
api sangbi POST /v1/push --data-binary @"$TMP/big.json"
expect_eq "$STATUS" 413 "a body over 1 MiB"
gzip -c "$TMP/big.json" >"$TMP/big.json.gz"
api sangbi POST /v1/push -H 'Content-Encoding: gzip' --data-binary @"$TMP/big.json.gz"
expect_eq "$STATUS" 413 "a gzip body over 1 MiB once inflated ($(stat -c %s "$TMP/big.json.gz") bytes on the wire)"
printf 'not gzip' >"$TMP/bad.gz"
api sangbi POST /v1/push -H 'Content-Encoding: gzip' --data-binary @"$TMP/bad.gz"
expect_eq "$STATUS" 400 "a corrupt gzip body"
api sangbi POST /v1/push -H 'Content-Encoding: br' --data-binary @"$TMP/body.json"
expect_eq "$STATUS" 415 "an unknown encoding"
api sangbi POST /v1/push -H 'Dutydesk-Proto: 2' --data-binary @"$TMP/body.json"
expect_eq "$STATUS" 426 "another protocol version"
jq -c '.proto = 7' "$TMP/body.json" >"$TMP/p7.json"
api sangbi POST /v1/push --data-binary @"$TMP/p7.json"
expect_eq "$STATUS" 426 "proto 7 in the body"
api sangbi GET /v1/push
expect_eq "$STATUS" 405 "GET on push"
expect_true "Allow is named" bash -c "curl -sI '$HUB_URL/v1/push' | grep -qi '^Allow: POST'"
api sangbi DELETE /v1/pull
expect_eq "$STATUS" 405 "DELETE on pull"
api sangbi GET /v2/pull
expect_eq "$STATUS" 404 "an unknown path"
api sangbi GET "/v1/pull?since=-1"
expect_eq "$STATUS" 400 "a negative cursor"
api sangbi GET "/v1/pull?limit=0"
expect_eq "$STATUS" 400 "limit 0"
expect_unchanged "bad requests"

# too many failed logins from one address: 429 with Retry-After
for i in $(seq 1 25); do
	api "" GET /v1/pull -H "Authorization: Bearer wrong$i"
done
expect_eq "$STATUS" 429 "after many failed logins"
HDR=$(curl -s -D - -o /dev/null -H "Authorization: Bearer $(cat "$TMP/sangbi.token")" "$HUB_URL/v1/pull")
expect_true "429 names Retry-After" grep -qi '^Retry-After: [0-9]' <<<"$HDR"
hub_db_state >"$TMP/dbstate1"
expect_true "nothing written at the end" cmp -s "$TMP/dbstate0" "$TMP/dbstate1"

# the log never holds a token, even a wrong one
stop_hub
for n in sangbi zhihe county spare; do
	expect_true "no token of $n in the log" bash -c "! grep -qF '$(cat "$TMP/$n.token")' '$TMP/hub.log'"
done
expect_true "no wrong token in the log" bash -c "! grep -q 'wrong1' '$TMP/hub.log'"
