/* The hub-store interface (dutydesk/hubstore.h): picks the
 * implementation for a database and passes each call to it. */
#include "hub_impl.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dutydesk/util.h"

/* Kinds of hub database named by a URL (scheme://...): a program that
 * links an implementation registers it (hub_store_use_postgresql). */
#define URL_KINDS 4
static struct {
	const char *scheme;
	const struct hub_store_ops *ops;
} url_kinds[URL_KINDS];

void hub_store_register(const char *scheme, const struct hub_store_ops *ops)
{
	for (int i = 0; i < URL_KINDS; i++) {
		if (!url_kinds[i].scheme || str_eq(url_kinds[i].scheme, scheme)) {
			url_kinds[i].scheme = scheme;
			url_kinds[i].ops = ops;
			return;
		}
	}
}

bool hub_store_is_url(const char *path, size_t *scheme_len)
{
	size_t n = 0;
	if (!path || !isalpha((unsigned char)path[0]))
		return false;
	while (isalnum((unsigned char)path[n]) || path[n] == '+' || path[n] == '-' ||
	       path[n] == '.')
		n++;
	if (strncmp(path + n, "://", 3) != 0)
		return false;
	if (scheme_len)
		*scheme_len = n;
	return true;
}

/* The implementation for the hub database at path: a file path is an
 * SQLite file; a URL names its kind by its scheme, and one of a kind
 * this program does not speak is refused, never taken for a file. */
static const struct hub_store_ops *ops_for(const char *path, struct err *e)
{
	size_t n;
	if (!hub_store_is_url(path, &n))
		return &hub_sqlite_ops;
	for (int i = 0; i < URL_KINDS && url_kinds[i].scheme; i++) {
		if (strlen(url_kinds[i].scheme) == n && strncasecmp(path, url_kinds[i].scheme, n) == 0)
			return url_kinds[i].ops;
	}
	err_set(e, ERR_USAGE, "%.*s://: not a kind of hub database this program speaks "
		"(a file path for SQLite, or postgresql://USER@HOST:PORT/DB); nothing was "
		"created", (int)n, path);
	return NULL;
}

static const char *cache_folder;

void hub_store_keep_cache(const char *folder)
{
	cache_folder = folder;
}

const char *hub_store_cache_folder(void)
{
	return cache_folder;
}

bool hub_store_cache_note(struct hub_store *hs, char *buf, size_t n, int64_t *kept_at,
			  int64_t *replayed)
{
	if (!hs->cache)
		return false;
	snprintf(buf, n, "%s, replayed %lld", hs->note, (long long)hs->replayed);
	*kept_at = hs->kept_at;
	*replayed = hs->replayed;
	return true;
}

bool hub_store_is_cache(struct hub_store *hs)
{
	return hs->cache;
}

bool hub_store_open(const char *path, unsigned flags, struct hub_store **out, struct err *e)
{
	*out = NULL;
	const struct hub_store_ops *ops = ops_for(path, e);
	if (!ops)
		return false;
	struct hub_store *hs = xcalloc(1, sizeof *hs);
	hs->ops = ops;
	hs->kept_at = -1;
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

bool hub_store_exists(const char *path, bool *yes, struct err *e)
{
	const struct hub_store_ops *ops = ops_for(path, e);
	return ops && ops->exists(path, yes, e);
}

void hub_store_discard(const char *path)
{
	const struct hub_store_ops *ops = ops_for(path, NULL);
	if (ops)
		ops->discard(path);
}

bool hub_store_file_is_hub(const char *path, bool *yes, struct err *e)
{
	const struct hub_store_ops *ops = ops_for(path, e);
	return ops && ops->file_is_hub(path, yes, e);
}

bool hub_store_restore(const char *path, const char *file, char **kept, struct err *e)
{
	const struct hub_store_ops *ops = ops_for(path, e);
	return ops && ops->restore(path, file, kept, e);
}

bool hub_store_cache_mark(struct hub_store *hs, int64_t *mark, struct err *e)
{
	return hs->ops->cache_mark(hs, mark, e);
}

bool hub_store_set_cache_mark(struct hub_store *hs, int64_t mark, struct err *e)
{
	return hs->ops->set_cache_mark(hs, mark, e);
}

bool hub_store_cache_logged(struct hub_store *hs, int64_t seq, const char *op_id,
			    const char *hlc, const char *tbl, const char *row_id, const char *owner,
			    struct err *e)
{
	hs->replayed++;
	return hs->ops->cache_logged(hs, seq, op_id, hlc, tbl, row_id, owner, e);
}

bool hub_store_fresh(struct hub_store *hs)
{
	return hs->fresh;
}

bool hub_store_begin(struct hub_store *hs, struct err *e)
{
	return hs->ops->begin(hs, e);
}

bool hub_store_begin_nodes(struct hub_store *hs, struct err *e)
{
	return hs->ops->begin_nodes(hs, e);
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
			const char *role, const char *area, const char *token_sha256, int64_t at,
			struct err *e)
{
	return hs->ops->node_add(hs, name, township, role, area, token_sha256, at, e);
}

bool hub_store_node_known(struct hub_store *hs, const char *name, bool *yes, struct err *e)
{
	return hs->ops->node_known(hs, name, yes, e);
}

json_t *hub_store_nodes(struct hub_store *hs, struct err *e)
{
	return hs->ops->nodes(hs, e);
}

json_t *hub_store_node_of_token(struct hub_store *hs, const char *sha256, struct err *e)
{
	return hs->ops->node_of_token(hs, sha256, e);
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
			   bool all, const char *township, const char *area, int64_t limit,
			   struct err *e)
{
	return hs->ops->log_read(hs, since, upto, node, all, township, area, limit, e);
}

bool hub_store_log_read_text(struct hub_store *hs, int64_t since, int64_t upto,
			     const char *node, bool all, const char *township, const char *area,
			     int64_t limit, struct strbuf *ops, size_t *n, int64_t *last,
			     struct err *e)
{
	return hs->ops->log_read_text(hs, since, upto, node, all, township, area, limit, ops, n,
				      last, e);
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

bool hub_store_divisions_load(struct hub_store *hs, struct err *e)
{
	return !hs->ops->divisions_load || hs->ops->divisions_load(hs, e);
}

bool hub_store_divisions_put(struct hub_store *hs, json_t *rows, struct err *e)
{
	return store_put_divisions(hs->db, rows, e) &&
	       (!hs->ops->divisions_put || hs->ops->divisions_put(hs, rows, e));
}

bool hub_store_divisions_gen(struct hub_store *hs, int64_t *gen, struct err *e)
{
	return hs->ops->divisions_gen(hs, gen, e);
}
