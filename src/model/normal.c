/* What clerks type into registers, made into what the fields read:
 * NFKC (full-width digits and letters), ideographic and no-break spaces
 * trimmed, thousands separators, "约" and units after numbers, the date
 * forms spreadsheets write, Excel serial days and degrees-minutes-seconds.
 * Each change is named (enum norm_kind) so that an import can say what it
 * did. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "dutydesk/dynlib.h"
#include "dutydesk/i18n.h"
#include "dutydesk/model.h"
#include "dutydesk/sheet.h"

/* libutf8proc is opened at the first normalisation (dutydesk/dynlib.h). */
static struct {
	__typeof__(utf8proc_NFKC) *NFKC;
} UP;
static const struct dynlib_sym up_syms[] = {{"utf8proc_NFKC", offsetof(__typeof__(UP), NFKC)}};
static const char *const up_names[] = {"libutf8proc.so.2", "libutf8proc.so", NULL};
static struct dynlib up_lib = {up_names, "libutf8proc2", up_syms, 1, &UP, NULL};

char *norm_nfkc(const char *s)
{
	struct err e = {0};
	if (!dynlib_load(&up_lib, &e)) {
		/* the form as typed: full-width digits are then refused by the
		 * field, with the reason, never taken wrong */
		static bool said;
		if (!said)
			fprintf(stderr, "dutydesk: %s\n", e.msg);
		said = true;
		return xstrdup(s);
	}
	utf8proc_uint8_t *n = UP.NFKC((const utf8proc_uint8_t *)s);
	return n ? (char *)n : xstrdup(s);
}

/* U+3000 and U+00A0 as plain spaces (heap). */
static char *plain_spaces(const char *s, bool *had)
{
	struct strbuf sb;
	sb_init(&sb);
	for (const char *p = s; *p;) {
		if (!strncmp(p, "\xE3\x80\x80", 3) || !strncmp(p, "\xC2\xA0", 2)) {
			sb_putc(&sb, ' ');
			p += p[0] == '\xE3' ? 3 : 2;
			*had = true;
		} else {
			sb_putc(&sb, *p++);
		}
	}
	return sb.buf ? sb_take(&sb) : xstrdup("");
}

static void trim(char *s)
{
	size_t n = strlen(s), i = 0;
	while (n && strchr(" \t\r\n", s[n - 1]))
		s[--n] = '\0';
	while (s[i] && strchr(" \t\r\n", s[i]))
		i++;
	memmove(s, s + i, n - i + 1);
}

char *norm_header(const char *h)
{
	bool had = false;
	char *p = plain_spaces(h, &had), *n = norm_nfkc(p);
	free(p);
	size_t j = 0;
	for (size_t i = 0; n[i]; i++)
		if (!strchr(" \t\r\n", n[i]))
			n[j++] = n[i];
	n[j] = '\0';
	return n;
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);
	return n > t && !strcmp(s + n - t, tail);
}

static bool plain_number(const char *s)
{
	double d;
	return str_to_double(s, &d);
}

/* 12,500 / 1,234.5 */
static bool thousands(char *s)
{
	const char *p = s + (*s == '-');
	size_t digits = 0, groups = 0;
	while (*p >= '0' && *p <= '9')
		p++, digits++;
	if (digits < 1 || digits > 3 || *p != ',')
		return false;
	while (*p == ',') {
		p++;
		for (int k = 0; k < 3; k++, p++)
			if (*p < '0' || *p > '9')
				return false;
		groups++;
	}
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	if (*p || !groups)
		return false;
	size_t j = 0;
	for (size_t i = 0; s[i]; i++)
		if (s[i] != ',')
			s[j++] = s[i];
	s[j] = '\0';
	return true;
}

/* 110°37′45″E, 北纬36°44'20", 36°44.5' -> decimal degrees. NFKC has made
 * ″ into ′′. */
static bool dms(char *s, size_t size)
{
	if (!strstr(s, "°"))
		return false;
	const char *p = s;
	int sign = 1;
	static const char *const neg[] = {"W", "S", "西经", "南纬"};
	static const char *const pos[] = {"E", "N", "东经", "北纬"};
	for (size_t i = 0; i < 4; i++) {
		if (!strncmp(p, neg[i], strlen(neg[i]))) {
			sign = -1;
			p += strlen(neg[i]);
		} else if (!strncmp(p, pos[i], strlen(pos[i]))) {
			p += strlen(pos[i]);
		}
	}
	while (*p == ' ')
		p++;
	double part[3] = {0, 0, 0};
	int k = 0;
	while (k < 3 && *p) {
		char *end;
		double v = strtod(p, &end);
		if (end == p)
			break;
		part[k++] = v;
		p = end;
		while (*p == ' ')
			p++;
		const char *marks[] = {"°", "′′", "″", "′", "''", "'", "\""};
		bool marked = false;
		for (size_t i = 0; i < ARRAY_LEN(marks) && !marked; i++)
			if (!strncmp(p, marks[i], strlen(marks[i]))) {
				p += strlen(marks[i]);
				marked = true;
			}
		while (*p == ' ')
			p++;
		if (!marked)
			break;
	}
	if (*p == 'W' || *p == 'S')
		sign = -1, p++;
	else if (*p == 'E' || *p == 'N')
		p++;
	if (*p || !k || part[1] >= 60 || part[2] >= 60)
		return false;
	double d = sign * (part[0] + part[1] / 60 + part[2] / 3600);
	snprintf(s, size, "%.6f", d);
	return true;
}

/* 2026/5/1, 2026.5.1, 2026-5-1, 2026年5月1日 (and a time after it),
 * 20260501 -> 2026-05-01. */
static bool date_form(char *s, size_t size)
{
	int y, m, d, used = 0;
	char sep1[8] = "", sep2[8] = "";
	if (strlen(s) == 8 && strspn(s, "0123456789") == 8) {
		if (sscanf(s, "%4d%2d%2d", &y, &m, &d) != 3)
			return false;
		used = 8;
	} else if (sscanf(s, "%4d%7[/.年-]%d%7[/.月-]%d%n", &y, sep1, &m, sep2, &d, &used) != 5) {
		return false;
	}
	if (y < 1900 || m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	const char *rest = s + used;
	if (!strncmp(rest, "日", 3) || !strncmp(rest, "号", 3))
		rest += 3;
	while (*rest == ' ')
		rest++;
	char out[64];
	snprintf(out, sizeof out, "%04d-%02d-%02d%s%s", y, m, d, *rest ? " " : "", rest);
	if (!strcmp(out, s))
		return false;
	snprintf(s, size, "%s", out);
	return true;
}

/* ″ as NFKC writes it (′′), so that a coordinate's seconds do not count
 * as a full-width character (heap; s is freed). */
static char *seconds_mark(char *s)
{
	struct strbuf sb;
	sb_init(&sb);
	for (const char *p = s; *p;)
		if (!strncmp(p, "″", 3)) {
			sb_puts(&sb, "′′");
			p += 3;
		} else {
			sb_putc(&sb, *p++);
		}
	free(s);
	return sb.buf ? sb_take(&sb) : xstrdup("");
}

static bool digits_col(const struct column *c)
{
	return strstr(c->name, "phone") || strstr(c->name, "mobile") || str_eq(c->name, "code") ||
	       str_eq(c->name, "national_code");
}

char *norm_cell(const struct column *c, const char *raw, unsigned *kinds)
{
	const char *in = raw;
	/* an export's guard against formulas: '=1+1 was written for =1+1 */
	if (in[0] == '\'' && in[1] && strchr("=+-@\t\r", in[1])) {
		in++;
		*kinds |= NORM_GUARD;
	}
	bool had = false;
	char *s = plain_spaces(in, &had);
	if (str_eq(c->name, "lon") || str_eq(c->name, "lat"))
		s = seconds_mark(s);
	if (c->type != CT_TEXT || digits_col(c)) {
		char *n = norm_nfkc(s);
		if (strcmp(n, s))
			*kinds |= NORM_WIDTH;
		free(s);
		s = n;
	}
	size_t before = strlen(s);
	trim(s);
	if (had && strlen(s) != before)
		*kinds |= NORM_SPACE;
	size_t size = strlen(s) + 64;
	s = xrealloc(s, size);
	if (c->type == CT_INT || c->type == CT_REAL) {
		if (!strncmp(s, "约", 3) || !strncmp(s, "大约", 6)) {
			memmove(s, s + (s[0] == '\xE7' ? 3 : 6), strlen(s) + 1);
			trim(s);
			*kinds |= NORM_ABOUT;
		}
		if ((str_eq(c->name, "lon") || str_eq(c->name, "lat")) && dms(s, size))
			*kinds |= NORM_DMS;
		static const char *const units[] = {"平方米", "平米", "m2", "万元", "元", "层",
		                                    "户",     "人",   "米", "m",    "处", "个",
		                                    "座",     "栋",   "间", "名",   "°"};
		for (size_t i = 0; i < ARRAY_LEN(units); i++)
			if (ends_with(s, units[i])) {
				char *t = xstrndup(s, strlen(s) - strlen(units[i]));
				trim(t);
				char *u = xstrdup(t);
				thousands(u);
				if (plain_number(u)) {
					snprintf(s, size, "%s", t);
					*kinds |= NORM_UNIT;
				}
				free(t);
				free(u);
				break;
			}
		if (thousands(s))
			*kinds |= NORM_THOUSANDS;
	} else if (c->type == CT_DATE || c->type == CT_TIME) {
		char *end;
		double v = strtod(s, &end);
		char day[32];
		if (*s && !*end && strlen(s) >= 5 && v >= 20000 && v < 80000 &&
		    excel_serial_text(v, day, sizeof day)) {
			snprintf(s, size, "%s", day);
			*kinds |= NORM_SERIAL;
		} else if (date_form(s, size)) {
			*kinds |= NORM_DATE;
		}
	}
	return s;
}

const char *norm_kind_text(unsigned kind)
{
	switch (kind) {
	case NORM_GUARD:
		return _("a leading ' before = + - @ removed (the export's formula guard)");
	case NORM_WIDTH:
		return _("full-width characters made half-width");
	case NORM_SPACE:
		return _("ideographic or no-break spaces trimmed");
	case NORM_ABOUT:
		return _("'约' (about) dropped before a number");
	case NORM_UNIT:
		return _("a unit after a number dropped");
	case NORM_THOUSANDS:
		return _("thousands separators removed");
	case NORM_DMS:
		return _("degrees, minutes and seconds as decimal degrees");
	case NORM_DATE:
		return _("dates written as YYYY-MM-DD");
	case NORM_SERIAL:
		return _("spreadsheet day numbers read as dates");
	case NORM_TOWNSHIP:
		return _("township names matched without county or 镇/乡");
	case NORM_FILL:
		return _("blank township or village cells filled from the row above");
	case NORM_MERGED:
		return _("merged cells filled with the range's value");
	}
	return "?";
}
