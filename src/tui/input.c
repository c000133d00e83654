/* The keys: one mode (enum mode in tui.h) says what takes them. The base
 * modes are the pane's list, a text view and a form; the help, the prompt
 * and the two questions are overlays that go back to the base they came
 * over. app_set_mode() is the only place the mode changes. */
#include <stdlib.h>

#include "lpane.h"
#include "tui.h"

void app_set_mode(struct app *app, enum mode m)
{
	if (!mode_is_overlay(m))
		app->mode_under = m; /* a new base ends any overlay */
	else if (!mode_is_overlay(app->mode))
		app->mode_under = app->mode;
	app->mode = m;
	/* curses does nothing when the cursor is already so */
	curs_set(m == MODE_PROMPT || app->mode_under == MODE_FORM);
	app->dirty = true;
}

/* Back to the base under an overlay. */
static void overlay_close(struct app *app)
{
	app_set_mode(app, app->mode_under);
}

void app_open_form(struct app *app, struct form *f)
{
	if (!f)
		return;
	struct err e = {0};
	if (!f->reads && !store_may_write(app->st, &e)) {
		/* said before anything is typed, not at the save (a draft stays) */
		app_message(app, true, "%s: %s", f->title, e.msg);
		form_destroy(f);
		return;
	}
	form_destroy(app->form);
	app->form = f;
	app_set_mode(app, MODE_FORM);
}

static void close_form(struct app *app, bool clear_draft)
{
	if (clear_draft)
		draft_clear();
	form_destroy(app->form);
	app->form = NULL;
	/* a view opened before the form is there again */
	app_set_mode(app, app->view ? MODE_VIEW : MODE_LIST);
}

void app_open_view(struct app *app, char *text)
{
	free(app->view);
	app->view = text;
	app->view_scroll = 0;
	app->view_hscroll = 0;
	if (!app->form)
		app_set_mode(app, MODE_VIEW);
	app->dirty = true;
}

static void open_prompt(struct app *app, char kind)
{
	app->prompt_kind = kind;
	edit_set(&app->prompt, "");
	app_set_mode(app, MODE_PROMPT);
}

static void prompt_key(struct app *app, int key, bool is_char)
{
	if (!is_char && key == '\t' && app->prompt_kind == ':') {
		cmdline_complete(app);
		return;
	}
	cmdline_complete_reset(app);
	if (!is_char && key == 27) {
		overlay_close(app);
		return;
	}
	if (!is_char && (key == '\n' || key == '\r' || key == KEY_ENTER)) {
		overlay_close(app); /* before the command: it may open a form or a view */
		char *t = edit_text(&app->prompt);
		if (app->prompt_kind == ':')
			app_command(app, t);
		free(t);
		return;
	}
	if (edit_key(&app->prompt, key, is_char) && app->prompt_kind == '/') {
		/* incremental: each change finds the first match from the selection on */
		char *t = edit_text(&app->prompt);
		struct pane *p = &app->panes[app->active];
		if (p->data && *t)
			lpane_search(app, p, t, 1, true);
		free(t);
	}
}

static void view_key(struct app *app, int key)
{
	enum action a = keymap_lookup(&app->keys, key);
	if (a == ACT_DOWN)
		app->view_scroll++;
	else if (a == ACT_UP && app->view_scroll > 0)
		app->view_scroll--;
	else if (a == ACT_PAGE_DOWN)
		app->view_scroll += 10;
	else if (a == ACT_PAGE_UP)
		app->view_scroll = app->view_scroll > 10 ? app->view_scroll - 10 : 0;
	else if (a == ACT_RIGHT)
		app->view_hscroll += 8;
	else if (a == ACT_LEFT)
		app->view_hscroll = app->view_hscroll > 8 ? app->view_hscroll - 8 : 0;
	else if (a == ACT_BACK || a == ACT_QUIT) {
		free(app->view);
		app->view = NULL;
		app_set_mode(app, MODE_LIST);
	} else if (a == ACT_COMMAND)
		open_prompt(app, ':');
}

static void help_key(struct app *app, int key)
{
	enum action a = keymap_lookup(&app->keys, key);
	/* a page is the pane area less a line kept; painting stops at the end */
	int page = app->rows - 4 > 1 ? app->rows - 4 : 1;
	if (a == ACT_DOWN)
		app->help_scroll++;
	else if (a == ACT_UP && app->help_scroll > 0)
		app->help_scroll--;
	else if (a == ACT_PAGE_DOWN || key == ' ')
		app->help_scroll += page;
	else if (a == ACT_PAGE_UP)
		app->help_scroll = app->help_scroll > page ? app->help_scroll - page : 0;
	else if (a == ACT_TOP)
		app->help_scroll = 0;
	else if (a == ACT_BOTTOM)
		app->help_scroll = 1 << 20;
	else if (a == ACT_BACK || a == ACT_HELP || a == ACT_QUIT)
		overlay_close(app);
}

static void form_mode_key(struct app *app, int key, bool is_char)
{
	if (!is_char && key == KEY_F(1)) {
		app_set_mode(app, MODE_HELP);
		return;
	}
	int r = form_key(app, app->form, key, is_char);
	if (r == 1) {
		close_form(app, true);
		struct form *next = app->next_form;
		app->next_form = NULL;
		app_open_form(app, next);
	} else if (r == -1 && app->form->dirty) {
		app_set_mode(app, MODE_CONFIRM_DISCARD);
	} else if (r == -1) {
		close_form(app, true);
	}
}

static void list_key(struct app *app, int key, bool is_char, bool had_message)
{
	enum action a = keymap_lookup(&app->keys, key);
	if (is_char && key > 0x7E)
		a = ACT_NONE; /* a character beyond ASCII is no key code (U+0102 is not Down) */
	struct pane *p = &app->panes[app->active];
	if (a != ACT_NONE && p->type->action(app, p, a))
		return;
	switch (a) {
	case ACT_QUIT:
		app->running = false;
		break;
	case ACT_HELP:
		app->help_scroll = 0;
		app_set_mode(app, MODE_HELP);
		break;
	case ACT_NEXT_PANE:
		app_switch_pane(app, app->active + 1);
		break;
	case ACT_PREV_PANE:
		app_switch_pane(app, app->active - 1);
		break;
	case ACT_PANE_0:
	case ACT_PANE_1:
	case ACT_PANE_2:
	case ACT_PANE_3:
	case ACT_PANE_4:
		app_switch_pane(app, a - ACT_PANE_0);
		break;
	case ACT_SEARCH:
		if (p->data)
			open_prompt(app, '/');
		break;
	case ACT_COMMAND:
		open_prompt(app, ':');
		break;
	case ACT_HISTORY:
		app_view(app, "history", "");
		break;
	case ACT_CONTACTS:
		app_call(app);
		break;
	case ACT_BACK:
		if (!had_message)
			app->dirty = true;
		break;
	default:
		break;
	}
}

void app_key(struct app *app, int key, bool is_char)
{
	bool had_message = app->message[0] != '\0';
	app->message[0] = '\0';
	app->dirty = true;
	if (app->too_small) {
		if (is_char && key == 'q')
			app->running = false;
		return;
	}
	if (!is_char && key == 12) { /* ^L */
		clearok(curscr, TRUE);
		return;
	}
	switch (app->mode) {
	case MODE_CONFIRM_QUIT:
		overlay_close(app);
		if (is_char && (key == 'y' || key == 'Y')) {
			draft_clear();
			app->running = false;
		}
		break;
	case MODE_CONFIRM_DISCARD:
		if (is_char && (key == 'y' || key == 'Y'))
			close_form(app, true);
		else
			overlay_close(app);
		break;
	case MODE_PROMPT:
		prompt_key(app, key, is_char);
		break;
	case MODE_VIEW:
		view_key(app, key);
		break;
	case MODE_HELP:
		help_key(app, key);
		break;
	case MODE_FORM:
		form_mode_key(app, key, is_char);
		break;
	case MODE_LIST:
		list_key(app, key, is_char, had_message);
		break;
	}
}

/* Lines joined by blanks: what a one-line prompt takes of a paste. */
static void join_lines(char *s)
{
	for (; *s; s++)
		if (*s == '\n')
			*s = ' ';
}

void app_paste(struct app *app, const char *text)
{
	struct pane *p = &app->panes[app->active];
	app->message[0] = '\0';
	app->dirty = true;
	if (app->too_small || !*text)
		return;
	char *t = xstrdup(text);
	bool whole = true;
	if (app->mode == MODE_FORM) {
		whole = form_paste(app->form, t);
	} else if (app->mode == MODE_PROMPT || (app->mode == MODE_LIST && p->data && p->type->list)) {
		/* never read as commands: over a list it is what to search for */
		if (app->mode == MODE_LIST)
			open_prompt(app, '/');
		join_lines(t);
		whole = edit_replace(&app->prompt, app->prompt.cur, app->prompt.cur, t);
		char *all = edit_text(&app->prompt);
		if (app->prompt_kind == '/' && p->data && *all)
			lpane_search(app, p, all, 1, true);
		free(all);
	} else {
		app_message(app, false, "%s", _("nothing here takes a paste: open a form or the search line"));
	}
	if (!whole)
		app_message(app, true, _("a line holds %d characters: the rest of the paste was left out"),
			    EDIT_MAX);
	free(t);
}

/* The wheel in a form moves the focus (or the pick list's choice). */
static void form_wheel(struct app *app, enum mouse_event ev)
{
	form_mode_key(app, ev == MOUSE_WHEEL_UP ? KEY_UP : KEY_DOWN, false);
}

static void list_mouse(struct app *app, enum mouse_event ev, int y, int x)
{
	struct pane *p = &app->panes[app->active];
	if (ev == MOUSE_CLICK && y == 1) {
		for (int i = 0; i < NPANES; i++)
			if (x >= app->tab_x[i] && x < app->tab_x[i + 1])
				app_switch_pane(app, i);
		return;
	}
	if (ev != MOUSE_CLICK) {
		for (int i = 0; i < 3; i++)
			p->type->action(app, p, ev == MOUSE_WHEEL_UP ? ACT_UP : ACT_DOWN);
		return;
	}
	if (!p->data || !p->type->list || p->detail)
		return;
	struct list *l = &((struct lpane *)p->data)->list;
	int row = list_row_at(l, y, x);
	if (row < 0)
		return;
	if (row == l->sel) /* a click on the selected row opens it */
		p->type->action(app, p, ACT_OPEN);
	else
		l->sel = row;
}

void app_mouse(struct app *app, enum mouse_event ev, int y, int x)
{
	app->dirty = true;
	if (app->too_small)
		return;
	int step = ev == MOUSE_WHEEL_UP ? -3 : 3;
	switch (app->mode) {
	case MODE_LIST:
		list_mouse(app, ev, y, x);
		break;
	case MODE_VIEW:
		if (ev != MOUSE_CLICK)
			app->view_scroll = app->view_scroll + step > 0 ? app->view_scroll + step : 0;
		break;
	case MODE_HELP:
		if (ev != MOUSE_CLICK)
			app->help_scroll = app->help_scroll + step > 0 ? app->help_scroll + step : 0;
		break;
	case MODE_FORM:
		if (ev != MOUSE_CLICK)
			form_wheel(app, ev);
		else if (form_click(app->form, y, x) == 1)
			form_mode_key(app, '\r', false); /* the entry clicked is taken */
		break;
	default:
		break; /* a question or the prompt: keys only */
	}
}
