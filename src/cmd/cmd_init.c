/* init and demo: a database made, with its identity and reference data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dutydesk/i18n.h"
#include "cmd_impl.h"
#include "dutydesk/syncstore.h"

/* "永和县" -> "永和", "桑壁镇" -> "桑壁": the prefix of incident numbers. */
static void short_name(const char *name, char *out, size_t n)
{
	snprintf(out, n, "%s", name ? name : "DD");
	size_t l = strlen(out);
	static const char *const suffix[] = {"县", "镇", "乡"};
	for (size_t i = 0; i < ARRAY_LEN(suffix); i++) {
		size_t sl = strlen(suffix[i]);
		if (l > sl && strcmp(out + l - sl, suffix[i]) == 0)
			out[l - sl] = '\0';
	}
}

/* Sets the node identity from --node/--township/--county, with defaults:
 * the county node "county", or a township's node named after its code. */
static bool set_identity(struct cmd_ctx *c)
{
	const char *node = cmd_opt(c, "node"), *town = cmd_opt(c, "township");
	if (town && cmd_opt(c, "county"))
		return err_set(&c->err, ERR_USAGE, _("--township and --county exclude each other"));
	struct node_info cur;
	bool have = store_node(c->st, &cur, NULL);
	if (have && !node && !town && !cmd_opt(c, "county") && !cmd_opt(c, "prefix"))
		return true; /* re-running init keeps the identity */
	char code[16] = "", prefix[64];
	if (town && !q_township(c->st, town, code, &c->err))
		return false;
	char *name = store_office_name(c->st, code); /* the county's without a township */
	short_name(name, prefix, sizeof prefix);
	free(name);
	if (cmd_opt(c, "prefix")) {
		const char *p = cmd_opt(c, "prefix");
		if (!*p || strlen(p) > 40 || strpbrk(p, " \t\n/"))
			return err_set(&c->err, ERR_USAGE,
				       _("--prefix: '%s': 1-40 bytes without blanks or '/'"), p);
		snprintf(prefix, sizeof prefix, "%s", p);
	}
	char defnode[32];
	snprintf(defnode, sizeof defnode, "%s", town ? code : "county");
	const char *id = node ? node : defnode;
	for (const char *p = id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_') || p - id > 40)
			return err_set(&c->err, ERR_USAGE,
				       _("--node: '%s': use 1-40 letters, digits, '-' or '_'"), id);
	if (!*id)
		return err_set(&c->err, ERR_USAGE, _("--node: empty"));
	return store_set_node(c->st, id, code, town ? "township" : "county", prefix, &c->err);
}

static bool do_init(struct cmd_ctx *c)
{
	int plans;
	json_t *problems = json_array();
	int64_t seq = 0;
	/* The catalogue and the plan library come from the shipped files, with
	 * ids from their codes, into every database and the hub alike: their
	 * writes are not this node's ops to send (a township node's would all
	 * be refused and parked, as the county's). */
	bool ok = reference_load(c->st, &c->err) && set_identity(c) &&
		  store_op_seq(c->st, &seq, &c->err) &&
		  catalogue_load(c->st, &c->err) &&
		  plans_load_library(c->st, &plans, problems, &c->err) &&
		  store_outbox_forget_after(c->st, seq, &c->err) && cmd_share_after_init(c);
	size_t i;
	json_t *m;
	json_array_foreach(problems, i, m)
		cmd_say(c, _("dutydesk init: plan left out: %s\n"), json_string_value(m));
	json_decref(problems);
	return ok;
}

static void print_identity(struct cmd_ctx *c, const char *what)
{
	struct node_info ni;
	if (!store_node(c->st, &ni, &c->err))
		return;
	if (c->json) {
		out_json_new(c, json_pack("{s:s, s:s, s:s, s:s?, s:s}", "db", c->db_path, "node",
					  ni.node_id, "role", ni.role, "township_code",
					  *ni.township_code ? ni.township_code : NULL,
					  "number_prefix", ni.number_prefix));
	} else {
		fprintf(c->out, _("%s %s: node %s (%s%s%s), incident numbers %s-YYYY-NNNN\n"), what, c->db_path,
		       ni.node_id, ni.role, *ni.township_code ? " " : "", ni.township_code,
		       ni.number_prefix);
	}
}

static bool exec_init(struct cmd_ctx *c)
{
	if (!do_init(c))
		return false;
	print_identity(c, _("initialised"));
	cmd_say_shared(c);
	return true;
}

static bool exec_demo(struct cmd_ctx *c)
{
	if (!do_init(c) || !demo_load(c->st, &c->err))
		return false;
	print_identity(c, _("demo data loaded into"));
	cmd_say_shared(c);
	return true;
}

static const struct cmd_opt init_opts[] = {
	{"node", "NAME", NULL, N_("this database's node name, as enrolled at the county hub")},
	{"township", "NAME|CODE", NULL, N_("the township this office serves"), CV_TOWNSHIP},
	{"county", NULL, NULL, N_("this is the county office (the default)")},
	{"prefix", "TEXT", NULL, N_("prefix of incident numbers (default: the short place name)")},
	{"shared", "GROUP", NULL, N_("share the database with the officers' GROUP (as dutydesk share)")},
	{"viewers", "GROUP", NULL, N_("with --shared: a second group that may only read")},
	{0}};

const struct cmd cmd_init = {
	.group = "init",
	.summary = N_("create the database with reference data (divisions, incident types, items)"),
	.opts = init_opts, .flags = CMD_CREATES | CMD_WRITES, .exec = exec_init,
};

const struct cmd cmd_demo = {
	.group = "demo", .summary = N_("create a database holding the county's demo records"),
	.opts = init_opts, .flags = CMD_CREATES | CMD_WRITES, .exec = exec_demo,
};

