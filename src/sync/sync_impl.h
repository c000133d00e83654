/* Private to src/sync: what apply, the hub, the session and bundles share. */
#ifndef DUTYDESK_SYNC_IMPL_H
#define DUTYDESK_SYNC_IMPL_H

#include "dutydesk/sync.h"
#include "dutydesk/syncstore.h"

enum {
	APPLY_HUB = 1 << 0, /* the hub: no audit lines (the op log is the trail), a
			     * missing parent is "pending", and the caller resolves
			     * the inbox (it must authorise and log what resolves) */
	APPLY_UNSEEN = 1 << 1, /* a made-up op (snapshot rows): not in sync_seen */
};

/* One op inside the caller's transaction, in its own savepoint: a
 * constraint failure rolls back only this op. msg (may be NULL) gets the
 * reason for invalid/pending; false only on a database failure. */
bool apply_op(struct store *st, json_t *op, unsigned flags, enum op_status *out, char *msg,
	      size_t msglen, struct err *e);
/* Node side: applies inbox ops whose row now exists, until none does. */
bool inbox_drain(struct store *st, int *applied, struct err *e);
/* Rounds over the ops that wait for their record, until a round resolves
 * none (at most 100): fetch gives a round's rows, try_one takes one (*moved:
 * it was resolved). *moved_total (may be NULL) gets how many were. False
 * on a database failure. */
bool drain_rounds(json_t *(*fetch)(void *ctx, struct err *e),
		  bool (*try_one)(void *ctx, json_t *row, bool *moved, struct err *e), void *ctx,
		  int *moved_total, struct err *e);
/* Node side: keeps a remote op this database refused (invalid here), with
 * the reason, in the inbox: shown by sync_status, never silently lost. */
bool inbox_keep(struct store *st, json_t *op, const char *reason, struct err *e);
/* A new op holding only the members an op has (valid ops only). */
json_t *op_canonical(json_t *op);
/* The op a stored row holds as its "body" text (new reference), NULL
 * when it does not parse; the ops of rows so (those that parse). */
json_t *op_of_row(json_t *row);
json_t *ops_of_rows(json_t *rows);
/* The op's hlc merged into this database's clock (never moves back). */
bool clock_merge(struct store *st, const char *hlc, struct err *e);

/* The store's own tables with the sync bookkeeping columns, in schema order. */
const struct table *const *sync_tables(size_t *n);

/* The hub's store (src/sync/hub.c), for the hub's other modules. */
struct hub_store *hub_hubstore(struct hub *h);

/* Bundle files (see sync.h for the format). */
struct bundle {
	json_t *header;
	json_t *ops;
	char *text;       /* the whole file */
	size_t signed_len; /* bytes covered by the last line */
	json_t *trailer;  /* {"sha256":..} or {"hmac_sha256":..} */
};
bool bundle_read(const char *file, struct bundle *b, struct err *e);
/* keyhex: SHA-256 of the token, in hex, or NULL: an unsigned bundle is
 * then accepted when its digest matches; with a key it must be signed. */
bool bundle_verify_hash(const struct bundle *b, const char *keyhex, const char *file,
			struct err *e);
bool bundle_write(const char *file, json_t *header, json_t *ops, const char *keyhex,
		  bool sign, struct err *e);
void bundle_free(struct bundle *b);

#endif
