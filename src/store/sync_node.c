/* Sync bookkeeping on a node: the clock, ops seen, field versions,
 * canonical rows, the outbox, the inbox, the sync position and conflicts
 * (see dutydesk/syncstore.h). Statements only: src/sync/ decides. */
#include "store_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dutydesk/dtime.h"
#include "dutydesk/syncstore.h"

/* ---- the node's clock ---- */

bool store_clock_merge(struct store *st, const char *hlc, struct err *e)
{
	return store_exec(st, e, "UPDATE node SET hlc = ?1 WHERE hlc < ?1", "s", hlc);
}

bool store_clock_set(struct store *st, const char *hlc, struct err *e)
{
	return store_exec(st, e, "UPDATE node SET hlc = ?", "s", hlc);
}

char *store_clock_text(struct store *st)
{
	char *hlc = NULL;
	store_text(st, NULL, &hlc, "SELECT hlc FROM node", "");
	return hlc;
}

bool store_self(struct store *st, char node_id[64], char role[16], struct err *e)
{
	json_t *self = store_row(st, e, "SELECT node_id, role FROM node", "");
	if (!self)
		return false;
	snprintf(node_id, 64, "%s", json_is_object(self)
					    ? json_string_value(json_object_get(self, "node_id"))
					    : "");
	snprintf(role, 16, "%s", json_is_object(self)
					 ? json_string_value(json_object_get(self, "role"))
					 : "");
	json_decref(self);
	return true;
}

bool store_applying(struct store *st, bool on, struct err *e)
{
	/* Each op is applied under a savepoint, so that a refused one leaves
	 * nothing: SQLite keeps the pages the op touches in a statement
	 * journal, a temporary file past 64 KiB, and it grows through the
	 * whole transaction: 6 to 10 pages written per op applied. In memory
	 * it is emptied at each release. It only serves a rollback inside the
	 * open transaction; what a crash leaves is the WAL's business alone.
	 * (A larger page cache was tried: no faster.) */
	return store_script(st, on ? "PRAGMA foreign_keys = OFF; PRAGMA temp_store = MEMORY;"
				   : "PRAGMA foreign_keys = ON; PRAGMA temp_store = DEFAULT;", e);
}

/* ---- ops seen ---- */

bool store_op_seen(struct store *st, const char *op_id, bool *seen, struct err *e)
{
	int64_t n;
	if (!store_int(st, e, &n, "SELECT count(*) FROM sync_seen WHERE op_id = ?", "s", op_id))
		return false;
	*seen = n > 0;
	return true;
}

bool store_op_mark_seen(struct store *st, const char *op_id, struct err *e)
{
	return store_exec(st, e, "INSERT INTO sync_seen (op_id) VALUES (?) ON CONFLICT DO NOTHING",
			  "s", op_id);
}

/* ---- per-field versions ---- */

json_t *store_field_version(struct store *st, const char *tbl, const char *row_id,
			    const char *field, struct err *e)
{
	return store_row(st, e,
			 "SELECT hlc, node FROM field_version WHERE tbl = ? AND row_id = ?"
			 " AND field = ?",
			 "sss", tbl, row_id, field);
}

bool store_field_version_keep(struct store *st, const char *tbl, const char *row_id,
			      const char *field, const char *hlc, const char *node, struct err *e)
{
	return store_exec(st, e,
			  "INSERT INTO field_version (tbl, row_id, field, hlc, node)"
			  " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
			  "sssss", tbl, row_id, field, hlc, node);
}

bool store_field_version_restamp(struct store *st, const char *tbl, const char *row_id,
				 const char *old_hlc, const char *new_hlc, const char *node,
				 struct err *e)
{
	return store_exec(st, e,
			  "UPDATE field_version SET hlc = ? WHERE tbl = ? AND row_id = ?"
			  " AND hlc = ? AND node = ?",
			  "sssss", new_hlc, tbl, row_id, old_hlc, node);
}

json_t *store_field_versions(struct store *st, const char *township, struct err *e)
{
	if (str_empty(township))
		return store_rows(st, e,
				  "SELECT tbl, row_id, field, hlc, node FROM field_version"
				  " ORDER BY tbl, row_id, field",
				  "");
	return store_rows(st, e,
			  "SELECT f.tbl, f.row_id, f.field, f.hlc, f.node"
			  " FROM field_version f JOIN row_scope s ON s.tbl = f.tbl AND"
			  " s.row_id = f.row_id"
			  " WHERE (s.owner IN ('*', substr(?1, 1, 2), substr(?1, 1, 4),"
			  " substr(?1, 1, 6)) OR (s.owner >= ?1 AND s.owner < ?1 || ':'))"
			  " ORDER BY f.tbl, f.row_id, f.field",
			  "s", township);
}

/* ---- canonical rows ---- */

/* The canonical column list of t (see syncstore.h). */
static void canon_cols(const struct table *t, bool stamps, struct strbuf *sb)
{
	if (t->append_only)
		sb_puts(sb, stamps ? "id, origin_node, hlc, created_at, actor"
				   : "id, origin_node, created_at, actor");
	else if (stamps)
		sb_puts(sb, "id, origin_node, created_hlc, hlc, archived");
	else
		sb_puts(sb, "id, archived");
	for (size_t i = 0; i < t->ncols; i++)
		sb_printf(sb, ", %s", t->cols[i].name);
}

json_t *store_canon_rows(struct store *st, const struct table *t, const char *township,
			 bool stamps, struct err *e)
{
	struct strbuf sql;
	sb_init(&sql);
	sb_puts(&sql, "SELECT ");
	canon_cols(t, stamps, &sql);
	sb_printf(&sql, " FROM %s", t->name);
	/* A scope: rows it owns (a township's, or an area's: every owner
	 * beginning with its code; codes are digits, so those from the code up
	 * to before the code and ':', a range on the owner index), those of
	 * the areas it lies in (scope_reads_from_above) or county-wide ones. */
	if (!str_empty(township))
		sb_puts(&sql, " WHERE id IN (SELECT row_id FROM row_scope WHERE tbl = ?1"
			      " AND (owner IN ('*', substr(?2, 1, 2), substr(?2, 1, 4),"
			      " substr(?2, 1, 6)) OR (owner >= ?2 AND owner < ?2 || ':')))");
	sb_puts(&sql, " ORDER BY id");
	json_t *rows = str_empty(township) ? store_rows(st, e, sql.buf, "")
					    : store_rows(st, e, sql.buf, "ss", t->name, township);
	sb_finish(&sql);
	return rows;
}

bool store_canon_insert(struct store *st, const struct table *t, json_t *row, struct err *e)
{
	const char *id = json_string_value(json_object_get(row, "id"));
	struct strbuf cols;
	sb_init(&cols);
	canon_cols(t, true, &cols);
	struct strbuf q;
	sb_init(&q);
	sb_printf(&q, "INSERT INTO %s (%s) VALUES (?", t->name, cols.buf);
	size_t nc = json_object_size(row);
	for (size_t c = 1; c < nc; c++)
		sb_puts(&q, ", ?");
	sb_puts(&q, ")");
	/* Bound in the canonical order. */
	json_t *vals = json_array();
	char *save, *tok = strtok_r(cols.buf, ", ", &save);
	for (; tok; tok = strtok_r(NULL, ", ", &save))
		json_array_append(vals, json_object_get(row, tok) ? json_object_get(row, tok)
								 : json_null());
	sb_finish(&cols);
	bool ok;
	if (json_array_size(vals) != nc) {
		ok = err_set(e, ERR_FAIL, "snapshot: %s %s: unexpected columns", t->name,
			     id ? id : "?");
	} else {
		sqlite3_stmt *s = store_prep(st, q.buf, e);
		ok = s != NULL;
		if (ok) {
			size_t i;
			json_t *v;
			json_array_foreach(vals, i, v)
				store_bind_json(s, (int)i + 1, v);
			int rc = sqlite3_step(s);
			sqlite3_reset(s);
			ok = rc == SQLITE_DONE ? true : store_sql_error(st, e, "snapshot");
		}
	}
	json_decref(vals);
	sb_finish(&q);
	return ok;
}

/* ---- the outbox ---- */

json_t *store_outbox_pending(struct store *st, int64_t limit, struct err *e)
{
	return store_rows(st, e,
			  "SELECT op_id, body FROM outbox WHERE state = 'pending' ORDER BY op_seq"
			  " LIMIT ?",
			  "i", limit);
}

json_t *store_outbox_pending_rows(struct store *st, struct err *e)
{
	return store_rows(st, e,
			  "SELECT op_id, tbl, row_id, hlc, body FROM outbox WHERE state = 'pending'"
			  " ORDER BY op_seq",
			  "");
}

json_t *store_outbox_all(struct store *st, struct err *e)
{
	return store_rows(st, e,
			  "SELECT op_id, hlc, tbl, row_id, body, state FROM outbox ORDER BY op_seq", "");
}

json_t *store_outbox_kept(struct store *st, struct err *e)
{
	return store_rows(st, e,
			  "SELECT body FROM outbox WHERE state IN ('pending','acked') ORDER BY op_seq",
			  "");
}

/* The outbox rows matching where (a fixed text), as status lists show them. */
static json_t *outbox_listed(struct store *st, const char *where, struct err *e)
{
	char sql[256];
	snprintf(sql, sizeof sql,
		 "SELECT op_id, tbl AS \"table\", row_id, result FROM outbox WHERE %s"
		 " ORDER BY op_seq", where);
	return store_rows(st, e, sql, "");
}

json_t *store_outbox_parked(struct store *st, struct err *e)
{
	return outbox_listed(st, "state = 'parked'", e);
}

bool store_outbox_count(struct store *st, const char *state, int64_t *n, struct err *e)
{
	return store_int(st, e, n, "SELECT count(*) FROM outbox WHERE state = ?", "s", state);
}

bool store_outbox_unsent(struct store *st, const char *tbl, const char *row_id, const char *hlc,
			 bool *yes, struct err *e)
{
	int64_t n;
	if (!store_int(st, e, &n,
		       "SELECT count(*) FROM outbox WHERE tbl = ? AND row_id = ? AND hlc = ?"
		       " AND (state = 'pending' OR result = 'conflict_recorded')",
		       "sss", tbl, row_id, hlc))
		return false;
	*yes = n > 0;
	return true;
}

bool store_outbox_ack(struct store *st, const char *op_id, json_t *server_seq,
		      const char *result, struct err *e)
{
	return store_exec(st, e,
			  "UPDATE outbox SET state = 'acked', server_seq = ?, result = ?"
			  " WHERE op_id = ? AND state = 'pending'",
			  "jss", server_seq, result, op_id);
}

bool store_outbox_park(struct store *st, const char *op_id, const char *reason, struct err *e)
{
	return store_exec(st, e,
			  "UPDATE outbox SET state = 'parked', result = ?"
			  " WHERE op_id = ? AND state = 'pending'",
			  "ss", reason, op_id);
}

bool store_outbox_note(struct store *st, const char *op_id, const char *result, struct err *e)
{
	return store_exec(st, e, "UPDATE outbox SET result = ? WHERE op_id = ?", "ss", result,
			  op_id);
}

bool store_outbox_restamp(struct store *st, const char *op_id, const char *hlc,
			  const char *body, struct err *e)
{
	return store_exec(st, e,
			  "UPDATE outbox SET hlc = ?, body = ?, result = NULL WHERE op_id = ?", "sss",
			  hlc, body, op_id);
}

/* Acked ops the hub answered "pending" keep that result while they wait
 * there; "given up: REASON" once the hub gave them up; "taken later" once
 * they no longer wait (applied when their record came, or cleared). */
bool store_outbox_hub_waiting(struct store *st, json_t *list, struct err *e)
{
	char *text = json_dumps(list, JSON_COMPACT);
	/* Both find their rows by index (outbox_hub_waiting, then op_id: the
	 * "+" keeps the planner off outbox_state, which walks every acked
	 * op), so a push costs the same after a million ops as after ten. */
	bool ok = text &&
		  store_exec(st, e,
			     "UPDATE outbox SET result = 'taken later' WHERE state = 'acked'"
			     " AND (result = 'pending' OR result LIKE 'given up: %')"
			     " AND op_id NOT IN"
			     " (SELECT json_extract(value, '$.op_id') FROM json_each(?))",
			     "s", text) &&
		  (json_array_size(list) == 0 ||
		   store_exec(st, e,
			      "UPDATE outbox SET result = 'given up: ' || w.why FROM"
			      " (SELECT json_extract(value, '$.op_id') AS id,"
			      " json_extract(value, '$.reason') AS why FROM json_each(?)) w"
			      " WHERE outbox.op_id = w.id AND w.why IS NOT NULL"
			      " AND +outbox.state = 'acked'",
			      "s", text));
	free(text);
	return ok;
}

json_t *store_outbox_hub_waiting_rows(struct store *st, struct err *e)
{
	return outbox_listed(
		st, "state = 'acked' AND (result = 'pending' OR result LIKE 'given up: %')", e);
}

bool store_outbox_requeue_refused(struct store *st, int64_t *n, struct err *e)
{
	const char *which = " WHERE state = 'parked' OR (state = 'acked' AND result LIKE 'given up: %')";
	char count[160], update[220];
	snprintf(count, sizeof count, "SELECT count(*) FROM outbox%s", which);
	snprintf(update, sizeof update,
		 "UPDATE outbox SET state = 'pending', server_seq = NULL, result = NULL%s", which);
	return store_int(st, e, n, count, "") && store_exec(st, e, update, "");
}

bool store_outbox_requeue(struct store *st, struct err *e)
{
	return store_exec(st, e,
			  "UPDATE outbox SET state = 'pending', server_seq = NULL"
			  " WHERE state = 'acked'",
			  "");
}

bool store_op_seq(struct store *st, int64_t *seq, struct err *e)
{
	return store_int(st, e, seq, "SELECT op_seq FROM node", "");
}

bool store_op_seq_raise(struct store *st, int64_t seq, struct err *e)
{
	return store_exec(st, e, "UPDATE node SET op_seq = max(op_seq, ?)", "i", seq);
}

bool store_outbox_has(struct store *st, const char *op_id, bool *yes, struct err *e)
{
	int64_t n;
	if (!store_int(st, e, &n, "SELECT count(*) FROM outbox WHERE op_id = ?", "s", op_id))
		return false;
	*yes = n > 0;
	return true;
}

/* An incident inserted by one of the pending ops: its number moves from
 * the old prefix to the new one, in the row and in the op. */
static bool renumber_incident(struct store *st, json_t *op, const char *old_prefix,
			      const char *new_prefix, struct err *e)
{
	json_t *fields = json_object_get(op, "fields");
	const char *num = json_string_value(json_object_get(fields, "number"));
	size_t ol = strlen(old_prefix);
	if (!num || strncmp(num, old_prefix, ol) != 0 || num[ol] != '-')
		return true;
	char *nn = xasprintf("%s%s", new_prefix, num + ol);
	bool ok = store_exec(st, e, "UPDATE incident SET number = ? WHERE id = ? AND number = ?",
			     "sss", nn, json_string_value(json_object_get(op, "id")), num);
	json_object_set_new(fields, "number", json_string(nn)); /* num goes with the old value */
	free(nn);
	return ok;
}

bool store_node_take_incarnation(struct store *st, int64_t incarnation, struct err *e)
{
	struct node_info ni;
	if (!store_node(st, &ni, e))
		return false;
	char old_prefix[96], new_prefix[96];
	if (ni.incarnation > 0)
		snprintf(old_prefix, sizeof old_prefix, "%s.%lld", ni.number_prefix,
			 (long long)ni.incarnation);
	else
		snprintf(old_prefix, sizeof old_prefix, "%s", ni.number_prefix);
	snprintf(new_prefix, sizeof new_prefix, "%s.%lld", ni.number_prefix, (long long)incarnation);
	json_t *rows = store_rows(st, e,
				  "SELECT op_seq, op_id, tbl, row_id, body FROM outbox"
				  " WHERE state = 'pending'"
				  " ORDER BY op_seq",
				  "");
	bool ok = rows != NULL &&
		  store_exec(st, e, "UPDATE node SET incarnation = ?", "i", incarnation);
	size_t i;
	json_t *r;
	json_array_foreach(ok ? rows : NULL, i, r) {
		const char *old = json_string_value(json_object_get(r, "op_id"));
		json_t *op = json_loads(json_string_value(json_object_get(r, "body")), 0, NULL);
		if (!op) {
			ok = err_set(e, ERR_FAIL, "outbox op %s: its body does not parse", old);
			break;
		}
		char nid[96];
		store_op_id(nid, sizeof nid, ni.node_id, incarnation,
			    json_integer_value(json_object_get(r, "op_seq")));
		json_object_set_new(op, "op_id", json_string(nid));
		if (str_eq(json_string_value(json_object_get(r, "tbl")), "incident") &&
		    str_eq(json_string_value(json_object_get(op, "kind")), "insert"))
			ok = renumber_incident(st, op, old_prefix, new_prefix, e);
		char *body = json_dumps(op, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(op);
		/* The audit trail is append-only: a line of its own says so. */
		json_t *was = json_pack("{s:s}", "was", old);
		ok = ok &&
		     store_exec(st, e, "UPDATE outbox SET op_id = ?, body = ?, result = NULL"
				" WHERE op_id = ?", "sss", nid, body, old) &&
		     store_audit_add(st, dd_now(), ni.node_id, "sync", nid,
				     json_string_value(json_object_get(r, "tbl")),
				     json_string_value(json_object_get(r, "row_id")), "renumber",
				     was, e);
		json_decref(was);
		free(body);
		if (!ok)
			break;
	}
	json_decref(rows);
	return ok && store_exec(st, e, "UPDATE sync_state SET cursor = 0, refill = 1", "");
}

bool store_outbox_forget_after(struct store *st, int64_t seq, struct err *e)
{
	return store_exec(st, e, "DELETE FROM outbox WHERE op_seq > ?", "i", seq);
}

/* ---- the inbox ---- */

bool store_inbox_put(struct store *st, const char *op_id, const char *tbl, const char *row_id,
		     json_t *op, const char *pusher, int64_t at, struct err *e)
{
	char *body = json_dumps(op, JSON_COMPACT | JSON_SORT_KEYS);
	bool ok = store_exec(st, e,
			     "INSERT INTO sync_inbox (op_id, tbl, row_id, body, pusher, received_at)"
			     " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (op_id) DO NOTHING",
			     "sssssi", op_id, tbl, row_id, body, pusher, at);
	free(body);
	return ok;
}

bool store_inbox_refuse(struct store *st, json_t *op, const char *reason, int64_t at,
			struct err *e)
{
	char *body = json_dumps(op, JSON_COMPACT | JSON_SORT_KEYS);
	const char *op_id = json_string_value(json_object_get(op, "op_id"));
	bool ok = store_exec(st, e,
			     "INSERT INTO sync_inbox (op_id, tbl, row_id, body, pusher, received_at,"
			     " reason) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (op_id) DO UPDATE SET"
			     " reason = excluded.reason",
			     "sssssis", op_id ? op_id : "?",
			     json_string_value(json_object_get(op, "table")),
			     json_string_value(json_object_get(op, "id")), body,
			     json_string_value(json_object_get(op, "node")), at, reason);
	free(body);
	return ok;
}

json_t *store_inbox_waiting(struct store *st, const char *tbl, const char *row_id,
			    struct err *e)
{
	/* One row's by its index: a pull asks after each record it inserts. */
	if (tbl)
		return store_rows(st, e,
				  "SELECT op_id, tbl, row_id, body, pusher FROM sync_inbox"
				  " WHERE tbl = ? AND row_id = ? AND reason IS NULL"
				  " ORDER BY received_at, op_id",
				  "ss", tbl, row_id);
	return store_rows(st, e,
			  "SELECT op_id, tbl, row_id, body, pusher FROM sync_inbox"
			  " WHERE reason IS NULL ORDER BY received_at, op_id",
			  "");
}

json_t *store_inbox_all(struct store *st, struct err *e)
{
	return store_rows(st, e,
			  "SELECT op_id, body, pusher FROM sync_inbox WHERE reason IS NULL"
			  " ORDER BY received_at, op_id", "");
}

json_t *store_inbox_of(struct store *st, const char *pusher, struct err *e)
{
	return store_rows(st, e,
			  "SELECT op_id, tbl, row_id, pusher, received_at, reason FROM sync_inbox"
			  " WHERE pusher IS NOT NULL AND (?1 IS NULL OR pusher = ?1)"
			  " ORDER BY pusher, received_at, op_id", "s", pusher);
}

bool store_inbox_count_of(struct store *st, const char *pusher, int64_t *n, struct err *e)
{
	return store_int(st, e, n,
			 "SELECT count(*) FROM sync_inbox WHERE pusher = ? AND reason IS NULL", "s",
			 pusher);
}

bool store_inbox_expire(struct store *st, int64_t before, const char *reason, int64_t *n,
			struct err *e)
{
	return store_int(st, e, n,
			 "SELECT count(*) FROM sync_inbox WHERE pusher IS NOT NULL AND reason IS NULL"
			 " AND received_at < ?", "i", before) &&
	       (*n == 0 || store_exec(st, e,
				      "UPDATE sync_inbox SET reason = ? WHERE pusher IS NOT NULL"
				      " AND reason IS NULL AND received_at < ?", "si", reason, before));
}

bool store_inbox_clear(struct store *st, const char *pusher, int64_t *n, struct err *e)
{
	return store_int(st, e, n, "SELECT count(*) FROM sync_inbox WHERE pusher = ?", "s",
			 pusher) &&
	       store_exec(st, e, "DELETE FROM sync_inbox WHERE pusher = ?", "s", pusher);
}

bool store_inbox_count(struct store *st, const char *op_id, int64_t *n, struct err *e)
{
	if (!op_id)
		return store_int(st, e, n, "SELECT count(*) FROM sync_inbox WHERE reason IS NULL",
				 "");
	return store_int(st, e, n,
			 "SELECT count(*) FROM sync_inbox WHERE op_id = ? AND reason IS NULL", "s",
			 op_id);
}

bool store_inbox_take(struct store *st, const char *op_id, struct err *e)
{
	return store_exec(st, e, "DELETE FROM sync_inbox WHERE op_id = ?", "s", op_id);
}

/* ---- the sync position ---- */

bool store_sync_epoch(struct store *st, char **epoch, struct err *e)
{
	return store_text(st, e, epoch, "SELECT hub_epoch FROM sync_state", "");
}

bool store_sync_cursor(struct store *st, int64_t *cursor, struct err *e)
{
	return store_int(st, e, cursor, "SELECT cursor FROM sync_state", "");
}

bool store_sync_set_epoch(struct store *st, const char *epoch, struct err *e)
{
	return store_exec(st, e, "UPDATE sync_state SET hub_epoch = ?", "s", epoch);
}

bool store_sync_set_cursor(struct store *st, int64_t cursor, struct err *e)
{
	return store_exec(st, e, "UPDATE sync_state SET cursor = ?", "i", cursor);
}

bool store_sync_set_position(struct store *st, int64_t cursor, const char *epoch,
			     struct err *e)
{
	return store_exec(st, e, "UPDATE sync_state SET cursor = ?, hub_epoch = ?", "is", cursor,
			  epoch);
}

bool store_sync_restart(struct store *st, const char *epoch, struct err *e)
{
	return store_exec(st, e, "UPDATE sync_state SET hub_epoch = ?, cursor = 0", "s", epoch);
}

bool store_sync_refill(struct store *st, bool *on, struct err *e)
{
	int64_t n;
	if (!store_int(st, e, &n, "SELECT refill FROM sync_state", ""))
		return false;
	*on = n != 0;
	return true;
}

bool store_sync_set_refill(struct store *st, bool on, struct err *e)
{
	return store_exec(st, e, "UPDATE sync_state SET refill = ?", "i", (int64_t)on);
}

void store_sync_note_attempt(struct store *st, int64_t at)
{
	store_exec(st, NULL, "UPDATE sync_state SET last_attempt = ?", "i", at);
}

void store_sync_note_success(struct store *st, int64_t at)
{
	store_exec(st, NULL,
		   "UPDATE sync_state SET last_success = ?, last_error = NULL, last_error_at = NULL",
		   "i", at);
}

void store_sync_note_error(struct store *st, const char *msg, int64_t at)
{
	store_exec(st, NULL, "UPDATE sync_state SET last_error = ?, last_error_at = ?", "si", msg,
		   at);
}

json_t *store_sync_status(struct store *st, struct err *e)
{
	return store_row(st, e,
			 "SELECT (SELECT count(*) FROM outbox WHERE state = 'pending') AS pending,"
			 " (SELECT count(*) FROM outbox WHERE state = 'parked') AS parked,"
			 " (SELECT count(*) FROM outbox WHERE state = 'acked') AS acked,"
			 " (SELECT count(*) FROM outbox WHERE state = 'acked' AND (result = 'pending'"
			 " OR result LIKE 'given up: %')) AS waiting_at_hub,"
			 " (SELECT count(*) FROM sync_inbox WHERE reason IS NULL) AS waiting,"
			 " (SELECT count(*) FROM sync_inbox WHERE reason IS NOT NULL) AS refused,"
			 " (SELECT count(*) FROM sync_conflict WHERE reviewed = 0) AS conflicts,"
			 " last_success, last_error, last_error_at, last_attempt, cursor, hub_epoch,"
			 " (SELECT incarnation FROM node) AS incarnation"
			 " FROM sync_state",
			 "");
}

/* ---- conflicts ---- */

bool store_conflict_add(struct store *st, const char *tbl, const char *row_id,
			const char *field, json_t *kept, json_t *lost, const char *lost_hlc,
			const char *lost_node, int64_t at, struct err *e)
{
	char *kv = json_dumps(kept ? kept : json_null(), JSON_ENCODE_ANY | JSON_COMPACT);
	char *lv = json_dumps(lost ? lost : json_null(), JSON_ENCODE_ANY | JSON_COMPACT);
	bool ok = store_exec(st, e,
			     "INSERT INTO sync_conflict (tbl, row_id, field, kept, lost, lost_hlc,"
			     " lost_node, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			     "sssssssi", tbl, row_id, field, kv, lv, lost_hlc, lost_node, at);
	free(kv);
	free(lv);
	return ok;
}

json_t *store_conflicts(struct store *st, bool all, struct err *e)
{
	return store_rows(st, e,
			  "SELECT c.id, c.tbl, c.row_id, coalesce(CASE c.tbl"
			  " WHEN 'incident' THEN (SELECT number FROM incident WHERE id = c.row_id)"
			  " WHEN 'hazard' THEN (SELECT code FROM hazard WHERE id = c.row_id)"
			  " WHEN 'depot' THEN (SELECT code FROM depot WHERE id = c.row_id)"
			  " WHEN 'item' THEN (SELECT code FROM item WHERE id = c.row_id)"
			  " WHEN 'team' THEN (SELECT code FROM team WHERE id = c.row_id)"
			  " WHEN 'contact' THEN (SELECT name FROM contact WHERE id = c.row_id) END,"
			  " c.row_id) AS record,"
			  " c.field, c.kept, c.lost, c.lost_hlc, c.lost_node, c.at, c.reviewed"
			  " FROM sync_conflict c WHERE ? OR c.reviewed = 0 ORDER BY c.id DESC",
			  "i", (int64_t)all);
}

json_t *store_conflict_get(struct store *st, int64_t id, struct err *e)
{
	return store_row(st, e, "SELECT tbl, row_id, field, lost FROM sync_conflict WHERE id = ?",
			 "i", id);
}

bool store_conflict_state(struct store *st, int64_t id, int64_t *state, struct err *e)
{
	return store_int(st, e, state,
			 "SELECT coalesce((SELECT (reviewed != 0) + 1 FROM sync_conflict"
			 " WHERE id = ?), 0)",
			 "i", id);
}

bool store_conflict_reviewed(struct store *st, int64_t id, struct err *e)
{
	return store_exec(st, e, "UPDATE sync_conflict SET reviewed = 1 WHERE id = ?", "i", id);
}
