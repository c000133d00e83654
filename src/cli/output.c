/* Output: aligned text by display width, or JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dutydesk/csv.h"
#include "dutydesk/width.h"
#include "cli.h"

/* Our own local ISO times, "2026-11-28T17:30:00+08:00", read better as
 * "2026-11-28 17:30" in text. */
static bool is_iso_time(const char *s)
{
	static const char pat[] = "dddd-dd-ddTdd:dd:dd+dd:dd";
	if (strlen(s) != sizeof pat - 1)
		return false;
	for (size_t i = 0; pat[i]; i++) {
		bool digit = s[i] >= '0' && s[i] <= '9';
		if (pat[i] == 'd' ? !digit : pat[i] == '+' ? (s[i] != '+' && s[i] != '-') : s[i] != pat[i])
			return false;
	}
	return true;
}

char *out_text(json_t *v)
{
	if (!v || json_is_null(v))
		return xstrdup("");
	if (json_is_string(v) && is_iso_time(json_string_value(v)))
		return xasprintf("%.10s %.5s", json_string_value(v), json_string_value(v) + 11);
	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	if (json_is_integer(v))
		return xasprintf("%lld", (long long)json_integer_value(v));
	if (json_is_real(v))
		return xasprintf("%.10g", json_real_value(v));
	if (json_is_boolean(v))
		return xstrdup(json_is_true(v) ? "yes" : "no");
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENSURE_ASCII);
	return s ? s : xstrdup("");
}

void out_json(json_t *v)
{
	char *s = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
	if (s) {
		FILE *f = cli_data_out();
		fputs(s, f);
		fputc('\n', f);
		fflush(f);
		free(s);
	}
}

/* One line of the table: the header when row is NULL. No trailing blanks. */
static void emit_row(json_t *row, const struct out_col *cols, size_t ncols, const int *w)
{
	struct strbuf sb;
	sb_init(&sb);
	for (size_t j = 0; j < ncols; j++) {
		char *t = row ? out_text(json_object_get(row, cols[j].key)) : xstrdup(cols[j].head);
		if (j)
			sb_puts(&sb, "  ");
		sb_cell(&sb, t, w[j], cols[j].right);
		free(t);
	}
	while (sb.len && sb.buf[sb.len - 1] == ' ')
		sb.len--;
	fwrite(sb.buf, 1, sb.len, stdout);
	fputc('\n', stdout);
	sb_finish(&sb);
}

void out_table(struct cli *c, json_t *rows, const struct out_col *cols, size_t ncols)
{
	if (c->json) {
		out_json(rows);
		return;
	}
	int *w = xcalloc(ncols, sizeof *w);
	for (size_t j = 0; j < ncols; j++)
		w[j] = text_width(cols[j].head);
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		for (size_t j = 0; j < ncols; j++) {
			char *t = out_text(json_object_get(r, cols[j].key));
			int tw = text_width(t);
			if (tw > w[j])
				w[j] = tw;
			free(t);
		}
	}
	for (size_t j = 0; j < ncols; j++)
		if (cols[j].max && w[j] > cols[j].max)
			w[j] = cols[j].max;
	emit_row(NULL, cols, ncols, w);
	json_array_foreach(rows, i, r)
		emit_row(r, cols, ncols, w);
	free(w);
}

void out_record(struct cli *c, json_t *obj, const struct out_col *cols, size_t ncols)
{
	if (c->json) {
		out_json(obj);
		return;
	}
	int w = 0;
	for (size_t j = 0; j < ncols; j++)
		if (text_width(cols[j].head) > w)
			w = text_width(cols[j].head);
	struct strbuf sb;
	sb_init(&sb);
	for (size_t j = 0; j < ncols; j++) {
		json_t *v = json_object_get(obj, cols[j].key);
		if (!v || json_is_null(v))
			continue;
		char *t = out_text(v);
		sb_clear(&sb);
		sb_cell(&sb, cols[j].head, w, false);
		sb_puts(&sb, "  ");
		sb_safe(&sb, t);
		puts(sb.buf);
		free(t);
	}
	sb_finish(&sb);
}

void out_csv(json_t *rows, const char *const *keys, const char *(*head)(const char *key))
{
	FILE *f = cli_data_out();
	fputs("\xEF\xBB\xBF", f);
	for (size_t j = 0; keys[j]; j++) {
		if (j)
			fputc(',', f);
		csv_put(f, head ? head(keys[j]) : keys[j]);
	}
	fputs("\r\n", f);
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		for (size_t j = 0; keys[j]; j++) {
			char *t = out_text(json_object_get(r, keys[j]));
			if (j)
				fputc(',', f);
			csv_put(f, t);
			free(t);
		}
		fputs("\r\n", f);
	}
	fflush(f);
}

int out_export(struct cli *c, json_t *rows, const char *const *keys,
	       const char *(*head)(const char *key))
{
	const char *fmt = cli_opt(c, "format") ? cli_opt(c, "format") : "csv";
	int rc = 0;
	if (c->json || str_eq(fmt, "json")) {
		out_json(rows);
	} else if (str_eq(fmt, "csv")) {
		out_csv(rows, keys, head);
	} else {
		err_set(&c->err, ERR_USAGE, "--format: '%s': expected csv or json", fmt);
		rc = cli_fail(c);
	}
	json_decref(rows);
	return rc;
}
