#!/bin/bash
# A province's offices on one hub: a township of an imported county is
# set up from its token alone (dutydesk init --server --token-file), with
# the hub's divisions and no data folder of its own; a later import at
# the hub (a renamed township) reaches the nodes at their next sync, and
# only then, leaving a node's own divisions as they are (a division keeps
# its level); a node imports its own as the hub does; a refused token or
# an unreachable hub leaves no database.
# Both stores (sync-offices, sync-pg-offices).
. "$(dirname "$0")/lib.sh"

expect_rc 0 hub init
cat >"$TMP/daning.csv" <<'CSV'
code,name,level,parent_code
141030,大宁县,county,
141030100,昕水镇,township,141030
141030101,曲峨镇,township,141030
CSV
expect_rc 0 hub divisions import "$TMP/daning.csv"
enrol xinshui --township 昕水镇
enrol daning --area 大宁县
enrol sangbi --township 桑壁镇
start_hub 0
# GET /v1/divisions requests the hub has answered (logged once answered:
# polled; the exact count once the hub has stopped)
fetches() { hub_log | grep -c '"path":"/v1/divisions"'; }
fetched() { [ "$(fetches)" = "$1" ]; }
town_name() { sqlite3 "$TMP/$1.db" "SELECT name FROM division WHERE code = '$2'"; }

# ---- the shipped data alone does not know the imported county ----
expect_rc 2 node plain init --township 昕水镇
expect_err_has "no such township"

# ---- bad cases: a clear word, no database left behind ----
echo 0123456789abcdef >"$TMP/wrong.token"
chmod 600 "$TMP/wrong.token"
expect_rc 1 node wrong init --server "$HUB_URL" --token-file "$TMP/wrong.token"
expect_err_has "the hub at $HUB_URL refused the token (unknown or revoked)"
expect_true "no database after a refused token" test ! -e "$TMP/wrong.db"
expect_rc 1 env LANG=zh_CN.UTF-8 LC_ALL=zh_CN.UTF-8 "$DUTYDESK" --db "$TMP/wrong.db" init \
	--server "$HUB_URL" --token-file "$TMP/wrong.token"
expect_err_has "拒绝了令牌"
expect_rc 2 node wrong init --server "$HUB_URL" --token-file "$TMP/xinshui.token" --township 桑壁镇
expect_err_has "--server takes the office from the hub"
expect_true "no database after a usage error" test ! -e "$TMP/wrong.db"

# ---- a township of the imported county, from its token ----
expect_rc 0 node xinshui init --server "$HUB_URL" --token-file "$TMP/xinshui.token"
expect_out_has "initialised $TMP/xinshui.db: node xinshui (township 141030100), incident numbers 昕水-YYYY-NNNN"
wait_until 10 "the hub logging init's divisions fetch" fetched 1
expect_rc 0 node xinshui incident add --title 昕水山洪 --type flood --township 昕水镇
# ...and the area's county node: its area's name in its numbers
expect_rc 0 node daning init --server "$HUB_URL" --token-file "$TMP/daning.token"
expect_out_has "node daning (county), incident numbers 大宁-YYYY-NNNN"
# ...and an office of the shipped county, made as ever
expect_rc 0 node sangbi init --node sangbi --township 桑壁镇
expect_eq "$(town_name sangbi 141030100)" "" "the imported township at sangbi before its sync"

for n in xinshui daning sangbi; do sync_until $n "$HUB_URL"; done
wait_until 10 "divisions fetched by the inits and sangbi's first sync" fetched 3
expect_rc 0 node daning incident list --json
expect_eq "$(json_get '[.[] | .title + "@" + .township] | join(" ")')" "昕水山洪@昕水镇" \
	"the township's incident at its county node"
expect_eq "$(town_name sangbi 141030100)" 昕水镇 "the imported township at sangbi after its sync"
# a sync while the hub's divisions stay as they were fetches none (counted below)
for n in xinshui daning sangbi; do sync_until $n "$HUB_URL"; done

# ---- a node's own import: the same checks as the hub's, in its language ----
printf 'code,name,level,parent_code\n141030100201,城关村,village,141030100\n141030102,坡头乡,village,141099\n' \
	>"$TMP/node-bad.csv"
expect_rc 1 node xinshui divisions import "$TMP/node-bad.csv"
expect_err_has "node-bad.csv:3: parent_code 141099: no such division in the file or in this database"
expect_rc 1 env LC_ALL=zh_CN.UTF-8 "$DUTYDESK" --db "$TMP/xinshui.db" divisions import "$TMP/node-bad.csv"
expect_err_has "node-bad.csv:3: parent_code 141099：文件中和本数据库中都没有这个行政区划"
expect_eq "$(town_name xinshui 141030100201)" "" "a village of a refused file at xinshui"
# 坡头乡 here a village of 昕水镇: the hub's township of that code (below)
# leaves it a village
printf 'code,name,level,parent_code\n141030100201,城关村,village,141030100\n141030102,坡头乡,village,141030100\n' \
	>"$TMP/node.csv"
expect_rc 0 node xinshui divisions import "$TMP/node.csv"
expect_out_has "node.csv: 2 divisions added, 0 changed"
expect_rc 0 node xinshui divisions list --under 141030100
expect_out_has "141030100201"
expect_rc 0 node xinshui divisions import "$TMP/node.csv"
expect_out_has "node.csv: 0 divisions added, 0 changed (this database knew them all already)"

# ---- a later import reaches every node at its next sync ----
printf 'code,name,level,parent_code\n141030100,昕水新镇,township,141030\n141030102,坡头乡,township,141030\n' >"$TMP/rename.csv"
expect_rc 0 hub divisions import "$TMP/rename.csv"
expect_out_has "1 divisions added, 1 changed"
expect_eq "$(town_name xinshui 141030100)" 昕水镇 "the township's name at xinshui before its sync"
for n in xinshui daning sangbi; do sync_until $n "$HUB_URL"; done
for n in xinshui daning sangbi; do
	expect_eq "$(town_name $n 141030100)" 昕水新镇 "the renamed township at $n"
done
level() { sqlite3 "$TMP/$1.db" "SELECT level || ' ' || parent_code FROM division WHERE code = '$2'"; }
expect_eq "$(level sangbi 141030102)" "township 141030" "the hub's new township at sangbi"
expect_eq "$(level xinshui 141030102)" "village 141030100" "xinshui's village of the hub's township's code"
expect_eq "$(town_name xinshui 141030100201)" 城关村 "xinshui's own village after the hub's divisions came"
expect_rc 0 node xinshui incident list
expect_out_has "昕水新镇"
expect_rc 0 node xinshui incident add --title 昕水塌方 --type landslide --township 昕水新镇

# ---- the hub down ----
expect_rc 0 stop_hub
expect_eq "$(fetches)" 6 "divisions fetched: by 2 inits, sangbi's first sync, once per node after the import"
expect_rc 1 node late init --server "$HUB_URL" --token-file "$TMP/xinshui.token"
expect_err_has "cannot reach $HUB_URL"
expect_true "no database after an unreachable hub" test ! -e "$TMP/late.db"
