#!/bin/bash
# The console over a slow link: two network namespaces made here, joined by
# a veth pair shaped to RATE each way (tc tbf), a socat relay in one giving
# the console a pty at 80x24, bench_tui in the other sending keys over TCP.
# Prints one line and exits 0 when it may not (no root, no ip/tc/socat,
# namespaces refused).
#   bench_net.sh BENCH_TUI DUTYDESK DB [RATE]
set -uo pipefail
tui=$1 dd=$2 db=$3 rate=${4:-64kbit}

skip() {
	echo "shaped link: skipped: $*"
	exit 0
}
[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces, tc)"
for p in ip tc socat; do
	command -v $p >/dev/null || skip "$p is not installed (packages iproute2, socat)"
done

ns=ddb$$ # interface names below stay under 16 characters
srv=${ns}s cli=${ns}c
relay=
cleanup() {
	[ -n "$relay" ] && kill "$relay" 2>/dev/null && wait "$relay" 2>/dev/null
	ip netns del "$srv" 2>/dev/null
	ip netns del "$cli" 2>/dev/null
	rm -f "$wrap"
}
wrap=$(mktemp /tmp/dutydesk-net-XXXXXX)
trap cleanup EXIT

ip netns add "$srv" 2>/dev/null || skip "cannot make a network namespace (no CAP_SYS_ADMIN/CAP_NET_ADMIN)"
ip netns add "$cli" || skip "cannot make a network namespace"
ip link add v$srv netns "$srv" type veth peer name v$cli netns "$cli" 2>/dev/null ||
	skip "cannot make a veth pair"
ip -n "$srv" addr add 10.231.7.1/24 dev v$srv
ip -n "$cli" addr add 10.231.7.2/24 dev v$cli
for n in "$srv" "$cli"; do
	ip -n "$n" link set lo up
	ip -n "$n" link set v$n up
done
# tbf at RATE. After a pause tbf lets a whole burst through at once, which
# a modem line does not; the burst is one packet, and packets are small
# (MTU 576, as on dial-up lines), so a screen is paced all but its first
# 576 bytes (netem's exact pacing is not in every kernel).
for n in "$srv" "$cli"; do
	ip -n "$n" link set v$n mtu 576
	ip netns exec "$n" tc qdisc add dev v$n root tbf rate "$rate" burst 600 latency 1s ||
		skip "tc tbf refused"
done

# socat gives the console a pty; its size is set before dutydesk starts
cat >"$wrap" <<EOF
#!/bin/sh
stty rows 24 cols 80
export TERM=xterm-256color LANG=C.UTF-8 DUTYDESK_CONFIG=/nonexistent/dutydesk-bench.yaml
exec "$dd" --db "$db"
EOF
chmod +x "$wrap"
ip netns exec "$srv" socat TCP-LISTEN:7300,bind=10.231.7.1,reuseaddr \
	EXEC:"$wrap",pty,setsid,ctty,stderr &
relay=$!

echo "shaped link: tc tbf $rate each way between two network namespaces, socat relaying the pty"
ip netns exec "$cli" "$tui" tcp net 10.231.7.1 7300
