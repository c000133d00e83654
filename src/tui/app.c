/* The console's loop: poll() over the terminal and a signal pipe, with a
 * timeout for the clock and for noticing other writers. Signal handlers
 * only write to the pipe. Handlers mark dirty; one paint per turn. Also
 * start and stop: the language, curses, the store, the panes. What a key
 * does is input.c's; what is drawn, paint.c's. */
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "dutydesk/dtime.h"
#include "dutydesk/model.h"
#include "dutydesk/report.h"
#include "dutydesk/sms.h"
#include "dutydesk/smsstore.h"
#include "dutydesk/sync.h"
#include "dutydesk/width.h"
#include "dutydesk/termenc.h"
#include "sync_bg.h"
#include "ttyenc.h"
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

/* Incidents with a report overdue, checklist items and tasks late; rings
 * the bell when one more falls due. */
static void check_deadlines(struct app *app)
{
	/* checklist items and tasks past their time count too: :tasks lists them */
	int64_t n = watch_overdue(app->st, &app->rules, dd_now());
	if (n < 0)
		return; /* the store could not say (busy): the count stands until the next try */
	if (n > app->overdue && app->cfg.bell && app->running)
		beep(); /* once, when a report falls due */
	if (n != app->overdue)
		app->dirty = true;
	app->overdue = n;
}

/* Who the roster has on duty now: the shifts change with the clock, so
 * it is read each minute too. Kept as it was when the store is busy. */
static void read_roster(struct app *app)
{
	struct err e;
	json_t *r = q_roster_at(app->st, dd_now(), &e);
	if (!r)
		return;
	const char *o = json_string_value(json_object_get(r, "officer"));
	const char *l = json_string_value(json_object_get(r, "leader"));
	char was[sizeof app->roster_officer + sizeof app->roster_leader];
	snprintf(was, sizeof was, "%s|%s", app->roster_officer, app->roster_leader);
	snprintf(app->roster_officer, sizeof app->roster_officer, "%s", o ? o : "");
	snprintf(app->roster_leader, sizeof app->roster_leader, "%s", l ? l : "");
	json_decref(r);
	char now[sizeof was];
	snprintf(now, sizeof now, "%s|%s", app->roster_officer, app->roster_leader);
	if (strcmp(was, now))
		app->dirty = true;
}

/* Warnings in force: received in the duty log, their `until` not passed.
 * They lapse with the clock, so they are counted each minute too. */
static void count_warnings(struct app *app)
{
	struct err e;
	json_t *w = q_warnings_in_force(app->st, dd_now(), &e);
	if (!w)
		return;
	int64_t n = (int64_t)json_array_size(w);
	json_decref(w);
	if (n != app->warnings)
		app->dirty = true;
	app->warnings = n;
}

/* Warning messages waiting for the SMS channel, and whether it is down:
 * the header says so. */
static void count_sms(struct app *app)
{
	struct err e;
	json_t *c = q_sms_channel(app->st, &e);
	if (!c)
		return;
	int64_t n = json_integer_value(json_object_get(c, "queued"));
	bool down = n && json_is_string(json_object_get(c, "last_error"));
	json_decref(c);
	/* the overview's coverage: replies change it as they come */
	json_t *cov = sms_coverage_since(app->st, dd_now() - 2 * 86400, &e);
	if (cov) {
		json_decref(app->sms_cov);
		app->sms_cov = cov;
	}
	if (n != app->sms_queued || down != app->sms_down)
		app->dirty = true;
	app->sms_queued = n;
	app->sms_down = down;
}

/* While the console is open it drains the SMS queue and reads replies
 * once a minute, in a child (`dutydesk sms run --once`) so that a gateway
 * that hangs never freezes the screen; with `dutydesk sms run` as a
 * service beside it, whichever holds the queue's lock sends. */
static void sms_turn(struct app *app)
{
	if (app->sms_child) {
		if (waitpid(app->sms_child, NULL, WNOHANG) == 0)
			return;
		app->sms_child = 0;
	}
	/* nothing to hand, and no gammu inbox to read: no child */
	if (!app->cfg.sms.channel[0] || app->readonly ||
	    (!app->sms_queued && strcmp(app->cfg.sms.channel, "gammu")))
		return;
	pid_t pid = fork();
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDWR);
		dup2(devnull, STDIN_FILENO);
		dup2(devnull, STDOUT_FILENO);
		dup2(devnull, STDERR_FILENO);
		setsid();
		execl("/proc/self/exe", "dutydesk", "--db", app->db_path, "sms", "run", "--once",
		      (char *)NULL);
		_exit(127);
	}
	app->sms_child = pid > 0 ? pid : 0;
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
	/* The header names who is on watch: the open shift's officers. */
	char id[ID_TEXT] = "";
	app->on_duty[0] = '\0';
	json_t *sh = q_current_shift(app->st, id, &e) && id[0] ? q_shift(app->st, id, &e) : NULL;
	const char *who = json_string_value(json_object_get(sh, "officers"));
	if (who)
		snprintf(app->on_duty, sizeof app->on_duty, "%s", who);
	json_decref(sh);
	/* and what the console writes is theirs, as the header says */
	store_set_actor(app->st, app_officer(app));
	count_warnings(app);
	read_roster(app);
	count_sms(app);
}

void app_select(struct app *app, const struct pane_type *t, const char *key)
{
	app->select_in = t;
	snprintf(app->select_key, sizeof app->select_key, "%s", key);
}

const char *app_officer(const struct app *app)
{
	return app->on_duty[0] ? app->on_duty : app->cfg.officer;
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

/* ---- panes ---- */

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

/* On SIGWINCH: tell curses the new size. resizeterm() queues a
 * KEY_RESIZE, which then only lays out again (calling resizeterm() for it
 * would queue another, for ever). */
static void resize(struct app *app)
{
	ttyenc_refresh(); /* a terminal in another encoding: its size to curses' */
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0 &&
	    is_term_resized(ws.ws_row, ws.ws_col))
		resizeterm(ws.ws_row, ws.ws_col);
	app_layout(app);
}

/* ^Z: the shell gets the terminal back as it was (no paste brackets, no
 * mouse reports), and the screen is drawn again on the way back. */
static void suspend(struct app *app)
{
	keys_stop();
	endwin();
	signal(SIGTSTP, SIG_DFL);
	raise(SIGTSTP);
	/* stopped here until SIGCONT */
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTSTP, &sa, NULL);
	keys_resume();
	clearok(curscr, TRUE);
	app->dirty = true;
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

/* The language: config.yaml's language:, else LANGUAGE, LC_ALL,
 * LC_MESSAGES, LANG (util/i18n.c). No locale needs to be generated: the
 * catalogue is read without gettext(3). */
static void choose_language(struct app *app, char *note, size_t n)
{
	app->zh = i18n_init(app->cfg.language, note, n);
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
	char lang_note[PATH_MAX + 100];
	choose_language(app, lang_note, sizeof lang_note);

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
	if (store_shared(app->st)) {
		/* The login acts; the header shows the name it is known by. */
		if (!store_claim_name(app->st, app->cfg.officer, &e)) {
			fprintf(stderr, "dutydesk: %s\n", e.msg);
			store_close(app->st);
			return 1;
		}
		snprintf(app->cfg.officer, sizeof app->cfg.officer, "%s", store_shown_name(app->st));
	}
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
	int sigs[] = {SIGWINCH, SIGHUP, SIGTERM, SIGINT, SIGCONT, SIGTSTP};
	for (size_t i = 0; i < ARRAY_LEN(sigs); i++)
		sigaction(sigs[i], &sa, NULL);

	char why[200] = "", enc[32], enc_why[200];
	/* A GBK (GB18030, ...) terminal: curses draws UTF-8 on a pseudo-
	 * terminal and the relay converts (ttyenc.c). */
	termenc_choose(app->cfg.terminal_encoding, enc, sizeof enc, enc_why, sizeof enc_why);
	if (enc[0] && !ttyenc_start(enc, enc_why, sizeof enc_why))
		enc[0] = '\0';
	if (!start_curses(app, why, sizeof why)) {
		ttyenc_stop();
		fprintf(stderr, "dutydesk: %s: %s\n", _("cannot start the terminal"), why);
		store_close(app->st);
		return 1;
	}
	if (enc[0]) /* lines and arrows as ASCII: such terminals draw them two cells wide */
		tui_unicode = false;
	keys_start(app);
	if (why[0])
		app_message(app, true, "%s", why);
	else if (enc_why[0])
		app_message(app, true, "%s", enc_why);
	else if (lang_note[0])
		app_message(app, true, "%s", lang_note);
	else if (app->cfg.warning[0])
		app_message(app, true, "%s", app->cfg.warning);
	else if (app->readonly)
		app_message(app, true, "%s", _("the database is read-only: nothing can be changed"));
	app_layout(app);
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
			app_paint(app);
		/* Wake for the next minute (clock) and each second (other writers). */
		int64_t now = dd_now_ms();
		int timeout = 1000 - (int)(now - last_check);
		if (timeout < 0)
			timeout = 0;
		int sync_wait = sync_bg_timeout(app->sync, now);
		if (sync_wait < timeout)
			timeout = sync_wait;
		int key_wait = keys_timeout(now); /* the rest of a split sequence */
		if (key_wait >= 0 && key_wait < timeout)
			timeout = key_wait;
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
				} else if (sig == SIGTSTP) {
					suspend(app);
				} else if (sig == SIGHUP || sig == SIGTERM) {
					/* The draft is on disk already; make sure it stays. */
					if (app->form)
						draft_save(app->form), draft_sync();
					app->running = false;
					code = 128 + sig;
				} else if (sig == SIGINT) {
					app_key(app, 'q', true);
				}
			}
		}
		if (n > 0 && (fds[0].revents & (POLLHUP | POLLERR)) && !(fds[0].revents & POLLIN)) {
			if (app->form)
				draft_save(app->form), draft_sync();
			app->running = false; /* the terminal went away */
			code = 129;
		}
		if (n > 0 && (fds[0].revents & POLLIN))
			keys_read(app);
		now = dd_now_ms();
		keys_tick(app, now);
		if (sync_bg_step(app->sync, app->st, now))
			app->dirty = true; /* the header's sync words */
		if (app->deadlines_stale && !app->dirty) {
			app->deadlines_stale = false;
			check_deadlines(app);
		}
		if (now - last_check >= 1000) {
			last_check = now;
			if (app->deadlines_stale) {
				/* keys kept coming: counted within the second all the same */
				app->deadlines_stale = false;
				check_deadlines(app);
			}
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
				count_warnings(app);
				read_roster(app);
				count_sms(app);
				sms_turn(app);
				app->dirty = true;
			}
		}
	}
	if (code != 129)
		keys_stop(); /* not on a terminal that went away */
	endwin();
	ttyenc_stop();
	sync_bg_stop(app->sync);
	if (app->sms_child)
		waitpid(app->sms_child, NULL, WNOHANG); /* it ends by itself */
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
	json_decref(app->sms_cov);
	store_close(app->st);
	return code;
}
