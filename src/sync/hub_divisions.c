/* A hub's divisions beyond the shipped county's: a city's or province's
 * counties, townships and villages, imported from a CSV file with the
 * columns of data/divisions.csv, so that `node add --township` accepts
 * their townships. Into the hub's own file, or for a PostgreSQL hub into
 * a shared table every hub process loads into its cache
 * (hub_store_divisions_put), read as a node reads its own (divisions_read).
 * Reference data: never logged as ops; nodes fetch them (GET /v1/divisions). */
#include "sync_impl.h"

#include "dutydesk/hubstore.h"
#include "dutydesk/model.h"

bool hub_divisions_import(struct hub *h, const char *file, int *added, int *changed,
			  struct err *e)
{
	*added = *changed = 0;
	struct hub_store *hs = hub_hubstore(h);
	/* Checked against what the hub knows under the write lock, another
	 * import included: one transaction, nothing written on a bad row. */
	if (!hub_store_begin(hs, e))
		return false;
	json_t *rows = hub_store_divisions_load(hs, e)
			       ? divisions_read(hub_store(h), file, "at the hub", added, changed, e)
			       : NULL;
	bool ok = rows && (json_array_size(rows) == 0 || hub_store_divisions_put(hs, rows, e));
	if (ok)
		ok = hub_store_commit(hs, e);
	else
		hub_store_rollback(hs);
	json_decref(rows);
	if (!ok)
		*added = *changed = 0;
	return ok;
}

json_t *hub_divisions_list(struct hub *h, const char *under, struct err *e)
{
	json_t *rows = store_divisions(hub_store(h), under, e);
	if (rows && under && json_array_size(rows) == 0) {
		json_decref(rows);
		err_set(e, ERR_FAIL, "no division %s at this hub (see dutydeskd divisions list)", under);
		return NULL;
	}
	return rows;
}
