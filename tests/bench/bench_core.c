/* Times the store and the CLI on the large database and prints figures:
 * in-process (open, incident list, stats, stock list) and end to end (the
 * dutydesk binary started for each run, output to /dev/null).
 *
 *   bench_core DB DUTYDESK [RUNS] */
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

static void report(const char *name, double *t, int n)
{
	qsort(t, (size_t)n, sizeof *t, cmp);
	printf("%-34s %9.2f %9.2f %9.2f\n", name, t[n / 2], t[0], t[n - 1]);
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

static void bench_cli(const char *exe, const char *label, char *const args[], int runs)
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
	report(label, t, runs);
	free(t);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: bench_core DB DUTYDESK [RUNS]\n");
		return 2;
	}
	db_path = argv[1];
	const char *exe = argv[2];
	int runs = argc > 3 ? atoi(argv[3]) : 21;
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
	bench_cli(exe, "dutydesk --version (exec floor)", a1, runs);
	bench_cli(exe, "incident list --limit 50", a2, runs);
	bench_cli(exe, "stats", a3, runs);
	bench_cli(exe, "stats --json", a4, runs);
	bench_cli(exe, "stock list", a5, runs);
	bench_cli(exe, "hazard list --limit 50", a6, runs);
	return 0;
}
