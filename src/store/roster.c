/* The duty roster (值班表): this office's shifts as its monthly sheet
 * gives them. A local table (v_roster): written here in plain SQL, never
 * through the record writer, and never pushed. */
#include "store_impl.h"

#include "dutydesk/query.h"

#define ROSTER_COLS "day, shift, officer, leader, phone, notes, starts_at, ends_at"

json_t *q_roster_month(struct store *st, const char *month, struct err *e)
{
	return store_rows(st, e,
			  "SELECT " ROSTER_COLS " FROM roster WHERE day BETWEEN ?1 || '-01' AND ?1 || '-31'"
			  " ORDER BY starts_at",
			  "s", month);
}

json_t *q_roster_at(struct store *st, int64_t t, struct err *e)
{
	return store_row(st, e,
			 "SELECT " ROSTER_COLS " FROM roster WHERE starts_at <= ?1 AND ends_at > ?1"
			 " ORDER BY starts_at DESC LIMIT 1",
			 "i", t);
}

json_t *q_roster_from(struct store *st, int64_t t, int64_t now, struct err *e)
{
	return store_row(st, e,
			 "SELECT " ROSTER_COLS " FROM roster WHERE starts_at >= ?1 AND ends_at > ?2"
			 " ORDER BY starts_at LIMIT 1",
			 "ii", t, now);
}

bool q_roster_any(struct store *st, bool *any, struct err *e)
{
	int64_t n = 0;
	bool ok = store_int(st, e, &n, "SELECT EXISTS (SELECT 1 FROM roster)", "");
	*any = n != 0;
	return ok;
}

bool store_roster_clear_month(struct store *st, const char *month, struct err *e)
{
	return store_exec(st, e, "DELETE FROM roster WHERE day BETWEEN ?1 || '-01' AND ?1 || '-31'",
			  "s", month);
}

bool store_roster_put(struct store *st, json_t *r, const char *source, int64_t now,
		      struct err *e)
{
	return store_exec(st, e,
			  "INSERT INTO roster (" ROSTER_COLS ", source, imported_at)"
			  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			  "jjjjjjjjsi", json_object_get(r, "day"), json_object_get(r, "shift"),
			  json_object_get(r, "officer"), json_object_get(r, "leader"),
			  json_object_get(r, "phone"), json_object_get(r, "notes"),
			  json_object_get(r, "starts_at"), json_object_get(r, "ends_at"), source, now);
}

bool q_shift_started_within(struct store *st, int64_t from, int64_t to, bool *found,
			    struct err *e)
{
	int64_t n = 0;
	bool ok = store_int(st, e, &n,
			    "SELECT EXISTS (SELECT 1 FROM shift WHERE archived = 0"
			    " AND started_at >= ?1 AND started_at < ?2)",
			    "ii", from, to);
	*found = n != 0;
	return ok;
}
