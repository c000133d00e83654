#!/usr/bin/env bash
# What a watch needs of the verbs: how and to whom a report went and the
# figures it brings (a 续报 in writing is the written report), the
# warnings in force, everything owed (task due, the console header's
# count), the leader of the shift that takes over, reports written to a
# file whole; bad input changes nothing.
. "$(dirname "$0")/lib.sh"

export DUTYDESK_NOW="2026-11-28 18:00"
expect_rc 0 dd demo
expect_rc 0 dd shift start --officers 王明 --leader 张局长
N=$(dd incident add --title 护国村后山滑坡 --type landslide --level IV --township 桑壁镇 --trapped 2)
[[ $N == 永和-2026-???? ]] || fail "incident add gave no number: '$N'"
pass
due_what() { dd incident list --json | jq -r --arg n "$N" '.[] | select(.number == $n) | .next_due_what'; }

# ---- a report: how, to whom, and the figures in the same entry ----
expect_rc 0 dd incident note "$N" 电话报告县政府值班室 --kind first_report --via phone --to 县政府值班室
expect_eq "$(due_what)" written_report "due after the 首报 by phone"
expect_rc 0 dd incident note "$N" 被困2人已救出 --kind follow_up --via written --to 县政府值班室 \
	--trapped 0 --injured 1 --affected 40 --loss 12.5
expect_out_has "续报一"
expect_eq "$(due_what)" null "due after the 续报 in writing (the written report)"
expect_rc 0 dd incident show "$N" --json
expect_eq "$(json_get '[.trapped, .injured, .affected, .loss_10k] | join(",")')" "0,1,40,12.5" \
	"the incident's figures after the 续报"
expect_eq "$(json_get '.timeline[] | select(.kind == "follow_up") | [.via, .recipient, .affected, .loss_10k] | join(",")')" \
	"written,县政府值班室,40,12.5" "the 续报 keeps how, to whom and its figures"
db_snapshot
expect_rc 2 dd incident note "$N" 续报 --kind follow_up --affected 很多
expect_err_has "--affected"
expect_db_unchanged "a 续报 with a bad figure"

# ---- warnings in force ----
expect_rc 0 dd warning add --colour yellow --townships 桑壁镇、坡头乡 --until '2026-11-29 20:00' --source 县气象局
expect_rc 0 dd warning list --json
expect_eq "$(json_get 'length')" 1 "warnings in force"
expect_eq "$(json_get '.[0] | [.colour, .area] | join(",")')" "yellow,桑壁镇、坡头乡" "the warning"
W=$(json_get '.[0].id')
expect_rc 0 dd warning list
expect_out_has "$W" # the id the sms verbs take
export DUTYDESK_NOW="2026-11-29 21:00"
expect_rc 0 dd warning list --json
expect_eq "$(json_get 'length')" 0 "warnings in force once it has ended"

# ---- everything owed: reports, tasks, checklist items ----
expect_rc 0 dd task due --json
expect_eq "$(json_get '[.[] | select(.what == "task")] | length')" 2 "the warning's tasks"
first=$(json_get '.[0].due_at')
last=$(json_get '[.[] | select(.due_at != null)] | .[-1].due_at')
[[ $first < $last || $first == "$last" ]] || fail "task due is not soonest first: $first, $last"
pass
expect_eq "$(json_get '[.[] | select(.what == "first_report" and .overdue)] | length')" 4 \
	"the demo's incidents owing a 首报"
expect_eq "$(json_get '[.[] | select(.what == "task" and .overdue)] | length')" 2 \
	"the warning's tasks, late a day on"

# ---- the next shift's leader ----
expect_rc 0 dd shift handover --to 李华 --notes 护国村继续监测
expect_rc 0 dd shift ack --name 李华 --leader 刘副局长
expect_rc 0 dd shift current --json
expect_eq "$(json_get '[.officers, .leader] | join(",")')" "李华,刘副局长" "the new shift"
expect_rc 0 dd report shift handed --json
expect_eq "$(json_get '.notes // .shift.notes // empty' | head -1)" 护国村继续监测 "the handed shift's notes"

# ---- reports to a file ----
expect_rc 0 dd report daily --date 2026-11-29 --out "$TMP/daily.txt"
expect_out_has "report written to $TMP/daily.txt"
grep -q "值班日报" "$TMP/daily.txt" || fail "the daily report file lacks its title"
pass
grep -q "$N" "$TMP/daily.txt" || fail "the daily report file lacks $N"
pass
[ ! -e "$TMP/daily.txt.tmp" ] || fail "the temporary file was left"
pass
expect_rc 0 dd report incident "$N" --format md --out "$TMP/n.md"
grep -q "护国村后山滑坡" "$TMP/n.md" || fail "the incident report file lacks the title"
pass
expect_rc 1 dd report daily --out "$TMP/no/such/dir/daily.txt"
expect_err_has "--out"
expect_err_has "cannot write"
