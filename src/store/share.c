/* A database shared by the logins of one server.
 *
 * Shared means the file is group-writable: then more than one login may
 * write it, and who acted is the Unix login
 * (getuid), never a name typed on the command line. The names people are
 * shown by (王明 for wangming) live in login_name: each login may claim a
 * free name once; after that only the database's owner (who shared it) or
 * root changes it.
 *
 * The files: the database, its -wal and -shm and their folder belong to
 * the officers' group, group-writable, the folder setgid so that every
 * file made in it later (by SQLite, a backup, a restore) gets that group;
 * the WAL is kept on close, so that readers who may not create files find
 * -wal and -shm there. Viewers read through a POSIX ACL (the folder's
 * default ACL passes it on to new files); with no write permission
 * anywhere, the file system refuses their writes whatever this program
 * does. */
#include "dutydesk/i18n.h"
#include "store_impl.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/acl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char *group_name(gid_t gid)
{
	struct group *g = getgrgid(gid);
	return g ? xstrdup(g->gr_name) : xasprintf("%ld", (long)gid);
}

static char *login_of(uid_t uid)
{
	struct passwd *pw = getpwuid(uid);
	return pw ? xstrdup(pw->pw_name) : xasprintf("uid%ld", (long)uid);
}

static bool in_group(gid_t gid)
{
	if (getegid() == gid)
		return true;
	gid_t list[256];
	int n = getgroups((int)ARRAY_LEN(list), list);
	for (int i = 0; i < n; i++)
		if (list[i] == gid)
			return true;
	return false;
}

void store_share_detect(struct store *st)
{
	struct stat sb;
	if (stat(st->path, &sb) != 0)
		return;
	st->shared = sb.st_mode & S_IWGRP;
	if (!st->shared)
		return;
	st->login = login_of(getuid());
	st->group = group_name(sb.st_gid);
	st->owner = sb.st_uid;
	st->actor = st->login;
	/* Whatever this process makes from now on (backups, reports, exports
	 * beside the database) is the group's too. */
	umask(S_IRWXO);
	if (!st->readonly) {
		int keep = 1;
		sqlite3_file_control(st->db, "main", SQLITE_FCNTL_PERSIST_WAL, &keep);
	}
}

bool store_shared(const struct store *st)
{
	return st->shared;
}

const char *store_login(const struct store *st)
{
	return st->login;
}

const char *store_group(const struct store *st)
{
	return st->group;
}

const char *store_shown_name(const struct store *st)
{
	if (!st->shared)
		return st->actor;
	return st->name ? st->name : st->login;
}

void store_shown_label(const struct store *st, char *buf, size_t n)
{
	if (!st->shared)
		snprintf(buf, n, "%s", st->actor ? st->actor : "");
	else if (st->name)
		snprintf(buf, n, "%s (%s)", st->name, st->login);
	else
		snprintf(buf, n, "%s", st->login);
}

/* The first folder above dir that group members cannot pass through. */
static char *closed_ancestor(const char *dir, gid_t gid)
{
	char *d = realpath(dir, NULL);
	if (!d)
		return NULL;
	for (;;) {
		char *slash = strrchr(d, '/');
		if (!slash || slash == d)
			break;
		*slash = '\0';
		struct stat sb;
		if (stat(d, &sb) == 0 && !(sb.st_mode & S_IXOTH) &&
		    !(sb.st_gid == gid && (sb.st_mode & S_IXGRP)))
			return d;
	}
	free(d);
	return NULL;
}

/* Sets the POSIX ACL of path from its text form ("u::rw-,g::rw-,..."). */
static bool set_acl(const char *path, acl_type_t type, const char *text, struct err *e)
{
	acl_t acl = acl_from_text(text);
	bool ok = acl && acl_set_file(path, type, acl) == 0;
	if (!ok)
		err_set(e, ERR_FAIL, _("cannot set the access list of %s: %s"), path, strerror(errno));
	if (acl)
		acl_free(acl);
	return ok;
}

/* Group, mode and (with viewers) the access list of one file or the folder. */
static bool share_one(const char *path, bool dir, gid_t gid, const char *viewers,
		      struct err *e)
{
	if (chown(path, (uid_t)-1, gid) != 0)
		return err_set(e, ERR_FAIL, _("cannot give %s to the group: %s"), path,
			       strerror(errno));
	if (chmod(path, dir ? 02770 : 0660) != 0)
		return err_set(e, ERR_FAIL, _("cannot change the mode of %s: %s"), path,
			       strerror(errno));
	char text[256];
	const char *x = dir ? "x" : "-";
	if (viewers)
		snprintf(text, sizeof text, "u::rw%s,g::rw%s,g:%s:r%s,m::rw%s,o::---", x, x, viewers,
			 x, x);
	else
		snprintf(text, sizeof text, "u::rw%s,g::rw%s,o::---", x, x);
	if (!set_acl(path, ACL_TYPE_ACCESS, text, e))
		return false;
	if (!dir)
		return true;
	/* New files in the folder: the group's read-write (and the viewers'
	 * read) whatever the umask of whoever makes them. */
	if (!viewers)
		return acl_delete_def_file(path) == 0 ||
		       err_set(e, ERR_FAIL, _("cannot set the access list of %s: %s"), path,
			       strerror(errno));
	snprintf(text, sizeof text, "u::rw-,g::rw-,g:%s:r--,m::rw-,o::---", viewers);
	return set_acl(path, ACL_TYPE_DEFAULT, text, e);
}

bool store_share(struct store *st, const char *group, const char *viewers, struct err *e)
{
	uid_t me = getuid();
	struct stat sb;
	if (stat(st->path, &sb) != 0)
		return err_set(e, ERR_FAIL, "%s: %s", st->path, strerror(errno));
	if (sb.st_uid != me && me != 0) {
		char *owner = login_of(sb.st_uid);
		err_set(e, ERR_FAIL,
			_("%s belongs to %s: only its owner or root can share it (run the command "
			"as %s, or with sudo); nothing was changed"), st->path, owner, owner);
		free(owner);
		return false;
	}
	struct group *g = getgrnam(group);
	if (!g)
		return err_set(e, ERR_USAGE,
			       _("there is no group '%s' on this server: create it first (groupadd "
			       "%s) and add the officers to it (usermod -aG %s LOGIN)"), group, group,
			       group);
	gid_t gid = g->gr_gid;
	if (viewers) {
		if (!getgrnam(viewers))
			return err_set(e, ERR_USAGE,
				       _("--viewers: there is no group '%s' on this server: create it "
				       "first (groupadd %s)"), viewers, viewers);
		if (strcmp(viewers, group) == 0)
			return err_set(e, ERR_USAGE,
				       _("--viewers: '%s' is the officers' group itself; viewers need "
				       "a group of their own"), viewers);
	}
	if (me != 0 && !in_group(gid)) {
		char *login = login_of(me);
		err_set(e, ERR_FAIL,
			_("you (%s) are not in group %s, so you cannot give it the database: "
			"usermod -aG %s %s, log in again, and repeat; nothing was changed"), login,
			group, group, login);
		free(login);
		return false;
	}
	char *dir = store_folder(st->path);
	char *closed = closed_ancestor(dir, gid);
	if (closed) {
		err_set(e, ERR_FAIL,
			_("the group could not reach %s: the folder %s is closed to others; keep a "
			"shared database in a folder of its own such as /srv/dutydesk; nothing was "
			"changed"), st->path, closed);
		free(closed);
		free(dir);
		return false;
	}
	/* -wal and -shm are there: the store has read the database. */
	int keep = 1;
	sqlite3_file_control(st->db, "main", SQLITE_FCNTL_PERSIST_WAL, &keep);
	bool ok = share_one(dir, true, gid, viewers, e);
	static const char *const sfx[] = {"", "-wal", "-shm"};
	for (size_t i = 0; ok && i < ARRAY_LEN(sfx); i++) {
		char *p = xasprintf("%s%s", st->path, sfx[i]);
		if (access(p, F_OK) == 0)
			ok = share_one(p, false, gid, viewers, e);
		free(p);
	}
	free(dir);
	if (ok) {
		free(st->login);
		free(st->group);
		st->login = st->group = NULL;
		store_share_detect(st);
	}
	return ok;
}

/* ---- names ---- */

/* Who may rename others: "root", or "wangming (its owner) or root". Heap. */
static char *renamers(const struct store *st)
{
	if (st->owner == 0)
		return xstrdup("root");
	char *owner = login_of(st->owner);
	char *r = xasprintf(_("%s (its owner) or root"), owner);
	free(owner);
	return r;
}

static char *name_of(struct store *st, const char *login, struct err *e)
{
	char *name = NULL;
	store_text(st, e, &name, "SELECT name FROM login_name WHERE login = ?", "s", login);
	return name;
}

static char *login_named(struct store *st, const char *name, struct err *e)
{
	char *login = NULL;
	store_text(st, e, &login, "SELECT login FROM login_name WHERE name = ?", "s", name);
	return login;
}

static bool write_name(struct store *st, const char *login, const char *name, struct err *e)
{
	if (!store_begin(st, e))
		return false;
	if (!store_exec(st, e,
			"INSERT INTO login_name (login, name, set_by, set_at) VALUES (?, ?, ?, ?)"
			" ON CONFLICT (login) DO UPDATE SET name = excluded.name,"
			" set_by = excluded.set_by, set_at = excluded.set_at",
			"sssi", login, name, st->login, (int64_t)time(NULL))) {
		store_rollback(st);
		return false;
	}
	return store_commit(st, e);
}

bool store_claim_name(struct store *st, const char *name, struct err *e)
{
	if (!st->shared)
		return true;
	free(st->name);
	st->name = name_of(st, st->login, NULL);
	if (str_empty(name) || strcmp(name, st->login) == 0 ||
	    (st->name && strcmp(name, st->name) == 0))
		return true;
	char *holder = login_named(st, name, NULL);
	struct passwd *pw = holder ? NULL : getpwnam(name);
	if (holder || pw) {
		if (holder)
			err_set(e, ERR_USAGE,
				_("--officer %s: on the shared database %s you act as your login %s; "
				"%s is the name of login %s"), name, st->path, st->login, name, holder);
		else
			err_set(e, ERR_USAGE,
				_("--officer %s: on the shared database %s you act as your login %s, "
				"not as another login"), name, st->path, st->login);
		free(holder);
		return false;
	}
	if (st->name) {
		char *owner = renamers(st);
		err_set(e, ERR_USAGE,
			_("--officer %s: your name on the shared database %s is %s; only %s changes "
			"it: dutydesk officer name %s %s"), name, st->path, st->name, owner,
			st->login, name);
		free(owner);
		return false;
	}
	if (st->readonly) {
		st->name = xstrdup(name); /* shown only: a viewer writes nothing */
		return true;
	}
	if (!write_name(st, st->login, name, e))
		return err_prefix(e, _("--officer %s"), name), false;
	st->name = xstrdup(name);
	return true;
}

bool store_set_login_name(struct store *st, const char *login, const char *name, struct err *e)
{
	if (!st->shared || !st->login)
		return err_set(e, ERR_USAGE,
			       _("%s is not shared (dutydesk share GROUP): there, --officer names "
			       "who acts"), st->path);
	uid_t me = getuid();
	if (me != 0 && me != st->owner && strcmp(login, st->login) != 0) {
		char *owner = renamers(st);
		err_set(e, ERR_FAIL, _("on %s only %s names other logins; nothing was changed"),
			st->path, owner);
		free(owner);
		return false;
	}
	if (!getpwnam(login))
		return err_set(e, ERR_USAGE, _("there is no login '%s' on this server"), login);
	char *holder = login_named(st, name, e);
	if (holder && strcmp(holder, login) != 0) {
		err_set(e, ERR_USAGE, _("%s is already the name of login %s; nothing was changed"),
			name, holder);
		free(holder);
		return false;
	}
	free(holder);
	char *cur = name_of(st, login, e);
	if (cur && me != 0 && me != st->owner) {
		char *owner = renamers(st);
		err_set(e, ERR_FAIL,
			_("your name on %s is %s; only %s changes it; nothing was changed"), st->path,
			cur, owner);
		free(owner);
		free(cur);
		return false;
	}
	free(cur);
	if (!write_name(st, login, name, e))
		return false;
	if (strcmp(login, st->login) == 0) {
		free(st->name);
		st->name = xstrdup(name);
	}
	return true;
}

json_t *q_login_names(struct store *st, struct err *e)
{
	return store_rows(st, e,
			  "SELECT login, name, set_by, set_at FROM login_name ORDER BY login", "");
}
