/* Sync: an explicit operation log between township/county nodes and the
 * county hub (dutydeskd). This header is the contract between
 *   - the core (src/sync/: apply/merge, digests, bundles, the node's
 *     session logic, and the hub's logic as a library: src/sync/hub.c), and
 *   - the transports (dutydeskd's HTTP server, the client's libcurl code),
 *     which only move bytes and never look inside ops.
 * Everything here is transport-free, so the same code runs in the
 * deterministic in-process simulation and in the real binaries.
 *
 * An op is the JSON object the record writer queues in the outbox:
 *   {"op_id":"<node>:<seq>","node":N,"hlc":H,"table":T,"id":ROW,
 *    "kind":"insert"|"update","actor":A,"at":UNIX,"fields":{...}}
 * Merge: append-only tables are a grow-only set by id; mutable tables merge
 * per field, last writer by (hlc, node) wins, the loser goes to
 * sync_conflict. Every function below that writes runs its own
 * transaction unless it says it must run inside one.
 *
 * Scopes (decided by the hub, from its own rows, never from a payload):
 * each row has an owner fixed when it is created: the township_code it is
 * created with (incident, hazard, depot, team, expert, contact; a
 * township's duty_entry is always its own), else its parent's owner (timeline and plan_activation and
 * task -> incident, household and inspection -> hazard, stock_movement ->
 * depot, checklist_item -> plan_activation, checklist_tick ->
 * checklist_item), else the writer's township; rows the county writes
 * without a township, and the item catalogue and plans, are county-wide
 * ('*'). A township node reads rows it owns plus county-wide ones and
 * writes only rows it owns (not moving them to another township); the
 * county node reads and writes everything. */
#ifndef DUTYDESK_SYNC_H
#define DUTYDESK_SYNC_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "dutydesk/store.h"
#include "dutydesk/util.h"

#define SYNC_PROTO 1
#define SYNC_MAX_OPS 500              /* per push request */
#define SYNC_MAX_BODY (1024 * 1024)   /* bytes per request body */
#define SYNC_MAX_DEPTH 32             /* JSON nesting accepted */
#define SYNC_MAX_FUTURE_MS (10 * 60 * 1000)

/* Per-op outcome of a push, as sent on the wire ("applied", ...). */
enum op_status {
	OP_APPLIED,
	OP_DUPLICATE,
	OP_CONFLICT_RECORDED, /* applied; some field lost to a newer value */
	OP_FORBIDDEN,         /* outside the pushing node's scope */
	OP_INVALID,           /* malformed, unknown table/field, bad value */
	OP_CLOCK_AHEAD,       /* hlc too far in the receiver's future */
	OP_PENDING,           /* accepted, waits for the record it changes or
			       * refers to (arrives later); applied then */
};
const char *op_status_name(enum op_status s);
bool op_status_parse(const char *name, enum op_status *out);
/* A node name: 1-40 letters, digits, '-' or '_'. */
bool sync_node_name_ok(const char *s);

/* Checks an op's shape against the schema (table, fields, types) without
 * touching a database. Errors name the op and the field. */
bool sync_op_valid(json_t *op, struct err *e);
/* Reads "node:seq" (incarnation 0) or "node.K:seq" for that node. */
bool sync_op_id_parse(const char *op_id, const char *node, int64_t *inc, int64_t *seq);

/* Applies one remote op to st inside the caller's transaction: the merge
 * rules above, field_version kept, hlc merged into the node clock. Never
 * queues an outbox op (remote ops are not re-sent by this node). */
bool sync_apply(struct store *st, json_t *op, enum op_status *out, struct err *e);

/* Digest of the canonical rows of every synced table: {"table": "sha256hex",
 * ...}. township NULL: every row of st (what a node compares). A township
 * code (or "" for the county, i.e. everything): the rows of that scope as
 * the hub sees them (hub databases only; they know each row's owner). */
json_t *sync_digest(struct store *st, const char *township, struct err *e);
/* The same, and *counts (heap): {table: rows} of the scope. */
json_t *sync_digest_counted(struct store *st, const char *township, json_t **counts,
			    struct err *e);
/* The rows of a scope with their bookkeeping columns and per-field
 * versions (what GET /v1/snapshot sends):
 * {"tables":{"incident":[{..}],..},"field_versions":[{"tbl","row_id","field",
 *  "hlc","node"},..]} */
json_t *sync_snapshot_rows(struct store *st, const char *township, struct err *e);
/* Loads a snapshot reply into a node that has pulled nothing yet (cursor
 * 0): rows it lacks are inserted as they are, rows it has merge per field;
 * the cursor and epoch are taken from the reply. Own transaction. */
bool sync_snapshot_load(struct store *st, json_t *snapshot, struct err *e);

/* Parses a request or reply body: at most SYNC_MAX_BODY bytes, nesting at
 * most SYNC_MAX_DEPTH, a JSON object. Errors say which limit (the server
 * answers 413 for size, 400 for the rest: *too_large tells them apart). */
json_t *sync_json_parse(const char *buf, size_t len, bool *too_large, struct err *e);

/* ---- the hub's logic (used by dutydeskd and by the simulation) ---- */
struct hub;
struct hub_node {
	char name[64];
	char township[16]; /* "" for a county node */
	char role[16];     /* county | township */
	char area[16];     /* a county node's division (code), "" for the whole hub */
	bool revoked;
};
/* Whether a hub database is at path (a file path, or a postgresql://
 * URL; a URL of any other kind is an error). */
bool hub_exists(const char *path, bool *yes, struct err *e);
/* Removes a hub database whose making failed half-way. */
void hub_discard(const char *path);
/* Creates the hub database (divisions loaded, new epoch). */
bool hub_init(const char *path, struct err *e);
bool hub_open(const char *path, struct hub **out, struct err *e);
/* Loads the shipped item catalogue and plan library into the hub as
 * county-wide records logged under node "hub", so every node pulls them
 * (`dutydeskd init`, and `serve` for what is new). The ids are fixed by the data (item-<code>,
 * plan-<hash of key and version>), so the copies a node's own `dutydesk
 * init` made are the same records: pushed, they answer "duplicate".
 * *ops: how many ops were logged (0 when loaded already). */
bool hub_load_library(struct hub *h, int *ops, struct err *e);
void hub_close(struct hub *h);
/* Adds or changes the hub's divisions from a CSV file with the columns
 * of data/divisions.csv (code,name,level,parent_code[,illustrative]), in
 * one transaction; a bad row (e names file:line) changes nothing, and
 * importing a file again changes nothing more. *added, *changed: how many. */
bool hub_divisions_import(struct hub *h, const char *file, int *added, int *changed,
			  struct err *e);
/* The divisions the hub knows, parents first: all, or under (a code) that
 * one and those below it: [{code, name, level, parent_code, illustrative}]. */
json_t *hub_divisions_list(struct hub *h, const char *under, struct err *e);
/* What became of a PostgreSQL hub's cache (hub_store_cache_note); false
 * for a file hub. */
bool hub_cache_note(struct hub *h, char *buf, size_t n, int64_t *kept_at, int64_t *replayed);
/* Ops that update a record the hub has not received wait for it: at most
 * max per node (more are refused, forbidden, with the reason), each at most
 * max_age_s seconds (then given up, kept with the reason). Every push
 * answer lists the node's waiting and given-up ops ("waiting"). */
#define HUB_WAIT_MAX 1000
#define HUB_WAIT_AGE (7 * 86400)
void hub_set_waiting_limits(struct hub *h, int64_t max, int64_t max_age_s);
/* The ops waiting at the hub, of node (NULL: of all), as
 * hub_store_waiting_of; hub_waiting_clear drops node's, *n: how many. */
json_t *hub_waiting_list(struct hub *h, const char *node, struct err *e);
bool hub_waiting_clear(struct hub *h, const char *node, int64_t *n, struct err *e);
/* Drops one waiting or given-up op by its id (its node can send it again). */
bool hub_waiting_drop(struct hub *h, const char *op_id, struct err *e);
const char *hub_epoch(const struct hub *h);
/* The hub's database (for its command line and tests). */
struct store *hub_store(struct hub *h);
/* Enrols a node; *token (heap) is shown once; only its SHA-256 is kept. */
bool hub_node_add(struct hub *h, const char *name, const char *township, const char *role,
		  char **token, struct err *e);
/* Enrols the county node of one area: the division area names (a county,
 * its name or code, q_area). It reads and writes the records of the
 * townships whose codes begin with the area's and its own records, and
 * reads the county-level reference data ("*") it may not write. */
bool hub_node_add_area(struct hub *h, const char *name, const char *area, char **token,
		       struct err *e);
/* Enrols every node of a CSV file (header name,township,area[,role], any
 * order; a row names a township, or an area (a county node of it), or
 * says role county for a county node of the whole hub), all or none: every
 * row is checked first, errors naming file:line. keep(ctx, name, token, e)
 * is given each new token, then once (ctx, NULL, NULL, e) before the
 * commit: the tokens must be kept by then (a false return, with e, enrols
 * nobody). *n: how many were enrolled. */
bool hub_node_import(struct hub *h, const char *file,
		     bool (*keep)(void *ctx, const char *name, const char *token, struct err *e),
		     void *ctx, int *n, struct err *e);
json_t *hub_node_list(struct hub *h, struct err *e);
bool hub_node_revoke(struct hub *h, const char *name, struct err *e);
/* A new token for the node (the old one is refused from now on): a lost or
 * leaked token. *token (heap) is shown once. */
bool hub_node_rotate(struct hub *h, const char *name, char **token, struct err *e);
/* A new PC under the node's name: a new token and a new incarnation, so the
 * new database's op ids and incident numbers cannot meet the old one's.
 * *incarnation: the new one. */
bool hub_node_replace(struct hub *h, const char *name, char **token, int64_t *incarnation,
		      struct err *e);
/* Looks a bearer token up (constant-time compare of hashes); false for
 * unknown or revoked tokens (the transport answers 401). */
bool hub_auth(struct hub *h, const char *token, struct hub_node *out, struct err *e);

/* A request as the hub sees it, after the transport authenticated it. The
 * reply is JSON with an HTTP status; retry_after (seconds) when nonzero. */
struct hub_reply {
	int status;
	json_t *body;
	int retry_after;
	/* hub_pull_text only: the answer's "ops", its first member, as JSON
	 * text (the ops as the log holds them, not parsed); n_ops ops in it.
	 * hub_reply_text joins it to body. */
	char *ops_text;
	size_t n_ops;
};
/* The reply's text, compact JSON (NULL when jansson cannot write body);
 * takes r->body and r->ops_text. */
char *hub_reply_text(struct hub_reply *r);
/* POST /v1/push: {"proto":1,"schema":N,"node":..,"hub_epoch":..,
 * "incarnation":K,"op_seq":N,"hlc":H,"ops":[..]}. A database restored from
 * a copy or new under the node's name (an op id logged with another stamp,
 * or op N+1 logged with a stamp older than H) gets 409
 * {"error":"new_incarnation","incarnation":K+1}; an older incarnation gets
 * 409 with the current one. Nothing is taken then.
 * -> {"results":[{"op_id","status","server_seq"?,"message"?}],"hub_hlc","hub_epoch"}
 * Answers only after COMMIT. */
void hub_push(struct hub *h, const struct hub_node *who, json_t *req, struct hub_reply *r);
/* What a node says of its database in a request: its incarnation and its
 * op counter (given is false for a node of an older version, which says
 * nothing); own: a pull that brings back the node's own ops too. */
struct node_claim {
	bool given, own;
	int64_t incarnation, op_seq;
	const char *node; /* the node the database is (NULL: not said) */
	const char *hlc;  /* the database's clock, not behind any op it made (NULL: not said) */
};
/* GET /v1/pull?since=&limit=[&incarnation=&op_seq=&hlc=&node=][&own=1] ->
 * {"ops":[..],"next_cursor","has_more","hub_hlc","hub_epoch","node","township","role",
 *  "area","divisions"} (divisions: the generation of the hub's divisions)
 * 409 {"error":"new_incarnation","incarnation":K} when the node's database
 * is behind what the hub holds of it (see hub_push); 403 wrong_node when
 * &node= names another node than the token's. claim may be NULL. */
void hub_pull(struct hub *h, const struct hub_node *who, int64_t since, int limit,
	      const struct node_claim *claim, struct hub_reply *r);
/* hub_pull with the ops left as text in r->ops_text, for hub_reply_text:
 * the same answer, word for word, without parsing each op and writing it
 * again. */
void hub_pull_text(struct hub *h, const struct hub_node *who, int64_t since, int limit,
		   const struct node_claim *claim, struct hub_reply *r);
/* GET /v1/divisions -> {"generation","hub_epoch","divisions":[{code, name,
 * level, parent_code, illustrative}]}: every division the hub knows,
 * parents first, and the generation they are (the pull's "divisions"). */
void hub_divisions_reply(struct hub *h, const struct hub_node *who, struct hub_reply *r);
/* GET /v1/snapshot, GET /v1/digest: scoped to who. */
void hub_snapshot(struct hub *h, const struct hub_node *who, struct hub_reply *r);
void hub_digest(struct hub *h, const struct hub_node *who, struct hub_reply *r);
/* A consistent copy of the hub database. The copy carries a NEW epoch:
 * whenever it is restored, nodes see the change, re-push what they kept
 * and pull again from the start. */
bool hub_backup(struct hub *h, const char *file, struct err *e);
/* Replaces the hub database at path with the hub backup file (checked
 * first: whole, a dutydesk database, a hub's), keeping the current one as
 * PATH.before-restore-STAMP (*kept, heap, NULL if none), under a new epoch.
 * The hub must not be serving. */
bool hub_restore(const char *path, const char *file, char **kept, struct err *e);
/* Sneakernet at the hub: a node's bundle (must be signed with that node's
 * token) is pushed as if it came over the wire; *out gets a summary
 * {"node","applied","duplicate","pending","forbidden","invalid",
 *  "clock_ahead","results":[..]}. Export writes who's scoped ops after
 * server_seq since, signed for who. */
bool hub_import_bundle(struct hub *h, const char *file, json_t **out, struct err *e);
bool hub_export_bundle(struct hub *h, const struct hub_node *who, int64_t since,
		       const char *file, struct err *e);

/* ---- the node's session, over any transport ---- */
/* Sends one request; fills status and body (heap, NUL-terminated) and
 * returns true, or returns false on a network failure (e says why). */
struct sync_transport {
	void *ctx;
	bool (*request)(void *ctx, const char *method, const char *path, const char *body,
			int *status, char **resp, int *retry_after, struct err *e);
};
struct sync_stats {
	int pushed, pulled, parked, conflicts;
	int received; /* ops pulled from the hub, counting those already here */
	int64_t pending; /* ops still queued after the run */
	int retry_after; /* seconds the hub asked to wait (429/503), else 0 */
	int status;      /* HTTP status of a refused request, else 0 */
	int64_t incarnation; /* the new incarnation the hub gave this database, else 0 */
};
/* One full cycle: push until the outbox is empty, pull until has_more is
 * false, push again if new local writes arrived. Safe to interrupt at any
 * point: every step commits what it learnt. Ops refused as clock_ahead
 * stay queued and the run fails with "check your clock"; once this
 * clock is no longer ahead of the hub's, such ops (and the pending ones
 * after them) are stamped again just above the hub's clock and sent.
 * A new hub epoch (or 409 cursor_ahead) re-queues every acked op and
 * reads the log again from 0. */
bool sync_run(struct store *st, const struct sync_transport *t, struct sync_stats *out,
	      struct err *e);
/* ---- the hub's divisions at a node ---- */
/* Takes the divisions of a GET /v1/divisions answer, in the caller's
 * transaction: each added, or its name and parent taken (one this
 * database has at another level keeps its own), none deleted; records
 * the answer's epoch and generation as loaded. *learnt: how many rows. */
bool sync_divisions_take(struct store *st, json_t *answer, int *learnt, struct err *e);
/* At a pull: when the answer's "divisions" generation (of its hub_epoch)
 * is not the one this database last loaded, fetches GET /v1/divisions
 * and takes it in one transaction of its own. */
bool sync_divisions_follow(struct store *st, const struct sync_transport *t, json_t *pull,
			   struct err *e);
/* For a new office: whose the token is (*who, a pull answer: node,
 * township, role, area, hub_epoch) and the hub's divisions (*divisions,
 * as GET /v1/divisions answers), both heap. e, in the interface's
 * language, names server: unreachable, the token refused, or what the
 * hub answered. */
bool sync_ask_hub(const struct sync_transport *t, const char *server, json_t **who,
		  json_t **divisions, struct err *e);

/* This node against the hub, table by table (GET /v1/digest with the
 * node's token): {"node","hub_node","pending","parked","waiting","refused",
 * "cursor","hub_cursor","refill","tables":[{"table","same","rows","hub_rows"}]}
 * (tables that hold nothing on either side left out). Changes nothing. */
json_t *sync_check(struct store *st, const struct sync_transport *t, struct err *e);
/* Status for `dutydesk sync --status` and the console header:
 * {"pending","parked","acked","waiting","refused","conflicts",
 *  "last_success","last_error","last_error_at","last_attempt","cursor",
 *  "hub_epoch"}: waiting = remote ops held for a record not here yet,
 * refused = remote ops this database could not take (with reasons in
 * sync_inbox), conflicts = losing values not yet reviewed. */
json_t *sync_status(struct store *st, struct err *e);

/* ---- conflicts: values that lost a merge, kept for review ---- */
/* [{"id","tbl","row_id","field","kept","lost","lost_hlc","lost_node","at",
 *   "reviewed"}], newest first; all false: only those not yet reviewed. */
json_t *sync_conflicts(struct store *st, bool all, struct err *e);
/* Marks a conflict reviewed; take_lost first writes the losing value back
 * as a new local change (it then wins everywhere, being the newest).
 * Own transaction. */
bool sync_conflict_resolve(struct store *st, int64_t id, bool take_lost, struct err *e);

/* ---- sneakernet ----
 * A bundle is a text file: a header line {"dutydesk_bundle":1,"from":..,
 * "node":..,"township":..,"hub_epoch":..,"since":..,"next_cursor":..,
 * "count":N}, N op lines (the ops as on the wire), and a last line
 * {"sha256":HEX} or {"hmac_sha256":HEX} over every byte before it. Signed
 * bundles use HMAC-SHA-256 keyed with SHA-256(token), which both the node
 * (it has the token) and the hub (it keeps only that hash) can compute.
 * A node exports its kept ops (pending and acked, not parked); importing
 * a hub bundle applies the ops by the pull rules and is idempotent. */
bool sync_export_bundle(struct store *st, const char *file, struct err *e);
bool sync_import_bundle(struct store *st, const char *file, struct sync_stats *out,
			struct err *e);
/* The same with a token: export signs (token NULL: unsigned, checked by a
 * SHA-256 only); import refuses a hub bundle whose signature does not
 * match this node's token. A bundle from another node is taken only
 * unsigned (only the hub can check a node's signature), only when
 * allow_from names that node, and only with that node's own ops; its op
 * ids are not marked seen, so the hub's copy still applies when it comes. */
bool sync_export_bundle_keyed(struct store *st, const char *file, const char *token,
			      struct err *e);
bool sync_import_bundle_keyed(struct store *st, const char *file, const char *token,
			      const char *allow_from, struct sync_stats *out, struct err *e);

#endif
