/* Reporting deadlines: durations, the rules file (the shipped one and
 * broken ones, refused whole with file:line:column), and the next report
 * due at its boundaries. Times are local Asia/Shanghai (test_env sets TZ). */
#define _XOPEN_SOURCE 700
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "unit.h"

#include "dutydesk/deadline.h"
#include "dutydesk/dtime.h"

/* 2026-11-28 17:30 local (UTC+8). */
#define T1730 INT64_C(1795858200)
#define MIN INT64_C(60)
#define HOUR INT64_C(3600)

/* A local time as UTC seconds, through the C library and TZ. */
static int64_t local_time(int y, int mo, int d, int h, int mi)
{
	struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
			.tm_min = mi, .tm_isdst = -1};
	return (int64_t)mktime(&tm);
}

/* ---- durations ---- */

static void test_duration_parse(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		int min;
	} good[] = {{"30m", 30}, {"2h", 120}, {"1d", 1440}, {"1h30m", 90}, {"1d2h", 1560}};
	for (size_t i = 0; i < ARRAY_LEN(good); i++) {
		int m = -1;
		if (!duration_parse(good[i].s, &m))
			fail_msg("duration_parse(\"%s\") refused", good[i].s);
		if (m != good[i].min)
			fail_msg("duration_parse(\"%s\") = %d, expected %d", good[i].s, m, good[i].min);
	}
	static const char *const bad[] = {"", "2x", "h", "0m", "-1h", "30", "2h 30m", "m30",
					  "soon"};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		int m = 4242;
		if (duration_parse(bad[i], &m))
			fail_msg("duration_parse(\"%s\") accepted (%d)", bad[i], m);
		assert_int_equal(m, 4242); /* untouched when refused */
	}
	assert_false(duration_parse(NULL, &(int){0}));
}

/* ---- loading ---- */

static char *write_yaml(const char *text)
{
	char *p = new_path("rules.yaml");
	FILE *f = fopen(p, "w");
	if (!f)
		fail_msg("cannot write %s", p);
	fputs(text, f);
	fclose(f);
	return p;
}

static const struct deadline_rule *rule(const struct deadline_rules *r, const char *id)
{
	for (int i = 0; i < r->n; i++)
		if (!strcmp(r->rules[i].id, id))
			return &r->rules[i];
	fail_msg("no rule '%s'", id);
	return NULL;
}

static void test_load_shipped(void **state)
{
	(void)state;
	const char *data = getenv("DUTYDESK_DATA");
	assert_non_null(data);
	char *path = xasprintf("%s/deadlines.yaml", data);
	struct deadline_rules r;
	struct err e = {0};
	check(deadline_rules_load(path, &r, &e));
	free(path);
	assert_int_equal(r.n, 6);
	const struct deadline_rule *d = rule(&r, "default");
	assert_string_equal(d->cls, "");
	assert_int_equal(d->ntypes, 0);
	assert_int_equal(d->levels, 0x1f);
	assert_int_equal(d->first_min, 120);
	assert_int_equal(d->written_min, 360);
	assert_int_equal(d->final_min, 1440);
	const struct deadline_rule *ps = rule(&r, "production-safety");
	assert_string_equal(ps->cls, "accident");
	assert_int_equal(ps->first_min, 60);
	assert_int_equal(ps->written_min, 120);
	assert_int_equal(ps->final_min, 0);
	const struct deadline_rule *gl = rule(&r, "geohazard-quick-large");
	assert_int_equal(gl->ntypes, 5);
	assert_string_equal(gl->types[0], "landslide");
	assert_string_equal(gl->types[4], "ground_fissure");
	assert_int_equal(gl->levels, 0x3); /* I, II */
	assert_int_equal(gl->written_min, 240);
	assert_int_equal(gl->first_min, 0);
	const struct deadline_rule *gs = rule(&r, "geohazard-quick-small");
	assert_int_equal(gs->levels, 0x1c); /* III, IV, pending */
	assert_int_equal(gs->written_min, 720);
	const struct deadline_rule *sx = rule(&r, "shanxi-government");
	assert_int_equal(sx->levels, 0x3);
	assert_int_equal(sx->first_min, 60);
	assert_int_equal(sx->written_min, 60);
	const struct deadline_rule *fu = rule(&r, "follow-up-daily");
	assert_int_equal(fu->levels, 0x7); /* I, II, III */
	assert_int_equal(fu->nfollow, 2);
	assert_int_equal(fu->follow_at[0], 8 * 60);
	assert_int_equal(fu->follow_at[1], 17 * 60);
	assert_int_equal(r.ntasks, 2);
	assert_string_equal(r.tasks[0].title, "电话报告带班领导");
	assert_int_equal(r.tasks[0].within_min, 10);
	assert_int_equal(r.tasks[1].within_min, 30);
	deadline_rules_finish(&r);
	assert_null(r.rules);
	assert_int_equal(r.n, 0);
}

/* A first rule that is fine, so that a half-load would show as n == 1. */
#define GOOD_RULE "rules:\n  - id: ok\n    levels: [I]\n    first_report: 1h\n"

static void test_load_refused(void **state)
{
	(void)state;
	static const struct {
		const char *what, *yaml, *msg;
	} cases[] = {
		{"bad duration", GOOD_RULE "  - id: b\n    levels: [II]\n    first_report: soon\n",
		 ":7:19: rules[1].first_report: expected a duration like 30m, 2h or 1d"},
		{"bad written duration", GOOD_RULE "  - id: b\n    levels: [II]\n    written_report: 0m\n",
		 ":7:21: rules[1].written_report: expected a duration"},
		{"unknown key", GOOD_RULE "  - id: b\n    levels: [II]\n    colour: red\n",
		 ":7:5: rules[1].colour: unknown key"},
		{"duplicate id", GOOD_RULE "  - id: ok\n    levels: [II]\n",
		 ":5:5: rules[1]: duplicate rule id"},
		{"missing levels", GOOD_RULE "  - id: b\n    first_report: 2h\n",
		 ":5:5: rules[1]: a rule needs levels"},
		{"missing id", GOOD_RULE "  - levels: [II]\n    first_report: 2h\n",
		 ":5:5: rules[1]: a rule needs an id"},
		{"bad level", GOOD_RULE "  - id: b\n    levels: [I, V]\n",
		 ":6:17: rules[1].levels[1]: expected a level: I, II, III, IV or pending"},
		{"follow_up 25:00", GOOD_RULE "  - id: b\n    levels: [I]\n    follow_up: [\"08:00\", \"25:00\"]\n",
		 ":7:26: rules[1].follow_up[1]: expected a time of day like 08:00"},
		{"follow_up 8:00", GOOD_RULE "  - id: b\n    levels: [I]\n    follow_up: [\"8:00\"]\n",
		 ":7:17: rules[1].follow_up[0]: expected a time of day"},
		{"levels not a list", GOOD_RULE "  - id: b\n    levels: II\n",
		 ":6:13: rules[1].levels: expected a list"},
		{"unknown top-level key", GOOD_RULE "extra: 1\n", ":5:1: extra: unknown key"},
		{"bad warning task", GOOD_RULE "warning_tasks:\n  - title: 电话报告\n    within: later\n",
		 ":7:13: warning_tasks[0].within: expected a duration"},
		{"no rules", "warning_tasks: []\n", ":1:1: rules: missing"},
		{"not YAML", "rules: [a, b\n  - : : {\n", ":"},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char *path = write_yaml(cases[i].yaml);
		struct deadline_rules r;
		memset(&r, 0x5a, sizeof r);
		struct err e = {0};
		if (deadline_rules_load(path, &r, &e))
			fail_msg("%s: accepted", cases[i].what);
		/* "file:line:column: rules[N].key: ..." */
		char *want = xasprintf("%s%s", path, cases[i].msg);
		if (strncmp(e.msg, want, strlen(want)) != 0)
			fail_msg("%s: message '%s', expected it to start '%s'", cases[i].what, e.msg,
				 want);
		if (r.n != 0 || r.rules != NULL)
			fail_msg("%s: refused load kept %d rules", cases[i].what, r.n);
		free(want);
		free(path);
	}
	/* not YAML: the position of the problem, then the parser's word */
	char *path = write_yaml("rules: [a, b\n  - : : {\n");
	struct deadline_rules r;
	struct err e = {0};
	assert_false(deadline_rules_load(path, &r, &e));
	char *want = xasprintf("%s:2:", path);
	assert_contains(e.msg, want);
	assert_int_equal(r.n, 0);
	free(want);
	free(path);

	/* a missing file */
	path = new_path("absent.yaml");
	assert_false(deadline_rules_load(path, &r, &e));
	assert_contains(e.msg, path);
	assert_contains(e.msg, "cannot read");
	assert_int_equal(r.n, 0);
	free(path);

	/* and the good rule alone loads */
	path = write_yaml(GOOD_RULE);
	check(deadline_rules_load(path, &r, &e));
	assert_int_equal(r.n, 1);
	assert_int_equal(r.rules[0].first_min, 60);
	deadline_rules_finish(&r);
	free(path);
}

/* ---- computing ---- */

/* base: every level, 首报 2h, written 6h, final 1d; big: II only, 首报 1h;
 * daily: I-III, follow-ups at 08:00 and 17:00. */
static struct deadline_rule hand_rules[3] = {
	{.id = "base", .levels = 0x1f, .first_min = 120, .written_min = 360, .final_min = 1440},
	{.id = "big", .levels = 0x2, .first_min = 60},
	{.id = "daily", .levels = 0x7, .follow_at = {8 * 60, 17 * 60}, .nfollow = 2},
};
static const struct deadline_rules RULES = {.rules = hand_rules, .n = 3};

static struct incident_clock clock_at(const char *level, int64_t received)
{
	return (struct incident_clock){.cls = "natural_disaster", .type = "landslide",
				       .level = level, .received_at = received};
}

static void expect_due(const struct incident_clock *c, const char *what, int64_t at,
		       const char *rule)
{
	struct due d = {0};
	if (!deadline_next(&RULES, c, &d))
		fail_msg("nothing due; expected %s at %lld", what, (long long)at);
	if (strcmp(d.what, what) || d.at != at || strcmp(d.rule, rule))
		fail_msg("due %s at %lld by %s; expected %s at %lld by %s", d.what, (long long)d.at,
			 d.rule, what, (long long)at, rule);
}

static void test_local_anchor(void **state)
{
	(void)state;
	assert_string_equal(getenv("TZ"), "Asia/Shanghai");
	assert_int_equal(local_time(2026, 11, 28, 17, 30), T1730);
	assert_int_equal(local_time(2026, 11, 29, 8, 0), T1730 + 14 * HOUR + 30 * MIN);
}

static void test_first_report_boundary(void **state)
{
	(void)state;
	struct incident_clock c = clock_at("II", T1730);
	/* II: the 1h rule wins over the 2h one. (Whether a report is overdue
	 * at that moment is decided where incidents are listed, not here: see
	 * cli-duty, "not overdue exactly at the deadline".) */
	expect_due(&c, "first_report", T1730 + 3600, "big");

	/* the 首报 made: the next stage is the written report */
	c.first_report_at = c.last_report_at = T1730 + 50 * MIN;
	expect_due(&c, "written_report", T1730 + 6 * HOUR, "base");
	/* a written 首报 clears that too; then the daily follow-up */
	c.written_at = T1730 + 55 * MIN;
	expect_due(&c, "follow_up", local_time(2026, 11, 29, 8, 0), "daily");
}

static void test_level_raised(void **state)
{
	(void)state;
	struct incident_clock c = clock_at("pending", T1730);
	expect_due(&c, "first_report", T1730 + 2 * HOUR, "base");
	c.level = "II";
	expect_due(&c, "first_report", T1730 + 1 * HOUR, "big");
	c.level = "III";
	expect_due(&c, "first_report", T1730 + 2 * HOUR, "base");
	/* an unknown level matches no rule */
	c.level = "V";
	struct due d;
	assert_false(deadline_next(&RULES, &c, &d));
}

static void test_follow_ups(void **state)
{
	(void)state;
	struct incident_clock c = clock_at("III", local_time(2026, 11, 28, 6, 0));
	c.first_report_at = c.written_at = local_time(2026, 11, 28, 6, 30);

	c.last_report_at = T1730 + 6 * HOUR; /* 23:30 */
	expect_due(&c, "follow_up", local_time(2026, 11, 29, 8, 0), "daily");
	assert_int_equal(local_time(2026, 11, 29, 8, 0), INT64_C(1795910400));

	c.last_report_at = local_time(2026, 11, 28, 16, 59);
	expect_due(&c, "follow_up", local_time(2026, 11, 28, 17, 0), "daily");

	c.last_report_at = local_time(2026, 11, 28, 17, 0); /* exactly at 17:00 */
	expect_due(&c, "follow_up", local_time(2026, 11, 29, 8, 0), "daily");

	c.last_report_at = local_time(2026, 11, 28, 7, 59);
	expect_due(&c, "follow_up", local_time(2026, 11, 28, 8, 0), "daily");

	c.last_report_at = local_time(2026, 11, 28, 0, 0); /* midnight itself */
	expect_due(&c, "follow_up", local_time(2026, 11, 28, 8, 0), "daily");

	/* the last day of the month rolls into the next */
	c.last_report_at = local_time(2026, 11, 30, 23, 59);
	expect_due(&c, "follow_up", local_time(2026, 12, 1, 8, 0), "daily");

	/* IV: no follow-ups; everything reported, nothing is owed */
	c.level = "IV";
	struct due d;
	assert_false(deadline_next(&RULES, &c, &d));
}

static void test_closed(void **state)
{
	(void)state;
	struct incident_clock c = clock_at("II", T1730); /* nothing reported yet */
	c.closed = true;
	c.closed_at = T1730 + 3 * HOUR;
	expect_due(&c, "final_report", T1730 + 3 * HOUR + 1440 * MIN, "base");
	c.first_report_at = c.last_report_at = T1730 + 10 * MIN;
	expect_due(&c, "final_report", T1730 + 3 * HOUR + 1440 * MIN, "base");
	c.final_at = T1730 + 4 * HOUR;
	struct due d;
	assert_false(deadline_next(&RULES, &c, &d));
	/* open again (not closed): final is not owed before closing */
	c.closed = false;
	c.closed_at = 0;
	c.final_at = 0;
	c.written_at = T1730 + 20 * MIN;
	expect_due(&c, "follow_up", local_time(2026, 11, 29, 8, 0), "daily");
}

/* The shipped rules, through the same computation. */
static void test_shipped_rules(void **state)
{
	(void)state;
	char *path = xasprintf("%s/deadlines.yaml", getenv("DUTYDESK_DATA"));
	struct deadline_rules r;
	struct err e = {0};
	check(deadline_rules_load(path, &r, &e));
	free(path);
	struct due d;
	struct incident_clock c = {.cls = "accident", .type = "gas_leak", .level = "IV",
				   .received_at = T1730};
	assert_true(deadline_next(&r, &c, &d));
	assert_string_equal(d.what, "first_report");
	assert_int_equal(d.at, T1730 + HOUR);
	assert_string_equal(d.rule, "production-safety");
	c.first_report_at = c.last_report_at = T1730 + 5 * MIN;
	assert_true(deadline_next(&r, &c, &d));
	assert_string_equal(d.what, "written_report");
	assert_int_equal(d.at, T1730 + 2 * HOUR);

	/* a landslide, level I: shanxi-government's 1h written beats 4h and 6h */
	c = (struct incident_clock){.cls = "natural_disaster", .type = "landslide", .level = "I",
				    .received_at = T1730, .first_report_at = T1730 + 30 * MIN,
				    .last_report_at = T1730 + 30 * MIN};
	assert_true(deadline_next(&r, &c, &d));
	assert_string_equal(d.what, "written_report");
	assert_int_equal(d.at, T1730 + HOUR);
	assert_string_equal(d.rule, "shanxi-government");
	deadline_rules_finish(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duration_parse),
		cmocka_unit_test(test_load_shipped),
		cmocka_unit_test(test_load_refused),
		cmocka_unit_test(test_local_anchor),
		cmocka_unit_test(test_first_report_boundary),
		cmocka_unit_test(test_level_raised),
		cmocka_unit_test(test_follow_ups),
		cmocka_unit_test(test_closed),
		cmocka_unit_test(test_shipped_rules),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
