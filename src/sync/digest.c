/* Digests of canonical rows (the convergence oracle of the tests and of
 * GET /v1/digest) and snapshots for new nodes.
 *
 * A table's digest is SHA-256 over its rows in id order, one compact JSON
 * array per row and a newline after each. Mutable rows: id, archived and
 * the schema's columns (the stamps of when they changed are bookkeeping
 * and differ with arrival order). Append-only rows: id, origin_node,
 * created_at, actor and the columns (written once, the same everywhere;
 * their stamp is left out: a node whose clock ran ahead re-sends such
 * ops with new stamps but cannot rewrite its own append-only rows). */
#include "sync_impl.h"

#include <stdio.h>
#include <string.h>

#include "dutydesk/hash.h"
#include "dutydesk/scope.h"

json_t *sync_digest(struct store *st, const char *township, struct err *e)
{
	return sync_digest_counted(st, township, NULL, e);
}

/* On a township node, the rows of its scope: what it holds of another
 * township (a copy of a record the county moved away, read-only here) is
 * the other township's, as at the hub. On a county node of one area
 * (area), the rows of its area: one the hub refused (another area's) is
 * not in the hub's digest either. */
static json_t *in_scope(struct store *st, const struct table *t, json_t *rows, const char *mine,
			const char *area, struct err *e)
{
	json_t *keep = json_array();
	size_t j;
	json_t *r;
	json_array_foreach(rows, j, r) {
		char owner[16];
		if (!scope_owner_of(st, t, r, owner, e)) {
			json_decref(keep);
			json_decref(rows);
			return NULL;
		}
		if (!*owner || str_eq(owner, "*") ||
		    (area ? scope_in_area(owner, area) : str_eq(owner, mine)) ||
		    scope_reads_from_above(area ? area : mine, owner))
			json_array_append(keep, r);
	}
	json_decref(rows);
	return keep;
}

json_t *sync_digest_counted(struct store *st, const char *township, json_t **counts,
			    struct err *e)
{
	size_t n;
	const struct table *const *ts = sync_tables(&n);
	struct node_info ni = {0};
	char area[16] = "";
	if (!township && (!store_node(st, &ni, e) || !store_sync_area(st, area, e)))
		return NULL;
	bool filter = !township && (str_eq(ni.role, "township") || *area);
	json_t *out = json_object();
	if (counts)
		*counts = json_object();
	for (size_t i = 0; i < n; i++) {
		const struct table *t = ts[i];
		json_t *rows = store_canon_rows(st, t, township, false, e);
		if (rows && filter)
			rows = in_scope(st, t, rows, ni.township_code, *area ? area : NULL, e);
		if (!rows) {
			json_decref(out);
			if (counts) {
				json_decref(*counts);
				*counts = NULL;
			}
			return NULL;
		}
		if (counts)
			json_object_set_new(*counts, t->name, json_integer((json_int_t)json_array_size(rows)));
		struct sha256 c;
		sha256_init(&c);
		size_t j;
		json_t *r;
		json_array_foreach(rows, j, r) {
			/* Columns in select order: the object keeps insertion order. */
			json_t *arr = json_array();
			const char *k;
			json_t *v;
			json_object_foreach(r, k, v)
				json_array_append(arr, v);
			char *line = json_dumps(arr, JSON_COMPACT | JSON_ENCODE_ANY);
			sha256_add(&c, line, strlen(line));
			sha256_add(&c, "\n", 1);
			free(line);
			json_decref(arr);
		}
		unsigned char h[SHA256_LEN];
		char hex[SHA256_HEX];
		sha256_done(&c, h);
		hex_encode(h, SHA256_LEN, hex);
		json_object_set_new(out, t->name, json_string(hex));
		json_decref(rows);
	}
	return out;
}

json_t *sync_snapshot_rows(struct store *st, const char *township, struct err *e)
{
	size_t n;
	const struct table *const *ts = sync_tables(&n);
	json_t *tables = json_object();
	for (size_t i = 0; i < n; i++) {
		const struct table *t = ts[i];
		json_t *rows = store_canon_rows(st, t, township, true, e);
		if (!rows) {
			json_decref(tables);
			return NULL;
		}
		json_object_set_new(tables, t->name, rows);
	}
	json_t *fv = store_field_versions(st, township, e);
	if (!fv) {
		json_decref(tables);
		return NULL;
	}
	return json_pack("{s:o, s:o}", "tables", tables, "field_versions", fv);
}

/* A snapshot row as ops: one per distinct (hlc, node) among its fields. */
static bool merge_row(struct store *st, const struct table *t, json_t *row, json_t *versions,
		      struct err *e)
{
	const char *id = json_string_value(json_object_get(row, "id"));
	json_t *groups = json_object(); /* "hlc node" -> fields */
	const char *k;
	json_t *v;
	json_object_foreach(row, k, v) {
		if (str_eq(k, "id") || str_eq(k, "origin_node") || str_eq(k, "created_hlc") ||
		    str_eq(k, "hlc"))
			continue;
		json_t *fv = json_object_get(versions, k);
		char key[160];
		snprintf(key, sizeof key, "%s %s",
			 fv ? json_string_value(json_array_get(fv, 0))
			    : json_string_value(json_object_get(row, "created_hlc")),
			 fv ? json_string_value(json_array_get(fv, 1))
			    : json_string_value(json_object_get(row, "origin_node")));
		json_t *g = json_object_get(groups, key);
		if (!g) {
			g = json_object();
			json_object_set_new(groups, key, g);
		}
		json_object_set(g, k, v);
	}
	bool ok = true;
	json_object_foreach(groups, k, v) {
		char hlc[HLC_TEXT] = "", node[128] = "", op_id[160];
		sscanf(k, "%16s %127s", hlc, node);
		snprintf(op_id, sizeof op_id, "%s:1", node);
		json_t *op = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:O}", "op_id", op_id, "node",
				       node, "hlc", hlc, "table", t->name, "id", id, "kind", "update",
				       "fields", v);
		enum op_status s;
		ok = apply_op(st, op, APPLY_UNSEEN, &s, NULL, 0, e);
		json_decref(op);
		if (!ok)
			break;
	}
	json_decref(groups);
	return ok;
}

static bool load_tables(struct store *st, json_t *snap, struct err *e)
{
	json_t *tables = json_object_get(snap, "tables");
	json_t *fvs = json_object_get(snap, "field_versions");
	/* Per row: field -> [hlc, node]. */
	json_t *byrow = json_object();
	size_t i;
	json_t *f;
	json_array_foreach(fvs, i, f) {
		char key[256];
		const char *tbl = json_string_value(json_object_get(f, "tbl"));
		const char *rid = json_string_value(json_object_get(f, "row_id"));
		const char *fld = json_string_value(json_object_get(f, "field"));
		json_t *h = json_object_get(f, "hlc"), *nd = json_object_get(f, "node");
		if (!tbl || !rid || !fld || !json_is_string(h) || !json_is_string(nd))
			continue;
		snprintf(key, sizeof key, "%s/%s", tbl, rid);
		json_t *m = json_object_get(byrow, key);
		if (!m) {
			m = json_object();
			json_object_set_new(byrow, key, m);
		}
		json_object_set_new(m, fld, json_pack("[O, O]", h, nd));
	}
	size_t n;
	const struct table *const *ts = sync_tables(&n);
	bool ok = true;
	for (size_t ti = 0; ok && ti < n; ti++) {
		const struct table *t = ts[ti];
		json_t *rows = json_object_get(tables, t->name), *r;
		json_array_foreach(rows, i, r) {
			const char *id = json_string_value(json_object_get(r, "id"));
			if (!id)
				continue;
			char key[256];
			snprintf(key, sizeof key, "%s/%s", t->name, id);
			json_t *versions = json_object_get(byrow, key);
			bool have;
			if (!(ok = rec_exists(st, t, id, &have, e)))
				break;
			if (have && t->append_only)
				continue;
			if (have) {
				if (!(ok = merge_row(st, t, r, versions, e)))
					break;
				continue;
			}
			/* Absent: the row as the hub has it, stamps and all. */
			if (!(ok = store_canon_insert(st, t, r, e)))
				break;
			const char *fk;
			json_t *fvv;
			json_object_foreach(versions, fk, fvv) {
				if (!(ok = store_field_version_keep(st, t->name, id, fk,
								    json_string_value(json_array_get(fvv, 0)),
								    json_string_value(json_array_get(fvv, 1)),
								    e)))
					break;
			}
			if (!ok)
				break;
		}
	}
	json_decref(byrow);
	return ok;
}

bool sync_snapshot_load(struct store *st, json_t *snap, struct err *e)
{
	const char *epoch = json_string_value(json_object_get(snap, "hub_epoch"));
	json_t *next = json_object_get(snap, "next_cursor");
	if (!json_is_object(json_object_get(snap, "tables")) || !epoch || !json_is_integer(next))
		return err_set(e, ERR_FAIL, "snapshot: not a snapshot reply (tables, hub_epoch, "
			       "next_cursor expected)");
	int64_t cursor;
	if (!store_sync_cursor(st, &cursor, e))
		return false;
	if (cursor != 0)
		return err_set(e, ERR_FAIL, "snapshot: this database has already pulled from the hub "
			       "(cursor %lld); it catches up by pulling", (long long)cursor);
	if (!store_applying(st, true, e) || !store_begin(st, e))
		return false;
	bool ok = load_tables(st, snap, e);
	const char *hh = json_string_value(json_object_get(snap, "hub_hlc"));
	if (ok && hh)
		ok = clock_merge(st, hh, e);
	if (ok)
		ok = store_sync_set_position(st, json_integer_value(next), epoch, e);
	if (ok)
		ok = store_commit(st, e);
	else
		store_rollback(st);
	store_applying(st, false, NULL);
	return ok;
}
