/* dutydesk shift start|handover|ack|current|show|list: the watch handed
 * from one officer to the next, with its summary kept. */
#include <stdio.h>

#include "dutydesk/dtime.h"
#include "dutydesk/i18n.h"
#include "cmd_impl.h"
#include "dutydesk/report.h"

static bool exec_start(struct cmd_ctx *c)
{
	if (!shift_start(c->st, cmd_opt(c, "officers") ? cmd_opt(c, "officers") : c->officer,
			 cmd_opt(c, "leader"), &c->err))
		return false;
	if (!c->json)
		fprintf(c->out, _("shift started\n"));
	return true;
}

/* A shift's handover record (id, current or last) as text, or JSON. */
static bool print_shift(struct cmd_ctx *c, const char *id)
{
	struct strbuf out;
	sb_init(&out);
	bool ok = report_shift(c->st, id, c->json ? FMT_JSON : FMT_TEXT, &out, &c->err);
	if (ok)
		fputs(out.buf ? out.buf : "", c->json ? cmd_data(c) : c->out);
	sb_finish(&out);
	return ok;
}

/* The handover, then its record (read in the same transaction). Without
 * --to, to the officer the roster has on the shift coming in. */
static bool exec_handover(struct cmd_ctx *c)
{
	const struct deadline_rules *rules = cmd_rules(c);
	json_t *in = NULL;
	const char *to = cmd_opt(c, "to");
	if (rules && !to) {
		in = roster_incoming(c->st, dd_now(), &c->err);
		if (!in)
			return false;
		to = json_string_value(json_object_get(in, "officer"));
		if (!to) {
			json_decref(in);
			return err_set(&c->err, ERR_USAGE,
				       _("--to is required: who takes over? (the roster has nobody "
					 "on the next shift)"));
		}
		if (!c->json)
			fprintf(c->out, _("handed over to %s, on duty next by the roster (%s %s)\n"),
				to, json_string_value(json_object_get(in, "day")),
				roster_shift_name(json_string_value(json_object_get(in, "shift"))));
	}
	bool ok = rules &&
		  shift_handover(c->st, rules, to, cmd_opt(c, "equipment"), cmd_opt(c, "notes"),
				 NULL, &c->err) &&
		  print_shift(c, "last");
	json_decref(in);
	return ok;
}

static bool exec_ack(struct cmd_ctx *c)
{
	const char *name = cmd_opt(c, "name");
	if (name && store_shared(c->st) && !str_eq(name, store_shown_name(c->st)) &&
	    !str_eq(name, store_login(c->st)) && !str_eq(name, c->officer))
		return err_set(&c->err, ERR_USAGE,
			       _("--name %s: on a shared database the one who acknowledges is your "
			       "login, %s"), name, c->officer);
	if (!shift_ack(c->st, store_shared(c->st) || !name ? c->officer : name,
		       cmd_opt(c, "leader"), &c->err))
		return false;
	if (!c->json)
		fprintf(c->out, _("handover acknowledged; your shift has started\n"));
	return true;
}

static bool exec_current(struct cmd_ctx *c)
{
	json_t *sh = q_shift(c->st, "current", &c->err);
	if (!sh)
		return false;
	bool none = json_is_null(sh);
	json_decref(sh);
	if (none) {
		err_set(&c->err, ERR_FAIL, _("no shift is open (dutydesk shift start)"));
		return false;
	}
	return print_shift(c, "current");
}

static bool exec_show_shift(struct cmd_ctx *c)
{
	return print_shift(c, c->args[0]);
}

static bool exec_list_shifts(struct cmd_ctx *c)
{
	json_t *rows = q_shifts(c->st, 0, &c->err);
	static const struct out_col cols[] = {
		{"started_at", N_("started"), .max = 16}, {"ended_at", N_("ended"), .max = 16},
		{"officers", .max = 16}, {"leader", .max = 10},
		{"handed_to", N_("handed to"), .max = 10}, {"acked_at", N_("acknowledged"), .max = 16},
		{"id"},
	};
	return out_list(c, rows, cols, ARRAY_LEN(cols));
}

static const struct cmd_opt start_opts[] = {
	{"officers", "NAMES", NULL, N_("who is on duty (default: --officer)")},
	{"leader", "NAME", NULL, N_("the leader on call (带班领导)")},
	{0}};
static const struct cmd_opt handover_opts[] = {
	{"to", "NAME", NULL, N_("who takes over (default: the next shift's officer on the roster)")},
	{"equipment", "TEXT", NULL, N_("equipment and communications status")},
	{"notes", "TEXT", NULL, N_("anything else the next shift must know")},
	{0}};
static const struct cmd_opt ack_opts[] = {
	{"name", "NAME", NULL, N_("who acknowledges (default: --officer)")},
	{"leader", "NAME", NULL, N_("the leader on call of the new shift (带班领导)")},
	{0}};

const struct cmd cmd_shift_start = {
	.group = "shift", .verb = "start", .summary = N_("start a shift"),
	.opts = start_opts, .flags = CMD_WRITES, .exec = exec_start,
};

const struct cmd cmd_shift_handover = {
	.group = "shift", .verb = "handover",
	.summary = N_("hand the shift over; prints the handover summary"),
	.opts = handover_opts, .flags = CMD_WRITES, .exec = exec_handover,
};

const struct cmd cmd_shift_ack = {
	.group = "shift", .verb = "ack", .summary = N_("acknowledge the handover; your shift starts"),
	.opts = ack_opts, .flags = CMD_WRITES, .exec = exec_ack,
};

const struct cmd cmd_shift_current = {
	.group = "shift", .verb = "current", .summary = N_("the open shift"),
	.exec = exec_current,
};

const struct cmd cmd_shift_show = {
	.group = "shift", .verb = "show",
	.summary = N_("a shift's handover record (id, current, last or handed)"),
	.args = "ID", .nargs_min = 1, .nargs_max = 1,
	.exec = exec_show_shift,
};

const struct cmd cmd_shift_list = {
	.group = "shift", .verb = "list", .summary = N_("shifts, newest first"),
	.exec = exec_list_shifts,
};
