/* Hazard registers and their append-only inspections. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dutydesk/i18n.h"
#include "dutydesk/dtime.h"
#include "dutydesk/model.h"
#include "dutydesk/query.h"

/* The id of the point asked for by code (or id); a miss is "not found". */
static bool point_id(struct store *st, const char *code, char id[ID_TEXT], struct err *e)
{
	if (q_ref(st, "hazard", code, id, e))
		return true;
	if (e && e->code == ERR_USAGE)
		e->code = ERR_FAIL; /* a record asked for by name: not found, not misused */
	return false;
}

bool hazard_add(struct store *st, json_t *fields, char id[ID_TEXT], struct err *e)
{
	id[0] = '\0';
	return hazard_validate(fields, e) && fields_complete(&T_HAZARD, fields, e) &&
	       contact_link_fields(st, &T_HAZARD, fields, NULL, NULL, e) &&
	       rec_insert(st, &T_HAZARD, fields, id, e);
}

bool hazard_inspect(struct store *st, const char *code, json_t *fields, struct err *e)
{
	char hid[ID_TEXT], id[ID_TEXT] = "";
	if (!point_id(st, code, hid, e))
		return false;
	if (!list_normalise(fields, "photos"))
		return err_set(e, ERR_USAGE, _("photos: '%s': an empty photo reference"),
			       json_string_value(json_object_get(fields, "photos")));
	json_object_set_new(fields, "hazard_id", json_string(hid));
	json_t *when = json_object_get(fields, "at");
	if (!json_is_integer(when))
		json_object_set_new(fields, "at", json_integer(dd_now()));
	else if (json_integer_value(when) > dd_now() + 600) {
		/* a future inspection would keep the point off the overdue list */
		char buf[32];
		return err_set(e, ERR_USAGE, _("at: %s is in the future"),
			       dd_time_local(json_integer_value(when), buf, sizeof buf));
	}
	if (!json_is_string(json_object_get(fields, "kind")))
		json_object_set_new(fields, "kind", json_string("patrol"));
	return fields_complete(&T_INSPECTION, fields, e) &&
	       rec_insert(st, &T_INSPECTION, fields, id, e);
}

bool hazard_edit(struct store *st, const char *code, json_t *fields, bool *changed,
		 struct err *e)
{
	char id[ID_TEXT];
	if (!q_ref(st, "hazard", code, id, e))
		return false;
	return hazard_validate(fields, e) && rec_update(st, &T_HAZARD, id, fields, changed, e) &&
	       contact_link_people(st, NULL, NULL, e);
}

/* Sets or clears one household's evacuation tick. Ticking an evacuated
 * household again keeps the first time: that is when the people left. */
static bool tick_household(struct store *st, const char *id, bool was, bool evacuated,
			   int64_t now, bool *changed, struct err *e)
{
	*changed = false;
	if (was == evacuated)
		return true;
	const char *by = store_actor(st);
	json_t *f = evacuated ? json_pack("{s:I, s:s?}", "evacuated_at", (json_int_t)now,
					  "evacuated_by", by)
			      : json_pack("{s:n, s:n}", "evacuated_at", "evacuated_by");
	bool ok = rec_update(st, &T_HOUSEHOLD, id, f, changed, e);
	json_decref(f);
	return ok;
}

bool hazard_evacuate(struct store *st, const char *hazard_code, const char *household,
		     bool evacuated, bool *changed, struct err *e)
{
	bool dummy;
	if (!changed)
		changed = &dummy;
	*changed = false;
	char hid[ID_TEXT];
	if (!point_id(st, hazard_code, hid, e))
		return false;
	if (str_empty(household))
		return err_set(e, ERR_USAGE, _("which household? (head of household or id)"));
	/* By id, by an id's first 8 or more characters, or by the head's name. */
	json_t *m = store_households_matching(st, hid, household, e);
	if (!m)
		return false;
	bool ok;
	if (json_array_size(m) == 0) {
		ok = err_set(e, ERR_FAIL, _("%s: no household '%s' (see dutydesk hazard households %s)"),
			     hazard_code, household, hazard_code);
	} else if (json_array_size(m) > 1) {
		struct strbuf ids;
		sb_init(&ids);
		size_t i;
		json_t *r;
		json_array_foreach(m, i, r)
			sb_printf(&ids, "%s%s", i ? ", " : "",
				  json_string_value(json_object_get(r, "id")));
		ok = err_set(e, ERR_FAIL, _("%s: '%s' matches %zu households (%s): give the id"),
			     hazard_code, household, json_array_size(m), ids.buf);
		sb_finish(&ids);
	} else {
		json_t *r = json_array_get(m, 0);
		ok = tick_household(st, json_string_value(json_object_get(r, "id")),
				    json_integer_value(json_object_get(r, "ev")) != 0, evacuated,
				    dd_now(), changed, e);
	}
	json_decref(m);
	return ok;
}

bool hazard_evacuate_all(struct store *st, const char *hazard_code, bool evacuated, int *n,
			 struct err *e)
{
	*n = 0;
	char hid[ID_TEXT];
	if (!point_id(st, hazard_code, hid, e))
		return false;
	json_t *m = store_households_evacuated(st, hid, e);
	if (!m)
		return false;
	int64_t now = dd_now();
	bool ok = true;
	size_t i;
	json_t *r;
	json_array_foreach(m, i, r) {
		bool changed;
		ok = tick_household(st, json_string_value(json_object_get(r, "id")),
				    json_integer_value(json_object_get(r, "ev")) != 0, evacuated, now,
				    &changed, e);
		if (!ok)
			break;
		*n += changed;
	}
	json_decref(m);
	return ok;
}

/* The incident type an abnormal finding at a point of this kind and
 * type is: the geological hazard itself, a building fire at a fire
 * unit, a gas leak at a gas source, a flood at a flood point. */
static const char *incident_type_of(const char *kind, const char *subtype)
{
	static const char *const geo[] = {"landslide", "collapse", "debris_flow",
					  "ground_subsidence", "ground_fissure"};
	if (str_eq(kind, "geohazard")) {
		for (size_t i = 0; i < ARRAY_LEN(geo); i++)
			if (str_eq(subtype, geo[i]))
				return geo[i];
		/* an unstable slope that moves is a landslide in the making */
		return str_eq(subtype, "unstable_slope") ? "landslide" : "other_natural";
	}
	if (str_eq(kind, "fire_unit"))
		return "building_fire";
	if (str_eq(kind, "major_source"))
		return str_eq(subtype, "other") ? "hazardous_chemicals" : "gas_leak";
	return str_eq(kind, "flood_point") ? "flood" : "other_natural";
}

bool hazard_incident(struct store *st, const char *code, const char *reporter, const char *note,
		     int64_t at, char number[64], struct err *e)
{
	number[0] = '\0';
	json_t *h = store_hazard_find(st, code, e);
	if (!record_found(h, "hazard", code, e))
		return false;
	const char *name = json_string_value(json_object_get(h, "name"));
	json_t *f = json_object();
	json_object_set(f, "hazard_id", json_object_get(h, "id"));
	json_object_set_new(f, "type", json_string(incident_type_of(
		json_string_value(json_object_get(h, "kind")),
		json_string_value(json_object_get(h, "subtype")))));
	json_object_set_new(f, "title", json_sprintf("%s巡查发现异常", name));
	static const char *const copy[] = {"township_code", "village_code", "lon", "lat"};
	for (size_t i = 0; i < ARRAY_LEN(copy); i++) {
		json_t *v = json_object_get(h, copy[i]);
		if (v && !json_is_null(v))
			json_object_set(f, copy[i], v);
	}
	json_t *addr = json_object_get(h, "address");
	json_object_set_new(f, "place", json_is_string(addr) ? json_incref(addr)
							     : json_sprintf("%s（%s）", name,
								json_string_value(json_object_get(h, "code"))));
	if (at)
		json_object_set_new(f, "occurred_at", json_integer(at));
	if (!str_empty(reporter))
		json_object_set_new(f, "reporter", json_string(reporter));
	char *text = xasprintf("%s %s 巡查异常：%s", json_string_value(json_object_get(h, "code")),
			       name, str_empty(note) ? "（未记录情况）" : note);
	bool ok = incident_add(st, f, text, number, e);
	free(text);
	json_decref(f);
	json_decref(h);
	return ok;
}

/* A fire unit (or major hazard source) asked for by code: where defects
 * are kept. */
static bool defect_holder(struct store *st, const char *code, char id[ID_TEXT], struct err *e)
{
	json_t *h = store_hazard_find(st, code, e);
	if (!h)
		return false;
	bool ok = true;
	const char *kind = json_string_value(json_object_get(h, "kind"));
	if (json_is_null(h))
		ok = err_set(e, ERR_FAIL, _("hazard '%s': no such hazard"), code);
	else if (!str_eq(kind, "fire_unit") && !str_eq(kind, "major_source"))
		ok = err_set(e, ERR_USAGE, _("%s is a %s: defects are kept for fire units and major "
			     "hazard sources"), code, kind);
	else
		snprintf(id, ID_TEXT, "%s", json_string_value(json_object_get(h, "id")));
	json_decref(h);
	return ok;
}

bool defect_add(struct store *st, const char *hazard_code, json_t *fields, char id[ID_TEXT],
		struct err *e)
{
	id[0] = '\0';
	char hid[ID_TEXT];
	if (!defect_holder(st, hazard_code, hid, e))
		return false;
	json_object_set_new(fields, "hazard_id", json_string(hid));
	if (!json_is_integer(json_object_get(fields, "found_at")))
		json_object_set_new(fields, "found_at", json_integer(dd_now()));
	json_t *due = json_object_get(fields, "due_at");
	if (json_is_integer(due) &&
	    json_integer_value(due) < json_integer_value(json_object_get(fields, "found_at")))
		return err_set(e, ERR_USAGE, _("due: before the defect was found"));
	json_object_set_new(fields, "state", json_string("open"));
	json_object_del(fields, "rectified_at");
	return fields_complete(&T_DEFECT, fields, e) && rec_insert(st, &T_DEFECT, fields, id, e);
}

bool defect_set(struct store *st, const char *defect, const char *state, const char *note,
		bool *changed, struct err *e)
{
	bool dummy;
	if (!changed)
		changed = &dummy;
	*changed = false;
	const struct enum_value *sv = enum_find(ENUM_DEFECT_STATE, state ? state : "");
	if (!sv) {
		char ids[128];
		return err_set(e, ERR_USAGE, _("--state: '%s': expected %s"), state ? state : "",
			       enum_ids(ENUM_DEFECT_STATE, ids, sizeof ids));
	}
	if (str_empty(defect))
		return err_set(e, ERR_USAGE, _("which defect? (its id, or the start of it)"));
	json_t *m = store_defects_prefix(st, defect, e);
	if (!m)
		return false;
	bool ok;
	if (json_array_size(m) != 1) {
		ok = err_set(e, ERR_FAIL, json_array_size(m) ? _("defect '%s': more than one defect "
							       "has an id starting so: give more of it") : _("defect '%s': no such defect"),
			     defect);
	} else {
		json_t *r = json_array_get(m, 0);
		bool was = str_eq(json_string_value(json_object_get(r, "state")), "rectified");
		bool now_r = str_eq(sv->id, "rectified");
		json_t *f = json_pack("{s:s}", "state", sv->id);
		/* rectified_at: when it became rectified, kept while it stays so */
		if (now_r && !was)
			json_object_set_new(f, "rectified_at", json_integer(dd_now()));
		else if (!now_r)
			json_object_set_new(f, "rectified_at", json_null());
		if (note)
			json_object_set_new(f, "note", str_empty(note) ? json_null() : json_string(note));
		ok = rec_update(st, &T_DEFECT, json_string_value(json_object_get(r, "id")), f, changed,
				e);
		json_decref(f);
	}
	json_decref(m);
	return ok;
}

bool hazard_verify(struct store *st, const char *code, bool *changed, struct err *e)
{
	char id[ID_TEXT];
	if (!point_id(st, code, id, e))
		return false;
	json_t *f = json_pack("{s:i}", "to_verify", 0);
	bool ok = rec_update(st, &T_HAZARD, id, f, changed, e);
	json_decref(f);
	return ok;
}
