#!/usr/bin/env bash
# Emergency plans: plan list | show | validate | load | activate | raise |
# check | status | report | close, the incident's timeline and the audit
# trail of checklist ticks. Bad input leaves the database as it was.
. "$(dirname "$0")/lib.sh"

at() { export DUTYDESK_NOW="2026-11-28 $1"; }
PLANS=$DUTYDESK_DATA/../plans
BROKEN=$DUTYDESK_DATA/../tests/data/plans-broken
N=永和-2026-0002 # an open landslide of the demo data

# ---- validate: no database needed ----
expect_rc 0 dd plan validate "$PLANS"/*.yaml
expect_eq "$(grep -c ': ok (' "$OUT")" 9 "shipped plans validated"
expect_out_has "$PLANS/geohazard.yaml: ok (geohazard, version 2025.1)"
expect_eq "$(wc -c <"$ERR")" 0 "no message for good plans"
expect_true "plan validate made a database" test ! -e "$DUTYDESK_DB"
expect_rc 1 dd plan validate "$BROKEN/cycle-2.yaml"
expect_err_has "$BROKEN/cycle-2.yaml:12:16: levels.IV.items[0].after: a cycle: a -> b -> a"
expect_err_has "$BROKEN/cycle-2.yaml:15:16: levels.IV.items[1].after: a cycle: b -> a -> b"
expect_rc 1 dd plan validate "$BROKEN/unknown-top-key.yaml"
expect_err_has "$BROKEN/unknown-top-key.yaml:4:1: owner: unknown key (expected one of id, title, version, hq, applies_to, warnings, levels, contacts, post)"
# every broken file of the test data is refused with a file:line:column message
for f in "$BROKEN"/*.yaml; do
	expect_rc 1 dd plan validate "$f"
	grep -qE "^$f:[0-9]+:[0-9]+: " "$ERR" || fail "$f: no file:line:column message"
	pass
done
# a good file, a broken one, another good one, two more broken: every file
# checked and every problem of each named
expect_rc 1 dd plan validate "$PLANS/fire.yaml" "$BROKEN/duplicate-key.yaml" "$PLANS/geohazard.yaml" \
	"$BROKEN/tab-indent.yaml" "$BROKEN/level-gap.yaml"
expect_out_has "$PLANS/fire.yaml: ok (fire, version 2025.1)"
expect_out_has "$PLANS/geohazard.yaml: ok (geohazard, version 2025.1)"
expect_err_has "$BROKEN/duplicate-key.yaml:6:3: hq.name: duplicate key"
expect_err_has "$BROKEN/duplicate-key.yaml:13:9: levels.IV.items[0].text: duplicate key"
expect_err_has "$BROKEN/tab-indent.yaml:5:1: a tab in the indentation: YAML indents with spaces"
expect_err_has "$BROKEN/level-gap.yaml:7:3: levels: no level III: a response cannot be raised from IV to I without it"
expect_err_has "3 of 5 files broken"
# under a Chinese interface, in Chinese
LANGUAGE=zh_CN expect_rc 1 dd plan validate "$BROKEN/fullwidth-colon.yaml" "$BROKEN/level-gap.yaml" "$PLANS/fire.yaml"
expect_err_has "$BROKEN/fullwidth-colon.yaml:8:12: 'trigger：'：这是全角冒号；YAML 要用半角冒号 ':'"
expect_err_has "$BROKEN/level-gap.yaml:7:3: levels: 缺少 II 级：没有这一级，响应无法从 IV 级提升到 I 级"
expect_err_has "3 个文件中有 2 个有错"
expect_out_has "$PLANS/fire.yaml：通过（fire，版本 2025.1）"
# a key's "missing" is not 失踪 (of people)
LANGUAGE=zh_CN expect_rc 1 dd plan validate "$BROKEN/missing-title.yaml"
expect_err_has "$BROKEN/missing-title.yaml:1:1: title: 缺少（必填）"
expect_rc 1 dd plan validate "$TMP/nosuch.yaml"
expect_err_has "$TMP/nosuch.yaml: cannot read"
expect_true "plan validate made a database" test ! -e "$DUTYDESK_DB"

# ---- the library ----
expect_rc 0 dd demo
expect_rc 0 dd plan list --json
expect_eq "$(json_get length)" 9 "plans in the library"
expect_eq "$(json_get '[.[].id] | join(",")')" \
	earthquake,fire,flood_drought,forest_fire,geohazard,hazardous_chemicals,lifelines,meteorological,production_safety \
	"plan ids"
expect_eq "$(json_get '[.[] | select(.active != 0)] | length')" 0 "no plan active yet"
expect_rc 0 dd plan list
expect_eq "$(($(wc -l <"$OUT") - 1))" 9 "rows of plan list"
expect_rc 0 dd plan show geohazard
expect_out_has "geohazard  永和县突发地质灾害应急预案 (version 2025.1)"
expect_out_has "command HQ: 县地质灾害应急指挥部; lead: 县自然资源局"
expect_out_has "level IV (county leads): "
expect_out_has "level II (province leads): "
expect_out_has "      - [iv-receive-log] "
expect_out_has " within 60m after iv-receive"
expect_out_has "post-incident"
expect_rc 0 dd plan show geohazard --json
expect_eq "$(json_get '.levels.IV.items[0].id, .levels.IV.items[0].within' | paste -sd,)" iv-receive,30 \
	"the first item of level IV"
expect_eq "$(json_get '[.levels.IV.items[] | ., .items[]?] | length')" 12 "items of level IV"
db_snapshot
expect_rc 1 dd plan show nosuch
expect_err_has "no such plan"

# ---- load: a new version; the same version again; a broken file ----
sed -e 's/^version: "2025.1"/version: "2026.1"/' "$PLANS/geohazard.yaml" >"$TMP/geohazard.yaml"
grep -q '^version: "2026.1"' "$TMP/geohazard.yaml" || fail "sed did not change the version"
pass
cp "$BROKEN/lead-town.yaml" "$TMP/broken.yaml"
db_snapshot
expect_rc 1 dd plan load "$TMP/geohazard.yaml" "$TMP/broken.yaml"
expect_err_has "$TMP/broken.yaml:9:11: levels.IV.lead: expected county, city or province"
expect_db_unchanged "plan load with a broken file"
expect_rc 0 dd plan load "$TMP/geohazard.yaml"
expect_out_has "$TMP/geohazard.yaml: loaded"
expect_rc 0 dd plan list --json
expect_eq "$(json_get length)" 9 "still nine plans"
expect_eq "$(json_get '.[] | select(.id == "geohazard") | .version')" 2026.1 "the latest version is listed"
db_snapshot
expect_rc 0 dd plan load "$TMP/geohazard.yaml"
expect_out_has "loaded already"
expect_db_unchanged "loading the same version again"
expect_rc 0 dd plan show geohazard
expect_out_has "(version 2026.1)"

# ---- activate ----
at 18:00
expect_rc 0 dd plan activate geohazard --level IV --incident "$N"
ACT=$(cat "$OUT")
[[ $ACT =~ ^[0-9a-f-]{36}$ ]] || fail "activate printed no activation id: '$ACT'"
pass
db_snapshot
expect_rc 1 dd plan activate geohazard --level III --incident "$N"
expect_err_has "already active for $N"
expect_db_unchanged "a second activation for the incident"
expect_rc 2 dd plan activate geohazard --level IV --incident "$N" --drill
expect_err_has "exclude each other"
expect_db_unchanged "--drill and --incident"
expect_rc 2 dd plan activate geohazard --level V --drill
expect_err_has "expected IV, III, II or I"
expect_db_unchanged "level V"
expect_rc 2 dd plan activate geohazard --drill
expect_db_unchanged "no level"
expect_rc 2 dd plan activate geohazard --level IV
expect_db_unchanged "neither an incident nor a drill"
expect_rc 1 dd plan activate nosuch --level IV --drill
expect_db_unchanged "an unknown plan"
expect_rc 0 dd plan list --json
expect_eq "$(json_get '.[] | select(.id == "geohazard") | .active')" 1 "geohazard is active"

# ---- check ----
st() { # st ITEM FILTER: a field of an item in plan status ACT --json
	run dd plan status "$ACT" --json
	[ "$RC" -eq 0 ] || fail "plan status failed"
	json_get --arg k "$1" ".items[] | select(.item_key == \$k) | $2"
}
at 18:05
expect_rc 0 dd plan check "$ACT" iv-receive-log
expect_eq "$(st iv-receive-log .state)" done "checked item"
expect_eq "$(st iv-receive-log .done_at)" 2026-11-28T18:05:00+08:00 "done_at"
expect_eq "$(st iv-receive-log .done_by)" 测试员 "done_by"
db_snapshot
expect_rc 1 dd plan check "$ACT" iv-receive-log
expect_err_has "already done"
expect_rc 1 dd plan check "$ACT" iv-receive
expect_err_has "has open substeps (iv-receive-leader first)"
expect_rc 1 dd plan check "$ACT" iv-activate
expect_err_has "comes after 'iv-receive', which is still open"
expect_rc 2 dd plan check "$ACT" iv-receive-leader --na ""
expect_err_has "needs a reason"
expect_rc 1 dd plan check "$ACT" iv-nosuch
expect_err_has "not in this checklist"
expect_rc 1 dd plan check 00000000-no-such iv-receive-leader
expect_db_unchanged "refused ticks"
at 18:06
expect_rc 0 dd plan check "$ACT" iv-receive-leader --na 带班领导已在现场
expect_eq "$(st iv-receive-leader .state)" na "--na"
expect_eq "$(st iv-receive-leader .reason)" 带班领导已在现场 "reason"
expect_eq "$(st iv-receive .state)" done "the parent is done with its last substep"
expect_eq "$(st iv-activate .due)" 2026-11-28T19:06:00+08:00 "due 60m after the after item"
expect_rc 0 dd plan check "$ACT" iv-evacuate-count --prev
expect_eq "$(st iv-evacuate-count .state)" prev_done "--prev"
expect_rc 0 dd plan check "$ACT" iv-evacuate-count --open
expect_eq "$(st iv-evacuate-count .state)" open "--open"
expect_eq "$(st iv-evacuate-count .done_at)" null "reopened: no done time"
expect_rc 0 dd plan check "$ACT" iv-activate
TICKS=6 # log, leader, the parent by itself, prev, open, activate

# ---- status and overdue ----
at 19:00
expect_rc 0 dd plan status "$ACT" --json
expect_eq "$(json_get .progress.total)" 12 "items at level IV"
expect_eq "$(json_get .progress.done)" 4 "items done"
expect_eq "$(json_get .drill)" false "not a drill"
expect_eq "$(json_get .incident)" "$N" "the incident"
expect_eq "$(json_get '.items[] | select(.item_key == "iv-evacuate") | .due')" 2026-11-28T19:00:00+08:00 "due"
expect_eq "$(json_get '.items[] | select(.item_key == "iv-evacuate") | .overdue')" false \
	"not overdue at the due time"
expect_eq "$(json_get .progress.overdue)" 0 "nothing overdue at 19:00"
expect_eq "$(json_get '.items[] | select(.item_key == "iv-rescue") | .due')" null "no limit: no due"
at 19:01
expect_rc 0 dd plan status "$ACT" --json
expect_eq "$(json_get '.items[] | select(.item_key == "iv-evacuate") | .overdue')" true "overdue after"
expect_eq "$(json_get '[.items[] | select(.overdue) | .item_key] | join(",")')" iv-evacuate "overdue items"
expect_eq "$(json_get .progress.overdue)" 1 "overdue count"
expect_rc 0 dd plan status "$ACT"
expect_out_has "永和县突发地质灾害应急预案  level IV  $N  4/12 done, 1 overdue"
grep -q '^\[!\] IV  iv-evacuate .* OVERDUE due 11-28 19:00$' "$OUT" || fail "no OVERDUE line for iv-evacuate"
pass
grep -q '^\[-\]   IV  iv-receive-leader .*(带班领导已在现场)$' "$OUT" || fail "no n/a line with its reason"
pass

# ---- raise, by the incident's number ----
at 19:10
expect_rc 0 dd plan raise "$N" III
expect_rc 0 dd plan status "$ACT" --json
expect_eq "$(json_get .level)" III "raised"
expect_eq "$(json_get .progress.total)" 20 "IV and III items"
expect_eq "$(json_get .progress.done)" 4 "what was done stays done"
expect_eq "$(json_get '.items[] | select(.item_key == "iii-report") | .due')" 2026-11-28T19:40:00+08:00 \
	"III's limit counts from the raise"
db_snapshot
expect_rc 2 dd plan raise "$N" III
expect_err_has "not above the current level III"
expect_rc 2 dd plan raise "$ACT" IV
expect_rc 2 dd plan raise "$ACT" V
expect_db_unchanged "raise to the same, a lower or no level"

# ---- a drill of another plan ----
at 19:20
expect_rc 0 dd plan activate flood_drought --level 一般 --drill
DRILL=$(cut -d' ' -f1 "$OUT")
expect_out_has " (drill 演练)"
expect_rc 0 dd plan status --json
expect_eq "$(json_get length)" 2 "open activations"
expect_eq "$(json_get --arg a "$DRILL" '.[] | select(.id == $a) | .plan, .level, .incident' | paste -sd,)" \
	flood_drought,IV,null "the drill's row"
expect_eq "$(json_get --arg a "$DRILL" '.[] | select(.id == $a) | .drill')" true "the drill flag"
expect_eq "$(json_get --arg a "$ACT" '.[] | select(.id == $a) | .drill')" false "an incident's flag"
expect_eq "$(json_get --arg a "$ACT" '.[] | select(.id == $a) | .done, .items' | paste -sd,)" 4,20 "progress"
expect_rc 0 dd plan status
grep -qE '^[0-9a-f-]+…  flood_drought +IV +yes +0 +14  永和县防汛抗旱应急预案$' "$OUT" || fail "no drill row in plan status"
pass
at 19:32
expect_rc 0 dd plan check "$DRILL" iv-receive-log
at 19:40
expect_rc 0 dd plan check "$DRILL" iv-receive-leader
at 20:00
expect_rc 0 dd plan check "$DRILL" iv-activate
expect_rc 0 dd plan report "$DRILL"
expect_out_has "[DRILL 演练] 永和县防汛抗旱应急预案  level IV"
grep -q 'iv-receive-log .*took 12m / within 10m$' "$OUT" || fail "report: iv-receive-log took 12m"
pass
grep -q '^\[x\] IV  iv-receive .*took 20m / within 30m$' "$OUT" || fail "report: the parent took 20m"
pass
grep -q 'iv-activate .*took 20m / within 60m$' "$OUT" || fail "report: iv-activate counted from iv-receive"
pass
expect_rc 0 dd plan status "$DRILL" --json
expect_eq "$(json_get '.items[] | select(.item_key == "iv-receive-log") | .took_min')" 12 "took_min"

# ---- close ----
db_snapshot
expect_rc 2 dd plan close "$ACT"
expect_err_has "summary"
expect_db_unchanged "close without a summary"
at 20:30
expect_rc 0 dd plan close "$N" --summary 险情排除，群众已返回
db_snapshot
expect_rc 1 dd plan close "$ACT" --summary 再次结束
expect_err_has "closed already"
expect_rc 1 dd plan check "$ACT" iv-scene
expect_err_has "closed"
expect_db_unchanged "a closed activation"
expect_rc 0 dd plan status --json
expect_eq "$(json_get '[.[].id] | join(",")')" "$DRILL" "only the drill is open"
expect_rc 0 dd plan status "$ACT" --json
expect_eq "$(json_get .closed_at)" 2026-11-28T20:30:00+08:00 "closed_at"
expect_eq "$(json_get .summary)" 险情排除，群众已返回 "summary"

# ---- the incident's timeline ----
expect_rc 0 dd incident show "$N" --json
tl() { json_get --arg t "$1" '[.timeline[] | select(.kind == "action" and .text == $t)] | length'; }
expect_eq "$(tl "启动《永和县突发地质灾害应急预案》IV级响应")" 1 "activation on the timeline"
expect_eq "$(tl "预案工作项[iv-receive-log]完成：在接报记录中登记时间、地点、灾害类型、规模、受威胁户数人数、已采取措施")" 1 \
	"a tick on the timeline"
expect_eq "$(tl "预案工作项[iv-receive-leader]不适用：报告带班领导和县自然资源局主要负责人（带班领导已在现场）")" 1 \
	"an n/a tick with its reason"
expect_eq "$(tl "《永和县突发地质灾害应急预案》响应级别由IV级提升为III级")" 1 "the raise"
expect_eq "$(tl "《永和县突发地质灾害应急预案》响应结束：险情排除，群众已返回")" 1 "the close"
expect_eq "$(json_get '[.timeline[] | select(.text | startswith("预案工作项["))] | length')" "$TICKS" \
	"every tick on the timeline"

# ---- audit: every tick, the drill's four too (the parent by itself included) ----
expect_rc 0 dd audit --json --limit 100000
expect_eq "$(json_get '[.[] | select(.record_type == "checklist_tick")] | length')" $((TICKS + 4)) \
	"checklist ticks in the audit"
expect_eq "$(json_get '[.[] | select(.record_type == "checklist_tick") | .detail | fromjson
	| select(.state == "na")] | .[0].reason')" 带班领导已在现场 "the n/a tick's reason in the audit"
expect_rc 0 dd audit --limit 100000
expect_out_has "checklist_tick"

# ---- levels as the Unicode Roman numerals an input method gives ----
expect_rc 0 dd plan activate earthquake --level Ⅳ --drill
ROMAN=$(cut -d' ' -f1 "$OUT")
expect_rc 0 dd plan raise "$ROMAN" Ⅱ
expect_rc 0 dd plan status --json
expect_eq "$(json_get --arg a "$ROMAN" '.[] | select(.id == $a) | .level')" II "raised to Ⅱ"
