#!/bin/bash
# County-level reference data: the county depot CK-00 (located in 芝河镇)
# and the county's teams are read by every node and written by the county
# only. 芝河镇's office may neither issue from CK-00 nor rename it: its node
# refuses with the reason before anything is written, and the hub refuses
# the write if it comes anyway. Township records stay in their township.
. "$(dirname "$0")/lib.sh"

three_nodes
enrol potou --township 坡头乡
expect_rc 0 node potou init --node potou --township 坡头乡
start_hub 0
depots() { node "$1" depot list --json >"$OUT" && json_get '[.[].code] | sort | join(" ")'; }
teams() { node "$1" team list --json >"$OUT" && json_get '[.[].code] | sort | join(" ")'; }

cat >"$TMP/depots.csv" <<'EOF'
code,name,level,township,address,keeper,phone,notes
CK-00,永和县救灾物资储备库,county,芝河镇,芝河镇西关社区物资库院内,余金花,18587185838,县级库
CK-01,芝河镇救灾物资储备点,township,芝河镇,芝河镇人民政府院内,彭卫东,13902556108,
CK-02,桑壁镇救灾物资储备点,township,桑壁镇,桑壁镇人民政府院内,廖文斌,18800761254,
EOF
cat >"$TMP/teams.csv" <<'EOF'
code,name,type,size,leader,phone,township,base,equipment
DW-01,永和县消防救援大队,fire_rescue,35,黎平,15630243301,芝河镇,县城西关消防站,消防车4辆
DW-04,芝河镇民兵应急分队,militia,30,张三,13900000004,芝河镇,镇政府,
DW-05,桑壁镇民兵应急分队,militia,30,李四,13900000005,桑壁镇,镇政府,
EOF
expect_rc 0 node county import depots "$TMP/depots.csv"
expect_rc 0 node county import teams "$TMP/teams.csv"
expect_rc 0 node county stock receive --depot CK-00 --item WZ-0101 --qty 100
sync_until county "$HUB_URL"
for n in zhihe sangbi potou; do sync_until $n "$HUB_URL"; done

# ---- every node reads the county's depot and teams; a township's stay its own ----
expect_eq "$(depots sangbi)" "CK-00 CK-02" "depots 桑壁镇 holds"
expect_eq "$(depots potou)" "CK-00" "depots 坡头乡 holds"
expect_eq "$(depots zhihe)" "CK-00 CK-01" "depots 芝河镇 holds"
expect_eq "$(teams potou)" "DW-01" "teams 坡头乡 holds"
expect_eq "$(teams sangbi)" "DW-01 DW-05" "teams 桑壁镇 holds"
node sangbi stock list --json >"$OUT"
expect_true "CK-00's stock reaches 桑壁镇" \
	bash -c "jq -e '[.[] | select(.depot_code == \"CK-00\" or .depot == \"CK-00\")] | length > 0' '$OUT' >/dev/null"

# ---- 芝河镇 may not write it: refused at the node, nothing written ----
db_snapshot "$TMP/zhihe.db"
expect_rc 1 node zhihe stock issue --depot CK-00 --item WZ-0101 --qty 5 --to 芝河镇
expect_err_has "county-level reference data"
printf 'code,name,level,township\nCK-00,芝河镇自己的库,county,芝河镇\n' >"$TMP/rename.csv"
expect_rc 1 node zhihe import depots "$TMP/rename.csv"
expect_err_has "county-level reference data"
printf 'code,name,level,township\nCK-09,芝河镇新库,county,芝河镇\n' >"$TMP/new.csv"
expect_rc 1 node zhihe import depots "$TMP/new.csv"
expect_err_has "county-level reference data"
printf 'code,name,level,township\nCK-01,芝河镇救灾物资储备点,county,芝河镇\n' >"$TMP/promote.csv"
expect_rc 1 node zhihe import depots "$TMP/promote.csv"
expect_err_has "only the county makes a record county-level"
expect_db_unchanged "zhihe after its refused writes" "$TMP/zhihe.db"
# its own depot it writes as before
expect_rc 0 node zhihe stock receive --depot CK-01 --item WZ-0101 --qty 7
sync_until zhihe "$HUB_URL"
expect_true "zhihe's own receipt accepted" bash -c "grep -q 'parked 0' '$TMP/sync.out'"

# a dispatch at 桑壁镇 plans only from depots it may issue from: its own
expect_rc 0 node sangbi stock receive --depot CK-02 --item WZ-0101 --qty 3
expect_rc 0 node sangbi incident add --title 村道塌方 --type landslide --township 桑壁镇 --json
SNUM=$(json_get .number)
expect_rc 1 node sangbi incident dispatch "$SNUM" --items WZ-0101:5
expect_err_has "5 asked, 3 available"
expect_rc 0 node sangbi incident dispatch "$SNUM" --items WZ-0101:2 --json
expect_eq "$(json_get '[.[].depot_code] | unique | join(" ")' 2>/dev/null || jq -r '[.. | .depot_code? // empty] | unique | join(" ")' "$OUT")" CK-02 "the depot 桑壁镇's dispatch came from"
sync_until sangbi "$HUB_URL"

# ---- and the hub refuses it if it comes anyway ----
CK00=$(sqlite3 "$TMP/county.db" "SELECT id FROM depot WHERE code = 'CK-00'")
push_update zhihe 9001 depot "$CK00" '{"name":"芝河镇自己的库"}'
expect_eq "$STATUS" 200 "the raw push's status"
expect_eq "$(json_get '.results[0].status')" forbidden "the hub's answer to 芝河镇 renaming CK-00"
expect_true "the hub says why" \
	bash -c "jq -e '.results[0].message | test(\"CK-00 is county-level reference data\")' '$OUT' >/dev/null"

# ---- the county renames it: every node gets the new name ----
printf 'code,name,level,township\nCK-00,永和县应急物资储备库,county,芝河镇\n' >"$TMP/rename.csv"
expect_rc 0 node county import depots "$TMP/rename.csv"
expect_rc 0 node county stock issue --depot CK-00 --item WZ-0101 --qty 10 --to 坡头乡
sync_until county "$HUB_URL"
for n in zhihe sangbi potou; do sync_until $n "$HUB_URL"; done
node potou depot list --json >"$OUT"
expect_eq "$(json_get '.[] | select(.code == "CK-00") | .name')" 永和县应急物资储备库 "CK-00's name at 坡头乡"
for n in zhihe sangbi potou county; do
	expect_eq "$(node_digest $n)" "$(hub_digest $n)" "$n and the hub agree"
done

# ---- a depot the county makes county-level reaches every township then ----
printf 'code,name,level,township\nCK-02,桑壁镇救灾物资储备点,county,桑壁镇\n' >"$TMP/promote.csv"
expect_rc 0 node county import depots "$TMP/promote.csv"
sync_until county "$HUB_URL"
for n in zhihe sangbi potou; do sync_until $n "$HUB_URL"; done
expect_eq "$(depots potou)" "CK-00 CK-02" "depots 坡头乡 holds once CK-02 is the county's"
for n in zhihe sangbi potou county; do
	expect_eq "$(node_digest $n)" "$(hub_digest $n)" "$n and the hub agree after CK-02 became the county's"
done

# ---- a hub of an older version kept CK-00 as 芝河镇's: set right when it opens ----
expect_rc 0 stop_hub
ZHIHE=$(sqlite3 "$TMP/zhihe.db" "SELECT township_code FROM node")
# CK-00 and its stock movements (the county made them all), in either kind of hub
ROWS=$(sqlite3 "$TMP/county.db" "SELECT group_concat(quote(id), ',') FROM
	(SELECT '$CK00' AS id UNION SELECT id FROM stock_movement WHERE depot_id = '$CK00')")
hub_sql "UPDATE row_scope SET owner = '$ZHIHE' WHERE row_id IN ($ROWS)" >/dev/null
hub_sql "UPDATE oplog SET owner = '$ZHIHE' WHERE row_id IN ($ROWS)" >/dev/null
expect_eq "$(hub_sql "SELECT count(*) FROM row_scope WHERE owner = '$ZHIHE' AND row_id IN ($ROWS)")" \
	"$(echo "$ROWS" | tr ',' '\n' | wc -l)" "CK-00 and its movements made 芝河镇's as an older hub had them"
enrol gedi --township 阁底乡
expect_rc 0 node gedi init --node gedi --township 阁底乡
start_hub 0
sync_until gedi "$HUB_URL"
expect_eq "$(depots gedi)" "CK-00 CK-02" "depots a new township gets from a hub that kept CK-00 as 芝河镇's"
expect_eq "$(node_digest gedi)" "$(hub_digest gedi)" "gedi and the hub agree"

# ---- a second hub process on the same PostgreSQL database: it replays that
# move, holds CK-00 as the county's, and moves nothing a second time ----
if [ "$HUB_KIND" = pg ]; then
	at_exit "kill -9 $HUB_PID"
	RELOGGED=$(hub_sql "SELECT count(*) FROM oplog WHERE op_id LIKE '%>*@%'")
	expect_true "the first process logged CK-00's ops again for every node ($RELOGGED)" \
		test "$RELOGGED" -gt 0
	start_hub 0
	expect_rc 0 node gedi incident add --title 阁底乡测试 --type landslide --township 阁底乡
	sync_until gedi "$HUB_URL"
	expect_true "gedi's incident accepted by the second process" \
		bash -c "grep -q 'parked 0' '$TMP/sync.out'"
	expect_eq "$(hub_sql "SELECT count(*) FROM oplog WHERE op_id LIKE '%>*@%'")" "$RELOGGED" \
		"ops logged again for CK-00 after the second process started"
	expect_eq "$(node_digest gedi)" "$(hub_digest gedi)" "gedi and the second hub process agree"
	expect_eq "$(node_digest zhihe)" "$(hub_digest zhihe)" "zhihe and the second hub process agree"
fi
