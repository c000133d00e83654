/* The catalogue read without gettext (util/i18n.c): lookups, a damaged
 * or foreign file refused whole, the language chosen from config and the
 * environment with no locale installed; and the terminal's encoding
 * (util/termenc.c): conversion both ways, chunks cut anywhere, and
 * placeholders that keep every character to its width. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "dutydesk/i18n.h"
#include "dutydesk/termenc.h"
#include "dutydesk/width.h"

static char tmp[64];

static const char *mo_path(void)
{
	const char *p = getenv("DUTYDESK_TEST_MO");
	return p ? p : DD_BUILD_LOCALEDIR "/zh_CN/LC_MESSAGES/dutydesk.mo";
}

static void put32(unsigned char *p, uint32_t v, bool big)
{
	for (int i = 0; i < 4; i++)
		p[big ? 3 - i : i] = (unsigned char)(v >> (8 * i));
}

/* A .mo file of n pairs (sorted as given) in either byte order. */
static const char *write_mo(const char *name, const char *const *orig,
			    const char *const *trans, uint32_t n, bool big)
{
	static char path[128];
	snprintf(path, sizeof path, "%s/%s", tmp, name);
	unsigned char buf[4096];
	memset(buf, 0, sizeof buf);
	uint32_t oo = 28, to = oo + 8 * n, at = to + 8 * n;
	put32(buf, 0x950412de, big);
	put32(buf + 8, n, big);
	put32(buf + 12, oo, big);
	put32(buf + 16, to, big);
	for (uint32_t i = 0; i < n; i++) {
		for (int t = 0; t < 2; t++) {
			const char *s = t ? trans[i] : orig[i];
			uint32_t len = (uint32_t)strlen(s);
			put32(buf + (t ? to : oo) + 8 * i, len, big);
			put32(buf + (t ? to : oo) + 8 * i + 4, at, big);
			memcpy(buf + at, s, len + 1);
			at += len + 1;
		}
	}
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fwrite(buf, 1, at, f);
	fclose(f);
	return path;
}

static const char *HEADER = "Content-Type: text/plain; charset=UTF-8\n";

static void test_catalogue(void **state)
{
	char why[600];
	assert_true(i18n_load(mo_path(), why, sizeof why));
	assert_string_equal(i18n_tr("entry added to the duty log"), "已记入值班日志");
	assert_string_equal(i18n_tr("no such message at all"), "no such message at all");
	assert_string_equal(i18n_tr(""), "");
	assert_string_equal(i18n_catalogue(), mo_path());
	i18n_load(NULL, NULL, 0);
	assert_string_equal(i18n_tr("entry added to the duty log"), "entry added to the duty log");
}

static void test_byte_orders(void **state)
{
	const char *orig[] = {"", "apple", "pear"}, *trans[] = {HEADER, "苹果", "梨"};
	char why[600];
	for (int big = 0; big < 2; big++) {
		assert_true(i18n_load(write_mo("ok.mo", orig, trans, 3, big), why, sizeof why));
		assert_string_equal(i18n_tr("apple"), "苹果");
		assert_string_equal(i18n_tr("pear"), "梨");
		assert_string_equal(i18n_tr("plum"), "plum");
	}
}

static void test_damaged_refused(void **state)
{
	char why[600];
	/* unsorted: a binary search would miss entries */
	const char *uo[] = {"", "pear", "apple"}, *ut[] = {HEADER, "梨", "苹果"};
	assert_false(i18n_load(write_mo("unsorted.mo", uo, ut, 3, false), why, sizeof why));
	assert_non_null(strstr(why, "not a well-formed"));
	assert_string_equal(i18n_tr("apple"), "apple");
	/* another charset */
	const char *go[] = {"", "apple"}, *gt[] = {"charset=GBK\n", "x"};
	assert_false(i18n_load(write_mo("gbk.mo", go, gt, 2, false), why, sizeof why));
	assert_non_null(strstr(why, "UTF-8"));
	/* every cut of a good file is refused, never read past its end */
	const char *orig[] = {"", "apple"}, *trans[] = {HEADER, "苹果"};
	const char *good = write_mo("good.mo", orig, trans, 2, false);
	FILE *f = fopen(good, "rb");
	unsigned char all[4096];
	size_t size = fread(all, 1, sizeof all, f);
	fclose(f);
	char cut[128];
	snprintf(cut, sizeof cut, "%s/cut.mo", tmp);
	for (size_t n = 0; n < size; n++) {
		f = fopen(cut, "wb");
		fwrite(all, 1, n, f);
		fclose(f);
		if (i18n_load(cut, why, sizeof why))
			fail_msg("a file cut to %zu of %zu bytes was taken", n, size);
	}
	/* a length that points past the end */
	all[28 + 8] = 0xff;
	all[28 + 9] = 0xff;
	f = fopen(cut, "wb");
	fwrite(all, 1, size, f);
	fclose(f);
	assert_false(i18n_load(cut, why, sizeof why));
	assert_false(i18n_load("/nonexistent/dutydesk.mo", why, sizeof why));
	assert_non_null(strstr(why, "cannot be read"));
}

static void clear_env(void)
{
	unsetenv("LANGUAGE");
	unsetenv("LC_ALL");
	unsetenv("LC_MESSAGES");
	unsetenv("LANG");
	unsetenv("DUTYDESK_LOCALEDIR");
}

static void test_language_choice(void **state)
{
	clear_env();
	assert_false(i18n_wants_zh(""));
	assert_true(i18n_wants_zh("zh"));
	setenv("LANG", "zh_CN.UTF-8", 1);
	assert_true(i18n_wants_zh("auto"));
	assert_true(i18n_wants_zh(NULL));
	assert_false(i18n_wants_zh("en")); /* config wins */
	setenv("LC_ALL", "C.UTF-8", 1);    /* LC_ALL before LANG */
	assert_false(i18n_wants_zh(""));
	setenv("LANGUAGE", "zh_CN:en", 1); /* LANGUAGE first, under any locale */
	assert_true(i18n_wants_zh(""));
	setenv("LANGUAGE", ":en_US:zh_CN", 1);
	assert_false(i18n_wants_zh(""));
	clear_env();
	setenv("LANG", "C", 1);
	assert_true(i18n_wants_zh("zh"));
	assert_false(i18n_wants_zh(""));
	setenv("LC_MESSAGES", "zh_CN.GBK", 1);
	assert_true(i18n_wants_zh(""));
	setenv("LC_MESSAGES", "zhx", 1);
	assert_false(i18n_wants_zh(""));
	clear_env();
}

static void test_init_finds_build_catalogue(void **state)
{
	clear_env();
	char note[600];
	setenv("LANG", "zh_CN.UTF-8", 1); /* not installed here: no matter */
	assert_true(i18n_init("", note, sizeof note));
	assert_true(i18n_zh());
	assert_string_equal(note, "");
	/* run from the build tree: the build tree's catalogue */
	assert_int_equal(strncmp(i18n_catalogue(), DD_BUILD_LOCALEDIR, strlen(DD_BUILD_LOCALEDIR)),
			 0);
	assert_string_equal(_("entry added to the duty log"), "已记入值班日志");
	assert_false(i18n_init("en", note, sizeof note));
	assert_string_equal(_("entry added to the duty log"), "entry added to the duty log");
	setenv("DUTYDESK_LOCALEDIR", tmp, 1);
	assert_false(i18n_init("zh", note, sizeof note));
	assert_non_null(strstr(note, tmp));
	clear_env();
}

/* DUTYDESK_I18N_MISSES: each English text the Chinese interface was
 * about to show, once; translations and texts without words are not. */
static void test_misses(void **state)
{
	clear_env();
	char path[128], note[600];
	snprintf(path, sizeof path, "%s/misses.txt", tmp);
	setenv("DUTYDESK_I18N_MISSES", path, 1);
	assert_false(i18n_init("en", note, sizeof note));
	(void)_("not in the catalogue, in English");
	i18n_check_shown("never marked, in English");
	assert_true(i18n_init("zh", note, sizeof note));
	assert_string_equal(_("not in the catalogue"), "not in the catalogue");
	(void)_("not in the catalogue");
	/* a translation, English words and all */
	assert_string_not_equal(_("--format: '%s': expected csv or json"),
				"--format: '%s': expected csv or json");
	i18n_check_shown(_("--format: '%s': expected csv or json"));
	i18n_check_shown("%s: %s");
	i18n_check_shown("--%s: %lld");
	i18n_check_shown("no such %s\nat all");
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char buf[256];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	assert_string_equal(buf, "not in the catalogue\nno such %s|at all\n");
	unsetenv("DUTYDESK_I18N_MISSES");
	i18n_init("en", note, sizeof note);
	clear_env();
}

/* ---- the terminal's encoding ---- */

static char *out(struct termenc *t, const char *s)
{
	struct strbuf sb;
	sb_init(&sb);
	termenc_out(t, s, strlen(s), &sb);
	sb_putc(&sb, '\0');
	return sb.buf;
}

static void test_choose(void **state)
{
	char name[32], why[200];
	unsetenv("DUTYDESK_TERMINAL_ENCODING");
	termenc_choose("cp936", name, sizeof name, why, sizeof why);
	assert_string_equal(name, "GBK");
	termenc_choose("utf-8", name, sizeof name, why, sizeof why);
	assert_string_equal(name, "");
	termenc_choose("no-such-code", name, sizeof name, why, sizeof why);
	assert_string_equal(name, "");
	assert_non_null(strstr(why, "no-such-code"));
	setenv("DUTYDESK_TERMINAL_ENCODING", "gb18030", 1);
	termenc_choose("GBK", name, sizeof name, why, sizeof why);
	assert_string_equal(name, "GB18030");
	unsetenv("DUTYDESK_TERMINAL_ENCODING");
	/* with nothing said, the locale's codeset (UTF-8 in this test) */
	termenc_choose("", name, sizeof name, why, sizeof why);
	assert_string_equal(name, "");
}

static void test_out(void **state)
{
	struct termenc t;
	struct err e;
	assert_true(termenc_open(&t, "GBK", &e));
	char *s = out(&t, "\x1b[1m值班 ok\x1b[0m");
	assert_string_equal(s, "\x1b[1m\xd6\xb5\xb0\xe0 ok\x1b[0m");
	free(s);
	/* narrow in UTF-8, two cells in GBK: an ASCII look-alike */
	s = out(&t, "a…b─c│“d”");
	assert_string_equal(s, "a.b-c|\"d\"");
	free(s);
	/* not in GBK: a wide placeholder for a wide character */
	s = out(&t, "x😀y");
	assert_string_equal(s, "x\xa3\xbfy"); /* ？ */
	free(s);
	/* a character cut between two chunks comes out whole */
	struct strbuf sb;
	sb_init(&sb);
	const char *z = "值"; /* E5 80 BC */
	termenc_out(&t, z, 1, &sb);
	assert_int_equal(sb.len, 0);
	termenc_out(&t, z + 1, 1, &sb);
	termenc_out(&t, z + 2, 2, &sb); /* and the NUL after it */
	assert_int_equal(sb.len, 3);
	assert_memory_equal(sb.buf, "\xd6\xb5\0", 3);
	sb.len = 0;
	termenc_out(&t, "\xe5", 1, &sb); /* a broken sequence: one '?', then the rest */
	termenc_out(&t, "x", 1, &sb);
	assert_int_equal(sb.len, 2);
	assert_memory_equal(sb.buf, "?x", 2);
	sb_finish(&sb);
	termenc_close(&t);

	/* GB2312 lacks 镕 (U+9555): wide placeholder, the columns stay */
	assert_true(termenc_open(&t, "GB2312", &e));
	s = out(&t, "朱镕基");
	assert_int_equal(strlen(s), 6);
	assert_memory_equal(s + 2, "\xa3\xbf", 2);
	free(s);
	termenc_close(&t);
}

/* On a double-byte terminal every byte is one cell: the bytes written for
 * a line are its width as curses counted it. */
static void test_out_keeps_widths(void **state)
{
	static const char *const lines[] = {
		"永和县 值班室  值班员: 测试员  ⚠ 超时 4 …", "①②③ ‘引号’ —— ★☆ ● ○ → ← ↑ ↓ ×",
		"ＡＢＣ１２３ ｶﾀｶﾅ é ü ß Ω Ж", "┌─┬─┐│ │└─┴─┘ ░█ 𠀀𪚥 😀 ",
	};
	struct termenc t;
	struct err e;
	const char *codes[] = {"GBK", "GB2312"};
	for (size_t c = 0; c < 2; c++) {
		assert_true(termenc_open(&t, codes[c], &e));
		for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
			char *s = out(&t, lines[i]);
			int w = text_width(lines[i]);
			if ((int)strlen(s) != w)
				fail_msg("%s: '%s' is %d cells, %zu bytes on the terminal", codes[c],
					 lines[i], w, strlen(s));
			free(s);
		}
		termenc_close(&t);
	}
}

static void test_in(void **state)
{
	struct termenc t;
	struct err e;
	assert_true(termenc_open(&t, "GBK", &e));
	struct strbuf sb;
	sb_init(&sb);
	/* 值班 in GBK, cut after a lead byte, with an escape sequence */
	termenc_in(&t, "\x1b[A\xd6", 4, &sb);
	termenc_in(&t, "\xb5\xb0\xe0\r", 4, &sb);
	sb_putc(&sb, '\0');
	assert_string_equal(sb.buf, "\x1b[A值班\r");
	sb.len = 0;
	termenc_in(&t, "a\xffz", 3, &sb); /* 0xFF starts nothing in GBK */
	sb_putc(&sb, '\0');
	assert_string_equal(sb.buf, "a?z");
	sb_finish(&sb);
	termenc_close(&t);
}

int main(void)
{
	width_init_locale();
	width_set_ambiguous(1);
	snprintf(tmp, sizeof tmp, "/tmp/dd-i18n.XXXXXX");
	if (!mkdtemp(tmp))
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_catalogue),
		cmocka_unit_test(test_byte_orders),
		cmocka_unit_test(test_damaged_refused),
		cmocka_unit_test(test_language_choice),
		cmocka_unit_test(test_init_finds_build_catalogue),
		cmocka_unit_test(test_misses),
		cmocka_unit_test(test_choose),
		cmocka_unit_test(test_out),
		cmocka_unit_test(test_out_keeps_widths),
		cmocka_unit_test(test_in),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		rc = rc ? rc : 1;
	return rc;
}
