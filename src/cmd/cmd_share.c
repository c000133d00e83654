/* share, officer name|list: one database for the officers of a county
 * server, each under their own login (the store's share.c says how). */
#include <stdio.h>

#include "dutydesk/i18n.h"
#include "cmd_impl.h"

/* After init --shared or share: what was done, and what is left to the
 * administrator. */
static void say_shared(struct cmd_ctx *c, const char *group, const char *viewers)
{
	if (c->json) {
		out_json_new(c, json_pack("{s:s, s:s, s:s?}", "db", c->db_path, "group", group,
					  "viewers", viewers));
		return;
	}
	fprintf(c->out, _("%s is shared: the group %s writes it, each officer under their own "
			  "login\n"), c->db_path, group);
	if (viewers)
		fprintf(c->out, _("the group %s reads it (read-only)\n"), viewers);
	fprintf(c->out, _("officers find it through DUTYDESK_DB=%s (e.g. in "
			  "/etc/profile.d/dutydesk.sh)\n"), c->db_path);
}

bool cmd_share_after_init(struct cmd_ctx *c)
{
	const char *group = cmd_opt(c, "shared"), *viewers = cmd_opt(c, "viewers");
	if (!group)
		return viewers ? err_set(&c->err, ERR_USAGE, _("--viewers goes with --shared GROUP"))
			       : true;
	return store_share(c->st, group, viewers, &c->err);
}

static bool exec_share(struct cmd_ctx *c)
{
	if (!store_share(c->st, c->args[0], cmd_opt(c, "viewers"), &c->err))
		return false;
	say_shared(c, c->args[0], cmd_opt(c, "viewers"));
	return true;
}

void cmd_say_shared(struct cmd_ctx *c)
{
	if (cmd_opt(c, "shared") && !c->json) /* the JSON is init's identity */
		say_shared(c, cmd_opt(c, "shared"), cmd_opt(c, "viewers"));
}

static bool exec_officer_name(struct cmd_ctx *c)
{
	const char *login = c->nargs > 1 ? c->args[0] : store_login(c->st);
	const char *name = c->args[c->nargs - 1];
	if (!login)
		return err_set(&c->err, ERR_USAGE,
			       _("%s is not shared (dutydesk share GROUP): there, --officer names "
			       "who acts"), c->db_path);
	if (!store_set_login_name(c->st, login, name, &c->err))
		return false;
	if (!c->json)
		fprintf(c->out, _("login %s is shown as %s\n"), login, name);
	return true;
}

static bool exec_officer_list(struct cmd_ctx *c)
{
	json_t *rows = q_login_names(c->st, &c->err);
	static const struct out_col cols[] = {
		{"login", N_("login"), .max = 20}, {"name", N_("name"), .max = 20},
		{"set_by", N_("set by"), .max = 20}, {"set_at", N_("time"), .max = 16},
	};
	return out_list(c, rows, cols, ARRAY_LEN(cols));
}

static const struct cmd_opt share_opts[] = {
	{"viewers", "GROUP", NULL, N_("a second group that may only read (leaders who watch)")},
	{0}};

const struct cmd cmd_share = {
	.group = "share",
	.summary = N_("give the database and its folder to the officers' GROUP: each officer "
		      "writes under their own login"),
	.args = "GROUP", .nargs_min = 1, .nargs_max = 1,
	.opts = share_opts, .flags = CMD_CLIONLY, .exec = exec_share,
};

const struct cmd cmd_officer_name = {
	.group = "officer", .verb = "name",
	.summary = N_("the name a login is shown by on a shared database (王明 for wangming)"),
	.args = "[LOGIN] NAME", .nargs_min = 1, .nargs_max = 2,
	.flags = CMD_OWNTX, .exec = exec_officer_name,
};

const struct cmd cmd_officer_list = {
	.group = "officer", .verb = "list",
	.summary = N_("the logins of a shared database and the names they are shown by"),
	.exec = exec_officer_list,
};
