#!/usr/bin/env bash
# Version, help, usage errors, database location and init.
. "$(dirname "$0")/lib.sh"

expect_rc 0 dd --version
expect_out_has "dutydesk 0."
expect_rc 0 dd -V
expect_out_has "dutydesk 0."

# libcurl, libcrypto and the sheet libraries (expat, freexl, utf8proc,
# xlsxwriter) are opened by the commands that sync, hash or read and write
# workbooks, not loaded by every process: the console starts without them.
LD_DEBUG=libs "$DUTYDESK" --version >/dev/null 2>"$TMP/ld.log" || fail "--version under LD_DEBUG"
grep -q 'calling init' "$TMP/ld.log" || fail "LD_DEBUG=libs says nothing here"
! grep -E 'calling init: .*lib(crypto|curl|expat|freexl|utf8proc|xlsxwriter)' "$TMP/ld.log" ||
	fail "--version loads a library only sync, hashing or sheets use"
pass

expect_rc 0 dd --help
for c in init demo stats overview "incident add" "incident list" "incident show" \
	"incident note" "incident close" "hazard list" "hazard show" "hazard add" \
	"hazard inspect" "stock list" "stock receive" "stock issue" "stock transfer"; do
	grep -qE "^  $c  " "$OUT" || fail "--help does not list '$c'"
	pass
done

for c in init demo stats; do
	expect_rc 0 dd $c --help
	expect_out_has "Usage: dutydesk $c"
done
for cv in "incident add" "incident list" "incident show" "incident note" "incident close" \
	"hazard list" "hazard show" "hazard add" "hazard inspect" \
	"stock list" "stock receive" "stock issue" "stock transfer"; do
	expect_rc 0 dd $cv --help
	expect_out_has "Usage: dutydesk $cv"
done
[ ! -e "$DUTYDESK_DB" ] || fail "--help created a database"
pass

# Usage errors: exit 2 and a message on stderr.
expect_rc 2 dd frobnicate
expect_err_has "unknown command 'frobnicate'"
expect_rc 2 dd incident frob
expect_err_has "unknown verb 'frob'"
expect_rc 2 dd hazard
expect_err_nonempty
expect_rc 2 dd --frob stats
expect_err_has "unknown option '--frob'"
expect_rc 2 dd incident list --frob
expect_err_has "unknown option '--frob'"
expect_rc 2 dd incident list --limit
expect_err_has "needs a value"
expect_rc 2 dd incident show
expect_err_nonempty
expect_rc 2 dd incident show a b
expect_err_nonempty
expect_rc 2 dd stock list extra
expect_err_nonempty

# No database yet: exit 1, names 'dutydesk init', creates nothing.
expect_rc 1 dd stats
expect_err_has "dutydesk init"
[ ! -e "$DUTYDESK_DB" ] || fail "a failed stats created $DUTYDESK_DB"
pass
expect_rc 1 dd --db "$TMP/none.db" incident list
expect_err_has "dutydesk init"
expect_err_has "$TMP/none.db"
[ ! -e "$TMP/none.db" ] || fail "a failed incident list created the database"
pass

# Database path precedence: --db > DUTYDESK_DB > $XDG_DATA_HOME/dutydesk/dutydesk.db.
A=$TMP/a.db B=$TMP/b.db X=$XDG_DATA_HOME/dutydesk/dutydesk.db
expect_rc 0 dd --db "$A" init --prefix AAA
expect_rc 0 env DUTYDESK_DB="$B" "$DUTYDESK" init --prefix BBB
expect_true "DUTYDESK_DB went elsewhere than $B" test -f "$B"
expect_rc 0 env -u DUTYDESK_DB "$DUTYDESK" init --prefix XXX
expect_out_has "$X"
expect_true "init without --db/DUTYDESK_DB did not create $X" test -f "$X"
expect_eq "$(stat -c %a "$XDG_DATA_HOME/dutydesk")" 700 "mode of the default database folder"
expect_eq "$(stat -c %a "$X")" 600 "mode of the default database file"
expect_eq "$(stat -c %a "$A")" 600 "mode of a --db database file"

expect_rc 0 env DUTYDESK_DB="$B" "$DUTYDESK" --db "$A" incident add --title 甲 --type flood
expect_out_has "AAA-2026-"
expect_rc 0 env DUTYDESK_DB="$B" "$DUTYDESK" incident add --title 乙 --type flood
expect_out_has "BBB-2026-"
expect_rc 0 env -u DUTYDESK_DB "$DUTYDESK" incident add --title 丙 --type flood
expect_out_has "XXX-2026-"
expect_eq "$(sqlite3 "$A" 'SELECT group_concat(title) FROM incident')" 甲 "incidents in the --db database"
expect_eq "$(sqlite3 "$B" 'SELECT group_concat(title) FROM incident')" 乙 "incidents in the DUTYDESK_DB database"
expect_eq "$(sqlite3 "$X" 'SELECT group_concat(title) FROM incident')" 丙 "incidents in the default database"

# Re-running init is fine and keeps the records.
expect_rc 0 dd --db "$A" init
expect_rc 0 dd --db "$A" init --prefix AAA
expect_rc 0 dd --db "$A" incident list --json
expect_eq "$(json_get 'map(.title) | join(",")')" 甲 "incidents after re-running init"

# A township office: numbers carry the township's short name.
expect_rc 0 dd --db "$TMP/sangbi.db" init --township 桑壁镇 --node sangbi
expect_rc 0 dd --db "$TMP/sangbi.db" --json init
expect_eq "$(json_get .node)" sangbi "node of the township database"
expect_eq "$(json_get .township_code)" 141032101 "township code of the township database"
expect_rc 0 dd --db "$TMP/sangbi.db" incident add --title 辛庄村裂缝 --type 滑坡
grep -q '^桑壁-2026-[0-9]\{4\}$' "$OUT" || fail "township incident number is not 桑壁-2026-NNNN"
pass

# A bad township: usage error, and no file (nor -wal/-shm) left behind.
expect_rc 2 dd --db "$TMP/bad.db" init --township nonsense
expect_err_has "nonsense"
for f in "$TMP/bad.db" "$TMP/bad.db-wal" "$TMP/bad.db-shm" "$TMP/bad.db-journal"; do
	[ ! -e "$f" ] || fail "init --township nonsense left $f behind"
	pass
done
# ... and on an existing database it changes nothing.
before=$(db_digest "$A")
expect_rc 2 dd --db "$A" init --township nonsense
expect_eq "$(db_digest "$A")" "$before" "database after a failed init"
