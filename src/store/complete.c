/* The candidates Tab offers on the console's ':' line. */
#include "dutydesk/i18n.h"
#include "store_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dutydesk/query.h"

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
	err_set(e, ERR_FAIL, _("no candidates for %s"), what);
	return NULL;
}
