/* Output: aligned text by display width, or JSON. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "dutydesk/csv.h"
#include "dutydesk/dtime.h"
#include "dutydesk/dynlib.h"
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

/* What is owed (task due's "what"). */
static const struct enum_value due_what[] = {
	{"first_report", "首报", "first report"}, {"written_report", "书面报告", "written report"},
	{"follow_up", "续报", "follow-up"}, {"final_report", "终报", "final report"},
	{"report", "报告", "report"}, {"checklist", "检查项", "checklist item"},
	{"task", "任务", "task"}, {"shift_ack", "接班", "take over"}, {NULL, NULL, NULL}};

/* A sync conflict's state (conflicts). */
static const struct enum_value conflict_state[] = {
	{"resolved", "已处理", "resolved"}, {"to review", "待复核", "to review"}, {NULL, NULL, NULL}};

/* The enumerations a column of that key may hold, tried in order: a
 * value is shown by the name of the first that has it. */
static const struct {
	const char *key;
	const struct enum_value *values[5];
} enum_cols[] = {
	{"kind", {ENUM_DUTY_KIND, ENUM_TIMELINE_KIND, ENUM_HAZARD_KIND, ENUM_INSPECTION_KIND,
		  ENUM_MOVEMENT_KIND}},
	{"level", {ENUM_LEVEL, ENUM_DEPOT_LEVEL}},
	{"status", {ENUM_INCIDENT_STATUS, ENUM_HAZARD_STATUS}},
	{"state", {ENUM_DEFECT_STATE, conflict_state}},
	{"colour", {ENUM_COLOUR}},
	{"channel", {ENUM_CHANNEL}},
	{"via", {ENUM_VIA}},
	{"result", {ENUM_RESULT}},
	{"scale", {ENUM_SCALE}},
	{"danger", {ENUM_DANGER}},
	{"class", {ENUM_CLASS}},
	{"category", {ENUM_ITEM_CATEGORY}},
	{"subtype", {ENUM_GEO_SUBTYPE, ENUM_FIRE_SUBTYPE, ENUM_MAJOR_SUBTYPE, ENUM_FLOOD_SUBTYPE}},
	{"field", {ENUM_EXPERT_FIELD}},
	{"grp", {ENUM_CONTACT_GROUP}},
	{"what", {due_what}},
	{"shift", {ENUM_ROSTER_SHIFT}},
};

/* A column's value by its name in the interface's language, when the
 * column holds an enumeration and the interface is Chinese; NULL when it
 * is shown as it is (English shows the identifiers, as --json does). */
static const char *enum_name(const struct out_col *col, const char *id)
{
	if (!id || col->as_is || !i18n_zh())
		return NULL;
	for (size_t i = 0; i < ARRAY_LEN(enum_cols); i++) {
		if (!str_eq(enum_cols[i].key, col->key))
			continue;
		for (size_t j = 0; j < ARRAY_LEN(enum_cols[i].values) && enum_cols[i].values[j]; j++)
			for (const struct enum_value *v = enum_cols[i].values[j]; v->id; v++)
				if (str_eq(v->id, id))
					return v->zh;
	}
	return NULL;
}

/* A value as a table shows it: yes/no in words and an enumeration by its
 * name in the interface's language; in the console, times as its screens
 * show them, "11-28 17:30" (the year in front when it is not this
 * year's). */
static char *shown_text(const struct cmd_ctx *c, const struct out_col *col, json_t *v)
{
	const char *s = json_string_value(v);
	if (json_is_boolean(v))
		return xstrdup(json_is_true(v) ? _("yes") : _("no"));
	const char *name = enum_name(col, s);
	if (name)
		return xstrdup(name);
	if (!c->console || !s || !is_iso_time(s))
		return out_text(v);
	char year[8];
	snprintf(year, sizeof year, "%04d", dd_time_year(dd_now()));
	if (strncmp(s, year, 4) == 0)
		return xasprintf("%.5s %.5s", s + 5, s + 11);
	return out_text(v);
}

void out_closed_words(struct cmd_ctx *c, json_t *rows)
{
	size_t i;
	json_t *r;
	json_array_foreach(c->json ? NULL : rows, i, r) {
		const char *t = json_string_value(json_object_get(r, "text"));
		size_t n = t ? strlen(t) : 0;
		if (str_eq(json_string_value(json_object_get(r, "kind")), "status") && n >= 6 &&
		    str_eq(t + n - 6, "closed") && (n == 6 || t[n - 7] == ' '))
			json_object_set_new(r, "text", json_sprintf("%.*s%s", (int)(n - 6), t,
								    _("closed")));
	}
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
		char *t = row ? shown_text(c, &cols[j], json_object_get(row, cols[j].key))
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
			char *t = shown_text(c, &cols[j], json_object_get(r, cols[j].key));
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
		char *t = shown_text(c, &cols[j], v);
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
			json_t *v = json_object_get(r, keys[j]);
			char *t = out_text(v);
			if (j)
				fputc(',', f);
			if (json_is_number(v))
				csv_put_number(f, t);
			else
				csv_put(f, t);
			free(t);
		}
		fputs("\r\n", f);
	}
	fflush(f);
}

size_t out_import_messages(struct cmd_ctx *c, bool ok, json_t **errors, json_t **notes,
			   bool skip_bad)
{
	size_t i, bad = json_array_size(*errors);
	json_t *m;
	json_array_foreach(*errors, i, m)
		cmd_say(c, "%s%s\n", skip_bad ? _("skipped: ") : "", json_string_value(m));
	json_decref(*errors);
	*errors = NULL;
	json_array_foreach(*notes, i, m) {
		if (ok)
			fprintf(c->out, "%s\n", json_string_value(m));
		else
			cmd_say(c, "%s\n", json_string_value(m));
	}
	json_decref(*notes);
	*notes = NULL;
	return bad;
}

bool out_import(struct cmd_ctx *c, bool ok, struct import_result *r, bool skip_bad)
{
	size_t bad = out_import_messages(c, ok, &r->errors, &r->notes, skip_bad);
	if (!ok)
		return false;
	if (r->kept)
		fprintf(c->out, _("%d empty cells kept the stored value (--blank-clears empties them)\n"),
			r->kept);
	if (c->dry_run) {
		fprintf(c->out, _("%d rows good: %d new, %d changed%s (dry run: nothing written)\n"),
			r->rows, r->inserted, r->updated, bad ? _(", some skipped") : "");
		return true;
	}
	fprintf(c->out, _("%d rows imported: %d new, %d changed, %d unchanged"), r->rows, r->inserted,
		r->updated, r->rows - r->inserted - r->updated);
	if (bad)
		fprintf(c->out, _("; %zu bad rows skipped"), bad);
	fputc('\n', c->out);
	return true;
}

/* ---- libxlsxwriter, loaded when a workbook is first written ----
 * It pulls in minizip and, through it, libcrypto: linked, every process
 * (the console too) would load them at start; so it is opened only here,
 * as sync opens libcurl. */
/* Each pointer has the type the header declares: a mismatch fails to build. */
#define XFN(f, name) __typeof__(name) *f
static struct {
	XFN(workbook_new_opt, workbook_new_opt);
	XFN(workbook_add_worksheet, workbook_add_worksheet);
	XFN(workbook_add_format, workbook_add_format);
	XFN(workbook_close, workbook_close);
	XFN(format_set_bold, format_set_bold);
	XFN(format_set_num_format, format_set_num_format);
	XFN(format_set_text_wrap, format_set_text_wrap);
	XFN(write_string, worksheet_write_string);
	XFN(write_number, worksheet_write_number);
	XFN(write_datetime, worksheet_write_datetime);
	XFN(set_column, worksheet_set_column);
	XFN(freeze_panes, worksheet_freeze_panes);
	XFN(strerror, lxw_strerror);
} X;
#undef XFN

#define SYM(f, n) {n, offsetof(__typeof__(X), f)}
static const struct dynlib_sym x_syms[] = {
	SYM(workbook_new_opt, "workbook_new_opt"),
	SYM(workbook_add_worksheet, "workbook_add_worksheet"),
	SYM(workbook_add_format, "workbook_add_format"),
	SYM(workbook_close, "workbook_close"),
	SYM(format_set_bold, "format_set_bold"),
	SYM(format_set_num_format, "format_set_num_format"),
	SYM(format_set_text_wrap, "format_set_text_wrap"),
	SYM(write_string, "worksheet_write_string"),
	SYM(write_number, "worksheet_write_number"),
	SYM(write_datetime, "worksheet_write_datetime"),
	SYM(set_column, "worksheet_set_column"),
	SYM(freeze_panes, "worksheet_freeze_panes"),
	SYM(strerror, "lxw_strerror"),
};
#undef SYM
static const char *const x_names[] = {"libxlsxwriter.so.4", "libxlsxwriter.so", NULL};
static struct dynlib x_lib = {x_names, "libxlsxwriter4", x_syms, ARRAY_LEN(x_syms), &X, NULL};

static bool xlsx_load(struct err *e)
{
	return dynlib_load(&x_lib, e);
}

/* A text cell's date or time as a spreadsheet date: "2026-05-01" (a date)
 * or our local ISO time (the clock time as written, the offset dropped).
 * False for anything else. */
static bool cell_date(const char *s, lxw_datetime *d, bool *has_time)
{
	size_t n = strlen(s);
	*has_time = is_iso_time(s);
	if (!*has_time && !(n == 10 && s[4] == '-' && s[7] == '-' &&
			    strspn(s, "0123456789-") == 10))
		return false;
	*d = (lxw_datetime){0};
	if (sscanf(s, "%4d-%2d-%2d", &d->year, &d->month, &d->day) != 3 || d->month < 1 ||
	    d->month > 12 || d->day < 1 || d->day > 31)
		return false;
	if (*has_time) {
		int sec;
		if (sscanf(s + 11, "%2d:%2d:%2d", &d->hour, &d->min, &sec) != 3)
			return false;
		d->sec = sec;
	}
	return true;
}

/* The formats of one workbook, made once. */
struct xlsx_formats {
	lxw_format *head, *date, *time, *wrap;
};

/* One sheet: the header (bold, frozen), then the rows as typed cells;
 * each column as wide as its widest cell in display cells (a Chinese
 * character is two), within 8 and 60. */
static void xlsx_sheet(lxw_workbook *wb, const struct xlsx_formats *fm, const struct out_sheet *sh)
{
	lxw_worksheet *ws = X.workbook_add_worksheet(wb, sh->name);
	if (!ws) /* a name Excel refuses; names are the program's own, so a bug */
		ws = X.workbook_add_worksheet(wb, NULL);
	size_t ncols = 0;
	while (sh->keys[ncols])
		ncols++;
	int *w = xcalloc(ncols ? ncols : 1, sizeof *w);
	for (size_t j = 0; j < ncols; j++) {
		const char *h = sh->heads ? sh->heads[j] : sh->head ? sh->head(sh->keys[j]) : sh->keys[j];
		X.write_string(ws, 0, (lxw_col_t)j, h, fm->head);
		w[j] = text_width(h);
	}
	size_t i;
	json_t *r;
	json_array_foreach(sh->rows, i, r) {
		lxw_row_t row = (lxw_row_t)(i + 1);
		for (size_t j = 0; j < ncols; j++) {
			json_t *v = json_object_get(r, sh->keys[j]);
			lxw_col_t col = (lxw_col_t)j;
			lxw_datetime d;
			bool has_time;
			int cw;
			if (!v || json_is_null(v))
				continue;
			if (json_is_number(v)) {
				X.write_number(ws, row, col, json_number_value(v), NULL);
				char *t = out_text(v);
				cw = text_width(t);
				free(t);
			} else if (json_is_string(v) && cell_date(json_string_value(v), &d, &has_time)) {
				X.write_datetime(ws, row, col, &d, has_time ? fm->time : fm->date);
				cw = has_time ? 16 : 10;
			} else {
				char *t = out_text(v);
				X.write_string(ws, row, col, t, strchr(t, '\n') ? fm->wrap : NULL);
				cw = text_width(t);
				free(t);
			}
			if (cw > w[j])
				w[j] = cw;
		}
	}
	for (size_t j = 0; j < ncols; j++) {
		int cw = w[j] + 2 < 8 ? 8 : w[j] + 2 > 60 ? 60 : w[j] + 2;
		X.set_column(ws, (lxw_col_t)j, (lxw_col_t)j, cw, NULL);
	}
	X.freeze_panes(ws, 1, 0);
	free(w);
}

/* Copies the file at path to f whole; false on a read or write error. */
static bool copy_out(const char *path, FILE *f)
{
	FILE *in = fopen(path, "rb");
	if (!in)
		return false;
	char buf[65536];
	size_t n;
	bool ok = true;
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		ok = ok && fwrite(buf, 1, n, f) == n;
	ok = ok && !ferror(in) && fflush(f) == 0;
	fclose(in);
	return ok;
}

bool out_xlsx(struct cmd_ctx *c, const char *path, const struct out_sheet *sheets, size_t n)
{
	FILE *f = path ? NULL : cmd_data(c);
	if (f && (c->console || isatty(fileno(f))))
		return err_set(&c->err, ERR_USAGE,
			       _("--format xlsx: a workbook is not for a terminal; redirect it to a "
				 "file (> sheet.xlsx)"));
	if (!xlsx_load(&c->err))
		return false;
	/* libxlsxwriter writes a file by name: beside path, then renamed over
	 * it; or a private one, then copied to the data stream. */
	const char *dir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char *tmp = path ? xasprintf("%s.XXXXXX", path) : xasprintf("%s/dutydesk-xlsx.XXXXXX", dir);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		err_set(&c->err, ERR_FAIL, "%s: cannot create (%s)", tmp, strerror(errno));
		free(tmp);
		return false;
	}
	if (path) { /* a file of the user's: the mode any new file of theirs gets */
		mode_t mask = umask(0);
		umask(mask);
		fchmod(fd, 0666 & ~mask);
	}
	close(fd);
	lxw_workbook_options opt = {.tmpdir = (char *)dir};
	lxw_workbook *wb = X.workbook_new_opt(tmp, &opt);
	bool ok = wb != NULL;
	if (ok) {
		struct xlsx_formats fm = {X.workbook_add_format(wb), X.workbook_add_format(wb),
					  X.workbook_add_format(wb), X.workbook_add_format(wb)};
		X.format_set_bold(fm.head);
		X.format_set_num_format(fm.date, "yyyy-mm-dd");
		X.format_set_num_format(fm.time, "yyyy-mm-dd hh:mm");
		X.format_set_text_wrap(fm.wrap);
		for (size_t k = 0; k < n; k++)
			xlsx_sheet(wb, &fm, &sheets[k]);
		lxw_error rc = X.workbook_close(wb);
		ok = rc == LXW_NO_ERROR;
		if (!ok)
			err_set(&c->err, ERR_FAIL, "xlsx: %s", X.strerror(rc));
	} else {
		err_set(&c->err, ERR_FAIL, "xlsx: %s: cannot write", tmp);
	}
	if (ok && path && rename(tmp, path) != 0)
		ok = err_set(&c->err, ERR_FAIL, "--out: '%s': cannot write (%s)", path, strerror(errno));
	else if (ok && !path && !copy_out(tmp, f))
		ok = err_set(&c->err, ERR_FAIL, "xlsx: cannot write the output (%s)", strerror(errno));
	if (!ok || !path)
		remove(tmp);
	free(tmp);
	return ok;
}

bool cmd_write_xlsx(const char *path, const char *sheet, json_t *rows, const char *const *keys,
		    const char *const *heads, struct err *e)
{
	struct cmd_ctx c = {0};
	bool ok = out_xlsx(&c, path, &(struct out_sheet){sheet, rows, keys, NULL, heads}, 1);
	if (!ok)
		*e = c.err;
	return ok;
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
	else if (str_eq(fmt, "xlsx"))
		ok = out_xlsx(c, NULL, &(struct out_sheet){"台账", rows, keys, head, NULL}, 1);
	else
		ok = err_set(&c->err, ERR_USAGE, _("--format: '%s': expected csv, xlsx or json"), fmt);
	json_decref(rows);
	return ok;
}
