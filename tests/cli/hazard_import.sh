#!/bin/bash
# Hazard registers from spreadsheets: a template per kind, GBK and UTF-8
# (BOM, CRLF) files with Chinese or English headers, every bad row named,
# nothing kept unless all are good (or --skip-bad), and a re-import of an
# export changing nothing.
. "$(dirname "$0")/lib.sh"
expect_rc 0 dd demo
D=$TMP/sheets
mkdir -p "$D"

# the template: Chinese headers by default, English on request, no database needed
expect_rc 0 dd --db "$TMP/none.db" hazard template --kind geohazard
expect_eq "$(head -c 3 "$OUT" | od -An -tx1 | tr -d ' ')" efbbbf "template BOM"
expect_out_has "统一编号,名称,类型,乡镇,村"
[ ! -e "$TMP/none.db" ] || fail "the template made a database"
pass
expect_rc 0 dd hazard template --kind fire_unit --english
expect_out_has "code,name,subtype,township,village,address,resp_person"
expect_rc 2 dd hazard template --kind volcano

# a GBK sheet with Chinese headers, one bad row: refused whole, both rows' fate said
printf '统一编号,隐患点名称,灾害类型,乡镇,村,规模,威胁户数,威胁人数,监测员,监测员电话,涉路\r\nGB-001,测试滑坡,滑坡,桑壁镇,辛庄村,小型,3,11,王五,13900000000,否\r\nGB-002,坏行,飞碟,桑壁镇,辛庄村,小型,3,11,王五,13900000001,否\r\nGB-003,坏乡镇,崩塌,不存在镇,,小型,1,2,,,否\r\n' |
	iconv -f UTF-8 -t GBK >"$D/gbk.csv"
db_snapshot
expect_rc 1 dd hazard import "$D/gbk.csv" --kind geohazard
expect_err_has "$D/gbk.csv:3: subtype: '飞碟'"
expect_err_has "$D/gbk.csv:4: township: '不存在镇'"
expect_err_has "nothing was imported"
expect_db_unchanged "a GBK sheet with bad rows"
expect_rc 0 dd hazard import "$D/gbk.csv" --kind geohazard --dry-run --skip-bad
expect_out_has "dry run"
expect_db_unchanged "a dry run"
expect_rc 1 dd hazard import "$D/gbk.csv" --kind geohazard --encoding utf-8
expect_db_unchanged "a GBK sheet read as UTF-8"
expect_rc 0 dd hazard import "$D/gbk.csv" --kind geohazard --skip-bad
expect_out_has "1 new"
expect_err_has "skipped: $D/gbk.csv:3"
expect_rc 0 dd hazard show GB-001 --json
expect_eq "$(json_get .subtype)/$(json_get .people)/$(json_get .monitor)" landslide/11/王五 \
	"the imported point"

# a UTF-8 sheet with a BOM, CRLF and a quoted comma and newline, English headers
printf '\xef\xbb\xbfcode,name,subtype,township,scale,people,notes\r\nU-001,"坡,体",collapse,芝河镇,small,5,"两行\r\n备注"\r\n' >"$D/bom.csv"
expect_rc 0 dd hazard import "$D/bom.csv" --kind geohazard
expect_rc 0 dd hazard show U-001 --json
expect_eq "$(json_get .name)" "坡,体" "a quoted comma"
expect_eq "$(json_get .notes | tr -d '\r')" "$(printf '两行\n备注')" "a quoted newline"

# an export imports back changing nothing; a changed cell changes one record
expect_rc 0 dd hazard export --kind geohazard
cp "$OUT" "$D/geo.csv"
expect_eq "$(($(wc -l <"$D/geo.csv") - 1))" 182 "rows exported (180 + 2 imported)"
db_snapshot
expect_rc 0 dd hazard import "$D/geo.csv" --kind geohazard
expect_out_has "0 new, 0 changed, 182 unchanged"
expect_db_unchanged "re-importing an export"
sed -i 's/^GB-001,测试滑坡,landslide/GB-001,测试滑坡改名,landslide/' "$D/geo.csv"
expect_rc 0 dd hazard import "$D/geo.csv" --kind geohazard
expect_out_has "0 new, 1 changed"
expect_rc 0 dd hazard show GB-001 --json
expect_eq "$(json_get .name)" 测试滑坡改名 "a re-import updates by code"
expect_rc 0 dd stats --json
expect_eq "$(json_get .geohazards.total)" 182 "points after the imports"
expect_rc 0 dd hazard export --kind fire_unit --format json
expect_eq "$(json_get length)" 36 "fire units exported as JSON"
expect_rc 2 dd hazard import "$D/geo.csv" --kind volcano
expect_rc 1 dd hazard import "$D/missing.csv" --kind geohazard
