/* dutydeskd's HTTP front: libmicrohttpd with a small pool of threads in
 * front of one hub database. The transport moves bytes and checks limits
 * (body size, nesting depth, protocol, token presence, failed-login rate,
 * queue depth); everything about ops is the hub library's business.
 *
 * One request at a time touches the database (a mutex): SQLite has one
 * writer anyway, and the hub answers a push only after its COMMIT, so a
 * request is either wholly applied or not at all, whatever happens to the
 * connection or the process. */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "hubd.h"
#include "dutydesk/hash.h"
#include "dutydesk/wire.h"

/* Failed logins, counted per client address (behind a trusted proxy, the
 * address the proxy names) and per token tried: more than FAIL_MAX in
 * FAIL_WINDOW seconds and that address, or that token from anywhere, gets
 * 429 until the window ends. Other addresses and tokens go on. */
#define FAIL_SLOTS 128
#define FAIL_MAX 20
#define FAIL_WINDOW 60
/* Responses smaller than this are not worth compressing. */
#define GZIP_MIN 1024
/* zlib's fastest level: a page of 1,000 ops compresses about as well as at
 * the default level and in a fraction of the hub's time. */
#define GZIP_LEVEL 1

struct fail_slot {
	char addr[72]; /* "a:ADDRESS", or "t:" and the token's hash, cut */
	int count;
	time_t start;
};

struct server {
	struct hub *hub;
	pthread_mutex_t lock; /* the hub database: one request at a time */
	pthread_mutex_t fail_lock;
	struct fail_slot fails[FAIL_SLOTS];
	atomic_int waiting; /* requests waiting for the lock */
	atomic_int active;  /* requests begun and not yet completed */
	atomic_bool stopping; /* set by hubd_stop: new requests get 503 */
	unsigned max_waiting;
	char trust[SERVE_MAX_PROXIES][INET6_ADDRSTRLEN]; /* the proxies, as inet_ntop writes them */
	unsigned n_trust;
};

enum route { R_NONE, R_PUSH, R_PULL, R_SNAPSHOT, R_DIGEST, R_DIVISIONS, R_HEALTH };
static const struct {
	const char *path, *method;
	enum route route;
} routes[] = {
	{"/v1/push", "POST", R_PUSH},         {"/v1/pull", "GET", R_PULL},
	{"/v1/snapshot", "GET", R_SNAPSHOT}, {"/v1/digest", "GET", R_DIGEST},
	{"/v1/divisions", "GET", R_DIVISIONS}, {"/v1/health", "GET", R_HEALTH},
};

struct req {
	enum route route;
	char method[12], path[48], addr[64], via[64], node[64];
	struct timespec t0;
	struct strbuf body;
	size_t bytes_in, bytes_out;
	bool too_big, replied, closing;
	int status, ops;
};

static int64_t ms_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)(t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* ---- the log: one JSON object per line on stderr, never a token ---- */

static void log_time(char *buf, size_t n)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	struct tm tm;
	gmtime_r(&t.tv_sec, &tm);
	size_t k = strftime(buf, n, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + k, n - k, ".%03ldZ", t.tv_nsec / 1000000);
}

/* Writes obj (taken) as one line, stamped with the time. */
static void log_json(json_t *obj)
{
	char when[40];
	log_time(when, sizeof when);
	json_object_set_new(obj, "time", json_string(when));
	char *line = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	if (line) {
		fprintf(stderr, "%s\n", line); /* one call: lines never interleave */
		free(line);
	}
	json_decref(obj);
}

void hubd_log(json_t *obj)
{
	log_json(obj);
}

static void log_mhd(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	vsnprintf(msg, sizeof msg, fmt, ap);
	size_t n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	log_json(json_pack("{s:s, s:s}", "event", "http", "message", msg));
}

/* ---- failed logins ---- */

static struct fail_slot *fail_find(struct server *s, const char *addr, bool make)
{
	struct fail_slot *oldest = &s->fails[0];
	for (int i = 0; i < FAIL_SLOTS; i++) {
		if (!strcmp(s->fails[i].addr, addr))
			return &s->fails[i];
		if (s->fails[i].start < oldest->start)
			oldest = &s->fails[i];
	}
	if (!make)
		return NULL;
	memset(oldest, 0, sizeof *oldest);
	snprintf(oldest->addr, sizeof oldest->addr, "%s", addr);
	return oldest;
}

/* The keys a request's failures count under: its address, and the token
 * it tried (a hash: no token is kept in memory longer than the request). */
static void fail_keys(const char *addr, const char *token, char ka[72], char kt[72])
{
	snprintf(ka, 72, "a:%s", addr);
	kt[0] = '\0';
	if (token && *token) {
		char hex[SHA256_HEX];
		sha256_hex(token, strlen(token), hex);
		snprintf(kt, 72, "t:%.32s", hex);
	}
}

static int fail_wait_locked(struct server *s, const char *key, time_t now)
{
	struct fail_slot *f = key[0] ? fail_find(s, key, false) : NULL;
	if (f && now - f->start < FAIL_WINDOW && f->count >= FAIL_MAX)
		return (int)(FAIL_WINDOW - (now - f->start));
	return 0;
}

/* Seconds the address or the token must wait, or 0. */
static int fail_blocked(struct server *s, const char *addr, const char *token)
{
	char ka[72], kt[72];
	fail_keys(addr, token, ka, kt);
	time_t now = time(NULL);
	pthread_mutex_lock(&s->fail_lock);
	int wa = fail_wait_locked(s, ka, now), wt = fail_wait_locked(s, kt, now);
	pthread_mutex_unlock(&s->fail_lock);
	return wa > wt ? wa : wt;
}

static void fail_count_locked(struct server *s, const char *key, time_t now)
{
	struct fail_slot *f = fail_find(s, key, true);
	if (now - f->start >= FAIL_WINDOW) {
		f->start = now;
		f->count = 0;
	}
	f->count++;
}

static void fail_note(struct server *s, const char *addr, const char *token)
{
	char ka[72], kt[72];
	fail_keys(addr, token, ka, kt);
	time_t now = time(NULL);
	pthread_mutex_lock(&s->fail_lock);
	fail_count_locked(s, ka, now);
	if (kt[0])
		fail_count_locked(s, kt, now);
	pthread_mutex_unlock(&s->fail_lock);
}

/* The client's address: the peer's, or, when the peer is a trusted proxy,
 * the one it names in X-Real-IP, else the last of X-Forwarded-For (the
 * entry the proxy added; a client can write the ones before it). */
static void client_addr(struct server *s, struct MHD_Connection *c, struct req *r)
{
	bool trusted = false;
	for (unsigned i = 0; i < s->n_trust && !trusted; i++)
		trusted = !strcmp(s->trust[i], r->addr);
	if (!trusted)
		return;
	char named[64] = "";
	const char *real = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Real-IP");
	const char *fwd = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-For");
	if (real) {
		snprintf(named, sizeof named, "%s", real);
	} else if (fwd) {
		const char *last = strrchr(fwd, ',');
		snprintf(named, sizeof named, "%s", last ? last + 1 : fwd);
	}
	char *p = named;
	while (*p == ' ' || *p == '\t')
		p++;
	size_t n = strlen(p);
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		p[--n] = '\0';
	unsigned char buf[sizeof(struct in6_addr)];
	if (inet_pton(AF_INET, p, buf) != 1 && inet_pton(AF_INET6, p, buf) != 1)
		return; /* none, or not an address: the proxy's own counts */
	snprintf(r->via, sizeof r->via, "%s", r->addr);
	snprintf(r->addr, sizeof r->addr, "%s", p);
}

/* ---- replies ---- */

static bool accepts_gzip(struct MHD_Connection *c)
{
	const char *ae = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Encoding");
	return ae && strstr(ae, "gzip");
}

/* Queues status with text (taken; NULL: none could be written). */
static enum MHD_Result reply_text(struct MHD_Connection *c, struct req *r, int status,
				  char *text, int retry_after)
{
	if (!text) { /* no body, or one jansson could not write */
		text = xstrdup(status == 200 ? "{}" : "{\"error\":\"internal\"}");
	}
	size_t len = strlen(text);
	bool gz = false;
	if (len >= GZIP_MIN && accepts_gzip(c)) {
		char *z;
		size_t zlen;
		if (gz_deflate_level(text, len, GZIP_LEVEL, &z, &zlen)) {
			free(text);
			text = z;
			len = zlen;
			gz = true;
		}
	}
	struct MHD_Response *resp =
		MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(resp, "Content-Type", "application/json; charset=utf-8");
	MHD_add_response_header(resp, "Vary", "Accept-Encoding");
	if (gz)
		MHD_add_response_header(resp, "Content-Encoding", "gzip");
	if (retry_after > 0) {
		char ra[16];
		snprintf(ra, sizeof ra, "%d", retry_after);
		MHD_add_response_header(resp, "Retry-After", ra);
	}
	if (r->closing) /* the hub is stopping: no next request on this connection */
		MHD_add_response_header(resp, "Connection", "close");
	if (status == 401)
		MHD_add_response_header(resp, "WWW-Authenticate", "Bearer realm=\"dutydeskd\"");
	if (status == 405)
		for (size_t i = 0; i < ARRAY_LEN(routes); i++)
			if (r->route == routes[i].route)
				MHD_add_response_header(resp, "Allow", routes[i].method);
	enum MHD_Result rc = MHD_queue_response(c, (unsigned)status, resp);
	MHD_destroy_response(resp);
	r->status = status;
	r->bytes_out = len;
	r->replied = true;
	return rc;
}

/* Queues status with body (taken; may be NULL). */
static enum MHD_Result reply(struct MHD_Connection *c, struct req *r, int status, json_t *body,
			     int retry_after)
{
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	return reply_text(c, r, status, text, retry_after);
}

static enum MHD_Result reply_error(struct MHD_Connection *c, struct req *r, int status,
				   const char *code, const char *msg, int retry_after)
{
	return reply(c, r, status, json_pack("{s:s, s:s}", "error", code, "message", msg),
		     retry_after);
}

/* The push body as JSON, or a reply already queued (*req NULL). */
static enum MHD_Result push_body(struct MHD_Connection *c, struct req *r, json_t **out)
{
	*out = NULL;
	const char *enc = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Encoding");
	char *text = r->body.buf ? r->body.buf : (char *)"";
	size_t len = r->body.len;
	char *inflated = NULL;
	if (enc && !strcasecmp(enc, "gzip")) {
		int rc = gz_inflate(text, len, SYNC_MAX_BODY, &inflated, &len);
		if (rc == 2)
			return reply_error(c, r, 413, "too_large",
					   "body larger than 1 MiB once uncompressed", 0);
		if (rc)
			return reply_error(c, r, 400, "bad_encoding", "body is not valid gzip", 0);
		text = inflated;
	} else if (enc && strcasecmp(enc, "identity")) {
		return reply_error(c, r, 415, "unsupported_encoding",
				   "Content-Encoding must be gzip or identity", 0);
	}
	enum MHD_Result res = MHD_YES;
	if (json_depth(text, len) > SYNC_MAX_DEPTH) {
		char msg[80];
		snprintf(msg, sizeof msg, "JSON nested deeper than %d levels", SYNC_MAX_DEPTH);
		res = reply_error(c, r, 400, "too_deep", msg, 0);
	} else {
		json_error_t je;
		json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
		if (!j) {
			char msg[300];
			snprintf(msg, sizeof msg, "malformed JSON at line %d column %d: %s", je.line,
				 je.column, je.text);
			res = reply_error(c, r, 400, "malformed", msg, 0);
		} else if (!json_is_object(j)) {
			json_decref(j);
			res = reply_error(c, r, 400, "malformed", "the body must be a JSON object", 0);
		} else {
			*out = j;
		}
	}
	free(inflated);
	return res;
}

static bool query_int(struct MHD_Connection *c, const char *name, long long min, long long max,
		      long long def, long long *out)
{
	const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, name);
	if (!v) {
		*out = def;
		return true;
	}
	return str_to_ll(v, min, max, out);
}

static enum MHD_Result handle(struct server *s, struct MHD_Connection *c, struct req *r)
{
	const char *proto = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Dutydesk-Proto");
	if (proto && strcmp(proto, "1"))
		return reply_error(c, r, 426, "upgrade_required",
				   "this hub speaks sync protocol 1; install a matching dutydesk", 0);
	if (r->route == R_HEALTH) {
		pthread_mutex_lock(&s->lock);
		json_t *b = json_pack("{s:b, s:i, s:s}", "ok", 1, "proto", SYNC_PROTO, "hub_epoch",
				      hub_epoch(s->hub));
		pthread_mutex_unlock(&s->lock);
		return reply(c, r, 200, b, 0);
	}
	const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
	bool bearer = auth && !strncasecmp(auth, "Bearer ", 7) && auth[7];
	int wait = fail_blocked(s, r->addr, bearer ? auth + 7 : NULL);
	if (wait)
		return reply_error(c, r, 429, "too_many_failures",
				   "too many failed logins from this address or with this token; "
				   "wait",
				   wait);
	if (!bearer) {
		fail_note(s, r->addr, NULL);
		return reply_error(c, r, 401, "no_token",
				   "send the node's token as Authorization: Bearer TOKEN", 0);
	}
	const char *token = auth + 7;

	long long since = 0, limit = 1000, inc = -1, oseq = 0, own = 0;
	json_t *body = NULL;
	if (r->route == R_PULL &&
	    (!query_int(c, "since", 0, INT64_MAX, 0, &since) ||
	     !query_int(c, "limit", 1, 1000, 1000, &limit) ||
	     !query_int(c, "incarnation", 0, INT64_MAX, -1, &inc) ||
	     !query_int(c, "op_seq", 0, INT64_MAX, 0, &oseq) ||
	     !query_int(c, "own", 0, 1, 0, &own)))
		return reply_error(c, r, 400, "bad_query",
				   "since must be a whole number >= 0, limit 1 to 1000, incarnation "
				   "and op_seq whole numbers >= 0, own 0 or 1", 0);
	struct node_claim claim = {
		.given = inc >= 0, .own = own == 1, .incarnation = inc, .op_seq = oseq,
		.node = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "node"),
		.hlc = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "hlc")};
	if (r->route == R_PUSH) {
		enum MHD_Result res = push_body(c, r, &body);
		if (!body)
			return res;
		r->ops = (int)json_array_size(json_object_get(body, "ops"));
	}

	if (atomic_fetch_add(&s->waiting, 1) >= (int)s->max_waiting) {
		atomic_fetch_sub(&s->waiting, 1);
		json_decref(body);
		return reply_error(c, r, 503, "busy", "the hub is busy; try again shortly", 2);
	}
	pthread_mutex_lock(&s->lock);
	atomic_fetch_sub(&s->waiting, 1);
	struct hub_node who;
	struct err e = {0};
	if (!hub_auth(s->hub, token, &who, &e)) {
		pthread_mutex_unlock(&s->lock);
		json_decref(body);
		if (e.code == ERR_UNAVAILABLE) /* the database, not the token */
			return reply_error(c, r, 503, "unavailable", e.msg, 1);
		fail_note(s, r->addr, token);
		return reply_error(c, r, 401, "bad_token", "unknown or revoked token", 0);
	}
	snprintf(r->node, sizeof r->node, "%s", who.name);
	struct hub_reply hr = {0};
	switch (r->route) {
	case R_PUSH:
		hub_push(s->hub, &who, body, &hr);
		break;
	case R_PULL:
		hub_pull_text(s->hub, &who, since, (int)limit, &claim, &hr);
		if (hr.status == 200)
			r->ops = (int)hr.n_ops;
		break;
	case R_SNAPSHOT:
		hub_snapshot(s->hub, &who, &hr);
		break;
	case R_DIGEST:
		hub_digest(s->hub, &who, &hr);
		break;
	case R_DIVISIONS:
		hub_divisions_reply(s->hub, &who, &hr);
		break;
	default:
		break;
	}
	pthread_mutex_unlock(&s->lock);
	json_decref(body);
	r->closing = atomic_load(&s->stopping);
	if (!hr.status) {
		json_decref(hr.body);
		free(hr.ops_text);
		return reply_error(c, r, 500, "internal", "the hub could not answer", 0);
	}
	return reply_text(c, r, hr.status, hub_reply_text(&hr), hr.retry_after);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct server *s = cls;
	struct req *r = *con_cls;
	if (!r) {
		r = xcalloc(1, sizeof *r);
		*con_cls = r;
		atomic_fetch_add(&s->active, 1);
		clock_gettime(CLOCK_MONOTONIC, &r->t0);
		sb_init(&r->body);
		snprintf(r->method, sizeof r->method, "%s", method);
		snprintf(r->path, sizeof r->path, "%s", url);
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		const struct sockaddr *sa = ci ? ci->client_addr : NULL;
		if (sa && sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, r->addr,
				  sizeof r->addr);
		else if (sa && sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, r->addr,
				  sizeof r->addr);
		client_addr(s, c, r);
		/* After counting itself in active: hubd_stop sets stopping and
		 * then waits for active to reach 0, so either it waits for this
		 * request or this request sees stopping (both sequentially
		 * consistent). A request that came in on a kept-alive connection
		 * after the wait would be cut off after its commit, before its
		 * answer got out. */
		if (atomic_load(&s->stopping)) {
			r->closing = true;
			return reply_error(c, r, 503, "stopping",
					   "the hub is stopping; try again shortly", 5);
		}
		bool path_known = false;
		for (size_t i = 0; i < ARRAY_LEN(routes); i++)
			if (!strcmp(url, routes[i].path)) {
				path_known = true;
				r->route = routes[i].route;
				if (!strcmp(method, routes[i].method))
					break;
				return reply_error(c, r, 405, "method_not_allowed",
						   "wrong method for this path", 0);
			}
		if (!path_known)
			return reply_error(c, r, 404, "not_found",
					   "no such endpoint (this hub serves /v1/push, /v1/pull, "
					   "/v1/snapshot, /v1/digest, /v1/divisions, /v1/health)",
					   0);
		const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
		long long n;
		if (cl && str_to_ll(cl, 0, INT64_MAX, &n) && n > SYNC_MAX_BODY)
			return reply_error(c, r, 413, "too_large", "body larger than 1 MiB", 0);
		return MHD_YES;
	}
	if (r->replied) {
		*upload_size = 0;
		return MHD_YES;
	}
	if (*upload_size) {
		r->bytes_in += *upload_size;
		if (!r->too_big && r->body.len + *upload_size > SYNC_MAX_BODY) {
			r->too_big = true; /* keep reading, keep nothing */
			sb_finish(&r->body);
			sb_init(&r->body);
		}
		if (!r->too_big)
			sb_add(&r->body, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	if (r->too_big)
		return reply_error(c, r, 413, "too_large", "body larger than 1 MiB", 0);
	if (r->route != R_PUSH && r->body.len)
		return reply_error(c, r, 400, "unexpected_body", "this endpoint takes no body", 0);
	return handle(s, c, r);
}

static void on_done(void *cls, struct MHD_Connection *c, void **con_cls,
		    enum MHD_RequestTerminationCode toe)
{
	struct server *s = cls;
	struct req *r = *con_cls;
	if (!r)
		return;
	*con_cls = NULL;
	json_t *line = json_pack("{s:s, s:s, s:s?, s:s?, s:s, s:s, s:i, s:i, s:I, s:I, s:I}",
				 "event", "request", "addr", r->addr, "via",
				 r->via[0] ? r->via : NULL, "node", r->node[0] ? r->node : NULL,
				 "method", r->method, "path", r->path, "status", r->status, "ops",
				 r->ops, "ms", (json_int_t)ms_since(&r->t0), "bytes_in",
				 (json_int_t)r->bytes_in, "bytes_out", (json_int_t)r->bytes_out);
	if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK) {
		static const char *const why[] = {"ok", "error", "timeout", "shutdown", "read_error",
						  "client_abort"};
		json_object_set_new(line, "ended",
				    json_string((unsigned)toe < ARRAY_LEN(why) ? why[toe] : "other"));
	}
	sb_finish(&r->body);
	free(r);
	/* Done before the line is logged: whoever reads the line may count
	 * on the request no longer being in flight (the stop logs that count). */
	atomic_fetch_sub(&s->active, 1);
	log_json(line);
}

/* ---- start and stop ---- */

static bool parse_listen(const char *s, struct sockaddr_storage *ss, struct err *e)
{
	memset(ss, 0, sizeof *ss);
	char host[128];
	const char *colon;
	if (s[0] == '[') {
		const char *end = strchr(s, ']');
		if (!end || end[1] != ':')
			return err_set(e, ERR_USAGE, "--listen '%s': expected [ADDR]:PORT", s);
		snprintf(host, sizeof host, "%.*s", (int)(end - s - 1), s + 1);
		colon = end + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return err_set(e, ERR_USAGE, "--listen '%s': expected ADDR:PORT", s);
		snprintf(host, sizeof host, "%.*s", (int)(colon - s), s);
	}
	long long port;
	if (!str_to_ll(colon + 1, 0, 65535, &port))
		return err_set(e, ERR_USAGE, "--listen '%s': the port must be 0 to 65535", s);
	struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, host[0] ? host : "0.0.0.0", &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
	} else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
	} else {
		return err_set(e, ERR_USAGE, "--listen '%s': '%s' is not an IP address", s, host);
	}
	return true;
}

static char *slurp(const char *path, const char *what, struct err *e)
{
	struct strbuf sb;
	sb_init(&sb);
	if (sb_read_file(&sb, path, 0) < 0) {
		sb_finish(&sb);
		err_set(e, ERR_FAIL, "%s %s: %s", what, path, strerror(errno));
		return NULL;
	}
	if (!sb.len) {
		sb_finish(&sb);
		err_set(e, ERR_FAIL, "%s %s: empty file", what, path);
		return NULL;
	}
	return sb_take(&sb);
}

struct hubd {
	struct server s;
	struct MHD_Daemon *d;
	char *cert, *key;
};

struct hubd *hubd_start(struct hub *h, const struct serve_opts *o, int *port, struct err *e)
{
	struct sockaddr_storage ss;
	if (!parse_listen(o->listen, &ss, e))
		return NULL;
	if (!o->tls_cert != !o->tls_key) {
		err_set(e, ERR_USAGE, "--tls-cert and --tls-key go together");
		return NULL;
	}
	struct hubd *hd = xcalloc(1, sizeof *hd);
	if (o->tls_cert && (!(hd->cert = slurp(o->tls_cert, "--tls-cert", e)) ||
			    !(hd->key = slurp(o->tls_key, "--tls-key", e)))) {
		free(hd->cert);
		free(hd);
		return NULL;
	}
	struct server *s = &hd->s;
	s->hub = h;
	s->max_waiting = o->max_waiting;
	for (unsigned i = 0; i < o->n_trust_proxy && i < SERVE_MAX_PROXIES; i++) {
		unsigned char buf[sizeof(struct in6_addr)];
		int af = inet_pton(AF_INET, o->trust_proxy[i], buf) == 1    ? AF_INET
			 : inet_pton(AF_INET6, o->trust_proxy[i], buf) == 1 ? AF_INET6
									    : 0;
		if (!af) {
			err_set(e, ERR_USAGE, "--trust-proxy '%s': not an IP address",
				o->trust_proxy[i]);
			free(hd->cert);
			free(hd->key);
			free(hd);
			return NULL;
		}
		inet_ntop(af, buf, s->trust[s->n_trust++], INET6_ADDRSTRLEN);
	}
	pthread_mutex_init(&s->lock, NULL);
	pthread_mutex_init(&s->fail_lock, NULL);
	signal(SIGPIPE, SIG_IGN);

	unsigned flags = MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC |
			 MHD_USE_ERROR_LOG | (hd->cert ? MHD_USE_TLS : 0) |
			 (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0);
	hd->d = MHD_start_daemon(
		flags, 0, NULL, NULL, on_request, s, MHD_OPTION_EXTERNAL_LOGGER, log_mhd, NULL,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
		MHD_OPTION_THREAD_POOL_SIZE, o->threads, MHD_OPTION_CONNECTION_LIMIT, o->max_conn,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, o->per_addr, MHD_OPTION_CONNECTION_TIMEOUT,
		o->timeout, MHD_OPTION_NOTIFY_COMPLETED, on_done, s,
		hd->cert ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, hd->key,
		MHD_OPTION_HTTPS_MEM_CERT, hd->cert, MHD_OPTION_END);
	if (!hd->d) {
		err_set(e, ERR_FAIL, "cannot listen on %s (in use, or not this host's address?)",
			o->listen);
		hubd_stop(hd);
		return NULL;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(hd->d, MHD_DAEMON_INFO_BIND_PORT);
	*port = di ? (int)di->port : 0;
	return hd;
}

void hubd_stop(struct hubd *hd)
{
	if (!hd)
		return;
	if (hd->d) {
		/* Stop accepting, let the requests in flight finish (each commits
		 * or rolls back as a whole), then close. */
		atomic_store(&hd->s.stopping, true);
		MHD_socket lfd = MHD_quiesce_daemon(hd->d);
		if (lfd != MHD_INVALID_SOCKET)
			close(lfd);
		for (int i = 0; i < 300 && atomic_load(&hd->s.active) > 0; i++) {
			struct timespec ts = {0, 100 * 1000 * 1000};
			nanosleep(&ts, NULL);
		}
		MHD_stop_daemon(hd->d);
	}
	pthread_mutex_destroy(&hd->s.lock);
	pthread_mutex_destroy(&hd->s.fail_lock);
	free(hd->cert);
	free(hd->key);
	free(hd);
}

bool hubd_serve(struct hub *h, const struct serve_opts *o, struct err *e)
{
	/* The daemon's threads inherit this mask: only the main thread takes
	 * SIGTERM/SIGINT, in sigwait below. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	int port;
	struct hubd *hd = hubd_start(h, o, &port, e);
	if (!hd)
		return false;
	log_json(json_pack("{s:s, s:s, s:i, s:s, s:b}", "event", "listening", "listen", o->listen,
			   "port", port, "hub_epoch", hub_epoch(h), "tls", hd->cert != NULL));
	int sig = 0;
	while (sigwait(&set, &sig) != 0)
		;
	log_json(json_pack("{s:s, s:s, s:i}", "event", "stopping", "signal",
			   sig == SIGTERM ? "TERM" : "INT", "in_flight", atomic_load(&hd->s.active)));
	hubd_stop(hd);
	log_json(json_pack("{s:s}", "event", "stopped"));
	return true;
}
