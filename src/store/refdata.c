/* Reference tables that every database ships with and that never sync:
 * administrative divisions and incident types. */
#include "store_impl.h"

bool store_put_division(struct store *st, const char *code, const char *name, const char *level,
			const char *parent, bool illustrative, struct err *e)
{
	return store_exec(st, e,
			  "INSERT INTO division (code, name, level, parent_code, illustrative)"
			  " VALUES (?, ?, ?, ?, ?) ON CONFLICT (code) DO UPDATE SET name = excluded.name,"
			  " level = excluded.level, parent_code = excluded.parent_code,"
			  " illustrative = excluded.illustrative",
			  "ssssi", code, name, level, str_empty(parent) ? NULL : parent,
			  (int64_t)illustrative);
}

bool store_put_divisions(struct store *st, json_t *rows, struct err *e)
{
	size_t i;
	json_t *d;
	json_array_foreach(rows, i, d) {
		if (!store_put_division(st, json_string_value(json_object_get(d, "code")),
					json_string_value(json_object_get(d, "name")),
					json_string_value(json_object_get(d, "level")),
					json_string_value(json_object_get(d, "parent_code")),
					json_integer_value(json_object_get(d, "illustrative")) != 0, e))
			return false;
	}
	return true;
}

bool store_learn_division(struct store *st, const char *code, const char *name, const char *level,
			  const char *parent, bool illustrative, bool *kept, struct err *e)
{
	int64_t n = 0;
	if (!store_int(st, e, &n, "SELECT count(*) FROM division WHERE code = ? AND level <> ?", "ss",
		       code, level))
		return false;
	*kept = n > 0;
	return *kept || store_put_division(st, code, name, level, parent, illustrative, e);
}

bool store_divisions_seen(struct store *st, char **seen, struct err *e)
{
	return store_text(st, e, seen, "SELECT divisions FROM sync_state", "");
}

bool store_set_divisions_seen(struct store *st, const char *seen, struct err *e)
{
	return store_exec(st, e, "UPDATE sync_state SET divisions = ?", "s", seen);
}

json_t *store_divisions(struct store *st, const char *under, struct err *e)
{
	return store_rows(st, e,
			  "WITH RECURSIVE d(code, depth) AS (SELECT code, 0 FROM division"
			  " WHERE (?1 IS NULL AND parent_code IS NULL) OR code = ?1"
			  " UNION ALL SELECT c.code, d.depth + 1 FROM division c JOIN d"
			  " ON c.parent_code = d.code)"
			  " SELECT x.code, x.name, x.level, x.parent_code, x.illustrative"
			  " FROM d JOIN division x ON x.code = d.code ORDER BY d.depth, x.code",
			  "s", under);
}

bool store_put_incident_type(struct store *st, const char *id, const char *cls,
			     const char *name_zh, const char *name_en, struct err *e)
{
	return store_exec(st, e,
			  "INSERT INTO incident_type (id, class, name_zh, name_en) VALUES (?, ?, ?, ?)"
			  " ON CONFLICT (id) DO UPDATE SET class = excluded.class,"
			  " name_zh = excluded.name_zh, name_en = excluded.name_en",
			  "ssss", id, cls, name_zh, name_en);
}

bool store_is_empty(struct store *st, bool *empty, struct err *e)
{
	int64_t n;
	if (!store_int(st, e, &n,
		       "SELECT (SELECT count(*) FROM incident) + (SELECT count(*) FROM hazard)"
		       " + (SELECT count(*) FROM depot) + (SELECT count(*) FROM team)", ""))
		return false;
	*empty = n == 0;
	return true;
}
