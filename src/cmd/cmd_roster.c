/* dutydesk roster import|show|today: the duty roster (值班表), from the
 * monthly sheet the office makes. */
#include <stdio.h>
#include <string.h>

#include "dutydesk/dtime.h"
#include "dutydesk/i18n.h"
#include "cmd_impl.h"

/* The sheet in one transaction: every row good and its months replaced,
 * or nothing written; --dry-run says what would change. */
static bool exec_import(struct cmd_ctx *c)
{
	struct import_opts o = {.encoding = cmd_opt(c, "encoding"), .sheet = cmd_opt(c, "sheet")};
	struct roster_result r;
	bool ok = roster_import(c->st, c->args[0], &o, &r, &c->err);
	out_import_messages(c, ok, &r.errors, &r.notes, false);
	if (ok) {
		json_t *months = json_array();
		struct strbuf m;
		sb_init(&m);
		const char *k;
		json_t *v;
		json_object_foreach(r.months, k, v) {
			json_array_append_new(months, json_string(k));
			sb_printf(&m, "%s%s", m.len ? ", " : "", k);
		}
		if (c->json)
			out_json_new(c, json_pack("{s:i, s:i, s:o, s:i, s:i, s:i, s:i, s:b}", "rows",
						  r.rows, "shifts", r.shifts, "months", months,
						  "added", r.added, "changed", r.changed, "removed",
						  r.removed, "unchanged", r.unchanged, "dry_run",
						  c->dry_run));
		else {
			json_decref(months);
			fprintf(c->out,
				_("%d rows, %d shifts for %s: %d new, %d changed, %d removed, %d "
				  "unchanged%s\n"),
				r.rows, r.shifts, m.buf, r.added, r.changed, r.removed, r.unchanged,
				c->dry_run ? _(" (dry run: nothing written)") : "");
		}
		sb_finish(&m);
	}
	roster_result_finish(&r);
	return ok;
}

static const struct out_col cols[] = {
	{"day", N_("duty date")},          {"shift", N_("shift")},
	{"starts_at", N_("shift starts"), .max = 16}, {"ends_at", N_("shift ends"), .max = 16},
	{"officer", N_("officer on duty"), .max = 16}, {"leader", N_("leader on duty"), .max = 16},
	{"phone", N_("phone")},       {"notes", N_("notes"), .max = 20},
};

/* --month YYYY-MM as "YYYY-MM"; the duty day's month when not given. */
static bool month_of(struct cmd_ctx *c, char month[8])
{
	const char *m = cmd_opt(c, "month");
	char day[11];
	if (!m) {
		roster_duty_day(dd_now(), day);
		snprintf(month, 8, "%.7s", day);
		return true;
	}
	char *first = xasprintf("%s-01", m);
	struct err scratch = {0};
	bool ok = strlen(m) == 7 && dd_date_parse(first, day, &scratch);
	free(first);
	if (!ok)
		return err_set(&c->err, ERR_USAGE, _("--month: '%s': expected a month like 2026-12"), m);
	snprintf(month, 8, "%.7s", day);
	return true;
}

static bool exec_show(struct cmd_ctx *c)
{
	char month[8];
	if (!month_of(c, month))
		return false;
	json_t *rows = q_roster_month(c->st, month, &c->err);
	if (rows && !json_array_size(rows) && !c->json)
		cmd_say(c, _("no roster for %s (dutydesk roster import FILE)\n"), month);
	return out_list(c, rows, cols, ARRAY_LEN(cols));
}

/* Today's duty day (from 08:00), its shifts, and which is under way. */
static bool exec_today(struct cmd_ctx *c)
{
	int64_t now = dd_now();
	char day[11];
	roster_duty_day(now, day);
	char month[8];
	snprintf(month, sizeof month, "%.7s", day);
	json_t *rows = q_roster_month(c->st, month, &c->err);
	if (!rows)
		return false;
	json_t *today = json_array(), *r;
	size_t i;
	json_array_foreach(rows, i, r) {
		if (!str_eq(json_string_value(json_object_get(r, "day")), day))
			continue;
		int64_t from = json_integer_value(json_object_get(r, "starts_at"));
		int64_t to = json_integer_value(json_object_get(r, "ends_at"));
		json_object_set_new(r, "now", json_boolean(from <= now && now < to));
		json_array_append(today, r);
	}
	json_decref(rows);
	if (!json_array_size(today)) {
		json_decref(today);
		return err_set(&c->err, ERR_FAIL, _("no roster for %s (dutydesk roster import FILE)"),
			       day);
	}
	static const struct out_col today_cols[] = {
		{"shift", N_("shift")}, {"now", N_("under way")},
		{"starts_at", N_("shift starts"), .max = 16}, {"ends_at", N_("shift ends"), .max = 16},
		{"officer", N_("officer on duty"), .max = 16}, {"leader", N_("leader on duty"), .max = 16},
		{"phone", N_("phone")},
	};
	return out_list(c, today, today_cols, ARRAY_LEN(today_cols));
}

static const struct cmd_opt import_opts[] = {SHEET_OPTS {0}};
static const struct cmd_opt show_opts[] = {
	{"month", "YYYY-MM", NULL, N_("the month (default: this duty day's)")}, {0}};

const struct cmd cmd_roster_import = {
	.group = "roster", .verb = "import",
	.summary = N_("import the duty roster (值班表) from its monthly sheet (CSV, .xlsx, .xls); "
		      "replaces the months it names"),
	.args = "FILE", .nargs_min = 1, .nargs_max = 1, .opts = import_opts,
	.flags = CMD_WRITES | CMD_DRYRUN, .exec = exec_import,
};

const struct cmd cmd_roster_show = {
	.group = "roster", .verb = "show", .summary = N_("a month of the duty roster"),
	.opts = show_opts, .exec = exec_show,
};

const struct cmd cmd_roster_today = {
	.group = "roster", .verb = "today",
	.summary = N_("today's officers and leaders on duty, and the shift under way"),
	.exec = exec_today,
};
