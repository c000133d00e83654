/* Programs in a pseudo-terminal at 80x24 (or over a TCP stream), driven by
 * keys: the time from a key to a settled screen and the bytes sent to the
 * terminal, the start, the memory.
 *
 *   bench_tui console LABEL -- CMD...     the console's key script
 *   bench_tui pager LABEL START_QUIET_MS PGDN -- CMD...
 *                                         less or visidata: start, Down, PgDn, Up
 *   bench_tui once LABEL RUNS -- CMD...   a program that prints and exits
 *                                         (sqlite3): time to its last byte
 *   bench_tui tcp LABEL HOST PORT         the console's keys over a TCP stream
 *                                         (a pty relayed by socat over a shaped link)
 *   bench_tui watch DUTYDESK DB SECONDS   the 24-hour watch, compressed (see watch())
 *
 * A screen is "settled" when the program has written nothing for QUIET ms;
 * times are to the last byte before that. Every figure is printed and,
 * when BENCH_FIGS names a file, appended to it as "LABEL.key value" for the
 * tables with ratios that bench_cli.sh prints at the end. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int quiet = 60;
static const char *label = "x";
static FILE *figs;

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void fig(const char *key, double v)
{
	if (figs) {
		fprintf(figs, "%s.%s %.3f\n", label, key, v);
		fflush(figs);
	}
}

struct child {
	pid_t pid; /* 0 over TCP */
	int fd;
};

/* Runs argv in a new pty at 80x24; env holds extra NAME=VALUE strings. */
static bool spawn(struct child *c, char *const argv[], char *const env[])
{
	struct winsize ws = {.ws_row = 24, .ws_col = 80};
	c->pid = forkpty(&c->fd, NULL, NULL, &ws);
	if (c->pid < 0)
		return false;
	if (c->pid == 0) {
		setenv("TERM", "xterm-256color", 1);
		setenv("LANG", "C.UTF-8", 1);
		setenv("LESS", "", 1);
		/* a developer's own settings must not change the figures */
		setenv("DUTYDESK_CONFIG", "/nonexistent/dutydesk-bench.yaml", 1);
		unsetenv("DUTYDESK_NOW");
		for (; env && *env; env++)
			putenv(*env);
		execvp(argv[0], argv);
		_exit(127);
	}
	return true;
}

static bool connect_tcp(struct child *c, const char *host, const char *port)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *ai;
	if (getaddrinfo(host, port, &hints, &ai) != 0)
		return false;
	c->pid = 0;
	c->fd = -1;
	/* the relay may still be starting: try for a few seconds */
	for (int i = 0; i < 50 && c->fd < 0; i++) {
		int fd = socket(ai->ai_family, ai->ai_socktype, 0);
		if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			c->fd = fd;
		else {
			if (fd >= 0)
				close(fd);
			usleep(100000);
		}
	}
	freeaddrinfo(ai);
	return c->fd >= 0;
}

/* Reads until `quiet` ms of silence after the first byte, or `limit` ms
 * with nothing; returns the bytes, *last gets the time of the last byte
 * (t0 when none). */
static long drain(struct child *c, double t0, double *last, int limit)
{
	long total = 0;
	char buf[65536];
	*last = t0;
	for (;;) {
		struct pollfd p = {c->fd, POLLIN, 0};
		double wait = total ? quiet - (now_ms() - *last) : limit - (now_ms() - t0);
		if (now_ms() - t0 > limit)
			break;
		/* rounded up: a poll of 0 ms would spin */
		int r = poll(&p, 1, wait > 0 ? (int)wait + 1 : 0);
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

/* Everything sent in ms milliseconds. */
static long collect(struct child *c, int ms)
{
	double t0 = now_ms();
	long total = 0;
	char buf[4096];
	while (now_ms() - t0 < ms) {
		struct pollfd p = {c->fd, POLLIN, 0};
		if (poll(&p, 1, 50) > 0) {
			ssize_t n = read(c->fd, buf, sizeof buf);
			if (n <= 0)
				break;
			total += n;
		}
	}
	return total;
}

static long proc_kb(pid_t pid, const char *field)
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

static bool put(struct child *c, const char *s)
{
	return write(c->fd, s, strlen(s)) == (ssize_t)strlen(s);
}

/* Sends seq n times (before and undo around each, not timed); prints the
 * median time and bytes of one; key names the figures. */
static void keys_around(struct child *c, const char *name, const char *key, const char *before,
			const char *seq, int n, const char *undo)
{
	double *t = calloc((size_t)n, sizeof *t), *b = calloc((size_t)n, sizeof *b);
	int done = 0;
	for (int i = 0; i < n; i++, done++) {
		double last;
		if (before && (!put(c, before) || drain(c, now_ms(), &last, 2000) < 0))
			break;
		double t0 = now_ms();
		if (!put(c, seq))
			break;
		long bytes = drain(c, t0, &last, 2000);
		t[i] = last - t0;
		b[i] = (double)bytes;
		/* an Esc shows only after the escape delay: wait for its screen */
		if (undo && (!put(c, undo) || drain(c, now_ms(), &last, 2000) < 0))
			break;
	}
	if (done) {
		qsort(t, (size_t)done, sizeof *t, cmp);
		qsort(b, (size_t)done, sizeof *b, cmp);
		printf("  %-30s %9.2f ms %8.0f bytes  (median of %d)\n", name, t[done / 2], b[done / 2],
		       done);
		char k[64];
		snprintf(k, sizeof k, "%s_ms", key);
		fig(k, t[done / 2]);
		snprintf(k, sizeof k, "%s_bytes", key);
		fig(k, b[done / 2]);
	}
	free(t);
	free(b);
}

static void keys(struct child *c, const char *name, const char *key, const char *seq, int n,
		 const char *undo)
{
	keys_around(c, name, key, NULL, seq, n, undo);
}

static void finish(struct child *c, const char *quit)
{
	if (quit && !put(c, quit)) {
		/* gone already */
	}
	double l;
	drain(c, now_ms(), &l, 500);
	if (c->pid > 0) {
		kill(c->pid, SIGTERM);
		waitpid(c->pid, NULL, 0);
	}
	close(c->fd);
}

static void rss(struct child *c)
{
	long hwm = proc_kb(c->pid, "VmHWM:"), now = proc_kb(c->pid, "VmRSS:");
	printf("  %-30s %9ld kB (VmHWM), %ld kB now (VmRSS)\n", "peak RSS", hwm, now);
	fig("rss_kb", (double)hwm);
}

/* The start: n fresh starts, to the end of the first complete screen (a
 * longer quiet spell, so that a start that pauses is timed to its end).
 * Leaves the last one running. */
static bool starts(struct child *c, char *const argv[], int n, int start_quiet, const char *quit)
{
	double *t = calloc((size_t)n, sizeof *t);
	long bytes = 0;
	quiet = start_quiet;
	for (int i = 0; i < n; i++) {
		double t0 = now_ms(), last;
		if (!spawn(c, argv, NULL))
			return false;
		bytes = drain(c, t0, &last, 5000);
		t[i] = last - t0;
		if (i < n - 1)
			finish(c, quit);
	}
	quiet = 60;
	qsort(t, (size_t)n, sizeof *t, cmp);
	printf("  %-30s %9.2f ms %8ld bytes  (median of %d)\n", "start to first screen", t[n / 2],
	       bytes, n);
	fig("start_ms", t[n / 2]);
	fig("start_bytes", (double)bytes);
	free(t);
	return true;
}

/* The console's key script on the incident list (100,000 rows). */
static int console(char *const argv[])
{
	struct child c;
	printf("%s: dutydesk console, 80x24, xterm-256color\n", label);
	if (!starts(&c, argv, 7, 400, "q"))
		return 1;
	double l;
	put(&c, "1");
	drain(&c, now_ms(), &l, 2000);
	/* 19 rows on screen: the selection moves down the page, then the
	 * list scrolls a row a key (the one-line scroll) */
	keys(&c, "Down (j) within the page", "down_in", "j", 18, NULL);
	keys(&c, "Down (j), scrolling one row", "down", "j", 42, NULL);
	keys(&c, "PgDn, one page", "pgdn", "\x1b[6~", 30, NULL);
	keys(&c, "Up (k), one row", "up", "k", 30, NULL);
	keys(&c, "pane switch 1 -> 2", "pane", "2", 10, "1");
	keys(&c, "open a record (Enter)", "open", "\r", 10, "\x1b");
	/* Esc closing an open record: open it first each time */
	keys_around(&c, "Esc (escape delay 100 ms)", "esc", "\r", "\x1b", 5, NULL);
	/* '/' search as you type: five searches, each for two other digits */
	double topen[5], tch[10], bch[10], tent[5], bopen[5], bent[5];
	static const char *const dig[] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "0"};
	for (int s = 0; s < 5; s++) {
		double t0 = now_ms();
		put(&c, "/");
		bopen[s] = (double)drain(&c, t0, &l, 2000);
		topen[s] = l - t0;
		for (int k = 0; k < 2; k++) {
			t0 = now_ms();
			put(&c, dig[s * 2 + k]);
			bch[s * 2 + k] = (double)drain(&c, t0, &l, 2000);
			tch[s * 2 + k] = l - t0;
		}
		t0 = now_ms();
		put(&c, "\r");
		bent[s] = (double)drain(&c, t0, &l, 2000);
		tent[s] = l - t0;
	}
	qsort(topen, 5, sizeof(double), cmp);
	qsort(bopen, 5, sizeof(double), cmp);
	qsort(tch, 10, sizeof(double), cmp);
	qsort(bch, 10, sizeof(double), cmp);
	qsort(tent, 5, sizeof(double), cmp);
	qsort(bent, 5, sizeof(double), cmp);
	printf("  %-30s %9.2f ms %8.0f bytes  (median of 5)\n", "'/' opens the search line", topen[2],
	       bopen[2]);
	printf("  %-30s %9.2f ms %8.0f bytes  (median of 10; max %.2f ms)\n",
	       "search: one more character", tch[5], bch[5], tch[9]);
	printf("  %-30s %9.2f ms %8.0f bytes  (median of 5)\n", "search: Enter", tent[2], bent[2]);
	fig("search_open_ms", topen[2]);
	fig("search_open_bytes", bopen[2]);
	fig("search_char_ms", tch[5]);
	fig("search_char_bytes", bch[5]);
	fig("search_enter_ms", tent[2]);
	keys(&c, "next match (n)", "next", "n", 10, NULL);
	long idle = collect(&c, 3000);
	printf("  %-30s %9ld bytes in 3 s (the clock changes once a minute)\n", "idle", idle);
	fig("idle_bytes", (double)idle);
	rss(&c);
	finish(&c, "q");
	return 0;
}

/* less and visidata: start, one row, one page, RSS. */
static int pager(int start_quiet, const char *pgdn, char *const argv[])
{
	struct child c;
	printf("%s: %s, 80x24\n", label, argv[0]);
	if (!starts(&c, argv, 5, start_quiet, "q"))
		return 1;
	keys(&c, "Down (j), one row", "down", "j", 60, NULL);
	keys(&c, "PgDn, one page", "pgdn", pgdn, 30, NULL);
	keys(&c, "Up (k), one row", "up", "k", 30, NULL);
	rss(&c);
	finish(&c, "q");
	return 0;
}

/* A program that prints a page and exits: time to its last byte, its
 * peak RSS. */
static int once(int runs, char *const argv[])
{
	double *t = calloc((size_t)runs, sizeof *t);
	long bytes = 0, maxrss = 0;
	for (int i = 0; i < runs; i++) {
		struct child c;
		double t0 = now_ms(), last;
		if (!spawn(&c, argv, NULL))
			return 1;
		/* until the pty closes: the program has exited */
		quiet = 1000;
		bytes = drain(&c, t0, &last, 5000);
		int status;
		struct rusage ru;
		wait4(c.pid, &status, 0, &ru);
		t[i] = now_ms() - t0;
		maxrss = ru.ru_maxrss;
		close(c.fd);
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			fprintf(stderr, "bench_tui: %s failed\n", argv[0]);
			return 1;
		}
	}
	qsort(t, (size_t)runs, sizeof *t, cmp);
	printf("%s: %s, start and print one page, exit\n", label, argv[0]);
	printf("  %-30s %9.2f ms %8ld bytes  (median of %d)\n", "start to last byte", t[runs / 2],
	       bytes, runs);
	printf("  %-30s %9ld kB\n", "peak RSS", maxrss);
	fig("ms", t[runs / 2]);
	fig("bytes", (double)bytes);
	fig("rss_kb", (double)maxrss);
	free(t);
	return 0;
}

/* The console over a stream (a shaped link): first screen, Down, PgDn,
 * pane switch, open a record. Packets arrive up to ~0.2 s apart at 64
 * kbit/s, so a screen is settled only after a longer quiet spell. */
static int tcp(const char *host, const char *port)
{
	struct child c;
	quiet = 700;
	double t0 = now_ms(), l;
	if (!connect_tcp(&c, host, port)) {
		fprintf(stderr, "bench_tui: cannot connect to %s:%s\n", host, port);
		return 1;
	}
	long b = drain(&c, t0, &l, 10000);
	printf("  %-30s %9.0f ms %8ld bytes\n", "connect to first screen", l - t0, b);
	fig("start_ms", l - t0);
	fig("start_bytes", (double)b);
	put(&c, "1");
	drain(&c, now_ms(), &l, 5000);
	keys(&c, "Down (j) within the page", "down_in", "j", 5, NULL);
	keys(&c, "PgDn, one page", "pgdn", "\x1b[6~", 5, NULL);
	keys(&c, "pane switch 1 -> 2", "pane", "2", 3, "1");
	keys(&c, "open a record (Enter)", "open", "\r", 3, "\x1b");
	finish(&c, "q");
	return 0;
}

/* ---- the watch ---- */

/* Runs a command to its end; out (when not NULL) gets the first line it
 * printed, the rest is dropped. False if it failed. */
static bool run(char *const argv[], char *out, size_t n)
{
	int p[2];
	if (pipe(p) != 0)
		return false;
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);
		dup2(p[1], 1);
		dup2(fd, 2);
		close(p[0]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	/* read to the end (unread output would block the writer), keep the start */
	char buf[512], scratch[4096];
	size_t len = 0;
	ssize_t r;
	while ((r = read(p[0], scratch, sizeof scratch)) > 0) {
		size_t take = (size_t)r < sizeof buf - 1 - len ? (size_t)r : sizeof buf - 1 - len;
		memcpy(buf + len, scratch, take);
		len += take;
	}
	close(p[0]);
	buf[len] = '\0';
	if (out) {
		buf[strcspn(buf, "\n")] = '\0';
		snprintf(out, n, "%s", buf);
	}
	int status;
	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0;
}

/* One key and whatever it makes the console send: until 3 ms of quiet,
 * or 40 ms when it sends nothing. */
static long step(struct child *c, const char *seq)
{
	double l;
	int q = quiet;
	quiet = 3;
	put(c, seq);
	long b = drain(c, now_ms(), &l, 40);
	quiet = q;
	return b;
}

/* A day at the desk in `seconds`: the console's clock runs 86400/seconds
 * times as fast (libfaketime, so its once-a-second check for other
 * writers and its once-a-minute clock and deadline count all happen, 86,400
 * and 1,440 times), keys arrive as fast as the screen settles (moving
 * through lists, opening records, switching panes, searching, the help and
 * the duty log), and another process writes every 400 keys (a new
 * incident, a timeline entry), which the console reloads for. RSS is read
 * after the first screen, after the first round of keys (every pane and
 * view seen once) and at the end. */
static int watch(const char *dd, const char *db, double seconds, const char *faketime_lib)
{
	char cfg[] = "/tmp/dutydesk-watch-XXXXXX";
	int fd = mkstemp(cfg);
	/* Esc closes a record only after the escape delay: Left closes it too */
	const char *yaml = "keys:\n  back: \"Esc Left\"\n";
	if (fd < 0 || write(fd, yaml, strlen(yaml)) < 0)
		return 1;
	close(fd);
	char env_cfg[300], env_ft[200], env_pre[300];
	snprintf(env_cfg, sizeof env_cfg, "DUTYDESK_CONFIG=%s", cfg);
	int rate = (int)(86400 / seconds);
	/* The day is the last one of the generated log (2022-2026, an incident
	 * every 26 minutes, ten entries each): a busy desk, and a duty log of
	 * the last 24 hours as long as it gets there. */
	snprintf(env_ft, sizeof env_ft, "FAKETIME=@2026-12-31 00:00:00 x%d", rate);
	snprintf(env_pre, sizeof env_pre, "LD_PRELOAD=%s", faketime_lib);
	char *env[] = {env_cfg, env_ft, env_pre, NULL};
	char *argv[] = {(char *)dd, "--db", (char *)db, NULL};
	struct child c;
	printf("the 24-hour watch in %.0f s: clock x%d, keys as fast as the screen settles,"
	       " a write from another process every 400 keys\n", seconds, rate);
	if (!spawn(&c, argv, env)) {
		unlink(cfg);
		return 1;
	}
	double l;
	quiet = 400;
	drain(&c, now_ms(), &l, 5000);
	quiet = 60;
	unlink(cfg); /* read at the start: nothing is left behind if the run is cut short */
	long rss0 = proc_kb(c.pid, "VmRSS:");
	/* One round: ~200 keys over every pane and view. */
	static const char *const round[] = {
		"1", "j*40", "\x1b[6~*8", "k*10", "\r", "j*5", "\x1b[D", "G", "k*5", "g",
		"f", "j*5", "f*8", "s", "j*3", "s*5",
		"/", "7", "7", "\r", "n*3", "\x1b[D",
		"H", "j*2", "\x1b[D",
		"2", "j*20", "\x1b[6~*4", "\r", "\x1b[D",
		"3", "j*10", "v", "j*5", "v", "v",
		"4", "j*10", "\r", "\x1b[D",
		"0", "?", "j*3", "?", ":", "l", "o", "g", "\r", "j*3", "\x1b[D",
		"1", "\x1b[5~*8", NULL};
	/* BENCH_WATCH_TRACE=KB names the keys after which the peak grew by
	 * more than KB (a first step in finding out why memory grows) */
	long trace = getenv("BENCH_WATCH_TRACE") ? atol(getenv("BENCH_WATCH_TRACE")) : 0;
	long keys_sent = 0, bytes = 0, writes = 0, failed = 0, rss_warm = -1;
	char number[64] = "";
	int rounds = 0;
	double start = now_ms();
	while (now_ms() - start < seconds * 1000) {
		for (const char *const *k = round; *k; k++) {
			const char *star = strchr(*k, '*');
			int n = star && star != *k ? atoi(star + 1) : 1;
			char seq[16];
			snprintf(seq, sizeof seq, "%.*s", star && star != *k ? (int)(star - *k) : (int)strlen(*k), *k);
			for (int i = 0; i < n; i++) {
				long hwm0 = trace ? proc_kb(c.pid, "VmHWM:") : 0;
				bytes += step(&c, seq);
				if (trace && proc_kb(c.pid, "VmHWM:") > hwm0 + trace)
					printf("  peak RSS %ld kB -> %ld kB after key %ld \"%s\"\n", hwm0,
					       proc_kb(c.pid, "VmHWM:"), keys_sent, *k);
				if (++keys_sent % 400 == 0) {
					/* a new incident, then a timeline entry on it */
					char title[64], *add[] = {(char *)dd, "--db", (char *)db, "incident", "add",
						"--title", title, "--type", "landslide", "--level", "IV", NULL};
					char *note[] = {(char *)dd, "--db", (char *)db, "incident", "note",
						number, "值守记录：现场情况稳定。", NULL};
					snprintf(title, sizeof title, "值守测试事件%ld：道路边坡塌方", writes);
					if (writes % 2)
						failed += !run(note, NULL, 0);
					else
						failed += !run(add, number, sizeof number) || !*number;
					writes++;
				}
			}
		}
		if (++rounds == 1)
			rss_warm = proc_kb(c.pid, "VmRSS:");
	}
	double took = (now_ms() - start) / 1000;
	long rss1 = proc_kb(c.pid, "VmRSS:"), hwm = proc_kb(c.pid, "VmHWM:");
	/* still answering? (another pane: the screen must change) */
	put(&c, "2");
	long last = drain(&c, now_ms(), &l, 2000);
	finish(&c, "q");
	printf("  %-30s %ld keys in %.0f s (%.1f ms each), %ld bytes, %d rounds\n", "keys", keys_sent,
	       took, took * 1000 / (double)keys_sent, bytes, rounds);
	printf("  %-30s %ld (%ld failed); 86,400 once-a-second checks, 1,440 minutes\n",
	       "writes from another process", writes, failed);
	printf("  %-30s %ld kB after the first screen, %ld kB after one round of keys\n",
	       "RSS at the start", rss0, rss_warm);
	printf("  %-30s %ld kB (peak %ld kB): %+ld kB since the first screen, %+ld kB since the"
	       " first round\n", "RSS at the end", rss1, hwm, rss1 - rss0, rss1 - rss_warm);
	if (!last)
		printf("  the console did not answer at the end\n");
	fig("keys", (double)keys_sent);
	fig("writes", (double)writes);
	fig("rss0_kb", (double)rss0);
	fig("rss_warm_kb", (double)rss_warm);
	fig("rss1_kb", (double)rss1);
	fig("hwm_kb", (double)hwm);
	return failed || !last ? 1 : 0;
}

static char **after_dashes(int argc, char **argv, int from)
{
	for (int i = from; i < argc; i++)
		if (!strcmp(argv[i], "--"))
			return i + 1 < argc ? argv + i + 1 : NULL;
	return NULL;
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	const char *f = getenv("BENCH_FIGS");
	if (f && *f)
		figs = fopen(f, "a");
	const char *mode = argc > 1 ? argv[1] : "";
	label = argc > 2 ? argv[2] : "x";
	char **cmd = after_dashes(argc, argv, 2);
	if (!strcmp(mode, "console") && cmd)
		return console(cmd);
	if (!strcmp(mode, "pager") && argc > 4 && cmd)
		return pager(atoi(argv[3]), argv[4], cmd);
	if (!strcmp(mode, "once") && argc > 3 && cmd)
		return once(atoi(argv[3]), cmd);
	if (!strcmp(mode, "tcp") && argc == 5)
		return tcp(argv[3], argv[4]);
	if (!strcmp(mode, "watch") && argc == 6) {
		label = "watch";
		return watch(argv[2], argv[3], atof(argv[4]), argv[5]);
	}
	fprintf(stderr, "usage: bench_tui console|pager|once|tcp|watch ... (see the source)\n");
	return 2;
}
