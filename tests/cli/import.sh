#!/usr/bin/env bash
# export KIND | import KIND FILE: round trips, updates by code, every bad row
# reported and nothing kept, dry runs, spreadsheet files.
. "$(dirname "$0")/lib.sh"

expect_rc 0 dd demo
D=$TMP/csv
mkdir -p "$D"

# starts_with_bom FILE; crlf_only FILE: every line ends in CR LF.
starts_with_bom() { [ "$(head -c 3 "$1" | od -An -tx1 | tr -d ' ')" = efbbbf ]; }
crlf_only() { ! grep -qv $'\r$' "$1"; }
phone_of() { # team code -> phone in team list
	run dd team list --json
	[ "$RC" -eq 0 ] || fail "team list"
	json_get --arg c "$1" '.[] | select(.code == $c) | .phone'
}

# ---- export, then import the same file: nothing changes ----
declare -A ROWS=([teams]=11 [depots]=7 [items]=41 [experts]=12 [stock]=225)
for kind in teams depots items experts stock; do
	expect_rc 0 dd export "$kind"
	cp "$OUT" "$D/$kind.csv"
	expect_true "export $kind starts with a UTF-8 BOM" starts_with_bom "$D/$kind.csv"
	expect_true "export $kind ends every line with CR LF" crlf_only "$D/$kind.csv"
	expect_eq "$(($(wc -l <"$D/$kind.csv") - 1))" "${ROWS[$kind]}" "rows in export $kind"
done
expect_eq "$(head -1 "$D/teams.csv" | tr -d '\r' | sed 's/^\xef\xbb\xbf//' | cut -d, -f1-9)" \
	code,name,type,size,leader,phone,township,base,equipment "export teams header"
grep -q '^CK-02,桑壁镇救灾物资储备点,township,桑壁镇,' "$D/depots.csv" || fail "export depots: CK-02's row"
pass

for kind in teams depots items experts; do
	db_snapshot
	expect_rc 0 dd import "$kind" "$D/$kind.csv"
	expect_out_has "${ROWS[$kind]} rows imported: 0 new, 0 changed, ${ROWS[$kind]} unchanged"
	expect_db_unchanged "re-importing export $kind"
done
db_snapshot
expect_rc 0 dd import stock "$D/stock.csv" --dry-run
expect_out_has "225 rows good"
expect_db_unchanged "a dry run of export stock"
# Stock on hand exports as receipts (for a new database): importing them into
# the same database receives them again, as documented; the lots double.
expect_rc 0 dd import stock "$D/stock.csv"
expect_out_has "225 new"

# ---- a changed row updates the record, a new row adds one ----
sed 's/^DW-05,\(.*\),13891976201,/DW-05,\1,13900000055,/' "$D/teams.csv" >"$D/teams-phone.csv"
expect_eq "$(diff "$D/teams.csv" "$D/teams-phone.csv" | grep -c '^>')" 1 "one line changed in the test file"
db_snapshot
expect_rc 0 dd import teams "$D/teams-phone.csv" --dry-run
expect_out_has "0 new, 1 changed"
expect_out_has "dry run"
expect_db_unchanged "a dry run with a changed row"
expect_rc 0 dd import teams "$D/teams-phone.csv"
expect_out_has "11 rows imported: 0 new, 1 changed, 10 unchanged"
expect_eq "$(phone_of DW-05)" 13900000055 "the new phone in team list"
expect_eq "$(phone_of DW-04)" 18344052750 "another team's phone is untouched"
expect_eq "$(sqlite3 "$DUTYDESK_DB" "SELECT count(*) FROM team")" 11 "teams after the update"
db_snapshot
expect_rc 0 dd import teams "$D/teams-phone.csv"
expect_out_has "0 new, 0 changed"
expect_db_unchanged "importing the changed file twice"

printf 'code,name,type,size,leader,phone,township,base,equipment\r\nDW-12,阁底乡志愿服务队,volunteer,12,王强,13800000012,阁底乡,阁底乡政府,对讲机\r\n' \
	>"$D/teams-new.csv"
expect_rc 0 dd import teams "$D/teams-new.csv"
expect_out_has "1 rows imported: 1 new, 0 changed"
expect_rc 0 dd team list --json
expect_eq "$(json_get -c '.[] | select(.code == "DW-12") | [.name, .type, .size, .township, .phone]')" \
	'["阁底乡志愿服务队","volunteer",12,"阁底乡","13800000012"]' "the new team"
expect_eq "$(json_get length)" 12 "teams after the new row"

# ---- bad rows: every one reported, nothing kept ----
cat >"$D/bad.csv" <<'EOF'
code,name,type,size,leader,phone,township,base,equipment
DW-20,甲队,spaceship,10,张三,13800000020,桑壁镇,,
DW-21,,militia,10,张三,13800000021,桑壁镇,,
DW-22,乙队,militia,abc,张三,13800000022,桑壁镇,,
DW-23,丙队,militia,10,张三,13800000023,不存在镇,,
DW-24,丁队,militia,10,张三,13800000024,桑壁镇,"桑壁镇政府,后院
二号库",铁锹
DW-25,戊队,militia,-5,张三,13800000025,桑壁镇,,
DW-05,桑壁镇民兵应急分队,militia,25,常俊杰,13900099999,桑壁镇,,
EOF
db_snapshot
expect_rc 1 dd import teams "$D/bad.csv"
expect_err_has "$D/bad.csv:2: type: 'spaceship'"
expect_err_has "$D/bad.csv:3: name"
expect_err_has "$D/bad.csv:4: size: 'abc'"
expect_err_has "$D/bad.csv:5: township"
expect_err_has "不存在镇"
expect_err_has "$D/bad.csv:5: township: '不存在镇'"
expect_err_has "$D/bad.csv:8: size: '-5'" # line numbers count the quoted newline
expect_eq "$(grep -c 'bad.csv:' "$ERR")" 5 "exactly the five bad rows are reported"
expect_eq "$(grep -c -e 'bad.csv:6' -e 'bad.csv:7' -e 'bad.csv:9' "$ERR")" 0 \
	"the good rows (quoted comma and newline; a changed phone) are not reported"
expect_err_has "5 bad rows; nothing was imported"
expect_db_unchanged "an import with bad rows"
expect_eq "$(phone_of DW-05)" 13900000055 "the good row of a bad file is not kept"
expect_rc 1 dd import teams "$D/bad.csv" --dry-run
expect_err_has "$D/bad.csv:2: type"
expect_err_has "$D/bad.csv:8: size"
expect_eq "$(grep -c 'bad.csv:' "$ERR")" 5 "a dry run reports the same rows"
expect_out_lacks "rows good"
expect_db_unchanged "a dry run of a file with bad rows"

# the good row with the quoted comma and newline, on its own, imports as is
sed -n '1p;6,7p' "$D/bad.csv" >"$D/quoted.csv"
expect_rc 0 dd import teams "$D/quoted.csv"
expect_out_has "1 new"
expect_rc 0 dd team list --json
expect_eq "$(json_get '.[] | select(.code == "DW-24") | .base')" "$(printf '桑壁镇政府,后院\n二号库')" \
	"a quoted field keeps its comma and newline"

# ---- usage and file errors ----
db_snapshot
expect_rc 2 dd import widgets "$D/teams.csv"
expect_err_has widgets
expect_rc 2 dd export widgets
expect_rc 2 dd export teams --format xml
expect_rc 1 dd import teams "$D/no-such-file.csv"
expect_err_has no-such-file.csv
expect_rc 2 dd import teams
: >"$D/empty.csv"
expect_rc 1 dd import teams "$D/empty.csv"
expect_err_has "empty file"
printf 'code,name,colour\nDW-30,x,red\n' >"$D/unknown-col.csv"
expect_rc 1 dd import teams "$D/unknown-col.csv"
expect_err_has "unknown columns for team: 'colour'"
expect_db_unchanged "failed imports"

# ---- a file saved by a spreadsheet: BOM, CR LF, every field quoted ----
{
	printf '\xef\xbb\xbf"code","name","type","size","leader","phone","township","base","equipment"\r\n'
	printf '"DW-31","南庄乡""青年""突击队","社会志愿者队伍","18","赵六","13811112222","南庄乡","南庄乡政府, 二楼","铁锹、编织袋\r\n救生衣"\r\n'
	printf '"DW-32","阁底乡巡查队","militia","8","","","阁底","",""\r\n'
	printf '"DW-01","永和县消防救援大队","fire_rescue","36","黎平","15630243301","芝河镇","县城西关消防站","消防车4辆、抢险救援车1辆、破拆工具组、照明车"\r\n'
} >"$D/sheet.csv"
expect_rc 0 dd import teams "$D/sheet.csv"
expect_out_has "3 rows imported: 2 new, 1 changed, 0 unchanged"
expect_rc 0 dd team list --json
expect_eq "$(json_get -c '.[] | select(.code == "DW-31") | [.name, .type, .size, .township, .base]')" \
	'["南庄乡\"青年\"突击队","volunteer",18,"南庄乡","南庄乡政府, 二楼"]' "the spreadsheet's first row"
expect_eq "$(json_get -c '.[] | select(.code == "DW-32") | [.type, .township, .leader]')" \
	'["militia","阁底乡",null]' "the spreadsheet's second row (empty fields are empty)"
expect_eq "$(json_get '.[] | select(.code == "DW-01") | .size')" 36 "the spreadsheet's update"
# and what was imported exports and re-imports unchanged
expect_rc 0 dd export teams
cp "$OUT" "$D/teams2.csv"
db_snapshot
expect_rc 0 dd import teams "$D/teams2.csv"
expect_out_has "0 new, 0 changed"
expect_db_unchanged "re-importing after the spreadsheet import"

# experts and depots by hand: a change and a new row each
sed 's/^ZJ-09,梁桂兰,structural,县住房和城乡建设局,15835034659,/ZJ-09,梁桂兰,structural,县住房和城乡建设局,13000000009,/' \
	"$D/experts.csv" >"$D/experts2.csv"
printf 'ZJ-13,范明,geology,县自然资源局,13000000013,桑壁镇\r\n' >>"$D/experts2.csv"
expect_rc 0 dd import experts "$D/experts2.csv"
expect_out_has "13 rows imported: 1 new, 1 changed, 11 unchanged"
expect_rc 0 dd expert list --field geology --township 桑壁镇 --json
expect_eq "$(json_get '.[0].code')" ZJ-13 "the new 桑壁镇 geologist first"
expect_rc 0 dd expert list --json
expect_eq "$(json_get '.[] | select(.code == "ZJ-09") | .phone')" 13000000009 "the expert's new phone"
printf 'code,name,level,township\nCK-07,芝河镇第二储备点,乡镇,芝河镇\nCK-08,坏库,province,芝河镇\n' >"$D/depots2.csv"
db_snapshot
expect_rc 1 dd import depots "$D/depots2.csv"
expect_err_has "depots2.csv:3: level: 'province'"
expect_db_unchanged "a depots file with a bad level"
