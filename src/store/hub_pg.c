/* The hub store in PostgreSQL (libpq), for a hub that several dutydeskd
 * processes share (a province behind a proxy, a standby to fail over to).
 *
 * In PostgreSQL, the hub's truth, shared by every process:
 *   hub_meta     the epoch and the schema of these tables,
 *   hub_node     enrolled nodes (as in the SQLite hub),
 *   oplog        every accepted op in server_seq order,
 *   row_scope    each row's owner,
 *   hub_waiting  ops that wait for their record, with who pushed them.
 * Beneath (hub_store_db): a private SQLite cache of this process, an
 * ordinary dutydesk store in a temporary folder made at open and removed
 * at close, so the merge, the library and digests are the nodes' code.
 * The hub's logic brings it to the log's top (replaying the ops it lacks,
 * in server_seq order) at the start of every write transaction and
 * before a digest; hub_store_cache_mark says how far it is.
 *
 * A move (the county gives a record to another township) rewrites the
 * record's row_scope and logs its ops again under keys "op>owner@top"
 * with the op's own body: a cache replaying one takes the row's new owner
 * from it (pg_cache_logged).
 *
 * The log's order: every write transaction takes the hub's write lock
 * (a transaction-level advisory lock) right after BEGIN and holds it to
 * COMMIT, and a new op's server_seq is the log's top plus one, read under
 * it. So seqs are handed out in commit order: PostgreSQL makes a commit
 * visible before it releases the transaction's locks, so when the next
 * writer takes a seq every lower one is visible already. A pull that reads
 * the top then the ops up to it never misses a committed op, and never
 * sees one that a later commit could put below it.
 *
 * Every statement with values is prepared once per connection (a lost
 * connection is reset at the next transaction and prepares them again);
 * no value is ever put into SQL text. */
#include "hub_impl.h"
#include "store_impl.h"

#include <libpq-fe.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* pg_advisory_xact_lock's key: "duty" "hub" in ASCII. */
#define WRITE_LOCK "7022634279241138786"

/* ---- migrations of the hub's tables in PostgreSQL ----
 * Append only; hub_meta 'schema' holds how many ran. */
static const char pg_v1[] =
	"CREATE TABLE hub_meta (key text PRIMARY KEY, value text NOT NULL);\n"
	"CREATE TABLE hub_node (name text PRIMARY KEY, township text NOT NULL DEFAULT '',"
	" role text NOT NULL CHECK (role IN ('county','township')),"
	" token_sha256 text NOT NULL UNIQUE, revoked integer NOT NULL DEFAULT 0,"
	" created_at bigint NOT NULL, last_seen bigint,"
	" incarnation bigint NOT NULL DEFAULT 0);\n"
	"CREATE TABLE oplog (server_seq bigint PRIMARY KEY, op_id text NOT NULL UNIQUE,"
	" node text NOT NULL, owner text NOT NULL, tbl text NOT NULL, row_id text NOT NULL,"
	" hlc text NOT NULL, body text NOT NULL, received_at bigint NOT NULL);\n"
	"CREATE INDEX oplog_owner ON oplog (owner, server_seq);\n"
	"CREATE TABLE row_scope (tbl text NOT NULL, row_id text NOT NULL, owner text NOT NULL,"
	" PRIMARY KEY (tbl, row_id));\n"
	"CREATE INDEX row_scope_owner ON row_scope (owner, tbl);\n"
	"CREATE TABLE hub_waiting (op_id text PRIMARY KEY, tbl text NOT NULL,"
	" row_id text NOT NULL, body text NOT NULL, pusher text,"
	" received_at bigint NOT NULL, reason text);\n"
	"CREATE INDEX hub_waiting_pusher ON hub_waiting (pusher, received_at);\n";

/* Records that move between townships: a row's ops found to log them again
 * for its new owner, and the ops that wait for a record that arrived. */
static const char pg_v_moves[] =
	"CREATE INDEX oplog_row ON oplog (tbl, row_id, server_seq);\n"
	"CREATE INDEX hub_waiting_row ON hub_waiting (tbl, row_id, received_at);\n";

/* County nodes of one area: the division's code, '' for the whole hub. */
static const char pg_v_area[] = "ALTER TABLE hub_node ADD COLUMN area text NOT NULL DEFAULT '';\n";

static const char *const pg_migrations[] = {pg_v1, pg_v_moves, pg_v_area};
#define PG_SCHEMA ((int)(sizeof pg_migrations / sizeof pg_migrations[0]))

/* ---- the statements ---- */
enum q {
	Q_BEGIN, Q_LOCK, Q_COMMIT, Q_ROLLBACK, Q_IS_HUB, Q_SCHEMA, Q_SET_SCHEMA, Q_ADD_EPOCH,
	Q_EPOCH, Q_SET_EPOCH, Q_NODE_ADD, Q_NODE_KNOWN, Q_NODES, Q_NODE_OF_TOKEN, Q_NODE,
	Q_NODE_TOKEN, Q_NODE_REVOKE, Q_NODE_SEEN, Q_NODE_LIFE, Q_NODE_SET_LIFE, Q_NODE_SET_TOKEN,
	Q_SET_OWNER, Q_MOVE_OWNER, Q_LOG_SEQ, Q_LOG_HLC, Q_LOG_ADD, Q_LOG_TOP, Q_LOG_READ, Q_LOG_OF_ROW, Q_WAIT,
	Q_WAITING_ANY, Q_WAITING_COUNT_ALL, Q_WAITING_COUNT, Q_WAITING, Q_UNWAIT, Q_WAITING_OF,
	Q_WAITING_COUNT_OF, Q_WAITING_EXPIRE, Q_WAITING_FOR, Q_WAITING_CLEAR, Q_N
};

static const char *const sql[Q_N] = {
	[Q_BEGIN] = "BEGIN ISOLATION LEVEL READ COMMITTED",
	[Q_LOCK] = "SELECT pg_advisory_xact_lock($1)",
	[Q_COMMIT] = "COMMIT",
	[Q_ROLLBACK] = "ROLLBACK",
	[Q_IS_HUB] = "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema()"
		     " AND tablename IN ('hub_meta', 'hub_node', 'oplog')",
	[Q_SCHEMA] = "SELECT value::integer FROM hub_meta WHERE key = 'schema'",
	[Q_SET_SCHEMA] = "INSERT INTO hub_meta (key, value) VALUES ('schema', $1)"
			 " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
	[Q_ADD_EPOCH] = "INSERT INTO hub_meta (key, value) VALUES ('epoch', $1)",
	[Q_EPOCH] = "SELECT value FROM hub_meta WHERE key = 'epoch'",
	[Q_SET_EPOCH] = "UPDATE hub_meta SET value = $1 WHERE key = 'epoch'",
	[Q_NODE_ADD] = "INSERT INTO hub_node (name, township, role, area, token_sha256,"
		       " created_at) VALUES ($1, $2, $3, $4, $5, $6)",
	[Q_NODE_KNOWN] = "SELECT count(*) FROM hub_node WHERE name = $1",
	[Q_NODES] = "SELECT name, township, role, area, revoked, created_at, last_seen, incarnation"
		    " FROM hub_node ORDER BY name COLLATE \"C\"",
	[Q_NODE_OF_TOKEN] = "SELECT name, township, role, area, revoked FROM hub_node"
			    " WHERE token_sha256 = $1",
	[Q_NODE] = "SELECT name, township, role, area, revoked FROM hub_node WHERE name = $1",
	[Q_NODE_TOKEN] = "SELECT token_sha256 FROM hub_node WHERE name = $1",
	[Q_NODE_REVOKE] = "UPDATE hub_node SET revoked = 1 WHERE name = $1",
	[Q_NODE_SEEN] = "UPDATE hub_node SET last_seen = $1 WHERE name = $2",
	[Q_NODE_LIFE] = "SELECT incarnation FROM hub_node WHERE name = $1",
	[Q_NODE_SET_LIFE] = "UPDATE hub_node SET incarnation = $1 WHERE name = $2",
	[Q_NODE_SET_TOKEN] = "UPDATE hub_node SET token_sha256 = $1 WHERE name = $2",
	[Q_SET_OWNER] = "INSERT INTO row_scope (tbl, row_id, owner) VALUES ($1, $2, $3)"
			" ON CONFLICT DO NOTHING",
	[Q_MOVE_OWNER] = "INSERT INTO row_scope (tbl, row_id, owner) VALUES ($1, $2, $3)"
			 " ON CONFLICT (tbl, row_id) DO UPDATE SET owner = excluded.owner",
	[Q_LOG_SEQ] = "SELECT server_seq FROM oplog WHERE op_id = $1",
	[Q_LOG_HLC] = "SELECT hlc FROM oplog WHERE op_id = $1",
	/* Under the write lock: the top read here is the last committed. */
	[Q_LOG_ADD] = "INSERT INTO oplog (server_seq, op_id, node, owner, tbl, row_id, hlc, body,"
		      " received_at) SELECT coalesce(max(server_seq), 0) + 1, $1, $2, $3, $4, $5,"
		      " $6, $7, $8 FROM oplog RETURNING server_seq",
	[Q_LOG_TOP] = "SELECT coalesce(max(server_seq), 0) FROM oplog",
	[Q_LOG_READ] = "SELECT server_seq, owner, body FROM oplog WHERE server_seq > $1"
		       " AND server_seq <= $2 AND node <> $3 AND ($4 = 1 OR owner IN ($5, '*',"
		       " substr($5 || $7, 1, 2), substr($5 || $7, 1, 4), substr($5 || $7, 1, 6))"
		       " OR ($7 <> '' AND substr(owner, 1, length($7)) = $7))"
		       " ORDER BY server_seq LIMIT $6",
	[Q_LOG_OF_ROW] = "SELECT server_seq, op_id, node, hlc, body FROM oplog WHERE tbl = $1"
			 " AND row_id = $2 ORDER BY server_seq",
	[Q_WAIT] = "INSERT INTO hub_waiting (op_id, tbl, row_id, body, pusher, received_at)"
		   " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (op_id) DO NOTHING",
	[Q_WAITING_ANY] = "SELECT count(*) FROM (SELECT 1 FROM hub_waiting LIMIT 1) w",
	[Q_WAITING_COUNT_ALL] = "SELECT count(*) FROM hub_waiting WHERE reason IS NULL",
	[Q_WAITING_COUNT] = "SELECT count(*) FROM hub_waiting WHERE op_id = $1 AND reason IS NULL",
	[Q_WAITING] = "SELECT op_id, body, pusher FROM hub_waiting WHERE reason IS NULL"
		      " ORDER BY received_at, op_id COLLATE \"C\"",
	[Q_UNWAIT] = "DELETE FROM hub_waiting WHERE op_id = $1",
	[Q_WAITING_OF] = "SELECT op_id, tbl, row_id, pusher, received_at, reason FROM hub_waiting"
			 " WHERE pusher IS NOT NULL AND ($1::text IS NULL OR pusher = $1)"
			 " ORDER BY pusher COLLATE \"C\", received_at, op_id COLLATE \"C\"",
	[Q_WAITING_COUNT_OF] = "SELECT count(*) FROM hub_waiting WHERE pusher = $1"
			       " AND reason IS NULL",
	[Q_WAITING_EXPIRE] = "UPDATE hub_waiting SET reason = $1 WHERE pusher IS NOT NULL"
			     " AND reason IS NULL AND received_at < $2",
	[Q_WAITING_FOR] = "SELECT op_id, tbl, row_id, body, pusher FROM hub_waiting"
			  " WHERE reason IS NULL AND ($1::text IS NULL OR (tbl = $1 AND row_id = $2))"
			  " ORDER BY received_at, op_id COLLATE \"C\"",
	[Q_WAITING_CLEAR] = "DELETE FROM hub_waiting WHERE pusher = $1",
};

/* In the cache, what a push asks of the log, mirrored (under the write
 * lock and at the log's top, the cache holds every logged op): the owners
 * of rows, as the SQLite hub's row_scope, and each op's seq and stamp. */
#define CACHE_SCOPE                                                                         \
	"CREATE TABLE row_scope (tbl TEXT NOT NULL, row_id TEXT NOT NULL, owner TEXT NOT NULL," \
	" PRIMARY KEY (tbl, row_id)) STRICT, WITHOUT ROWID;\n"                                  \
	"CREATE INDEX row_scope_owner ON row_scope(owner, tbl);\n"                              \
	"CREATE TABLE logged (op_id TEXT PRIMARY KEY, server_seq INTEGER NOT NULL,"             \
	" hlc TEXT NOT NULL) STRICT, WITHOUT ROWID;\n"

struct pg {
	PGconn *conn;
	bool prepared[Q_N];
	char *dir;              /* the cache's folder */
	int64_t mark, mark_new; /* the cache's log position: committed, in the transaction */
	bool cache_tx;          /* the transaction is the cache's too (pg_begin) */
	bool in_tx;             /* between BEGIN and COMMIT or ROLLBACK */
	/* Under the write lock, whether hub_waiting is empty (every writer of
	 * it holds the lock): then most ops of a push need not ask about it.
	 * -1: not asked yet in this transaction. */
	int none_waiting;
};

#define PG(hs) ((struct pg *)(hs)->impl)

/* Where the server is, without the password a URL may carry. */
static const char *where(PGconn *c, char *buf, size_t n)
{
	snprintf(buf, n, "PostgreSQL at %s:%s, database %s", PQhost(c) ? PQhost(c) : "?",
		 PQport(c) ? PQport(c) : "?", PQdb(c) ? PQdb(c) : "?");
	return buf;
}

static bool pg_fail(PGconn *c, const char *msg, struct err *e)
{
	char w[256];
	char m[768];
	snprintf(m, sizeof m, "%s", msg ? msg : "");
	size_t n = strlen(m);
	while (n && (m[n - 1] == '\n' || m[n - 1] == ' '))
		m[--n] = '\0';
	return err_set(e, ERR_FAIL, "%s: %s", where(c, w, sizeof w), m);
}

static void quiet(void *arg, const char *message)
{
	(void)arg, (void)message;
}

static bool connect_to(const char *url, PGconn **out, struct err *e)
{
	PGconn *c = PQconnectdb(url);
	if (!c)
		return err_set(e, ERR_FAIL, "PostgreSQL: out of memory");
	if (PQstatus(c) != CONNECTION_OK) {
		pg_fail(c, PQerrorMessage(c), e);
		PQfinish(c);
		return false;
	}
	/* The hub's messages are its own (its log is one JSON object a
	 * line): the server's notices are not shown. */
	PQsetNoticeProcessor(c, quiet, NULL);
	*out = c;
	return true;
}

/* Runs statement q with the arguments fmt says: 's' const char * (NULL:
 * SQL NULL), 'i' int64_t. NULL on failure (e says why). */
static PGresult *run(struct pg *pg, enum q q, struct err *e, const char *fmt, ...)
{
	const char *vals[10];
	char nums[10][24];
	int n = 0;
	va_list ap;
	va_start(ap, fmt);
	for (const char *f = fmt; *f && n < 10; f++, n++) {
		if (*f == 'i') {
			snprintf(nums[n], sizeof nums[n], "%lld", (long long)va_arg(ap, int64_t));
			vals[n] = nums[n];
		} else {
			vals[n] = va_arg(ap, const char *);
		}
	}
	va_end(ap);
	/* A connection lost (a server restarted, a standby promoted behind
	 * the same address) is made again, never inside a transaction: what
	 * followed there would run outside it. The new one prepared nothing. */
	if (PQstatus(pg->conn) != CONNECTION_OK && !pg->in_tx) {
		PQreset(pg->conn);
		memset(pg->prepared, 0, sizeof pg->prepared);
	}
	char name[16];
	snprintf(name, sizeof name, "dd%d", (int)q);
	if (!pg->prepared[q]) {
		PGresult *p = PQprepare(pg->conn, name, sql[q], n, NULL);
		bool ok = PQresultStatus(p) == PGRES_COMMAND_OK;
		if (!ok)
			pg_fail(pg->conn, PQresultErrorMessage(p), e);
		PQclear(p);
		if (!ok)
			return NULL;
		pg->prepared[q] = true;
	}
	PGresult *r = PQexecPrepared(pg->conn, name, n, vals, NULL, NULL, 0);
	ExecStatusType s = PQresultStatus(r);
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
		pg_fail(pg->conn, r ? PQresultErrorMessage(r) : PQerrorMessage(pg->conn), e);
		PQclear(r);
		return NULL;
	}
	return r;
}


static bool done(PGresult *r)
{
	PQclear(r);
	return r != NULL;
}

/* The first column of the first row: an integer (0 when none). */
static bool got_int(PGresult *r, int64_t *out)
{
	*out = 0;
	if (!r)
		return false;
	if (PQntuples(r) > 0 && !PQgetisnull(r, 0, 0))
		*out = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return true;
}

/* The first column of the first row: a heap string (NULL when none). */
static bool got_text(PGresult *r, char **out)
{
	*out = NULL;
	if (!r)
		return false;
	if (PQntuples(r) > 0 && !PQgetisnull(r, 0, 0))
		*out = xstrdup(PQgetvalue(r, 0, 0));
	PQclear(r);
	return true;
}

/* Integer columns as JSON integers, the rest as strings, NULL as null:
 * the shapes the SQLite hub gives. */
static json_t *row_json(PGresult *r, int i)
{
	json_t *o = json_object();
	for (int c = 0; c < PQnfields(r); c++) {
		json_t *v;
		Oid t = PQftype(r, c);
		if (PQgetisnull(r, i, c))
			v = json_null();
		else if (t == 20 || t == 21 || t == 23) /* int8, int2, int4 */
			v = json_integer(strtoll(PQgetvalue(r, i, c), NULL, 10));
		else
			v = json_string(PQgetvalue(r, i, c));
		json_object_set_new(o, PQfname(r, c), v);
	}
	return o;
}

static json_t *got_rows(PGresult *r)
{
	if (!r)
		return NULL;
	json_t *a = json_array();
	for (int i = 0; i < PQntuples(r); i++)
		json_array_append_new(a, row_json(r, i));
	PQclear(r);
	return a;
}

static json_t *got_row(PGresult *r)
{
	if (!r)
		return NULL;
	json_t *o = PQntuples(r) > 0 ? row_json(r, 0) : json_null();
	PQclear(r);
	return o;
}

static bool got_count(PGresult *r, int64_t *n)
{
	*n = r ? strtoll(PQcmdTuples(r), NULL, 10) : 0;
	return done(r);
}

/* A schema script (constant text, no values). */
static bool script(struct pg *pg, const char *text, struct err *e)
{
	PGresult *r = PQexec(pg->conn, text);
	bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		pg_fail(pg->conn, PQresultErrorMessage(r), e);
	PQclear(r);
	return ok;
}

static bool is_hub(struct pg *pg, bool *yes, struct err *e)
{
	int64_t n;
	if (!got_int(run(pg, Q_IS_HUB, e, ""), &n))
		return false;
	*yes = n == 3;
	return true;
}

/* Runs the migrations the database lacks, from have on, and records the
 * schema, in the open transaction. */
static bool migrate(struct pg *pg, int64_t have, struct err *e)
{
	for (int64_t i = have; i < PG_SCHEMA; i++)
		if (!script(pg, pg_migrations[i], e))
			return false;
	char v[16];
	snprintf(v, sizeof v, "%d", PG_SCHEMA);
	return done(run(pg, Q_SET_SCHEMA, e, "s", v));
}

static bool lock_begin(struct pg *pg, bool lock, struct err *e)
{
	if (!done(run(pg, Q_BEGIN, e, "")))
		return false;
	pg->in_tx = true;
	if (!lock || done(run(pg, Q_LOCK, e, "s", WRITE_LOCK)))
		return true;
	PQclear(run(pg, Q_ROLLBACK, NULL, ""));
	pg->in_tx = false;
	return false;
}

static bool pg_end(struct pg *pg, bool commit, struct err *e)
{
	PGresult *r = run(pg, commit ? Q_COMMIT : Q_ROLLBACK, e, "");
	pg->in_tx = false;
	/* COMMIT of a transaction that failed says ROLLBACK. */
	bool ok = r && (!commit || str_eq(PQcmdStatus(r), "COMMIT"));
	if (r && !ok)
		err_set(e, ERR_FAIL, "PostgreSQL rolled the transaction back");
	PQclear(r);
	return ok;
}

/* Brings an existing hub's tables to this program's schema. */
static bool upgrade(struct pg *pg, struct err *e)
{
	bool hub;
	int64_t have;
	if (!is_hub(pg, &hub, e))
		return false;
	if (!hub)
		return true; /* hub_open says it is not a hub's */
	if (!got_int(run(pg, Q_SCHEMA, e, ""), &have))
		return false;
	if (have >= PG_SCHEMA)
		return true;
	if (!lock_begin(pg, true, e))
		return false;
	/* Another process may have done it meanwhile. */
	bool ok = got_int(run(pg, Q_SCHEMA, e, ""), &have) && migrate(pg, have, e);
	if (ok)
		return pg_end(pg, true, e);
	pg_end(pg, false, NULL);
	return false;
}

static void cache_remove(struct pg *pg)
{
	if (!pg->dir)
		return;
	static const char *const files[] = {"cache.db", "cache.db-wal", "cache.db-shm",
					    "cache.db-journal"};
	char p[4096];
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(p, sizeof p, "%s/%s", pg->dir, files[i]);
		unlink(p);
	}
	rmdir(pg->dir);
	free(pg->dir);
	pg->dir = NULL;
}

/* This process's cache: a new dutydesk store in a folder of its own. */
static bool cache_make(struct pg *pg, struct store **out, struct err *e)
{
	const char *tmp = getenv("TMPDIR");
	char dir[4096];
	snprintf(dir, sizeof dir, "%s/dutydeskd-cache.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		return err_set(e, ERR_FAIL, "%s: cannot make the hub's cache folder", dir);
	pg->dir = xstrdup(dir);
	char path[4200];
	snprintf(path, sizeof path, "%s/cache.db", dir);
	/* Made again from the log whenever lost: no need to survive a crash.
	 * Owners as in the SQLite hub's file: the scoped digest reads them. */
	if (store_open(path, STORE_CREATE, out, e)) {
		if (store_script(*out, "PRAGMA synchronous = OFF;\n" CACHE_SCOPE, e))
			return true;
		store_close(*out);
	}
	cache_remove(pg);
	return false;
}

static void pg_close(struct hub_store *hs)
{
	struct pg *pg = PG(hs);
	store_close(hs->db);
	hs->db = NULL;
	cache_remove(pg);
	PQfinish(pg->conn);
	free(pg);
	hs->impl = NULL;
}

static bool pg_open(const char *url, unsigned flags, struct hub_store *hs, struct err *e)
{
	struct pg *pg = xcalloc(1, sizeof *pg);
	if (!connect_to(url, &pg->conn, e)) {
		free(pg);
		return false;
	}
	hs->impl = pg;
	if ((!(flags & HUB_STORE_CREATE) && !upgrade(pg, e)) || !cache_make(pg, &hs->db, e)) {
		PQfinish(pg->conn);
		free(pg);
		hs->impl = NULL;
		return false;
	}
	hs->fresh = true;
	return true;
}

static bool pg_exists(const char *url, bool *yes, struct err *e)
{
	struct pg pg = {0};
	if (!connect_to(url, &pg.conn, e))
		return false;
	bool ok = is_hub(&pg, yes, e);
	PQfinish(pg.conn);
	return ok;
}

static void pg_discard(const char *url)
{
	struct pg pg = {0};
	if (!connect_to(url, &pg.conn, NULL))
		return;
	bool hub;
	if (is_hub(&pg, &hub, NULL) && hub)
		script(&pg, "DROP TABLE IF EXISTS hub_meta, hub_node, oplog, row_scope, hub_waiting",
		       NULL);
	PQfinish(pg.conn);
}

static bool pg_file_is_hub(const char *url, bool *yes, struct err *e)
{
	return pg_exists(url, yes, e);
}

static bool pg_restore(const char *url, const char *file, char **kept, struct err *e)
{
	(void)url;
	*kept = NULL;
	return err_set(e, ERR_FAIL, "%s: a PostgreSQL hub is restored with PostgreSQL's own tools "
		       "(pg_restore of a pg_dump, or a standby promoted); nothing was changed", file);
}

static bool pg_copy(struct hub_store *hs, const char *file, struct err *e)
{
	(void)hs;
	return err_set(e, ERR_FAIL, "%s: a PostgreSQL hub is backed up with PostgreSQL's own tools "
		       "(pg_dump, pg_basebackup, a streaming standby); nothing was written", file);
}

static bool pg_begin(struct hub_store *hs, struct err *e)
{
	struct pg *pg = PG(hs);
	if (!lock_begin(pg, true, e))
		return false;
	if (!store_begin(hs->db, e)) {
		pg_end(pg, false, NULL);
		return false;
	}
	pg->mark_new = pg->mark;
	pg->cache_tx = true;
	pg->none_waiting = -1;
	return true;
}

static bool pg_begin_nodes(struct hub_store *hs, struct err *e)
{
	struct pg *pg = PG(hs);
	pg->cache_tx = false;
	pg->none_waiting = 0;
	return lock_begin(pg, false, e);
}

/* PostgreSQL's COMMIT first: the cache keeps only what the log holds. */
static bool pg_commit(struct hub_store *hs, struct err *e)
{
	struct pg *pg = PG(hs);
	bool cache = pg->cache_tx;
	/* What is known only under the lock is forgotten with it. */
	pg->none_waiting = 0;
	pg->cache_tx = false;
	if (!pg_end(pg, true, e)) {
		if (cache)
			store_rollback(hs->db);
		return false;
	}
	if (!cache)
		return true;
	if (store_commit(hs->db, NULL)) {
		pg->mark = pg->mark_new;
	} else {
		/* The ops are in the log: the cache goes back to where it was
		 * and replays them at the next transaction. */
		store_rollback(hs->db);
	}
	return true;
}

static void pg_rollback(struct hub_store *hs)
{
	struct pg *pg = PG(hs);
	bool cache = pg->cache_tx;
	pg->none_waiting = 0;
	pg->cache_tx = false;
	pg_end(pg, false, NULL);
	if (cache)
		store_rollback(hs->db);
}

static bool pg_cache_mark(struct hub_store *hs, int64_t *mark, struct err *e)
{
	(void)e;
	*mark = PG(hs)->mark_new;
	return true;
}

static bool pg_set_cache_mark(struct hub_store *hs, int64_t mark, struct err *e)
{
	(void)e;
	PG(hs)->mark_new = mark;
	return true;
}

static bool pg_make(struct hub_store *hs, const char *epoch, struct err *e)
{
	struct pg *pg = PG(hs);
	return migrate(pg, 0, e) && done(run(pg, Q_ADD_EPOCH, e, "s", epoch));
}

static bool pg_epoch(struct hub_store *hs, char **epoch, struct err *e)
{
	return got_text(run(PG(hs), Q_EPOCH, e, ""), epoch);
}

static bool pg_set_epoch(struct hub_store *hs, const char *epoch, struct err *e)
{
	return done(run(PG(hs), Q_SET_EPOCH, e, "s", epoch));
}

/* A COMMIT returns once it is on disk (and on the synchronous standbys
 * the server is told of): PostgreSQL's own setting, left as it is. */
static bool pg_durable(struct hub_store *hs, struct err *e)
{
	(void)hs, (void)e;
	return true;
}

/* ---- nodes ---- */

static bool pg_node_add(struct hub_store *hs, const char *name, const char *township,
			const char *role, const char *area, const char *token_sha256, int64_t at,
			struct err *e)
{
	return done(run(PG(hs), Q_NODE_ADD, e, "sssssi", name, township, role, area, token_sha256,
			at));
}

static bool pg_node_known(struct hub_store *hs, const char *name, bool *yes, struct err *e)
{
	int64_t n;
	if (!got_int(run(PG(hs), Q_NODE_KNOWN, e, "s", name), &n))
		return false;
	*yes = n > 0;
	return true;
}

static json_t *pg_nodes(struct hub_store *hs, struct err *e)
{
	return got_rows(run(PG(hs), Q_NODES, e, ""));
}

static json_t *pg_node_of_token(struct hub_store *hs, const char *sha256, struct err *e)
{
	return got_row(run(PG(hs), Q_NODE_OF_TOKEN, e, "s", sha256));
}

static json_t *pg_node(struct hub_store *hs, const char *name, struct err *e)
{
	return got_row(run(PG(hs), Q_NODE, e, "s", name));
}

static bool pg_node_token(struct hub_store *hs, const char *name, char **sha256, struct err *e)
{
	return got_text(run(PG(hs), Q_NODE_TOKEN, e, "s", name), sha256);
}

static bool pg_node_revoke(struct hub_store *hs, const char *name, struct err *e)
{
	return done(run(PG(hs), Q_NODE_REVOKE, e, "s", name));
}

static bool pg_node_seen(struct hub_store *hs, const char *name, int64_t at, struct err *e)
{
	return done(run(PG(hs), Q_NODE_SEEN, e, "is", at, name));
}

static bool pg_node_life(struct hub_store *hs, const char *name, int64_t *inc, struct err *e)
{
	return got_int(run(PG(hs), Q_NODE_LIFE, e, "s", name), inc);
}

static bool pg_node_set_life(struct hub_store *hs, const char *name, int64_t inc, struct err *e)
{
	return done(run(PG(hs), Q_NODE_SET_LIFE, e, "is", inc, name));
}

static bool pg_node_set_token(struct hub_store *hs, const char *name, const char *token_sha256,
			      struct err *e)
{
	return done(run(PG(hs), Q_NODE_SET_TOKEN, e, "ss", token_sha256, name));
}

/* ---- owners ---- */

/* Owners are read from the cache (hub_scope_owner), which holds every
 * owner the log does: the hub asks only in a write transaction, with the
 * cache at the log's top, and pg_set_owner writes both. One round trip to
 * the server fewer per op. A row the cache knows the owner of has it in
 * PostgreSQL too (a row's first owner stays): only a new one is written
 * there. */
static bool pg_set_owner(struct hub_store *hs, const char *tbl, const char *row_id,
			 const char *owner, struct err *e)
{
	char *had = NULL;
	if (!hub_scope_owner(hs, tbl, row_id, &had, e))
		return false;
	bool known = had != NULL;
	free(had);
	return known || (done(run(PG(hs), Q_SET_OWNER, e, "sss", tbl, row_id, owner)) &&
			 hub_scope_put(hs, tbl, row_id, owner, false, e));
}

/* The county moved the row: its owner in both. */
static bool pg_move_owner(struct hub_store *hs, const char *tbl, const char *row_id,
			  const char *owner, struct err *e)
{
	return done(run(PG(hs), Q_MOVE_OWNER, e, "sss", tbl, row_id, owner)) &&
	       hub_scope_put(hs, tbl, row_id, owner, true, e);
}

/* ---- the op log ---- */

static bool cache_op(struct hub_store *hs, int64_t seq, const char *op_id, const char *hlc,
		     struct err *e)
{
	return store_exec(hs->db, e,
			  "INSERT INTO logged (op_id, server_seq, hlc) VALUES (?, ?, ?)"
			  " ON CONFLICT DO NOTHING",
			  "sis", op_id, seq, hlc);
}

/* An op replayed from the log (this process's own among them). One whose
 * op id is logged already at another seq is one logged again for its
 * row's new owner after a move (its key in the log is "op>owner@top", its
 * body the op's own): it says the row's owner now, as move_owner did in the
 * process that moved it, and the op id keeps its first seq and stamp. Any
 * other op's row keeps its first owner, as set_owner. */
static bool pg_cache_logged(struct hub_store *hs, int64_t seq, const char *op_id,
			    const char *hlc, const char *tbl, const char *row_id, const char *owner,
			    struct err *e)
{
	int64_t again = 0;
	return store_int(hs->db, e, &again,
			 "SELECT count(*) FROM logged WHERE op_id = ? AND server_seq <> ?", "si",
			 op_id, seq) &&
	       cache_op(hs, seq, op_id, hlc, e) && hub_scope_put(hs, tbl, row_id, owner, again > 0, e);
}

/* In a write transaction the cache answers (it mirrors the log there);
 * elsewhere (a pull's check of a node's incarnation) the server does. */
static bool pg_log_seq(struct hub_store *hs, const char *op_id, int64_t *seq, struct err *e)
{
	if (PG(hs)->cache_tx)
		return store_int(hs->db, e, seq, "SELECT server_seq FROM logged WHERE op_id = ?", "s",
				 op_id);
	return got_int(run(PG(hs), Q_LOG_SEQ, e, "s", op_id), seq);
}

static bool pg_log_hlc(struct hub_store *hs, const char *op_id, char **hlc, struct err *e)
{
	if (PG(hs)->cache_tx)
		return store_text(hs->db, e, hlc, "SELECT hlc FROM logged WHERE op_id = ?", "s", op_id);
	return got_text(run(PG(hs), Q_LOG_HLC, e, "s", op_id), hlc);
}

static bool pg_log_add(struct hub_store *hs, const char *op_id, const char *node,
		       const char *owner, const char *tbl, const char *row_id, const char *hlc,
		       const char *body, int64_t at, int64_t *seq, struct err *e)
{
	return got_int(run(PG(hs), Q_LOG_ADD, e, "sssssssi", op_id, node, owner, tbl, row_id, hlc,
			   body, at),
		       seq) &&
	       cache_op(hs, *seq, op_id, hlc, e);
}

static bool pg_log_top(struct hub_store *hs, int64_t *top, struct err *e)
{
	return got_int(run(PG(hs), Q_LOG_TOP, e, ""), top);
}

static json_t *pg_log_read(struct hub_store *hs, int64_t since, int64_t upto, const char *node,
			   bool all, const char *township, const char *area, int64_t limit,
			   struct err *e)
{
	return got_rows(run(PG(hs), Q_LOG_READ, e, "iisisis", since, upto, node, (int64_t)all,
			    township, limit, area));
}

static bool pg_log_read_text(struct hub_store *hs, int64_t since, int64_t upto, const char *node,
			     bool all, const char *township, const char *area, int64_t limit,
			     struct strbuf *ops, size_t *n, int64_t *last, struct err *e)
{
	PGresult *r = run(PG(hs), Q_LOG_READ, e, "iisisis", since, upto, node, (int64_t)all,
			  township, limit, area);
	if (!r)
		return false;
	*n = (size_t)PQntuples(r);
	for (int i = 0; i < (int)*n; i++) {
		if (i)
			sb_putc(ops, ',');
		sb_add(ops, PQgetvalue(r, i, 2), (size_t)PQgetlength(r, i, 2));
		*last = strtoll(PQgetvalue(r, i, 0), NULL, 10);
	}
	PQclear(r);
	return true;
}

static json_t *pg_log_of_row(struct hub_store *hs, const char *tbl, const char *row_id,
			     struct err *e)
{
	return got_rows(run(PG(hs), Q_LOG_OF_ROW, e, "ss", tbl, row_id));
}

/* ---- waiting ops ---- */

/* Whether no op waits, known for this locked transaction (asked once). */
static bool none_waiting(struct hub_store *hs)
{
	struct pg *pg = PG(hs);
	int64_t n;
	if (pg->none_waiting < 0)
		pg->none_waiting = got_int(run(pg, Q_WAITING_ANY, NULL, ""), &n) && n == 0;
	return pg->none_waiting > 0;
}

static bool pg_wait(struct hub_store *hs, const char *op_id, const char *tbl,
		    const char *row_id, json_t *op, const char *pusher, int64_t at, struct err *e)
{
	char *body = json_dumps(op, JSON_COMPACT | JSON_SORT_KEYS);
	bool ok = done(run(PG(hs), Q_WAIT, e, "sssssi", op_id, tbl, row_id, body, pusher, at));
	free(body);
	if (ok)
		PG(hs)->none_waiting = 0;
	return ok;
}

static bool pg_waiting_count(struct hub_store *hs, const char *op_id, int64_t *n,
			     struct err *e)
{
	*n = 0;
	if (none_waiting(hs))
		return true;
	if (!op_id)
		return got_int(run(PG(hs), Q_WAITING_COUNT_ALL, e, ""), n);
	return got_int(run(PG(hs), Q_WAITING_COUNT, e, "s", op_id), n);
}

static json_t *pg_waiting(struct hub_store *hs, struct err *e)
{
	return got_rows(run(PG(hs), Q_WAITING, e, ""));
}

static bool pg_unwait(struct hub_store *hs, const char *op_id, struct err *e)
{
	if (none_waiting(hs))
		return true;
	return done(run(PG(hs), Q_UNWAIT, e, "s", op_id));
}

static json_t *pg_waiting_of(struct hub_store *hs, const char *node, struct err *e)
{
	return got_rows(run(PG(hs), Q_WAITING_OF, e, "s", node));
}

static bool pg_waiting_count_of(struct hub_store *hs, const char *node, int64_t *n,
				struct err *e)
{
	return got_int(run(PG(hs), Q_WAITING_COUNT_OF, e, "s", node), n);
}

static bool pg_waiting_expire(struct hub_store *hs, int64_t before, const char *reason,
			      int64_t *n, struct err *e)
{
	*n = 0;
	return none_waiting(hs) ||
	       got_count(run(PG(hs), Q_WAITING_EXPIRE, e, "si", reason, before), n);
}

static json_t *pg_waiting_for(struct hub_store *hs, const char *tbl, const char *row_id,
			      struct err *e)
{
	if (none_waiting(hs))
		return json_array();
	return got_rows(run(PG(hs), Q_WAITING_FOR, e, "ss", tbl, row_id));
}

static bool pg_waiting_clear(struct hub_store *hs, const char *node, int64_t *n, struct err *e)
{
	return got_count(run(PG(hs), Q_WAITING_CLEAR, e, "s", node), n);
}

static const struct hub_store_ops hub_pg_ops = {
	.name = "postgresql",
	.open = pg_open,
	.close = pg_close,
	.exists = pg_exists,
	.discard = pg_discard,
	.file_is_hub = pg_file_is_hub,
	.restore = pg_restore,
	.begin = pg_begin,
	.begin_nodes = pg_begin_nodes,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.cache_mark = pg_cache_mark,
	.set_cache_mark = pg_set_cache_mark,
	.cache_logged = pg_cache_logged,
	.make = pg_make,
	.epoch = pg_epoch,
	.set_epoch = pg_set_epoch,
	.durable = pg_durable,
	.copy = pg_copy,
	.node_add = pg_node_add,
	.node_known = pg_node_known,
	.nodes = pg_nodes,
	.node_of_token = pg_node_of_token,
	.node = pg_node,
	.node_token = pg_node_token,
	.node_revoke = pg_node_revoke,
	.node_seen = pg_node_seen,
	.node_life = pg_node_life,
	.node_set_life = pg_node_set_life,
	.node_set_token = pg_node_set_token,
	.log_hlc = pg_log_hlc,
	.owner = hub_scope_owner,
	.set_owner = pg_set_owner,
	.log_seq = pg_log_seq,
	.log_add = pg_log_add,
	.log_top = pg_log_top,
	.log_read = pg_log_read,
	.log_read_text = pg_log_read_text,
	.wait = pg_wait,
	.waiting_count = pg_waiting_count,
	.waiting = pg_waiting,
	.unwait = pg_unwait,
	.waiting_of = pg_waiting_of,
	.waiting_count_of = pg_waiting_count_of,
	.waiting_expire = pg_waiting_expire,
	.waiting_clear = pg_waiting_clear,
	.move_owner = pg_move_owner,
	.log_of_row = pg_log_of_row,
	.waiting_for = pg_waiting_for,
};

void hub_store_use_postgresql(void)
{
	hub_store_register("postgresql", &hub_pg_ops);
	hub_store_register("postgres", &hub_pg_ops);
}
