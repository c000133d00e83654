/* Sync figures in one process: a township node makes N ops (incidents,
 * timeline entries, edits, stock movements), pushes them to a hub, and a
 * new county node pulls them all; then one change goes round trip.
 *
 *   bench_sync [N] [DIR]     (N defaults to 100000, DIR to /tmp)
 *
 * A push while many ops wait at the hub: node t2 leaves W updates waiting
 * for records the hub never received, then node t3 pushes one new
 * incident at a time, P times; prints the median and the slowest push.
 *
 *   bench_sync waiting [W] [P] [DIR]   (W: 1000, the default limit; P: 30) */
#define _XOPEN_SOURCE 700
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dutydesk/dtime.h"
#include "dutydesk/hlc.h"
#include "sync_world.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void die(const char *what, struct err *e)
{
	fprintf(stderr, "bench_sync: %s: %s\n", what, e->msg);
	exit(1);
}

static struct store *node_at(const char *dir, const char *name, const char *town)
{
	struct err e;
	char *p = xasprintf("%s/%s.db", dir, name);
	unlink(p);
	struct store *st = node_new(p, name, town, &e);
	if (!st)
		die(p, &e);
	free(p);
	return st;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* One push of ops by node who; the hub must answer 200. */
static void push(struct hub *h, const struct hub_node *who, json_t *ops)
{
	json_t *req = json_pack("{s:i, s:s, s:o}", "proto", SYNC_PROTO, "node", who->name, "ops",
				ops);
	struct hub_reply r;
	hub_push(h, who, req, &r);
	if (r.status != 200) {
		char *t = json_dumps(r.body, 0);
		fprintf(stderr, "bench_sync waiting: push: %s\n", t ? t : "?");
		exit(1);
	}
	json_decref(r.body);
	json_decref(req);
}

static json_t *op(const char *node, long seq, const char *id, const char *kind, json_t *fields)
{
	char op_id[64], hlc[HLC_TEXT];
	static hlc_t last;
	last = hlc_next(last, dd_now_ms());
	hlc_format(last, hlc);
	snprintf(op_id, sizeof op_id, "%s:%ld", node, seq);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "op_id", op_id, "node", node, "hlc",
			 hlc, "table", "incident", "id", id, "kind", kind, "fields", fields);
}

/* bench_sync waiting [W] [P] [DIR] */
static int bench_waiting(int argc, char **argv)
{
	long w = argc > 2 ? atol(argv[2]) : 1000;
	int p = argc > 3 ? atoi(argv[3]) : 30;
	const char *base = argc > 4 ? argv[4] : "/tmp";
	char dir[256], path[300];
	snprintf(dir, sizeof dir, "%s/dd-bench-waiting-XXXXXX", base);
	if (!mkdtemp(dir) || p < 1) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof path, "%s/hub.db", dir);
	struct err e;
	struct hub *h;
	char *t2, *t3;
	struct hub_node n2, n3;
	if (!hub_init(path, &e) || !hub_open(path, &h, &e) ||
	    !hub_node_add(h, "t2", "141032101", "township", &t2, &e) ||
	    !hub_node_add(h, "t3", "141032101", "township", &t3, &e) || !hub_auth(h, t2, &n2, &e) ||
	    !hub_auth(h, t3, &n3, &e))
		die("hub", &e);
	hub_set_waiting_limits(h, w, 7 * 86400);
	/* W updates of records the hub never received, in pushes of 500. */
	for (long i = 0; i < w;) {
		json_t *ops = json_array();
		for (int k = 0; k < SYNC_MAX_OPS && i < w; k++, i++) {
			char id[64];
			snprintf(id, sizeof id, "ghost-%ld", i);
			json_array_append_new(ops, op("t2", i + 1, id, "update",
						      json_pack("{s:i}", "deaths", 1)));
		}
		push(h, &n2, ops);
	}
	double *ms = calloc((size_t)p, sizeof *ms);
	for (int i = 0; i < p; i++) {
		char id[64], number[64];
		snprintf(id, sizeof id, "new-%d", i);
		snprintf(number, sizeof number, "桑壁-2026-%04d", i + 1);
		json_t *ops = json_array();
		json_array_append_new(ops, op("t3", i + 1, id, "insert",
					      json_pack("{s:s, s:s, s:s, s:s, s:I}", "number", number,
							"title", "山体滑坡", "type", "landslide",
							"township_code", "141032101", "received_at",
							(json_int_t)dd_now())));
		double t0 = now_ms();
		push(h, &n3, ops);
		ms[i] = now_ms() - t0;
	}
	qsort(ms, (size_t)p, sizeof *ms, by_value);
	printf("push of one new incident with %ld ops waiting at the hub: median %.2f ms, "
	       "slowest %.2f ms (%d pushes)\n", w, ms[p / 2], ms[p - 1], p);
	free(ms);
	free(t2), free(t3);
	hub_close(h);
	char *cmd = xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench_waiting: could not remove %s\n", dir);
	free(cmd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "waiting"))
		return bench_waiting(argc, argv);
	long n = argc > 1 ? atol(argv[1]) : 100000;
	const char *base = argc > 2 ? argv[2] : "/tmp";
	char dir[256];
	snprintf(dir, sizeof dir, "%s/dd-bench-sync-XXXXXX", base);
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	struct err e;
	char *hp = xasprintf("%s/hub.db", dir);
	struct hub *hub;
	if (!hub_init(hp, &e) || !hub_open(hp, &hub, &e))
		die(hp, &e);
	char *tt, *tc;
	if (!hub_node_add(hub, "t1", "141032100", "township", &tt, &e) ||
	    !hub_node_add(hub, "county", NULL, "county", &tc, &e))
		die("enrol", &e);
	struct store *t1 = node_at(dir, "t1", "141032100"), *cy = node_at(dir, "county", NULL);
	struct rng rng = {42};
	struct link lt, lc;
	link_init(&lt, &hub, tt, &rng);
	link_init(&lc, &hub, tc, &rng);
	struct sync_transport xt = {&lt, link_request}, xc = {&lc, link_request};

	/* The ops, in batches of 1000 writes per transaction. */
	double t0 = now_ms();
	long made = 0, incidents = 0;
	char id[64], inc[64];
	/* The county's catalogue reaches the township before its writes. */
	struct sync_stats s;
	if (!w_insert(cy, &T_ITEM, json_pack("{s:s, s:s, s:s, s:s}", "code", "T", "name", "帐篷",
					     "category", "food_shelter", "unit", "顶"),
		      "item-t1", &e) ||
	    !w_insert(t1, &T_DEPOT, json_pack("{s:s, s:s, s:s, s:s}", "code", "D1", "name", "储备点",
					      "level", "township", "township_code", "141032100"),
		      "depot-t1", &e) ||
	    !sync_run(cy, &xc, &s, &e) || !sync_run(t1, &xt, &s, &e))
		die("setup", &e);
	lt.requests = lc.requests = 0;
	lt.bytes_up = lt.bytes_down = lc.bytes_up = lc.bytes_down = 0;
	t0 = now_ms();
	while (made < n) {
		if (!store_begin(t1, &e))
			die("begin", &e);
		for (int k = 0; k < 1000 && made < n; k++, made++) {
			unsigned r = rng_below(&rng, 100);
			bool ok;
			id[0] = '\0';
			if (r < 10 || incidents == 0) {
				snprintf(inc, sizeof inc, "inc-%ld", incidents++);
				snprintf(id, sizeof id, "%s", inc);
				json_t *f = json_pack("{s:s, s:s, s:s, s:s, s:i}", "number", inc, "title",
						      "桑壁镇山体滑坡", "type", "landslide", "township_code",
						      "141032100", "received_at", 1764291600);
				ok = rec_insert(t1, &T_INCIDENT, f, id, &e);
				json_decref(f);
			} else if (r < 70) {
				json_t *f = json_pack("{s:s, s:s, s:s}", "incident_id", inc, "kind", "note",
						      "text", "续报：现场群众已转移，道路抢通中");
				ok = rec_insert(t1, &T_TIMELINE, f, id, &e);
				json_decref(f);
			} else if (r < 80) {
				json_t *f = json_pack("{s:i}", "deaths", (int)rng_below(&rng, 1000));
				ok = rec_update(t1, &T_INCIDENT, inc, f, NULL, &e);
				json_decref(f);
			} else {
				json_t *f = json_pack("{s:s, s:s, s:i, s:s}", "depot_id", "depot-t1",
						      "item_id", "item-t1", "qty", 5, "kind", "receive");
				ok = rec_insert(t1, &T_STOCK_MOVEMENT, f, id, &e);
				json_decref(f);
			}
			if (!ok)
				die("write", &e);
		}
		if (!store_commit(t1, &e))
			die("commit", &e);
	}
	double t_make = now_ms() - t0;
	int64_t ops = q_int(t1, "SELECT count(*) FROM outbox");
	int64_t compact = q_int(t1, "SELECT sum(length(CAST(body AS BLOB))) FROM outbox");

	t0 = now_ms();
	if (!sync_run(t1, &xt, &s, &e))
		die("push", &e);
	double t_push = now_ms() - t0;
	t0 = now_ms();
	if (!sync_run(cy, &xc, &s, &e))
		die("pull", &e);
	double t_pull = now_ms() - t0;
	json_t *d1 = sync_digest(cy, NULL, &e), *d2 = sync_digest(hub_store(hub), "", &e);
	bool same = json_equal(d1, d2);
	json_decref(d1), json_decref(d2);

	/* One change, round trip: the county edits, pushes; t1 pulls it. */
	if (!w_update(cy, &T_INCIDENT, "inc-0", json_pack("{s:s}", "level", "III"), &e))
		die("edit", &e);
	t0 = now_ms();
	if (!sync_run(cy, &xc, &s, &e) || !sync_run(t1, &xt, &s, &e))
		die("one change", &e);
	double t_one = now_ms() - t0;

	printf("sync benchmark: %lld ops made by one township node in %.0f ms\n", (long long)ops,
	       t_make);
	printf("  push to the hub:   %8.0f ms  %8.0f ops/s  (%ld requests, %.1f MB up, %.1f MB down)\n",
	       t_push, ops / (t_push / 1000), lt.requests, lt.bytes_up / 1e6, lt.bytes_down / 1e6);
	printf("  pull by a new node:%8.0f ms  %8.0f ops/s  (%ld requests, %.1f MB down)\n", t_pull,
	       ops / (t_pull / 1000), lc.requests, lc.bytes_down / 1e6);
	printf("  wire / compact ops: push %.2fx, pull %.2fx (uncompressed JSON; gzip is the "
	       "transport's)\n", (double)lt.bytes_up / (double)compact,
	       (double)lc.bytes_down / (double)compact);
	printf("  one change, county push + township pull: %.2f ms\n", t_one);
	printf("  county digest equals hub: %s\n", same ? "yes" : "NO");
	store_close(t1);
	store_close(cy);
	hub_close(hub);
	free(tt), free(tc), free(hp);
	char *cmd = xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench_sync: could not remove %s\n", dir);
	free(cmd);
	return same ? 0 : 1;
}
