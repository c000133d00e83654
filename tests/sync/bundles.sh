#!/bin/bash
# Bundles carried by hand: a hub bundle is taken only signed for the node;
# a bundle from another node only unsigned (only the hub can check a node's
# signature) and only from the node named with --allow-unsigned-from; its op
# ids are not marked seen, so a forged one cannot stop the real op later. A
# damaged count is told in numbers; a revoked node gets no hub bundle.
. "$(dirname "$0")/lib.sh"

# refused DB CMD...: CMD exits 1 and DB stays as it was.
refused() {
	local db=$1
	shift
	db_snapshot "$db"
	expect_rc 1 "$@"
	expect_db_unchanged "refused: $*" "$db"
}

expect_rc 0 hub init
enrol sangbi --township 桑壁镇
enrol county --county
expect_rc 0 node sangbi init --node sangbi --township 桑壁镇
expect_rc 0 node county init --node county --county
expect_rc 0 node sangbi incident add --title 桑壁镇后山滑坡 --type landslide --township 桑壁镇 --json
SB1=$(json_get .number)
NOPS=$(sqlite3 "$TMP/sangbi.db" "SELECT count(*) FROM outbox")
OPID=$(sqlite3 "$TMP/sangbi.db" "SELECT op_id FROM outbox ORDER BY op_seq LIMIT 1")

# ---- node to node: sangbi (with its token) writes an unsigned bundle,
# the county node (with its own) takes it only when it names sangbi ----
expect_rc 0 node sangbi sync --export-bundle "$TMP/sb.bundle" --unsigned --token-file "$TMP/sangbi.token"
expect_out_has "wrote an unsigned bundle"
expect_rc 0 node sangbi sync --export-bundle "$TMP/sb-signed.bundle" --token-file "$TMP/sangbi.token"
expect_out_has "wrote a signed bundle"
refused "$TMP/county.db" node county sync --import-bundle "$TMP/sb.bundle" --token-file "$TMP/county.token"
expect_err_has "--allow-unsigned-from sangbi"
refused "$TMP/county.db" node county sync --import-bundle "$TMP/sb-signed.bundle" \
	--token-file "$TMP/county.token" --allow-unsigned-from sangbi
expect_err_has "only the hub can check"
refused "$TMP/county.db" node county sync --import-bundle "$TMP/sb.bundle" \
	--token-file "$TMP/county.token" --allow-unsigned-from zhihe
expect_err_has "--allow-unsigned-from sangbi"
expect_rc 0 node county sync --import-bundle "$TMP/sb.bundle" --token-file "$TMP/county.token" --allow-unsigned-from sangbi
expect_out_has "pulled $NOPS"
expect_rc 0 node county incident show "$SB1"
expect_out_has 桑壁镇后山滑坡
expect_eq "$(sqlite3 "$TMP/county.db" "SELECT count(*) FROM sync_seen WHERE op_id = '$OPID'")" 0 \
	"op ids from a node's bundle marked seen"

# ---- a forged "from node" bundle at a node with no token: refused unless
# its source is named; taken, it still does not mark the op id seen, and
# the real op from the hub wins ----
expect_rc 0 node county2 init --node county2 --county
jq -c 'if .dutydesk_bundle then . elif .op_id then .fields.title = "伪造的标题" else . end' \
	<(head -n -1 "$TMP/sb.bundle") >"$TMP/forged.body"
printf '{"sha256":"%s"}\n' "$(sha256sum <"$TMP/forged.body" | cut -d' ' -f1)" >"$TMP/forged.tail"
cat "$TMP/forged.body" "$TMP/forged.tail" >"$TMP/forged.bundle"
refused "$TMP/county2.db" node county2 sync --import-bundle "$TMP/forged.bundle"
expect_err_has "anyone could have written it"
LANGUAGE=zh_CN expect_rc 1 node county2 sync --import-bundle "$TMP/forged.bundle"
expect_err_has "未签名数据包，任何人都可能写出它"
# a bundle that claims the hub must carry the hub's signature
jq -c 'if .dutydesk_bundle then .from = "hub" | .node = "county2" else . end' "$TMP/forged.body" >"$TMP/hubforged.body"
printf '{"sha256":"%s"}\n' "$(sha256sum <"$TMP/hubforged.body" | cut -d' ' -f1)" |
	cat "$TMP/hubforged.body" - >"$TMP/hubforged.bundle"
refused "$TMP/county2.db" node county2 sync --import-bundle "$TMP/hubforged.bundle"
expect_err_has "not signed"
expect_rc 0 node county2 sync --import-bundle "$TMP/forged.bundle" --allow-unsigned-from sangbi
expect_eq "$(sqlite3 "$TMP/county2.db" "SELECT count(*) FROM sync_seen WHERE op_id = '$OPID'")" 0 \
	"the forged op id marked seen"
start_hub
sync_until sangbi "$HUB_URL"
enrol county2 --county
sync_until county2 "$HUB_URL"
expect_eq "$(sqlite3 "$TMP/county2.db" "SELECT count(*) FROM sync_seen WHERE op_id = '$OPID'")" 1 \
	"the real op applied from the hub"

# ---- a count that does not match says both numbers ----
awk 'NR == 1 { sub(/"count":[0-9]+/, "\"count\":9") } { print }' "$TMP/sb.bundle" >"$TMP/count.bundle"
expect_rc 1 node county sync --import-bundle "$TMP/count.bundle" --allow-unsigned-from sangbi
expect_err_has "the header says 9 ops, the file holds $NOPS"

# ---- a revoked node gets no bundle from the hub ----
stop_hub
expect_rc 0 hub export-bundle sangbi "$TMP/for-sangbi.bundle"
expect_rc 0 hub node revoke sangbi
expect_rc 1 hub export-bundle sangbi "$TMP/for-revoked.bundle"
expect_err_has "revoked"
expect_true "no bundle written for a revoked node" test ! -e "$TMP/for-revoked.bundle"
