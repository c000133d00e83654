#!/bin/bash
# A PostgreSQL hub's cache kept across restarts (serve --cache DIR): a
# second start over a log of a few thousand ops replays nothing, and its
# digest equals a node's; a crash loses nothing; a second process gets a
# cache of its own; a standby promoted after the primary's death reuses
# the cache; a cache ahead of the log (a pg_dump restored over the
# database) or made from another hub database is made anew, the log
# saying why. PostgreSQL only (DUTYDESK_TEST_HUB=pg).
. "$(dirname "$0")/lib.sh"
: "${GEN_OPS:?GEN_OPS must name the gen_ops binary (run through meson test)}"
[ "$HUB_KIND" = pg ] || skip "about a PostgreSQL hub's cache; run with DUTYDESK_TEST_HUB=pg"
pg_start_standby || fail "PostgreSQL standby: $PG_WHY"

CACHE=$TMP/cache
# cache_line: the "cache" line of the hub's last start.
cache_line() { grep '"event":"cache"' "$TMP/hub.start" | tail -n 1; }
reused_at() { cache_line | jq -r .reused_at; }
replayed() { cache_line | jq -r .replayed; }
log_top() { hub_sql "SELECT coalesce(max(server_seq), 0) FROM oplog"; }
same_digest() { # NODE: the hub's digest in NODE's scope equals NODE's own
	expect_eq "$(node_digest "$1")" "$(hub_digest "$1")" "$1's digest against the hub's"
}

three_nodes
# 1,000 incidents with a note each: 3,000 ops
expect_rc 0 "$GEN_OPS" "$TMP/sangbi.db" 1000 1 141032101
start_hub 0 --cache "$CACHE"
expect_true "the first start makes its cache" grep -q 'cache-0.db: made anew (there was none)' <<<"$(cache_line)"
sync_until sangbi "$HUB_URL"
sync_until county "$HUB_URL"
sync_until zhihe "$HUB_URL"
TOP=$(log_top)
expect_true "a log of a few thousand ops ($TOP)" test "$TOP" -ge 3000
expect_rc 0 stop_hub

# ---- the second start replays nothing ----
start_hub 0 --cache "$CACHE"
expect_eq "$(reused_at)" "$TOP" "the seq the kept cache is reused at"
expect_eq "$(replayed)" 0 "ops replayed at the second start"
same_digest county
same_digest sangbi
# ...and goes on from there: a few more ops, then a crash (SIGKILL)
expect_rc 0 node zhihe incident add --title 村道塌方 --type landslide --township 芝河镇
sync_until zhihe "$HUB_URL"
sync_until county "$HUB_URL"
TOP2=$(log_top)
kill_hub
start_hub 0 --cache "$CACHE"
expect_true "after a crash the cache is reused, at or below the top" \
	test "$(reused_at)" -ge "$TOP" -a "$(reused_at)" -le "$TOP2"
expect_true "and only what it lacked replayed ($(replayed))" test "$(replayed)" -le $((TOP2 - TOP))
same_digest county
same_digest zhihe

# ---- a second process at once gets a cache of its own ----
: >"$TMP/second.log"
TMPDIR=$TMP "$DUTYDESKD" --db "$HUBDB" serve --listen 127.0.0.1:0 --cache "$CACHE" 2>"$TMP/second.log" &
SECOND=$!
at_exit 'kill -9 $SECOND'
second_listening() { grep -q '"event":"listening"' "$TMP/second.log"; }
wait_until 60 "the second hub process listening" second_listening
expect_true "the second process has a cache of its own" \
	grep -q 'cache-1.db: made anew' "$TMP/second.log"
kill -TERM "$SECOND"
wait_exit "$SECOND" 60 "the second hub process ending after SIGTERM"
expect_rc 0 stop_hub

# ---- failover: the standby promoted, the hub restarted on it ----
TOP=$(log_top)
pg_kill_primary || fail "$PG_WHY"
pg_promote || fail "$PG_WHY"
PG_PRIMARY_PORT=$PG_STANDBY_PORT
HUBDB=$(pg_url "$PG_STANDBY_PORT")
start_hub 0 --cache "$CACHE"
expect_eq "$(reused_at)" "$TOP" "the seq the cache is reused at on the promoted standby"
expect_eq "$(replayed)" 0 "ops replayed on the promoted standby"
same_digest county
expect_rc 0 node sangbi incident add --title 山体滑坡 --type landslide --township 桑壁镇
sync_until sangbi "$HUB_URL"
sync_until county "$HUB_URL"
same_digest county

# ---- ahead of the log: a pg_dump restored over the database ----
"$PG_BIN/pg_dump" -Fc -h 127.0.0.1 -p "$PG_PRIMARY_PORT" -U postgres -f "$TMP/hub.dump" hub ||
	fail "pg_dump"
expect_rc 0 node zhihe incident add --title 道路结冰 --type collapse --township 芝河镇
sync_until zhihe "$HUB_URL"
TOP=$(log_top)
expect_rc 0 stop_hub
"$PG_BIN/pg_restore" --clean -h 127.0.0.1 -p "$PG_PRIMARY_PORT" -U postgres -d hub "$TMP/hub.dump" ||
	fail "pg_restore"
start_hub 0 --cache "$CACHE"
expect_true "a cache ahead of the log is made anew, saying why" \
	grep -q "cache-0.db: made anew (it is ahead of the log (it holds ops up to seq $TOP" <<<"$(cache_line)"
expect_eq "$(replayed)" "$(log_top)" "ops replayed into the new cache"
same_digest sangbi
expect_rc 0 stop_hub

# ---- another hub database, the same cache folder ----
PG_SQL_DB=postgres pg_sql "$PG_PRIMARY_PORT" "CREATE DATABASE other" || fail "CREATE DATABASE other"
OTHER=$(pg_url "$PG_PRIMARY_PORT" other)
expect_rc 0 "$DUTYDESKD" --db "$OTHER" init
MAIN=$HUBDB
HUBDB=$OTHER
start_hub 0 --cache "$CACHE"
expect_true "a cache of another database is made anew, saying why" \
	grep -q 'cache-0.db: made anew (it was made for another database (hub (oid' <<<"$(cache_line)"
expect_rc 0 stop_hub
HUBDB=$MAIN
start_hub 0 --cache "$CACHE"
expect_true "and back: made anew again" grep -q 'cache-0.db: made anew (it was made for another database' <<<"$(cache_line)"
same_digest sangbi
expect_rc 0 stop_hub
