# Sourced by the tests and the benchmark that need PostgreSQL: a primary and
# a streaming-replication standby of Debian's postgresql-15, run as an
# unprivileged user (nobody when the caller is root) in a temporary folder,
# on free ports of 127.0.0.1, with synchronous replication so that a commit
# the primary acknowledged is on the standby too. The caller stops them on
# every exit path: `at_exit pg_cleanup` (tests/sync/lib.sh) or its own trap.
#
#   pg_usable || skip "$PG_WHY"        can PostgreSQL run here? (else why not)
#   pg_start_primary                   PG_PRIMARY_PORT; database hub made
#   pg_start_standby                   PG_STANDBY_PORT; streaming, synchronous
#   pg_url PORT                        postgresql://postgres@127.0.0.1:PORT/hub
#   pg_sql PORT SQL                    one query, unaligned output
#   pg_kill_primary                    SIGKILL to the primary's every process
#   pg_promote                         the standby becomes the primary
#   pg_cleanup                         stops what runs, removes the folder
# Each function returns 1 with the reason in PG_WHY when something fails.
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_DIR=""
PG_PRIMARY_PORT=""
PG_STANDBY_PORT=""
PG_WHY=""
_PG_RUNAS=()

# _pg_as CMD...: CMD as the cluster's owner.
_pg_as() { env HOME="$PG_DIR" "${_PG_RUNAS[@]}" "$@"; }

# _pg_wait SECONDS WHAT CMD...: CMD every 0.05 s until it succeeds; after
# SECONDS, returns 1 with WHAT in PG_WHY.
_pg_wait() {
	local secs=$1 what=$2 end
	shift 2
	end=$(($(date +%s%N) + secs * 1000000000))
	until "$@"; do
		(($(date +%s%N) < end)) || { PG_WHY="never happened within $secs s: $what"; return 1; }
		sleep 0.05
	done
}

pg_usable() {
	local p
	for p in initdb pg_ctl pg_basebackup postgres psql; do
		[ -x "$PG_BIN/$p" ] || { PG_WHY="$PG_BIN/$p is missing (Debian package postgresql-15)"; return 1; }
	done
	command -v python3 >/dev/null || { PG_WHY="python3 (for free ports) is not installed"; return 1; }
	if [ "$(id -u)" -eq 0 ]; then
		# PostgreSQL refuses to run as root: the cluster is nobody's
		id nobody >/dev/null 2>&1 || { PG_WHY="no user 'nobody' to run PostgreSQL as"; return 1; }
		command -v setpriv >/dev/null || { PG_WHY="setpriv (util-linux) is missing"; return 1; }
		_PG_RUNAS=(setpriv --reuid="$(id -u nobody)" --regid="$(id -g nobody)" --clear-groups --)
	fi
	PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/dutydesk-pg.XXXXXX") || { PG_WHY="mktemp failed"; return 1; }
	[ "$(id -u)" -eq 0 ] && chown nobody: "$PG_DIR"
	chmod 700 "$PG_DIR"
	_pg_as test -w "$PG_DIR" || { PG_WHY="$PG_DIR is not writable by the cluster's user"; return 1; }
	return 0
}

_pg_free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

pg_url() { echo "postgresql://postgres@127.0.0.1:$1/${2:-hub}"; }

pg_sql() {
	local port=$1
	shift
	"$PG_BIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d "${PG_SQL_DB:-hub}" \
		-c "$*"
}

# _pg_start NAME PORT_VAR: starts the cluster in PG_DIR/NAME on a free port
# (another if that one was taken meanwhile).
_pg_start() {
	local name=$1 var=$2 port try
	for try in 1 2 3 4 5; do
		port=$(_pg_free_port)
		echo "port = $port" >>"$PG_DIR/$name/postgresql.conf"
		if _pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/$name" -l "$PG_DIR/$name.log" -w -t 60 start \
			>"$PG_DIR/$name.ctl" 2>&1; then
			printf -v "$var" %s "$port"
			return 0
		fi
		grep -q "could not bind\|already in use" "$PG_DIR/$name.log" || break
	done
	PG_WHY="PostgreSQL $name did not start: $(tail -n 3 "$PG_DIR/$name.log" 2>/dev/null)"
	return 1
}

pg_start_primary() {
	_pg_as "$PG_BIN/initdb" -D "$PG_DIR/primary" -U postgres --auth=trust -E UTF8 --locale=C \
		>"$PG_DIR/initdb.log" 2>&1 || { PG_WHY="initdb: $(tail -n 3 "$PG_DIR/initdb.log")"; return 1; }
	# Only loopback, sockets in the folder; a standby may stream, and a
	# commit is acknowledged only once the standby has it ('*': any one).
	cat >>"$PG_DIR/primary/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$PG_DIR'
wal_level = replica
max_wal_senders = 4
hot_standby = on
fsync = on
synchronous_commit = on
max_connections = 200
EOF
	_pg_start primary PG_PRIMARY_PORT || return 1
	# synchronous_standby_names is set once a standby streams
	# (pg_start_standby): before that a commit would wait for one forever.
	PG_SQL_DB=postgres pg_sql "$PG_PRIMARY_PORT" "CREATE DATABASE hub" ||
		{ PG_WHY="could not make database hub on the primary"; return 1; }
}

_pg_streaming_sync() {
	[ "$(PG_SQL_DB=postgres pg_sql "$PG_PRIMARY_PORT" \
		"SELECT sync_state FROM pg_stat_replication" 2>/dev/null)" = sync ]
}

_pg_standby_up() {
	[ "$(PG_SQL_DB=postgres pg_sql "$PG_STANDBY_PORT" "SELECT pg_is_in_recovery()" 2>/dev/null)" = t ]
}

pg_start_standby() {
	_pg_as "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$PG_PRIMARY_PORT" -U postgres \
		-D "$PG_DIR/standby" -R -X stream -c fast >"$PG_DIR/basebackup.log" 2>&1 ||
		{ PG_WHY="pg_basebackup: $(tail -n 3 "$PG_DIR/basebackup.log")"; return 1; }
	# The copy carries the primary's settings; the standby, once promoted,
	# runs alone and must not wait for a standby of its own.
	echo "synchronous_standby_names = ''" >>"$PG_DIR/standby/postgresql.auto.conf"
	_pg_start standby PG_STANDBY_PORT || return 1
	_pg_wait 60 "the standby accepting queries" _pg_standby_up || return 1
	PG_SQL_DB=postgres pg_sql "$PG_PRIMARY_PORT" "ALTER SYSTEM SET synchronous_standby_names = '*'" &&
		PG_SQL_DB=postgres pg_sql "$PG_PRIMARY_PORT" "SELECT pg_reload_conf()" >/dev/null ||
		{ PG_WHY="could not make replication synchronous"; return 1; }
	_pg_wait 60 "the standby streaming synchronously from the primary" _pg_streaming_sync
}

_pg_gone() { ! kill -0 "$1" 2>/dev/null; }

# pg_kill_primary: the primary dies as with its machine: SIGKILL to the
# postmaster and every process it started, no shutdown, no last flush.
pg_kill_primary() {
	local pm kids p
	pm=$(head -n 1 "$PG_DIR/primary/postmaster.pid" 2>/dev/null)
	[ -n "$pm" ] || { PG_WHY="the primary is not running"; return 1; }
	kids=$(ps -o pid= --ppid "$pm")
	# shellcheck disable=SC2086
	kill -9 "$pm" $kids 2>/dev/null
	for p in $pm $kids; do
		_pg_wait 30 "process $p of the primary ending after SIGKILL" _pg_gone "$p" || return 1
	done
	rm -f "$PG_DIR/primary/postmaster.pid" # dead: pg_cleanup has nothing to stop there
}

_pg_primary_now() {
	[ "$(PG_SQL_DB=postgres pg_sql "$PG_STANDBY_PORT" "SELECT pg_is_in_recovery()" 2>/dev/null)" = f ]
}

pg_promote() {
	_pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/standby" -w -t 60 promote >"$PG_DIR/promote.log" 2>&1 ||
		{ PG_WHY="pg_ctl promote: $(tail -n 3 "$PG_DIR/promote.log")"; return 1; }
	_pg_wait 60 "the promoted standby leaving recovery" _pg_primary_now
}

pg_cleanup() {
	local d
	[ -n "$PG_DIR" ] || return 0
	for d in primary standby; do
		[ -f "$PG_DIR/$d/postmaster.pid" ] &&
			_pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/$d" -m immediate -w -t 60 stop >/dev/null 2>&1
	done
	[ -n "${PG_KEEP:-}" ] && echo "PostgreSQL folder kept: $PG_DIR" && return 0
	rm -rf "$PG_DIR"
	PG_DIR=""
}
