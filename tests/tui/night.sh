#!/bin/bash
# A whole watch in the console alone, in Chinese, typing only keys and ':'
# lines: a shift started with its leader, a phone call taken, the 首报 by
# phone and a 续报 in writing with new figures (the Due column clears), a
# correction, a warning with colour, townships and until (the header and
# the list of warnings in force), :tasks agreeing with the header, stock
# sent and some of it back, a plan activated, ticked, raised and closed,
# households evacuated one by one, the incident closed and its 终报, the
# handover with notes and its acknowledgement with the new leader, and the
# daily and shift reports viewed and written to files. The database is
# checked after every step.
#
# Every screen the watch passes through is kept as text under the build
# folder, tests/watch-screens/WxH/NN-step.txt (or $DUTYDESK_WATCH_SCREENS),
# for a reviewer to read the watch.
#
# night.sh [W H]: one size (80x24 by default).
. "$(dirname "$0")/lib.sh"
W=${1:-80}
H=${2:-24}
TEST_NAME=night-${W}x$H
SHOTS=${DUTYDESK_WATCH_SCREENS:-$(cd "$(dirname "$DUTYDESK")/.." && pwd)/tests/watch-screens}/${W}x$H
rm -rf "$SHOTS"
mkdir -p "$SHOTS" || fail "cannot make $SHOTS"
make_demo
TITLE='护国村后山滑坡'
UNTIL=$(date -d '+1 day' '+%Y-%m-%d 20:00')
export LANGUAGE=zh_CN

# shot NAME: the screen as it is now, kept as NN-NAME.txt
SHOT=0
shot() {
	SHOT=$((SHOT + 1))
	screen >"$SHOTS/$(printf %02d "$SHOT")-$1.txt"
}

cursor_row() { tm display -p -t "$SESSION" '#{cursor_y}'; }

# on_label LABEL: the cursor is on LABEL's row
on_label() {
	local row
	row=$(screen | grep -n -m1 -E -- "^ *$1([^:]|\$)" | cut -d: -f1)
	[ -n "$row" ] && [ "$((row - 1))" = "$(cursor_row)" ]
}

# focus LABEL: from the form's first field, Tab down until the cursor is
# on LABEL's row (the form scrolls to keep the focused field in sight; Tab
# stops at the last field).
focus() {
	local label=$1 i row cur
	keys PPage PPage PPage
	for ((i = 0; i < 40; i++)); do
		on_label "$label" && { pass; return 0; }
		cur=$(cursor_row)
		local before
		before="$cur $(screen)"
		keys Tab
		local deadline=$((SECONDS + WAIT))
		# until the Tab shows, or the cursor is seen on the label after all
		# (read a moment before it got there: Tab on the last field does nothing)
		until [ "$(cursor_row) $(screen)" != "$before" ] || on_label "$label"; do
			[ "$SECONDS" -lt "$deadline" ] || fail "no form field '$label' above the last one"
			sleep 0.05
		done
	done
	fail "no form field '$label' took the focus after 40 Tabs"
}

# put LABEL TEXT: LABEL's field emptied, then TEXT typed into it
put() {
	focus "$1"
	keys C-e C-u
	type_text "$2"
	wait_for_re "^ *$1.* +${2:0:6}"
}

# pick LABEL TYPED SHOWN: from LABEL's pick list, the choice TYPED finds
pick() {
	focus "$1"
	keys Enter
	type_text "$2"
	wait_for "$3"
	keys Enter
	wait_for_re "^ *$1.* +.*$3"
}

# command LINE: a ':' line
command() {
	keys :
	type_text "$1"
	keys Enter
}

# the CLI's view of the incident, and of one of its fields
show() { dd incident show "$NUMBER" --json; }
field() { show | jq -r ".$1"; }
header_overdue() { screen | sed -n 1p | grep -oE '!超时 [0-9]+' | grep -oE '[0-9]+' || echo 0; }

start "$W" "$H"
wait_for "值班员: 测试员"
shot start

# ---- 1. the shift starts, with its leader on duty ----
command 'shift start'
wait_for "开班"
put '值班员' 王明
put '带班领导' 张局长
shot shift-start-form
keys C-s
wait_for "已开班"
wait_for "值班员: 王明"
shot shift-started
expect_eq "$(dd shift current --json | jq -r '[.officers, .leader] | join(",")')" "王明,张局长" \
	"the shift's officer and leader"

# ---- 2. a phone call: the intake form ----
keys 1
wait_for "永和-2026-0001"
keys a
wait_for "新增事件(电话接报)"
put '标题' "$TITLE"
pick '类型' 滑坡 '滑坡 landslide'
pick '乡镇' 桑壁镇 '桑壁镇'
put '被困' 2
shot intake-form
keys C-s
wait_for_re "已保存 永和-2026-[0-9]{4}"
NUMBER=$(screen | grep -oE "已保存 永和-2026-[0-9]{4}" | head -1 | cut -d' ' -f2)
wait_gone "新增事件(电话接报)"
shot intake-saved
expect_eq "$(field title),$(field status),$(field trapped)" "$TITLE,open,2" "the incident taken"
expect_eq "$(dd incident list --json | jq -r --arg n "$NUMBER" '.[] | select(.number == $n) | .next_due_what')" \
	first_report "what is due after the call"
keys g
wait_selected "$NUMBER"

# ---- 3. 首报 by phone to the county government's duty room ----
keys t
wait_for "处置时间线记录"
put '内容' '电话报告县政府值班室：护国村后山滑坡，2人被困'
put '报送对象' 县政府值班室
pick '类别' first_report '首报 first_report'
pick '报送方式' phone '电话 phone'
shot first-report-form
keys C-s
wait_for "已添加记录"
wait_gone "处置时间线记录"
shot first-report-saved
expect_eq "$(show | jq -r '.timeline[] | select(.kind == "first_report") | [.via, .recipient, .author] | join(",")')" \
	"phone,县政府值班室,王明" "the 首报: how, to whom, by the officer on watch"
expect_eq "$(dd incident list --json | jq -r --arg n "$NUMBER" '.[] | select(.number == $n) | .next_due_what')" \
	written_report "what is due after the 首报 by phone"

# ---- 4. 续报 in writing, with the new figures in the same entry ----
keys t
wait_for "处置时间线记录"
put '内容' '被困2人已救出，1人轻伤，40人受灾'
put '报送对象' 县政府值班室
put '现被困' 0
put '现受伤' 1
put '现受灾' 40
pick '类别' follow_up '续报 follow_up'
pick '报送方式' written '书面 written'
shot follow-up-form
keys C-s
wait_for "已添加记录"
wait_gone "处置时间线记录"
expect_eq "$(field trapped),$(field injured),$(field affected)" "0,1,40" "the figures after the 续报"
expect_eq "$(show | jq -r '.timeline[] | select(.kind == "follow_up") | [.seq, .via, .trapped, .injured, .affected] | join(",")')" \
	"1,written,0,1,40" "the 续报's entry keeps its figures"
# the written report is in: nothing is due while the IV landslide is open
expect_eq "$(dd incident list --json | jq -r --arg n "$NUMBER" '.[] | select(.number == $n) | .next_due_what')" \
	null "what is due after the 续报 in writing"
keys Enter
wait_for "续报一"
expect_screen_has "书面"
shot detail-after-follow-up
keys Escape

# ---- 5. a correction of the 首报, named by its number on the timeline ----
ENTRY=$(show | jq -r '.timeline[] | select(.kind == "first_report") | .id')
keys Enter
wait_for_re "首报.*#[0-9]+"
POS=$(screen | grep -m1 -E "首报.*#[0-9]+" | grep -oE "#[0-9]+$")
[ -n "$POS" ] || fail "no #N beside the 首报 on the timeline"
pass
keys Escape
command "incident correct $NUMBER $POS 首报时间应为接报后20分钟"
wait_for_re "incident correct|更正|已完成|done"
shot correction
expect_eq "$(show | jq -r --arg e "$ENTRY" '.timeline[] | select(.kind == "correction") | .corrects_id == $e')" \
	true "the correction strikes the 首报"

# a note whose text begins with '-' is text, not an option
keys t
wait_for "处置时间线记录"
put '内容' '-5℃，路面结冰，救援车辆绕行'
keys C-s
wait_for "已添加记录"
expect_eq "$(show | jq -r '[.timeline[] | select(.kind == "note")][-1].text')" '-5℃，路面结冰，救援车辆绕行' \
	"a note beginning with '-'"

# ---- 6. a warning: colour, townships, until ----
command warning
wait_for "收到预警"
# a township that is not: the message beside the field, which has the focus
put '乡镇' '桑壁镇、无此乡'
pick '预警颜色' yellow '黄色 yellow'
keys C-s
# the message in Chinese at the field (beside it, or under it when long)
wait_for "'无此乡'：没有这个乡镇"
expect_screen_lacks "--townships"
row=$(screen | grep -n -m1 -E '^ *乡镇' | cut -d: -f1)
expect_eq "$(cursor_row)" "$((row - 1))" "the focus on the refused field"
shot warning-refused
expect_eq "$(dd warning list --json | jq length)" 0 "warnings after the refusal"
put '乡镇' '桑壁镇、坡头乡'
put '有效至' "$UNTIL"
put '发布单位' 县气象局
shot warning-form
keys C-s
wait_for "预警已登记"
wait_for_re "预警 1( |$)"
shot warning-recorded
warn=$(dd warning list --json)
expect_eq "$(jq -r '.[0] | [.colour, .area] | join(",")' <<<"$warn")" "yellow,桑壁镇、坡头乡" "the warning in force"
expect_eq "$(jq length <<<"$warn")" 1 "warnings in force"
command 'warning list'
wait_for "桑壁镇、坡头乡"
shot warnings-in-force
keys Escape

# ---- 7. :tasks agrees with the header ----
command tasks
wait_for "首报"
expect_screen_lacks "first_report"
shot tasks
n_screen=$(screen | grep -cE '^ *([0-9]{4}-)?[0-9]{2}-[0-9]{2} [0-9:]{5} +是 ')
wait_for "电话报告带班领导"
keys Escape
n_db=$(dd task due --json | jq '[.[] | select(.overdue)] | length')
# (counted when the console is idle, or within a second while keys keep coming)
wait_eq "the header's overdue count and task due's" "$n_db" header_overdue
[ "$n_db" -gt 0 ] || fail "nothing overdue: the demo's incidents owe reports"
pass
expect_eq "$n_screen" "$n_db" "overdue rows of :tasks on screen"

# ---- 8. stock sent, and some of it back ----
keys g
wait_selected "$NUMBER"
command 'incident dispatch'
wait_for "向事件调拨物资"
pick '物资' WZ-0501 'WZ-0501'
put '数量' 20
keys C-s
wait_for "再按 ^S 确认" # (the message may wrap at 80 columns)
shot dispatch-preview
keys C-s
wait_gone "数量"
shot dispatched
expect_eq "$(show | jq '[.stock[] | select(.item_code == "WZ-0501") | .sent] | add')" 20 "tents sent"
DEPOT=CK-02 # 桑壁镇's depot, which sent the first 19 (dispatch.sh)
command 'stock return'
wait_for "事件物资退回"
wait_for_re "来自事件 +$NUMBER"
pick '退回库点' "$DEPOT" "$DEPOT"
pick '物资' WZ-0501 'WZ-0501'
put '数量' 2
shot return-form
keys C-s
wait_for "出入库记录已保存"
expect_eq "$(show | jq '[.stock[] | select(.item_code == "WZ-0501") | .returned] | add')" 2 "tents back"

# ---- 9. the plan: activated from an empty pane 4, ticked, raised, closed ----
keys 4
wait_for "[4 预案]"
keys a
wait_for "预案库：选择预案，按 a 启动"
shot plan-library
for ((i = 0; i < 12; i++)); do
	sel=$(selected_line)
	[[ $sel == geohazard* ]] && break
	keys j
	wait_selection_moves "$sel"
done
wait_selected geohazard
keys a
wait_for "启动预案"
pick '事件' "$NUMBER" "$NUMBER"
shot plan-activate-form
keys C-s
wait_for "预案已启动"
ACT=$(dd plan status --json | jq -r --arg n "$NUMBER" '.[] | select(.incident == $n) | .id')
[ -n "$ACT" ] || fail "no response to $NUMBER after the activation"
pass
keys v
wait_for_re "^$NUMBER geohaz"
keys g
sel=$(selected_line)
keys Space
wait_for "请逐项勾选"
wait_selection_moves "$sel"
shot plan-parent-space
done_before=$(dd plan status "$ACT" --json | jq .progress.done)
keys Space
wait_eq "items done after Space on a substep" $((done_before + 1)) \
	sh -c "'$DUTYDESK' --db '$DB' plan status '$ACT' --json | jq .progress.done"
shot plan-ticked
command 'plan raise III'
wait_for "响应级别已提升"
expect_eq "$(dd plan status "$ACT" --json | jq -r .level)" III "the response's level"

# ---- 10. households evacuated, one by one ----
keys 2
wait_for "[2 隐患]"
keys /
type_text 141032-HP-001
keys Enter
wait_selected 141032-HP-001
before=$(dd hazard households 141032-HP-001 --json | jq '[.households[] | select(.evacuated_at)] | length')
for k in 1 2; do
	keys Space
	wait_for "逐户撤离"
	row=$(screen | grep -n -m1 '未撤离' | cut -d: -f1)
	[ -n "$row" ] || fail "no household left to evacuate"
	label=$(screen | sed -n "${row}p" | sed -E 's/^ *([^ ]+).*/\1/')
	pick "$label" yes '已撤离'
	shot "evacuation-$k"
	keys C-s
	wait_gone "逐户撤离"
	wait_eq "households evacuated after tick $k" $((before + k)) \
		sh -c "'$DUTYDESK' --db '$DB' hazard households 141032-HP-001 --json | jq '[.households[] | select(.evacuated_at)] | length'"
done

# ---- 11. the incident closed; the plan closed; the 终报 ----
keys 1
wait_for "$NUMBER"
keys g
wait_selected "$NUMBER"
command close
wait_for "事件结案"
put '结案说明' '险情排除，群众已返回'
shot close-form
keys C-s
wait_for "事件已结案"
expect_eq "$(field status)" closed "the incident after the close"
expect_eq "$(dd incident list --json | jq -r --arg n "$NUMBER" '.[] | select(.number == $n) | .next_due_what')" \
	final_report "what is due after the close"
command 'plan close 险情排除，响应结束'
wait_for "响应已结束"
expect_eq "$(dd plan status "$ACT" --json | jq -r '.closed_at != null')" true "the response closed"
keys t
wait_for "处置时间线记录"
put '内容' '终报：险情排除，无人员死亡'
put '报送对象' 县政府值班室
pick '类别' final_report '终报 final_report'
pick '报送方式' written '书面 written'
keys C-s
wait_for "已添加记录"
shot final-report
expect_eq "$(dd incident list --json | jq -r --arg n "$NUMBER" '.[] | select(.number == $n) | .next_due_what')" \
	null "what is due after the 终报"

# ---- 12. the handover, with notes, and its acknowledgement ----
command 'shift handover'
wait_for "交班"
put '接班人' 李华
put '设备及通信' '电话、传真正常'
put '交接事项' '护国村后山继续监测，黄色预警有效'
shot handover-form
keys C-s
wait_for "已交班，交接记录如下"
wait_for "交接班记录"
expect_screen_has "张局长"
shot handover-record
# further down: the open checklist items, the equipment, the notes
for ((i = 0; i < 6; i++)); do
	screen | grep -qF "护国村后山继续监测" && break
	top=$(screen | sed -n 3p)
	keys NPage
	wait_eq "the view moved on" 1 sh -c "[ \"\$(tmux -L '$SOCKET' capture-pane -t '$SESSION' -p | sed -n 3p)\" != '$top' ] && echo 1"
done
wait_for "护国村后山继续监测"
shot handover-record-notes
check_widths
keys Escape
wait_gone "交接班记录"
last=$(dd shift show last --json)
expect_eq "$(jq -r '.handed_to' <<<"$last")" 李华 "handed to"
expect_contains "$(jq -c . <<<"$last")" "护国村后山继续监测" "the handover's notes"
expect_contains "$(jq -c . <<<"$last")" "黄色" "the warning in force in the handover"
# the response was closed: none of its items is left open
expect_eq "$(dd shift show last --json | jq '.. | .open_checklist_items? // empty')" 0 \
	"open checklist items in the handover"
command 'shift ack'
wait_for "接班"
put '接班人' 李华
put '带班领导' 刘副局长
shot ack-form
keys C-s
wait_for "已确认交接，本班开始"
wait_for "值班员: 李华"
shot acknowledged
expect_eq "$(dd shift current --json | jq -r '[.officers, .leader] | join(",")')" "李华,刘副局长" \
	"the new shift's officer and leader"
expect_eq "$(dd shift list --json | jq -r '.[1].acked_by')" 李华 "who acknowledged"

# ---- 13. the daily and shift reports, viewed and written ----
# The report of day D runs from D-1 08:00 to D 08:00: this watch's calls
# are in the report of the day 16 hours from now.
DAY=$(date -d '+16 hours' +%F)
command "report daily --date $DAY"
wait_for "值班日报 $DAY"
wait_for "新接报"
shot daily-report
keys Escape
command "report daily --date $DAY --out $TMP/daily.txt"
wait_for "daily.txt"
[ -s "$TMP/daily.txt" ] || fail "the daily report was not written"
pass
grep -q "值班日报" "$TMP/daily.txt" || fail "the written daily report lacks its title"
pass
grep -q "$NUMBER" "$TMP/daily.txt" || fail "the written daily report lacks $NUMBER"
pass
cp "$TMP/daily.txt" "$SHOTS/daily-report.txt"
command shift
wait_for "交接班记录"
wait_for "接班：李华"
shot handover-record-after-ack
keys Escape
command "report shift handed --out $TMP/shift.txt"
wait_for "shift.txt"
grep -q "护国村后山继续监测" "$TMP/shift.txt" || fail "the written shift report lacks the notes"
pass
shot reports-written
check_widths
