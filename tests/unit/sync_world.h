/* A hub and its nodes in one process, joined by an in-process transport
 * that can lose requests, lose answers after the hub committed, deliver
 * twice and deliver late (out of order). Shared by the sync unit tests
 * and the sync benchmark. Header-only. */
#ifndef DUTYDESK_TEST_SYNC_WORLD_H
#define DUTYDESK_TEST_SYNC_WORLD_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dutydesk/model.h"
#include "dutydesk/store.h"
#include "dutydesk/sync.h"
#include "store_impl.h" /* white-box: the store's statement helpers */

struct rng {
	uint64_t s;
};
static inline uint64_t rng_next(struct rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * UINT64_C(2685821657736338717);
}
static inline unsigned rng_below(struct rng *r, unsigned n)
{
	return n ? (unsigned)(rng_next(r) % n) : 0;
}
static inline bool rng_chance(struct rng *r, unsigned percent)
{
	return rng_below(r, 100) < percent;
}

struct faults {
	unsigned drop_req, drop_resp, dup, late; /* percent */
};

struct ghost {
	char *method, *path, *body;
};

struct link {
	struct hub **hub; /* the hub may be swapped (restore) */
	char token[128];
	struct rng *rng;
	struct faults f;
	struct ghost late[64];
	int nlate;
	long requests, failures;
	long long bytes_up, bytes_down; /* request and answer bodies */
};

/* Runs one request at the hub, as dutydeskd would (auth, parse, reply). */
static inline void link_serve(struct link *l, const char *method, const char *path,
			      const char *body, int *status, char **resp, int *retry)
{
	struct hub *h = *l->hub;
	struct hub_node who;
	struct err e;
	struct hub_reply r = {0};
	if (!hub_auth(h, l->token, &who, &e)) {
		*status = 401;
		*resp = xasprintf("{\"error\":\"unauthorized\",\"message\":\"%s\"}", e.msg);
		return;
	}
	if (strcmp(method, "POST") == 0 && strcmp(path, "/v1/push") == 0) {
		bool big;
		json_t *req = sync_json_parse(body, strlen(body), &big, &e);
		if (!req) {
			*status = big ? 413 : 400;
			*resp = xstrdup("{\"error\":\"bad_request\"}");
			return;
		}
		hub_push(h, &who, req, &r);
		json_decref(req);
	} else if (strcmp(method, "GET") == 0 && strncmp(path, "/v1/pull?", 9) == 0) {
		long long since = 0, inc = 0, seq = 0;
		int limit = 1000, own = 0;
		char node[64] = "", hlc[HLC_TEXT] = "";
		int got = sscanf(path,
				 "/v1/pull?since=%lld&limit=%d&incarnation=%lld&op_seq=%lld&hlc=%16[0-9a-f]"
				 "&own=%d&node=%63s",
				 &since, &limit, &inc, &seq, hlc, &own, node);
		struct node_claim c = {.given = got >= 4, .own = own == 1, .incarnation = inc,
				       .op_seq = seq, .hlc = got >= 5 ? hlc : NULL,
				       .node = got >= 7 ? node : NULL};
		hub_pull(h, &who, since, limit, &c, &r);
	} else if (strcmp(path, "/v1/digest") == 0) {
		hub_digest(h, &who, &r);
	} else if (strcmp(path, "/v1/divisions") == 0) {
		hub_divisions_reply(h, &who, &r);
	} else {
		*status = 404;
		*resp = xstrdup("{\"error\":\"not_found\"}");
		return;
	}
	*status = r.status;
	*retry = r.retry_after;
	*resp = json_dumps(r.body, JSON_COMPACT);
	json_decref(r.body);
}

static inline void ghost_free(struct ghost *g)
{
	free(g->method);
	free(g->path);
	free(g->body);
}

/* Delivers one late request, its answer going nowhere. */
static inline void link_deliver_late(struct link *l, int i)
{
	struct ghost g = l->late[i];
	l->late[i] = l->late[--l->nlate];
	int st, ra;
	char *resp = NULL;
	link_serve(l, g.method, g.path, g.body, &st, &resp, &ra);
	free(resp);
	ghost_free(&g);
}

static inline void link_flush_late(struct link *l)
{
	while (l->nlate > 0)
		link_deliver_late(l, 0);
}

static inline bool link_request(void *ctx, const char *method, const char *path,
				const char *body, int *status, char **resp, int *retry,
				struct err *e)
{
	struct link *l = ctx;
	struct rng *r = l->rng;
	l->requests++;
	*resp = NULL;
	*retry = 0;
	if (l->nlate > 0 && rng_chance(r, 30))
		link_deliver_late(l, (int)rng_below(r, (unsigned)l->nlate));
	if (rng_chance(r, l->f.late) && l->nlate < 64) {
		/* Held in the network: arrives after later requests. */
		struct ghost g = {xstrdup(method), xstrdup(path), body ? xstrdup(body) : NULL};
		l->late[l->nlate++] = g;
		l->failures++;
		return err_set(e, ERR_FAIL, "timed out (delayed)");
	}
	if (rng_chance(r, l->f.drop_req)) {
		l->failures++;
		return err_set(e, ERR_FAIL, "connection reset (request lost)");
	}
	link_serve(l, method, path, body, status, resp, retry);
	l->bytes_up += body ? (long long)strlen(body) : 0;
	l->bytes_down += *resp ? (long long)strlen(*resp) : 0;
	if (rng_chance(r, l->f.dup)) {
		free(*resp);
		link_serve(l, method, path, body, status, resp, retry);
	}
	if (rng_chance(r, l->f.drop_resp)) {
		free(*resp);
		*resp = NULL;
		l->failures++;
		return err_set(e, ERR_FAIL, "connection reset (answer lost)");
	}
	return true;
}

static inline void link_init(struct link *l, struct hub **h, const char *token, struct rng *r)
{
	memset(l, 0, sizeof *l);
	l->hub = h;
	snprintf(l->token, sizeof l->token, "%s", token);
	l->rng = r;
}

/* A fresh node database with its identity (divisions and types loaded). */
static inline struct store *node_new(const char *path, const char *name, const char *town,
				     struct err *e)
{
	struct store *st;
	if (!store_open(path, STORE_CREATE, &st, e))
		return NULL;
	store_exec(st, NULL, "PRAGMA synchronous = OFF", "");
	if (!store_begin(st, e) || !reference_load(st, e) ||
	    !store_set_node(st, name, town ? town : "", town ? "township" : "county", name, e) ||
	    !store_commit(st, e)) {
		store_close(st);
		return NULL;
	}
	return st;
}

/* A write in its own transaction. */
static inline bool w_insert(struct store *st, const struct table *t, json_t *fields,
			    const char *id, struct err *e)
{
	char buf[ID_TEXT];
	snprintf(buf, sizeof buf, "%s", id ? id : "");
	bool ok = store_begin(st, e) && rec_insert(st, t, fields, buf, e);
	if (ok)
		ok = store_commit(st, e);
	else
		store_rollback(st);
	json_decref(fields);
	return ok;
}

static inline bool w_update(struct store *st, const struct table *t, const char *id,
			    json_t *fields, struct err *e)
{
	bool ok = store_begin(st, e) && rec_update(st, t, id, fields, NULL, e);
	if (ok)
		ok = store_commit(st, e);
	else
		store_rollback(st);
	json_decref(fields);
	return ok;
}

static inline int64_t q_int(struct store *st, const char *sql)
{
	int64_t v = -1;
	store_int(st, NULL, &v, sql, "");
	return v;
}

#endif
