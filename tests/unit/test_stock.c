/* The stock ledger on temporary databases: on hand equals the movements
 * (and the trigger-kept lots and balances) after every kind of movement,
 * transfers and dispatches are all or nothing, expiry dates fall into
 * their bucket at the boundaries of the local date, and a dispatch takes
 * from the nearest depots first. The clock is fixed with DUTYDESK_NOW. */
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

#define NOW_TEXT "2026-11-28 18:00" /* local (TZ=Asia/Shanghai in the test env) */
#define TODAY "2026-11-28"
#define ZHIHE "141032100"
#define SANGBI "141032101"
#define POTOU "141032202"

/* Catalogue items (ids are made from their codes). */
#define TENT "item-WZ-0501"
#define QUILT "item-WZ-0503"
#define WATER "item-WZ-0507"

/* A new database with reference data, the county node and the catalogue. */
static struct store *open_db(void)
{
	char *path = xasprintf("%s/%d.db", tmpdir, ++serial);
	struct err e = {0};
	struct store *st = NULL;
	bool ok = store_open(path, STORE_CREATE, &st, &e) && store_begin(st, &e) &&
		  reference_load(st, &e) &&
		  store_set_node(st, "county-1", NULL, "county", "永和", &e) &&
		  catalogue_load(st, &e) && store_commit(st, &e);
	free(path);
	if (!ok) {
		store_close(st);
		fail_msg("fixture: %s", e.msg);
	}
	return st;
}

/* Depot ids of the fixture. Codes are chosen so that code order is the
 * opposite of nearness to a 桑壁镇 incident. */
struct fx {
	struct store *st;
	char county[ID_TEXT]; /* CK-05, county level, in 芝河镇 */
	char sangbi[ID_TEXT]; /* CK-09, township, 桑壁镇 */
	char potou[ID_TEXT];  /* CK-01, township, 坡头乡 */
	char zhihe[ID_TEXT];  /* CK-03, township, 芝河镇 */
	char incident[64];    /* number of a landslide in 桑壁镇 */
	char incident_id[ID_TEXT];
};

static void depot(struct store *st, const char *code, const char *level, const char *town,
		  char id[ID_TEXT])
{
	struct err e = {0};
	json_t *f = json_pack("{s:s, s:s, s:s, s:s}", "code", code, "name", code, "level", level,
			      "township_code", town);
	id[0] = '\0';
	check(rec_insert(st, &T_DEPOT, f, id, &e));
	json_decref(f);
}

static int setup(void **state)
{
	setenv("DUTYDESK_NOW", NOW_TEXT, 1);
	struct fx *x = calloc(1, sizeof *x);
	struct err e = {0};
	x->st = open_db();
	check(store_begin(x->st, &e));
	depot(x->st, "CK-05", "county", ZHIHE, x->county);
	depot(x->st, "CK-09", "township", SANGBI, x->sangbi);
	depot(x->st, "CK-01", "township", POTOU, x->potou);
	depot(x->st, "CK-03", "township", ZHIHE, x->zhihe);
	json_t *f = json_pack("{s:s, s:s, s:s}", "title", "桑壁镇辛庄村滑坡", "type", "landslide",
			      "township_code", SANGBI);
	check(incident_add(x->st, f, NULL, x->incident, &e));
	json_decref(f);
	check(q_ref(x->st, "incident", x->incident, x->incident_id, &e));
	check(store_commit(x->st, &e));
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct fx *x = *state;
	store_close(x->st);
	free(x);
	setenv("DUTYDESK_NOW", NOW_TEXT, 1);
	return 0;
}

static int64_t count(struct store *st, const char *sql, const char *fmt, ...)
{
	/* store_int is variadic too: pass at most three strings through. */
	va_list ap;
	const char *a[3] = {NULL, NULL, NULL};
	va_start(ap, fmt);
	for (size_t i = 0; i < strlen(fmt) && i < 3; i++)
		a[i] = va_arg(ap, const char *);
	va_end(ap);
	struct err e = {0};
	int64_t n = -999;
	check(store_int(st, &e, &n, sql, fmt, a[0], a[1], a[2]));
	return n;
}

static json_int_t jint(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	if (!json_is_integer(v))
		fail_msg("no integer '%s'", k);
	return json_integer_value(v);
}

/* On hand of one depot and item according to q_stock_list (0 if no row). */
static int64_t on_hand(struct store *st, const char *depot_id, const char *item_id)
{
	struct err e = {0};
	json_t *l = q_stock_list(st, depot_id, item_id, &e);
	if (!l)
		fail_msg("q_stock_list: %s", e.msg);
	int64_t q = 0;
	if (json_array_size(l)) {
		assert_int_equal(json_array_size(l), 1);
		q = jint(json_array_get(l, 0), "qty");
	}
	json_decref(l);
	return q;
}

/* Every row of q_stock_list agrees with the ledger, the lots and the
 * balance; and every depot+item in the ledger has a row. */
static void ledger_agrees(struct store *st)
{
	struct err e = {0};
	json_t *l = q_stock_list(st, NULL, NULL, &e);
	if (!l)
		fail_msg("q_stock_list: %s", e.msg);
	size_t i;
	json_t *r;
	json_array_foreach(l, i, r) {
		const char *d = jstr(r, "depot_code"), *it = jstr(r, "item_code");
		int64_t q = jint(r, "qty");
		int64_t mv = count(st,
			"SELECT coalesce(sum(m.qty), 0) FROM stock_movement m JOIN depot d ON"
			" d.id = m.depot_id JOIN item i ON i.id = m.item_id WHERE d.code = ? AND i.code = ?",
			"ss", d, it);
		int64_t bal = count(st,
			"SELECT coalesce(sum(b.qty), -1) FROM stock_balance b JOIN depot d ON"
			" d.id = b.depot_id JOIN item i ON i.id = b.item_id WHERE d.code = ? AND i.code = ?",
			"ss", d, it);
		int64_t lots = count(st,
			"SELECT coalesce(sum(l.qty), -1) FROM stock_lot l JOIN depot d ON"
			" d.id = l.depot_id JOIN item i ON i.id = l.item_id WHERE d.code = ? AND i.code = ?",
			"ss", d, it);
		if (q != mv || q != bal || q != lots)
			fail_msg("%s %s: list %lld, movements %lld, balance %lld, lots %lld", d, it,
				 (long long)q, (long long)mv, (long long)bal, (long long)lots);
	}
	assert_int_equal((int64_t)json_array_size(l),
			 count(st, "SELECT count(*) FROM (SELECT DISTINCT depot_id, item_id"
				   " FROM stock_movement)", ""));
	json_decref(l);
}

static int64_t lot(struct store *st, const char *depot_id, const char *item, const char *batch)
{
	return count(st, "SELECT coalesce(sum(qty), -1) FROM stock_lot WHERE depot_id = ?"
			 " AND item_id = ? AND batch = ?", "sss", depot_id, item, batch);
}

/* ---- ledger arithmetic ---- */

static void test_ledger(void **state)
{
	struct fx *x = *state;
	struct store *st = x->st;
	struct err e = {0};
	int64_t w = -1;
	check(store_begin(st, &e));
	check(stock_receive(st, x->county, TENT, 100, "T-OLD", "2026-11-01", "采购", &e));
	check(stock_receive(st, x->county, TENT, 50, "T-NEW", "2027-06-30", "采购", &e));
	check(stock_receive(st, x->county, QUILT, 80, "Q-1", NULL, "采购", &e));
	check(stock_receive(st, x->sangbi, TENT, 7, "S-1", "", NULL, &e));
	check(store_commit(st, &e));
	ledger_agrees(st);
	assert_int_equal(on_hand(st, x->county, TENT), 150);

	/* issue 30: from the first-expiring (expired) lot */
	check(store_begin(st, &e));
	check(stock_issue(st, x->county, TENT, 30, x->incident_id, "桑壁镇", "转移安置", &e));
	check(store_commit(st, &e));
	ledger_agrees(st);
	assert_int_equal(lot(st, x->county, TENT, "T-OLD"), 70);
	assert_int_equal(on_hand(st, x->county, TENT), 120);

	/* transfer 80: T-OLD 70 then T-NEW 10, both legs */
	check(store_begin(st, &e));
	check(stock_transfer(st, x->county, x->sangbi, TENT, 80, "前置", &e));
	check(store_commit(st, &e));
	ledger_agrees(st);
	assert_int_equal(on_hand(st, x->county, TENT), 40);
	assert_int_equal(on_hand(st, x->sangbi, TENT), 87);
	assert_int_equal(lot(st, x->sangbi, TENT, "T-OLD"), 70);
	assert_int_equal(lot(st, x->sangbi, TENT, "T-NEW"), 10);

	/* adjust +5 and -12 */
	check(store_begin(st, &e));
	check(stock_adjust(st, x->county, QUILT, 5, "盘点盘盈", &e));
	check(stock_adjust(st, x->sangbi, TENT, -12, "盘点盘亏", &e));
	check(store_commit(st, &e));
	ledger_agrees(st);
	assert_int_equal(on_hand(st, x->county, QUILT), 85);
	assert_int_equal(on_hand(st, x->sangbi, TENT), 75);
	assert_int_equal(lot(st, x->sangbi, TENT, "T-OLD"), 58); /* first-expiring first */

	/* writeoff: every expired one (T-OLD 58 at 桑壁镇) */
	check(store_begin(st, &e));
	check(stock_writeoff(st, x->sangbi, TENT, 0, NULL, &w, &e));
	check(store_commit(st, &e));
	assert_int_equal(w, 58);
	ledger_agrees(st);
	assert_int_equal(on_hand(st, x->sangbi, TENT), 17);

	/* return 6 from the incident */
	check(store_begin(st, &e));
	check(stock_return(st, x->potou, TENT, 6, x->incident_id, "未使用", &e));
	check(store_commit(st, &e));
	ledger_agrees(st);
	assert_int_equal(on_hand(st, x->potou, TENT), 6);
	assert_int_equal(on_hand(st, x->county, TENT), 40);
	assert_int_equal(on_hand(st, x->county, QUILT), 85);

	/* totals: 157 tents received, 30 issued, 12 adjusted away, 58 written
	 * off, 6 returned; transfers net to zero */
	assert_int_equal(count(st, "SELECT sum(qty) FROM stock_movement WHERE item_id = ?", "s",
			       TENT), 157 - 30 - 12 - 58 + 6);
	assert_int_equal(count(st, "SELECT sum(qty) FROM stock_balance WHERE item_id = ?", "s",
			       TENT), 63);
	assert_int_equal(count(st, "SELECT count(*) FROM stock_movement WHERE kind = 'writeoff'", ""),
			 1);
	assert_int_equal(count(st, "SELECT count(*) FROM stock_movement WHERE kind = 'return'"
				   " AND incident_id = ?", "s", x->incident_id), 1);

	/* q_incident_stock: sent and returned */
	json_t *s = q_incident_stock(st, x->incident_id, &e);
	assert_non_null(s);
	assert_int_equal(json_array_size(s), 1);
	assert_int_equal(jint(json_array_get(s, 0), "sent"), 30);
	assert_int_equal(jint(json_array_get(s, 0), "returned"), 6);
	json_decref(s);

	/* the stock card: balance after each movement, ending at on hand */
	json_t *card = q_stock_card(st, x->county, TENT, 0, &e);
	assert_non_null(card);
	int64_t bal = 0;
	size_t i;
	json_t *r;
	json_array_foreach(card, i, r) {
		json_t *in = json_object_get(r, "qty_in"), *out = json_object_get(r, "qty_out");
		bal += json_integer_value(in) - json_integer_value(out);
		assert_int_equal(jint(r, "balance"), bal);
	}
	assert_int_equal(bal, on_hand(st, x->county, TENT));
	json_decref(card);
	/* with a limit: the last movements, still with the running balance */
	card = q_stock_card(st, x->county, TENT, 1, &e);
	assert_int_equal(json_array_size(card), 1);
	assert_int_equal(jint(json_array_get(card, 0), "balance"), 40);
	json_decref(card);
}

/* ---- transfers, issues, adjustments ---- */

static void test_transfer_atomic(void **state)
{
	struct fx *x = *state;
	struct store *st = x->st;
	struct err e = {0};
	check(store_begin(st, &e));
	check(stock_receive(st, x->county, TENT, 10, "A", "2027-01-01", NULL, &e));
	check(stock_receive(st, x->county, TENT, 5, "B", "2027-02-01", NULL, &e));
	check(store_commit(st, &e));
	int64_t n = count(st, "SELECT count(*) FROM stock_movement", "");

	/* more than on hand: refused, with what is there */
	memset(&e, 0, sizeof e);
	check(store_begin(st, &e));
	assert_false(stock_transfer(st, x->county, x->sangbi, TENT, 16, "前置", &e));
	store_rollback(st);
	assert_int_equal(e.code, ERR_FAIL);
	assert_contains(e.msg, "15 available");
	assert_int_equal(count(st, "SELECT count(*) FROM stock_movement", ""), n);
	assert_int_equal(count(st, "SELECT count(*) FROM stock_movement WHERE kind IN"
				   " ('transfer_out', 'transfer_in')", ""), 0);

	/* the receiving leg fails after the giving leg was written (an unknown
	 * depot): after the rollback neither leg is there */
	memset(&e, 0, sizeof e);
	check(store_begin(st, &e));
	bool ok = stock_transfer(st, x->county, "no-such-depot", TENT, 12, NULL, &e);
	store_rollback(st);
	if (ok)
		fail_msg("a transfer to an unknown depot id succeeded");
	assert_int_equal(count(st, "SELECT count(*) FROM stock_movement", ""), n);
	assert_int_equal(count(st, "SELECT count(*) FROM stock_movement WHERE transfer_id IS NOT NULL",
			       ""), 0);
	assert_int_equal(on_hand(st, x->county, TENT), 15);
	ledger_agrees(st);

	/* a good one spanning two lots: legs pair up lot by lot */
	check(store_begin(st, &e));
	check(stock_transfer(st, x->county, x->sangbi, TENT, 12, NULL, &e));
	check(store_commit(st, &e));
	assert_int_equal(count(st, "SELECT count(*) FROM stock_movement WHERE kind = 'transfer_out'",
			       ""), 2);
	assert_int_equal(count(st, "SELECT count(*) FROM stock_movement WHERE kind = 'transfer_in'",
			       ""), 2);
	assert_int_equal(count(st, "SELECT sum(qty) FROM stock_movement WHERE transfer_id IS NOT NULL",
			       ""), 0);
	assert_int_equal(lot(st, x->sangbi, TENT, "B"), 2);
	ledger_agrees(st);
}

static void test_issue_refusal(void **state)
{
	struct fx *x = *state;
	struct store *st = x->st;
	struct err e = {0};
	check(store_begin(st, &e));
	check(stock_receive(st, x->sangbi, QUILT, 23, "Q", NULL, NULL, &e));
	check(store_commit(st, &e));
	int64_t n = count(st, "SELECT count(*) FROM stock_movement", "");
	check(store_begin(st, &e));
	assert_false(stock_issue(st, x->sangbi, QUILT, 24, NULL, NULL, NULL, &e));
	assert_int_equal(e.code, ERR_FAIL);
	assert_contains(e.msg, "23 available");
	assert_contains(e.msg, "24 asked");
	memset(&e, 0, sizeof e);
	assert_false(stock_issue(st, x->potou, QUILT, 1, NULL, NULL, NULL, &e));
	assert_contains(e.msg, "0 available");
	memset(&e, 0, sizeof e);
	assert_false(stock_issue(st, x->sangbi, QUILT, -1, NULL, NULL, NULL, &e));
	assert_int_equal(e.code, ERR_USAGE);
	store_rollback(st);
	assert_int_equal(count(st, "SELECT count(*) FROM stock_movement", ""), n);
	/* exactly what is there is fine */
	check(store_begin(st, &e));
	check(stock_issue(st, x->sangbi, QUILT, 23, NULL, NULL, NULL, &e));
	check(store_commit(st, &e));
	assert_int_equal(on_hand(st, x->sangbi, QUILT), 0);
}

static void test_adjust(void **state)
{
	struct fx *x = *state;
	struct store *st = x->st;
	struct err e = {0};
	check(store_begin(st, &e));
	check(stock_receive(st, x->county, WATER, 40, "W-LATE", "2027-09-01", NULL, &e));
	check(stock_receive(st, x->county, WATER, 20, "W-SOON", "2027-01-15", NULL, &e));
	check(stock_receive(st, x->county, WATER, 10, "W-NONE", NULL, NULL, &e));
	check(store_commit(st, &e));
	int64_t n = count(st, "SELECT count(*) FROM stock_movement", "");

	/* no reason: refused, nothing written */
	check(store_begin(st, &e));
	memset(&e, 0, sizeof e);
	assert_false(stock_adjust(st, x->county, WATER, 5, NULL, &e));
	assert_int_equal(e.code, ERR_USAGE);
	assert_contains(e.msg, "reason");
	memset(&e, 0, sizeof e);
	assert_false(stock_adjust(st, x->county, WATER, -5, "", &e));
	assert_contains(e.msg, "reason");
	memset(&e, 0, sizeof e);
	assert_false(stock_adjust(st, x->county, WATER, 0, "盘点", &e));
	memset(&e, 0, sizeof e);
	assert_false(stock_adjust(st, x->county, WATER, -71, "盘点", &e));
	assert_contains(e.msg, "70 available");
	store_rollback(st);
	assert_int_equal(count(st, "SELECT count(*) FROM stock_movement", ""), n);

	/* -25: all of the first-expiring lot, then 5 of the next */
	check(store_begin(st, &e));
	check(stock_adjust(st, x->county, WATER, -25, "盘点盘亏", &e));
	check(store_commit(st, &e));
	assert_int_equal(lot(st, x->county, WATER, "W-SOON"), 0);
	assert_int_equal(lot(st, x->county, WATER, "W-LATE"), 35);
	assert_int_equal(lot(st, x->county, WATER, "W-NONE"), 10);
	assert_int_equal(count(st, "SELECT count(*) FROM stock_movement WHERE kind = 'adjust'"
				   " AND reason = '盘点盘亏'", ""), 2);
	/* +3 */
	check(store_begin(st, &e));
	check(stock_adjust(st, x->county, WATER, 3, "盘点盘盈", &e));
	check(store_commit(st, &e));
	assert_int_equal(on_hand(st, x->county, WATER), 48);
	ledger_agrees(st);
}

/* ---- expiry ---- */

/* The alert row of a batch's expiry date for WATER at the county depot:
 * "expired", "expiring" or NULL when not an alert. */
static const char *bucket(struct store *st, int days, const char *expiry)
{
	static char out[16];
	struct err e = {0};
	json_t *a = q_stock_alerts(st, days, 0, &e);
	if (!a)
		fail_msg("q_stock_alerts: %s", e.msg);
	const char *found = NULL;
	size_t i;
	json_t *r;
	json_array_foreach(a, i, r) {
		const char *x = json_string_value(json_object_get(r, "expiry"));
		if (x && strcmp(x, expiry) == 0 && str_eq(jstr(r, "item_code"), "WZ-0507")) {
			snprintf(out, sizeof out, "%s", jstr(r, "alert"));
			found = out;
		}
	}
	json_decref(a);
	return found;
}

#define assert_bucket(st, days, expiry, want)                                             \
	do {                                                                              \
		const char *got_ = bucket((st), (days), (expiry));                        \
		const char *want_ = (want);                                               \
		if (!str_eq(got_, want_))                                                 \
			fail_msg("expiry %s, days %d: got %s, wanted %s", (expiry), (days), \
				 got_ ? got_ : "no alert", want_ ? want_ : "no alert");   \
	} while (0)

static void test_expiry_buckets(void **state)
{
	struct fx *x = *state;
	struct store *st = x->st;
	struct err e = {0};
	check(store_begin(st, &e));
	check(stock_receive(st, x->county, WATER, 1, "Y", "2026-11-27", NULL, &e));  /* yesterday */
	check(stock_receive(st, x->county, WATER, 2, "T", TODAY, NULL, &e));         /* today */
	check(stock_receive(st, x->county, WATER, 4, "P30", "2026-12-28", NULL, &e)); /* +30 */
	check(stock_receive(st, x->county, WATER, 8, "P31", "2026-12-29", NULL, &e)); /* +31 */
	check(stock_receive(st, x->county, WATER, 100, "N", NULL, NULL, &e));
	check(store_commit(st, &e));

	assert_bucket(st, 30, "2026-11-27", "expired");
	assert_bucket(st, 30, TODAY, "expiring");
	assert_bucket(st, 30, "2026-12-28", "expiring");
	assert_bucket(st, 30, "2026-12-29", NULL);
	/* the days parameter */
	assert_bucket(st, 29, "2026-12-28", NULL);
	assert_bucket(st, 31, "2026-12-29", "expiring");
	assert_bucket(st, 0, TODAY, "expiring");
	assert_bucket(st, 0, "2026-11-27", "expired");
	assert_bucket(st, 0, "2026-12-28", NULL);

	/* the order: expired, then expiring soonest first */
	json_t *a = q_stock_alerts(st, 30, 0, &e);
	assert_non_null(a);
	assert_true(json_array_size(a) >= 3);
	assert_string_equal(jstr(json_array_get(a, 0), "alert"), "expired");
	assert_string_equal(jstr(json_array_get(a, 1), "expiry"), TODAY);
	assert_string_equal(jstr(json_array_get(a, 2), "expiry"), "2026-12-28");
	json_decref(a);
	a = q_stock_alerts(st, 30, 2, &e); /* limit */
	assert_int_equal(json_array_size(a), 2);
	json_decref(a);

	/* A limited list is exactly the head of the whole one, ties at the cut
	 * included (the limited query reads only the earliest dates): three
	 * lots of one date at two depots and two items. */
	check(store_begin(st, &e));
	check(stock_receive(st, x->sangbi, WATER, 3, "S-T1", TODAY, NULL, &e));
	check(stock_receive(st, x->county, TENT, 3, "C-T1", TODAY, NULL, &e));
	check(stock_receive(st, x->sangbi, TENT, 3, "S-T2", TODAY, NULL, &e));
	check(store_commit(st, &e));
	json_t *all = q_stock_alerts(st, 30, 0, &e);
	assert_true(json_array_size(all) >= 6);
	for (int64_t n = 1; n <= (int64_t)json_array_size(all) + 1; n++) {
		json_t *head = q_stock_alerts(st, 30, n, &e);
		assert_non_null(head);
		assert_int_equal(json_array_size(head),
				 n < (int64_t)json_array_size(all) ? n : (int64_t)json_array_size(all));
		for (size_t k = 0; k < json_array_size(head); k++)
			if (!json_equal(json_array_get(head, k), json_array_get(all, k)))
				fail_msg("limit %lld: row %zu differs from the whole list's", (long long)n, k);
		json_decref(head);
	}
	json_decref(all);

	/* q_stock_list: expired quantity and the next expiry */
	json_t *l = q_stock_list(st, x->county, WATER, &e);
	assert_int_equal(jint(json_array_get(l, 0), "expired"), 1);
	assert_string_equal(jstr(json_array_get(l, 0), "next_expiry"), "2026-11-27");
	json_decref(l);

	/* the local date decides: one minute before local midnight the lot of
	 * today is not yet expired; at midnight it is */
	setenv("DUTYDESK_NOW", "2026-11-28 23:59", 1);
	assert_bucket(st, 30, TODAY, "expiring");
	assert_bucket(st, 30, "2026-12-28", "expiring");
	setenv("DUTYDESK_NOW", "2026-11-29 00:00", 1);
	assert_bucket(st, 30, TODAY, "expired");
	assert_bucket(st, 30, "2026-12-29", "expiring");
	l = q_stock_list(st, x->county, WATER, &e);
	assert_int_equal(jint(json_array_get(l, 0), "expired"), 3);
	json_decref(l);
	setenv("DUTYDESK_NOW", NOW_TEXT, 1);
}

static void test_writeoff(void **state)
{
	struct fx *x = *state;
	struct store *st = x->st;
	struct err e = {0};
	int64_t w = -1;
	check(store_begin(st, &e));
	check(stock_receive(st, x->county, WATER, 6, "OLD1", "2026-10-01", NULL, &e));
	check(stock_receive(st, x->county, WATER, 4, "OLD2", "2026-11-27", NULL, &e));
	check(stock_receive(st, x->county, WATER, 9, "TODAY", TODAY, NULL, &e));
	check(stock_receive(st, x->county, WATER, 30, "GOOD", "2027-05-01", NULL, &e));
	check(stock_receive(st, x->county, WATER, 12, "NONE", NULL, NULL, &e));
	check(store_commit(st, &e));
	int64_t n = count(st, "SELECT count(*) FROM stock_movement", "");

	/* more than has expired: refused */
	memset(&e, 0, sizeof e);
	check(store_begin(st, &e));
	assert_false(stock_writeoff(st, x->county, WATER, 11, NULL, &w, &e));
	store_rollback(st);
	assert_int_equal(e.code, ERR_FAIL);
	assert_contains(e.msg, "10");
	assert_int_equal(count(st, "SELECT count(*) FROM stock_movement", ""), n);

	/* 7: all of the first expired, 1 of the next */
	check(store_begin(st, &e));
	check(stock_writeoff(st, x->county, WATER, 7, NULL, &w, &e));
	check(store_commit(st, &e));
	assert_int_equal(w, 7);
	assert_int_equal(lot(st, x->county, WATER, "OLD1"), 0);
	assert_int_equal(lot(st, x->county, WATER, "OLD2"), 3);

	/* the rest of the expired ones, and only those */
	check(store_begin(st, &e));
	check(stock_writeoff(st, x->county, WATER, 0, "过期报废", &w, &e));
	check(store_commit(st, &e));
	assert_int_equal(w, 3);
	assert_int_equal(lot(st, x->county, WATER, "OLD2"), 0);
	assert_int_equal(lot(st, x->county, WATER, "TODAY"), 9);
	assert_int_equal(lot(st, x->county, WATER, "GOOD"), 30);
	assert_int_equal(lot(st, x->county, WATER, "NONE"), 12);
	assert_int_equal(count(st, "SELECT count(*) FROM stock_movement WHERE kind = 'writeoff'"
				   " AND batch NOT IN ('OLD1', 'OLD2')", ""), 0);
	assert_int_equal(count(st, "SELECT count(*) FROM stock_movement WHERE kind = 'writeoff'"
				   " AND reason = '过期报废'", ""), 1);
	assert_int_equal(count(st, "SELECT count(*) FROM stock_movement WHERE kind = 'writeoff'"
				   " AND reason = 'expired'", ""), 2);

	/* nothing expired any more: refused */
	n = count(st, "SELECT count(*) FROM stock_movement", "");
	memset(&e, 0, sizeof e);
	check(store_begin(st, &e));
	assert_false(stock_writeoff(st, x->county, WATER, 0, NULL, &w, &e));
	store_rollback(st);
	assert_int_equal(e.code, ERR_FAIL);
	assert_contains(e.msg, "nothing has expired");
	assert_int_equal(count(st, "SELECT count(*) FROM stock_movement", ""), n);
	/* ... nor where there is no stock at all */
	memset(&e, 0, sizeof e);
	check(store_begin(st, &e));
	assert_false(stock_writeoff(st, x->sangbi, WATER, 0, NULL, &w, &e));
	store_rollback(st);
	ledger_agrees(st);
}

/* ---- dispatch ---- */

static void stock_dispatch_fixture(struct fx *x)
{
	struct err e = {0};
	struct store *st = x->st;
	check(store_begin(st, &e));
	check(stock_receive(st, x->potou, TENT, 50, "P", NULL, NULL, &e));  /* CK-01 other */
	check(stock_receive(st, x->zhihe, TENT, 3, "Z", NULL, NULL, &e));   /* CK-03 other */
	check(stock_receive(st, x->county, TENT, 20, "C", NULL, NULL, &e)); /* CK-05 county */
	check(stock_receive(st, x->sangbi, TENT, 10, "S", NULL, NULL, &e)); /* CK-09 own */
	check(stock_receive(st, x->county, QUILT, 100, "C", NULL, NULL, &e));
	check(store_commit(st, &e));
}

/* "CK-09:10,CK-05:20,..." for one item of a plan */
static char *plan_text(json_t *plan)
{
	struct strbuf sb;
	sb_init(&sb);
	size_t i;
	json_t *r;
	json_array_foreach(plan, i, r)
		sb_printf(&sb, "%s%s/%s:%lld", i ? "," : "", jstr(r, "depot_code"),
			  jstr(r, "item_code"), (long long)jint(r, "qty"));
	return sb.buf ? sb.buf : xstrdup("");
}

#define assert_plan(plan, want)                                          \
	do {                                                             \
		char *got_ = plan_text(plan);                            \
		if (strcmp(got_, (want)) != 0)                           \
			fail_msg("plan '%s', wanted '%s'", got_, (want)); \
		free(got_);                                              \
	} while (0)

static void test_dispatch_plan(void **state)
{
	struct fx *x = *state;
	struct store *st = x->st;
	struct err e = {0};
	stock_dispatch_fixture(x);

	/* within the township's own depot */
	struct dispatch_line l1[] = {{"WZ-0501", 8}};
	json_t *p = dispatch_plan(st, x->incident, l1, 1, NULL, &e);
	if (!p)
		fail_msg("dispatch_plan: %s", e.msg);
	assert_plan(p, "CK-09/WZ-0501:8");
	json_decref(p);

	/* own township, then the county depot, then the others by code */
	struct dispatch_line l2[] = {{"WZ-0501", 40}, {"WZ-0503", 5}};
	p = dispatch_plan(st, x->incident, l2, 2, NULL, &e);
	if (!p)
		fail_msg("dispatch_plan: %s", e.msg);
	assert_plan(p, "CK-09/WZ-0501:10,CK-05/WZ-0501:20,CK-01/WZ-0501:10,CK-05/WZ-0503:5");
	json_decref(p);

	/* everything there is */
	struct dispatch_line l3[] = {{"WZ-0501", 83}};
	p = dispatch_plan(st, x->incident, l3, 1, NULL, &e);
	if (!p)
		fail_msg("dispatch_plan: %s", e.msg);
	assert_plan(p, "CK-09/WZ-0501:10,CK-05/WZ-0501:20,CK-01/WZ-0501:50,CK-03/WZ-0501:3");
	json_decref(p);

	/* only one depot */
	p = dispatch_plan(st, x->incident, l1, 1, "CK-01", &e);
	if (!p)
		fail_msg("dispatch_plan --depot: %s", e.msg);
	assert_plan(p, "CK-01/WZ-0501:8");
	json_decref(p);

	/* too little in all depots together: refused with what there is */
	int64_t n = count(st, "SELECT count(*) FROM stock_movement", "");
	struct dispatch_line l4[] = {{"WZ-0503", 1}, {"WZ-0501", 84}};
	memset(&e, 0, sizeof e);
	assert_null(dispatch_plan(st, x->incident, l4, 2, NULL, &e));
	assert_int_equal(e.code, ERR_FAIL);
	assert_contains(e.msg, "WZ-0501");
	assert_contains(e.msg, "83 available");
	memset(&e, 0, sizeof e);
	assert_null(dispatch_plan(st, x->incident, l1, 1, "CK-03", &e));
	assert_int_equal(e.code, ERR_FAIL);
	assert_contains(e.msg, "3 available");
	/* an item nobody holds, an unknown item, an unknown incident */
	struct dispatch_line l5[] = {{"WZ-0101", 1}};
	memset(&e, 0, sizeof e);
	assert_null(dispatch_plan(st, x->incident, l5, 1, NULL, &e));
	assert_int_equal(e.code, ERR_FAIL);
	assert_contains(e.msg, "0 available");
	struct dispatch_line l6[] = {{"WZ-9999", 1}};
	memset(&e, 0, sizeof e);
	assert_null(dispatch_plan(st, x->incident, l6, 1, NULL, &e));
	assert_contains(e.msg, "WZ-9999");
	memset(&e, 0, sizeof e);
	assert_null(dispatch_plan(st, "永和-2026-9999", l1, 1, NULL, &e));
	assert_contains(e.msg, "no such incident");
	/* planning writes nothing */
	assert_int_equal(count(st, "SELECT count(*) FROM stock_movement", ""), n);

	/* an incident without a township: the county depot first */
	char num[64];
	json_t *f = json_pack("{s:s, s:s}", "title", "无乡镇事件", "type", "landslide");
	check(store_begin(st, &e));
	check(incident_add(st, f, NULL, num, &e));
	check(store_commit(st, &e));
	json_decref(f);
	struct dispatch_line l7[] = {{"WZ-0501", 25}};
	p = dispatch_plan(st, num, l7, 1, NULL, &e);
	if (!p)
		fail_msg("dispatch_plan: %s", e.msg);
	assert_plan(p, "CK-05/WZ-0501:20,CK-01/WZ-0501:5");
	json_decref(p);
}

static int64_t dispatch_entries(struct fx *x)
{
	return count(x->st, "SELECT count(*) FROM timeline WHERE incident_id = ? AND kind = 'dispatch'",
		     "s", x->incident_id);
}

static void test_dispatch_commit(void **state)
{
	struct fx *x = *state;
	struct store *st = x->st;
	struct err e = {0};
	stock_dispatch_fixture(x);
	int64_t tl = count(st, "SELECT count(*) FROM timeline WHERE incident_id = ?", "s",
			   x->incident_id);

	struct dispatch_line l[] = {{"WZ-0501", 25}, {"WZ-0503", 40}};
	json_t *p = dispatch_plan(st, x->incident, l, 2, NULL, &e);
	if (!p)
		fail_msg("dispatch_plan: %s", e.msg);
	check(store_begin(st, &e));
	check(dispatch_commit(st, x->incident, p, "县局调拨", &e));
	check(store_commit(st, &e));
	json_decref(p);
	assert_int_equal(on_hand(st, x->sangbi, TENT), 0);
	assert_int_equal(on_hand(st, x->county, TENT), 5);
	assert_int_equal(on_hand(st, x->county, QUILT), 60);
	assert_int_equal(on_hand(st, x->potou, TENT), 50);
	assert_int_equal(count(st, "SELECT count(*) FROM stock_movement WHERE kind = 'issue'"
				   " AND incident_id = ?", "s", x->incident_id), 3);
	assert_int_equal(count(st, "SELECT -sum(qty) FROM stock_movement WHERE kind = 'issue'"
				   " AND incident_id = ?", "s", x->incident_id), 65);
	assert_int_equal(dispatch_entries(x), 1);
	assert_int_equal(count(st, "SELECT count(*) FROM timeline WHERE incident_id = ?", "s",
			       x->incident_id), tl + 1);
	char *text = NULL;
	check(store_text(st, &e, &text, "SELECT text FROM timeline WHERE incident_id = ?"
					" AND kind = 'dispatch'", "s", x->incident_id));
	assert_non_null(text);
	assert_contains(text, "县局调拨");
	assert_contains(text, "帐篷");
	assert_contains(text, "棉被");
	free(text);
	json_t *s = q_incident_stock(st, x->incident_id, &e);
	assert_int_equal(json_array_size(s), 2);
	assert_string_equal(jstr(json_array_get(s, 0), "item_code"), "WZ-0501");
	assert_int_equal(jint(json_array_get(s, 0), "sent"), 25);
	assert_int_equal(jint(json_array_get(s, 1), "sent"), 40);
	assert_int_equal(jint(json_array_get(s, 1), "returned"), 0);
	json_decref(s);
	ledger_agrees(st);

	/* a plan failing in the middle (a depot code that does not exist,
	 * after a good line): neither the good line's issue nor the timeline
	 * entry is left after the rollback */
	int64_t n = count(st, "SELECT count(*) FROM stock_movement", "");
	json_t *bad = json_pack("[{s:s, s:s, s:s, s:s, s:s, s:I}, {s:s, s:s, s:s, s:s, s:s, s:I}]",
				"depot_code", "CK-01", "depot", "CK-01", "item_code", "WZ-0501",
				"item", "帐篷", "unit", "顶", "qty", (json_int_t)5,
				"depot_code", "CK-NONE", "depot", "无", "item_code", "WZ-0501",
				"item", "帐篷", "unit", "顶", "qty", (json_int_t)1);
	memset(&e, 0, sizeof e);
	check(store_begin(st, &e));
	assert_false(dispatch_commit(st, x->incident, bad, NULL, &e));
	store_rollback(st);
	json_decref(bad);
	assert_contains(e.msg, "CK-NONE");
	assert_int_equal(count(st, "SELECT count(*) FROM stock_movement", ""), n);
	assert_int_equal(dispatch_entries(x), 1);
	assert_int_equal(on_hand(st, x->potou, TENT), 50);

	/* a plan that asks more than the depot holds by now (stale plan) */
	bad = json_pack("[{s:s, s:s, s:s, s:s, s:s, s:I}, {s:s, s:s, s:s, s:s, s:s, s:I}]",
			"depot_code", "CK-01", "depot", "CK-01", "item_code", "WZ-0501", "item",
			"帐篷", "unit", "顶", "qty", (json_int_t)5, "depot_code", "CK-05", "depot",
			"CK-05", "item_code", "WZ-0501", "item", "帐篷", "unit", "顶", "qty",
			(json_int_t)6);
	memset(&e, 0, sizeof e);
	check(store_begin(st, &e));
	assert_false(dispatch_commit(st, x->incident, bad, NULL, &e));
	store_rollback(st);
	json_decref(bad);
	assert_int_equal(e.code, ERR_FAIL);
	assert_contains(e.msg, "5 available");
	assert_int_equal(count(st, "SELECT count(*) FROM stock_movement", ""), n);
	assert_int_equal(dispatch_entries(x), 1);

	/* an unknown incident */
	p = json_array();
	memset(&e, 0, sizeof e);
	check(store_begin(st, &e));
	assert_false(dispatch_commit(st, "永和-2026-9999", p, NULL, &e));
	store_rollback(st);
	json_decref(p);
	ledger_agrees(st);
}

int main(void)
{
	setenv("DUTYDESK_NOW", NOW_TEXT, 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ledger, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transfer_atomic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_issue_refusal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_adjust, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expiry_buckets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_writeoff, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dispatch_plan, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dispatch_commit, setup, teardown),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
