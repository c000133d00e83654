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
