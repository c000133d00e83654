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
static const char *ellipsis = "\xE2\x80\xA6"; /* … */

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
	int w = text_width(s), ew = text_width(ellipsis);
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
		sb_puts(sb, ellipsis);
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

void width_set_ellipsis(const char *mark)
{
	ellipsis = mark && *mark ? mark : "\xE2\x80\xA6";
}

const char *width_ellipsis(void)
{
	return ellipsis;
}

/* A line may not start with these (they close what came before) ... */
static bool closes(uint32_t cp)
{
	static const uint32_t set[] = {0xFF0C, 0x3002, 0x3001, 0xFF1B, 0xFF1A, 0xFF1F, 0xFF01,
		0xFF09, 0x300D, 0x300F, 0x300B, 0x3009, 0x3011, 0x3015, 0x201D, 0x2019, 0x2026,
		0x00B7, 0xFF05, 0xFF0E, 0x30FC, 0x2014, ',', '.', ';', ':', '?', '!', ')', ']',
		'}', '%', '\'', '"'};
	for (size_t i = 0; i < sizeof set / sizeof set[0]; i++)
		if (set[i] == cp)
			return true;
	return false;
}

/* ... nor end with these (they open what follows). */
static bool opens(uint32_t cp)
{
	return cp == 0xFF08 || cp == 0x300C || cp == 0x300E || cp == 0x300A || cp == 0x3008 ||
	       cp == 0x3010 || cp == 0x3014 || cp == 0x201C || cp == 0x2018 || cp == '(' ||
	       cp == '[' || cp == '{';
}

static bool is_alnum(uint32_t cp)
{
	return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
}

/* May a line break between prev and cp (neither a blank)? */
static bool may_break(uint32_t prev, uint32_t cp)
{
	if (closes(cp) || opens(prev))
		return false;
	if (cp_width(prev) == 2 || cp_width(cp) == 2)
		return true; /* Chinese has no blanks: between any two characters */
	return (prev == '-' || prev == '/') && is_alnum(cp);
}

size_t text_wrap_line(const char *s, int width, size_t *next)
{
	if (width < 1)
		width = 1;
	const char *p = s;
	int w = 0;
	size_t brk = 0, brk_next = 0;
	uint32_t prev = 0;
	while (*p && *p != '\n') {
		if (*p == ' ') {
			const char *q = p;
			while (*q == ' ')
				q++;
			if (w + (int)(q - p) > width || *q == '\n' || !*q) {
				/* the blanks end the line (and are not shown) */
				*next = (size_t)(q - s) + (*q == '\n');
				return (size_t)(p - s);
			}
			if (p > s) {
				brk = (size_t)(p - s);
				brk_next = (size_t)(q - s);
			}
			w += (int)(q - p);
			p = q;
			prev = ' ';
			continue;
		}
		uint32_t cp;
		size_t n = utf8_decode(p, &cp);
		int cw = cp_width(cp);
		if (cw > 0 && p > s && prev != ' ' && prev && may_break(prev, cp))
			brk = brk_next = (size_t)(p - s);
		if (cw > 0 && w + cw > width) {
			if (brk > 0) {
				*next = brk_next;
				return brk;
			}
			if (p == s) { /* wider than the line: it goes alone */
				p += n;
				while (*p && *p != '\n') {
					size_t k = utf8_decode(p, &cp);
					if (cp_width(cp) != 0 || *p == ' ')
						break;
					p += k;
				}
			}
			*next = (size_t)(p - s);
			return (size_t)(p - s);
		}
		w += cw;
		p += n;
		if (cw > 0)
			prev = cp;
	}
	*next = (size_t)(p - s) + (*p == '\n');
	return (size_t)(p - s);
}

int sb_wrap(struct strbuf *sb, const char *s, int width, const char *indent)
{
	int lines = 0, iw = indent ? text_width(indent) : 0;
	size_t off = 0, nx;
	while (s[off]) {
		int room = lines && width - iw >= 1 ? width - iw : width;
		size_t n = text_wrap_line(s + off, room, &nx);
		if (lines && indent && room < width)
			sb_puts(sb, indent);
		put_safe(sb, s + off, n, false);
		sb_putc(sb, '\n');
		lines++;
		off += nx;
	}
	return lines;
}

int text_wrap_count(const char *s, int width)
{
	int lines = 0;
	size_t off = 0, nx;
	while (s[off]) {
		text_wrap_line(s + off, width, &nx);
		off += nx;
		lines++;
	}
	return lines;
}
