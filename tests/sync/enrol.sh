#!/bin/bash
# A province enrols its offices at once (dutydeskd node import FILE.csv
# --tokens OUT): all or none, every row checked first with file:line;
# the tokens go to a new file of mode 0600 and are the ones the hub takes;
# a county node of the whole hub only when a row says role county.
# Both stores (sync-enrol, sync-pg-enrol).
. "$(dirname "$0")/lib.sh"

expect_rc 0 hub init
nodes() { hub node list --json | jq -r 'map(.name) | sort | join(" ")'; }

# ---- a bad row anywhere: nothing enrolled, no tokens file ----
# refused RC MESSAGE: FILE.csv (from stdin) refused, saying MESSAGE
refused() {
	cat >"$TMP/bad.csv"
	expect_rc "$1" hub node import "$TMP/bad.csv" --tokens "$TMP/t.csv"
	expect_err_has "$2"
}
printf 'name,township,area,role\nsangbi,桑壁镇,,\nzhihe,无此乡,,\n' |
	refused 2 "bad.csv:3: township: '无此乡': no such township (name or code)"
printf 'name,township,area,role\nsangbi,桑壁镇,,\nyonghe,,,\n' |
	refused 1 "bad.csv:3: node yonghe: no township and no area; a county node of the whole hub says role county"
printf 'name,township\nsangbi,桑壁镇\nsangbi,芝河镇\n' |
	refused 1 "bad.csv:3: node sangbi again (first on line 2)"
printf 'name,township,area\nsangbi,桑壁镇,永和县\n' |
	refused 1 "bad.csv:2: node sangbi: a township or an area, not both"
printf 'name,town\nsangbi,桑壁镇\n' |
	refused 1 "bad.csv:1: column 'town': expected name, township, area and role, each once"
expect_true "no tokens file after a refusal" test ! -e "$TMP/t.csv"
expect_eq "$(nodes)" "" "nodes enrolled after the refusals"

# ---- the whole file: townships by name or code, an area, the whole hub ----
cat >"$TMP/offices.csv" <<'CSV'
role,area,name,township
,,sangbi,桑壁镇
,,zhihe,141032100
,永和县,yonghe,
county,,prov,
CSV
expect_rc 0 hub node import "$TMP/offices.csv" --tokens "$TMP/tokens.csv"
expect_out_has "enrolled 4 nodes from $TMP/offices.csv; their tokens are in $TMP/tokens.csv (mode 0600)"
expect_eq "$(stat -c %a "$TMP/tokens.csv")" 600 "the tokens file's mode"
expect_eq "$(head -n 1 "$TMP/tokens.csv")" "name,token" "the tokens file's header"
expect_eq "$(tail -n +2 "$TMP/tokens.csv" | cut -d, -f1 | sort | tr '\n' ' ')" "prov sangbi yonghe zhihe " \
	"the nodes in the tokens file"
expect_eq "$(nodes)" "prov sangbi yonghe zhihe" "nodes enrolled"
hub node list --json >"$OUT"
expect_eq "$(json_get '[.[] | "\(.name):\(.role):\(.township):\(.area)"] | join(" ")')" \
	"prov:county:: sangbi:township:141032101: yonghe:county::141032 zhihe:township:141032100:" \
	"each node's role, township and area"
# the tokens file is never written over, and names already enrolled are refused
expect_rc 1 hub node import "$TMP/offices.csv" --tokens "$TMP/tokens.csv"
expect_err_has "tokens.csv: File exists (the tokens go to a new file: name another)"
expect_rc 1 hub node import "$TMP/offices.csv" --tokens "$TMP/again.csv"
expect_err_has "offices.csv:2: node 'sangbi' is already enrolled"
expect_true "no tokens file after the refusal" test ! -e "$TMP/again.csv"

# ---- the tokens are the ones the hub takes ----
for n in sangbi yonghe prov; do
	grep "^$n," "$TMP/tokens.csv" | cut -d, -f2 >"$TMP/$n.token"
	chmod 600 "$TMP/$n.token"
done
expect_rc 0 node sangbi init --node sangbi --township 桑壁镇
expect_rc 0 node yonghe init --node yonghe --county --prefix 永和
expect_rc 0 node prov init --node prov --county --prefix 省
start_hub 0
expect_rc 0 node sangbi incident add --title 桑壁滑坡 --type landslide --township 桑壁镇
for n in sangbi yonghe prov; do sync_until $n "$HUB_URL"; done
for n in yonghe prov; do
	expect_eq "$(node $n incident list --json | jq -r '[.[].title] | join(" ")')" 桑壁滑坡 \
		"$n pulled sangbi's incident with its imported token"
done
api yonghe GET "/v1/pull?since=0&limit=1"
expect_eq "$(json_get .area)" 141032 "yonghe's area in its pull answer"
printf '%s\n' "$(tail -n 1 "$TMP/tokens.csv" | cut -d, -f2 | tr 0-9a-f a-f0-9)" >"$TMP/wrong.token"
expect_rc 1 node sangbi sync --once --server "$HUB_URL" --token-file "$TMP/wrong.token"
