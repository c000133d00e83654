/* The console's background sync: every N minutes (sync.every_minutes) a
 * `dutydesk sync --once` child (and on :sync) does one cycle while the console's poll()
 * loop watches its pipe, so a dead link never freezes the screen. The
 * session commits each step, so stopping the child at any point is safe. */
#ifndef DUTYDESK_SYNC_BG_H
#define DUTYDESK_SYNC_BG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "dutydesk/config.h"
#include "dutydesk/store.h"
#include "dutydesk/util.h"

struct sync_bg {
	bool on;            /* configured: a server and a token file */
	char db_path[1024];
	int64_t every_ms;
	int64_t next_ms;    /* when the next cycle starts (dd_now_ms scale) */
	int64_t started_ms; /* the running child's start, 0 if none */
	int attempt;        /* failures in a row (backoff) */
	pid_t pid;          /* the running child, 0 if none */
	int fd;             /* its stdout+stderr, -1 if none */
	struct strbuf out;
	char last_error[256];
	/* from sync_status(), refreshed after each cycle and each second */
	int64_t pending, last_success, refreshed_ms;
};

/* c: the sync: settings of the config file. */
void sync_bg_init(struct sync_bg *b, const char *db_path, const struct config_sync *c);
/* The fd to add to poll() (-1 when none) and the longest poll may wait. */
int sync_bg_fd(const struct sync_bg *b);
int sync_bg_timeout(const struct sync_bg *b, int64_t now_ms);
/* Starts a due cycle, reads the child, reaps it. True when the header
 * needs a repaint. */
bool sync_bg_step(struct sync_bg *b, struct store *st, int64_t now_ms);
/* Starts a cycle on the next step (:sync); false when not configured. */
bool sync_bg_now(struct sync_bg *b);
/* Stops a running child (SIGTERM, then waits). */
void sync_bg_stop(struct sync_bg *b);
/* The header's words: "sync: off", or last success, pending, last error. */
void sync_bg_words(const struct sync_bg *b, bool zh, char *buf, size_t n);

#endif
