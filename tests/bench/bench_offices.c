/* A province's offices on one hub: many township and county offices, each
 * with its own token and scope, each pushing a few ops and pulling once a
 * (simulated) minute, against a running dutydeskd over HTTP.
 *
 *   bench_offices province OFFICES COUNTIES DIR
 *       writes a province for dutydeskd divisions import and node import:
 *       DIR/divisions.csv, COUNTIES counties (6-digit codes) sharing the
 *       townships (codes county + 3 digits) evenly; DIR/offices.csv,
 *       OFFICES nodes (the last COUNTIES of them county nodes, each with
 *       its county as its area, the others one township each); DIR/plan,
 *       "name role township" lines (a county office's township: the first
 *       of its area, where its incidents happen), which with the tokens
 *       make the offices' file for load
 *   bench_offices load URL TOKENS HUB_PID PERIOD_MS ROUNDS OPS WORKERS
 *       a warm-up pull by every office (its first sync, not measured),
 *       then ROUNDS rounds in which every office, at its moment spread
 *       evenly over PERIOD_MS, pushes OPS ops (an incident and notes on it)
 *       and pulls what is new in its scope; then one burst: every office
 *       at once, as fast as WORKERS connections go. Prints latencies
 *       (p50, p99, max) of push and pull, ops/s, and the hub's CPU and
 *       memory read from /proc/HUB_PID.
 *
 * A township office's scope is its own township: a province has about as
 * many townships as township offices. A county office's is its county's
 * townships (dutydeskd node add --area). */
#define _GNU_SOURCE
#include <curl/curl.h>
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "dutydesk/sync.h"
#include "dutydesk/util.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void die(const char *what, const char *why)
{
	fprintf(stderr, "bench_offices: %s: %s\n", what, why);
	exit(1);
}

/* ---- province ---- */

static FILE *open_in(const char *dir, const char *name)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f)
		die(path, "cannot write");
	return f;
}

static int province(int offices, int counties, const char *dir)
{
	FILE *div = open_in(dir, "divisions.csv"), *off = open_in(dir, "offices.csv"),
	     *plan = open_in(dir, "plan");
	int towns = offices - counties;
	int per = counties > 0 && towns / counties > 0 ? towns / counties : 1;
	fputs("code,name,level,parent_code,illustrative\n", div);
	fputs("name,township,area\n", off);
	/* no real code starts with 9 */
	for (int k = 0; k < counties; k++)
		fprintf(div, "9%05d,基准县%03d,county,,1\n", k, k);
	for (int i = 0; i < offices; i++) {
		bool county = i >= towns; /* the last ones */
		int k = county ? i - towns : i / per < counties ? i / per : counties - 1;
		char name[32], code[16], area[16];
		snprintf(name, sizeof name, "o%04d", i);
		snprintf(area, sizeof area, "9%05d", k);
		snprintf(code, sizeof code, "%s%03d", area, county ? 0 : i - k * per);
		if (!county)
			fprintf(div, "%s,基准乡%04d,township,%s,1\n", code, i, area);
		fprintf(off, "%s,%s,%s\n", name, county ? "" : code, county ? area : "");
		fprintf(plan, "%s %s %s\n", name, county ? "county" : "township", code);
	}
	if (fclose(div) || fclose(off) || fclose(plan))
		die(dir, "cannot write");
	return 0;
}

/* ---- load ---- */

struct office {
	char name[32], role[16], town[16], token[128];
	long long cursor;
	long op_seq, incidents;
};

struct lat {
	double *v;
	size_t n, cap;
};

static void lat_add(struct lat *l, double v)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 1024;
		l->v = xrealloc(l->v, l->cap * sizeof *l->v);
	}
	l->v[l->n++] = v;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double pct(struct lat *l, double p)
{
	if (!l->n)
		return 0;
	size_t k = (size_t)ceil(p / 100 * (double)l->n);
	return l->v[k ? k - 1 : 0];
}

struct phase {
	const char *name;
	double period_ms; /* 0: all at once */
	int rounds, ops;
	bool push;
	/* results */
	pthread_mutex_t mu;
	struct lat push_lat, pull_lat, lag;
	long pushed, pulled, errors, requests;
	double t0, t1;
};

static struct office *offs;
static int n_off;
static const char *county_town; /* where county offices' incidents happen */
static const char *base_url;
static atomic_int next_job;
static struct phase *cur;
static int workers;

struct buf {
	char *p;
	size_t n;
};

static size_t on_data(char *d, size_t sz, size_t nm, void *u)
{
	struct buf *b = u;
	b->p = xrealloc(b->p, b->n + sz * nm + 1);
	memcpy(b->p + b->n, d, sz * nm);
	b->n += sz * nm;
	b->p[b->n] = '\0';
	return sz * nm;
}

/* One request; the answer's JSON (NULL on failure). */
static json_t *request(CURL *c, struct office *o, const char *path, const char *body,
		       bool fresh, double *ms)
{
	char url[512], auth[200];
	snprintf(url, sizeof url, "%s%s", base_url, path);
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", o->token);
	struct curl_slist *hd = curl_slist_append(NULL, auth);
	hd = curl_slist_append(hd, "Dutydesk-Proto: 1");
	if (body)
		hd = curl_slist_append(hd, "Content-Type: application/json");
	struct buf b = {0};
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hd);
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "gzip");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
	/* each office's sync on a connection of its own, as a node's is */
	curl_easy_setopt(c, CURLOPT_FRESH_CONNECT, fresh ? 1L : 0L);
	if (body) {
		curl_easy_setopt(c, CURLOPT_POST, 1L);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	} else {
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	}
	double t = now_ms();
	CURLcode rc = curl_easy_perform(c);
	*ms = now_ms() - t;
	long status = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(hd);
	json_t *j = NULL;
	if (rc == CURLE_OK && status == 200 && b.p)
		j = json_loadb(b.p, b.n, 0, NULL);
	else if (getenv("BENCH_VERBOSE"))
		fprintf(stderr, "bench_offices: %s %s: %s, HTTP %ld %.200s\n", o->name, path,
			curl_easy_strerror(rc), status, b.p ? b.p : "");
	free(b.p);
	return j;
}

static json_t *make_ops(struct office *o, int n, int64_t now_s)
{
	json_t *ops = json_array();
	char inc_id[64], id[64], op_id[64], hlc[HLC_TEXT], number[64];
	int64_t ms = (int64_t)now_s * 1000;
	static atomic_uint_fast64_t uniq;
	snprintf(inc_id, sizeof inc_id, "%s-inc-%ld", o->name, o->incidents);
	snprintf(number, sizeof number, "%s-2026-%05ld", o->name, ++o->incidents);
	const char *town = o->town[0] == '-' ? county_town : o->town;
	for (int k = 0; k < n; k++) {
		snprintf(op_id, sizeof op_id, "%s:%ld", o->name, ++o->op_seq);
		snprintf(hlc, sizeof hlc, "%016llx",
			 (unsigned long long)((uint64_t)ms << 16 | (atomic_fetch_add(&uniq, 1) & 0xFFFF)));
		json_t *f;
		const char *tbl;
		if (k == 0) {
			tbl = "incident";
			snprintf(id, sizeof id, "%s", inc_id);
			f = json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:s}", "number", number, "title",
				      "山洪冲毁便道", "type", "flood", "township_code", town,
				      "received_at", (json_int_t)now_s, "status", "open", "level",
				      "pending");
		} else {
			tbl = "timeline";
			snprintf(id, sizeof id, "%s-n%ld", o->name, o->op_seq);
			f = json_pack("{s:s, s:s, s:s}", "incident_id", inc_id, "kind", "note", "text",
				      "现场人员报告：水位继续上涨，已转移群众");
		}
		json_array_append_new(ops, json_pack("{s:s, s:I, s:o, s:s, s:s, s:s, s:s, s:s, s:s}",
						     "actor", "基准", "at", (json_int_t)now_s,
						     "fields", f, "hlc", hlc, "id", id, "kind",
						     "insert", "node", o->name, "op_id", op_id,
						     "table", tbl));
	}
	return ops;
}

/* Pulls until the office has everything new; false on a failed request. */
static bool pull_all(CURL *c, struct office *o, bool fresh, double *ms, long *ops, long *reqs)
{
	*ms = 0;
	*ops = 0;
	for (int page = 0; page < 100000; page++) {
		char path[160];
		snprintf(path, sizeof path, "/v1/pull?since=%lld&limit=1000", o->cursor);
		double t;
		json_t *j = request(c, o, path, NULL, fresh && page == 0, &t);
		*ms += t;
		(*reqs)++;
		if (!j)
			return false;
		*ops += (long)json_array_size(json_object_get(j, "ops"));
		o->cursor = json_integer_value(json_object_get(j, "next_cursor"));
		bool more = json_is_true(json_object_get(j, "has_more"));
		json_decref(j);
		if (!more)
			return true;
	}
	return true;
}

static void *worker(void *arg)
{
	(void)arg;
	CURL *c = curl_easy_init();
	struct phase *p = cur;
	int total = n_off * p->rounds;
	for (;;) {
		int job = atomic_fetch_add(&next_job, 1);
		if (job >= total)
			break;
		struct office *o = &offs[job % n_off];
		double at = p->t0 + (p->period_ms > 0 ? p->period_ms * job / n_off : 0);
		double now = now_ms();
		if (at > now) {
			double w = at - now;
			struct timespec ts = {(time_t)(w / 1000), (long)(fmod(w, 1000) * 1e6)};
			nanosleep(&ts, NULL);
		}
		double lag = now_ms() - at, push_ms = -1, pull_ms;
		long pulled = 0, reqs = 0, pushed = 0;
		bool ok = true;
		if (p->push) {
			json_t *ops = make_ops(o, p->ops, time(NULL));
			json_t *req = json_pack("{s:i, s:s, s:o}", "proto", 1, "node", o->name, "ops", ops);
			char *body = json_dumps(req, JSON_COMPACT);
			json_decref(req);
			json_t *r = request(c, o, "/v1/push", body, true, &push_ms);
			free(body);
			reqs++;
			if (r) {
				size_t i;
				json_t *res;
				json_array_foreach(json_object_get(r, "results"), i, res) {
					const char *s = json_string_value(json_object_get(res, "status"));
					if (s && (!strcmp(s, "applied") || !strcmp(s, "duplicate")))
						pushed++;
					else
						ok = false;
				}
				json_decref(r);
			} else {
				ok = false;
			}
		}
		if (!pull_all(c, o, !p->push, &pull_ms, &pulled, &reqs))
			ok = false;
		pthread_mutex_lock(&p->mu);
		if (push_ms >= 0)
			lat_add(&p->push_lat, push_ms);
		lat_add(&p->pull_lat, pull_ms);
		lat_add(&p->lag, lag);
		p->pushed += pushed;
		p->pulled += pulled;
		p->requests += reqs;
		p->errors += !ok;
		pthread_mutex_unlock(&p->mu);
	}
	curl_easy_cleanup(c);
	return NULL;
}

/* The hub's CPU ticks (user + system) and memory (kB) from /proc. */
struct hubstat {
	double cpu_s;
	long rss_kb, hwm_kb;
};

static bool hub_stat(int pid, struct hubstat *s)
{
	char p[64], line[1024];
	snprintf(p, sizeof p, "/proc/%d/stat", pid);
	FILE *f = fopen(p, "r");
	if (!f || !fgets(line, sizeof line, f)) {
		if (f)
			fclose(f);
		return false;
	}
	fclose(f);
	char *r = strrchr(line, ')');
	unsigned long ut = 0, st = 0;
	/* after "pid (comm)": state is field 3, utime 14, stime 15 */
	if (!r || sscanf(r + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
		return false;
	s->cpu_s = (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
	snprintf(p, sizeof p, "/proc/%d/status", pid);
	f = fopen(p, "r");
	if (!f)
		return false;
	while (fgets(line, sizeof line, f)) {
		sscanf(line, "VmRSS: %ld", &s->rss_kb);
		sscanf(line, "VmHWM: %ld", &s->hwm_kb);
	}
	fclose(f);
	return true;
}

static int hub_pid;
static atomic_bool sampling;
static long rss_peak;

static void *sampler(void *arg)
{
	(void)arg;
	while (atomic_load(&sampling)) {
		struct hubstat s;
		if (hub_stat(hub_pid, &s) && s.rss_kb > rss_peak)
			rss_peak = s.rss_kb;
		struct timespec ts = {0, 50 * 1000000L};
		nanosleep(&ts, NULL);
	}
	return NULL;
}

static void run_phase(struct phase *p, bool report)
{
	pthread_mutex_init(&p->mu, NULL);
	cur = p;
	atomic_store(&next_job, 0);
	struct hubstat s0 = {0}, s1 = {0};
	struct rusage u0, u1;
	getrusage(RUSAGE_SELF, &u0);
	hub_stat(hub_pid, &s0);
	rss_peak = s0.rss_kb;
	atomic_store(&sampling, true);
	pthread_t smp;
	pthread_create(&smp, NULL, sampler, NULL);
	p->t0 = now_ms() + 10;
	pthread_t *t = xcalloc((size_t)workers, sizeof *t);
	for (int i = 0; i < workers; i++)
		pthread_create(&t[i], NULL, worker, NULL);
	for (int i = 0; i < workers; i++)
		pthread_join(t[i], NULL);
	free(t);
	p->t1 = now_ms();
	atomic_store(&sampling, false);
	pthread_join(smp, NULL);
	hub_stat(hub_pid, &s1);
	getrusage(RUSAGE_SELF, &u1);
	if (!report)
		return;
	double wall = (p->t1 - p->t0) / 1000;
	double gen_cpu = (double)(u1.ru_utime.tv_sec - u0.ru_utime.tv_sec + u1.ru_stime.tv_sec -
				  u0.ru_stime.tv_sec) +
			 (double)(u1.ru_utime.tv_usec - u0.ru_utime.tv_usec + u1.ru_stime.tv_usec -
				  u0.ru_stime.tv_usec) / 1e6;
	qsort(p->push_lat.v, p->push_lat.n, sizeof(double), cmp_d);
	qsort(p->pull_lat.v, p->pull_lat.n, sizeof(double), cmp_d);
	qsort(p->lag.v, p->lag.n, sizeof(double), cmp_d);
	printf("%s: %zu office syncs in %.1f s (%.1f a second), %ld requests, %ld failed syncs\n",
	       p->name, p->pull_lat.n, wall, (double)p->pull_lat.n / wall, p->requests, p->errors);
	if (p->push_lat.n)
		printf("  push (%d ops): p50 %.1f ms  p99 %.1f ms  max %.1f ms;  %ld ops, %.0f ops/s\n",
		       p->ops, pct(&p->push_lat, 50), pct(&p->push_lat, 99),
		       p->push_lat.v[p->push_lat.n - 1], p->pushed, (double)p->pushed / wall);
	printf("  pull (all pages):  p50 %.1f ms  p99 %.1f ms  max %.1f ms;  %ld ops, %.0f ops/s\n",
	       pct(&p->pull_lat, 50), pct(&p->pull_lat, 99), p->pull_lat.v[p->pull_lat.n - 1],
	       p->pulled, (double)p->pulled / wall);
	if (p->period_ms > 0)
		printf("  start lag behind schedule: p50 %.1f ms  p99 %.1f ms (the generator kept up "
		       "when small)\n",
		       pct(&p->lag, 50), pct(&p->lag, 99));
	printf("  hub: CPU %.2f s = %.0f%% of one core; RSS %.1f MB at start, %.1f MB peak, "
	       "high-water %.1f MB;  generator CPU %.0f%% of one core\n",
	       s1.cpu_s - s0.cpu_s, 100 * (s1.cpu_s - s0.cpu_s) / wall, s0.rss_kb / 1024.0,
	       rss_peak / 1024.0, s1.hwm_kb / 1024.0, 100 * gen_cpu / wall);
	printf("RESULT %s syncs=%zu wall_s=%.2f push_p50=%.2f push_p99=%.2f pull_p50=%.2f "
	       "pull_p99=%.2f pushed=%ld pulled=%ld errors=%ld hub_cpu_pct=%.0f rss_peak_kb=%ld\n",
	       p->name, p->pull_lat.n, wall, pct(&p->push_lat, 50), pct(&p->push_lat, 99),
	       pct(&p->pull_lat, 50), pct(&p->pull_lat, 99), p->pushed, p->pulled, p->errors,
	       100 * (s1.cpu_s - s0.cpu_s) / wall, rss_peak);
	fflush(stdout);
}

static int load(char **a)
{
	base_url = a[0];
	hub_pid = atoi(a[2]);
	double period = atof(a[3]);
	int rounds = atoi(a[4]), ops = atoi(a[5]);
	workers = atoi(a[6]);
	if (rounds < 0 || ops < 1 || workers < 1 || period < 0)
		die("load", "ROUNDS >= 0, OPS >= 1, WORKERS >= 1, PERIOD_MS >= 0");
	FILE *f = fopen(a[1], "r");
	if (!f)
		die(a[1], "cannot read");
	int cap = 0;
	char line[512];
	while (fgets(line, sizeof line, f)) {
		if (n_off == cap)
			offs = xrealloc(offs, (size_t)(cap = cap ? cap * 2 : 256) * sizeof *offs);
		struct office *o = &offs[n_off];
		memset(o, 0, sizeof *o);
		if (sscanf(line, "%31s %15s %15s %127s", o->name, o->role, o->town, o->token) == 4)
			n_off++;
	}
	fclose(f);
	if (!n_off)
		die(a[1], "no offices");
	struct hubstat s;
	if (!hub_stat(hub_pid, &s))
		die("hub", "cannot read /proc/PID/stat");
	curl_global_init(CURL_GLOBAL_DEFAULT);
	int counties = 0;
	for (int i = n_off - 1; i >= 0; i--) {
		counties += !strcmp(offs[i].role, "county");
		if (strcmp(offs[i].role, "county"))
			county_town = offs[i].town; /* the first township office's */
	}
	if (!county_town)
		die(a[1], "no township office");
	printf("%d offices (%d county, %d township), %d workers; "
	       "one round = every office once in %.1f s\n",
	       n_off, counties, n_off - counties, workers, period / 1000);
	/* Every office's first sync: the catalogue and plans (not measured,
	 * but timed). */
	struct phase warm = {.name = "first pulls", .rounds = 1};
	run_phase(&warm, true);
	struct phase steady = {.name = "steady", .period_ms = period, .rounds = rounds, .ops = ops,
			       .push = true};
	if (rounds)
		run_phase(&steady, true);
	struct phase burst = {.name = "burst (every office at once)", .rounds = 1, .ops = ops,
			      .push = true};
	run_phase(&burst, true);
	curl_global_cleanup();
	return steady.errors + burst.errors + warm.errors ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "province"))
		return province(atoi(argv[2]), atoi(argv[3]), argv[4]);
	if (argc == 9 && !strcmp(argv[1], "load"))
		return load(argv + 2);
	fputs("usage: bench_offices province OFFICES COUNTIES DIR\n"
	      "       bench_offices load URL TOKENS HUB_PID PERIOD_MS ROUNDS OPS WORKERS\n",
	      stderr);
	return 2;
}
