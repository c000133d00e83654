/* A push while many ops wait at the hub: node t2 leaves W updates waiting
 * for records the hub never received, then node t3 pushes one new incident
 * at a time, P times; prints the median and the slowest push.
 *
 *   bench_waiting [W] [P] [DIR]   (W defaults to 1000, the default limit;
 *                                  P to 30; DIR to /tmp) */
#define _XOPEN_SOURCE 700
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dutydesk/dtime.h"
#include "dutydesk/hlc.h"
#include "dutydesk/sync.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void die(const char *what, const char *msg)
{
	fprintf(stderr, "bench_waiting: %s: %s\n", what, msg);
	exit(1);
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
		die("push", t ? t : "?");
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

int main(int argc, char **argv)
{
	long w = argc > 1 ? atol(argv[1]) : 1000;
	int p = argc > 2 ? atoi(argv[2]) : 30;
	const char *base = argc > 3 ? argv[3] : "/tmp";
	char dir[256], path[300];
	snprintf(dir, sizeof dir, "%s/dd-bench-waiting-XXXXXX", base);
	if (!mkdtemp(dir) || p < 1)
		die("mkdtemp", dir);
	snprintf(path, sizeof path, "%s/hub.db", dir);
	struct err e;
	struct hub *h;
	char *t2, *t3;
	struct hub_node n2, n3;
	if (!hub_init(path, &e) || !hub_open(path, &h, &e) ||
	    !hub_node_add(h, "t2", "141032101", "township", &t2, &e) ||
	    !hub_node_add(h, "t3", "141032101", "township", &t3, &e) || !hub_auth(h, t2, &n2, &e) ||
	    !hub_auth(h, t3, &n3, &e))
		die("hub", e.msg);
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
