/* Cells as clerks type them (norm_cell, norm_header) and spreadsheet day
 * numbers (excel_serial_text); .xlsx files themselves are tested through
 * the CLI (tests/cli/import_sheets.sh). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dutydesk/model.h"
#include "dutydesk/sheet.h"

static const struct column C_INT = {.name = "households", .type = CT_INT, .max = 1e8};
static const struct column C_REAL = {.name = "area_m2", .type = CT_REAL, .max = 1e9};
static const struct column C_LON = {.name = "lon", .type = CT_REAL, .min = -180, .max = 180};
static const struct column C_DATE = {.name = "expiry", .type = CT_DATE};
static const struct column C_TEXT = {.name = "notes", .type = CT_TEXT};
static const struct column C_PHONE = {.name = "monitor_phone", .type = CT_TEXT};

/* raw becomes want, with exactly the changes kinds. */
static void expect_cell(const struct column *c, const char *raw, const char *want, unsigned kinds)
{
	unsigned got = 0;
	char *s = norm_cell(c, raw, &got);
	if (strcmp(s, want) || got != kinds)
		fail_msg("%s: '%s': got '%s' (changes %#x), expected '%s' (%#x)", c->name, raw, s,
		         got, want, kinds);
	free(s);
}

static void test_numbers(void **state)
{
	(void)state;
	expect_cell(&C_INT, "30", "30", 0);
	expect_cell(&C_INT, "３０", "30", NORM_WIDTH);
	expect_cell(&C_INT, "30\xE3\x80\x80", "30", NORM_SPACE);
	expect_cell(&C_INT,
	            "\xC2\xA0"
	            "30",
	            "30", NORM_SPACE);
	expect_cell(&C_INT, "12,500", "12500", NORM_THOUSANDS);
	expect_cell(&C_INT, "1,234,567", "1234567", NORM_THOUSANDS);
	expect_cell(&C_INT, "12,50", "12,50", 0); /* not thousands: left to be refused */
	expect_cell(&C_INT, "约300", "300", NORM_ABOUT);
	expect_cell(&C_INT, "5层", "5", NORM_UNIT);
	expect_cell(&C_INT, "30户", "30", NORM_UNIT);
	expect_cell(&C_INT, "120人", "120", NORM_UNIT);
	expect_cell(&C_INT, "约1,200人", "1200", NORM_ABOUT | NORM_UNIT | NORM_THOUSANDS);
	expect_cell(&C_REAL, "1924㎡", "1924", NORM_WIDTH | NORM_UNIT);
	expect_cell(&C_INT, "三十", "三十", 0);
	expect_cell(&C_INT, "户", "户", 0);
}

static void test_coordinates(void **state)
{
	(void)state;
	expect_cell(&C_LON, "110°37′45″E", "110.629167", NORM_DMS);
	expect_cell(&C_LON, "１１０°37′45″E", "110.629167", NORM_WIDTH | NORM_DMS);
	expect_cell(&C_LON, "110°37'45\"", "110.629167", NORM_DMS);
	expect_cell(&C_LON, "西经110°30′", "-110.500000", NORM_DMS);
	expect_cell(&C_LON, "110.5", "110.5", 0);
	expect_cell(&C_LON, "110.5°", "110.500000", NORM_DMS);
	expect_cell(&C_LON, "110°75′", "110°75′", 0); /* minutes past 59: refused later */
}

static void test_dates(void **state)
{
	(void)state;
	expect_cell(&C_DATE, "2026-05-01", "2026-05-01", 0);
	expect_cell(&C_DATE, "2026/5/1", "2026-05-01", NORM_DATE);
	expect_cell(&C_DATE, "2026年5月1日", "2026-05-01", NORM_DATE);
	expect_cell(&C_DATE, "2026.5.1", "2026-05-01", NORM_DATE);
	expect_cell(&C_DATE, "20260501", "2026-05-01", NORM_DATE);
	expect_cell(&C_DATE, "46143", "2026-05-01", NORM_SERIAL);
	expect_cell(&C_DATE, "２０２６/５/１", "2026-05-01", NORM_WIDTH | NORM_DATE);
	expect_cell(&C_DATE, "20261341", "20261341", 0);
	expect_cell(&C_DATE, "明天", "明天", 0);
}

static void test_text(void **state)
{
	(void)state;
	expect_cell(&C_PHONE, "１３９００００００００", "13900000000", NORM_WIDTH);
	expect_cell(&C_TEXT, "东坡（北侧）\xE3\x80\x80", "东坡（北侧）", NORM_SPACE);
	expect_cell(&C_TEXT, "'=HYPERLINK(\"x\")", "=HYPERLINK(\"x\")", NORM_GUARD);
	expect_cell(&C_TEXT, "'-3", "-3", NORM_GUARD);
	expect_cell(&C_TEXT, "'abc", "'abc", 0);
	expect_cell(&C_TEXT, "12,500", "12,500", 0);
}

static void test_headers(void **state)
{
	(void)state;
	const char *cases[][2] = {{"乡（镇）", "乡(镇)"},
	                          {"名称 ", "名称"},
	                          {"威胁户数（户）", "威胁户数(户)"},
	                          {"经 度\xE3\x80\x80", "经度"},
	                          {"ＣＯＤＥ", "CODE"}};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *h = norm_header(cases[i][0]);
		assert_string_equal(h, cases[i][1]);
		free(h);
	}
}

static void test_serials(void **state)
{
	(void)state;
	char buf[32];
	assert_true(excel_serial_text(1, buf, sizeof buf));
	assert_string_equal(buf, "1900-01-01");
	assert_true(excel_serial_text(59, buf, sizeof buf));
	assert_string_equal(buf, "1900-02-28");
	assert_true(excel_serial_text(61, buf, sizeof buf));
	assert_string_equal(buf, "1900-03-01");
	assert_true(excel_serial_text(46143, buf, sizeof buf));
	assert_string_equal(buf, "2026-05-01");
	assert_true(excel_serial_text(46143.5, buf, sizeof buf));
	assert_string_equal(buf, "2026-05-01 12:00");
	assert_false(excel_serial_text(0, buf, sizeof buf));
	assert_false(excel_serial_text(3e6, buf, sizeof buf));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_numbers), cmocka_unit_test(test_coordinates),
	    cmocka_unit_test(test_dates),   cmocka_unit_test(test_text),
	    cmocka_unit_test(test_headers), cmocka_unit_test(test_serials),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
