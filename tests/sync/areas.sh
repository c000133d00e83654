#!/bin/bash
# Two counties on one hub (a province's): each county's node is enrolled
# with its area (dutydeskd node add --area) and reads and writes only its
# townships' records, plus the county-level reference data ('*') that only
# the whole hub's county node writes. Writes outside the area are refused
# with the record, its township and the node's area, and parked; a move
# stays within the area; every node's digest is the hub's for its scope.
# The hub knows a second county (大宁县, 141030) and a county whose
# township's code does not begin with its own (dutydeskd divisions
# import); its nodes learn them from the hub (init --server, or a sync).
. "$(dirname "$0")/lib.sh"

expect_rc 0 hub init
cat >"$TMP/province.csv" <<'CSV'
code,name,level,parent_code,illustrative
141030,大宁县,county,,1
141030100,昕水镇,township,141030,1
141030101,曲峨镇,township,141030,1
141031,隰县,county,,1
141099100,错码镇,township,141031,1
CSV
expect_rc 0 hub divisions import "$TMP/province.csv"
# ---- the area is a county, known by name or code, its townships under its code ----
expect_rc 2 hub node add bad1 --area 桑壁镇
expect_err_has "'桑壁镇' is a township (141032101)"
expect_rc 2 hub node add bad2 --area 999999
expect_err_has "'999999': no such division"
expect_rc 2 hub node add bad3 --area 隰县
expect_err_has "township 错码镇 (141099100) is under it but its code does not begin with 141031"
expect_rc 2 hub node add bad4 --area 141032 --county
expect_err_has "give either --township NAME|CODE, --county (the whole hub) or --area"
expect_rc 0 hub node list --json
expect_eq "$(json_get '[.[].name] | join(" ")')" "" "nodes enrolled after the refusals"

enrol yonghe --area 永和县
enrol daning --area 141030
enrol sangbi --township 桑壁镇
enrol xinshui --township 昕水镇
enrol prov --county
expect_rc 0 hub node list
expect_true "node list names yonghe's area" bash -c "grep -qE '^yonghe +county +永和县 \(141032\)' '$OUT'"
expect_true "node list names daning's area" bash -c "grep -qE '^daning +county +大宁县 \(141030\)' '$OUT'"
start_hub 0
expect_rc 0 node yonghe init --node yonghe --county --prefix 永和
expect_rc 0 node daning init --server "$HUB_URL" --token-file "$TMP/daning.token" --prefix 大宁
expect_rc 0 node sangbi init --node sangbi --township 桑壁镇
expect_rc 0 node xinshui init --server "$HUB_URL" --token-file "$TMP/xinshui.token"
expect_rc 0 node prov init --node prov --county --prefix 省
# a county node made from its token knows its area before its first sync
expect_rc 1 node daning incident add --title 过早越界 --type flood --township 桑壁镇
expect_err_has "桑壁镇 (141032101) is outside 大宁县 (141030), this office's area"

incidents() { node "$1" incident list --json >"$OUT" && json_get '[.[].title] | sort | join(" ")'; }
depots() { node "$1" depot list --json >"$OUT" && json_get '[.[].code] | sort | join(" ")'; }

# ---- each office's records ----
expect_rc 0 node sangbi incident add --title 桑壁滑坡 --type landslide --township 桑壁镇 --json
SANGBI_INC=$(json_get .number)
expect_rc 0 node xinshui incident add --title 昕水山洪 --type flood --township 昕水镇
expect_rc 0 node yonghe incident add --title 芝河内涝 --type flood --township 芝河镇
expect_rc 0 node daning incident add --title 曲峨塌方 --type landslide --township 曲峨镇
printf 'code,name,level,township\nCK-00,永和县救灾物资储备库,county,芝河镇\n' >"$TMP/depots.csv"
expect_rc 0 node prov import depots "$TMP/depots.csv"
for n in prov sangbi xinshui yonghe daning; do sync_until $n "$HUB_URL"; done
for n in sangbi xinshui yonghe daning prov; do sync_until $n "$HUB_URL"; done

# ---- each county pulls its area and the county-level data, nothing else ----
expect_eq "$(incidents yonghe)" "桑壁滑坡 芝河内涝" "incidents yonghe holds"
expect_eq "$(incidents daning)" "昕水山洪 曲峨塌方" "incidents daning holds"
expect_eq "$(incidents prov)" "昕水山洪 曲峨塌方 桑壁滑坡 芝河内涝" "incidents the whole hub's county holds"
expect_eq "$(depots yonghe)" CK-00 "depots yonghe holds"
expect_eq "$(depots daning)" CK-00 "depots daning holds"
api yonghe GET "/v1/pull?since=0&limit=1"
expect_eq "$(json_get .area)" 141032 "the area in yonghe's pull answer"
expect_rc 0 hub export-bundle daning "$TMP/daning.bundle"
expect_eq "$(jq -r '.header.area // .area // empty' "$TMP/daning.bundle" 2>/dev/null | head -n 1)" 141030 \
	"the area in daning's bundle"

# ---- a write outside the area: refused by the node, and by the hub ----
expect_rc 1 node yonghe incident add --title 越界上报 --type flood --township 昕水镇
expect_err_has "昕水镇 (141030100) is outside 永和县 (141032), this office's area"
expect_eq "$(node yonghe incident list --json | jq '[.[] | select(.title == "越界上报")] | length')" 0 \
	"yonghe's refused incident"
# (a node that does not know its area yet, or an older one: the hub refuses)
PUSH_KIND=insert push_update yonghe 9000 incident 00000000-0000-4000-8000-000000000001 \
	'{"number":"永和-2026-9000","title":"越界上报","township_code":"141030100"}'
expect_eq "$(json_get '.results[0].status')" forbidden "the hub's answer to yonghe's incident in 昕水镇"
expect_true "the hub says why" bash -c "jq -e '.results[0].message | contains(\"belongs to township 昕水镇 (141030100), outside area 永和县 (141032): node yonghe may not write it\")' '$OUT' >/dev/null"
sync_until daning "$HUB_URL"
expect_eq "$(incidents daning)" "昕水山洪 曲峨塌方" "incidents daning holds after yonghe's refused write"

# ---- the county-level data: read, not written, by an area's node ----
CK00=$(sqlite3 "$TMP/prov.db" "SELECT id FROM depot WHERE code = 'CK-00'")
push_update yonghe 9001 depot "$CK00" '{"name":"永和县自己的库"}'
expect_eq "$STATUS" 200 "the raw push's status"
expect_eq "$(json_get '.results[0].status')" forbidden "the hub's answer to yonghe renaming CK-00"
expect_true "the hub says why" bash -c "jq -e '.results[0].message |
	test(\"CK-00 is county-level reference data: only a county node of the whole hub writes it; node yonghe \\\\(area 永和县 \\\\(141032\\\\)\\\\) reads it\")' '$OUT' >/dev/null"

# ---- a county's own records (owned by its area's code) reach its townships ----
warnings() { node "$1" warning list --json >"$OUT" && json_get '[.[].area] | sort | join(" ")'; }
expect_rc 0 node yonghe warning add --colour yellow --townships 桑壁镇 --source 永和县气象局
expect_rc 0 node daning warning add --colour blue --townships 昕水镇 --source 大宁县气象局
for n in yonghe daning sangbi xinshui prov; do sync_until $n "$HUB_URL"; done
expect_eq "$(warnings sangbi)" 桑壁镇 "warnings sangbi holds: its county's, not the other's"
expect_eq "$(warnings xinshui)" 昕水镇 "warnings xinshui holds: its county's, not the other's"
expect_eq "$(warnings prov)" "昕水镇 桑壁镇" "warnings the whole hub's county holds"

# ---- digests: every node holds what the hub holds for it ----
for n in yonghe daning sangbi xinshui prov; do
	expect_eq "$(node_digest $n)" "$(hub_digest $n)" "$n and the hub agree"
done
expect_rc 0 node yonghe sync --check --server "$HUB_URL" --token-file "$TMP/yonghe.token"
expect_out_has "nothing to do"

# ---- a move within the area works; out of it is refused ----
expect_rc 0 node yonghe incident move "$SANGBI_INC" 芝河镇
sync_until yonghe "$HUB_URL"
expect_true "yonghe's move within its area is accepted" bash -c "grep -q 'parked 0' '$TMP/sync.out'"
for n in yonghe daning sangbi xinshui prov; do sync_until $n "$HUB_URL"; done
node prov incident show "$SANGBI_INC" --json >"$OUT"
expect_eq "$(json_get '.township_code // .incident.township_code')" \
	"$(sqlite3 "$TMP/yonghe.db" "SELECT code FROM division WHERE name = '芝河镇'")" \
	"the incident's township at the whole hub's county after the move"
for n in yonghe daning sangbi xinshui prov; do
	expect_eq "$(node_digest $n)" "$(hub_digest $n)" "$n and the hub agree after the move"
done
expect_rc 1 node yonghe incident move "$SANGBI_INC" 曲峨镇
expect_err_has "this office moves records only between townships of 永和县 (141032), not to 曲峨镇"
push_update yonghe 9002 incident "$(sqlite3 "$TMP/yonghe.db" "SELECT id FROM incident WHERE number = '$SANGBI_INC'")" \
	'{"township_code":"141030101"}'
expect_eq "$(json_get '.results[0].status')" forbidden "the hub's answer to yonghe's move out of its area"
expect_true "the hub says why" bash -c "jq -e '.results[0].message | contains(\"moves records only between townships of its area 永和县 (141032)\")' '$OUT' >/dev/null"
sync_until daning "$HUB_URL"
expect_eq "$(incidents daning)" "昕水山洪 曲峨塌方" "incidents daning holds after yonghe's refused move"
