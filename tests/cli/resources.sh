#!/usr/bin/env bash
# depot | item | team | expert list, who, stock adjust | writeoff | return |
# card | alerts, incident dispatch, and what an incident was sent.
. "$(dirname "$0")/lib.sh"

expect_rc 0 dd demo
qty() { # depot item -> on hand
	run dd stock list --depot "$1" --item "$2" --json
	[ "$RC" -eq 0 ] || fail "stock list --depot $1 --item $2"
	json_get '[.[].qty] | add // 0'
}
number_of() { # incident type -> its number in the demo
	run dd incident list --json
	[ "$RC" -eq 0 ] || fail "incident list"
	json_get --arg t "$1" '[.[] | select(.type == $t) | .number][0]'
}
N=$(number_of landslide) # 桑壁镇辛庄村滑坡险情
[[ $N == 永和-2026-???? ]] || fail "no landslide in the demo: '$N'"
pass

# ---- lists ----
expect_rc 0 dd depot list --json
expect_eq "$(json_get length)" 7 "depots in the demo"
expect_eq "$(json_get '[.[] | select(.level == "county") | .code] | join(",")')" CK-00 "the county depot"
expect_eq "$(json_get '[.[].code] | join(",")')" CK-00,CK-01,CK-02,CK-03,CK-04,CK-05,CK-06 "depot order"
expect_eq "$(json_get '.[] | select(.code == "CK-02") | .township')" 桑壁镇 "CK-02's township"
expect_rc 0 dd depot list
expect_out_has 永和县救灾物资储备库
expect_out_has 打石腰乡救灾物资储备点

expect_rc 0 dd item list --category food_shelter --json
expect_all "item list --category: only food_shelter" . '.category == "food_shelter"'
expect_eq "$(json_get 'any(.[]; .code == "WZ-0501") and any(.[]; .code == "WZ-0503")')" true \
	"tents and quilts are food_shelter"
expect_eq "$(json_get '[.[] | select(.code == "WZ-0301")] | length')" 0 "first-aid kits are not food_shelter"
expect_rc 2 dd item list --category nonsense

expect_rc 0 dd team list --type militia --township 桑壁镇 --json
expect_all "team list --type militia" . '.type == "militia"'
expect_eq "$(json_get length)" 6 "militia teams"
expect_eq "$(json_get '.[0].code')" DW-05 "桑壁镇's militia first"
expect_eq "$(json_get '.[0].township')" 桑壁镇 "the first team's township"
expect_rc 0 dd team list --type militia --township 坡头乡 --json
expect_eq "$(json_get '.[0].code')" DW-06 "坡头乡's militia first"
expect_rc 2 dd team list --type pirates
expect_rc 2 dd team list --township 不存在镇
expect_err_has "no such township"

expect_rc 0 dd expert list --field geology --json
expect_eq "$(json_get '[.[].code] | sort | join(",")')" ZJ-01,ZJ-02 "geology experts"
expect_all "expert list --field" . '.field == "geology"'

# ---- who ----
expect_rc 0 dd who --type 滑坡 --township 桑壁镇 --json
expect_eq "$(json_get '.type')" landslide "who: the type resolved from 滑坡"
expect_eq "$(json_get '[.teams[].type] | unique | join(",")')" fire_rescue,militia,professional \
	"who: only the team types that answer a landslide"
expect_eq "$(json_get '.teams[0].township')" 桑壁镇 "who: 桑壁镇's team first"
expect_eq "$(json_get '.teams[0].code')" DW-05 "who: 桑壁镇's militia first"
expect_eq "$(json_get '[.teams[] | select(.type == "volunteer" or .type == "enterprise")] | length')" 0 \
	"who: no volunteers or enterprise teams for a landslide"
expect_eq "$(json_get '[.experts[].field] | unique | join(",")')" geology,structural "who: experts' fields"
expect_eq "$(json_get '[.experts[].code] | sort | join(",")')" ZJ-01,ZJ-02,ZJ-09 "who: the experts"
WHO=$(json_get -c '[.teams[].code, .experts[].code]')
expect_rc 0 dd who --incident "$N" --json
expect_eq "$(json_get -c '[.teams[].code, .experts[].code]')" "$WHO" "who --incident: the incident's type and township"
expect_eq "$(json_get .type)" landslide "who --incident: the type"
expect_rc 0 dd who --incident "$N"
expect_out_has DW-05
expect_out_has 梁桂兰
expect_rc 0 dd who --type 天然气泄漏 --json
expect_eq "$(json_get '[.teams[].type] | unique | join(",")')" enterprise,fire_rescue "who: gas leak teams"
expect_rc 2 dd who
expect_rc 2 dd who --type 外星人
expect_rc 1 dd who --incident 永和-2026-9999

# ---- adjust ----
q0=$(qty CK-03 WZ-0501)
db_snapshot
expect_rc 2 dd stock adjust --depot CK-03 --item WZ-0501 --qty 5
expect_err_has reason
expect_rc 2 dd stock adjust --depot CK-03 --item WZ-0501 --qty 5 --reason ''
expect_rc 2 dd stock adjust --depot CK-03 --item WZ-0501 --qty 0 --reason 盘点
expect_rc 2 dd stock adjust --depot CK-03 --item WZ-0501 --qty 1.5 --reason 盘点
expect_rc 2 dd stock adjust --item WZ-0501 --qty 5 --reason 盘点
expect_rc 1 dd stock adjust --depot CK-03 --item WZ-0501 --qty -$((q0 + 1)) --reason 盘点
expect_err_has "$q0 available"
expect_db_unchanged "refused adjustments"
expect_rc 0 dd stock adjust --depot CK-03 --item WZ-0501 --qty 5 --reason 盘点盘盈
expect_eq "$(qty CK-03 WZ-0501)" $((q0 + 5)) "on hand after adjust +5"
expect_rc 0 dd stock adjust --depot CK-03 --item WZ-0501 --qty -3 --reason 盘点盘亏
expect_eq "$(qty CK-03 WZ-0501)" $((q0 + 2)) "on hand after adjust -3"
expect_eq "$(sqlite3 "$DUTYDESK_DB" "SELECT group_concat(qty || ':' || reason) FROM stock_movement WHERE kind = 'adjust'")" \
	5:盘点盘盈,-3:盘点盘亏 "adjust movements keep their reason"

# ---- writeoff: the demo's one expired lot, 急救药箱 at CK-00 ----
k0=$(qty CK-00 WZ-0301)
expect_rc 0 dd stock alerts --json
expect_eq "$(json_get -c '[.[] | select(.alert == "expired") | [.depot_code, .item_code, .qty]]')" \
	'[["CK-00","WZ-0301",10]]' "the demo's expired lot"
db_snapshot
expect_rc 1 dd stock writeoff --depot CK-00 --item WZ-0301 --qty 11
expect_err_has "only 10"
expect_rc 1 dd stock writeoff --depot CK-02 --item WZ-0508 # expires 2026-12-18: not yet
expect_err_has "nothing has expired"
expect_db_unchanged "refused writeoffs"
expect_rc 0 dd stock writeoff --depot CK-00 --item WZ-0301
expect_out_has "10 written off"
expect_eq "$(qty CK-00 WZ-0301)" $((k0 - 10)) "on hand after the writeoff"
expect_eq "$(sqlite3 "$DUTYDESK_DB" "SELECT group_concat(batch || ':' || qty) FROM stock_movement WHERE kind = 'writeoff'")" \
	202411-01:-10 "the writeoff takes the expired lot only"
db_snapshot
expect_rc 1 dd stock writeoff --depot CK-00 --item WZ-0301
expect_err_has "nothing has expired"
expect_db_unchanged "a second writeoff"
expect_rc 0 dd stock alerts --json
expect_eq "$(json_get '[.[] | select(.alert == "expired")] | length')" 0 "no expired alert after the writeoff"

# ---- alerts: the window widens, the count grows ----
alerts() { # days -> "expired expiring below_min"
	run dd stock alerts --days "$1" --json
	[ "$RC" -eq 0 ] || fail "stock alerts --days $1"
	json_get -r '[([.[] | select(.alert == "expired")] | length),
		([.[] | select(.alert == "expiring")] | length),
		([.[] | select(.alert == "below_min")] | length)] | join(" ")'
}
a0=$(alerts 0) a30=$(alerts 30) a400=$(alerts 400)
read -r _ e0 b0 <<<"$a0"
read -r _ e30 b30 <<<"$a30"
read -r _ e400 b400 <<<"$a400"
expect_eq "$e0" 0 "expiring within 0 days"
expect_eq "$e30" 3 "expiring within 30 days (2026-12-10, 12-18, 12-23)"
[ "$e400" -gt "$e30" ] || fail "expiring within 400 days ($e400) is not more than within 30 ($e30)"
pass
expect_eq "$b0 $b30" "$b400 $b400" "below-minimum alerts do not depend on --days"
expect_rc 0 dd stock alerts --days 30 --json
expect_eq "$(json_get -c '[.[] | select(.alert == "expiring") | .expiry]')" '["2026-12-10","2026-12-18","2026-12-23"]' \
	"expiring alerts, soonest first"
expect_rc 0 dd stock alerts
expect_out_has below_min
expect_out_has expiring
expect_rc 2 dd stock alerts --days -1
expect_rc 2 dd stock alerts --days soon

# ---- card: in, out and balance in order; the last balance is on hand ----
expect_rc 0 dd stock card --depot CK-03 --item WZ-0501 --json
expect_eq "$(json_get -c '[.[] | [.kind, .qty_in, .qty_out, .balance]]')" \
	"[[\"receive\",18,null,18],[\"adjust\",5,null,23],[\"adjust\",null,3,20]]" "stock card rows"
expect_eq "$(json_get '.[-1].balance')" "$(qty CK-03 WZ-0501)" "the card's last balance is on hand"
expect_rc 0 dd stock card --depot CK-03 --item WZ-0501 --limit 1 --json
expect_eq "$(json_get -c '[.[] | [.kind, .balance]]')" '[["adjust",20]]' "stock card --limit 1"
expect_rc 0 dd stock card --depot CK-03 --item WZ-0501
grep -Eq 'movement +in +out +balance' "$OUT" || fail "stock card's columns are not in, out, balance"
pass
expect_eq "$(awk 'NR > 1 { print $NF == "盘点盘亏" ? "x" : "" }' "$OUT" | tail -1)" x "the text card ends with the last adjustment"
expect_rc 2 dd stock card --depot CK-03
expect_rc 2 dd stock card --depot CK-03 --item WZ-0501 --limit 0

# ---- dispatch ----
# the incident is in 桑壁镇: CK-02 (桑壁镇) first, then CK-00 (county), then the rest.
t02=$(qty CK-02 WZ-0501) t00=$(qty CK-00 WZ-0501) q02=$(qty CK-02 WZ-0503) q00=$(qty CK-00 WZ-0503)
[ "$t02" -lt 20 ] && [ "$q02" -lt 50 ] || fail "the demo changed: CK-02 holds $t02 tents, $q02 quilts"
pass
db_snapshot
expect_rc 0 dd incident dispatch "$N" --items WZ-0501:20,WZ-0503:50 --dry-run --json
expect_eq "$(json_get -c '[.[] | [.depot_code, .item_code, .qty]]')" \
	"[[\"CK-02\",\"WZ-0501\",$t02],[\"CK-00\",\"WZ-0501\",$((20 - t02))],[\"CK-02\",\"WZ-0503\",$q02],[\"CK-00\",\"WZ-0503\",$((50 - q02))]]" \
	"dry run: nearest depot first"
expect_rc 0 dd incident dispatch "$N" --items WZ-0501:20,WZ-0503:50 --dry-run
expect_out_has "nothing written"
head -3 "$OUT" | tail -1 | grep -q '^CK-02 ' || fail "the text plan does not start with CK-02"
pass
expect_db_unchanged "a dispatch dry run"

ntl=$(sqlite3 "$DUTYDESK_DB" "SELECT count(*) FROM timeline t JOIN incident i ON i.id = t.incident_id WHERE i.number = '$N'")
expect_rc 0 dd incident dispatch "$N" --items WZ-0501:20,WZ-0503:50 --note 县局调拨
expect_out_has sent
expect_eq "$(qty CK-02 WZ-0501) $(qty CK-00 WZ-0501)" "0 $((t00 - (20 - t02)))" "tents after the dispatch"
expect_eq "$(qty CK-02 WZ-0503) $(qty CK-00 WZ-0503)" "0 $((q00 - (50 - q02)))" "quilts after the dispatch"
expect_eq "$(sqlite3 "$DUTYDESK_DB" "SELECT count(*) || ':' || -sum(m.qty) FROM stock_movement m JOIN incident i ON i.id = m.incident_id WHERE i.number = '$N' AND m.kind = 'issue'")" \
	4:70 "the dispatch's issues carry the incident"
expect_rc 0 dd incident show "$N" --json
expect_eq "$(json_get '.timeline | length')" $((ntl + 1)) "a dispatch adds one timeline entry"
expect_eq "$(json_get '[.timeline[] | select(.kind == "dispatch")] | length')" 1 "one dispatch entry"
expect_all "the dispatch entry names the note and the items" '[.timeline[] | select(.kind == "dispatch")]' \
	'.text | test("县局调拨") and test("帐篷") and test("棉被")'
expect_eq "$(json_get -c '[.stock[] | [.item_code, .sent, .returned]]')" '[["WZ-0501",20,0],["WZ-0503",50,0]]' \
	"incident show .stock after the dispatch"

# ---- return ----
expect_rc 0 dd stock return --depot CK-02 --item WZ-0501 --qty 4 --incident "$N" --reason 未使用
expect_eq "$(qty CK-02 WZ-0501)" 4 "on hand after the return"
expect_rc 0 dd incident show "$N" --json
expect_eq "$(json_get -c '[.stock[] | [.item_code, .sent, .returned]]')" '[["WZ-0501",20,4],["WZ-0503",50,0]]' \
	"incident show .stock after the return"
expect_rc 0 dd stock return --depot CK-01 --item WZ-0503 --qty 2 --reason 乡镇退回 # no incident
expect_rc 0 dd incident show "$N" --json
expect_eq "$(json_get '.stock[] | select(.item_code == "WZ-0503") | .returned')" 0 "a return without --incident is not the incident's"
expect_rc 0 dd stock card --depot CK-02 --item WZ-0501 --json
expect_eq "$(json_get -c '[.[-2:][] | [.kind, .qty_in, .qty_out, .balance, .incident]]')" \
	"[[\"issue\",null,$t02,0,\"$N\"],[\"return\",4,null,4,\"$N\"]]" "stock card: the dispatch and the return"
db_snapshot
expect_rc 2 dd stock return --depot CK-02 --item WZ-0501 --qty 0
expect_rc 2 dd stock return --depot CK-02 --item WZ-0501
expect_rc 2 dd stock return --depot CK-02 --item WZ-0501 --qty 1 --incident 永和-2026-9999
expect_db_unchanged "refused returns"

# ---- dispatches that cannot be done change nothing ----
db_snapshot
all=$(
	run dd stock list --item WZ-0501 --json
	json_get '[.[].qty] | add'
)
expect_rc 1 dd incident dispatch "$N" --items WZ-0503:1,WZ-0501:$((all + 1))
expect_err_has "$all available"
expect_rc 1 dd incident dispatch "$N" --items WZ-0501:7 --depot CK-05 --dry-run
expect_err_has "6 available in CK-05"
expect_rc 1 dd incident dispatch 永和-2026-9999 --items WZ-0501:1
expect_rc 1 dd incident dispatch "$N" --items WZ-9999:1
for bad in '' WZ-0501 WZ-0501:0 WZ-0501:-1 WZ-0501:x WZ-0501:1.5 :5 'WZ-0501 20'; do
	expect_rc 2 dd incident dispatch "$N" --items "$bad"
done
expect_rc 2 dd incident dispatch "$N"
expect_db_unchanged "refused dispatches"
