/* dutydesk audit: who changed what, when, from which node. */
#include <stdio.h>

#include "cmd_impl.h"

static bool exec_audit(struct cmd_ctx *c)
{
	json_t *since = NULL;
	long long limit = 0;
	if (cmd_opt(c, "since") && !(since = cmd_value(c, &T_INCIDENT, "received_at", "since")))
		return false;
	if (cmd_opt(c, "limit") && !str_to_ll(cmd_opt(c, "limit"), 1, 1000000000, &limit)) {
		json_decref(since);
		err_set(&c->err, ERR_USAGE, "--limit: '%s': expected a whole number above 0",
			cmd_opt(c, "limit"));
		return false;
	}
	json_t *rows = q_audit(c->st, since ? json_integer_value(since) : 0, cmd_opt(c, "record"),
			       limit, &c->err);
	json_decref(since);
	if (!rows)
		return false;
	q_present(rows);
	static const struct out_col cols[] = {
		{"at", "time", .max = 16}, {"node", .max = 10}, {"actor", "by", .max = 10},
		{"action"}, {"record_type", "record"}, {"detail", "change", .max = 60},
	};
	out_table(c, rows, cols, ARRAY_LEN(cols));
	json_decref(rows);
	return true;
}

static const struct cmd_opt audit_opts[] = {
	{"since", "TIME", NULL, "only changes since TIME"},
	{"record", "ID", NULL, "only one record (id, incident number or code)", CV_INCIDENT},
	{"limit", "N", NULL, "at most N"}, {0}};

const struct cmd cmd_audit = {
	.group = "audit", .summary = "who changed what, when, from which node",
	.opts = audit_opts, .exec = exec_audit,
};
