#!/usr/bin/env bash
# report incident | daily | shift, and audit.
. "$(dirname "$0")/lib.sh"

at() { export DUTYDESK_NOW="$1"; }

expect_rc 0 dd demo

# ---- report incident: 首报, 续报（N）, 终报 ----
HZ=141032-HP-001
expect_rc 0 dd hazard show "$HZ" --json
H_NAME=$(json_get .name)
H_MON=$(json_get .monitor)
H_PHONE=$(json_get .monitor_phone)
H_HH=$(json_get .households)
H_PP=$(json_get .people)
[ -n "$H_MON" ] && [ "$H_MON" != null ] && [ "$H_HH" -gt 0 ] || fail "demo hazard $HZ lacks a monitor or households"
pass

N=$(dd incident add --title 城关社区东山坡滑坡 --type landslide --level IV --township 芝河镇 \
	--hazard "$HZ" --at 17:30 --reporter 贺丹 --phone 13795905954 --injured 2 --trapped 1 \
	--note 坡体滑落压埋道路)
[[ $N == 永和-2026-???? ]] || fail "incident add gave no number: '$N'"
pass

expect_rc 0 dd report incident "$N"
expect_eq "$(sed -n 1p "$OUT")" 永和县应急管理局 "report heading"
expect_eq "$(sed -n 2p "$OUT")" 关于城关社区东山坡滑坡的首报 "title before any first report"
expect_out_has 2026年11月28日18时00分接芝河镇报告（来报人：贺丹）。
expect_out_has 来报电话：13795905954
expect_out_has 一、基本情况：2026年11月28日17时30分，芝河镇发生滑坡，初判等级：一般（IV）。
expect_out_has 二、人员伤亡：死亡0人，受伤2人，失踪0人，被困1人；转移0人，受影响0人。
expect_out_has "隐患点：$HZ $H_NAME，监测员$H_MON（$H_PHONE），威胁${H_HH}户${H_PP}人。"
expect_out_has 坡体滑落压埋道路
expect_out_has 报送时间：2026年11月28日18时00分
expect_rc 0 dd report incident "$N" --json
expect_eq "$(json_get .report)" 首报 "json .report before any first report"
expect_eq "$(json_get .hazard_code)" "$HZ" "json hazard_code"

# without a hazard: no hazard line
N0=$(dd incident add --title 坡头乡河道漫溢 --type flood --level IV --township 坡头乡 --deaths 1)
expect_rc 0 dd report incident "$N0"
expect_out_lacks 隐患点
expect_out_has 二、人员伤亡：死亡1人，受伤0人，失踪0人，被困0人
expect_out_has （来报人：不详）

at '2026-11-28 18:10'
expect_rc 0 dd incident note "$N" 电话报告县政府 --kind first_report --via phone
expect_rc 0 dd report incident "$N"
expect_eq "$(sed -n 2p "$OUT")" 关于城关社区东山坡滑坡的续报（一） "after the first report"
expect_rc 0 dd report incident "$N" --json
expect_eq "$(json_get .report)" 续报（一） "json .report after the first report"
at '2026-11-28 18:20'
expect_rc 0 dd incident note "$N" 被困人员已救出 --kind follow_up --trapped 0
expect_rc 0 dd report incident "$N"
expect_eq "$(sed -n 2p "$OUT")" 关于城关社区东山坡滑坡的续报（二） "after one follow-up"
expect_out_has 二、人员伤亡：死亡0人，受伤2人，失踪0人，被困0人
expect_out_has 续报一
at '2026-11-28 18:30'
expect_rc 0 dd incident note "$N" 道路已抢通 --kind follow_up
expect_rc 0 dd report incident "$N" --json
expect_eq "$(json_get .report)" 续报（三） "after two follow-ups"

# formats
expect_rc 0 dd report incident "$N" --format md
expect_eq "$(head -c 2 "$OUT")" "# " "markdown starts with '# '"
expect_out_has "## 关于城关社区东山坡滑坡的续报（三）"
expect_out_has "| 时间 | 类别 | 记录人 | 内容 |"
expect_rc 0 dd report incident "$N" --format markdown
expect_eq "$(head -c 2 "$OUT")" "# " "--format markdown"
expect_rc 0 dd report incident "$N" --format csv
expect_eq "$(head -c 3 "$OUT" | od -An -tx1 | tr -d ' \n')" efbbbf "csv starts with the UTF-8 BOM"
expect_true "every csv line ends with CRLF" python3 -c '
import sys
b = open(sys.argv[1], "rb").read()
assert b.endswith(b"\r\n"), "no CRLF at the end"
lines = b.split(b"\n")[:-1]
assert all(l.endswith(b"\r") for l in lines), "a line without CR"
assert b.count(b"\r") == len(lines), "a stray CR"' "$OUT"
expect_eq "$(head -1 "$OUT" | tail -c +4 | tr -d '\r')" 时间,类别,记录人,内容 "csv header"
expect_eq "$(grep -c . "$OUT")" 5 "csv: header and one line per timeline entry (received, 首报, 2 续报)"
expect_out_has 续报二
expect_rc 0 dd report incident "$N" --format json
expect_true "--format json parses" jq -e .report "$OUT" >/dev/null
expect_eq "$(json_get .report)" 续报（三） "--format json .report"
expect_eq "$(json_get '.timeline | length')" 4 "json timeline"

expect_rc 0 dd incident close "$N" --note 险情排除
expect_rc 0 dd report incident "$N"
expect_eq "$(sed -n 2p "$OUT")" 关于城关社区东山坡滑坡的终报 "after closing"
expect_rc 0 dd report incident "$N" --json
expect_eq "$(json_get .report)" 终报 "json .report after closing"

db_snapshot
expect_rc 1 dd report incident 永和-2026-9999
expect_err_has "no such incident"
expect_rc 2 dd report incident "$N" --format pdf
expect_db_unchanged "reports read only"

# ---- report shift ----
at '2026-11-28 18:40'
expect_rc 0 dd shift start --officers 王明 --leader 张局长
expect_rc 0 dd log add 县气象局暴雨黄色预警 --kind warning --colour yellow --until '2026-11-29 20:00'
at '2026-11-29 08:00'
expect_rc 0 dd shift handover --to 李华 --equipment 卫星电话正常 --notes 注意东山坡
expect_rc 0 dd report shift
expect_eq "$(sed -n 1p "$OUT")" 交接班记录 "report shift heading"
expect_out_has 班次：2026年11月28日18时40分 至 2026年11月29日08时00分
expect_out_has "交班：王明  带班领导：张局长  接班：李华  确认：（未确认）"
expect_out_has 设备通信状态：卫星电话正常
expect_out_has 备注：注意东山坡
expect_out_has 县气象局暴雨黄色预警
expect_out_has "$N0"
expect_out_has 转发相关股室和乡镇
expect_rc 0 dd report shift --json
expect_eq "$(json_get .handed_to)" 李华 "report shift --json handed_to"
expect_eq "$(json_get .handover.equipment)" 卫星电话正常 "report shift --json equipment"
expect_eq "$(json_get .handover.notes)" 注意东山坡 "report shift --json notes"
expect_eq "$(json_get 'has("summary")')" false "the raw summary is not repeated"
at '2026-11-29 08:05'
expect_rc 0 dd shift ack --name 李华
expect_rc 0 dd shift list --json
OLD=$(json_get '.[1].id')
expect_rc 0 dd report shift "$OLD"
expect_out_has "接班：李华  确认：李华 2026年11月29日08时05分"
expect_rc 0 dd report shift "$OLD" --format md
expect_eq "$(head -c 2 "$OUT")" "# " "report shift --format md"
expect_rc 1 dd report shift no-such-shift

# ---- report daily: the day from the previous day's cutoff ----
export DUTYDESK_DB=$TMP/daily.db
at '2026-11-27 07:00'
expect_rc 0 dd init
at '2026-11-27 07:59'
expect_rc 0 dd log add 截止前来电-不计入 --kind call --township 桑壁镇
at '2026-11-27 08:00'
expect_rc 0 dd log add 截止时刻报到-计入 --kind checkin
at '2026-11-27 21:15'
D1=$(dd incident add --title 坡头乡客车与货车相撞 --type road_traffic --level III --township 坡头乡 \
	--note 三车相撞)
at '2026-11-27 22:00'
DUTYDESK_OFFICER=Li expect_rc 0 dd incident note "$D1" 电话首报 --kind first_report --via phone
at '2026-11-28 07:59'
DUTYDESK_OFFICER=欧阳值班员 expect_rc 0 dd log add 暴雨蓝色预警 --kind warning --colour blue \
	--until '2026-11-28 20:00' --area 全县 --township 打石腰乡
at '2026-11-28 08:00'
expect_rc 0 dd log add 截止后条目-不计入 --kind other
at '2026-11-28 09:00'
D2=$(dd incident add --title 芝河镇燃气泄漏 --type gas_leak --level IV --township 芝河镇)

expect_rc 0 dd report daily --date 2026-11-28 --cutoff 08:00
expect_eq "$(sed -n 1p "$OUT")" "值班日报 2026-11-28（2026-11-27 08:00 至 2026-11-28 08:00）" "daily heading"
expect_out_has 截止时刻报到-计入
# an entry's own text: its incident is in the column before, by number
expect_out_has 三车相撞
expect_out_has 电话首报
expect_out_lacks 坡头乡客车与货车相撞:
expect_out_has 暴雨蓝色预警
expect_out_lacks 截止前来电-不计入
expect_out_lacks 截止后条目-不计入
expect_out_lacks 芝河镇燃气泄漏
cp "$OUT" "$TMP/daily.txt"
python3 - "$TMP/daily.txt" <<'PY' || fail "值班日志 columns are not aligned"
import sys, unicodedata
def w(c):
    return 0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
def cells(line):
    """display column -> character"""
    out, col = {}, 0
    for c in line:
        out[col] = c
        col += w(c)
    return out
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
i = lines.index("四、值班日志")
head = lines[i + 1]
names = ["时间", "类别", "乡镇", "事件", "记录人", "内容"]
pos = {n: sum(w(c) for c in head[:head.index(n)]) for n in names}
rows = [l for l in lines[i + 2:] if l.strip()]
assert len(rows) == 4, rows
bad = 0
for l in rows:
    m = cells(l)
    for n in names[1:]:
        p = pos[n]
        # two spaces before every column; the always-filled ones start there
        if m.get(p - 1) != " " or m.get(p - 2) != " ":
            print(f"{n}: no gap before display column {p}: {l!r}"); bad += 1
        if n in ("类别", "记录人", "内容") and m.get(p, " ") == " ":
            print(f"{n} does not start at display column {p}: {l!r}"); bad += 1
sys.exit(1 if bad else 0)
PY
pass
expect_rc 0 dd report daily --date 2026-11-28 --cutoff 08:00 --json
expect_eq "$(json_get '[.log[].text] | join("|")')" \
	"截止时刻报到-计入|坡头乡客车与货车相撞: 三车相撞|坡头乡客车与货车相撞: 电话首报|暴雨蓝色预警" \
	"daily log: from the cutoff (inclusive) to the next (exclusive)"
expect_eq "$(json_get '[.new_by_class[] | "\(.class)=\(.n)"] | join(",")')" accident=1 \
	"daily: new incidents of the day"
expect_eq "$(json_get --arg n "$D1" '.open_incidents[] | select(.number == $n) | .next_due_what')" \
	written_report "daily: what the incident owes at the cutoff"
expect_eq "$(json_get '[.warnings[].text] | join(",")')" 暴雨蓝色预警 "daily: warnings in force"
expect_rc 0 dd report daily --date 2026-11-28 --cutoff 20:00 --json
expect_eq "$(json_get '[.log[].text] | join("|")')" \
	"坡头乡客车与货车相撞: 三车相撞|坡头乡客车与货车相撞: 电话首报|暴雨蓝色预警|截止后条目-不计入|芝河镇燃气泄漏: " \
	"daily with --cutoff 20:00"
expect_rc 0 dd report daily --date 2026-11-28 --format csv
expect_eq "$(head -c 3 "$OUT" | od -An -tx1 | tr -d ' \n')" efbbbf "daily csv BOM"
expect_eq "$(head -1 "$OUT" | tail -c +4 | tr -d '\r')" 时间,类别,乡镇,事件,记录人,内容 "daily csv header"
expect_eq "$(grep -c $'\r$' "$OUT")" 5 "daily csv: CRLF header and 4 rows"
expect_rc 0 dd report daily --date 2026-11-28 --format md
expect_eq "$(head -c 2 "$OUT")" "# " "daily md"
db_snapshot
expect_rc 2 dd report daily --date 2026-02-30
expect_err_has 2026-02-30
expect_rc 2 dd report daily --date 2026-11-28 --cutoff 25:00
expect_rc 2 dd report daily --date yesterday
expect_rc 2 dd report daily --format xls
expect_db_unchanged "failed daily reports"

# ---- audit ----
expect_rc 0 dd audit --record "$D1" --json
expect_eq "$(json_get '[.[] | "\(.action) \(.record_type) \(.actor)"] | join(",")')" \
	"insert incident 测试员,insert timeline 测试员,insert timeline Li" \
	"audit --record: the insert and the timeline entries, with their officer"
expect_eq "$(json_get '.[0].at')" 2026-11-27T21:15:00+08:00 "audit time"
expect_eq "$(json_get '.[0].detail | fromjson | .number')" "$D1" "audit detail of the insert"
expect_rc 0 dd audit --record "$D1"
expect_out_has 测试员
expect_out_has Li
expect_rc 0 dd audit --json
cp "$OUT" "$TMP/audit.json"
expect_rc 0 dd audit --since '2026-11-28 00:00' --json
expect_all "audit --since" . '.at >= "2026-11-28T00:00:00+08:00"'
expect_eq "$(json_get length)" \
	"$(jq '[.[] | select(.at >= "2026-11-28T00:00:00+08:00")] | length' "$TMP/audit.json")" \
	"audit --since leaves out nothing after it"
expect_eq "$(json_get '[.[] | select(.record_type == "task")] | length')" 2 \
	"audit --since has the warning's tasks"
expect_eq "$(json_get '[.[] | select(.actor == "欧阳值班员")] | length')" 3 \
	"the warning and its tasks are the officer's"
expect_rc 0 dd audit --since '2026-11-28 09:00' --json
expect_eq "$(json_get '[.[] | .record_type] | join(",")')" incident,timeline "audit --since 09:00"
expect_rc 0 dd audit --limit 2 --json
expect_eq "$(json_get length)" 2 "audit --limit"
expect_rc 2 dd audit --since someday
expect_rc 2 dd audit --limit 0
expect_rc 0 dd audit --record 永和-2026-9999 --json
expect_eq "$(json_get length)" 0 "audit of an unknown record"
