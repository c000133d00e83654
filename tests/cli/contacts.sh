#!/usr/bin/env bash
# The contact book: contact add | edit | list | show | search | call | link.
# Groups and several numbers per person; search by name, unit, post,
# number and pinyin initials; hazard monitors and team leaders are
# contacts, one person one record (a hazard import links or adds them, an
# edit of the contact reaches the points); calls go to an incident's
# timeline or the duty log; bad input changes nothing.
. "$(dirname "$0")/lib.sh"

expect_rc 0 dd demo
count() { # group -> contacts in it
	run dd contact list --group "$1" --json
	[ "$RC" -eq 0 ] || fail "contact list --group $1"
	json_get length
}

# ---- the demo's book: offices, leaders, 信息员, every monitor and team leader ----
expect_eq "$(count county_leader)" 4 "county leaders"
expect_eq "$(count township_leader)" 12 "township leaders (书记 and 乡镇长 of six)"
expect_eq "$(count info_officer)" 12 "灾害信息员 (two per township)"
expect_eq "$(count department)" 20 "departments and township offices"
expect_eq "$(count team)" 11 "team leaders"
# 180 geological hazard points, each monitor a contact of their own, linked
expect_rc 0 dd hazard list --kind geohazard --json
expect_eq "$(json_get length)" 180 "geohazard points"
run sqlite3 "$DUTYDESK_DB" "SELECT count(*) FROM hazard h JOIN contact c ON c.id = h.monitor_contact_id
	WHERE h.kind = 'geohazard' AND c.name = h.monitor AND c.grp = 'monitor'
	AND h.monitor_phone IN (c.phone, c.mobile)"
expect_eq "$(cat "$OUT")" 180 "every geohazard's monitor linked to their contact"
run sqlite3 "$DUTYDESK_DB" "SELECT count(*) FROM team WHERE leader_contact_id IS NULL AND leader IS NOT NULL"
expect_eq "$(cat "$OUT")" 0 "every team leader linked"
# linking again finds nothing to do
expect_rc 0 dd contact link --json
expect_eq "$(json_get '"\(.linked) \(.created)"')" "0 0" "contact link on a linked book"

# ---- search ----
expect_rc 0 dd contact search zsj --json
expect_eq "$(json_get '.[0].name')" 张建军 "zsj: 张书记 (张建军, 党委书记) first"
expect_eq "$(json_get '.[0].initials')" zjj "his initials"
expect_rc 0 dd contact search 张书记 --json
expect_eq "$(json_get '[.[].name] | join(",")')" 张建军 "张书记 in characters"
expect_rc 0 dd contact search xyjglj --json
expect_all "xyjglj: the 县应急管理局's people" . '.org == "县应急管理局"'
expect_eq "$(json_get length)" 4 "县应急管理局: four"
expect_rc 0 dd contact search 县气象局 --json
expect_eq "$(json_get '.[0].post')" 值班室 "by unit"
expect_rc 0 dd contact search 灾害信息员 --township 打石腰乡 --json
expect_eq "$(json_get '[.[].name] | join(",")')" 燕军,雷鸣 "by post, in one township"
expect_rc 0 dd contact search 1782930 --json
expect_eq "$(json_get '[.[].name] | join(",")')" 燕军 "by a further number"
expect_rc 0 dd contact search 龚宇 --json
expect_eq "$(json_get '.[0].grp')" monitor "a monitor is found like anyone"
expect_rc 0 dd contact search zsj
expect_out_has "张建军"
expect_rc 0 dd contact search qqqqqq
expect_out_has "name"
expect_rc 2 dd contact search zsj --group bosses
expect_err_has "--group: 'bosses': expected one of county_leader|township_leader"

# ---- add, with several numbers; a second time refused ----
expect_rc 0 dd contact add --name 张三 --group department --org 县民政局 --post 值班室 \
	--mobile 13900000001 --phones '13900000002、0357-1234567' --json
ID=$(json_get .id)
expect_rc 0 dd contact show 0357-1234567 --json
expect_eq "$(json_get '"\(.id) \(.phones) \(.grp)"')" "$ID 13900000002,0357-1234567 department" \
	"found by a further number, the list kept comma separated"
db_snapshot
expect_rc 2 dd contact add --name 张三 --phone 13900000002
expect_err_has "张三"
expect_err_has "already"
expect_rc 2 dd contact add --name 李四 --group boss
expect_err_has "--group"
expect_rc 2 dd contact add --org 县民政局
expect_err_has "name"
expect_db_unchanged "refused adds"
# a namesake with another number is another person
expect_rc 0 dd contact add --name 张三 --mobile 13900000009
expect_rc 2 dd contact show 张三
expect_err_has "2 contacts"
expect_err_has "$ID"
expect_rc 2 dd contact show 王不在
expect_err_has "no such contact"

# ---- a monitor's contact edited: the point follows ----
expect_rc 0 dd hazard show 141032-HP-059 --json
MON=$(json_get .monitor)
expect_rc 0 dd contact edit "$MON" --name "${MON}飞" --mobile 13700000059
expect_out_has "saved"
expect_rc 0 dd hazard show 141032-HP-059 --json
expect_eq "$(json_get '"\(.monitor) \(.monitor_phone)"')" "${MON}飞 13700000059" "the point names the edited contact"

# ---- a hazard register imported: monitors linked by name and number, not duplicated ----
D=$TMP/sheets
mkdir -p "$D"
printf '统一编号,隐患点名称,灾害类型,乡镇,村,规模,威胁户数,威胁人数,监测员,监测员电话\r\nCT-001,测试滑坡一,滑坡,桑壁镇,辛庄村,小型,3,11,%s,13700000059\r\nCT-002,测试滑坡二,滑坡,桑壁镇,辛庄村,小型,1,4,新监测员,13600000001\r\nCT-003,测试滑坡三,崩塌,桑壁镇,辛庄村,小型,1,2,新监测员,13600000001\r\n' \
	"${MON}飞" >"$D/monitors.csv"
before=$(dd contact list --json | jq length)
expect_rc 0 dd hazard import "$D/monitors.csv" --kind geohazard
expect_out_has "3 monitors and team leaders linked to the contact book, 1 of them added"
expect_eq "$(dd contact list --json | jq length)" $((before + 1)) "one new contact: 新监测员, once"
expect_rc 0 dd contact show "${MON}飞" --json
expect_eq "$(json_get '[.hazards[].code] | join(",")')" 141032-HP-059,CT-001 "one person, both points"
expect_rc 0 dd contact show 新监测员 --json
expect_eq "$(json_get '"\(.grp) \(.mobile) \(.township)"')" "monitor 13600000001 桑壁镇" "the new monitor"
expect_eq "$(json_get '[.hazards[].code] | join(",")')" CT-002,CT-003 "新监测员's points"
# importing it again adds nobody
expect_rc 0 dd hazard import "$D/monitors.csv" --kind geohazard
expect_eq "$(dd contact list --json | jq length)" $((before + 1)) "a second import adds nobody"
# a point added by hand with a known monitor links to them
expect_rc 0 dd hazard add --kind geohazard --code CT-004 --name 测试滑坡四 --township 桑壁镇 \
	--monitor 新监测员 --monitor-phone 13600000001
expect_rc 0 dd contact show 新监测员 --json
expect_eq "$(json_get '.hazards | length')" 3 "hazard add links the monitor"

# ---- calls: the incident's timeline, else the duty log ----
N=$(dd incident list --json | jq -r '.[0].number')
expect_rc 0 dd contact call 张建军 --outcome '已接通，马上到' --incident "$N"
expect_out_has "张建军"
expect_rc 0 dd incident show "$N" --json
expect_eq "$(json_get '[.timeline[] | select(.text != null and (.text | contains("张建军")))] | .[0].kind')" action \
	"the call is an action in the timeline"
expect_eq "$(json_get '[.timeline[] | select(.text != null and (.text | contains("已接通，马上到")))] | length')" 1 \
	"the timeline has the outcome"
expect_rc 0 dd contact call 燕军 --outcome 无人接听 --about 141032-HP-059
expect_rc 0 dd log list --json
expect_eq "$(json_get '[.[] | select(.text | contains("燕军"))] | length')" 1 "the call in the duty log"
expect_eq "$(json_get '[.[] | select(.text | contains("燕军") and contains("无人接听") and contains("141032-HP-059"))] | length')" 1 \
	"the log says the outcome and what it was about"
expect_rc 0 dd contact show 燕军 --json
expect_eq "$(json_get '.calls | length')" 1 "the call on the contact's record"
db_snapshot
expect_rc 2 dd contact call 燕军 --outcome '  '
expect_err_has "outcome"
expect_rc 2 dd contact call 王不在 --outcome 接通
expect_err_has "no such contact"
expect_rc 1 dd contact call 燕军 --outcome 接通 --incident 永和-1999-0001
expect_err_has "永和-1999-0001"
expect_rc 2 dd contact call 燕军 --outcome 接通 --incident "$N" --about x
expect_err_has "--about"
expect_db_unchanged "refused calls"

# ---- in Chinese: the groups by name, --help ----
LANGUAGE=zh_CN expect_rc 0 dd contact list --group 灾害信息员 --township 阁底乡
expect_out_has "灾害信息员"
expect_rc 0 dd contact --help
expect_out_has "search"
expect_out_has "call"
