/* The record writer: the single path by which synced tables change. Each
 * write stamps the clock, keeps per-field versions, queues the op in the
 * outbox and appends to the audit trail, all inside the caller's
 * transaction, so that sync later only has to move outbox rows. */
#include "dutydesk/i18n.h"
#include "store_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dutydesk/dtime.h"
#include "dutydesk/scope.h"
#include "dutydesk/syncstore.h"

/* Every key of fields must be a column of t: names in SQL come only from
 * the static schema, never from input. "archived" (0/1, the stand-in for
 * DELETE) is a field of every mutable table and syncs like any other. */
static bool check_fields(const struct table *t, json_t *fields, struct err *e)
{
	const char *k;
	json_t *v;
	json_object_foreach(fields, k, v) {
		if (!t->append_only && str_eq(k, "archived")) {
			if (!json_is_integer(v) || (json_integer_value(v) != 0 &&
						    json_integer_value(v) != 1))
				return err_set(e, ERR_FAIL, _("%s.archived: 0 or 1"), t->name);
			continue;
		}
		const struct column *c = table_column(t, k);
		if (!c || !str_eq(c->name, k))
			return err_set(e, ERR_FAIL, _("%s has no field '%s'"), t->name, k);
	}
	return true;
}

static bool node_id(struct store *st, char out[64], struct err *e)
{
	struct node_info ni;
	if (!store_node(st, &ni, e))
		return false;
	snprintf(out, 64, "%s", ni.node_id);
	return true;
}

/* Queues the op and writes its audit line. */
static bool log_op(struct store *st, const struct table *t, const char *id, const char *kind,
		   const char *node, const char *hlc, int64_t now, json_t *fields, json_t *detail,
		   struct err *e)
{
	int64_t seq, inc;
	if (!store_exec(st, e, "UPDATE node SET op_seq = op_seq + 1", "") ||
	    !store_int(st, e, &seq, "SELECT op_seq FROM node", "") ||
	    !store_int(st, e, &inc, "SELECT incarnation FROM node", ""))
		return false;
	char op_id[96];
	store_op_id(op_id, sizeof op_id, node, inc, seq);
	json_t *op = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s?, s:I, s:O}", "op_id", op_id,
			       "node", node, "hlc", hlc, "table", t->name, "id", id, "kind", kind,
			       "actor", st->actor, "at", (json_int_t)now, "fields", fields);
	char *body = json_dumps(op, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(op);
	bool ok = store_exec(st, e,
			     "INSERT INTO outbox (op_seq, op_id, hlc, tbl, row_id, body) "
			     "VALUES (?, ?, ?, ?, ?, ?)",
			     "isssss", seq, op_id, hlc, t->name, id, body) &&
		  store_audit_add(st, now, node, st->actor, op_id, t->name, id, kind, detail, e);
	free(body);
	return ok;
}

void store_op_id(char *out, size_t len, const char *node, int64_t incarnation, int64_t seq)
{
	if (incarnation > 0)
		snprintf(out, len, "%s.%lld:%lld", node, (long long)incarnation, (long long)seq);
	else
		snprintf(out, len, "%s:%lld", node, (long long)seq);
}

bool store_audit_add(struct store *st, int64_t at, const char *node, const char *actor,
		     const char *op_id, const char *tbl, const char *row_id, const char *action,
		     json_t *detail, struct err *e)
{
	char *det = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
	bool ok = store_exec(st, e,
			     "INSERT INTO audit (at, node, actor, op_id, tbl, row_id, action, detail) "
			     "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			     "isssssss", at, node, actor, op_id, tbl, row_id, action, det);
	free(det);
	return ok;
}

bool store_field_version_set(struct store *st, const char *tbl, const char *row_id,
			     const char *field, const char *hlc, const char *node, struct err *e)
{
	return store_exec(st, e,
			  "INSERT INTO field_version (tbl, row_id, field, hlc, node) "
			  "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET "
			  "hlc = excluded.hlc, node = excluded.node",
			  "sssss", tbl, row_id, field, hlc, node);
}

/* Turns a constraint failure into words about the record. */
static bool write_error(struct store *st, const struct table *t, struct err *e)
{
	int code = sqlite3_extended_errcode(st->db);
	const char *msg = sqlite3_errmsg(st->db);
	switch (code) {
	case SQLITE_CONSTRAINT_UNIQUE:
	case SQLITE_CONSTRAINT_PRIMARYKEY:
		return err_set(e, ERR_FAIL, _("%s: already exists (%s)"), t->name, msg);
	case SQLITE_CONSTRAINT_FOREIGNKEY:
		return err_set(e, ERR_FAIL, _("%s: refers to a record that does not exist"), t->name);
	case SQLITE_CONSTRAINT_CHECK:
	case SQLITE_CONSTRAINT_NOTNULL:
		return err_set(e, ERR_FAIL, _("%s: value not allowed (%s)"), t->name, msg);
	default:
		return store_sql_error(st, e, t->name);
	}
}

/* The UPDATE of row id of t setting hlc to set (an expression of the
 * one parameter hlc) and the fields, prepared and bound. NULL when it
 * cannot be made. */
static sqlite3_stmt *update_stmt(struct store *st, const struct table *t, const char *id,
				 const char *set, const char *hlc, json_t *fields, struct err *e)
{
	struct strbuf sql;
	sb_init(&sql);
	sb_printf(&sql, "UPDATE %s SET hlc = %s", t->name, set);
	const char *k;
	json_t *v;
	json_object_foreach(fields, k, v)
		sb_printf(&sql, ", %s = ?", k);
	sb_puts(&sql, " WHERE id = ?");
	sqlite3_stmt *s = store_prep(st, sql.buf, e);
	sb_finish(&sql);
	if (!s)
		return NULL;
	int idx = 1;
	sqlite3_bind_text(s, idx++, hlc, -1, SQLITE_TRANSIENT);
	json_object_foreach(fields, k, v)
		store_bind_json(s, idx++, v);
	sqlite3_bind_text(s, idx, id, -1, SQLITE_TRANSIENT);
	return s;
}

static bool step_write(struct store *st, const struct table *t, sqlite3_stmt *s, struct err *e)
{
	int rc = sqlite3_step(s);
	bool ok = rc == SQLITE_DONE ? true : write_error(st, t, e);
	sqlite3_reset(s);
	return ok;
}

/* The INSERT of a synced row of t with the keys of fields (names checked
 * against the schema by the caller), then tail: parameters are id,
 * origin_node, then hlc, created_at, actor (append-only) or created_hlc,
 * hlc (mutable), then the fields in order. Heap string. */
static char *rec_insert_sql(const struct table *t, json_t *fields, const char *tail)
{
	struct strbuf sql;
	sb_init(&sql);
	sb_printf(&sql, "INSERT INTO %s (id, origin_node, %s", t->name,
		  t->append_only ? "hlc, created_at, actor" : "created_hlc, hlc");
	const char *k;
	json_t *v;
	json_object_foreach(fields, k, v)
		sb_printf(&sql, ", %s", k);
	sb_puts(&sql, t->append_only ? ") VALUES (?, ?, ?, ?, ?" : ") VALUES (?, ?, ?, ?");
	for (size_t i = 0; i < json_object_size(fields); i++)
		sb_puts(&sql, ", ?");
	sb_printf(&sql, ")%s", tail);
	return sb_take(&sql);
}

/* That INSERT prepared, its parameters bound from id, the op's node, hlc
 * and (append-only) at and actor, and fields. *bad gets the first field
 * of a type SQLite cannot hold (bound as NULL), else NULL. NULL when the
 * statement cannot be made. */
static sqlite3_stmt *insert_stmt(struct store *st, const struct table *t, const char *id,
				 json_t *op, json_t *fields, const char *tail, const char **bad,
				 struct err *e)
{
	char *sql = rec_insert_sql(t, fields, tail);
	sqlite3_stmt *s = store_prep(st, sql, e);
	free(sql);
	*bad = NULL;
	if (!s)
		return NULL;
	int idx = 1;
	sqlite3_bind_text(s, idx++, id, -1, SQLITE_TRANSIENT);
	store_bind_json(s, idx++, json_object_get(op, "node"));
	store_bind_json(s, idx++, json_object_get(op, "hlc"));
	if (t->append_only) {
		store_bind_json(s, idx++, json_object_get(op, "at"));
		store_bind_json(s, idx++, json_object_get(op, "actor"));
	} else {
		store_bind_json(s, idx++, json_object_get(op, "hlc"));
	}
	const char *k;
	json_t *v;
	json_object_foreach(fields, k, v)
		if (!store_bind_json(s, idx++, v) && !*bad)
			*bad = k;
	return s;
}

bool rec_insert(struct store *st, const struct table *t, json_t *fields, char id[ID_TEXT],
		struct err *e)
{
	char node[64], hlc[HLC_TEXT];
	hlc_t h;
	if (!check_fields(t, fields, e) || !store_write_check(st, t, NULL, fields, e) ||
	    !node_id(st, node, e) || !store_tick(st, &h, e))
		return false;
	hlc_format(h, hlc);
	if (!id[0])
		id_new(id, hlc_ms(h));
	/* One "now" for the row and its op: the op's "at" becomes created_at
	 * wherever the op is applied, so both must be the same second. */
	int64_t now = dd_now();
	json_t *op = json_pack("{s:s, s:s, s:I, s:s?}", "node", node, "hlc", hlc, "at",
			       (json_int_t)now, "actor", st->actor);
	const char *bad;
	sqlite3_stmt *s = insert_stmt(st, t, id, op, fields, "", &bad, e);
	json_decref(op);
	if (!s)
		return false;
	if (bad)
		return err_set(e, ERR_FAIL, _("%s.%s: value of an unsupported type"), t->name, bad);
	if (!step_write(st, t, s, e))
		return false;
	return log_op(st, t, id, "insert", node, hlc, now, fields, fields, e);
}

/* Row id of t: the columns head, then those named by the keys of fields
 * (with schema_only, keys that are no column of t are left out). */
static json_t *row_of(struct store *st, const struct table *t, const char *id, const char *head,
		      json_t *fields, bool schema_only, struct err *e)
{
	struct strbuf sql;
	sb_init(&sql);
	sb_printf(&sql, "SELECT %s", head);
	const char *k;
	json_t *v;
	json_object_foreach(fields, k, v) {
		const struct column *c = schema_only ? table_column(t, k) : NULL;
		if (c || !schema_only)
			sb_printf(&sql, ", %s", c ? c->name : k);
	}
	sb_printf(&sql, " FROM %s WHERE id = ?", t->name);
	json_t *row = store_row(st, e, sql.buf, "s", id);
	sb_finish(&sql);
	return row;
}

json_t *rec_current(struct store *st, const struct table *t, const char *id, json_t *fields,
		    struct err *e)
{
	return row_of(st, t, id, "id", fields, true, e);
}

bool rec_blank(struct store *st, const struct table *t, json_t *fields, struct err *e)
{
	const char *k;
	json_t *v;
	json_object_foreach(fields, k, v) {
		json_t *col = store_row(st, e,
					"SELECT \"notnull\", dflt_value FROM pragma_table_info(?)"
					" WHERE name = ?", "ss", t->name, k);
		if (!col)
			return false;
		const char *dflt = json_string_value(json_object_get(col, "dflt_value"));
		json_t *blank = json_null();
		if (json_integer_value(json_object_get(col, "notnull")) && dflt && dflt[0] == '\'') {
			/* an SQL text literal: 'it''s' */
			struct strbuf lit;
			sb_init(&lit);
			for (const char *p = dflt + 1; *p && !(p[0] == '\'' && p[1] != '\''); p++) {
				sb_putc(&lit, *p);
				p += p[0] == '\'' && p[1] == '\'';
			}
			blank = json_string(lit.buf ? lit.buf : "");
			sb_finish(&lit);
		} else if (json_integer_value(json_object_get(col, "notnull")) && dflt) {
			blank = json_integer(strtoll(dflt, NULL, 10));
		}
		json_object_set_new(fields, k, blank);
		json_decref(col);
	}
	return true;
}

bool rec_holds(struct store *st, const struct table *t, const char *id, json_t *fields,
	       bool *same, struct err *e)
{
	json_t *cur = rec_current(st, t, id, fields, e);
	if (!cur)
		return false;
	*same = !json_is_null(cur);
	const char *k;
	json_t *v;
	json_object_foreach(fields, k, v) {
		json_t *have = json_object_get(cur, k);
		if (!*same || !table_column(t, k))
			continue;
		/* numbers by value: a REAL column gives 1000.0 back for 1000 */
		if (json_is_number(v) && json_is_number(have))
			*same = json_number_value(v) == json_number_value(have);
		else
			*same = json_equal(have ? have : json_null(), v);
	}
	json_decref(cur);
	return true;
}

bool rec_update(struct store *st, const struct table *t, const char *id, json_t *fields,
		bool *changed, struct err *e)
{
	if (changed)
		*changed = false;
	if (t->append_only)
		return err_set(e, ERR_FAIL, _("%s is append-only: add a correcting entry instead"),
			       t->name);
	if (!check_fields(t, fields, e))
		return false;
	if (json_object_size(fields) == 0)
		return true;
	if (!store_write_check(st, t, id, fields, e))
		return false;

	/* The current values, to keep only real changes and audit old ones. */
	json_t *cur = rec_current(st, t, id, fields, e);
	if (!cur)
		return false;
	const char *k;
	json_t *v;
	if (json_is_null(cur)) {
		json_decref(cur);
		return err_set(e, ERR_FAIL, _("%s %s does not exist"), t->name, id);
	}
	json_t *diff = json_object(), *old = json_object();
	json_object_foreach(fields, k, v) {
		json_t *was = json_object_get(cur, k);
		if (!json_equal(was, v)) {
			json_object_set(diff, k, v);
			json_object_set(old, k, was);
		}
	}
	json_decref(cur);
	bool ok = true;
	if (json_object_size(diff) == 0)
		goto out;

	char node[64], hlc[HLC_TEXT];
	hlc_t h;
	if (!(ok = node_id(st, node, e) && store_tick(st, &h, e)))
		goto out;
	hlc_format(h, hlc);
	sqlite3_stmt *s = update_stmt(st, t, id, "?", hlc, diff, e);
	if (!(ok = s != NULL && step_write(st, t, s, e)))
		goto out;
	json_object_foreach(diff, k, v) {
		if (!(ok = store_field_version_set(st, t->name, id, k, hlc, node, e)))
			goto out;
	}
	json_t *detail = json_pack("{s:O, s:O}", "old", old, "new", diff);
	ok = log_op(st, t, id, "update", node, hlc, dd_now(), diff, detail, e);
	json_decref(detail);
	if (ok && changed)
		*changed = true;
out:
	json_decref(diff);
	json_decref(old);
	return ok;
}

/* ---- rows that remote ops write ---- */

#define say(msg, n, ...)                               \
	do {                                           \
		if ((msg) && (n))                      \
			snprintf(msg, n, __VA_ARGS__); \
	} while (0)

/* Steps a write of a remote row: a constraint that refuses it is an
 * outcome (with the reason in msg), any other failure an error. */
static bool step_remote(struct store *st, const struct table *t, sqlite3_stmt *s,
			enum rec_outcome *out, char *msg, size_t msglen, struct err *e)
{
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc == SQLITE_DONE) {
		*out = REC_WRITTEN;
		return true;
	}
	int code = sqlite3_extended_errcode(st->db);
	if ((code & 0xFF) != SQLITE_CONSTRAINT)
		return store_sql_error(st, e, t->name);
	*out = code == SQLITE_CONSTRAINT_FOREIGNKEY ? REC_MISSING_REF : REC_REFUSED;
	say(msg, msglen, "%s: %s", t->name, sqlite3_errmsg(st->db));
	return true;
}

bool rec_insert_op(struct store *st, const struct table *t, const char *id, json_t *op,
		   enum rec_outcome *out, char *msg, size_t msglen, struct err *e)
{
	const char *bad; /* a value SQLite cannot hold is left NULL */
	sqlite3_stmt *s = insert_stmt(st, t, id, op, json_object_get(op, "fields"),
				      t->append_only ? " ON CONFLICT (id) DO NOTHING" : "", &bad, e);
	if (!s)
		return false;
	if (!step_remote(st, t, s, out, msg, msglen, e))
		return false;
	if (*out == REC_WRITTEN && t->append_only && !sqlite3_changes(st->db))
		*out = REC_UNCHANGED;
	return true;
}

bool rec_merge_op(struct store *st, const struct table *t, const char *id, const char *hlc,
		  json_t *won, enum rec_outcome *out, char *msg, size_t msglen, struct err *e)
{
	sqlite3_stmt *s = update_stmt(st, t, id, "max(hlc, ?)", hlc, won, e);
	return s && step_remote(st, t, s, out, msg, msglen, e);
}

json_t *rec_versioned(struct store *st, const struct table *t, const char *id, json_t *fields,
		      struct err *e)
{
	/* an op's fields: sync_op_valid checked their names before */
	return row_of(st, t, id, "created_hlc, origin_node", fields, false, e);
}

bool rec_exists(struct store *st, const struct table *t, const char *id, bool *yes,
		struct err *e)
{
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM %s WHERE id = ?", t->name);
	int64_t n;
	if (!store_int(st, e, &n, sql, "s", id))
		return false;
	*yes = n > 0;
	return true;
}

bool rec_restamp(struct store *st, const struct table *t, const char *id, const char *old_hlc,
		 const char *new_hlc, const char *node, struct err *e)
{
	char sql[160];
	snprintf(sql, sizeof sql, "UPDATE %s SET hlc = ?1 WHERE id = ?2 AND hlc = ?3", t->name);
	if (!store_exec(st, e, sql, "sss", new_hlc, id, old_hlc))
		return false;
	snprintf(sql, sizeof sql, "UPDATE %s SET created_hlc = ?1 WHERE id = ?2 AND"
		 " created_hlc = ?3 AND origin_node = ?4", t->name);
	return store_exec(st, e, sql, "ssss", new_hlc, id, old_hlc, node);
}
