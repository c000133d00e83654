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

#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"

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

/* A province's own divisions (dutydeskd divisions import), beside the
 * shipped county's every cache loads; 'divisions' in hub_meta counts the
 * imports, so a process sees at its next catch-up that its cache lacks
 * one. */
static const char pg_v_pgcache[] =
	"CREATE TABLE IF NOT EXISTS hub_division (code text PRIMARY KEY, name text NOT NULL,"
	" level text NOT NULL, parent_code text, illustrative integer NOT NULL DEFAULT 0);\n"
	"INSERT INTO hub_meta (key, value) VALUES ('divisions', '0') ON CONFLICT DO NOTHING;\n";

static const char *const pg_migrations[] = {pg_v1, pg_v_moves, pg_v_area, pg_v_pgcache};
#define PG_SCHEMA ((int)(sizeof pg_migrations / sizeof pg_migrations[0]))

/* ---- the statements ---- */
enum q {
	Q_BEGIN, Q_LOCK, Q_COMMIT, Q_ROLLBACK, Q_IS_HUB, Q_SCHEMA, Q_SET_SCHEMA, Q_ADD_EPOCH,
	Q_EPOCH, Q_SET_EPOCH, Q_NODE_ADD, Q_NODE_KNOWN, Q_NODES, Q_NODE_OF_TOKEN, Q_NODE,
	Q_NODE_TOKEN, Q_NODE_REVOKE, Q_NODE_SEEN, Q_NODE_LIFE, Q_NODE_SET_LIFE, Q_NODE_SET_TOKEN,
	Q_SET_OWNER, Q_MOVE_OWNER, Q_LOG_SEQ, Q_LOG_HLC, Q_LOG_ADD, Q_LOG_TOP, Q_LOG_READ, Q_LOG_OF_ROW, Q_WAIT,
	Q_WAITING_ANY, Q_WAITING_COUNT_ALL, Q_WAITING_COUNT, Q_WAITING, Q_UNWAIT, Q_WAITING_OF,
	Q_WAITING_COUNT_OF, Q_WAITING_EXPIRE, Q_WAITING_FOR, Q_WAITING_CLEAR, Q_IDENTITY, Q_LOG_AT, Q_LOG_TOP_GEN, Q_DIV_GEN, Q_DIV_ALL, Q_DIV_PUT,
	Q_DIV_BUMP, Q_N
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
	[Q_IDENTITY] = "SELECT (SELECT system_identifier::text FROM pg_control_system()), d.oid::text,"
		       " d.datname, (SELECT value FROM hub_meta WHERE key = 'epoch')"
		       " FROM pg_database d WHERE d.datname = current_database()",
	[Q_LOG_AT] = "SELECT op_id, hlc FROM oplog WHERE server_seq = $1",
	[Q_LOG_TOP_GEN] = "SELECT coalesce(max(server_seq), 0), (SELECT value::bigint FROM hub_meta"
			  " WHERE key = 'divisions') FROM oplog",
	[Q_DIV_GEN] = "SELECT value::bigint FROM hub_meta WHERE key = 'divisions'",
	[Q_DIV_ALL] = "SELECT code, name, level, parent_code, illustrative FROM hub_division ORDER BY"
		      " CASE level WHEN 'county' THEN 0 WHEN 'township' THEN 1 ELSE 2 END, code",
	[Q_DIV_PUT] = "INSERT INTO hub_division (code, name, level, parent_code, illustrative)"
		      " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (code) DO UPDATE SET"
		      " name = excluded.name, level = excluded.level,"
		      " parent_code = excluded.parent_code, illustrative = excluded.illustrative",
	[Q_DIV_BUMP] = "UPDATE hub_meta SET value = (value::bigint + 1)::text WHERE key = 'divisions'"
		       " RETURNING value::bigint",
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
	bool kept;              /* the cache stays there after close (cache_keep) */
	int lock_fd;            /* the kept cache's lock, held while open */
	int64_t mark, mark_new; /* the cache's log position: committed, in the transaction */
	/* The highest seq the cache holds (committed, in the transaction) and,
	 * when the transaction raised it, that op's key and stamp. */
	int64_t hi, hi_new;
	char hi_op[256], hi_hlc[64];
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

/* The cache's own record (one row): what it was made from (this program,
 * PostgreSQL's system and database, the hub's epoch), how far it replayed
 * the log (mark) and the last op it holds (hi_*: the highest seq, its op
 * id and stamp, one of its own pushes beyond the mark among them). It
 * changes in the transaction that changes the cache. */
#define CACHE_STATE                                                                         \
	"CREATE TABLE cache_state (one INTEGER PRIMARY KEY CHECK (one = 1),"                   \
	" program TEXT NOT NULL, pg_system TEXT NOT NULL, pg_database TEXT NOT NULL,"          \
	" epoch TEXT NOT NULL, mark INTEGER NOT NULL, hi_seq INTEGER NOT NULL,"                \
	" hi_op TEXT NOT NULL, hi_hlc TEXT NOT NULL,"                                          \
	" divisions INTEGER NOT NULL DEFAULT 0) STRICT;\n"

static const char *const cache_files[] = {"", "-wal", "-shm", "-journal"};
#define CACHE_SLOTS 16

static void cache_unlink(const char *dir, int slot)
{
	char p[4200];
	for (size_t i = 0; i < sizeof cache_files / sizeof cache_files[0]; i++) {
		snprintf(p, sizeof p, "%s/cache-%d.db%s", dir, slot, cache_files[i]);
		unlink(p);
	}
}

/* Closes the cache; one in a temporary folder goes with it, a kept one
 * stays (and its lock is let go). */
static void cache_close(struct hub_store *hs, struct pg *pg)
{
	store_close(hs->db);
	hs->db = NULL;
	if (pg->lock_fd >= 0)
		close(pg->lock_fd);
	pg->lock_fd = -1;
	if (pg->dir && !pg->kept) {
		cache_unlink(pg->dir, 0);
		rmdir(pg->dir);
	}
	free(pg->dir);
	pg->dir = NULL;
}

/* What the cache is made from, now: [0] this program and the node schema,
 * [1] PostgreSQL's system identifier (a standby made by pg_basebackup has
 * its primary's), [2] the database's name and oid (a pg_dump restored
 * into a new database has another), [3] the hub's epoch. */
struct ident {
	char part[4][160];
};

static const char *const ident_col[4] = {"program", "pg_system", "pg_database", "epoch"};
static const char *const ident_what[4] = {"dutydeskd version and schema",
					  "PostgreSQL system", "database", "hub epoch"};

static bool ident_now(struct pg *pg, struct ident *id, struct err *e)
{
	PGresult *r = run(pg, Q_IDENTITY, e, "");
	if (!r)
		return false;
	bool ok = PQntuples(r) == 1;
	if (ok) {
		snprintf(id->part[0], sizeof id->part[0], "%s, schema %d", DD_VERSION,
			 store_schema_version);
		snprintf(id->part[1], sizeof id->part[1], "%s", PQgetvalue(r, 0, 0));
		snprintf(id->part[2], sizeof id->part[2], "%s (oid %s)", PQgetvalue(r, 0, 2),
			 PQgetvalue(r, 0, 1));
		snprintf(id->part[3], sizeof id->part[3], "%s", PQgetvalue(r, 0, 3));
	}
	PQclear(r);
	return ok || err_set(e, ERR_FAIL, "PostgreSQL: the database's identity was not found");
}

/* Whether the cache db is a prefix of the log: made from the same system,
 * database and epoch by this program, and the last op it holds is the
 * op at that seq in the log now (a relog after a move is keyed
 * "op>owner@top"). 1: it is (*mark: where it replayed to); 0: it is not,
 * why in why; -1: the server did not answer (e). */
static int cache_valid(struct pg *pg, struct store *db, const struct ident *id, int64_t *mark,
		       char *why, size_t n, struct err *e)
{
	json_t *st = store_row(db, NULL, "SELECT * FROM cache_state", "");
	if (!json_is_object(st)) {
		json_decref(st);
		snprintf(why, n, "it has no record of what it was made from");
		return false;
	}
	bool ok = true;
	for (int i = 0; ok && i < 4; i++) {
		const char *was = json_string_value(json_object_get(st, ident_col[i]));
		if (!str_eq(was, id->part[i])) {
			snprintf(why, n, "it was made for another %s (%s; now %s)", ident_what[i],
				 was ? was : "?", id->part[i]);
			ok = false;
		}
	}
	int64_t hi = json_integer_value(json_object_get(st, "hi_seq")), top = 0;
	*mark = json_integer_value(json_object_get(st, "mark"));
	const char *op = json_string_value(json_object_get(st, "hi_op"));
	const char *hlc = json_string_value(json_object_get(st, "hi_hlc"));
	if (ok && !got_int(run(pg, Q_LOG_TOP, e, ""), &top)) {
		json_decref(st);
		return -1;
	}
	if (ok && hi > top)
		ok = false, snprintf(why, n, "it is ahead of the log (it holds ops up to seq %lld, "
				     "the log ends at %lld: the database went back)", (long long)hi,
				     (long long)top);
	PGresult *r = ok && hi > 0 ? run(pg, Q_LOG_AT, e, "i", hi) : NULL;
	if (ok && hi > 0 && !r) {
		json_decref(st);
		return -1;
	}
	if (ok && hi > 0) {
		const char *k = r && PQntuples(r) ? PQgetvalue(r, 0, 0) : "";
		size_t kn = strlen(op ? op : "");
		bool same = r && PQntuples(r) && op && strncmp(k, op, kn) == 0 &&
			    (k[kn] == '\0' || k[kn] == '>') && str_eq(PQgetvalue(r, 0, 1), hlc);
		if (!same)
			ok = false, snprintf(why, n, "the op at seq %lld in the log is not the one it "
					     "replayed (%s; the log has %s)", (long long)hi,
					     op ? op : "?", r && PQntuples(r) ? k : "none");
	}
	PQclear(r);
	json_decref(st);
	return ok;
}

/* A new cache at path, recording what it is made from. */
static bool cache_new(const char *path, const struct ident *id, struct store **out,
		      struct err *e)
{
	if (!store_open(path, STORE_CREATE, out, e))
		return false;
	if (store_script(*out, CACHE_SCOPE CACHE_STATE, e) &&
	    store_exec(*out, e,
		       "INSERT INTO cache_state (one, program, pg_system, pg_database, epoch, mark,"
		       " hi_seq, hi_op, hi_hlc) VALUES (1, ?, ?, ?, ?, 0, 0, '', '')",
		       "ssss", id->part[0], id->part[1], id->part[2], id->part[3]))
		return true;
	store_close(*out);
	*out = NULL;
	return false;
}

/* The first cache file in folder no other process holds (flock on its
 * .lock), reused if it is a prefix of the log, else made anew. */
static bool cache_keep(struct hub_store *hs, struct pg *pg, const char *folder, struct err *e)
{
	struct ident id;
	if (!ident_now(pg, &id, e))
		return false;
	if (mkdir(folder, 0700) != 0 && errno != EEXIST)
		return err_set(e, ERR_FAIL, "%s: cannot make the cache folder: %s", folder,
			       strerror(errno));
	char path[4200];
	int slot;
	for (slot = 0; slot < CACHE_SLOTS; slot++) {
		snprintf(path, sizeof path, "%s/cache-%d.lock", folder, slot);
		int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (fd < 0)
			return err_set(e, ERR_FAIL, "%s: %s", path, strerror(errno));
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
			pg->lock_fd = fd;
			break;
		}
		close(fd);
	}
	if (slot == CACHE_SLOTS)
		return err_set(e, ERR_FAIL, "%s: all %d caches are in use by other dutydeskd processes",
			       folder, CACHE_SLOTS);
	pg->dir = xstrdup(folder);
	pg->kept = true;
	snprintf(path, sizeof path, "%s/cache-%d.db", folder, slot);
	char why[400] = "there was none";
	struct stat sb;
	if (stat(path, &sb) == 0) {
		struct err oe = {0};
		int64_t mark;
		int valid = 0;
		if (!store_open(path, 0, &hs->db, &oe))
			snprintf(why, sizeof why, "it does not open: %s", oe.msg);
		else
			valid = cache_valid(pg, hs->db, &id, &mark, why, sizeof why, e);
		if (valid < 0)
			return false; /* kept as it is: the server may answer next time */
		if (valid > 0) {
			pg->mark = mark;
			hs->kept_at = mark;
			snprintf(hs->note, sizeof hs->note, "cache %s: reused at seq %lld", path,
				 (long long)mark);
			return store_script(hs->db, "PRAGMA synchronous = NORMAL", e);
		}
		store_close(hs->db);
		hs->db = NULL;
		cache_unlink(folder, slot);
	}
	snprintf(hs->note, sizeof hs->note, "cache %s: made anew (%s)", path, why);
	hs->fresh = true;
	return cache_new(path, &id, &hs->db, e);
}

/* This process's cache: kept in the folder hub_store_keep_cache named, or
 * a new one in a temporary folder of its own. */
static bool cache_make(struct hub_store *hs, struct pg *pg, unsigned flags, struct err *e)
{
	const char *folder = hub_store_cache_folder();
	bool hub = false;
	hs->cache = true;
	if (folder && !(flags & HUB_STORE_CREATE) && is_hub(pg, &hub, e) && hub)
		return cache_keep(hs, pg, folder, e);
	const char *tmp = getenv("TMPDIR");
	char dir[4096];
	snprintf(dir, sizeof dir, "%s/dutydeskd-cache.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		return err_set(e, ERR_FAIL, "%s: cannot make the hub's cache folder", dir);
	pg->dir = xstrdup(dir);
	char path[4200];
	snprintf(path, sizeof path, "%s/cache-0.db", dir);
	snprintf(hs->note, sizeof hs->note, "cache in a temporary folder (none kept)");
	hs->fresh = true;
	/* Made again from the log whenever lost: no need to survive a crash.
	 * Owners as in the SQLite hub's file: the scoped digest reads them. */
	struct ident none = {{"", "", "", ""}};
	if (cache_new(path, &none, &hs->db, e)) {
		if (store_script(hs->db, "PRAGMA synchronous = OFF", e))
			return true;
	}
	cache_close(hs, pg);
	return false;
}

static void pg_close(struct hub_store *hs)
{
	struct pg *pg = PG(hs);
	cache_close(hs, pg);
	PQfinish(pg->conn);
	free(pg);
	hs->impl = NULL;
}

static bool pg_open(const char *url, unsigned flags, struct hub_store *hs, struct err *e)
{
	struct pg *pg = xcalloc(1, sizeof *pg);
	pg->lock_fd = -1;
	if (!connect_to(url, &pg->conn, e)) {
		free(pg);
		return false;
	}
	hs->impl = pg;
	if ((!(flags & HUB_STORE_CREATE) && !upgrade(pg, e)) || !cache_make(hs, pg, flags, e)) {
		cache_close(hs, pg);
		PQfinish(pg->conn);
		free(pg);
		hs->impl = NULL;
		return false;
	}
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
		script(&pg, "DROP TABLE IF EXISTS hub_meta, hub_node, oplog, row_scope, hub_waiting,"
			    " hub_division",
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
	pg->hi_new = pg->hi;
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
	/* The cache's record of how far it is, in its own transaction: it
	 * commits (or not) with what it records. */
	if (cache && (pg->mark_new != pg->mark || pg->hi_new != pg->hi) &&
	    !store_exec(hs->db, e,
			"UPDATE cache_state SET mark = ?, hi_seq = max(hi_seq, ?),"
			" hi_op = CASE WHEN ? > hi_seq THEN ? ELSE hi_op END,"
			" hi_hlc = CASE WHEN ? > hi_seq THEN ? ELSE hi_hlc END",
			"iiisis", pg->mark_new, pg->hi_new, pg->hi_new, pg->hi_op, pg->hi_new,
			pg->hi_hlc)) {
		pg_end(pg, false, NULL);
		store_rollback(hs->db);
		return false;
	}
	if (!pg_end(pg, true, e)) {
		if (cache)
			store_rollback(hs->db);
		return false;
	}
	if (!cache)
		return true;
	if (store_commit(hs->db, NULL)) {
		pg->mark = pg->mark_new;
		pg->hi = pg->hi_new;
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
	struct pg *pg = PG(hs);
	if (seq > pg->hi_new) {
		pg->hi_new = seq;
		snprintf(pg->hi_op, sizeof pg->hi_op, "%s", op_id ? op_id : "");
		snprintf(pg->hi_hlc, sizeof pg->hi_hlc, "%s", hlc ? hlc : "");
	}
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
	struct pg *pg = PG(hs);
	if (!got_int(run(pg, Q_LOG_ADD, e, "sssssssi", op_id, node, owner, tbl, row_id, hlc, body,
			 at),
		     seq) ||
	    !cache_op(hs, *seq, op_id, hlc, e))
		return false;
	/* Under the write lock at the log's top, an op is logged once the
	 * cache merged it: the cache is at its seq, and does not replay it. */
	if (*seq == pg->mark_new + 1)
		pg->mark_new = *seq;
	return true;
}

/* ---- divisions ---- */

/* The shared divisions into the cache, if it lacks import gen (one it
 * holds is gen already), in its transaction. */
static bool divisions_to_cache(struct hub_store *hs, int64_t gen, struct err *e)
{
	int64_t have;
	if (!store_int(hs->db, e, &have, "SELECT divisions FROM cache_state", ""))
		return false;
	if (have == gen)
		return true;
	PGresult *r = run(PG(hs), Q_DIV_ALL, e, "");
	bool ok = r != NULL;
	for (int i = 0; ok && i < PQntuples(r); i++)
		ok = store_put_division(hs->db, PQgetvalue(r, i, 0), PQgetvalue(r, i, 1),
					PQgetvalue(r, i, 2),
					PQgetisnull(r, i, 3) ? NULL : PQgetvalue(r, i, 3),
					strtol(PQgetvalue(r, i, 4), NULL, 10) != 0, e);
	PQclear(r);
	return ok && store_exec(hs->db, e, "UPDATE cache_state SET divisions = ?", "i", gen);
}

static bool pg_divisions_load(struct hub_store *hs, struct err *e)
{
	int64_t gen;
	return got_int(run(PG(hs), Q_DIV_GEN, e, ""), &gen) && divisions_to_cache(hs, gen, e);
}

/* Written in the cache by hub_store_divisions_put already: shared, and
 * counted as an import. */
static bool pg_divisions_put(struct hub_store *hs, json_t *rows, struct err *e)
{
	size_t i;
	json_t *d;
	json_array_foreach(rows, i, d) {
		if (!done(run(PG(hs), Q_DIV_PUT, e, "ssssi",
			      json_string_value(json_object_get(d, "code")),
			      json_string_value(json_object_get(d, "name")),
			      json_string_value(json_object_get(d, "level")),
			      json_string_value(json_object_get(d, "parent_code")),
			      (int64_t)json_integer_value(json_object_get(d, "illustrative")))))
			return false;
	}
	int64_t gen;
	return got_int(run(PG(hs), Q_DIV_BUMP, e, ""), &gen) &&
	       store_exec(hs->db, e, "UPDATE cache_state SET divisions = ?", "i", gen);
}

/* In the cache's transaction, the import it holds (caught up); else the
 * shared counter. */
static bool pg_divisions_gen(struct hub_store *hs, int64_t *gen, struct err *e)
{
	if (PG(hs)->cache_tx)
		return store_int(hs->db, e, gen, "SELECT divisions FROM cache_state", "");
	return got_int(run(PG(hs), Q_DIV_GEN, e, ""), gen);
}

/* At catch-up (a write transaction), the import count comes with the
 * top: a cache that lacks an import loads it before it replays ops that
 * may name its townships. */
static bool pg_log_top(struct hub_store *hs, int64_t *top, struct err *e)
{
	if (!PG(hs)->cache_tx)
		return got_int(run(PG(hs), Q_LOG_TOP, e, ""), top);
	PGresult *r = run(PG(hs), Q_LOG_TOP_GEN, e, "");
	if (!r)
		return false;
	*top = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	int64_t gen = PQgetisnull(r, 0, 1) ? 0 : strtoll(PQgetvalue(r, 0, 1), NULL, 10);
	PQclear(r);
	return divisions_to_cache(hs, gen, e);
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
	.divisions_load = pg_divisions_load,
	.divisions_put = pg_divisions_put,
	.divisions_gen = pg_divisions_gen,
};

void hub_store_use_postgresql(void)
{
	hub_store_register("postgresql", &hub_pg_ops);
	hub_store_register("postgres", &hub_pg_ops);
}
