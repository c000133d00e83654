#!/bin/bash
# Updates for records the hub has not received wait there, bounded: at most
# --waiting-max per node (more are refused and parked at the node, with the
# reason), each at most --waiting-age (then given up, with the reason).
# `dutydesk sync --status` lists what waits and why, `dutydesk sync
# --requeue` sends the parked and given-up ones again, `dutydeskd waiting`
# lists them at the hub and `dutydeskd waiting clear NODE` drops them.
# The updates come from a node that got the record by hand (a bundle)
# before the node that made it ever synced.
. "$(dirname "$0")/lib.sh"

expect_rc 0 hub init
enrol sangbi --township 桑壁镇
enrol sangbi2 --township 桑壁镇
expect_rc 0 node sangbi init --node sangbi --township 桑壁镇
expect_rc 0 node sangbi2 init --node sangbi2 --township 桑壁镇 --prefix 桑壁二

# carried NAME: sangbi's new incident NAME reaches sangbi2 by hand; $INC its number
carried() {
	expect_rc 0 node sangbi incident add --title "$1" --type landslide --township 桑壁镇 --json
	INC=$(json_get .number)
	expect_rc 0 node sangbi sync --export-bundle "$TMP/carry.bundle" --unsigned
	expect_rc 0 node sangbi2 sync --import-bundle "$TMP/carry.bundle" --allow-unsigned-from sangbi
}
status2() { node sangbi2 sync --status --json >"$OUT" && json_get "$1"; }

# ---- the limit per node: 3 wait, the rest are parked with the reason ----
start_hub 0 --waiting-max 3
carried 后山滑坡
for d in 1 2 3; do
	expect_rc 0 node sangbi2 incident note "$INC" "续报$d" --deaths "$d"
done
QUEUED=$(sqlite3 "$TMP/sangbi2.db" "SELECT count(*) FROM outbox WHERE state = 'pending'")
sync_until sangbi2 "$HUB_URL"
expect_eq "$(status2 .waiting_at_hub)" 3 "ops of sangbi2 waiting at the hub"
expect_eq "$(status2 .parked)" "$((QUEUED - 3))" "ops over the limit, parked"
expect_true "the parked ones say why" \
	bash -c "jq -e '[.parked_ops[].result | test(\"already wait for their records\")] | all' '$OUT' >/dev/null"
expect_rc 0 node sangbi2 sync --status
expect_out_has "waits for the record it updates, which has not reached the hub"
expect_out_has "already wait for their records (the limit)"
expect_rc 0 hub waiting sangbi2
expect_eq "$(grep -c '^sangbi2 ' "$OUT")" 3 "the hub's list of sangbi2's waiting ops"
# a new entry is kept under the record it waits for (its incident), and
# tried again only when that record arrives
expect_eq "$(grep -c '^sangbi2 [^ ]* incident ' "$OUT")" 3 "waiting ops listed under their incident"
expect_out_has "waits for that record to reach the hub"

# the record arrives: what waited is applied; sangbi2 learns it at its
# next sync, and sends the parked ones again when told to
sync_until sangbi "$HUB_URL"
sync_until sangbi2 "$HUB_URL"
expect_eq "$(status2 .waiting_at_hub)" 0 "waiting at the hub once the record came"
expect_rc 0 node sangbi2 sync --requeue
expect_out_has "$((QUEUED - 3)) ops queued again"
sync_until sangbi2 "$HUB_URL"
expect_eq "$(status2 .parked)" 0 "parked after the requeue"
expect_eq "$(status2 .pending)" 0 "pending after the requeue"
expect_eq "$(node_digest sangbi2)" "$(hub_digest sangbi2)" "sangbi2 and the hub agree"
expect_rc 0 hub waiting
expect_out_has "no op waits for its record"
expect_rc 0 stop_hub

# ---- the age limit: given up after --waiting-age, said at the node ----
start_hub 0 --waiting-age 1s
carried 村道塌方
expect_rc 0 node sangbi2 incident note "$INC" 续报 --deaths 1
sync_until sangbi2 "$HUB_URL"
given_up() {
	node_sync sangbi2 >/dev/null 2>&1 || return 1
	node sangbi2 sync --status --json | jq -e '[.waiting_ops[].result | startswith("given up: ")] | any' >/dev/null
}
wait_until 60 "sangbi2 told that the hub gave its ops up" given_up
expect_rc 0 node sangbi2 sync --status
expect_out_has "given up: waited more than 1 s for its record"
expect_rc 0 hub waiting sangbi2
expect_out_has "the hub gave it up"
sync_until sangbi "$HUB_URL"
expect_rc 0 node sangbi2 sync --requeue
expect_out_has "ops queued again"
sync_until sangbi2 "$HUB_URL"
expect_eq "$(status2 .waiting_at_hub)" 0 "waiting at the hub after the requeue"
expect_eq "$(node_digest sangbi2)" "$(hub_digest sangbi2)" "sangbi2 and the hub agree again"

# ---- clearing at the hub ----
carried 第三起
expect_rc 0 node sangbi2 incident note "$INC" 续报 --deaths 4
sync_until sangbi2 "$HUB_URL"
expect_rc 0 stop_hub
expect_rc 0 hub waiting clear sangbi2
expect_out_has "dropped"
expect_rc 0 hub waiting sangbi2
expect_out_has "no op waits for its record"
expect_rc 2 hub waiting clear
expect_rc 2 hub serve --listen 127.0.0.1:0 --waiting-age soon
expect_err_has "--waiting-age 'soon'"
