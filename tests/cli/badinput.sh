#!/usr/bin/env bash
# Hostile input: refused with the right exit code and no change to the database;
# odd but legitimate text: accepted and stored verbatim.
. "$(dirname "$0")/lib.sh"

expect_rc 0 dd demo
expect_rc 0 dd stats # let any one-off housekeeping of a first open happen before the baseline

LONG=$(head -c 30000 /dev/zero | tr '\0' 'x')
A='incident add --title 测试事件 --type landslide'
# expected-exit | arguments (shell words, eval'd)
cases=(
	"2|$A --level V"
	"2|$A --level 5"
	"2|incident add --title 测试事件 --type nonexistent"
	"2|$A --township 不存在镇"
	"2|$A --village 不存在村"
	"2|$A --township 芝河镇 --village 辛庄村"
	"2|$A --at '2026-02-30 17:00'"
	"2|$A --at 25:00"
	"2|$A --at '2026-11-28 12:60'"
	"2|$A --at 'next tuesday'"
	"2|$A --at '2099-01-01 00:00'"
	"2|$A --at '2026-11-28 18:11'"  # more than the 10 minutes' clock-skew allowance
	"2|$A --deaths -1"
	"2|$A --deaths 99999999999999999999"
	"2|$A --deaths abc"
	"2|$A --deaths 1.5"
	"2|$A --injured 0x10"
	"2|$A --lon 999"
	"2|$A --lon nan"
	"2|$A --lat 91"
	"2|$A --loss -3"
	"2|$A --channel pigeon"
	"2|$A --deaths"
	"2|$A --deaths 1 --deaths 2"
	"2|incident add --title \$'\\xff\\xfe' --type landslide"
	"2|incident add --title \"\$LONG\" --type landslide"
	"2|incident add --type landslide"
	"2|incident add --title 测试事件"
	"2|incident add --title '' --type landslide"
	"2|stock receive --depot CK-00 --item WZ-0501 --qty 0"
	"2|stock receive --depot CK-00 --item WZ-0501 --qty -5"
	"2|stock receive --depot CK-00 --item WZ-0501 --qty 1e3"
	"2|stock receive --depot CK-00 --item WZ-0501 --qty 99999999999999999999"
	"2|stock issue --depot CK-00 --item WZ-0501 --qty 0"
	"2|stock issue --depot CK-00 --item WZ-0501 --qty 1e3"
	"2|stock transfer --from CK-00 --to CK-01 --item WZ-0501 --qty -5"
	"2|stock receive --depot CK-00 --item WZ-0501 --qty 5 --expiry 2026-02-30"
	"1|stock issue --depot CK-00 --item WZ-0501 --qty 101"
	"2|hazard add --kind geohazard --code 141032-HP-999 --name 测试点 --subtype hospital"
	"2|hazard add --kind fire_unit --code XF-999 --name 测试单位 --subtype landslide"
	"2|hazard add --kind geohazard --code 141032-HP-999 --name 测试点 --road 2"
	"2|hazard add --kind geohazard --code 141032-HP-999 --name 测试点 --households -1"
	"2|hazard add --kind geohazard --code 141032-HP-999 --name 测试点 --scale huge"
	"2|hazard add --kind geohazard --name 测试点"
	"1|hazard add --kind geohazard --code 141032-HP-001 --name 重复编码 --subtype landslide"
	"2|hazard inspect 141032-HP-001 --result maybe"
	"2|incident note 永和-2026-0001 \$'\\xff'"
)
for c in "${cases[@]}"; do
	want=${c%%|*}
	eval "args=(${c#*|})" || fail "bad case: $c"
	db_snapshot
	run dd "${args[@]}"
	LAST_CMD="dutydesk ${c#*|}"
	[ "$RC" -eq "$want" ] || fail "expected exit $want, got $RC"
	pass
	[ -s "$ERR" ] || fail "no message on stderr"
	pass
	expect_db_unchanged "after a refused command"
done
[ "${#cases[@]}" -ge 45 ] || fail "case table lost entries"
pass

# The 30,000-byte title is refused because of its length, not for another reason.
expect_rc 2 dd incident add --title "$LONG" --type landslide
expect_err_has "too long"
# A long but reasonable title is fine.
expect_rc 0 dd incident add --title "$(head -c 1000 /dev/zero | tr '\0' 'y')" --type landslide

expect_rc 2 dd incident add --title $'\xff\xfe' --type landslide
expect_err_has "UTF-8"
db_snapshot
expect_rc 2 dd incident add --title 正常标题 --type landslide --place $'\xff'
expect_db_unchanged "after --place with invalid UTF-8"

# Accepted and stored verbatim.
add_title() { # title -> number (stdout), checks storage
	expect_rc 0 dd incident add --title "$1" --type landslide --township 芝河镇
	local n
	n=$(cat "$OUT")
	expect_rc 0 dd incident show "$n" --json
	expect_eq "$(json_get .title)" "$1" "title via show --json"
	expect_eq "$(sqlite3 "$DUTYDESK_DB" "SELECT title FROM incident WHERE number = '$n'")" "$1" "title in the database"
}
SQLI="'; DROP TABLE incident; --"
ESCT=$'红色\x1b[31m预警\x1b[0m'
WIDE='🔥山火Ａ１２（全角）蔓延🚒'
add_title "$SQLI"
add_title "$ESCT"
add_title "$WIDE"
add_title '引号"双"与\反斜杠 %s %n $(id)'
expect_eq "$(sqlite3 "$DUTYDESK_DB" 'SELECT count(*) FROM incident')" 11 "incident table intact (6 demo + 5 added)"
expect_rc 0 dd incident list --json
expect_eq "$(json_get --arg t "$ESCT" '[.[] | select(.title == $t)] | length')" 1 "ESC title verbatim in list --json"
expect_eq "$(json_get --arg t "$SQLI" '[.[] | select(.title == $t)] | length')" 1 "SQL title verbatim in list --json"
expect_rc 0 dd incident list
expect_out_has "$SQLI"
expect_out_has "$WIDE"
expect_eq "$(grep -c $'\x1b' "$OUT")" 0 "raw ESC bytes in incident list text output"
expect_out_has "红色"
n=$(sqlite3 "$DUTYDESK_DB" "SELECT number FROM incident WHERE title LIKE '红色%'")
expect_rc 0 dd incident show "$n"
expect_eq "$(grep -c $'\x1b' "$OUT")" 0 "raw ESC bytes in incident show text output"
expect_rc 0 dd incident note "$n" $'现场\x1b]0;title\x07更新'
expect_rc 0 dd incident show "$n"
expect_eq "$(grep -c $'\x1b' "$OUT")" 0 "raw ESC bytes in a timeline entry's text output"
expect_rc 0 dd hazard add --kind geohazard --code 141032-HP-998 --name $'危险\x1b[2J点' --subtype landslide \
	--township 芝河镇
expect_rc 0 dd hazard list --kind geohazard --township 141032100 --limit 1000
expect_out_has 141032-HP-998 # the row is listed: the next check looks at it
expect_out_has 危险
expect_eq "$(grep -c $'\x1b' "$OUT")" 0 "raw ESC bytes in hazard list text output"
