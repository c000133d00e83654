#!/usr/bin/env bash
# incident add | list | show | note | close
. "$(dirname "$0")/lib.sh"

expect_rc 0 dd demo

# Chinese title, type by Chinese name, level by Chinese name, places by name, --at HH:MM.
expect_rc 0 dd incident add --title 桑壁镇辛庄村后山滑坡 --type 滑坡 --level 较大 \
	--township 桑壁镇 --village 辛庄村 --at 17:30 --reporter 张三 --phone 13800000000 \
	--deaths 1 --injured 2 --missing 3 --trapped 4 --note 来电称后山滑坡压埋民房
grep -qx '永和-2026-[0-9]\{4\}' "$OUT" || fail "incident add did not print a number 永和-2026-NNNN"
pass
N1=$(cat "$OUT")

# Type by id, township by code, a full date; a later clock so that ordering is defined.
export DUTYDESK_NOW='2026-11-28 18:05'
expect_rc 0 dd incident add --title 坡头乡岔口村河道漫溢 --type flood --level IV \
	--township 141032202 --at '2026-11-28 16:00' --json
N2=$(json_get .number)
[[ $N2 == 永和-2026-???? ]] || fail "incident add --json gave no number"
pass
[ "$N2" != "$N1" ] || fail "two incidents share the number $N1"
pass
export DUTYDESK_NOW='2026-11-28 18:10'
expect_rc 0 dd incident add --title 芝河镇燃气泄漏 --type gas_leak --level 一般 --township 芝河镇
N3=$(cat "$OUT")
export DUTYDESK_NOW='2026-11-28 18:15'

# incident list --json: keys, values, time zone.
expect_rc 0 dd incident list --json
cp "$OUT" "$TMP/all.json"
total=$(json_get length)
expect_eq "$total" 9 "incidents after 3 adds to the demo's 6"
for k in id number title class type level status township township_code village village_code \
	received_at occurred_at reporter reporter_phone deaths injured missing trapped; do
	expect_all "every incident has key '$k'" . 'has($k)' --arg k "$k"
done
expect_all "received_at is ISO 8601 with +08:00" . '.received_at | test("^2026-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\+08:00$")'
expect_all "occurred_at carries +08:00" . '.occurred_at == null or (.occurred_at | endswith("+08:00"))'
expect_eq "$(json_get '[.[].received_at] == ([.[].received_at] | sort | reverse)')" true \
	"incident list is newest first"
rec() { json_get --arg n "$1" ".[] | select(.number == \$n) | $2"; }
expect_eq "$(rec "$N1" .title)" 桑壁镇辛庄村后山滑坡 "title"
expect_eq "$(rec "$N1" .type)" landslide "type from 滑坡"
expect_eq "$(rec "$N1" .class)" natural_disaster "class"
expect_eq "$(rec "$N1" .level)" III "level from 较大"
expect_eq "$(rec "$N1" .status)" open "status"
expect_eq "$(rec "$N1" .township)" 桑壁镇 "township"
expect_eq "$(rec "$N1" .township_code)" 141032101 "township_code"
expect_eq "$(rec "$N1" .village)" 辛庄村 "village"
expect_eq "$(rec "$N1" .village_code)" 141032101014 "village_code"
expect_eq "$(rec "$N1" .occurred_at)" 2026-11-28T17:30:00+08:00 "occurred_at from --at 17:30"
expect_eq "$(rec "$N1" .received_at)" 2026-11-28T18:00:00+08:00 "received_at from the clock"
expect_eq "$(rec "$N1" .reporter)" 张三 "reporter"
expect_eq "$(rec "$N1" .reporter_phone)" 13800000000 "reporter_phone"
expect_eq "$(rec "$N1" '[.deaths, .injured, .missing, .trapped] | join(",")')" 1,2,3,4 "figures"
expect_eq "$(rec "$N1" '.deaths | type')" number "deaths is a JSON number"
expect_eq "$(rec "$N2" .type)" flood "type by id"
expect_eq "$(rec "$N2" .township)" 坡头乡 "township by code"
expect_eq "$(rec "$N2" .occurred_at)" 2026-11-28T16:00:00+08:00 "occurred_at from a full date"
expect_eq "$(rec "$N3" .level)" IV "level from 一般"
expect_eq "$(json_get '.[0].number')" "$N3" "newest incident first"

# Filters, each checked against the full list.
jall() { jq -r "$1" "$TMP/all.json"; }
expect_rc 0 dd incident list --open --json
expect_all "--open lists only open incidents" . '.status == "open"'
expect_eq "$(json_get length)" "$(jall '[.[] | select(.status == "open")] | length')" "--open count"
expect_eq "$(json_get length)" 7 "--open count (4 demo + 3 new)"
expect_rc 0 dd incident list --township 桑壁镇 --json
expect_all "--township lists only that township" . '.township == "桑壁镇"'
expect_eq "$(json_get length)" "$(jall '[.[] | select(.township == "桑壁镇")] | length')" "--township count"
expect_eq "$(json_get length)" 3 "--township 桑壁镇 count"
expect_rc 0 dd incident list --township 141032101 --json
expect_eq "$(json_get length)" 3 "--township by code count"
expect_rc 0 dd incident list --since '2026-11-28 00:00' --json
expect_all "--since" . '.received_at >= "2026-11-28T00:00:00+08:00"'
expect_eq "$(json_get length)" 4 "--since '2026-11-28 00:00' count"
expect_rc 0 dd incident list --since '2026-11-28 18:05' --json
expect_eq "$(json_get '[.[].number] | sort | join(",")')" "$(printf '%s\n' "$N2" "$N3" | sort | paste -sd,)" \
	"--since is inclusive and exact to the minute"
expect_rc 0 dd incident list --limit 2 --json
expect_eq "$(json_get '[.[].number] | join(",")')" "$N3,$N2" "--limit 2 gives the two newest"
expect_rc 0 dd incident list --open --township 坡头乡 --limit 1 --json
expect_eq "$(json_get '[.[].number] | join(",")')" "$N2" "filters combine"
expect_rc 2 dd incident list --limit 0
expect_rc 2 dd incident list --since yesterday

# show, note, close.
expect_rc 0 dd incident show "$N1" --json
expect_eq "$(json_get .number)" "$N1" "show --json number"
expect_eq "$(json_get '.timeline | length')" 1 "timeline of a new incident"
expect_eq "$(json_get '.timeline[0].text')" 来电称后山滑坡压埋民房 "first timeline entry holds --note"
expect_eq "$(json_get '.timeline[0].author')" 测试员 "timeline author is DUTYDESK_OFFICER"
expect_rc 0 dd incident show "$N1"
expect_out_has 桑壁镇辛庄村后山滑坡
expect_out_has 来电称后山滑坡压埋民房
expect_rc 1 dd incident show 永和-2026-9999
expect_err_has "no such incident"

expect_rc 0 dd incident note "$N1" 已派出县消防救援大队 --kind dispatch
expect_rc 0 dd incident show "$N1" --json
expect_eq "$(json_get '.timeline | length')" 2 "timeline after a note"
expect_eq "$(json_get '[.timeline[] | select(.kind == "dispatch") | .text] | join(",")')" \
	已派出县消防救援大队 "the dispatch entry"
expect_eq "$(json_get '.timeline[0].kind')" received "note appends, it does not prepend"
expect_rc 0 dd incident note "$N1" 现场回报：无新增伤亡
expect_rc 0 dd incident show "$N1" --json
expect_eq "$(json_get '.timeline[-1].kind')" note "default note kind"
expect_eq "$(json_get '.timeline[-1].text')" 现场回报：无新增伤亡 "default note text"
before=$(db_digest)
expect_rc 2 dd incident note "$N1" x --kind bogus
expect_rc 1 dd incident note 永和-2026-9999 x
expect_rc 2 dd incident note "$N1"
expect_eq "$(db_digest)" "$before" "database after failed notes"

expect_rc 0 dd incident close "$N1" --note 险情排除
expect_rc 0 dd incident show "$N1" --json
expect_eq "$(json_get .status)" closed "status after close"
expect_eq "$(json_get .closed_at)" 2026-11-28T18:15:00+08:00 "closed_at"
expect_eq "$(json_get '[.timeline[].text] | index("险情排除") != null')" true "closing remark in the timeline"
before=$(db_digest)
expect_rc 1 dd incident close "$N1"
expect_err_has "already closed"
expect_eq "$(db_digest)" "$before" "database after closing twice"
expect_rc 1 dd incident close 永和-2026-9999
expect_rc 0 dd incident list --open --json
expect_eq "$(json_get length)" 6 "--open after closing one"

# Text table: columns line up for Chinese (display width, not bytes).
expect_rc 0 dd incident list
python3 - "$OUT" <<'PY' || fail "incident list columns are not aligned"
import sys, unicodedata
def w(c):
    return 0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
def starts(line):
    """display column -> token starting there"""
    col, prev, out = 0, " ", {}
    for c in line:
        if c != " " and prev == " ":
            out[col] = True
        col += w(c)
        prev = c
    return out
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
head = lines[0]
cols = {}
for name in ("number", "received", "level", "status", "type", "township", "title"):
    i = head.index(name)
    cols[name] = sum(w(c) for c in head[:i])
bad = 0
assert len(lines) == 10, len(lines)
for l in lines[1:]:
    s = starts(l)
    for name in ("number", "received", "level", "status", "type", "title"):
        if cols[name] not in s:
            print(f"column {name} does not start at display column {cols[name]}: {l!r}")
            bad += 1
sys.exit(1 if bad else 0)
PY
pass
