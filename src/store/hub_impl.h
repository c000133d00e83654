/* Private to src/store: the table of operations behind dutydesk/hubstore.h.
 * One table per kind of hub database; hub_store_open picks it. */
#ifndef DUTYDESK_HUB_IMPL_H
#define DUTYDESK_HUB_IMPL_H

#include "dutydesk/hubstore.h"

struct hub_store {
	const struct hub_store_ops *ops;
	struct store *db; /* the dutydesk store beneath */
	bool fresh;       /* db was made empty at open (a cache to fill) */
	bool cache;       /* db is a cache of the log, not the hub's truth */
	char note[600];   /* what became of a cache kept from an earlier run */
	int64_t kept_at;  /* the seq a kept cache was reused at (-1: none) */
	int64_t replayed; /* ops replayed into the cache since open */
	void *impl;       /* the implementation's own state */
};

/* Each member implements the hubstore.h function of the same name. */
struct hub_store_ops {
	const char *name;
	bool (*open)(const char *path, unsigned flags, struct hub_store *hs, struct err *e);
	void (*close)(struct hub_store *hs);
	bool (*exists)(const char *path, bool *yes, struct err *e);
	void (*discard)(const char *path);
	bool (*file_is_hub)(const char *path, bool *yes, struct err *e);
	bool (*restore)(const char *path, const char *file, char **kept, struct err *e);
	bool (*begin)(struct hub_store *hs, struct err *e);
	bool (*begin_nodes)(struct hub_store *hs, struct err *e);
	bool (*commit)(struct hub_store *hs, struct err *e);
	void (*rollback)(struct hub_store *hs);
	bool (*cache_mark)(struct hub_store *hs, int64_t *mark, struct err *e);
	bool (*set_cache_mark)(struct hub_store *hs, int64_t mark, struct err *e);
	bool (*cache_logged)(struct hub_store *hs, int64_t seq, const char *op_id, const char *hlc,
			     const char *tbl, const char *row_id, const char *owner, struct err *e);
	bool (*make)(struct hub_store *hs, const char *epoch, struct err *e);
	bool (*epoch)(struct hub_store *hs, char **epoch, struct err *e);
	bool (*set_epoch)(struct hub_store *hs, const char *epoch, struct err *e);
	bool (*durable)(struct hub_store *hs, struct err *e);
	bool (*copy)(struct hub_store *hs, const char *file, struct err *e);
	bool (*node_add)(struct hub_store *hs, const char *name, const char *township,
			 const char *role, const char *area, const char *token_sha256, int64_t at,
			 struct err *e);
	bool (*node_known)(struct hub_store *hs, const char *name, bool *yes, struct err *e);
	json_t *(*nodes)(struct hub_store *hs, struct err *e);
	json_t *(*node_of_token)(struct hub_store *hs, const char *sha256, struct err *e);
	json_t *(*node)(struct hub_store *hs, const char *name, struct err *e);
	bool (*node_token)(struct hub_store *hs, const char *name, char **sha256, struct err *e);
	bool (*node_revoke)(struct hub_store *hs, const char *name, struct err *e);
	bool (*node_seen)(struct hub_store *hs, const char *name, int64_t at, struct err *e);
	bool (*node_life)(struct hub_store *hs, const char *name, int64_t *inc, struct err *e);
	bool (*node_set_life)(struct hub_store *hs, const char *name, int64_t inc, struct err *e);
	bool (*node_set_token)(struct hub_store *hs, const char *name, const char *token_sha256,
			       struct err *e);
	bool (*log_hlc)(struct hub_store *hs, const char *op_id, char **hlc, struct err *e);
	bool (*owner)(struct hub_store *hs, const char *tbl, const char *row_id, char **owner,
		      struct err *e);
	bool (*set_owner)(struct hub_store *hs, const char *tbl, const char *row_id,
			  const char *owner, struct err *e);
	bool (*move_owner)(struct hub_store *hs, const char *tbl, const char *row_id,
			   const char *owner, struct err *e);
	bool (*log_seq)(struct hub_store *hs, const char *op_id, int64_t *seq, struct err *e);
	bool (*log_add)(struct hub_store *hs, const char *op_id, const char *node,
			const char *owner, const char *tbl, const char *row_id, const char *hlc,
			const char *body, int64_t at, int64_t *seq, struct err *e);
	bool (*log_top)(struct hub_store *hs, int64_t *top, struct err *e);
	json_t *(*log_read)(struct hub_store *hs, int64_t since, int64_t upto, const char *node,
			    bool all, const char *township, const char *area, int64_t limit,
			    struct err *e);
	bool (*log_read_text)(struct hub_store *hs, int64_t since, int64_t upto, const char *node,
			      bool all, const char *township, const char *area, int64_t limit,
			      struct strbuf *ops, size_t *n, int64_t *last, struct err *e);
	json_t *(*log_of_row)(struct hub_store *hs, const char *tbl, const char *row_id,
			      struct err *e);
	bool (*wait)(struct hub_store *hs, const char *op_id, const char *tbl, const char *row_id,
		     json_t *op, const char *pusher, int64_t at, struct err *e);
	bool (*waiting_count)(struct hub_store *hs, const char *op_id, int64_t *n, struct err *e);
	json_t *(*waiting)(struct hub_store *hs, struct err *e);
	bool (*unwait)(struct hub_store *hs, const char *op_id, struct err *e);
	json_t *(*waiting_of)(struct hub_store *hs, const char *node, struct err *e);
	bool (*waiting_count_of)(struct hub_store *hs, const char *node, int64_t *n,
				 struct err *e);
	bool (*waiting_expire)(struct hub_store *hs, int64_t before, const char *reason,
			       int64_t *n, struct err *e);
	json_t *(*waiting_for)(struct hub_store *hs, const char *tbl, const char *row_id,
			       struct err *e);
	bool (*waiting_clear)(struct hub_store *hs, const char *node, int64_t *n, struct err *e);
	/* NULL when the store beneath holds the divisions itself (a file). */
	bool (*divisions_load)(struct hub_store *hs, struct err *e);
	/* Beside the store beneath's rows: shared, and counted. */
	bool (*divisions_put)(struct hub_store *hs, json_t *rows, struct err *e);
	/* How many imports the divisions have had (0: the shipped ones only). */
	bool (*divisions_gen)(struct hub_store *hs, int64_t *gen, struct err *e);
};

/* The row_scope table of the SQLite store beneath a hub (the SQLite hub's
 * own, or a PostgreSQL hub's cache of it): a row's owner, and putting one
 * (its first owner stays, or, move, the new one replaces it). */
bool hub_scope_owner(struct hub_store *hs, const char *tbl, const char *row_id, char **owner,
		     struct err *e);
bool hub_scope_put(struct hub_store *hs, const char *tbl, const char *row_id, const char *owner,
		   bool move, struct err *e);

/* The folder caches are kept in (hub_store_keep_cache), NULL: none. */
const char *hub_store_cache_folder(void);

/* A hub database in an SQLite file (src/store/hub_sqlite.c). */
extern const struct hub_store_ops hub_sqlite_ops;
/* Makes URLs scheme://... open with ops (src/store/hub_pg.c registers
 * postgresql and postgres). */
void hub_store_register(const char *scheme, const struct hub_store_ops *ops);

#endif
