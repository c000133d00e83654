#!/usr/bin/env bash
# The hazard registry beyond list/import: households and evacuation,
# fire-unit defects, verification of imported rows, inspections with
# photos, alerts and incidents, overdue inspections, the filters.
. "$(dirname "$0")/lib.sh"

# every verb has its --help and its place in the manual
for v in households evacuate defect defects verify overdue; do
	expect_rc 0 dd hazard $v --help
	expect_out_has "Usage: dutydesk hazard $v"
	expect_true "dutydesk(1) lacks 'hazard $v'" grep -q "^\.B hazard $v" "$DUTYDESK_DATA/../man/dutydesk.1"
done
expect_rc 0 dd hazard inspect --help
expect_out_has "--photos"
expect_out_has "--incident"
expect_rc 0 dd hazard import --help
expect_out_has "--to-verify"

expect_rc 0 dd demo
P=141032-HP-001

# ---- households and evacuation ----
expect_rc 0 dd hazard households $P --json
expect_eq "$(json_get .total_households)" 12 "households of $P"
expect_eq "$(json_get .total_people)" 38 "people of $P's households"
expect_eq "$(json_get .evacuated_households)" 0 "none evacuated yet"
expect_all "household keys" .households \
	'has("head") and has("address") and has("members") and has("phone") and has("evacuated_at") and has("evacuated_by")'
expect_rc 0 dd hazard households $P
expect_out_has 乔翠萍
expect_out_has 芝河镇城关社区南坡巷57号
expect_out_has "evacuated 0/12 households, 0/38 people"

ops() { sqlite3 "$DUTYDESK_DB" "SELECT count(*) FROM outbox"; }
audits() { sqlite3 "$DUTYDESK_DB" "SELECT count(*) FROM audit"; }
o0=$(ops)
a0=$(audits)
expect_rc 0 dd hazard evacuate $P 陈勇 乔翠萍
expect_out_has "2 households ticked; evacuated 2/12 households, 3/38 people"
expect_eq "$(($(ops) - o0))" 2 "one synced op per household ticked"
expect_eq "$(($(audits) - a0))" 2 "one audit entry per household ticked"
expect_rc 0 dd hazard households $P --json
expect_eq "$(json_get '.households[] | select(.head == "陈勇") | .evacuated_at')" "2026-11-28T18:00:00+08:00" "evacuated at"
expect_eq "$(json_get '.households[] | select(.head == "陈勇") | .evacuated_by')" 测试员 "evacuated by"
expect_eq "$(json_get '.evacuated_people')" 3 "evacuated people"
# by id, and ticking again keeps the first time and changes nothing
hid=$(json_get -r '.households[] | select(.head == "高晶") | .id')
db_snapshot
DUTYDESK_NOW='2026-11-28 19:00' expect_rc 0 dd hazard evacuate $P 陈勇
expect_out_has "0 households ticked"
expect_db_unchanged "ticking an evacuated household again"
expect_rc 0 dd hazard evacuate $P "$hid"
expect_out_has "evacuated 3/12 households, 8/38 people"
# one bad name in a list: nothing ticked
db_snapshot
expect_rc 1 dd hazard evacuate $P 郑娜 无此人
expect_err_has "no household '无此人'"
expect_db_unchanged "a list with an unknown head"
expect_rc 1 dd hazard evacuate NO-SUCH-CODE 陈勇
expect_err_has "NO-SUCH-CODE"
expect_rc 1 dd hazard households NO-SUCH-CODE
expect_err_has "no such hazard"
expect_rc 2 dd hazard evacuate $P
expect_rc 2 dd hazard evacuate $P 陈勇 --all
expect_db_unchanged "bad evacuate commands"
# a head shared by two households: refused, naming both ids
sqlite3 "$DUTYDESK_DB" "INSERT INTO household (id, origin_node, created_hlc, hlc, hazard_id, head, address, members)
	SELECT 'ffffffff-0000-7000-8000-000000000001', origin_node, created_hlc, hlc, hazard_id, head, '另一户', 2
	FROM household WHERE head = '郑娜'"
dup=$(sqlite3 "$DUTYDESK_DB" "SELECT id FROM household WHERE head = '郑娜' AND address != '另一户'")
db_snapshot
expect_rc 1 dd hazard evacuate $P 郑娜
expect_err_has "$dup"
expect_err_has ffffffff-0000-7000-8000-000000000001
expect_db_unchanged "an ambiguous head"
expect_rc 0 dd hazard evacuate $P ffffffff-0000-7000-8000-000000000001
expect_rc 0 dd hazard evacuate $P --all
expect_out_has "evacuated 13/13 households, 40/40 people"
expect_rc 0 dd hazard evacuate $P --all --undo --json
expect_eq "$(json_get .changed)" 13 "--all --undo clears every tick"
expect_eq "$(json_get .evacuated_households)" 0 "none evacuated after --undo"
expect_rc 0 dd hazard show $P --json
expect_eq "$(json_get '[.household_list[] | select(.evacuated_at != null)] | length')" 0 "show: household ticks"

# ---- fire-unit defects ----
expect_rc 0 dd hazard defects --json
expect_eq "$(json_get length)" 6 "the demo's defects"
expect_eq "$(json_get '[.[] | select(.state != "rectified")] | length')" 4 "open and rectifying"
expect_rc 0 dd hazard defects --open --json
expect_eq "$(json_get '[.[] | .code] | join(",")')" "XF-002,XF-006,XF-004,XF-010" "open defects, soonest due first"
expect_rc 0 dd hazard defects --overdue --json
expect_eq "$(json_get '[.[] | .code] | join(",")')" "XF-002,XF-006" "overdue defects (due passed, not rectified)"
expect_all "overdue flag" . '.overdue == true'
expect_rc 0 dd hazard defects --township 阁底乡 --json
expect_eq "$(json_get '[.[] | .code] | join(",")')" XF-010 "defects of a township"
expect_rc 0 dd hazard list --kind fire_unit --json
expect_eq "$(json_get '.[] | select(.code == "XF-004") | .open_defects')" 1 "open defects in the list (rectifying counts)"
expect_eq "$(json_get '.[] | select(.code == "XF-001") | .open_defects')" 0 "a rectified defect is not open"
expect_eq "$(json_get '[.[] | .open_defects] | add')" 4 "open defects of all units"

db_snapshot
expect_rc 1 dd hazard defect add XF-404 --text 无此单位
expect_err_has "XF-404"
expect_rc 2 dd hazard defect add 141032-HP-001 --text 地灾点不记隐患
expect_err_has "fire units"
expect_rc 2 dd hazard defect add XF-003 --text 日期不对 --due 2026-02-30
expect_err_has "2026-02-30"
expect_rc 2 dd hazard defect add XF-003 --text 期限早于发现 --found 2026-11-20 --due 2026-11-10
expect_err_has "before"
expect_rc 2 dd hazard defect add XF-003
expect_err_has "--text"
expect_rc 2 dd hazard defect add XF-003 --text x --state rectified
expect_rc 2 dd hazard defect fix XF-003
expect_rc 2 dd hazard defect set 01a2
expect_err_has "--state"
expect_rc 2 dd hazard defect set 01a22198 --state fixed
expect_err_has "open|rectifying|rectified"
expect_rc 1 dd hazard defect set ffffffff-no-such --state rectified
expect_err_has "no such defect"
expect_db_unchanged "bad defect commands"

expect_rc 0 dd hazard defect add XF-003 --text 宿舍楼安全出口指示灯损坏 --due 2026-12-05 --found '2026-11-27 10:00'
D1=$(cat "$OUT")
expect_rc 0 dd hazard show XF-003 --json
expect_eq "$(json_get '.defects[0] | [.text, .state, .found_at, .due_at] | join(",")')" \
	"宿舍楼安全出口指示灯损坏,open,2026-11-27T10:00:00+08:00,2026-12-05T00:00:00+08:00" "the new defect in show"
expect_eq "$(json_get .open_defects)" 1 "open defects in show"
expect_rc 0 dd hazard defect set "$D1" --state rectifying --note 已报修
expect_rc 0 dd hazard defect set "$D1" --state 已整改
DUTYDESK_NOW='2026-11-29 09:00' expect_rc 0 dd hazard defect set "$D1" --state rectified --json
expect_eq "$(json_get .changed)" false "rectified twice: the first time stays"
expect_rc 0 dd hazard show XF-003 --json
expect_eq "$(json_get '.defects[0] | [.state, .rectified_at, .note] | join(",")')" \
	"rectified,2026-11-28T18:00:00+08:00,已报修" "rectified stamps the time"
expect_rc 0 dd hazard show XF-003
expect_out_has "defects (0 open)"
expect_out_has 宿舍楼安全出口指示灯损坏

# ---- to verify ----
S=$TMP/sheets
mkdir -p "$S"
printf '\xef\xbb\xbf统一编号,名称,类型,乡镇,村,规模,威胁人数\r\nV-001,新增滑坡甲,滑坡,桑壁镇,辛庄村,小型,12\r\nV-002,新增崩塌乙,崩塌,芝河镇,,小型,30\r\n' >"$S/v.csv"
expect_rc 0 dd hazard import "$S/v.csv" --kind geohazard --to-verify
expect_out_has "2 new"
expect_rc 0 dd hazard list --to-verify --json
expect_eq "$(json_get '[.[] | .code] | join(",")')" "V-001,V-002" "imported rows to verify"
expect_rc 0 dd hazard show V-001
expect_out_has "to verify"
expect_rc 0 dd hazard show 141032-HP-001
expect_out_lacks "to verify"
# one bad code: nothing verified
db_snapshot
expect_rc 1 dd hazard verify V-001 NO-SUCH-CODE
expect_err_has "NO-SUCH-CODE"
expect_rc 2 dd hazard verify
expect_db_unchanged "verify with an unknown code"
expect_rc 0 dd hazard verify V-001 V-002 141032-HP-001
expect_out_has "2 verified, 1 already were"
expect_rc 0 dd hazard list --to-verify --json
expect_eq "$(json_get length)" 0 "none to verify after verify"
# an unchanged re-import does not mark them again; a changed row is marked
db_snapshot
expect_rc 0 dd hazard import "$S/v.csv" --kind geohazard --to-verify
expect_out_has "0 new, 0 changed, 2 unchanged"
expect_db_unchanged "an unchanged re-import with --to-verify"
sed -i 's/新增崩塌乙,崩塌,芝河镇,,小型,30/新增崩塌乙,崩塌,芝河镇,,小型,35/' "$S/v.csv"
expect_rc 0 dd hazard import "$S/v.csv" --kind geohazard --to-verify
expect_out_has "0 new, 1 changed"
expect_rc 0 dd hazard list --to-verify --json
expect_eq "$(json_get '[.[] | .code] | join(",")')" V-002 "a changed row is to verify again"
expect_rc 0 dd hazard export --kind geohazard --to-verify --format json
expect_eq "$(json_get '[.[] | .code] | join(",")')" V-002 "export of the filter"

# ---- inspections: photos, alert, incident ----
db_snapshot
expect_rc 1 dd hazard inspect NO-SUCH --result abnormal
expect_rc 2 dd hazard inspect 141032-HP-002 --result normal --incident
expect_err_has "only for an abnormal"
expect_rc 2 dd hazard inspect 141032-HP-002 --result abnormal --photos 'a.jpg,,b.jpg'
expect_err_has "empty photo reference"
expect_rc 2 dd hazard inspect 141032-HP-002 --result abnormal --at 2026-02-30 --incident
expect_db_unchanged "bad inspections"
expect_rc 0 dd hazard inspect 141032-HP-002 --result normal --photos ' IMG_1.jpg ，IMG_2.jpg、档案-0042 '
expect_eq "$(cat "$ERR")" "" "no alert for a normal result"
expect_rc 0 dd hazard show 141032-HP-002 --json
expect_eq "$(json_get '.inspections[0].photos')" "IMG_1.jpg,IMG_2.jpg,档案-0042" "photos by reference"
mon=$(json_get -r .monitor)
phone=$(json_get -r .monitor_phone)
people=$(json_get -r .people)
n0=$(sqlite3 "$DUTYDESK_DB" "SELECT count(*) FROM incident")
expect_rc 0 dd hazard inspect 141032-HP-002 --result abnormal --note 坡面新增落石 --inspector 张巡
expect_err_has "ALERT: abnormal at 141032-HP-002"
expect_err_has "call monitor $mon $phone"
expect_err_has "$people people threatened"
expect_err_has "dutydesk incident add --hazard 141032-HP-002"
expect_eq "$(sqlite3 "$DUTYDESK_DB" "SELECT count(*) FROM incident")" "$n0" "no incident without --incident"
expect_rc 0 dd hazard inspect XF-001 --result abnormal --note 宿舍楼消防通道再次堵塞
unit=$(sqlite3 "$DUTYDESK_DB" "SELECT resp_person || ' ' || resp_phone || '; ' || occupancy FROM hazard WHERE code = 'XF-001'")
expect_err_has "ALERT: abnormal at XF-001 永和县第一中学"
expect_err_has "call responsible $unit people on site"
expect_rc 0 dd hazard inspect 141032-HP-002 --result abnormal --note 坡面新增落石 --inspector 张巡 --incident
num=$(cat "$OUT")
expect_err_has "incident $num opened"
expect_rc 0 dd incident show "$num" --json
expect_eq "$(json_get '[.type, .township, .village, .hazard_code, .reporter] | join(",")')" \
	"collapse,芝河镇,城关社区,141032-HP-002,张巡" "the incident from the inspection"
# the inspection and the incident are one transaction: a failing incident leaves no inspection
db_snapshot
expect_rc 2 dd hazard inspect 141032-HP-002 --result abnormal --at '2026-11-30 10:00' --incident
expect_err_has "future"
expect_rc 2 dd hazard inspect 141032-HP-002 --result normal --at '2026-11-28 18:11'
expect_err_has "at: 2026-11-28 18:11 is in the future"
expect_db_unchanged "inspections in the future"
# (a database that refuses incidents, for this check only: the inspection is not kept either)
sqlite3 "$DUTYDESK_DB" "CREATE TRIGGER no_incident BEFORE INSERT ON incident BEGIN SELECT RAISE(ABORT, 'no incidents today'); END"
db_snapshot
expect_rc 1 dd hazard inspect 141032-HP-002 --result abnormal --note 再次落石 --incident
expect_err_has "no incidents today"
expect_db_unchanged "an inspection whose incident fails"
sqlite3 "$DUTYDESK_DB" "DROP TRIGGER no_incident"

# ---- overdue inspections ----
# Computed here from the demo sheets: the last inspection of each
# registered hazard against its interval off season (geohazards 30 days,
# fire units 30, sources 30, flood points 90) on 2026-11-28 18:00.
expected=$(python3 - "$DUTYDESK_DATA" <<'PY'
import csv, sys, datetime as dt
d = sys.argv[1]
def rows(p):
    with open(f"{d}/demo/{p}", encoding="utf-8") as f:
        return list(csv.DictReader(l for l in f if not l.startswith("#")))
last = {}
for r in rows("inspections.csv"):
    t = dt.datetime.strptime(r["at"], "%Y-%m-%d %H:%M")
    last[r["hazard"]] = max(last.get(r["hazard"], t), t)
now = dt.datetime(2026, 11, 28, 18, 0)
every = {"geohazards.csv": 30, "fire_units.csv": 30, "major_sources.csv": 30, "flood_points.csv": 90}
late = []
for f, days in every.items():
    for r in rows(f):
        if r.get("status", "registered") in ("", "registered"):
            l = last.get(r["code"])
            if l is None or l < now - dt.timedelta(days=days):
                late.append(((l or dt.datetime.min), r["code"]))
late.sort()
print(len(late), ",".join(c for _, c in late[:3]), sep=";")
PY
)
expect_rc 0 dd hazard overdue --json
# V-001/V-002 (imported above) and 141032-HP-002 (inspected today): not in the demo sheets
got=$(json_get '[.[] | select(.code | startswith("V-") | not)] | length')
expect_eq "$got;$(json_get '[.[] | select(.code | startswith("V-") | not) | .code][0:3] | join(",")')" \
	"$expected" "overdue inspections, most overdue first"
expect_eq "$(json_get '[.[] | select(.code | startswith("V-"))] | length')" 2 "never-inspected imports are overdue"
expect_eq "$(json_get '.[0].days_overdue')" null "never inspected: first, days unknown"
expect_eq "$(json_get '[.[] | .days_overdue | numbers] | . == (sort | reverse)')" true "sorted by days overdue"
expect_eq "$(json_get '[.[] | select(.code == "XF-006")][0] | [.inspect_every_days, .last_inspected_at[0:10], .monitor] | join(",")')" \
	"30,2026-10-13,$(sqlite3 "$DUTYDESK_DB" "SELECT resp_person FROM hazard WHERE code = 'XF-006'")" "a fire unit's row"
expect_rc 0 dd hazard list --overdue --json
expect_eq "$(json_get length)" "$((got + 2))" "list --overdue selects the same"
expect_rc 0 dd hazard overdue --kind fire_unit --json
expect_all "overdue --kind" . '.kind == "fire_unit"'
nf=$(json_get length)
expect_rc 0 dd hazard overdue --kind geohazard --township 阁底乡 --json
expect_all "overdue --township" . '.township == "阁底乡" and .kind == "geohazard"'
expect_rc 0 dd hazard overdue --kind fire_unit
expect_out_has "$nf overdue"
expect_out_has 永和县人民医院
expect_rc 2 dd hazard overdue --kind volcano
expect_rc 2 dd hazard overdue --township 不存在镇
expect_rc 2 dd hazard defects --township 不存在镇
expect_rc 0 dd hazard show 141032-HP-024
expect_out_has "OVERDUE"
expect_rc 0 dd hazard show 141032-HP-001
expect_out_has "next due 2026-12-"
expect_out_lacks "OVERDUE"
# by season: 1 June opens the flood season (every 7 days), 1 October closes it (every 30)
DUTYDESK_NOW='2027-05-24 12:00' expect_rc 0 dd hazard inspect 141032-HP-005 --result normal --at '2027-05-24 12:00'
ov5() { dd hazard list --kind geohazard --township 芝河镇 --overdue --json | jq -r '[.[] | select(.code == "141032-HP-005")] | length'; }
expect_eq "$(DUTYDESK_NOW='2027-05-31 23:00' ov5)" 0 "7.5 days after, on 31 May: within 30 days"
expect_eq "$(DUTYDESK_NOW='2027-06-01 00:30' ov5)" 1 "7.5 days after, on 1 June: past 7 days"
DUTYDESK_NOW='2027-09-22 12:00' expect_rc 0 dd hazard inspect 141032-HP-005 --result normal --at '2027-09-22 12:00'
expect_eq "$(DUTYDESK_NOW='2027-09-30 23:00' ov5)" 1 "8.5 days after, on 30 September: past 7 days"
expect_eq "$(DUTYDESK_NOW='2027-10-01 00:30' ov5)" 0 "8.5 days after, on 1 October: within 30 days"
DUTYDESK_NOW='2027-06-01 00:30' expect_rc 0 dd hazard list --kind geohazard --overdue --json
expect_eq "$(json_get '.[0].inspect_every_days')" 7 "interval in the flood season"
# in July, a point patrolled 5 days ago is not overdue, one patrolled 8 days ago is
DUTYDESK_NOW='2027-07-10 09:00' expect_rc 0 dd hazard inspect 141032-HP-003 --result normal
DUTYDESK_NOW='2027-07-07 09:00' expect_rc 0 dd hazard inspect 141032-HP-004 --result normal
DUTYDESK_NOW='2027-07-15 10:00' expect_rc 0 dd hazard overdue --kind geohazard --township 芝河镇 --json
expect_eq "$(json_get '[.[] | select(.code == "141032-HP-003" or .code == "141032-HP-004") | .code] | join(",")')" \
	141032-HP-004 "7-day interval in July"
expect_eq "$(json_get '.[] | select(.code == "141032-HP-004") | .days_overdue')" 1 "days overdue in July"

# ---- filters: danger grades, type, status, in-warning ----
for p in 99 100 499 500 999 1000; do
	expect_rc 0 dd hazard add --kind geohazard --code "DG-$p" --name "界值点$p人" --township 坡头乡 --people "$p"
done
dg() { dd hazard list --kind geohazard --township 坡头乡 --danger "$1" --json | jq -r '[.[] | select(.code | startswith("DG-")) | .code] | join(",")'; }
expect_eq "$(dg small)" DG-99 "danger small: under 100"
expect_eq "$(dg medium)" DG-100,DG-499 "danger medium: 100-499"
expect_eq "$(dg large)" DG-500,DG-999 "danger large: 500-999"
expect_eq "$(dg huge)" DG-1000 "danger huge: 1000 and more"
expect_eq "$(dg 特大型)" DG-1000 "danger by its Chinese name"
expect_rc 0 dd hazard list --danger small --json
expect_all "--danger selects geohazards only" . '.kind == "geohazard" and .people < 100 and .danger == "small"'
expect_rc 2 dd hazard list --danger enormous
expect_err_has "huge|large|medium|small"
expect_rc 0 dd hazard show DG-500
expect_out_has "danger grade: 大型"

expect_rc 0 dd hazard list --type landslide --json
expect_eq "$(json_get length)" "$(sqlite3 "$DUTYDESK_DB" "SELECT count(*) FROM hazard WHERE subtype = 'landslide'")" "--type landslide"
expect_rc 0 dd hazard list --type 幼儿园 --json
expect_eq "$(json_get '[.[] | .code] | join(",")')" XF-004,XF-005 "--type by Chinese name"
expect_rc 2 dd hazard list --type 飞碟
printf 'code,name,township,people,status\r\nDG-99,界值点99人,坡头乡,99,mitigated\r\n' >"$S/status.csv"
expect_rc 0 dd hazard import "$S/status.csv" --kind geohazard
expect_rc 0 dd hazard list --status mitigated --json
expect_eq "$(json_get '[.[] | .code] | join(",")')" DG-99 "--status"
expect_rc 0 dd hazard list --overdue --json
expect_eq "$(json_get '[.[] | select(.code == "DG-99")] | length')" 0 "a mitigated point is not overdue"
expect_rc 2 dd hazard list --status gone

expect_rc 0 dd hazard list --in-warning --json
expect_eq "$(json_get length)" 0 "no warning in force"
expect_rc 0 dd warning add --colour orange --townships '坡头乡' --until '2026-11-29 08:00'
expect_rc 0 dd hazard list --in-warning --json
inw=$(json_get '[.[] | .code] | join(",")')
expect_all "points inside the warning" . '.township == "坡头乡" and .kind == "geohazard" and .status == "registered"'
expect_eq "$(json_get '[.[] | select(.code == "DG-99")] | length')" 0 "a mitigated point is outside"
expect_rc 0 dd warning points --json
expect_eq "$(json_get '[.[] | .code] | join(",")')" "$inw" "the same points as warning points"
DUTYDESK_NOW='2026-11-29 08:00' expect_rc 0 dd hazard list --in-warning --json
expect_eq "$(json_get length)" 0 "the warning has ended"
expect_rc 0 dd hazard export --kind geohazard --in-warning --danger huge --format json
expect_eq "$(json_get '[.[] | .code] | join(",")')" DG-1000 "export by the same filter"
