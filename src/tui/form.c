/* Forms: labelled fields with our own line editor, pickers with
 * type-to-filter for choices, messages in place. The content is a draft
 * on disk after every change. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dutydesk/dtime.h"
#include "dutydesk/pinyin.h"
#include "dutydesk/width.h"
#include "tui.h"

struct form *form_create(const char *kind, const char *title)
{
	struct form *f = xcalloc(1, sizeof *f);
	snprintf(f->kind, sizeof f->kind, "%s", kind);
	snprintf(f->title, sizeof f->title, "%s", title);
	edit_init(&f->pick, "");
	return f;
}

void form_destroy(struct form *f)
{
	if (!f)
		return;
	for (int i = 0; i < f->nfields; i++) {
		struct form_field *ff = &f->fields[i];
		edit_finish(&ff->ed);
		for (size_t c = 0; c < ff->nchoices; c++) {
			free(ff->choices[c].id);
			free(ff->choices[c].label);
			free(ff->choices[c].parent);
			free(ff->choices[c].also);
		}
		free(ff->choices);
		free(ff->value_id);
	}
	free(f->fields);
	json_decref(f->data);
	edit_finish(&f->pick);
	free(f);
}

struct form_field *form_add(struct form *f, const char *name, const char *label,
			    enum field_kind kind, bool required)
{
	f->fields = xrealloc(f->fields, (size_t)(f->nfields + 1) * sizeof *f->fields);
	struct form_field *ff = &f->fields[f->nfields++];
	memset(ff, 0, sizeof *ff);
	ff->name = name;
	ff->label = label;
	ff->kind = kind;
	ff->required = required;
	edit_init(&ff->ed, "");
	return ff;
}

void form_choice_under(struct form_field *ff, const char *id, const char *label,
		       const char *parent)
{
	ff->choices = xrealloc(ff->choices, (ff->nchoices + 1) * sizeof *ff->choices);
	ff->choices[ff->nchoices].id = xstrdup(id);
	ff->choices[ff->nchoices].label = xstrdup(label);
	ff->choices[ff->nchoices].parent = parent ? xstrdup(parent) : NULL;
	ff->choices[ff->nchoices].also = NULL;
	ff->nchoices++;
}

void form_choice_also(struct form_field *ff, const char *also)
{
	if (ff->nchoices && also) {
		free(ff->choices[ff->nchoices - 1].also);
		ff->choices[ff->nchoices - 1].also = xstrdup(also);
	}
}

void form_choice(struct form_field *ff, const char *id, const char *label)
{
	form_choice_under(ff, id, label, NULL);
}

struct form_field *form_field(struct form *f, const char *name)
{
	for (int i = 0; i < f->nfields; i++)
		if (strcmp(f->fields[i].name, name) == 0)
			return &f->fields[i];
	return NULL;
}

static void choose(struct form_field *ff, const struct choice *c)
{
	free(ff->value_id);
	ff->value_id = c ? xstrdup(c->id) : NULL;
	edit_set(&ff->ed, c ? c->label : "");
}

static const struct choice *chosen(const struct form_field *ff)
{
	for (size_t i = 0; ff->value_id && i < ff->nchoices; i++)
		if (str_eq(ff->choices[i].id, ff->value_id))
			return &ff->choices[i];
	return NULL;
}

/* The chosen id of ff's parent field, or NULL when none is chosen. */
static const char *parent_id(struct form *f, const struct form_field *ff)
{
	struct form_field *pf = ff->parent ? form_field(f, ff->parent) : NULL;
	return pf ? pf->value_id : NULL;
}

/* Chooses c in ff and keeps the fields under it agreeing: a village
 * chosen first fills in its township; another township clears a village
 * (or hazard point) that is not in it. */
static void choose_in(struct form *f, struct form_field *ff, const struct choice *c)
{
	choose(ff, c);
	struct form_field *pf = ff->parent ? form_field(f, ff->parent) : NULL;
	if (c && c->parent && pf && !pf->value_id)
		for (size_t i = 0; i < pf->nchoices; i++)
			if (str_eq(pf->choices[i].id, c->parent))
				choose_in(f, pf, &pf->choices[i]);
	for (int i = 0; i < f->nfields; i++) {
		struct form_field *sub = &f->fields[i];
		const struct choice *sc = chosen(sub);
		if (sub->parent && str_eq(sub->parent, ff->name) && sc && sc->parent && c &&
		    !str_eq(sc->parent, c->id))
			choose(sub, NULL);
	}
}

void form_set(struct form *f, const char *name, const char *value)
{
	struct form_field *ff = form_field(f, name);
	if (!ff)
		return;
	if (ff->kind == F_CHOICE) {
		for (size_t i = 0; i < ff->nchoices; i++)
			if (str_eq(ff->choices[i].id, value) || str_eq(ff->choices[i].label, value)) {
				choose_in(f, ff, &ff->choices[i]);
				return;
			}
		choose(ff, NULL);
		edit_set(&ff->ed, value ? value : "");
		return;
	}
	edit_set(&ff->ed, value ? value : "");
}

const char *form_value(struct form *f, const char *name)
{
	static char *last;
	struct form_field *ff = form_field(f, name);
	free(last);
	last = NULL;
	if (!ff)
		return "";
	if (ff->kind == F_CHOICE)
		return ff->value_id ? ff->value_id : "";
	last = edit_text(&ff->ed);
	return last;
}

/* Does choice c match what was typed (label, id, other names it answers
 * to, substring; or their pinyin initials: `zsj` for 张书记, `sbz` for 桑壁镇)? An id that
 * is a record's UUID (a contact's) is nobody's to type: its hex digits
 * would match every few letters. */
static bool matches(const struct choice *c, const char *typed)
{
	return !*typed || strstr(c->label, typed) ||
	       (strlen(c->id) != ID_TEXT - 1 && strstr(c->id, typed)) ||
	       pinyin_match(c->label, typed) ||
	       (c->also && (strstr(c->also, typed) || pinyin_match(c->also, typed)));
}

/* Indexes of the choices matching the picker text, at most max; under
 * the parent field's choice when one is made. */
static int picks(struct form *f, struct form_field *ff, int *out, int max)
{
	char *typed = edit_text(&f->pick);
	const char *under = parent_id(f, ff);
	int n = 0;
	for (size_t i = 0; i < ff->nchoices && n < max; i++)
		if (matches(&ff->choices[i], typed) &&
		    (!under || !ff->choices[i].parent || str_eq(ff->choices[i].parent, under)))
			out[n++] = (int)i;
	free(typed);
	return n;
}

static void open_picker(struct form *f, struct form_field *ff, int first_key, bool is_char)
{
	f->picking = true;
	f->pick_sel = 0;
	edit_set(&f->pick, "");
	if (is_char)
		edit_key(&f->pick, first_key, true);
	(void)ff;
}

/* Checks required fields; sets messages. */
static bool validate(struct form *f)
{
	bool ok = true;
	for (int i = 0; i < f->nfields; i++) {
		struct form_field *ff = &f->fields[i];
		ff->msg[0] = '\0';
		const char *v = form_value(f, ff->name);
		if (ff->required && !*v) {
			snprintf(ff->msg, sizeof ff->msg, "%s", _("required"));
			if (ok)
				f->focus = i;
			ok = false;
		} else if (ff->kind == F_CHOICE && !ff->value_id && ff->ed.len) {
			snprintf(ff->msg, sizeof ff->msg, "%s", _("pick one from the list (Enter)"));
			if (ok)
				f->focus = i;
			ok = false;
		}
	}
	return ok;
}

static void changed(struct form *f)
{
	f->dirty = true;
	f->confirmed = false; /* what was confirmed has changed */
	f->status[0] = '\0';
	draft_save(f);
}

/* Focus on field i, kept inside the form: Tab on the last field stays
 * there (it never comes round to the first, where what is typed next
 * would land in a pick list's filter). */
static void focus_to(struct form *f, int i)
{
	f->focus = i < 0 ? 0 : i >= f->nfields ? f->nfields - 1 : i;
}

static void focus_first_bad(struct form *f)
{
	for (int i = 0; i < f->nfields; i++)
		if (f->fields[i].msg[0]) {
			f->focus = i;
			return;
		}
}

/* Skips "name: " at the start of s, where name is an identifier (a column
 * or an option); NULL where there is none. */
static const char *after_name(const char *s, size_t *len)
{
	while (*s == '-')
		s++;
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz_0123456789");
	if (n == 0 || strncmp(s + n, ": ", 2) != 0)
		return NULL;
	if (len)
		*len = n;
	return s;
}

bool form_blame(struct form *f, const char *msg)
{
	size_t n;
	const char *name = after_name(msg, &n);
	if (!name)
		return false;
	for (int i = 0; i < f->nfields; i++) {
		struct form_field *ff = &f->fields[i];
		const char *names[] = {ff->name, ff->column, ff->col_input};
		for (size_t j = 0; j < ARRAY_LEN(names); j++) {
			if (!names[j] || strlen(names[j]) != n || strncmp(names[j], name, n) != 0)
				continue;
			/* the label stands beside it: drop the name, and a column's
			 * name inside an option's message ("--townships: township: ...") */
			const char *rest = name + n + 2;
			const char *inner = after_name(rest, &n);
			snprintf(ff->msg, sizeof ff->msg, "%s", inner ? inner + n + 2 : rest);
			utf8_trim_partial(ff->msg);
			focus_first_bad(f);
			return true;
		}
	}
	return false;
}

/* Leaves the pick list: takes the highlighted choice (when take and there
 * is one), then goes to field `to`. */
static void pick_done(struct form *f, struct form_field *ff, const int *idx, int n, bool take,
		      int to)
{
	if (take && n > 0) {
		choose_in(f, ff, &ff->choices[idx[f->pick_sel < n ? f->pick_sel : 0]]);
		ff->msg[0] = '\0';
		changed(f);
	}
	f->picking = false;
	focus_to(f, to);
}

/* Keys in an open pick list: Up/Down (PgUp/PgDn) move the highlight,
 * typing filters; Enter chooses and goes to the next field; Tab/BTab go
 * to the next/previous field, taking the highlighted choice if one was
 * filtered or moved to; Esc closes the list as it was. */
static void pick_key(struct form *f, int key, bool is_char)
{
	struct form_field *ff = &f->fields[f->focus];
	int idx[256], n = picks(f, ff, idx, 256);
	bool aimed = f->pick.len > 0 || f->pick_sel > 0;
	if (is_char) {
		if (edit_key(&f->pick, key, true))
			f->pick_sel = 0;
		return;
	}
	switch (key) {
	case 27:
		f->picking = false;
		break;
	case KEY_DOWN:
	case KEY_NPAGE:
		f->pick_sel += key == KEY_DOWN ? 1 : 8;
		if (f->pick_sel >= n)
			f->pick_sel = n > 0 ? n - 1 : 0;
		break;
	case KEY_UP:
	case KEY_PPAGE:
		f->pick_sel -= key == KEY_UP ? 1 : 8;
		if (f->pick_sel < 0)
			f->pick_sel = 0;
		break;
	case '\n':
	case '\r':
	case KEY_ENTER:
		if (n > 0)
			pick_done(f, ff, idx, n, true, f->focus + 1);
		break;
	case '\t':
	case KEY_BTAB:
		pick_done(f, ff, idx, n, aimed, f->focus + (key == '\t' ? 1 : -1));
		break;
	default:
		if (edit_key(&f->pick, key, false))
			f->pick_sel = 0;
		break;
	}
}

bool form_paste(struct form *f, const char *text)
{
	struct form_field *ff = &f->fields[f->focus];
	/* Every field is one line: line breaks (and the blanks around them)
	 * become one blank. */
	struct strbuf sb;
	sb_init(&sb);
	sb_puts(&sb, "");
	for (const char *s = text; *s; s++) {
		if (*s == '\n') {
			while (sb.len && sb.buf[sb.len - 1] == ' ')
				sb.buf[--sb.len] = '\0';
			while (s[1] == ' ' || s[1] == '\n')
				s++;
			if (sb.len && s[1])
				sb_putc(&sb, ' ');
		} else {
			sb_putc(&sb, *s);
		}
	}
	bool whole;
	if (f->picking || ff->kind == F_CHOICE) {
		if (!f->picking)
			open_picker(f, ff, 0, false);
		whole = edit_replace(&f->pick, f->pick.cur, f->pick.cur, sb.buf);
		f->pick_sel = 0;
	} else {
		whole = edit_replace(&ff->ed, ff->ed.cur, ff->ed.cur, sb.buf);
		ff->msg[0] = '\0';
		changed(f);
	}
	sb_finish(&sb);
	return whole;
}

int form_click(struct form *f, int y, int x)
{
	(void)x;
	if (f->picking) {
		int k = y - f->pick_y;
		if (k >= 0 && k < f->pick_n) {
			f->pick_sel = f->pick_top + k;
			return 1;
		}
		f->picking = false; /* a click elsewhere closes the list */
	}
	for (int i = 0; i < f->nfields; i++)
		if (f->fields[i].row == y) {
			f->focus = i;
			return 0;
		}
	return -1;
}

int form_key(struct app *app, struct form *f, int key, bool is_char)
{
	struct form_field *ff = &f->fields[f->focus];
	if (f->picking) {
		pick_key(f, key, is_char);
		return 0;
	}
	int page = f->shown > 2 ? f->shown - 1 : 1;
	if (!is_char) {
		switch (key) {
		case 27:
			return -1;
		case 19: /* ^S */
			goto save;
		case '\t':
		case KEY_DOWN:
			focus_to(f, f->focus + 1);
			return 0;
		case KEY_BTAB:
		case KEY_UP:
			focus_to(f, f->focus - 1);
			return 0;
		case KEY_NPAGE:
			focus_to(f, f->focus + page);
			return 0;
		case KEY_PPAGE:
			focus_to(f, f->focus - page);
			return 0;
		case '\n':
		case '\r':
		case KEY_ENTER:
			if (ff->kind == F_CHOICE) {
				open_picker(f, ff, 0, false);
				return 0;
			}
			if (f->focus + 1 < f->nfields) {
				f->focus++;
				return 0;
			}
			goto save;
		default:
			break;
		}
	}
	if (ff->kind == F_CHOICE) {
		if (is_char || key == KEY_BACKSPACE || key == 127) {
			if (!is_char) { /* clearing a choice */
				choose(ff, NULL);
				changed(f);
				return 0;
			}
			open_picker(f, ff, key, true);
		}
		return 0;
	}
	if (ff->kind == F_NUMBER && is_char && !((key >= '0' && key <= '9') || key == '.' ||
						   key == '-')) {
		snprintf(ff->msg, sizeof ff->msg, "%s", _("digits only"));
		return 0;
	}
	if (edit_key(&ff->ed, key, is_char)) {
		ff->msg[0] = '\0';
		changed(f);
	}
	return 0;
save:
	if (!validate(f))
		return 0;
	struct err e = {0};
	if (!f->save(app, f, &e)) {
		/* The message beside the field it names, and the cursor there. */
		bool named = form_blame(f, e.msg);
		snprintf(f->status, sizeof f->status, "%s", named ? "" : e.msg);
		focus_first_bad(f);
		return 0;
	}
	draft_clear();
	return 1;
}

/* Bytes of s for one row of width cells: up to the last blank that fits,
 * else as much as fits (at least one character). */
static size_t row_bytes(const char *s, int width)
{
	int used;
	size_t n = text_fit(s, width, &used);
	if (!s[n])
		return n;
	for (size_t k = n; k > 0; k--)
		if (s[k] == ' ')
			return k;
	if (n == 0) {
		uint32_t cp;
		n = utf8_decode(s, &cp);
	}
	return n;
}

/* Draws s over at most max rows from y (draw false: only counts); the
 * rows used. */
static int text_rows(WINDOW *w, bool draw, int y, int x, const char *s, int width, int max,
		     attr_t a)
{
	int rows = 0;
	while (*s && rows < max && width > 0) {
		size_t n = row_bytes(s, width);
		if (draw) {
			char *one = xstrndup(s, n);
			put_text(w, y + rows, x, one, width, a);
			free(one);
		}
		s += n;
		while (*s == ' ')
			s++;
		rows++;
	}
	return rows;
}

/* The hint under the focused field: its own, or the times a time field
 * takes. */
static const char *field_hint(const struct form_field *ff, char *buf, size_t n)
{
	if (ff->hint)
		return _(ff->hint);
	if (ff->kind != F_TIME)
		return NULL;
	snprintf(buf, n, _("accepted: %s"), dd_time_forms());
	return buf;
}

/* Where field i goes: its rows, and where its message goes (beside the
 * value, else under it). */
struct field_place {
	int rows, msg_rows, hint_rows;
	bool msg_beside;
};

static struct field_place place(struct form *f, int i, int vw)
{
	struct form_field *ff = &f->fields[i];
	struct field_place pl = {1, 0, 0, true};
	if (ff->msg[0]) {
		char *v = edit_text(&ff->ed);
		pl.msg_beside = text_width(v) + 3 + text_width(ff->msg) <= vw;
		free(v);
		if (!pl.msg_beside)
			pl.msg_rows = text_rows(NULL, false, 0, 0, ff->msg, vw, 3, 0);
	}
	char hb[512];
	const char *hint = i == f->focus && !f->picking ? field_hint(ff, hb, sizeof hb) : NULL;
	if (hint)
		pl.hint_rows = text_rows(NULL, false, 0, 0, hint, vw, 3, 0);
	pl.rows += pl.msg_rows + pl.hint_rows;
	return pl;
}

/* Rows fields from..to take, from each field's rows. */
static int rows_between(const int *rows, int from, int to)
{
	int r = 0;
	for (int i = from; i <= to; i++)
		r += rows[i];
	return r;
}

void form_draw(struct form *f, WINDOW *w, int h, int width)
{
	werase(w);
	put_text(w, 0, 1, f->title, width - 2, theme_attr(R_TITLE));
	if (f->target[0]) {
		int tw = text_width(f->title);
		put_text(w, 0, 2 + tw, f->target, width - 3 - tw, theme_attr(R_DIM));
	}
	int lw = 0;
	for (int i = 0; i < f->nfields; i++) {
		int lwi = text_width(_(f->fields[i].label)) + (f->fields[i].required ? 1 : 0);
		if (lwi > lw)
			lw = lwi;
	}
	if (lw > width / 3)
		lw = width / 3;
	int vx = lw + 3, vw = width - vx - 1;
	/* Rows 2 .. h-3 hold fields; row 1 says what is above, h-2 what is
	 * below, h-1 is the status. The focused field stays in view. */
	int avail = h - 4 > 1 ? h - 4 : 1;
	int *rows = xcalloc((size_t)f->nfields, sizeof *rows);
	for (int i = 0; i < f->nfields; i++)
		rows[i] = place(f, i, vw).rows;
	if (f->top > f->focus)
		f->top = f->focus;
	while (f->top < f->focus && rows_between(rows, f->top, f->focus) > avail)
		f->top++;
	while (f->top > 0 && rows_between(rows, f->top - 1, f->nfields - 1) <= avail)
		f->top--;
	free(rows);
	int y = 2, curx = -1, cury = -1, last = f->top - 1;
	for (int i = 0; i < f->nfields; i++)
		f->fields[i].row = -1;
	for (int i = f->top; i < f->nfields && y < 2 + avail; i++) {
		struct form_field *ff = &f->fields[i];
		struct field_place pl = place(f, i, vw);
		ff->row = getbegy(w) + y; /* where a click finds it */
		char label[96];
		snprintf(label, sizeof label, "%s%s", _(ff->label), ff->required ? "*" : "");
		bool focus = i == f->focus;
		put_cell(w, y, 1, label, lw, true, theme_attr(focus ? R_TITLE : R_NORMAL));
		int msgw = pl.msg_beside && ff->msg[0] ? text_width(ff->msg) + 2 : 0;
		int cx = edit_draw(&ff->ed, w, y, vx, vw - msgw,
				   theme_attr(focus ? R_FOCUS : R_NORMAL));
		if (ff->kind == F_CHOICE && focus && !f->picking)
			put_text(w, y, vx + vw - msgw - 2, tui_unicode ? "▾" : "v", 1, theme_attr(R_DIM));
		if (msgw)
			put_text(w, y, vx + vw - msgw + 1, ff->msg, msgw - 1, theme_attr(R_ERROR));
		if (focus)
			curx = cx, cury = y;
		last = i;
		int room = 2 + avail - y - 1;
		y++;
		if (pl.msg_rows)
			y += text_rows(w, true, y, vx, ff->msg, vw, room, theme_attr(R_ERROR));
		room = 2 + avail - y;
		if (pl.hint_rows && room > 0) {
			char hb[512];
			y += text_rows(w, true, y, vx, field_hint(ff, hb, sizeof hb), vw, room,
				       theme_attr(R_DIM));
		}
	}
	f->shown = last - f->top + 1;
	char more[96];
	if (f->top > 0) {
		snprintf(more, sizeof more, _("%s %d more above"), tui_unicode ? "↑" : "^", f->top);
		put_text(w, 1, vx, more, vw, theme_attr(R_DIM));
	}
	if (last < f->nfields - 1) {
		snprintf(more, sizeof more, _("%s %d more below"), tui_unicode ? "↓" : "v",
			 f->nfields - 1 - last);
		put_text(w, h - 2, vx, more, vw, theme_attr(R_DIM));
	}
	if (f->status[0]) /* whole, on two rows if need be */
		put_wrapped(w, h - 1, 1, f->status, width - 2, 2, theme_attr(R_ERROR));
	if (f->picking) {
		struct form_field *ff = &f->fields[f->focus];
		int idx[256], n = picks(f, ff, idx, 256);
		int ph = n < 8 ? n : 8, py = cury + 1, px = lw + 3, pw = width - px - 2;
		if (py + ph + 1 >= h)
			py = cury - ph - 1;
		if (py < 1)
			py = 1;
		int pcx = edit_draw(&f->pick, w, py, px, pw, theme_attr(R_FOCUS));
		int top = f->pick_sel >= ph ? f->pick_sel - ph + 1 : 0;
		f->pick_y = getbegy(w) + py + 1, f->pick_top = top, f->pick_n = ph;
		for (int k = 0; k < ph; k++) {
			const struct choice *c = &ff->choices[idx[top + k]];
			/* the choice is marked in text too: without colour every
			 * row of the list may be in reverse video */
			char row[256];
			snprintf(row, sizeof row, "%s%s", top + k == f->pick_sel ? "> " : "  ", c->label);
			utf8_trim_partial(row);
			put_cell(w, py + 1 + k, px, row, pw, false,
				 theme_attr(top + k == f->pick_sel ? R_SELECTED : R_HINT));
		}
		if (n == 0)
			put_cell(w, py + 1, px, _("(no match)"), pw, false, theme_attr(R_HINT));
		curx = pcx, cury = py;
	}
	if (cury >= 0)
		wmove(w, cury, curx);
}

json_t *form_to_json(struct form *f)
{
	json_t *o = json_object();
	for (int i = 0; i < f->nfields; i++) {
		struct form_field *ff = &f->fields[i];
		char *t = edit_text(&ff->ed);
		json_object_set_new(o, ff->name,
				    json_string(ff->kind == F_CHOICE && ff->value_id ? ff->value_id : t));
		free(t);
	}
	return o;
}

void form_from_json(struct form *f, json_t *o)
{
	const char *k;
	json_t *v;
	json_object_foreach(o, k, v)
		if (json_is_string(v))
			form_set(f, k, json_string_value(v));
	f->dirty = true;
}
