#!/usr/bin/env bash
# The duty roster (值班表): roster import from the office's monthly sheet
# (CSV and .xlsx, day and night shifts, dates as clerks write them), a
# month imported again replaces that month, bad rows named and nothing
# written; roster show and today; the shift nobody took over in task due;
# handover proposing the next shift's officer.
. "$(dirname "$0")/lib.sh"
MK="$(dirname "$0")/mkxlsx.py"
export DUTYDESK_NOW='2026-12-02 09:00'
expect_rc 0 dd init

# ---- a row a day, day and night officers, dates in several forms ----
cat >"$TMP/dec.csv" <<'CSV'
永和县应急管理局2026年12月值班表
日期,星期,带班领导,白班,夜班,值班电话
2026/12/1,二,王局长,张三,李四,0358-6000110
2026年12月2日,三,王局长,赵五,钱六,
20261203,四,刘副局长,孙七,周八,
CSV
expect_rc 0 dd roster import "$TMP/dec.csv"
expect_out_has "3 rows, 6 shifts for 2026-12: 6 new, 0 changed, 0 removed, 0 unchanged"
expect_out_has "dates written as YYYY-MM-DD: 3"
expect_rc 0 dd roster show --month 2026-12 --json
expect_eq "$(json_get length)" 6 "six shifts"
expect_eq "$(json_get '.[2] | [.day, .shift, .officer, .leader] | join(" ")')" \
	"2026-12-02 day 赵五 王局长" "the second day's day shift"
expect_eq "$(json_get '.[3].starts_at')" 2026-12-02T18:00:00+08:00 "the night starts at 18:00"
expect_eq "$(json_get '.[3].ends_at')" 2026-12-03T08:00:00+08:00 "and ends at 08:00 the next day"
expect_eq "$(json_get '.[0].phone')" 0358-6000110 "the duty phone"

# ---- today: the duty day's shifts and the one under way ----
expect_rc 0 dd roster today --json
expect_eq "$(json_get '[.[] | select(.now) | .officer] | join(",")')" 赵五 "on duty at 09:00"
export DUTYDESK_NOW='2026-12-03 07:30'
expect_rc 0 dd roster today --json
expect_eq "$(json_get '[.[] | select(.now) | .officer] | join(",")')" 钱六 \
	"at 07:30 the duty day is still the 2nd: its night shift"
expect_rc 0 dd roster today
expect_out_has "钱六"
LANG=zh_CN.UTF-8 LANGUAGE=zh_CN expect_rc 0 dd roster today
expect_out_has "夜班"
expect_out_has "带班领导"
export DUTYDESK_NOW='2026-12-02 09:00'

# ---- the shift nobody took over is a task 15 minutes after its start ----
export DUTYDESK_NOW='2026-12-02 08:14'
expect_rc 0 dd task due --json
expect_eq "$(json_get '[.[] | select(.what == "shift_ack")] | length')" 0 "not a task before 08:15"
export DUTYDESK_NOW='2026-12-02 09:00'
expect_rc 0 dd task due --json
expect_eq "$(json_get '[.[] | select(.what == "shift_ack") | .owner] | join(",")')" 赵五 \
	"the day shift nobody took over is owed"
expect_eq "$(json_get '[.[] | select(.what == "shift_ack")][0].overdue')" true "and overdue"
expect_eq "$(json_get '[.[] | select(.what == "shift_ack")][0].due_at')" \
	2026-12-02T08:15:00+08:00 "due 15 minutes after the start"
expect_rc 0 dd shift start --officers 赵五 --leader 王局长
expect_rc 0 dd task due --json
expect_eq "$(json_get '[.[] | select(.what == "shift_ack")] | length')" 0 "taken over: no longer owed"

# ---- handover proposes the next shift's officer ----
export DUTYDESK_NOW='2026-12-02 17:50'
expect_rc 0 dd shift handover --notes 无异常
expect_out_has "handed over to 钱六"
expect_rc 0 dd shift list --json
expect_eq "$(json_get '.[0].handed_to')" 钱六 "handed to the roster's night officer"
expect_rc 0 dd shift ack --name 钱六
export DUTYDESK_NOW='2026-12-03 08:05'
expect_rc 0 dd shift handover --to 别人
expect_out_lacks "by the roster"
expect_rc 0 dd shift list --json
expect_eq "$(json_get '.[0].handed_to')" 别人 "--to still decides"

# ---- the same month again: replaced, and what changed is said ----
cat >"$TMP/dec2.csv" <<'CSV'
日期,带班领导,白班,夜班
2026-12-01,王局长,张三,李四
2026-12-02,王局长,赵五,吴九
2026-12-04,刘副局长,郑十,冯十一
CSV
expect_rc 0 dd roster import "$TMP/dec2.csv" --dry-run
expect_out_has "dry run"
expect_rc 0 dd roster show --month 2026-12 --json
expect_eq "$(json_get '[.[] | .officer] | join(",")')" 张三,李四,赵五,钱六,孙七,周八 \
	"a dry run writes nothing"
expect_rc 0 dd roster import "$TMP/dec2.csv"
# 12-01 loses its phone, 12-02 night another officer; 12-03 gone, 12-04 new
expect_out_has "3 rows, 6 shifts for 2026-12: 2 new, 3 changed, 2 removed, 1 unchanged"
expect_rc 0 dd roster show --month 2026-12 --json
expect_eq "$(json_get '[.[] | .officer] | join(",")')" 张三,李四,赵五,吴九,郑十,冯十一 \
	"the month is the sheet's"

# ---- .xlsx: date cells, a row a shift with 班次, a second sheet ----
python3 "$MK" "$TMP/jan.xlsx" <<'JSON' || fail "mkxlsx"
{"sheets": [
 {"name": "说明", "rows": [["本表为示例"]]},
 {"name": "2027年1月", "rows": [
  ["日期", "班次", "值班员", "带班领导", "备注"],
  [{"date": 46388}, "白班", "张三", "王局长", null],
  [{"date": 46388}, "夜班", "李四", "王局长", "元旦"],
  ["2027-01-02", "全天", "赵五", "刘副局长", null]
 ]}]}
JSON
expect_rc 0 dd roster import "$TMP/jan.xlsx"
expect_out_has "3 rows, 3 shifts for 2027-01: 3 new"
expect_rc 0 dd roster show --month 2027-01 --json
expect_eq "$(json_get '[.[] | .day + " " + .shift + " " + .officer] | join(",")')" \
	"2027-01-01 day 张三,2027-01-01 night 李四,2027-01-02 all 赵五" "the workbook's shifts"
expect_eq "$(json_get '.[2].ends_at')" 2027-01-03T08:00:00+08:00 "a whole day: 08:00 to 08:00"
expect_eq "$(json_get '.[1].notes')" 元旦 "notes kept"
expect_rc 0 dd roster show --month 2026-12 --json
expect_eq "$(json_get length)" 6 "another month stays as it was"

# ---- bad rows: every one named file:sheet:row, nothing written ----
python3 "$MK" "$TMP/bad.xlsx" <<'JSON' || fail "mkxlsx"
{"sheets": [{"name": "值班表", "rows": [
  ["日期", "带班领导", "白班", "夜班"],
  ["2027-01-05", "王局长", "张三", "李四"],
  ["2027-02-30", "王局长", "张三", "李四"],
  ["2027-01-06", "王局长", null, null],
  ["2027-01-05", "刘副局长", "赵五", null]
 ]}]}
JSON
db_snapshot
expect_rc 1 dd roster import "$TMP/bad.xlsx"
expect_err_has "bad.xlsx:值班表:3: 日期: '2027-02-30'"
expect_err_has "bad.xlsx:值班表:4: nobody on duty"
expect_err_has "bad.xlsx:值班表:5: 2027-01-05 day shift: the roster gives it already at"
expect_err_has "bad.xlsx:值班表:2"
expect_err_has "3 bad rows; nothing was imported"
expect_db_unchanged "a roster with bad rows"
refused() { # refused NAME MESSAGE: the CSV on stdin is refused with MESSAGE
	cat >"$TMP/$1.csv"
	expect_rc 1 dd roster import "$TMP/$1.csv"
	expect_err_has "$1.csv:$2"
}
printf '日期,值班员,白班\n2027-01-07,张三,李四\n' | refused mixed "2: both an officer"
printf '日期,值班员,车辆\n2027-01-07,张三,晋J\n' | refused unknown \
	"1: unknown columns for roster: '车辆'"
printf '日期,值班员\n2027-01-07,张三\n2027/1/7,李四\n' | refused twice \
	"3: 2027-01-07 all day: the roster gives it already at"
expect_db_unchanged "rosters refused"
LANG=zh_CN.UTF-8 LANGUAGE=zh_CN expect_rc 1 dd roster import "$TMP/bad.xlsx"
expect_err_has "无人值班"
expect_rc 2 dd roster show --month 2026-13
expect_err_has "--month: '2026-13'"

# ---- no roster for today: said, not an empty success ----
export DUTYDESK_NOW='2027-03-01 09:00'
expect_rc 1 dd roster today
expect_err_has "no roster for 2027-03-01"
expect_rc 0 dd task due --json
expect_eq "$(json_get '[.[] | select(.what == "shift_ack")] | length')" 0 "no roster, no shift owed"
