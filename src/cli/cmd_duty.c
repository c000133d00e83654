/* dutydesk shift|log|task|report|audit: the duty workflow. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dutydesk/dtime.h"
#include "dutydesk/report.h"

/* Runs fn with the deadline rules loaded into c (for the callbacks). */
static struct deadline_rules rules;

static bool with_rules(struct cli *c)
{
	return rules_load(&rules, &c->err);
}

/* ---- shift ---- */

static bool do_start(struct cli *c)
{
	return shift_start(c->st, cli_opt(c, "officers") ? cli_opt(c, "officers") : c->officer,
			   cli_opt(c, "leader"), &c->err);
}

static int run_start(struct cli *c)
{
	int rc = cli_tx(c, do_start);
	if (rc == 0 && !c->json)
		puts("shift started");
	return rc;
}

static int print_shift(struct cli *c, const char *id)
{
	struct strbuf out;
	sb_init(&out);
	if (!report_shift(c->st, id, c->json ? FMT_JSON : FMT_TEXT, &out, &c->err)) {
		sb_finish(&out);
		return cli_fail(c);
	}
	fputs(out.buf ? out.buf : "", stdout);
	sb_finish(&out);
	return 0;
}

static bool do_handover(struct cli *c)
{
	return shift_handover(c->st, &rules, cli_opt(c, "to"), cli_opt(c, "equipment"),
			      cli_opt(c, "notes"), NULL, &c->err);
}

static int run_handover(struct cli *c)
{
	if (!cli_opt(c, "to")) {
		err_set(&c->err, ERR_USAGE, "--to is required: who takes over?");
		return cli_fail(c);
	}
	if (!with_rules(c))
		return cli_fail(c);
	int rc = cli_tx(c, do_handover);
	deadline_rules_finish(&rules);
	return rc ? rc : print_shift(c, "last");
}

static bool do_ack(struct cli *c)
{
	return shift_ack(c->st, cli_opt(c, "name") ? cli_opt(c, "name") : c->officer, &c->err);
}

static int run_ack(struct cli *c)
{
	int rc = cli_tx(c, do_ack);
	if (rc == 0 && !c->json)
		puts("handover acknowledged; your shift has started");
	return rc;
}

static int run_current(struct cli *c)
{
	json_t *sh = q_shift(c->st, "current", &c->err);
	if (!sh)
		return cli_fail(c);
	bool none = json_is_null(sh);
	json_decref(sh);
	if (none) {
		err_set(&c->err, ERR_FAIL, "no shift is open (dutydesk shift start)");
		return cli_fail(c);
	}
	return print_shift(c, "current");
}

static int run_show_shift(struct cli *c)
{
	return print_shift(c, c->args[0]);
}

static int run_list_shifts(struct cli *c)
{
	json_t *rows = q_shifts(c->st, 0, &c->err);
	if (!rows)
		return cli_fail(c);
	q_present(rows);
	static const struct out_col cols[] = {
		{"started_at", "started", false, 16}, {"ended_at", "ended", false, 16},
		{"officers", "officers", false, 16}, {"leader", "leader", false, 10},
		{"handed_to", "handed to", false, 10}, {"acked_at", "acknowledged", false, 16},
		{"id", "id", false, 0}};
	out_table(c, rows, cols, ARRAY_LEN(cols));
	json_decref(rows);
	return 0;
}

/* ---- log ---- */

static bool do_log_add(struct cli *c)
{
	char id[ID_TEXT];
	json_object_set_new(c->fields, "text", json_string(c->args[0]));
	bool ok = duty_log_add(c->st, &rules, c->fields, id, &c->err);
	if (ok)
		json_object_set_new(c->extra, "id", json_string(id));
	return ok;
}

static int run_log_add(struct cli *c)
{
	if (!with_rules(c))
		return cli_fail(c);
	if (!json_object_get(c->fields, "kind"))
		json_object_set_new(c->fields, "kind", json_string("other"));
	int rc = cli_tx(c, do_log_add);
	deadline_rules_finish(&rules);
	if (rc == 0 && !c->json)
		puts(cli_opt(c, "id"));
	return rc;
}

static int run_log_list(struct cli *c)
{
	struct log_filter f = {0};
	char town[16], shift[ID_TEXT];
	json_t *kind = NULL, *since = NULL;
	if (cli_opt(c, "kind")) {
		const struct enum_value *v = enum_find(ENUM_DUTY_KIND, cli_opt(c, "kind"));
		if (!v)
			v = enum_find(ENUM_TIMELINE_KIND, cli_opt(c, "kind"));
		if (!v) {
			err_set(&c->err, ERR_USAGE, "--kind: '%s': a duty-log kind (call, warning, "
				"notice, checkin, nil_report, other) or a timeline kind", cli_opt(c, "kind"));
			return cli_fail(c);
		}
		kind = json_string(v->id);
		f.kind = json_string_value(kind);
	}
	if (cli_opt(c, "township")) {
		if (!q_township(c->st, cli_opt(c, "township"), town, &c->err))
			return json_decref(kind), cli_fail(c);
		f.township_code = town;
	}
	if (cli_opt(c, "shift")) {
		json_t *sh = q_shift(c->st, cli_opt(c, "shift"), &c->err);
		bool found = sh && !json_is_null(sh);
		if (found)
			snprintf(shift, sizeof shift, "%s", json_string_value(json_object_get(sh, "id")));
		json_decref(sh);
		if (!found) {
			err_set(&c->err, ERR_USAGE, "--shift: '%s': no such shift", cli_opt(c, "shift"));
			json_decref(kind);
			return cli_fail(c);
		}
		f.shift_id = shift;
	}
	if (cli_opt(c, "since")) {
		if (!(since = cli_value(c, &T_INCIDENT, "received_at", "since")))
			return json_decref(kind), cli_fail(c);
		f.since = json_integer_value(since);
	}
	json_t *rows = q_duty_log(c->st, &f, &c->err);
	json_decref(kind);
	json_decref(since);
	if (!rows)
		return cli_fail(c);
	q_present(rows);
	static const struct out_col cols[] = {
		{"at", "time", false, 16}, {"kind", "kind", false, 0},
		{"township", "township", false, 8}, {"incident", "incident", false, 0},
		{"author", "by", false, 8}, {"text", "text", false, 50}};
	out_table(c, rows, cols, ARRAY_LEN(cols));
	json_decref(rows);
	return 0;
}

/* ---- tasks ---- */

static int run_task_list(struct cli *c)
{
	json_t *rows = q_tasks(c->st, !cli_opt(c, "all"), &c->err);
	if (!rows)
		return cli_fail(c);
	int64_t now = dd_now();
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		json_t *due = json_object_get(r, "due_at");
		json_object_set_new(r, "overdue",
				    json_boolean(json_is_integer(due) && json_integer_value(due) < now &&
						 json_is_null(json_object_get(r, "done_at"))));
	}
	q_present(rows);
	static const struct out_col cols[] = {
		{"due_at", "due", false, 16}, {"overdue", "overdue", false, 0},
		{"title", "task", false, 30}, {"owner", "owner", false, 10},
		{"done_at", "done", false, 16}, {"id", "id", false, 0}};
	out_table(c, rows, cols, ARRAY_LEN(cols));
	json_decref(rows);
	return 0;
}

static bool do_task_done(struct cli *c)
{
	return task_done(c->st, c->args[0], &c->err);
}

static int run_task_done(struct cli *c)
{
	return cli_tx(c, do_task_done);
}

/* ---- reports ---- */

static bool format_of(struct cli *c, enum report_format *f)
{
	*f = c->json ? FMT_JSON : FMT_TEXT;
	if (cli_opt(c, "format") && !report_format_parse(cli_opt(c, "format"), f))
		return err_set(&c->err, ERR_USAGE, "--format: '%s': expected text, md, csv or json",
			       cli_opt(c, "format"));
	return true;
}

static int emit(struct cli *c, bool ok, struct strbuf *out)
{
	if (ok)
		fputs(out->buf ? out->buf : "", stdout);
	sb_finish(out);
	return ok ? 0 : cli_fail(c);
}

static int run_report_incident(struct cli *c)
{
	enum report_format f;
	struct strbuf out;
	sb_init(&out);
	return emit(c, format_of(c, &f) && report_incident(c->st, c->args[0], f, &out, &c->err), &out);
}

static int run_report_daily(struct cli *c)
{
	enum report_format f;
	char today[11];
	int cutoff = 8 * 60;
	const char *cut = cli_opt(c, "cutoff");
	if (cut) {
		int h, m;
		char end;
		if (sscanf(cut, "%2d:%2d%c", &h, &m, &end) != 2 || strlen(cut) != 5 || h < 0 ||
		    h > 23 || m < 0 || m > 59) {
			err_set(&c->err, ERR_USAGE, "--cutoff: '%s': expected a time of day like 08:00",
				cut);
			return cli_fail(c);
		}
		cutoff = h * 60 + m;
	}
	dd_date_local(dd_now(), today, sizeof today);
	struct strbuf out;
	sb_init(&out);
	if (!format_of(c, &f) || !with_rules(c))
		return emit(c, false, &out);
	bool ok = report_daily(c->st, &rules,
			       cli_opt(c, "date") ? cli_opt(c, "date") : today, cutoff, f, &out, &c->err);
	deadline_rules_finish(&rules);
	if (!ok && cli_opt(c, "date"))
		err_prefix(&c->err, "--date"), c->err.code = ERR_USAGE;
	return emit(c, ok, &out);
}

static int run_report_shift(struct cli *c)
{
	enum report_format f;
	struct strbuf out;
	sb_init(&out);
	return emit(c, format_of(c, &f) &&
			       report_shift(c->st, c->nargs ? c->args[0] : "last", f, &out, &c->err),
		    &out);
}

/* ---- audit ---- */

static int run_audit(struct cli *c)
{
	json_t *since = NULL;
	long long limit = 0;
	if (cli_opt(c, "since") && !(since = cli_value(c, &T_INCIDENT, "received_at", "since")))
		return cli_fail(c);
	if (cli_opt(c, "limit") && !str_to_ll(cli_opt(c, "limit"), 1, 1000000000, &limit)) {
		json_decref(since);
		err_set(&c->err, ERR_USAGE, "--limit: '%s': expected a whole number above 0",
			cli_opt(c, "limit"));
		return cli_fail(c);
	}
	json_t *rows = q_audit(c->st, since ? json_integer_value(since) : 0, cli_opt(c, "record"),
			       limit, &c->err);
	json_decref(since);
	if (!rows)
		return cli_fail(c);
	q_present(rows);
	static const struct out_col cols[] = {
		{"at", "time", false, 16}, {"node", "node", false, 10}, {"actor", "by", false, 10},
		{"action", "action", false, 0}, {"record_type", "record", false, 0},
		{"detail", "change", false, 60}};
	out_table(c, rows, cols, ARRAY_LEN(cols));
	json_decref(rows);
	return 0;
}

static const struct cli_opt start_opts[] = {
	{"officers", "NAMES", NULL, "who is on duty (default: --officer)"},
	{"leader", "NAME", NULL, "the leader on call (带班领导)"},
	{NULL, NULL, NULL, NULL}};
static const struct cli_opt handover_opts[] = {
	{"to", "NAME", NULL, "who takes over (required)"},
	{"equipment", "TEXT", NULL, "equipment and communications status"},
	{"notes", "TEXT", NULL, "anything else the next shift must know"},
	{NULL, NULL, NULL, NULL}};
static const struct cli_opt ack_opts[] = {
	{"name", "NAME", NULL, "who acknowledges (default: --officer)"}, {NULL, NULL, NULL, NULL}};
static const struct cli_opt log_add_opts[] = {
	{"kind", "KIND", "kind", "call, warning, notice, checkin, nil_report, other"},
	{"township", "NAME|CODE", "township_code", "township concerned"},
	{"source", "TEXT", "source", "where it came from (e.g. 国家系统, 县气象局)"},
	{"colour", "COLOUR", "colour", "warning colour: blue, yellow, orange, red"},
	{"area", "TEXT", "area", "warning area"},
	{"until", "TIME", "valid_until", "warning valid until"},
	{"at", "TIME", "at", "when (default now)"},
	{NULL, NULL, NULL, NULL}};
static const struct cli_opt log_list_opts[] = {
	{"kind", "KIND", NULL, "only this kind"}, {"township", "NAME|CODE", NULL, "only this township"},
	{"shift", "ID", NULL, "only this shift (an id, current or last)"},
	{"since", "TIME", NULL, "only since TIME"}, {NULL, NULL, NULL, NULL}};
static const struct cli_opt task_list_opts[] = {
	{"all", NULL, NULL, "also tasks already done"}, {NULL, NULL, NULL, NULL}};
static const struct cli_opt format_opts[] = {
	{"format", "FMT", NULL, "text (default), md, csv or json"}, {NULL, NULL, NULL, NULL}};
static const struct cli_opt daily_opts[] = {
	{"date", "DATE", NULL, "the report's day (default today)"},
	{"cutoff", "HH:MM", NULL, "the day runs from the previous day's cutoff (default 08:00)"},
	{"format", "FMT", NULL, "text (default), md, csv or json"}, {NULL, NULL, NULL, NULL}};
static const struct cli_opt audit_opts[] = {
	{"since", "TIME", NULL, "only changes since TIME"},
	{"record", "ID", NULL, "only one record (id, incident number or code)"},
	{"limit", "N", NULL, "at most N"}, {NULL, NULL, NULL, NULL}};

const struct cli_cmd cmds_duty[] = {
	{"shift", "start", NULL, 0, 0, "start a shift", NULL, start_opts, 0, run_start},
	{"shift", "handover", NULL, 0, 0, "hand the shift over; prints the handover summary", NULL,
	 handover_opts, 0, run_handover},
	{"shift", "ack", NULL, 0, 0, "acknowledge the handover; your shift starts", NULL, ack_opts,
	 0, run_ack},
	{"shift", "current", NULL, 0, 0, "the open shift", NULL, NULL, 0, run_current},
	{"shift", "show", "ID", 1, 1, "a shift's handover record (id, current or last)", NULL, NULL,
	 0, run_show_shift},
	{"shift", "list", NULL, 0, 0, "shifts, newest first", NULL, NULL, 0, run_list_shifts},
	{"log", "add", "TEXT", 1, 1, "add a duty-log entry (a warning opens its tasks)",
	 &T_DUTY_ENTRY, log_add_opts, 0, run_log_add},
	{"log", "list", NULL, 0, 0, "the duty log with incident entries, in time order", NULL,
	 log_list_opts, 0, run_log_list},
	{"task", "list", NULL, 0, 0, "open tasks with their deadlines", NULL, task_list_opts, 0,
	 run_task_list},
	{"task", "done", "ID", 1, 1, "mark a task done (id or its start)", NULL, NULL, 0,
	 run_task_done},
	{"report", "incident", "N", 1, 1, "the 首报/续报/终报 text for the latest state", NULL,
	 format_opts, 0, run_report_incident},
	{"report", "daily", NULL, 0, 0, "the daily duty report (值班日报)", NULL, daily_opts, 0,
	 run_report_daily},
	{"report", "shift", "[ID]", 0, 1, "a shift's handover record (default: the last)", NULL,
	 format_opts, 0, run_report_shift},
	{"audit", NULL, NULL, 0, 0, "who changed what, when, from which node", NULL, audit_opts, 0,
	 run_audit},
	{NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, 0, NULL}};
