/* Backup and restore through SQLite's online backup API.
 *
 * A backup reads one consistent snapshot while consoles keep writing (WAL:
 * readers never block writers), lands in a temporary file beside the target,
 * is checked, synced, and only then renamed into place: a crash leaves
 * either no backup or a whole one.
 *
 * A restore first verifies the file. When the current database is healthy
 * it is replaced in place, inside one write transaction of the backup API:
 * consoles that have it open see the restored records at their next refresh,
 * writers wait as for any other write. The old content is copied aside
 * first while that write lock is held, so no write falls between the copy
 * and the replacement. A missing or damaged database is replaced as a file
 * instead (nobody can be using it). */
#include "dutydesk/i18n.h"
#include "store_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static bool db_error(sqlite3 *db, struct err *e, const char *what, const char *path)
{
	int code = sqlite3_extended_errcode(db) & 0xFF;
	if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
		return err_set(e, ERR_FAIL, _("%s %s: the database is busy (another program is writing); "
			       "try again"), what, path);
	if (code == SQLITE_FULL)
		return err_set(e, ERR_FAIL, _("%s %s: the disk is full"), what, path);
	if (code == SQLITE_NOTADB)
		return err_set(e, ERR_FAIL, _("%s %s: not an SQLite database"), what, path);
	if (code == SQLITE_CORRUPT)
		return err_set(e, ERR_FAIL, _("%s %s: the file is damaged"), what, path);
	return err_set(e, ERR_FAIL, "%s %s: %s", what, path, sqlite3_errmsg(db));
}

static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

static bool fsync_path(const char *path, bool dir)
{
	int fd = open(path, (dir ? O_RDONLY | O_DIRECTORY : O_RDWR) | O_CLOEXEC);
	if (fd < 0)
		return false;
	bool ok = fsync(fd) == 0;
	close(fd);
	return ok;
}

static void fsync_parent(const char *path)
{
	char *dir = store_folder(path);
	fsync_path(dir, true);
	free(dir);
}

/* Runs a backup to completion; SQLITE_BUSY/LOCKED are retried for a while
 * (a checkpoint or a writer's commit in progress). */
static int backup_run(sqlite3_backup *b)
{
	int rc, tries = 0;
	while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED) {
		if (++tries > 50)
			break;
		sqlite3_sleep(100);
	}
	return rc;
}

/* The first row of PRAGMA integrity_check (or quick_check): "ok" or the
 * first problem, in buf. */
static bool check_integrity(sqlite3 *db, const char *pragma, char *buf, size_t n)
{
	sqlite3_stmt *s;
	snprintf(buf, n, "cannot be read");
	if (sqlite3_prepare_v2(db, pragma, -1, &s, NULL) != SQLITE_OK)
		return false;
	bool ok = false;
	if (sqlite3_step(s) == SQLITE_ROW) {
		const char *r = (const char *)sqlite3_column_text(s, 0);
		snprintf(buf, n, "%s", r ? r : "?");
		ok = r && strcmp(r, "ok") == 0;
	}
	sqlite3_finalize(s);
	return ok;
}

/* A copy of a database shared by a group (group-writable) is the group's
 * too, with the same mode; one of a private database stays 0600. */
static bool same_access(int fd, const char *like)
{
	struct stat sb;
	if (like && stat(like, &sb) != 0) {
		/* no database yet: a shared folder (setgid, the group's) says it */
		char *dir = store_folder(like);
		bool shared = stat(dir, &sb) == 0 && (sb.st_mode & S_ISGID) &&
			      (sb.st_mode & S_IWGRP);
		free(dir);
		if (!shared)
			return true;
		sb.st_mode = 0660;
	} else if (!like || !(sb.st_mode & S_IWGRP)) {
		return true;
	}
	if (fchown(fd, (uid_t)-1, sb.st_gid) != 0) {
		/* not in the group: the copy stays this login's group's */
	}
	return fchmod(fd, sb.st_mode & 0660) == 0;
}

/* Copies the database of connection src into a new file at tmp (created
 * 0600, or shared as the database like is), as a single file (rollback
 * journal, not WAL), checked and synced. */
static bool copy_to_file(sqlite3 *src, const char *src_name, const char *tmp, const char *like,
			 struct err *e)
{
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return err_set(e, ERR_FAIL, _("cannot create %s: %s"), tmp, strerror(errno));
	if (!same_access(fd, like)) {
		err_set(e, ERR_FAIL, _("cannot change the mode of %s: %s"), tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return false;
	}
	close(fd);
	sqlite3 *dst = NULL;
	bool ok = false;
	if (sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		db_error(dst, e, "opening", tmp);
		goto out;
	}
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
	if (!b) {
		db_error(dst, e, "copying to", tmp);
		goto out;
	}
	int rc = backup_run(b);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		if ((rc & 0xFF) == SQLITE_FULL || (rc & 0xFF) == SQLITE_IOERR)
			err_set(e, ERR_FAIL, _("copying %s to %s: %s"), src_name, tmp, sqlite3_errstr(rc));
		else
			db_error(src, e, "reading", src_name);
		goto out;
	}
	char why[256];
	if (sqlite3_exec(dst, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL) != SQLITE_OK) {
		db_error(dst, e, "finishing", tmp);
		goto out;
	}
	if (!check_integrity(dst, "PRAGMA quick_check", why, sizeof why)) {
		err_set(e, ERR_FAIL, _("the copy of %s fails its check (%s); is the database damaged?"),
			src_name, why);
		goto out;
	}
	ok = true;
out:
	sqlite3_close(dst);
	if (ok && !fsync_path(tmp, false))
		ok = err_set(e, ERR_FAIL, _("writing %s: %s"), tmp, strerror(errno));
	if (!ok)
		unlink(tmp);
	return ok;
}

static char *tmp_beside(const char *path, const char *what)
{
	return xasprintf("%s.%s-%ld", path, what, (long)getpid());
}

bool store_backup(struct store *st, const char *dest, bool force, struct err *e)
{
	if (same_file(dest, st->path))
		return err_set(e, ERR_USAGE, _("%s is the database itself; back it up to another file"),
			       dest);
	struct stat sb;
	if (stat(dest, &sb) == 0) {
		if (!force)
			return err_set(e, ERR_FAIL, _("%s already exists; give --force to replace it"),
				       dest);
		if (!S_ISREG(sb.st_mode))
			return err_set(e, ERR_FAIL, _("%s is not a regular file"), dest);
	}
	char *tmp = tmp_beside(dest, "tmp");
	bool ok = copy_to_file(st->db, st->path, tmp, st->path, e);
	if (ok && rename(tmp, dest) != 0) {
		ok = err_set(e, ERR_FAIL, _("cannot move the backup into %s: %s"), dest, strerror(errno));
		unlink(tmp);
	}
	if (ok)
		fsync_parent(dest);
	free(tmp);
	return ok;
}

/* What store_verify_file found; why is set when it is not usable. */
static bool verify_conn(sqlite3 *db, const char *path, int *version, bool full, struct err *e)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name"
			       " IN ('meta', 'node', 'outbox', 'audit')", -1, &s, NULL) != SQLITE_OK)
		return db_error(db, e, "reading", path);
	int rc = sqlite3_step(s);
	int tables = rc == SQLITE_ROW ? sqlite3_column_int(s, 0) : -1;
	sqlite3_finalize(s);
	if (tables < 0)
		return db_error(db, e, "reading", path);
	int v = -1;
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW)
			v = sqlite3_column_int(s, 0);
		sqlite3_finalize(s);
	}
	if (v <= 0 || tables != 4)
		return err_set(e, ERR_FAIL, _("%s is not a dutydesk database"), path);
	if (v > store_schema_version)
		return err_set(e, ERR_FAIL,
			       _("%s has schema version %d, newer than this dutydesk knows (%d)"), path,
			       v, store_schema_version);
	char why[256];
	if (!check_integrity(db, full ? "PRAGMA integrity_check(1)" : "PRAGMA quick_check(1)", why,
			     sizeof why))
		return err_set(e, ERR_FAIL, _("%s is damaged (integrity check: %s)"), path, why);
	if (version)
		*version = v;
	return true;
}

bool store_verify_file(const char *path, int *version, struct err *e)
{
	struct stat sb;
	if (stat(path, &sb) != 0)
		return err_set(e, ERR_FAIL, "%s: %s", path, strerror(errno));
	if (!S_ISREG(sb.st_mode))
		return err_set(e, ERR_FAIL, _("%s is not a regular file"), path);
	sqlite3 *db = NULL;
	bool ok;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		ok = db_error(db, e, "opening", path);
	else
		ok = verify_conn(db, path, version, true, e);
	sqlite3_close(db);
	return ok;
}

/* DB.before-restore-YYYYMMDDTHHMMSS, not yet taken. */
static char *keep_name(const char *db_path)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%S", localtime_r(&now, &tm));
	char *p = xasprintf("%s.before-restore-%s", db_path, stamp);
	for (int i = 2; access(p, F_OK) == 0; i++) {
		free(p);
		p = xasprintf("%s.before-restore-%s-%d", db_path, stamp, i);
	}
	return p;
}

/* The in-place path: the current database is healthy. */
static bool restore_live(const char *db_path, sqlite3 *live, sqlite3 *src, const char *src_path,
			 char **kept, struct err *e)
{
	sqlite3_backup *b = sqlite3_backup_init(live, "main", src, "main");
	if (!b)
		return db_error(live, e, "restoring into", db_path);
	/* Zero pages: takes the write lock on the live database and holds it. */
	int rc;
	for (int tries = 0; (rc = sqlite3_backup_step(b, 0)) == SQLITE_BUSY || rc == SQLITE_LOCKED;
	     tries++) {
		if (tries > 50)
			break;
		sqlite3_sleep(100);
	}
	if (rc != SQLITE_OK && rc != SQLITE_DONE) {
		sqlite3_backup_finish(b);
		if ((rc & 0xFF) == SQLITE_BUSY || (rc & 0xFF) == SQLITE_LOCKED)
			return err_set(e, ERR_FAIL,
				       _("%s is busy (another dutydesk is writing); nothing was changed; "
				       "try again"), db_path);
		return err_set(e, ERR_FAIL, _("restoring into %s: %s; nothing was changed"), db_path,
			       sqlite3_errstr(rc));
	}
	/* The old content, read through a second connection: writers are held off. */
	char *keep = keep_name(db_path);
	sqlite3 *reader = NULL;
	bool ok = sqlite3_open_v2(db_path, &reader, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK;
	if (!ok)
		db_error(reader, e, "reading", db_path);
	else
		ok = copy_to_file(reader, db_path, keep, db_path, e);
	sqlite3_close(reader);
	if (!ok) {
		sqlite3_backup_finish(b);
		err_prefix(e, _("keeping the current database"));
		free(keep);
		return false;
	}
	rc = backup_run(b);
	int frc = sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE || frc != SQLITE_OK) {
		err_set(e, ERR_FAIL, _("restoring %s into %s: %s; the database is unchanged"), src_path,
			db_path, sqlite3_errstr(rc != SQLITE_DONE ? rc : frc));
		unlink(keep);
		free(keep);
		return false;
	}
	*kept = keep;
	return true;
}

/* The file path: no database, or a damaged one nobody can use. */
static bool restore_file(const char *db_path, sqlite3 *src, const char *src_path, char **kept,
			 struct err *e)
{
	char *tmp = tmp_beside(db_path, "restore");
	if (!store_make_parent_dirs(db_path, e) || !copy_to_file(src, src_path, tmp, db_path, e)) {
		free(tmp);
		return false;
	}
	char *keep = NULL;
	if (access(db_path, F_OK) == 0) {
		keep = keep_name(db_path);
		if (rename(db_path, keep) != 0) {
			err_set(e, ERR_FAIL, _("cannot move %s aside: %s"), db_path, strerror(errno));
			unlink(tmp);
			free(tmp);
			free(keep);
			return false;
		}
		/* Its journal files belong to it, not to the restored file. */
		static const char *const sfx[] = {"-wal", "-journal"};
		for (size_t i = 0; i < ARRAY_LEN(sfx); i++) {
			char *from = xasprintf("%s%s", db_path, sfx[i]);
			char *to = xasprintf("%s%s", keep, sfx[i]);
			if (access(from, F_OK) == 0)
				rename(from, to);
			free(from);
			free(to);
		}
		char *shm = xasprintf("%s-shm", db_path);
		unlink(shm);
		free(shm);
	}
	if (rename(tmp, db_path) != 0) {
		err_set(e, ERR_FAIL, _("cannot move the restored file to %s: %s%s%s"), db_path,
			strerror(errno), keep ? "; the old database is at " : "", keep ? keep : "");
		unlink(tmp);
		free(tmp);
		free(keep);
		return false;
	}
	fsync_parent(db_path);
	free(tmp);
	*kept = keep;
	return true;
}

bool store_restore(const char *db_path, const char *src_path, char **kept, struct err *e)
{
	*kept = NULL;
	int version;
	if (!store_verify_file(src_path, &version, e)) {
		err_prefix(e, _("nothing was changed"));
		return false;
	}
	if (same_file(src_path, db_path))
		return err_set(e, ERR_USAGE, _("%s is the database itself"), src_path);
	sqlite3 *src = NULL;
	if (sqlite3_open_v2(src_path, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		db_error(src, e, "opening", src_path);
		sqlite3_close(src);
		return false;
	}
	bool ok;
	sqlite3 *live = NULL;
	struct err probe = {0};
	if (access(db_path, F_OK) == 0 &&
	    sqlite3_open_v2(db_path, &live, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
	    (sqlite3_busy_timeout(live, 5000), verify_conn(live, db_path, NULL, false, &probe))) {
		ok = restore_live(db_path, live, src, src_path, kept, e);
	} else {
		sqlite3_close(live);
		live = NULL;
		ok = restore_file(db_path, src, src_path, kept, e);
	}
	sqlite3_close(live);
	sqlite3_close(src);
	if (!ok)
		return false;
	/* Bring an older backup's schema up to date now, not at the next open. */
	struct store *st;
	if (!store_open(db_path, 0, &st, e)) {
		err_prefix(e, _("restored, but"));
		return false;
	}
	store_close(st);
	return true;
}
