/* Hazard registers and their append-only inspections. */
#include <stdio.h>

#include "dutydesk/dtime.h"
#include "dutydesk/model.h"
#include "dutydesk/query.h"

bool hazard_add(struct store *st, json_t *fields, char id[ID_TEXT], struct err *e)
{
	id[0] = '\0';
	return hazard_validate(fields, e) && fields_complete(&T_HAZARD, fields, e) &&
	       rec_insert(st, &T_HAZARD, fields, id, e);
}

bool hazard_inspect(struct store *st, const char *code, json_t *fields, struct err *e)
{
	char hid[ID_TEXT], id[ID_TEXT] = "";
	if (!q_ref(st, "hazard", code, hid, e)) {
		if (e)
			e->code = ERR_FAIL; /* a record asked for by name: not found, not misused */
		return false;
	}
	json_object_set_new(fields, "hazard_id", json_string(hid));
	if (!json_is_integer(json_object_get(fields, "at")))
		json_object_set_new(fields, "at", json_integer(dd_now()));
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
	return hazard_validate(fields, e) && rec_update(st, &T_HAZARD, id, fields, changed, e);
}

/* The id of the point asked for by code (or id); a miss is "not found". */
static bool point_id(struct store *st, const char *code, char id[ID_TEXT], struct err *e)
{
	if (q_ref(st, "hazard", code, id, e))
		return true;
	if (e && e->code == ERR_USAGE)
		e->code = ERR_FAIL; /* a record asked for by name: not found, not misused */
	return false;
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
		return err_set(e, ERR_USAGE, "which household? (head of household or id)");
	/* By id, by an id's first 8 or more characters, or by the head's name. */
	json_t *m = store_rows(st, e,
		"SELECT id, head, evacuated_at IS NOT NULL AS ev FROM household"
		" WHERE hazard_id = ?1 AND archived = 0 AND (id = ?2 OR head = ?2"
		" OR (length(?2) >= 8 AND substr(id, 1, length(?2)) = ?2)) ORDER BY id",
		"ss", hid, household);
	if (!m)
		return false;
	bool ok;
	if (json_array_size(m) == 0) {
		ok = err_set(e, ERR_FAIL, "%s: no household '%s' (see dutydesk hazard households %s)",
			     hazard_code, household, hazard_code);
	} else if (json_array_size(m) > 1) {
		struct strbuf ids;
		sb_init(&ids);
		size_t i;
		json_t *r;
		json_array_foreach(m, i, r)
			sb_printf(&ids, "%s%s", i ? ", " : "",
				  json_string_value(json_object_get(r, "id")));
		ok = err_set(e, ERR_FAIL, "%s: '%s' matches %zu households (%s): give the id",
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
	json_t *m = store_rows(st, e,
		"SELECT id, evacuated_at IS NOT NULL AS ev FROM household"
		" WHERE hazard_id = ? AND archived = 0 ORDER BY id", "s", hid);
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
