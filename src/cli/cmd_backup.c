/* backup and restore: copies of the whole database. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

static int run_backup(struct cli *c)
{
	const char *dest = c->args[0];
	if (!store_backup(c->st, dest, cli_opt(c, "force") != NULL, &c->err))
		return cli_fail(c);
	if (c->json) {
		json_t *o = json_pack("{s:s, s:s}", "db", c->db_path, "backup", dest);
		out_json(o);
		json_decref(o);
	} else {
		printf("backed up %s to %s\n", c->db_path, dest);
	}
	return 0;
}

static int run_restore(struct cli *c)
{
	const char *src = c->args[0];
	char *kept = NULL;
	if (!store_restore(c->db_path, src, &kept, &c->err))
		return cli_fail(c);
	if (c->json) {
		json_t *o = json_pack("{s:s, s:s, s:s?}", "db", c->db_path, "restored_from", src,
				      "kept", kept);
		out_json(o);
		json_decref(o);
	} else {
		printf("restored %s from %s\n", c->db_path, src);
		if (kept)
			printf("the previous database is kept as %s\n", kept);
	}
	free(kept);
	return 0;
}

static const struct cli_opt backup_opts[] = {
	{"force", NULL, NULL, "replace FILE if it exists"}, {NULL, NULL, NULL, NULL}};
static const struct cli_opt restore_opts[] = {{NULL, NULL, NULL, NULL}};

const struct cli_cmd cmds_backup[] = {
	{"backup", NULL, "FILE", 1, 1,
	 "copy the database to FILE (safe while consoles run)", NULL, backup_opts, 0, run_backup},
	{"restore", NULL, "FILE", 1, 1,
	 "check FILE, keep the current database aside, and replace it by FILE", NULL,
	 restore_opts, CMD_NODB, run_restore},
	{NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, 0, NULL}};
