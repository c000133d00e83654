/* Output: aligned text by display width, or JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dutydesk/csv.h"
#include "dutydesk/dtime.h"
#include "dutydesk/i18n.h"
#include "dutydesk/width.h"
#include "cmd_impl.h"

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

/* A value as a table shows it: in the console, times as its screens show
 * them, "11-28 17:30" (the year in front when it is not this year's). */
static char *shown_text(const struct cmd_ctx *c, json_t *v)
{
	const char *s = json_string_value(v);
	if (!c->console || !s || !is_iso_time(s))
		return out_text(v);
	char year[8];
	snprintf(year, sizeof year, "%04d", dd_time_year(dd_now()));
	if (strncmp(s, year, 4) == 0)
		return xasprintf("%.5s %.5s", s + 5, s + 11);
	return out_text(v);
}

void out_json(struct cmd_ctx *c, json_t *v)
{
	char *s = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
	if (s) {
		FILE *f = cmd_data(c);
		fputs(s, f);
		fputc('\n', f);
		fflush(f);
		free(s);
	}
}

bool out_json_new(struct cmd_ctx *c, json_t *v)
{
	out_json(c, v);
	json_decref(v);
	return true;
}

/* A column's heading in the interface's language: its key unless it has
 * one of its own. */
static const char *heading(const struct out_col *col)
{
	return _(col->head ? col->head : col->key);
}

/* One line of the table: the header when row is NULL. No trailing blanks. */
static void emit_row(const struct cmd_ctx *c, FILE *f, json_t *row, const struct out_col *cols,
		     size_t ncols, const int *w)
{
	struct strbuf sb;
	sb_init(&sb);
	for (size_t j = 0; j < ncols; j++) {
		char *t = row ? shown_text(c, json_object_get(row, cols[j].key))
			      : xstrdup(heading(&cols[j]));
		if (j)
			sb_puts(&sb, "  ");
		sb_cell(&sb, t, w[j], cols[j].right);
		free(t);
	}
	while (sb.len && sb.buf[sb.len - 1] == ' ')
		sb.len--;
	fwrite(sb.buf, 1, sb.len, f);
	fputc('\n', f);
	sb_finish(&sb);
}

void out_table(struct cmd_ctx *c, json_t *rows, const struct out_col *cols, size_t ncols)
{
	if (c->json) {
		out_json(c, rows);
		return;
	}
	int *w = xcalloc(ncols, sizeof *w);
	for (size_t j = 0; j < ncols; j++)
		w[j] = text_width(heading(&cols[j]));
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		for (size_t j = 0; j < ncols; j++) {
			char *t = shown_text(c, json_object_get(r, cols[j].key));
			int tw = text_width(t);
			if (tw > w[j])
				w[j] = tw;
			free(t);
		}
	}
	/* The console's views wrap lines: the last column keeps every word. */
	for (size_t j = 0; j < ncols; j++)
		if (cols[j].max && w[j] > cols[j].max && !(c->console && j + 1 == ncols))
			w[j] = cols[j].max;
	emit_row(c, c->out, NULL, cols, ncols, w);
	json_array_foreach(rows, i, r)
		emit_row(c, c->out, r, cols, ncols, w);
	c->tables++;
	c->rows += (int)json_array_size(rows);
	free(w);
}

bool out_rows(struct cmd_ctx *c, json_t *rows, const struct out_col *cols, size_t ncols)
{
	if (!rows)
		return false;
	out_table(c, rows, cols, ncols);
	json_decref(rows);
	return true;
}

bool out_list(struct cmd_ctx *c, json_t *rows, const struct out_col *cols, size_t ncols)
{
	return out_rows(c, q_present_all(rows), cols, ncols);
}

void out_record(struct cmd_ctx *c, json_t *obj, const struct out_col *cols, size_t ncols)
{
	if (c->json) {
		out_json(c, obj);
		return;
	}
	int w = 0;
	for (size_t j = 0; j < ncols; j++)
		if (text_width(heading(&cols[j])) > w)
			w = text_width(heading(&cols[j]));
	struct strbuf sb;
	sb_init(&sb);
	for (size_t j = 0; j < ncols; j++) {
		json_t *v = json_object_get(obj, cols[j].key);
		if (!v || json_is_null(v))
			continue;
		char *t = shown_text(c, v);
		sb_clear(&sb);
		sb_cell(&sb, heading(&cols[j]), w, false);
		sb_puts(&sb, "  ");
		sb_safe(&sb, t);
		fputs(sb.buf, c->out);
		fputc('\n', c->out);
		free(t);
	}
	sb_finish(&sb);
}

void out_csv(struct cmd_ctx *c, json_t *rows, const char *const *keys,
	     const char *(*head)(const char *key))
{
	FILE *f = cmd_data(c);
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

bool out_import(struct cmd_ctx *c, bool ok, struct import_result *r, bool skip_bad)
{
	size_t i, bad = json_array_size(r->errors);
	json_t *m;
	json_array_foreach(r->errors, i, m)
		cmd_say(c, "%s%s\n", skip_bad ? "skipped: " : "", json_string_value(m));
	json_decref(r->errors);
	r->errors = NULL;
	json_array_foreach(r->notes, i, m) {
		if (ok)
			fprintf(c->out, "%s\n", json_string_value(m));
		else
			cmd_say(c, "%s\n", json_string_value(m));
	}
	json_decref(r->notes);
	r->notes = NULL;
	if (!ok)
		return false;
	if (r->kept)
		fprintf(c->out, _("%d empty cells kept the stored value (--blank-clears empties them)\n"),
			r->kept);
	if (c->dry_run) {
		fprintf(c->out, "%d rows good: %d new, %d changed%s (dry run: nothing written)\n",
			r->rows, r->inserted, r->updated, bad ? ", some skipped" : "");
		return true;
	}
	fprintf(c->out, "%d rows imported: %d new, %d changed, %d unchanged", r->rows, r->inserted,
		r->updated, r->rows - r->inserted - r->updated);
	if (bad)
		fprintf(c->out, "; %zu bad rows skipped", bad);
	fputc('\n', c->out);
	return true;
}

bool out_export(struct cmd_ctx *c, json_t *rows, const char *const *keys,
		const char *(*head)(const char *key))
{
	const char *fmt = cmd_opt(c, "format") ? cmd_opt(c, "format") : "csv";
	bool ok = true;
	if (c->json || str_eq(fmt, "json"))
		out_json(c, rows);
	else if (str_eq(fmt, "csv"))
		out_csv(c, rows, keys, head);
	else
		ok = err_set(&c->err, ERR_USAGE, "--format: '%s': expected csv or json", fmt);
	json_decref(rows);
	return ok;
}
