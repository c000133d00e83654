/* Sync figures in one process: a township node makes N ops (incidents,
 * timeline entries, edits, stock movements), pushes them to a hub, and a
 * new county node pulls them all; then one change goes round trip.
 *
 *   bench_sync [N] [DIR]     (N defaults to 100000, DIR to /tmp) */
#define _XOPEN_SOURCE 700
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

int main(int argc, char **argv)
{
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
