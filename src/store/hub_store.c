/* The hub-store interface (dutydesk/hubstore.h): picks the
 * implementation for a database and passes each call to it. */
#include "hub_impl.h"

#include <stdlib.h>

#include "dutydesk/util.h"

/* The implementation for the hub database at path. SQLite files are the
 * only kind so far; a PostgreSQL table would be chosen here by the
 * path's form (a connection URI). */
static const struct hub_store_ops *ops_for(const char *path)
{
	(void)path;
	return &hub_sqlite_ops;
}

bool hub_store_open(const char *path, unsigned flags, struct hub_store **out, struct err *e)
{
	*out = NULL;
	struct hub_store *hs = xcalloc(1, sizeof *hs);
	hs->ops = ops_for(path);
	if (!hs->ops->open(path, flags, hs, e)) {
		free(hs);
		return false;
	}
	*out = hs;
	return true;
}

void hub_store_close(struct hub_store *hs)
{
	if (!hs)
		return;
	hs->ops->close(hs);
	free(hs);
}

struct store *hub_store_db(struct hub_store *hs)
{
	return hs->db;
}

bool hub_store_file_is_hub(const char *path, bool *yes, struct err *e)
{
	return ops_for(path)->file_is_hub(path, yes, e);
}

bool hub_store_restore(const char *path, const char *file, char **kept, struct err *e)
{
	return ops_for(path)->restore(path, file, kept, e);
}

bool hub_store_begin(struct hub_store *hs, struct err *e)
{
	return hs->ops->begin(hs, e);
}

bool hub_store_commit(struct hub_store *hs, struct err *e)
{
	return hs->ops->commit(hs, e);
}

void hub_store_rollback(struct hub_store *hs)
{
	hs->ops->rollback(hs);
}

bool hub_store_make(struct hub_store *hs, const char *epoch, struct err *e)
{
	return hs->ops->make(hs, epoch, e);
}

bool hub_store_epoch(struct hub_store *hs, char **epoch, struct err *e)
{
	return hs->ops->epoch(hs, epoch, e);
}

bool hub_store_set_epoch(struct hub_store *hs, const char *epoch, struct err *e)
{
	return hs->ops->set_epoch(hs, epoch, e);
}

bool hub_store_durable(struct hub_store *hs, struct err *e)
{
	return hs->ops->durable(hs, e);
}

bool hub_store_copy(struct hub_store *hs, const char *file, struct err *e)
{
	return hs->ops->copy(hs, file, e);
}

bool hub_store_node_add(struct hub_store *hs, const char *name, const char *township,
			const char *role, const char *token_sha256, int64_t at, struct err *e)
{
	return hs->ops->node_add(hs, name, township, role, token_sha256, at, e);
}

bool hub_store_node_known(struct hub_store *hs, const char *name, bool *yes, struct err *e)
{
	return hs->ops->node_known(hs, name, yes, e);
}

json_t *hub_store_nodes(struct hub_store *hs, struct err *e)
{
	return hs->ops->nodes(hs, e);
}

json_t *hub_store_node_tokens(struct hub_store *hs, struct err *e)
{
	return hs->ops->node_tokens(hs, e);
}

json_t *hub_store_node(struct hub_store *hs, const char *name, struct err *e)
{
	return hs->ops->node(hs, name, e);
}

bool hub_store_node_token(struct hub_store *hs, const char *name, char **sha256, struct err *e)
{
	return hs->ops->node_token(hs, name, sha256, e);
}

bool hub_store_node_revoke(struct hub_store *hs, const char *name, struct err *e)
{
	return hs->ops->node_revoke(hs, name, e);
}

bool hub_store_node_seen(struct hub_store *hs, const char *name, int64_t at, struct err *e)
{
	return hs->ops->node_seen(hs, name, at, e);
}

bool hub_store_node_life(struct hub_store *hs, const char *name, int64_t *inc, struct err *e)
{
	return hs->ops->node_life(hs, name, inc, e);
}

bool hub_store_node_set_life(struct hub_store *hs, const char *name, int64_t inc, struct err *e)
{
	return hs->ops->node_set_life(hs, name, inc, e);
}

bool hub_store_node_set_token(struct hub_store *hs, const char *name, const char *token_sha256,
			      struct err *e)
{
	return hs->ops->node_set_token(hs, name, token_sha256, e);
}

bool hub_store_log_hlc(struct hub_store *hs, const char *op_id, char **hlc, struct err *e)
{
	return hs->ops->log_hlc(hs, op_id, hlc, e);
}

bool hub_store_owner(struct hub_store *hs, const char *tbl, const char *row_id, char **owner,
		     struct err *e)
{
	return hs->ops->owner(hs, tbl, row_id, owner, e);
}

bool hub_store_set_owner(struct hub_store *hs, const char *tbl, const char *row_id,
			 const char *owner, struct err *e)
{
	return hs->ops->set_owner(hs, tbl, row_id, owner, e);
}

bool hub_store_log_seq(struct hub_store *hs, const char *op_id, int64_t *seq, struct err *e)
{
	return hs->ops->log_seq(hs, op_id, seq, e);
}

bool hub_store_log_add(struct hub_store *hs, const char *op_id, const char *node, const char *owner,
		       const char *tbl, const char *row_id, const char *hlc, const char *body,
		       int64_t at, int64_t *seq, struct err *e)
{
	return hs->ops->log_add(hs, op_id, node, owner, tbl, row_id, hlc, body, at, seq, e);
}

bool hub_store_log_top(struct hub_store *hs, int64_t *top, struct err *e)
{
	return hs->ops->log_top(hs, top, e);
}

json_t *hub_store_log_read(struct hub_store *hs, int64_t since, int64_t upto, const char *node,
			   bool all, const char *township, int64_t limit, struct err *e)
{
	return hs->ops->log_read(hs, since, upto, node, all, township, limit, e);
}

bool hub_store_wait(struct hub_store *hs, const char *op_id, const char *tbl, const char *row_id,
		    json_t *op, const char *pusher, int64_t at, struct err *e)
{
	return hs->ops->wait(hs, op_id, tbl, row_id, op, pusher, at, e);
}

bool hub_store_waiting_count(struct hub_store *hs, const char *op_id, int64_t *n, struct err *e)
{
	return hs->ops->waiting_count(hs, op_id, n, e);
}

json_t *hub_store_waiting(struct hub_store *hs, struct err *e)
{
	return hs->ops->waiting(hs, e);
}

bool hub_store_unwait(struct hub_store *hs, const char *op_id, struct err *e)
{
	return hs->ops->unwait(hs, op_id, e);
}

json_t *hub_store_waiting_of(struct hub_store *hs, const char *node, struct err *e)
{
	return hs->ops->waiting_of(hs, node, e);
}

bool hub_store_waiting_count_of(struct hub_store *hs, const char *node, int64_t *n,
				struct err *e)
{
	return hs->ops->waiting_count_of(hs, node, n, e);
}

bool hub_store_waiting_expire(struct hub_store *hs, int64_t before, const char *reason,
			      int64_t *n, struct err *e)
{
	return hs->ops->waiting_expire(hs, before, reason, n, e);
}

bool hub_store_waiting_clear(struct hub_store *hs, const char *node, int64_t *n, struct err *e)
{
	return hs->ops->waiting_clear(hs, node, n, e);
}

bool hub_store_move_owner(struct hub_store *hs, const char *tbl, const char *row_id,
			  const char *owner, struct err *e)
{
	return hs->ops->move_owner(hs, tbl, row_id, owner, e);
}

json_t *hub_store_log_of_row(struct hub_store *hs, const char *tbl, const char *row_id,
			     struct err *e)
{
	return hs->ops->log_of_row(hs, tbl, row_id, e);
}

json_t *hub_store_waiting_for(struct hub_store *hs, const char *tbl, const char *row_id,
			      struct err *e)
{
	return hs->ops->waiting_for(hs, tbl, row_id, e);
}
