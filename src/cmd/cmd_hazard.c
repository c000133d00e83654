/* dutydesk hazard list|show|add|inspect|households|evacuate|defect|defects|verify|overdue|
 * template|export|import */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dutydesk/i18n.h"
#include "cmd_impl.h"

static const struct out_col list_cols[] = {
	{"code"}, {"kind"}, {"subtype", N_("type")}, {"scale"}, {"township", .max = 8},
	{"village", .max = 10}, {"people", .right = true}, {"monitor", .max = 8},
	{"name", .max = 30},
};

static const struct out_col show_cols[] = {
	{"code"}, {"name"}, {"kind"}, {"subtype", N_("type")}, {"status"}, {"township"}, {"village"},
	{"grp", N_("group")}, {"address"}, {"lon"}, {"lat"}, {"scale"}, {"volume_m3", N_("volume (m3)")},
	{"stability"}, {"triggers"}, {"road", N_("road point")}, {"county_town", N_("county town")},
	{"high_risk", N_("high risk")}, {"households"}, {"people"},
	{"property_10k", N_("property (10k yuan)")}, {"resp_township", N_("township responsible")},
	{"resp_township_phone", N_("  phone")}, {"resp_village", N_("village responsible")},
	{"resp_village_phone", N_("  phone")}, {"monitor"}, {"monitor_phone", N_("  phone")},
	{"monitor_method", N_("monitoring")}, {"monitor_freq", N_("frequency")},
	{"warning_signal", N_("warning signal")}, {"evac_route", N_("evacuation route")}, {"shelter"},
	{"evac_cards", N_("evacuation cards")}, {"resp_person", N_("responsible")},
	{"resp_phone", N_("  phone")}, {"mgr_person", N_("manager")}, {"mgr_phone", N_("  phone")}, {"floors"},
	{"area_m2", N_("area (m2)")}, {"occupancy"}, {"enterprise"}, {"substance"}, {"grade"},
	{"principal"}, {"principal_phone", N_("  phone")}, {"notes"},
};

static const struct out_col insp_cols[] = {
	{"at", N_("time"), .max = 16}, {"kind", N_("check")}, {"result"}, {"inspector", .max = 10},
	{"note", .max = 40}, {"photos", .max = 30},
};

static const struct out_col defect_cols[] = {
	{"found_at", N_("found"), .max = 16}, {"state"}, {"due_at", N_("due"), .max = 16},
	{"rectified_at", N_("rectified"), .max = 16}, {"text", N_("defect"), .max = 36},
	{"note", .max = 20}, {"id"},
};

static const struct out_col defects_cols[] = {
	{"code"}, {"unit", .max = 20}, {"township", .max = 8}, {"found_at", N_("found"), .max = 16},
	{"due_at", N_("due"), .max = 16}, {"state"}, {"text", N_("defect"), .max = 30}, {"id"},
};

static const struct out_col overdue_cols[] = {
	{"code"}, {"kind"}, {"township", .max = 8}, {"name", .max = 24},
	{"last_inspected_at", N_("last inspected"), .max = 16},
	{"inspect_every_days", N_("every (days)"), .right = true},
	{"days_overdue", N_("days overdue"), .right = true}, {"monitor", .max = 8},
	{"monitor_phone", "phone"},
};

/* A time value as shown: "2026-11-28 18:00" (heap). */
static char *when(json_t *r, const char *key)
{
	return out_text(json_object_get(r, key));
}

/* An enumerated option as its id (static), NULL when absent; false on a
 * value not in vals. */
static bool enum_opt(struct cmd_ctx *c, const char *name, const struct enum_value *vals,
		     const char **out)
{
	const char *text = cmd_opt(c, name);
	*out = NULL;
	if (!text)
		return true;
	const struct enum_value *v = enum_find(vals, text);
	if (!v) {
		char ids[256];
		return err_set(&c->err, ERR_USAGE, _("--%s: '%s': expected %s"), name, text,
			       enum_ids(vals, ids, sizeof ids));
	}
	*out = v->id;
	return true;
}

/* The filter options shared by list and export (town holds the code). */
static bool filter_opts(struct cmd_ctx *c, struct hazard_filter *f, char town[16])
{
	static const struct enum_value *const subtypes[] = {
		ENUM_GEO_SUBTYPE, ENUM_FIRE_SUBTYPE, ENUM_MAJOR_SUBTYPE, ENUM_FLOOD_SUBTYPE};
	if (!enum_opt(c, "kind", ENUM_HAZARD_KIND, &f->kind) ||
	    !enum_opt(c, "scale", ENUM_SCALE, &f->scale) ||
	    !enum_opt(c, "danger", ENUM_DANGER, &f->danger) ||
	    !enum_opt(c, "status", ENUM_HAZARD_STATUS, &f->status))
		return false;
	const char *type = cmd_opt(c, "type");
	for (size_t i = 0; type && !f->subtype && i < ARRAY_LEN(subtypes); i++) {
		const struct enum_value *v = enum_find(subtypes[i], type);
		f->subtype = v ? v->id : NULL;
	}
	if (type && !f->subtype)
		return err_set(&c->err, ERR_USAGE,
			       _("--type: '%s': not a hazard type (landslide, collapse, ..., "
			       "middle_school, ..., gas_well, ..., waterlogging, ...)"), type);
	if (!cmd_township(c, town, &f->township_code))
		return false;
	f->overdue = cmd_opt(c, "overdue") != NULL;
	f->in_warning = cmd_opt(c, "in-warning") != NULL;
	f->to_verify = cmd_opt(c, "to-verify") != NULL;
	return true;
}

static bool exec_list(struct cmd_ctx *c)
{
	struct hazard_filter f = {0};
	char town[16];
	long long limit = 0;
	if (!filter_opts(c, &f, town) || !cmd_limit(c, &limit))
		return false;
	f.limit = limit;
	return out_rows(c, q_hazard_list(c->st, &f, &c->err), list_cols, ARRAY_LEN(list_cols));
}

static bool exec_show(struct cmd_ctx *c)
{
	json_t *r = q_hazard_show(c->st, c->args[0], &c->err);
	if (!record_found(r, "hazard", c->args[0], &c->err))
		return false;
	out_record(c, r, show_cols, ARRAY_LEN(show_cols));
	if (c->json) {
		json_decref(r);
		return true;
	}
	const char *code = json_string_value(json_object_get(r, "code"));
	if (json_is_string(json_object_get(r, "danger"))) {
		const struct enum_value *g = enum_find(ENUM_DANGER,
			json_string_value(json_object_get(r, "danger")));
		fprintf(c->out, _("danger grade: %s %s\n"), g->zh, g->en);
	}
	if (json_is_true(json_object_get(r, "to_verify")))
		fprintf(c->out, _("to verify: imported and not yet checked (then: dutydesk hazard verify %s)\n"),
		       code);
	/* The inspection clock: when the next one is due, or how late it is. */
	long long every = json_integer_value(json_object_get(r, "inspect_every_days"));
	char *last = when(r, "last_inspected_at"), *next = when(r, "next_inspection_at");
	if (!*last)
		fprintf(c->out, _("inspection: never inspected (due every %lld days)%s\n"), every,
		       json_is_true(json_object_get(r, "overdue")) ? ": OVERDUE" : "");
	else
		fprintf(c->out, _("inspection: last %s, next due %s (every %lld days)%s\n"), last, next, every,
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
		fprintf(c->out, _("households on cards: %lld, %lld people; evacuated %lld/%lld households, "
		       "%lld/%lld people (dutydesk hazard households %s)\n"), n, p, nev, n, pev, p, code);
	}
	json_t *def = json_object_get(r, "defects");
	if (json_array_size(def)) {
		fprintf(c->out, _("\ndefects (%lld open)\n"),
		       (long long)json_integer_value(json_object_get(r, "open_defects")));
		out_table(c, def, defect_cols, ARRAY_LEN(defect_cols));
	}
	if (json_array_size(json_object_get(r, "inspections"))) {
		fputc('\n', c->out);
		out_table(c, json_object_get(r, "inspections"), insp_cols, ARRAY_LEN(insp_cols));
	}
	json_decref(r);
	return true;
}

static bool exec_add(struct cmd_ctx *c)
{
	char id[ID_TEXT];
	if (!hazard_add(c->st, c->fields, id, &c->err))
		return false;
	if (!c->json)
		fprintf(c->out, "%s\n", json_string_value(json_object_get(c->fields, "code")));
	return true;
}

/* The inspection and, with --incident, the incident (its number in
 * number, "" when none) in one transaction. */
static bool inspect(struct cmd_ctx *c, char number[64])
{
	number[0] = '\0';
	bool abnormal = str_eq(json_string_value(json_object_get(c->fields, "result")), "abnormal");
	if (cmd_opt(c, "incident") && !abnormal)
		return err_set(&c->err, ERR_USAGE, _("--incident: only for an abnormal result"));
	if (!hazard_inspect(c->st, c->args[0], c->fields, &c->err))
		return false;
	return !cmd_opt(c, "incident") ||
	       hazard_incident(c->st, c->args[0],
			       json_string_value(json_object_get(c->fields, "inspector")),
			       json_string_value(json_object_get(c->fields, "note")),
			       json_integer_value(json_object_get(c->fields, "at")), number,
			       &c->err);
}

/* An abnormal result: who to call at the point, who is at risk, and how
 * to open an incident, as messages (the CLI's stderr, so that scripts see
 * it too). */
static void abnormal_alert(struct cmd_ctx *c, const char *number)
{
	json_t *r = q_hazard_show(c->st, c->args[0], NULL);
	if (!r || json_is_null(r)) {
		json_decref(r);
		return;
	}
	const char *code = json_string_value(json_object_get(r, "code"));
	/* Who to call: the monitor (群测群防员), else a unit's responsible person
	 * or a source's principal. */
	static const char *const who[][3] = {{"monitor", "monitor_phone", N_("monitor")},
					     {"resp_person", "resp_phone", N_("responsible")},
					     {"principal", "principal_phone", N_("principal")}};
	const char *person = NULL, *phone = NULL, *role = NULL;
	for (size_t i = 0; !person && i < ARRAY_LEN(who); i++) {
		person = json_string_value(json_object_get(r, who[i][0]));
		phone = json_string_value(json_object_get(r, who[i][1]));
		role = _(who[i][2]);
	}
	const char *town = json_string_value(json_object_get(r, "township"));
	const char *village = json_string_value(json_object_get(r, "village"));
	bool unit = str_eq(json_string_value(json_object_get(r, "kind")), "fire_unit");
	struct strbuf sb;
	sb_init(&sb);
	sb_printf(&sb, _("ALERT: abnormal at %s %s"), code,
		  json_string_value(json_object_get(r, "name")));
	if (town)
		sb_printf(&sb, " (%s%s%s)", town, village ? " " : "", village ? village : "");
	if (person)
		sb_printf(&sb, _(": call %s %s %s"), role, person, phone ? phone : _("(no phone on record)"));
	else
		sb_puts(&sb, _(": no monitor or responsible person on record"));
	json_t *people = json_object_get(r, unit ? "occupancy" : "people");
	json_t *hh = json_object_get(r, "households");
	bool geo = str_eq(json_string_value(json_object_get(r, "kind")), "geohazard");
	if (json_is_integer(people) && (geo || json_integer_value(people) > 0))
		sb_printf(&sb, _("; %lld people %s"), (long long)json_integer_value(people),
			  unit ? _("on site at most") : _("threatened"));
	if (!unit && json_integer_value(hh) > 0)
		sb_printf(&sb, _(" in %lld households"), (long long)json_integer_value(hh));
	cmd_say(c, "%s", sb.buf);
	sb_finish(&sb);
	cmd_say(c, "\n");
	if (number[0])
		cmd_say(c, _("incident %s opened, linked to %s\n"), number, code);
	else
		cmd_say(c, _("to open an incident linked to it: dutydesk incident add --hazard %s "
				"--title TEXT --type TYPE (or inspect again with --incident)\n"), code);
	json_decref(r);
}

static bool exec_inspect(struct cmd_ctx *c)
{
	char number[64];
	if (!inspect(c, number))
		return false;
	if (str_eq(json_string_value(json_object_get(c->fields, "result")), "abnormal"))
		abnormal_alert(c, number);
	if (number[0])
		fprintf(c->out, "%s\n", number);
	return true;
}

static const struct out_col household_cols[] = {
	{"head", .max = 8}, {"address", .max = 30}, {"members", .right = true}, {"phone"},
	{"evacuated_at", N_("evacuated"), .max = 16}, {"evacuated_by", N_("by"), .max = 8}, {"id"},
};

static bool exec_households(struct cmd_ctx *c)
{
	json_t *r = q_hazard_households(c->st, c->args[0], &c->err);
	if (!record_found(r, "hazard", c->args[0], &c->err))
		return false;
	if (c->json) {
		out_json(c, r);
	} else {
		fprintf(c->out, "%s %s\n\n", json_string_value(json_object_get(r, "code")),
		       json_string_value(json_object_get(r, "name")));
		if (json_array_size(json_object_get(r, "households")))
			out_table(c, json_object_get(r, "households"), household_cols,
				  ARRAY_LEN(household_cols));
		else
			fprintf(c->out, _("no households on record (none from evacuation cards)\n"));
		fprintf(c->out, _("\nevacuated %lld/%lld households, %lld/%lld people\n"),
		       (long long)json_integer_value(json_object_get(r, "evacuated_households")),
		       (long long)json_integer_value(json_object_get(r, "total_households")),
		       (long long)json_integer_value(json_object_get(r, "evacuated_people")),
		       (long long)json_integer_value(json_object_get(r, "total_people")));
	}
	json_decref(r);
	return true;
}

/* Every household named, or all of them, in one transaction; *n gets how
 * many changed. */
static bool evacuate(struct cmd_ctx *c, int *n)
{
	bool undo = cmd_opt(c, "undo") != NULL;
	*n = 0;
	if (cmd_opt(c, "all"))
		return hazard_evacuate_all(c->st, c->args[0], !undo, n, &c->err);
	for (int i = 1; i < c->nargs; i++) {
		bool changed;
		if (!hazard_evacuate(c->st, c->args[0], c->args[i], !undo, &changed, &c->err))
			return false;
		*n += changed;
	}
	return true;
}

static bool check_evacuate(struct cmd_ctx *c)
{
	if ((c->nargs > 1) == (cmd_opt(c, "all") != NULL))
		return err_set(&c->err, ERR_USAGE,
			       _("name the households (head or id) or give --all, not both"));
	return true;
}

static bool exec_evacuate(struct cmd_ctx *c)
{
	int evacuated_count;
	if (!evacuate(c, &evacuated_count))
		return false;
	json_t *r = q_hazard_households(c->st, c->args[0], &c->err);
	if (!r)
		return false;
	if (c->json) {
		json_object_set_new(r, "changed", json_integer(evacuated_count));
		out_json(c, r);
	} else {
		fprintf(c->out, _("%d households %s; evacuated %lld/%lld households, %lld/%lld people\n"),
		       evacuated_count, cmd_opt(c, "undo") ? "unticked" : "ticked",
		       (long long)json_integer_value(json_object_get(r, "evacuated_households")),
		       (long long)json_integer_value(json_object_get(r, "total_households")),
		       (long long)json_integer_value(json_object_get(r, "evacuated_people")),
		       (long long)json_integer_value(json_object_get(r, "total_people")));
	}
	json_decref(r);
	return true;
}

/* hazard defect add CODE | hazard defect set ID: the options of one are
 * refused for the other. */
static bool check_defect(struct cmd_ctx *c)
{
	const char *sub = c->args[0];
	bool add = str_eq(sub, "add");
	if (!add && !str_eq(sub, "set"))
		return err_set(&c->err, ERR_USAGE, _("'%s': expected add CODE or set ID"), sub);
	if (add && !cmd_opt(c, "text"))
		return err_set(&c->err, ERR_USAGE, _("defect add: --text is required"));
	if (add && cmd_opt(c, "state"))
		return err_set(&c->err, ERR_USAGE,
			       _("defect add: a new defect is open (--state is for set)"));
	if (!add && !cmd_opt(c, "state"))
		return err_set(&c->err, ERR_USAGE, _("defect set: --state is required"));
	if (!add && (cmd_opt(c, "text") || cmd_opt(c, "due") || cmd_opt(c, "found")))
		return err_set(&c->err, ERR_USAGE, _("defect set: only --state and --note"));
	return true;
}

/* add: *id gets the new defect's id; set: *changed whether it changed. */
static bool defect(struct cmd_ctx *c, char id[ID_TEXT], bool *changed)
{
	const char *sub = c->args[0];
	if (str_eq(sub, "add")) {
		json_t *f = json_object();
		static const struct {
			const char *opt, *col;
		} m[] = {{"text", "text"}, {"due", "due_at"}, {"found", "found_at"}, {"note", "note"}};
		bool ok = true;
		for (size_t i = 0; ok && i < ARRAY_LEN(m); i++) {
			if (!cmd_opt(c, m[i].opt))
				continue;
			json_t *v = cmd_value(c, &T_DEFECT, m[i].col, m[i].opt);
			ok = v != NULL;
			if (v)
				json_object_set_new(f, m[i].col, v);
		}
		ok = ok && defect_add(c->st, c->args[1], f, id, &c->err);
		json_decref(f);
		return ok;
	}
	return defect_set(c->st, c->args[1], cmd_opt(c, "state"), cmd_opt(c, "note"), changed,
			  &c->err);
}

static bool exec_defect(struct cmd_ctx *c)
{
	bool add = str_eq(c->args[0], "add"), defect_changed = false;
	char defect_id[ID_TEXT] = "";
	if (!defect(c, defect_id, &defect_changed))
		return false;
	if (c->json) {
		json_t *o = add ? json_pack("{s:s}", "id", defect_id)
				: json_pack("{s:b}", "changed", defect_changed);
		out_json_new(c, o);
	} else if (add)
		fprintf(c->out, "%s\n", defect_id);
	else if (!defect_changed)
		fprintf(c->out, _("unchanged\n"));
	return true;
}

static bool exec_defects(struct cmd_ctx *c)
{
	struct defect_filter f = {.open_only = cmd_opt(c, "open") != NULL,
				  .overdue = cmd_opt(c, "overdue") != NULL};
	char town[16];
	if (!cmd_township(c, town, &f.township_code))
		return false;
	json_t *rows = q_defects(c->st, &f, &c->err);
	if (!rows)
		return false;
	if (!c->json && !json_array_size(rows))
		fprintf(c->out, _("no defects%s\n"), f.open_only || f.overdue ? _(" of that kind") : "");
	else
		out_table(c, rows, defects_cols, ARRAY_LEN(defects_cols));
	json_decref(rows);
	return true;
}

static bool exec_verify(struct cmd_ctx *c)
{
	int verified = 0;
	for (int i = 0; i < c->nargs; i++) {
		bool changed;
		if (!hazard_verify(c->st, c->args[i], &changed, &c->err))
			return false;
		verified += changed;
	}
	if (!c->json) {
		fprintf(c->out, _("%d verified, %d already were\n"), verified, c->nargs - verified);
	} else {
		out_json_new(c, json_pack("{s:i, s:i}", "verified", verified, "already",
					  c->nargs - verified));
	}
	return true;
}

static bool exec_overdue(struct cmd_ctx *c)
{
	struct hazard_filter f = {0};
	char town[16];
	if (!filter_opts(c, &f, town))
		return false;
	json_t *rows = q_hazard_overdue(c->st, &f, &c->err);
	if (!rows)
		return false;
	if (c->json) {
		out_json(c, rows);
	} else if (!json_array_size(rows)) {
		fprintf(c->out, _("no inspection overdue\n"));
	} else {
		size_t i;
		json_t *r;
		json_array_foreach(rows, i, r)
			if (json_is_null(json_object_get(r, "last_inspected_at")))
				json_object_set_new(r, "last_inspected_at", json_string("never"));
		out_table(c, rows, overdue_cols, ARRAY_LEN(overdue_cols));
		fprintf(c->out, _("\n%zu overdue\n"), json_array_size(rows));
	}
	json_decref(rows);
	return true;
}

/* The columns of each kind's register, in the order a sheet has them. */
static const char *const geo_cols[] = {"code", "name", "subtype", "township", "village", "grp",
	"address", "lon", "lat", "scale", "volume_m3", "stability", "triggers", "road", "county_town",
	"high_risk", "households", "people", "property_10k", "resp_township", "resp_township_phone",
	"resp_village", "resp_village_phone", "monitor", "monitor_phone", "monitor_method",
	"monitor_freq", "warning_signal", "evac_route", "shelter", "hazard_card", "evac_cards",
	"status", "notes", NULL};
static const char *const fire_cols[] = {"code", "name", "subtype", "township", "village",
	"address", "resp_person", "resp_phone", "mgr_person", "mgr_phone", "floors", "area_m2",
	"occupancy", "lon", "lat", "status", "notes", NULL};
static const char *const major_cols[] = {"code", "name", "subtype", "township", "village",
	"address", "enterprise", "substance", "grade", "principal", "principal_phone", "technical",
	"technical_phone", "operational", "operational_phone", "lon", "lat", "status", "notes",
	NULL};
static const char *const flood_cols[] = {"code", "name", "subtype", "township", "village",
	"address", "monitor", "monitor_phone", "lon", "lat", "status", "notes", NULL};

static const char *const *kind_cols(const char *kind)
{
	return str_eq(kind, "fire_unit") ? fire_cols : str_eq(kind, "major_source") ? major_cols
	       : str_eq(kind, "flood_point") ? flood_cols : geo_cols;
}

/* --kind, required, as its id. */
static const char *kind_opt(struct cmd_ctx *c)
{
	const struct enum_value *v = enum_find(ENUM_HAZARD_KIND, cmd_opt(c, "kind"));
	if (!v)
		err_set(&c->err, ERR_USAGE,
			_("--kind: '%s': expected geohazard, fire_unit, major_source or flood_point"),
			cmd_opt(c, "kind") ? cmd_opt(c, "kind") : "");
	return v ? v->id : NULL;
}

static bool exec_template(struct cmd_ctx *c)
{
	const char *kind = kind_opt(c);
	if (!kind)
		return false;
	const char *fmt = cmd_opt(c, "format") ? cmd_opt(c, "format") : "csv";
	if (!str_eq(fmt, "csv") && !str_eq(fmt, "xlsx"))
		return err_set(&c->err, ERR_USAGE, "--format: '%s': expected csv or xlsx", fmt);
	if (str_eq(fmt, "xlsx"))
		return hazard_template_xlsx(c, kind, kind_cols(kind), cmd_opt(c, "english") != NULL);
	json_t *none = json_array();
	out_csv(c, none, kind_cols(kind), cmd_opt(c, "english") ? NULL : header_chinese);
	json_decref(none);
	return true;
}

static bool exec_export(struct cmd_ctx *c)
{
	struct hazard_filter f = {0};
	char town[16];
	if (!kind_opt(c) || !filter_opts(c, &f, town))
		return false;
	json_t *rows = q_hazards_full(c->st, &f, &c->err);
	if (!rows)
		return false;
	return out_export(c, rows, kind_cols(f.kind), cmd_opt(c, "zh") ? header_chinese : NULL);
}

static bool check_kind(struct cmd_ctx *c)
{
	return kind_opt(c) != NULL;
}

/* The whole sheet in one transaction: every row checked and every bad one
 * reported; nothing kept unless all are good (or --skip-bad); a dry run's
 * transaction is rolled back by the runner. */
static bool exec_import(struct cmd_ctx *c)
{
	const char *kind = kind_opt(c);
	struct import_opts o = {.encoding = cmd_opt(c, "encoding"),
				.skip_bad = cmd_opt(c, "skip-bad") != NULL,
				.to_verify = cmd_opt(c, "to-verify") != NULL,
				.sheet = cmd_opt(c, "sheet"),
				.blank_clears = cmd_opt(c, "blank-clears") != NULL};
	struct import_result r = {0};
	json_t *fixed = json_pack("{s:s}", "kind", kind);
	bool ok = import_file(c->st, &T_HAZARD, c->args[0], fixed, &o, &r, &c->err);
	json_decref(fixed);
	return out_import(c, ok, &r, o.skip_bad);
}

/* What list and export select by (the console's filters). */
#define KINDS "geohazard fire_unit major_source flood_point"
#define FILTER_OPTS \
	{"township", "NAME|CODE", NULL, N_("only this township"), CV_TOWNSHIP}, \
	{"type", "TYPE", NULL, N_("landslide, collapse, ...; middle_school, ...; gas_well, ...")}, \
	{"scale", "SCALE", NULL, N_("large|medium|small")}, \
	{"danger", "GRADE", NULL, \
	 N_("huge (1000+ people)|large (500-999)|medium (100-499)|small (under 100)")}, \
	{"status", "STATUS", NULL, N_("registered|mitigated|relocated|written_off")}, \
	{"overdue", NULL, NULL, N_("only those whose inspection is overdue")}, \
	{"in-warning", NULL, NULL, N_("only points inside a warning in force")}, \
	{"to-verify", NULL, NULL, N_("only imported rows not yet verified")},

static const struct cmd_opt template_opts[] = {
	{"kind", "KIND", NULL, N_("geohazard, fire_unit, major_source or flood_point (required)"),
	 CV_WORDS, KINDS},
	{"english", NULL, NULL, N_("English header names (default: Chinese)")},
	{"format", "FMT", NULL, N_("csv (default) or xlsx (with a sheet explaining each column)"),
	 CV_WORDS, "csv xlsx"},
	{0}};
static const struct cmd_opt export_opts[] = {
	{"kind", "KIND", NULL, N_("geohazard, fire_unit, major_source or flood_point (required)"),
	 CV_WORDS, KINDS},
	FILTER_OPTS
	{"format", "FMT", NULL, N_("csv (default; import reads it back), xlsx or json"), CV_WORDS,
	 "csv xlsx json"},
	{"zh", NULL, NULL, N_("Chinese header names")},
	{0}};
static const struct cmd_opt import_opts[] = {
	{"kind", "KIND", NULL, N_("geohazard, fire_unit, major_source or flood_point (required)"),
	 CV_WORDS, KINDS},
	IMPORT_OPTS
	{"skip-bad", NULL, NULL, N_("import the good rows and report the bad ones")},
	{"to-verify", NULL, NULL, N_("mark new and changed rows to verify (hazard verify clears)")},
	{0}};

static const struct cmd_opt list_opts[] = {
	{"kind", "KIND", NULL, N_("geohazard|fire_unit|major_source|flood_point"), CV_WORDS, KINDS},
	FILTER_OPTS
	{"limit", "N", NULL, N_("at most N")},
	{0}};

static const struct cmd_opt add_opts[] = {
	{"kind", "KIND", "kind", N_("geohazard|fire_unit|major_source|flood_point (required)")},
	{"code", "CODE", "code", N_("the register's unified code (required)")},
	{"name", "TEXT", "name", N_("name (required)")},
	{"subtype", "TYPE", "subtype", N_("landslide, collapse, ... (geohazard); middle_school, "
				       "hospital, ... (fire_unit)")},
	{"township", "NAME|CODE", "township_code", "township"},
	{"village", "NAME|CODE", "village_code", N_("village")},
	{"address", "TEXT", "address", N_("address")},
	{"lon", "DEG", "lon", N_("longitude")},
	{"lat", "DEG", "lat", N_("latitude")},
	{"scale", "SCALE", "scale", N_("large|medium|small")},
	{"road", "0|1", "road", N_("a road hazard point")},
	{"county-town", "0|1", "county_town", N_("in the county town")},
	{"high-risk", "0|1", "high_risk", N_("in a high-risk zone")},
	{"households", "N", "households", N_("households threatened")},
	{"people", "N", "people", N_("people threatened")},
	{"monitor", "NAME", "monitor", N_("the monitor (群测群防员)")},
	{"monitor-phone", "PHONE", "monitor_phone", N_("the monitor's phone")},
	{"notes", "TEXT", "notes", N_("notes")},
	{0}};

static const struct cmd_opt inspect_opts[] = {
	{"result", "RESULT", "result", N_("normal|abnormal (required)")},
	{"kind", "CHECK", "kind", N_("pre_flood|in_flood|post_flood|patrol (default patrol)")},
	{"at", "TIME", "at", N_("when (default now)")},
	{"inspector", "NAME", "inspector", N_("who inspected")},
	{"note", "TEXT", "note", N_("what was seen")},
	{"photos", "REF[,REF...]", "photos", N_("photos by reference (file names, archive numbers)")},
	{"incident", NULL, NULL, N_("abnormal: also open an incident linked to the point")},
	{0}};

static const struct cmd_opt defect_opts[] = {
	{"text", "TEXT", NULL, N_("add: what is wrong (required)")},
	{"due", "DATE", NULL, N_("add: to be rectified by")},
	{"found", "DATE", NULL, N_("add: when it was found (default now)")},
	{"state", "STATE", NULL, N_("set: open|rectifying|rectified (rectified stamps the time)"),
	 CV_WORDS, "open rectifying rectified"},
	{"note", "TEXT", NULL, N_("a note (set: replaces the note; \"\" clears it)")},
	{0}};
static const struct cmd_opt defects_opts[] = {
	{"open", NULL, NULL, N_("only those not yet rectified")},
	{"township", "NAME|CODE", NULL, N_("only this township's units"), CV_TOWNSHIP},
	{"overdue", NULL, NULL, N_("only those past their due date and not rectified")},
	{0}};
static const struct cmd_opt overdue_opts[] = {
	{"kind", "KIND", NULL, N_("geohazard|fire_unit|major_source|flood_point"), CV_WORDS, KINDS},
	FILTER_OPTS
	{0}};

static const struct cmd_opt evacuate_opts[] = {
	{"all", NULL, NULL, N_("every household of the point")},
	{"undo", NULL, NULL, N_("clear the ticks instead (ticked by mistake)")},
	{0}};

const struct cmd cmd_hazard_list = {
	.group = "hazard", .verb = "list", .summary = N_("list hazard points, fire units, sources"),
	.table = &T_HAZARD, .opts = list_opts, .exec = exec_list,
};

const struct cmd cmd_hazard_show = {
	.group = "hazard", .verb = "show", .summary = N_("one hazard with its inspections"),
	.args = "CODE", .nargs_min = 1, .nargs_max = 1, .argv = {CV_HAZARD},
	.table = &T_HAZARD, .exec = exec_show,
};

const struct cmd cmd_hazard_add = {
	.group = "hazard", .verb = "add", .summary = N_("register a hazard"),
	.table = &T_HAZARD, .opts = add_opts, .flags = CMD_RECORD | CMD_WRITES, .exec = exec_add,
};

const struct cmd cmd_hazard_inspect = {
	.group = "hazard", .verb = "inspect", .summary = N_("record an inspection of a hazard"),
	.args = "CODE", .nargs_min = 1, .nargs_max = 1, .argv = {CV_HAZARD},
	.table = &T_INSPECTION, .opts = inspect_opts, .flags = CMD_WRITES, .exec = exec_inspect,
};

const struct cmd cmd_hazard_households = {
	.group = "hazard", .verb = "households",
	.summary = N_("a point's threatened households and how many are evacuated"),
	.args = "CODE", .nargs_min = 1, .nargs_max = 1, .argv = {CV_HAZARD},
	.exec = exec_households,
};

const struct cmd cmd_hazard_evacuate = {
	.group = "hazard", .verb = "evacuate",
	.summary = N_("tick households of a point as evacuated (--all; --undo clears)"),
	.args = "CODE [HEAD|ID ...]", .nargs_min = 1, .nargs_max = 1000, .argv = {CV_HAZARD},
	.opts = evacuate_opts, .flags = CMD_WRITES, .check = check_evacuate, .exec = exec_evacuate,
};

const struct cmd cmd_hazard_defect = {
	.group = "hazard", .verb = "defect",
	.summary = N_("record a fire unit's defect, or move one to rectifying or rectified"),
	.args = "add CODE | set ID", .nargs_min = 2, .nargs_max = 2, .argv = {CV_WORDS},
	.words = "add set",
	.opts = defect_opts, .flags = CMD_WRITES, .check = check_defect, .exec = exec_defect,
};

const struct cmd cmd_hazard_defects = {
	.group = "hazard", .verb = "defects", .summary = N_("fire units' defects, open ones first"),
	.opts = defects_opts, .exec = exec_defects,
};

const struct cmd cmd_hazard_verify = {
	.group = "hazard", .verb = "verify",
	.summary = N_("clear the \"to verify\" mark of imported rows"),
	.args = "CODE...", .nargs_min = 1, .nargs_max = 10000, .argv = {CV_HAZARD},
	.flags = CMD_WRITES, .exec = exec_verify,
};

const struct cmd cmd_hazard_overdue = {
	.group = "hazard", .verb = "overdue", .summary = N_("overdue inspections, most overdue first"),
	.opts = overdue_opts, .exec = exec_overdue,
};

const struct cmd cmd_hazard_template = {
	.group = "hazard", .verb = "template",
	.summary = N_("an empty register sheet (CSV header) for a kind"),
	.opts = template_opts, .flags = CMD_NODB, .exec = exec_template,
};

const struct cmd cmd_hazard_export = {
	.group = "hazard", .verb = "export", .summary = N_("a kind's register as CSV or JSON"),
	.opts = export_opts, .exec = exec_export,
};

const struct cmd cmd_hazard_import = {
	.group = "hazard", .verb = "import",
	.summary = N_("import a register sheet (.xlsx, .xls or CSV; Chinese or English headers); a "
		   "code already there is updated"),
	.args = "FILE", .nargs_min = 1, .nargs_max = 1,
	.opts = import_opts, .flags = CMD_WRITES | CMD_DRYRUN, .check = check_kind,
	.exec = exec_import,
};
