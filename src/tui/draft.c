/* Drafts: the open form's content, written to a file after every change
 * (write to a temporary file, then rename: never half a draft). On SIGHUP
 * or SIGTERM the loop also fsyncs it. The next start offers it back. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dutydesk/dtime.h"
#include "tui.h"

static char *path;

/* One draft per database: $XDG_STATE_HOME/dutydesk/drafts/<db path, with
 * '/' as '%'>.json. */
void draft_path_init(const char *db_path)
{
	const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	char *dir = !str_empty(state) ? xasprintf("%s/dutydesk", state)
				       : xasprintf("%s/.local/state/dutydesk", home ? home : ".");
	char *abs = realpath(db_path, NULL);
	char *name = xstrdup(abs ? abs : db_path);
	free(abs);
	for (char *p = name; *p; p++)
		if (*p == '/')
			*p = '%';
	/* mkdir -p, 0700 */
	char *sub = xasprintf("%s/drafts", dir);
	for (char *p = sub + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(sub, 0700);
			*p = '/';
		}
	mkdir(sub, 0700);
	free(path);
	path = xasprintf("%s/%s.json", sub, name);
	free(sub);
	free(dir);
	free(name);
}

static bool write_file(const char *text, bool sync)
{
	char *tmp = xasprintf("%s.tmp", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	bool ok = fd >= 0;
	size_t len = strlen(text), off = 0;
	while (ok && off < len) {
		ssize_t n = write(fd, text + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		ok = n > 0;
		off += ok ? (size_t)n : 0;
	}
	if (ok && sync)
		ok = fsync(fd) == 0;
	if (fd >= 0)
		ok = close(fd) == 0 && ok;
	ok = ok && rename(tmp, path) == 0;
	if (!ok)
		unlink(tmp);
	free(tmp);
	return ok;
}

bool draft_save(struct form *f)
{
	if (!path)
		return false;
	json_t *o = json_pack("{s:s, s:s, s:I, s:o}", "kind", f->kind, "target", f->target,
			      "saved_at", (json_int_t)dd_now(), "fields", form_to_json(f));
	char *text = json_dumps(o, JSON_COMPACT);
	bool ok = text && write_file(text, false);
	free(text);
	json_decref(o);
	return ok;
}

void draft_sync(void)
{
	if (!path)
		return;
	int fd = open(path, O_RDONLY);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

json_t *draft_load(void)
{
	if (!path)
		return NULL;
	json_t *o = json_load_file(path, 0, NULL);
	if (o && !json_is_object(json_object_get(o, "fields"))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

void draft_clear(void)
{
	if (path)
		unlink(path);
}
