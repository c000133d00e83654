#!/usr/bin/env bash
# Exports that open safely in Excel and WPS: the CSV formula guard on text
# cells (numbers stay numbers), every field the manual promises, and
# --format xlsx (typed cells, dates as dates, Chinese headers, widths,
# a frozen header row) read back with Python's zipfile.
. "$(dirname "$0")/lib.sh"

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
grep -qxF "GX-001.name='\\'=HYPERLINK(\"x\")'" "$TMP/cells" || fail "=HYPERLINK not guarded: $(cat "$TMP/cells")"
pass
grep -qxF "GX-001.address=\"'+1 号\"" "$TMP/cells" || fail "+1 not guarded: $(cat "$TMP/cells")"
pass
grep -qxF "GX-001.monitor=\"'@SUM(A1)\"" "$TMP/cells" || fail "@SUM not guarded"
pass
grep -qxF "GX-001.monitor_phone=\"'-5\"" "$TMP/cells" || fail "text -5 not guarded"
pass
grep -qxF "GX-001.notes=\"'\\tTAB\"" "$TMP/cells" || fail "tab not guarded: $(cat "$TMP/cells")"
pass
grep -qxF "GX-002.name=\"'\\rCR\"" "$TMP/cells" || fail "CR not guarded: $(cat "$TMP/cells")"
pass
# numbers are written as numbers, a negative one too
grep -qxF "GX-002.lon='-0.5'" "$TMP/cells" || fail "a negative number was guarded: $(cat "$TMP/cells")"
pass
grep -qxF "GX-001.households='7'" "$TMP/cells" || fail "households not a plain number"
pass

# ---- every field the manual promises: address and notes too ----
expect_eq "$(grep -c "address=" "$TMP/cells")" 2 "address in the export"
grep -qxF "GX-002.notes='普通备注'" "$TMP/cells" || fail "notes missing from the export: $(cat "$TMP/cells")"
pass
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
