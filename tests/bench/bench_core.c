/* Times the store and the CLI on the large database and prints figures:
 * in-process (open, incident list, stats, stock list) and end to end (the
 * dutydesk binary started for each run, output to /dev/null).
 *
 * Beside each CLI figure, sqlite3 (when given) answering the equivalent
 * query, started and timed the same way: the floor for data access.
 * Figures also go to $BENCH_FIGS as "cli.NAME ms" and "sqlite.NAME ms".
 *
 *   bench_core DB DUTYDESK [RUNS [SQLITE3]] */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dutydesk/query.h"
#include "dutydesk/store.h"

extern char **environ;

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static FILE *figs;

static double report(const char *name, double *t, int n)
{
	qsort(t, (size_t)n, sizeof *t, cmp);
	printf("%-34s %9.2f %9.2f %9.2f\n", name, t[n / 2], t[0], t[n - 1]);
	return t[n / 2];
}

static void fig(const char *key, double v)
{
	if (figs)
		fprintf(figs, "%s %.3f\n", key, v), fflush(figs);
}

static const char *db_path;
static struct store *st;

static bool op_open(void)
{
	struct store *s;
	struct err e;
	if (!store_open(db_path, 0, &s, &e))
		return false;
	store_close(s);
	return true;
}

static bool op_list(void)
{
	struct incident_filter f = {.limit = 50};
	json_t *r = q_incident_list(st, &f, NULL);
	bool ok = r && json_array_size(r) == 50;
	json_decref(r);
	return ok;
}

static bool op_list_open(void)
{
	struct incident_filter f = {.limit = 50, .open_only = true};
	json_t *r = q_incident_list(st, &f, NULL);
	bool ok = r != NULL;
	json_decref(r);
	return ok;
}

static bool op_stats(void)
{
	json_t *r = q_stats(st, NULL);
	bool ok = r != NULL;
	json_decref(r);
	return ok;
}

static bool op_stock(void)
{
	json_t *r = q_stock_list(st, NULL, NULL, NULL);
	bool ok = r && json_array_size(r) > 0;
	json_decref(r);
	return ok;
}

static bool op_show(void)
{
	json_t *r = q_incident_show(st, "永和-2026-99999", NULL);
	bool ok = r != NULL;
	json_decref(r);
	return ok;
}

static void bench(const char *name, bool (*fn)(void), int runs)
{
	double *t = calloc((size_t)runs, sizeof *t);
	for (int i = 0; i < runs; i++) {
		double a = now_ms();
		if (!fn()) {
			fprintf(stderr, "bench_core: %s failed\n", name);
			exit(1);
		}
		t[i] = now_ms() - a;
	}
	report(name, t, runs);
	free(t);
}

static double bench_cli(const char *exe, const char *label, char *const args[], int runs)
{
	double *t = calloc((size_t)runs, sizeof *t);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	for (int i = 0; i < runs; i++) {
		double a = now_ms();
		pid_t pid;
		int status;
		if (posix_spawn(&pid, exe, &fa, NULL, args, environ) != 0 ||
		    waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
			fprintf(stderr, "bench_core: %s failed\n", label);
			exit(1);
		}
		t[i] = now_ms() - a;
	}
	posix_spawn_file_actions_destroy(&fa);
	double m = report(label, t, runs);
	free(t);
	return m;
}

/* The CLI's queries as plain SQL, for sqlite3: the same rows, joins and
 * order (the CLI also adds each incident's next deadline and formats). */
static const char *const sql_list =
	"SELECT x.number, x.received_at, x.level, x.status, ty.name_zh, t.name, x.title"
	" FROM incident x JOIN incident_type ty ON ty.id = x.type"
	" LEFT JOIN division t ON t.code = x.township_code WHERE x.archived = 0"
	" ORDER BY x.received_at DESC, x.id DESC LIMIT 50";
static const char *const sql_stats =
	"SELECT kind, scale, count(*), sum(households) FILTER (WHERE high_risk),"
	" sum(people) FILTER (WHERE high_risk) FROM hazard INDEXED BY hazard_stats"
	" WHERE status = 'registered' AND archived = 0 GROUP BY kind, scale;"
	"SELECT level, count(*) FROM incident WHERE status = 'open' AND archived = 0 GROUP BY level;"
	"SELECT count(*) FROM stock_balance b JOIN item i ON i.id = b.item_id WHERE b.qty < i.min_stock;"
	"SELECT count(*) FROM stock_lot WHERE expiry <> '' AND qty > 0 AND expiry <= date('now', '+30 days')";
static const char *const sql_stock =
	"SELECT d.code, d.name, t.name, i.code, i.name, sum(l.qty), min(l.expiry)"
	" FROM stock_lot l JOIN depot d ON d.id = l.depot_id JOIN item i ON i.id = l.item_id"
	" LEFT JOIN division t ON t.code = d.township_code"
	" GROUP BY l.depot_id, l.item_id ORDER BY d.level, d.code, i.code";

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: bench_core DB DUTYDESK [RUNS]\n");
		return 2;
	}
	db_path = argv[1];
	const char *exe = argv[2];
	int runs = argc > 3 ? atoi(argv[3]) : 21;
	const char *sqlite3 = argc > 4 ? argv[4] : NULL;
	const char *fp = getenv("BENCH_FIGS");
	if (fp && *fp)
		figs = fopen(fp, "a");
	struct err e;
	if (!store_open(db_path, 0, &st, &e)) {
		fprintf(stderr, "bench_core: %s\n", e.msg);
		return 1;
	}
	printf("%-34s %9s %9s %9s\n", "in process (ms)", "median", "min", "max");
	bench("open + migrate check + close", op_open, runs);
	bench("incident list --limit 50", op_list, runs);
	bench("incident list --open --limit 50", op_list_open, runs);
	bench("incident show (by number)", op_show, runs);
	bench("stats", op_stats, runs);
	bench("stock list (all depots)", op_stock, runs);
	store_close(st);

	printf("\n%-34s %9s %9s %9s\n", "dutydesk process, end to end (ms)", "median", "min", "max");
	char *db = (char *)db_path, *x = (char *)exe;
	char *a1[] = {x, "--db", db, "--version", NULL};
	char *a2[] = {x, "--db", db, "incident", "list", "--limit", "50", NULL};
	char *a3[] = {x, "--db", db, "stats", NULL};
	char *a4[] = {x, "--db", db, "stats", "--json", NULL};
	char *a5[] = {x, "--db", db, "stock", "list", NULL};
	char *a6[] = {x, "--db", db, "hazard", "list", "--kind", "geohazard", "--limit", "50", NULL};
	fig("cli.version_ms", bench_cli(exe, "dutydesk --version (exec floor)", a1, runs));
	fig("cli.list_ms", bench_cli(exe, "incident list --limit 50", a2, runs));
	fig("cli.stats_ms", bench_cli(exe, "stats", a3, runs));
	bench_cli(exe, "stats --json", a4, runs);
	fig("cli.stock_ms", bench_cli(exe, "stock list", a5, runs));
	bench_cli(exe, "hazard list --limit 50", a6, runs);
	if (sqlite3) {
		printf("\n%-34s %9s %9s %9s\n", "sqlite3 process, same query (ms)", "median", "min", "max");
		char *q = (char *)sqlite3;
		char *s0[] = {q, "-readonly", db, "SELECT 1", NULL};
		char *s1[] = {q, "-readonly", db, (char *)sql_list, NULL};
		char *s2[] = {q, "-readonly", db, (char *)sql_stats, NULL};
		char *s3[] = {q, "-readonly", db, (char *)sql_stock, NULL};
		fig("sqlite.version_ms", bench_cli(q, "SELECT 1 (exec floor)", s0, runs));
		fig("sqlite.list_ms", bench_cli(q, "incident list --limit 50", s1, runs));
		fig("sqlite.stats_ms", bench_cli(q, "stats", s2, runs));
		fig("sqlite.stock_ms", bench_cli(q, "stock list", s3, runs));
	}
	if (figs)
		fclose(figs);
	return 0;
}
