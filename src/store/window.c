/* Windowed (keyset) reads for the console's lists: only the rows on
 * screen are read, whatever the table's size. No OFFSET and no count(*):
 * both cost tens of milliseconds on a million rows. */
#include "dutydesk/i18n.h"
#include "store_impl.h"

#include <stdlib.h>
#include <string.h>

#include "dutydesk/query.h"

/* The SQL of a window read. Fragments come from the list's static
 * definition (never from input); values are bound. */
static char *window_sql(const struct list_view *q, const char *sort, bool desc_order,
			bool have_key, int dir, bool search, const char *where)
{
	/* Display order is (sort, id) ascending, or descending when desc_order.
	 * Reading backwards flips both the comparison and the order. */
	bool desc = desc_order != (dir < 0);
	struct strbuf sb;
	sb_init(&sb);
	sb_printf(&sb, "SELECT %s, %s AS _s, %s AS _id FROM %s WHERE 1", q->cols, sort, q->id,
		  q->from);
	if (!str_empty(q->where))
		sb_printf(&sb, " AND (%s)", q->where);
	if (!str_empty(where))
		sb_printf(&sb, " AND (%s)", where);
	if (have_key)
		sb_printf(&sb, " AND (%s, %s) %s (?101, ?102)", sort, q->id, desc ? "<" : ">");
	if (search)
		sb_printf(&sb, " AND instr(%s, ?103) > 0", q->search);
	sb_printf(&sb, " ORDER BY %s %s, %s %s LIMIT ?104", sort, desc ? "DESC" : "ASC", q->id,
		  desc ? "DESC" : "ASC");
	return sb_take(&sb);
}

json_t *q_window(struct store *st, enum list_id list, const char *sort, bool desc,
		 const struct list_cond *cond, json_t *key, int dir, int n, const char *search,
		 struct err *e)
{
	const struct list_view *q = list_view(list);
	if (!q) {
		err_set(e, ERR_FAIL, _("no list %d"), (int)list);
		return NULL;
	}
	const char *by = list_named(q->sorts, sort);
	if (!by)
		by = q->sorts[0].sql;
	bool have_key = key && json_is_array(key) && json_array_size(key) == 2;
	bool searching = !str_empty(search) && q->search;
	char *sql = window_sql(q, by, desc, have_key, dir, searching, list_cond_where(cond));
	sqlite3_stmt *s = store_prep(st, sql, e);
	free(sql);
	if (!s)
		return NULL;
	size_t i;
	json_t *v;
	json_array_foreach(list_cond_binds(cond), i, v)
		store_bind_json(s, (int)i + 1, v);
	if (have_key) {
		store_bind_json(s, 101, json_array_get(key, 0));
		store_bind_json(s, 102, json_array_get(key, 1));
	}
	if (searching)
		sqlite3_bind_text(s, 103, search, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, 104, n);

	json_t *rows = json_array();
	int rc, nc = sqlite3_column_count(s);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		json_t *o = json_object();
		for (int c = 0; c < nc - 2; c++)
			json_object_set_new(o, sqlite3_column_name(s, c), store_column_json(s, c));
		json_object_set_new(o, "_k", json_pack("[o, o]", store_column_json(s, nc - 2),
						       store_column_json(s, nc - 1)));
		if (dir < 0)
			json_array_insert_new(rows, 0, o);
		else
			json_array_append_new(rows, o);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		json_decref(rows);
		store_sql_error(st, e, "reading a list");
		return NULL;
	}
	return rows;
}

bool store_data_version(struct store *st, int64_t *v)
{
	store_reopen_if_changed(st);
	if (!st->db || !store_int(st, NULL, v, "PRAGMA data_version", ""))
		return false;
	*v += st->reopens << 32; /* a new connection counts afresh */
	return true;
}

int64_t store_generation(struct store *st)
{
	int64_t v = 0;
	store_data_version(st, &v);
	/* data_version moves with other connections' commits, total_changes
	 * with this one's: together they change whenever the data may have. */
	return v * 1000003 + (int64_t)sqlite3_total_changes64(st->db);
}
