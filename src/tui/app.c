/* The console's loop: poll() over the terminal and a signal pipe, with a
 * timeout for the clock and for noticing other writers. Signal handlers
 * only write to the pipe. Handlers mark dirty; one paint per turn. */
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "dutydesk/dtime.h"
#include "dutydesk/model.h"
#include "dutydesk/report.h"
#include "dutydesk/sync.h"
#include "dutydesk/width.h"
#include "lpane.h"
#include "sync_bg.h"
#include "tui.h"

bool tui_zh;
const struct deadline_rules *tui_rules;

static int sigpipe_fd[2] = {-1, -1};

static void on_signal(int sig)
{
	int saved = errno;
	unsigned char c = (unsigned char)sig;
	if (write(sigpipe_fd[1], &c, 1) < 0) {
		/* the pipe is full: the loop is behind anyway */
	}
	errno = saved;
}

static const struct pane_type *const pane_types[NPANES] = {
	&pane_overview, &pane_incidents, &pane_hazards, &pane_resources, &pane_plans};

void app_message(struct app *app, bool error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(app->message, sizeof app->message, fmt, ap);
	va_end(ap);
	app->message_error = error;
	app->dirty = true;
}

const char *app_label(struct app *app, const struct enum_value *vals, const char *id)
{
	return enum_label(vals, id, app->zh);
}

/* Incidents with a report overdue; rings the bell when one more falls due. */
static void check_deadlines(struct app *app)
{
	int64_t n = incidents_overdue(app->st, &app->rules, dd_now());
	/* checklist items past their time count too */
	n += plans_overdue(app->st, dd_now());
	if (n > app->overdue && app->cfg.bell && app->running)
		beep(); /* once, when a report falls due */
	if (n != app->overdue)
		app->dirty = true;
	app->overdue = n;
}

static void reload_stats(struct app *app)
{
	struct err e;
	/* Deadlines are counted on the next tick, after the screen is painted:
	 * on a big database they take longer than the first screen may. */
	app->deadlines_stale = true;
	json_t *s = q_stats(app->st, &e);
	if (s) {
		json_decref(app->stats);
		app->stats = s;
		json_t *st = json_object_get(s, "stock");
		app->alerts = json_integer_value(json_object_get(st, "below_min")) +
			      json_integer_value(json_object_get(st, "expiring")) +
			      json_integer_value(json_object_get(st, "expired"));
	}
}

void app_changed(struct app *app)
{
	reload_stats(app);
	for (int i = 0; i < NPANES; i++)
		if (app->panes[i].data || i == 0)
			app->panes[i].type->reload(app, &app->panes[i]);
	store_data_version(app->st, &app->data_version);
	app->dirty = true;
}

void app_open_form(struct app *app, struct form *f)
{
	if (!f)
		return;
	form_destroy(app->form);
	app->form = f;
	app->confirm_discard = false;
	curs_set(1);
	app->dirty = true;
}

static void close_form(struct app *app, bool clear_draft)
{
	if (clear_draft)
		draft_clear();
	form_destroy(app->form);
	app->form = NULL;
	app->confirm_discard = false;
	curs_set(0);
	app->dirty = true;
}

/* ---- painting ---- */

static void paint_header(struct app *app)
{
	char left[256], right[160], clock[8];
	time_t now = (time_t)dd_now();
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(clock, sizeof clock, "%H:%M", &tm);
	/* READ-ONLY first: a narrow terminal cuts the end of this line. */
	snprintf(left, sizeof left, "%s %s  %s %s", app->readonly ? _(" [READ-ONLY]") : "",
		 app->cfg.office, _("officer:"), app->cfg.officer);
	char overdue[48] = "";
	if (app->overdue)
		snprintf(overdue, sizeof overdue, "!%s %lld  ", _("OVERDUE"), (long long)app->overdue);
	char sync[160];
	sync_bg_words(app->sync, app->zh, sync, sizeof sync);
	/* the sync words give way first on a narrow screen (the error last) */
	int room = app->cols / 2 - 8;
	if (text_width(sync) > room) {
		int used;
		size_t n = text_fit(sync, room > 1 ? room - 1 : 0, &used);
		snprintf(sync + n, sizeof sync - n, "%s", room > 1 ? "…" : "");
	}
	snprintf(right, sizeof right, "%s%s %lld  %s %lld  %s  %s ", overdue, _("open"),
		 (long long)json_integer_value(json_object_get(json_object_get(app->stats, "incidents"), "open")),
		 _("alerts"), (long long)app->alerts, sync, clock);
	int rw = text_width(right);
	put_cell(stdscr, 0, 0, left, app->cols - rw, false, theme_attr(R_HEADER));
	put_cell(stdscr, 0, app->cols - rw, right, rw, false, theme_attr(R_HEADER));
}

static void paint_tabs(struct app *app)
{
	move(1, 0);
	int x = 0;
	for (int i = 0; i < NPANES && x < app->cols; i++) {
		char tab[64];
		snprintf(tab, sizeof tab, " %d %s ", i, _(pane_types[i]->name));
		int tw = text_width(tab);
		bool active = i == app->active;
		/* The active tab is marked in text too: meaning never by colour alone. */
		if (active)
			snprintf(tab, sizeof tab, "[%d %s]", i, _(pane_types[i]->name));
		x += put_text(stdscr, 1, x, tab, app->cols - x,
			      theme_attr(active ? R_TAB_ACTIVE : R_TAB));
		(void)tw;
	}
	put_cell(stdscr, 1, x, "", app->cols - x, false, theme_attr(R_TAB));
}

/* The key-hint line: from the key table for what the pane answers to. */
static void paint_hints(struct app *app)
{
	int y = app->rows - 1;
	if (app->prompting) {
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
		put_cell(stdscr, y, 0, app->message, app->cols, false,
			 theme_attr(app->message_error ? R_ERROR : R_HINT));
		return;
	}
	struct strbuf sb;
	sb_init(&sb);
	if (app->form) {
		sb_printf(&sb, " %s", _("Tab/↓ next field  Enter pick/next  ^S save  Esc cancel"));
	} else if (app->view) {
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
		ACT_HISTORY};
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

static void paint_help(struct app *app, WINDOW *w, int h, int width)
{
	werase(w);
	struct strbuf sb;
	sb_init(&sb);
	const struct pane_type *pt = app->panes[app->active].type;
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
	int line = 0, row = 0;
	for (const char *s = sb.buf; *s && row < h; line++) {
		const char *nl = strchr(s, '\n');
		char *one = xstrndup(s, (size_t)(nl - s));
		s = nl + 1;
		if (line >= app->help_scroll) {
			char *tab = strchr(one, '\t');
			if (tab) {
				*tab = '\0';
				put_cell(w, row, 1, one, 18, false, theme_attr(R_TITLE));
				put_text(w, row, 21, tab + 1, width - 22, theme_attr(R_NORMAL));
			} else {
				put_text(w, row, 1, one, width - 2, theme_attr(R_TITLE));
			}
			row++;
		}
		free(one);
	}
	sb_finish(&sb);
}

void app_open_view(struct app *app, char *text)
{
	free(app->view);
	app->view = text;
	app->view_scroll = 0;
	app->view_hscroll = 0;
	app->dirty = true;
}

static void paint_view(struct app *app, WINDOW *w, int h, int width)
{
	werase(w);
	int line = 0, row = 0;
	for (const char *s = app->view; s && *s && row < h; line++) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);
		if (line >= app->view_scroll) {
			/* wide tables scroll sideways: skip hscroll cells */
			char *one = xstrndup(s, len);
			int used;
			size_t skip = text_fit(one, app->view_hscroll, &used);
			put_text(w, row++, 1, one + skip, width - 2, theme_attr(R_NORMAL));
			free(one);
		}
		s += len + (nl ? 1 : 0);
	}
}

static void paint(struct app *app)
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
	if (app->help) {
		paint_help(app, app->win, h, app->cols);
	} else if (app->view && !app->form) {
		paint_view(app, app->win, h, app->cols);
	} else if (app->form) {
		form_draw(app->form, app->win, h, app->cols);
		if (app->confirm_discard)
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
	bool cursor = app->prompting || app->form;
	leaveok(stdscr, !cursor);
	leaveok(app->win, !cursor);
	if (app->prompting) {
		wnoutrefresh(app->win);
		wnoutrefresh(stdscr);
	} else {
		wnoutrefresh(stdscr);
		wnoutrefresh(app->win);
	}
	doupdate();
}

static void layout(struct app *app)
{
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

/* ---- commands and keys ---- */

static struct pane *active(struct app *app)
{
	return &app->panes[app->active];
}

void app_switch_pane(struct app *app, int i)
{
	app->active = (i + NPANES) % NPANES;
	struct pane *p = active(app);
	if (!p->data && p->type != &pane_overview)
		p->type->init(app, p);
	else
		p->type->reload(app, p);
	app->dirty = true;
}

static void open_prompt(struct app *app, char kind)
{
	app->prompting = true;
	app->prompt_kind = kind;
	edit_set(&app->prompt, "");
	curs_set(1);
}

static void prompt_key(struct app *app, int key, bool is_char)
{
	if (!is_char && key == '\t' && app->prompt_kind == ':') {
		cmdline_complete(app);
		return;
	}
	cmdline_complete_reset(app);
	if (!is_char && key == 27) {
		app->prompting = false;
		curs_set(app->form ? 1 : 0);
		return;
	}
	if (!is_char && (key == '\n' || key == '\r' || key == KEY_ENTER)) {
		app->prompting = false;
		curs_set(0);
		char *t = edit_text(&app->prompt);
		if (app->prompt_kind == ':')
			app_command(app, t);
		free(t);
		return;
	}
	if (edit_key(&app->prompt, key, is_char) && app->prompt_kind == '/') {
		/* incremental: each change finds the first match from the selection on */
		char *t = edit_text(&app->prompt);
		struct pane *p = active(app);
		if (p->data && *t)
			lpane_search(app, p, t, 1, true);
		free(t);
	}
}

static void handle_key(struct app *app, int key, bool is_char)
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
	if (app->confirm_quit) {
		app->confirm_quit = false;
		if (is_char && (key == 'y' || key == 'Y')) {
			draft_clear();
			app->running = false;
		}
		return;
	}
	if (app->prompting) {
		prompt_key(app, key, is_char);
		return;
	}
	if (app->view && !app->form) {
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
		} else if (a == ACT_COMMAND)
			open_prompt(app, ':');
		return;
	}
	if (app->help) {
		enum action a = keymap_lookup(&app->keys, key);
		if (a == ACT_DOWN)
			app->help_scroll++;
		else if (a == ACT_UP && app->help_scroll > 0)
			app->help_scroll--;
		else if (a == ACT_BACK || a == ACT_HELP || a == ACT_QUIT)
			app->help = false;
		return;
	}
	if (app->form) {
		if (app->confirm_discard) {
			if (is_char && (key == 'y' || key == 'Y'))
				close_form(app, true);
			else
				app->confirm_discard = false;
			return;
		}
		if (!is_char && key == KEY_F(1)) {
			app->help = true;
			return;
		}
		int r = form_key(app, app->form, key, is_char);
		if (r == 1) {
			close_form(app, true);
			struct form *next = app->next_form;
			app->next_form = NULL;
			app_open_form(app, next);
		}
		else if (r == -1 && app->form->dirty)
			app->confirm_discard = true;
		else if (r == -1)
			close_form(app, true);
		return;
	}
	enum action a = keymap_lookup(&app->keys, key);
	if (is_char && key >= MAX_KEYS)
		a = ACT_NONE;
	struct pane *p = active(app);
	if (a != ACT_NONE && p->type->action(app, p, a))
		return;
	switch (a) {
	case ACT_QUIT:
		app->running = false;
		break;
	case ACT_HELP:
		app->help = true;
		app->help_scroll = 0;
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
	case ACT_BACK:
		if (!had_message)
			app->dirty = true;
		break;
	default:
		break;
	}
}

/* On SIGWINCH: tell curses the new size. resizeterm() queues a
 * KEY_RESIZE, which then only lays out again (calling resizeterm() for it
 * would queue another, for ever). */
static void resize(struct app *app)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0 &&
	    is_term_resized(ws.ws_row, ws.ws_col))
		resizeterm(ws.ws_row, ws.ws_col);
	layout(app);
}

/* ---- start and loop ---- */

static bool start_curses(struct app *app, char *why, size_t n)
{
	const char *term = getenv("TERM");
	SCREEN *scr = newterm(NULL, stdout, stdin);
	if (!scr) {
		/* An unknown TERM must not kill the program. */
		snprintf(why, n, _("unknown terminal type '%s': using vt100"), term ? term : "");
		setenv("TERM", "vt100", 1);
		scr = newterm(NULL, stdout, stdin);
		if (!scr)
			return false;
	}
	set_term(scr);
	cbreak();
	/* ^S saves a form: take it back from XON/XOFF flow control, which
	 * would freeze the terminal (the classic trap over SSH). */
	struct termios tio;
	if (tcgetattr(STDIN_FILENO, &tio) == 0) {
		tio.c_iflag &= (tcflag_t)~IXON;
		tcsetattr(STDIN_FILENO, TCSANOW, &tio);
		def_prog_mode();
	}
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	idlok(stdscr, TRUE);
	/* ncurses (6.4) flushes its output at every cursor move until the
	 * screen has once been left and resumed: a page of the list went to
	 * the terminal in some 35 writes, each a syscall, a wake-up of the
	 * terminal and, over SSH, a packet of its own. Leaving and resuming
	 * once here makes each screen update one write. */
	endwin();
	doupdate();
	set_escdelay(app->cfg.escdelay);
	curs_set(0);
	const char *t = getenv("TERM");
	bool color = has_colors() && !getenv("NO_COLOR") && strcmp(app->cfg.theme, "mono") != 0;
	theme_init(color);
	tui_unicode = strcmp(nl_langinfo(CODESET), "UTF-8") == 0 && t && strcmp(t, "vt100") != 0 &&
		      strncmp(t, "vt1", 3) != 0;
	return true;
}

static void choose_language(struct app *app)
{
	const char *dir = getenv("DUTYDESK_LOCALEDIR");
	bindtextdomain("dutydesk", dir && *dir ? dir : DD_LOCALEDIR);
	bind_textdomain_codeset("dutydesk", "UTF-8");
	textdomain("dutydesk");
	const char *lang = app->cfg.language;
	const char *msg = setlocale(LC_MESSAGES, NULL);
	if (!*lang || !strcmp(lang, "auto")) {
		const char *env = getenv("LANGUAGE");
		app->zh = (msg && !strncmp(msg, "zh", 2)) || (env && !strncmp(env, "zh", 2));
	} else {
		app->zh = !strcmp(lang, "zh");
		/* The catalogue is chosen by LANGUAGE, which works under any locale
		 * but plain C; C.UTF-8 is set for that case. */
		setenv("LANGUAGE", app->zh ? "zh_CN" : "en", 1);
		if (msg && (!strcmp(msg, "C") || !strcmp(msg, "POSIX")))
			setlocale(LC_MESSAGES, "C.UTF-8");
	}
	tui_zh = app->zh;
}

int tui_main(const char *db_path, const char *officer)
{
	struct app app_s, *app = &app_s;
	memset(app, 0, sizeof *app);
	app->db_path = db_path;
	config_load(&app->cfg, NULL);
	keymap_from_config(&app->keys, &app->cfg);
	width_set_ambiguous(app->cfg.ambiguous);
	choose_language(app);

	struct err e;
	/* The store opens a file it cannot write read-only; the header says so. */
	if (!store_open(db_path, 0, &app->st, &e)) {
		fprintf(stderr, "dutydesk: %s\n", e.msg);
		return 1;
	}
	app->readonly = store_readonly(app->st);
	if (!store_node(app->st, &app->node, &e)) {
		fprintf(stderr, "dutydesk: %s\n", e.msg);
		store_close(app->st);
		return 1;
	}
	static struct sync_bg sync_s;
	sync_bg_init(&sync_s, db_path, &app->cfg.sync);
	if (app->readonly)
		sync_s.on = false; /* a read-only database cannot take pulled ops */
	app->sync = &sync_s;
	if (!app->cfg.officer[0])
		snprintf(app->cfg.officer, sizeof app->cfg.officer, "%s", officer ? officer : "");
	store_set_actor(app->st, app->cfg.officer);
	q_set_expiry_days(app->st, app->cfg.expiry_days);
	if (!app->cfg.office[0]) {
		char *name = store_office_name(app->st, app->node.township_code);
		snprintf(app->cfg.office, sizeof app->cfg.office, "%s %s", name ? name : "",
			 _("duty office"));
		free(name);
	}
	draft_path_init(db_path);
	edit_init(&app->prompt, "");
	struct err re;
	if (rules_load(&app->rules, &re))
		tui_rules = &app->rules;
	else
		snprintf(app->cfg.warning, sizeof app->cfg.warning, "%s", re.msg);

	if (pipe(sigpipe_fd) != 0) {
		perror("dutydesk: pipe");
		return 1;
	}
	fcntl(sigpipe_fd[0], F_SETFL, O_NONBLOCK);
	fcntl(sigpipe_fd[1], F_SETFL, O_NONBLOCK);
	fcntl(sigpipe_fd[0], F_SETFD, FD_CLOEXEC);
	fcntl(sigpipe_fd[1], F_SETFD, FD_CLOEXEC);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	int sigs[] = {SIGWINCH, SIGHUP, SIGTERM, SIGINT, SIGCONT};
	for (size_t i = 0; i < ARRAY_LEN(sigs); i++)
		sigaction(sigs[i], &sa, NULL);

	char why[200] = "";
	if (!start_curses(app, why, sizeof why)) {
		fprintf(stderr, "dutydesk: cannot start the terminal: %s\n", why);
		store_close(app->st);
		return 1;
	}
	if (why[0])
		app_message(app, true, "%s", why);
	else if (width_locale_note())
		app_message(app, true, "%s", width_locale_note());
	else if (app->cfg.warning[0])
		app_message(app, true, "%s", app->cfg.warning);
	else if (app->readonly)
		app_message(app, true, "%s", _("the database is read-only: nothing can be changed"));
	layout(app);
	for (int i = 0; i < NPANES; i++)
		app->panes[i].type = pane_types[i];
	app->panes[0].type->init(app, &app->panes[0]);
	reload_stats(app);
	store_data_version(app->st, &app->data_version);

	/* What was being typed when the last session ended. */
	json_t *draft = draft_load();
	if (draft) {
		struct form *f = form_from_draft(app, draft);
		if (f) {
			char when[32];
			dd_time_local(json_integer_value(json_object_get(draft, "saved_at")), when,
				      sizeof when);
			app_open_form(app, f);
			f->dirty = true;
			char warning[sizeof app->message];
			snprintf(warning, sizeof warning, "%s", app->message);
			app_message(app, false, _("restored the unsaved form from %s (Esc discards it)"),
				    when);
			if (warning[0]) { /* keep what start-up had to say */
				size_t n = strlen(app->message);
				snprintf(app->message + n, sizeof app->message - n, "  |  %s", warning);
			}
		}
		json_decref(draft);
	}

	int code = 0;
	int64_t last_check = dd_now_ms();
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	app->clock_minute = tm.tm_min;
	app->running = true;
	while (app->running) {
		if (app->dirty)
			paint(app);
		/* Wake for the next minute (clock) and each second (other writers). */
		int64_t now = dd_now_ms();
		int timeout = 1000 - (int)(now - last_check);
		if (timeout < 0)
			timeout = 0;
		int sync_wait = sync_bg_timeout(app->sync, now);
		if (sync_wait < timeout)
			timeout = sync_wait;
		struct pollfd fds[3] = {{STDIN_FILENO, POLLIN, 0}, {sigpipe_fd[0], POLLIN, 0},
					{sync_bg_fd(app->sync), POLLIN, 0}};
		int n = poll(fds, 3, timeout);
		if (n < 0 && errno != EINTR)
			break;
		if (n > 0 && (fds[1].revents & POLLIN)) {
			unsigned char sig;
			while (read(sigpipe_fd[0], &sig, 1) == 1) {
				if (sig == SIGWINCH || sig == SIGCONT) {
					resize(app);
				} else if (sig == SIGHUP || sig == SIGTERM) {
					/* The draft is on disk already; make sure it stays. */
					if (app->form)
						draft_save(app->form), draft_sync();
					app->running = false;
					code = 128 + sig;
				} else if (sig == SIGINT) {
					handle_key(app, 'q', true);
				}
			}
		}
		if (n > 0 && (fds[0].revents & (POLLHUP | POLLERR)) && !(fds[0].revents & POLLIN)) {
			if (app->form)
				draft_save(app->form), draft_sync();
			app->running = false; /* the terminal went away */
			code = 129;
		}
		if (n > 0 && (fds[0].revents & POLLIN)) {
			wint_t wc;
			int rc;
			while (app->running && (rc = get_wch(&wc)) != ERR) {
				if (rc == KEY_CODE_YES && wc == KEY_RESIZE)
					layout(app);
				else
					handle_key(app, (int)wc, rc == OK && wc >= 0x20 && wc != 0x7F);
			}
		}
		now = dd_now_ms();
		if (sync_bg_step(app->sync, app->st, now))
			app->dirty = true; /* the header's sync words */
		if (app->deadlines_stale && !app->dirty) {
			app->deadlines_stale = false;
			check_deadlines(app);
		}
		if (now - last_check >= 1000) {
			last_check = now;
			int64_t v;
			if (store_data_version(app->st, &v) && v != app->data_version) {
				/* Another officer, the CLI or a sync wrote: show it. */
				app_changed(app);
			}
			t = time(NULL);
			localtime_r(&t, &tm);
			if (tm.tm_min != app->clock_minute) {
				/* countdowns and overdue markers move on by themselves */
				app->clock_minute = tm.tm_min;
				check_deadlines(app);
				app->dirty = true;
			}
		}
	}
	endwin();
	sync_bg_stop(app->sync);
	for (int i = 0; i < NPANES; i++)
		if (app->panes[i].data && app->panes[i].type->destroy)
			app->panes[i].type->destroy(&app->panes[i]);
	form_destroy(app->form);
	form_destroy(app->next_form);
	free(app->view);
	deadline_rules_finish(&app->rules);
	tui_rules = NULL;
	edit_finish(&app->prompt);
	cmdline_complete_reset(app);
	json_decref(app->stats);
	store_close(app->st);
	return code;
}
