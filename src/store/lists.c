/* What the verbs read and write that no model operation covers (the plan
 * library, open responses, parked ops, export rows, the node's op counter)
 * and the candidates Tab offers on the console's ':' line. */
#include "store_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dutydesk/query.h"

bool q_division_name(struct store *st, const char *code, char **name, struct err *e)
{
	*name = NULL;
	return store_text(st, e, name,
			  "SELECT name FROM division WHERE code = coalesce(nullif(?, ''),"
			  " (SELECT code FROM division WHERE level = 'county'))",
			  "s", code ? code : "");
}

bool store_op_seq(struct store *st, int64_t *seq, struct err *e)
{
	*seq = 0;
	return store_int(st, e, seq, "SELECT op_seq FROM node", "");
}

bool store_outbox_drop_after(struct store *st, int64_t seq, struct err *e)
{
	return store_exec(st, e, "DELETE FROM outbox WHERE op_seq > ?", "i", seq);
}

json_t *q_plan_library(struct store *st, struct err *e)
{
	return store_rows(st, e,
		"SELECT p.plan_key AS id, p.title, p.version, (SELECT count(*) FROM plan_activation a"
		" WHERE a.plan_id IN (SELECT id FROM plan q WHERE q.plan_key = p.plan_key)"
		" AND a.closed_at IS NULL) AS active FROM plan p WHERE p.archived = 0"
		" AND p.created_hlc = (SELECT max(created_hlc) FROM plan q WHERE q.plan_key = p.plan_key)"
		" ORDER BY p.plan_key", "");
}

json_t *q_open_activations(struct store *st, struct err *e)
{
	return store_rows(st, e,
		"SELECT a.id, p.plan_key AS plan, p.title, a.level, a.drill, i.number AS incident,"
		" a.started_at, (SELECT count(*) FROM checklist_item c WHERE c.activation_id = a.id) AS items,"
		" (SELECT count(*) FROM checklist_item c WHERE c.activation_id = a.id AND c.state <> 'open')"
		" AS done FROM plan_activation a JOIN plan p ON p.id = a.plan_id"
		" LEFT JOIN incident i ON i.id = a.incident_id WHERE a.closed_at IS NULL"
		" ORDER BY a.started_at", "");
}

json_t *q_parked_ops(struct store *st, struct err *e)
{
	return store_rows(st, e,
			  "SELECT op_id, tbl AS \"table\", row_id, result FROM outbox"
			  " WHERE state = 'parked' ORDER BY op_seq", "");
}

bool q_conflict_state(struct store *st, int64_t id, int64_t *state, struct err *e)
{
	return store_int(st, e, state,
			 "SELECT coalesce((SELECT (reviewed != 0) + 1 FROM sync_conflict WHERE id = ?), 0)",
			 "i", id);
}

json_t *q_contacts_export(struct store *st, struct err *e)
{
	return store_rows(st, e,
			  "SELECT x.name, x.org, x.post, x.phone, t.name AS township FROM contact x"
			  " LEFT JOIN division t ON t.code = x.township_code WHERE x.archived = 0"
			  " ORDER BY x.rowid", "");
}

json_t *q_stock_lots_export(struct store *st, struct err *e)
{
	return store_rows(st, e,
			  "SELECT d.code AS depot, i.code AS item, l.qty, l.batch, l.expiry"
			  " FROM stock_lot l JOIN depot d ON d.id = l.depot_id"
			  " JOIN item i ON i.id = l.item_id WHERE l.qty > 0 ORDER BY 1, 2, 5", "");
}

/* ?1 is what was typed, ?2 the limit; each query gives one column, v.
 * "Starts with" is substr(x, 1, length(?1)) = ?1: no LIKE wildcards to
 * escape, and case kept. */
#define STARTS(x) "substr(" x ", 1, length(?1)) = ?1"

json_t *q_candidates(struct store *st, const char *what, const char *prefix, int limit,
		     struct err *e)
{
	static const struct {
		const char *what, *sql;
	} q[] = {
		/* numbers that start with it first, then those that contain it
		 * ("0007"), newest first */
		{"incident", "SELECT number AS v FROM incident WHERE archived = 0"
			     " AND instr(number, ?1) > 0 ORDER BY " STARTS("number") " DESC,"
			     " received_at DESC LIMIT ?2"},
		{"township", "SELECT CASE WHEN " STARTS("name") " THEN name ELSE code END AS v"
			     " FROM division WHERE level = 'township'"
			     " AND (" STARTS("name") " OR " STARTS("code") ") ORDER BY code LIMIT ?2"},
		{"village", "SELECT CASE WHEN " STARTS("name") " THEN name ELSE code END AS v"
			    " FROM division WHERE level IN ('village', 'community')"
			    " AND (" STARTS("name") " OR " STARTS("code") ") ORDER BY code LIMIT ?2"},
		{"hazard", "SELECT code AS v FROM hazard WHERE archived = 0 AND " STARTS("code")
			   " ORDER BY code LIMIT ?2"},
		{"depot", "SELECT code AS v FROM depot WHERE archived = 0 AND " STARTS("code")
			  " ORDER BY code LIMIT ?2"},
		{"item", "SELECT code AS v FROM item WHERE archived = 0 AND " STARTS("code")
			 " ORDER BY code LIMIT ?2"},
		{"type", "SELECT CASE WHEN " STARTS("name_zh") " THEN name_zh ELSE id END AS v"
			 " FROM incident_type WHERE " STARTS("id") " OR " STARTS("name_zh")
			 " ORDER BY class, id LIMIT ?2"},
		{"plan", "SELECT DISTINCT plan_key AS v FROM plan WHERE archived = 0 AND "
			 STARTS("plan_key") " ORDER BY plan_key LIMIT ?2"},
		{"activation", "SELECT id AS v FROM plan_activation WHERE closed_at IS NULL AND "
			       STARTS("id") " ORDER BY started_at DESC LIMIT ?2"},
	};
	for (size_t i = 0; i < ARRAY_LEN(q); i++) {
		if (strcmp(q[i].what, what) != 0)
			continue;
		json_t *rows = store_rows(st, e, q[i].sql, "si", prefix ? prefix : "", (int64_t)limit);
		if (!rows)
			return NULL;
		json_t *out = json_array();
		size_t k;
		json_t *r;
		json_array_foreach(rows, k, r) {
			json_t *v = json_object_get(r, "v");
			if (json_is_string(v))
				json_array_append(out, v);
		}
		json_decref(rows);
		return out;
	}
	err_set(e, ERR_FAIL, "no candidates for %s", what);
	return NULL;
}
