/* The store on temporary files: creation, refusal of foreign files,
 * migration from version 1, and the record writer (outbox, clock, field
 * versions, audit, append-only tables, rollback). */
#define _XOPEN_SOURCE 700
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ftw.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "unit.h"

#include "dutydesk/model.h"
#include "dutydesk/scope.h"
#include "dutydesk/store.h"

extern const char *const store_migrations[];
extern const int store_schema_version;

#define NODE "node-test-1"








static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	struct strbuf sb;
	sb_init(&sb);
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		sb_add(&sb, buf, n);
	fclose(f);
	*len = sb.len;
	char *r = sb_take(&sb);
	return r ? r : xstrdup("");
}

static bool exists(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0;
}

static void assert_no_sidecars(const char *path)
{
	static const char *const sfx[] = {"-wal", "-shm", "-journal"};
	for (size_t i = 0; i < 3; i++) {
		char *p = xasprintf("%s%s", path, sfx[i]);
		if (exists(p))
			fail_msg("%s was left behind", p);
		free(p);
	}
}

static int64_t count(struct store *st, const char *sql)
{
	struct err e = {0};
	int64_t n = -1;
	check(store_int(st, &e, &n, sql, ""));
	return n;
}

static char *text(struct store *st, const char *sql)
{
	struct err e = {0};
	char *s = NULL;
	check(store_text(st, &e, &s, sql, ""));
	assert_non_null(s);
	return s;
}

/* ---- opening ---- */

static void test_create(void **state)
{
	(void)state;
	char *dir1 = xasprintf("%s/new-%d", tmpdir, ++serial);
	char *dir2 = xasprintf("%s/data", dir1);
	char *path = xasprintf("%s/dutydesk.db", dir2);
	struct err e = {0};
	struct store *st = NULL;
	check(store_open(path, STORE_CREATE, &st, &e));
	assert_non_null(st);
	assert_string_equal(store_path(st), path);

	struct stat sb;
	assert_int_equal(stat(dir1, &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
	assert_int_equal(sb.st_mode & 07777, 0700);
	assert_int_equal(stat(dir2, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0700);
	assert_int_equal(stat(path, &sb), 0);
	assert_true(S_ISREG(sb.st_mode));
	assert_int_equal(sb.st_mode & 07777, 0600);

	assert_true(store_schema_version >= 2);
	assert_int_equal(store_user_version(st), store_schema_version);
	char *jm = text(st, "PRAGMA journal_mode");
	assert_string_equal(jm, "wal");
	free(jm);
	assert_int_equal(count(st, "PRAGMA foreign_keys"), 1);
	assert_int_equal(count(st, "SELECT count(*) FROM sqlite_schema WHERE name = 'stock_lot'"), 1);
	store_close(st);

	/* opens again without STORE_CREATE, nothing to migrate */
	check(store_open(path, 0, &st, &e));
	assert_int_equal(store_user_version(st), store_schema_version);
	assert_int_equal(count(st, "PRAGMA foreign_keys"), 1);
	store_close(st);

	/* read-only */
	check(store_open(path, STORE_READONLY, &st, &e));
	memset(&e, 0, sizeof e);
	assert_false(store_begin(st, &e));
	assert_contains(e.msg, "read-only");
	store_close(st);

	free(path);
	free(dir2);
	free(dir1);
}

static void test_missing_without_create(void **state)
{
	(void)state;
	char *path = new_path("absent/none.db");
	struct err e = {0};
	struct store *st = (struct store *)&e; /* must be reset to NULL */
	assert_false(store_open(path, 0, &st, &e));
	assert_null(st);
	assert_contains(e.msg, "dutydesk init");
	assert_contains(e.msg, path);
	assert_false(exists(path));
	free(path);
}

static void test_refuses_text_file(void **state)
{
	(void)state;
	char *path = new_path("notes.db");
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fputs("hello\n", f);
	fclose(f);
	struct err e = {0};
	struct store *st = NULL;
	assert_false(store_open(path, STORE_CREATE, &st, &e));
	assert_null(st);
	assert_true(e.msg[0] != '\0');
	assert_contains(e.msg, path);
	size_t len;
	char *body = slurp(path, &len);
	assert_int_equal(len, 6);
	assert_memory_equal(body, "hello\n", 6);
	free(body);
	assert_no_sidecars(path);
	free(path);
}

static void test_refuses_foreign_sqlite(void **state)
{
	(void)state;
	char *path = new_path("other.sqlite");
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE people (name TEXT);"
					  "INSERT INTO people VALUES ('x');", NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	size_t len0, len1;
	char *before = slurp(path, &len0);

	struct err e = {0};
	struct store *st = NULL;
	assert_false(store_open(path, STORE_CREATE, &st, &e));
	assert_null(st);
	assert_contains(e.msg, "not a dutydesk");
	char *after = slurp(path, &len1);
	assert_int_equal(len0, len1);
	assert_memory_equal(before, after, len0);
	assert_no_sidecars(path);
	free(before);
	free(after);
	free(path);
}

static void test_refuses_newer_schema(void **state)
{
	(void)state;
	char *path = new_path("future.db");
	struct err e = {0};
	struct store *st = NULL;
	check(store_open(path, STORE_CREATE, &st, &e));
	check(store_script(st, "PRAGMA user_version = 999;", &e));
	store_close(st);
	memset(&e, 0, sizeof e);
	assert_false(store_open(path, 0, &st, &e));
	assert_null(st);
	assert_contains(e.msg, "999");
	assert_contains(e.msg, "newer");
	free(path);
}

/* ---- migration from a hand-made version-1 database ---- */

static void test_migrate_from_v1(void **state)
{
	(void)state;
	char *path = new_path("v1.db");
	sqlite3 *db;
	char *msg = NULL;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, store_migrations[0], NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("v1 schema: %s", msg);
	static const char rows[] =
		"PRAGMA user_version = 1;"
		"INSERT INTO division (code, name, level) VALUES ('141032', '永和县', 'county');"
		"INSERT INTO node (one, node_id, role, number_prefix, hlc, op_seq, created_at)"
		" VALUES (1, '" NODE "', 'county', '永和', '0001a2b3c4d50000', 0, 1795858200);"
		"INSERT INTO depot (id, origin_node, created_hlc, hlc, code, name, level, township_code)"
		" VALUES ('d1', '" NODE "', '0001a2b3c4d50000', '0001a2b3c4d50000', 'CK-01',"
		" '县级应急物资储备库', 'county', '141032');"
		"INSERT INTO item (id, origin_node, created_hlc, hlc, code, name, category, unit)"
		" VALUES ('i1', '" NODE "', '0001a2b3c4d50000', '0001a2b3c4d50000', 'WZ-0101',"
		" '安全帽', 'protection', '顶');"
		"INSERT INTO stock_movement (id, origin_node, hlc, created_at, depot_id, item_id, qty,"
		" kind, batch, expiry) VALUES ('m1', '" NODE "', '0001a2b3c4d50001', 1795858200,"
		" 'd1', 'i1', 10, 'receive', 'B1', '2030-01-01');"
		"INSERT INTO stock_movement (id, origin_node, hlc, created_at, depot_id, item_id, qty,"
		" kind, batch, expiry) VALUES ('m2', '" NODE "', '0001a2b3c4d50002', 1795858260,"
		" 'd1', 'i1', -3, 'issue', 'B1', '2030-01-01');";
	if (sqlite3_exec(db, rows, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("v1 rows: %s", msg);
	sqlite3_close(db);

	struct err e = {0};
	struct store *st = NULL;
	check(store_open(path, 0, &st, &e));
	assert_int_equal(store_user_version(st), store_schema_version);
	json_t *lots = store_rows(st, &e, "SELECT depot_id, item_id, batch, expiry, qty FROM stock_lot",
				  "");
	assert_non_null(lots);
	assert_int_equal(json_array_size(lots), 1);
	json_t *l = json_array_get(lots, 0);
	assert_string_equal(json_string_value(json_object_get(l, "depot_id")), "d1");
	assert_string_equal(json_string_value(json_object_get(l, "item_id")), "i1");
	assert_string_equal(json_string_value(json_object_get(l, "batch")), "B1");
	assert_string_equal(json_string_value(json_object_get(l, "expiry")), "2030-01-01");
	assert_int_equal(json_integer_value(json_object_get(l, "qty")), 7);
	json_decref(lots);

	/* the old records survive and the new trigger keeps the lot current */
	assert_int_equal(count(st, "SELECT count(*) FROM stock_movement"), 2);
	check(store_begin(st, &e));
	json_t *f = json_pack("{s:s, s:s, s:i, s:s, s:s, s:s}", "depot_id", "d1", "item_id", "i1",
			      "qty", 5, "kind", "receive", "batch", "B1", "expiry", "2030-01-01");
	char id[ID_TEXT] = "";
	check(rec_insert(st, &T_STOCK_MOVEMENT, f, id, &e));
	json_decref(f);
	check(store_commit(st, &e));
	assert_int_equal(count(st, "SELECT qty FROM stock_lot WHERE depot_id = 'd1'"), 12);
	store_close(st);
	free(path);
}

/* ---- the record writer ---- */

static int fresh_db(void **state)
{
	char *path = new_path("rec.db");
	struct err e = {0};
	struct store *st = NULL;
	bool ok = store_open(path, STORE_CREATE, &st, &e) && store_begin(st, &e) &&
		  reference_load(st, &e) && store_set_node(st, NODE, NULL, "county", "永和", &e) &&
		  catalogue_load(st, &e) && store_commit(st, &e);
	free(path);
	if (!ok) {
		print_error("fixture: %s\n", e.msg);
		store_close(st);
		return -1;
	}
	store_set_actor(st, "值班员甲");
	*state = st;
	return 0;
}

static json_t *last_op(struct store *st)
{
	char *body = text(st, "SELECT body FROM outbox ORDER BY op_seq DESC LIMIT 1");
	json_error_t je;
	json_t *op = json_loads(body, 0, &je);
	if (!op)
		fail_msg("outbox body is not JSON: %s", je.text);
	free(body);
	return op;
}

static void test_rec_insert(void **state)
{
	struct store *st = *state;
	struct err e = {0};
	int64_t n0 = count(st, "SELECT count(*) FROM outbox");
	int64_t s0 = count(st, "SELECT max(op_seq) FROM outbox");
	int64_t a0 = count(st, "SELECT count(*) FROM audit");
	assert_true(n0 > 0); /* the catalogue */
	assert_int_equal(count(st, "SELECT op_seq FROM node"), s0);
	char *h0 = text(st, "SELECT hlc FROM node");

	json_t *f = json_pack("{s:s, s:s, s:s}", "name", "王建国", "mobile", "13912345678",
			      "township_code", "141032101");
	char id[ID_TEXT] = "";
	check(store_begin(st, &e));
	check(rec_insert(st, &T_CONTACT, f, id, &e));
	check(store_commit(st, &e));
	assert_int_equal(strlen(id), 36);

	assert_int_equal(count(st, "SELECT count(*) FROM outbox"), n0 + 1);
	assert_int_equal(count(st, "SELECT max(op_seq) FROM outbox"), s0 + 1);
	assert_int_equal(count(st, "SELECT op_seq FROM node"), s0 + 1);
	json_t *op = last_op(st);
	char want[96];
	snprintf(want, sizeof want, "%s:%lld", NODE, (long long)(s0 + 1));
	assert_string_equal(jstr(op, "op_id"), want);
	assert_string_equal(jstr(op, "table"), "contact");
	assert_string_equal(jstr(op, "kind"), "insert");
	assert_string_equal(jstr(op, "id"), id);
	assert_string_equal(jstr(op, "node"), NODE);
	assert_string_equal(jstr(op, "actor"), "值班员甲");
	assert_true(json_equal(json_object_get(op, "fields"), f));

	/* the clock moved forward and the row, op and node agree on it */
	char *h1 = text(st, "SELECT hlc FROM node");
	assert_true(strcmp(h1, h0) > 0);
	assert_string_equal(jstr(op, "hlc"), h1);
	char *rh = text(st, "SELECT hlc || '/' || created_hlc || '/' || origin_node FROM contact");
	char *rw = xasprintf("%s/%s/%s", h1, h1, NODE);
	assert_string_equal(rh, rw);
	free(rh);
	free(rw);
	json_decref(op);

	/* one audit line, tied to the op */
	assert_int_equal(count(st, "SELECT count(*) FROM audit"), a0 + 1);
	json_t *a = store_row(st, &e, "SELECT * FROM audit ORDER BY id DESC LIMIT 1", "");
	assert_non_null(a);
	assert_string_equal(jstr(a, "op_id"), want);
	assert_string_equal(jstr(a, "tbl"), "contact");
	assert_string_equal(jstr(a, "row_id"), id);
	assert_string_equal(jstr(a, "action"), "insert");
	assert_string_equal(jstr(a, "actor"), "值班员甲");
	json_decref(a);

	/* a second insert: next op_seq, later clock; a given id is kept */
	char id2[ID_TEXT] = "contact-fixed-1";
	json_t *f2 = json_pack("{s:s}", "name", "李四");
	check(store_begin(st, &e));
	check(rec_insert(st, &T_CONTACT, f2, id2, &e));
	check(store_commit(st, &e));
	assert_string_equal(id2, "contact-fixed-1");
	assert_int_equal(count(st, "SELECT max(op_seq) FROM outbox"), s0 + 2);
	char *h2 = text(st, "SELECT hlc FROM node");
	assert_true(strcmp(h2, h1) > 0);
	assert_int_equal(count(st, "SELECT count(*) FROM contact WHERE id = 'contact-fixed-1'"), 1);
	/* the clock strictly increases with op_seq: no later op has an older stamp */
	assert_int_equal(count(st, "SELECT count(*) FROM outbox o1 JOIN outbox o2"
				   " ON o2.op_seq > o1.op_seq WHERE o2.hlc <= o1.hlc"), 0);

	/* unknown fields are refused before anything is written */
	json_t *bad = json_pack("{s:s, s:s}", "name", "x", "name; DROP TABLE contact", "y");
	memset(&e, 0, sizeof e);
	check(store_begin(st, &e));
	assert_false(rec_insert(st, &T_CONTACT, bad, id2, &e));
	store_rollback(st);
	assert_contains(e.msg, "has no field");
	assert_int_equal(count(st, "SELECT count(*) FROM contact"), 2);
	json_decref(bad);

	json_decref(f);
	json_decref(f2);
	free(h0);
	free(h1);
	free(h2);
}

static void test_rec_update(void **state)
{
	struct store *st = *state;
	struct err e = {0};
	json_t *f = json_pack("{s:s, s:s, s:s}", "name", "赵六", "phone", "0358-111", "org", "桑壁镇政府");
	char id[ID_TEXT] = "";
	check(store_begin(st, &e));
	check(rec_insert(st, &T_CONTACT, f, id, &e));
	check(store_commit(st, &e));
	json_decref(f);
	int64_t n0 = count(st, "SELECT count(*) FROM outbox");
	int64_t a0 = count(st, "SELECT count(*) FROM audit");
	assert_int_equal(count(st, "SELECT count(*) FROM field_version"), 0);

	/* name unchanged, phone changed */
	json_t *u = json_pack("{s:s, s:s}", "name", "赵六", "phone", "0358-222");
	bool changed = false;
	check(store_begin(st, &e));
	check(rec_update(st, &T_CONTACT, id, u, &changed, &e));
	check(store_commit(st, &e));
	json_decref(u);
	assert_true(changed);
	assert_int_equal(count(st, "SELECT count(*) FROM outbox"), n0 + 1);
	assert_int_equal(count(st, "SELECT count(*) FROM audit"), a0 + 1);
	char *h = text(st, "SELECT hlc FROM node");
	json_t *fv = store_rows(st, &e, "SELECT * FROM field_version", "");
	assert_non_null(fv);
	assert_int_equal(json_array_size(fv), 1);
	json_t *v = json_array_get(fv, 0);
	assert_string_equal(jstr(v, "tbl"), "contact");
	assert_string_equal(jstr(v, "row_id"), id);
	assert_string_equal(jstr(v, "field"), "phone");
	assert_string_equal(jstr(v, "hlc"), h);
	assert_string_equal(jstr(v, "node"), NODE);
	json_decref(fv);

	json_t *op = last_op(st);
	assert_string_equal(jstr(op, "kind"), "update");
	assert_string_equal(jstr(op, "table"), "contact");
	assert_string_equal(jstr(op, "id"), id);
	json_t *want = json_pack("{s:s}", "phone", "0358-222");
	assert_true(json_equal(json_object_get(op, "fields"), want));
	json_decref(want);
	json_decref(op);
	char *row = text(st, "SELECT name || '|' || phone || '|' || org FROM contact");
	assert_string_equal(row, "赵六|0358-222|桑壁镇政府");
	free(row);
	char *rh = text(st, "SELECT hlc FROM contact");
	assert_string_equal(rh, h);
	free(rh);
	/* the audit keeps the old value */
	char *det = text(st, "SELECT detail FROM audit ORDER BY id DESC LIMIT 1");
	assert_contains(det, "0358-111");
	assert_contains(det, "0358-222");
	free(det);

	/* identical values: nothing at all is written */
	u = json_pack("{s:s, s:s, s:s}", "name", "赵六", "phone", "0358-222", "org", "桑壁镇政府");
	changed = true;
	check(store_begin(st, &e));
	check(rec_update(st, &T_CONTACT, id, u, &changed, &e));
	check(store_commit(st, &e));
	json_decref(u);
	assert_false(changed);
	assert_int_equal(count(st, "SELECT count(*) FROM outbox"), n0 + 1);
	assert_int_equal(count(st, "SELECT count(*) FROM audit"), a0 + 1);
	assert_int_equal(count(st, "SELECT count(*) FROM field_version"), 1);
	char *h2 = text(st, "SELECT hlc FROM node");
	assert_string_equal(h2, h);
	free(h2);

	/* setting a field to null is a change too */
	u = json_pack("{s:n}", "org");
	check(store_begin(st, &e));
	check(rec_update(st, &T_CONTACT, id, u, &changed, &e));
	check(store_commit(st, &e));
	json_decref(u);
	assert_true(changed);
	assert_int_equal(count(st, "SELECT count(*) FROM contact WHERE org IS NULL"), 1);
	assert_int_equal(count(st, "SELECT count(*) FROM field_version"), 2);

	/* a record that does not exist */
	u = json_pack("{s:s}", "name", "x");
	memset(&e, 0, sizeof e);
	check(store_begin(st, &e));
	assert_false(rec_update(st, &T_CONTACT, "no-such-id", u, &changed, &e));
	store_rollback(st);
	assert_contains(e.msg, "does not exist");
	json_decref(u);
	free(h);
}

static void test_append_only(void **state)
{
	struct store *st = *state;
	struct err e = {0};
	char inc[ID_TEXT] = "", tl[ID_TEXT] = "", dep[ID_TEXT] = "", mv[ID_TEXT] = "";
	check(store_begin(st, &e));
	json_t *f = json_pack("{s:s, s:s, s:s, s:i}", "number", "T-1", "title", "测试事件", "type",
			      "landslide", "received_at", 1795858200);
	check(rec_insert(st, &T_INCIDENT, f, inc, &e));
	json_decref(f);
	f = json_pack("{s:s, s:s, s:s}", "incident_id", inc, "kind", "note", "text", "原文");
	check(rec_insert(st, &T_TIMELINE, f, tl, &e));
	json_decref(f);
	f = json_pack("{s:s, s:s, s:s}", "code", "CK-T", "name", "测试库", "level", "county");
	check(rec_insert(st, &T_DEPOT, f, dep, &e));
	json_decref(f);
	f = json_pack("{s:s, s:s, s:i, s:s}", "depot_id", dep, "item_id", "item-WZ-0101", "qty", 4,
		      "kind", "receive");
	check(rec_insert(st, &T_STOCK_MOVEMENT, f, mv, &e));
	json_decref(f);
	check(store_commit(st, &e));

	static const char *const tables[] = {"timeline", "stock_movement", "audit"};
	for (size_t i = 0; i < 3; i++) {
		char *cq = xasprintf("SELECT count(*) FROM %s", tables[i]);
		int64_t n = count(st, cq);
		assert_true(n > 0);
		char *up = xasprintf("UPDATE %s SET actor = 'mallory'", tables[i]);
		char *del = xasprintf("DELETE FROM %s", tables[i]);
		memset(&e, 0, sizeof e);
		assert_false(store_exec(st, &e, up, ""));
		assert_contains(e.msg, "append-only");
		memset(&e, 0, sizeof e);
		assert_false(store_exec(st, &e, del, ""));
		assert_contains(e.msg, "append-only");
		assert_int_equal(count(st, cq), n);
		char *aq = xasprintf("SELECT count(*) FROM %s WHERE actor = 'mallory'", tables[i]);
		assert_int_equal(count(st, aq), 0);
		free(aq);
		free(cq);
		free(up);
		free(del);
	}
	char *t = text(st, "SELECT text FROM timeline");
	assert_string_equal(t, "原文");
	free(t);

	/* the record writer refuses too, before writing anything */
	int64_t n0 = count(st, "SELECT count(*) FROM outbox");
	f = json_pack("{s:s}", "text", "改过");
	bool changed = true;
	memset(&e, 0, sizeof e);
	check(store_begin(st, &e));
	assert_false(rec_update(st, &T_TIMELINE, tl, f, &changed, &e));
	assert_false(changed);
	assert_contains(e.msg, "append-only");
	json_decref(f);
	f = json_pack("{s:i}", "qty", 400);
	memset(&e, 0, sizeof e);
	assert_false(rec_update(st, &T_STOCK_MOVEMENT, mv, f, NULL, &e));
	assert_contains(e.msg, "append-only");
	json_decref(f);
	check(store_commit(st, &e));
	assert_int_equal(count(st, "SELECT count(*) FROM outbox"), n0);
	assert_int_equal(count(st, "SELECT qty FROM stock_lot"), 4);
}

static void test_rollback(void **state)
{
	struct store *st = *state;
	struct err e = {0};
	static const char *const q[] = {
		"SELECT count(*) FROM contact", "SELECT count(*) FROM outbox",
		"SELECT count(*) FROM audit", "SELECT count(*) FROM field_version",
		"SELECT op_seq FROM node", "SELECT count(*) FROM counter"};
	int64_t before[6];
	for (size_t i = 0; i < 6; i++)
		before[i] = count(st, q[i]);
	char *h0 = text(st, "SELECT hlc FROM node");

	check(store_begin(st, &e));
	json_t *f = json_pack("{s:s}", "name", "临时");
	char id[ID_TEXT] = "";
	check(rec_insert(st, &T_CONTACT, f, id, &e));
	json_decref(f);
	f = json_pack("{s:s}", "phone", "110");
	check(rec_update(st, &T_CONTACT, id, f, NULL, &e));
	json_decref(f);
	int64_t c;
	check(store_next_counter(st, "incident:2026", &c, &e));
	/* a township that does not exist: the foreign key fails */
	f = json_pack("{s:s, s:s}", "name", "坏", "township_code", "999999999");
	char id2[ID_TEXT] = "";
	memset(&e, 0, sizeof e);
	assert_false(rec_insert(st, &T_CONTACT, f, id2, &e));
	assert_contains(e.msg, "does not exist");
	json_decref(f);
	store_rollback(st);

	for (size_t i = 0; i < 6; i++)
		if (count(st, q[i]) != before[i])
			fail_msg("%s: %lld after rollback, %lld before", q[i],
				 (long long)count(st, q[i]), (long long)before[i]);
	char *h1 = text(st, "SELECT hlc FROM node");
	assert_string_equal(h1, h0);
	free(h0);
	free(h1);
	store_rollback(st); /* harmless outside a transaction */
}

/* SQLite rolls a transaction back by itself after some errors (I/O, full
 * disk, no memory); the statements that follow must not run on their own,
 * each committing: half an operation. Found by injecting I/O errors. */
static void test_tx_lost(void **state)
{
	struct store *st = *state;
	struct err e = {0};
	int64_t contacts = count(st, "SELECT count(*) FROM contact");
	int64_t ops = count(st, "SELECT count(*) FROM outbox");
	check(store_begin(st, &e));
	json_t *f = json_pack("{s:s}", "name", "半途");
	char id[ID_TEXT] = "";
	check(rec_insert(st, &T_CONTACT, f, id, &e));
	/* what SQLite does after an I/O error, behind the store's back */
	check(store_script(st, "ROLLBACK", &e));
	char id2[ID_TEXT] = "";
	memset(&e, 0, sizeof e);
	assert_false(rec_insert(st, &T_CONTACT, f, id2, &e));
	assert_contains(e.msg, "rolled back");
	json_decref(f);
	memset(&e, 0, sizeof e);
	assert_false(store_commit(st, &e));
	assert_int_equal(count(st, "SELECT count(*) FROM contact"), contacts);
	assert_int_equal(count(st, "SELECT count(*) FROM outbox"), ops);
	/* and the next operation works */
	check(store_begin(st, &e));
	check(store_commit(st, &e));
}

static void test_node_identity(void **state)
{
	struct store *st = *state;
	struct err e = {0};
	struct node_info ni;
	check(store_node(st, &ni, &e));
	assert_string_equal(ni.node_id, NODE);
	assert_string_equal(ni.role, "county");
	assert_string_equal(ni.township_code, "");
	assert_string_equal(ni.number_prefix, "永和");
	/* the catalogue wrote ops: identity is now fixed */
	memset(&e, 0, sizeof e);
	assert_false(store_set_node(st, "other", NULL, "county", "X", &e));
	assert_contains(e.msg, "can no longer change");
	check(store_node(st, &ni, &e));
	assert_string_equal(ni.node_id, NODE);

	int64_t a, b;
	check(store_begin(st, &e));
	check(store_next_counter(st, "c", &a, &e));
	check(store_next_counter(st, "c", &b, &e));
	check(store_commit(st, &e));
	assert_int_equal(a, 1);
	assert_int_equal(b, 2);
}

/* An area's scope by code: a township's 9 digits begin with its county's 6
 * and a county's with its city's 4; '*' is in no area, every other owner
 * in the whole hub's (""). */
static void test_area_prefix(void **state)
{
	(void)state;
	static const struct {
		const char *owner, *area;
		bool in;
	} cases[] = {
		{"141032101", "141032", true}, {"141032", "141032", true}, /* the area's own */
		{"141032101", "1410", true},   {"141032101", "", true},
		{"141030100", "141032", false}, {"14103", "141032", false},
		{"*", "141032", false},         {"*", "", false},
		{"", "141032", false},          {NULL, "141032", false},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_int_equal(scope_in_area(cases[i].owner, cases[i].area), cases[i].in);
	/* ... and the other way: what a township or area reads from the areas
	 * it lies in (its county's, city's, province's own records). */
	static const struct {
		const char *code, *owner;
		bool reads;
	} above[] = {
		{"141032101", "141032", true}, {"141032101", "1410", true},
		{"141032101", "14", true},     {"141032", "1410", true},
		{"141032101", "141030", false}, {"141032101", "141032101", false},
		{"141032101", "14103", false},  {"141032101", "*", false},
		{"141032101", "", false},       {"141032", "141032", false},
		{NULL, "141032", false},        {"141032101", NULL, false},
	};
	for (size_t i = 0; i < sizeof above / sizeof above[0]; i++)
		assert_int_equal(scope_reads_from_above(above[i].code, above[i].owner),
				 above[i].reads);
}

int main(void)
{
	umask(022);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create),
		cmocka_unit_test(test_missing_without_create),
		cmocka_unit_test(test_refuses_text_file),
		cmocka_unit_test(test_refuses_foreign_sqlite),
		cmocka_unit_test(test_refuses_newer_schema),
		cmocka_unit_test(test_migrate_from_v1),
		cmocka_unit_test(test_area_prefix),
		cmocka_unit_test_setup_teardown(test_rec_insert, fresh_db, close_db),
		cmocka_unit_test_setup_teardown(test_rec_update, fresh_db, close_db),
		cmocka_unit_test_setup_teardown(test_tx_lost, fresh_db, close_db),
		cmocka_unit_test_setup_teardown(test_append_only, fresh_db, close_db),
		cmocka_unit_test_setup_teardown(test_rollback, fresh_db, close_db),
		cmocka_unit_test_setup_teardown(test_node_identity, fresh_db, close_db),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
