/* Painting: the header, the tabs, the pane area (the pane, a form, a view
 * or the help, as the mode says) and the hint line; and the layout. Only
 * the loop calls app_paint(), once per turn when something is dirty. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dutydesk/dtime.h"
#include "dutydesk/width.h"
#include "sync_bg.h"
#include "tui.h"

/* The mode whose content fills the pane area and the hint line: the base
 * under an overlay. */
static enum mode base(const struct app *app)
{
	return mode_is_overlay(app->mode) ? app->mode_under : app->mode;
}

static void paint_header(struct app *app)
{
	char left[256], right[160], clock[8];
	time_t now = (time_t)dd_now();
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(clock, sizeof clock, "%H:%M", &tm);
	char sync[160];
	sync_bg_words(app->sync, app->zh, sync, sizeof sync);
	/* the sync words give way first on a narrow screen (the error last) */
	int room = app->cols / 2 - 8;
	if (text_width(sync) > room) {
		int used;
		size_t n = text_fit(sync, room > 1 ? room - 1 : 0, &used);
		snprintf(sync + n, sizeof sync - n, "%s", room > 1 ? width_ellipsis() : "");
	}
	const char *ro = app->readonly ? _(" [READ-ONLY]") : "";
	/* who is on watch: the roster's officer and leader for the shift
	 * under way, else the open shift's officers, else the configured name */
	const char *who = app->roster_officer[0] ? app->roster_officer
			  : app->on_duty[0]      ? app->on_duty
						 : app->cfg.officer;
	char leader[128] = "";
	if (app->roster_officer[0] && app->roster_leader[0])
		snprintf(leader, sizeof leader, " %s %s", _("leader:"), app->roster_leader);
	snprintf(left, sizeof left, "%s %s %s", ro, _("officer:"), who);
	int need = text_width(left) + text_width(leader);
	/* Stock alerts are not weather warnings: each has its own word. The
	 * figures are two blanks apart, or one when the line is short of room
	 * for who is on watch. */
	int rw = 0;
	for (int gap = 2; gap >= 1; gap--) {
		const char *g = gap == 2 ? "  " : " ";
		char overdue[48] = "", sms[64] = "";
		if (app->sms_queued)
			snprintf(sms, sizeof sms, "%s %lld%s",
				 app->sms_down ? _("SMS down, queued") : _("SMS queued"),
				 (long long)app->sms_queued, g);
		if (app->overdue)
			snprintf(overdue, sizeof overdue, "!%s %lld%s", _("OVERDUE"),
				 (long long)app->overdue, g);
		snprintf(right, sizeof right, "%s%s%s %lld%s%s %lld%s%s %lld%s%s%s%s ", overdue, sms,
			 _("open"),
			 (long long)json_integer_value(
				 json_object_get(json_object_get(app->stats, "incidents"), "open")),
			 g, _("stock alerts"), (long long)app->alerts, g, _("warnings"),
			 (long long)app->warnings, g, sync, g, clock);
		rw = text_width(right);
		if (need + rw <= app->cols)
			break;
	}
	/* READ-ONLY first: a narrow terminal cuts the end of this line. Who is
	 * on watch matters more than the office's own name, which is shown
	 * only when both fit. */
	char full[400];
	snprintf(full, sizeof full, "%s %s  %s %s%s", ro, app->cfg.office, _("officer:"), who,
		 leader);
	if (text_width(full) <= app->cols - rw) {
		snprintf(left, sizeof left, "%s", full);
	} else if (leader[0]) {
		/* the leader before the labels: the first name is the officer's */
		snprintf(full, sizeof full, "%s %s %s%s", ro, _("officer:"), who, leader);
		if (text_width(full) > app->cols - rw)
			snprintf(full, sizeof full, "%s %s%s", ro, who, leader);
		if (text_width(full) <= app->cols - rw)
			snprintf(left, sizeof left, "%s", full);
	}
	put_cell(stdscr, 0, 0, left, app->cols - rw, false, theme_attr(R_HEADER));
	put_cell(stdscr, 0, app->cols - rw, right, rw, false, theme_attr(R_HEADER));
}

static void paint_tabs(struct app *app)
{
	move(1, 0);
	int x = 0;
	for (int i = 0; i < NPANES && x < app->cols; i++) {
		char tab[64];
		snprintf(tab, sizeof tab, " %d %s ", i, _(app->panes[i].type->name));
		int tw = text_width(tab);
		bool active = i == app->active;
		/* The active tab is marked in text too: meaning never by colour alone. */
		if (active)
			snprintf(tab, sizeof tab, "[%d %s]", i, _(app->panes[i].type->name));
		app->tab_x[i] = x;
		x += put_text(stdscr, 1, x, tab, app->cols - x,
			      theme_attr(active ? R_TAB_ACTIVE : R_TAB));
		(void)tw;
	}
	app->tab_x[NPANES] = x;
	put_cell(stdscr, 1, x, "", app->cols - x, false, theme_attr(R_TAB));
}

/* The key-hint line: from the key table for what the pane answers to. */
static void paint_hints(struct app *app)
{
	int y = app->rows - 1;
	if (app->mode == MODE_PROMPT) {
		/* A message ("not found") shares the line, on the right. */
		int mw = app->message[0] ? text_width(app->message) + 2 : 0;
		if (mw > app->cols / 2)
			mw = app->cols / 2;
		char p[2] = {app->prompt_kind, 0};
		put_cell(stdscr, y, 0, p, 1, false, theme_attr(R_NORMAL));
		int cx = edit_draw(&app->prompt, stdscr, y, 1, app->cols - 1 - mw, theme_attr(R_NORMAL));
		if (mw)
			put_cell(stdscr, y, app->cols - mw, app->message, mw, true,
				 theme_attr(app->message_error ? R_ERROR : R_HINT));
		move(y, cx);
		return;
	}
	if (app->message[0]) {
		/* A long message is shown whole: its first rows over the foot
		 * of the pane area, the last on the hint line. */
		attr_t a = theme_attr(app->message_error ? R_ERROR : R_HINT);
		int rows = text_wrap_count(app->message, app->cols - 1);
		if (rows > 1) {
			int h = app->rows - 3, up = rows - 1 < 3 ? rows - 1 : 3;
			char *head = xstrdup(app->message);
			size_t off = 0, nx;
			for (int r = 0; r < up; r++) {
				text_wrap_line(head + off, app->cols - 1, &nx);
				off += nx;
			}
			head[off] = '\0';
			put_wrapped(app->win, h - 1, 0, head, app->cols - 1, up, a);
			put_cell(stdscr, y, 0, app->message + off, app->cols, false, a);
			free(head);
		} else {
			put_cell(stdscr, y, 0, app->message, app->cols, false, a);
		}
		return;
	}
	struct strbuf sb;
	sb_init(&sb);
	if (base(app) == MODE_FORM) {
		sb_printf(&sb, " %s", _("Tab/↓ next field  Enter pick/next  ^S save  Esc cancel"));
	} else if (base(app) == MODE_VIEW) {
		sb_printf(&sb, " %s", _("j/k PgDn/PgUp scroll  h/l left/right  : command  Esc close"));
	} else {
		const enum action *acts = app->panes[app->active].type->actions;
		for (; acts && *acts != ACT_NONE; acts++) {
			char keys[64];
			keymap_keys(&app->keys, *acts, keys, sizeof keys);
			char *sp = strchr(keys, ' ');
			if (sp)
				*sp = '\0'; /* the first key is enough here */
			if (*keys && action_table[*acts].hint)
				sb_printf(&sb, " %s %s ", keys, _(action_table[*acts].hint));
		}
		char k[64];
		sb_printf(&sb, " %s %s  %s %s", keymap_keys(&app->keys, ACT_HELP, k, sizeof k),
			  _("help"), "q", _("quit"));
	}
	put_cell(stdscr, y, 0, sb.buf, app->cols, false, theme_attr(R_HINT));
	sb_finish(&sb);
}

/* Does pane type pt answer to a (its own actions, list moves for list
 * panes, and the global ones)? */
static bool answers(const struct pane_type *pt, enum action a)
{
	static const enum action global[] = {ACT_QUIT, ACT_HELP, ACT_NEXT_PANE, ACT_PREV_PANE,
		ACT_PANE_0, ACT_PANE_1, ACT_PANE_2, ACT_PANE_3, ACT_PANE_4, ACT_COMMAND, ACT_REDRAW,
		ACT_HISTORY, ACT_CONTACTS};
	static const enum action moves[] = {ACT_DOWN, ACT_UP, ACT_PAGE_DOWN, ACT_PAGE_UP, ACT_TOP,
		ACT_BOTTOM, ACT_BACK, ACT_NEXT_MATCH, ACT_PREV_MATCH};
	for (size_t i = 0; i < ARRAY_LEN(global); i++)
		if (global[i] == a)
			return true;
	for (size_t i = 0; pt->list && i < ARRAY_LEN(moves); i++)
		if (moves[i] == a)
			return true;
	for (const enum action *p = pt->actions; p && *p != ACT_NONE; p++)
		if (*p == a)
			return true;
	return false;
}

/* Where the rows after the first of a long line start: under the last
 * column of a table row (after the last run of two blanks in what fits)
 * when that leaves 24 cells, else two cells in from the line's start. */
static int hang(const char *line, int width)
{
	size_t nx, n = text_wrap_line(line, width, &nx);
	int col = -1;
	for (size_t i = 1; i + 1 < n; i++)
		if (line[i] == ' ' && line[i - 1] == ' ' && line[i + 1] != ' ') {
			char *head = xstrndup(line, i + 1);
			col = text_width(head);
			free(head);
		}
	if (col < 0 || col > width - 24) {
		/* no room there: under the line's own start, two further in */
		col = 0;
		while (line[col] == ' ' && col < width / 2)
			col++;
		col += 2;
	}
	return col;
}

/* One line of a help or a view as screen rows: wrapped to width cells at x,
 * the rows after the first from x + indent. Row r of the whole text is
 * drawn at r - scroll when it falls in the h rows shown; returns the rows
 * it takes. */
static int text_rows(WINDOW *w, const char *line, int row, int scroll, int h, int x, int width,
		     int indent, attr_t a)
{
	int k = 0;
	size_t off = 0, nx;
	do {
		int in = k ? indent : 0;
		size_t n = text_wrap_line(line + off, width - in, &nx);
		int r = row + k - scroll;
		if (r >= 0 && r < h) {
			char *one = xstrndup(line + off, n);
			put_text(w, r, x + in, one, width - in, a);
			free(one);
		}
		off += nx;
		k++;
	} while (line[off]);
	return k;
}

static void paint_help(struct app *app, WINDOW *w, int h, int width)
{
	werase(w);
	struct strbuf sb;
	sb_init(&sb);
	const struct pane_type *pt = app->panes[app->active].type;
	/* First what the mouse does: people reach for it to copy */
	sb_printf(&sb, "# %s\n", _("Mouse"));
	sb_printf(&sb, "%s\n", app->cfg.mouse
		  ? _("a click takes a tab, a row (again: opens it), a field or a pick list entry; the wheel scrolls")
		  : _("off (mouse: off in config.yaml)"));
	sb_printf(&sb, "%s\n\n", _("Shift+drag still selects text for copying"));
	sb_printf(&sb, "# %s — %s\n", _("Keys"), _(pt->name));
	for (int a = 1; a < ACT_COUNT; a++) {
		char keys[64];
		if (!answers(pt, (enum action)a))
			continue;
		keymap_keys(&app->keys, (enum action)a, keys, sizeof keys);
		if (*keys)
			sb_printf(&sb, "%s\t%s  (%s)\n", keys, _(action_table[a].help), action_table[a].name);
	}
	sb_printf(&sb, "\n# %s\n", _("Commands (:)"));
	cmdline_help(app, &sb);
	/* A key or command in 18 cells, what it does wrapped beside it; the
	 * help scrolls (j/k, PgDn/PgUp, Space) and stops at its end: drawn
	 * again from there when the scroll ran past it. */
	for (int pass = 0; pass < 2; pass++) {
		int row = 0;
		for (const char *s = sb.buf; s && *s && row < app->help_scroll + h;) {
			const char *nl = strchr(s, '\n');
			char *one = xstrndup(s, nl ? (size_t)(nl - s) : strlen(s));
			s = nl ? nl + 1 : s + strlen(s);
			char *tab = strchr(one, '\t');
			int r = row - app->help_scroll;
			if (tab) {
				*tab = '\0';
				if (r >= 0 && r < h)
					put_cell(w, r, 1, one, 18, false, theme_attr(R_TITLE));
				row += text_rows(w, tab + 1, row, app->help_scroll, h, 21, width - 22, 2,
						 theme_attr(R_NORMAL));
			} else {
				row += text_rows(w, one, row, app->help_scroll, h, 1, width - 2, 2,
						 theme_attr(R_TITLE));
			}
			free(one);
		}
		if (row >= app->help_scroll + h || app->help_scroll == 0)
			break;
		app->help_scroll = row - h > 0 ? row - h : 0;
		werase(w);
	}
	sb_finish(&sb);
}

/* A view (a report, the log, a command's output): long lines wrap, a
 * table row's last column under itself; scrolled sideways (l) the lines
 * are shown whole from the scrolled cell on instead, as wide tables read
 * best. It stops at its end either way. */
static void paint_view(struct app *app, WINDOW *w, int h, int width)
{
	werase(w);
	bool wrap = app->view_hscroll == 0;
	/* Only what comes before the last row shown is read: drawn again from
	 * the end when the scroll ran past it. */
	for (int pass = 0; pass < 2; pass++) {
		int row = 0;
		for (const char *s = app->view; s && *s && row < app->view_scroll + h;) {
			const char *nl = strchr(s, '\n');
			size_t len = nl ? (size_t)(nl - s) : strlen(s);
			char *one = xstrndup(s, len);
			s += len + (nl ? 1 : 0);
			if (wrap) {
				row += text_rows(w, one, row, app->view_scroll, h, 1, width - 2,
						 hang(one, width - 2), theme_attr(R_NORMAL));
			} else {
				if (row >= app->view_scroll) {
					/* wide tables scroll sideways: skip hscroll cells */
					int used;
					size_t skip = text_fit(one, app->view_hscroll, &used);
					put_text(w, row - app->view_scroll, 1, one + skip, width - 2,
						 theme_attr(R_NORMAL));
				}
				row++;
			}
			free(one);
		}
		if (row >= app->view_scroll + h || app->view_scroll == 0)
			break;
		app->view_scroll = row - h > 0 ? row - h : 0;
		werase(w);
	}
}

void app_paint(struct app *app)
{
	app->dirty = false;
	if (app->too_small) {
		erase();
		char msg[160];
		snprintf(msg, sizeof msg, _("terminal too small: %dx%d, needs at least 80x24"),
			 app->cols, app->rows);
		put_text(stdscr, app->rows / 2, 0, msg, app->cols, theme_attr(R_ERROR));
		wnoutrefresh(stdscr);
		doupdate();
		return;
	}
	int h = app->rows - 3;
	paint_header(app);
	paint_tabs(app);
	werase(app->win);
	if (app->mode == MODE_HELP) {
		paint_help(app, app->win, h, app->cols);
	} else if (base(app) == MODE_VIEW) {
		paint_view(app, app->win, h, app->cols);
	} else if (base(app) == MODE_FORM) {
		form_draw(app->form, app->win, h, app->cols);
		if (app->mode == MODE_CONFIRM_DISCARD)
			put_cell(app->win, h - 1, 0, _("Discard the changes? y/n"), app->cols, false,
				 theme_attr(R_ERROR));
	} else {
		struct pane *p = &app->panes[app->active];
		p->type->draw(app, p, app->win, h, app->cols);
	}
	paint_hints(app);
	/* The window refreshed last places the cursor: the prompt's line, or
	 * the focused form field. With no cursor shown, curses need not move
	 * it after each update (bytes on every key over a slow link). */
	bool cursor = app->mode == MODE_PROMPT || base(app) == MODE_FORM;
	leaveok(stdscr, !cursor);
	leaveok(app->win, !cursor);
	if (app->mode == MODE_PROMPT) {
		wnoutrefresh(app->win);
		wnoutrefresh(stdscr);
	} else {
		wnoutrefresh(stdscr);
		wnoutrefresh(app->win);
	}
	doupdate();
}

void app_layout(struct app *app)
{
	/* a terminal that cannot draw Unicode lines gets "~" for "…" too */
	width_set_ellipsis(tui_unicode ? NULL : "~");
	getmaxyx(stdscr, app->rows, app->cols);
	app->too_small = app->rows < 24 || app->cols < 80;
	if (app->win)
		delwin(app->win);
	app->win = newwin(app->rows > 3 ? app->rows - 3 : 1, app->cols, 2, 0);
	keypad(app->win, TRUE);
	idlok(app->win, TRUE);
	clearok(stdscr, TRUE);
	app->dirty = true;
}
