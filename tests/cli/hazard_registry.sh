#!/usr/bin/env bash
# The hazard registry beyond list/import: households and evacuation,
# fire-unit defects, verification of imported rows, inspections with
# photos, alerts and incidents, overdue inspections, the filters.
. "$(dirname "$0")/lib.sh"

expect_rc 0 dd demo
P=141032-HP-001

# ---- households and evacuation ----
expect_rc 0 dd hazard households $P --json
expect_eq "$(json_get .total_households)" 12 "households of $P"
expect_eq "$(json_get .total_people)" 38 "people of $P's households"
expect_eq "$(json_get .evacuated_households)" 0 "none evacuated yet"
expect_eq "$(json_get '[.households[] | has("head") and has("address") and has("members") and has("phone") and has("evacuated_at") and has("evacuated_by")] | all')" true "household keys"
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
