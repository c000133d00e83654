/* Pinyin initials: the usual reading's, every reading for matching. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dutydesk/pinyin.h"
#include "dutydesk/util.h"

static void initials_is(const char *text, const char *want)
{
	char *got = pinyin_initials(text);
	assert_string_equal(got, want);
	free(got);
}

static void test_initials(void **state)
{
	initials_is("张书记", "zsj");
	initials_is("县应急管理局", "xyjglj");
	initials_is("芝河镇", "zhz");
	initials_is("打石腰乡", "dsyx");
	initials_is("王明 Wang 2", "wmwang2"); /* Latin kept, blanks left out */
	initials_is("", "");
	initials_is("（）—", "");
	initials_is("㐀", "q"); /* U+3400, the first of the table */
}

static void test_match(void **state)
{
	assert_true(pinyin_match("张书记", "zsj"));
	assert_true(pinyin_match("张书记", "ZSJ"));
	assert_true(pinyin_match("县委书记", "sj")); /* consecutive characters anywhere */
	assert_false(pinyin_match("县委书记", "xsj"));
	assert_false(pinyin_match("张书记", "zsjx"));
	/* every reading counts: 单 is dān, chán and shàn; 曾 céng and zēng */
	assert_true(pinyin_match("单", "d"));
	assert_true(pinyin_match("单", "s"));
	assert_true(pinyin_match("曾", "z"));
	assert_true(pinyin_match("曾", "c"));
	assert_false(pinyin_match("张", "w"));
	assert_true(pinyin_match("任何", ""));
	assert_false(pinyin_match("138", "1"));
	assert_false(pinyin_match("张书记", "z j"));
	assert_true(pinyin_query("zsj"));
	assert_false(pinyin_query("张"));
	assert_false(pinyin_query(""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_initials),
		cmocka_unit_test(test_match),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
