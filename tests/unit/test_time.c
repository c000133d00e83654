/* dd_time_parse, dd_date_parse, local/ISO formatting and DUTYDESK_NOW.
 * Runs with TZ=Asia/Shanghai (test_env); main() sets it again to be sure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "dutydesk/dtime.h"

/* 2026-11-28 17:30 in Shanghai = 09:30 UTC. */
#define T1730 INT64_C(1795858200)
#define HOUR INT64_C(3600)
#define DAY INT64_C(86400)

#define assert_contains(hay, needle)                                                   \
	do {                                                                          \
		if (!strstr((hay), (needle)))                                         \
			fail_msg("'%s' does not contain '%s'", (hay), (needle));      \
	} while (0)

static int64_t parse_ok(const char *s, int64_t now)
{
	struct err e = {0};
	int64_t t = -1;
	if (!dd_time_parse(s, now, &t, &e))
		fail_msg("'%s' refused: %s", s, e.msg);
	return t;
}

/* Refused, with a non-empty message; returns the message. */
static const char *parse_bad(const char *s, struct err *e)
{
	int64_t t = 12345;
	memset(e, 0, sizeof *e);
	if (dd_time_parse(s, T1730, &t, e))
		fail_msg("'%s' accepted as %lld", s, (long long)t);
	assert_true(e->msg[0] != '\0');
	assert_int_equal(t, 12345); /* output untouched */
	return e->msg;
}

static void test_local_datetime(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("2026-11-28 17:30", 0), T1730);
	assert_int_equal(parse_ok("2026-11-28 17:30:45", 0), T1730 + 45);
	assert_int_equal(parse_ok("2026-11-28T17:30", 0), T1730);
	/* The argument now plays no part when a date is given. */
	assert_int_equal(parse_ok("2026-11-28 17:30", T1730 + 30 * DAY), T1730);
}

static void test_clock_only_is_today(void **state)
{
	(void)state;
	/* now = 12:30 local on 2026-11-28 */
	assert_int_equal(parse_ok("17:30", T1730 - 5 * HOUR), T1730);
	/* now = 00:30 local on 2026-11-29 (16:30 UTC on the 28th): local "today" is the 29th */
	assert_int_equal(parse_ok("17:30", T1730 + 7 * HOUR), T1730 + DAY);
	/* now = 23:59 local on the 28th */
	assert_int_equal(parse_ok("00:00", T1730 + 6 * HOUR + 29 * 60), T1730 - 17 * HOUR - 30 * 60);
	assert_int_equal(parse_ok("17:30:10", T1730), T1730 + 10);
}

static void test_iso_forms(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("2026-11-28T09:30:00Z", 0), T1730);
	assert_int_equal(parse_ok("2026-11-28T09:30Z", 0), T1730);
	assert_int_equal(parse_ok("2026-11-28T17:30:00+08:00", 0), T1730);
	assert_int_equal(parse_ok("2026-11-28T17:30+08:00", 0), T1730);
	assert_int_equal(parse_ok("2026-11-28T17:30:00+0800", 0), T1730);
	assert_int_equal(parse_ok("2026-11-28T04:30:00-05:00", 0), T1730);
	assert_int_equal(parse_ok("2026-11-27T20:30:00-05:00", 0), T1730 - 8 * HOUR);
	assert_int_equal(parse_ok("2026-11-28T09:30:00+00:00", 0), T1730);
	assert_int_equal(parse_ok("2026-11-28T15:00:00+05:30", 0), T1730);
	assert_int_equal(parse_ok("2026-11-28T09:30:00.123Z", 0), T1730);
	assert_int_equal(parse_ok("2026-11-28T17:30:00.999999+08:00", 0), T1730);
	/* UTC midnight across a day boundary */
	assert_int_equal(parse_ok("2026-11-28T00:00:00Z", 0), T1730 - 9 * HOUR - 30 * 60);
}

static void test_date_is_local_midnight(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("2026-11-28", T1730), T1730 - 17 * HOUR - 30 * 60);
	assert_int_equal(parse_ok("2026-11-28", 0), INT64_C(1795795200));
	assert_int_equal(parse_ok("2026-11-29", 0) - parse_ok("2026-11-28", 0), DAY);
}

static void test_leap_years(void **state)
{
	(void)state;
	struct err e;
	assert_int_equal(parse_ok("2024-02-29 12:00", 0) + DAY, parse_ok("2024-03-01 12:00", 0));
	assert_int_equal(parse_ok("2000-02-29", 0) + DAY, parse_ok("2000-03-01", 0));
	const char *m = parse_bad("2023-02-29", &e);
	assert_contains(m, "February");
	assert_contains(m, "28");
	m = parse_bad("1900-02-29", &e); /* not a leap year */
	assert_contains(m, "February");
}

static void test_refusals(void **state)
{
	(void)state;
	struct err e;
	const char *m = parse_bad("2026-02-30", &e);
	assert_contains(m, "2026-02-30");
	assert_contains(m, "February");
	assert_contains(m, "28");
	m = parse_bad("2026-04-31 10:00", &e);
	assert_contains(m, "April");
	assert_contains(m, "30");

	m = parse_bad("25:00", &e);
	assert_contains(m, "hour");
	m = parse_bad("2026-11-28 24:00", &e);
	assert_contains(m, "hour");
	m = parse_bad("12:60", &e);
	assert_contains(m, "minute");
	m = parse_bad("2026-11-28 12:30:60", &e);
	assert_contains(m, "second");
	m = parse_bad("2026-13-01", &e);
	assert_contains(m, "month");
	m = parse_bad("2026-00-10", &e);
	assert_contains(m, "month");

	m = parse_bad("", &e);
	assert_contains(m, "empty");
	parse_bad(NULL, &e);
	m = parse_bad("abc", &e);
	assert_contains(m, "'abc'");
	assert_contains(m, "not a time");
	m = parse_bad("2026-11-28 17:30junk", &e);
	assert_contains(m, "not a time");
	m = parse_bad("17:30junk", &e);
	assert_contains(m, "not a time");
	parse_bad("2026-11-28 17", &e);
	parse_bad("2026-11-28X17:30", &e);
	parse_bad("1:3", &e);
	parse_bad("123:30", &e);
	parse_bad("2026-11-28T17:30+", &e);
	parse_bad("2026-11-28T17:30+8", &e);
	m = parse_bad("2026-11-28T17:30+15:00", &e);
	assert_contains(m, "offset");
	m = parse_bad("2026-11-28T17:30+08:60", &e);
	assert_contains(m, "offset");
}

/* A zone offset is +HH, +HHMM or +HH:MM, nothing else: a colon must be
 * followed by exactly two digits of minutes, and nothing may follow them.
 * ("+08:" was once read as +08:00.) */
static void test_offset_forms(void **state)
{
	(void)state;
	struct err e;
	const char *m = parse_bad("2026-11-28T17:30+08:", &e);
	assert_contains(m, "not a time");
	m = parse_bad("2026-11-28T17:30+08:0", &e);
	assert_contains(m, "not a time");
	m = parse_bad("2026-11-28T17:30+08:000", &e);
	assert_contains(m, "not a time");
	/* minutes after a colon are not read a second time */
	m = parse_bad("2026-11-28T17:30+08:0030", &e);
	assert_contains(m, "not a time");
	m = parse_bad("2026-11-28T17:30+08:00:00", &e);
	assert_contains(m, "not a time");
	m = parse_bad("2026-11-28T17:30+080", &e);
	assert_contains(m, "not a time");
	m = parse_bad("2026-11-28T17:30+08000", &e);
	assert_contains(m, "not a time");
	m = parse_bad("2026-11-28T17:30+08:00Z", &e);
	assert_contains(m, "not a time");
	/* the good forms, for contrast: the same instant each time */
	assert_int_equal(parse_ok("2026-11-28T17:30+08", 0), T1730);
	assert_int_equal(parse_ok("2026-11-28T17:30+0800", 0), T1730);
	assert_int_equal(parse_ok("2026-11-28T17:30+08:00", 0), T1730);
	assert_int_equal(parse_ok("2026-11-28T15:00+05:30", 0), T1730);
	assert_int_equal(parse_ok("2026-11-28T15:00+0530", 0), T1730);
}

static void test_date_parse(void **state)
{
	(void)state;
	char out[11];
	struct err e = {0};
	assert_true(dd_date_parse("2026-11-28", out, &e));
	assert_string_equal(out, "2026-11-28");
	assert_true(dd_date_parse("2024-02-29", out, &e));
	assert_string_equal(out, "2024-02-29");
	assert_true(dd_date_parse("2027-01-01", out, &e));
	assert_string_equal(out, "2027-01-01");

	static const char *const bad[] = {"2026-02-30", "2023-02-29", "2026-13-01", "2026-11-31",
					  "2026-11-00", "2026-11-28 17:30", "2026-1-28",
					  "26-11-28", "", "2026/11/28", "0999-01-01"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		memset(&e, 0, sizeof e);
		if (dd_date_parse(bad[i], out, &e))
			fail_msg("date '%s' accepted as %s", bad[i], out);
		assert_true(e.msg[0] != '\0');
	}
	memset(&e, 0, sizeof e);
	assert_false(dd_date_parse("2026-02-30", out, &e));
	assert_non_null(strstr(e.msg, "February"));
	assert_false(dd_date_parse(NULL, out, &e));
}

static void test_format_round_trip(void **state)
{
	(void)state;
	char buf[40];
	assert_string_equal(dd_time_local(T1730, buf, sizeof buf), "2026-11-28 17:30");
	assert_string_equal(dd_time_iso(T1730 + 7, buf, sizeof buf), "2026-11-28T17:30:07+08:00");
	assert_string_equal(dd_date_local(T1730, buf, sizeof buf), "2026-11-28");
	assert_string_equal(dd_date_local(T1730 + 7 * HOUR, buf, sizeof buf), "2026-11-29");
	assert_int_equal(dd_time_year(T1730), 2026);
	/* 2026-12-31 16:30 UTC is already 2027 in Shanghai */
	assert_int_equal(dd_time_year(parse_ok("2026-12-31T16:30:00Z", 0)), 2027);

	static const int64_t ts[] = {0, 951782400, 1709164800, 1795858200, 1795858259,
				     1798732799, 4102444800};
	for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++) {
		dd_time_iso(ts[i], buf, sizeof buf);
		assert_int_equal(parse_ok(buf, 0), ts[i]);
		/* the local form drops seconds */
		dd_time_local(ts[i], buf, sizeof buf);
		assert_int_equal(parse_ok(buf, 0), ts[i] - ts[i] % 60);
	}
}

static int64_t real_ms(void)
{
	struct timespec ts;
	assert_int_equal(clock_gettime(CLOCK_REALTIME, &ts), 0);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* dd_now_ms() and dd_now() give the real clock: each lies between readings
 * of CLOCK_REALTIME taken just before and just after. */
static void expect_real_clock(void)
{
	int64_t before = real_ms();
	int64_t ms = dd_now_ms();
	int64_t s = dd_now();
	int64_t after = real_ms();
	if (ms < before || ms > after)
		fail_msg("dd_now_ms() = %lld, not within [%lld, %lld]", (long long)ms,
			 (long long)before, (long long)after);
	if (s < before / 1000 || s > after / 1000)
		fail_msg("dd_now() = %lld, not within [%lld, %lld]", (long long)s,
			 (long long)(before / 1000), (long long)(after / 1000));
}

static void test_now_env(void **state)
{
	(void)state;
	assert_int_equal(setenv("DUTYDESK_NOW", "2026-11-28 17:30", 1), 0);
	assert_int_equal(dd_now(), T1730);
	assert_int_equal(dd_now_ms(), T1730 * 1000);
	assert_int_equal(setenv("DUTYDESK_NOW", "2026-11-28T09:30:05Z", 1), 0);
	assert_int_equal(dd_now(), T1730 + 5);
	/* a bare date: local midnight */
	assert_int_equal(setenv("DUTYDESK_NOW", "2000-01-01", 1), 0);
	assert_int_equal(dd_now(), INT64_C(946656000));
	/* unset or unparsable: the real clock, read between two readings of it
	 * (no allowance for how long that takes) */
	assert_int_equal(unsetenv("DUTYDESK_NOW"), 0);
	expect_real_clock();
	assert_int_equal(setenv("DUTYDESK_NOW", "not a time", 1), 0);
	expect_real_clock();
	unsetenv("DUTYDESK_NOW");
}


/* ---- times as officers type them (dd_time_parse_when) ---- */

/* The instant of a full local time (the parser checked above). */
static int64_t at(const char *s)
{
	return parse_ok(s, 0);
}

/* A time typed at now and read as past: the time read ("YYYY-MM-DD
 * HH:MM") when ok, else a part of the refusal. */
struct typed {
	const char *text, *now;
	bool ok;
	const char *want;
};

static void typed_cases(const struct typed *c, size_t n)
{
	for (size_t i = 0; i < n; i++, c++) {
		struct err e = {0};
		int64_t t = 12345;
		char got[32];
		bool ok = dd_time_parse_when(c->text, at(c->now), DD_PAST, &t, &e);
		if (ok != c->ok)
			fail_msg("'%s' at %s: %s", c->text, c->now,
				 ok ? dd_time_local(t, got, sizeof got) : e.msg);
		if (ok && strcmp(dd_time_local(t, got, sizeof got), c->want) != 0)
			fail_msg("'%s' at %s read as %s, not %s", c->text, c->now, got, c->want);
		if (!ok) {
			assert_int_equal(t, 12345);
			assert_contains(e.msg, c->want);
		}
	}
}

static void test_clock_is_most_recent_past(void **state)
{
	(void)state;
	static const struct typed cases[] = {
		/* just after midnight, 23:50 is last night's */
		{"23:50", "2026-12-07 00:10", true, "2026-12-06 23:50"},
		{"00:05", "2026-12-07 00:10", true, "2026-12-07 00:05"},
		{"00:10", "2026-12-07 00:10", true, "2026-12-07 00:10"},
		/* a few minutes ahead is a fast clock, not yesterday */
		{"00:15", "2026-12-07 00:10", true, "2026-12-07 00:15"},
		{"00:30", "2026-12-07 00:10", true, "2026-12-06 00:30"},
		{"8:05", "2026-12-07 09:00", true, "2026-12-07 08:05"},
		{"23：50", "2026-12-07 00:10", true, "2026-12-06 23:50"}, /* full-width colon */
		/* across a month and a year */
		{"23:50", "2026-12-01 00:10", true, "2026-11-30 23:50"},
		{"23:50", "2027-01-01 00:10", true, "2026-12-31 23:50"},
		{"23:59:30", "2027-01-01 00:10", true, "2026-12-31 23:59"},
	};
	typed_cases(cases, ARRAY_LEN(cases));
}

static void test_day_words(void **state)
{
	(void)state;
	static const struct typed cases[] = {
		{"昨天 23:50", "2026-12-07 00:10", true, "2026-12-06 23:50"},
		{"昨天23:50", "2026-12-07 00:10", true, "2026-12-06 23:50"},
		{"前天 08:00", "2026-12-07 00:10", true, "2026-12-05 08:00"},
		{"今天 00:05", "2026-12-07 00:10", true, "2026-12-07 00:05"},
		{"昨天 22:00", "2027-01-01 00:10", true, "2026-12-31 22:00"},
		{"前天 22:00", "2026-03-01 00:10", true, "2026-02-27 22:00"},
		/* today's 08:00 has not come yet at 00:10 */
		{"今天 08:00", "2026-12-07 00:10", false, "2026-12-07 08:00 is in the future"},
		{"明天 08:00", "2026-12-07 00:10", false, "2026-12-08 08:00 is in the future"},
	};
	typed_cases(cases, ARRAY_LEN(cases));
}

static void test_dates_without_year(void **state)
{
	(void)state;
	static const struct typed cases[] = {
		{"12-04 23:50", "2026-12-07 00:10", true, "2026-12-04 23:50"},
		{"12/4 23:50", "2026-12-07 00:10", true, "2026-12-04 23:50"},
		{"12月4日 23:50", "2026-12-07 00:10", true, "2026-12-04 23:50"},
		{"12月4日23:50", "2026-12-07 00:10", true, "2026-12-04 23:50"},
		{"4日23:50", "2026-12-07 00:10", true, "2026-12-04 23:50"},
		{"4号 23:50", "2026-12-07 00:10", true, "2026-12-04 23:50"},
		{"2026-12-04 23:50", "2026-12-07 00:10", true, "2026-12-04 23:50"},
		/* New Year: December is last year's */
		{"12-31 23:50", "2027-01-01 00:10", true, "2026-12-31 23:50"},
		{"12月31日 23:50", "2027-01-01 00:10", true, "2026-12-31 23:50"},
		{"31日 23:50", "2027-01-01 00:10", true, "2026-12-31 23:50"},
		{"01-01 00:05", "2027-01-01 00:10", true, "2027-01-01 00:05"},
		{"20日 10:00", "2026-12-07 00:10", true, "2026-11-20 10:00"},
		{"12-20 10:00", "2026-12-07 00:10", true, "2025-12-20 10:00"},
		/* the most recent 28th, 29th: February 2026 has 28 days */
		{"28日 10:00", "2026-03-01 00:10", true, "2026-02-28 10:00"},
		{"29日 10:00", "2026-03-01 00:10", false, "February 2026 has 28 days"},
		{"31日 10:00", "2026-03-01 00:10", false, "February 2026 has 28 days"},
		{"02-29 10:00", "2026-03-01 00:10", false, "February 2026 has 28 days"},
		{"02-29 10:00", "2024-03-01 00:10", true, "2024-02-29 10:00"},
		{"31日 10:00", "2026-11-30 12:00", true, "2026-10-31 10:00"}, /* no 31 November */
		{"31日 10:00", "2026-12-30 12:00", false, "2026-12-31 10:00 is in the future"},
		/* a date just ahead is a slip, refused, not last year's */
		{"12-08 10:00", "2026-12-07 00:10", false, "2026-12-08 10:00 is in the future"},
		{"8日 10:00", "2026-12-07 00:10", false, "2026-12-08 10:00 is in the future"},
		{"2026-12-07 23:50", "2026-12-07 00:10", false, "2026-12-07 23:50 is in the future"},
	};
	typed_cases(cases, ARRAY_LEN(cases));
}

static void test_impossible_typed_times(void **state)
{
	(void)state;
	static const struct typed cases[] = {
		{"12-32 23:50", "2026-12-07 00:10", false, "no month has 32 days"},
		{"32日 23:50", "2026-12-07 00:10", false, "no month has 32 days"},
		{"02-30 10:00", "2026-12-07 00:10", false, "February has 29 days"},
		{"13-01 10:00", "2026-12-07 00:10", false, "month must be 01-12"},
		{"25:70", "2026-12-07 00:10", false, "hour must be 00-23"},
		{"23:70", "2026-12-07 00:10", false, "minute must be 00-59"},
		{"12-04 25:00", "2026-12-07 00:10", false, "hour must be 00-23"},
		{"大前天 08:00", "2026-12-07 00:10", false, "not a time"},
		{"昨天", "2026-12-07 00:10", false, "not a time"},
		{"12-04", "2026-12-07 00:10", false, "not a time"},
		/* the message lists what is accepted */
		{"下午三点", "2026-12-07 00:10", false, "昨天 23:50"},
		{"下午三点", "2026-12-07 00:10", false, "4日23:50"},
		{"", "2026-12-07 00:10", false, "empty"},
	};
	typed_cases(cases, ARRAY_LEN(cases));
}

/* Without DD_PAST a date is this year's and this month's, as before. */
static void test_today_reading(void **state)
{
	(void)state;
	int64_t now = at("2026-12-07 00:10");
	struct err e = {0};
	int64_t t;
	assert_true(dd_time_parse_when("23:50", now, DD_TODAY, &t, &e));
	assert_int_equal(t, at("2026-12-07 23:50"));
	assert_true(dd_time_parse_when("明天 08:00", now, DD_TODAY, &t, &e));
	assert_int_equal(t, at("2026-12-08 08:00"));
	assert_true(dd_time_parse_when("12-08 10:00", now, DD_TODAY, &t, &e));
	assert_int_equal(t, at("2026-12-08 10:00"));
	assert_true(dd_time_parse_when("8日 10:00", now, DD_TODAY, &t, &e));
	assert_int_equal(t, at("2026-12-08 10:00"));
	assert_false(dd_time_parse_when("02-29 10:00", now, DD_TODAY, &t, &e));
	assert_contains(e.msg, "February");
}

int main(void)
{
	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	unsetenv("DUTYDESK_NOW");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_local_datetime),
		cmocka_unit_test(test_clock_only_is_today),
		cmocka_unit_test(test_iso_forms),
		cmocka_unit_test(test_date_is_local_midnight),
		cmocka_unit_test(test_leap_years),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_offset_forms),
		cmocka_unit_test(test_date_parse),
		cmocka_unit_test(test_format_round_trip),
		cmocka_unit_test(test_now_env),
		cmocka_unit_test(test_clock_is_most_recent_past),
		cmocka_unit_test(test_day_words),
		cmocka_unit_test(test_dates_without_year),
		cmocka_unit_test(test_impossible_typed_times),
		cmocka_unit_test(test_today_reading),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
