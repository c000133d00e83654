#!/bin/bash
# A geohazard warning over townships: the points inside it, with their
# monitors' phones and the people threatened totalled; the warning's
# tasks; out of force after its end.
. "$(dirname "$0")/lib.sh"
expect_rc 0 dd demo
expect_rc 0 dd warning add --colour yellow --townships '桑壁镇、坡头乡' --until '2026-11-29 20:00' \
	--source 临汾市自然资源局
W=$(cat "$OUT")
expect_rc 0 dd warning points --json
expected=$(sqlite3 "$DUTYDESK_DB" "SELECT count(*) FROM hazard WHERE kind = 'geohazard'
	AND township_code IN ('141032101', '141032202')")
[ "$expected" -gt 0 ] || fail "the demo has points in 桑壁镇 and 坡头乡"
pass
expect_eq "$(json_get length)" "$expected" "points inside the warning"
expect_eq "$(json_get '[.[] | .township] | unique | sort | join(",")')" "坡头乡,桑壁镇" \
	"townships of the points"
expect_eq "$(json_get '[.[] | select(.monitor_phone == null)] | length')" 0 "points without a phone"
people=$(sqlite3 "$DUTYDESK_DB" "SELECT sum(people) FROM hazard WHERE kind = 'geohazard'
	AND township_code IN ('141032101', '141032202')")
expect_rc 0 dd warning points
expect_out_has "$expected points"
expect_out_has "$people people threatened"
expect_rc 0 dd task list --json
expect_eq "$(json_get length)" 2 "the warning's tasks"
expect_rc 0 dd log list --kind warning --json
expect_eq "$(json_get '.[0].text')" "临汾市自然资源局地质灾害气象风险黄色预警（桑壁镇、坡头乡）" "the log line"
# one warning by its id, and none in force after it ends
expect_rc 0 dd warning points "${W:0:13}" --json
expect_eq "$(json_get length)" "$expected" "points of one warning"
DUTYDESK_NOW='2026-11-29 20:01' expect_rc 0 dd warning points --json
expect_eq "$(json_get length)" 0 "points after the warning ended"
# bad input changes nothing
db_snapshot
expect_rc 2 dd warning add --colour purple --townships 桑壁镇
expect_rc 2 dd warning add --colour yellow --townships 不存在镇
expect_err_has "--townships: township: '不存在镇'"
expect_rc 2 dd warning add --colour yellow
expect_rc 2 dd warning add --colour yellow --townships 桑壁镇 --until 2026-02-30
expect_db_unchanged "refused warnings"
