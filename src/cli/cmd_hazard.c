/* dutydesk hazard list|show|add|inspect */
#include <stdio.h>

#include "cli.h"

static const struct out_col list_cols[] = {
	{"code", "code", false, 0},	      {"kind", "kind", false, 0},
	{"subtype", "type", false, 0},	      {"scale", "scale", false, 0},
	{"township", "township", false, 8},   {"village", "village", false, 10},
	{"people", "people", true, 0},	      {"monitor", "monitor", false, 8},
	{"name", "name", false, 30}};

static const struct out_col show_cols[] = {
	{"code", "code", false, 0},		{"name", "name", false, 0},
	{"kind", "kind", false, 0},		{"subtype", "type", false, 0},
	{"status", "status", false, 0},		{"township", "township", false, 0},
	{"village", "village", false, 0},	{"grp", "group", false, 0},
	{"address", "address", false, 0},	{"lon", "lon", false, 0},
	{"lat", "lat", false, 0},		{"scale", "scale", false, 0},
	{"volume_m3", "volume (m3)", false, 0}, {"stability", "stability", false, 0},
	{"triggers", "triggers", false, 0},	{"road", "road point", false, 0},
	{"county_town", "county town", false, 0}, {"high_risk", "high risk", false, 0},
	{"households", "households", false, 0}, {"people", "people", false, 0},
	{"property_10k", "property (10k yuan)", false, 0},
	{"resp_township", "township responsible", false, 0},
	{"resp_township_phone", "  phone", false, 0},
	{"resp_village", "village responsible", false, 0},
	{"resp_village_phone", "  phone", false, 0},
	{"monitor", "monitor", false, 0},	{"monitor_phone", "  phone", false, 0},
	{"monitor_method", "monitoring", false, 0}, {"monitor_freq", "frequency", false, 0},
	{"warning_signal", "warning signal", false, 0}, {"evac_route", "evacuation route", false, 0},
	{"shelter", "shelter", false, 0},	{"evac_cards", "evacuation cards", false, 0},
	{"resp_person", "responsible", false, 0}, {"resp_phone", "  phone", false, 0},
	{"mgr_person", "manager", false, 0},	{"mgr_phone", "  phone", false, 0},
	{"floors", "floors", false, 0},		{"area_m2", "area (m2)", false, 0},
	{"occupancy", "occupancy", false, 0},	{"enterprise", "enterprise", false, 0},
	{"substance", "substance", false, 0},	{"grade", "grade", false, 0},
	{"principal", "principal", false, 0},	{"principal_phone", "  phone", false, 0},
	{"notes", "notes", false, 0}};

static const struct out_col insp_cols[] = {
	{"at", "time", false, 16}, {"kind", "check", false, 0}, {"result", "result", false, 0},
	{"inspector", "inspector", false, 10}, {"note", "note", false, 50}};

static int run_list(struct cli *c)
{
	struct hazard_filter f = {0};
	char town[16];
	long long limit = 0;
	json_t *kind = NULL, *scale = NULL;
	if (cli_opt(c, "kind") && !(kind = cli_value(c, &T_HAZARD, "kind", "kind")))
		return cli_fail(c);
	if (cli_opt(c, "scale") && !(scale = cli_value(c, &T_HAZARD, "scale", "scale"))) {
		json_decref(kind);
		return cli_fail(c);
	}
	f.kind = json_string_value(kind);
	f.scale = json_string_value(scale);
	int rc = 0;
	if (cli_opt(c, "township") && !q_township(c->st, cli_opt(c, "township"), town, &c->err)) {
		err_prefix(&c->err, "--township");
		rc = cli_fail(c);
		goto out;
	}
	f.township_code = cli_opt(c, "township") ? town : NULL;
	if (cli_opt(c, "limit") && !str_to_ll(cli_opt(c, "limit"), 1, 1000000000, &limit)) {
		err_set(&c->err, ERR_USAGE, "--limit: '%s': expected a whole number above 0",
			cli_opt(c, "limit"));
		rc = cli_fail(c);
		goto out;
	}
	f.limit = limit;
	json_t *rows = q_hazard_list(c->st, &f, &c->err);
	if (!rows) {
		rc = cli_fail(c);
		goto out;
	}
	out_table(c, rows, list_cols, ARRAY_LEN(list_cols));
	json_decref(rows);
out:
	json_decref(kind);
	json_decref(scale);
	return rc;
}

static int run_show(struct cli *c)
{
	json_t *r = q_hazard_show(c->st, c->args[0], &c->err);
	if (!r)
		return cli_fail(c);
	if (json_is_null(r)) {
		err_set(&c->err, ERR_FAIL, "hazard '%s': no such hazard", c->args[0]);
		return cli_fail(c);
	}
	out_record(c, r, show_cols, ARRAY_LEN(show_cols));
	if (!c->json && json_array_size(json_object_get(r, "inspections"))) {
		putchar('\n');
		out_table(c, json_object_get(r, "inspections"), insp_cols, ARRAY_LEN(insp_cols));
	}
	json_decref(r);
	return 0;
}

static bool do_add(struct cli *c)
{
	char id[ID_TEXT];
	return hazard_add(c->st, c->fields, id, &c->err);
}

static int run_add(struct cli *c)
{
	int rc = cli_tx(c, do_add);
	if (rc == 0 && !c->json)
		printf("%s\n", json_string_value(json_object_get(c->fields, "code")));
	return rc;
}

static bool do_inspect(struct cli *c)
{
	return hazard_inspect(c->st, c->args[0], c->fields, &c->err);
}

static int run_inspect(struct cli *c)
{
	return cli_tx(c, do_inspect);
}

static const struct cli_opt list_opts[] = {
	{"kind", "KIND", NULL, "geohazard|fire_unit|major_source|flood_point"},
	{"township", "NAME|CODE", NULL, "only this township"},
	{"scale", "SCALE", NULL, "large|medium|small"},
	{"limit", "N", NULL, "at most N"},
	{NULL, NULL, NULL, NULL}};

static const struct cli_opt add_opts[] = {
	{"kind", "KIND", "kind", "geohazard|fire_unit|major_source|flood_point (required)"},
	{"code", "CODE", "code", "the register's unified code (required)"},
	{"name", "TEXT", "name", "name (required)"},
	{"subtype", "TYPE", "subtype", "landslide, collapse, ... (geohazard); middle_school, "
				       "hospital, ... (fire_unit)"},
	{"township", "NAME|CODE", "township_code", "township"},
	{"village", "NAME|CODE", "village_code", "village"},
	{"address", "TEXT", "address", "address"},
	{"lon", "DEG", "lon", "longitude"},
	{"lat", "DEG", "lat", "latitude"},
	{"scale", "SCALE", "scale", "large|medium|small"},
	{"road", "0|1", "road", "a road hazard point"},
	{"county-town", "0|1", "county_town", "in the county town"},
	{"high-risk", "0|1", "high_risk", "in a high-risk zone"},
	{"households", "N", "households", "households threatened"},
	{"people", "N", "people", "people threatened"},
	{"monitor", "NAME", "monitor", "the monitor (群测群防员)"},
	{"monitor-phone", "PHONE", "monitor_phone", "the monitor's phone"},
	{"notes", "TEXT", "notes", "notes"},
	{NULL, NULL, NULL, NULL}};

static const struct cli_opt inspect_opts[] = {
	{"result", "RESULT", "result", "normal|abnormal (required)"},
	{"kind", "CHECK", "kind", "pre_flood|in_flood|post_flood|patrol (default patrol)"},
	{"at", "TIME", "at", "when (default now)"},
	{"inspector", "NAME", "inspector", "who inspected"},
	{"note", "TEXT", "note", "what was seen"},
	{NULL, NULL, NULL, NULL}};

const struct cli_cmd cmds_hazard[] = {
	{"hazard", "list", NULL, 0, 0, "list hazard points, fire units, sources", &T_HAZARD,
	 list_opts, 0, run_list},
	{"hazard", "show", "CODE", 1, 1, "one hazard with its inspections", &T_HAZARD, NULL, 0,
	 run_show},
	{"hazard", "add", NULL, 0, 0, "register a hazard", &T_HAZARD, add_opts, CMD_RECORD, run_add},
	{"hazard", "inspect", "CODE", 1, 1, "record an inspection of a hazard", &T_INSPECTION,
	 inspect_opts, 0, run_inspect},
	{NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, 0, NULL}};
