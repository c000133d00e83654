/* The store's side of sync on a node (and of the merge the hub shares):
 * the outbox of this node's ops, the inbox of remote ops that wait or
 * were refused, the ops already seen, per-field versions, conflicts kept
 * for review, the sync position, and the rows remote ops write. Only the
 * statements live here (src/store/sync_node.c, src/store/record.c); what
 * to do with the rows (merge rules, scopes, digests) is src/sync/'s.
 *
 * Memory: every json_t * returned is a new reference for the caller to
 * json_decref (NULL on error, e says why); every char * returned or
 * stored through a char ** is a heap string for the caller to free().
 * Arguments are borrowed. Writes run inside the caller's transaction. */
#ifndef DUTYDESK_SYNCSTORE_H
#define DUTYDESK_SYNCSTORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "dutydesk/schema.h"
#include "dutydesk/store.h"

/* ---- the node's clock ---- */
/* Moves the clock up to hlc (never back). */
bool store_clock_merge(struct store *st, const char *hlc, struct err *e);
/* Sets the clock to hlc (restamping, which has worked out the value). */
bool store_clock_set(struct store *st, const char *hlc, struct err *e);
/* The clock as stored: heap string, NULL when there is no node yet. */
char *store_clock_text(struct store *st);
/* This database's node id and role as stored; "" for both before init
 * (no error then). */
bool store_self(struct store *st, char node_id[64], char role[16], struct err *e);

/* Readies this connection for applying many remote ops, or back to the
 * usual (outside a transaction): foreign keys are not enforced (remote
 * rows may refer to rows outside a node's scope) and the savepoint
 * journal stays in memory. */
bool store_applying(struct store *st, bool on, struct err *e);

/* An op id: "node:seq" in incarnation 0, "node.K:seq" after (see v15). */
void store_op_id(char *out, size_t len, const char *node, int64_t incarnation, int64_t seq);

/* An audit line: detail is stored as compact JSON. */
bool store_audit_add(struct store *st, int64_t at, const char *node, const char *actor,
		     const char *op_id, const char *tbl, const char *row_id, const char *action,
		     json_t *detail, struct err *e);

/* ---- ops seen ---- */
bool store_op_seen(struct store *st, const char *op_id, bool *seen, struct err *e);
bool store_op_mark_seen(struct store *st, const char *op_id, struct err *e);

/* ---- rows that remote ops write ---- */
enum rec_outcome {
	REC_WRITTEN,     /* the row was written */
	REC_UNCHANGED,   /* an append-only row already there: nothing written */
	REC_MISSING_REF, /* it refers to a row this database does not have */
	REC_REFUSED,     /* a constraint refused it (msg says which) */
};
/* Inserts op's row of t with the op's stamps: id, op.node, op.hlc, then
 * op.at and op.actor (append-only; an id already there is left alone and
 * gives REC_UNCHANGED) or op.hlc again as created_hlc (mutable), then
 * op.fields. msg (may be NULL) gets "table: reason" for REC_MISSING_REF
 * and REC_REFUSED. False only on a database failure. */
bool rec_insert_op(struct store *st, const struct table *t, const char *id, json_t *op,
		   enum rec_outcome *out, char *msg, size_t msglen, struct err *e);
/* Writes the fields that won a merge into row id of t and raises its hlc
 * to at least hlc; outcome and msg as rec_insert_op. */
bool rec_merge_op(struct store *st, const struct table *t, const char *id, const char *hlc,
		  json_t *won, enum rec_outcome *out, char *msg, size_t msglen, struct err *e);
/* Row id of mutable t with its creation stamp and the columns named by
 * the keys of fields (names from the schema): {created_hlc, origin_node,
 * ...}, or json null when there is no such row. */
json_t *rec_versioned(struct store *st, const struct table *t, const char *id, json_t *fields,
		      struct err *e);
/* Whether t has a row id. */
bool rec_exists(struct store *st, const struct table *t, const char *id, bool *yes,
		struct err *e);
/* A mutable row's stamps old_hlc (and created_hlc, when this node made it
 * then) moved to new_hlc. */
bool rec_restamp(struct store *st, const struct table *t, const char *id, const char *old_hlc,
		 const char *new_hlc, const char *node, struct err *e);

/* ---- per-field versions ---- */
/* {hlc, node} of a field, or json null when it has none. */
json_t *store_field_version(struct store *st, const char *tbl, const char *row_id,
			    const char *field, struct err *e);
/* Sets a field's version (replacing the one there). */
bool store_field_version_set(struct store *st, const char *tbl, const char *row_id,
			     const char *field, const char *hlc, const char *node, struct err *e);
/* Adds a field's version unless it has one. */
bool store_field_version_keep(struct store *st, const char *tbl, const char *row_id,
			      const char *field, const char *hlc, const char *node, struct err *e);
/* Moves the version (old_hlc, node) of a row's fields to new_hlc. */
bool store_field_version_restamp(struct store *st, const char *tbl, const char *row_id,
				 const char *old_hlc, const char *new_hlc, const char *node,
				 struct err *e);
/* Every field version, or those of rows of a scope (a township's or an
 * area's code: rows whose owner begins with it, and county-wide ones; hub
 * databases only): [{tbl, row_id,
 * field, hlc, node}] by tbl, row_id, field. township NULL or "": all. */
json_t *store_field_versions(struct store *st, const char *township, struct err *e);

/* ---- canonical rows (digests and snapshots) ----
 * Mutable rows: id, archived and the schema's columns; with stamps: id,
 * origin_node, created_hlc, hlc, archived and the columns. Append-only
 * rows: id, origin_node, created_at, actor and the columns; with stamps
 * hlc after origin_node. Each row an object whose keys keep that order. */
/* The rows of t by id: all (township NULL or ""), or those of a scope
 * (as store_field_versions: rows whose owner begins with the code, and
 * county-wide ones; hub databases only). */
json_t *store_canon_rows(struct store *st, const struct table *t, const char *township,
			 bool stamps, struct err *e);
/* Inserts a row as a snapshot carries it (canonical columns with
 * stamps); a row with other columns is refused. */
bool store_canon_insert(struct store *st, const struct table *t, json_t *row, struct err *e);

/* ---- the outbox: this node's ops ---- */
/* Pending ops in order, at most limit (< 0: all): [{op_id, body}]. */
json_t *store_outbox_pending(struct store *st, int64_t limit, struct err *e);
/* Every pending op in order with the row it wrote: [{op_id, tbl, row_id,
 * hlc, body}]. */
json_t *store_outbox_pending_rows(struct store *st, struct err *e);
/* Every op in order: [{op_id, hlc, tbl, row_id, body, state}]. */
json_t *store_outbox_all(struct store *st, struct err *e);
/* The ops a bundle carries (pending and acked) in order: [{body}]. */
json_t *store_outbox_kept(struct store *st, struct err *e);
/* Parked ops in order: [{op_id, table, row_id, result}]. */
json_t *store_outbox_parked(struct store *st, struct err *e);
/* How many ops are in state (pending, acked, parked). */
bool store_outbox_count(struct store *st, const char *state, int64_t *n, struct err *e);
/* Whether an op of this node stamped hlc wrote row_id of tbl and no other
 * writer can have seen it: still pending, or answered conflict_recorded by
 * the hub (it lost there to a value made without it). */
bool store_outbox_unsent(struct store *st, const char *tbl, const char *row_id, const char *hlc,
			 bool *yes, struct err *e);
/* A pending op taken by the hub: acked, with its server_seq (json integer
 * or null) and the hub's word for it. */
bool store_outbox_ack(struct store *st, const char *op_id, json_t *server_seq,
		      const char *result, struct err *e);
/* A pending op the hub refused for good: parked with the reason. */
bool store_outbox_park(struct store *st, const char *op_id, const char *reason, struct err *e);
/* The hub's word on an op that stays pending. */
bool store_outbox_note(struct store *st, const char *op_id, const char *result, struct err *e);
/* A pending op stamped again: new hlc and body, no result. */
bool store_outbox_restamp(struct store *st, const char *op_id, const char *hlc,
			  const char *body, struct err *e);
/* Every acked op pending again (a restored hub has to be told again). */
bool store_outbox_requeue(struct store *st, struct err *e);
/* Takes the hub's list of this node's ops waiting there ([{op_id, reason}],
 * reason when given up): acked ops keep "pending", become "given up:
 * REASON", or, gone from the list, "taken later". */
bool store_outbox_hub_waiting(struct store *st, json_t *list, struct err *e);
/* The acked ops waiting at the hub or given up there: [{op_id, table,
 * row_id, result}]. */
json_t *store_outbox_hub_waiting_rows(struct store *st, struct err *e);
/* Parked ops and ops the hub gave up go back to pending; *n: how many. */
bool store_outbox_requeue_refused(struct store *st, int64_t *n, struct err *e);
/* The number of this node's last op (its op sequence). */
bool store_op_seq(struct store *st, int64_t *seq, struct err *e);
/* The node's next ops are numbered after seq at least (a cache that
 * replayed ops this node made elsewhere). */
bool store_op_seq_raise(struct store *st, int64_t seq, struct err *e);
/* The node takes the incarnation the hub gave it (inside a transaction):
 * every pending op gets an op id of that incarnation (body and audit
 * line too), and an incident it numbered and nobody has seen gets the
 * incarnation's number prefix (prefix.K). Acked and parked ops keep
 * theirs: the hub knows them by those. */
bool store_node_take_incarnation(struct store *st, int64_t incarnation, struct err *e);
/* Whether this node's outbox holds op_id (any state). */
bool store_outbox_has(struct store *st, const char *op_id, bool *yes, struct err *e);
/* Drops ops after seq from the outbox (writes no other node needs). */
bool store_outbox_forget_after(struct store *st, int64_t seq, struct err *e);

/* ---- the inbox: remote ops that wait for their row, or were refused ---- */
/* Keeps op (stored as compact JSON with sorted keys) until row_id of tbl
 * arrives; an op_id already kept stays as it is. */
bool store_inbox_put(struct store *st, const char *op_id, const char *tbl, const char *row_id,
		     json_t *op, const char *pusher, int64_t at, struct err *e);
/* Keeps op as refused here, with the reason (replacing an earlier one). */
bool store_inbox_refuse(struct store *st, json_t *op, const char *reason, int64_t at,
			struct err *e);
/* Waiting (not refused) ops, of one row or (tbl NULL) all, oldest first:
 * [{op_id, tbl, row_id, body}]. */
json_t *store_inbox_waiting(struct store *st, const char *tbl, const char *row_id,
			    struct err *e);
/* Every op in the inbox still waiting (not refused or given up),
 * oldest first: [{op_id, body, pusher}]. */
json_t *store_inbox_all(struct store *st, struct err *e);
/* The hub's side: the ops pushed by pusher (NULL: by anyone) that wait or
 * were given up: [{op_id, tbl, row_id, pusher, received_at, reason}]. */
json_t *store_inbox_of(struct store *st, const char *pusher, struct err *e);
/* How many of pusher's ops still wait. */
bool store_inbox_count_of(struct store *st, const char *pusher, int64_t *n, struct err *e);
/* Gives up (with reason) the pushed ops received before `before`; *n: how many. */
bool store_inbox_expire(struct store *st, int64_t before, const char *reason, int64_t *n,
			struct err *e);
/* Drops every op pusher left in the inbox; *n: how many. */
bool store_inbox_clear(struct store *st, const char *pusher, int64_t *n, struct err *e);
/* How many ops wait in the inbox with that op_id (op_id NULL: in all). */
bool store_inbox_count(struct store *st, const char *op_id, int64_t *n, struct err *e);
/* Takes an op out of the inbox. */
bool store_inbox_take(struct store *st, const char *op_id, struct err *e);

/* ---- where the node stands with the hub ---- */
/* The hub epoch last seen (*epoch: heap string, NULL when none yet). */
bool store_sync_epoch(struct store *st, char **epoch, struct err *e);
bool store_sync_cursor(struct store *st, int64_t *cursor, struct err *e);
bool store_sync_set_epoch(struct store *st, const char *epoch, struct err *e);
bool store_sync_set_cursor(struct store *st, int64_t cursor, struct err *e);
/* Cursor and epoch together (a snapshot or a hub bundle read). */
bool store_sync_set_position(struct store *st, int64_t cursor, const char *epoch,
			     struct err *e);
/* Reading the hub's log starts again from 0 under epoch (NULL: none). */
bool store_sync_restart(struct store *st, const char *epoch, struct err *e);
/* Whether pulls must bring back this node's own ops too (refill), and
 * setting it; store_node_take_incarnation sets it with the cursor at 0. */
bool store_sync_refill(struct store *st, bool *on, struct err *e);
bool store_sync_set_refill(struct store *st, bool on, struct err *e);
/* A county node's area at the hub (a division's code; "" for the whole
 * hub), as the hub's pull answer says it, and keeping it. */
bool store_sync_area(struct store *st, char area[16], struct err *e);
bool store_sync_set_area(struct store *st, const char *area, struct err *e);
/* When a run was tried, succeeded (clearing the last error) or failed. */
void store_sync_note_attempt(struct store *st, int64_t at);
void store_sync_note_success(struct store *st, int64_t at);
void store_sync_note_error(struct store *st, const char *msg, int64_t at);
/* {pending, parked, acked, waiting, refused, conflicts, last_success,
 * last_error, last_error_at, last_attempt, cursor, hub_epoch}. */
json_t *store_sync_status(struct store *st, struct err *e);

/* ---- conflicts: values that lost a merge ---- */
/* Keeps a lost value beside the one that stays (both stored as JSON). */
bool store_conflict_add(struct store *st, const char *tbl, const char *row_id,
			const char *field, json_t *kept, json_t *lost, const char *lost_hlc,
			const char *lost_node, int64_t at, struct err *e);
/* [{id, tbl, row_id, field, kept, lost, lost_hlc, lost_node, at,
 * reviewed}] newest first; all false: only those not reviewed. */
json_t *store_conflicts(struct store *st, bool all, struct err *e);
/* {tbl, row_id, field, lost} of a conflict, or json null. */
json_t *store_conflict_get(struct store *st, int64_t id, struct err *e);
/* 0: no such conflict, 1: not reviewed, 2: reviewed. */
bool store_conflict_state(struct store *st, int64_t id, int64_t *state, struct err *e);
bool store_conflict_reviewed(struct store *st, int64_t id, struct err *e);

#endif
