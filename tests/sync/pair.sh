#!/bin/bash
# Two hub processes on one hub database behind nginx (round robin), so that
# consecutive requests of one node reach different processes: push and
# pull, scopes, a conflict decided the same everywhere, and eight nodes
# syncing at once; every node's digest equals the hub's at the end, both
# processes served pushes and pulls, and both stop cleanly.
# HUB_STORE=sqlite (the default: two processes on one SQLite file, which
# SQLite's locking allows) or postgresql (the point of running several:
# skipped while this dutydeskd has no PostgreSQL store).
. "$(dirname "$0")/lib.sh"
. "$SYNC_DIR/pgcluster.sh"
. "$SYNC_DIR/farm.sh"
: "${GEN_OPS:?GEN_OPS must name the gen_ops binary (run through meson test)}"

nginx_usable || skip "$FARM_WHY"
farm_store
enrol sangbi --township 桑壁镇
enrol zhihe --township 芝河镇
enrol county --county
expect_rc 0 node sangbi init --node sangbi --township 桑壁镇
expect_rc 0 node zhihe init --node zhihe --township 芝河镇
expect_rc 0 node county init --node county --county

start_hubs 2
start_nginx
HUB_URL=$FARM_URL # the script's own requests (digests) go through nginx too
farm_sync() { node_sync "$1" "$FARM_URL"; }

# ---- push and pull, scopes ----
expect_rc 0 node sangbi incident add --title 桑壁镇后山滑坡 --type landslide --township 桑壁镇 --deaths 0 --json
SB1=$(json_get .number)
expect_rc 0 node sangbi incident note "$SB1" 现场已设警戒线
expect_rc 0 node zhihe incident add --title 芝河镇民房倒塌 --type collapse --township 芝河镇
expect_rc 0 node county incident add --title 县城燃气泄漏 --type gas_leak --township 芝河镇
for n in county sangbi zhihe county sangbi zhihe; do
	expect_rc 0 farm_sync "$n"
done
# titles NODE: the incidents NODE holds, by title
titles() { node "$1" incident list --json | jq -r '[.[] | .title] | sort | join(",")'; }
expect_eq "$(titles county)" "县城燃气泄漏,桑壁镇后山滑坡,芝河镇民房倒塌" "the county's incidents: all"
expect_eq "$(titles sangbi)" "桑壁镇后山滑坡" "sangbi's incidents: its township's only"
expect_eq "$(titles zhihe)" "县城燃气泄漏,芝河镇民房倒塌" "zhihe's incidents: its township's, whoever wrote them"

check_digests() {
	local n
	for n in "$@"; do
		expect_eq "$(node_digest "$n")" "$(hub_digest "$n")" "$n's digest equals the hub's"
	done
}
check_digests sangbi zhihe county

# ---- one field edited on two nodes: one value wins everywhere ----
expect_rc 0 node sangbi incident note "$SB1" 续报 --deaths 2
expect_rc 0 node county incident note "$SB1" 县里核实 --deaths 3
for n in sangbi zhihe county sangbi county; do
	expect_rc 0 farm_sync "$n"
done
check_digests sangbi zhihe county
expect_rc 0 node county incident show "$SB1" --json
WIN=$(json_get '.deaths')
expect_rc 0 node sangbi incident show "$SB1" --json
expect_eq "$(json_get '.deaths')" "$WIN" "both sides keep the same winner"
C1=$(node sangbi conflicts --all --json | jq length)
C2=$(node county conflicts --all --json | jq length)
expect_eq "$((C1 + C2))" 1 "the losing value kept for review once (sangbi $C1, county $C2)"

# ---- eight nodes at once, each request to either process ----
NODES=()
for i in 1 2 3 4 5 6 7 8; do
	if ((i % 2)); then town=桑壁镇 code=141032101; else town=芝河镇 code=141032100; fi
	enrol "t$i" --township "$town"
	expect_rc 0 node "t$i" init --node "t$i" --township "$town" --prefix "并发$i"
	expect_rc 0 "$GEN_OPS" "$TMP/t$i.db" 40 3 "$code"
	NODES+=("t$i")
done
# without --once: a sync retries what the hub answers busy, and ends when
# it has pushed and pulled everything
all_sync() {
	local n pids=() i=0
	for n in "${NODES[@]}"; do
		"$DUTYDESK" --db "$TMP/$n.db" sync --server "$FARM_URL" --token-file "$TMP/$n.token" \
			>"$TMP/$n.sync" 2>&1 &
		pids+=($!)
	done
	for n in "${NODES[@]}"; do
		wait_exit "${pids[i]}" 120 "$n's sync ending"
		RC=$?
		[ "$RC" -eq 0 ] || fail "$n's sync ended with $RC: $(tail -n 3 "$TMP/$n.sync")"
		pass
		i=$((i + 1))
	done
}
all_sync # each pushes its ops and pulls what the others pushed so far
all_sync # and what they pushed after
expect_rc 0 farm_sync county
expect_rc 0 farm_sync sangbi
expect_rc 0 farm_sync zhihe
expect_eq "$(node county incident list --json --limit 1000 | jq length)" $((3 + 8 * 40)) "the county has every node's incidents"
expect_eq "$(node t2 incident list --json --limit 1000 | jq length)" $((2 + 4 * 40)) "a 芝河镇 node has its township's, from every node"
for n in "${NODES[@]}"; do
	expect_eq "$(sqlite3 "$TMP/$n.db" "SELECT count(*) FROM outbox WHERE state <> 'acked'")" 0 "$n: every op acknowledged"
done
check_digests sangbi zhihe county "${NODES[@]}"
for n in sangbi zhihe county "${NODES[@]}"; do
	expect_rc 0 node "$n" sync --check --server "$FARM_URL" --token-file "$TMP/$n.token"
done

# ---- both processes served; nginx never lost a request ----
for i in 0 1; do
	expect_true "hub $i (port ${HUB_PORTS[i]}) served pushes" test "$(nginx_served "${HUB_PORTS[i]}" /v1/push)" -gt 0
	expect_true "hub $i (port ${HUB_PORTS[i]}) served pulls" test "$(nginx_served "${HUB_PORTS[i]}" /v1/pull)" -gt 0
done
expect_eq "$(grep -c ' 502 \| 504 ' "$NGINX_DIR/access.log")" 0 "requests nginx could not pass to a hub"
expect_rc 0 stop_hubs
expect_eq "$(grep -c '"event":"stopped"' "$TMP/hubs.log")" 2 "both hubs logged their stop"
