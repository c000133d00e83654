#!/bin/bash
# From `dutydesk sms send` to every message handed to the channel, for
# 1,000 recipients: into gammu-smsd's outbox (files), and to an HTTP
# gateway on loopback (tests/cli/sms_gateway.py, one request a message).
# Prints figures; asserts only that every message was handed once.
#   bench_sms.sh DUTYDESK
set -u
DUTYDESK=$1
HERE=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/dutydesk-bench-sms.XXXXXX")
GW_PID=
trap '[ -n "$GW_PID" ] && kill $GW_PID 2>/dev/null; rm -rf "$TMP"' EXIT
export HOME=$TMP/home DUTYDESK_DB=$TMP/d.db DUTYDESK_NOW='2026-11-28 18:00'
mkdir -p "$HOME/.config/dutydesk" "$TMP"/spool/{inbox,outbox,sent,error}
dd() { "$DUTYDESK" "$@"; }
ms() { date +%s%3N; }

dd demo >/dev/null
all='芝河镇,桑壁镇,阁底乡,南庄乡,打石腰乡,坡头乡'
W=$(dd warning add --colour yellow --townships "$all" --until '2026-11-29 08:00')
have=$(dd sms recipients "$W" --json | jq '.recipients | length')
need=$((1000 - have))
{
	echo "name,org,post,phone,mobile,township"
	for i in $(seq 1 "$need"); do
		printf '(示例)信息员%d,村委会,灾害信息员,,139%08d,桑壁镇\n' "$i" "$i"
	done
} >"$TMP/c.csv"
dd import contacts "$TMP/c.csv" >/dev/null
n=$(dd sms recipients "$W" --json | jq '.recipients | length')
echo "recipients: $n"

cat >"$HOME/.config/dutydesk/config.yaml" <<YAML
sms:
  channel: gammu
  gammu_spool: $TMP/spool
YAML
t0=$(ms)
dd sms send "$W" 2>/dev/null | tail -1
t1=$(ms)
files=$(ls "$TMP/spool/outbox" | grep -c '^OUT')
echo "gammu-smsd outbox: $files messages handed in $((t1 - t0)) ms (send to last file written)"
[ "$files" -eq "$n" ] || { echo "FAIL: $files files for $n recipients"; exit 1; }

W2=$(dd warning add --colour orange --townships "$all" --until '2026-11-29 08:00')
mkdir -p "$TMP/gw"
printf 'bench\n' >"$TMP/secret"
python3 "$HERE/../cli/sms_gateway.py" "$TMP/gw" "$TMP/secret" &
GW_PID=$!
for _ in $(seq 1 200); do [ -s "$TMP/gw/port" ] && break; sleep 0.05; done
[ -s "$TMP/gw/port" ] || { echo "FAIL: the gateway never listened"; exit 1; }
cat >"$HOME/.config/dutydesk/config.yaml" <<YAML
sms:
  channel: http
  url: http://127.0.0.1:$(cat "$TMP/gw/port")/send
  headers: ["Authorization: Bearer {secret}", "Content-Type: application/json"]
  body: '{"mobile": "{phone}", "content": "{text}", "id": "{id}"}'
  secret_file: $TMP/secret
YAML
t0=$(ms)
dd sms send "$W2" 2>/dev/null | tail -1
t1=$(ms)
got=$(wc -l <"$TMP/gw/delivered.jsonl")
echo "HTTP gateway (loopback): $got messages handed in $((t1 - t0)) ms (one request each)"
[ "$got" -eq "$n" ] || { echo "FAIL: $got delivered for $n recipients"; exit 1; }
