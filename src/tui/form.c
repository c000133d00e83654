/* Forms: labelled fields with our own line editor, pickers with
 * type-to-filter for choices, messages in place. The content is a draft
 * on disk after every change. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

void form_choice(struct form_field *ff, const char *id, const char *label)
{
	ff->choices = xrealloc(ff->choices, (ff->nchoices + 1) * sizeof *ff->choices);
	ff->choices[ff->nchoices].id = xstrdup(id);
	ff->choices[ff->nchoices].label = xstrdup(label);
	ff->nchoices++;
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

void form_set(struct form *f, const char *name, const char *value)
{
	struct form_field *ff = form_field(f, name);
	if (!ff)
		return;
	if (ff->kind == F_CHOICE) {
		for (size_t i = 0; i < ff->nchoices; i++)
			if (str_eq(ff->choices[i].id, value) || str_eq(ff->choices[i].label, value)) {
				choose(ff, &ff->choices[i]);
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

/* Does choice c match what was typed (label, id, substring)? */
static bool matches(const struct choice *c, const char *typed)
{
	return !*typed || strstr(c->label, typed) || strstr(c->id, typed);
}

/* Indexes of the choices matching the picker text, at most max. */
static int picks(struct form *f, struct form_field *ff, int *out, int max)
{
	char *typed = edit_text(&f->pick);
	int n = 0;
	for (size_t i = 0; i < ff->nchoices && n < max; i++)
		if (matches(&ff->choices[i], typed))
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
		int idx[256], n = picks(f, ff, idx, 256);
		if (!is_char && (key == 27)) {
			f->picking = false;
		} else if (!is_char && (key == KEY_DOWN || key == '\t')) {
			if (f->pick_sel + 1 < n)
				f->pick_sel++;
		} else if (!is_char && key == KEY_UP) {
			if (f->pick_sel > 0)
				f->pick_sel--;
		} else if ((!is_char && (key == '\n' || key == '\r' || key == KEY_ENTER))) {
			if (n > 0) {
				choose(ff, &ff->choices[idx[f->pick_sel < n ? f->pick_sel : 0]]);
				ff->msg[0] = '\0';
				changed(f);
				/* A village depends on the township: refresh its list. */
				f->picking = false;
				if (f->focus + 1 < f->nfields)
					f->focus++;
			}
		} else if (edit_key(&f->pick, key, is_char)) {
			f->pick_sel = 0;
		}
		return 0;
	}
	if (!is_char) {
		switch (key) {
		case 27:
			return -1;
		case 19: /* ^S */
			goto save;
		case '\t':
		case KEY_DOWN:
			f->focus = (f->focus + 1) % f->nfields;
			return 0;
		case KEY_BTAB:
		case KEY_UP:
			f->focus = (f->focus + f->nfields - 1) % f->nfields;
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
		snprintf(f->status, sizeof f->status, "%s", e.msg);
		return 0;
	}
	draft_clear();
	return 1;
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
	/* Scroll so the focused field is visible: two rows a field when it
	 * carries a message, one otherwise. */
	int first = 0, avail = h - 4;
	if (f->focus >= avail)
		first = f->focus - avail + 1;
	int y = 2, curx = -1, cury = -1;
	for (int i = 0; i < f->nfields; i++)
		f->fields[i].row = -1;
	for (int i = first; i < f->nfields && y < h - 2; i++, y++) {
		struct form_field *ff = &f->fields[i];
		ff->row = getbegy(w) + y;
		char label[96];
		snprintf(label, sizeof label, "%s%s", _(ff->label), ff->required ? "*" : "");
		bool focus = i == f->focus;
		put_cell(w, y, 1, label, lw, true, theme_attr(focus ? R_TITLE : R_NORMAL));
		int vx = lw + 3, vw = width - vx - 1;
		int msgw = ff->msg[0] ? text_width(ff->msg) + 2 : 0;
		if (msgw > vw / 2)
			msgw = vw / 2;
		int cx = edit_draw(&ff->ed, w, y, vx, vw - msgw,
				   theme_attr(focus ? R_FOCUS : R_NORMAL));
		if (ff->kind == F_CHOICE && focus && !f->picking)
			put_text(w, y, vx + vw - msgw - 2, tui_unicode ? "▾" : "v", 1, theme_attr(R_DIM));
		if (msgw)
			put_text(w, y, vx + vw - msgw + 1, ff->msg, msgw - 1, theme_attr(R_ERROR));
		if (focus)
			curx = cx, cury = y;
	}
	if (f->status[0])
		put_text(w, h - 1, 1, f->status, width - 2, theme_attr(R_ERROR));
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
			put_cell(w, py + 1 + k, px, c->label, pw, false,
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
