/* dutydesk warning add|points: a meteorological geohazard warning over
 * townships, and the points inside it with their monitors' phones — the
 * list the officer works down at 2 a.m. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dutydesk/i18n.h"
#include "cmd_impl.h"
#include "dutydesk/dtime.h"

/* "桑壁镇,坡头乡" (names or codes) -> "141032101,141032202" */
static bool township_codes(struct cmd_ctx *c, const char *list, struct strbuf *codes)
{
	char *copy = str_list_ascii(list), *save = NULL;
	bool ok = true;
	for (char *t = strtok_r(copy, ", ", &save); t && ok; t = strtok_r(NULL, ", ", &save)) {
		char code[16];
		if (!q_township(c->st, t, code, &c->err)) {
			err_prefix(&c->err, _("--townships"));
			ok = false;
		} else {
			sb_printf(codes, "%s%s", codes->len ? "," : "", code);
		}
	}
	free(copy);
	if (ok && codes->len == 0)
		ok = err_set(&c->err, ERR_USAGE, _("--townships: name at least one township"));
	return ok;
}

static bool check_add(struct cmd_ctx *c)
{
	if (!cmd_opt(c, "colour") || !cmd_opt(c, "townships"))
		return err_set(&c->err, ERR_USAGE, _("--colour and --townships are required"));
	return true;
}

/* A duty-log entry of kind warning over the townships' codes: it opens the
 * rules' warning tasks. */
static bool exec_add(struct cmd_ctx *c)
{
	const struct deadline_rules *rules = cmd_rules(c);
	if (!rules)
		return false;
	char added[ID_TEXT];
	struct strbuf codes;
	sb_init(&codes);
	bool ok = township_codes(c, cmd_opt(c, "townships"), &codes);
	if (ok) {
		const char *colour = json_string_value(json_object_get(c->fields, "colour"));
		char *text = xasprintf("%s地质灾害气象风险%s预警（%s）",
				       cmd_opt(c, "source") ? cmd_opt(c, "source") : "",
				       enum_label(ENUM_COLOUR, colour, true), cmd_opt(c, "townships"));
		json_object_set_new(c->fields, "kind", json_string("warning"));
		json_object_set_new(c->fields, "area_codes", json_string(codes.buf));
		json_object_set_new(c->fields, "area", json_string(cmd_opt(c, "townships")));
		if (!json_object_get(c->fields, "text"))
			json_object_set_new(c->fields, "text",
					    json_string(cmd_opt(c, "text") ? cmd_opt(c, "text") : text));
		free(text);
		ok = duty_log_add(c->st, rules, c->fields, added, &c->err);
	}
	sb_finish(&codes);
	if (ok && !c->json)
		fprintf(c->out, "%s\n", added);
	return ok;
}

static bool exec_points(struct cmd_ctx *c)
{
	json_t *rows = q_warning_points(c->st, c->nargs ? c->args[0] : NULL, dd_now(), &c->err);
	if (!rows)
		return false;
	if (c->json)
		return out_json_new(c, rows);
	long long people = 0, households = 0;
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		people += json_integer_value(json_object_get(r, "people"));
		households += json_integer_value(json_object_get(r, "households"));
	}
	static const struct out_col cols[] = {
		{"township", .max = 8}, {"code", N_("point")}, {"monitor", .max = 8},
		{"monitor_phone", "phone"}, {"people", .right = true},
		{"households", .right = true}, {"name", .max = 24},
	};
	out_table(c, rows, cols, ARRAY_LEN(cols));
	fprintf(c->out, _("%zu points, %lld households, %lld people threatened\n"), json_array_size(rows),
	       households, people);
	json_decref(rows);
	return true;
}

/* The warnings in force now: colour, area, until, and the id the sms
 * verbs take. */
static bool exec_list(struct cmd_ctx *c)
{
	json_t *rows = q_warnings_in_force(c->st, dd_now(), &c->err);
	static const struct out_col cols[] = {
		{"at", "received", false, 16}, {"colour", "colour", false, 0},
		{"area", "area", false, 20},   {"valid_until", "until", false, 16},
		{"source", "source", false, 12}, {"text", "text", false, 40},
		{"id", "id", false, 0, true}};
	return out_list(c, rows, cols, ARRAY_LEN(cols));
}

static const struct cmd_opt add_opts[] = {
	{"colour", "COLOUR", "colour", N_("blue, yellow, orange or red (required)")},
	{"townships", "NAMES", NULL, N_("the area: townships, comma separated (required)")},
	{"from", "TIME", "valid_from", N_("in force from (default now)")},
	{"until", "TIME", "valid_until", N_("in force until")},
	{"source", "TEXT", "source", N_("who issued it (e.g. 临汾市自然资源局)")},
	{"text", "TEXT", NULL, N_("the warning's words (default: a line naming colour and area)")},
	{0}};

const struct cmd cmd_warning_add = {
	.group = "warning", .verb = "add",
	.summary = N_("record a geohazard warning over townships (a duty-log entry that opens its "
		   "tasks)"),
	.table = &T_DUTY_ENTRY, .opts = add_opts, .flags = CMD_WRITES, .check = check_add,
	.exec = exec_add,
};

const struct cmd cmd_warning_list = {
	.group = "warning", .verb = "list",
	.summary = N_("the warnings in force: colour, area, until, id"),
	.exec = exec_list,
};

const struct cmd cmd_warning_points = {
	.group = "warning", .verb = "points",
	.summary = N_("the points inside the warnings in force (or one), monitors' phones, people "
		   "totalled"),
	.args = "[ENTRY]", .nargs_min = 0, .nargs_max = 1,
	.exec = exec_points,
};
