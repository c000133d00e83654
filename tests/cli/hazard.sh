#!/usr/bin/env bash
# hazard list | show | add | inspect
. "$(dirname "$0")/lib.sh"

expect_rc 0 dd demo

expect_rc 0 dd hazard list --kind geohazard --scale large --json
expect_eq "$(json_get length)" 6 "large geohazards"
expect_all "kind/scale filter" . '.kind == "geohazard" and .scale == "large"'
expect_rc 0 dd hazard list --kind geohazard --scale medium --json
expect_eq "$(json_get length)" 10 "medium geohazards"
expect_rc 0 dd hazard list --kind geohazard --json
expect_eq "$(json_get length)" 180 "geohazards"
expect_eq "$(json_get '[.[] | select(.road)] | length')" 35 "road geohazards"
expect_eq "$(json_get '[.[] | select(.county_town)] | length')" 21 "county-town geohazards"
expect_eq "$(json_get '[.[] | select(.high_risk) | .people] | add')" 240 "people in high-risk zones"
expect_rc 0 dd hazard list --kind fire_unit --json
expect_eq "$(json_get length)" 36 "fire key units"
expect_eq "$(json_get '[.[] | select(.subtype == "middle_school")] | length')" 3 "middle schools"
expect_rc 0 dd hazard list --kind major_source --json
expect_eq "$(json_get length)" 7 "major hazard sources"
expect_rc 0 dd hazard list --kind flood_point --json
expect_eq "$(json_get length)" 8 "flood points"
expect_rc 0 dd hazard list --json
expect_eq "$(json_get length)" 231 "all hazards"
expect_rc 0 dd hazard list --kind geohazard --township 桑壁镇 --json
expect_eq "$(json_get length)" 34 "geohazards in 桑壁镇"
expect_all "township filter" . '.township == "桑壁镇" and .township_code == "141032101"'
expect_rc 0 dd hazard list --kind geohazard --township 141032101 --json
expect_eq "$(json_get length)" 34 "geohazards in 桑壁镇 by code"
expect_rc 0 dd hazard list --kind geohazard --township 芝河镇 --scale large --json
expect_eq "$(json_get length)" 6 "large geohazards in 芝河镇"
expect_rc 0 dd hazard list --limit 5 --json
expect_eq "$(json_get length)" 5 "--limit 5"

# JSON shape.
expect_rc 0 dd hazard list --kind geohazard --json
for k in id code kind subtype name township village scale road county_town high_risk households \
	people monitor monitor_phone status lon lat; do
	expect_all "every hazard has key '$k'" . 'has($k)' --arg k "$k"
done
for k in road county_town high_risk; do
	expect_all "$k is a JSON boolean" . '.[$k] | type == "boolean"' --arg k "$k"
done
expect_all "lon/lat are numbers" . '(.lon | type) == "number" and (.lat | type) == "number"'
h=$(json_get '.[] | select(.code == "141032-HP-001") | [.name, .scale, .road, .county_town, .high_risk, .households, .people] | join(",")')
expect_eq "$h" "城关社区东山坡滑坡,large,false,true,true,12,38" "141032-HP-001 in the list"

# Usage errors of list.
expect_rc 2 dd hazard list --kind volcano
expect_rc 2 dd hazard list --scale huge
expect_rc 2 dd hazard list --township 不存在镇

# show CODE.
expect_rc 0 dd hazard show 141032-HP-001
expect_out_has 城关社区东山坡滑坡
expect_out_has 芝河河滨广场
expect_rc 0 dd hazard show 141032-HP-001 --json
expect_eq "$(json_get .code)" 141032-HP-001 "show --json code"
# the demo's checks of 2026: pre-flood, two in-flood patrols (one abnormal), post-flood, November
expect_eq "$(json_get '[.inspections[] | .kind] | join(",")')" "patrol,post_flood,in_flood,in_flood,pre_flood" "the demo inspections, newest first"
expect_eq "$(json_get '[.inspections[] | select(.result == "abnormal") | .at[0:10]] | join(",")')" 2026-07-16 "the abnormal in-flood patrol"
expect_eq "$(json_get '.overdue')" false "inspected in November: not overdue"
expect_rc 1 dd hazard show NO-SUCH-CODE
expect_err_has "no such hazard"

# add, then see it in the list.
expect_rc 0 dd hazard add --kind geohazard --code 141032-HP-901 --name 辛庄村后山新裂缝 \
	--subtype ground_fissure --township 桑壁镇 --village 辛庄村 --scale small --road 0 \
	--county-town 0 --high-risk 1 --households 2 --people 9 --monitor 王五 \
	--monitor-phone 13900000000 --lon 110.71 --lat 36.81 --notes 雨后巡查发现
expect_out_has 141032-HP-901
expect_rc 0 dd hazard list --kind geohazard --township 桑壁镇 --json
expect_eq "$(json_get length)" 35 "geohazards in 桑壁镇 after add"
got=$(json_get '.[] | select(.code == "141032-HP-901") | [.name, .subtype, .village, .scale, .road, .county_town, .high_risk, .households, .people, .monitor, .monitor_phone, .lon, .lat] | join(",")')
expect_eq "$got" "辛庄村后山新裂缝,ground_fissure,辛庄村,small,false,false,true,2,9,王五,13900000000,110.71,36.81" "the added hazard"
expect_rc 0 dd hazard list --kind geohazard --township 桑壁镇
expect_out_has 辛庄村后山新裂缝
expect_rc 0 dd stats --json
expect_eq "$(json_get .geohazards.total)" 181 "stats after add"
expect_eq "$(json_get .geohazards.high_risk.people)" 249 "high-risk people after add"
expect_rc 0 dd hazard add --kind fire_unit --code XF-901 --name 永和县第三幼儿园 --subtype kindergarten --township 芝河镇
expect_rc 0 dd hazard list --kind fire_unit --json
expect_eq "$(json_get length)" 37 "fire units after add"

# inspect.
expect_rc 0 dd hazard inspect 141032-HP-901 --result abnormal --note 裂缝加宽约3厘米 --inspector 李四
expect_rc 0 dd hazard show 141032-HP-901 --json
expect_eq "$(json_get '.inspections | length')" 1 "inspections after inspect"
expect_eq "$(json_get '.inspections[0] | [.result, .note, .inspector, .kind, .at] | join(",")')" \
	"abnormal,裂缝加宽约3厘米,李四,patrol,2026-11-28T18:00:00+08:00" "the inspection"
expect_rc 0 dd hazard inspect 141032-HP-001 --result normal --kind pre_flood --at '2026-11-27 09:00'
expect_rc 0 dd hazard show 141032-HP-001 --json
expect_eq "$(json_get '.inspections[0] | [.result, .kind, .at] | join(",")')" \
	"normal,pre_flood,2026-11-27T09:00:00+08:00" "inspection with --kind and --at"

before=$(db_digest)
expect_rc 1 dd hazard inspect NO-SUCH-CODE --result normal
expect_err_has "no such hazard"
expect_rc 2 dd hazard inspect 141032-HP-001 --result odd
expect_rc 2 dd hazard inspect 141032-HP-001
expect_rc 2 dd hazard inspect 141032-HP-001 --result normal --at '2026-13-01 10:00'
expect_eq "$(db_digest)" "$before" "database after failed inspections"
