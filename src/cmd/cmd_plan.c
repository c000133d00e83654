/* dutydesk plan list|show|validate|load|activate|raise|check|status|close|report */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dutydesk/i18n.h"
#include "cmd_impl.h"
#include "dutydesk/dtime.h"
#include "dutydesk/plan.h"

static bool exec_list(struct cmd_ctx *c)
{
	static const struct out_col cols[] = {
		{"id", N_("plan")}, {"version"}, {"active", .right = true}, {"title", .max = 40},
	};
	return out_rows(c, q_plan_library(c->st, &c->err), cols, ARRAY_LEN(cols));
}

static void print_items(struct cmd_ctx *c, json_t *items, int depth)
{
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it) {
		json_t *w = json_object_get(it, "within");
		fprintf(c->out, "%*s- [%s] %s", 4 + 2 * depth, "", json_string_value(json_object_get(it, "id")),
		       json_string_value(json_object_get(it, "text")));
		if (json_is_string(json_object_get(it, "unit")))
			fprintf(c->out, "（%s）", json_string_value(json_object_get(it, "unit")));
		if (json_is_integer(w))
			fprintf(c->out, _(" within %lldm"), (long long)json_integer_value(w));
		if (json_is_string(json_object_get(it, "after")))
			fprintf(c->out, _(" after %s"), json_string_value(json_object_get(it, "after")));
		fputc('\n', c->out);
		print_items(c, json_object_get(it, "items"), depth + 1);
	}
}

static bool exec_show(struct cmd_ctx *c)
{
	json_t *plan = plan_get(c->st, c->args[0], &c->err);
	if (!plan)
		return false;
	if (c->json) {
		out_json(c, plan);
	} else {
		json_t *hq = json_object_get(plan, "hq");
		fprintf(c->out, _("%s  %s (version %s)\n"), json_string_value(json_object_get(plan, "id")),
		       json_string_value(json_object_get(plan, "title")),
		       json_string_value(json_object_get(plan, "version")));
		fprintf(c->out, _("command HQ: %s; lead: %s\n"), json_string_value(json_object_get(hq, "name")),
		       json_string_value(json_object_get(hq, "lead")) ?: "");
		for (int l = 0; l < 4; l++) {
			json_t *lv = json_object_get(json_object_get(plan, "levels"), plan_levels[l]);
			if (!lv)
				continue;
			fprintf(c->out, _("\nlevel %s (%s leads): %s\n"), plan_levels[l],
			       json_string_value(json_object_get(lv, "lead")) ?: "?",
			       json_string_value(json_object_get(lv, "trigger")));
			print_items(c, json_object_get(lv, "items"), 0);
		}
		if (json_array_size(json_object_get(plan, "post"))) {
			fprintf(c->out, _("\npost-incident\n"));
			print_items(c, json_object_get(plan, "post"), 0);
		}
	}
	json_decref(plan);
	return true;
}

/* Every file checked, each problem of each named; exit 1 if any is broken. */
static bool exec_validate(struct cmd_ctx *c)
{
	int bad = 0;
	for (int i = 0; i < c->nargs; i++) {
		json_t *errors;
		json_t *plan = plan_load(c->args[i], &errors);
		size_t k;
		json_t *m;
		json_array_foreach(errors, k, m)
			cmd_say(c, "%s\n", json_string_value(m));
		if (plan && !c->json)
			fprintf(c->out, _("%s: ok (%s, version %s)\n"), c->args[i],
			       json_string_value(json_object_get(plan, "id")),
			       json_string_value(json_object_get(plan, "version")));
		bad += plan == NULL;
		json_decref(plan);
		json_decref(errors);
	}
	if (bad)
		return err_set(&c->err, ERR_FAIL, _("%d of %d files broken"), bad, c->nargs);
	return true;
}

static bool exec_load(struct cmd_ctx *c)
{
	for (int i = 0; i < c->nargs; i++) {
		json_t *errors;
		json_t *plan = plan_load(c->args[i], &errors);
		if (!plan) {
			size_t k;
			json_t *m;
			json_array_foreach(errors, k, m)
				cmd_say(c, "%s\n", json_string_value(m));
			json_decref(errors);
			return err_set(&c->err, ERR_FAIL, _("%s is broken; nothing was loaded"), c->args[i]);
		}
		char id[ID_TEXT];
		bool fresh;
		bool ok = plan_store(c->st, plan, id, &fresh, &c->err);
		if (ok && !c->json)
			fprintf(c->out, "%s: %s\n", c->args[i], fresh ? _("loaded") : _("this version is loaded already"));
		json_decref(plan);
		json_decref(errors);
		if (!ok)
			return false;
	}
	return true;
}

static bool check_activate(struct cmd_ctx *c)
{
	if (cmd_opt(c, "drill") && cmd_opt(c, "incident"))
		return err_set(&c->err, ERR_USAGE, _("--drill and --incident exclude each other"));
	return true;
}

static bool exec_activate(struct cmd_ctx *c)
{
	const char *level = cmd_opt(c, "level");
	level = plan_level_ascii(level);
	const struct enum_value *lv = level ? enum_find(ENUM_LEVEL, level) : NULL;
	char activated[ID_TEXT];
	if (!plan_activate(c->st, c->args[0], lv ? lv->id : level, cmd_opt(c, "incident"),
			   cmd_opt(c, "drill") != NULL, activated, &c->err))
		return false;
	if (!c->json) {
		fprintf(c->out, "%s%s\n", activated, cmd_opt(c, "drill") ? _(" (drill 演练)") : "");
	} else {
		out_json_new(c, json_pack("{s:s, s:b}", "activation", activated, "drill",
					  cmd_opt(c, "drill") != NULL));
	}
	return true;
}

static bool exec_raise(struct cmd_ctx *c)
{
	const char *level = plan_level_ascii(c->args[1]);
	const struct enum_value *lv = enum_find(ENUM_LEVEL, level);
	return plan_raise(c->st, c->args[0], lv ? lv->id : level, &c->err);
}

static bool exec_check(struct cmd_ctx *c)
{
	const char *state = cmd_opt(c, "na") ? "na" : cmd_opt(c, "prev") ? "prev_done"
			  : cmd_opt(c, "open") ? "open" : "done";
	const char *na = cmd_opt(c, "na");
	if (na && !na[strspn(na, " \t")])
		return err_set(&c->err, ERR_USAGE, _("--na: not applicable needs a reason"));
	return plan_check(c->st, c->args[0], c->args[1], state, cmd_opt(c, "na"), &c->err);
}

static bool exec_close(struct cmd_ctx *c)
{
	return plan_close(c->st, c->args[0], cmd_opt(c, "summary"), &c->err);
}

static void bar(int64_t done, int64_t total, char *buf, size_t n)
{
	int w = 20, fill = total ? (int)(done * w / total) : 0;
	size_t k = 0;
	buf[k++] = '[';
	for (int i = 0; i < w && k + 2 < n; i++)
		buf[k++] = i < fill ? '#' : '.';
	buf[k++] = ']';
	buf[k] = '\0';
}

static bool show_status(struct cmd_ctx *c, const char *handle, bool report)
{
	json_t *s = plan_status(c->st, handle, dd_now(), &c->err);
	if (!s)
		return false;
	json_t *items = json_object_get(s, "items");
	q_present(items);
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
		q_present_time(it, "due");
	q_present(s);
	if (c->json)
		return out_json_new(c, s);
	json_t *p = json_object_get(s, "progress");
	char b[32];
	bar(json_integer_value(json_object_get(p, "done")), json_integer_value(json_object_get(p, "total")),
	    b, sizeof b);
	fprintf(c->out, _("%s%s  level %s  %s  %lld/%lld done, %lld overdue  %s\n"),
	       json_is_true(json_object_get(s, "drill")) || json_integer_value(json_object_get(s, "drill"))
		       ? _("[DRILL 演练] ") : "",
	       json_string_value(json_object_get(s, "title")),
	       json_string_value(json_object_get(s, "level")),
	       json_string_value(json_object_get(s, "incident")) ?: "",
	       (long long)json_integer_value(json_object_get(p, "done")),
	       (long long)json_integer_value(json_object_get(p, "total")),
	       (long long)json_integer_value(json_object_get(p, "overdue")), b);
	json_array_foreach(items, i, it) {
		const char *state = json_string_value(json_object_get(it, "state"));
		bool over = json_is_true(json_object_get(it, "overdue"));
		const char *mark = str_eq(state, "done") ? "[x]" : str_eq(state, "prev_done") ? "[p]"
				   : str_eq(state, "na") ? "[-]" : over ? "[!]" : "[ ]";
		int depth = json_is_string(json_object_get(it, "parent_key")) ? 2 : 0;
		fprintf(c->out, "%s %*s%-3s %s %s", mark, depth, "", json_string_value(json_object_get(it, "level")),
		       json_string_value(json_object_get(it, "item_key")),
		       json_string_value(json_object_get(it, "text")));
		if (report && json_is_integer(json_object_get(it, "took_min")))
		{
			fprintf(c->out, _("  took %lldm"), (long long)json_integer_value(json_object_get(it, "took_min")));
			if (json_is_integer(json_object_get(it, "within_min")))
				fprintf(c->out, _(" / within %lldm"),
				       (long long)json_integer_value(json_object_get(it, "within_min")));
		}
		else if (json_is_string(json_object_get(it, "due")) && str_eq(state, "open"))
			fprintf(c->out, _("  %sdue %.5s %.5s"), over ? _("OVERDUE ") : "",
			       json_string_value(json_object_get(it, "due")) + 5,
			       json_string_value(json_object_get(it, "due")) + 11);
		if (json_is_string(json_object_get(it, "reason")))
			fprintf(c->out, "  (%s)", json_string_value(json_object_get(it, "reason")));
		fputc('\n', c->out);
	}
	json_decref(s);
	return true;
}

static bool exec_status(struct cmd_ctx *c)
{
	if (c->nargs)
		return show_status(c, c->args[0], false);
	static const struct out_col cols[] = {
		{"id", N_("activation"), .max = 13}, {"plan"}, {"level", .as_is = true}, {"incident"},
		{"drill"},
		{"done", .right = true}, {"items", N_("of"), .right = true}, {"title", .max = 30},
	};
	return out_list(c, q_open_activations(c->st, &c->err), cols, ARRAY_LEN(cols));
}

static bool exec_report(struct cmd_ctx *c)
{
	return show_status(c, c->args[0], true);
}

static const struct cmd_opt activate_opts[] = {
	{"level", "LEVEL", NULL, N_("response level IV, III, II or I (required)"), CV_LEVEL},
	{"incident", "N", NULL, N_("the incident the response is for"), CV_INCIDENT},
	{"drill", NULL, NULL, N_("a drill (演练), without an incident")},
	{0}};
static const struct cmd_opt check_opts[] = {
	{"na", "REASON", NULL, N_("not applicable, with the reason")},
	{"prev", NULL, NULL, N_("done before the activation")},
	{"open", NULL, NULL, N_("open it again")},
	{0}};
static const struct cmd_opt close_opts[] = {
	{"summary", "TEXT", NULL, N_("how the response went (required)")}, {0}};

const struct cmd cmd_plan_list = {
	.group = "plan", .verb = "list", .summary = N_("the plan library"),
	.exec = exec_list,
};

const struct cmd cmd_plan_show = {
	.group = "plan", .verb = "show", .summary = N_("a plan: levels, triggers, items"),
	.args = "ID", .nargs_min = 1, .nargs_max = 1, .argv = {CV_PLAN},
	.exec = exec_show,
};

const struct cmd cmd_plan_validate = {
	.group = "plan", .verb = "validate", .summary = N_("check plan files; names every problem"),
	.args = "FILE...", .nargs_min = 1, .nargs_max = 100,
	.flags = CMD_NODB, .exec = exec_validate,
};

const struct cmd cmd_plan_load = {
	.group = "plan", .verb = "load", .summary = N_("add plan files (new versions) to the library"),
	.args = "FILE...", .nargs_min = 1, .nargs_max = 100,
	.flags = CMD_WRITES, .exec = exec_load,
};

const struct cmd cmd_plan_activate = {
	.group = "plan", .verb = "activate", .summary = N_("start a response (or a drill) at a level"),
	.args = "ID", .nargs_min = 1, .nargs_max = 1, .argv = {CV_PLAN},
	.opts = activate_opts, .flags = CMD_WRITES, .check = check_activate, .exec = exec_activate,
};

const struct cmd cmd_plan_raise = {
	.group = "plan", .verb = "raise", .summary = N_("raise the response level"),
	.args = "ACTIVATION LEVEL", .nargs_min = 2, .nargs_max = 2,
	.argv = {CV_ACTIVATION, CV_LEVEL},
	.flags = CMD_WRITES, .exec = exec_raise,
};

const struct cmd cmd_plan_check = {
	.group = "plan", .verb = "check",
	.summary = N_("tick an item (done, --prev, --na REASON, --open)"),
	.args = "ACTIVATION ITEM", .nargs_min = 2, .nargs_max = 2, .argv = {CV_ACTIVATION},
	.opts = check_opts, .flags = CMD_WRITES, .exec = exec_check,
};

const struct cmd cmd_plan_status = {
	.group = "plan", .verb = "status", .summary = N_("active checklists, or one with its items"),
	.args = "[ACTIVATION]", .nargs_min = 0, .nargs_max = 1, .argv = {CV_ACTIVATION},
	.exec = exec_status,
};

const struct cmd cmd_plan_close = {
	.group = "plan", .verb = "close", .summary = N_("end a response with a summary"),
	.args = "ACTIVATION", .nargs_min = 1, .nargs_max = 1, .argv = {CV_ACTIVATION},
	.opts = close_opts, .flags = CMD_WRITES, .exec = exec_close,
};

const struct cmd cmd_plan_report = {
	.group = "plan", .verb = "report",
	.summary = N_("each item's time against its limit (drill report)"),
	.args = "ACTIVATION", .nargs_min = 1, .nargs_max = 1, .argv = {CV_ACTIVATION},
	.exec = exec_report,
};
