#!/usr/bin/env bash
# Exports that open safely in Excel and WPS: the CSV formula guard on text
# cells (numbers stay numbers), every field the manual promises, and
# --format xlsx (typed cells, dates as dates, Chinese headers, widths,
# a frozen header row) read back with Python's zipfile.
. "$(dirname "$0")/lib.sh"

# $TMP/cells holds one cell a line (CSV: code.key=repr; xlsx: xlsx_cells.py)
has_cell() { grep -qxF -- "$1" "$TMP/cells" || fail "lacks '$1': $(head -c 3000 "$TMP/cells")"; pass; }

expect_rc 0 dd init
# Text that a spreadsheet would run as a formula, in text fields.
expect_rc 0 dd hazard add --kind geohazard --code GX-001 --name '=HYPERLINK("x")' \
	--address '+1 号' --monitor '@SUM(A1)' --monitor-phone '-5' \
	--notes "$(printf '\tTAB')" --lon 110.5 --lat 36.1 --households 7 --people 20
expect_rc 0 dd hazard add --kind geohazard --code GX-002 --name "$(printf '\rCR')" \
	--address 乔家湾村 --notes 普通备注 --lon -0.5 --lat 36.2
# (the CLI trims a leading tab from what it is given; a synced record may hold one)
sqlite3 "$DUTYDESK_DB" "UPDATE hazard SET notes = char(9) || 'TAB' WHERE code = 'GX-001'"

# ---- CSV: every text cell beginning = + - @ tab CR gets a leading ' ----
expect_rc 0 dd hazard export --kind geohazard
python3 - "$OUT" >"$TMP/cells" <<'PY' || fail "export is not CSV: $(cat "$TMP/cells")"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
for r in rows:
    for k in ("code", "name", "address", "monitor", "monitor_phone", "notes", "lon", "households"):
        print(f"{r['code']}.{k}={r.get(k)!r}")
PY
has_cell "GX-001.name='\\'=HYPERLINK(\"x\")'"
has_cell "GX-001.address=\"'+1 号\""
has_cell "GX-001.monitor=\"'@SUM(A1)\""
has_cell "GX-001.monitor_phone=\"'-5\""
has_cell "GX-001.notes=\"'\\tTAB\""
has_cell "GX-002.name=\"'\\rCR\""
# numbers are written as numbers, a negative one too
has_cell "GX-002.lon='-0.5'"
has_cell "GX-001.households='7'"

# ---- every field the manual promises: address and notes too ----
has_cell "GX-002.address='乔家湾村'"
has_cell "GX-002.notes='普通备注'"
for kind in geohazard fire_unit major_source flood_point; do
	expect_rc 0 dd hazard export --kind $kind
	head -1 "$OUT" | grep -q ',notes' || fail "$kind export lacks notes: $(head -1 "$OUT")"
	pass
	head -1 "$OUT" | grep -q ',address' || fail "$kind export lacks address: $(head -1 "$OUT")"
	pass
done

# ---- the other CSV writers guard too: export KIND, report --format csv ----
printf 'code,name,level\n=D1,@仓库,county\n' >"$TMP/d.csv"
expect_rc 0 dd import depots "$TMP/d.csv"
expect_rc 0 dd export depots
grep -qF "'=D1,'@仓库" "$OUT" || fail "export depots does not guard: $(cat "$OUT")"
pass

# ---- --format xlsx: typed cells, Chinese headers, widths, a frozen header ----
cells() { python3 "$(dirname "$0")/xlsx_cells.py" "$1" >"$TMP/cells" || fail "$1 is not a workbook"; }
expect_rc 0 dd hazard export --kind geohazard --format xlsx --zh
cp "$OUT" "$TMP/geo.xlsx"
cells "$TMP/geo.xlsx"
has_cell "sheet 台账"
has_cell "台账 frozen ySplit=1"
has_cell "台账!A1 s 统一编号"
has_cell "台账!B1 s 名称"
has_cell "台账!B2 s =HYPERLINK(\"x\")" # text, as typed: a string cell is never run
has_cell "台账!H2 n 110.5"
has_cell "台账!H3 n -0.5"                # a number cell, not guarded
has_cell "台账!Q2 n 7"                   # 威胁户数
has_cell "台账!AH3 s 普通备注"
grep -q FORMULA "$TMP/cells" && fail "a formula in the workbook: $(grep FORMULA "$TMP/cells")"
pass
# widths by display width: 避险明白卡 (5 characters, 10 cells) is wider than 组
w_cards=$(awk '$2 == "width" && $3 == "AF" {print int($4)}' "$TMP/cells")
w_grp=$(awk '$2 == "width" && $3 == "F" {print int($4)}' "$TMP/cells")
expect_true "避险明白卡 column ($w_cards) at least 10 wide" [ "${w_cards:-0}" -ge 10 ]
expect_true "组 column ($w_grp) narrower than 避险明白卡 ($w_cards)" [ "${w_grp:-99}" -lt "${w_cards:-0}" ]
expect_rc 2 dd hazard export --kind geohazard --format ods
expect_err_has "expected csv, xlsx or json"

# dates as dates: stock on hand with its expiry dates (the demo database)
DUTYDESK_DB=$TMP/demo.db expect_rc 0 dd demo
DUTYDESK_DB=$TMP/demo.db expect_rc 0 dd export stock --format xlsx
cp "$OUT" "$TMP/stock.xlsx"
cells "$TMP/stock.xlsx"
has_cell "台账!C1 s qty"
grep -qE '^台账!E[0-9]+ n [0-9]+ date=yyyy-mm-dd$' "$TMP/cells" ||
	fail "no expiry written as a date: $(grep '台账!E' "$TMP/cells" | head)"
pass
grep -qE '^台账!C2 n [0-9]+$' "$TMP/cells" || fail "qty is not a number cell"
pass

# ---- hazard template --format xlsx: the sheet to fill and one explaining it ----
expect_rc 0 dd hazard template --kind geohazard --format xlsx
cp "$OUT" "$TMP/template.xlsx"
cells "$TMP/template.xlsx"
has_cell "sheet 台账"
has_cell "sheet 填表说明"
has_cell "台账 frozen ySplit=1"
has_cell "台账!A1 s 统一编号"
has_cell "台账!Q1 s 威胁户数"
grep -q '^台账!A2 ' "$TMP/cells" && fail "the ready sheet has rows"
pass
for h in 列名 字段 说明 单位 示例 必填 可填的值; do
	grep -q "^填表说明!.1 s $h\$" "$TMP/cells" || fail "填表说明 lacks the heading $h"
	pass
done
# one row per column: 统一编号 required, 威胁户数 counted in 户, 类型 lists its values
has_cell "填表说明!A2 s 统一编号"
has_cell "填表说明!F2 s 是"
has_cell "填表说明!A18 s 威胁户数"
has_cell "填表说明!D18 s 户"
has_cell "填表说明!F18 s 否"
has_cell "填表说明!G4 s 滑坡、崩塌、泥石流、地面塌陷、地裂缝、不稳定斜坡"
expect_eq "$(grep -c '^填表说明!A[0-9]* s' "$TMP/cells")" 35 "填表说明: a heading and 34 columns"
expect_rc 0 dd hazard template --kind fire_unit --format xlsx --english
cp "$OUT" "$TMP/fire.xlsx"
cells "$TMP/fire.xlsx"
has_cell "台账!A1 s code"
has_cell "填表说明!E3 s 永和县第一中学"
expect_rc 2 dd hazard template --kind geohazard --format json

# ---- the report's CSV is guarded too ----
expect_rc 0 dd log add "=cmd|' /C calc'!A0" --kind call --at '2026-11-28 07:00'
expect_rc 0 dd report daily --date 2026-11-28 --format csv
grep -qF "'=cmd|' /C calc'!A0" "$OUT" || fail "report CSV does not guard: $(cat "$OUT")"
pass
grep -qF ",=cmd" "$OUT" && fail "an unguarded formula in the report CSV"
pass

# ---- a workbook is never written to a terminal ----
if command -v script >/dev/null; then
	run script -qec "$DUTYDESK hazard export --kind geohazard --format xlsx" /dev/null
	[ "$RC" -eq 2 ] || fail "xlsx to a terminal: exit $RC, wanted 2"
	pass
	expect_out_has "a workbook is not for a terminal"
fi

# ---- a report as a workbook: its text on 正文, each table on a sheet ----
export DUTYDESK_DB=$TMP/demo.db
expect_rc 0 dd report daily --date 2026-11-28 --format xlsx
cp "$OUT" "$TMP/daily.xlsx"
cells "$TMP/daily.xlsx"
has_cell "sheet 正文"
has_cell "正文!A2 s 值班日报 2026-11-28（2026-11-27 08:00 至 2026-11-28 08:00）"
for s in 一、新接报事件 二、待报送事件及时限 三、生效中的预警 四、值班日志; do
	has_cell "sheet $s"
	has_cell "$s frozen ySplit=1"
done
has_cell "一、新接报事件!B1 s 新接报"
grep -qE '^一、新接报事件!B2 n [0-9]+$' "$TMP/cells" || fail "新接报 is not a number cell"
pass
grep -qE '^二、待报送事件及时限!D2 n [0-9.]+ date=yyyy-mm-dd hh:mm$' "$TMP/cells" ||
	fail "时限 is not a date cell: $(grep '^二、待报送事件及时限!D' "$TMP/cells" | head -3)"
pass
expect_rc 0 dd report daily --date 2026-11-28 --format xlsx --out "$TMP/out.xlsx"
expect_out_has "report written to $TMP/out.xlsx"
cells "$TMP/out.xlsx"
has_cell "sheet 四、值班日志"
expect_rc 0 dd report incident 永和-2026-0001 --format xlsx
cp "$OUT" "$TMP/incident.xlsx"
cells "$TMP/incident.xlsx"
has_cell "sheet 处置记录"
