/* init, demo, stats and the overview. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

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
static bool set_identity(struct cli *c)
{
	const char *node = cli_opt(c, "node"), *town = cli_opt(c, "township");
	if (town && cli_opt(c, "county"))
		return err_set(&c->err, ERR_USAGE, "--township and --county exclude each other");
	struct node_info cur;
	bool have = store_node(c->st, &cur, NULL);
	if (have && !node && !town && !cli_opt(c, "county") && !cli_opt(c, "prefix"))
		return true; /* re-running init keeps the identity */
	char code[16] = "", prefix[64];
	char *name = NULL;
	if (town) {
		if (!q_township(c->st, town, code, &c->err))
			return false;
		store_text(c->st, NULL, &name, "SELECT name FROM division WHERE code = ?", "s", code);
	} else {
		store_text(c->st, NULL, &name, "SELECT name FROM division WHERE level = 'county'", "");
	}
	short_name(name, prefix, sizeof prefix);
	free(name);
	if (cli_opt(c, "prefix")) {
		const char *p = cli_opt(c, "prefix");
		if (!*p || strlen(p) > 40 || strpbrk(p, " \t\n/"))
			return err_set(&c->err, ERR_USAGE,
				       "--prefix: '%s': 1-40 bytes without blanks or '/'", p);
		snprintf(prefix, sizeof prefix, "%s", p);
	}
	char defnode[32];
	snprintf(defnode, sizeof defnode, "%s", town ? code : "county");
	const char *id = node ? node : defnode;
	for (const char *p = id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_') || p - id > 40)
			return err_set(&c->err, ERR_USAGE,
				       "--node: '%s': use 1-40 letters, digits, '-' or '_'", id);
	if (!*id)
		return err_set(&c->err, ERR_USAGE, "--node: empty");
	return store_set_node(c->st, id, code, town ? "township" : "county", prefix, &c->err);
}

static bool do_init(struct cli *c)
{
	int plans;
	json_t *problems = json_array();
	int64_t seq = 0;
	/* The catalogue and the plan library come from the shipped files, with
	 * ids from their codes, into every database and the hub alike: their
	 * writes are not this node's ops to send (a township node's would all
	 * be refused and parked, as the county's). */
	bool ok = reference_load(c->st, &c->err) && set_identity(c) &&
		  store_int(c->st, &c->err, &seq, "SELECT op_seq FROM node", "") &&
		  catalogue_load(c->st, &c->err) &&
		  plans_load_library(c->st, &plans, problems, &c->err) &&
		  store_exec(c->st, &c->err, "DELETE FROM outbox WHERE op_seq > ?", "i", seq);
	size_t i;
	json_t *m;
	json_array_foreach(problems, i, m)
		cli_say("dutydesk init: plan left out: %s\n", json_string_value(m));
	json_decref(problems);
	return ok;
}

static void print_identity(struct cli *c, const char *what)
{
	struct node_info ni;
	if (!store_node(c->st, &ni, &c->err))
		return;
	if (c->json) {
		json_t *o = json_pack("{s:s, s:s, s:s, s:s?, s:s}", "db", c->db_path, "node",
				      ni.node_id, "role", ni.role, "township_code",
				      *ni.township_code ? ni.township_code : NULL, "number_prefix",
				      ni.number_prefix);
		out_json(o);
		json_decref(o);
	} else {
		printf("%s %s: node %s (%s%s%s), incident numbers %s-YYYY-NNNN\n", what, c->db_path,
		       ni.node_id, ni.role, *ni.township_code ? " " : "", ni.township_code,
		       ni.number_prefix);
	}
}

static int run_init(struct cli *c)
{
	int rc = cli_tx(c, do_init);
	if (rc == 0)
		print_identity(c, "initialised");
	return rc;
}

static bool do_demo(struct cli *c)
{
	return do_init(c) && demo_load(c->st, &c->err);
}

static int run_demo(struct cli *c)
{
	int rc = cli_tx(c, do_demo);
	if (rc == 0)
		print_identity(c, "demo data loaded into");
	return rc;
}

static long long num(json_t *o, const char *path)
{
	/* "a.b.c" */
	char key[64];
	const char *p = path;
	while (o && *p) {
		size_t n = strcspn(p, ".");
		snprintf(key, sizeof key, "%.*s", (int)n, p);
		o = json_object_get(o, key);
		p += n + (p[n] == '.');
	}
	return o ? (long long)json_integer_value(o) : 0;
}

static int run_stats(struct cli *c)
{
	long long days = 30;
	if (cli_opt(c, "days") && !str_to_ll(cli_opt(c, "days"), 0, 3650, &days)) {
		err_set(&c->err, ERR_USAGE, "--days: '%s': expected a whole number of days (0-3650)",
			cli_opt(c, "days"));
		return cli_fail(c);
	}
	q_set_expiry_days(c->st, (int)days);
	json_t *s = q_stats(c->st, &c->err);
	if (!s)
		return cli_fail(c);
	if (c->json) {
		out_json(s);
		json_decref(s);
		return 0;
	}
	printf("Geological hazard points  %lld  (large %lld, medium %lld, small %lld; road %lld)\n",
	       num(s, "geohazards.total"), num(s, "geohazards.large"), num(s, "geohazards.medium"),
	       num(s, "geohazards.small"), num(s, "geohazards.road"));
	printf("  in the county town      %lld  (large %lld, medium %lld, small %lld)\n",
	       num(s, "geohazards.county_town.total"), num(s, "geohazards.county_town.large"),
	       num(s, "geohazards.county_town.medium"), num(s, "geohazards.county_town.small"));
	printf("  high-risk zones         %lld households, %lld people\n",
	       num(s, "geohazards.high_risk.households"), num(s, "geohazards.high_risk.people"));
	printf("Fire key units            %lld  (schools %lld: middle %lld, kindergarten %lld; "
	       "hospitals %lld; scenic %lld; other %lld)\n",
	       num(s, "fire_key_units.total"), num(s, "fire_key_units.school"),
	       num(s, "fire_key_units.middle_school"), num(s, "fire_key_units.kindergarten"),
	       num(s, "fire_key_units.hospital"), num(s, "fire_key_units.scenic"),
	       num(s, "fire_key_units.other"));
	printf("Major hazard sources      %lld\nFlood points              %lld\n",
	       num(s, "major_sources"), num(s, "flood_points"));
	printf("Open incidents            %lld  (I %lld, II %lld, III %lld, IV %lld, pending %lld)\n",
	       num(s, "incidents.open"), num(s, "incidents.by_level.I"),
	       num(s, "incidents.by_level.II"), num(s, "incidents.by_level.III"),
	       num(s, "incidents.by_level.IV"), num(s, "incidents.by_level.pending"));
	printf("Stock alerts              below minimum %lld, expiring within %lld days %lld, "
	       "expired %lld\n",
	       num(s, "stock.below_min"), days, num(s, "stock.expiring"), num(s, "stock.expired"));
	static const struct out_col cols[] = {
		{"alert", "alert", false, 0}, {"depot", "depot", false, 24},
		{"item", "item", false, 16},  {"qty", "qty", true, 0},
		{"min_stock", "min", true, 0}, {"expiry", "expiry", false, 0}};
	json_t *alerts = json_object_get(json_object_get(s, "stock"), "alerts");
	if (json_array_size(alerts)) {
		putchar('\n');
		out_table(c, alerts, cols, ARRAY_LEN(cols));
	}
	json_decref(s);
	return 0;
}

static const struct cli_opt init_opts[] = {
	{"node", "NAME", NULL, "this database's node name, as enrolled at the county hub"},
	{"township", "NAME|CODE", NULL, "the township this office serves"},
	{"county", NULL, NULL, "this is the county office (the default)"},
	{"prefix", "TEXT", NULL, "prefix of incident numbers (default: the short place name)"},
	{NULL, NULL, NULL, NULL}};

static const struct cli_opt stats_opts[] = {
	{"days", "N", NULL, "stock expiring within N days counts as expiring (default 30)"},
	{NULL, NULL, NULL, NULL}};

const struct cli_cmd cmds_misc[] = {
	{"init", NULL, NULL, 0, 0,
	 "create the database with reference data (divisions, incident types, items)", NULL,
	 init_opts, CMD_CREATES, run_init},
	{"demo", NULL, NULL, 0, 0, "create a database holding the county's demo records", NULL,
	 init_opts, CMD_CREATES, run_demo},
	{"stats", NULL, NULL, 0, 0, "the overview: hazards, fire units, incidents, stock alerts",
	 NULL, stats_opts, 0, run_stats},
	{"overview", NULL, NULL, 0, 0, "the same as stats (what dutydesk shows with no command)",
	 NULL, stats_opts, 0, run_stats},
	{NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, 0, NULL}};
