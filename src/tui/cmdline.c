/* The console's ':' line. Every verb of src/cmd works here as on the
 * command line (`:incident note 永和-2026-0007 '续报内容' --kind follow_up`);
 * besides them, a small table of the console's own commands (quit, panes,
 * the township filter, the export of the list on screen, the background
 * sync) and of its shortcuts, each mapped onto a verb; and a verb named
 * without options opens its form where there is one. A verb's output opens
 * in a text view, or goes to the message line when it is one short line;
 * errors go to the message line. */
#define _GNU_SOURCE /* open_memstream */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dutydesk/cmd.h"
#include "dutydesk/dtime.h"
#include "dutydesk/model.h"
#include "dutydesk/width.h"
#include "lpane.h"
#include "sync_bg.h"
#include "tui.h"

/* The selected record of the kind an argument takes, or NULL: an incident
 * in pane 1, a hazard in pane 2, a response (by its checklist item in
 * pane 4, or the selected incident's) or a plan of the library. buf holds
 * what is returned when it is not the list's own string. */
static const char *selection(struct app *app, enum cmd_value kind, char *buf, size_t n)
{
	struct pane *p = &app->panes[app->active];
	if (!p->data || app->active == 0)
		return NULL;
	const char *key = lpane_selected_key(p);
	const struct lpane *lp = p->data;
	if (!key)
		return NULL;
	switch (kind) {
	case CV_INCIDENT:
		return app->active == 1 ? key : NULL;
	case CV_HAZARD:
		return app->active == 2 ? key : NULL;
	case CV_ACTIVATION:
		if (app->active == 1)
			return key; /* the incident's open response */
		if (app->active != 4 || !str_eq(lp->spec->key_col, "key"))
			return NULL;
		snprintf(buf, n, "%.*s", (int)strcspn(key, " "), key); /* "ACTIVATION ITEM" */
		return buf;
	case CV_PLAN:
		return app->active == 4 && str_eq(lp->spec->key_col, "plan_key") ? key : NULL;
	default:
		return NULL;
	}
}

/* What to select when there is nothing of that kind. */
static const char *select_hint(enum cmd_value kind)
{
	switch (kind) {
	case CV_INCIDENT:
		return _("select an incident first (pane 1)");
	case CV_HAZARD:
		return _("select a hazard first (pane 2)");
	case CV_ACTIVATION:
		return _("select a checklist item (pane 4) or an incident (pane 1)");
	case CV_PLAN:
		return _("select a plan of the library (pane 4, v)");
	default:
		return _("name the record");
	}
}

/* The text of a memory stream (taken), "" when empty. */
static char *taken(char *buf)
{
	return buf ? buf : xstrdup("");
}

/* Shows what a verb printed: one short line on the message line, more in a
 * view (under title, if any). done replaces a one-line result on success. */
static void show_output(struct app *app, const char *name, char *text, bool wrote,
			bool empty_list, const char *title, const char *done, bool view)
{
	size_t len = strlen(text);
	while (len && text[len - 1] == '\n')
		text[--len] = '\0';
	bool one_line = !strchr(text, '\n') && text_width(text) < app->cols - 2;
	if (!view && !title && one_line) {
		if (done)
			app_message(app, false, "%s", done);
		else if (empty_list) /* a table's header and no row */
			app_message(app, false, _("%s: none"), name);
		else if (*text)
			app_message(app, false, "%s", text);
		else if (wrote)
			app_message(app, false, _("%s: done"), name);
		else
			app_message(app, false, _("%s: nothing to show"), name);
		free(text);
		return;
	}
	if (title) {
		char *t = xasprintf("%s\n\n%s", title, text);
		free(text);
		text = t;
	}
	app_open_view(app, text);
	if (done)
		app_message(app, false, "%s", done);
}

/* What the layers below write to stderr while a verb runs (a warning about
 * a token file's mode, say) would land on the curses screen: it goes to a
 * temporary file instead, and from there into the verb's messages. */
struct stderr_catch {
	FILE *tmp;
	int saved;
};

static void catch_stderr(struct stderr_catch *sc)
{
	fflush(stderr);
	sc->tmp = tmpfile();
	sc->saved = sc->tmp ? dup(STDERR_FILENO) : -1;
	if (sc->saved < 0 || dup2(fileno(sc->tmp), STDERR_FILENO) < 0) {
		if (sc->saved >= 0)
			close(sc->saved);
		if (sc->tmp)
			fclose(sc->tmp);
		sc->tmp = NULL;
	}
}

/* Puts stderr back; what was caught is appended to msg. */
static void release_stderr(struct stderr_catch *sc, FILE *msg)
{
	if (!sc->tmp)
		return;
	fflush(stderr);
	dup2(sc->saved, STDERR_FILENO);
	close(sc->saved);
	rewind(sc->tmp);
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, sc->tmp)) > 0)
		fwrite(buf, 1, n, msg);
	fclose(sc->tmp);
}

static bool run_verb_err(struct app *app, int argc, char **argv, const char *title,
			 const char *done, struct err *fail);

/* Runs the words of a verb (group [verb] args...) with the console's
 * store, officer and rules. A missing first argument is the selected
 * record when the verb takes one of that kind. */
static void run_verb(struct app *app, int argc, char **argv, const char *title, const char *done)
{
	run_verb_err(app, argc, argv, title, done, NULL);
}

bool app_run_words(struct app *app, int argc, char **argv, const char *done, struct err *e)
{
	return run_verb_err(app, argc, argv, NULL, done, e);
}

/* run_verb; when fail is given, a verb's error goes there (for a form to
 * show beside its field) instead of to the message line. */
static bool run_verb_err(struct app *app, int argc, char **argv, const char *title,
			 const char *done, struct err *fail)
{
	int used;
	bool group;
	const struct cmd *cmd = cmd_lookup(argc, argv, &used, &group);
	if (!cmd && group && argc > 1 && argv[1][0] != '-') {
		app_message(app, true, _("%s: unknown verb '%s' (see :help %s)"), argv[0], argv[1],
			    argv[0]);
		return false;
	}
	if (!cmd && group) {
		char *buf = NULL;
		size_t n = 0;
		FILE *f = open_memstream(&buf, &n);
		cmd_group_usage(argv[0], ":", f);
		fclose(f);
		app_open_view(app, taken(buf));
		return false;
	}
	if (!cmd) {
		app_message(app, true, _("unknown command: %s (see :help)"), argv[0]);
		return false;
	}
	char name[64], sel_buf[ID_TEXT + 8];
	cmd_name(cmd, name, sizeof name);
	/* words[0] is the verb's last word (getopt's argv[0]); room for one more */
	char **words = xcalloc((size_t)(argc - used + 3), sizeof *words);
	int n = 0;
	for (int i = used - 1; i < argc; i++)
		words[n++] = argv[i];
	bool help = false;
	for (int i = 1; i < n; i++)
		help = help || str_eq(words[i], "--help") || str_eq(words[i], "-h");
	if (!help && cmd->nargs_min > 0 && cmd_count_args(cmd, n - 1, words + 1) == 0) {
		const char *sel = selection(app, cmd->argv[0], sel_buf, sizeof sel_buf);
		if (!sel && cmd->argv[0] != CV_NONE && cmd->argv[0] != CV_WORDS) {
			app_message(app, true, "%s: %s", name, select_hint(cmd->argv[0]));
			free(words);
			return false;
		}
		if (sel) {
			memmove(words + 2, words + 1, (size_t)(n - 1) * sizeof *words);
			words[1] = (char *)sel;
			n++;
		}
	}
	char *bout = NULL, *bdata = NULL, *bmsg = NULL;
	size_t nout = 0, ndata = 0, nmsg = 0;
	FILE *out = open_memstream(&bout, &nout), *data = open_memstream(&bdata, &ndata),
	     *msg = open_memstream(&bmsg, &nmsg);
	struct cmd_ctx c;
	cmd_ctx_init(&c, app->db_path, app_officer(app), out, data, msg);
	c.st = app->st;
	c.rules = tui_rules;
	c.console = true;
	struct stderr_catch sc;
	catch_stderr(&sc);
	int rc = cmd_run(&c, cmd, n, words);
	release_stderr(&sc, msg);
	bool helped = c.helped, empty_list = c.tables > 0 && c.rows == 0;
	char err[sizeof c.err.msg];
	snprintf(err, sizeof err, "%s", c.err.msg);
	cmd_ctx_finish(&c);
	fclose(out);
	fclose(data);
	fclose(msg);
	free(words);
	/* `stats --days N` sets the store's expiry window: the overview's is the config's */
	q_set_expiry_days(app->st, app->cfg.expiry_days);
	bool wrote = cmd->flags & (CMD_WRITES | CMD_OWNTX | CMD_CREATES);
	if (rc == 0 && wrote)
		app_changed(app);
	char *text = xasprintf("%s%s%s", bout ? bout : "", bdata ? bdata : "", bmsg ? bmsg : "");
	free(bout);
	free(bdata);
	if (rc != 0) {
		/* what the verb said before it gave up (each bad row of an import) */
		if (bmsg && *bmsg)
			app_open_view(app, xasprintf("%s\n%s: %s\n", bmsg, name, err));
		if (fail)
			err_set(fail, ERR_USAGE, "%s", err);
		else
			app_message(app, true, "%s: %s", name, err);
		free(bmsg);
		free(text);
		return false;
	}
	free(bmsg);
	show_output(app, name, text, wrote, empty_list, title, helped ? NULL : done, helped);
	return true;
}

/* Runs a verb from a list of words (NULL-terminated), for the shortcuts. */
static void run_list(struct app *app, const char *title, const char *done, ...)
{
	char *argv[16];
	int argc = 0;
	va_list ap;
	va_start(ap, done);
	for (char *w = va_arg(ap, char *); w && argc < 15; w = va_arg(ap, char *))
		argv[argc++] = w;
	va_end(ap);
	argv[argc] = NULL;
	run_verb(app, argc, argv, title, done);
}

/* Words from..argc-1 joined by blanks (heap): `:log 来电 桑壁镇` unquoted. */
static char *joined(int argc, char **argv, int from)
{
	struct strbuf sb;
	sb_init(&sb);
	sb_puts(&sb, "");
	for (int i = from; i < argc; i++)
		sb_printf(&sb, "%s%s", i > from ? " " : "", argv[i]);
	return sb_take(&sb);
}

static bool any_option(int argc, char **argv, int from)
{
	for (int i = from; i < argc; i++)
		if (argv[i][0] == '-' && argv[i][1])
			return true;
	return false;
}

/* ---- the console's own commands, and its shortcuts ---- */

/* Each returns false when the words are not its own after all: they then
 * run as a verb. */
struct console_cmd {
	const char *name, *args;
	const char *help; /* untranslated */
	bool (*run)(struct app *app, int argc, char **argv);
};

static bool con_quit(struct app *app, int argc, char **argv)
{
	if (app->form && app->form->dirty) {
		app_set_mode(app, MODE_CONFIRM_QUIT);
		app_message(app, true, "%s", _("Unsaved form: quit anyway? y/n"));
	} else {
		app->running = false;
	}
	return true;
}

static void help_text(struct app *app, struct strbuf *sb, const char *sep);
static bool console_usage(const char *name, FILE *f);

static bool con_help(struct app *app, int argc, char **argv)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	int used;
	bool group;
	const struct cmd *cmd = argc > 1 ? cmd_lookup(argc - 1, argv + 1, &used, &group) : NULL;
	if (cmd && (argc - 1 == used || cmd->verb)) {
		cmd_usage(cmd, ":", f);
	} else if (argc > 1 && group) {
		cmd_group_usage(argv[1], ":", f);
	} else if (argc > 1 && console_usage(argv[1], f)) {
		/* a command of the console's */
	} else if (argc > 1) {
		fclose(f);
		free(buf);
		app_message(app, true, _("unknown command: %s (see :help)"), argv[1]);
		return true;
	} else {
		struct strbuf sb;
		sb_init(&sb);
		help_text(app, &sb, "  ");
		fputs(sb.buf, f);
		sb_finish(&sb);
	}
	fclose(f);
	app_open_view(app, taken(buf));
	return true;
}

static bool con_pane(struct app *app, int argc, char **argv)
{
	if (argc != 2 || argv[1][0] < '0' || argv[1][0] > '4' || argv[1][1])
		app_message(app, true, "%s", _("usage: :pane N (0-4)"));
	else
		app_switch_pane(app, argv[1][0] - '0');
	return true;
}

static bool con_township(struct app *app, int argc, char **argv)
{
	struct pane *p = &app->panes[app->active];
	char *name = joined(argc, argv, 1);
	if (!p->data || app->active == 0 || !lpane_township(app, p, name))
		app_message(app, true, "%s", _("this pane has no township filter"));
	free(name);
	return true;
}

/* :export FILE.csv (or FILE.xlsx) writes the list on screen; a kind
 * (teams, depots ...) is the verb's. */
static bool con_export(struct app *app, int argc, char **argv)
{
	if (argc != 2 || !strpbrk(argv[1], "./"))
		return false;
	struct pane *p = &app->panes[app->active];
	struct err e;
	long rows;
	if (!p->data || app->active == 0)
		app_message(app, true, "%s", _("export works on a list pane (1-4)"));
	else if (lpane_export(app, p, argv[1], &rows, &e))
		app_message(app, false, _("%ld rows written to %s"), rows, argv[1]);
	else
		app_message(app, true, "%s", e.msg);
	return true;
}

/* :sync starts a cycle in the background (the loop never waits on the
 * network); the verb's local work (--status, --digest, bundles) runs here. */
static bool con_sync(struct app *app, int argc, char **argv)
{
	static const char *const local[] = {"--status", "--digest", "--export-bundle",
					    "--import-bundle", "--help", "-h"};
	for (int i = 1; i < argc; i++)
		for (size_t k = 0; k < ARRAY_LEN(local); k++)
			if (str_eq(argv[i], local[k]))
				return false;
	if (argc > 1)
		app_message(app, true, "%s",
			    _("the console syncs in the background (:sync); the hub and the token "
			      "come from the config file"));
	else if (sync_bg_now(app->sync))
		app_message(app, false, "%s", _("syncing with the county hub in the background"));
	else
		app_message(app, true, "%s",
			    _("sync is not configured (set sync: server and token_file in the "
			      "config file)"));
	return true;
}

static bool con_history(struct app *app, int argc, char **argv)
{
	char *rec = argc > 1 ? joined(argc, argv, 1) : NULL;
	app_view(app, "history", rec ? rec : "");
	free(rec);
	return true;
}

/* Opens a form about a record: the one named, else the selected one. */
static bool form_about(struct app *app, int argc, char **argv, enum cmd_value kind,
		       struct form *(*open)(struct app *app, const char *key))
{
	char buf[ID_TEXT + 8];
	const char *key = argc > 1 ? argv[1] : selection(app, kind, buf, sizeof buf);
	struct form *f = key ? open(app, key) : NULL;
	if (f)
		app_open_form(app, f);
	else
		app_message(app, true, "%s", select_hint(kind));
	return true;
}

static bool con_note(struct app *app, int argc, char **argv)
{
	return argc <= 2 && form_about(app, argc, argv, CV_INCIDENT, form_incident_note);
}

static bool con_close(struct app *app, int argc, char **argv)
{
	return argc <= 2 && form_about(app, argc, argv, CV_INCIDENT, form_incident_close);
}

static bool con_warning(struct app *app, int argc, char **argv)
{
	if (argc > 1)
		return false; /* warning add|points ...: the verbs */
	app_open_form(app, form_verb(app, "warning", NULL));
	return true;
}

static bool con_inspect(struct app *app, int argc, char **argv)
{
	return argc <= 2 && form_about(app, argc, argv, CV_HAZARD, form_inspection);
}

static bool con_add(struct app *app, int argc, char **argv)
{
	if (argc > 1)
		return false;
	app_open_form(app, form_incident_new(app));
	return true;
}

/* :log lists the last 24 hours; :log TEXT adds an entry. */
static bool con_log(struct app *app, int argc, char **argv)
{
	if (argc == 1) {
		char since[32];
		dd_time_local(dd_now() - 86400, since, sizeof since);
		run_list(app, NULL, NULL, "log", "list", "--since", since, NULL);
		return true;
	}
	if (str_eq(argv[1], "add") || str_eq(argv[1], "list") || any_option(argc, argv, 1))
		return false;
	char *text = joined(argc, argv, 1);
	run_list(app, NULL, _("entry added to the duty log"), "log", "add", text, NULL);
	free(text);
	return true;
}

static bool con_tasks(struct app *app, int argc, char **argv)
{
	if (argc > 1)
		return false;
	run_list(app, NULL, NULL, "task", "due", NULL);
	return true;
}

/* :report alone: the selected incident's report. */
static bool con_report(struct app *app, int argc, char **argv)
{
	if (argc > 1)
		return false;
	run_list(app, NULL, NULL, "report", "incident", NULL);
	return true;
}

/* :shift alone shows the last handover record; start NAMES, handover NAME
 * and ack NAME give the name as the verb's option. */
static bool con_shift(struct app *app, int argc, char **argv)
{
	if (argc == 1) {
		/* Before the first shift there is no record to show: say how to
		 * start one rather than "shift 'last': no such shift". */
		/* the last handover's record, even once the next shift has begun */
		struct err e;
		json_t *last = q_shift(app->st, "last", &e), *handed = q_shift(app->st, "handed", &e);
		bool none = json_is_null(last), was_handed = handed && !json_is_null(handed);
		json_decref(last);
		json_decref(handed);
		if (none)
			app_message(app, false, "%s",
				    _("no shift has been started yet: start one with :shift start NAME"));
		else
			run_list(app, NULL, NULL, "report", "shift", was_handed ? "handed" : "last",
				 NULL);
		return true;
	}
	static const struct {
		const char *verb, *opt, *done;
	} map[] = {
		{"start", "--officers", N_("shift started")},
		{"handover", "--to", N_("handed over; the summary is below")},
		{"ack", "--name", N_("handover acknowledged; your shift has started")},
	};
	for (size_t i = 0; i < ARRAY_LEN(map); i++) {
		if (!str_eq(argv[1], map[i].verb) || any_option(argc, argv, 2))
			continue;
		if (argc == 2) {
			/* alone: the form, with who is on watch, the leader and notes */
			static const char *const kinds[] = {"shift_start", "handover", "ack"};
			struct form *f = form_verb(app, kinds[i], NULL);
			/* the roster proposes who comes in, and their leader */
			struct err e;
			json_t *in = roster_incoming(app->st, dd_now(), &e);
			const char *next = json_string_value(json_object_get(in, "officer"));
			const char *lead = json_string_value(json_object_get(in, "leader"));
			if (i == 0)
				form_set(f, "officers", app->roster_officer[0] ? app->roster_officer
									: app->cfg.officer);
			if (i == 0 && app->roster_leader[0])
				form_set(f, "leader", app->roster_leader);
			if (i == 1 && next)
				form_set(f, "to", next);
			if (i == 2)
				form_set(f, "name", next ? next : app->cfg.officer);
			if (i == 2 && lead)
				form_set(f, "leader", lead);
			json_decref(in);
			app_open_form(app, f);
		} else {
			char *name = joined(argc, argv, 2);
			run_list(app, NULL, _(map[i].done), "shift", map[i].verb, map[i].opt, name,
				 NULL);
			free(name);
		}
		return true;
	}
	return false;
}

/* :resolve ID keep|take */
static bool con_resolve(struct app *app, int argc, char **argv)
{
	if (argc != 3 || (!str_eq(argv[2], "keep") && !str_eq(argv[2], "take"))) {
		app_message(app, true, "%s", _("usage: :resolve ID keep|take"));
		return true;
	}
	run_list(app, NULL, NULL, "conflicts", "resolve", argv[1],
		 str_eq(argv[2], "keep") ? "--keep" : "--take-lost", NULL);
	return true;
}

static bool con_who(struct app *app, int argc, char **argv)
{
	char buf[ID_TEXT + 8];
	const char *n = selection(app, CV_INCIDENT, buf, sizeof buf);
	if (argc > 1 || !n)
		return false;
	app_view(app, "who", n);
	return true;
}

/* :plan raise LEVEL | :plan close SUMMARY: the selected response. */
static bool con_plan(struct app *app, int argc, char **argv)
{
	if (argc < 3 || any_option(argc, argv, 2))
		return false;
	char buf[ID_TEXT + 8];
	const char *act = selection(app, CV_ACTIVATION, buf, sizeof buf);
	if (str_eq(argv[1], "raise") && argc == 3) {
		if (!act)
			return false;
		run_list(app, NULL, _("response level raised"), "plan", "raise", act, argv[2], NULL);
		return true;
	}
	if (str_eq(argv[1], "close") && act) {
		char *summary = joined(argc, argv, 2);
		run_list(app, NULL, _("response closed"), "plan", "close", act, "--summary", summary,
			 NULL);
		free(summary);
		return true;
	}
	return false;
}

/* :contacts [TEXT]: the contact book, or the contacts TEXT finds. */
static bool con_contacts(struct app *app, int argc, char **argv)
{
	if (any_option(argc, argv, 1))
		return false;
	char *text = argc > 1 ? joined(argc, argv, 1) : NULL;
	char title[300];
	if (text) {
		snprintf(title, sizeof title, _("Contacts found by '%s' (c: log a call)"), text);
		run_list(app, title, NULL, "contact", "search", text, NULL);
	} else {
		snprintf(title, sizeof title, "%s", _("Contact book (:contacts TEXT finds; c: log a call)"));
		run_list(app, title, NULL, "contact", "list", NULL);
	}
	free(text);
	return true;
}

static bool con_call(struct app *app, int argc, char **argv)
{
	if (argc > 1)
		return false;
	app_call(app);
	return true;
}

static bool con_conflicts(struct app *app, int argc, char **argv)
{
	if (argc != 2 || !str_eq(argv[1], "all"))
		return false;
	run_list(app, NULL, NULL, "conflicts", "--all", NULL);
	return true;
}

static const struct console_cmd console_cmds[] = {
	{"q", "", N_("quit (asks if a form has changes)"), con_quit},
	{"help", "[VERB]", N_("the commands and verbs; with a verb, its options"), con_help},
	{"pane", "N", N_("go to pane N"), con_pane},
	{"township", "[NAME]", N_("show only one township in this pane (empty: all)"),
	 con_township},
	{"export", "FILE.csv|.xlsx",
	 N_("the list as filtered and sorted on screen, every row, as CSV or a workbook (a kind, "
	    "such as teams, is the export verb's)"),
	 con_export},
	{"sync", "", N_("synchronise with the county hub, in the background"), con_sync},
	{"history", "[RECORD]", N_("who changed the selected record, when (also H)"), con_history},
	{"add", "", N_("new incident form"), con_add},
	{"note", "[N]", N_("timeline entry form for the selected incident"), con_note},
	{"inspect", "[CODE]", N_("inspection form for the selected hazard"), con_inspect},
	{"log", "[TEXT]", N_("the duty log of the last 24 hours; with text, a new entry"), con_log},
	{"tasks", "",
	 N_("everything owed, soonest first: reports due, checklist items, tasks (the overdue "
	    "ones are the header's count)"),
	 con_tasks},
	{"report", "", N_("the selected incident's report text"), con_report},
	{"shift", "[start|handover|ack [NAME]]",
	 N_("the last handover record; start, hand over to NAME, take over as NAME (without a "
	    "name: a form, with the leader on duty and notes)"),
	 con_shift},
	{"close", "[N]", N_("close the selected incident (a form for the closing remark)"),
	 con_close},
	{"warning", "", N_("record a warning received: colour, townships, until (a form)"),
	 con_warning},
	{"resolve", "ID keep|take", N_("keep the value that won, or take the lost one back"),
	 con_resolve},
	{"who", "", N_("who to call for the selected incident"), con_who},
	{"contacts", "[TEXT]", N_("the contact book; with text, who it finds (zsj: 张书记)"),
	 con_contacts},
	{"call", "", N_("log a call to a contact (also c)"), con_call},
	{"plan", "raise LEVEL|close SUMMARY", N_("the selected response: raise its level, or end it"),
	 con_plan},
	{"conflicts", "all", N_("sync conflicts, the resolved ones too"), con_conflicts},
};

/* ":q  quit ..." for the console's command name; false if it is none. */
static bool console_usage(const char *name, FILE *f)
{
	for (size_t i = 0; i < ARRAY_LEN(console_cmds); i++)
		if (str_eq(name, console_cmds[i].name) ||
		    (str_eq(name, "quit") && str_eq(console_cmds[i].name, "q"))) {
			fprintf(f, "Usage: :%s%s%s\n\n%s\n", console_cmds[i].name,
				*console_cmds[i].args ? " " : "", console_cmds[i].args,
				_(console_cmds[i].help));
			return true;
		}
	return false;
}


/* ---- forms: a verb named without options ---- */

static struct form *incident_form(struct app *app, const char *unused)
{
	return form_incident_new(app);
}

static struct form *hazard_form(struct app *app, const char *unused)
{
	return form_hazard_new(app, NULL);
}

static struct form *stock_form(struct app *app, const char *unused)
{
	return form_stock_move(app, NULL, NULL);
}

static struct form *warning_form(struct app *app, const char *unused)
{
	return form_verb(app, "warning", NULL);
}

/* A warning by SMS: the latest in force is the one offered. */
static struct form *sms_form(struct app *app, const char *unused)
{
	struct form *f = form_verb(app, "sms", NULL);
	struct err e;
	json_t *w = q_warnings_in_force(app->st, dd_now(), &e);
	size_t n = w ? json_array_size(w) : 0;
	if (n)
		form_set(f, "warning",
			 json_string_value(json_object_get(json_array_get(w, n - 1), "id")));
	json_decref(w);
	f->dirty = false;
	return f;
}

/* Stock back from an incident: the selected one, when there is. */
static struct form *return_form(struct app *app, const char *unused)
{
	char buf[ID_TEXT + 8];
	struct form *f = form_verb(app, "stock_return", NULL);
	const char *n = selection(app, CV_INCIDENT, buf, sizeof buf);
	if (n)
		form_set(f, "incident", n);
	return f;
}

static const struct {
	const char *group, *verb; /* verb NULL: the group alone */
	enum cmd_value arg;       /* the record it is about (named or selected) */
	struct form *(*open)(struct app *app, const char *key);
} forms[] = {
	{"incident", NULL, CV_NONE, incident_form},
	{"incident", "add", CV_NONE, incident_form},
	{"incident", "note", CV_INCIDENT, form_incident_note},
	{"incident", "dispatch", CV_INCIDENT, form_dispatch},
	{"incident", "close", CV_INCIDENT, form_incident_close},
	{"warning", NULL, CV_NONE, warning_form},
	{"warning", "add", CV_NONE, warning_form},
	{"stock", "return", CV_NONE, return_form},
	{"sms", "send", CV_NONE, sms_form},
	{"hazard", NULL, CV_NONE, hazard_form},
	{"hazard", "add", CV_NONE, hazard_form},
	{"hazard", "inspect", CV_HAZARD, form_inspection},
	{"stock", NULL, CV_NONE, stock_form},
	{"stock", "receive", CV_NONE, stock_form},
	{"stock", "issue", CV_NONE, stock_form},
	{"stock", "transfer", CV_NONE, stock_form},
	{"plan", "activate", CV_PLAN, form_activate},
};

/* Opens the form of words that name a verb with no options (and at most
 * the record it is about); false when they are not such words. */
static bool open_form(struct app *app, int argc, char **argv)
{
	for (size_t i = 0; i < ARRAY_LEN(forms); i++) {
		int rest = argc - (forms[i].verb ? 2 : 1);
		if (!str_eq(argv[0], forms[i].group) || rest < 0 ||
		    (forms[i].verb && !str_eq(argv[1], forms[i].verb)) ||
		    rest > (forms[i].arg != CV_NONE) || any_option(argc, argv, 1))
			continue;
		char buf[ID_TEXT + 8];
		const char *key = rest ? argv[argc - 1] : selection(app, forms[i].arg, buf, sizeof buf);
		if (forms[i].arg != CV_NONE && !key) {
			app_message(app, true, "%s", select_hint(forms[i].arg));
			return true;
		}
		struct form *f = forms[i].open(app, key);
		if (f && forms[i].verb && str_eq(forms[i].group, "stock") &&
		    !str_eq(forms[i].verb, "return"))
			form_set(f, "what", forms[i].verb);
		app_open_form(app, f);
		return true;
	}
	return false;
}

/* ---- help ---- */

/* The console's commands and every verb, one a line: the name, sep, what
 * it does. */
static void help_text(struct app *app, struct strbuf *sb, const char *sep)
{
	(void)app;
	sb_printf(sb, "%s\n", _("The console's own commands and shortcuts:"));
	for (size_t i = 0; i < ARRAY_LEN(console_cmds); i++) {
		char left[64];
		snprintf(left, sizeof left, ":%s%s%s", console_cmds[i].name,
			 *console_cmds[i].args ? " " : "", console_cmds[i].args);
		sb_printf(sb, "%-18s%s%s\n", left, sep, _(console_cmds[i].help));
	}
	sb_printf(sb, "\n%s\n",
		  _("Every verb of the command line (dutydesk VERB), the same here; :help VERB "
		    "shows its options. Without options, incident add, incident note, incident "
		    "dispatch, incident close, warning add, hazard add, hazard inspect, stock "
		    "receive|issue|transfer|return and plan activate open their forms; a missing "
		    "record is the selected one."));
	sb_printf(sb, "%s\n", _("Tab completes the verb, its options and their values."));
	for (const struct cmd *const *p = cmd_table; *p; p++) {
		char name[64], left[72];
		snprintf(left, sizeof left, ":%s", cmd_name(*p, name, sizeof name));
		sb_printf(sb, "%-18s%s%s\n", left, sep, _((*p)->summary));
	}
}

void cmdline_help(struct app *app, struct strbuf *sb)
{
	help_text(app, sb, "\t");
}

/* ---- the line ---- */

void app_command(struct app *app, const char *line)
{
	int argc;
	char **argv;
	struct err e;
	app->dirty = true;
	if (!cmd_split(line, &argc, &argv, &e)) {
		app_message(app, true, "%s", e.msg);
		return;
	}
	if (argc == 0) {
		cmd_words_free(argc, argv);
		return;
	}
	bool done = false;
	const char *name = str_eq(argv[0], "quit") ? "q" : argv[0];
	for (size_t i = 0; !done && i < ARRAY_LEN(console_cmds); i++)
		if (str_eq(name, console_cmds[i].name))
			done = console_cmds[i].run(app, argc, argv);
	if (!done)
		done = open_form(app, argc, argv);
	if (!done)
		run_verb(app, argc, argv, NULL, NULL);
	cmd_words_free(argc, argv);
}

/* Views the panes open by key: who to call for an incident (c), a
 * record's history (H). arg "" is the selected record. */
void app_view(struct app *app, const char *what, const char *arg)
{
	char buf[ID_TEXT + 8], title[200];
	if (str_eq(what, "who")) {
		snprintf(title, sizeof title, "%s %s", _("Who to call for"), arg);
		run_list(app, title, NULL, "who", "--incident", arg, NULL);
	} else if (str_eq(what, "history")) {
		struct pane *p = &app->panes[app->active];
		const char *rec = *arg ? arg : p->data && app->active ? lpane_selected_key(p) : NULL;
		if (!rec) {
			app_message(app, true, "%s", _("select a record first"));
			return;
		}
		/* a checklist item's key is "ACTIVATION ITEM": its response's history */
		snprintf(buf, sizeof buf, "%.*s", (int)strcspn(rec, " "), rec);
		snprintf(title, sizeof title, "%s %s", _("History of"), buf);
		run_list(app, title, NULL, "audit", "--record", buf, NULL);
	}
}

void app_call(struct app *app)
{
	struct pane *p = &app->panes[app->active];
	const char *key = p->data && app->active ? lpane_selected_key(p) : NULL;
	char rec[ID_TEXT + 64];
	/* a checklist item's key is "ACTIVATION ITEM": the call is about the response */
	snprintf(rec, sizeof rec, "%.*s", key ? (int)strcspn(key, " ") : 0, key ? key : "");
	bool incident = p->type == &pane_incidents && *rec;
	app_open_form(app, form_call(app, incident ? rec : NULL, !incident && *rec ? rec : NULL));
}

/* ---- Tab ---- */

/* The names Tab offers besides the verbs' groups. */
static const char *const *console_names(void)
{
	static const char *names[ARRAY_LEN(console_cmds) + 1];
	if (!names[0])
		for (size_t i = 0; i < ARRAY_LEN(console_cmds); i++)
			names[i] = console_cmds[i].name;
	return names;
}

void cmdline_complete_reset(struct app *app)
{
	json_decref(app->complete);
	app->complete = NULL;
}

/* The number of characters (not bytes) in the first n bytes of s. */
static size_t chars(const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n && s[i]; i++)
		k += ((unsigned char)s[i] & 0xC0) != 0x80;
	return k;
}

/* The longest start all candidates share (heap). */
static char *common_start(json_t *cands)
{
	const char *first = json_string_value(json_array_get(cands, 0));
	size_t n = strlen(first);
	size_t i;
	json_t *v;
	json_array_foreach(cands, i, v) {
		const char *s = json_string_value(v);
		size_t k = 0;
		while (k < n && s[k] == first[k])
			k++;
		n = k;
	}
	while (n > 0 && ((unsigned char)first[n] & 0xC0) == 0x80)
		n--; /* never half a character */
	return xstrndup(first, n);
}

/* The candidates on the message line, as many as fit. */
static void list_candidates(struct app *app, json_t *cands)
{
	struct strbuf sb;
	sb_init(&sb);
	size_t i;
	json_t *v;
	json_array_foreach(cands, i, v)
		sb_printf(&sb, "%s%s", i ? "  " : "", json_string_value(v));
	app_message(app, false, "%s", sb.buf);
	sb_finish(&sb);
}

/* Puts candidate (quoted as the line needs it) in place of the word. */
static void put_word(struct app *app, const char *word, bool last)
{
	char *q = cmd_quote(word);
	char *t = last ? xasprintf("%s ", q) : xstrdup(q);
	edit_replace(&app->prompt, app->complete_from, app->prompt.cur, t);
	free(t);
	free(q);
}

void cmdline_complete(struct app *app)
{
	app->dirty = true;
	if (app->complete) {
		/* Tab again: the next candidate */
		size_t n = json_array_size(app->complete);
		put_word(app, json_string_value(json_array_get(app->complete, app->complete_next)),
			 false);
		app->complete_next = (app->complete_next + 1) % n;
		list_candidates(app, app->complete);
		return;
	}
	char *before = edit_text_upto(&app->prompt, app->prompt.cur);
	int argc;
	char **argv;
	size_t start;
	cmd_split_partial(before, &argc, &argv, &start);
	app->complete_from = chars(before, start);
	/* after :help, the verb's words */
	int skip = argc > 1 && str_eq(argv[0], "help") && argc <= 3;
	json_t *cands = skip ? cmd_complete(app->st, argc - 1, argv + 1, NULL, 200)
			     : cmd_complete(app->st, argc, argv, console_names(), 200);
	const char *word = argc ? argv[argc - 1] : "";
	size_t n = json_array_size(cands);
	if (n == 1) {
		put_word(app, json_string_value(json_array_get(cands, 0)), true);
	} else if (n > 1) {
		char *common = common_start(cands);
		if (strlen(common) > strlen(word) && strncmp(common, word, strlen(word)) == 0) {
			put_word(app, common, false);
		} else {
			app->complete = json_incref(cands);
			app->complete_next = 0;
		}
		list_candidates(app, cands);
		free(common);
	}
	json_decref(cands);
	cmd_words_free(argc, argv);
	free(before);
}
