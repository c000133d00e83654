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
expect_err_has "$D/gbk.csv:4: 乡镇: '不存在镇'"
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
# (records, not lines: U-001's notes hold a line break)
expect_eq "$(python3 -c 'import csv, sys; print(len(list(csv.reader(open(sys.argv[1], newline="")))) - 1)' "$D/geo.csv")" \
	182 "rows exported (180 + 2 imported)"
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

# every kind of bad row in one sheet, each named by line and column; nothing kept
printf 'code,name,subtype,township,scale,people,notes\r\nB-001,好行,landslide,桑壁镇,small,5,\r\nB-002,坏数字,landslide,桑壁镇,small,十一,\r\nB-003,负数,landslide,桑壁镇,small,-3,\r\nB-004,乡镇不对,collapse,火星乡,small,2,\r\nB-001,重复编号,collapse,桑壁镇,small,2,\r\nB-005,少一列,collapse,桑壁镇,small\r\nB-006,"引号,逗号",collapse,桑壁镇,small,7,"第一行\r\n第二行"\r\n' >"$D/bad.csv"
db_snapshot
expect_rc 1 dd hazard import "$D/bad.csv" --kind geohazard
expect_err_has "$D/bad.csv:3: people: '十一'"
expect_err_has "$D/bad.csv:4: people: '-3'"
expect_err_has "$D/bad.csv:5: township: '火星乡'"
expect_err_has "$D/bad.csv:6: code: 'B-001': the same code as line 2"
expect_err_has "$D/bad.csv:7: 5 fields, but the header has 7"
expect_err_has "5 bad rows; nothing was imported"
expect_out_lacks "imported"
expect_db_unchanged "a sheet with bad rows"
expect_rc 1 dd hazard import "$D/bad.csv" --kind geohazard --dry-run
expect_err_has "$D/bad.csv:5: township"
expect_rc 0 dd hazard import "$D/bad.csv" --kind geohazard --skip-bad --dry-run
expect_out_has "2 rows good: 2 new"
expect_db_unchanged "dry runs of a bad sheet"
expect_rc 0 dd hazard import "$D/bad.csv" --kind geohazard --skip-bad
expect_out_has "2 new, 0 changed"
expect_out_has "5 bad rows skipped"
expect_rc 0 dd hazard show B-006 --json
expect_eq "$(json_get .name)|$(json_get .notes | tr -d '\r')" "引号,逗号|$(printf '第一行\n第二行')" "quoted comma and newline after bad rows"
expect_rc 0 dd hazard show B-001 --json
expect_eq "$(json_get .name)" 好行 "the first of two rows with one code"

# a GBK sheet as a spreadsheet program saves it (CRLF, Chinese headers,
# 是/否 flags, quoted cells), imported twice: the second time adds no rows
# and queues no sync ops
printf '统一编号,隐患点名称,灾害类型,乡镇,村,规模,威胁户数,威胁人数,涉路,备注\r\nGK-001,后山滑坡,滑坡,坡头乡,,中型,40,130,否,"坡脚有泉水,雨后加大"\r\nGK-002,沟口泥石流,泥石流,坡头乡,,小型,3,9,是,\r\n' |
	iconv -f UTF-8 -t GBK >"$D/gk.csv"
expect_rc 0 dd hazard import "$D/gk.csv" --kind geohazard
expect_out_has "2 new"
expect_rc 0 dd hazard show GK-001 --json
expect_eq "$(json_get '[.name, .subtype, .scale, .people, .danger, .notes] | join(",")')" "后山滑坡,landslide,medium,130,medium,坡脚有泉水,雨后加大" "the GBK row"
rows=$(sqlite3 "$DUTYDESK_DB" "SELECT count(*) FROM hazard")
ops=$(sqlite3 "$DUTYDESK_DB" "SELECT count(*) FROM outbox")
expect_rc 0 dd hazard import "$D/gk.csv" --kind geohazard
expect_out_has "0 new, 0 changed, 2 unchanged"
expect_eq "$(sqlite3 "$DUTYDESK_DB" "SELECT count(*) FROM hazard")" "$rows" "rows after importing the same GBK sheet twice"
expect_eq "$(sqlite3 "$DUTYDESK_DB" "SELECT count(*) FROM outbox")" "$ops" "sync ops after importing the same GBK sheet twice"
# the same sheet as UTF-8 with a BOM and CRLF (the other way spreadsheets save): still nothing new
{ printf '\xef\xbb\xbf'; iconv -f GBK -t UTF-8 "$D/gk.csv"; } >"$D/gk-utf8.csv"
expect_eq "$(head -c 3 "$D/gk-utf8.csv" | od -An -tx1 | tr -d ' ')" efbbbf "the BOM is there"
expect_true "CRLF line ends" grep -q $'\r$' "$D/gk-utf8.csv"
expect_rc 0 dd hazard import "$D/gk-utf8.csv" --kind geohazard
expect_out_has "0 new, 0 changed, 2 unchanged"
expect_eq "$(sqlite3 "$DUTYDESK_DB" "SELECT count(*) FROM outbox")" "$ops" "sync ops after the UTF-8 copy"
