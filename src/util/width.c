#define _XOPEN_SOURCE 700
#include "dutydesk/width.h"

#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

static int ambiguous_cells = 1;
static char user_codeset[64];

/* The codeset a locale name asks for ("zh_CN.GBK@x" -> "GBK"), or "". */
static void codeset_of(const char *name, char *out, size_t n)
{
	out[0] = '\0';
	const char *dot = name ? strchr(name, '.') : NULL;
	if (!dot)
		return;
	size_t k = strcspn(dot + 1, "@");
	if (k >= n)
		k = n - 1;
	memcpy(out, dot + 1, k);
	out[k] = '\0';
}

bool width_init_locale(void)
{
	const char *want = getenv("LC_ALL");
	if (!want || !*want)
		want = getenv("LC_CTYPE");
	if (!want || !*want)
		want = getenv("LANG");
	if (setlocale(LC_ALL, "")) {
		snprintf(user_codeset, sizeof user_codeset, "%s", nl_langinfo(CODESET));
	} else {
		/* A locale that was never generated must not stop anything: its
		 * name still says what the terminal speaks (LANG=zh_CN.GBK). */
		codeset_of(want, user_codeset, sizeof user_codeset);
		setlocale(LC_ALL, "C");
	}
	if (strcmp(nl_langinfo(CODESET), "UTF-8") == 0)
		return true;
	/* Data is UTF-8 whatever the user's locale: measure it as such. */
	return setlocale(LC_CTYPE, "C.UTF-8") != NULL;
}

const char *width_user_codeset(void)
{
	return user_codeset;
}

void width_set_ambiguous(int cells)
{
	ambiguous_cells = cells == 2 ? 2 : 1;
}

size_t utf8_decode(const char *str, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned c = s[0], n;
	uint32_t v;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xE0) == 0xC0) {
		n = 1, v = c & 0x1F;
	} else if ((c & 0xF0) == 0xE0) {
		n = 2, v = c & 0x0F;
	} else if ((c & 0xF8) == 0xF0) {
		n = 3, v = c & 0x07;
	} else {
		*cp = 0xFFFD;
		return 1;
	}
	for (unsigned i = 1; i <= n; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*cp = 0xFFFD;
			return 1;
		}
		v = (v << 6) | (s[i] & 0x3F);
	}
	if ((n == 1 && v < 0x80) || (n == 2 && v < 0x800) || (n == 3 && v < 0x10000) ||
	    v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
		*cp = 0xFFFD;
		return 1;
	}
	*cp = v;
	return n + 1;
}

static bool is_control(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0);
}

/* The common East Asian ambiguous characters met in Chinese office text:
 * curly quotes, ellipsis, circled and parenthesised numbers, Roman numerals,
 * arrows, Greek and Cyrillic letters, box drawing. Everything else follows
 * wcwidth() unchanged. */
static bool is_ambiguous(uint32_t cp)
{
	return (cp >= 0x2018 && cp <= 0x201F) || cp == 0x2026 || cp == 0x00B7 ||
	       (cp >= 0x2460 && cp <= 0x24FF) || (cp >= 0x2160 && cp <= 0x217F) ||
	       (cp >= 0x2190 && cp <= 0x21FF) || (cp >= 0x0391 && cp <= 0x03C9) ||
	       (cp >= 0x0401 && cp <= 0x0451) || (cp >= 0x2500 && cp <= 0x257F) ||
	       cp == 0x00A7 || cp == 0x00B0 || cp == 0x00D7 || cp == 0x00F7 ||
	       cp == 0x2030 || cp == 0x203B || cp == 0x2103 || cp == 0x2116;
}

int cp_width(uint32_t cp)
{
	if (is_control(cp))
		return 1; /* shown as '?' */
	int w = wcwidth((wchar_t)cp);
	if (w < 0)
		w = 1;
	if (w == 1 && ambiguous_cells == 2 && is_ambiguous(cp))
		w = 2;
	return w;
}

int text_width(const char *s)
{
	int w = 0;
	uint32_t cp;
	while (*s) {
		s += utf8_decode(s, &cp);
		w += cp_width(cp);
	}
	return w;
}

size_t text_fit(const char *s, int max, int *used)
{
	const char *p = s;
	int w = 0;
	uint32_t cp;
	while (*p) {
		size_t n = utf8_decode(p, &cp);
		int cw = cp_width(cp);
		if (w + cw > max)
			break;
		w += cw;
		p += n;
	}
	if (used)
		*used = w;
	return (size_t)(p - s);
}

/* Appends s[0..n) with controls as '?' (newlines kept only when asked)
 * and invalid bytes as U+FFFD. */
static void put_safe(struct strbuf *sb, const char *s, size_t n, bool newlines)
{
	const char *end = s + n;
	uint32_t cp;
	while (s < end) {
		size_t k = utf8_decode(s, &cp);
		if (is_control(cp) && !(newlines && cp == '\n'))
			sb_putc(sb, '?');
		else if (cp == 0xFFFD && k == 1)
			sb_puts(sb, "\xEF\xBF\xBD");
		else
			sb_add(sb, s, k);
		s += k;
	}
}

void sb_safe(struct strbuf *sb, const char *s)
{
	put_safe(sb, s, strlen(s), true);
}

static void pad(struct strbuf *sb, int n)
{
	for (; n > 0; n--)
		sb_putc(sb, ' ');
}

void sb_cell(struct strbuf *sb, const char *s, int cells, bool right)
{
	if (!s)
		s = "";
	int w = text_width(s), ew = cp_width(0x2026);
	size_t n = strlen(s);
	bool cut = w > cells;
	if (cut && cells <= ew) {
		n = text_fit(s, cells, &w);
		cut = false;
	} else if (cut) {
		n = text_fit(s, cells - ew, &w);
		w += ew;
	}
	if (right)
		pad(sb, cells - w);
	put_safe(sb, s, n, false);
	if (cut)
		sb_puts(sb, "\xE2\x80\xA6"); /* … */
	if (!right)
		pad(sb, cells - w);
}

void utf8_trim_partial(char *s)
{
	size_t n = strlen(s), i = n;
	/* back over continuation bytes to the last lead byte */
	while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
		i--;
	if (i == 0)
		return;
	unsigned char lead = (unsigned char)s[i - 1];
	size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
	if (n - (i - 1) < want)
		s[i - 1] = '\0';
}
