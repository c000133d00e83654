/* dutydesk log add|list: the duty log (值班记录), a warning opening its
 * tasks; the list weaves in the incidents' timelines. */
#include <stdio.h>

#include "dutydesk/i18n.h"
#include "cmd_impl.h"

static bool exec_log_add(struct cmd_ctx *c)
{
	const struct deadline_rules *rules = cmd_rules(c);
	if (!rules)
		return false;
	if (!json_object_get(c->fields, "kind"))
		json_object_set_new(c->fields, "kind", json_string("other"));
	json_object_set_new(c->fields, "text", json_string(c->args[0]));
	char id[ID_TEXT];
	if (!duty_log_add(c->st, rules, c->fields, id, &c->err))
		return false;
	if (!c->json)
		fprintf(c->out, "%s\n", id);
	return true;
}

static bool exec_log_list(struct cmd_ctx *c)
{
	struct log_filter f = {0};
	char town[16], shift[ID_TEXT];
	json_t *kind = NULL, *since = NULL;
	if (cmd_opt(c, "kind")) {
		const struct enum_value *v = enum_find(ENUM_DUTY_KIND, cmd_opt(c, "kind"));
		if (!v)
			v = enum_find(ENUM_TIMELINE_KIND, cmd_opt(c, "kind"));
		if (!v) {
			err_set(&c->err, ERR_USAGE, _("--kind: '%s': a duty-log kind (call, warning, "
				"notice, checkin, nil_report, other) or a timeline kind"), cmd_opt(c, "kind"));
			return false;
		}
		kind = json_string(v->id);
		f.kind = json_string_value(kind);
	}
	if (cmd_opt(c, "township")) {
		if (!q_township(c->st, cmd_opt(c, "township"), town, &c->err))
			return json_decref(kind), false;
		f.township_code = town;
	}
	if (cmd_opt(c, "shift")) {
		json_t *sh = q_shift(c->st, cmd_opt(c, "shift"), &c->err);
		bool found = sh && !json_is_null(sh);
		if (found)
			snprintf(shift, sizeof shift, "%s", json_string_value(json_object_get(sh, "id")));
		json_decref(sh);
		if (!found) {
			err_set(&c->err, ERR_USAGE, _("--shift: '%s': no such shift"), cmd_opt(c, "shift"));
			json_decref(kind);
			return false;
		}
		f.shift_id = shift;
	}
	if (cmd_opt(c, "since")) {
		if (!(since = cmd_value(c, &T_INCIDENT, "received_at", "since")))
			return json_decref(kind), false;
		f.since = json_integer_value(since);
	}
	json_t *rows = q_duty_log(c->st, &f, &c->err);
	json_decref(kind);
	out_closed_words(c, rows);
	json_decref(since);
	static const struct out_col cols[] = {
		{"at", N_("time"), .max = 16}, {"kind"}, {"township", .max = 8}, {"incident"},
		{"author", N_("by"), .max = 8}, {"text", .max = 50},
	};
	return out_list(c, rows, cols, ARRAY_LEN(cols));
}

static const struct cmd_opt log_add_opts[] = {
	{"kind", "KIND", "kind", N_("call, warning, notice, checkin, nil_report, other")},
	{"township", "NAME|CODE", "township_code", N_("township concerned")},
	{"source", "TEXT", "source", N_("where it came from (e.g. 国家系统, 县气象局)")},
	{"colour", "COLOUR", "colour", N_("warning colour: blue, yellow, orange, red")},
	{"area", "TEXT", "area", N_("warning area")},
	{"until", "TIME", "valid_until", N_("warning valid until")},
	{"at", "TIME", "at", N_("when (default now)")},
	{0}};
static const struct cmd_opt log_list_opts[] = {
	{"kind", "KIND", NULL, N_("only this kind")}, {"township", "NAME|CODE", NULL, N_("only this township"), CV_TOWNSHIP},
	{"shift", "ID", NULL, N_("only this shift (an id, current or last)")},
	{"since", "TIME", NULL, N_("only since TIME")}, {0}};

const struct cmd cmd_log_add = {
	.group = "log", .verb = "add",
	.summary = N_("add a duty-log entry (a warning opens its tasks)"),
	.args = "TEXT", .nargs_min = 1, .nargs_max = 1,
	.table = &T_DUTY_ENTRY, .opts = log_add_opts, .flags = CMD_WRITES, .exec = exec_log_add,
};

const struct cmd cmd_log_list = {
	.group = "log", .verb = "list",
	.summary = N_("the duty log with incident entries, in time order"),
	.opts = log_list_opts, .exec = exec_log_list,
};
