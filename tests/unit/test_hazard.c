/* The hazard registry's rules: danger grades by people threatened, the
 * flood season's edges, inspection intervals per kind and season, the one
 * filter every list and export uses, and the model's writes (evacuation
 * ticks, defects, verification, an incident from an inspection) on small
 * databases. The clock is fixed with DUTYDESK_NOW; TZ is Asia/Shanghai
 * (meson's test environment). */
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
#define SANGBI "141032101"
#define ZHIHE "141032100"

static int64_t at(const char *text)
{
	struct err e = {0};
	int64_t t = 0;
	if (!dd_time_parse(text, 0, &t, &e))
		fail_msg("time '%s': %s", text, e.msg);
	return t;
}

static void test_danger(void **state)
{
	(void)state;
	static const struct {
		int64_t people;
		const char *grade;
	} cases[] = {{0, "small"},   {99, "small"},	{100, "medium"}, {499, "medium"},
		     {500, "large"}, {999, "large"},	{1000, "huge"},	 {250000, "huge"}};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		if (!str_eq(hazard_danger(cases[i].people), cases[i].grade))
			fail_msg("%lld people: expected %s, got %s", (long long)cases[i].people,
				 cases[i].grade, hazard_danger(cases[i].people));
		/* every grade is an id of the enum the CLI takes */
		assert_non_null(enum_find(ENUM_DANGER, hazard_danger(cases[i].people)));
	}
}

static void test_flood_season(void **state)
{
	(void)state;
	assert_false(flood_season(at("2026-05-31 23:59:59")));
	assert_true(flood_season(at("2026-06-01 00:00")));
	assert_true(flood_season(at("2026-07-20 12:00")));
	assert_true(flood_season(at("2026-09-30 23:59:59")));
	assert_false(flood_season(at("2026-10-01 00:00")));
	assert_false(flood_season(at("2026-01-01 00:00")));
	/* local time: 1 June 00:30 in Shanghai is still 31 May in UTC */
	assert_true(flood_season(at("2026-06-01T00:30:00+08:00")));
	assert_false(flood_season(at("2026-10-01T07:59:00+08:00")));
}

static void test_intervals(void **state)
{
	(void)state;
	int64_t july = at("2026-07-20 12:00"), nov = at(NOW_TEXT);
	assert_int_equal(hazard_interval_days("geohazard", july), 7);
	assert_int_equal(hazard_interval_days("geohazard", nov), 30);
	assert_int_equal(hazard_interval_days("flood_point", july), 7);
	assert_int_equal(hazard_interval_days("flood_point", nov), 90);
	assert_int_equal(hazard_interval_days("major_source", july), 15);
	assert_int_equal(hazard_interval_days("major_source", nov), 30);
	assert_int_equal(hazard_interval_days("fire_unit", july), 30);
	assert_int_equal(hazard_interval_days("fire_unit", nov), 30);
	assert_int_equal(hazard_interval_days("volcano", nov), 30);
	/* the season's edges */
	assert_int_equal(hazard_interval_days("geohazard", at("2026-05-31 23:59")), 30);
	assert_int_equal(hazard_interval_days("geohazard", at("2026-06-01 00:00")), 7);
	assert_int_equal(hazard_interval_days("geohazard", at("2026-09-30 23:59")), 7);
	assert_int_equal(hazard_interval_days("geohazard", at("2026-10-01 00:00")), 30);
}

/* ---- on a small database ---- */

static struct store *open_db(void)
{
	char *path = new_path("hazard.db");
	struct err e = {0};
	struct store *st = NULL;
	bool ok = store_open(path, STORE_CREATE, &st, &e) && store_begin(st, &e) &&
		  reference_load(st, &e) &&
		  store_set_node(st, "county-1", NULL, "county", "永和", &e) && store_commit(st, &e);
	free(path);
	if (!ok) {
		store_close(st);
		fail_msg("fixture: %s", e.msg);
	}
	store_set_actor(st, "测试员");
	return st;
}

static void add_point(struct store *st, const char *code, const char *kind, const char *town,
		      int people)
{
	struct err e = {0};
	char id[ID_TEXT];
	json_t *f = json_pack("{s:s, s:s, s:s, s:s, s:i}", "code", code, "kind", kind, "name", code,
			      "township_code", town, "people", people);
	check(hazard_add(st, f, id, &e));
	json_decref(f);
}

static void inspect(struct store *st, const char *code, const char *when)
{
	struct err e = {0};
	json_t *f = json_pack("{s:s, s:I}", "result", "normal", "at", (json_int_t)at(when));
	check(hazard_inspect(st, code, f, &e));
	json_decref(f);
}

/* Points with 99/100/499/500/999/1000 people in 桑壁镇, one in 芝河镇, a
 * fire unit; inspections that make some overdue in November. */
static int setup_points(void **state)
{
	struct store *st = open_db();
	struct err e = {0};
	check(store_begin(st, &e));
	static const int people[] = {99, 100, 499, 500, 999, 1000};
	for (size_t i = 0; i < ARRAY_LEN(people); i++) {
		char code[16];
		snprintf(code, sizeof code, "P%d", people[i]);
		add_point(st, code, "geohazard", SANGBI, people[i]);
	}
	add_point(st, "Z1", "geohazard", ZHIHE, 5);
	add_point(st, "F1", "fire_unit", ZHIHE, 0);
	inspect(st, "P99", "2026-11-20 10:00");   /* 8 days ago: due in 30 */
	inspect(st, "P100", "2026-10-29 17:59");  /* 30 days and a minute: overdue */
	inspect(st, "P499", "2026-10-29 18:01");  /* just inside */
	inspect(st, "F1", "2026-10-01 09:00");    /* fire unit: overdue */
	check(store_commit(st, &e));
	*state = st;
	return 0;
}

/* The codes the filter selects, comma-joined (static buffer). */
static const char *codes(struct store *st, const struct hazard_filter *f)
{
	static char buf[256];
	struct err e = {0};
	json_t *rows = q_hazard_list(st, f, &e);
	if (!rows)
		fail_msg("q_hazard_list: %s", e.msg);
	buf[0] = '\0';
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", i ? "," : "",
			 jstr(r, "code"));
	json_decref(rows);
	return buf;
}

static void test_filter(void **state)
{
	struct store *st = *state;
	int64_t now = at(NOW_TEXT);
	struct hazard_filter f = {.now = now};
	assert_string_equal(codes(st, &f), "F1,P100,P1000,P499,P500,P99,P999,Z1");

	static const struct {
		const char *grade, *want;
	} g[] = {{"small", "P99,Z1"}, {"medium", "P100,P499"}, {"large", "P500,P999"},
		 {"huge", "P1000"}};
	for (size_t i = 0; i < ARRAY_LEN(g); i++) {
		f = (struct hazard_filter){.danger = g[i].grade, .now = now};
		assert_string_equal(codes(st, &f), g[i].want);
	}
	f = (struct hazard_filter){.danger = "small", .township_code = SANGBI, .now = now};
	assert_string_equal(codes(st, &f), "P99");
	f = (struct hazard_filter){.kind = "fire_unit", .now = now};
	assert_string_equal(codes(st, &f), "F1");

	/* overdue in November (30 days): never inspected, or past the cut-off */
	f = (struct hazard_filter){.overdue = true, .now = now};
	assert_string_equal(codes(st, &f), "F1,P100,P1000,P500,P999,Z1");
	/* in the flood season the same inspections are older than 7 days */
	f = (struct hazard_filter){.overdue = true, .now = at("2027-06-01 00:00")};
	assert_string_equal(codes(st, &f), "F1,P100,P1000,P499,P500,P99,P999,Z1");
	/* P99 was inspected on 20 November: due 20 December off season */
	f = (struct hazard_filter){.overdue = true, .now = at("2026-12-20 10:01")};
	assert_string_equal(codes(st, &f), "F1,P100,P1000,P499,P500,P99,P999,Z1");
	f.now = at("2026-12-20 09:59");
	assert_string_equal(codes(st, &f), "F1,P100,P1000,P499,P500,P999,Z1");

	/* the list carries the clock the filter used */
	struct err e = {0};
	f = (struct hazard_filter){.kind = "geohazard", .township_code = SANGBI, .now = now};
	json_t *rows = q_hazard_list(st, &f, &e);
	assert_non_null(rows);
	json_t *p99 = json_array_get(rows, 4); /* P100,P1000,P499,P500,P99,P999 */
	assert_string_equal(jstr(p99, "code"), "P99");
	assert_false(json_is_true(json_object_get(p99, "overdue")));
	assert_int_equal(json_integer_value(json_object_get(p99, "inspect_every_days")), 30);
	assert_string_equal(jstr(p99, "next_inspection_at"), "2026-12-20T10:00:00+08:00");
	assert_string_equal(jstr(p99, "danger"), "small");
	json_decref(rows);

	/* to verify: none until marked */
	f = (struct hazard_filter){.to_verify = true, .now = now};
	assert_string_equal(codes(st, &f), "");
	check(store_begin(st, &e));
	json_t *mark = json_pack("{s:b}", "to_verify", 1);
	bool changed;
	check(hazard_edit(st, "Z1", mark, &changed, &e));
	json_decref(mark);
	check(store_commit(st, &e));
	assert_string_equal(codes(st, &f), "Z1");
	check(store_begin(st, &e));
	check(hazard_verify(st, "Z1", &changed, &e));
	assert_true(changed);
	check(hazard_verify(st, "Z1", &changed, &e));
	assert_false(changed);
	check(store_commit(st, &e));
	assert_string_equal(codes(st, &f), "");
}

/* The SQL holds placeholders only, numbered after the binds already there. */
static void test_filter_sql(void **state)
{
	(void)state;
	struct hazard_filter f = {.kind = "geohazard", .township_code = "141032101'--",
				  .danger = "large", .overdue = true, .in_warning = true,
				  .now = at(NOW_TEXT)};
	struct strbuf w;
	sb_init(&w);
	json_t *binds = json_pack("[s]", "already");
	hazard_filter_sql(&f, &w, binds);
	assert_null(strstr(w.buf, "141032101"));
	assert_null(strstr(w.buf, "'--"));
	assert_non_null(strstr(w.buf, "?2"));
	assert_null(strstr(w.buf, "?1 "));
	assert_string_equal(json_string_value(json_array_get(binds, 1)), "geohazard");
	assert_string_equal(json_string_value(json_array_get(binds, 2)), "141032101'--");
	char last[16];
	snprintf(last, sizeof last, "?%zu", json_array_size(binds));
	assert_non_null(strstr(w.buf, last));
	json_decref(binds);
	sb_finish(&w);
}

static void test_in_warning(void **state)
{
	struct store *st = *state;
	struct err e = {0};
	struct deadline_rules r = {0};
	check(store_begin(st, &e));
	json_t *f = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I}", "kind", "warning", "text",
			      "地质灾害气象风险黄色预警", "colour", "yellow", "area_codes", SANGBI,
			      "valid_from", (json_int_t)at("2026-11-28 12:00"), "valid_until",
			      (json_int_t)at("2026-11-29 12:00"));
	char id[ID_TEXT];
	check(duty_log_add(st, &r, f, id, &e));
	json_decref(f);
	check(store_commit(st, &e));
	struct hazard_filter hf = {.in_warning = true, .now = at(NOW_TEXT)};
	assert_string_equal(codes(st, &hf), "P100,P1000,P499,P500,P99,P999");
	hf.now = at("2026-11-28 11:59");
	assert_string_equal(codes(st, &hf), "");
	hf.now = at("2026-11-29 12:00");
	assert_string_equal(codes(st, &hf), "");
	json_t *pts = q_warning_points(st, NULL, at(NOW_TEXT), &e);
	assert_int_equal(json_array_size(pts), 6);
	json_decref(pts);
}

static void test_evacuate(void **state)
{
	struct store *st = *state;
	struct err e = {0};
	char hid[ID_TEXT], a[ID_TEXT] = "", b[ID_TEXT] = "", c[ID_TEXT] = "";
	check(q_ref(st, "hazard", "P500", hid, &e));
	check(store_begin(st, &e));
	json_t *f = json_pack("{s:s, s:s, s:i}", "hazard_id", hid, "head", "王二", "members", 3);
	check(rec_insert(st, &T_HOUSEHOLD, f, a, &e));
	check(rec_insert(st, &T_HOUSEHOLD, f, b, &e));
	json_decref(f);
	f = json_pack("{s:s, s:s, s:i}", "hazard_id", hid, "head", "李四", "members", 4);
	check(rec_insert(st, &T_HOUSEHOLD, f, c, &e));
	json_decref(f);
	check(store_commit(st, &e));

	bool changed;
	check(store_begin(st, &e));
	assert_false(hazard_evacuate(st, "P500", "王二", true, &changed, &e));
	assert_contains(e.msg, a);
	assert_contains(e.msg, b);
	assert_false(hazard_evacuate(st, "P500", "无人", true, &changed, &e));
	assert_false(hazard_evacuate(st, "NOPE", "李四", true, &changed, &e));
	assert_int_equal(e.code, ERR_FAIL);
	check(hazard_evacuate(st, "P500", "李四", true, &changed, &e));
	assert_true(changed);
	check(hazard_evacuate(st, "P500", a, true, &changed, &e));
	assert_true(changed);
	check(hazard_evacuate(st, "P500", "李四", true, &changed, &e));
	assert_false(changed);
	check(store_commit(st, &e));

	json_t *h = q_hazard_households(st, "P500", &e);
	assert_non_null(h);
	assert_int_equal(json_integer_value(json_object_get(h, "total_households")), 3);
	assert_int_equal(json_integer_value(json_object_get(h, "evacuated_households")), 2);
	assert_int_equal(json_integer_value(json_object_get(h, "total_people")), 10);
	assert_int_equal(json_integer_value(json_object_get(h, "evacuated_people")), 7);
	json_t *first = json_array_get(json_object_get(h, "households"), 0);
	assert_string_equal(jstr(first, "head"), "李四");
	assert_string_equal(jstr(first, "evacuated_by"), "测试员");
	assert_string_equal(jstr(first, "evacuated_at"), "2026-11-28T18:00:00+08:00");
	json_decref(h);

	int n;
	check(store_begin(st, &e));
	check(hazard_evacuate_all(st, "P500", false, &n, &e));
	assert_int_equal(n, 2);
	check(hazard_evacuate_all(st, "P500", true, &n, &e));
	assert_int_equal(n, 3);
	check(store_commit(st, &e));
}

static void test_defects(void **state)
{
	struct store *st = *state;
	struct err e = {0};
	char id[ID_TEXT];
	check(store_begin(st, &e));
	json_t *f = json_pack("{s:s, s:I, s:I}", "text", "灭火器过期", "found_at",
			      (json_int_t)at("2026-11-02"), "due_at", (json_int_t)at("2026-11-20"));
	assert_false(defect_add(st, "P99", f, id, &e)); /* a geohazard keeps no defects */
	assert_contains(e.msg, "fire units");
	check(defect_add(st, "F1", f, id, &e));
	json_decref(f);
	f = json_pack("{s:s, s:I, s:I}", "text", "早于发现的期限", "found_at",
		      (json_int_t)at("2026-11-10"), "due_at", (json_int_t)at("2026-11-01"));
	char id2[ID_TEXT];
	assert_false(defect_add(st, "F1", f, id2, &e));
	json_decref(f);
	check(store_commit(st, &e));

	struct defect_filter df = {.overdue = true, .now = at(NOW_TEXT)};
	json_t *rows = q_defects(st, &df, &e);
	assert_int_equal(json_array_size(rows), 1);
	json_decref(rows);

	bool changed;
	check(store_begin(st, &e));
	assert_false(defect_set(st, id, "fixed", NULL, &changed, &e));
	assert_false(defect_set(st, "no-such-defect", "rectified", NULL, &changed, &e));
	check(defect_set(st, id, "rectifying", "已订购", &changed, &e));
	assert_true(changed);
	check(defect_set(st, id, "已整改", NULL, &changed, &e));
	check(store_commit(st, &e));
	json_t *d = store_row(st, &e, "SELECT state, rectified_at, note FROM defect WHERE id = ?", "s",
			      id);
	assert_string_equal(jstr(d, "state"), "rectified");
	assert_int_equal(json_integer_value(json_object_get(d, "rectified_at")), at(NOW_TEXT));
	assert_string_equal(jstr(d, "note"), "已订购");
	json_decref(d);
	rows = q_defects(st, &df, &e);
	assert_int_equal(json_array_size(rows), 0);
	json_decref(rows);
	/* reopened: the rectification time goes */
	check(store_begin(st, &e));
	check(defect_set(st, id, "open", NULL, &changed, &e));
	check(store_commit(st, &e));
	d = store_row(st, &e, "SELECT rectified_at FROM defect WHERE id = ?", "s", id);
	assert_true(json_is_null(json_object_get(d, "rectified_at")));
	json_decref(d);
}

static void test_incident_from_inspection(void **state)
{
	struct store *st = *state;
	struct err e = {0};
	char num[64];
	check(store_begin(st, &e));
	json_t *f = json_pack("{s:s, s:s, s:s}", "code", "L1", "kind", "geohazard", "name",
			      "辛庄村后山不稳定斜坡");
	json_object_set_new(f, "subtype", json_string("unstable_slope"));
	json_object_set_new(f, "township_code", json_string(SANGBI));
	char id[ID_TEXT];
	check(hazard_add(st, f, id, &e));
	json_decref(f);
	check(hazard_incident(st, "L1", "王五", "坡体鼓胀", at("2026-11-28 17:00"), num, &e));
	check(hazard_incident(st, "F1", NULL, NULL, 0, num, &e));
	assert_false(hazard_incident(st, "NOPE", NULL, NULL, 0, num, &e));
	check(store_commit(st, &e));
	json_t *rows = store_rows(st, &e,
		"SELECT i.type, i.township_code, i.reporter, h.code FROM incident i"
		" JOIN hazard h ON h.id = i.hazard_id ORDER BY i.number", "");
	assert_int_equal(json_array_size(rows), 2);
	json_t *r0 = json_array_get(rows, 0), *r1 = json_array_get(rows, 1);
	assert_string_equal(jstr(r0, "code"), "L1");
	assert_string_equal(jstr(r0, "type"), "landslide");
	assert_string_equal(jstr(r0, "township_code"), SANGBI);
	assert_string_equal(jstr(r0, "reporter"), "王五");
	assert_string_equal(jstr(r1, "type"), "building_fire");
	json_decref(rows);
}

int main(void)
{
	setenv("DUTYDESK_NOW", NOW_TEXT, 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_danger),
		cmocka_unit_test(test_flood_season),
		cmocka_unit_test(test_intervals),
		cmocka_unit_test(test_filter_sql),
		cmocka_unit_test_setup_teardown(test_filter, setup_points, close_db),
		cmocka_unit_test_setup_teardown(test_in_warning, setup_points, close_db),
		cmocka_unit_test_setup_teardown(test_evacuate, setup_points, close_db),
		cmocka_unit_test_setup_teardown(test_defects, setup_points, close_db),
		cmocka_unit_test_setup_teardown(test_incident_from_inspection, setup_points,
						close_db),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
