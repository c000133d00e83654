/* The domain on temporary databases: incidents, field parsing, hazard
 * checks, the stock ledger and the demo data's overview. The clock is fixed
 * with DUTYDESK_NOW so that incident numbers carry a known year. */
#define _XOPEN_SOURCE 700
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ftw.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "unit.h"

#include "dutydesk/dtime.h"
#include "dutydesk/model.h"
#include "dutydesk/query.h"
#include "dutydesk/store.h"

#define NOW_TEXT "2026-11-28 18:00"
#define NOW INT64_C(1795860000)
#define SANGBI "141032101"
#define XINZHUANG "141032101014"







/* A new database with reference data and the identity of the county node;
 * with_catalogue loads the item catalogue too. */
static struct store *open_db(bool with_catalogue)
{
	char *path = xasprintf("%s/%d.db", tmpdir, ++serial);
	struct err e = {0};
	struct store *st = NULL;
	bool ok = store_open(path, STORE_CREATE, &st, &e) && store_begin(st, &e) &&
		  reference_load(st, &e) &&
		  store_set_node(st, "county-1", NULL, "county", "永和", &e) &&
		  (!with_catalogue || catalogue_load(st, &e)) && store_commit(st, &e);
	free(path);
	if (!ok) {
		store_close(st);
		fail_msg("fixture: %s", e.msg);
	}
	return st;
}

static int setup_db(void **state)
{
	*state = open_db(true);
	return 0;
}

static int64_t count(struct store *st, const char *sql, const char *arg)
{
	struct err e = {0};
	int64_t n = -1;
	if (arg)
		check(store_int(st, &e, &n, sql, "s", arg));
	else
		check(store_int(st, &e, &n, sql, ""));
	return n;
}

static json_int_t jint(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	if (!json_is_integer(v))
		fail_msg("no integer '%s'", k);
	return json_integer_value(v);
}

/* ---- incidents ---- */

static void add_incident(struct store *st, json_t *f, const char *note, char number[64])
{
	struct err e = {0};
	check(store_begin(st, &e));
	check(incident_add(st, f, note, number, &e));
	check(store_commit(st, &e));
}

static void test_incident_lifecycle(void **state)
{
	struct store *st = *state;
	struct err e = {0};
	char num[64];
	json_t *f = json_pack("{s:s, s:s, s:s, s:s, s:i, s:i}", "title", "桑壁镇辛庄村滑坡",
			      "type", "landslide", "township_code", SANGBI, "village_code",
			      XINZHUANG, "injured", 2, "trapped", 1);
	add_incident(st, f, "村民电话报告后山滑坡", num);
	json_decref(f);
	assert_string_equal(num, "永和-2026-0001");

	json_t *r = store_row(st, &e, "SELECT * FROM incident WHERE number = ?", "s", num);
	assert_non_null(r);
	assert_false(json_is_null(r));
	assert_string_equal(jstr(r, "status"), "open");
	assert_string_equal(jstr(r, "level"), "pending");
	assert_int_equal(jint(r, "received_at"), NOW);
	const char *iid = jstr(r, "id");
	json_t *tl = store_rows(st, &e, "SELECT * FROM timeline WHERE incident_id = ?", "s", iid);
	assert_non_null(tl);
	assert_int_equal(json_array_size(tl), 1);
	json_t *t0 = json_array_get(tl, 0);
	assert_string_equal(jstr(t0, "kind"), "received");
	assert_string_equal(jstr(t0, "text"), "村民电话报告后山滑坡");
	assert_int_equal(jint(t0, "deaths"), 0);
	assert_int_equal(jint(t0, "injured"), 2);
	assert_int_equal(jint(t0, "missing"), 0);
	assert_int_equal(jint(t0, "trapped"), 1);
	json_decref(tl);
	json_decref(r);

	/* the next one, with a level given */
	f = json_pack("{s:s, s:s, s:s}", "title", "芝河镇火灾", "type", "collapse", "level", "III");
	add_incident(st, f, NULL, num);
	json_decref(f);
	assert_string_equal(num, "永和-2026-0002");
	assert_int_equal(count(st, "SELECT count(*) FROM incident WHERE number = ? AND level = 'III'"
				   " AND status = 'open'", num), 1);
	assert_int_equal(count(st, "SELECT count(*) FROM timeline t JOIN incident i ON"
				   " i.id = t.incident_id WHERE i.number = ? AND t.kind = 'received'"
				   " AND t.text IS NULL", num), 1);

	/* numbering is per year of receipt */
	f = json_pack("{s:s, s:s, s:I}", "title", "旧事件", "type", "landslide", "received_at",
		      (json_int_t)(NOW - 400 * 86400));
	add_incident(st, f, NULL, num);
	json_decref(f);
	assert_string_equal(num, "永和-2025-0001");

	/* refused: no title; an event in the future; both leave nothing behind */
	int64_t n = count(st, "SELECT count(*) FROM incident", NULL);
	f = json_pack("{s:s}", "type", "landslide");
	memset(&e, 0, sizeof e);
	check(store_begin(st, &e));
	assert_false(incident_add(st, f, NULL, num, &e));
	store_rollback(st);
	assert_contains(e.msg, "title");
	json_decref(f);
	f = json_pack("{s:s, s:s, s:I}", "title", "未来", "type", "landslide", "occurred_at",
		      (json_int_t)(NOW + 86400));
	memset(&e, 0, sizeof e);
	check(store_begin(st, &e));
	assert_false(incident_add(st, f, NULL, num, &e));
	store_rollback(st);
	assert_contains(e.msg, "future");
	json_decref(f);
	assert_int_equal(count(st, "SELECT count(*) FROM incident", NULL), n);

	/* log, close, close again */
	memset(&e, 0, sizeof e);
	check(store_begin(st, &e));
	assert_false(incident_log(st, "永和-2026-0001", "note", "", &e));
	assert_contains(e.msg, "empty");
	assert_false(incident_log(st, "永和-2026-0001", "note", NULL, &e));
	assert_false(incident_log(st, "永和-2026-9999", "note", "x", &e));
	assert_contains(e.msg, "no such incident");
	check(incident_log(st, "永和-2026-0001", "action", "镇村干部已到场", &e));
	check(incident_close(st, "永和-2026-0001", "处置完毕", &e));
	check(store_commit(st, &e));
	r = store_row(st, &e, "SELECT status, closed_at FROM incident WHERE number = ?", "s",
		      "永和-2026-0001");
	assert_string_equal(jstr(r, "status"), "closed");
	assert_int_equal(jint(r, "closed_at"), NOW);
	json_decref(r);

	memset(&e, 0, sizeof e);
	check(store_begin(st, &e));
	assert_false(incident_close(st, "永和-2026-0001", NULL, &e));
	store_rollback(st);
	assert_contains(e.msg, "already closed");

	json_t *show = q_incident_show(st, "永和-2026-0001", &e);
	assert_non_null(show);
	assert_string_equal(jstr(show, "status"), "closed");
	assert_string_equal(jstr(show, "township"), "桑壁镇");
	assert_string_equal(jstr(show, "village"), "辛庄村");
	json_t *tls = json_object_get(show, "timeline");
	assert_int_equal(json_array_size(tls), 3);
	assert_string_equal(jstr(json_array_get(tls, 0), "kind"), "received");
	assert_int_equal(count(st, "SELECT count(*) FROM timeline WHERE kind = 'action'"
				   " AND text = ?", "镇村干部已到场"), 1);
	assert_int_equal(count(st, "SELECT count(*) FROM timeline WHERE kind = 'status'"
				   " AND text = ?", "处置完毕"), 1);
	json_decref(show);
}

/* ---- fields ---- */

static json_t *parse_ok(struct store *st, const struct table *t, const char *col,
			const char *text, const char *township)
{
	const struct column *c = table_column(t, col);
	assert_non_null(c);
	struct err e = {0};
	json_t *v = field_parse(st, c, text, township, &e);
	if (!v)
		fail_msg("%s '%s' refused: %s", col, text, e.msg);
	return v;
}

static void parse_str(struct store *st, const struct table *t, const char *col,
		      const char *text, const char *township, const char *want)
{
	json_t *v = parse_ok(st, t, col, text, township);
	if (!json_is_string(v) || strcmp(json_string_value(v), want) != 0)
		fail_msg("%s '%s': wanted '%s'", col, text, want);
	json_decref(v);
}

static void parse_int(struct store *st, const struct table *t, const char *col,
		      const char *text, json_int_t want)
{
	json_t *v = parse_ok(st, t, col, text, NULL);
	if (!json_is_integer(v) || json_integer_value(v) != want)
		fail_msg("%s '%s': wanted %lld", col, text, (long long)want);
	json_decref(v);
}

/* Refused, with a message containing each of up to two strings. */
static void parse_bad(struct store *st, const struct table *t, const char *col,
		      const char *text, const char *township, const char *a, const char *b)
{
	const struct column *c = table_column(t, col);
	assert_non_null(c);
	struct err e = {0};
	json_t *v = field_parse(st, c, text, township, &e);
	if (v) {
		char *d = json_dumps(v, JSON_ENCODE_ANY);
		fail_msg("%s '%s' accepted as %s", col, text, d);
	}
	if ((a && !strstr(e.msg, a)) || (b && !strstr(e.msg, b)))
		fail_msg("%s '%s': message '%s' lacks '%s' / '%s'", col, text, e.msg, a,
			 b ? b : "");
}

static void test_field_parse(void **state)
{
	struct store *st = *state;
	parse_str(st, &T_HAZARD, "township", "桑壁镇", NULL, SANGBI);
	parse_str(st, &T_HAZARD, "township", SANGBI, NULL, SANGBI);
	parse_str(st, &T_HAZARD, "township", "桑壁", NULL, SANGBI);
	parse_str(st, &T_HAZARD, "township", "  桑壁镇\t", NULL, SANGBI);
	parse_str(st, &T_HAZARD, "township_code", "芝河镇", NULL, "141032100");
	parse_bad(st, &T_HAZARD, "township", "不存在镇", NULL, "不存在镇", "no such township");
	parse_bad(st, &T_HAZARD, "township", "辛庄村", NULL, "辛庄村", NULL); /* a village */

	parse_str(st, &T_HAZARD, "village", "辛庄村", SANGBI, XINZHUANG);
	parse_str(st, &T_HAZARD, "village", "辛庄", SANGBI, XINZHUANG);
	parse_str(st, &T_HAZARD, "village", XINZHUANG, SANGBI, XINZHUANG);
	parse_bad(st, &T_HAZARD, "village", "辛庄村", "141032100", "辛庄村", "in that township");
	parse_bad(st, &T_HAZARD, "village", "无名村", SANGBI, "无名村", NULL);

	parse_str(st, &T_INCIDENT, "level", "较大", NULL, "III");
	parse_str(st, &T_INCIDENT, "level", "III", NULL, "III");
	parse_str(st, &T_INCIDENT, "level", "iv", NULL, "IV");
	parse_str(st, &T_INCIDENT, "level", "待定", NULL, "pending");
	parse_bad(st, &T_INCIDENT, "level", "五级", NULL, "五级", "I|II|III|IV|pending");
	parse_str(st, &T_INCIDENT, "channel", "电话", NULL, "phone");
	parse_str(st, &T_INCIDENT, "type", "滑坡", NULL, "landslide");
	parse_str(st, &T_INCIDENT, "type", "landslide", NULL, "landslide");
	parse_bad(st, &T_INCIDENT, "type", "外星人", NULL, "外星人", NULL);

	parse_int(st, &T_HAZARD, "floors", "12", 12);
	parse_int(st, &T_HAZARD, "floors", "0", 0);
	parse_int(st, &T_HAZARD, "floors", "300", 300);
	parse_bad(st, &T_HAZARD, "floors", "301", NULL, "'301'", "0 to 300");
	parse_bad(st, &T_HAZARD, "floors", "-1", NULL, "floors", "0 to 300");
	parse_bad(st, &T_HAZARD, "floors", "3.5", NULL, "whole number", NULL);
	parse_bad(st, &T_HAZARD, "floors", "12层", NULL, "whole number", NULL);
	parse_bad(st, &T_HAZARD, "grade", "5", NULL, "1 to 4", NULL);
	parse_bad(st, &T_HAZARD, "lon", "200", NULL, "lon", "-180 to 180");

	parse_int(st, &T_HAZARD, "road", "是", 1);
	parse_int(st, &T_HAZARD, "road", "否", 0);
	parse_int(st, &T_HAZARD, "road", "YES", 1);
	parse_int(st, &T_HAZARD, "road", "0", 0);
	parse_bad(st, &T_HAZARD, "road", "也许", NULL, "也许", "是/否");

	parse_int(st, &T_INCIDENT, "occurred_at", "2026-11-28 17:30", INT64_C(1795858200));
	parse_bad(st, &T_INCIDENT, "occurred_at", "2026-02-30 08:00", NULL, "occurred_at",
		  "February");
	parse_str(st, &T_STOCK_MOVEMENT, "expiry", "2027-01-31", NULL, "2027-01-31");
	parse_bad(st, &T_STOCK_MOVEMENT, "expiry", "2027-02-29", NULL, "expiry", "February");
	parse_bad(st, &T_HOUSEHOLD, "hazard_code", "GH-NONE", NULL, "GH-NONE", NULL);
	parse_bad(st, &T_CONTACT, "name", "\xC0\xAF", NULL, "UTF-8", NULL);

	/* empty text is null, not an error */
	json_t *v = parse_ok(st, &T_HAZARD, "township", "   ", NULL);
	assert_true(json_is_null(v));
	json_decref(v);
	v = parse_ok(st, &T_HAZARD, "floors", "", NULL);
	assert_true(json_is_null(v));
	json_decref(v);
}

static void test_hazard_validate(void **state)
{
	(void)state;
	struct err e = {0};
	json_t *f = json_pack("{s:s, s:s}", "kind", "geohazard", "subtype", "hospital");
	assert_false(hazard_validate(f, &e));
	assert_contains(e.msg, "hospital");
	assert_contains(e.msg, "landslide");
	assert_string_equal(jstr(f, "subtype"), "hospital");
	json_decref(f);

	f = json_pack("{s:s, s:s}", "kind", "geohazard", "subtype", "滑坡");
	check(hazard_validate(f, &e));
	assert_string_equal(jstr(f, "subtype"), "landslide");
	json_decref(f);

	f = json_pack("{s:s, s:s}", "kind", "fire_unit", "subtype", "医院");
	check(hazard_validate(f, &e));
	assert_string_equal(jstr(f, "subtype"), "hospital");
	json_decref(f);

	f = json_pack("{s:s, s:s}", "kind", "fire_unit", "subtype", "滑坡");
	assert_false(hazard_validate(f, &e));
	json_decref(f);

	f = json_pack("{s:s, s:n}", "kind", "geohazard", "subtype");
	check(hazard_validate(f, &e));
	json_decref(f);
}

/* ---- stock ---- */

static void insert(struct store *st, const struct table *t, json_t *f, char id[ID_TEXT])
{
	struct err e = {0};
	id[0] = '\0';
	check(rec_insert(st, t, f, id, &e));
	json_decref(f);
}

static int64_t lot(struct store *st, const char *depot, const char *batch)
{
	struct err e = {0};
	int64_t n = -999;
	check(store_int(st, &e, &n, "SELECT qty FROM stock_lot WHERE depot_id = ? AND batch = ?",
			"ss", depot, batch));
	return n;
}

static int64_t ledger(struct store *st, const char *depot, const char *item)
{
	struct err e = {0};
	int64_t n = -999;
	check(store_int(st, &e, &n,
			"SELECT coalesce(sum(qty), 0) FROM stock_movement"
			" WHERE depot_id = ? AND item_id = ?", "ss", depot, item));
	return n;
}

static int64_t on_hand(struct store *st, const char *depot, const char *item)
{
	struct err e = {0};
	json_t *l = q_stock_list(st, depot, item, &e);
	assert_non_null(l);
	int64_t q = 0;
	if (json_array_size(l)) {
		assert_int_equal(json_array_size(l), 1);
		q = jint(json_array_get(l, 0), "qty");
	}
	json_decref(l);
	return q;
}

static void test_stock(void **state)
{
	struct store *st = *state;
	struct err e = {0};
	char a[ID_TEXT], b[ID_TEXT], item[ID_TEXT];
	check(store_begin(st, &e));
	insert(st, &T_DEPOT, json_pack("{s:s, s:s, s:s}", "code", "CK-XJ", "name", "县级储备库",
				       "level", "county"), a);
	insert(st, &T_DEPOT, json_pack("{s:s, s:s, s:s, s:s}", "code", "CK-SB", "name",
				       "桑壁镇储备点", "level", "township", "township_code", SANGBI),
	       b);
	insert(st, &T_ITEM, json_pack("{s:s, s:s, s:s, s:s, s:i}", "code", "T-001", "name",
				      "单帐篷", "category", "food_shelter", "unit", "顶",
				      "min_stock", 5), item);
	check(stock_receive(st, a, item, 10, "L-LATE", "2027-06-30", "采购", &e));
	check(stock_receive(st, a, item, 5, "L-SOON", "2027-01-31", "采购", &e));
	check(stock_receive(st, a, item, 3, "L-NONE", NULL, "捐赠", &e));
	memset(&e, 0, sizeof e);
	assert_false(stock_receive(st, a, item, 0, "L-X", NULL, NULL, &e));
	assert_contains(e.msg, "more than 0");
	check(store_commit(st, &e));
	assert_int_equal(on_hand(st, a, item), 18);

	/* first-expiring first: all of L-SOON, then part of L-LATE */
	check(store_begin(st, &e));
	check(stock_issue(st, a, item, 7, NULL, "桑壁镇政府", "转移安置", &e));
	check(store_commit(st, &e));
	assert_int_equal(lot(st, a, "L-SOON"), 0);
	assert_int_equal(lot(st, a, "L-LATE"), 8);
	assert_int_equal(lot(st, a, "L-NONE"), 3);
	json_t *mv = store_rows(st, &e, "SELECT batch, qty, recipient FROM stock_movement"
				       " WHERE kind = 'issue' ORDER BY qty", "");
	assert_int_equal(json_array_size(mv), 2);
	assert_string_equal(jstr(json_array_get(mv, 0), "batch"), "L-SOON");
	assert_int_equal(jint(json_array_get(mv, 0), "qty"), -5);
	assert_string_equal(jstr(json_array_get(mv, 1), "batch"), "L-LATE");
	assert_int_equal(jint(json_array_get(mv, 1), "qty"), -2);
	assert_string_equal(jstr(json_array_get(mv, 1), "recipient"), "桑壁镇政府");
	json_decref(mv);
	assert_int_equal(on_hand(st, a, item), 11);

	/* more than on hand: refused with the quantity available, nothing written */
	int64_t n_mv = count(st, "SELECT count(*) FROM stock_movement", NULL);
	int64_t n_op = count(st, "SELECT count(*) FROM outbox", NULL);
	memset(&e, 0, sizeof e);
	check(store_begin(st, &e));
	assert_false(stock_issue(st, a, item, 12, NULL, NULL, NULL, &e));
	assert_contains(e.msg, "11 available");
	assert_contains(e.msg, "12");
	memset(&e, 0, sizeof e);
	assert_false(stock_issue(st, b, item, 1, NULL, NULL, NULL, &e));
	assert_contains(e.msg, "0 available");
	assert_false(stock_issue(st, a, item, 0, NULL, NULL, NULL, &e));
	assert_false(stock_transfer(st, a, b, item, 12, NULL, &e));
	assert_contains(e.msg, "11 available");
	assert_false(stock_transfer(st, a, a, item, 1, NULL, &e));
	check(store_commit(st, &e));
	assert_int_equal(count(st, "SELECT count(*) FROM stock_movement", NULL), n_mv);
	assert_int_equal(count(st, "SELECT count(*) FROM outbox", NULL), n_op);
	assert_int_equal(on_hand(st, a, item), 11);

	/* transfer 9: L-LATE 8 then L-NONE 1 (no expiry goes last), both legs */
	check(store_begin(st, &e));
	check(stock_transfer(st, a, b, item, 9, "前置", &e));
	check(store_commit(st, &e));
	assert_int_equal(lot(st, a, "L-LATE"), 0);
	assert_int_equal(lot(st, a, "L-NONE"), 2);
	assert_int_equal(lot(st, b, "L-LATE"), 8);
	assert_int_equal(lot(st, b, "L-NONE"), 1);
	assert_int_equal(count(st, "SELECT count(*) FROM stock_movement WHERE kind = 'transfer_out'",
			       NULL), 2);
	assert_int_equal(count(st, "SELECT count(*) FROM stock_movement WHERE kind = 'transfer_in'",
			       NULL), 2);
	assert_int_equal(count(st, "SELECT count(DISTINCT transfer_id) FROM stock_movement"
				   " WHERE transfer_id IS NOT NULL", NULL), 1);
	assert_int_equal(count(st, "SELECT sum(qty) FROM stock_movement WHERE transfer_id IS NOT NULL",
			       NULL), 0);
	/* the expiry dates travel with the lots */
	assert_int_equal(count(st, "SELECT count(*) FROM stock_lot WHERE depot_id = ?"
				   " AND batch = 'L-LATE' AND expiry = '2027-06-30'", b), 1);
	assert_int_equal(on_hand(st, a, item), 2);
	assert_int_equal(on_hand(st, b, item), 9);
	assert_int_equal(on_hand(st, a, item) + on_hand(st, b, item), 11);
	assert_int_equal(on_hand(st, a, item), ledger(st, a, item));
	assert_int_equal(on_hand(st, b, item), ledger(st, b, item));
	assert_int_equal(count(st, "SELECT sum(qty) FROM stock_lot", NULL),
			 count(st, "SELECT sum(qty) FROM stock_movement", NULL));

	/* the list's row for the depot carries the item and the minimum */
	json_t *l = q_stock_list(st, a, item, &e);
	json_t *row = json_array_get(l, 0);
	assert_string_equal(jstr(row, "depot_code"), "CK-XJ");
	assert_string_equal(jstr(row, "item_code"), "T-001");
	assert_int_equal(jint(row, "min_stock"), 5);
	assert_true(json_is_true(json_object_get(row, "below_min")) ||
		    json_integer_value(json_object_get(row, "below_min")) == 1);
	assert_true(json_is_null(json_object_get(row, "next_expiry"))); /* only L-NONE left */
	json_decref(l);
	l = q_stock_list(st, b, item, &e);
	assert_string_equal(jstr(json_array_get(l, 0), "next_expiry"), "2027-06-30");
	json_decref(l);

	/* a catalogue item issued out of the whole list: ledger and lots agree everywhere */
	check(store_begin(st, &e));
	check(stock_receive(st, b, "item-WZ-0101", 30, "", "", NULL, &e));
	check(stock_issue(st, b, "item-WZ-0101", 4, NULL, NULL, NULL, &e));
	check(store_commit(st, &e));
	l = q_stock_list(st, NULL, NULL, &e);
	assert_non_null(l);
	assert_int_equal(json_array_size(l), 3);
	int64_t total = 0;
	size_t i;
	json_t *x;
	json_array_foreach(l, i, x)
		total += jint(x, "qty");
	json_decref(l);
	assert_int_equal(total, count(st, "SELECT sum(qty) FROM stock_movement", NULL));
	assert_int_equal(on_hand(st, b, "item-WZ-0101"), 26);
}

/* ---- demo data ---- */

static json_int_t at(json_t *root, const char *a, const char *b, const char *c)
{
	json_t *v = json_object_get(root, a);
	if (b)
		v = json_object_get(v, b);
	if (c)
		v = json_object_get(v, c);
	if (!json_is_integer(v))
		fail_msg("%s.%s.%s is not an integer", a, b ? b : "", c ? c : "");
	return json_integer_value(v);
}

static void test_demo_stats(void **state)
{
	(void)state;
	struct store *st = open_db(true); /* demo stock refers to the catalogue */
	struct err e = {0};
	bool empty = false;
	check(store_is_empty(st, &empty, &e));
	assert_true(empty);
	check(store_begin(st, &e));
	check(demo_load(st, &e));
	check(store_commit(st, &e));

	json_t *s = q_stats(st, &e);
	assert_non_null(s);
	assert_int_equal(at(s, "geohazards", "total", NULL), 180);
	assert_int_equal(at(s, "geohazards", "large", NULL), 6);
	assert_int_equal(at(s, "geohazards", "medium", NULL), 10);
	assert_int_equal(at(s, "geohazards", "small", NULL), 164);
	assert_int_equal(at(s, "geohazards", "road", NULL), 35);
	assert_int_equal(at(s, "geohazards", "county_town", "total"), 21);
	assert_int_equal(at(s, "geohazards", "county_town", "large"), 6);
	assert_int_equal(at(s, "geohazards", "county_town", "medium"), 10);
	assert_int_equal(at(s, "geohazards", "county_town", "small"), 5);
	assert_int_equal(at(s, "geohazards", "high_risk", "households"), 72);
	assert_int_equal(at(s, "geohazards", "high_risk", "people"), 240);
	assert_int_equal(at(s, "fire_key_units", "total", NULL), 36);
	assert_int_equal(at(s, "fire_key_units", "school", NULL), 5);
	assert_int_equal(at(s, "fire_key_units", "middle_school", NULL), 3);
	assert_int_equal(at(s, "fire_key_units", "kindergarten", NULL), 2);
	assert_int_equal(at(s, "fire_key_units", "hospital", NULL), 2);
	assert_int_equal(at(s, "fire_key_units", "scenic", NULL), 3);
	assert_int_equal(at(s, "fire_key_units", "other", NULL), 26);
	json_decref(s);

	/* on hand everywhere equals the ledger */
	json_t *l = q_stock_list(st, NULL, NULL, &e);
	assert_non_null(l);
	assert_true(json_array_size(l) > 0);
	int64_t total = 0;
	size_t i;
	json_t *x;
	json_array_foreach(l, i, x)
		total += jint(x, "qty");
	json_decref(l);
	assert_int_equal(total, count(st, "SELECT sum(qty) FROM stock_movement", NULL));

	/* a second load is refused and adds nothing */
	int64_t n = count(st, "SELECT count(*) FROM hazard", NULL);
	memset(&e, 0, sizeof e);
	check(store_begin(st, &e));
	assert_false(demo_load(st, &e));
	store_rollback(st);
	assert_contains(e.msg, "already holds records");
	assert_int_equal(count(st, "SELECT count(*) FROM hazard", NULL), n);
	check(store_is_empty(st, &empty, &e));
	assert_false(empty);
	store_close(st);
}

/* The deadline clocks watch open incidents and those closed in the last 30
 * days whose final report is still owed: nothing else. */
static void test_open_clocks(void **state)
{
	struct store *st = *state;
	struct err e = {0};
	char num[4][64];
	for (int i = 0; i < 4; i++) {
		json_t *f = json_pack("{s:s, s:s, s:s}", "title", "芝河镇民房倒塌", "type", "collapse",
				      "township_code", SANGBI);
		add_incident(st, f, NULL, num[i]);
		json_decref(f);
	}
	check(store_begin(st, &e));
	check(incident_close(st, num[1], "处置完毕", &e)); /* closed now, final owed */
	check(incident_close(st, num[2], "处置完毕", &e)); /* closed 40 days ago */
	check(incident_report(st, num[3], "final_report", "phone", NULL, "终报", NULL, NULL, &e));
	check(incident_close(st, num[3], "处置完毕", &e)); /* final sent */
	check(store_exec(st, &e, "UPDATE incident SET closed_at = ? WHERE number = ?", "is",
			 (int64_t)NOW - 40 * 86400, num[2]));
	check(store_commit(st, &e));
	json_t *rows = q_open_clocks(st, &e);
	assert_non_null(rows);
	assert_int_equal(json_array_size(rows), 2);
	size_t i;
	json_t *r;
	bool seen[2] = {false, false};
	json_array_foreach(rows, i, r) {
		for (int k = 0; k < 2; k++)
			if (!strcmp(jstr(r, "number"), num[k]))
				seen[k] = true;
	}
	assert_true(seen[0] && seen[1]);
	json_decref(rows);
	/* paging: one at a time gives the same two, in id order, then nothing */
	json_t *p1 = q_open_clocks_page(st, NULL, 1, &e);
	assert_int_equal(json_array_size(p1), 1);
	json_t *p2 = q_open_clocks_page(st, jstr(json_array_get(p1, 0), "id"), 1, &e);
	assert_int_equal(json_array_size(p2), 1);
	assert_true(strcmp(jstr(json_array_get(p1, 0), "id"), jstr(json_array_get(p2, 0), "id")) < 0);
	const char *n1 = jstr(json_array_get(p1, 0), "number"), *n2 = jstr(json_array_get(p2, 0), "number");
	if (!((!strcmp(n1, num[0]) && !strcmp(n2, num[1])) ||
	      (!strcmp(n1, num[1]) && !strcmp(n2, num[0]))))
		fail_msg("pages gave %s and %s, not %s and %s", n1, n2, num[0], num[1]);
	json_t *p3 = q_open_clocks_page(st, jstr(json_array_get(p2, 0), "id"), 1, &e);
	assert_non_null(p3);
	assert_int_equal(json_array_size(p3), 0);
	/* a page of 10 from the start: the same two */
	json_t *p10 = q_open_clocks_page(st, NULL, 10, &e);
	assert_int_equal(json_array_size(p10), 2);
	json_decref(p10);
	json_decref(p3);
	json_decref(p1);
	json_decref(p2);
}

int main(void)
{
	setenv("DUTYDESK_NOW", NOW_TEXT, 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_incident_lifecycle, setup_db, close_db),
		cmocka_unit_test_setup_teardown(test_open_clocks, setup_db, close_db),
		cmocka_unit_test_setup_teardown(test_field_parse, setup_db, close_db),
		cmocka_unit_test(test_hazard_validate),
		cmocka_unit_test_setup_teardown(test_stock, setup_db, close_db),
		cmocka_unit_test(test_demo_stats),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
