#!/usr/bin/env bash
# The duty workflow: shift start | handover | ack | list, deadlines in
# incident list, reports and corrections on the timeline, duplicate calls,
# the duty log and the tasks a warning opens.
. "$(dirname "$0")/lib.sh"

at() { export DUTYDESK_NOW="2026-11-28 $1"; }
at_day() { export DUTYDESK_NOW="$1"; }

expect_rc 0 dd demo

# ---- shifts ----
expect_rc 0 dd shift start --officers 王明 --leader 张局长
expect_rc 0 dd shift list --json
expect_eq "$(json_get length)" 1 "shifts after one start"
expect_eq "$(json_get '.[0].officers')" 王明 "shift officers"
expect_eq "$(json_get '.[0].leader')" 张局长 "shift leader"
expect_eq "$(json_get '.[0].started_at')" 2026-11-28T18:00:00+08:00 "shift started_at"
expect_eq "$(json_get '.[0].ended_at')" null "an open shift has no end"
SHIFT1=$(json_get '.[0].id')
db_snapshot
expect_rc 1 dd shift start --officers 李华
expect_err_has "already open"
expect_db_unchanged "a second shift start"

# ---- an incident and its deadline ----
N1=$(dd incident add --title 桑壁镇后山滑坡 --type landslide --level III --township 桑壁镇 \
	--trapped 2 --note 来电称后山滑坡)
[[ $N1 == 永和-2026-???? ]] || fail "incident add gave no number: '$N1'"
pass
due() { # due NUMBER FILTER: a field of the incident in incident list --json
	run dd incident list --json
	[ "$RC" -eq 0 ] || fail "incident list failed"
	json_get --arg n "$1" ".[] | select(.number == \$n) | $2"
}
expect_eq "$(due "$N1" .next_due_what)" first_report "a new incident owes the 首报"
expect_eq "$(due "$N1" .next_due)" 2026-11-28T20:00:00+08:00 "first report due 2h after the call"
expect_eq "$(due "$N1" .due_rule)" default "the rule that set it"
expect_eq "$(due "$N1" .overdue)" false "not overdue at once"
at 20:00
expect_eq "$(due "$N1" .overdue)" false "not overdue exactly at the deadline"
at 20:01
expect_eq "$(due "$N1" .overdue)" true "overdue one minute after"
expect_rc 0 dd incident list
grep -q "$N1 .*OVERDUE first_report" "$OUT" || fail "the text list does not show OVERDUE"
pass
grep -q "$N1 .*OVERDUE first_report 11-28 20:00" "$OUT" || fail "the overdue deadline's time is cut"
pass

at 18:10
expect_rc 0 dd incident note "$N1" 电话首报县政府总值班室 --kind first_report --via phone
expect_eq "$(due "$N1" .next_due_what)" written_report "after the phone 首报 the written report is next"
expect_eq "$(due "$N1" .next_due)" 2026-11-29T00:00:00+08:00 "written report 6h after the call"
expect_eq "$(due "$N1" .overdue)" false "written report not overdue"

# 续报 numbered by themselves; figures change the header, not earlier entries.
at 18:12
expect_rc 0 dd incident note "$N1" 现场已设警戒 --kind follow_up
expect_eq "$(cat "$OUT")" 续报一 "first follow-up"
at 18:14
expect_rc 0 dd incident note "$N1" 被困人员已救出 --kind follow_up --trapped 0 --injured 1
expect_eq "$(cat "$OUT")" 续报二 "second follow-up"
expect_rc 0 dd incident show "$N1" --json
expect_eq "$(json_get '[.timeline[] | select(.kind == "follow_up") | .seq] | join(",")')" 1,2 "follow-up seq"
expect_eq "$(json_get '.trapped')" 0 "trapped in the header after the note"
expect_eq "$(json_get '.injured')" 1 "injured in the header after the note"
expect_eq "$(json_get '.timeline[0].trapped')" 2 "the first entry keeps trapped 2"
expect_eq "$(json_get '.timeline[0].injured')" 0 "the first entry keeps injured 0"
expect_eq "$(json_get '[.timeline[] | select(.seq == 2) | .trapped, .injured] | join(",")')" 0,1 \
	"the follow-up entry holds its figures"
expect_eq "$(json_get '[.timeline[] | select(.kind == "first_report") | .via] | join(",")')" phone "via"
E1=$(json_get '.timeline[] | select(.seq == 1) | .id')
NTL=$(json_get '.timeline | length')

# A correction strikes an entry; nothing is deleted.
at 18:16
expect_rc 0 dd incident correct "$N1" "${E1:0:20}" 更正：警戒范围为后山坡脚200米
expect_rc 0 dd incident show "$N1" --json
expect_eq "$(json_get '.timeline | length')" $((NTL + 1)) "a correction adds an entry"
expect_eq "$(json_get --arg id "$E1" '.timeline[] | select(.id == $id) | .text')" 现场已设警戒 \
	"the struck entry is kept as it was"
C1=$(json_get '.timeline[] | select(.kind == "correction") | .id')
expect_eq "$(json_get --arg id "$E1" '.timeline[] | select(.id == $id) | .corrected_by')" "$C1" \
	"the struck entry names its correction"
expect_eq "$(json_get '.timeline[] | select(.kind == "correction") | .corrects_id')" "$E1" \
	"the correction names the struck entry"
expect_eq "$(json_get '.timeline[] | select(.kind == "correction") | .text')" 更正：警戒范围为后山坡脚200米 \
	"the correction text"


# Production safety: an accident owes its 首报 in 1h, not 2h.
at 18:20
G=$(dd incident add --title 芝河镇燃气泄漏 --type gas_leak --level IV --township 芝河镇)
expect_eq "$(due "$G" .class)" accident "gas_leak is an accident"
expect_eq "$(due "$G" .next_due)" 2026-11-28T19:20:00+08:00 "an accident's 首报 is due in 1h"
expect_eq "$(due "$G" .due_rule)" production-safety "rule of the accident's deadline"
at 18:22
expect_rc 0 dd incident note "$G" 已电话报告 --kind first_report --via phone
expect_eq "$(due "$G" .next_due)" 2026-11-28T20:20:00+08:00 "an accident's written report in 2h"

# ---- the same call twice ----
at 18:25
expect_rc 0 dd incident add --title 桑壁镇滑坡又一来电 --type landslide --level III --township 桑壁镇 --json
expect_eq "$(json_get .duplicate_of)" "$N1" "duplicate_of within 30 minutes, same type and township"
N2=$(json_get .number)
expect_err_has "likely the same call"
expect_err_has "$N1"
at 19:05 # 40 minutes after the last landslide call, 65 after the first
expect_rc 0 dd incident add --title 桑壁镇滑坡第三处 --type landslide --level III --township 桑壁镇 --json
expect_eq "$(json_get .duplicate_of)" null "no duplicate 40 minutes later"
expect_eq "$(wc -c <"$ERR")" 0 "no warning 40 minutes later"
expect_rc 0 dd incident add --title 坡头乡滑坡 --type landslide --level IV --township 坡头乡
expect_eq "$(wc -c <"$ERR")" 0 "no warning for another township"
N4=$(cat "$OUT")

# ---- the duty log and tasks ----
at 19:10
expect_rc 0 dd log add 县气象局发布暴雨黄色预警 --kind warning --colour yellow \
	--until '2026-11-29 18:00' --area 全县 --source 县气象局
W=$(cat "$OUT")
expect_rc 0 dd task list --json
expect_eq "$(json_get length)" 2 "a warning opens two tasks"
expect_eq "$(json_get '[.[].due_at] | join(",")')" \
	2026-11-28T19:20:00+08:00,2026-11-28T19:40:00+08:00 "tasks due 10 and 30 minutes after"
expect_eq "$(json_get '[.[].title] | join(",")')" 电话报告带班领导,转发相关股室和乡镇 "task titles"
expect_all "new tasks are open" . '.overdue == false and .done_at == null'
T1=$(json_get '.[0].id')
T2=$(json_get '.[1].id')
at 19:15
expect_rc 0 dd task done "${T1:0:20}"
expect_rc 0 dd task list --json
expect_eq "$(json_get '[.[].id] | join(",")')" "$T2" "task list shows only the open task"
at 19:45
expect_rc 0 dd task list --json
expect_eq "$(json_get '.[0].overdue')" true "the open task is overdue after 30 minutes"
expect_rc 0 dd task list --all --json
expect_eq "$(json_get length)" 2 "task list --all"
expect_eq "$(json_get --arg id "$T1" '.[] | select(.id == $id) | .done_at')" 2026-11-28T19:15:00+08:00 \
	"done_at"
db_snapshot
expect_rc 1 dd task done "$T1"
expect_db_unchanged "task done twice"
db_snapshot
expect_rc 2 dd task done "${T1:0:8}"
expect_db_unchanged "task done with an ambiguous prefix"

at 19:50
expect_rc 0 dd log add 桑壁镇来电询问道路通行情况 --kind call --township 桑壁镇
expect_rc 0 dd log list --json
expect_eq "$(json_get '[.[].at] == ([.[].at] | sort)')" true "log list is in time order"
expect_eq "$(json_get '[.[] | select(.incident != null)] | length > 0')" true "log list has incident entries"
expect_eq "$(json_get '[.[] | select(.incident == null) | .kind] | join(",")')" warning,call \
	"log list has the duty entries"
expect_eq "$(json_get '[.[] | select(.at >= "2026-11-28T18:10:00+08:00") | .kind] | join(",")')" \
	first_report,follow_up,follow_up,correction,received,first_report,received,received,received,warning,call \
	"entries since 18:10, duty and incident entries interleaved by time"
expect_rc 0 dd log list --kind warning --json
expect_eq "$(json_get '[.[].text] | join(",")')" 县气象局发布暴雨黄色预警 "log list --kind warning"
expect_rc 0 dd log list --kind follow_up --json
expect_eq "$(json_get 'length')" 2 "log list --kind follow_up (a timeline kind)"
expect_rc 0 dd log list --township 桑壁镇 --json
expect_all "log list --township: only 桑壁镇" . '.township == "桑壁镇"'
expect_eq "$(json_get '[.[] | select(.incident == null) | .text] | join(",")')" 桑壁镇来电询问道路通行情况 \
	"log list --township keeps the duty entry of that township"
expect_eq "$(json_get --arg n "$N2" '[.[] | select(.incident == $n)] | length')" 1 \
	"log list --township has the duplicate call"
expect_eq "$(json_get --arg n "$N4" '[.[] | select(.incident == $n)] | length')" 0 \
	"log list --township leaves out other townships"
expect_rc 0 dd log list --shift current --json
expect_eq "$(json_get '[.[] | select(.at < "2026-11-28T18:00:00+08:00")] | length')" 0 \
	"log list --shift current has nothing before the shift"
expect_eq "$(json_get '[.[] | select(.kind == "warning")] | length')" 1 "log list --shift has the warning"

# ---- bad input leaves the database unchanged ----
db_snapshot
# (without --to the demo's roster proposes the next officer: roster.sh)
expect_rc 2 dd shift handover --to ''
expect_err_has "who takes over"
expect_rc 2 dd log add x --kind nonsense
expect_rc 2 dd log add x --kind warning --colour purple
expect_rc 2 dd log add x --kind warning --until tomorrow
expect_rc 1 dd task done no-such-task
expect_err_has "no such task"
expect_rc 1 dd incident correct "$N1" ffffffff 更正
expect_err_has "no such entry"
expect_rc 2 dd incident correct "$N1" 0 更正 # every id starts with 0: ambiguous
expect_rc 1 dd incident correct 永和-2026-9999 "$E1" 更正
expect_rc 2 dd incident note "$N1" x --kind follow_up --via pigeon
expect_rc 2 dd log list --kind nonsense
expect_rc 1 dd shift ack --name 李华 # no handover waiting
expect_err_has "no handover"
expect_db_unchanged "bad duty input"

# ---- handover ----
at_day '2026-11-29 08:00'
expect_rc 0 dd shift handover --to 李华 --equipment 卫星电话正常 --notes 注意桑壁镇滑坡
for n in "$N1" "$N2" "$G" "$N4"; do
	expect_out_has "$n"
done
expect_out_has 县气象局发布暴雨黄色预警
expect_out_has 转发相关股室和乡镇
expect_out_lacks 电话报告带班领导 # done before the handover
expect_out_has 卫星电话正常
expect_out_has 注意桑壁镇滑坡
expect_out_has 李华
expect_rc 0 dd shift show last --json
expect_eq "$(json_get .handed_to)" 李华 "handed_to"
expect_eq "$(json_get .ended_at)" 2026-11-29T08:00:00+08:00 "ended_at"
expect_eq "$(json_get '.handover.incoming')" 李华 "summary: incoming"
expect_eq "$(json_get '.handover.outgoing')" 王明 "summary: outgoing"
expect_eq "$(json_get --arg n "$N1" '[.handover.open_incidents[].number] | index($n) != null')" true \
	"summary: open incidents"
expect_eq "$(json_get '[.handover.warnings[].text] | join(",")')" 县气象局发布暴雨黄色预警 "summary: warnings"
expect_eq "$(json_get '[.handover.new_by_class[] | "\(.class)=\(.n)"] | sort | join(",")')" \
	accident=1,natural_disaster=4 "summary: new reports by class in the shift"
expect_rc 1 dd shift handover --to 赵六 # no open shift any more
at_day '2026-11-29 08:05'
expect_rc 0 dd shift ack --name 李华
expect_rc 1 dd shift ack --name 李华 # acknowledged already
expect_err_has "already acknowledged"
expect_rc 0 dd shift list --json
expect_eq "$(json_get length)" 2 "two shifts"
expect_eq "$(json_get '.[0].officers')" 李华 "the new shift is 李华's"
expect_eq "$(json_get '.[0].started_at')" 2026-11-29T08:05:00+08:00 "the new shift starts at the ack"
expect_eq "$(json_get '.[0].ended_at')" null "the new shift is open"
expect_eq "$(json_get '.[1].acked_by')" 李华 "the old shift was acknowledged by 李华"
expect_eq "$(json_get '.[1].acked_at')" 2026-11-29T08:05:00+08:00 "acked_at"
SHIFT2=$(json_get '.[0].id')
expect_rc 0 dd shift current --json
expect_eq "$(json_get .id)" "$SHIFT2" "shift current"

# Every entry made while a shift was open carries it.
at_day '2026-11-29 08:10'
expect_rc 0 dd incident note "$N1" 接班后续报 --kind follow_up
expect_eq "$(cat "$OUT")" 续报三 "third follow-up"
expect_rc 0 dd incident show "$N1" --json
expect_all "timeline entries of the first shift carry its id" '[.timeline[] | select(.created_at < "2026-11-29")]' \
	'.shift == $s' --arg s "$SHIFT1"
expect_eq "$(json_get '.timeline[-1].shift')" "$SHIFT2" "an entry after the ack carries the new shift"
expect_rc 0 dd incident show "$G" --json
expect_all "every entry of $G carries the shift" .timeline '.shift == $s' --arg s "$SHIFT1"
expect_eq "$(sqlite3 "$DUTYDESK_DB" "SELECT count(*) FROM timeline WHERE shift_id IS NULL AND incident_id IN
	(SELECT id FROM incident WHERE number IN ('$N1', '$N2', '$G', '$N4'))")" 0 \
	"no timeline entry made during a shift lacks the shift id"
expect_rc 0 dd log list --shift "$SHIFT1" --json
expect_eq "$(json_get '[.[] | select(.kind == "call")] | length')" 1 "log list --shift ID"

# An entry by its place on the timeline, as the console numbers it (#N, or N).
expect_rc 0 dd incident show "$N1" --json
E2=$(json_get '.timeline[1].id')
expect_rc 0 dd incident correct "$N1" '#2' 更正：第二条
expect_rc 0 dd incident show "$N1" --json
expect_eq "$(json_get '.timeline[] | select(.text == "更正：第二条") | .corrects_id')" "$E2" \
	"'#2' names the second entry"
expect_rc 1 dd incident correct "$N1" 99 更正：没有第99条
expect_err_has "entry '99': no such entry"
