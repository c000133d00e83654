/* The list widget: a window of rows over keyset reads. It holds only
 * what is on screen; moving past an edge reads the next rows from the last
 * key. A million rows scroll like ten. */
#include <stdlib.h>
#include <string.h>

#include "dutydesk/width.h"
#include "tui.h"

void list_init(struct list *l, enum list_id list, const struct list_col *cols, int ncols,
	       int sort_col)
{
	memset(l, 0, sizeof *l);
	l->list = list;
	l->cols = cols;
	l->ncols = ncols;
	l->sort_col = sort_col;
	l->sort = cols[sort_col].sort;
	l->desc = cols[sort_col].desc;
	l->rows = json_array();
	l->height = 1;
	l->drawn_y = -1;
}

void list_finish(struct list *l)
{
	json_decref(l->rows);
	q_list_cond_free(l->cond);
	l->rows = NULL;
	l->cond = NULL;
}

json_t *list_selected(const struct list *l)
{
	return json_array_get(l->rows, (size_t)l->sel);
}

static json_t *key_of(json_t *row)
{
	return row ? json_object_get(row, "_k") : NULL;
}

static json_t *fetch(struct list *l, struct store *st, json_t *key, int dir, int n,
		     const char *search, struct err *e)
{
	return q_window(st, l->list, l->sort, l->desc, l->cond, key, dir, n, search, e);
}

/* Replaces the rows with new ones (takes the reference). */
static void set_rows(struct list *l, json_t *rows)
{
	json_decref(l->rows);
	l->rows = rows;
	if (l->sel >= (int)json_array_size(rows))
		l->sel = (int)json_array_size(rows) - 1;
	if (l->sel < 0)
		l->sel = 0;
}

/* Fills the window with the screenful starting at (and including) key. */
static bool fill_from(struct list *l, struct store *st, json_t *key, struct err *e)
{
	json_t *rows;
	if (!key) {
		rows = fetch(l, st, NULL, 1, l->height + 1, NULL, e);
		l->at_start = true;
	} else {
		/* From just before key: the row itself, then what follows. */
		json_t *before = fetch(l, st, key, -1, 1, NULL, e);
		if (!before)
			return false;
		json_t *from = json_array_size(before) ? key_of(json_array_get(before, 0)) : NULL;
		l->at_start = from == NULL;
		rows = fetch(l, st, from, 1, l->height + 1, NULL, e);
		json_decref(before);
	}
	if (!rows)
		return false;
	l->at_end = (int)json_array_size(rows) <= l->height;
	if (!l->at_end)
		json_array_remove(rows, json_array_size(rows) - 1);
	set_rows(l, rows);
	return true;
}

bool list_reload(struct list *l, struct store *st, bool from_start, struct err *e)
{
	json_t *top = NULL, *selkey = NULL;
	if (!from_start && json_array_size(l->rows)) {
		/* A window showing the first rows keeps showing them: rows that
		 * arrive above (a new incident) come into view. */
		if (!l->at_start)
			top = json_incref(key_of(json_array_get(l->rows, 0)));
		selkey = json_incref(key_of(list_selected(l)));
	}
	if (from_start)
		l->sel = 0;
	bool ok = fill_from(l, st, top, e);
	/* Keep the selection on the same record when it is still on screen. */
	if (ok && selkey) {
		size_t i;
		json_t *r;
		json_array_foreach(l->rows, i, r)
			if (json_equal(key_of(r), selkey))
				l->sel = (int)i;
	}
	json_decref(top);
	json_decref(selkey);
	return ok;
}

/* Scrolls by n rows (n > 0 down); false when nothing more. */
static bool list_scroll_by(struct list *l, struct store *st, int n, struct err *e)
{
	size_t have = json_array_size(l->rows);
	if (have == 0)
		return true;
	int dir = n > 0 ? 1 : -1, want = abs(n);
	json_t *edge = key_of(json_array_get(l->rows, dir > 0 ? have - 1 : 0));
	json_t *more = fetch(l, st, edge, dir, want + (dir > 0), NULL, e);
	if (!more)
		return false;
	size_t got = json_array_size(more);
	if (dir > 0) {
		if (got > 0)
			l->at_start = false;
		l->at_end = (int)got <= want;
		if (!l->at_end)
			json_array_remove(more, got - 1), got--;
		for (size_t i = 0; i < got; i++)
			json_array_append(l->rows, json_array_get(more, i));
		while ((int)json_array_size(l->rows) > l->height)
			json_array_remove(l->rows, 0);
	} else {
		l->at_start = (int)got < want;
		for (size_t i = got; i-- > 0;)
			json_array_insert(l->rows, 0, json_array_get(more, i));
		while ((int)json_array_size(l->rows) > l->height) {
			json_array_remove(l->rows, json_array_size(l->rows) - 1);
			l->at_end = false;
		}
	}
	json_decref(more);
	return true;
}

bool list_move(struct list *l, struct store *st, enum action a, struct err *e)
{
	int n = (int)json_array_size(l->rows);
	switch (a) {
	case ACT_DOWN:
		if (l->sel + 1 < n) {
			l->sel++;
		} else if (!l->at_end) {
			int before = (int)json_array_size(l->rows);
			if (!list_scroll_by(l, st, 1, e))
				return false;
			if ((int)json_array_size(l->rows) == before && before >= l->height)
				l->sel = before - 1;
			else
				l->sel = (int)json_array_size(l->rows) - 1;
		}
		return true;
	case ACT_UP:
		if (l->sel > 0)
			l->sel--;
		else
			return list_scroll_by(l, st, -1, e);
		return true;
	case ACT_PAGE_DOWN:
		if (l->at_end) {
			l->sel = n - 1;
			return true;
		}
		return list_scroll_by(l, st, l->height, e);
	case ACT_PAGE_UP: {
		json_t *first = json_incref(json_array_get(l->rows, 0));
		bool ok = list_scroll_by(l, st, -l->height, e);
		if (ok && first && json_equal(json_array_get(l->rows, 0), first))
			l->sel = 0; /* already at the top */
		json_decref(first);
		return ok;
	}
	case ACT_TOP:
		l->sel = 0;
		return fill_from(l, st, NULL, e);
	case ACT_BOTTOM: {
		json_t *rows = fetch(l, st, NULL, -1, l->height, NULL, e);
		if (!rows)
			return false;
		set_rows(l, rows);
		l->at_end = true;
		l->at_start = (int)json_array_size(l->rows) < l->height;
		l->sel = (int)json_array_size(l->rows) - 1;
		return true;
	}
	default:
		return false;
	}
}

bool list_find(struct list *l, struct store *st, const char *text, int dir, bool include_sel,
	       struct err *e)
{
	snprintf(l->search, sizeof l->search, "%s", text ? text : "");
	if (!*l->search)
		return true;
	json_t *sel = list_selected(l);
	json_t *from = NULL;
	if (sel) {
		/* Searching from the selection itself: start just before it. */
		if (include_sel) {
			json_t *b = fetch(l, st, key_of(sel), -1, 1, NULL, e);
			if (!b)
				return false;
			from = json_array_size(b) ? json_incref(key_of(json_array_get(b, 0))) : NULL;
			json_decref(b);
			if (!from && dir > 0)
				from = NULL; /* from the very start */
		} else {
			from = json_incref(key_of(sel));
		}
	}
	json_t *hit = fetch(l, st, from, dir, 1, l->search, e);
	json_decref(from);
	if (!hit)
		return false;
	bool found = json_array_size(hit) > 0;
	if (found) {
		/* A match on the screen already: only the selection moves (no
		 * page to read or to send again). */
		size_t i;
		json_t *r;
		json_array_foreach(l->rows, i, r)
			if (json_equal(key_of(r), key_of(json_array_get(hit, 0)))) {
				l->sel = (int)i;
				json_decref(hit);
				return true;
			}
		json_t *k = json_incref(key_of(json_array_get(hit, 0)));
		bool ok = fill_from(l, st, k, e);
		l->sel = 0;
		json_decref(k);
		json_decref(hit);
		if (!ok)
			return false;
		return true;
	}
	json_decref(hit);
	return err_set(e, ERR_FAIL, "not found: %s", l->search);
}

bool list_select(struct list *l, struct store *st, const char *col, const char *value,
		 struct err *e)
{
	size_t i;
	json_t *r;
	json_array_foreach(l->rows, i, r)
		if (str_eq(json_string_value(json_object_get(r, col)), value)) {
			l->sel = (int)i;
			return true;
		}
	/* The rows containing value, in the list's order, a page at a time;
	 * the record is among the first unless value is a part of many. */
	json_t *from = NULL;
	for (int page = 0; page < 50; page++) {
		json_t *hits = fetch(l, st, from, 1, 20, value, e);
		json_decref(from);
		from = NULL;
		if (!hits)
			return false;
		json_array_foreach(hits, i, r)
			if (str_eq(json_string_value(json_object_get(r, col)), value)) {
				json_t *k = json_incref(key_of(r));
				json_decref(hits);
				bool ok = fill_from(l, st, k, e);
				json_decref(k);
				l->sel = 0;
				return ok;
			}
		if (json_array_size(hits) < 20) {
			json_decref(hits);
			break;
		}
		from = json_incref(key_of(json_array_get(hits, json_array_size(hits) - 1)));
		json_decref(hits);
	}
	return err_set(e, ERR_FAIL, "not in the list: %s", value);
}

int list_row_at(const struct list *l, int y, int x)
{
	int i = y - l->drawn_y;
	if (x < l->drawn_x || x >= l->drawn_x + l->drawn_w || i < 0 ||
	    i >= (int)json_array_size(l->rows))
		return -1;
	return i;
}

void list_set_filter(struct list *l, struct list_cond *cond)
{
	q_list_cond_free(l->cond);
	l->cond = cond;
}

void list_next_sort(struct list *l)
{
	for (int i = 1; i <= l->ncols; i++) {
		int c = (l->sort_col + i) % l->ncols;
		if (l->cols[c].sort) {
			l->sort_col = c;
			l->sort = l->cols[c].sort;
			l->desc = l->cols[c].desc;
			return;
		}
	}
}

/* Column widths for width cells: fixed ones first, the flexible one takes
 * the rest; columns that do not fit are dropped from the right. */
static int layout(const struct list *l, int width, int *w)
{
	int used = 0, flex = -1, shown = 0;
	for (int c = 0; c < l->ncols; c++) {
		int need = l->cols[c].max ? l->cols[c].max : l->cols[c].min;
		if (used + need + (shown ? 1 : 0) > width)
			break;
		w[c] = need;
		if (!l->cols[c].max)
			flex = c;
		used += need + (shown ? 1 : 0);
		shown++;
	}
	if (flex >= 0 && used < width)
		w[flex] += width - used;
	return shown;
}

int list_full_width(const struct list *l)
{
	int used = 0;
	for (int c = 0; c < l->ncols; c++)
		used += (c ? 1 : 0) + (l->cols[c].max ? l->cols[c].max : l->cols[c].min);
	return used;
}

void list_draw(struct list *l, WINDOW *w, int y, int x, int height, int width, bool focus)
{
	/* The last column stays blank: a row written up to it leaves the
	 * terminal's cursor in its pending wrap, and the next row then needs an
	 * absolute move (7 bytes) instead of a carriage return and line feed. */
	if (getbegx(w) + x + width >= COLS && width > 1)
		width--;
	int cw[32] = {0};
	int shown = layout(l, width, cw);
	l->drawn_y = getbegy(w) + y + 1, l->drawn_x = getbegx(w) + x, l->drawn_w = width;
	/* header */
	int cx = x;
	for (int c = 0; c < shown; c++) {
		char head[64];
		snprintf(head, sizeof head, "%s%s", _(l->cols[c].head),
			 c == l->sort_col ? (l->desc ? (tui_unicode ? "↓" : "v") : (tui_unicode ? "↑" : "^")) : "");
		put_cell(w, y, cx, head, cw[c], l->cols[c].right, theme_attr(R_TITLE));
		cx += cw[c] + 1;
	}
	int rows = (int)json_array_size(l->rows);
	for (int i = 0; i < height - 1; i++) {
		int ry = y + 1 + i;
		wmove(w, ry, x);
		if (i >= rows) {
			for (int k = 0; k < width; k++)
				waddch(w, ' ');
			continue;
		}
		json_t *row = json_array_get(l->rows, (size_t)i);
		bool sel = i == l->sel;
		attr_t base = sel ? theme_attr(focus ? R_SELECTED : R_FOCUS)
				  : theme_attr(l->row_role ? l->row_role(row) : R_NORMAL);
		/* One attribute per row: colour changes within a row cost bytes. */
		struct strbuf sb;
		sb_init(&sb);
		for (int c = 0; c < shown; c++) {
			const char *key = !tui_zh && l->cols[c].key_en ? l->cols[c].key_en : l->cols[c].key;
			json_t *v = json_object_get(row, key);
			char num[32];
			const char *t = json_is_string(v) ? json_string_value(v) : "";
			char cbuf[1024];
			if (l->cols[c].cell) {
				t = l->cols[c].cell(row, cbuf, sizeof cbuf);
			} else if (json_is_string(v) && l->cols[c].label) {
				t = l->cols[c].label(t);
			} else if (json_is_integer(v)) {
				snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
				t = num;
			} else if (json_is_real(v)) {
				snprintf(num, sizeof num, "%.6g", json_real_value(v));
				t = num;
			}
			if (c)
				sb_putc(&sb, ' ');
			sb_cell(&sb, t, cw[c], l->cols[c].right);
		}
		int used = text_width(sb.buf ? sb.buf : "");
		for (; used < width; used++)
			sb_putc(&sb, ' ');
		wattron(w, base);
		mvwaddstr(w, ry, x, sb.buf);
		wattroff(w, base);
		sb_finish(&sb);
	}
}
