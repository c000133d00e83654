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
	bool ok = rows != NULL;
	for (size_t i = 0; ok && i < json_array_size(rows); i++) {
		json_t *r = json_array_get(rows, i);
		ok = store_put_division(c->st, json_string_value(json_object_get(r, "code")),
					json_string_value(json_object_get(r, "name")),
					json_string_value(json_object_get(r, "level")),
					json_string_value(json_object_get(r, "parent_code")),
					json_integer_value(json_object_get(r, "illustrative")) != 0,
					&c->err);
	}
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

static const struct cmd_opt import_opts[] = {
	{"dry-run", NULL, NULL, N_("check every row and report; write nothing")},
	{0}};

static const struct cmd_opt list_opts[] = {
	{"under", "CODE", NULL, N_("that division and those below it")},
	{0}};

const struct cmd cmd_divisions_import = {
	.group = "divisions", .verb = "import",
	.summary = N_("add or change divisions from a CSV file (code,name,level,parent_code"
		      "[,illustrative]); the hub's reach nodes at their sync"),
	.args = "FILE.csv", .nargs_min = 1, .nargs_max = 1, .opts = import_opts,
	.flags = CMD_WRITES | CMD_DRYRUN, .exec = exec_import,
};

const struct cmd cmd_divisions_list = {
	.group = "divisions", .verb = "list",
	.summary = N_("the administrative divisions this database knows, parents first"),
	.opts = list_opts, .exec = exec_list,
};
