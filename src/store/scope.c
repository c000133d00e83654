/* Whose a record is (dutydesk/scope.h): county-level reference data and
 * the township a record belongs to, for the hub and every node alike. */
#include "dutydesk/scope.h"

#include "dutydesk/i18n.h"
#include "dutydesk/syncstore.h"
#include "store_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the rule: which records are the county's ---- */

/* Team types that are a township's or an enterprise's own. */
static const char *const LOCAL_TEAM_TYPES[] = {"militia", "enterprise", NULL};

bool scope_county_level(const struct table *t, json_t *row)
{
	if (t == &T_ITEM || t == &T_PLAN)
		return true;
	if (t == &T_DEPOT)
		return str_eq(json_string_value(json_object_get(row, "level")), "county");
	if (t == &T_TEAM) {
		const char *type = json_string_value(json_object_get(row, "type"));
		if (!type)
			return false;
		for (const char *const *p = LOCAL_TEAM_TYPES; *p; p++)
			if (str_eq(type, *p))
				return false;
		return true;
	}
	return false;
}

bool scope_fields_move(const struct table *t, json_t *fields)
{
	return json_object_get(fields, "township_code") ||
	       (t == &T_DEPOT && json_object_get(fields, "level")) ||
	       (t == &T_TEAM && json_object_get(fields, "type"));
}

const struct table *scope_parent(const struct table *t, const char **col)
{
	*col = NULL;
	if (t == &T_TIMELINE || t == &T_PLAN_ACTIVATION || t == &T_TASK)
		return *col = "incident_id", &T_INCIDENT;
	if (t == &T_HOUSEHOLD || t == &T_INSPECTION || t == &T_DEFECT)
		return *col = "hazard_id", &T_HAZARD;
	if (t == &T_STOCK_MOVEMENT)
		return *col = "depot_id", &T_DEPOT;
	if (t == &T_CHECKLIST_ITEM)
		return *col = "activation_id", &T_PLAN_ACTIVATION;
	if (t == &T_CHECKLIST_TICK)
		return *col = "item_id", &T_CHECKLIST_ITEM;
	return NULL;
}

bool scope_in_area(const char *owner, const char *area)
{
	if (!owner || !*owner || str_eq(owner, "*"))
		return false;
	return !area || strncmp(owner, area, strlen(area)) == 0;
}

bool scope_reads_from_above(const char *code, const char *owner)
{
	size_t n = owner ? strlen(owner) : 0;
	return code && (n == 2 || n == 4 || n == 6) && strlen(code) > n &&
	       strncmp(code, owner, n) == 0;
}

/* ---- owners ---- */

static json_t *row_by_id(struct store *st, const struct table *t, const char *id, struct err *e)
{
	char sql[96];
	snprintf(sql, sizeof sql, "SELECT * FROM %s WHERE id = ?", t->name);
	return store_row(st, e, sql, "s", id);
}

bool scope_owner_of(struct store *st, const struct table *t, json_t *row, char out[16],
		    struct err *e)
{
	out[0] = '\0';
	if (scope_county_level(t, row)) {
		snprintf(out, 16, "*");
		return true;
	}
	/* A township's duty log is its own, whichever township an entry names. */
	if (t == &T_DUTY_ENTRY)
		return true;
	const char *town = json_string_value(json_object_get(row, "township_code"));
	if (town) {
		snprintf(out, 16, "%s", town);
		return true;
	}
	const char *col;
	const struct table *pt = scope_parent(t, &col);
	const char *pid = pt ? json_string_value(json_object_get(row, col)) : NULL;
	return pid ? scope_row_owner(st, pt, pid, out, e) : true;
}

bool scope_row_owner(struct store *st, const struct table *t, const char *id, char out[16],
		     struct err *e)
{
	out[0] = '\0';
	json_t *row = row_by_id(st, t, id, e);
	if (!row)
		return false;
	bool ok = json_is_null(row) || scope_owner_of(st, t, row, out, e);
	json_decref(row);
	return ok;
}

static bool descend(struct store *st, const struct table *t, const char *id, json_t *out,
		    struct err *e)
{
	size_t n;
	const struct table *const *ts = table_all(&n);
	for (size_t i = 0; i < n; i++) {
		const char *col;
		if (scope_parent(ts[i], &col) != t)
			continue;
		char sql[128];
		snprintf(sql, sizeof sql, "SELECT id FROM %s WHERE %s = ? ORDER BY id", ts[i]->name,
			 col);
		json_t *rows = store_rows(st, e, sql, "s", id);
		if (!rows)
			return false;
		size_t j;
		json_t *r;
		bool ok = true;
		json_array_foreach(rows, j, r) {
			const char *cid = json_string_value(json_object_get(r, "id"));
			json_array_append_new(out, json_pack("{s:s, s:s}", "tbl", ts[i]->name, "id", cid));
			if (!(ok = descend(st, ts[i], cid, out, e)))
				break;
		}
		json_decref(rows);
		if (!ok)
			return false;
	}
	return true;
}

json_t *scope_descendants(struct store *st, const struct table *t, const char *id,
			  struct err *e)
{
	json_t *out = json_array();
	if (!descend(st, t, id, out, e)) {
		json_decref(out);
		return NULL;
	}
	return out;
}

/* ---- a township node's own writes ---- */

/* "incident 桑壁-2026-0001" (the record's human key when it has one). */
static void label(const struct table *t, const char *id, json_t *row, char *buf, size_t n)
{
	const char *key = t->code_col ? json_string_value(json_object_get(row, t->code_col)) : NULL;
	snprintf(buf, n, "%s %s", t->name, key ? key : id ? id : _("(new)"));
}

void scope_town_name(struct store *st, const char *code, char *buf, size_t n)
{
	char *name = store_division_name(st, code);
	if (name && !str_eq(name, code))
		snprintf(buf, n, "%s (%s)", name, code);
	else
		snprintf(buf, n, "%s", code);
	free(name);
}

/* What a county node of one area (area, its name in) may not write: the
 * hub's county-level data, another area's records, a move out of its area
 * or a record made county-level. The hub refuses them too; here they are
 * refused before anything is written. */
static bool area_check(struct store *st, const char *id, json_t *changed,
		       const struct table *t, const char *was, const char *will, const char *area,
		       const char *in, const char *what, struct err *e)
{
	char town[128];
	if (str_eq(was, "*") || (!id && str_eq(will, "*")))
		return err_set(e, ERR_FAIL, _("%s is county-level reference data of the whole hub: "
					      "only its county node writes it (the office of %s reads it)"),
			       what, in);
	if (id && *was && !scope_in_area(was, area)) {
		scope_town_name(st, was, town, sizeof town);
		return err_set(e, ERR_FAIL, _("%s belongs to %s, outside %s: this office keeps a "
					      "read-only copy"), what, town, in);
	}
	if (str_eq(will, "*"))
		return err_set(e, ERR_FAIL, _("%s: only the county node of the whole hub makes a "
					      "record county-level reference data"), what);
	if (*will && !scope_in_area(will, area)) {
		scope_town_name(st, will, town, sizeof town);
		if (id && scope_fields_move(t, changed))
			return err_set(e, ERR_FAIL, _("%s: this office moves records only between "
						      "townships of %s, not to %s"), what, in, town);
		return err_set(e, ERR_FAIL, _("%s: %s is outside %s, this office's area; its "
					      "records are its own county's to write"), what, town, in);
	}
	return true;
}

/* under: a new entry under the row id (fields empty), not a change of it. */
static bool write_check(struct store *st, const struct table *t, const char *id, json_t *fields,
			bool under, struct err *e)
{
	struct node_info ni;
	char area[16] = ""; /* a county node of one area: what it may write */
	if (!store_node(st, &ni, e))
		return false;
	if (t == &T_DUTY_ENTRY)
		return true;
	if (str_eq(ni.role, "county")) {
		if (!store_sync_area(st, area, e))
			return false;
		if (!*area)
			return true; /* the whole hub's county writes everything */
	}
	const char *col;
	const struct table *pt = id ? NULL : scope_parent(t, &col);
	const char *pid = pt ? json_string_value(json_object_get(fields, col)) : NULL;
	if (pid) {
		/* A new entry under a record: as writing that record. */
		json_t *none = json_object();
		bool ok = write_check(st, pt, pid, none, true, e);
		json_decref(none);
		return ok;
	}
	json_t *cur = id ? row_by_id(st, t, id, e) : json_object();
	if (!cur)
		return false;
	if (json_is_null(cur)) {
		json_decref(cur);
		return true; /* no such row: the caller says so */
	}
	/* The row as it would be after the write, and what really changes. */
	json_t *after = json_deep_copy(cur), *changed = json_object();
	json_object_update(after, fields);
	const char *k;
	json_t *v;
	json_object_foreach(fields, k, v) {
		json_t *was_v = json_object_get(cur, k);
		if (!json_equal(was_v ? was_v : json_null(), v))
			json_object_set(changed, k, v);
	}
	char was[16] = "", will[16] = "", what[160], town[128], in[128];
	bool ok = scope_owner_of(st, t, after, will, e) &&
		  (!id || scope_owner_of(st, t, cur, was, e));
	label(t, id, after, what, sizeof what);
	if (*area)
		scope_town_name(st, area, in, sizeof in);
	if (!ok || (id && !under && json_object_size(changed) == 0)) {
		/* a store failure (e says it), or nothing changes */
	} else if (!id && (t == &T_ITEM || t == &T_PLAN)) {
		/* this database's own copy of the catalogue and plan library,
		 * made with it (the hub takes the county's copy instead) */
	} else if (*area) {
		ok = area_check(st, id, changed, t, was, will, area, in, what, e);
	} else if (str_eq(was, "*") || (!id && str_eq(will, "*"))) {
		ok = err_set(e, ERR_FAIL, _("%s is county-level reference data: only the county's "
					    "office writes it (this office reads it)"), what);
	} else if (id && *was && !str_eq(was, ni.township_code)) {
		scope_town_name(st, was, town, sizeof town);
		ok = err_set(e, ERR_FAIL, _("%s belongs to %s (moved there by the county): this "
					    "office keeps a read-only copy"), what, town);
	} else if (str_eq(will, "*")) {
		ok = err_set(e, ERR_FAIL, _("%s: only the county makes a record county-level "
					    "reference data"), what);
	} else if (id && scope_fields_move(t, changed) && !str_eq(will, ni.township_code)) {
		ok = err_set(e, ERR_FAIL, _("%s: only the county can move a record between "
					    "townships (ask the county's duty office)"), what);
	} else if (!id && *will && !str_eq(will, ni.township_code)) {
		scope_town_name(st, will, town, sizeof town);
		ok = err_set(e, ERR_FAIL, _("%s: a record of %s is that township's (or the "
					    "county's) to write, not this office's"), what, town);
	}
	json_decref(changed);
	json_decref(after);
	json_decref(cur);
	return ok;
}

bool store_write_check(struct store *st, const struct table *t, const char *id, json_t *fields,
		       struct err *e)
{
	return write_check(st, t, id, fields, false, e);
}
