#include "dutydesk/csv.h"

#include <errno.h>
#include <iconv.h>
#include <strings.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct csv {
	char *name;
	char *buf;
	size_t len, pos;
	size_t line, rec_line;
	bool seen_record;
	char delim;
	struct strbuf field;
	char **fields;
	size_t nfields, cap;
};

struct csv *csv_open_mem(const char *name, const char *buf, size_t len)
{
	struct csv *c = xcalloc(1, sizeof *c);
	c->name = xstrdup(name);
	c->buf = xmalloc(len + 1);
	memcpy(c->buf, buf, len);
	c->buf[len] = '\0';
	c->len = len;
	c->line = 1;
	c->delim = ',';
	sb_init(&c->field);
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		c->pos = 3;
	return c;
}

bool text_to_utf8(const char *encoding, const char *buf, size_t len, struct strbuf *out)
{
	iconv_t cd = iconv_open("UTF-8", encoding);
	if (cd == (iconv_t)-1)
		return false;
	char *in = (char *)buf;
	size_t left = len;
	bool ok = true;
	while (left > 0) {
		char chunk[4096], *o = chunk;
		size_t room = sizeof chunk;
		size_t r = iconv(cd, &in, &left, &o, &room);
		sb_add(out, chunk, sizeof chunk - room);
		if (r == (size_t)-1 && errno != E2BIG) {
			ok = false;
			break;
		}
	}
	iconv_close(cd);
	return ok;
}

struct csv *csv_open_enc(const char *path, const char *encoding, struct err *e)
{
	struct csv *c = csv_open(path, e);
	if (!c)
		return NULL;
	bool utf8 = str_valid_utf8(c->buf);
	const char *enc = str_empty(encoding) || !strcasecmp(encoding, "auto")
				  ? (utf8 ? NULL : "GB18030")
			  : !strcasecmp(encoding, "utf-8") || !strcasecmp(encoding, "utf8") ? NULL
			  : !strcasecmp(encoding, "gbk") || !strcasecmp(encoding, "gb2312") ? "GBK"
			  : !strcasecmp(encoding, "gb18030") ? "GB18030" : "?";
	if (enc && !strcmp(enc, "?")) {
		err_set(e, ERR_USAGE, "encoding: '%s': expected utf-8, gbk, gb18030 or auto", encoding);
		csv_destroy(c);
		return NULL;
	}
	if (!enc)
		return c; /* UTF-8 (a wrong byte is reported with its line later) */
	struct strbuf sb;
	sb_init(&sb);
	if (!text_to_utf8(enc, c->buf, c->len, &sb)) {
		err_set(e, ERR_FAIL, "%s: neither UTF-8 nor %s; save it as UTF-8 or GBK", path, enc);
		sb_finish(&sb);
		csv_destroy(c);
		return NULL;
	}
	struct csv *u = csv_open_mem(path, sb.buf ? sb.buf : "", sb.len);
	sb_finish(&sb);
	csv_destroy(c);
	return u;
}

bool text_read_file(const char *path, struct strbuf *sb, struct err *e)
{
	sb_init(sb);
	int rc = sb_read_file(sb, path, 0);
	if (!rc)
		return true;
	sb_finish(sb);
	if (rc < 0)
		return err_set(e, ERR_FAIL, "%s: %s", path, strerror(errno));
	return err_set(e, ERR_FAIL, "%s: read error", path);
}

struct csv *csv_open(const char *path, struct err *e)
{
	struct strbuf sb;
	if (!text_read_file(path, &sb, e))
		return NULL;
	struct csv *c = csv_open_mem(path, sb.buf ? sb.buf : "", sb.len);
	sb_finish(&sb);
	return c;
}

void csv_destroy(struct csv *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nfields; i++)
		free(c->fields[i]);
	free(c->fields);
	sb_finish(&c->field);
	free(c->buf);
	free(c->name);
	free(c);
}

static void push_field(struct csv *c)
{
	if (c->nfields == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		c->fields = xrealloc(c->fields, c->cap * sizeof *c->fields);
	}
	c->fields[c->nfields++] = xstrndup(c->field.buf ? c->field.buf : "", c->field.len);
	sb_clear(&c->field);
}

static void skip_line(struct csv *c)
{
	while (c->pos < c->len && c->buf[c->pos] != '\n')
		c->pos++;
	if (c->pos < c->len) {
		c->pos++;
		c->line++;
	}
}

int csv_next(struct csv *c, char ***fields, size_t *n, struct err *e)
{
	for (size_t i = 0; i < c->nfields; i++)
		free(c->fields[i]);
	c->nfields = 0;
	sb_clear(&c->field);

	/* Comment and blank lines before the header; blank lines anywhere. */
	for (;;) {
		if (c->pos >= c->len)
			return 0;
		char ch = c->buf[c->pos];
		if ((ch == '#' && !c->seen_record) || ch == '\n' ||
		    (ch == '\r' && c->buf[c->pos + 1] == '\n'))
			skip_line(c);
		else
			break;
	}
	c->rec_line = c->line;
	c->seen_record = true;

	bool quoted = false, was_quoted = false;
	while (c->pos < c->len) {
		char ch = c->buf[c->pos++];
		if (ch == '\0') {
			err_set(e, ERR_FAIL, "%s:%zu: NUL byte in CSV", c->name, c->line);
			return -1;
		}
		if (quoted) {
			if (ch == '"') {
				if (c->buf[c->pos] == '"') {
					sb_putc(&c->field, '"');
					c->pos++;
				} else {
					quoted = false;
				}
			} else {
				if (ch == '\n')
					c->line++;
				sb_putc(&c->field, ch);
			}
			continue;
		}
		if (ch == '"') {
			if (c->field.len || was_quoted) {
				err_set(e, ERR_FAIL, "%s:%zu: field %zu: stray '\"' inside an unquoted field",
					c->name, c->line, c->nfields + 1);
				return -1;
			}
			quoted = was_quoted = true;
		} else if (ch == c->delim) {
			push_field(c);
			was_quoted = false;
		} else if (ch == '\n' || (ch == '\r' && c->buf[c->pos] == '\n')) {
			if (ch == '\r')
				c->pos++;
			c->line++;
			break;
		} else if (was_quoted) {
			err_set(e, ERR_FAIL, "%s:%zu: field %zu: text after the closing quote",
				c->name, c->line, c->nfields + 1);
			return -1;
		} else {
			sb_putc(&c->field, ch);
		}
	}
	if (quoted) {
		err_set(e, ERR_FAIL, "%s:%zu: quoted field never closed", c->name, c->rec_line);
		return -1;
	}
	push_field(c);
	for (size_t i = 0; i < c->nfields; i++) {
		if (!str_valid_utf8(c->fields[i])) {
			err_set(e, ERR_FAIL, "%s:%zu: field %zu: not valid UTF-8 (save the file as UTF-8)",
				c->name, c->rec_line, i + 1);
			return -1;
		}
	}
	*fields = c->fields;
	*n = c->nfields;
	return 1;
}

size_t csv_line(const struct csv *c)
{
	return c->rec_line;
}

const char *csv_name(const struct csv *c)
{
	return c->name;
}

bool csv_guarded(const char *s)
{
	return s[0] && strchr("=+-@\t\r", s[0]);
}

void csv_cell(struct strbuf *sb, const char *s, bool text)
{
	bool guard = text && csv_guarded(s);
	bool quote = strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		sb_putc(sb, '"');
	if (guard)
		sb_putc(sb, '\'');
	for (; *s; s++) {
		if (*s == '"')
			sb_putc(sb, '"');
		sb_putc(sb, *s);
	}
	if (quote)
		sb_putc(sb, '"');
}

static void put(FILE *f, const char *s, bool text)
{
	struct strbuf sb;
	sb_init(&sb);
	csv_cell(&sb, s, text);
	if (sb.len) /* an empty cell: no buffer at all */
		fwrite(sb.buf, 1, sb.len, f);
	sb_finish(&sb);
}

void csv_put(FILE *f, const char *s)
{
	put(f, s, true);
}

void csv_put_number(FILE *f, const char *s)
{
	put(f, s, false);
}

void csv_set_delim(struct csv *c, char delim)
{
	c->delim = delim;
}
