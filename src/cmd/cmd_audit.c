/* dutydesk audit: who changed what, when, from which node. */
#include <stdio.h>

#include "dutydesk/i18n.h"
#include "cmd_impl.h"

static bool exec_audit(struct cmd_ctx *c)
{
	json_t *since = NULL;
	long long limit = 0;
	if (cmd_opt(c, "since") && !(since = cmd_value(c, &T_INCIDENT, "received_at", "since")))
		return false;
	json_t *rows = !cmd_limit(c, &limit) ? NULL
		       : q_audit(c->st, since ? json_integer_value(since) : 0, cmd_opt(c, "record"),
				 limit, &c->err);
	json_decref(since);
	static const struct out_col cols[] = {
		{"at", N_("time"), .max = 16}, {"node", .max = 10}, {"actor", N_("by"), .max = 24},
		{"action"}, {"record_type", N_("record")}, {"detail", N_("change"), .max = 60},
	};
	return out_list(c, rows, cols, ARRAY_LEN(cols));
}

static const struct cmd_opt audit_opts[] = {
	{"since", "TIME", NULL, N_("only changes since TIME")},
	{"record", "ID", NULL, N_("only one record (id, incident number or code)"), CV_INCIDENT},
	{"limit", "N", NULL, N_("at most N")}, {0}};

const struct cmd cmd_audit = {
	.group = "audit", .summary = N_("who changed what, when, from which node"),
	.opts = audit_opts, .exec = exec_audit,
};
