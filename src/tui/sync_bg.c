/* Background sync for the console: a child process per cycle, watched
 * from the console's poll() loop (see sync_bg.h). */
#include "sync_bg.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dutydesk/sync_client.h"
#include "dutydesk/dtime.h"
#include "dutydesk/sync.h"

/* A cycle that takes longer than this is stopped (and retried later). */
#define CYCLE_MAX_MS (10 * 60 * 1000)

void sync_bg_init(struct sync_bg *b, const char *db_path, const struct config_sync *c)
{
	memset(b, 0, sizeof *b);
	b->fd = -1;
	sb_init(&b->out);
	snprintf(b->db_path, sizeof b->db_path, "%s", db_path);
	b->on = c->server[0] && c->token_file[0];
	b->every_ms = (int64_t)c->every_minutes * 60 * 1000;
	/* first cycle soon after start-up; none by itself without every_minutes */
	b->next_ms = b->every_ms ? dd_now_ms() + 2000 : INT64_MAX;
}

int sync_bg_fd(const struct sync_bg *b)
{
	return b->fd;
}

int sync_bg_timeout(const struct sync_bg *b, int64_t now)
{
	if (!b->on || b->pid)
		return 1000;
	int64_t d = b->next_ms - now;
	return d < 0 ? 0 : d > 1000 ? 1000 : (int)d;
}

static void start(struct sync_bg *b, int64_t now)
{
	int p[2];
	if (pipe(p) != 0) {
		snprintf(b->last_error, sizeof b->last_error, "pipe: %s", strerror(errno));
		return;
	}
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		snprintf(b->last_error, sizeof b->last_error, "fork: %s", strerror(errno));
		return;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);
		dup2(devnull, STDIN_FILENO);
		dup2(p[1], STDOUT_FILENO);
		dup2(p[1], STDERR_FILENO);
		close(p[0]);
		close(p[1]);
		/* the console's signal handlers and terminal are not the child's */
		setsid();
		execl("/proc/self/exe", "dutydesk", "--db", b->db_path, "sync", "--once", "--json",
		      (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	fcntl(p[0], F_SETFD, FD_CLOEXEC);
	b->pid = pid;
	b->fd = p[0];
	b->started_ms = now;
	sb_clear(&b->out);
}

static void finish(struct sync_bg *b, int status, int64_t now)
{
	close(b->fd);
	b->fd = -1;
	b->pid = 0;
	b->started_ms = 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		b->last_error[0] = '\0';
		b->attempt = 0;
		b->next_ms = b->every_ms ? now + b->every_ms : INT64_MAX;
		return;
	}
	/* The child's last line says why ("dutydesk sync: cannot reach ..."). */
	const char *txt = b->out.buf ? b->out.buf : "";
	size_t n = strlen(txt);
	while (n && (txt[n - 1] == '\n' || txt[n - 1] == '\r'))
		n--;
	size_t s = n;
	while (s && txt[s - 1] != '\n')
		s--;
	const char *line = txt + s;
	size_t len = n - s;
	static const char prefix[] = "dutydesk sync: ";
	if (len >= sizeof prefix - 1 && !strncmp(line, prefix, sizeof prefix - 1)) {
		line += sizeof prefix - 1;
		len -= sizeof prefix - 1;
	}
	if (len > 60) { /* the header has room for a gist; cut on a character */
		len = 60;
		while (len && ((unsigned char)line[len] & 0xC0) == 0x80)
			len--;
	}
	if (len)
		snprintf(b->last_error, sizeof b->last_error, "%.*s", (int)len, line);
	else if (WIFSIGNALED(status))
		snprintf(b->last_error, sizeof b->last_error, "stopped by signal %d",
			 WTERMSIG(status));
	else
		snprintf(b->last_error, sizeof b->last_error, "failed (exit %d)",
			 WEXITSTATUS(status));
	int64_t wait = sync_backoff_ms(b->attempt++, 0);
	b->next_ms = !b->every_ms ? INT64_MAX : now + (wait < b->every_ms ? wait : b->every_ms);
}

static void refresh(struct sync_bg *b, struct store *st)
{
	json_t *s = sync_status(st, NULL);
	if (!s)
		return;
	b->pending = json_integer_value(json_object_get(s, "pending"));
	b->last_success = json_integer_value(json_object_get(s, "last_success"));
	json_decref(s);
}

bool sync_bg_step(struct sync_bg *b, struct store *st, int64_t now)
{
	if (!b->on)
		return false;
	bool changed = false;
	if (!b->pid && now >= b->next_ms) {
		start(b, now);
		changed = true;
	}
	if (b->pid) {
		char buf[4096];
		ssize_t r;
		while ((r = read(b->fd, buf, sizeof buf)) > 0)
			if (b->out.len < 64 * 1024)
				sb_add(&b->out, buf, (size_t)r);
		int status;
		pid_t w = waitpid(b->pid, &status, WNOHANG);
		if (w == b->pid) {
			while ((r = read(b->fd, buf, sizeof buf)) > 0)
				if (b->out.len < 64 * 1024)
					sb_add(&b->out, buf, (size_t)r);
			finish(b, status, now);
			changed = true;
		} else if (now - b->started_ms > CYCLE_MAX_MS) {
			kill(b->pid, SIGTERM);
		}
	}
	if (!changed && now - b->refreshed_ms < 1000)
		return false;
	b->refreshed_ms = now;
	int64_t pending = b->pending, last = b->last_success;
	refresh(b, st);
	return changed || pending != b->pending || last != b->last_success;
}

bool sync_bg_now(struct sync_bg *b)
{
	if (!b->on)
		return false;
	if (!b->pid)
		b->next_ms = 0;
	return true;
}

void sync_bg_stop(struct sync_bg *b)
{
	if (b->pid) {
		kill(b->pid, SIGTERM);
		waitpid(b->pid, NULL, 0);
		close(b->fd);
		b->pid = 0;
		b->fd = -1;
	}
	sb_finish(&b->out);
}

void sync_bg_words(const struct sync_bg *b, bool zh, char *buf, size_t n)
{
	if (!b->on) {
		snprintf(buf, n, "%s", zh ? "同步:关" : "sync: off");
		return;
	}
	char when[32] = "";
	if (b->last_success) {
		time_t t = (time_t)b->last_success;
		struct tm tm;
		localtime_r(&t, &tm);
		strftime(when, sizeof when, dd_now() - b->last_success < 86400 ? "%H:%M" : "%m-%d %H:%M",
			 &tm);
	}
	if (zh)
		snprintf(buf, n, "%s%s%s 待发%lld%s%s", b->pid ? "同步中… " : "同步",
			 when[0] ? "成功于" : "从未成功", when, (long long)b->pending,
			 b->last_error[0] ? " 错误:" : "", b->last_error);
	else if (b->pid)
		snprintf(buf, n, "syncing… (%s%s), %lld pending", when[0] ? "last ok " : "never ok",
			 when, (long long)b->pending);
	else
		snprintf(buf, n, "sync %s%s, %lld pending%s%s", when[0] ? "ok " : "never ok", when,
			 (long long)b->pending, b->last_error[0] ? "; " : "", b->last_error);
}
