#!/bin/bash
# A province's divisions at its hub (dutydeskd divisions import / list):
# a bad row names file:line and changes nothing; a second import changes
# nothing; node add accepts the imported townships (by name and code)
# and counties (--area).
# Both stores (sync-divisions, sync-pg-divisions); with PostgreSQL a
# running hub process loads an import made by another at its next
# catch-up (its kept cache shows it).
. "$(dirname "$0")/lib.sh"

expect_rc 0 hub init
cat >"$TMP/province.csv" <<'CSV'
# 大宁县 (illustrative codes)
code,name,level,parent_code
141033,大宁县,county,
141033100,昕水镇,township,141033
141033100201,城关村,village,141033100
141033101,曲峨镇,township,141033
CSV
cat >"$TMP/bad.csv" <<'CSV'
code,name,level,parent_code
141034,吉县,county,
141034100,吉昌镇,township,141034
141034101,屯里镇,township,141099
CSV
divisions_under() { hub divisions list --under "$1" --json | jq -r 'map(.code) | join(" ")'; }
if [ "$HUB_KIND" = pg ]; then
	# a process serving since before the import, its cache kept in a folder
	start_hub 0 --cache "$TMP/cache"
	expect_rc 0 hub node add county --county
	tail -n 1 "$OUT" >"$TMP/county.token"
fi

# ---- a bad row: file:line, nothing written ----
expect_rc 1 hub divisions import "$TMP/bad.csv"
expect_err_has "bad.csv:4: parent_code 141099: no such division in the file or at the hub"
expect_rc 1 hub divisions list --under 141034
expect_err_has "no division 141034 at this hub"
printf 'code,name,level,parent_code\n141033100,昕水镇,village,141032101\n' >"$TMP/level.csv"
expect_rc 0 hub divisions import "$TMP/province.csv"
expect_out_has "4 divisions added, 0 changed"
expect_rc 1 hub divisions import "$TMP/level.csv"
expect_err_has "level.csv:2: 141033100 is a township already (昕水镇); a division keeps its level"
printf 'code,name,level\n1,a,county\n' >"$TMP/header.csv"
expect_rc 1 hub divisions import "$TMP/header.csv"
expect_err_has "header.csv:1: the header must be code,name,level,parent_code[,illustrative]"

# ---- imported, listed, again changes nothing ----
expect_eq "$(divisions_under 141033)" "141033 141033100 141033101 141033100201" "divisions under 141033"
expect_rc 0 hub divisions import "$TMP/province.csv"
expect_out_has "0 divisions added, 0 changed (the hub knew them all already)"
expect_rc 0 hub divisions list
expect_out_has "141033100        昕水镇               township   141033"
expect_out_has "141032101        桑壁镇               township   141032"

# ---- node add takes them ----
expect_rc 0 hub node add xinshui --township 昕水镇
expect_out_has "enrolled node xinshui (township, township 昕水镇)"
expect_rc 0 hub node add qu-e --township 141033101
expect_eq "$(hub node list --json | jq -r '.[] | select(.name == "xinshui") | .township')" 141033100 \
	"xinshui's township code"
# ...and a county node of an imported county's area
expect_rc 0 hub node add daning --area 大宁县
expect_out_has "enrolled node daning (county, area 大宁县)"
expect_rc 2 hub node add nowhere --township 141034100
expect_err_has "no such township"

if [ "$HUB_KIND" = pg ]; then
	expect_eq "$(hub_sql "SELECT value FROM hub_meta WHERE key = 'divisions'")" 1 \
		"imports counted (the failed ones and the repeat not)"
	# the running process, at its next catch-up (a digest), loads them
	cached() { sqlite3 "$TMP/cache/cache-0.db" "SELECT name FROM division WHERE code = '$1'"; }
	expect_eq "$(cached 141033100)" "" "the running process's cache before it caught up"
	api county GET /v1/digest
	expect_eq "$STATUS" 200 "the digest's status"
	expect_eq "$(cached 141033100)" 昕水镇 "the running process's cache after it caught up"
	# a changed name reaches it too
	printf 'code,name,level,parent_code\n141033101,曲峨镇新,township,141033\n' >"$TMP/rename.csv"
	expect_rc 0 hub divisions import "$TMP/rename.csv"
	expect_out_has "0 divisions added, 1 changed"
	api county GET /v1/digest
	expect_eq "$(cached 141033101)" 曲峨镇新 "a renamed division in the running process's cache"
	expect_rc 0 stop_hub
fi
