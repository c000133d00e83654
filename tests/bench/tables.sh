#!/bin/bash
# The tables at the end of a benchmark run, from the figures the run wrote
# ("key value" lines): dutydesk beside each peer with the ratio, the
# constrained runs beside the normal one, the watch. A figure that was not
# measured (a peer not installed, a part skipped) shows as "-".
#   tables.sh FIGS
set -uo pipefail
declare -A f
while read -r k v; do f[$k]=$v; done <"$1"

val() { [ -n "${f[$1]:-}" ] && printf '%s' "${f[$1]}" || printf -- '-'; }
# fmt KEY UNIT: ms with 2 decimals, bytes and kB whole
fmt() {
	local v=${f[$1]:-}
	[ -z "$v" ] && { printf -- '-'; return; }
	case $2 in
	ms) awk -v v="$v" 'BEGIN { printf (v >= 100 ? "%.0f ms" : "%.2f ms"), v }' ;;
	B) awk -v v="$v" 'BEGIN { printf "%d B", v }' ;;
	kB) awk -v v="$v" 'BEGIN { printf "%.1f MB", v / 1024 }' ;;
	n) awk -v v="$v" 'BEGIN { printf "%d", v }' ;;
	esac
}
ratio() {
	local a=${f[$1]:-} b=${f[$2]:-}
	[ -z "$a" ] || [ -z "$b" ] && { printf -- '-'; return; }
	awk -v a="$a" -v b="$b" 'BEGIN { if (b > 0) printf "%.2f×", a / b; else printf "-" }'
}
row() { # LABEL OURKEY PEER PEERKEY UNIT [AIM]
	printf '| %s | %s | %s | %s | %s | %s |\n' "$1" "$(fmt "$2" "$5")" "$3" "$(fmt "$4" "$5")" \
		"$(ratio "$2" "$4")" "${6:-}"
}

echo
echo "dutydesk beside its peers (same run, same rows; ratio = dutydesk / peer)"
echo
echo "| figure | dutydesk | peer | peer's | ratio | aim |"
echo "|---|---:|---|---:|---:|---|"
row "first screen (start + print the page)" dd.start_ms sqlite3 sqlite3.page.ms ms "≤ 30 ms, ≤ 8× sqlite3"
row "first screen" dd.start_ms less less.start_ms ms
row "first screen" dd.start_ms visidata vd.start_ms ms
row "first screen, bytes" dd.start_bytes less less.start_bytes B
row "process start (--version / SELECT 1)" cli.version_ms sqlite3 sqlite.version_ms ms
row "\`incident list --limit 50\`" cli.list_ms sqlite3 sqlite.list_ms ms "≤ 50 ms"
row "\`stats\`" cli.stats_ms sqlite3 sqlite.stats_ms ms "≤ 50 ms"
row "\`stock list\`" cli.stock_ms sqlite3 sqlite.stock_ms ms "≤ 50 ms"
row "Down, scrolling one row" dd.down_ms less less.down_ms ms "≤ 2 ms"
row "Down, scrolling one row" dd.down_ms visidata vd.down_ms ms "≤ 2 ms"
row "one-line scroll, bytes" dd.down_bytes less less.down_bytes B "≤ 250 B"
row "one-line scroll, bytes" dd.down_bytes visidata vd.down_bytes B
row "PgDn, one page" dd.pgdn_ms less less.pgdn_ms ms "≤ 2 ms"
row "PgDn, one page" dd.pgdn_ms visidata vd.pgdn_ms ms "≤ 2 ms"
row "PgDn, bytes" dd.pgdn_bytes less less.pgdn_bytes B "≤ 1.2× less"
row "PgDn, bytes" dd.pgdn_bytes visidata vd.pgdn_bytes B
row "peak RSS" dd.rss_kb less less.rss_kb kB "≤ 10 MB"
row "peak RSS" dd.rss_kb visidata vd.rss_kb kB
row "peak RSS" dd.rss_kb sqlite3 sqlite3.page.rss_kb kB

echo
echo "the console's own keys (time to a settled screen, bytes to the terminal)"
echo
echo "| key | time | bytes | aim |"
echo "|---|---:|---:|---|"
for k in "Down within the page:down_in" "Down, scrolling one row:down" "Up:up" "PgDn:pgdn" "pane switch:pane" "open a record:open" \
	"Esc (escape delay 100 ms):esc" "'/' opens the search line:search_open" \
	"search, one more character:search_char" "next match (n):next"; do
	printf '| %s | %s | %s | %s |\n' "${k%%:*}" "$(fmt "dd.${k#*:}_ms" ms)" "$(fmt "dd.${k#*:}_bytes" B)" \
		"$([ "${k#*:}" = esc ] && echo "~100 ms" || echo "≤ 2 ms")"
done
printf '| idle, 3 s | - | %s | 0 B |\n' "$(fmt dd.idle_bytes B)"

echo
as=$(fmt lowspec.as_mb n)
echo "constrained: one core and $as MB of address space; a 64 kbit/s link"
echo
echo "| figure | normal | one core, $as MB | ratio | 64 kbit/s link | aim |"
echo "|---|---:|---:|---:|---:|---|"
for k in "first screen:start" "Down within the page:down_in" "Down, scrolling one row:down" "PgDn:pgdn" "pane switch:pane" "open a record:open"; do
	aim=
	[ "${k#*:}" = pane ] && aim="< 1 s at 64 kbit/s"
	printf '| %s | %s | %s | %s | %s | %s |\n' "${k%%:*}" "$(fmt "dd.${k#*:}_ms" ms)" \
		"$(fmt "lowspec.${k#*:}_ms" ms)" "$(ratio "lowspec.${k#*:}_ms" "dd.${k#*:}_ms")" \
		"$(fmt "net.${k#*:}_ms" ms)" "$aim"
done
printf '| peak RSS | %s | %s | %s | - | |\n' "$(fmt dd.rss_kb kB)" "$(fmt lowspec.rss_kb kB)" \
	"$(ratio lowspec.rss_kb dd.rss_kb)"

echo
echo "the 24-hour watch, compressed"
echo
echo "| keys | writes | RSS after first screen | after one round | at the end | peak | growth | aim |"
echo "|---:|---:|---:|---:|---:|---:|---:|---|"
growth=-
[ -n "${f[watch.rss1_kb]:-}" ] && growth=$(awk -v a="${f[watch.rss1_kb]}" -v b="${f[watch.rss0_kb]}" \
	'BEGIN { printf "%+.2f MB", (a - b) / 1024 }')
printf '| %s | %s | %s | %s | %s | %s | %s | ≤ 10 MB, growth ≤ 1 MB |\n' "$(fmt watch.keys n)" \
	"$(fmt watch.writes n)" "$(fmt watch.rss0_kb kB)" "$(fmt watch.rss_warm_kb kB)" \
	"$(fmt watch.rss1_kb kB)" "$(fmt watch.hwm_kb kB)" "$growth"
