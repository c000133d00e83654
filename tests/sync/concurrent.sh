#!/bin/bash
# Pull cursors never skip an op: several county nodes push and pull at
# once through several hub processes on one database (three with a
# PostgreSQL hub, one with an SQLite file), many transactions committing
# concurrently. At the end every node has every op the log holds (a cursor
# that had run past an op committed late would never get it), and every
# hub process and node agree on the digest (each process's cache replayed
# the log to the same records).
. "$(dirname "$0")/lib.sh"

NODES=${CONCURRENT_NODES:-6}
ROUNDS=${CONCURRENT_ROUNDS:-12}
HUBS=1
[ "$HUB_KIND" = pg ] && HUBS=3

expect_rc 0 hub init
URLS=()
HUB_PIDS=()
for ((h = 1; h <= HUBS; h++)); do
	start_hub
	URLS+=("$HUB_URL")
	# lib.sh stops the last one started; the others are stopped here
	[ "$h" -lt "$HUBS" ] && at_exit "kill -9 $HUB_PID"
	[ "$h" -lt "$HUBS" ] && HUB_PIDS+=("$HUB_PID")
done
for ((i = 1; i <= NODES; i++)); do
	enrol "c$i" --county
	expect_rc 0 node "c$i" init --node "c$i" --county --prefix "C$i"
done
# a first sync each (a new database takes the hub's records whole, then
# pulls from that cursor on): from now on every op arrives by pull
for ((i = 1; i <= NODES; i++)); do
	sync_until "c$i" "${URLS[$((i % HUBS))]}"
done

# one node's work: ROUNDS times an incident with a note, then a sync
# (push, then pull from its cursor) with the next hub process in turn
worker() {
	local i=$1 r
	for ((r = 1; r <= ROUNDS; r++)); do
		node "c$i" incident add --title "c$i 第$r起" --type landslide --township 桑壁镇 --json \
			>"$TMP/w$i.out" 2>>"$TMP/w$i.err" || return 1
		node "c$i" incident note "$(jq -r .number "$TMP/w$i.out")" "第$r次续报" \
			>/dev/null 2>>"$TMP/w$i.err" || return 1
		# a sync cut by a busy hub is tried again; the ops stay queued
		node_sync "c$i" "${URLS[$(((i + r) % HUBS))]}" >/dev/null 2>>"$TMP/w$i.err" || true
	done
}
PIDS=()
for ((i = 1; i <= NODES; i++)); do
	worker "$i" &
	PIDS+=("$!")
	BG_PIDS+=("$!")
done
for ((i = 1; i <= NODES; i++)); do
	wait_exit "${PIDS[$((i - 1))]}" 240 "node c$i's $ROUNDS rounds ending"
	expect_eq "$?" 0 "node c$i's rounds ($(tail -n 2 "$TMP/w$i.err"))"
done

# Everything pushed (two rounds: a node's last push may come after
# another's last pull), then one more pull each.
for pass in 1 2; do
	for ((i = 1; i <= NODES; i++)); do
		sync_until "c$i" "${URLS[$((i % HUBS))]}"
	done
done
TOTAL=$(hub_sql "SELECT count(*) FROM oplog")
MADE=0
for ((i = 1; i <= NODES; i++)); do
	expect_eq "$(sqlite3 "$TMP/c$i.db" "SELECT count(*) FROM outbox WHERE state <> 'acked'")" 0 \
		"node c$i: every op acked"
	MADE=$((MADE + $(sqlite3 "$TMP/c$i.db" "SELECT count(*) FROM outbox")))
done
expect_true "the nodes made ops ($MADE)" test "$MADE" -ge $((NODES * ROUNDS * 2))
expect_eq "$(hub_sql "SELECT count(*) FROM oplog WHERE node <> 'hub'")" "$MADE" \
	"every op of every node logged once"
expect_eq "$(hub_sql "SELECT max(server_seq) - min(server_seq) + 1 FROM oplog")" "$TOTAL" \
	"server_seq without gaps"
hub_sql "SELECT op_id FROM oplog WHERE node <> 'hub'" | sort >"$TMP/logged"
for ((i = 1; i <= NODES; i++)); do
	# what c$i pulled (applied, or already its own record) and what it made
	sqlite3 "$TMP/c$i.db" "SELECT op_id FROM sync_seen UNION SELECT op_id FROM outbox" |
		sort >"$TMP/has$i"
	comm -23 "$TMP/logged" "$TMP/has$i" >"$TMP/missing$i"
	expect_eq "$(wc -l <"$TMP/missing$i")" 0 \
		"ops node c$i never received (a cursor skipped them): $(head -c 300 "$TMP/missing$i")"
done

# the same records everywhere: every hub process's digest and every node's
D0=$(HUB_URL=${URLS[0]} hub_digest c1)
expect_true "the hub's digest" test -n "$D0"
for ((h = 1; h < HUBS; h++)); do
	expect_eq "$(HUB_URL=${URLS[$h]} hub_digest c1)" "$D0" "hub process $((h + 1))'s digest"
done
for ((i = 1; i <= NODES; i++)); do
	expect_eq "$(node_digest "c$i")" "$D0" "node c$i's digest"
done
echo "$NODES nodes x $ROUNDS rounds through $HUBS hub process(es): $TOTAL ops logged, none skipped"
for p in "${HUB_PIDS[@]}"; do kill -TERM "$p"; done
expect_rc 0 stop_hub
