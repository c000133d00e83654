/* The hub store in an SQLite file: an ordinary dutydesk store (same
 * migrations, every table materialised, so the merge code is the
 * nodes') plus
 *   hub_meta   the epoch (new on creation and in every backup copy),
 *   hub_node   enrolled nodes: name, township, role, SHA-256 of the token,
 *              incarnation (new after a restore or on a replacement PC) and,
 *              for a county node of one area, that division's code,
 *   oplog      every accepted op in server_seq order (the county's trail),
 *   row_scope  each row's owner: a township code, or '*' for county-wide
 *              records every node reads. Set when the row is created;
 *              changed only when the county moves the row.
 * Ops that wait for their record are kept in the store's sync_inbox with
 * who pushed them. */
#include "hub_impl.h"
#include "store_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "dutydesk/syncstore.h"

static const char hub_schema[] =
	"CREATE TABLE hub_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;\n"
	"CREATE TABLE hub_node (name TEXT PRIMARY KEY, township TEXT NOT NULL DEFAULT '',"
	" role TEXT NOT NULL CHECK (role IN ('county','township')),"
	" token_sha256 TEXT NOT NULL UNIQUE, revoked INTEGER NOT NULL DEFAULT 0,"
	" created_at INTEGER NOT NULL, last_seen INTEGER,"
	" incarnation INTEGER NOT NULL DEFAULT 0) STRICT;\n"
	"CREATE TABLE oplog (server_seq INTEGER PRIMARY KEY, op_id TEXT NOT NULL UNIQUE,"
	" node TEXT NOT NULL, owner TEXT NOT NULL, tbl TEXT NOT NULL, row_id TEXT NOT NULL,"
	" hlc TEXT NOT NULL, body TEXT NOT NULL, received_at INTEGER NOT NULL) STRICT;\n"
	"CREATE TABLE row_scope (tbl TEXT NOT NULL, row_id TEXT NOT NULL, owner TEXT NOT NULL,"
	" PRIMARY KEY (tbl, row_id)) STRICT, WITHOUT ROWID;\n"
	"CREATE INDEX row_scope_owner ON row_scope(owner, tbl);\n"
	"CREATE INDEX oplog_row ON oplog(tbl, row_id);\n";

/* A hub database made before records could move between townships gets
 * the index that finds a row's ops. */
static const char hub_upgrade_moves[] = "CREATE INDEX IF NOT EXISTS oplog_row ON oplog(tbl, row_id);\n";

/* A hub database made before nodes had incarnations gets the columns. */
static const char hub_upgrade[] =
	"ALTER TABLE hub_node ADD COLUMN incarnation INTEGER NOT NULL DEFAULT 0;\n";

/* County nodes of one area (a county of a province's hub): the division's
 * code, '' for the whole hub. Run on a new file after hub_schema too. */
static const char hub_v_area[] = "ALTER TABLE hub_node ADD COLUMN area TEXT NOT NULL DEFAULT '';\n";

static bool sq_log_top(struct hub_store *hs, int64_t *top, struct err *e);

static bool sq_open(const char *path, unsigned flags, struct hub_store *hs, struct err *e)
{
	if (!store_open(path, flags & HUB_STORE_CREATE ? STORE_CREATE : 0, &hs->db, e))
		return false;
	int64_t old = 0;
	bool ok = store_int(hs->db, e, &old,
			    "SELECT (SELECT count(*) FROM sqlite_master WHERE name = 'hub_node')"
			    " - (SELECT count(*) FROM pragma_table_info('hub_node')"
			    " WHERE name = 'incarnation')", "");
	int64_t unindexed = 0;
	if (ok)
		ok = store_int(hs->db, e, &unindexed,
			       "SELECT (SELECT count(*) FROM sqlite_master WHERE name = 'oplog')"
			       " - (SELECT count(*) FROM sqlite_master WHERE name = 'oplog_row')", "");
	int64_t no_area = 0;
	if (ok)
		ok = store_int(hs->db, e, &no_area,
			       "SELECT (SELECT count(*) FROM sqlite_master WHERE name = 'hub_node')"
			       " - (SELECT count(*) FROM pragma_table_info('hub_node')"
			       " WHERE name = 'area')", "");
	if (ok && (old > 0 || unindexed > 0 || no_area > 0)) {
		ok = store_begin(hs->db, e);
		if (ok) {
			ok = (old <= 0 || store_script(hs->db, hub_upgrade, e)) &&
			     (unindexed <= 0 || store_script(hs->db, hub_upgrade_moves, e)) &&
			     (no_area <= 0 || store_script(hs->db, hub_v_area, e)) &&
			     store_commit(hs->db, e);
			if (!ok)
				store_rollback(hs->db);
		}
	}
	if (!ok) {
		store_close(hs->db);
		hs->db = NULL;
	}
	return ok;
}

static void sq_close(struct hub_store *hs)
{
	store_close(hs->db);
	hs->db = NULL;
}

static bool sq_file_is_hub(const char *path, bool *yes, struct err *e)
{
	*yes = false;
	struct store *st;
	if (!store_open(path, STORE_READONLY, &st, e))
		return false;
	/* A file that cannot be read so far is no hub's either. */
	int64_t n = 0;
	bool ok = store_int(st, NULL, &n, "SELECT count(*) FROM sqlite_master"
			    " WHERE type = 'table' AND name IN ('hub_meta', 'hub_node', 'oplog')", "");
	store_close(st);
	*yes = ok && n == 3;
	return true;
}

static bool sq_exists(const char *path, bool *yes, struct err *e)
{
	(void)e;
	*yes = access(path, F_OK) == 0;
	return true;
}

static void sq_discard(const char *path)
{
	unlink(path);
}

/* The store beneath is the log's own: every logged op is merged in it. */
static bool sq_cache_mark(struct hub_store *hs, int64_t *mark, struct err *e)
{
	return sq_log_top(hs, mark, e);
}

static bool sq_set_cache_mark(struct hub_store *hs, int64_t mark, struct err *e)
{
	(void)hs, (void)mark, (void)e;
	return true;
}

/* The file's own oplog and row_scope hold it already. */
static bool sq_cache_logged(struct hub_store *hs, int64_t seq, const char *op_id,
			    const char *hlc, const char *tbl, const char *row_id, const char *owner,
			    struct err *e)
{
	(void)hs, (void)seq, (void)op_id, (void)hlc, (void)tbl, (void)row_id, (void)owner, (void)e;
	return true;
}

static bool sq_restore(const char *path, const char *file, char **kept, struct err *e)
{
	return store_restore(path, file, kept, e);
}

static bool sq_begin(struct hub_store *hs, struct err *e)
{
	return store_begin(hs->db, e);
}

static bool sq_commit(struct hub_store *hs, struct err *e)
{
	return store_commit(hs->db, e);
}

static void sq_rollback(struct hub_store *hs)
{
	store_rollback(hs->db);
}

static bool sq_make(struct hub_store *hs, const char *epoch, struct err *e)
{
	return store_script(hs->db, hub_schema, e) && store_script(hs->db, hub_v_area, e) &&
	       store_exec(hs->db, e, "INSERT INTO hub_meta (key, value) VALUES ('epoch', ?)", "s",
			  epoch);
}

static bool sq_epoch(struct hub_store *hs, char **epoch, struct err *e)
{
	return store_text(hs->db, e, epoch, "SELECT value FROM hub_meta WHERE key = 'epoch'", "");
}

static bool sq_set_epoch(struct hub_store *hs, const char *epoch, struct err *e)
{
	return store_exec(hs->db, e, "UPDATE hub_meta SET value = ? WHERE key = 'epoch'", "s",
			  epoch);
}

static bool sq_durable(struct hub_store *hs, struct err *e)
{
	return store_script(hs->db, "PRAGMA synchronous = FULL;", e);
}

static bool sq_copy(struct hub_store *hs, const char *file, struct err *e)
{
	return store_exec(hs->db, e, "VACUUM INTO ?", "s", file);
}

/* ---- nodes ---- */

static bool sq_node_add(struct hub_store *hs, const char *name, const char *township,
			const char *role, const char *area, const char *token_sha256, int64_t at,
			struct err *e)
{
	return store_exec(hs->db, e,
			  "INSERT INTO hub_node (name, township, role, area, token_sha256, created_at)"
			  " VALUES (?, ?, ?, ?, ?, ?)",
			  "sssssi", name, township, role, area, token_sha256, at);
}

static bool sq_node_known(struct hub_store *hs, const char *name, bool *yes, struct err *e)
{
	int64_t n;
	if (!store_int(hs->db, e, &n, "SELECT count(*) FROM hub_node WHERE name = ?", "s", name))
		return false;
	*yes = n > 0;
	return true;
}

static json_t *sq_nodes(struct hub_store *hs, struct err *e)
{
	return store_rows(hs->db, e,
			  "SELECT name, township, role, area, revoked, created_at, last_seen, incarnation"
			  " FROM hub_node"
			  " ORDER BY name",
			  "");
}

static json_t *sq_node_of_token(struct hub_store *hs, const char *sha256, struct err *e)
{
	return store_row(hs->db, e,
			 "SELECT name, township, role, area, revoked FROM hub_node WHERE token_sha256 = ?",
			 "s", sha256);
}

static json_t *sq_node(struct hub_store *hs, const char *name, struct err *e)
{
	return store_row(hs->db, e,
			 "SELECT name, township, role, area, revoked FROM hub_node WHERE name = ?", "s",
			 name);
}

static bool sq_node_token(struct hub_store *hs, const char *name, char **sha256, struct err *e)
{
	return store_text(hs->db, e, sha256, "SELECT token_sha256 FROM hub_node WHERE name = ?",
			  "s", name);
}

static bool sq_node_revoke(struct hub_store *hs, const char *name, struct err *e)
{
	return store_exec(hs->db, e, "UPDATE hub_node SET revoked = 1 WHERE name = ?", "s", name);
}

static bool sq_node_seen(struct hub_store *hs, const char *name, int64_t at, struct err *e)
{
	return store_exec(hs->db, e, "UPDATE hub_node SET last_seen = ? WHERE name = ?", "is", at,
			  name);
}

static bool sq_node_life(struct hub_store *hs, const char *name, int64_t *inc, struct err *e)
{
	return store_int(hs->db, e, inc, "SELECT incarnation FROM hub_node WHERE name = ?", "s",
			 name);
}

static bool sq_node_set_life(struct hub_store *hs, const char *name, int64_t inc, struct err *e)
{
	return store_exec(hs->db, e, "UPDATE hub_node SET incarnation = ? WHERE name = ?", "is",
			  inc, name);
}

static bool sq_node_set_token(struct hub_store *hs, const char *name, const char *token_sha256,
			      struct err *e)
{
	return store_exec(hs->db, e, "UPDATE hub_node SET token_sha256 = ? WHERE name = ?", "ss",
			  token_sha256, name);
}

/* ---- owners ---- */

bool hub_scope_owner(struct hub_store *hs, const char *tbl, const char *row_id, char **owner,
		     struct err *e)
{
	return store_text(hs->db, e, owner,
			  "SELECT owner FROM row_scope WHERE tbl = ? AND row_id = ?", "ss", tbl,
			  row_id);
}

bool hub_scope_put(struct hub_store *hs, const char *tbl, const char *row_id, const char *owner,
		   bool move, struct err *e)
{
	return store_exec(hs->db, e,
			  move ? "INSERT INTO row_scope (tbl, row_id, owner) VALUES (?, ?, ?)"
				 " ON CONFLICT DO UPDATE SET owner = excluded.owner"
			       : "INSERT INTO row_scope (tbl, row_id, owner) VALUES (?, ?, ?)"
				 " ON CONFLICT DO NOTHING",
			  "sss", tbl, row_id, owner);
}

static bool sq_set_owner(struct hub_store *hs, const char *tbl, const char *row_id,
			 const char *owner, struct err *e)
{
	return hub_scope_put(hs, tbl, row_id, owner, false, e);
}

static bool sq_move_owner(struct hub_store *hs, const char *tbl, const char *row_id,
			  const char *owner, struct err *e)
{
	return hub_scope_put(hs, tbl, row_id, owner, true, e);
}

/* ---- the op log ---- */

static bool sq_log_seq(struct hub_store *hs, const char *op_id, int64_t *seq, struct err *e)
{
	return store_int(hs->db, e, seq, "SELECT server_seq FROM oplog WHERE op_id = ?", "s",
			 op_id);
}

static bool sq_log_hlc(struct hub_store *hs, const char *op_id, char **hlc, struct err *e)
{
	return store_text(hs->db, e, hlc, "SELECT hlc FROM oplog WHERE op_id = ?", "s", op_id);
}

static bool sq_log_add(struct hub_store *hs, const char *op_id, const char *node,
		       const char *owner, const char *tbl, const char *row_id, const char *hlc,
		       const char *body, int64_t at, int64_t *seq, struct err *e)
{
	return store_exec(hs->db, e,
			  "INSERT INTO oplog (op_id, node, owner, tbl, row_id, hlc, body, received_at)"
			  " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			  "sssssssi", op_id, node, owner, tbl, row_id, hlc, body, at) &&
	       store_int(hs->db, e, seq, "SELECT last_insert_rowid()", "");
}

static bool sq_log_top(struct hub_store *hs, int64_t *top, struct err *e)
{
	return store_int(hs->db, e, top, "SELECT coalesce(max(server_seq), 0) FROM oplog", "");
}

static const char sq_log_read_sql[] =
	"SELECT server_seq, owner, body FROM oplog WHERE server_seq > ?1 AND server_seq <= ?2"
	" AND node <> ?3 AND (?4 OR owner IN (?5, '*', substr(?5 || ?7, 1, 2),"
	" substr(?5 || ?7, 1, 4), substr(?5 || ?7, 1, 6))"
	" OR (?7 <> '' AND substr(owner, 1, length(?7)) = ?7)) ORDER BY server_seq LIMIT ?6";

static json_t *sq_log_read(struct hub_store *hs, int64_t since, int64_t upto, const char *node,
			   bool all, const char *township, const char *area, int64_t limit,
			   struct err *e)
{
	return store_rows(hs->db, e, sq_log_read_sql, "iisisis", since, upto, node, (int64_t)all,
			  township, limit, area);
}

static bool sq_bind(struct store *st, sqlite3_stmt *s, struct err *e, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	bool ok = store_bindv(st, s, fmt, ap, e);
	va_end(ap);
	return ok;
}

static bool sq_log_read_text(struct hub_store *hs, int64_t since, int64_t upto, const char *node,
			     bool all, const char *township, const char *area, int64_t limit,
			     struct strbuf *ops, size_t *n, int64_t *last, struct err *e)
{
	sqlite3_stmt *s = store_prep(hs->db, sq_log_read_sql, e);
	if (!s || !sq_bind(hs->db, s, e, "iisisis", since, upto, node, (int64_t)all, township,
			   limit, area))
		return false;
	int rc;
	*n = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((*n)++)
			sb_putc(ops, ',');
		sb_add(ops, (const char *)sqlite3_column_text(s, 2), (size_t)sqlite3_column_bytes(s, 2));
		*last = sqlite3_column_int64(s, 0);
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE || store_sql_error(hs->db, e, "database");
}

static json_t *sq_log_of_row(struct hub_store *hs, const char *tbl, const char *row_id,
			     struct err *e)
{
	return store_rows(hs->db, e,
			  "SELECT server_seq, op_id, node, hlc, body FROM oplog"
			  " WHERE tbl = ? AND row_id = ? ORDER BY server_seq",
			  "ss", tbl, row_id);
}

/* ---- waiting ops ---- */

static bool sq_wait(struct hub_store *hs, const char *op_id, const char *tbl,
		    const char *row_id, json_t *op, const char *pusher, int64_t at, struct err *e)
{
	return store_inbox_put(hs->db, op_id, tbl, row_id, op, pusher, at, e);
}

static bool sq_waiting_count(struct hub_store *hs, const char *op_id, int64_t *n,
			     struct err *e)
{
	return store_inbox_count(hs->db, op_id, n, e);
}

static json_t *sq_waiting(struct hub_store *hs, struct err *e)
{
	return store_inbox_all(hs->db, e);
}

static bool sq_unwait(struct hub_store *hs, const char *op_id, struct err *e)
{
	return store_inbox_take(hs->db, op_id, e);
}

static json_t *sq_waiting_of(struct hub_store *hs, const char *node, struct err *e)
{
	return store_inbox_of(hs->db, node, e);
}

static bool sq_waiting_count_of(struct hub_store *hs, const char *node, int64_t *n,
				struct err *e)
{
	return store_inbox_count_of(hs->db, node, n, e);
}

static bool sq_waiting_expire(struct hub_store *hs, int64_t before, const char *reason,
			      int64_t *n, struct err *e)
{
	return store_inbox_expire(hs->db, before, reason, n, e);
}

static json_t *sq_waiting_for(struct hub_store *hs, const char *tbl, const char *row_id,
			      struct err *e)
{
	return store_inbox_waiting(hs->db, tbl, row_id, e);
}

static bool sq_waiting_clear(struct hub_store *hs, const char *node, int64_t *n, struct err *e)
{
	return store_inbox_clear(hs->db, node, n, e);
}

/* The file holds its divisions; 'divisions' in hub_meta counts the
 * imports (absent: none yet), as a PostgreSQL hub's shared counter. */
static bool sq_divisions_put(struct hub_store *hs, json_t *rows, struct err *e)
{
	(void)rows;
	return store_exec(hs->db, e,
			  "INSERT INTO hub_meta (key, value) VALUES ('divisions', '1')"
			  " ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)",
			  "");
}

static bool sq_divisions_gen(struct hub_store *hs, int64_t *gen, struct err *e)
{
	return store_int(hs->db, e, gen,
			 "SELECT coalesce((SELECT CAST(value AS INTEGER) FROM hub_meta"
			 " WHERE key = 'divisions'), 0)", "");
}

const struct hub_store_ops hub_sqlite_ops = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.exists = sq_exists,
	.discard = sq_discard,
	.cache_mark = sq_cache_mark,
	.set_cache_mark = sq_set_cache_mark,
	.cache_logged = sq_cache_logged,
	.file_is_hub = sq_file_is_hub,
	.restore = sq_restore,
	.begin = sq_begin,
	.begin_nodes = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.make = sq_make,
	.epoch = sq_epoch,
	.set_epoch = sq_set_epoch,
	.durable = sq_durable,
	.copy = sq_copy,
	.node_add = sq_node_add,
	.node_known = sq_node_known,
	.nodes = sq_nodes,
	.node_of_token = sq_node_of_token,
	.node = sq_node,
	.node_token = sq_node_token,
	.node_revoke = sq_node_revoke,
	.node_seen = sq_node_seen,
	.node_life = sq_node_life,
	.node_set_life = sq_node_set_life,
	.node_set_token = sq_node_set_token,
	.log_hlc = sq_log_hlc,
	.owner = hub_scope_owner,
	.set_owner = sq_set_owner,
	.log_seq = sq_log_seq,
	.log_add = sq_log_add,
	.log_top = sq_log_top,
	.log_read = sq_log_read,
	.log_read_text = sq_log_read_text,
	.wait = sq_wait,
	.waiting_count = sq_waiting_count,
	.waiting = sq_waiting,
	.unwait = sq_unwait,
	.waiting_of = sq_waiting_of,
	.waiting_count_of = sq_waiting_count_of,
	.waiting_expire = sq_waiting_expire,
	.waiting_clear = sq_waiting_clear,
	.move_owner = sq_move_owner,
	.log_of_row = sq_log_of_row,
	.waiting_for = sq_waiting_for,
	.divisions_put = sq_divisions_put,
	.divisions_gen = sq_divisions_gen,
};
