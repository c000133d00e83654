/* dutydesk divisions import|list: the divisions this database knows (the
 * shipped county's, the hub's, and those imported here), read from a CSV
 * file as dutydeskd reads a hub's (divisions_read). */
#include <stdio.h>

#include "dutydesk/i18n.h"
#include "cmd_impl.h"

/* Every row checked first, in the command's one transaction: a bad row
 * named FILE:LINE and nothing written. */
static bool exec_import(struct cmd_ctx *c)
{
	const char *file = c->args[0];
	int added, changed;
	json_t *rows = divisions_read(c->st, file, _("in this database"), &added, &changed, &c->err);
	bool ok = rows && store_put_divisions(c->st, rows, &c->err);
	json_decref(rows);
	if (!ok)
		return false;
	if (c->json)
		return out_json_new(c, json_pack("{s:s, s:i, s:i, s:b}", "file", file, "added", added,
						 "changed", changed, "dry_run", c->dry_run));
	fprintf(c->out, _("%s: %d divisions added, %d changed%s\n"), file, added, changed,
		c->dry_run	      ? _(" (dry run: nothing written)")
		: added + changed ? ""
				  : _(" (this database knew them all already)"));
	return true;
}

static bool exec_list(struct cmd_ctx *c)
{
	static const struct out_col cols[] = {
		{"code", N_("code")}, {"name", N_("name"), .max = 20}, {"level", N_("level")},
		{"parent_code", N_("parent")},
	};
	const char *under = cmd_opt(c, "under");
	json_t *rows = store_divisions(c->st, under, &c->err);
	if (rows && under && json_array_size(rows) == 0) {
		json_decref(rows);
		return err_set(&c->err, ERR_FAIL,
			       _("no division %s in this database (see dutydesk divisions list)"), under);
	}
	return out_rows(c, rows, cols, ARRAY_LEN(cols));
}

const struct cmd cmd_divisions_import = {
	.group = "divisions", .verb = "import", .args = "FILE.csv", .nargs_min = 1, .nargs_max = 1,
	.summary = N_("add or change divisions from a CSV file (code,name,level,parent_code"
		      "[,illustrative]); the hub's reach nodes at their sync"),
	.opts = (const struct cmd_opt[]){
		{"dry-run", NULL, NULL, N_("check every row and report; write nothing")}, {0}},
	.flags = CMD_WRITES | CMD_DRYRUN, .exec = exec_import,
};

const struct cmd cmd_divisions_list = {
	.group = "divisions", .verb = "list", .exec = exec_list,
	.summary = N_("the administrative divisions this database knows, parents first"),
	.opts = (const struct cmd_opt[]){
		{"under", "CODE", NULL, N_("that division and those below it")}, {0}},
};
