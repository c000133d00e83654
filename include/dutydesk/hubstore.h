/* The hub's own tables, behind one small interface: the hub's epoch,
 * enrolled nodes with the SHA-256 of their tokens, the op log (every
 * accepted op in server_seq order), each row's owner (a township code or
 * '*' for county-wide rows) and the ops that wait for their record.
 *
 * These functions dispatch through a table of operations (struct
 * hub_store_ops, src/store/hub_impl.h), picked by the database's name:
 *   a file path     src/store/hub_sqlite.c: an ordinary dutydesk store
 *                   with four more tables; the store beneath is the file.
 *   postgresql://   src/store/hub_pg.c (libpq, registered by the program
 *   postgres://     that links it: hub_store_use_postgresql): the hub's
 *                   tables in PostgreSQL, shared by every hub process;
 *                   the store beneath is a private SQLite cache of this
 *                   process, brought up to the log's top by the hub's
 *                   logic (replaying the log through the merge) before it
 *                   decides anything (hub_store_cache_mark).
 *   other scheme:// refused with a clear error, never taken for a file.
 * The merge, the library and digests run on the store beneath
 * (hub_store_db), in the same transaction. A write transaction
 * (hub_store_begin) holds the hub's write lock: one at a time over every
 * process, so server_seq is handed out in commit order and a pull that
 * read top sees every op up to it.
 *
 * Memory: a json_t * returned is a new reference for the caller to
 * json_decref (NULL on error, e says why); a char * stored through a
 * char ** is a heap string for the caller to free(). Arguments are
 * borrowed. Writes run between hub_store_begin and hub_store_commit. */
#ifndef DUTYDESK_HUBSTORE_H
#define DUTYDESK_HUBSTORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "dutydesk/store.h"

struct strbuf;

struct hub_store;

enum {
	HUB_STORE_CREATE = 1 << 0, /* a new database (its tables: hub_store_make) */
};

/* Whether path is written as a URL (scheme://...); *scheme_len: the
 * scheme's length (may be NULL). */
bool hub_store_is_url(const char *path, size_t *scheme_len);
/* Lets hub databases be postgresql://... and postgres://... URLs (in a
 * program linked with src/store/hub_pg.c). */
void hub_store_use_postgresql(void);
/* Whether a hub database (or, for a file, anything) is at path. */
bool hub_store_exists(const char *path, bool *yes, struct err *e);
/* Removes what a hub_store_make that failed half-way left at path. */
void hub_store_discard(const char *path);
/* Opens the hub database at path; *out is destroyed by hub_store_close. */
bool hub_store_open(const char *path, unsigned flags, struct hub_store **out, struct err *e);
void hub_store_close(struct hub_store *hs);
/* The dutydesk store the hub's merge, library and digests run on
 * (borrowed; lives as long as hs). */
struct store *hub_store_db(struct hub_store *hs);
/* Whether the database at path is a hub's (a node's is not); opens it
 * read-only. */
bool hub_store_file_is_hub(const char *path, bool *yes, struct err *e);

/* A PostgreSQL hub opened after this keeps its cache in folder (made if
 * missing; NULL: a temporary folder, removed at close), in a file of its
 * own that no other process uses at once (flock), reused at the next open
 * if it is a prefix of the log (same PostgreSQL system, database and
 * epoch, the op at its mark unchanged), else made again. Not for a file
 * hub: its store beneath is the file. */
void hub_store_keep_cache(const char *folder);
/* What became of the cache at open and how many ops were replayed into it
 * since, as a sentence in buf; false when the store beneath is no cache.
 * *kept_at: the seq a kept cache was reused at (-1: made anew). */
bool hub_store_cache_note(struct hub_store *hs, char *buf, size_t n, int64_t *kept_at,
			  int64_t *replayed);
/* Whether the store beneath is a cache of the log (not at its top before
 * a transaction brought it there). */
bool hub_store_is_cache(struct hub_store *hs);

/* Whether the store beneath was made empty at this open (a cache the hub
 * fills: reference data, then the log by hub_store_cache_mark). */
bool hub_store_fresh(struct hub_store *hs);
/* The last server_seq whose op the store beneath holds (a file's is its
 * log's top: its ops are merged in the push's transaction), and, in a
 * transaction, the new one after the hub replayed the ops up to mark. */
bool hub_store_cache_mark(struct hub_store *hs, int64_t *mark, struct err *e);
bool hub_store_set_cache_mark(struct hub_store *hs, int64_t mark, struct err *e);
/* The store beneath learns of a logged op it replays: its seq and stamp
 * (a push asks whether an op is logged) and its row's owner (scoped
 * digests read owners there). */
bool hub_store_cache_logged(struct hub_store *hs, int64_t seq, const char *op_id,
			    const char *hlc, const char *tbl, const char *row_id, const char *owner,
			    struct err *e);

bool hub_store_begin(struct hub_store *hs, struct err *e);
/* A transaction on enrolled nodes (and reads of the log) only: neither the
 * log nor the store beneath is written, so it need not wait for the write
 * lock (a pull's check of the node's incarnation does not queue behind a
 * long push). Ended by hub_store_commit or hub_store_rollback. */
bool hub_store_begin_nodes(struct hub_store *hs, struct err *e);
bool hub_store_commit(struct hub_store *hs, struct err *e);
void hub_store_rollback(struct hub_store *hs);

/* Makes the hub's tables and records its first epoch. */
bool hub_store_make(struct hub_store *hs, const char *epoch, struct err *e);
/* *epoch: heap string, NULL when the database is not a hub's. */
bool hub_store_epoch(struct hub_store *hs, char **epoch, struct err *e);
bool hub_store_set_epoch(struct hub_store *hs, const char *epoch, struct err *e);
/* From now on every commit survives a power loss before it returns. */
bool hub_store_durable(struct hub_store *hs, struct err *e);
/* A consistent copy of the whole database into the new file. */
bool hub_store_copy(struct hub_store *hs, const char *file, struct err *e);
/* Replaces the (closed) hub database at path with the copy in file,
 * keeping the one it replaces as *kept (heap string, NULL when none). */
bool hub_store_restore(const char *path, const char *file, char **kept, struct err *e);

/* ---- enrolled nodes ---- */
/* area: a county node's division (its code: the node's scope is every
 * owner beginning with it), '' for the whole hub and for a township node. */
bool hub_store_node_add(struct hub_store *hs, const char *name, const char *township,
			const char *role, const char *area, const char *token_sha256, int64_t at,
			struct err *e);
bool hub_store_node_known(struct hub_store *hs, const char *name, bool *yes, struct err *e);
/* [{name, township, role, area, revoked, created_at, last_seen, incarnation}]
 * by name. */
json_t *hub_store_nodes(struct hub_store *hs, struct err *e);
/* {name, township, role, area, revoked} of the node whose token hashes to
 * sha256 (hex), or json null. */
json_t *hub_store_node_of_token(struct hub_store *hs, const char *sha256, struct err *e);
/* {name, township, role, area, revoked}, or json null. */
json_t *hub_store_node(struct hub_store *hs, const char *name, struct err *e);
/* *sha256: heap string, NULL when no such node. */
bool hub_store_node_token(struct hub_store *hs, const char *name, char **sha256,
			  struct err *e);
bool hub_store_node_revoke(struct hub_store *hs, const char *name, struct err *e);
bool hub_store_node_seen(struct hub_store *hs, const char *name, int64_t at, struct err *e);
/* A node's incarnation: 0, then one more after each restore detected or
 * replacement (see hub_push). */
bool hub_store_node_life(struct hub_store *hs, const char *name, int64_t *inc, struct err *e);
bool hub_store_node_set_life(struct hub_store *hs, const char *name, int64_t inc, struct err *e);
/* A new token (its SHA-256) for the node; the old one is refused from now on. */
bool hub_store_node_set_token(struct hub_store *hs, const char *name, const char *token_sha256,
			      struct err *e);

/* ---- owners of rows ---- */
/* *owner: heap string, NULL when the row has none yet. Asked in a write
 * transaction, once the store beneath is at the log's top (a PostgreSQL
 * hub answers from it). */
bool hub_store_owner(struct hub_store *hs, const char *tbl, const char *row_id, char **owner,
		     struct err *e);
/* Records the row's owner; a row's first owner stays. */
bool hub_store_set_owner(struct hub_store *hs, const char *tbl, const char *row_id,
			 const char *owner, struct err *e);

/* Gives the row a new owner (the county moved it to another township, or
 * made it county-level); unlike set_owner, replaces the one it had. */
bool hub_store_move_owner(struct hub_store *hs, const char *tbl, const char *row_id,
			  const char *owner, struct err *e);

/* ---- the op log ---- */
/* *seq: the op's server_seq, 0 when it is not logged. */
bool hub_store_log_seq(struct hub_store *hs, const char *op_id, int64_t *seq, struct err *e);
/* *hlc: the logged op's stamp (heap string), NULL when it is not logged. */
bool hub_store_log_hlc(struct hub_store *hs, const char *op_id, char **hlc, struct err *e);
/* Appends an accepted op (body: its JSON text); *seq gets its server_seq. */
bool hub_store_log_add(struct hub_store *hs, const char *op_id, const char *node,
		       const char *owner, const char *tbl, const char *row_id, const char *hlc,
		       const char *body, int64_t at, int64_t *seq, struct err *e);
/* The last server_seq (0 when the log is empty). */
bool hub_store_log_top(struct hub_store *hs, int64_t *top, struct err *e);
/* Ops after since up to upto, not pushed by node, of every owner (all) or
 * owned by township, by an owner beginning with area (not ''), by an area
 * the township or area lies in (scope_reads_from_above) or county-wide, at
 * most limit: [{server_seq, owner, body}] in order. */
json_t *hub_store_log_read(struct hub_store *hs, int64_t since, int64_t upto, const char *node,
			   bool all, const char *township, const char *area, int64_t limit,
			   struct err *e);
/* The same ops, their bodies as stored appended to ops, a comma between
 * two; *n: how many; *last: the last one's server_seq (untouched when
 * none). No op parsed: a pull's answer. */
bool hub_store_log_read_text(struct hub_store *hs, int64_t since, int64_t upto,
			     const char *node, bool all, const char *township, const char *area,
			     int64_t limit, struct strbuf *ops, size_t *n, int64_t *last,
			     struct err *e);

/* Every logged op of one row, in order: [{server_seq, op_id, node, hlc,
 * body}] (op_id as logged: a relayed op's is its key in the log). */
json_t *hub_store_log_of_row(struct hub_store *hs, const char *tbl, const char *row_id,
			     struct err *e);

/* ---- ops waiting for their record ---- */
/* Keeps op (stored as compact JSON) with who pushed it, under the record
 * it waits for (tbl, row_id: the row an update changes, the parent a new
 * entry hangs on); an op_id kept already stays as it is. */
bool hub_store_wait(struct hub_store *hs, const char *op_id, const char *tbl,
		    const char *row_id, json_t *op, const char *pusher, int64_t at,
		    struct err *e);
/* How many wait with that op_id (NULL: in all). */
bool hub_store_waiting_count(struct hub_store *hs, const char *op_id, int64_t *n,
			     struct err *e);
/* Every waiting op, oldest first: [{op_id, body, pusher}]. */
json_t *hub_store_waiting(struct hub_store *hs, struct err *e);
bool hub_store_unwait(struct hub_store *hs, const char *op_id, struct err *e);
/* node's waiting ops (node NULL: everyone's), the given-up ones with their
 * reason: [{op_id, tbl, row_id, pusher, received_at, reason}]. */
json_t *hub_store_waiting_of(struct hub_store *hs, const char *node, struct err *e);
/* How many of node's ops still wait. */
bool hub_store_waiting_count_of(struct hub_store *hs, const char *node, int64_t *n,
				struct err *e);
/* Gives up, with reason, every op waiting since before `before`; *n: how many. */
bool hub_store_waiting_expire(struct hub_store *hs, int64_t before, const char *reason,
			      int64_t *n, struct err *e);
/* The ops waiting for the record tbl/row_id (not the given-up ones), oldest
 * first: [{op_id, body, pusher}]. */
json_t *hub_store_waiting_for(struct hub_store *hs, const char *tbl, const char *row_id,
			      struct err *e);
/* Drops every op node left waiting or given up; *n: how many. */
bool hub_store_waiting_clear(struct hub_store *hs, const char *node, int64_t *n, struct err *e);

/* ---- divisions a hub knows beyond the shipped county's ---- */
/* Brings the store beneath's divisions up to the imported ones (a
 * PostgreSQL hub's shared table; a file holds its own), in a write
 * transaction. */
bool hub_store_divisions_load(struct hub_store *hs, struct err *e);
/* Adds or changes divisions [{code, name, level, parent_code (may be
 * null), illustrative}], parents first, in a write transaction: in the
 * store beneath, and for a PostgreSQL hub in the shared table too, for
 * every process to load at its next catch-up. */
bool hub_store_divisions_put(struct hub_store *hs, json_t *rows, struct err *e);
/* The divisions' generation: how many imports changed them (0: the shipped
 * county's only). Nodes compare it with the one they last loaded. In a
 * write transaction, that of the store beneath (what it holds); outside
 * one, the last committed. */
bool hub_store_divisions_gen(struct hub_store *hs, int64_t *gen, struct err *e);

#endif
