#!/bin/bash
# Registers as clerks keep them: an .xlsx (sheets, merged cells, dates by
# style) and CSVs in UTF-16 or TSV, a title and a units row around the
# header, totals and empty rows skipped and said, cells normalised and each
# kind of change counted, every error at the sheet's own header, and
# updates that change nothing they should not.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || { echo "SKIP: python3 makes the workbooks"; exit 77; }
MK="$(dirname "$0")/mkxlsx.py"
expect_rc 0 dd demo
D=$TMP/sheets
mkdir -p "$D"

# a workbook: a notes sheet first, then the register under a title, a blank
# row, a header with 序号 and units, a units row, a township merged over
# three rows, values as clerks type them, and a total
python3 "$MK" "$D/台账.xlsx" <<'JSON'
{"sheets": [
 {"name": "说明", "rows": [["本表由乡镇填报"], ["请勿改动表头"]]},
 {"name": "地灾", "merges": ["C5:C7"], "rows": [
  ["永和县地质灾害隐患点台账（2026年）"],
  [],
  ["序号", "统一编号", "乡（镇）", "名称 ", "灾害类型", "威胁户数（户）", "威胁人数", "经度（°）", "威胁财产(万元)", "备注"],
  [null, null, null, null, null, "（户）", "（人）", "（°）", null, null],
  [1, "XL-001　", "桑壁", "东坡滑坡", "滑坡", "３０", "约300", "110°37′45″E", "12,500", "'=HYPERLINK(1)"],
  [2, "XL-002", null, "西沟崩塌", "崩塌", "5户", "20人", 110.5, 3, null],
  [3, "XL-003", null, "北山滑坡", "滑坡", 2, 9, 110.6, 1, null],
  ["合计", null, null, null, null, 37, 329, null, null, null]
 ]}]}
JSON
db_snapshot
expect_rc 0 dd hazard import "$D/台账.xlsx" --kind geohazard --dry-run
expect_out_has "sheet '地灾', header on row 3"
expect_out_has "row 1 skipped: above the header ('永和县地质灾害隐患点台账（2026年）')"
expect_out_has "row 4 skipped: units under the header"
expect_out_has "row 8 skipped: a total ('合计')"
expect_out_has "merged cells filled with the range's value: 2"
expect_out_has "full-width characters made half-width: "
expect_out_has "ideographic or no-break spaces trimmed: 1 (e.g. $D/台账.xlsx:地灾:5: 统一编号: 'XL-001　' -> 'XL-001')"
expect_out_has "thousands separators removed: 1"
expect_out_has "'约' (about) dropped before a number: 1"
expect_out_has "a unit after a number dropped: 2"
expect_out_has "degrees, minutes and seconds as decimal degrees: 1"
expect_out_has "a leading ' before = + - @ removed"
expect_out_has "3 rows good: 3 new"
expect_db_unchanged "a dry run of a workbook"
expect_rc 0 dd hazard import "$D/台账.xlsx" --kind geohazard
expect_out_has "3 new"
for c in XL-001 XL-002 XL-003; do
	expect_rc 0 dd hazard show "$c" --json
	expect_eq "$(json_get .township)" 桑壁镇 "$c: township from the merged cell"
done
expect_rc 0 dd hazard show XL-001 --json
expect_eq "$(json_get .households)/$(json_get .people)/$(json_get .property_10k)/$(json_get .notes)" \
	"30/300/12500/=HYPERLINK(1)" "XL-001's values"
expect_eq "$(json_get .lon | cut -c1-8)" 110.6291 "XL-001's longitude from 110°37′45″E"
expect_rc 1 dd hazard show 合计
# the code with an ideographic space is the same point: re-import changes nothing
expect_rc 0 dd hazard import "$D/台账.xlsx" --kind geohazard
expect_out_has "0 new, 0 changed, 3 unchanged"

# all errors at once, at the sheet's own header; nothing written
python3 "$MK" "$D/坏.xlsx" <<'JSON'
{"sheets": [{"name": "地灾", "rows": [
  ["统一编号", "名称", "乡（镇）", "威胁户数（户）", "威胁人数"],
  ["XB-001", "甲", "桑壁镇", "三十", 3],
  ["XB-002", "乙", "火星乡", 3, "很多"]]}]}
JSON
db_snapshot
expect_rc 1 dd hazard import "$D/坏.xlsx" --kind geohazard
expect_err_has "$D/坏.xlsx:地灾:2: 威胁户数（户）: '三十': expected a whole number"
expect_err_has "$D/坏.xlsx:地灾:3: 乡（镇）: '火星乡': no such township"
expect_err_has "$D/坏.xlsx:地灾:3: 威胁人数: '很多': expected a whole number"
expect_err_has "2 bad rows; nothing was imported"
expect_db_unchanged "a workbook with bad cells"

# every unknown header at once, with the names accepted
printf '统一编号,名称,颜色,口味\nXU-1,x,红,甜\n' >"$D/unknown.csv"
expect_rc 1 dd hazard import "$D/unknown.csv" --kind geohazard
expect_err_has "unknown columns for hazard: '颜色', '口味'; accepted: code/统一编号"

# --sheet: the one named, or what sheets there are
expect_rc 2 dd hazard import "$D/台账.xlsx" --kind geohazard --sheet 火灾
expect_err_has "no sheet '火灾'; its sheets: 说明, 地灾"
expect_rc 0 dd hazard import "$D/台账.xlsx" --kind geohazard --sheet 地灾 --dry-run

# a merge over the whole sheet would ask for gigabytes: refused, named
python3 "$MK" "$D/huge.xlsx" <<'JSON'
{"sheets": [{"name": "地灾", "merges": ["A2:XFD1048576"], "rows": [
  ["统一编号", "名称"], ["X", "y"]]}]}
JSON
expect_rc 1 dd hazard import "$D/huge.xlsx" --kind geohazard
expect_err_has "sheet '地灾' spreads over more than"

# a legacy .xls: read (its second sheet, by its header), or when damaged
# refused with what to do
python3 "$(dirname "$0")/mkxls.py" "$D/旧表.xls" <<'JSON'
{"sheets": [{"name": "封面", "rows": [["永和县"]]},
 {"name": "地灾", "rows": [["永和县地质灾害隐患点台账"], ["统一编号", "名称", "乡镇", "威胁人数"],
  ["XS-001", "旧表滑坡", "桑壁镇", 12], ["XS-002", "旧表崩塌", null, 3]]}]}
JSON
expect_rc 0 dd hazard import "$D/旧表.xls" --kind geohazard
expect_out_has "sheet '地灾', header on row 2"
expect_out_has "2 new"
expect_rc 0 dd hazard show XS-002 --json
expect_eq "$(json_get .township)/$(json_get .people)" 桑壁镇/3 "XS-002 from the .xls"
printf '\320\317\021\340\241\261\032\341rest' >"$D/old.xls"
expect_rc 1 dd hazard import "$D/old.xls" --kind geohazard
expect_err_has "save it as .xlsx"

# .xls keeps no merges: a village merged over its group's rows reads as
# blanks under the first one, filled down within its township only
python3 "$(dirname "$0")/mkxls.py" "$D/村.xls" <<'JSON'
{"sheets": [{"name": "地灾", "rows": [["统一编号", "名称", "乡镇", "村", "威胁人数"],
  ["XV-001", "甲", "桑壁镇", "护国村", 1], ["XV-002", "乙", null, null, 2],
  ["XV-003", "丙", "坡头乡", null, 3]]}]}
JSON
expect_rc 0 dd hazard import "$D/村.xls" --kind geohazard
expect_out_has "blank township or village cells filled from the row above: 2"
expect_rc 0 dd hazard show XV-002 --json
expect_eq "$(json_get .township)/$(json_get .village)" 桑壁镇/护国村 "XV-002: village filled down"
expect_rc 0 dd hazard show XV-003 --json
expect_eq "$(json_get .township)/$(json_get '.village // ""')" 坡头乡/ "XV-003: a new township starts a new group"

# a CSV in UTF-16 (what "Unicode text" saves), tab-separated; the township
# written on the group's first row only, with a no-break space, and with
# the county's name
printf '统一编号\t名称\t乡镇\t威胁人数\r\nXU-001\t甲\t永和县桑壁镇\xc2\xa0\t1\r\nXU-002\t乙\t\t2\r\n' |
	iconv -f UTF-8 -t UTF-16 >"$D/u16.txt"
expect_rc 0 dd hazard import "$D/u16.txt" --kind geohazard
expect_out_has "blank township or village cells filled from the row above: 1"
expect_out_has "township names matched without county or 镇/乡: "
expect_out_has "2 new"
expect_rc 0 dd hazard show XU-002 --json
expect_eq "$(json_get .township)" 桑壁镇 "XU-002: township filled down"

# UTF-16 without a byte-order mark is told by its zero bytes
printf '统一编号,名称\r\nXU-003,丙\r\n' | iconv -f UTF-8 -t UTF-16LE >"$D/u16le.csv"
expect_rc 0 dd hazard import "$D/u16le.csv" --kind geohazard
expect_rc 0 dd hazard show XU-003 --json
expect_eq "$(json_get .name)" 丙 "a UTF-16LE file without a BOM"

# a code registered as a geohazard is not turned into a fire unit
printf '统一编号,名称\nXL-001,某学校\n' >"$D/fire.csv"
db_snapshot
expect_rc 1 dd hazard import "$D/fire.csv" --kind fire_unit
expect_err_has "XL-001': already registered as a geohazard, not a fire_unit"
expect_db_unchanged "a fire unit with a geohazard's code"

# an emptied cell keeps the stored value, and says so; --blank-clears empties
# it: a count goes back to what an empty cell gives a new point (0)
printf '统一编号,名称,监测员,威胁户数\nXU-001,甲,王五,4\n' >"$D/monitor.csv"
expect_rc 0 dd hazard import "$D/monitor.csv" --kind geohazard
printf '统一编号,名称,监测员,威胁户数\nXU-001,甲,,\n' >"$D/blank.csv"
expect_rc 0 dd hazard import "$D/blank.csv" --kind geohazard
expect_out_has "2 empty cells kept the stored value"
expect_rc 0 dd hazard show XU-001 --json
expect_eq "$(json_get .monitor)/$(json_get .households)" 王五/4 "monitor and households kept"
expect_rc 0 dd hazard import "$D/blank.csv" --kind geohazard --blank-clears
expect_rc 0 dd hazard show XU-001 --json
expect_eq "$(json_get .monitor)/$(json_get .households)" null/0 "emptied by --blank-clears"

# contacts: a second import of the same book adds nobody
printf '姓名,单位,职务,联系电话\n张三,应急局,科员,13900000001\n李四,应急局,科长,13900000002\n' >"$D/contacts.csv"
expect_rc 0 dd import contacts "$D/contacts.csv"
expect_out_has "2 new"
expect_rc 0 dd import contacts "$D/contacts.csv"
expect_out_has "0 new"

# dates as clerks and spreadsheets write them (stock receipts' expiry)
python3 "$MK" "$D/入库.xlsx" <<'JSON'
{"sheets": [{"name": "入库", "rows": [
  ["仓库", "物资", "数量", "批次", "有效期至"],
  ["CK-00", "WZ-0101", "1,000", "B1", {"date": 46143}],
  ["CK-00", "WZ-0101", 5, "B2", "2026/5/1"],
  ["CK-00", "WZ-0101", 5, "B3", "2026年5月1日"],
  ["CK-00", "WZ-0101", 5, "B4", "20260501"],
  ["CK-00", "WZ-0101", 5, "B5", "2026.5.1"],
  ["CK-00", "WZ-0101", 5, "B6", 46143]]}]}
JSON
expect_rc 0 dd import stock "$D/入库.xlsx" --dry-run
expect_out_has "dates written as YYYY-MM-DD: 4"
expect_out_has "spreadsheet day numbers read as dates: 1"
expect_out_has "6 rows good: 6 new"
expect_rc 0 dd import stock "$D/入库.xlsx"
expect_rc 0 dd export stock
for b in B1 B2 B3 B4 B5 B6; do
	expect_out_has "CK-00,WZ-0101,"
	grep -q "$b,2026-05-01" "$OUT" || fail "batch $b: expiry not 2026-05-01"
done
# the same receipts again are not received twice; two equal rows are two
expect_rc 0 dd stock list --json
before=$(jq -c . "$OUT" | sha256sum)
expect_rc 0 dd import stock "$D/入库.xlsx"
expect_out_has "6 receipts imported before (same depot, item, batch, expiry and quantity) not received again"
expect_out_has "0 new"
expect_rc 0 dd stock list --json
expect_eq "$(jq -c . "$OUT" | sha256sum)" "$before" "stock after importing the receipts again"
printf '仓库,物资,数量,批次\nCK-00,WZ-0101,2,TWIN\nCK-00,WZ-0101,2,TWIN\n' >"$D/twins.csv"
expect_rc 0 dd import stock "$D/twins.csv"
expect_out_has "2 new"
expect_rc 0 dd import stock "$D/twins.csv"
expect_out_has "0 new"

# a workbook counting days from 1904 (old Excel for Mac): the same day
# is 1,462 days fewer
python3 "$MK" "$D/mac.xlsx" <<'JSON'
{"date1904": true, "sheets": [{"name": "入库", "rows": [
  ["仓库", "物资", "数量", "批次", "有效期至"], ["CK-00", "WZ-0101", 1, "B1904", {"date": 44681}]]}]}
JSON
expect_rc 0 dd import stock "$D/mac.xlsx"
expect_rc 0 dd export stock
grep -q "B1904,2026-05-01" "$OUT" || fail "a 1904 workbook's date: $(grep B1904 "$OUT")"

# teams with Chinese headers, the township merged over a group of rows
python3 "$MK" "$D/队伍.xlsx" <<'JSON'
{"sheets": [{"name": "队伍", "merges": ["C3:C4"], "rows": [
  ["永和县应急救援队伍花名册"],
  ["队伍编号", "队伍名称", "乡（镇）", "队伍类型", "人数（人）", "队长", "联系电话"],
  ["DW-91", "桑壁镇民兵应急分队", "桑壁镇", "民兵应急队伍", "３０人", "王五", "１３９００００００９１"],
  ["DW-92", "桑壁镇志愿者队", null, "社会志愿者队伍", 12, "赵六", 13900000092]]}]}
JSON
expect_rc 0 dd import teams "$D/队伍.xlsx"
expect_out_has "merged cells filled with the range's value: 1"
expect_out_has "2 new"
expect_rc 0 dd export teams
expect_out_has "DW-91,桑壁镇民兵应急分队,militia,30,王五,13900000091,桑壁镇"
expect_out_has "DW-92,桑壁镇志愿者队,volunteer,12,赵六,13900000092,桑壁镇"
