/* Display width: wcwidth-based measuring, fitting and padding to cells. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dutydesk/width.h"

#define FFFD "\xEF\xBF\xBD"

/* sb_cell into a fresh heap string. */
static char *cell(const char *s, int cells, bool right)
{
	struct strbuf sb;
	sb_init(&sb);
	sb_cell(&sb, s, cells, right);
	char *r = sb_take(&sb);
	return r ? r : xstrdup("");
}

static char *safe(const char *s)
{
	struct strbuf sb;
	sb_init(&sb);
	sb_safe(&sb, s);
	char *r = sb_take(&sb);
	return r ? r : xstrdup("");
}

static bool has_control(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7F)
			return true;
	return false;
}

static int reset(void **state)
{
	(void)state;
	width_set_ambiguous(1);
	return 0;
}

static void test_text_width(void **state)
{
	(void)state;
	assert_int_equal(text_width(""), 0);
	assert_int_equal(text_width("abc"), 3);
	assert_int_equal(text_width("汉字"), 4);
	assert_int_equal(text_width("汉字abc"), 7);
	assert_int_equal(text_width("永和县桑壁镇"), 12);
	assert_int_equal(text_width("a，b。"), 6); /* full-width punctuation */
	assert_int_equal(text_width("1号"), 3);
	uint32_t cp;
	assert_int_equal(utf8_decode("汉", &cp), 3);
	assert_int_equal(cp, 0x6C49);
	assert_int_equal(utf8_decode("\xff", &cp), 1);
	assert_int_equal(cp, 0xFFFD);
}

static void test_text_fit(void **state)
{
	(void)state;
	int used = -1;
	assert_int_equal(text_fit("汉字abc", 3, &used), 3); /* 汉 only: 字 would need 4 */
	assert_int_equal(used, 2);
	assert_int_equal(text_fit("汉字abc", 4, &used), 6);
	assert_int_equal(used, 4);
	assert_int_equal(text_fit("汉字abc", 5, &used), 7);
	assert_int_equal(used, 5);
	assert_int_equal(text_fit("a汉字", 2, &used), 1);
	assert_int_equal(used, 1);
	assert_int_equal(text_fit("汉字", 1, &used), 0);
	assert_int_equal(used, 0);
	assert_int_equal(text_fit("汉字abc", 0, &used), 0);
	assert_int_equal(used, 0);
	assert_int_equal(text_fit("汉字abc", 100, &used), strlen("汉字abc"));
	assert_int_equal(used, 7);
	assert_int_equal(text_fit("abc", 2, NULL), 2);
	/* every cut lands on a character boundary */
	const char *s = "应急a管理b局值班室";
	for (int max = 0; max <= 20; max++) {
		size_t n = text_fit(s, max, &used);
		char *pre = xstrndup(s, n);
		assert_true(str_valid_utf8(pre));
		assert_int_equal(text_width(pre), used);
		assert_true(used <= max);
		free(pre);
	}
}

static void test_cell_pad_and_cut(void **state)
{
	(void)state;
	char *r = cell("汉字abc", 10, false);
	assert_string_equal(r, "汉字abc   ");
	free(r);
	r = cell("汉字abc", 10, true);
	assert_string_equal(r, "   汉字abc");
	free(r);
	r = cell("ab", 5, true);
	assert_string_equal(r, "   ab");
	free(r);
	r = cell(NULL, 3, false);
	assert_string_equal(r, "   ");
	free(r);
	r = cell("永和县桑壁镇辛庄村", 7, false);
	assert_string_equal(r, "永和县…");
	free(r);
	r = cell("永和县桑壁镇辛庄村", 8, false);
	assert_string_equal(r, "永和县… ");
	free(r);
	r = cell("永和县桑壁镇辛庄村", 8, true);
	assert_string_equal(r, " 永和县…");
	free(r);
	r = cell("abcdef", 4, false);
	assert_string_equal(r, "abc…");
	free(r);
	r = cell("汉字abc", 7, false); /* fits exactly: no ellipsis */
	assert_string_equal(r, "汉字abc");
	free(r);

	static const char *const samples[] = {"", "abc", "汉字", "汉字abc", "a汉b字c",
					      "永和县桑壁镇辛庄村地质灾害隐患点",
					      "芝河镇城关社区 East Hill 崩塌", "“引号”①②"};
	for (int amb = 1; amb <= 2; amb++) {
		width_set_ambiguous(amb);
		for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
			for (int cells = 0; cells <= 40; cells++) {
				for (int right = 0; right < 2; right++) {
					r = cell(samples[i], cells, right);
					if (text_width(r) != cells)
						fail_msg("sb_cell('%s', %d, %d) = '%s' is %d cells "
							 "(ambiguous %d)", samples[i], cells, right,
							 r, text_width(r), amb);
					assert_true(str_valid_utf8(r));
					if (text_width(samples[i]) > cells && cells > 2)
						assert_non_null(strstr(r, "…"));
					if (text_width(samples[i]) <= cells)
						assert_non_null(strstr(r, samples[i]));
					free(r);
				}
			}
		}
	}
	width_set_ambiguous(1);
}

static void test_controls(void **state)
{
	(void)state;
	char *r = cell("a\x1b[31mb\n\x07", 12, false);
	assert_string_equal(r, "a?[31mb??   ");
	assert_false(has_control(r));
	assert_int_equal(text_width(r), 12);
	free(r);
	r = cell("\x1b\x1b\x1b\x1b\x1b\x1b", 4, false);
	assert_string_equal(r, "???…");
	free(r);
	r = cell("del\x7f", 4, true);
	assert_string_equal(r, "del?");
	free(r);
	r = cell("c1\xC2\x9B", 3, false); /* U+009B, the 8-bit CSI */
	assert_string_equal(r, "c1?");
	free(r);

	r = safe("第一行\n第二行\x1b[2J\x07\r\t");
	assert_string_equal(r, "第一行\n第二行?[2J???");
	assert_null(strchr(r, '\x1b'));
	free(r);
}

static void test_invalid_bytes(void **state)
{
	(void)state;
	assert_int_equal(text_width("a\xff" "b"), 3);
	char *r = safe("a\xff" "b");
	assert_string_equal(r, "a" FFFD "b");
	free(r);
	r = safe("\xC0\xAF");
	assert_string_equal(r, FFFD FFFD);
	free(r);
	r = safe("\xE6\xB1"); /* truncated 汉 */
	assert_string_equal(r, FFFD FFFD);
	assert_true(str_valid_utf8(r));
	free(r);
	r = cell("\xC0\xAF", 4, false);
	assert_string_equal(r, FFFD FFFD "  ");
	free(r);
	r = cell("x\xED\xA0\x80y", 5, false);
	assert_string_equal(r, "x" FFFD FFFD FFFD "y");
	free(r);
}

static void test_ambiguous(void **state)
{
	(void)state;
	assert_int_equal(text_width("“"), 1);
	assert_int_equal(text_width("①"), 1);
	width_set_ambiguous(2);
	assert_int_equal(text_width("“"), 2);
	assert_int_equal(text_width("①"), 2);
	assert_int_equal(text_width("“a”"), 5);
	assert_int_equal(text_width("汉"), 2); /* wide stays 2 */
	assert_int_equal(text_width("a"), 1);
	width_set_ambiguous(1);
	assert_int_equal(text_width("“"), 1);
	assert_int_equal(text_width("①"), 1);
	width_set_ambiguous(3); /* anything but 2 means 1 */
	assert_int_equal(text_width("①"), 1);
	width_set_ambiguous(1);
}

static void test_valid_utf8(void **state)
{
	(void)state;
	assert_true(str_valid_utf8(""));
	assert_true(str_valid_utf8("plain ascii"));
	assert_true(str_valid_utf8("永和县应急管理局"));
	assert_true(str_valid_utf8("\xF0\x9F\x98\x80")); /* 4-byte */
	assert_true(str_valid_utf8("\xF4\x8F\xBF\xBF")); /* U+10FFFF */
	assert_false(str_valid_utf8("\xC0\xAF"));          /* overlong '/' */
	assert_false(str_valid_utf8("\xE0\x80\xAF"));      /* overlong 3-byte */
	assert_false(str_valid_utf8("\xED\xA0\x80"));      /* surrogate */
	assert_false(str_valid_utf8("\xED\xBF\xBF"));      /* surrogate */
	assert_false(str_valid_utf8("\xF4\x90\x80\x80"));  /* > U+10FFFF */
	assert_false(str_valid_utf8("\xE6\xB1"));          /* truncated */
	assert_false(str_valid_utf8("\xE6"));
	assert_false(str_valid_utf8("abc\xE6\xB1"));
	assert_false(str_valid_utf8("\xE6\xB1x"));
	assert_false(str_valid_utf8("\x80"));              /* lone continuation */
	assert_false(str_valid_utf8("\xff"));
	assert_false(str_valid_utf8("\xF8\x88\x80\x80\x80")); /* 5-byte form */
}

/* s wrapped to width, lines joined by '|' (a fresh heap string). */
static char *wrap(const char *s, int width)
{
	struct strbuf sb;
	sb_init(&sb);
	size_t off = 0, nx;
	while (s[off]) {
		size_t n = text_wrap_line(s + off, width, &nx);
		assert_true(nx > 0); /* every line moves on */
		char *one = xstrndup(s + off, n);
		assert_true(text_width(one) <= width || text_width(one) == cp_width(0x6C49));
		assert_true(str_valid_utf8(one)); /* never splits a character */
		if (off)
			sb_putc(&sb, '|');
		sb_puts(&sb, one);
		free(one);
		off += nx;
	}
	char *r = sb_take(&sb);
	return r ? r : xstrdup("");
}

#define assert_wrap(s, w, want)                  \
	do {                                     \
		char *got_ = wrap((s), (w));     \
		assert_string_equal(got_, (want)); \
		free(got_);                      \
	} while (0)

/* Text, width, its lines joined by '|'. */
static const struct {
	const char *s;
	int width;
	const char *want;
} wrap_cases[] = {
	/* Chinese has no blanks: any place between two characters, by cells */
	{"桑壁镇辛庄村滑坡险情", 8, "桑壁镇辛|庄村滑坡|险情"},
	{"桑壁镇辛庄村滑坡险情", 7, "桑壁镇|辛庄村|滑坡险|情"},
	/* a line does not start with closing punctuation: 缝 goes down with ， */
	{"后缘出现拉张裂缝，威胁", 16, "后缘出现拉张裂|缝，威胁"},
	/* nor end with opening punctuation */
	{"已转移至（村委会）", 10, "已转移至|（村委会）"},
	{"", 10, ""},
	{"短", 10, "短"},
	/* a character wider than the line goes alone, not split */
	{"汉字", 1, "汉|字"},
	/* Latin text breaks at blanks, which do not show at the break */
	{"Fire crew of 20 arrived at 11:05", 12, "Fire crew of|20 arrived|at 11:05"},
	{"one two", 3, "one|two"},
	/* a word longer than the line is cut between characters */
	{"abcdefghij", 4, "abcd|efgh|ij"},
	/* after a hyphen or slash */
	{"well-known a/b", 6, "well-|known|a/b"},
	/* mixed: a break between Chinese and Latin is allowed */
	{"省道328坡头乡段客车", 9, "省道328坡|头乡段客|车"},
	{"县消防队 20 人到场", 8, "县消防队|20 人到|场"},
	/* newlines end lines; an empty line stays; blanks before one go */
	{"a\n\nb", 5, "a||b"},
	{"ab  \ncd", 5, "ab|cd"},
};

static void test_wrap_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof wrap_cases / sizeof wrap_cases[0]; i++)
		assert_wrap(wrap_cases[i].s, wrap_cases[i].width, wrap_cases[i].want);
}

static void test_wrap_combining_and_wide(void **state)
{
	(void)state;
	/* e + COMBINING ACUTE: the mark stays with its letter */
	assert_wrap("cafe\xCC\x81s", 4, "cafe\xCC\x81|s");
	assert_wrap("e\xCC\x81" "e\xCC\x81" "e\xCC\x81", 2, "e\xCC\x81" "e\xCC\x81|e\xCC\x81");
	/* an emoji (2 cells) is never cut in half */
	assert_wrap("ab\xF0\x9F\x98\x80" "cd", 3, "ab|\xF0\x9F\x98\x80|cd");
	assert_int_equal(text_wrap_count("桑壁镇辛庄村滑坡险情", 8), 3);
	assert_int_equal(text_wrap_count("", 8), 0);
	/* sb_wrap: indented continuation lines, controls made harmless */
	struct strbuf sb;
	sb_init(&sb);
	assert_int_equal(sb_wrap(&sb, "桑壁镇辛庄\x01村滑坡", 8, "  "), 3);
	assert_string_equal(sb.buf, "桑壁镇辛\n  庄?村\n  滑坡\n");
	sb_finish(&sb);
}

static void test_ellipsis_mark(void **state)
{
	(void)state;
	width_set_ellipsis("~");
	char *c = cell("桑壁镇辛庄村", 7, false);
	assert_string_equal(c, "桑壁镇~");
	free(c);
	width_set_ellipsis(NULL);
	c = cell("桑壁镇辛庄村", 7, false);
	assert_string_equal(c, "桑壁镇…");
	free(c);
}

/* An error message too long for its buffer ends in "…" at a whole
 * character, whichever byte the cut falls on, by err_set or err_prefix. */
static void test_err_cut_whole_chars(void **state)
{
	(void)state;
	struct err e;
	for (int pad = 0; pad < 3; pad++) {
		char pre[4] = "xx";
		pre[pad] = '\0';
		struct strbuf sb;
		sb_init(&sb);
		sb_puts(&sb, pre);
		while (sb.len < 2 * sizeof e.msg)
			sb_puts(&sb, "监测员");
		err_set(&e, ERR_FAIL, "%s", sb.buf);
		assert_true(str_valid_utf8(e.msg));
		assert_int_equal(strcmp(e.msg + strlen(e.msg) - 3, "…"), 0);
		err_set(&e, ERR_FAIL, "%s", sb.buf + strlen(pre) + 3 * (sizeof e.msg / 3));
		err_prefix(&e, "%s", pre);
		assert_true(str_valid_utf8(e.msg));
		assert_int_equal(strcmp(e.msg + strlen(e.msg) - 3, "…"), 0);
		sb_finish(&sb);
	}
	err_set(&e, ERR_FAIL, "%s", "短");
	err_prefix(&e, "%s", "乡镇");
	assert_string_equal(e.msg, "乡镇: 短");
}

/* Full-width separators made ASCII, and nothing else touched: 县 and 领
 * hold bytes of "，" and "、" (0xBC, 0x80) that strtok would split at. */
static void test_list_ascii(void **state)
{
	(void)state;
	char *s = str_list_ascii("县领导，坡头乡、芝河镇；13900000001\u3000ok");
	assert_string_equal(s, "县领导,坡头乡,芝河镇,13900000001 ok");
	free(s);
	s = str_list_ascii(NULL);
	assert_string_equal(s, "");
	free(s);
}

int main(void)
{
	if (!width_init_locale()) {
		print_message("no UTF-8 locale available\n");
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_text_width, reset),
		cmocka_unit_test_setup(test_text_fit, reset),
		cmocka_unit_test_setup(test_cell_pad_and_cut, reset),
		cmocka_unit_test_setup(test_controls, reset),
		cmocka_unit_test_setup(test_invalid_bytes, reset),
		cmocka_unit_test_setup(test_ambiguous, reset),
		cmocka_unit_test_setup(test_valid_utf8, reset),
		cmocka_unit_test_setup(test_err_cut_whole_chars, reset),
		cmocka_unit_test_setup(test_list_ascii, reset),
		cmocka_unit_test_setup(test_wrap_cases, reset),
		cmocka_unit_test_setup(test_wrap_combining_and_wide, reset),
		cmocka_unit_test_setup(test_ellipsis_mark, reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
