/* UTF-8 <-> the terminal's encoding (see termenc.h). */
#define _XOPEN_SOURCE 700
#include "dutydesk/termenc.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

#include "dutydesk/i18n.h"
#include "dutydesk/width.h"

/* Names people write, to iconv's. */
static const struct {
	const char *alias, *name;
} aliases[] = {
	{"gbk", "GBK"},         {"cp936", "GBK"},        {"936", "GBK"},
	{"gb18030", "GB18030"}, {"gb2312", "GB2312"},    {"euc-cn", "GB2312"},
	{"euccn", "GB2312"},    {"big5", "BIG5"},        {"big5-hkscs", "BIG5-HKSCS"},
};

static bool is_utf8(const char *s)
{
	return !strcasecmp(s, "UTF-8") || !strcasecmp(s, "utf8");
}

void termenc_choose(const char *configured, char *name, size_t n, char *why, size_t wn)
{
	name[0] = '\0';
	if (why && wn)
		why[0] = '\0';
	const char *env = getenv("DUTYDESK_TERMINAL_ENCODING");
	const char *want = env && *env ? env : configured && *configured ? configured : NULL;
	bool asked = want != NULL;
	if (!want) {
		want = width_user_codeset();
		/* Only the Chinese encodings are taken from the locale: a plain
		 * C/POSIX locale (ANSI_X3.4-1968) has always meant UTF-8 here. */
		bool known = false;
		for (size_t i = 0; i < ARRAY_LEN(aliases); i++)
			known |= !strcasecmp(want, aliases[i].alias);
		if (!known)
			return;
	}
	if (!*want || is_utf8(want) || !strcasecmp(want, "auto"))
		return;
	const char *iname = want;
	for (size_t i = 0; i < ARRAY_LEN(aliases); i++)
		if (!strcasecmp(want, aliases[i].alias))
			iname = aliases[i].name;
	iconv_t a = iconv_open(iname, "UTF-8"), b = iconv_open("UTF-8", iname);
	bool ok = a != (iconv_t)-1 && b != (iconv_t)-1;
	if (a != (iconv_t)-1)
		iconv_close(a);
	if (b != (iconv_t)-1)
		iconv_close(b);
	if (!ok) {
		if (why && wn && asked)
			snprintf(why, wn, _("terminal encoding '%s' is not known: using UTF-8"), want);
		return;
	}
	snprintf(name, n, "%s", iname);
}

bool termenc_open(struct termenc *t, const char *name, struct err *e)
{
	memset(t, 0, sizeof *t);
	iconv_t a = iconv_open(name, "UTF-8");
	iconv_t b = iconv_open("UTF-8", name);
	if (a == (iconv_t)-1 || b == (iconv_t)-1) {
		if (a != (iconv_t)-1)
			iconv_close(a);
		if (b != (iconv_t)-1)
			iconv_close(b);
		return err_set(e, ERR_FAIL, "terminal encoding '%s' is not known", name);
	}
	t->to_term = a;
	t->from_term = b;
	snprintf(t->name, sizeof t->name, "%s", name);
	return true;
}

void termenc_close(struct termenc *t)
{
	if (t->to_term)
		iconv_close((iconv_t)t->to_term);
	if (t->from_term)
		iconv_close((iconv_t)t->from_term);
	t->to_term = t->from_term = NULL;
}

/* An ASCII look-alike of a narrow character that a double-byte terminal
 * would draw two cells wide. */
static char narrow_stand_in(uint32_t cp)
{
	if (cp == 0x2500 || cp == 0x2501 || cp == 0x2013 || cp == 0x2014 || cp == 0x2015 ||
	    cp == 0x2212)
		return '-';
	if (cp == 0x2502 || cp == 0x2503)
		return '|';
	if (cp >= 0x2500 && cp <= 0x257F)
		return '+';
	if (cp == 0x2018 || cp == 0x2019)
		return '\'';
	if (cp == 0x201C || cp == 0x201D)
		return '"';
	if (cp == 0x2026 || cp == 0x00B7 || cp == 0x2022)
		return '.';
	if (cp == 0x2190)
		return '<';
	if (cp == 0x2192)
		return '>';
	if (cp == 0x2191)
		return '^';
	if (cp == 0x2193)
		return 'v';
	if (cp == 0x00D7)
		return 'x';
	if (cp == 0x25CF || cp == 0x25CB || cp == 0x2605 || cp == 0x2606)
		return '*';
	return '?';
}

/* Converts the one character s[0..k) with to_term into out; returns the
 * number of bytes written (0 when the encoding has no such character). */
static size_t convert_one(iconv_t cd, const char *s, size_t k, char *out, size_t cap)
{
	char *in = (char *)s, *o = out;
	size_t il = k, ol = cap;
	iconv(cd, NULL, NULL, NULL, NULL);
	if (iconv(cd, &in, &il, &o, &ol) == (size_t)-1 || il != 0)
		return 0;
	/* stateful encodings end with their reset sequence */
	iconv(cd, NULL, NULL, &o, &ol);
	return cap - ol;
}

static void out_char(struct termenc *t, const char *s, size_t k, uint32_t cp,
		     struct strbuf *out)
{
	if (cp < 0x80) {
		sb_add(out, s, k);
		return;
	}
	/* the width curses gave it, in the program's UTF-8 locale */
	int w = cp == 0xFFFD && k == 1 ? 1 : wcwidth((wchar_t)cp);
	if (w <= 0) /* a combining mark: takes no cell, shown or not */
		w = 0;
	char buf[16];
	size_t m = cp == 0xFFFD && k == 1 ? 0 : convert_one((iconv_t)t->to_term, s, k, buf, sizeof buf);
	if (m > 0 && (w != 1 || m == 1)) {
		sb_add(out, buf, m);
	} else if (m > 0 || w == 1) {
		sb_putc(out, m > 0 ? narrow_stand_in(cp) : '?');
	} else if (w == 2) {
		static const char wide_q[] = "\xEF\xBC\x9F"; /* ？ */
		m = convert_one((iconv_t)t->to_term, wide_q, 3, buf, sizeof buf);
		if (m > 0)
			sb_add(out, buf, m);
		else
			sb_puts(out, "??");
	}
}

void termenc_out(struct termenc *t, const char *buf, size_t n, struct strbuf *out)
{
	char joined[16];
	/* finish the character held from the last chunk */
	if (t->nheld_out > 0 && n > 0) {
		size_t h = t->nheld_out, j = 0;
		unsigned char lead = (unsigned char)t->held_out[0];
		size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
		while (j < n && h + j < want && ((unsigned char)buf[j] & 0xC0) == 0x80)
			j++;
		if (h + j < want && j == n) { /* still not whole */
			memcpy(t->held_out + h, buf, j);
			t->nheld_out += j;
			return;
		}
		memcpy(joined, t->held_out, h);
		memcpy(joined + h, buf, j);
		joined[h + j] = '\0';
		uint32_t cp;
		size_t k = utf8_decode(joined, &cp);
		if (k == h + j)
			out_char(t, joined, k, cp, out);
		else
			out_char(t, joined, 1, 0xFFFD, out); /* a broken sequence: one '?' */
		buf += j;
		n -= j;
		t->nheld_out = 0;
	}
	size_t i = 0;
	while (i < n) {
		unsigned char c = (unsigned char)buf[i];
		if (c < 0x80) { /* a run of ASCII: escape sequences, spaces */
			size_t j = i;
			while (j < n && (unsigned char)buf[j] < 0x80)
				j++;
			sb_add(out, buf + i, j - i);
			i = j;
			continue;
		}
		size_t want = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
		if (want > 1 && i + want > n) {
			/* cut at the chunk's end: hold it if it can still be one */
			bool cont = true;
			for (size_t j = i + 1; j < n; j++)
				cont &= ((unsigned char)buf[j] & 0xC0) == 0x80;
			if (cont && c < 0xF8) {
				memcpy(t->held_out, buf + i, n - i);
				t->nheld_out = n - i;
				return;
			}
		}
		memcpy(joined, buf + i, i + 4 <= n ? 4 : n - i);
		joined[i + 4 <= n ? 4 : n - i] = '\0';
		uint32_t cp;
		size_t k = utf8_decode(joined, &cp);
		out_char(t, buf + i, k, cp, out);
		i += k;
	}
}

void termenc_in(struct termenc *t, const char *buf, size_t n, struct strbuf *out)
{
	struct strbuf all;
	sb_init(&all);
	sb_add(&all, t->held_in, t->nheld_in);
	sb_add(&all, buf, n);
	t->nheld_in = 0;
	char *in = all.buf ? all.buf : (char *)"";
	size_t il = all.len;
	char tmp[512];
	while (il > 0) {
		char *o = tmp;
		size_t ol = sizeof tmp;
		size_t r = iconv((iconv_t)t->from_term, &in, &il, &o, &ol);
		sb_add(out, tmp, sizeof tmp - ol);
		if (r != (size_t)-1 || errno == E2BIG)
			continue;
		if (errno == EINVAL && il < sizeof t->held_in) {
			memcpy(t->held_in, in, il); /* the rest comes with the next read */
			t->nheld_in = il;
			break;
		}
		sb_putc(out, '?'); /* EILSEQ: not a character */
		in++;
		il--;
		iconv((iconv_t)t->from_term, NULL, NULL, NULL, NULL);
	}
	sb_finish(&all);
}
