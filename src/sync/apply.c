/* Applying remote ops: the merge rules every node and the hub share.
 *
 * - Append-only tables (timeline, inspection, stock_movement,
 *   checklist_tick, duty_entry) are a grow-only set keyed by id: an id
 *   already present is a duplicate and changes nothing.
 * - Mutable tables merge per field. A field's version is its row in
 *   field_version, or, if it has none, the row's creation stamp
 *   (created_hlc, origin_node). An incoming value wins when its
 *   (hlc, node) is greater (hlc text compares as time; node breaks ties);
 *   an equal version is a re-delivery. A value that arrives and loses is
 *   kept in sync_conflict (with the value that stays) for review.
 * - An insert of a row that exists merges per field like an update; an
 *   update of a row that does not exist yet waits in sync_inbox and is
 *   applied the moment its insert arrives, so arrival order never matters.
 * - Derived tables (stock_lot, stock_balance) follow by their triggers.
 * Remote ops never enter this database's outbox: they are not re-sent. */
#include "sync_impl.h"

#include <stdio.h>
#include <string.h>

#include "dutydesk/dtime.h"
#include "dutydesk/wire.h"

const char *op_status_name(enum op_status s)
{
	switch (s) {
	case OP_APPLIED: return "applied";
	case OP_DUPLICATE: return "duplicate";
	case OP_CONFLICT_RECORDED: return "conflict_recorded";
	case OP_FORBIDDEN: return "forbidden";
	case OP_INVALID: return "invalid";
	case OP_CLOCK_AHEAD: return "clock_ahead";
	case OP_PENDING: return "pending";
	}
	return "invalid";
}

bool op_status_parse(const char *name, enum op_status *out)
{
	for (int s = OP_APPLIED; s <= OP_PENDING; s++)
		if (str_eq(name, op_status_name((enum op_status)s))) {
			*out = (enum op_status)s;
			return true;
		}
	return false;
}

const struct table *const *sync_tables(size_t *n)
{
	return table_all(n); /* every table the schema describes is synced */
}

/* ---- shape ---- */

static bool node_name_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > 40)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
			return false;
	return true;
}

bool sync_node_name_ok(const char *s)
{
	return node_name_ok(s);
}

static bool id_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > 64)
		return false;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x21 || *p == 0x7f)
			return false;
	return str_valid_utf8(s);
}

static bool value_ok(const struct table *t, const struct column *c, json_t *v, struct err *e)
{
	if (json_is_null(v))
		return true;
	switch (c->type) {
	case CT_INT:
	case CT_BOOL:
	case CT_TIME:
		if (!json_is_integer(v))
			return err_set(e, ERR_FAIL, "%s.%s: a whole number expected", t->name, c->name);
		if (c->type != CT_TIME && (json_integer_value(v) < c->min ||
					   json_integer_value(v) > c->max))
			return err_set(e, ERR_FAIL, "%s.%s: %lld is outside %g..%g", t->name, c->name,
				       (long long)json_integer_value(v), c->min, c->max);
		return true;
	case CT_REAL:
		if (!json_is_number(v))
			return err_set(e, ERR_FAIL, "%s.%s: a number expected", t->name, c->name);
		if (json_number_value(v) < c->min || json_number_value(v) > c->max)
			return err_set(e, ERR_FAIL, "%s.%s: %g is outside %g..%g", t->name, c->name,
				       json_number_value(v), c->min, c->max);
		return true;
	case CT_ENUM:
		if (!json_is_string(v))
			return err_set(e, ERR_FAIL, "%s.%s: text expected", t->name, c->name);
		for (const struct enum_value *ev = c->values; ev->id; ev++)
			if (str_eq(ev->id, json_string_value(v)))
				return true;
		return err_set(e, ERR_FAIL, "%s.%s: '%s' is not one of its values", t->name, c->name,
			       json_string_value(v));
	default:
		if (!json_is_string(v))
			return err_set(e, ERR_FAIL, "%s.%s: text expected", t->name, c->name);
		if (!str_valid_utf8(json_string_value(v)) ||
		    strlen(json_string_value(v)) != json_string_length(v))
			return err_set(e, ERR_FAIL, "%s.%s: not valid UTF-8 text", t->name, c->name);
		return true;
	}
}

bool sync_op_id_parse(const char *op_id, const char *node, int64_t *inc, int64_t *seq)
{
	size_t nl = strlen(node);
	const char *colon = strrchr(op_id, ':');
	long long v = 0;
	*inc = 0;
	if (!colon || strncmp(op_id, node, nl) != 0 || !str_to_ll(colon + 1, 1, INT64_MAX, &v))
		return false;
	*seq = v;
	if (op_id + nl == colon)
		return true;
	if (op_id[nl] != '.')
		return false;
	char k[24];
	size_t kl = (size_t)(colon - (op_id + nl + 1));
	if (kl == 0 || kl >= sizeof k)
		return false;
	memcpy(k, op_id + nl + 1, kl);
	k[kl] = '\0';
	if (!str_to_ll(k, 1, INT64_MAX, &v))
		return false;
	*inc = v;
	return true;
}

bool sync_op_valid(json_t *op, struct err *e)
{
	if (!json_is_object(op))
		return err_set(e, ERR_FAIL, "op: a JSON object expected");
	const char *op_id = json_string_value(json_object_get(op, "op_id"));
	const char *node = json_string_value(json_object_get(op, "node"));
	const char *hlc = json_string_value(json_object_get(op, "hlc"));
	const char *tname = json_string_value(json_object_get(op, "table"));
	const char *id = json_string_value(json_object_get(op, "id"));
	const char *kind = json_string_value(json_object_get(op, "kind"));
	json_t *fields = json_object_get(op, "fields");
	json_t *at = json_object_get(op, "at"), *actor = json_object_get(op, "actor");
	if (!op_id)
		return err_set(e, ERR_FAIL, "op: no op_id");
	if (!node || !node_name_ok(node))
		return err_set(e, ERR_FAIL, "op %s: node missing or not 1-40 letters, digits, - or _",
			       op_id);
	int64_t inc, seq;
	if (!sync_op_id_parse(op_id, node, &inc, &seq))
		return err_set(e, ERR_FAIL, "op %s: op_id must be '%s:<sequence number>' or "
			       "'%s.<incarnation>:<sequence number>'", op_id, node, node);
	hlc_t h;
	if (!hlc || !hlc_parse(hlc, &h))
		return err_set(e, ERR_FAIL, "op %s: hlc must be 16 hex digits", op_id);
	const struct table *t = tname ? table_by_name(tname) : NULL;
	if (!t)
		return err_set(e, ERR_FAIL, "op %s: unknown table '%s'", op_id, tname ? tname : "");
	if (!id_ok(id))
		return err_set(e, ERR_FAIL, "op %s: id must be 1-64 printable characters", op_id);
	if (!str_eq(kind, "insert") && !str_eq(kind, "update"))
		return err_set(e, ERR_FAIL, "op %s: kind must be insert or update", op_id);
	if (t->append_only && str_eq(kind, "update"))
		return err_set(e, ERR_FAIL, "op %s: %s is append-only; updates are not allowed", op_id,
			       t->name);
	if (!json_is_object(fields))
		return err_set(e, ERR_FAIL, "op %s: fields must be an object", op_id);
	if (str_eq(kind, "update") && json_object_size(fields) == 0)
		return err_set(e, ERR_FAIL, "op %s: an update without fields", op_id);
	if (at && !json_is_integer(at))
		return err_set(e, ERR_FAIL, "op %s: at must be a whole number", op_id);
	if (t->append_only && !json_is_integer(at))
		return err_set(e, ERR_FAIL, "op %s: %s entries need 'at'", op_id, t->name);
	if (actor && !json_is_null(actor) &&
	    (!json_is_string(actor) || !str_valid_utf8(json_string_value(actor))))
		return err_set(e, ERR_FAIL, "op %s: actor must be text", op_id);
	const char *k;
	json_t *v;
	json_object_foreach(fields, k, v) {
		if (!t->append_only && str_eq(k, "archived")) {
			if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 1)
				return err_set(e, ERR_FAIL, "op %s: %s.archived must be 0 or 1", op_id,
					       t->name);
			continue;
		}
		const struct column *c = table_column(t, k);
		if (!c || !str_eq(c->name, k))
			return err_set(e, ERR_FAIL, "op %s: %s has no field '%s'", op_id, t->name, k);
		if (!value_ok(t, c, v, e)) {
			err_prefix(e, "op %s", op_id);
			return false;
		}
	}
	return true;
}

json_t *sync_json_parse(const char *buf, size_t len, bool *too_large, struct err *e)
{
	*too_large = false;
	if (len > SYNC_MAX_BODY) {
		*too_large = true;
		err_set(e, ERR_FAIL, "body of %zu bytes; at most %d", len, SYNC_MAX_BODY);
		return NULL;
	}
	/* Depth first, by brackets outside strings: no deep recursion in the parser. */
	if (json_depth(buf, len) > SYNC_MAX_DEPTH) {
		err_set(e, ERR_FAIL, "JSON nested deeper than %d", SYNC_MAX_DEPTH);
		return NULL;
	}
	json_error_t je;
	json_t *j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (!j) {
		err_set(e, ERR_FAIL, "not JSON: %s at line %d column %d", je.text, je.line, je.column);
		return NULL;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		err_set(e, ERR_FAIL, "a JSON object expected");
		return NULL;
	}
	return j;
}

json_t *op_of_row(json_t *row)
{
	return json_loads(json_string_value(json_object_get(row, "body")), 0, NULL);
}

json_t *ops_of_rows(json_t *rows)
{
	json_t *ops = json_array();
	for (size_t i = 0; i < json_array_size(rows); i++) {
		json_t *op = op_of_row(json_array_get(rows, i));
		if (op)
			json_array_append_new(ops, op);
	}
	return ops;
}

json_t *op_canonical(json_t *op)
{
	static const char *const keys[] = {"op_id", "node", "hlc", "table", "id", "kind",
					   "actor", "at", "fields"};
	json_t *c = json_object();
	for (size_t i = 0; i < ARRAY_LEN(keys); i++) {
		json_t *v = json_object_get(op, keys[i]);
		if (v && !json_is_null(v))
			json_object_set(c, keys[i], v);
	}
	return c;
}

/* ---- helpers ---- */

bool clock_merge(struct store *st, const char *hlc, struct err *e)
{
	return store_clock_merge(st, hlc, e);
}

/* (h1, n1) against (h2, n2): the order every node agrees on. */
static int version_cmp(const char *h1, const char *n1, const char *h2, const char *n2)
{
	int c = strcmp(h1, h2);
	return c ? c : strcmp(n1, n2);
}

#define say(msg, n, ...)                               \
	do {                                           \
		if ((msg) && (n))                      \
			snprintf(msg, n, __VA_ARGS__); \
	} while (0)

static bool audit(struct store *st, json_t *op, const char *op_id, const struct table *t,
		  const char *id, const char *kind, json_t *detail, struct err *e)
{
	return store_audit_add(st, dd_now(), json_string_value(json_object_get(op, "node")),
			       json_string_value(json_object_get(op, "actor")), op_id, t->name, id,
			       kind, detail, e);
}

/* Parks an op that must wait for its row (or parent) in the inbox. */
static bool inbox_put(struct store *st, json_t *op, const char *op_id, const struct table *t,
		      const char *id, struct err *e)
{
	return store_inbox_put(st, op_id, t->name, id, op,
			       json_string_value(json_object_get(op, "node")), dd_now(), e);
}

static bool drain(struct store *st, const char *tbl, const char *row_id, int *applied,
		  struct err *e);

/* ---- inserting a row an op carries ----
 * An append-only row is a member of a grow-only set: one already there
 * makes the op a duplicate. A mutable row is only inserted when it is not
 * there (its fields merge otherwise), stamped with the op's clock. */
static bool insert_from_op(struct store *st, json_t *op, const struct table *t, const char *id,
			   unsigned flags, enum op_status *out, char *msg, size_t msglen,
			   struct err *e)
{
	enum rec_outcome r;
	if (!rec_insert_op(st, t, id, op, &r, msg, msglen, e))
		return false;
	switch (r) {
	case REC_WRITTEN:
		*out = OP_APPLIED;
		break;
	case REC_UNCHANGED:
		*out = OP_DUPLICATE;
		break;
	case REC_MISSING_REF:
		/* the hub waits for the record; a node refuses the op */
		*out = flags & APPLY_HUB ? OP_PENDING : OP_INVALID;
		if (flags & APPLY_HUB)
			say(msg, msglen, "%s %s refers to a record the hub does not have yet", t->name, id);
		break;
	case REC_REFUSED:
		*out = OP_INVALID;
		break;
	}
	return true;
}

/* Keeps a value that lost (with its stamp) beside the one that stays. */
static bool conflict(struct store *st, const struct table *t, const char *id, const char *field,
		     json_t *kept, json_t *lost, const char *lost_hlc, const char *lost_node,
		     struct err *e)
{
	return store_conflict_add(st, t->name, id, field, kept, lost, lost_hlc, lost_node, dd_now(),
				  e);
}

static bool merge_fields(struct store *st, json_t *op, const struct table *t, const char *id,
			 json_t *row, enum op_status *out, char *msg, size_t msglen,
			 struct err *e)
{
	char me[64], role[16];
	if (!store_self(st, me, role, e))
		return false;
	/* A township never writes the county's catalogue or plans: its own
	 * copies (made with its database) give way to whatever the county's
	 * say, however the stamps compare. */
	bool county_data = (t == &T_ITEM || t == &T_PLAN) && str_eq(role, "township");
	const char *hlc = json_string_value(json_object_get(op, "hlc"));
	const char *node = json_string_value(json_object_get(op, "node"));
	const char *created = json_string_value(json_object_get(row, "created_hlc"));
	const char *origin = json_string_value(json_object_get(row, "origin_node"));
	json_t *fields = json_object_get(op, "fields");
	json_t *win = json_object();
	bool lost = false, ok = true;
	const char *k;
	json_t *v;
	json_object_foreach(fields, k, v) {
		json_t *fv = store_field_version(st, t->name, id, k, e);
		if (!fv) {
			ok = false;
			break;
		}
		const char *ch = created, *cn = origin;
		if (!json_is_null(fv)) {
			ch = json_string_value(json_object_get(fv, "hlc"));
			cn = json_string_value(json_object_get(fv, "node"));
		}
		int c = version_cmp(hlc, node, ch, cn);
		json_t *cur = json_object_get(row, k);
		bool differ = !json_equal(cur ? cur : json_null(), v);
		if (county_data && str_eq(cn, me) && !str_eq(node, me)) {
			c = 1;
			differ = false; /* not a conflict: the local copy was never the county's */
		}
		if (c > 0 && differ && str_eq(cn, me)) {
			/* This node's own value, not yet sent (or sent and lost at the
			 * hub), replaced by a newer one: the other writer cannot have
			 * seen it, so it is a conflict here too: the office whose edit
			 * lost is told. */
			bool unsent;
			ok = store_outbox_unsent(st, t->name, id, ch, &unsent, e);
			if (ok && unsent) {
				ok = conflict(st, t, id, k, v, cur, ch, cn, e);
				lost = true;
			}
		}
		if (c > 0) {
			json_object_set(win, k, v);
		} else if (c < 0 && differ) {
			/* The arriving value loses: keep it for review beside the one that stays. */
			ok = conflict(st, t, id, k, cur, v, hlc, node, e);
			lost = true;
		}
		json_decref(fv);
		if (!ok)
			break;
	}
	if (ok && json_object_size(win) > 0) {
		enum rec_outcome r;
		if (!rec_merge_op(st, t, id, hlc, win, &r, msg, msglen, e)) {
			json_decref(win);
			return false;
		}
		if (r != REC_WRITTEN) {
			json_decref(win);
			*out = OP_INVALID;
			return true;
		}
		json_object_foreach(win, k, v) {
			if (!(ok = store_field_version_set(st, t->name, id, k, hlc, node, e)))
				break;
		}
	}
	if (ok)
		*out = lost ? OP_CONFLICT_RECORDED
		       : json_object_size(win) ? OP_APPLIED : OP_DUPLICATE;
	json_decref(win);
	return ok;
}

static bool apply_mutable(struct store *st, json_t *op, const struct table *t, const char *id,
			  unsigned flags, enum op_status *out, char *msg, size_t msglen,
			  struct err *e)
{
	json_t *row = rec_versioned(st, t, id, json_object_get(op, "fields"), e);
	if (!row)
		return false;
	bool ok;
	if (json_is_null(row)) {
		if (str_eq(json_string_value(json_object_get(op, "kind")), "update")) {
			/* Its insert has not arrived: wait for it. */
			ok = inbox_put(st, op, json_string_value(json_object_get(op, "op_id")), t, id, e);
			*out = OP_PENDING;
			say(msg, msglen, "%s %s does not exist yet; kept until it arrives", t->name, id);
		} else {
			ok = insert_from_op(st, op, t, id, flags, out, msg, msglen, e);
		}
	} else {
		ok = merge_fields(st, op, t, id, row, out, msg, msglen, e);
	}
	json_decref(row);
	return ok;
}

bool apply_op(struct store *st, json_t *op, unsigned flags, enum op_status *out, char *msg,
	      size_t msglen, struct err *e)
{
	if (msg && msglen)
		msg[0] = '\0';
	struct err ve;
	if (!sync_op_valid(op, &ve)) {
		*out = OP_INVALID;
		if (msg && msglen)
			snprintf(msg, msglen, "%s", ve.msg);
		return true;
	}
	const char *op_id = json_string_value(json_object_get(op, "op_id"));
	const struct table *t = table_by_name(json_string_value(json_object_get(op, "table")));
	const char *id = json_string_value(json_object_get(op, "id"));
	const char *kind = json_string_value(json_object_get(op, "kind"));
	bool track = !(flags & (APPLY_HUB | APPLY_UNSEEN));
	if (track) {
		bool seen;
		if (!store_op_seen(st, op_id, &seen, e))
			return false;
		if (seen) {
			*out = OP_DUPLICATE;
			return true;
		}
	}
	if (!store_savepoint(st, e))
		return false;
	bool ok = t->append_only ? insert_from_op(st, op, t, id, flags, out, msg, msglen, e)
				 : apply_mutable(st, op, t, id, flags, out, msg, msglen, e);
	if (ok && (*out == OP_APPLIED || *out == OP_CONFLICT_RECORDED)) {
		ok = clock_merge(st, json_string_value(json_object_get(op, "hlc")), e);
		if (ok && !(flags & APPLY_HUB))
			ok = audit(st, op, op_id, t, id, kind, json_object_get(op, "fields"), e);
	}
	if (ok && track && *out != OP_INVALID && *out != OP_PENDING)
		ok = store_op_mark_seen(st, op_id, e);
	if (!ok || *out == OP_INVALID || (*out == OP_PENDING && (flags & APPLY_HUB))) {
		/* Nothing of this op stays (the hub keeps pending ops itself). */
		store_rollback_to(st);
	}
	if (!store_release(st, ok ? e : NULL))
		return false;
	if (ok && !(flags & APPLY_HUB) && str_eq(kind, "insert") && *out != OP_INVALID &&
	    *out != OP_DUPLICATE) {
		int n;
		ok = drain(st, t->name, id, &n, e);
	}
	return ok;
}

bool sync_apply(struct store *st, json_t *op, enum op_status *out, struct err *e)
{
	char msg[512];
	if (!apply_op(st, op, 0, out, msg, sizeof msg, e))
		return false;
	if (*out == OP_INVALID)
		err_set(e, ERR_FAIL, "%s", msg);
	return true;
}

bool drain_rounds(json_t *(*fetch)(void *ctx, struct err *e),
		  bool (*try_one)(void *ctx, json_t *row, bool *moved, struct err *e), void *ctx,
		  int *moved_total, struct err *e)
{
	int total = 0;
	bool ok = true;
	for (int round = 0; ok && round < 100; round++) {
		json_t *rows = fetch(ctx, e);
		int progress = 0;
		ok = rows != NULL;
		for (size_t i = 0; ok && i < json_array_size(rows); i++) {
			bool moved = false;
			ok = try_one(ctx, json_array_get(rows, i), &moved, e);
			progress += moved;
		}
		json_decref(rows);
		if (!ok || !progress)
			break;
		total += progress;
	}
	if (moved_total)
		*moved_total = total;
	return ok;
}

/* The node's inbox: the waiting ops of one row, or of all rows when tbl
 * is NULL. */
struct inbox {
	struct store *st;
	const char *tbl, *row_id;
};

static json_t *inbox_waiting(void *ctx, struct err *e)
{
	struct inbox *in = ctx;
	return store_inbox_waiting(in->st, in->tbl, in->row_id, e);
}

/* A waiting op applied once its row exists. */
static bool inbox_try(void *ctx, json_t *r, bool *moved, struct err *e)
{
	struct store *st = ((struct inbox *)ctx)->st;
	const struct table *t = table_by_name(json_string_value(json_object_get(r, "tbl")));
	bool have = false;
	if (!t)
		return true;
	if (!rec_exists(st, t, json_string_value(json_object_get(r, "row_id")), &have, e))
		return false;
	if (!have)
		return true;
	json_t *op = op_of_row(r);
	if (!store_inbox_take(st, json_string_value(json_object_get(r, "op_id")), e)) {
		json_decref(op);
		return false;
	}
	enum op_status s = OP_APPLIED;
	char msg[512];
	bool ok = !op || apply_op(st, op, 0, &s, msg, sizeof msg, e);
	if (ok && op && s == OP_INVALID)
		ok = inbox_keep(st, op, msg, e);
	json_decref(op);
	*moved = s != OP_INVALID && s != OP_PENDING;
	return ok;
}

/* Applies waiting ops whose row exists now (of one row, or of all rows
 * when tbl is NULL), until a round makes no progress. */
static bool drain(struct store *st, const char *tbl, const char *row_id, int *applied,
		  struct err *e)
{
	struct inbox in = {st, tbl, row_id};
	return drain_rounds(inbox_waiting, inbox_try, &in, applied, e);
}

bool inbox_keep(struct store *st, json_t *op, const char *reason, struct err *e)
{
	return store_inbox_refuse(st, op, reason, dd_now(), e);
}

bool inbox_drain(struct store *st, int *applied, struct err *e)
{
	return drain(st, NULL, NULL, applied, e);
}
