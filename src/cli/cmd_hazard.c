/* dutydesk hazard list|show|add|inspect */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* The columns of each kind's register, in the order a sheet has them. */
static const char *const geo_cols[] = {"code", "name", "subtype", "township", "village", "grp",
	"lon", "lat", "scale", "volume_m3", "stability", "triggers", "road", "county_town",
	"high_risk", "households", "people", "property_10k", "resp_township", "resp_township_phone",
	"resp_village", "resp_village_phone", "monitor", "monitor_phone", "monitor_method",
	"monitor_freq", "warning_signal", "evac_route", "shelter", "hazard_card", "evac_cards",
	"status", NULL};
static const char *const fire_cols[] = {"code", "name", "subtype", "township", "village",
	"address", "resp_person", "resp_phone", "mgr_person", "mgr_phone", "floors", "area_m2",
	"occupancy", "lon", "lat", "status", NULL};
static const char *const major_cols[] = {"code", "name", "subtype", "township", "village",
	"enterprise", "substance", "grade", "principal", "principal_phone", "technical",
	"technical_phone", "operational", "operational_phone", "lon", "lat", "status", NULL};
static const char *const flood_cols[] = {"code", "name", "subtype", "township", "village",
	"address", "monitor", "monitor_phone", "lon", "lat", "status", NULL};

static const char *const *kind_cols(const char *kind)
{
	return str_eq(kind, "fire_unit") ? fire_cols : str_eq(kind, "major_source") ? major_cols
	       : str_eq(kind, "flood_point") ? flood_cols : geo_cols;
}

/* --kind, required, as its id. */
static const char *kind_opt(struct cli *c)
{
	const struct enum_value *v = enum_find(ENUM_HAZARD_KIND, cli_opt(c, "kind"));
	if (!v)
		err_set(&c->err, ERR_USAGE,
			"--kind: '%s': expected geohazard, fire_unit, major_source or flood_point",
			cli_opt(c, "kind") ? cli_opt(c, "kind") : "");
	return v ? v->id : NULL;
}

static int run_template(struct cli *c)
{
	const char *kind = kind_opt(c);
	if (!kind)
		return cli_fail(c);
	json_t *none = json_array();
	out_csv(none, kind_cols(kind), cli_opt(c, "english") ? NULL : header_chinese);
	json_decref(none);
	return 0;
}

static int run_export(struct cli *c)
{
	const char *kind = kind_opt(c);
	char town[16];
	if (!kind)
		return cli_fail(c);
	if (cli_opt(c, "township") && !q_township(c->st, cli_opt(c, "township"), town, &c->err))
		return err_prefix(&c->err, "--township"), cli_fail(c);
	json_t *rows = q_hazards_full(c->st, kind, cli_opt(c, "township") ? town : NULL, &c->err);
	if (!rows)
		return cli_fail(c);
	return out_export(c, rows, kind_cols(kind), cli_opt(c, "zh") ? header_chinese : NULL);
}

/* The whole sheet in one transaction: every row checked and every bad one
 * reported; nothing kept unless all are good (or --skip-bad). */
static int run_import(struct cli *c)
{
	const char *kind = kind_opt(c);
	if (!kind)
		return cli_fail(c);
	struct import_opts o = {.encoding = cli_opt(c, "encoding"),
				.skip_bad = cli_opt(c, "skip-bad") != NULL};
	struct import_result r = {0};
	json_t *fixed = json_pack("{s:s}", "kind", kind);
	bool dry = cli_opt(c, "dry-run") != NULL;
	bool ok = store_begin(c->st, &c->err) &&
		  import_file(c->st, &T_HAZARD, c->args[0], fixed, &o, &r, &c->err);
	json_decref(fixed);
	size_t i, bad = json_array_size(r.errors);
	json_t *m;
	json_array_foreach(r.errors, i, m)
		cli_say("%s%s\n", o.skip_bad ? "skipped: " : "", json_string_value(m));
	json_decref(r.errors);
	if (!ok || dry) {
		store_rollback(c->st);
		if (!ok)
			return cli_fail(c);
		printf("%d rows good: %d new, %d changed%s (dry run: nothing written)\n", r.rows,
		       r.inserted, r.updated, bad ? ", some skipped" : "");
		return 0;
	}
	if (!store_commit(c->st, &c->err))
		return cli_fail(c);
	printf("%d rows imported: %d new, %d changed, %d unchanged", r.rows, r.inserted, r.updated,
	       r.rows - r.inserted - r.updated);
	if (bad)
		printf("; %zu bad rows skipped", bad);
	putchar('\n');
	return 0;
}

static const struct cli_opt template_opts[] = {
	{"kind", "KIND", NULL, "geohazard, fire_unit, major_source or flood_point (required)"},
	{"english", NULL, NULL, "English header names (default: Chinese)"},
	{NULL, NULL, NULL, NULL}};
static const struct cli_opt export_opts[] = {
	{"kind", "KIND", NULL, "geohazard, fire_unit, major_source or flood_point (required)"},
	{"township", "NAME|CODE", NULL, "only this township"},
	{"format", "FMT", NULL, "csv (default; import reads it back) or json"},
	{"zh", NULL, NULL, "Chinese header names"},
	{NULL, NULL, NULL, NULL}};
static const struct cli_opt import_opts[] = {
	{"kind", "KIND", NULL, "geohazard, fire_unit, major_source or flood_point (required)"},
	{"encoding", "ENC", NULL, "utf-8, gbk or gb18030 (default: UTF-8 if it is, else GB18030)"},
	{"dry-run", NULL, NULL, "check every row and report; write nothing"},
	{"skip-bad", NULL, NULL, "import the good rows and report the bad ones"},
	{NULL, NULL, NULL, NULL}};

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
	{"hazard", "template", NULL, 0, 0, "an empty register sheet (CSV header) for a kind", NULL,
	 template_opts, CMD_NODB, run_template},
	{"hazard", "export", NULL, 0, 0, "a kind's register as CSV or JSON", NULL, export_opts, 0,
	 run_export},
	{"hazard", "import", "FILE", 1, 1,
	 "import a register sheet (UTF-8 or GBK; Chinese or English headers); a code already "
	 "there is updated", NULL, import_opts, 0, run_import},
	{NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, 0, NULL}};
