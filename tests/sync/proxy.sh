#!/bin/bash
# Failed logins behind a reverse proxy: the hub counts them per client
# address and per token tried. The address a proxy names (X-Real-IP, else
# the last X-Forwarded-For entry) is believed only from an address given
# with --trust-proxy, so one stranger behind the proxy locks out himself,
# not every office; from anyone else those headers change nothing. The
# proxy is played by curl on 127.0.0.1 sending the headers nginx sends.
. "$(dirname "$0")/lib.sh"

expect_rc 0 hub init
enrol sangbi --township 桑壁镇
enrol zhihe --township 芝河镇
echo "not-a-token-of-this-hub-0000000000" >"$TMP/bad.token"

# get TOKEN_NAME HEADER...: GET /v1/pull with those headers; STATUS set.
get() {
	local tok=$1
	shift
	local h=()
	for x in "$@"; do h+=(-H "$x"); done
	api "$tok" GET "/v1/pull?since=0" "${h[@]}"
}
# stranger_until_429 HEADER: bad tokens until the hub answers 429 (bounded).
stranger_until_429() {
	local i
	for ((i = 1; i <= 40; i++)); do
		get bad "$1"
		[ "$STATUS" = 429 ] && return 0
		[ "$STATUS" = 401 ] || fail "a bad token got $STATUS, not 401"
	done
	fail "40 bad tokens and no 429"
}

# ---- behind a trusted proxy: the stranger alone is shut out ----
start_hub 0 --trust-proxy 127.0.0.1
stranger_until_429 "X-Forwarded-For: 203.0.113.9"
get sangbi "X-Forwarded-For: 203.0.113.9"
expect_eq "$STATUS" 429 "a good token from the stranger's address"
get sangbi "X-Forwarded-For: 198.51.100.7"
expect_eq "$STATUS" 200 "sangbi behind the same proxy (X-Forwarded-For)"
get zhihe "X-Real-IP: 198.51.100.8"
expect_eq "$STATUS" 200 "zhihe behind the same proxy (X-Real-IP)"
# a client cannot hide behind an entry of its own: the proxy's is the last
get bad "X-Forwarded-For: 198.51.100.7, 203.0.113.9"
expect_eq "$STATUS" 429 "the stranger naming another address first"
# the log names the client and the proxy (written once the answer is out)
logged_via() {
	grep '"event":"request"' "$TMP/hub.start" |
		jq -se 'any(.[]; .addr == "198.51.100.8" and .via == "127.0.0.1" and .node == "zhihe")' >/dev/null
}
wait_until 30 "the hub logging zhihe's request with addr and via" logged_via
# one wrong token tried from many addresses is stopped by the token count,
# while the offices' tokens go on from those same addresses
echo "another-bad-token-of-nobody-1111111111" >"$TMP/bad.token"
for ((i = 1; i <= 40; i++)); do
	get bad "X-Forwarded-For: 192.0.2.$i"
	[ "$STATUS" = 429 ] && break
done
expect_eq "$STATUS" 429 "one bad token from 40 addresses"
get sangbi "X-Forwarded-For: 192.0.2.5"
expect_eq "$STATUS" 200 "sangbi from one of those addresses"
expect_rc 0 stop_hub

# ---- no --trust-proxy: the headers are not believed ----
echo "not-a-token-of-this-hub-2222222222" >"$TMP/bad.token"
start_hub 0
for ((i = 1; i <= 40; i++)); do
	get bad "X-Forwarded-For: 192.0.2.$i" # a new address each time: changes nothing
	[ "$STATUS" = 429 ] && break
	echo "not-a-token-of-this-hub-$i" >"$TMP/bad.token"
done
expect_eq "$STATUS" 429 "bad tokens, each from a made-up address"
get sangbi "X-Forwarded-For: 198.51.100.7"
expect_eq "$STATUS" 429 "a good token from the same peer, any header"
expect_true "the log keeps the peer's address" \
	bash -c "! grep '\"event\":\"request\"' '$TMP/hub.start' | grep -q '192.0.2'"
expect_rc 0 stop_hub

expect_rc 2 hub serve --listen 127.0.0.1:0 --trust-proxy nginx.local
expect_err_has "--trust-proxy 'nginx.local': not an IP address"
