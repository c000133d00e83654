/* init and demo: a database made, with its identity and reference data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dutydesk/i18n.h"
#include "cmd_impl.h"
#include "dutydesk/config.h"
#include "dutydesk/sync_client.h"
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

/* Sets the node identity from --node/--township/--county, or from the
 * hub's word (who: its pull answer), with defaults: the county node
 * "county", or a township's node named after its code. */
static bool set_identity(struct cmd_ctx *c, json_t *who)
{
	const char *node = cmd_opt(c, "node"), *town = cmd_opt(c, "township");
	bool county = cmd_opt(c, "county") != NULL;
	const char *area = NULL;
	if (who) {
		node = json_string_value(json_object_get(who, "node"));
		county = str_eq(json_string_value(json_object_get(who, "role")), "county");
		town = county ? NULL : json_string_value(json_object_get(who, "township"));
		area = county ? json_string_value(json_object_get(who, "area")) : NULL;
	}
	if (town && county)
		return err_set(&c->err, ERR_USAGE, _("--township and --county exclude each other"));
	struct node_info cur;
	bool have = store_node(c->st, &cur, NULL);
	if (have && !node && !town && !county && !cmd_opt(c, "prefix"))
		return true; /* re-running init keeps the identity */
	char code[16] = "", prefix[64];
	if (town && !q_township(c->st, town, code, &c->err))
		return false;
	/* the county's without a township; a county node of one area, the area's */
	char *name = store_office_name(c->st, !str_empty(area) ? area : code);
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
	/* a county node of one area knows it from the start: it refuses writes
	 * outside it before its first sync */
	return store_set_node(c->st, id, code, town ? "township" : "county", prefix, &c->err) &&
	       (str_empty(area) || store_sync_set_area(c->st, area, &c->err));
}

/* init --server: whose the token is and the hub's divisions, asked before
 * anything is written. */
static bool ask_hub(struct cmd_ctx *c, json_t **who, json_t **divisions)
{
	const char *server = cmd_opt(c, "server");
	if (cmd_opt(c, "township") || cmd_opt(c, "county") || cmd_opt(c, "node"))
		return err_set(&c->err, ERR_USAGE,
			       _("--server takes the office from the hub (whose the token is): "
				 "leave out --township, --county and --node"));
	struct config cfg;
	config_load(&cfg, NULL);
	const char *tf = cmd_opt(c, "token-file") ? cmd_opt(c, "token-file") : cfg.sync.token_file;
	const char *ca = cmd_opt(c, "ca-file") ? cmd_opt(c, "ca-file") : cfg.sync.ca_file;
	if (!*tf)
		return err_set(&c->err, ERR_USAGE,
			       _("no token: give --token-file FILE or set sync.token_file in the "
				 "config file"));
	char *token;
	if (!sync_read_token(tf, &token, &c->err))
		return false;
	struct http_client *h;
	bool ok = http_client_new(server, token, ca, &h, &c->err);
	memset(token, 0, strlen(token));
	free(token);
	if (!ok)
		return false;
	struct sync_transport t = http_transport(h);
	ok = sync_ask_hub(&t, server, who, divisions, &c->err);
	http_client_free(h);
	return ok;
}

static bool do_init(struct cmd_ctx *c)
{
	if ((cmd_opt(c, "token-file") || cmd_opt(c, "ca-file")) && !cmd_opt(c, "server"))
		return err_set(&c->err, ERR_USAGE, _("--token-file and --ca-file go with --server"));
	json_t *who = NULL, *divisions = NULL;
	if (cmd_opt(c, "server") && !ask_hub(c, &who, &divisions))
		return false;
	int plans, learnt;
	json_t *problems = json_array();
	int64_t seq = 0;
	/* The catalogue and the plan library come from the shipped files, with
	 * ids from their codes, into every database and the hub alike: their
	 * writes are not this node's ops to send (a township node's would all
	 * be refused and parked, as the county's). The hub's divisions, if
	 * asked, beside the shipped ones. */
	bool ok = reference_load(c->st, &c->err) &&
		  (!divisions || sync_divisions_take(c->st, divisions, &learnt, &c->err)) &&
		  set_identity(c, who) && store_op_seq(c->st, &seq, &c->err) &&
		  catalogue_load(c->st, &c->err) &&
		  plans_load_library(c->st, &plans, problems, &c->err) &&
		  store_outbox_forget_after(c->st, seq, &c->err) && cmd_share_after_init(c);
	size_t i;
	json_t *m;
	json_array_foreach(problems, i, m)
		cmd_say(c, _("dutydesk init: plan left out: %s\n"), json_string_value(m));
	json_decref(problems);
	json_decref(who);
	json_decref(divisions);
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
	{"server", "URL", NULL, N_("make the office the hub's token names: its node, township or county, and the hub's divisions")},
	{"token-file", "FILE", NULL, N_("with --server: the file holding the office's token (default: sync.token_file)")},
	{"ca-file", "FILE", NULL, N_("with --server: the CA certificate the hub's is signed with (default: sync.ca_file)")},
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

