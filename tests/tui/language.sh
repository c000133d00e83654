#!/bin/bash
# Chinese where the user is Chinese, from the build tree as the quick start
# runs it: no DUTYDESK_LOCALEDIR, and no Chinese locale generated (the
# catalogue is read without gettext). LANG, LANGUAGE and config.yaml's
# language: each choose it; language: en wins over a Chinese LANG. A
# form's error is in Chinese and names the field by the form's label; the
# CLI speaks the same language.
. "$(dirname "$0")/lib.sh"
make_demo
unset DUTYDESK_LOCALEDIR
if locale -a 2>/dev/null | grep -qi '^zh'; then
	echo "note: this machine has a Chinese locale ($(locale -a | grep -i '^zh' | paste -sd' ')): the test still passes without it"
fi
CONF=$TMP/conf.yaml

# session ENV...: the console at 80x24 with ENV, LC_ALL cleared
session() {
	tm kill-session -t "$SESSION" 2>/dev/null
	start 80 24 LC_ALL= "$@"
}

# ---- LANG=zh_CN.UTF-8, a locale this machine need not have ----
session LANG=zh_CN.UTF-8
wait_for "[0 概览] 1 事件"
wait_for "值班员: 测试员"
expect_screen_lacks "not installed"
expect_screen_lacks "Chinese was asked for"
check_widths

# ---- LANGUAGE under a C locale ----
session LANG=C.UTF-8 LANGUAGE=zh_CN
wait_for "[0 概览] 1 事件"

# ---- language: zh in config.yaml under LANG=C ----
printf 'language: zh\n' >"$CONF"
session LANG=C "DUTYDESK_CONFIG=$CONF"
wait_for "[0 概览] 1 事件"

# ---- language: en wins over a Chinese environment ----
printf 'language: en\n' >"$CONF"
session LANG=zh_CN.UTF-8 LANGUAGE=zh_CN "DUTYDESK_CONFIG=$CONF"
wait_for "[0 Overview] 1 Incidents"
expect_screen_lacks "概览"

# ---- a form's error: Chinese, naming the field as the form does ----
# The form comes back from a draft whose time is impossible; ^S saves.
mkdir -p "$XDG_STATE_HOME/dutydesk/drafts"
draft="$XDG_STATE_HOME/dutydesk/drafts/$(realpath "$DB" | tr / %).json"
jq -n --argjson now "$(date +%s)" '{kind: "incident", target: "", saved_at: $now,
	fields: {title: "东山坡落石", type: "landslide", at: "25:70"}}' >"$draft"
session LANG=zh_CN.UTF-8
wait_for "东山坡落石"
keys C-s
# the message stands beside the field it names, on the label's row
wait_for_re "发生时间 +25:70 +'25:70'：时间不存在：小时应为 00-23"
expect_screen_lacks "occurred_at"
expect_screen_lacks "impossible"
check_widths
before=$(dd incident list --json | jq length)
keys Escape
wait_for "y/n"
keys y
wait_gone "东山坡落石"
expect_eq "$(dd incident list --json | jq length)" "$before" "incidents after the refused form"

# ---- a verb's error on the ':' line, from the model: Chinese too ----
keys :
type_text 'incident note 永和-2099-0001 现场无人'
keys Enter
wait_for "事件 '永和-2099-0001'：不存在"
expect_screen_lacks "no such incident"
check_widths

# ---- the CLI: the same choice ----
err=$(env LC_ALL= LANG=zh_CN.UTF-8 "$DUTYDESK" --db "$DB" incident add --title x --type landslide --at 25:70 2>&1)
expect_contains "$err" "'25:70'：时间不存在：小时应为 00-23"
err=$(env LC_ALL= LANG=zh_CN.UTF-8 "$DUTYDESK" --db "$DB" bogus 2>&1)
expect_contains "$err" "未知命令 'bogus'"
head=$(env LC_ALL= LANGUAGE=zh_CN "$DUTYDESK" --db "$DB" incident list | head -1)
expect_contains "$head" "编号"
expect_contains "$head" "标题"
head=$(env LC_ALL=C.UTF-8 LANGUAGE= "$DUTYDESK" --db "$DB" incident list | head -1)
expect_contains "$head" "title"
help=$(env LC_ALL= LANG=zh_CN.UTF-8 "$DUTYDESK" --help)
expect_contains "$help" "incident add       记录新事件；输出其编号"
expect_contains "$(LC_ALL=C.UTF-8 "$DUTYDESK" --help)" "incident add       record a new incident"
# --json is data: the same keys whatever the language
expect_eq "$(env LC_ALL= LANG=zh_CN.UTF-8 "$DUTYDESK" --db "$DB" incident list --json | jq -r '.[0] | has("title")')" \
	true "--json keys under Chinese"
