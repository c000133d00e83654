#!/bin/bash
# The real binaries end to end: a hub, two township nodes and the county
# node; offline edits everywhere, syncs in different orders, scoped digests
# equal to the hub's at the end, a conflict reviewed and resolved, a clean
# stop. The hub's log is one JSON object a line, one line per request made,
# and tokens never reach it or the hub's database.
. "$(dirname "$0")/lib.sh"

# ---- the hub ----
expect_rc 0 hub init
expect_out_has "initialised hub"
# the county's item catalogue and plan library, logged for every node
LIBRARY=$(hub_sql "SELECT count(*) FROM oplog WHERE node = 'hub' AND owner = '*'")
expect_eq "$LIBRARY" "$(hub_sql "SELECT count(*) FROM oplog WHERE node = 'hub' AND tbl IN ('item', 'plan')")" \
	"the hub's own ops are the catalogue and the plans"
expect_true "the catalogue and the plans are logged" test "$LIBRARY" -gt 0
if sqlite_hub_only "the records in the hub's file"; then
	expect_true "the hub holds the catalogue and the plans" \
		test "$(sqlite3 "$HUBDB" "SELECT (SELECT count(*) FROM item) > 0 AND (SELECT count(*) FROM plan) > 0")" = 1
	expect_eq "$LIBRARY" "$(sqlite3 "$HUBDB" "SELECT (SELECT count(*) FROM item) + (SELECT count(*) FROM plan)")" \
		"one county-wide op per record"
fi
expect_rc 1 hub init
expect_err_has "exists already"
enrol sangbi --township 桑壁镇
enrol zhihe --township 141032100
enrol county --county
expect_eq "$(wc -l <"$TMP/enrol.out")" 3 "node add output lines"
expect_true "a token is long and random" grep -Eq '^[A-Za-z0-9_-]{32,}$' "$TMP/county.token"
expect_true "tokens differ" test "$(cat "$TMP/sangbi.token")" != "$(cat "$TMP/zhihe.token")"
expect_rc 1 hub node add sangbi --township 桑壁镇
expect_err_nonempty
expect_rc 0 hub node list --json
expect_eq "$(json_get 'length')" 3 "enrolled nodes"
expect_eq "$(json_get '[.[] | select(.name=="zhihe")][0].township')" 141032100 "township by code"
expect_eq "$(json_get '[.[] | select(.name=="sangbi")][0].township')" 141032101 "township by name"
no_token() { ! hub_dump | grep -qF "$1"; }
for n in sangbi zhihe county; do
	expect_true "no token of $n in the hub database" no_token "$(cat "$TMP/$n.token")"
done

# ---- the nodes, offline ----
expect_rc 0 node sangbi init --node sangbi --township 桑壁镇
expect_rc 0 node zhihe init --node zhihe --township 芝河镇
expect_rc 0 node county init --node county --county
# the catalogue and plan library come from the shipped files into every
# database and the hub alike: a new node has nothing of its own to send
for n in sangbi zhihe county; do
	expect_eq "$(sqlite3 "$TMP/$n.db" "SELECT count(*) FROM outbox")" 0 "$n: nothing queued by init"
	expect_true "$n: the catalogue and plans are there" \
		test "$(sqlite3 "$TMP/$n.db" "SELECT (SELECT count(*) FROM item) > 0 AND (SELECT count(*) FROM plan) > 0")" = 1
done
expect_rc 0 node sangbi incident add --title 桑壁镇后山滑坡 --type landslide --township 桑壁镇 --deaths 0 --json
SB1=$(json_get .number)
expect_rc 0 node sangbi incident note "$SB1" 现场已设警戒线
expect_rc 0 node zhihe incident add --title 芝河镇民房倒塌 --type collapse --township 芝河镇
expect_rc 0 node county incident add --title 县城燃气泄漏 --type gas_leak --township 芝河镇
expect_rc 0 node county hazard add --kind geohazard --code 141032001 --name 县级监测点 --township 桑壁镇

start_hub
api "" GET /v1/health
expect_eq "$STATUS" 200 "the hub's health"
# The nodes reach the hub through a relay that only logs each request they
# make (faultproxy.py with no fault): with the script's own requests
# ($TMP/requests.made) that is every request the hub was sent, to hold its
# log against at the end.
start_proxy
relay_sync() { node_sync "$1" "$PROXY_URL"; }
# order 1: the county first
for n in county sangbi zhihe county sangbi zhihe; do
	expect_rc 0 relay_sync "$n"
done
expect_out_has "0 still pending"
for n in county sangbi zhihe; do
	expect_eq "$(sqlite3 "$TMP/$n.db" "SELECT count(*) FROM outbox WHERE state = 'parked'")" 0 "$n: nothing refused by the hub"
done

expect_rc 0 node county incident list --json
expect_eq "$(json_get 'length')" 3 "the county sees every incident"
expect_rc 0 node sangbi incident list --json
expect_eq "$(json_get '[.[] | .title] | sort | join(",")')" "桑壁镇后山滑坡" "sangbi sees its own township only"
expect_rc 0 node zhihe incident list --json
expect_eq "$(json_get '[.[] | .title] | sort | join(",")')" "县城燃气泄漏,芝河镇民房倒塌" "zhihe sees its township, whoever wrote it"

check_digests() {
	local n
	for n in sangbi zhihe county; do
		expect_eq "$(node_digest "$n")" "$(hub_digest "$n")" "$1: $n's digest equals the hub's"
	done
}
check_digests "after round 1"

# ---- concurrent edits of one field: one wins everywhere, the other is kept ----
expect_rc 0 node sangbi incident note "$SB1" 续报 --deaths 2
expect_rc 0 node county incident note "$SB1" 县里核实 --deaths 3
# order 2: townships first
for n in sangbi zhihe county sangbi county; do
	expect_rc 0 relay_sync "$n"
done
check_digests "after round 2"
expect_rc 0 node county incident show "$SB1" --json
WIN=$(json_get '.deaths')
expect_rc 0 node sangbi incident show "$SB1" --json
expect_eq "$(json_get '.deaths')" "$WIN" "both sides keep the same winner"
expect_rc 0 node sangbi conflicts --all --json
C1=$(json_get 'length')
expect_rc 0 node county conflicts --all --json
C2=$(json_get 'length')
expect_eq "$((C1 + C2))" 1 "losing values kept for review (sangbi $C1, county $C2): the one that lost, once"
LOSER=sangbi
[ "$C1" -ge 1 ] || LOSER=county
expect_rc 0 node $LOSER conflicts
expect_out_has "deaths"
expect_out_has "to review"
ID=$(node $LOSER conflicts --json | jq -r '.[0].id')
LOST=$(node $LOSER conflicts --json | jq -r '.[0].lost')
expect_rc 2 node $LOSER conflicts resolve "$ID"
expect_rc 0 node $LOSER conflicts resolve "$ID" --take-lost
expect_out_has "resolved"
expect_rc 1 node $LOSER conflicts resolve "$ID" --keep
expect_err_has "resolved already"
expect_rc 0 node $LOSER conflicts
expect_out_has "no conflicts to review"
for n in $LOSER sangbi zhihe county; do
	expect_rc 0 relay_sync "$n"
done
check_digests "after the resolution synced"
expect_rc 0 node zhihe incident list --json
expect_eq "$(json_get '[.[] | .title] | sort | join(",")')" "县城燃气泄漏,芝河镇民房倒塌" \
	"zhihe still sees its township only, sangbi's incident and its resolution kept out"
expect_rc 0 node county incident show "$SB1" --json
expect_eq "$(json_get '.deaths')" "$LOST" "the lost value came back everywhere"

expect_rc 0 node sangbi sync --status --json
expect_eq "$(json_get .pending)" 0 "nothing pending"
expect_eq "$(json_get .conflicts)" 0 "no conflict left to review"
expect_rc 0 node sangbi sync --status
expect_out_has "pending ops"
expect_out_has "last success"

# ---- clean stop; the log ----
expect_rc 0 stop_hub
stop_proxy
expect_true "the hub logged its stop" grep -q '"event":"stopped"' "$TMP/hub.log"
# every line of the log is one JSON object with an event and a time
LINES=$(wc -l <"$TMP/hub.log")
jq -R -c '. as $line | try (fromjson | if type == "object" and (.event | type) == "string"
	and (.time | type) == "string" then "ok" else "bad: \($line)" end) catch "bad: not one JSON value: \($line)"' \
	"$TMP/hub.log" >"$TMP/log.check"
expect_eq "$(grep -v '^"ok"$' "$TMP/log.check" | head -3)" "" "log lines that are not one JSON object with an event"
expect_eq "$(wc -l <"$TMP/log.check")" "$LINES" "log lines checked"
# every request line has its fields, with the node for every request made
# with a token (all but health)
jq -c 'select(.event == "request") | select((.addr == "127.0.0.1" and (.method == "GET" or .method == "POST")
	and (.path | test("^/v1/[a-z]+$")) and (.status | type) == "number" and .status >= 100 and .status < 600
	and (.ops | type) == "number" and .ops >= 0 and (.ms | type) == "number" and .ms >= 0
	and (.bytes_in | type) == "number" and (.bytes_out | type) == "number"
	and (if .path == "/v1/health" then .node == null else (.node | IN("sangbi", "zhihe", "county")) end)) | not)' \
	"$TMP/hub.log" >"$TMP/log.bad"
expect_eq "$(head -3 "$TMP/log.bad")" "" "request lines lacking a field"
# one line per request made: the relay's requests and the script's own,
# request for request (method and path)
proxy_log | sed -n 's/^proxy: none \([A-Z]*\) \([^ ?]*\).*/\1 \2/p' >"$TMP/requests.relayed"
RELAYED=$(wc -l <"$TMP/requests.relayed")
expect_true "the relay passed the nodes' requests, each unharmed ($RELAYED)" \
	test "$RELAYED" -gt 0 -a "$RELAYED" -eq "$(proxy_log | grep -c '^proxy: ')"
cat "$TMP/requests.relayed" "$TMP/requests.made" | sort >"$TMP/requests.sent"
jq -r 'select(.event == "request") | "\(.method) \(.path)"' "$TMP/hub.log" | sort >"$TMP/requests.logged"
expect_eq "$(wc -l <"$TMP/requests.logged")" "$(wc -l <"$TMP/requests.sent")" "request lines in the hub's log, against requests made"
expect_eq "$(diff "$TMP/requests.sent" "$TMP/requests.logged")" "" "requests made and requests logged, one for one"
expect_eq "$(jq -r 'select(.event == "request" and .status != 200) | "\(.status) \(.path)"' "$TMP/hub.log")" "" \
	"requests the hub refused (none were wrong)"
for n in sangbi zhihe county; do
	expect_true "no token of $n in the log" bash -c "! grep -qF '$(cat "$TMP/$n.token")' '$TMP/hub.log'"
done
