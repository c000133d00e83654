#!/bin/bash
# lint-sql-self: tests/lint/check_sql.sh on a made-up tree: it must name every
# planted statement, fragment, private include and SQLite call by
# file:line, pass words in messages and help, leave src/store/ and
# allow-listed files alone, and pass a clean tree.
#   check_sql_test.sh CHECK_SQL
set -euo pipefail
check=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "lint-sql-self: $*" >&2; exit 1; }
mkdir -p "$tmp/src/model" "$tmp/src/store" "$tmp/src/cli" "$tmp/include/dutydesk" "$tmp/tests"

cat >"$tmp/src/model/clean.c" <<'C'
/* SELECT in a comment is no statement: SELECT id FROM incident */
#include <stdio.h>
static const char *help = "select a township, then UPDATE nothing: press Enter";
static const char *usage = "usage: dutydesk import FILE [--dry-run]";
static const char *msg = "Delete the draft? (y/n)";
static const char *fmt = "%s.%s: a whole number expected";
static const char c = '"';
// WHERE in a line comment
C
cat >"$tmp/src/store/ok.c" <<'C'
static const char *q = "SELECT id FROM incident WHERE number = ?";
C
cat >"$tmp/src/cli/allowed.c" <<'C'
static const char *q = "DELETE FROM outbox WHERE op_seq > ?";
C
echo "src/cli/allowed.c" >"$tmp/tests/sql_allow.txt"
out=$(bash "$check" "$tmp") || fail "a clean tree failed: $out"

cat >"$tmp/src/model/planted.c" <<'C'
#include "../store/store_impl.h"
static const char *a = "SELECT id FROM incident WHERE number = ?";
static const char *b =
	"UPDATE incident"
	" SET status = ? WHERE id = ?";
static const char *c = "x.status = 'open'";
static const char *d = " ORDER BY received_at DESC";
#define COLS " (SELECT max(at) FROM inspection) AS li"
static void f(void) { sqlite3_step(0); }
C
cat >"$tmp/include/dutydesk/planted.h" <<'C'
static const char *e = "PRAGMA foreign_keys = OFF";
C
if out=$(bash "$check" "$tmp"); then
	fail "planted statements passed: $out"
fi
for want in "src/model/planted.c:1: includes ../store/store_impl.h" \
	"src/model/planted.c:2: SQL outside src/store/" \
	"src/model/planted.c:4: SQL outside src/store/" \
	"src/model/planted.c:6: SQL outside src/store/" \
	"src/model/planted.c:7: SQL outside src/store/" \
	"src/model/planted.c:8: SQL outside src/store/" \
	"src/model/planted.c:9: calls sqlite3_step" \
	"include/dutydesk/planted.h:1: SQL outside src/store/"; do
	grep -qF "$want" <<<"$out" || fail "not reported: $want; got: $out"
done
n=$(grep -c '^src/\|^include/' <<<"$out")
[ "$n" -eq 8 ] || fail "$n places reported, 8 planted: $out"
echo "lint-sql-self: the check names the 8 planted places and passes the rest"
