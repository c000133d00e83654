#!/bin/bash
# Every message the Chinese console shows is Chinese: the console runs in
# Chinese with DUTYDESK_I18N_MISSES set, through every verb's `:VERB
# --help`, the panes, the duty log, the tasks, the warnings, a report, the
# usual mistakes (an impossible time, an unknown township or incident, a
# missing argument, an unknown option) and a mistake in config.yaml. The
# catalogue notes in that file each English text it was asked for and could
# not translate, and each English message never marked for translation: the
# file must stay empty. Tables show enumerated values by their Chinese names.
. "$(dirname "$0")/lib.sh"
make_demo
MISSES=$TMP/misses.txt
: >"$MISSES"

run() {
	keys :
	type_text "$1"
	keys Enter
}

# view TEXT WAIT: a ':' line whose output opens a view; waits for WAIT,
# then closes the view.
view() {
	run "$1"
	wait_for "$2" 5
	keys Escape
	wait_gone "$2" 5
}

start_zh 100 30 "DUTYDESK_I18N_MISSES=$MISSES"

# ---- every verb's options ----
verbs=()
while IFS= read -r name; do
	verbs+=("$name")
done < <(LANGUAGE=en "$DUTYDESK" --help | sed -n '/^Commands:/,/^$/p' |
	sed -n 's/^  \(.\{18\}\).*/\1/p' | sed 's/ *$//')
[ "${#verbs[@]}" -ge 60 ] || fail "only ${#verbs[@]} verbs in dutydesk --help"
for v in "${verbs[@]}"; do
	view "$v --help" "Usage: :$v [OPTIONS]"
done
view "help" ":tasks"
view "help incident note" "Usage: :incident note [OPTIONS] N [TEXT]"

# ---- the panes ----
for p in 1 2 3 4 0; do
	keys "$p"
	wait_for_re "\\[$p [^]]+\\]" 5
done

# ---- the views of a watch ----
N=永和-2026-0001
view "tasks" "应办事项"
expect_screen_lacks "first_report"
view "log" "时间"
view "log list" "时间"
view "incident list" "$N"
view "incident show $N" "$N"
view "report incident $N" "永和县应急管理局"
view "report daily" "值班日报"
view "hazard list" "编码"
view "stock list" "WZ-0101"
view "plan list" "2025.1"

# the tables show enum values by name
run "log list"
wait_for "时间" 5
for raw in received follow_up first_report ": closed"; do
	expect_screen_lacks "$raw"
done
keys Escape
run "incident show 永和-2026-0005"
wait_for "已结束" 5
expect_screen_lacks "closed"
keys Escape
run "task due"
wait_for "应办事项" 5
for raw in first_report " yes " " no "; do
	expect_screen_lacks "$raw"
done
keys Escape
run 'log add "县气象局暴雨黄色预警" --kind warning --colour yellow --area 全县 --until "明天 08:00"'
wait_for_re "[0-9a-f]{8}" 5
run "warning list"
wait_for "黄色" 5
expect_screen_lacks "yellow"
keys Escape
view "task list --all" "期限"

# a verb's reply: an abnormal inspection's alert names whom to call
run "hazard inspect XF-001 --result abnormal"
wait_for "请联系责任人" 5
expect_screen_lacks "responsible"
run "plan activate flood_drought --level IV --drill"
wait_for "（演练）" 5

# ---- the usual mistakes: each says why, in Chinese ----
mistake() {
	: >"$TMP/before"
	run "$1"
	wait_for_re "$2" 5
}
mistake "incident add --title 落石 --type landslide --at 25:70" "25:70"
mistake "incident list --township 不存在镇" "不存在镇"
mistake "incident show 永和-2026-9999" "永和-2026-9999"
mistake "task done" "ID"
mistake "incident list --bogus" "bogus"
mistake "hazard show NOPE-01" "NOPE-01"
mistake "stock issue --qty 1" "--depot"
mistake "log list --kind nonsense" "nonsense"
mistake "task done zzzz" "zzzz"
mistake "shift show 99999" "99999"
mistake "report incident 永和-2026-9999" "永和-2026-9999"
mistake "plan show nope" "nope"
mistake "nosuchverb" "nosuchverb"

# ---- a mistake in config.yaml: the warning at start is Chinese ----
tm kill-session -t "$SESSION" 2>/dev/null
printf 'escape_delay_ms: slow\nnonsense: 1\n' >"$TMP/conf.yaml"
start_zh 100 30 "DUTYDESK_I18N_MISSES=$MISSES" "DUTYDESK_CONFIG=$TMP/conf.yaml"
wait_for "escape_delay_ms: 应为 0 到 2000 的毫秒数"

tm kill-session -t "$SESSION" 2>/dev/null
if [ -s "$MISSES" ]; then
	echo "English texts the Chinese console showed (msgids, one a line):" >&2
	sort -u "$MISSES" >&2
	fail "$(sort -u "$MISSES" | wc -l) texts untranslated under the Chinese interface"
fi
pass
