/* dutydesk task list|done: what a warning or a rule asked of the watch,
 * with its deadline. */
#include <stdio.h>

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
		{"due_at", "due", .max = 16}, {"overdue"}, {"title", "task", .max = 30},
		{"owner", .max = 10}, {"done_at", "done", .max = 16}, {"id"},
	};
	return out_list(c, rows, cols, ARRAY_LEN(cols));
}

static bool exec_task_done(struct cmd_ctx *c)
{
	return task_done(c->st, c->args[0], &c->err);
}

static const struct cmd_opt task_list_opts[] = {
	{"all", NULL, NULL, "also tasks already done"}, {0}};

const struct cmd cmd_task_list = {
	.group = "task", .verb = "list", .summary = "open tasks with their deadlines",
	.opts = task_list_opts, .exec = exec_task_list,
};

const struct cmd cmd_task_done = {
	.group = "task", .verb = "done", .summary = "mark a task done (id or its start)",
	.args = "ID", .nargs_min = 1, .nargs_max = 1,
	.flags = CMD_WRITES, .exec = exec_task_done,
};
