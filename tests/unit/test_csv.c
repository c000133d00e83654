/* The RFC 4180 reader over buffers: quoting, line numbers, errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "dutydesk/csv.h"

static struct csv *mem(const char *s)
{
	return csv_open_mem("t.csv", s, strlen(s));
}

/* Next record must have exactly the given fields (NULL-terminated) and
 * begin on line. */
static void expect_rec(struct csv *c, size_t line, ...)
{
	char **f = NULL;
	size_t n = 0;
	struct err e = {0};
	int rc = csv_next(c, &f, &n, &e);
	if (rc != 1)
		fail_msg("expected a record on line %zu, got %d (%s)", line, rc, e.msg);
	va_list ap;
	va_start(ap, line);
	size_t i = 0;
	for (const char *want; (want = va_arg(ap, const char *)); i++) {
		if (i >= n) {
			va_end(ap);
			fail_msg("line %zu: only %zu fields", line, n);
		}
		assert_string_equal(f[i], want);
	}
	va_end(ap);
	assert_int_equal(n, i);
	assert_int_equal(csv_line(c), line);
}

static void expect_end(struct csv *c)
{
	char **f;
	size_t n;
	struct err e = {0};
	assert_int_equal(csv_next(c, &f, &n, &e), 0);
}

/* The next call fails; its message contains each of the strings. */
static void expect_error(const char *buf, size_t len, int good_records, const char *a,
			 const char *b)
{
	struct csv *c = csv_open_mem("t.csv", buf, len);
	char **f;
	size_t n;
	struct err e = {0};
	for (int i = 0; i < good_records; i++)
		assert_int_equal(csv_next(c, &f, &n, &e), 1);
	assert_int_equal(csv_next(c, &f, &n, &e), -1);
	if (!strstr(e.msg, a) || (b && !strstr(e.msg, b)))
		fail_msg("message '%s' lacks '%s' / '%s'", e.msg, a, b ? b : "");
	csv_destroy(c);
}

static void test_quoting_and_lines(void **state)
{
	(void)state;
	struct csv *c = mem("# 联系人 contacts\n# second comment\n"
			    "name,phone,note\n"
			    "\"张三, 李四\",123,\"他说\"\"好\"\"\"\n"
			    "\"多\n行\n文本\",456,x\n"
			    "last,789,\"\"\n"
			    "\"a\"\"\",,end");
	assert_string_equal(csv_name(c), "t.csv");
	expect_rec(c, 3, "name", "phone", "note", NULL);
	expect_rec(c, 4, "张三, 李四", "123", "他说\"好\"", NULL);
	expect_rec(c, 5, "多\n行\n文本", "456", "x", NULL);
	expect_rec(c, 8, "last", "789", "", NULL);
	expect_rec(c, 9, "a\"", "", "end", NULL);
	expect_end(c);
	expect_end(c);
	csv_destroy(c);
}

static void test_crlf(void **state)
{
	(void)state;
	struct csv *c = mem("a,b\r\n1,2\r\n\r\n3,\"x\r\ny\"\r\n\"4\",5\r\n");
	expect_rec(c, 1, "a", "b", NULL);
	expect_rec(c, 2, "1", "2", NULL);
	expect_rec(c, 4, "3", "x\r\ny", NULL);
	expect_rec(c, 6, "4", "5", NULL);
	expect_end(c);
	csv_destroy(c);
}

static void test_bom_comments_blanks(void **state)
{
	(void)state;
	struct csv *c = mem("\xEF\xBB\xBF" "id,name\n1,x\n");
	expect_rec(c, 1, "id", "name", NULL);
	expect_rec(c, 2, "1", "x", NULL);
	expect_end(c);
	csv_destroy(c);

	c = mem("\xEF\xBB\xBF# 注释\n\n#c2\nid\n\n\n#not a comment now\n\nz\n\n");
	expect_rec(c, 4, "id", NULL);
	expect_rec(c, 7, "#not a comment now", NULL);
	expect_rec(c, 9, "z", NULL);
	expect_end(c);
	csv_destroy(c);

	/* a BOM in the middle is data, not skipped */
	c = mem("a\n\xEF\xBB\xBF" "b\n");
	expect_rec(c, 1, "a", NULL);
	expect_rec(c, 2, "\xEF\xBB\xBF" "b", NULL);
	csv_destroy(c);

	c = mem("");
	expect_end(c);
	csv_destroy(c);
	c = mem("\xEF\xBB\xBF");
	expect_end(c);
	csv_destroy(c);
	c = mem("# only a comment\n\n");
	expect_end(c);
	csv_destroy(c);
}

static void test_empty_fields(void **state)
{
	(void)state;
	struct csv *c = mem(",\na,,c\n\"\"\n,\"\",\n");
	expect_rec(c, 1, "", "", NULL);
	expect_rec(c, 2, "a", "", "c", NULL);
	expect_rec(c, 3, "", NULL);
	expect_rec(c, 4, "", "", "", NULL);
	expect_end(c);
	csv_destroy(c);
}

static void test_errors(void **state)
{
	(void)state;
	const char *s = "h\n1,\"abc\n2,3\n";
	expect_error(s, strlen(s), 1, "t.csv:2:", "never closed");
	s = "h\nab\"c,d\n";
	expect_error(s, strlen(s), 1, "t.csv:2:", "stray");
	/* a stray quote on the second line of a multi-line record names that line */
	s = "h\n\"a\nb\",c\"d\n";
	expect_error(s, strlen(s), 1, "t.csv:3:", "stray");
	s = "h\nx\n\"a\"b,c\n";
	expect_error(s, strlen(s), 2, "t.csv:3:", "after the closing quote");
	s = "h\nx\n\"a\" ,c\n";
	expect_error(s, strlen(s), 2, "t.csv:3:", "after the closing quote");
	s = "h\nok\n\xff\xfe,x\n";
	expect_error(s, strlen(s), 2, "t.csv:3:", "UTF-8");
	s = "h\nok,\"\xC0\xAF\"\n";
	expect_error(s, strlen(s), 1, "t.csv:2:", "field 2");
	static const char nul[] = "h\nab\0c\n";
	expect_error(nul, sizeof nul - 1, 1, "t.csv:2:", "NUL");
	static const char nulq[] = "h\n\"a\nb\0\"\n";
	expect_error(nulq, sizeof nulq - 1, 1, "t.csv:3:", "NUL");
}

static void test_open_file(void **state)
{
	(void)state;
	char path[] = "/tmp/dd-csv-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char body[] = "\xEF\xBB\xBF" "code,name\r\nA1,\"桑壁镇, 辛庄村\"\r\n";
	assert_int_equal(write(fd, body, sizeof body - 1), (ssize_t)(sizeof body - 1));
	close(fd);
	struct err e = {0};
	struct csv *c = csv_open(path, &e);
	assert_non_null(c);
	assert_string_equal(csv_name(c), path);
	expect_rec(c, 1, "code", "name", NULL);
	expect_rec(c, 2, "A1", "桑壁镇, 辛庄村", NULL);
	expect_end(c);
	csv_destroy(c);
	unlink(path);

	memset(&e, 0, sizeof e);
	assert_null(csv_open(path, &e));
	assert_non_null(strstr(e.msg, path));
	csv_destroy(NULL);
}

/* The formula guard: a text cell that a spreadsheet would run gets a
 * leading '; a number cell never does; quoting still applies. */
static void test_formula_guard(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		bool text;
		const char *out;
	} cases[] = {
		{"=HYPERLINK(\"x\")", true, "\"'=HYPERLINK(\"\"x\"\")\""},
		{"=cmd|' /C calc'!A0", true, "'=cmd|' /C calc'!A0"},
		{"+1", true, "'+1"},
		{"-5", true, "'-5"},
		{"@SUM(A1)", true, "'@SUM(A1)"},
		{"\tTAB", true, "'\tTAB"},
		{"\rCR", true, "\"'\rCR\""},
		{"a=b", true, "a=b"},
		{"乔家湾", true, "乔家湾"},
		{"", true, ""},
		{"-5", false, "-5"},
		{"-0.5", false, "-0.5"},
		{"+1", false, "+1"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct strbuf sb;
		sb_init(&sb);
		csv_cell(&sb, cases[i].in, cases[i].text);
		if (!str_eq(sb.buf ? sb.buf : "", cases[i].out))
			fail_msg("case %zu: '%s' (%s): wanted [%s], got [%s]", i, cases[i].in,
				 cases[i].text ? "text" : "number", cases[i].out, sb.buf ? sb.buf : "");
		sb_finish(&sb);
	}
	assert_true(csv_guarded("=1"));
	assert_false(csv_guarded("1"));
	assert_false(csv_guarded(""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quoting_and_lines),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_bom_comments_blanks),
		cmocka_unit_test(test_empty_fields),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_open_file),
		cmocka_unit_test(test_formula_guard),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
