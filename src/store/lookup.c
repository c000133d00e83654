/* Lookups the domain makes before it writes: a record named by a person
 * (number, code, the start of an id, a name), the next number in a
 * sequence, whether something is already there. The rows are read as
 * stored (times as UTC seconds); the decisions stay in src/model/. */
#include "store_impl.h"

#include <stdlib.h>
#include <string.h>

#include "dutydesk/query.h"

/* ---- divisions ---- */

char *store_office_name(struct store *st, const char *township_code)
{
	char *name = NULL;
	store_text(st, NULL, &name,
		   "SELECT name FROM division WHERE code = coalesce(nullif(?, ''),"
		   " (SELECT code FROM division WHERE level = 'county'))",
		   "s", township_code ? township_code : "");
	return name;
}

char *store_division_name(struct store *st, const char *code)
{
	char *name = NULL;
	store_text(st, NULL, &name, "SELECT name FROM division WHERE code = ?", "s", code);
	return name;
}

/* ---- incidents ---- */

json_t *store_incident_find(struct store *st, const char *number, struct err *e)
{
	return store_row(st, e,
			 "SELECT id, status, township_code FROM incident WHERE number = ?1 OR id = ?1",
			 "s", number);
}

bool store_timeline_count(struct store *st, const char *incident_id, const char *kind,
			  int64_t *n, struct err *e)
{
	return store_int(st, e, n,
			 "SELECT count(*) FROM timeline WHERE incident_id = ? AND kind = ?", "ss",
			 incident_id, kind);
}

json_t *store_timeline_prefix(struct store *st, const char *incident_id, const char *prefix,
			      struct err *e)
{
	/* "#3" (or "3": no id is told by three characters, they are its time)
	 * is the third entry in the order the timeline shows them */
	const char *p = prefix[0] == '#' ? prefix + 1 : prefix;
	size_t n = strspn(p, "0123456789");
	if (n > 0 && n <= 4 && !p[n] && (prefix[0] == '#' || n <= 3) && atoi(p) >= 1)
		return store_rows(st, e,
				  "SELECT id, kind FROM timeline WHERE incident_id = ?"
				  " ORDER BY created_at, hlc LIMIT 1 OFFSET ? - 1",
				  "si", incident_id, (int64_t)atoi(p));
	return store_rows(st, e,
			  "SELECT id, kind FROM timeline WHERE incident_id = ? AND substr(id, 1,"
			  " length(?2)) = ?2",
			  "ss", incident_id, prefix);
}

/* ---- hazards ---- */

json_t *store_hazard_find(struct store *st, const char *code, struct err *e)
{
	return store_row(st, e,
			 "SELECT id, code, name, kind, subtype, township_code, village_code, address,"
			 " lon, lat FROM hazard WHERE (code = ?1 OR id = ?1) AND archived = 0",
			 "s", code);
}

json_t *store_households_matching(struct store *st, const char *hazard_id, const char *text,
				  struct err *e)
{
	/* By id, by an id's first 8 or more characters, or by the head's name. */
	return store_rows(st, e,
			  "SELECT id, head, evacuated_at IS NOT NULL AS ev FROM household"
			  " WHERE hazard_id = ?1 AND archived = 0 AND (id = ?2 OR head = ?2"
			  " OR (length(?2) >= 8 AND substr(id, 1, length(?2)) = ?2)) ORDER BY id",
			  "ss", hazard_id, text);
}

json_t *store_households_evacuated(struct store *st, const char *hazard_id, struct err *e)
{
	return store_rows(st, e,
			  "SELECT id, evacuated_at IS NOT NULL AS ev FROM household"
			  " WHERE hazard_id = ? AND archived = 0 ORDER BY id",
			  "s", hazard_id);
}

json_t *store_defects_prefix(struct store *st, const char *prefix, struct err *e)
{
	return store_rows(st, e,
			  "SELECT id, state FROM defect WHERE archived = 0 AND (id = ?1"
			  " OR (length(?1) >= 8 AND substr(id, 1, length(?1)) = ?1)) ORDER BY id LIMIT 3",
			  "s", prefix);
}

/* ---- stock ---- */

bool store_item_count(struct store *st, int64_t *n, struct err *e)
{
	return store_int(st, e, n, "SELECT count(*) FROM item", "");
}

json_t *store_depots_holding(struct store *st, const char *item_code,
			     const char *township_code, const char *depot_code, struct err *e)
{
	/* Same township first, then the county depot, then the others. */
	return store_rows(st, e,
			  "SELECT d.code AS depot_code, d.name AS depot, i.code AS item_code,"
			  " i.name AS item, i.unit, b.qty AS available FROM stock_balance b"
			  " JOIN depot d ON d.id = b.depot_id JOIN item i ON i.id = b.item_id"
			  " WHERE i.code = ?1 AND b.qty > 0 AND d.archived = 0 AND (?3 IS NULL OR"
			  " d.code = ?3) ORDER BY coalesce(d.township_code = ?2, 0) DESC,"
			  " d.level = 'county' DESC, d.code",
			  "sss", item_code, township_code, depot_code);
}

/* ---- plans and checklists ---- */

bool store_plan_version_id(struct store *st, const char *plan_key, const char *version,
			   char **id, struct err *e)
{
	return store_text(st, e, id, "SELECT id FROM plan WHERE plan_key = ? AND version = ?", "ss",
			  plan_key, version);
}

json_t *store_plan_latest(struct store *st, const char *key, struct err *e)
{
	return store_row(st, e,
			 "SELECT id, plan_key, version, title, source FROM plan WHERE archived = 0"
			 " AND (plan_key = ?1 OR id = ?1) ORDER BY created_hlc DESC LIMIT 1",
			 "s", key);
}

json_t *store_activations_matching(struct store *st, const char *handle, struct err *e)
{
	return store_rows(st, e,
			  "SELECT a.id, a.plan_id, p.plan_key, p.title, p.version, a.level, a.drill,"
			  " a.started_at, a.closed_at, a.summary, i.number AS incident"
			  " FROM plan_activation a JOIN plan p ON p.id = a.plan_id"
			  " LEFT JOIN incident i ON i.id = a.incident_id"
			  " WHERE substr(a.id, 1, length(?1)) = ?1 OR i.number = ?1"
			  " ORDER BY a.started_at DESC",
			  "s", handle);
}

bool store_plan_open_count(struct store *st, const char *incident_id, const char *plan_key,
			   int64_t *n, struct err *e)
{
	return store_int(st, e, n,
			 "SELECT count(*) FROM plan_activation a JOIN plan p ON p.id = a.plan_id"
			 " WHERE a.incident_id = ? AND p.plan_key = ? AND a.closed_at IS NULL",
			 "ss", incident_id, plan_key);
}

json_t *store_open_activation_ids(struct store *st, struct err *e)
{
	return store_rows(st, e, "SELECT id FROM plan_activation WHERE closed_at IS NULL", "");
}

json_t *q_open_activations(struct store *st, struct err *e)
{
	return store_rows(st, e,
			  "SELECT a.id, p.plan_key AS plan, p.title, a.level, a.drill,"
			  " i.number AS incident, a.started_at, (SELECT count(*) FROM checklist_item c"
			  " WHERE c.activation_id = a.id) AS items, (SELECT count(*) FROM"
			  " checklist_item c WHERE c.activation_id = a.id AND c.state <> 'open')"
			  " AS done FROM plan_activation a JOIN plan p ON p.id = a.plan_id"
			  " LEFT JOIN incident i ON i.id = a.incident_id WHERE a.closed_at IS NULL"
			  " ORDER BY a.started_at",
			  "");
}

json_t *q_plan_library(struct store *st, struct err *e)
{
	return store_rows(st, e,
			  "SELECT p.plan_key AS id, p.title, p.version, (SELECT count(*) FROM"
			  " plan_activation a WHERE a.plan_id IN (SELECT id FROM plan q"
			  " WHERE q.plan_key = p.plan_key) AND a.closed_at IS NULL) AS active"
			  " FROM plan p WHERE p.archived = 0 AND p.created_hlc = (SELECT"
			  " max(created_hlc) FROM plan q WHERE q.plan_key = p.plan_key)"
			  " ORDER BY p.plan_key",
			  "");
}

json_t *store_checklist(struct store *st, const char *activation_id, struct err *e)
{
	return store_rows(st, e,
			  "SELECT c.id, c.item_key, c.parent_key, c.level, c.ord, c.text, c.unit,"
			  " c.within_min, c.after_key, c.state, c.reason, c.done_at, c.done_by,"
			  " c.started_at, (SELECT a.done_at FROM checklist_item a"
			  " WHERE a.activation_id = c.activation_id AND a.item_key = c.after_key)"
			  " AS after_done_at FROM checklist_item c WHERE c.activation_id = ?"
			  " AND c.archived = 0 ORDER BY c.ord",
			  "s", activation_id);
}

bool store_checklist_next_ord(struct store *st, const char *activation_id, int64_t *ord,
			      struct err *e)
{
	return store_int(st, e, ord,
			 "SELECT coalesce(max(ord), -1) + 1 FROM checklist_item WHERE activation_id = ?",
			 "s", activation_id);
}

bool store_checklist_open_count(struct store *st, int64_t *n, struct err *e)
{
	return store_int(st, e, n,
			 "SELECT count(*) FROM checklist_item c JOIN plan_activation a"
			 " ON a.id = c.activation_id WHERE c.state = 'open' AND c.archived = 0"
			 " AND a.closed_at IS NULL",
			 "");
}

/* ---- the duty desk ---- */

json_t *store_tasks_prefix(struct store *st, const char *prefix, struct err *e)
{
	return store_rows(st, e,
			  "SELECT id, done_at FROM task WHERE substr(id, 1, length(?1)) = ?1"
			  " AND archived = 0 LIMIT 2",
			  "s", prefix);
}
