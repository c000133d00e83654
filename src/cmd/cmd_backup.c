/* backup and restore: copies of the whole database. */
#include <stdio.h>
#include <stdlib.h>

#include "dutydesk/i18n.h"
#include "cmd_impl.h"

static bool exec_backup(struct cmd_ctx *c)
{
	const char *dest = c->args[0];
	if (!store_backup(c->st, dest, cmd_opt(c, "force") != NULL, &c->err))
		return false;
	if (c->json) {
		out_json_new(c, json_pack("{s:s, s:s}", "db", c->db_path, "backup", dest));
	} else {
		fprintf(c->out, _("backed up %s to %s\n"), c->db_path, dest);
	}
	return true;
}

static bool exec_restore(struct cmd_ctx *c)
{
	const char *src = c->args[0];
	char *kept = NULL;
	if (!store_restore(c->db_path, src, &kept, &c->err))
		return false;
	if (c->json) {
		out_json_new(c, json_pack("{s:s, s:s, s:s?}", "db", c->db_path, "restored_from",
					  src, "kept", kept));
	} else {
		fprintf(c->out, _("restored %s from %s\n"), c->db_path, src);
		if (kept)
			fprintf(c->out, _("the previous database is kept as %s\n"), kept);
	}
	free(kept);
	return true;
}

static const struct cmd_opt backup_opts[] = {
	{"force", NULL, NULL, N_("replace FILE if it exists")}, {0}};

const struct cmd cmd_backup = {
	.group = "backup", .summary = N_("copy the database to FILE (safe while consoles run)"),
	.args = "FILE", .nargs_min = 1, .nargs_max = 1,
	.opts = backup_opts, .exec = exec_backup,
};

const struct cmd cmd_restore = {
	.group = "restore",
	.summary = N_("check FILE, keep the current database aside, and replace it by FILE"),
	.args = "FILE", .nargs_min = 1, .nargs_max = 1,
	.flags = CMD_NODB | CMD_CLIONLY, .exec = exec_restore,
};
