#include "dutydesk/util.h"
#include "dutydesk/width.h"
#include "dutydesk/i18n.h"

#include <errno.h>
#include <poll.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void oom(void)
{
	fputs("dutydesk: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t nmemb, size_t n)
{
	void *p = calloc(nmemb ? nmemb : 1, n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	struct strbuf sb;
	va_list ap;
	sb_init(&sb);
	va_start(ap, fmt);
	sb_vprintf(&sb, fmt, ap);
	va_end(ap);
	return sb_take(&sb);
}

/* A message that filled e->msg ends in "…" at a whole character, never
 * in half of one. */
static void err_cut(struct err *e, size_t wanted)
{
	if (wanted < sizeof e->msg)
		return;
	size_t n = sizeof e->msg - 4; /* room for "…" */
	while (n > 0 && ((unsigned char)e->msg[n] & 0xC0) == 0x80)
		n--;
	memcpy(e->msg + n, "\xe2\x80\xa6", 4);
}

bool err_set(struct err *e, int code, const char *fmt, ...)
{
	if (!e)
		return false;
	i18n_check_shown(fmt);
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	err_cut(e, n > 0 ? (size_t)n : 0);
	e->code = code;
	return false;
}

void err_prefix(struct err *e, const char *fmt, ...)
{
	if (!e)
		return;
	i18n_check_shown(fmt);
	char pre[512], old[sizeof e->msg];
	/* The result is cut at the buffer size on purpose. */
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(pre, sizeof pre, fmt, ap);
	va_end(ap);
	memcpy(old, e->msg, sizeof old);
	size_t n = (size_t)snprintf(e->msg, sizeof e->msg, "%s: ", pre);
	if (n < sizeof e->msg)
		memcpy(e->msg + n, old, sizeof e->msg - n - 1), e->msg[sizeof e->msg - 1] = '\0';
	err_cut(e, n + strlen(old));
}

void sb_init(struct strbuf *sb)
{
	sb->buf = NULL;
	sb->len = sb->cap = 0;
}

void sb_finish(struct strbuf *sb)
{
	free(sb->buf);
	sb_init(sb);
}

static void sb_grow(struct strbuf *sb, size_t extra)
{
	if (sb->len + extra + 1 <= sb->cap)
		return;
	size_t cap = sb->cap ? sb->cap : 64;
	while (cap < sb->len + extra + 1)
		cap *= 2;
	sb->buf = xrealloc(sb->buf, cap);
	sb->cap = cap;
}

void sb_add(struct strbuf *sb, const char *s, size_t n)
{
	sb_grow(sb, n);
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void sb_puts(struct strbuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}

void sb_putc(struct strbuf *sb, char c)
{
	sb_add(sb, &c, 1);
}

void sb_vprintf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	sb_grow(sb, (size_t)n);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
}

void sb_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sb_vprintf(sb, fmt, ap);
	va_end(ap);
}

char *sb_take(struct strbuf *sb)
{
	char *s = sb->buf ? sb->buf : xstrdup("");
	sb_init(sb);
	return s;
}

int sb_read_file(struct strbuf *sb, const char *path, size_t max)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && (max == 0 || sb->len < max))
		sb_add(sb, chunk, n);
	int failed = ferror(f) ? 1 : 0;
	int saved = errno;
	fclose(f);
	errno = saved;
	return failed;
}

void sb_clear(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->buf)
		sb->buf[0] = '\0';
}

bool str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

bool str_empty(const char *s)
{
	return !s || !*s;
}

char *str_list_ascii(const char *s)
{
	static const struct {
		const char *wide;
		char ascii;
	} seps[] = {{"，", ','}, {"、", ','}, {"；", ','}, {"\u3000", ' '}};
	struct strbuf sb;
	sb_init(&sb);
	for (const char *p = s ? s : ""; *p;) {
		size_t i = 0;
		while (i < sizeof seps / sizeof seps[0] && strncmp(p, seps[i].wide, strlen(seps[i].wide)))
			i++;
		if (i < sizeof seps / sizeof seps[0]) {
			sb_putc(&sb, seps[i].ascii);
			p += strlen(seps[i].wide);
		} else {
			sb_putc(&sb, *p++);
		}
	}
	return sb.buf ? sb_take(&sb) : xstrdup("");
}

bool str_valid_utf8(const char *s)
{
	while (*s) {
		if ((unsigned char)*s < 0x80) {
			s++;
			continue;
		}
		/* The decoder refuses overlong forms, surrogates and values past
		 * U+10FFFF: a one-byte U+FFFD is its mark of a bad sequence. */
		uint32_t cp;
		size_t n = utf8_decode(s, &cp);
		if (cp == 0xFFFD && n == 1)
			return false;
		s += n;
	}
	return true;
}

bool str_to_ll(const char *s, long long min, long long max, long long *out)
{
	if (str_empty(s))
		return false;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

bool str_to_double(const char *s, double *out)
{
	if (str_empty(s))
		return false;
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || *end || !isfinite(v))
		return false;
	*out = v;
	return true;
}

const char *cn_numeral(int n, char *buf, size_t size)
{
	static const char *const d[] = {"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
	if (n < 1 || n > 99)
		snprintf(buf, size, "%d", n);
	else if (n < 10)
		snprintf(buf, size, "%s", d[n]);
	else
		snprintf(buf, size, "%s十%s", n / 10 > 1 ? d[n / 10] : "", n % 10 ? d[n % 10] : "");
	return buf;
}

bool fd_write_all(int fd, const char *b, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, b, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN) { /* a non-blocking fd: wait, bounded */
			struct pollfd p = {fd, POLLOUT, 0};
			if (poll(&p, 1, 1000) <= 0)
				return false;
			continue;
		}
		if (w <= 0)
			return false;
		b += w;
		n -= (size_t)w;
	}
	return true;
}
