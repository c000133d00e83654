/* The console in a pseudo-terminal at 80x24 on the large database: time
 * to the first complete screen, peak RSS, and for single keys the time to
 * a settled screen and the bytes sent to the terminal; bytes while idle.
 * The same harness drives less(1) over the same rows as text, the floor
 * for terminal bytes.
 *
 *   bench_tui DUTYDESK DB [LESS_TEXT_FILE]
 *
 * A screen is "settled" when the program has written nothing for QUIET ms;
 * times are to the last byte before that. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define QUIET 60

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

struct child {
	pid_t pid;
	int fd;
};

static bool spawn(struct child *c, char *const argv[])
{
	struct winsize ws = {.ws_row = 24, .ws_col = 80};
	c->pid = forkpty(&c->fd, NULL, NULL, &ws);
	if (c->pid < 0)
		return false;
	if (c->pid == 0) {
		setenv("TERM", "xterm-256color", 1);
		setenv("LANG", "C.UTF-8", 1);
		setenv("LESS", "", 1);
		execv(argv[0], argv);
		_exit(127);
	}
	return true;
}

/* Reads until QUIET ms of silence (or limit ms); returns bytes, *last gets
 * the time of the last byte (t0 when none). */
static int quiet = QUIET;

static long drain(struct child *c, double t0, double *last, int limit)
{
	long total = 0;
	char buf[65536];
	*last = t0;
	for (;;) {
		struct pollfd p = {c->fd, POLLIN, 0};
		/* Before the first byte, wait up to the limit (an Esc shows only
		 * after the escape delay); after it, until QUIET ms of silence. */
		double wait = total ? quiet - (now_ms() - *last) : limit - (now_ms() - t0);
		if (now_ms() - t0 > limit)
			break;
		int r = poll(&p, 1, wait > 0 ? (int)wait : 0);
		if (r <= 0)
			break;
		ssize_t n = read(c->fd, buf, sizeof buf);
		if (n <= 0)
			break;
		total += n;
		*last = now_ms();
	}
	return total;
}

static long rss_kb(pid_t pid, const char *field)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	long kb = -1;
	size_t fl = strlen(field);
	while (f && fgets(line, sizeof line, f))
		if (strncmp(line, field, fl) == 0)
			kb = atol(line + fl + 1);
	if (f)
		fclose(f);
	return kb;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Sends keys n times; prints the median time and bytes of one. */
static void keys(struct child *c, const char *label, const char *seq, int n, const char *undo)
{
	double *t = calloc((size_t)n, sizeof *t), *b = calloc((size_t)n, sizeof *b);
	for (int i = 0; i < n; i++) {
		double t0 = now_ms(), last;
		if (write(c->fd, seq, strlen(seq)) < 0)
			break;
		long bytes = drain(c, t0, &last, 1000);
		t[i] = last - t0;
		b[i] = (double)bytes;
		if (undo) {
			/* An Esc is only a key after the escape delay (100 ms): wait it out. */
			double l2;
			if (write(c->fd, undo, strlen(undo)) < 0)
				break;
			drain(c, now_ms(), &l2, 5000);
			usleep(200000);
			drain(c, now_ms(), &l2, 5000);
		}
	}
	qsort(t, (size_t)n, sizeof *t, cmp);
	qsort(b, (size_t)n, sizeof *b, cmp);
	printf("  %-28s %8.2f ms %8.0f bytes  (median of %d)\n", label, t[n / 2], b[n / 2], n);
	free(t);
	free(b);
}

static void finish(struct child *c, const char *quit)
{
	if (write(c->fd, quit, strlen(quit)) < 0) {
		/* gone already */
	}
	double l;
	drain(c, now_ms(), &l, 2000);
	kill(c->pid, SIGTERM);
	waitpid(c->pid, NULL, 0);
	close(c->fd);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: bench_tui DUTYDESK DB [LESS_TEXT_FILE]\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	struct child c;
	char *dd[] = {argv[1], "--db", argv[2], NULL};
	printf("dutydesk console, 80x24, xterm-256color\n");
	double starts[7];
	long bytes0 = 0;
	/* the first screen: a longer quiet spell, so that a slow start (the
	 * terminal set up, then a pause, then the screen) is timed to its end */
	quiet = 400;
	for (int i = 0; i < 7; i++) {
		double t0 = now_ms(), last;
		if (!spawn(&c, dd))
			return 1;
		bytes0 = drain(&c, t0, &last, 5000);
		starts[i] = last - t0;
		if (i < 6)
			finish(&c, "q");
	}
	quiet = QUIET;
	qsort(starts, 7, sizeof *starts, cmp);
	printf("  %-28s %8.2f ms %8ld bytes  (median of 7)\n", "start to first screen", starts[3],
	       bytes0);
	/* on the incident list (100,000 rows) */
	double l;
	if (write(c.fd, "1", 1) != 1)
		return 1;
	drain(&c, now_ms(), &l, 5000);
	keys(&c, "Down (j), one row", "j", 60, NULL);
	keys(&c, "PgDn, one page", "\x1b[6~", 30, NULL);
	keys(&c, "Up (k), one row", "k", 30, NULL);
	keys(&c, "pane switch 1 -> 2", "2", 10, "1");
	keys(&c, "open a record (Enter)", "\r", 10, "\x1b");
	/* Esc closing an open record: open it first, leave it closed after. */
	if (write(c.fd, "\r", 1) != 1)
		return 1;
	drain(&c, now_ms(), &l, 1000);
	keys(&c, "Esc (after the escape delay)", "\x1b", 5, "\r");
	if (write(c.fd, "\x1b", 1) != 1)
		return 1;
	usleep(250000);
	drain(&c, now_ms(), &l, 1000);
	keys(&c, "'/' opens the search line", "/", 1, NULL);
	keys(&c, "search: type one digit", "7", 1, NULL);
	keys(&c, "search: next digit", "7", 1, NULL);
	keys(&c, "search: Enter", "\r", 1, NULL);
	keys(&c, "next match (n)", "n", 10, NULL);
	double t0 = now_ms();
	long idle = drain(&c, t0, &l, 3000);
	/* drain stops at the first quiet spell: count what a 3 s idle sends */
	struct pollfd p = {c.fd, POLLIN, 0};
	char buf[4096];
	while (now_ms() - t0 < 3000)
		if (poll(&p, 1, 100) > 0) {
			ssize_t n = read(c.fd, buf, sizeof buf);
			idle += n > 0 ? n : 0;
		}
	printf("  %-28s %8ld bytes in 3 s (the clock changes once a minute)\n", "idle", idle);
	printf("  %-28s %8ld kB (VmHWM), %ld kB now (VmRSS)\n", "peak RSS",
	       rss_kb(c.pid, "VmHWM:"), rss_kb(c.pid, "VmRSS:"));
	finish(&c, "\x1bq");

	if (argc > 3 && access("/usr/bin/less", X_OK) == 0) {
		printf("less over the same rows as text, 80x24\n");
		char *lv[] = {"/usr/bin/less", "-S", argv[3], NULL};
		double t1 = now_ms();
		if (!spawn(&c, lv))
			return 1;
		long b = drain(&c, t1, &l, 5000);
		printf("  %-28s %8.2f ms %8ld bytes\n", "start to first screen", l - t1, b);
		keys(&c, "Down (j), one row", "j", 60, NULL);
		keys(&c, "PgDn (space), one page", " ", 30, NULL);
		keys(&c, "Up (k), one row", "k", 30, NULL);
		printf("  %-28s %8ld kB (VmHWM)\n", "peak RSS", rss_kb(c.pid, "VmHWM:"));
		finish(&c, "q");
	}
	return 0;
}
