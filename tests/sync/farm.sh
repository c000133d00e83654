# Sourced after tests/sync/lib.sh: several `dutydeskd serve` on one hub
# database ($HUBDB) behind nginx (Debian package), which hands requests to
# them in turn (round robin). nginx runs from a configuration in a
# temporary folder, on a free port of 127.0.0.1, never as root (as nobody
# when the test is root). Everything started here is stopped when the
# script ends.
#
#   nginx_usable || skip "$FARM_WHY"
#   start_hubs N [serve options]   HUB_PIDS, HUB_PORTS; logs $TMP/hubI.start
#   stop_hubs                      SIGTERM, each must end cleanly
#   kill_hubs                      SIGKILL
#   start_nginx                    FARM_URL, in front of HUB_PORTS
#   nginx_reload                   in front of the HUB_PORTS of now
#   nginx_served PORT PATH         requests for PATH nginx passed to PORT
NGINX=${NGINX:-/usr/sbin/nginx}
HUB_PIDS=()
HUB_PORTS=()
NGINX_PID=""
NGINX_DIR=""
NGINX_PORT=""
FARM_URL=""
FARM_WHY=""
_NGINX_RUNAS=()

nginx_usable() {
	[ -x "$NGINX" ] || { FARM_WHY="$NGINX is missing (Debian package nginx)"; return 1; }
	if [ "$(id -u)" -eq 0 ]; then
		id nobody >/dev/null 2>&1 || { FARM_WHY="no user 'nobody' to run nginx as"; return 1; }
		command -v setpriv >/dev/null || { FARM_WHY="setpriv (util-linux) is missing"; return 1; }
		_NGINX_RUNAS=(setpriv --reuid="$(id -u nobody)" --regid="$(id -g nobody)" --clear-groups --)
	fi
	return 0
}

_farm_cleanup() {
	local p
	{
		[ -n "$NGINX_PID" ] && kill "$NGINX_PID" && wait "$NGINX_PID"
		for p in "${HUB_PIDS[@]}"; do
			kill -9 "$p" && wait "$p"
		done
	} 2>/dev/null
	[ -n "$NGINX_DIR" ] && rm -rf "$NGINX_DIR"
	return 0
}
at_exit _farm_cleanup

_hub_i_listening() {
	grep -q '"event":"listening"' "$TMP/hub$1.start" 2>/dev/null && return 0
	kill -0 "${HUB_PIDS[$1]}" 2>/dev/null ||
		fail "hub $1 exited before it listened: $(cat "$TMP/hub$1.start")" 2>&"$_SYNC_STDERR"
	return 1
}

# start_hubs N [serve options]: N hubs on $HUBDB, each on a free port.
start_hubs() {
	local n=$1 i
	shift
	HUB_PIDS=()
	HUB_PORTS=()
	for ((i = 0; i < n; i++)); do
		: >"$TMP/hub$i.start"
		TMPDIR=$TMP "$DUTYDESKD" --db "$HUBDB" serve --listen 127.0.0.1:0 --trust-proxy 127.0.0.1 "$@" \
			2>"$TMP/hub$i.start" &
		HUB_PIDS[i]=$!
	done
	for ((i = 0; i < n; i++)); do
		wait_until 30 "hub $i logging \"listening\"" _hub_i_listening "$i"
		HUB_PORTS[i]=$(grep '"event":"listening"' "$TMP/hub$i.start" | jq -r .port)
	done
}

# hubs_log: every hub's log so far.
hubs_log() { cat "$TMP"/hub[0-9]*.start "$TMP"/hubs.log 2>/dev/null; }

_hubs_end() {
	local sig=$1 i rc=0
	for i in "${!HUB_PIDS[@]}"; do
		kill "-$sig" "${HUB_PIDS[i]}" 2>/dev/null
		wait_exit "${HUB_PIDS[i]}" 60 "hub $i ending after SIG$sig" || rc=1
		cat "$TMP/hub$i.start" >>"$TMP/hubs.log"
		rm -f "$TMP/hub$i.start"
	done
	HUB_PIDS=()
	return $rc
}
stop_hubs() { _hubs_end TERM; }
kill_hubs() { _hubs_end KILL || true; }

_nginx_up() {
	[ "$(curl -s -o /dev/null -w '%{http_code}' "$FARM_URL/v1/health")" = 200 ] && return 0
	kill -0 "$NGINX_PID" 2>/dev/null ||
		fail "nginx exited: $(tail -n 3 "$NGINX_DIR/error.log")" 2>&"$_SYNC_STDERR"
	return 1
}

# _nginx_conf: the configuration for NGINX_PORT in front of HUB_PORTS.
_nginx_conf() {
	local up="" p
	for p in "${HUB_PORTS[@]}"; do up+="server 127.0.0.1:$p;"$'\n\t\t'; done
	cat >"$NGINX_DIR/nginx.conf" <<EOF
daemon off;
worker_processes 1;
pid $NGINX_DIR/nginx.pid;
error_log $NGINX_DIR/error.log notice;
events { worker_connections 1024; }
http {
	log_format hubs '\$request_method \$uri \$status upstream=\$upstream_addr';
	access_log $NGINX_DIR/access.log hubs;
	client_body_temp_path $NGINX_DIR/body;
	proxy_temp_path $NGINX_DIR/proxy;
	fastcgi_temp_path $NGINX_DIR/fastcgi;
	uwsgi_temp_path $NGINX_DIR/uwsgi;
	scgi_temp_path $NGINX_DIR/scgi;
	client_max_body_size 64m;
	upstream hubs {
		$up
	}
	server {
		listen 127.0.0.1:$NGINX_PORT;
		location / {
			proxy_pass http://hubs;
			proxy_set_header X-Real-IP \$remote_addr;
			proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
			proxy_read_timeout 300s;
		}
	}
}
EOF
}

# start_nginx: nginx on a free port in front of HUB_PORTS, round robin; its
# access log names the hub that served each request.
start_nginx() {
	local try
	NGINX_DIR=$(mktemp -d "${TMPDIR:-/tmp}/dutydesk-nginx.XXXXXX") || fail "mktemp"
	[ "$(id -u)" -eq 0 ] && chown nobody: "$NGINX_DIR"
	for try in 1 2 3 4 5; do
		NGINX_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
		_nginx_conf
		"${_NGINX_RUNAS[@]}" "$NGINX" -p "$NGINX_DIR" -e "$NGINX_DIR/error.log" \
			-c "$NGINX_DIR/nginx.conf" 2>>"$NGINX_DIR/start.log" &
		NGINX_PID=$!
		FARM_URL=http://127.0.0.1:$NGINX_PORT
		# bound the port, or failed to (taken meanwhile: another one)
		wait_until 30 "nginx starting" _nginx_started
		kill -0 "$NGINX_PID" 2>/dev/null && break
		wait "$NGINX_PID" 2>/dev/null
		NGINX_PID=""
		grep -q "Address already in use" "$NGINX_DIR/error.log" ||
			fail "nginx did not start: $(tail -n 3 "$NGINX_DIR/error.log")"
	done
	[ -n "$NGINX_PID" ] || fail "nginx found no free port in 5 tries"
	wait_until 30 "nginx answering /v1/health from a hub" _nginx_up
}

# nginx_reload: nginx in front of the hubs now in HUB_PORTS (SIGHUP: the
# same address for the nodes).
nginx_reload() {
	_nginx_conf
	kill -HUP "$NGINX_PID" || fail "nginx is gone"
	wait_until 30 "nginx answering /v1/health from the new hubs" _nginx_up
}

_nginx_started() {
	! kill -0 "$NGINX_PID" 2>/dev/null ||
		curl -s -o /dev/null "$FARM_URL/" 2>/dev/null
}

# nginx_served PORT PATH: how many requests for PATH nginx passed to the
# hub on PORT (and got an answer from).
nginx_served() {
	grep -c "^[A-Z]* $2 [0-9]* upstream=127.0.0.1:$1\$" "$NGINX_DIR/access.log"
}

# farm_store [standby]: the hub database the farm serves, made (dutydeskd
# init): an SQLite file when HUB_STORE is sqlite (the default), else
# PostgreSQL (HUB_STORE=postgresql, tests/sync/pgcluster.sh) on a primary,
# with a synchronous standby when asked. Skips, saying why, when PostgreSQL
# is not installed or this dutydeskd has no PostgreSQL store.
farm_store() {
	case "${HUB_STORE:-sqlite}" in
	sqlite)
		expect_rc 0 hub init
		return
		;;
	postgresql) ;;
	*) fail "HUB_STORE '$HUB_STORE': sqlite or postgresql" ;;
	esac
	if [ -z "$PG_PRIMARY_PORT" ]; then # (else lib.sh started it)
		pg_usable || skip "$PG_WHY"
		at_exit pg_cleanup
		pg_start_primary || fail "$PG_WHY"
	fi
	HUBDB=$(pg_url "$PG_PRIMARY_PORT")
	# A dutydeskd without a PostgreSQL store refuses the URL, or (before
	# the URL form was known) took it for a file path: made there, from
	# a folder of its own, it leaves PostgreSQL empty.
	mkdir -p "$TMP/cwd"
	(cd "$TMP/cwd" && TMPDIR=$TMP "$DUTYDESKD" --db "$HUBDB" init) >"$OUT" 2>"$ERR" ||
		skip "this dutydeskd refuses --db postgresql://… ($(head -n 1 "$ERR")): no PostgreSQL hub store yet"
	[ "$(pg_sql "$PG_PRIMARY_PORT" "SELECT count(*) FROM information_schema.tables
		WHERE table_schema NOT IN ('pg_catalog', 'information_schema')")" -gt 0 ] ||
		skip "this dutydeskd took --db postgresql://… for a file path (nothing made in PostgreSQL): no PostgreSQL hub store yet"
	pass
	# the standby: a copy of the hub just made, streaming from then on
	if [ "${1:-}" = standby ]; then
		pg_start_standby || fail "$PG_WHY"
	fi
}
