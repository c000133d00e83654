/* The hub's logic as a library: enrolment and tokens, push (authorise,
 * merge, log), pull by cursor, digests, backups. dutydeskd wraps it in
 * HTTP; the simulation calls it directly.
 *
 * The hub database (dutydesk/hubstore.h) is an ordinary dutydesk store,
 * so the merge code is the nodes', plus the hub's own records: its epoch
 * (new on creation and in every backup copy), enrolled nodes, the op log
 * (every accepted op in server_seq order, the county's trail) and each
 * row's owner: a township code, or '*' for county-wide records every node
 * reads (county-level reference data, dutydesk/scope.h, and the county's
 * own shifts, warnings...), set when the row is created and changed only
 * when the county moves the row (rescope).
 * A province's hub has a county node for each county (its area: a
 * division's code): it reads and writes what is owned by a code that
 * begins with the area's (its townships', and its own records: owned by
 * the area's code, as a whole-hub county's are by '*'), reads the
 * county-level reference data and may not write it (the province's).
 * A township (or an area) also reads the records of the areas it lies in:
 * its county's warnings and shifts reach it as a whole-hub county's do.
 * Ownership comes from the hub's own copy of the row or of its parent,
 * never from the payload: a timeline entry belongs to its incident's
 * township, a household, inspection or defect to its hazard's, a movement to its
 * depot's, a checklist to its activation's. */
#include "sync_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "dutydesk/csv.h"
#include "dutydesk/dtime.h"
#include "dutydesk/hubstore.h"
#include "dutydesk/model.h"
#include "dutydesk/query.h"
#include "dutydesk/hash.h"
#include "dutydesk/scope.h"

struct hub {
	struct hub_store *hs;
	struct store *st; /* the store beneath hs */
	char epoch[ID_TEXT];
	int64_t wait_max; /* ops of one node kept waiting for their record */
	int64_t wait_age; /* seconds an op may wait before the hub gives it up */
	/* County-level rows of an older hub not looked at yet: a store beneath
	 * that is a cache made at open holds them only once it caught up. */
	bool county_rows_later;
};

void hub_set_waiting_limits(struct hub *h, int64_t max, int64_t max_age_s)
{
	h->wait_max = max;
	h->wait_age = max_age_s;
}

static void new_epoch(char out[ID_TEXT])
{
	id_new(out, dd_now_ms());
}

struct store *hub_store(struct hub *h)
{
	return h->st;
}

const char *hub_epoch(const struct hub *h)
{
	return h->epoch;
}

/* The hub's own records in a store just made: divisions (the shipped
 * county's, then those imported), and itself as the county node "hub". */
static bool hub_self(struct hub_store *hs, struct err *e)
{
	struct store *st = hub_store_db(hs);
	return reference_load(st, e) && store_set_node(st, "hub", "", "county", "HUB", e) &&
	       hub_store_divisions_load(hs, e);
}

struct hub_store *hub_hubstore(struct hub *h)
{
	return h->hs;
}

bool hub_exists(const char *path, bool *yes, struct err *e)
{
	return hub_store_exists(path, yes, e);
}

void hub_discard(const char *path)
{
	hub_store_discard(path);
}

bool hub_init(const char *path, struct err *e)
{
	bool there;
	if (!hub_store_exists(path, &there, e))
		return false;
	if (there)
		return err_set(e, ERR_FAIL, "%s already exists; a hub database is made only once "
			       "(restore a backup by copying it into place)", path);
	struct hub_store *hs;
	if (!hub_store_open(path, HUB_STORE_CREATE, &hs, e))
		return false;
	char epoch[ID_TEXT];
	new_epoch(epoch);
	bool ok = hub_store_begin(hs, e);
	if (ok) {
		ok = hub_store_make(hs, epoch, e) && hub_self(hs, e);
		if (ok)
			ok = hub_store_commit(hs, e);
		else
			hub_store_rollback(hs);
	}
	hub_store_close(hs);
	if (!ok)
		hub_store_discard(path);
	return ok;
}

static bool county_rows_to_all(struct hub *h, struct err *e);
static bool county_rows_fix(struct hub *h, bool *open, bool *moved, struct err *e);

bool hub_open(const char *path, struct hub **out, struct err *e)
{
	bool there;
	if (!hub_store_exists(path, &there, e))
		return false;
	if (!there)
		return err_set(e, ERR_FAIL, "%s: no such hub database (create it with 'dutydeskd init')",
			       path);
	struct hub_store *hs;
	if (!hub_store_open(path, 0, &hs, e))
		return false;
	char *epoch = NULL;
	if (!hub_store_epoch(hs, &epoch, NULL) || !epoch) {
		free(epoch);
		hub_store_close(hs);
		return err_set(e, ERR_FAIL, "%s is a dutydesk database but not a hub one", path);
	}
	/* The hub answers only after COMMIT: that COMMIT must survive power
	 * loss. A cache made at this open gets the hub's own records; the
	 * log's ops come at the first transaction (hub_begin). */
	bool ok = hub_store_durable(hs, e);
	if (ok && hub_store_fresh(hs)) {
		ok = hub_store_begin(hs, e);
		if (ok && hub_self(hs, e))
			ok = hub_store_commit(hs, e);
		else if (ok)
			hub_store_rollback(hs), ok = false;
	}
	if (!ok) {
		free(epoch);
		hub_store_close(hs);
		return false;
	}
	struct hub *h = xcalloc(1, sizeof *h);
	h->hs = hs;
	h->st = hub_store_db(hs);
	h->wait_max = HUB_WAIT_MAX;
	h->wait_age = HUB_WAIT_AGE;
	snprintf(h->epoch, sizeof h->epoch, "%s", epoch);
	free(epoch);
	h->county_rows_later = hub_store_fresh(hs) || hub_store_is_cache(hs);
	if (!h->county_rows_later && !county_rows_to_all(h, e)) {
		hub_close(h);
		return false;
	}
	*out = h;
	return true;
}

/* Brings the store beneath up to the log's top, in the open transaction:
 * the ops it lacks (logged by another hub process on the same database)
 * merged in server_seq order, the order they were merged in at the hub
 * that logged them, which held the write lock and was up to date: the
 * same ops on the same records in the same order, the same result. */
static bool catch_up(struct hub *h, struct err *e)
{
	int64_t mark, top;
	if (!hub_store_cache_mark(h->hs, &mark, e) || !hub_store_log_top(h->hs, &top, e))
		return false;
	if (mark > top)
		return err_set(e, ERR_FAIL, "the hub's log ends at %lld but this process holds ops "
			       "up to %lld (the database went back: restart dutydeskd)",
			       (long long)top, (long long)mark);
	while (mark < top) {
		json_t *rows = hub_store_log_read(h->hs, mark, top, "", true, "", "", 1000, e);
		if (!rows)
			return false;
		size_t i;
		json_t *r;
		bool ok = true;
		json_array_foreach(rows, i, r) {
			json_t *op = op_of_row(r);
			enum op_status s;
			const char *op_id = json_string_value(json_object_get(op, "op_id"));
			const char *colon = op_id ? strrchr(op_id, ':') : NULL;
			if (!op) {
				ok = err_set(e, ERR_FAIL, "the op at %lld in the hub's log does not parse",
					     (long long)mark + 1);
				break;
			}
			ok = apply_op(h->st, op, APPLY_HUB, &s, NULL, 0, e) &&
			     hub_store_cache_logged(
				     h->hs, json_integer_value(json_object_get(r, "server_seq")), op_id,
				     json_string_value(json_object_get(op, "hlc")),
				     json_string_value(json_object_get(op, "table")),
				     json_string_value(json_object_get(op, "id")),
				     json_string_value(json_object_get(r, "owner")), e);
			/* The hub's own ops: its next ones are numbered after them. */
			if (ok && colon && str_eq(json_string_value(json_object_get(op, "node")), "hub"))
				ok = store_op_seq_raise(h->st, strtoll(colon + 1, NULL, 10), e);
			json_decref(op);
			if (!ok)
				break;
			mark = json_integer_value(json_object_get(r, "server_seq"));
		}
		size_t n = json_array_size(rows);
		json_decref(rows);
		if (!ok)
			return false;
		if (n == 0)
			mark = top;
	}
	return hub_store_set_cache_mark(h->hs, top, e);
}

/* A write transaction on an up-to-date store beneath. */
static bool hub_begin(struct hub *h, struct err *e)
{
	if (!hub_store_begin(h->hs, e))
		return false;
	bool open = true, moved = false;
	if (catch_up(h, e) && (!h->county_rows_later || county_rows_fix(h, &open, &moved, e))) {
		/* Looked at again once what it moved is committed (or undone). */
		if (!moved)
			h->county_rows_later = false;
		return true;
	}
	hub_store_rollback(h->hs);
	return false;
}

bool hub_cache_note(struct hub *h, char *buf, size_t n, int64_t *kept_at, int64_t *replayed)
{
	return hub_store_cache_note(h->hs, buf, n, kept_at, replayed);
}

void hub_close(struct hub *h)
{
	if (!h)
		return;
	hub_store_close(h->hs);
	free(h);
}

/* ---- the county's library ---- */

bool hub_load_library(struct hub *h, int *ops, struct err *e)
{
	struct store *st = h->st;
	int plans = 0;
	*ops = 0;
	json_t *problems = json_array();
	bool ok = hub_begin(h, e);
	if (!ok) {
		json_decref(problems);
		return false;
	}
	ok = catalogue_load(st, e) && plans_load_library(st, &plans, problems, e);
	/* What that wrote sits in the hub's own outbox: into the log, as
	 * county-wide records every node pulls. */
	json_t *rows = ok ? store_outbox_pending_rows(st, e) : NULL;
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		int64_t seq;
		const char *op_id = json_string_value(json_object_get(r, "op_id"));
		const char *tbl = json_string_value(json_object_get(r, "tbl"));
		const char *row_id = json_string_value(json_object_get(r, "row_id"));
		ok = hub_store_set_owner(h->hs, tbl, row_id, "*", e) &&
		     hub_store_log_add(h->hs, op_id, "hub", "*", tbl, row_id,
				       json_string_value(json_object_get(r, "hlc")),
				       json_string_value(json_object_get(r, "body")), dd_now(), &seq, e);
		if (ok) {
			json_t *sj = json_integer(seq);
			ok = store_outbox_ack(st, op_id, sj, "applied", e);
			json_decref(sj);
		}
		if (!ok)
			break;
		++*ops;
	}
	json_decref(rows);
	if (ok && rows == NULL)
		ok = false;
	if (ok)
		ok = hub_store_commit(h->hs, e);
	else
		hub_store_rollback(h->hs);
	json_decref(problems);
	return ok;
}

/* ---- enrolment ---- */

static void random_hex(char *out, size_t bytes)
{
	unsigned char b[64];
	size_t got = 0;
	while (got < bytes) {
		ssize_t n = getrandom(b + got, bytes - got, 0);
		if (n > 0)
			got += (size_t)n;
	}
	hex_encode(b, bytes, out);
}

/* Checks one node's enrolment before anything is written: its name, role
 * and township (code: its code) or area (in: the area's code). */
static bool node_check(struct hub *h, const char *name, const char *township, const char *role,
		       const char *area, char code[16], char in[16], struct err *e)
{
	*code = *in = '\0';
	if (!sync_node_name_ok(name))
		return err_set(e, ERR_USAGE, "node name '%s': use 1-40 letters, digits, '-' or '_'",
			       name ? name : "");
	if (!role)
		role = str_empty(township) ? "county" : "township";
	if (!str_eq(role, "county") && !str_eq(role, "township"))
		return err_set(e, ERR_USAGE, "role '%s': county or township", role);
	if (area && !q_area(h->st, area, in, e))
		return false;
	if (str_eq(role, "township")) {
		if (str_empty(township))
			return err_set(e, ERR_USAGE, "a township node needs its township (name or code)");
		if (!q_township(h->st, township, code, e))
			return false;
	} else if (!str_empty(township)) {
		return err_set(e, ERR_USAGE, "a county node has no township");
	}
	return true;
}

/* A new token (64 hex digits) and its SHA-256. */
static void make_token(char tok[65], char hash[SHA256_HEX])
{
	random_hex(tok, 32);
	sha256_hex(tok, strlen(tok), hash);
}

/* In a nodes' transaction: adds a checked node unless its name is taken. */
static bool node_put(struct hub *h, const char *name, const char *code, const char *role,
		     const char *in, const char *hash, struct err *e)
{
	bool have;
	if (!hub_store_node_known(h->hs, name, &have, e))
		return false;
	if (have)
		return err_set(e, ERR_FAIL, "node '%s' is already enrolled (revoke it and enrol a "
			       "new name to replace its token)", name);
	return hub_store_node_add(h->hs, name, code, role, in, hash, dd_now(), e);
}

static bool node_add(struct hub *h, const char *name, const char *township, const char *role,
		     const char *area, char **token, struct err *e)
{
	*token = NULL;
	char code[16], in[16], tok[65], hash[SHA256_HEX];
	if (!node_check(h, name, township, role, area, code, in, e))
		return false;
	if (!role)
		role = str_empty(township) ? "county" : "township";
	make_token(tok, hash);
	if (!hub_store_begin_nodes(h->hs, e))
		return false;
	bool ok = node_put(h, name, code, role, in, hash, e);
	if (ok)
		ok = hub_store_commit(h->hs, e);
	else
		hub_store_rollback(h->hs);
	if (ok)
		*token = xstrdup(tok);
	return ok;
}

/* The enrolment file's rows, checked: [{name, township, role, area, line}]. */
static json_t *enrolment_rows(struct hub *h, const char *file, struct err *e)
{
	struct csv *c = csv_open(file, e);
	if (!c)
		return NULL;
	char **f;
	size_t n;
	int col[4] = {-1, -1, -1, -1}; /* name, township, area, role */
	static const char *const heads[] = {"name", "township", "area", "role"};
	int rc = csv_next(c, &f, &n, e);
	bool ok = rc == 1;
	if (rc == 0)
		ok = err_set(e, ERR_FAIL, "%s: empty; expected the header name,township,area[,role]",
			     file);
	for (size_t i = 0; ok && i < n; i++) {
		int k = 0;
		while (k < 4 && !str_eq(f[i], heads[k]))
			k++;
		if (k == 4 || col[k] >= 0)
			ok = err_set(e, ERR_FAIL, "%s:%zu: column '%s': expected name, township, area "
				     "and role, each once", file, csv_line(c), f[i]);
		else
			col[k] = (int)i;
	}
	if (ok && (col[0] < 0 || (col[1] < 0 && col[2] < 0)))
		ok = err_set(e, ERR_FAIL, "%s:%zu: the header needs name and township or area "
			     "(and role for a county node of the whole hub)", file, csv_line(c));
	json_t *rows = json_array(), *seen = json_object();
	while (ok && (rc = csv_next(c, &f, &n, e)) == 1) {
		size_t line = csv_line(c);
		const char *v[4];
		for (int k = 0; k < 4; k++)
			v[k] = col[k] >= 0 && (size_t)col[k] < n ? f[col[k]] : "";
		const char *town = v[1], *area = v[2], *role = str_empty(v[3]) ? NULL : v[3];
		char code[16], in[16];
		if (!str_empty(town) && !str_empty(area))
			ok = err_set(e, ERR_FAIL, "node %s: a township or an area, not both", v[0]);
		else if (str_empty(town) && str_empty(area) && !str_eq(role, "county"))
			/* never the whole hub by an empty cell */
			ok = err_set(e, ERR_FAIL, "node %s: no township and no area; a county node of "
				     "the whole hub says role county", v[0]);
		else if (json_object_get(seen, v[0]))
			ok = err_set(e, ERR_FAIL, "node %s again (first on line %lld)", v[0],
				     (long long)json_integer_value(json_object_get(seen, v[0])));
		else if (!str_empty(area) && role && !str_eq(role, "county"))
			ok = err_set(e, ERR_FAIL, "node %s: an area goes with role county", v[0]);
		else
			ok = node_check(h, v[0], town, role, str_empty(area) ? NULL : area, code, in,
					e);
		if (!ok) {
			err_prefix(e, "%s:%zu", file, line);
			break;
		}
		json_object_set_new(seen, v[0], json_integer((json_int_t)line));
		json_array_append_new(rows, json_pack("{s:s, s:s, s:s, s:s, s:I}", "name", v[0],
						      "township", code, "role",
						      *code ? "township" : "county", "area", in,
						      "line", (json_int_t)line));
	}
	if (ok && rc < 0)
		ok = false;
	json_decref(seen);
	csv_destroy(c);
	if (!ok) {
		json_decref(rows);
		return NULL;
	}
	return rows;
}

bool hub_node_import(struct hub *h, const char *file,
		     bool (*keep)(void *ctx, const char *name, const char *token, struct err *e),
		     void *ctx, int *n, struct err *e)
{
	*n = 0;
	json_t *rows = enrolment_rows(h, file, e);
	if (!rows)
		return false;
	if (!hub_store_begin_nodes(h->hs, e)) {
		json_decref(rows);
		return false;
	}
	bool ok = true;
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		char tok[65], hash[SHA256_HEX];
		const char *name = json_string_value(json_object_get(r, "name"));
		make_token(tok, hash);
		ok = node_put(h, name, json_string_value(json_object_get(r, "township")),
			      json_string_value(json_object_get(r, "role")),
			      json_string_value(json_object_get(r, "area")), hash, e) &&
		     keep(ctx, name, tok, e);
		explicit_bzero(tok, sizeof tok);
		if (!ok) {
			err_prefix(e, "%s:%lld", file,
				   (long long)json_integer_value(json_object_get(r, "line")));
			break;
		}
	}
	/* The tokens are kept (keep) before the nodes are committed: a node is
	 * never enrolled with a token nobody has. */
	if (ok)
		ok = keep(ctx, NULL, NULL, e);
	if (ok)
		ok = hub_store_commit(h->hs, e);
	else
		hub_store_rollback(h->hs);
	if (ok)
		*n = (int)json_array_size(rows);
	json_decref(rows);
	return ok;
}

bool hub_node_add(struct hub *h, const char *name, const char *township, const char *role,
		  char **token, struct err *e)
{
	return node_add(h, name, township, role, NULL, token, e);
}

bool hub_node_add_area(struct hub *h, const char *name, const char *area, char **token,
		       struct err *e)
{
	*token = NULL;
	if (str_empty(area))
		return err_set(e, ERR_USAGE, "a county node's area: the name or code of a county");
	return node_add(h, name, NULL, "county", area, token, e);
}

json_t *hub_node_list(struct hub *h, struct err *e)
{
	json_t *rows = hub_store_nodes(h->hs, e);
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		static const char *const named[] = {"township", "area"};
		for (size_t k = 0; k < 2; k++) {
			const char *code = json_string_value(json_object_get(r, named[k]));
			char *name = code && *code ? store_division_name(h->st, code) : NULL;
			json_object_set_new(r, k ? "area_name" : "township_name",
					    name ? json_string(name) : json_null());
			free(name);
		}
	}
	return rows;
}

bool hub_node_revoke(struct hub *h, const char *name, struct err *e)
{
	bool have;
	if (!hub_store_begin_nodes(h->hs, e))
		return false;
	bool ok = hub_store_node_known(h->hs, name, &have, e);
	if (ok && !have)
		ok = err_set(e, ERR_FAIL, "no node '%s' is enrolled", name ? name : "");
	if (ok)
		ok = hub_store_node_revoke(h->hs, name, e);
	if (ok)
		ok = hub_store_commit(h->hs, e);
	else
		hub_store_rollback(h->hs);
	return ok;
}

/* A new token for an enrolled node, in the open transaction. */
static bool new_token(struct hub *h, const char *name, char tok[65], struct err *e)
{
	bool have;
	char hash[SHA256_HEX];
	make_token(tok, hash);
	if (!hub_store_node_known(h->hs, name, &have, e))
		return false;
	if (!have)
		return err_set(e, ERR_FAIL, "no node '%s' is enrolled (see dutydeskd node list)",
			       name ? name : "");
	return hub_store_node_set_token(h->hs, name, hash, e);
}

static bool renew(struct hub *h, const char *name, bool replace, char **token,
		  int64_t *incarnation, struct err *e)
{
	char tok[65];
	int64_t inc = 0;
	*token = NULL;
	if (!hub_store_begin_nodes(h->hs, e))
		return false;
	bool ok = new_token(h, name, tok, e);
	if (ok && replace)
		ok = hub_store_node_life(h->hs, name, &inc, e) &&
		     hub_store_node_set_life(h->hs, name, ++inc, e);
	if (ok)
		ok = hub_store_commit(h->hs, e);
	else
		hub_store_rollback(h->hs);
	if (ok)
		*token = xstrdup(tok);
	if (incarnation)
		*incarnation = inc;
	return ok;
}

bool hub_node_rotate(struct hub *h, const char *name, char **token, struct err *e)
{
	return renew(h, name, false, token, NULL, e);
}

bool hub_node_replace(struct hub *h, const char *name, char **token, int64_t *incarnation,
		      struct err *e)
{
	return renew(h, name, true, token, incarnation, e);
}

static void fill_node(json_t *r, struct hub_node *out)
{
	snprintf(out->name, sizeof out->name, "%s", json_string_value(json_object_get(r, "name")));
	snprintf(out->township, sizeof out->township, "%s",
		 json_string_value(json_object_get(r, "township")));
	snprintf(out->role, sizeof out->role, "%s", json_string_value(json_object_get(r, "role")));
	const char *area = json_string_value(json_object_get(r, "area"));
	snprintf(out->area, sizeof out->area, "%s", area ? area : "");
	out->revoked = json_integer_value(json_object_get(r, "revoked")) != 0;
}

bool hub_auth(struct hub *h, const char *token, struct hub_node *out, struct err *e)
{
	if (str_empty(token))
		return err_set(e, ERR_FAIL, "no token");
	char hash[SHA256_HEX];
	sha256_hex(token, strlen(token), hash);
	/* One indexed look-up by the token's hash (unique in hub_node): what
	 * its time may tell is of the hash, never of the token. */
	json_t *found = hub_store_node_of_token(h->hs, hash, e);
	if (!found) {
		/* Not the token's fault: the caller says "try again", not 401. */
		if (e)
			e->code = ERR_UNAVAILABLE;
		return false;
	}
	bool ok = false;
	if (json_is_null(found))
		err_set(e, ERR_FAIL, "unknown token");
	else if (json_integer_value(json_object_get(found, "revoked")))
		err_set(e, ERR_FAIL, "the token of node '%s' is revoked",
			json_string_value(json_object_get(found, "name")));
	else {
		fill_node(found, out);
		ok = true;
	}
	json_decref(found);
	return ok;
}

static bool node_by_name(struct hub *h, const char *name, struct hub_node *out, bool *found,
			 struct err *e)
{
	json_t *r = hub_store_node(h->hs, name, e);
	if (!r)
		return false;
	*found = !json_is_null(r);
	if (*found)
		fill_node(r, out);
	json_decref(r);
	return true;
}

/* ---- ownership and authorisation ---- */

/* The table whose row owns a new row of t (its name), and the column. */
static const char *parent_of(const struct table *t, const char **col)
{
	const struct table *p = scope_parent(t, col);
	return p ? p->name : NULL;
}

static bool has_township(const struct table *t)
{
	const struct column *c = table_column(t, "township_code");
	return c != NULL;
}

static bool scope_of(struct hub_store *hs, const char *tbl, const char *id, char owner[16],
		     bool *found, struct err *e)
{
	char *o = NULL;
	if (!hub_store_owner(hs, tbl, id, &o, e))
		return false;
	*found = o != NULL;
	snprintf(owner, 16, "%s", o ? o : "");
	free(o);
	return true;
}

enum verdict { V_OK, V_MISSING, V_FORBIDDEN, V_SAME };

/* "township 坡头乡 (141032202)", or the county's words for '*'. */
static void owner_name(struct hub *h, const char *owner, char *buf, size_t n)
{
	char town[128];
	if (str_eq(owner, "*")) {
		snprintf(buf, n, "the county (county-level reference data)");
		return;
	}
	scope_town_name(h->st, owner, town, sizeof town);
	/* an area's own records are owned by its (shorter) code */
	snprintf(buf, n, "%s %s", strlen(owner) < 9 ? "area" : "township", town);
}

/* "incident 桑壁-2026-0001", by the hub's copy of the row when it has one. */
static void row_label(struct hub *h, const struct table *t, const char *id, json_t *fields,
		      char *buf, size_t n)
{
	const char *key = t->code_col ? json_string_value(json_object_get(fields, t->code_col))
				      : NULL;
	char *have = NULL;
	if (!key && t->code_col) {
		json_t *want = json_pack("{s:n}", t->code_col);
		json_t *cur = rec_current(h->st, t, id, want, NULL);
		if (cur && json_is_string(json_object_get(cur, t->code_col)))
			have = xstrdup(json_string_value(json_object_get(cur, t->code_col)));
		json_decref(cur);
		json_decref(want);
	}
	snprintf(buf, n, "%s %s", t->name, key ? key : have ? have : id);
	free(have);
}

/* Whether who (a township's node, or a county node of one area) writes
 * what owner owns. */
static bool writes(const struct hub_node *who, const char *owner)
{
	return str_eq(who->role, "county") ? scope_in_area(owner, who->area)
					   : str_eq(owner, who->township);
}

/* What an area node may not write, and why: msg. */
static void outside_area(struct hub *h, const struct hub_node *who, const char *owner,
			 const char *what, const char *added, char *msg, size_t msglen)
{
	char area[128], whose[160];
	scope_town_name(h->st, who->area, area, sizeof area);
	if (str_eq(owner, "*")) {
		snprintf(msg, msglen, "%s is county-level reference data: only a county node of the "
			 "whole hub writes it; node %s (area %s) reads it%s%s", what, who->name, area,
			 added ? ", and may not add to it: " : "", added ? added : "");
		return;
	}
	owner_name(h, owner, whose, sizeof whose);
	snprintf(msg, msglen, "%s belongs to %s, outside area %s: node %s may not write it", what,
		 whose, area, who->name);
}

/* Decides who owns the op's row (owner) and whether who may write it. */
static bool authorise(struct hub *h, const struct hub_node *who, json_t *op, char owner[16],
		      enum verdict *v, char *msg, size_t msglen, struct err *e)
{
	const struct table *t = table_by_name(json_string_value(json_object_get(op, "table")));
	const char *id = json_string_value(json_object_get(op, "id"));
	const char *kind = json_string_value(json_object_get(op, "kind"));
	json_t *fields = json_object_get(op, "fields");
	bool county = str_eq(who->role, "county");
	bool area = county && *who->area; /* a county node of one area */
	/* A new row that names no township: the writer's own (an area's by its code). */
	const char *mine = !county ? who->township : area ? who->area : "*";
	bool found, self;
	char what[160], whose[160];
	const struct table *under = NULL; /* a new entry's parent, and its id */
	const char *under_id = NULL;
	*v = V_OK;
	if (!scope_of(h->hs, t->name, id, owner, &found, e))
		return false;
	self = found;
	if (!found) {
		if (str_eq(kind, "update")) {
			*v = V_MISSING;
			snprintf(msg, msglen, "%s %s is not at the hub yet; kept until it arrives",
				 t->name, id);
			return true;
		}
		const char *col, *ptbl = parent_of(t, &col);
		const char *pid = ptbl ? json_string_value(json_object_get(fields, col)) : NULL;
		const char *town = has_township(t)
					   ? json_string_value(json_object_get(fields, "township_code"))
					   : NULL;
		if (pid) {
			under = table_by_name(ptbl);
			under_id = pid;
			if (!scope_of(h->hs, ptbl, pid, owner, &found, e))
				return false;
			if (!found) {
				*v = V_MISSING;
				snprintf(msg, msglen, "%s %s: its %s %s is not at the hub yet", t->name,
					 id, ptbl, pid);
				return true;
			}
		} else if (scope_county_level(t, fields)) {
			snprintf(owner, 16, "*"); /* catalogue, plans, county depots and teams */
		} else if (t == &T_DUTY_ENTRY && !county) {
			/* A township's duty log is its own, whichever township an entry names. */
			snprintf(owner, 16, "%s", who->township);
		} else if (town) {
			snprintf(owner, 16, "%s", town);
		} else {
			snprintf(owner, 16, "%s", mine);
		}
	}
	if (county && !area)
		return true;
	if (self && str_eq(owner, "*") && str_eq(kind, "insert") && (t == &T_ITEM || t == &T_PLAN)) {
		/* A township's own copy of a county-wide record (the catalogue and
		 * plans its database was made with): the record is already here,
		 * the county's copy stands and reaches the township by pull. */
		bool same;
		if (!rec_holds(h->st, t, id, fields, &same, e))
			return false;
		*v = V_SAME;
		snprintf(msg, msglen, "%s %s is county-wide and already at the hub%s", t->name, id,
			 same ? "" : "; the county's copy stands");
		return true;
	}
	if (!writes(who, owner)) {
		*v = V_FORBIDDEN;
		if (under)
			row_label(h, under, under_id, NULL, what, sizeof what);
		else
			row_label(h, t, id, fields, what, sizeof what);
		if (area)
			outside_area(h, who, owner, what, under ? t->name : NULL, msg, msglen);
		else if (str_eq(owner, "*"))
			snprintf(msg, msglen, "%s is county-level reference data: only the county "
				 "writes it; node %s (township %s) reads it%s%s", what, who->name,
				 who->township, under ? ", and may not add to it: " : "",
				 under ? t->name : "");
		else {
			owner_name(h, owner, whose, sizeof whose);
			snprintf(msg, msglen, "%s belongs to %s%s; node %s (township %s) may not "
				 "write it", what, whose,
				 (self && str_eq(kind, "update")) || under ? " (moved there by the county?)"
									     : "",
				 who->name, who->township);
		}
		return true;
	}
	/* A township may not move its record to someone else, nor make it the
	 * county's. */
	if (str_eq(kind, "update")) {
		json_t *tc = json_object_get(fields, "township_code");
		bool to_county = false;
		if (scope_fields_move(t, fields)) {
			json_t *cur = rec_current(h->st, t, id, fields, e);
			if (!cur)
				return false;
			json_object_update(cur, fields);
			to_county = scope_county_level(t, cur);
			json_decref(cur);
		}
		if (to_county || (tc && !writes(who, json_string_value(tc)))) {
			const char *asked = to_county ? "county-level"
					    : json_is_string(tc) ? json_string_value(tc) : "no township";
			*v = V_FORBIDDEN;
			row_label(h, t, id, fields, what, sizeof what);
			if (area) {
				char in[128];
				scope_town_name(h->st, who->area, in, sizeof in);
				snprintf(msg, msglen, "%s: node %s moves records only between townships "
					 "of its area %s; only a county node of the whole hub makes a "
					 "record county-level or moves it elsewhere (asked for %s)", what,
					 who->name, in, asked);
			} else {
				snprintf(msg, msglen, "%s: only the county can move a record between "
					 "townships or make it county-level (node %s asked for %s)", what,
					 who->name, asked);
			}
			return true;
		}
		const char *col, *ptbl = parent_of(t, &col);
		json_t *pv = ptbl ? json_object_get(fields, col) : NULL;
		if (json_is_string(pv)) {
			char powner[16];
			if (!scope_of(h->hs, ptbl, json_string_value(pv), powner, &found, e))
				return false;
			if (!found || !writes(who, powner)) {
				*v = V_FORBIDDEN;
				snprintf(msg, msglen, "%s %s: %s %s is not %s %s's", t->name, id, ptbl,
					 json_string_value(pv), area ? "area" : "township",
					 area ? who->area : who->township);
			}
		}
	}
	return true;
}

/* ---- push ---- */

static json_t *result(const char *op_id, enum op_status s, int64_t seq, const char *msg)
{
	json_t *r = json_pack("{s:s?, s:s}", "op_id", op_id, "status", op_status_name(s));
	if (seq > 0)
		json_object_set_new(r, "server_seq", json_integer(seq));
	if (msg && *msg)
		json_object_set_new(r, "message", json_string(msg));
	return r;
}

/* A record an applied insert brought in: [tbl, id] on arrived. */
static void note_arrival(json_t *arrived, json_t *op)
{
	if (str_eq(json_string_value(json_object_get(op, "kind")), "insert"))
		json_array_append_new(arrived,
				      json_pack("[s, s]", json_string_value(json_object_get(op, "table")),
						json_string_value(json_object_get(op, "id"))));
}

static int by_seq(const void *a, const void *b)
{
	json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a, "server_seq"));
	json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b, "server_seq"));
	return (x > y) - (x < y);
}

/* The record a pending op waits for, as the waiting list keeps it: the
 * row an update changes; for a new entry its parent, or else the first
 * record it refers to that the hub does not have. */
static bool wait_key(struct hub *h, json_t *op, const char **tbl, const char **id,
		     struct err *e)
{
	const struct table *t = table_by_name(json_string_value(json_object_get(op, "table")));
	json_t *fields = json_object_get(op, "fields");
	*tbl = t->name;
	*id = json_string_value(json_object_get(op, "id"));
	if (!str_eq(json_string_value(json_object_get(op, "kind")), "insert"))
		return true;
	const char *col, *ptbl = parent_of(t, &col);
	const char *pid = ptbl ? json_string_value(json_object_get(fields, col)) : NULL;
	char powner[16];
	bool found = true;
	if (pid && !scope_of(h->hs, ptbl, pid, powner, &found, e))
		return false;
	if (!found) {
		*tbl = ptbl;
		*id = pid;
		return true;
	}
	for (size_t i = 0; i < t->ncols; i++) {
		const struct column *c = &t->cols[i];
		const char *v = json_string_value(json_object_get(fields, c->name));
		const struct table *rt = c->ref ? table_by_name(c->ref) : NULL;
		bool have = true;
		if (!v || !rt)
			continue;
		if (!rec_exists(h->st, rt, v, &have, e))
			return false;
		if (!have) {
			*tbl = rt->name;
			*id = v;
			return true;
		}
	}
	return true;
}

/* The county moved the row (or made it county-level, or no longer): the
 * row and every row below it get the new owner, and every op of theirs
 * is logged again for it, so that the new owner's next pull brings the
 * records whole. Those who read them before keep their copies (a
 * township's office, read-only: its node refuses to write another's
 * record) and learn of the move by the op that made it. */
static bool rescope(struct hub *h, const struct table *t, const char *id, const char *owner,
		    struct err *e)
{
	json_t *rows = scope_descendants(h->st, t, id, e);
	if (!rows)
		return false;
	json_array_insert_new(rows, 0, json_pack("{s:s, s:s}", "tbl", t->name, "id", id));
	json_t *ops = json_array();
	int64_t top = 0;
	bool ok = hub_store_log_top(h->hs, &top, e);
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		const char *tbl = json_string_value(json_object_get(r, "tbl"));
		const char *rid = json_string_value(json_object_get(r, "id"));
		json_t *logged = ok ? hub_store_log_of_row(h->hs, tbl, rid, e) : NULL;
		ok = logged && hub_store_move_owner(h->hs, tbl, rid, owner, e);
		/* each op once: not the copies earlier moves logged (their keys
		 * hold '>'), or a row moved k times would be logged 2^k times */
		size_t j;
		json_t *op;
		json_array_foreach(logged, j, op)
			if (!strchr(json_string_value(json_object_get(op, "op_id")), '>'))
				json_array_append(ops, op);
		json_decref(logged);
		if (!ok)
			break;
	}
	/* In the order the hub took them. */
	size_t n = json_array_size(ops);
	json_t **v = xcalloc(n + 1, sizeof *v);
	for (i = 0; i < n; i++)
		v[i] = json_array_get(ops, i);
	qsort(v, n, sizeof *v, by_seq);
	for (i = 0; ok && i < n; i++) {
		char key[200];
		int64_t seq;
		/* its key in the log; the body, and so the op id nodes see, is the op's own */
		snprintf(key, sizeof key, "%s>%s@%lld", json_string_value(json_object_get(v[i], "op_id")),
			 owner, (long long)top);
		json_t *body = json_loads(json_string_value(json_object_get(v[i], "body")), 0, NULL);
		ok = body != NULL &&
		     hub_store_log_add(h->hs, key, json_string_value(json_object_get(v[i], "node")),
				       owner, json_string_value(json_object_get(body, "table")),
				       json_string_value(json_object_get(body, "id")),
				       json_string_value(json_object_get(v[i], "hlc")),
				       json_string_value(json_object_get(v[i], "body")), dd_now(), &seq, e);
		if (!body)
			err_set(e, ERR_FAIL, "the hub's log holds an op that does not parse");
		json_decref(body);
	}
	free(v);
	json_decref(ops);
	json_decref(rows);
	return ok;
}

/* County-level depots and teams that a hub of an older version recorded
 * as their township's (CK-00 as 芝河镇's): the county's now, and logged
 * again for every node (*moved), in the open transaction or (!*open) one
 * begun for them. */
static bool county_rows_fix(struct hub *h, bool *open, bool *moved, struct err *e)
{
	static const struct table *const ts[] = {&T_DEPOT, &T_TEAM};
	bool ok = true;
	for (size_t i = 0; ok && i < sizeof ts / sizeof *ts; i++) {
		json_t *rows = store_canon_rows(h->st, ts[i], "", false, e);
		size_t j;
		json_t *r;
		ok = rows != NULL;
		json_array_foreach(ok ? rows : NULL, j, r) {
			const char *id = json_string_value(json_object_get(r, "id"));
			char *owner = NULL;
			if (!scope_county_level(ts[i], r))
				continue;
			ok = hub_store_owner(h->hs, ts[i]->name, id, &owner, e);
			if (ok && owner && !str_eq(owner, "*")) {
				if (!*open)
					ok = *open = hub_store_begin(h->hs, e);
				ok = ok && rescope(h, ts[i], id, "*", e);
				*moved = true;
			}
			free(owner);
			if (!ok)
				break;
		}
		json_decref(rows);
	}
	return ok;
}

/* At open, in a transaction of their own (a hub whose store beneath is its
 * file). Nothing to do (and nothing written) once done. A cache made at
 * open (PostgreSQL) does it in its first write transaction, caught up: a
 * process that replayed another's move finds nothing to do. */
static bool county_rows_to_all(struct hub *h, struct err *e)
{
	bool open = false, moved = false;
	bool ok = county_rows_fix(h, &open, &moved, e);
	if (open && ok)
		return hub_store_commit(h->hs, e);
	if (open)
		hub_store_rollback(h->hs);
	return ok;
}

/* After the county's op on a row that stands by itself: whose the row is
 * now, by the hub's merged copy; a new owner moves it. */
static bool follow_move(struct hub *h, const struct hub_node *who, json_t *op, const char *owner,
			struct err *e)
{
	const struct table *t = table_by_name(json_string_value(json_object_get(op, "table")));
	const char *col;
	if (!str_eq(who->role, "county") || scope_parent(t, &col) || t == &T_DUTY_ENTRY ||
	    !scope_fields_move(t, json_object_get(op, "fields")))
		return true;
	char now[16];
	const char *id = json_string_value(json_object_get(op, "id"));
	if (!scope_row_owner(h->st, t, id, now, e))
		return false;
	if (!*now || str_eq(now, owner))
		return true;
	return rescope(h, t, id, now, e);
}

/* Authorises, merges and logs one op whose op_id is new. */
static bool accept_op(struct hub *h, const struct hub_node *who, json_t *op,
		      enum op_status *out, int64_t *seq, char *msg, size_t msglen, struct err *e)
{
	char owner[16];
	enum verdict v;
	*seq = 0;
	if (!authorise(h, who, op, owner, &v, msg, msglen, e))
		return false;
	if (v == V_FORBIDDEN || v == V_SAME) {
		*out = v == V_SAME ? OP_DUPLICATE : OP_FORBIDDEN;
		return true;
	}
	const char *op_id = json_string_value(json_object_get(op, "op_id"));
	const char *tbl = json_string_value(json_object_get(op, "table"));
	const char *id = json_string_value(json_object_get(op, "id"));
	if (v == V_OK) {
		if (!apply_op(h->st, op, APPLY_HUB, out, msg, msglen, e))
			return false;
	} else {
		*out = OP_PENDING;
	}
	if (*out == OP_PENDING) {
		int64_t n;
		const char *wtbl, *wid;
		if (!hub_store_waiting_count_of(h->hs, who->name, &n, e))
			return false;
		if (n < h->wait_max)
			return wait_key(h, op, &wtbl, &wid, e) &&
			       hub_store_wait(h->hs, op_id, wtbl, wid, op, who->name, dd_now(), e);
		/* Bounded: refused (the node parks it, and can send it again). */
		*out = OP_FORBIDDEN;
		snprintf(msg, msglen,
			 "op %s updates %s %s, which the hub has not received, and %lld ops of node "
			 "%s already wait for their records (the limit): refused; sync the node "
			 "that made the record, then dutydesk sync --requeue",
			 op_id, tbl, id, (long long)n, who->name);
		return true;
	}
	if (*out == OP_INVALID)
		return true;
	/* Applied (or a re-delivery by a new op id): logged, so others pull it. */
	if (*out == OP_DUPLICATE)
		*out = OP_APPLIED;
	char *body = json_dumps(op, JSON_COMPACT | JSON_SORT_KEYS);
	bool ok = hub_store_set_owner(h->hs, tbl, id, owner, e) &&
		  hub_store_log_add(h->hs, op_id, who->name, owner, tbl, id,
				    json_string_value(json_object_get(op, "hlc")), body, dd_now(), seq,
				    e) &&
		  follow_move(h, who, op, owner, e);
	free(body);
	return ok;
}

/* A waiting op tried again, now that its record arrived; one it brings
 * in (an insert) goes on arrived in turn. */
static bool hub_try(struct hub *h, json_t *r, json_t *arrived, struct err *e)
{
	const char *op_id = json_string_value(json_object_get(r, "op_id"));
	json_t *op = op_of_row(r);
	struct hub_node who;
	bool found = false;
	if (!op || !node_by_name(h, json_string_value(json_object_get(r, "pusher")), &who, &found,
				 e)) {
		json_decref(op);
		return !op; /* a body that does not parse stays where it is */
	}
	if (!hub_store_unwait(h->hs, op_id, e)) {
		json_decref(op);
		return false;
	}
	enum op_status s = OP_FORBIDDEN;
	int64_t seq;
	char msg[512];
	/* A node revoked meanwhile: what it left waiting is refused. */
	bool ok = !found || who.revoked || accept_op(h, &who, op, &s, &seq, msg, sizeof msg, e);
	if (ok && (s == OP_APPLIED || s == OP_CONFLICT_RECORDED))
		note_arrival(arrived, op);
	json_decref(op);
	return ok;
}

/* Ops that waited for a record that just arrived: tried again, and those
 * that wait for what they bring in after them. Only those: the others
 * stay as they are, however many wait. */
static bool hub_drain(struct hub *h, json_t *arrived, struct err *e)
{
	for (size_t i = 0; i < json_array_size(arrived); i++) {
		json_t *k = json_array_get(arrived, i);
		json_t *rows = hub_store_waiting_for(h->hs, json_string_value(json_array_get(k, 0)),
						     json_string_value(json_array_get(k, 1)), e);
		if (!rows)
			return false;
		bool ok = true;
		size_t j;
		json_t *r;
		json_array_foreach(rows, j, r)
			if (!(ok = hub_try(h, r, arrived, e)))
				break;
		json_decref(rows);
		if (!ok)
			return false;
	}
	return true;
}

/* One op of a push: its result appended; false only on a database failure. */
/* *collided: the log holds op_id for another op (another stamp): the
 * node's database went back in time; nothing of the push may stay. */
static bool push_one(struct hub *h, const struct hub_node *who, json_t *op, int64_t now_ms,
		     json_t *results, json_t *arrived, bool *collided, struct err *e)
{
	const char *op_id = json_string_value(json_object_get(op, "op_id"));
	char msg[512] = "";
	if (!str_eq(json_string_value(json_object_get(op, "node")), who->name)) {
		snprintf(msg, sizeof msg, "op %s: node %s may push only its own ops (%s:N)", op_id,
			 who->name, who->name);
		json_array_append_new(results, result(op_id, OP_FORBIDDEN, 0, msg));
		return true;
	}
	int64_t seq = 0, waiting = 0;
	if (!hub_store_log_seq(h->hs, op_id, &seq, e) ||
	    !hub_store_waiting_count(h->hs, op_id, &waiting, e))
		return false;
	if (seq > 0) {
		char *hlc = NULL;
		if (!hub_store_log_hlc(h->hs, op_id, &hlc, e))
			return false;
		*collided = !str_eq(hlc, json_string_value(json_object_get(op, "hlc")));
		free(hlc);
		if (!*collided)
			json_array_append_new(results, result(op_id, OP_DUPLICATE, seq, NULL));
		return true;
	}
	if (waiting) {
		json_array_append_new(results, result(op_id, OP_PENDING, 0, NULL));
		return true;
	}
	hlc_t hv;
	hlc_parse(json_string_value(json_object_get(op, "hlc")), &hv);
	if (hlc_ms(hv) > now_ms + SYNC_MAX_FUTURE_MS) {
		snprintf(msg, sizeof msg, "op %s is stamped %lld s ahead of the hub's clock; "
			 "check your clock", op_id, (long long)((hlc_ms(hv) - now_ms) / 1000));
		json_array_append_new(results, result(op_id, OP_CLOCK_AHEAD, 0, msg));
		return true;
	}
	enum op_status s;
	/* An op the hub gave up waiting for, sent again: tried afresh. */
	if (!hub_store_unwait(h->hs, op_id, e) ||
	    !accept_op(h, who, op, &s, &seq, msg, sizeof msg, e))
		return false;
	if (s == OP_APPLIED || s == OP_CONFLICT_RECORDED)
		note_arrival(arrived, op);
	json_array_append_new(results, result(op_id, s, seq, msg));
	return true;
}

static json_t *push_batch(struct hub *h, const struct hub_node *who, json_t *ops, bool *collided,
			  struct err *e)
{
	json_t *results = json_array();
	int64_t now_ms = dd_now_ms();
	size_t i;
	json_t *op;
	json_t *arrived = json_array();
	*collided = false;
	json_array_foreach(ops, i, op) {
		struct err ve;
		if (!sync_op_valid(op, &ve)) {
			json_array_append_new(results,
					      result(json_string_value(json_object_get(op, "op_id")),
						     OP_INVALID, 0, ve.msg));
			continue;
		}
		/* Only the op's own members are kept and passed on. */
		json_t *canon = op_canonical(op);
		bool ok = push_one(h, who, canon, now_ms, results, arrived, collided, e);
		json_decref(canon);
		if (!ok)
			goto fail;
		if (*collided) {
			json_decref(arrived);
			return results;
		}
	}
	/* Ops that waited too long are given up, kept with the reason until
	 * their node sends them again or an administrator clears them. */
	int64_t waiting, expired;
	char why[160];
	snprintf(why, sizeof why,
		 "waited more than %lld s for its record, which never reached the hub; the hub "
		 "gave it up",
		 (long long)h->wait_age);
	if (!hub_store_waiting_expire(h->hs, dd_now() - h->wait_age, why, &expired, e) ||
	    !hub_store_waiting_count(h->hs, NULL, &waiting, e))
		goto fail;
	if (waiting && json_array_size(arrived) && !hub_drain(h, arrived, e))
		goto fail;
	json_decref(arrived);
	return results;
fail:
	json_decref(arrived);
	json_decref(results);
	return NULL;
}

static json_t *clock_json(struct hub *h)
{
	char *hlc = store_clock_text(h->st);
	json_t *j = json_string(hlc ? hlc : "");
	free(hlc);
	return j;
}

static void reply_error(struct hub_reply *r, int status, const char *code, const char *msg)
{
	r->status = status;
	r->body = json_pack("{s:s, s:s}", "error", code, "message", msg);
}

/* A node's database that went back in time (restored from a copy, or new
 * under the node's name on a replacement PC) would make op ids the hub has
 * logged already, for other ops. Two signs: a pushed op whose id the log
 * holds with another stamp (push_one), and the op after the database's
 * last one logged with a stamp older than the database's clock (the
 * database made it, yet does not know it; a request delivered late cannot
 * look so, as that op would have been made after it). Either gives the
 * node a new incarnation (409 new_incarnation): its pending ops get ids
 * of their own and it pulls back all of its scope. An older incarnation
 * is told the current one; a newer one than the hub knows (a hub restored
 * from a copy made before a replacement) is taken. */
static void new_life_reply(struct hub *h, const struct hub_node *who, int64_t inc, bool behind,
			   struct hub_reply *r)
{
	char msg[512];
	if (behind)
		snprintf(msg, sizeof msg, "this database is behind what the hub holds of node %s "
			 "(restored from a copy, or a new PC under its name): it goes on as "
			 "incarnation %lld and gets back everything of its scope", who->name,
			 (long long)inc);
	else
		snprintf(msg, sizeof msg, "node %s is now incarnation %lld (replaced or restored); "
			 "this database takes it and gets back everything of its scope",
			 who->name, (long long)inc);
	r->status = 409;
	r->body = json_pack("{s:s, s:s, s:I, s:s}", "error", "new_incarnation", "message", msg,
			    "incarnation", (json_int_t)inc, "hub_epoch", h->epoch);
}

static void unavailable(struct hub_reply *r, const struct err *e)
{
	r->retry_after = 1;
	reply_error(r, 503, "unavailable", e->msg);
}

/* The node's next incarnation, committed; *inc gets it. */
static bool next_life(struct hub *h, const struct hub_node *who, int64_t *inc, struct err *e)
{
	if (!hub_store_begin_nodes(h->hs, e))
		return false;
	bool ok = hub_store_node_life(h->hs, who->name, inc, e) &&
		  hub_store_node_set_life(h->hs, who->name, ++*inc, e);
	if (ok)
		ok = hub_store_commit(h->hs, e);
	else
		hub_store_rollback(h->hs);
	return ok;
}

static bool life_ok(struct hub *h, const struct hub_node *who, const struct node_claim *c,
		    struct hub_reply *r)
{
	if (!c || !c->given)
		return true; /* a node of an older version says nothing */
	struct err e;
	int64_t inc = 0;
	bool behind = false, stale = false;
	if (!hub_store_begin_nodes(h->hs, &e))
		return unavailable(r, &e), false;
	bool ok = hub_store_node_life(h->hs, who->name, &inc, &e);
	if (ok && c->incarnation > inc) {
		inc = c->incarnation;
		ok = hub_store_node_set_life(h->hs, who->name, inc, &e);
	} else if (ok && c->incarnation < inc) {
		stale = true;
	} else if (ok && c->hlc && hlc_parse(c->hlc, &(hlc_t){0})) {
		char next[96], *hlc = NULL;
		store_op_id(next, sizeof next, who->name, inc, c->op_seq + 1);
		ok = hub_store_log_hlc(h->hs, next, &hlc, &e);
		behind = hlc && strcmp(hlc, c->hlc) < 0;
		free(hlc);
		if (ok && behind)
			ok = hub_store_node_set_life(h->hs, who->name, ++inc, &e);
	}
	if (ok)
		ok = hub_store_commit(h->hs, &e);
	else
		hub_store_rollback(h->hs);
	if (!ok)
		return unavailable(r, &e), false;
	if (behind || stale)
		new_life_reply(h, who, inc, behind, r);
	return !behind && !stale;
}

/* The push itself, for a parsed batch of ops (wire and bundles). */
static bool push_ops(struct hub *h, const struct hub_node *who, json_t *ops, json_t **results,
		     bool *collided, struct err *e)
{
	if (!hub_begin(h, e))
		return false;
	*results = push_batch(h, who, ops, collided, e);
	if (*results && *collided) {
		hub_store_rollback(h->hs);
		return true;
	}
	bool ok = *results != NULL && hub_store_node_seen(h->hs, who->name, dd_now(), e) &&
		  hub_store_commit(h->hs, e);
	if (!ok) {
		hub_store_rollback(h->hs);
		json_decref(*results);
		*results = NULL;
	}
	return ok;
}

void hub_push(struct hub *h, const struct hub_node *who, json_t *req, struct hub_reply *r)
{
	memset(r, 0, sizeof *r);
	json_t *proto = json_object_get(req, "proto"), *schema = json_object_get(req, "schema");
	json_t *ops = json_object_get(req, "ops");
	char msg[512];
	if (!json_is_object(req) || !json_is_array(ops))
		return reply_error(r, 400, "bad_request", "a push is {\"proto\":1,...,\"ops\":[...]}");
	if (!json_is_integer(proto) || json_integer_value(proto) != SYNC_PROTO) {
		snprintf(msg, sizeof msg, "protocol %lld is not spoken here; this hub speaks %d",
			 (long long)json_integer_value(proto), SYNC_PROTO);
		return reply_error(r, 426, "upgrade_required", msg);
	}
	int have = store_user_version(h->st);
	if (json_is_integer(schema) && (json_integer_value(schema) > have ||
					json_integer_value(schema) < have - 1)) {
		snprintf(msg, sizeof msg, "schema %lld is not accepted; this hub takes %d and %d",
			 (long long)json_integer_value(schema), have - 1, have);
		return reply_error(r, 426, "upgrade_required", msg);
	}
	if (!str_eq(json_string_value(json_object_get(req, "node")), who->name)) {
		snprintf(msg, sizeof msg, "this token belongs to node %s", who->name);
		return reply_error(r, 403, "forbidden", msg);
	}
	if (json_array_size(ops) > SYNC_MAX_OPS) {
		snprintf(msg, sizeof msg, "at most %d ops per push", SYNC_MAX_OPS);
		return reply_error(r, 413, "too_large", msg);
	}
	json_t *inc = json_object_get(req, "incarnation"), *oseq = json_object_get(req, "op_seq");
	struct node_claim claim = {.given = json_is_integer(inc) && json_is_integer(oseq),
				   .incarnation = json_integer_value(inc),
				   .op_seq = json_integer_value(oseq),
				   .hlc = json_string_value(json_object_get(req, "hlc"))};
	if (!life_ok(h, who, &claim, r))
		return;
	struct err e;
	json_t *results;
	bool collided;
	if (!push_ops(h, who, ops, &results, &collided, &e))
		return unavailable(r, &e);
	if (collided) {
		json_decref(results);
		int64_t k;
		if (!next_life(h, who, &k, &e))
			return unavailable(r, &e);
		return new_life_reply(h, who, k, true, r);
	}
	/* What of this node still waits here, or was given up, and why. */
	json_t *waiting = hub_store_waiting_of(h->hs, who->name, &e);
	r->status = 200;
	r->body = json_pack("{s:o, s:o, s:s, s:o}", "results", results, "hub_hlc", clock_json(h),
			    "hub_epoch", h->epoch, "waiting", waiting ? waiting : json_array());
}

json_t *hub_waiting_list(struct hub *h, const char *node, struct err *e)
{
	return hub_store_waiting_of(h->hs, node, e);
}

bool hub_waiting_clear(struct hub *h, const char *node, int64_t *n, struct err *e)
{
	if (!hub_store_begin(h->hs, e))
		return false;
	bool ok = hub_store_waiting_clear(h->hs, node, n, e) && hub_store_commit(h->hs, e);
	if (!ok)
		hub_store_rollback(h->hs);
	return ok;
}

bool hub_waiting_drop(struct hub *h, const char *op_id, struct err *e)
{
	if (!hub_store_begin(h->hs, e))
		return false;
	json_t *all = hub_store_waiting_of(h->hs, NULL, e);
	bool ok = all != NULL, have = false;
	size_t i;
	json_t *r;
	json_array_foreach(all, i, r)
		have = have || str_eq(json_string_value(json_object_get(r, "op_id")), op_id);
	json_decref(all);
	if (ok && !have)
		ok = err_set(e, ERR_FAIL, "no op %s waits at this hub (see dutydeskd waiting)", op_id);
	if (ok)
		ok = hub_store_unwait(h->hs, op_id, e) && hub_store_commit(h->hs, e);
	if (!ok)
		hub_store_rollback(h->hs);
	return ok;
}

/* ---- pull ---- */

static bool max_seq(struct hub *h, int64_t *out, struct err *e)
{
	return hub_store_log_top(h->hs, out, e);
}

/* Whether who reads everything: a county node of no one area. */
static bool whole_hub(const struct hub_node *who)
{
	return str_eq(who->role, "county") && !*who->area;
}

/* The scope digests and snapshots read for who: a township's code, an
 * area's (every owner beginning with it), or "" (everything). */
static const char *scope_code(const struct hub_node *who)
{
	return str_eq(who->role, "county") ? who->area : who->township;
}

/* own: the node's own ops too (a database that lost some of them). */
static json_t *scoped_ops(struct hub *h, const struct hub_node *who, bool own, int64_t since,
			  int64_t upto, int limit, struct err *e)
{
	return hub_store_log_read(h->hs, since, upto, own ? "" : who->name, whole_hub(who),
				  who->township, who->area, limit, e);
}

void hub_pull_text(struct hub *h, const struct hub_node *who, int64_t since, int limit,
		   const struct node_claim *claim, struct hub_reply *r)
{
	memset(r, 0, sizeof *r);
	if (claim && claim->node && !str_eq(claim->node, who->name)) {
		char msg[256];
		snprintf(msg, sizeof msg, "this token belongs to node %s (%s%s), not to node %s",
			 who->name, whole_hub(who) ? "county" : *who->area ? "county, area " : "township ",
			 scope_code(who), claim->node);
		return reply_error(r, 403, "wrong_node", msg);
	}
	if (!life_ok(h, who, claim, r))
		return;
	struct err e;
	int64_t top;
	if (since < 0)
		return reply_error(r, 400, "bad_request", "since must be 0 or more");
	if (limit <= 0 || limit > 1000)
		limit = 1000;
	int64_t gen;
	if (!max_seq(h, &top, &e) || !hub_store_divisions_gen(h->hs, &gen, &e)) {
		r->retry_after = 1;
		return reply_error(r, 503, "unavailable", e.msg);
	}
	if (since > top) {
		r->status = 409;
		r->body = json_pack("{s:s, s:s, s:s}", "error", "cursor_ahead", "message",
				    "the cursor is beyond this hub's log (restored from a backup?): "
				    "re-push and pull from 0", "hub_epoch", h->epoch);
		return;
	}
	/* The ops as the log holds them, one JSON array, none parsed: the hub
	 * wrote each body (json_dumps, compact, keys sorted), so the text is
	 * what parsing and writing it again would give. */
	struct strbuf ops;
	size_t n = 0;
	int64_t last = since;
	sb_init(&ops);
	sb_putc(&ops, '[');
	if (!hub_store_log_read_text(h->hs, since, top, claim && claim->own ? "" : who->name,
				     whole_hub(who), who->township, who->area, limit, &ops, &n,
				     &last, &e)) {
		sb_finish(&ops);
		r->retry_after = 1;
		return reply_error(r, 503, "unavailable", e.msg);
	}
	sb_putc(&ops, ']');
	r->ops_text = sb_take(&ops);
	r->n_ops = n;
	/* A short page read everything up to top, filtered or not. */
	bool more = n == (size_t)limit && last < top;
	int64_t next = more ? last : top;
	r->status = 200;
	/* Whose token this is: a node holding another's refuses the answer. */
	r->body = json_pack("{s:I, s:b, s:o, s:s, s:s, s:s, s:s, s:s, s:I}", "next_cursor",
			    (json_int_t)next, "has_more", more, "hub_hlc", clock_json(h),
			    "hub_epoch", h->epoch, "node", who->name, "township", who->township,
			    "role", who->role, "area", who->area, "divisions", (json_int_t)gen);
}

void hub_pull(struct hub *h, const struct hub_node *who, int64_t since, int limit,
	      const struct node_claim *claim, struct hub_reply *r)
{
	hub_pull_text(h, who, since, limit, claim, r);
	if (!r->ops_text)
		return;
	json_t *ops = json_loads(r->ops_text, 0, NULL);
	json_t *body = json_object();
	json_object_set_new(body, "ops", ops ? ops : json_array());
	json_object_update(body, r->body);
	json_decref(r->body);
	r->body = body;
	free(r->ops_text);
	r->ops_text = NULL;
}

char *hub_reply_text(struct hub_reply *r)
{
	char *text = r->body ? json_dumps(r->body, JSON_COMPACT) : NULL;
	json_decref(r->body);
	r->body = NULL;
	if (text && r->ops_text) {
		/* {"ops":[..]} first, then body's members as jansson wrote them */
		struct strbuf sb;
		sb_init(&sb);
		sb_puts(&sb, "{\"ops\":");
		sb_puts(&sb, r->ops_text);
		if (strcmp(text, "{}") != 0)
			sb_putc(&sb, ',');
		sb_puts(&sb, text + 1);
		free(text);
		text = sb_take(&sb);
	}
	free(r->ops_text);
	r->ops_text = NULL;
	return text;
}

/* ---- digest, snapshot ---- */

/* Reads the store beneath at the log's top: done in a transaction that
 * brought it there; *top: that top. */
static bool read_begin(struct hub *h, int64_t *top, struct err *e)
{
	if (!hub_begin(h, e))
		return false;
	if (max_seq(h, top, e))
		return true;
	hub_store_rollback(h->hs);
	return false;
}

/* Ends what read_begin began: the store beneath keeps what it caught up. */
static bool read_end(struct hub *h, bool ok, struct err *e)
{
	if (ok)
		return hub_store_commit(h->hs, e);
	hub_store_rollback(h->hs);
	return false;
}

void hub_digest(struct hub *h, const struct hub_node *who, struct hub_reply *r)
{
	memset(r, 0, sizeof *r);
	struct err e;
	int64_t top;
	json_t *d = NULL, *counts = NULL;
	if (!read_begin(h, &top, &e) ||
	    !read_end(h, (d = sync_digest_counted(h->st, scope_code(who), &counts, &e)) != NULL,
		      &e)) {
		json_decref(d);
		json_decref(counts);
		r->retry_after = 1;
		return reply_error(r, 503, "unavailable", e.msg);
	}
	r->status = 200;
	r->body = json_pack("{s:o, s:o, s:I, s:s, s:s}", "digest", d, "counts", counts,
			    "next_cursor", (json_int_t)top, "hub_epoch", h->epoch, "node", who->name);
}

void hub_snapshot(struct hub *h, const struct hub_node *who, struct hub_reply *r)
{
	memset(r, 0, sizeof *r);
	struct err e;
	int64_t top;
	json_t *snap = NULL;
	if (!read_begin(h, &top, &e) ||
	    !read_end(h, (snap = sync_snapshot_rows(h->st, scope_code(who), &e)) != NULL, &e)) {
		json_decref(snap);
		r->retry_after = 1;
		return reply_error(r, 503, "unavailable", e.msg);
	}
	json_object_set_new(snap, "next_cursor", json_integer(top));
	json_object_set_new(snap, "hub_epoch", json_string(h->epoch));
	json_object_set_new(snap, "area", json_string(who->area));
	json_object_set_new(snap, "hub_hlc", clock_json(h));
	r->status = 200;
	r->body = snap;
}

void hub_divisions_reply(struct hub *h, const struct hub_node *who, struct hub_reply *r)
{
	(void)who; /* every node names every division: they are no one's records */
	memset(r, 0, sizeof *r);
	struct err e;
	int64_t top, gen = 0;
	json_t *rows = NULL;
	if (!read_begin(h, &top, &e) ||
	    !read_end(h, hub_store_divisions_gen(h->hs, &gen, &e) &&
				 (rows = store_divisions(h->st, NULL, &e)) != NULL, &e)) {
		json_decref(rows);
		r->retry_after = 1;
		return reply_error(r, 503, "unavailable", e.msg);
	}
	r->status = 200;
	r->body = json_pack("{s:I, s:s, s:o}", "generation", (json_int_t)gen, "hub_epoch", h->epoch,
			    "divisions", rows);
}

/* ---- backup ---- */

/* Gives the hub database at path a new epoch. */
static bool stamp_epoch(const char *path, struct err *e)
{
	struct hub_store *hs;
	if (!hub_store_open(path, 0, &hs, e))
		return false;
	char epoch[ID_TEXT];
	new_epoch(epoch);
	bool ok = hub_store_set_epoch(hs, epoch, e);
	hub_store_close(hs);
	return ok;
}

bool hub_backup(struct hub *h, const char *file, struct err *e)
{
	if (access(file, F_OK) == 0)
		return err_set(e, ERR_FAIL, "%s already exists; choose a new file", file);
	if (!hub_store_copy(h->hs, file, e)) {
		err_prefix(e, "backup to %s", file);
		return false;
	}
	return stamp_epoch(file, e);
}

bool hub_restore(const char *path, const char *file, char **kept, struct err *e)
{
	*kept = NULL;
	/* A node's database is a store too: only a hub's may replace a hub's. */
	bool is_hub;
	if (!hub_store_file_is_hub(file, &is_hub, e)) {
		err_prefix(e, "%s: nothing was changed", file);
		return false;
	}
	if (!is_hub)
		return err_set(e, ERR_FAIL, "%s is not a hub database (a node's?); nothing was changed",
			       file);
	if (!hub_store_restore(path, file, kept, e))
		return false;
	/* A new epoch even when the same copy is restored twice: every node
	 * then re-pushes what it kept and pulls from the start. */
	return stamp_epoch(path, e);
}

/* ---- bundles ---- */

bool hub_import_bundle(struct hub *h, const char *file, json_t **out, struct err *e)
{
	*out = NULL;
	struct bundle b;
	if (!bundle_read(file, &b, e))
		return false;
	const char *node = json_string_value(json_object_get(b.header, "node"));
	struct hub_node who;
	bool found = false;
	char *hash = NULL;
	bool ok = node_by_name(h, node ? node : "", &who, &found, e);
	if (ok && (!found || who.revoked))
		ok = err_set(e, ERR_FAIL, "%s: node '%s' is %s", file, node ? node : "",
			     found ? "revoked" : "not enrolled at this hub");
	if (ok)
		ok = hub_store_node_token(h->hs, node, &hash, e);
	if (ok)
		ok = bundle_verify_hash(&b, hash, file, e);
	free(hash);
	json_t *summary = NULL;
	if (ok) {
		summary = json_pack("{s:s, s:i, s:i, s:i, s:i, s:i, s:i, s:[]}", "node", node,
				    "applied", 0, "duplicate", 0, "pending", 0, "forbidden", 0,
				    "invalid", 0, "clock_ahead", 0, "results");
		size_t n = json_array_size(b.ops);
		for (size_t at = 0; ok && at < n; at += SYNC_MAX_OPS) {
			json_t *chunk = json_array();
			for (size_t i = at; i < n && i < at + SYNC_MAX_OPS; i++)
				json_array_append(chunk, json_array_get(b.ops, i));
			json_t *res;
			bool collided = false;
			ok = push_ops(h, &who, chunk, &res, &collided, e);
			json_decref(chunk);
			if (ok && collided) {
				json_decref(res);
				ok = err_set(e, ERR_FAIL, "%s: ops of node %s carry ids the hub holds for "
					     "other ops (its database went back to an older copy); "
					     "nothing was taken: sync the node online first", file,
					     node);
			}
			size_t i;
			json_t *r;
			json_array_foreach(ok ? res : NULL, i, r) {
				const char *s = json_string_value(json_object_get(r, "status"));
				if (str_eq(s, "conflict_recorded"))
					s = "applied";
				json_t *c = json_object_get(summary, s);
				json_object_set_new(summary, s, json_integer(json_integer_value(c) + 1));
				json_array_append(json_object_get(summary, "results"), r);
			}
			json_decref(ok ? res : NULL);
		}
	}
	bundle_free(&b);
	if (!ok) {
		json_decref(summary);
		return false;
	}
	*out = summary;
	return true;
}

bool hub_export_bundle(struct hub *h, const struct hub_node *who, int64_t since,
		       const char *file, struct err *e)
{
	int64_t top;
	char *hash = NULL;
	if (!max_seq(h, &top, e) ||
	    !hub_store_node_token(h->hs, who->name, &hash, e))
		return false;
	if (!hash)
		return err_set(e, ERR_FAIL, "node '%s' is not enrolled", who->name);
	json_t *rows = scoped_ops(h, who, false, since < 0 ? 0 : since, top, INT32_MAX, e);
	bool ok = rows != NULL;
	if (ok) {
		json_t *ops = ops_of_rows(rows);
		json_t *hdr = json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:I, s:I}", "dutydesk_bundle",
					1, "from", "hub", "node", who->name, "township", who->township,
					"area", who->area, "hub_epoch", h->epoch, "since",
					(json_int_t)since, "next_cursor", (json_int_t)top);
		ok = bundle_write(file, hdr, ops, hash, true, e);
		json_decref(hdr);
		json_decref(ops);
		json_decref(rows);
	}
	free(hash);
	return ok;
}
