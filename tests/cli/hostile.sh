#!/usr/bin/env bash
# Hostile values into every option (and positional argument) of every write
# command. Each run must end with exit 0, 1 or 2 (never a crash); a refusal
# says why on stderr, naming the option for usage errors, and changes
# nothing; nothing printed (stdout or stderr) carries raw control or escape
# bytes; and at the end every list, show and report of what was stored is
# free of them too: stored verbatim, displayed safely.
. "$(dirname "$0")/lib.sh"

expect_rc 0 dd demo
expect_rc 0 dd shift start --officers 甲,乙 --leader 甲
expect_rc 0 dd plan activate earthquake --level IV --drill
ACT=$(dd plan status --json | jq -r '.[0].id')
ENTRY=$(dd incident show 永和-2026-0001 --json | jq -r '.timeline[0].id')
TASK=$(dd log add 测试预警 --kind warning --colour yellow --area 全县 --until '2026-11-29 08:00' >/dev/null; dd task list --json | jq -r '.[0].id')

LONG=$(head -c 100000 /dev/zero | tr '\0' 'x')
values=(
	"$LONG"
	$'\xff\xfe\xc3'
	$'a\x01b\x08c\x7fd'
	$'\e[31m红\e]0;pwned\a\e[2J'
	$'\xc2\x9b31m'              # a C1 control (CSI) in UTF-8
	"'; DROP TABLE incident; --"
	'%s%s%n%x'
	99999999999999999999999
	-5
	-1e308
	nan
	'2026-02-30 25:61'
	不存在镇
	''
	'   '
)
names=(overlong invalid-utf8 control-chars escape-seq c1-control sql format-string huge negative
	neg-exp nan impossible-date unknown-township empty blanks)

# base invocations (every command that writes): the options of each come
# from its own --help; {V} marks
# a positional argument that gets the hostile values too
bases=(
	"incident add --title 测试事件 --type landslide"
	"incident note 永和-2026-0001 {V}"
	"incident note {V} 文本"
	"incident correct 永和-2026-0001 $ENTRY {V}"
	"incident close 永和-2026-0002"
	"incident dispatch 永和-2026-0001 --items WZ-0501:1"
	"hazard add --kind geohazard --code 141032-HP-900 --name 测试点 --subtype landslide"
	"hazard inspect 141032-HP-001 --result normal"
	"hazard inspect {V} --result normal"
	"stock receive --depot CK-00 --item WZ-0501 --qty 1"
	"stock issue --depot CK-00 --item WZ-0501 --qty 1"
	"stock transfer --from CK-00 --to CK-01 --item WZ-0501 --qty 1"
	"stock adjust --depot CK-00 --item WZ-0501 --qty 1 --reason 盘点"
	"stock writeoff --depot CK-00 --item WZ-0501 --qty 1 --reason 过期"
	"stock return --depot CK-00 --item WZ-0501 --qty 1 --incident 永和-2026-0001"
	"shift handover --to 丙"
	"shift ack --name 丙"
	"log add {V}"
	"log add 来电 --kind call"
	"task done {V}"
	"plan check $ACT {V}"
	"plan check $ACT iv-receive"
	"plan raise $ACT {V}"
	"plan close {V} --summary 结束"
	"warning add --colour yellow --townships 桑壁镇 --until '2026-11-29 08:00' --text 预警"
	"hazard evacuate 141032-HP-001 {V}"
	"hazard evacuate {V} --all"
	"hazard defect add XF-001 --text 灭火器过期 --due 2026-12-31"
	"hazard defect add {V} --text 缺陷"
	"hazard defect set {V} --state rectified"
	"hazard verify {V}"
	"conflicts resolve {V} --keep"
)

fingerprint() { sqlite3 "$DUTYDESK_DB" "SELECT (SELECT count(*) FROM outbox), (SELECT count(*) FROM audit), (SELECT coalesce(max(op_seq), 0) FROM outbox)"; }
raw_controls() { LC_ALL=C grep -qaP '[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]' "$@"; }

runs=0 refused=0 stored=0
fp=$(fingerprint) # the database as the next run finds it
# one run: the argument words in the array "argv"
one() {
	local label=$1 opt=$2 after
	LAST_CMD="$label"
	"$DUTYDESK" "${argv[@]}" >"$OUT" 2>"$ERR" </dev/null
	RC=$?
	runs=$((runs + 1))
	case $RC in
	0) stored=$((stored + 1)) ;;
	1 | 2) refused=$((refused + 1)) ;;
	*) fail "$label: crashed or odd exit" ;;
	esac
	if raw_controls "$OUT" "$ERR"; then # one look at both; then which
		raw_controls "$OUT" && fail "$label: raw control bytes on stdout: $(LC_ALL=C grep -aoP '.{0,10}[\x00-\x08\x0b-\x1f\x7f].{0,10}' "$OUT" | head -2 | od -c | head -3)"
		fail "$label: raw control bytes on stderr: $(od -c "$ERR" | head -3)"
	fi
	after=$(fingerprint)
	if [ $RC -ne 0 ]; then
		grep -q '^dutydesk' "$ERR" || fail "$label: refused without a message"
		[ $RC -eq 2 ] && [ -n "$opt" ] && ! grep -qF -- "$opt" "$ERR" && fail "$label: the message does not name $opt"
		[ "$after" = "$fp" ] || fail "$label: refused but the database changed"
	fi
	fp=$after
	pass
}

for base in "${bases[@]}"; do
	eval "words=($base)"
	if [[ $base == *"{V}"* ]]; then
		for i in "${!values[@]}"; do
			argv=()
			for w in "${words[@]}"; do [ "$w" = "{V}" ] && argv+=("${values[i]}") || argv+=("$w"); done
			one "${words[0]} ${words[1]} positional=${names[i]}" ""
		done
		continue
	fi
	# the options that take a value, from the command's own help
	opts=$("$DUTYDESK" "${words[0]}" "${words[1]}" --help | sed -n '/^Options:/,$p' |
		awk '$1 ~ /^--/ && $2 ~ /^[A-Z]/ {print substr($1, 3)}')
	[ -n "$opts" ] || fail "no options found for $base"
	for o in $opts; do
		for i in "${!values[@]}"; do
			# the base with --o replaced (or added)
			argv=()
			skip=false
			for w in "${words[@]}"; do
				if $skip; then skip=false; continue; fi
				[ "$w" = "--$o" ] && { skip=true; continue; }
				argv+=("$w")
			done
			argv+=("--$o" "${values[i]}")
			one "${words[0]} ${words[1]} --$o ${names[i]}" "--$o"
		done
	done
done
echo "hostile: $runs runs: $stored stored, $refused refused"
LAST_CMD="the hostile runs"
expect_true "some hostile values were stored ($stored of $runs runs)" test "$stored" -gt 0
# The display checks below mean something only if control bytes were
# stored: stored verbatim, as given.
esc=$(sqlite3 "$DUTYDESK_DB" "SELECT (SELECT count(*) FROM incident WHERE instr(title, char(27)))
	+ (SELECT count(*) FROM timeline WHERE instr(text, char(27)))
	+ (SELECT count(*) FROM hazard WHERE instr(name, char(27)))")
expect_true "escape sequences were stored verbatim ($esc records)" test "$esc" -gt 0
expect_eq "$(sqlite3 "$DUTYDESK_DB" "SELECT count(*) FROM incident WHERE title = char(27) || '[31m红' || char(27) || ']0;pwned' || char(7) || char(27) || '[2J'")" 1 \
	"the escape-seq title stored byte for byte"

# Everything stored is displayed safely.
expect_eq "$(sqlite3 "$DUTYDESK_DB" 'PRAGMA integrity_check')" ok "integrity after the hostile runs"
show() {
	LAST_CMD="$*"
	"$DUTYDESK" "$@" >"$OUT" 2>"$ERR"
	RC=$?
	[ "$RC" -eq 0 ] || fail "display: exit $RC"
	[ -s "$OUT" ] || fail "display: nothing shown"
	raw_controls "$OUT" "$ERR" && fail "display: raw control bytes: $(LC_ALL=C grep -aoP '.{0,12}[\x00-\x08\x0b-\x1f\x7f].{0,12}' "$OUT" "$ERR" | head -3)"
	pass
}
show incident list --limit 1000
show hazard list
show stock list
show log list
show task list
show shift list
show shift show last
show report daily
show report shift
show audit
show plan status
show stats
numbers=$(dd incident list --limit 1000 --json | jq -r '.[].number')
LAST_CMD="incident list --limit 1000 --json"
expect_true "incidents to show ($(echo "$numbers" | wc -w))" test -n "$numbers"
for n in $numbers; do
	show incident show "$n"
	show report incident "$n"
done
codes=$(dd hazard list --json | jq -r '.[] | select(.code | test("900")) | .code')
LAST_CMD="hazard list --json"
expect_true "hazards added by the hostile runs to show" test -n "$codes"
for c in $codes; do show hazard show "$c"; done
show stock card --depot CK-00 --item WZ-0501
