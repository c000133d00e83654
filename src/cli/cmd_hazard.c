/* dutydesk hazard list|show|add|inspect|households|evacuate|defect|defects|verify|overdue|
 * template|export|import */
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
	{"inspector", "inspector", false, 10}, {"note", "note", false, 40},
	{"photos", "photos", false, 30}};

static const struct out_col defect_cols[] = {
	{"found_at", "found", false, 16}, {"state", "state", false, 0},
	{"due_at", "due", false, 16},	  {"rectified_at", "rectified", false, 16},
	{"text", "defect", false, 36},	  {"note", "note", false, 20},
	{"id", "id", false, 0}};

static const struct out_col defects_cols[] = {
	{"code", "code", false, 0},	  {"unit", "unit", false, 20},
	{"township", "township", false, 8}, {"found_at", "found", false, 16},
	{"due_at", "due", false, 16},	  {"state", "state", false, 0},
	{"text", "defect", false, 30},	  {"id", "id", false, 0}};

static const struct out_col overdue_cols[] = {
	{"code", "code", false, 0},	     {"kind", "kind", false, 0},
	{"township", "township", false, 8},  {"name", "name", false, 24},
	{"last_inspected_at", "last inspected", false, 16},
	{"inspect_every_days", "every (days)", true, 0},
	{"days_overdue", "days overdue", true, 0}, {"monitor", "monitor", false, 8},
	{"monitor_phone", "phone", false, 0}};

/* A time value as shown: "2026-11-28 18:00" (heap). */
static char *when(json_t *r, const char *key)
{
	return out_text(json_object_get(r, key));
}

/* An enumerated option as its id (static), NULL when absent; false on a
 * value not in vals. */
static bool enum_opt(struct cli *c, const char *name, const struct enum_value *vals,
		     const char **out)
{
	const char *text = cli_opt(c, name);
	*out = NULL;
	if (!text)
		return true;
	const struct enum_value *v = enum_find(vals, text);
	if (!v) {
		char ids[256];
		return err_set(&c->err, ERR_USAGE, "--%s: '%s': expected %s", name, text,
			       enum_ids(vals, ids, sizeof ids));
	}
	*out = v->id;
	return true;
}

/* The filter options shared by list and export (town holds the code). */
static bool filter_opts(struct cli *c, struct hazard_filter *f, char town[16])
{
	static const struct enum_value *const subtypes[] = {
		ENUM_GEO_SUBTYPE, ENUM_FIRE_SUBTYPE, ENUM_MAJOR_SUBTYPE, ENUM_FLOOD_SUBTYPE};
	if (!enum_opt(c, "kind", ENUM_HAZARD_KIND, &f->kind) ||
	    !enum_opt(c, "scale", ENUM_SCALE, &f->scale) ||
	    !enum_opt(c, "danger", ENUM_DANGER, &f->danger) ||
	    !enum_opt(c, "status", ENUM_HAZARD_STATUS, &f->status))
		return false;
	const char *type = cli_opt(c, "type");
	for (size_t i = 0; type && !f->subtype && i < ARRAY_LEN(subtypes); i++) {
		const struct enum_value *v = enum_find(subtypes[i], type);
		f->subtype = v ? v->id : NULL;
	}
	if (type && !f->subtype)
		return err_set(&c->err, ERR_USAGE,
			       "--type: '%s': not a hazard type (landslide, collapse, ..., "
			       "middle_school, ..., gas_well, ..., waterlogging, ...)", type);
	if (cli_opt(c, "township")) {
		if (!q_township(c->st, cli_opt(c, "township"), town, &c->err))
			return err_prefix(&c->err, "--township"), false;
		f->township_code = town;
	}
	f->overdue = cli_opt(c, "overdue") != NULL;
	f->in_warning = cli_opt(c, "in-warning") != NULL;
	f->to_verify = cli_opt(c, "to-verify") != NULL;
	return true;
}

static int run_list(struct cli *c)
{
	struct hazard_filter f = {0};
	char town[16];
	long long limit = 0;
	if (!filter_opts(c, &f, town))
		return cli_fail(c);
	if (cli_opt(c, "limit") && !str_to_ll(cli_opt(c, "limit"), 1, 1000000000, &limit)) {
		err_set(&c->err, ERR_USAGE, "--limit: '%s': expected a whole number above 0",
			cli_opt(c, "limit"));
		return cli_fail(c);
	}
	f.limit = limit;
	json_t *rows = q_hazard_list(c->st, &f, &c->err);
	if (!rows)
		return cli_fail(c);
	out_table(c, rows, list_cols, ARRAY_LEN(list_cols));
	json_decref(rows);
	return 0;
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
	if (c->json) {
		json_decref(r);
		return 0;
	}
	const char *code = json_string_value(json_object_get(r, "code"));
	if (json_is_string(json_object_get(r, "danger"))) {
		const struct enum_value *g = enum_find(ENUM_DANGER,
			json_string_value(json_object_get(r, "danger")));
		printf("danger grade: %s %s\n", g->zh, g->en);
	}
	if (json_is_true(json_object_get(r, "to_verify")))
		printf("to verify: imported and not yet checked (then: dutydesk hazard verify %s)\n",
		       code);
	/* The inspection clock: when the next one is due, or how late it is. */
	long long every = json_integer_value(json_object_get(r, "inspect_every_days"));
	char *last = when(r, "last_inspected_at"), *next = when(r, "next_inspection_at");
	if (!*last)
		printf("inspection: never inspected (due every %lld days)%s\n", every,
		       json_is_true(json_object_get(r, "overdue")) ? ": OVERDUE" : "");
	else
		printf("inspection: last %s, next due %s (every %lld days)%s\n", last, next, every,
		       json_is_true(json_object_get(r, "overdue")) ? ": OVERDUE" : "");
	free(last);
	free(next);
	json_t *hh = json_object_get(r, "household_list");
	if (json_array_size(hh)) {
		long long n = 0, nev = 0, p = 0, pev = 0;
		size_t i;
		json_t *h;
		json_array_foreach(hh, i, h) {
			long long m = json_integer_value(json_object_get(h, "members"));
			bool ev = json_is_string(json_object_get(h, "evacuated_at"));
			n++, p += m, nev += ev, pev += ev ? m : 0;
		}
		printf("households on cards: %lld, %lld people; evacuated %lld/%lld households, "
		       "%lld/%lld people (dutydesk hazard households %s)\n", n, p, nev, n, pev, p, code);
	}
	json_t *def = json_object_get(r, "defects");
	if (json_array_size(def)) {
		printf("\ndefects (%lld open)\n",
		       (long long)json_integer_value(json_object_get(r, "open_defects")));
		out_table(c, def, defect_cols, ARRAY_LEN(defect_cols));
	}
	if (json_array_size(json_object_get(r, "inspections"))) {
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

static char incident_number[64];

/* The inspection and, with --incident, the incident in one transaction. */
static bool do_inspect(struct cli *c)
{
	incident_number[0] = '\0';
	bool abnormal = str_eq(json_string_value(json_object_get(c->fields, "result")), "abnormal");
	if (cli_opt(c, "incident") && !abnormal)
		return err_set(&c->err, ERR_USAGE, "--incident: only for an abnormal result");
	if (!hazard_inspect(c->st, c->args[0], c->fields, &c->err))
		return false;
	return !cli_opt(c, "incident") ||
	       hazard_incident(c->st, c->args[0],
			       json_string_value(json_object_get(c->fields, "inspector")),
			       json_string_value(json_object_get(c->fields, "note")),
			       json_integer_value(json_object_get(c->fields, "at")), incident_number,
			       &c->err);
}

/* An abnormal result: who to call at the point, who is at risk, and how
 * to open an incident, on stderr so that scripts see it too. */
static void abnormal_alert(struct cli *c)
{
	json_t *r = q_hazard_show(c->st, c->args[0], NULL);
	if (!r || json_is_null(r)) {
		json_decref(r);
		return;
	}
	const char *code = json_string_value(json_object_get(r, "code"));
	/* Who to call: the monitor (群测群防员), else a unit's responsible person
	 * or a source's principal. */
	static const char *const who[][3] = {{"monitor", "monitor_phone", "monitor"},
					     {"resp_person", "resp_phone", "responsible"},
					     {"principal", "principal_phone", "principal"}};
	const char *person = NULL, *phone = NULL, *role = NULL;
	for (size_t i = 0; !person && i < ARRAY_LEN(who); i++) {
		person = json_string_value(json_object_get(r, who[i][0]));
		phone = json_string_value(json_object_get(r, who[i][1]));
		role = who[i][2];
	}
	const char *town = json_string_value(json_object_get(r, "township"));
	const char *village = json_string_value(json_object_get(r, "village"));
	bool unit = str_eq(json_string_value(json_object_get(r, "kind")), "fire_unit");
	struct strbuf sb;
	sb_init(&sb);
	sb_printf(&sb, "ALERT: abnormal at %s %s", code,
		  json_string_value(json_object_get(r, "name")));
	if (town)
		sb_printf(&sb, " (%s%s%s)", town, village ? " " : "", village ? village : "");
	if (person)
		sb_printf(&sb, ": call %s %s %s", role, person, phone ? phone : "(no phone on record)");
	else
		sb_puts(&sb, ": no monitor or responsible person on record");
	json_t *people = json_object_get(r, unit ? "occupancy" : "people");
	json_t *hh = json_object_get(r, "households");
	bool geo = str_eq(json_string_value(json_object_get(r, "kind")), "geohazard");
	if (json_is_integer(people) && (geo || json_integer_value(people) > 0))
		sb_printf(&sb, "; %lld people %s", (long long)json_integer_value(people),
			  unit ? "on site at most" : "threatened");
	if (!unit && json_integer_value(hh) > 0)
		sb_printf(&sb, " in %lld households", (long long)json_integer_value(hh));
	fputs(sb.buf, stderr);
	sb_finish(&sb);
	fputc('\n', stderr);
	if (incident_number[0])
		fprintf(stderr, "incident %s opened, linked to %s\n", incident_number, code);
	else
		fprintf(stderr, "to open an incident linked to it: dutydesk incident add --hazard %s "
				"--title TEXT --type TYPE (or inspect again with --incident)\n", code);
	json_decref(r);
}

static int run_inspect(struct cli *c)
{
	int rc = cli_tx(c, do_inspect);
	if (rc)
		return rc;
	if (str_eq(json_string_value(json_object_get(c->fields, "result")), "abnormal"))
		abnormal_alert(c);
	if (incident_number[0])
		printf("%s\n", incident_number);
	return 0;
}

static const struct out_col household_cols[] = {
	{"head", "head", false, 8},	     {"address", "address", false, 30},
	{"members", "members", true, 0},     {"phone", "phone", false, 0},
	{"evacuated_at", "evacuated", false, 16}, {"evacuated_by", "by", false, 8},
	{"id", "id", false, 0}};

/* A hazard asked for by code that is not there. */
static int no_hazard(struct cli *c, const char *code)
{
	err_set(&c->err, ERR_FAIL, "hazard '%s': no such hazard", code);
	return cli_fail(c);
}

static int run_households(struct cli *c)
{
	json_t *r = q_hazard_households(c->st, c->args[0], &c->err);
	if (!r)
		return cli_fail(c);
	if (json_is_null(r))
		return no_hazard(c, c->args[0]);
	if (c->json) {
		out_json(r);
	} else {
		printf("%s %s\n\n", json_string_value(json_object_get(r, "code")),
		       json_string_value(json_object_get(r, "name")));
		if (json_array_size(json_object_get(r, "households")))
			out_table(c, json_object_get(r, "households"), household_cols,
				  ARRAY_LEN(household_cols));
		else
			printf("no households on record (none from evacuation cards)\n");
		printf("\nevacuated %lld/%lld households, %lld/%lld people\n",
		       (long long)json_integer_value(json_object_get(r, "evacuated_households")),
		       (long long)json_integer_value(json_object_get(r, "total_households")),
		       (long long)json_integer_value(json_object_get(r, "evacuated_people")),
		       (long long)json_integer_value(json_object_get(r, "total_people")));
	}
	json_decref(r);
	return 0;
}

static int evacuated_count;

/* Every household named, or all of them, in one transaction. */
static bool do_evacuate(struct cli *c)
{
	bool undo = cli_opt(c, "undo") != NULL;
	evacuated_count = 0;
	if (cli_opt(c, "all"))
		return hazard_evacuate_all(c->st, c->args[0], !undo, &evacuated_count, &c->err);
	for (int i = 1; i < c->nargs; i++) {
		bool changed;
		if (!hazard_evacuate(c->st, c->args[0], c->args[i], !undo, &changed, &c->err))
			return false;
		evacuated_count += changed;
	}
	return true;
}

static int run_evacuate(struct cli *c)
{
	if ((c->nargs > 1) == (cli_opt(c, "all") != NULL)) {
		err_set(&c->err, ERR_USAGE, "name the households (head or id) or give --all, not both");
		return cli_fail(c);
	}
	int rc = cli_tx(c, do_evacuate);
	if (rc)
		return rc;
	json_t *r = q_hazard_households(c->st, c->args[0], &c->err);
	if (!r)
		return cli_fail(c);
	if (c->json) {
		json_object_set_new(r, "changed", json_integer(evacuated_count));
		out_json(r);
	} else {
		printf("%d households %s; evacuated %lld/%lld households, %lld/%lld people\n",
		       evacuated_count, cli_opt(c, "undo") ? "unticked" : "ticked",
		       (long long)json_integer_value(json_object_get(r, "evacuated_households")),
		       (long long)json_integer_value(json_object_get(r, "total_households")),
		       (long long)json_integer_value(json_object_get(r, "evacuated_people")),
		       (long long)json_integer_value(json_object_get(r, "total_people")));
	}
	json_decref(r);
	return 0;
}

/* hazard defect add CODE | hazard defect set ID: the options of one are
 * refused for the other. */
static char defect_id[ID_TEXT];
static bool defect_changed;

static bool do_defect(struct cli *c)
{
	const char *sub = c->args[0];
	if (str_eq(sub, "add")) {
		json_t *f = json_object();
		static const struct {
			const char *opt, *col;
		} m[] = {{"text", "text"}, {"due", "due_at"}, {"found", "found_at"}, {"note", "note"}};
		bool ok = true;
		for (size_t i = 0; ok && i < ARRAY_LEN(m); i++) {
			if (!cli_opt(c, m[i].opt))
				continue;
			json_t *v = cli_value(c, &T_DEFECT, m[i].col, m[i].opt);
			ok = v != NULL;
			if (v)
				json_object_set_new(f, m[i].col, v);
		}
		ok = ok && defect_add(c->st, c->args[1], f, defect_id, &c->err);
		json_decref(f);
		return ok;
	}
	return defect_set(c->st, c->args[1], cli_opt(c, "state"), cli_opt(c, "note"),
			  &defect_changed, &c->err);
}

static int run_defect(struct cli *c)
{
	const char *sub = c->args[0];
	bool add = str_eq(sub, "add");
	if (!add && !str_eq(sub, "set"))
		err_set(&c->err, ERR_USAGE, "'%s': expected add CODE or set ID", sub);
	else if (add && !cli_opt(c, "text"))
		err_set(&c->err, ERR_USAGE, "defect add: --text is required");
	else if (add && cli_opt(c, "state"))
		err_set(&c->err, ERR_USAGE, "defect add: a new defect is open (--state is for set)");
	else if (!add && !cli_opt(c, "state"))
		err_set(&c->err, ERR_USAGE, "defect set: --state is required");
	else if (!add && (cli_opt(c, "text") || cli_opt(c, "due") || cli_opt(c, "found")))
		err_set(&c->err, ERR_USAGE, "defect set: only --state and --note");
	if (c->err.code)
		return cli_fail(c);
	int rc = cli_tx(c, do_defect);
	if (rc)
		return rc;
	if (c->json) {
		json_t *o = add ? json_pack("{s:s}", "id", defect_id)
				: json_pack("{s:b}", "changed", defect_changed);
		out_json(o);
		json_decref(o);
	} else if (add)
		printf("%s\n", defect_id);
	else if (!defect_changed)
		printf("unchanged\n");
	return 0;
}

static int run_defects(struct cli *c)
{
	struct defect_filter f = {.open_only = cli_opt(c, "open") != NULL,
				  .overdue = cli_opt(c, "overdue") != NULL};
	char town[16];
	if (cli_opt(c, "township")) {
		if (!q_township(c->st, cli_opt(c, "township"), town, &c->err))
			return err_prefix(&c->err, "--township"), cli_fail(c);
		f.township_code = town;
	}
	json_t *rows = q_defects(c->st, &f, &c->err);
	if (!rows)
		return cli_fail(c);
	if (!c->json && !json_array_size(rows))
		printf("no defects%s\n", f.open_only || f.overdue ? " of that kind" : "");
	else
		out_table(c, rows, defects_cols, ARRAY_LEN(defects_cols));
	json_decref(rows);
	return 0;
}

static int verified;

static bool do_verify(struct cli *c)
{
	verified = 0;
	for (int i = 0; i < c->nargs; i++) {
		bool changed;
		if (!hazard_verify(c->st, c->args[i], &changed, &c->err))
			return false;
		verified += changed;
	}
	return true;
}

static int run_verify(struct cli *c)
{
	int rc = cli_tx(c, do_verify);
	if (rc == 0 && !c->json)
		printf("%d verified, %d already were\n", verified, c->nargs - verified);
	if (rc == 0 && c->json) {
		json_t *o = json_pack("{s:i, s:i}", "verified", verified, "already",
				      c->nargs - verified);
		out_json(o);
		json_decref(o);
	}
	return rc;
}

static int run_overdue(struct cli *c)
{
	struct hazard_filter f = {0};
	char town[16];
	if (!filter_opts(c, &f, town))
		return cli_fail(c);
	json_t *rows = q_hazard_overdue(c->st, &f, &c->err);
	if (!rows)
		return cli_fail(c);
	if (c->json) {
		out_json(rows);
	} else if (!json_array_size(rows)) {
		printf("no inspection overdue\n");
	} else {
		size_t i;
		json_t *r;
		json_array_foreach(rows, i, r)
			if (json_is_null(json_object_get(r, "last_inspected_at")))
				json_object_set_new(r, "last_inspected_at", json_string("never"));
		out_table(c, rows, overdue_cols, ARRAY_LEN(overdue_cols));
		printf("\n%zu overdue\n", json_array_size(rows));
	}
	json_decref(rows);
	return 0;
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
	struct hazard_filter f = {0};
	char town[16];
	if (!kind_opt(c) || !filter_opts(c, &f, town))
		return cli_fail(c);
	json_t *rows = q_hazards_full(c->st, &f, &c->err);
	if (!rows)
		return cli_fail(c);
	return out_export(c, rows, kind_cols(f.kind), cli_opt(c, "zh") ? header_chinese : NULL);
}

/* The whole sheet in one transaction: every row checked and every bad one
 * reported; nothing kept unless all are good (or --skip-bad). */
static int run_import(struct cli *c)
{
	const char *kind = kind_opt(c);
	if (!kind)
		return cli_fail(c);
	struct import_opts o = {.encoding = cli_opt(c, "encoding"),
				.skip_bad = cli_opt(c, "skip-bad") != NULL,
				.to_verify = cli_opt(c, "to-verify") != NULL};
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

/* What list and export select by (the console's filters). */
#define FILTER_OPTS \
	{"township", "NAME|CODE", NULL, "only this township"}, \
	{"type", "TYPE", NULL, "landslide, collapse, ...; middle_school, ...; gas_well, ..."}, \
	{"scale", "SCALE", NULL, "large|medium|small"}, \
	{"danger", "GRADE", NULL, \
	 "huge (1000+ people)|large (500-999)|medium (100-499)|small (under 100)"}, \
	{"status", "STATUS", NULL, "registered|mitigated|relocated|written_off"}, \
	{"overdue", NULL, NULL, "only those whose inspection is overdue"}, \
	{"in-warning", NULL, NULL, "only points inside a warning in force"}, \
	{"to-verify", NULL, NULL, "only imported rows not yet verified"},

static const struct cli_opt template_opts[] = {
	{"kind", "KIND", NULL, "geohazard, fire_unit, major_source or flood_point (required)"},
	{"english", NULL, NULL, "English header names (default: Chinese)"},
	{NULL, NULL, NULL, NULL}};
static const struct cli_opt export_opts[] = {
	{"kind", "KIND", NULL, "geohazard, fire_unit, major_source or flood_point (required)"},
	FILTER_OPTS
	{"format", "FMT", NULL, "csv (default; import reads it back) or json"},
	{"zh", NULL, NULL, "Chinese header names"},
	{NULL, NULL, NULL, NULL}};
static const struct cli_opt import_opts[] = {
	{"kind", "KIND", NULL, "geohazard, fire_unit, major_source or flood_point (required)"},
	{"encoding", "ENC", NULL, "utf-8, gbk or gb18030 (default: UTF-8 if it is, else GB18030)"},
	{"dry-run", NULL, NULL, "check every row and report; write nothing"},
	{"skip-bad", NULL, NULL, "import the good rows and report the bad ones"},
	{"to-verify", NULL, NULL, "mark new and changed rows to verify (hazard verify clears)"},
	{NULL, NULL, NULL, NULL}};

static const struct cli_opt list_opts[] = {
	{"kind", "KIND", NULL, "geohazard|fire_unit|major_source|flood_point"},
	FILTER_OPTS
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
	{"photos", "REF[,REF...]", "photos", "photos by reference (file names, archive numbers)"},
	{"incident", NULL, NULL, "abnormal: also open an incident linked to the point"},
	{NULL, NULL, NULL, NULL}};

static const struct cli_opt defect_opts[] = {
	{"text", "TEXT", NULL, "add: what is wrong (required)"},
	{"due", "DATE", NULL, "add: to be rectified by"},
	{"found", "DATE", NULL, "add: when it was found (default now)"},
	{"state", "STATE", NULL, "set: open|rectifying|rectified (rectified stamps the time)"},
	{"note", "TEXT", NULL, "a note (set: replaces the note; \"\" clears it)"},
	{NULL, NULL, NULL, NULL}};
static const struct cli_opt defects_opts[] = {
	{"open", NULL, NULL, "only those not yet rectified"},
	{"township", "NAME|CODE", NULL, "only this township's units"},
	{"overdue", NULL, NULL, "only those past their due date and not rectified"},
	{NULL, NULL, NULL, NULL}};
static const struct cli_opt overdue_opts[] = {
	{"kind", "KIND", NULL, "geohazard|fire_unit|major_source|flood_point"},
	FILTER_OPTS
	{NULL, NULL, NULL, NULL}};

static const struct cli_opt evacuate_opts[] = {
	{"all", NULL, NULL, "every household of the point"},
	{"undo", NULL, NULL, "clear the ticks instead (ticked by mistake)"},
	{NULL, NULL, NULL, NULL}};

const struct cli_cmd cmds_hazard[] = {
	{"hazard", "list", NULL, 0, 0, "list hazard points, fire units, sources", &T_HAZARD,
	 list_opts, 0, run_list},
	{"hazard", "show", "CODE", 1, 1, "one hazard with its inspections", &T_HAZARD, NULL, 0,
	 run_show},
	{"hazard", "add", NULL, 0, 0, "register a hazard", &T_HAZARD, add_opts, CMD_RECORD, run_add},
	{"hazard", "inspect", "CODE", 1, 1, "record an inspection of a hazard", &T_INSPECTION,
	 inspect_opts, 0, run_inspect},
	{"hazard", "households", "CODE", 1, 1,
	 "a point's threatened households and how many are evacuated", NULL, NULL, 0,
	 run_households},
	{"hazard", "evacuate", "CODE [HEAD|ID ...]", 1, 1000,
	 "tick households of a point as evacuated (--all; --undo clears)", NULL, evacuate_opts, 0,
	 run_evacuate},
	{"hazard", "defect", "add CODE | set ID", 2, 2,
	 "record a fire unit's defect, or move one to rectifying or rectified", NULL, defect_opts,
	 0, run_defect},
	{"hazard", "defects", NULL, 0, 0, "fire units' defects, open ones first", NULL,
	 defects_opts, 0, run_defects},
	{"hazard", "verify", "CODE...", 1, 10000, "clear the \"to verify\" mark of imported rows",
	 NULL, NULL, 0, run_verify},
	{"hazard", "overdue", NULL, 0, 0, "overdue inspections, most overdue first", NULL,
	 overdue_opts, 0, run_overdue},
	{"hazard", "template", NULL, 0, 0, "an empty register sheet (CSV header) for a kind", NULL,
	 template_opts, CMD_NODB, run_template},
	{"hazard", "export", NULL, 0, 0, "a kind's register as CSV or JSON", NULL, export_opts, 0,
	 run_export},
	{"hazard", "import", "FILE", 1, 1,
	 "import a register sheet (UTF-8 or GBK; Chinese or English headers); a code already "
	 "there is updated", NULL, import_opts, 0, run_import},
	{NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, 0, NULL}};
