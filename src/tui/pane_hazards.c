/* Pane 2: hazard registers. */
#include <string.h>

#include "lpane.h"

static const char *kind_label(const char *id)
{
	static const struct enum_value short_kinds[] = {
		{"geohazard", "地灾点", "geo"}, {"fire_unit", "消防单位", "fire"},
		{"major_source", "危险源", "source"}, {"flood_point", "防汛点", "flood"},
		{NULL, NULL, NULL}};
	return enum_label(short_kinds, id, tui_zh);
}

static const char *subtype_label(const char *id)
{
	const struct enum_value *lists[] = {ENUM_GEO_SUBTYPE, ENUM_FIRE_SUBTYPE,
					    ENUM_MAJOR_SUBTYPE, ENUM_FLOOD_SUBTYPE};
	for (size_t i = 0; i < ARRAY_LEN(lists); i++)
		if (enum_find(lists[i], id))
			return enum_label(lists[i], id, tui_zh);
	return id;
}

static const char *scale_label(const char *id)
{
	return enum_label(ENUM_SCALE, id, tui_zh);
}

static const struct list_col cols[] = {
	{"code", N_("Code"), 13, 14, false, "x.code", false, NULL, NULL, NULL},
	{"kind", N_("Kind"), 8, 8, false, "x.kind", false, kind_label, NULL, NULL},
	{"subtype", N_("Type"), 10, 10, false, NULL, false, subtype_label, NULL, NULL},
	{"scale", N_("Scale"), 6, 6, false, NULL, false, scale_label, NULL, NULL},
	{"township", N_("Township"), 8, 8, false, "x.township_code", false, NULL, NULL, NULL},
	{"people", N_("People"), 6, 6, true, "x.people", true, NULL, NULL, NULL},
	{"name", N_("Name"), 10, 0, false, "x.name", false, NULL, NULL, NULL},
};

static const struct filter_def filters[] = {
	{N_("all"), NULL},
	{N_("geological hazard points"), "x.kind = 'geohazard'"},
	{N_("large and medium points"), "x.kind = 'geohazard' AND x.scale IN ('large','medium')"},
	{N_("county town points"), "x.kind = 'geohazard' AND x.county_town"},
	{N_("high-risk points"), "x.kind = 'geohazard' AND x.high_risk"},
	{N_("road points"), "x.kind = 'geohazard' AND x.road"},
	{N_("fire key units"), "x.kind = 'fire_unit'"},
	{N_("major hazard sources"), "x.kind = 'major_source'"},
	{N_("flood points"), "x.kind = 'flood_point'"},
	{N_("points inside a warning in force"),
	 "x.kind = 'geohazard' AND EXISTS (SELECT 1 FROM duty_entry w WHERE w.kind = 'warning'"
	 " AND instr(',' || w.area_codes || ',', ',' || x.township_code || ',') > 0"
	 " AND coalesce(w.valid_from, w.at) <= CAST(strftime('%s', 'now') AS INTEGER)"
	 " AND (w.valid_until IS NULL OR w.valid_until > CAST(strftime('%s', 'now') AS INTEGER)))"},
};

static enum role row_role(json_t *row)
{
	return json_is_true(json_object_get(row, "hr")) || json_integer_value(json_object_get(row, "hr"))
		       ? R_WARN : R_NORMAL;
}

static bool detail(struct app *app, const char *key, struct strbuf *out)
{
	json_t *r = q_hazard_show(app->st, key, NULL);
	if (!r || json_is_null(r)) {
		json_decref(r);
		return false;
	}
	sb_printf(out, "# %s  %s\n", json_string_value(json_object_get(r, "code")),
		  json_string_value(json_object_get(r, "name")));
	static const char *const keys[][2] = {
		{"kind", N_("Kind")}, {"subtype", N_("Type")}, {"status", N_("Status")},
		{"township", N_("Township")}, {"village", N_("Village")}, {"grp", N_("Group")},
		{"address", N_("Address")}, {"scale", N_("Scale")}, {"volume_m3", N_("Volume (m3)")},
		{"stability", N_("Stability")}, {"triggers", N_("Triggers")},
		{"households", N_("Households")}, {"people", N_("People")},
		{"property_10k", N_("Property (10k yuan)")}, {"road", N_("Road point")},
		{"county_town", N_("County town")}, {"high_risk", N_("High risk")},
		{"monitor", N_("Monitor")}, {"monitor_phone", N_("Monitor's phone")},
		{"resp_township", N_("Township responsible")}, {"resp_township_phone", N_("Phone")},
		{"resp_village", N_("Village responsible")}, {"resp_village_phone", N_("Phone")},
		{"monitor_method", N_("Monitoring")}, {"monitor_freq", N_("Frequency")},
		{"warning_signal", N_("Warning signal")}, {"evac_route", N_("Evacuation route")},
		{"shelter", N_("Shelter")}, {"evac_cards", N_("Evacuation cards")},
		{"resp_person", N_("Responsible")}, {"resp_phone", N_("Phone")},
		{"mgr_person", N_("Manager")}, {"mgr_phone", N_("Phone")},
		{"occupancy", N_("Occupancy")}, {"enterprise", N_("Enterprise")},
		{"substance", N_("Substance")}, {"grade", N_("Grade")},
		{"principal", N_("Principal")}, {"principal_phone", N_("Phone")},
		{"notes", N_("Notes")}};
	for (size_t i = 0; i < ARRAY_LEN(keys); i++) {
		json_t *v = json_object_get(r, keys[i][0]);
		static const struct enum_value stability[] = {
			{"stable", "稳定", "stable"}, {"less_stable", "较稳定", "fairly stable"},
			{"unstable", "不稳定", "unstable"}, {NULL, NULL, NULL}};
		const struct enum_value *ev = str_eq(keys[i][0], "kind") ? ENUM_HAZARD_KIND
			: str_eq(keys[i][0], "scale") ? ENUM_SCALE
			: str_eq(keys[i][0], "stability") ? stability
			: str_eq(keys[i][0], "status") ? ENUM_HAZARD_STATUS : NULL;
		if (str_eq(keys[i][0], "subtype") && json_is_string(v)) {
			json_t *s = json_string(subtype_label(json_string_value(v)));
			detail_line(out, keys[i][1], s);
			json_decref(s);
		} else if (ev && json_is_string(v)) {
			json_t *s = json_string(app_label(app, ev, json_string_value(v)));
			detail_line(out, keys[i][1], s);
			json_decref(s);
		} else if (json_is_false(v) || (json_is_integer(v) && !json_integer_value(v))) {
			continue;
		} else {
			detail_line(out, keys[i][1], v);
		}
	}
	size_t n = json_array_size(json_object_get(r, "household_list"));
	if (n) {
		sb_printf(out, "\n# %s (%zu)\n", _("Threatened households"), n);
		size_t i;
		json_t *h;
		json_array_foreach(json_object_get(r, "household_list"), i, h)
			sb_printf(out, "%s\t%lld %s  %s\n", json_string_value(json_object_get(h, "head")),
				  (long long)json_integer_value(json_object_get(h, "members")),
				  _("people"), json_string_value(json_object_get(h, "phone")) ?: "");
	}
	sb_printf(out, "\n# %s\n", _("Inspections"));
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(r, "inspections"), i, t) {
		const char *at = json_string_value(json_object_get(t, "at"));
		sb_printf(out, "%.10s\t%s %s %s\n", at ? at : "",
			  app_label(app, ENUM_INSPECTION_KIND, json_string_value(json_object_get(t, "kind"))),
			  app_label(app, ENUM_RESULT, json_string_value(json_object_get(t, "result"))),
			  json_string_value(json_object_get(t, "note")) ?: "");
	}
	json_decref(r);
	return true;
}

static bool action(struct app *app, struct lpane *lp, enum action a, const char *key)
{
	struct form *f = NULL;
	switch (a) {
	case ACT_ADD:
		f = form_hazard_new(app, lp->filter == 6 ? "fire_unit" : lp->filter == 7 ? "major_source"
				       : lp->filter == 8 ? "flood_point" : "geohazard");
		break;
	case ACT_EDIT:
		f = key ? form_hazard_edit(app, key) : NULL;
		break;
	case ACT_INSPECT:
		f = key ? form_inspection(app, key) : NULL;
		break;
	default:
		return false;
	}
	if (f)
		app_open_form(app, f);
	return true;
}

static const struct lpane_spec spec = {
	.q = {.cols = "x.code, x.kind, x.subtype, x.scale, t.name AS township, x.people, x.name,"
		      " x.high_risk AS hr",
	      .from = "hazard x LEFT JOIN division t ON t.code = x.township_code",
	      .where = "x.archived = 0",
	      .sort = "x.code",
	      .id = "x.id",
	      .desc = false,
	      .search = "x.code || ' ' || x.name || ' ' || coalesce(x.monitor, '') || ' ' ||"
			" coalesce(x.address, '') || ' ' || coalesce(t.name, '')"},
	.cols = cols,
	.ncols = ARRAY_LEN(cols),
	.sort_col = 0,
	.filters = filters,
	.nfilters = ARRAY_LEN(filters),
	.key_col = "code",
	.township_col = "x.township_code",
	.detail = detail,
	.row_role = row_role,
	.action = action,
};

static const enum action actions[] = {ACT_OPEN, ACT_ADD, ACT_EDIT, ACT_INSPECT, ACT_SEARCH,
				      ACT_FILTER, ACT_SORT, ACT_NONE};

LPANE_TYPE(pane_hazards, N_("Hazards"), spec, actions);
