/* dutydesk task list|done: what a warning or a rule asked of the watch,
 * with its deadline. */
#include <stdio.h>

#include "dutydesk/i18n.h"
#include "cmd_impl.h"
#include "dutydesk/dtime.h"

static bool exec_task_list(struct cmd_ctx *c)
{
	json_t *rows = q_tasks(c->st, !cmd_opt(c, "all"), &c->err);
	if (!rows)
		return false;
	int64_t now = dd_now();
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		json_t *due = json_object_get(r, "due_at");
		json_object_set_new(r, "overdue",
				    json_boolean(json_is_integer(due) && json_integer_value(due) < now &&
						 json_is_null(json_object_get(r, "done_at"))));
	}
	static const struct out_col cols[] = {
		{"due_at", N_("due"), .max = 16}, {"overdue"}, {"title", N_("task"), .max = 30},
		{"owner", .max = 10}, {"done_at", N_("done"), .max = 16}, {"id"},
	};
	return out_list(c, rows, cols, ARRAY_LEN(cols));
}

static bool exec_task_done(struct cmd_ctx *c)
{
	return task_done(c->st, c->args[0], &c->err);
}

/* Everything owed, soonest first: the header's overdue count is the
 * rows marked overdue. */
static bool exec_task_due(struct cmd_ctx *c)
{
	const struct deadline_rules *rules = cmd_rules(c);
	json_t *rows = rules ? watch_due(c->st, rules, dd_now(), &c->err) : NULL;
	static const struct out_col cols[] = {
		{"due_at", N_("due"), false, 16},     {"overdue", N_("overdue"), false, 0},
		{"what", N_("what is owed"), false, 14}, {"record", N_("record"), false, 16},
		{"title", N_("task"), false, 40},     {"owner", N_("owner"), false, 10}};
	return out_list(c, rows, cols, ARRAY_LEN(cols));
}

static const struct cmd_opt task_list_opts[] = {
	{"all", NULL, NULL, N_("also tasks already done")}, {0}};

const struct cmd cmd_task_list = {
	.group = "task", .verb = "list", .summary = N_("open tasks with their deadlines"),
	.opts = task_list_opts, .exec = exec_task_list,
};

const struct cmd cmd_task_done = {
	.group = "task", .verb = "done", .summary = N_("mark a task done (id or its start)"),
	.args = "ID", .nargs_min = 1, .nargs_max = 1,
	.flags = CMD_WRITES, .exec = exec_task_done,
};

const struct cmd cmd_task_due = {
	.group = "task", .verb = "due",
	.summary = N_("everything the watch owes, soonest first: reports due, checklist items, "
		      "tasks (the overdue ones are the header's count)"),
	.exec = exec_task_due,
};
