#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dutydesk/cmd.h"
#include "dutydesk/csv.h"
#include "dutydesk/width.h"
#include "lpane.h"

/* The detail pane sits beside the list from this width on, when the list
 * keeps every column and the record still has DETAIL_MIN cells. */
#define WIDE 120
#define DETAIL_MIN 40

static struct lpane *LP(struct pane *p)
{
	return p->data;
}

void detail_text(struct strbuf *out, const char *label, const char *text)
{
	if (text && *text)
		sb_printf(out, "%s\t%s\n", _(label), text);
}

void detail_line(struct strbuf *out, const char *label, json_t *v)
{
	char buf[64];
	if (json_is_string(v)) {
		detail_text(out, label, tui_time(json_string_value(v), buf, sizeof buf));
		return;
	}
	if (json_is_integer(v))
		snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(buf, sizeof buf, "%.10g", json_real_value(v));
	else if (json_is_boolean(v))
		snprintf(buf, sizeof buf, "%s", json_is_true(v) ? _("yes") : _("no"));
	else
		return;
	detail_text(out, label, buf);
}

const char *key_split(const char *key, char sep, char *head, size_t n)
{
	const char *at = key ? strchr(key, sep) : NULL;
	if (at)
		snprintf(head, n, "%.*s", (int)(at - key), key);
	return at ? at + 1 : NULL;
}

static void apply_filter(struct app *app, struct lpane *lp)
{
	struct list_filter f = {
		.preset = lp->spec->filters ? lp->spec->filters[lp->filter].preset : NULL,
		.township_code = lp->township,
	};
	struct hazard_filter hf;
	if (lp->spec->hazards) {
		lp->spec->hazards(app, lp, &hf);
		f.hazards = &hf;
	}
	list_set_filter(&lp->list, q_list_cond(lp->spec->list, &f));
	struct err e;
	if (!list_reload(&lp->list, app->st, true, &e))
		app_message(app, true, "%s", e.msg);
	if (lp->spec->changed)
		lp->spec->changed(app, lp);
}

void lpane_refilter(struct app *app, struct pane *p)
{
	apply_filter(app, LP(p));
}

/* Selects the record a save asked for (app_select), once. */
static void select_saved(struct app *app, struct pane *p)
{
	struct lpane *lp = LP(p);
	if (app->select_in != p->type || !app->select_key[0])
		return;
	struct err e;
	list_select(&lp->list, app->st, lp->spec->key_col, app->select_key, &e);
	app->select_in = NULL;
	app->select_key[0] = '\0';
}

bool lpane_init(struct app *app, struct pane *p, const struct lpane_spec *spec)
{
	struct lpane *lp = xcalloc(1, sizeof *lp);
	lp->spec = spec;
	list_init(&lp->list, spec->list, spec->cols, spec->ncols, spec->sort_col);
	lp->list.row_role = spec->row_role;
	/* The screenful it will show: pane area less the status and header
	 * lines (keys may arrive before the first paint). */
	lp->list.height = app->rows - 3 - 2 > 1 ? app->rows - 3 - 2 : 1;
	lp->stale = true;
	p->data = lp;
	apply_filter(app, lp);
	select_saved(app, p);
	return true;
}

void lpane_set_spec(struct app *app, struct pane *p, const struct lpane_spec *spec)
{
	struct lpane *lp = LP(p);
	int height = lp->list.height;
	list_finish(&lp->list);
	lp->spec = spec;
	list_init(&lp->list, spec->list, spec->cols, spec->ncols, spec->sort_col);
	lp->list.row_role = spec->row_role;
	lp->list.height = height;
	lp->filter = 0;
	lp->township[0] = lp->township_name[0] = '\0';
	free(lp->detail_text);
	lp->detail_text = NULL;
	lp->detail_key[0] = '\0';
	p->detail = false;
	apply_filter(app, lp);
}

void lpane_destroy(struct pane *p)
{
	struct lpane *lp = LP(p);
	if (!lp)
		return;
	list_finish(&lp->list);
	free(lp->detail_text);
	free(lp);
	p->data = NULL;
}

const char *lpane_selected_key(struct pane *p)
{
	json_t *r = list_selected(&LP(p)->list);
	return r ? json_string_value(json_object_get(r, LP(p)->spec->key_col)) : NULL;
}

/* (Re)reads the record shown in the detail view. */
static void load_detail(struct app *app, struct pane *p, const char *key)
{
	struct lpane *lp = LP(p);
	if (!key) {
		free(lp->detail_text);
		lp->detail_text = NULL;
		lp->detail_key[0] = '\0';
		return;
	}
	if (lp->detail_text && strcmp(lp->detail_key, key) == 0 && !lp->stale)
		return;
	if (strcmp(lp->detail_key, key) != 0)
		lp->detail_scroll = 0;
	struct strbuf sb;
	sb_init(&sb);
	if (!lp->spec->detail(app, key, &sb)) {
		sb_finish(&sb);
		return;
	}
	free(lp->detail_text);
	lp->detail_text = sb_take(&sb);
	snprintf(lp->detail_key, sizeof lp->detail_key, "%s", key);
}

void lpane_reload(struct app *app, struct pane *p)
{
	struct lpane *lp = LP(p);
	struct err e;
	lp->list.height = lp->list.height > 0 ? lp->list.height : 1;
	if (!list_reload(&lp->list, app->st, false, &e))
		app_message(app, true, "%s", e.msg);
	select_saved(app, p);
	if (lp->spec->changed)
		lp->spec->changed(app, lp);
	lp->stale = true;
	if (lp->detail_key[0]) {
		char key[64];
		snprintf(key, sizeof key, "%s", lp->detail_key);
		load_detail(app, p, key);
	}
	lp->stale = false;
}

/* One detail line as screen rows: a "label\tvalue" line with the value
 * wrapped beside its label (lw cells), a plain line wrapped across width.
 * Row r of the whole text is drawn at y + r - scroll when it falls in the
 * h rows shown; returns the rows it takes. */
static int detail_rows(WINDOW *w, const char *line, int lw, int row, int scroll, int y, int x,
		       int h, int width)
{
	const char *tab = strchr(line, '\t');
	const char *text = tab ? tab + 1 : line;
	int vx = tab ? lw + 2 : 0, vw = width - vx;
	attr_t a = theme_attr(!tab && line[0] == '#' ? R_TITLE : R_NORMAL);
	int k = 0;
	size_t off = 0, nx;
	do {
		size_t n = text_wrap_line(text + off, vw, &nx);
		int r = row + k - scroll;
		if (r >= 0 && r < h) {
			if (tab && k == 0) {
				char *lab = xstrndup(line, (size_t)(tab - line));
				put_cell(w, y + r, x, lab, lw, false, theme_attr(R_TITLE));
				free(lab);
			}
			char *one = xstrndup(text + off, n);
			put_text(w, y + r, x + vx, one, vw, a);
			free(one);
		}
		off += nx;
		k++;
	} while (text[off]);
	return k;
}

/* Draws detail lines ("label\tvalue" aligned, long values wrapped) from
 * the scroll position, which stops where the last line shows. */
static void draw_detail(struct lpane *lp, WINDOW *w, int y, int x, int h, int width)
{
	for (int i = 0; i < h; i++)
		put_cell(w, y + i, x, "", width, false, theme_attr(R_NORMAL));
	if (!lp->detail_text)
		return;
	int lw = 0;
	for (const char *s = lp->detail_text; *s;) {
		const char *nl = strchr(s, '\n'), *tab = memchr(s, '\t', (size_t)(nl - s));
		if (tab) {
			char *lab = xstrndup(s, (size_t)(tab - s));
			int tw = text_width(lab);
			lw = tw > lw ? tw : lw;
			free(lab);
		}
		s = nl + 1;
	}
	if (lw > width / 3)
		lw = width / 3;
	/* Only the lines up to the last row shown are read: drawn again from
	 * the end when the scroll ran past it. */
	for (int pass = 0; pass < 2; pass++) {
		int row = 0;
		for (const char *s = lp->detail_text; *s && row < lp->detail_scroll + h;) {
			const char *nl = strchr(s, '\n');
			char *one = xstrndup(s, (size_t)(nl - s));
			s = nl + 1;
			row += detail_rows(w, one, lw, row, lp->detail_scroll, y, x, h, width);
			free(one);
		}
		if (row >= lp->detail_scroll + h || lp->detail_scroll == 0)
			break;
		lp->detail_scroll = row - h > 0 ? row - h : 0;
		for (int i = 0; i < h; i++)
			put_cell(w, y + i, x, "", width, false, theme_attr(R_NORMAL));
	}
}

void lpane_draw(struct app *app, struct pane *p, WINDOW *w, int h, int width)
{
	struct lpane *lp = LP(p);
	bool wide = width >= WIDE;
	int lw = wide ? width * 11 / 20 : width;
	if (wide && lw < list_full_width(&lp->list)) {
		/* no column of the list gives way to the record beside it */
		lw = list_full_width(&lp->list);
		wide = width - lw - 3 >= DETAIL_MIN;
		if (!wide)
			lw = width;
	}
	/* Status line of the pane: filter and township. */
	char status[256], what[200];
	if (lp->spec->describe)
		lp->spec->describe(app, lp, what, sizeof what);
	else
		snprintf(what, sizeof what, "%s",
			 lp->spec->filters ? _(lp->spec->filters[lp->filter].label) : _("all"));
	snprintf(status, sizeof status, "%s%s%s%s%s", _("filter: "), what,
		 lp->township[0] ? "  " : "", lp->township[0] ? _("township: ") : "",
		 lp->township_name);
	if (lp->list.search[0]) {
		size_t n = strlen(status);
		snprintf(status + n, sizeof status - n, "  /%s", lp->list.search);
	}
	if (p->detail && !wide) {
		/* The record takes the screen. */
		draw_detail(lp, w, 0, 1, h, width - 2);
		return;
	}
	char sum[256];
	bool has_sum = lp->spec->summary && h > 6 && lp->spec->summary(app, lp, sum, sizeof sum);
	int top = has_sum ? 2 : 1;
	int newh = h - top;
	/* a rule and two rows under the list for the selected row's text */
	bool preview = lp->spec->preview && !wide && newh > 8;
	if (preview)
		newh -= 3;
	if (lp->list.height != newh - 1) {
		lp->list.height = newh - 1 > 1 ? newh - 1 : 1;
		struct err e;
		list_reload(&lp->list, app->st, false, &e);
	}
	put_cell(w, 0, 0, status, lw, false, theme_attr(R_DIM));
	if (has_sum)
		put_cell(w, 1, 0, sum, lw, false, theme_attr(R_TITLE));
	lp->list.drawn_y = -1; /* a body of its own (the map) has no rows to click */
	if (lp->spec->body && lp->spec->body(app, lp, w, top, newh, lw))
		;
	else
		list_draw(&lp->list, w, top, 0, newh, lw, !p->detail);
	if (json_array_size(lp->list.rows) == 0)
		put_text(w, top + 1, 1, _("(nothing here)"), lw - 2, theme_attr(R_DIM));
	if (preview) {
		json_t *row = list_selected(&lp->list);
		hline_at(w, top + newh, 0, lw - 1);
		if (row)
			put_wrapped(w, top + newh + 2, 1, lp->spec->preview(row), lw - 2, 2,
				    theme_attr(R_NORMAL));
	}
	if (wide) {
		load_detail(app, p, lpane_selected_key(p));
		vline_at(w, 0, lw, h);
		draw_detail(lp, w, 0, lw + 2, h, width - lw - 3);
	}
}

bool lpane_township(struct app *app, struct pane *p, const char *text)
{
	struct lpane *lp = LP(p);
	if (!q_list_by_township(lp->spec->list))
		return false;
	if (str_empty(text)) {
		lp->township[0] = lp->township_name[0] = '\0';
	} else {
		struct err e;
		if (!q_township(app->st, text, lp->township, &e)) {
			app_message(app, true, "%s", e.msg);
			return false;
		}
		/* Named as the register names it, whatever was typed (a code). */
		char *name = store_division_name(app->st, lp->township);
		snprintf(lp->township_name, sizeof lp->township_name, "%s", name ? name : text);
		free(name);
	}
	apply_filter(app, lp);
	return true;
}

void lpane_search(struct app *app, struct pane *p, const char *text, int dir, bool incl)
{
	struct lpane *lp = LP(p);
	struct err e;
	if (!list_find(&lp->list, app->st, text, dir, incl, &e))
		app_message(app, true, "%s", e.msg);
}

bool lpane_action(struct app *app, struct pane *p, enum action a)
{
	struct lpane *lp = LP(p);
	struct err e;
	const char *key = lpane_selected_key(p);
	if (p->detail) {
		switch (a) {
		case ACT_BACK:
			p->detail = false;
			return true;
		case ACT_DOWN:
			lp->detail_scroll++;
			return true;
		case ACT_UP:
			if (lp->detail_scroll > 0)
				lp->detail_scroll--;
			return true;
		case ACT_PAGE_DOWN:
			lp->detail_scroll += 10;
			return true;
		case ACT_PAGE_UP:
			lp->detail_scroll = lp->detail_scroll > 10 ? lp->detail_scroll - 10 : 0;
			return true;
		case ACT_TOP:
			lp->detail_scroll = 0;
			return true;
		default:
			return lp->spec->action && lp->spec->action(app, lp, a, lp->detail_key);
		}
	}
	switch (a) {
	case ACT_DOWN:
	case ACT_UP:
	case ACT_PAGE_DOWN:
	case ACT_PAGE_UP:
	case ACT_TOP:
	case ACT_BOTTOM:
		if (!list_move(&lp->list, app->st, a, &e))
			app_message(app, true, "%s", e.msg);
		return true;
	case ACT_OPEN:
		if (!key)
			return true;
		load_detail(app, p, key);
		lp->detail_scroll = 0; /* a record opens at its top */
		p->detail = true;
		return true;
	case ACT_SORT:
		list_next_sort(&lp->list);
		if (!list_reload(&lp->list, app->st, true, &e))
			app_message(app, true, "%s", e.msg);
		return true;
	case ACT_FILTER:
		if (!lp->spec->nfilters) /* a pane with a filter of its own */
			return lp->spec->action && lp->spec->action(app, lp, a, key);
		if (lp->spec->nfilters) {
			lp->filter = (lp->filter + 1) % lp->spec->nfilters;
			apply_filter(app, lp);
		}
		return true;
	case ACT_NEXT_MATCH:
	case ACT_PREV_MATCH:
		if (!lp->list.search[0] && lp->spec->action &&
		    lp->spec->action(app, lp, a, key))
			return true; /* a pane may give n a meaning of its own */
		if (lp->list.search[0]) {
			char text[256];
			snprintf(text, sizeof text, "%s", lp->list.search);
			lpane_search(app, p, text, a == ACT_NEXT_MATCH ? 1 : -1, false);
		}
		return true;
	case ACT_BACK:
		if (lp->list.search[0]) {
			lp->list.search[0] = '\0';
			return true;
		}
		return false;
	default:
		return lp->spec->action && lp->spec->action(app, lp, a, key);
	}
}

/* Each row of the list as on screen, paged with the same keyset reads the
 * screen uses: row(ud, cells) with one JSON value per column (a number as
 * a number, else its text as shown). */
static bool lpane_rows(struct app *app, struct list *l, void (*row)(void *ud, json_t *cells),
		       void *ud, long *rows, struct err *e)
{
	json_t *key = NULL;
	*rows = 0;
	for (;;) {
		json_t *page = q_window(app->st, l->list, l->sort, l->desc, l->cond, key, 1, 1000, NULL,
					e);
		json_decref(key);
		key = NULL;
		if (!page)
			return false;
		size_t i;
		json_t *r;
		json_array_foreach(page, i, r) {
			json_t *cells = json_array();
			for (int c = 0; c < l->ncols; c++) {
				const char *k = !tui_zh && l->cols[c].key_en ? l->cols[c].key_en : l->cols[c].key;
				json_t *v = json_object_get(r, k);
				char buf[1024];
				const char *t = json_is_string(v) ? json_string_value(v) : "";
				if (l->cols[c].cell)
					t = l->cols[c].cell(r, buf, sizeof buf);
				else if (json_is_string(v) && l->cols[c].label)
					t = l->cols[c].label(t);
				else if (json_is_number(v)) {
					json_array_append(cells, v);
					continue;
				}
				json_array_append_new(cells, json_string(t));
			}
			row(ud, cells);
			json_decref(cells);
			(*rows)++;
		}
		size_t n = json_array_size(page);
		if (n)
			key = json_incref(json_object_get(json_array_get(page, n - 1), "_k"));
		json_decref(page);
		if (n < 1000)
			break;
	}
	json_decref(key);
	return true;
}

static void csv_row(void *ud, json_t *cells)
{
	FILE *f = ud;
	size_t c;
	json_t *v;
	json_array_foreach(cells, c, v) {
		if (c)
			fputc(',', f);
		if (json_is_string(v)) {
			csv_put(f, json_string_value(v));
		} else {
			char buf[64];
			if (json_is_integer(v))
				snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
			else
				snprintf(buf, sizeof buf, "%g", json_real_value(v));
			csv_put_number(f, buf);
		}
	}
	fputs("\r\n", f);
}

/* A row for the workbook: an object keyed by column number. */
static void sheet_row(void *ud, json_t *cells)
{
	json_t *o = json_object();
	size_t c;
	json_t *v;
	json_array_foreach(cells, c, v) {
		char k[16];
		snprintf(k, sizeof k, "%zu", c);
		json_object_set(o, k, v);
	}
	json_array_append_new(ud, o);
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), m = strlen(tail);
	return n >= m && !strcasecmp(s + n - m, tail);
}

bool lpane_export(struct app *app, struct pane *p, const char *path, long *rows, struct err *e)
{
	struct list *l = &LP(p)->list;
	if (ends_with(path, ".xlsx")) {
		json_t *all = json_array();
		char (*keys)[16] = xcalloc((size_t)l->ncols + 1, sizeof *keys);
		const char **kp = xcalloc((size_t)l->ncols + 1, sizeof *kp);
		const char **heads = xcalloc((size_t)l->ncols + 1, sizeof *heads);
		for (int c = 0; c < l->ncols; c++) {
			snprintf(keys[c], sizeof keys[c], "%d", c);
			kp[c] = keys[c];
			heads[c] = _(l->cols[c].head);
		}
		bool ok = lpane_rows(app, l, sheet_row, all, rows, e) &&
			  cmd_write_xlsx(path, _(p->type->name), all, kp, heads, e);
		json_decref(all);
		free(keys);
		free(kp);
		free(heads);
		return ok;
	}
	char *tmp = xasprintf("%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (!f) {
		err_set(e, ERR_FAIL, "%s: cannot write", path);
		free(tmp);
		return false;
	}
	fputs("\xEF\xBB\xBF", f); /* BOM: spreadsheet programs then read UTF-8 */
	for (int c = 0; c < l->ncols; c++) {
		if (c)
			fputc(',', f);
		csv_put(f, _(l->cols[c].head));
	}
	fputs("\r\n", f);
	bool ok = lpane_rows(app, l, csv_row, f, rows, e);
	ok = fclose(f) == 0 && ok;
	if (ok && rename(tmp, path) != 0)
		ok = err_set(e, ERR_FAIL, "%s: cannot write", path);
	if (!ok)
		remove(tmp);
	free(tmp);
	return ok;
}
