#!/bin/bash
# What sync says, in words that match: a value that lost a merge is listed
# at the office whose edit lost as well as where the losing value arrived;
# "conflicts N" of a sync is the number `dutydesk conflicts` lists; the
# list names the incident by its number; `dutydeskd node list` names the
# township and says revoked; /v1/digest has the shape the man page gives;
# a county's first sync says how many ops it received, not only the new.
. "$(dirname "$0")/lib.sh"

expect_rc 0 hub init
enrol sangbi --township 桑壁镇
enrol county --county
expect_rc 0 node sangbi init --node sangbi --township 桑壁镇
expect_rc 0 node county init --node county --county
start_hub
expect_rc 0 node sangbi incident add --title 桑壁镇后山滑坡 --type landslide --township 桑壁镇 --deaths 0 --json
SB1=$(json_get .number)
sync_until sangbi "$HUB_URL"
# the county's first sync: every op it received is counted, those it had
# already (its own copy of the catalogue and plans) said apart
sync_until county "$HUB_URL"
SENT=$(hub_sql "SELECT count(*) FROM oplog WHERE node <> 'county'")
NEW=$(hub_sql "SELECT count(*) FROM oplog WHERE node = 'sangbi'")
expect_true "the county's first sync says what it received ($(cat "$TMP/sync.out"))" \
	grep -qF "pulled $NEW ($SENT received, $((SENT - NEW)) of them here already)" "$TMP/sync.out"

# ---- sangbi edits first, the county later (its value wins); the county
# syncs first, so sangbi's value reaches the hub already beaten ----
expect_rc 0 node sangbi incident note "$SB1" 续报 --deaths 2
expect_rc 0 node county incident note "$SB1" 县里核实 --deaths 3
# counted: "conflicts N" of one sync, against what the list gained
sync_says() { # NAME: syncs; SAID = the sync's "conflicts N"
	sync_until "$1" "$HUB_URL"
	SAID=$(sed -n 's/.*conflicts \([0-9]*\),.*/\1/p' "$TMP/sync.out")
}
listed() { node "$1" conflicts --all --json | jq length; }
sync_says county
expect_eq "$SAID" "$(listed county)" "county: the sync's count against the list"
sync_says sangbi
expect_eq "$SAID" "$(listed sangbi)" "sangbi: the sync's count against the list"
sync_says county
expect_eq "$((SAID + 0))" "$(listed county)" "county, second sync: the sync's count against the list"
expect_rc 0 node sangbi incident show "$SB1" --json
expect_eq "$(json_get .deaths)" 3 "the later edit won at sangbi"
# the office whose edit lost is told ...
expect_rc 0 node sangbi conflicts --json
expect_eq "$(json_get 'length')" 1 "sangbi's lost edit listed at sangbi"
expect_eq "$(json_get '.[0].lost')" 2 "the value sangbi lost"
expect_eq "$(json_get '.[0].record')" "$SB1" "the conflict names the incident's number"
expect_rc 0 node sangbi conflicts
expect_out_has "$SB1"
# ... and the county, where the losing value arrived
expect_rc 0 node county conflicts --json
expect_eq "$(json_get 'length')" 1 "sangbi's lost edit listed at the county"

# ---- /v1/digest as the man page gives it ----
api sangbi GET /v1/digest
expect_eq "$STATUS" 200 "digest"
expect_eq "$(jq -c 'keys' "$OUT")" '["counts","digest","hub_epoch","next_cursor","node"]' "the digest answer's members"
MAN=$(dirname "$0")/../../man/dutydeskd.8
expect_true "the man page gives that shape" grep -qF '{"digest":{"incident":"9f2c...", ...}, "counts":{"incident":12, ...},' "$MAN"
expect_true "the man page gives that shape (its end)" grep -qF '"next_cursor":SEQ, "hub_epoch":"...", "node":"sangbi"}' "$MAN"
expect_eq "$(jq -c '.digest | keys' "$OUT")" "$(node_digest sangbi | jq -c keys)" "the hub's tables against the node's"

# ---- node list: township names, revoked said ----
expect_rc 0 stop_hub
expect_rc 0 hub node revoke county
expect_rc 0 hub node list
expect_out_has "桑壁镇 (141032101)"
expect_true "county revoked in the list" grep -Eq '^county +county +- +revoked$' "$OUT"
expect_rc 0 hub node list --json
expect_eq "$(json_get '[.[] | select(.name == "sangbi")][0].township_name')" 桑壁镇 "township_name"
