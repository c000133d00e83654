/* Opening, migrating, transactions and the statement helpers. */
#include "dutydesk/i18n.h"
#include "store_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BUSY_TIMEOUT_MS 5000

char *store_default_path(const char *flag_path)
{
	if (!str_empty(flag_path))
		return xstrdup(flag_path);
	const char *env = getenv("DUTYDESK_DB");
	if (!str_empty(env))
		return xstrdup(env);
	const char *xdg = getenv("XDG_DATA_HOME");
	if (!str_empty(xdg))
		return xasprintf("%s/dutydesk/dutydesk.db", xdg);
	const char *home = getenv("HOME");
	return xasprintf("%s/.local/share/dutydesk/dutydesk.db", str_empty(home) ? "." : home);
}

char *store_folder(const char *path)
{
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	if (!slash) {
		free(dir);
		return xstrdup(".");
	}
	*(slash == dir ? slash + 1 : slash) = '\0';
	return dir;
}

/* mkdir -p of the folder holding path, new folders mode 0700. */
bool store_make_parent_dirs(const char *path, struct err *e)
{
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir) {
		free(dir);
		return true;
	}
	*slash = '\0';
	for (char *p = dir + 1;; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;
			*p = '\0';
			if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
				err_set(e, ERR_FAIL, _("cannot create folder %s: %s"), dir, strerror(errno));
				free(dir);
				return false;
			}
			*p = c;
			if (c == '\0')
				break;
		}
	}
	free(dir);
	return true;
}

/* Who holds the write lock of a WAL database: SQLite takes it (and the
 * checkpoint and recovery locks) as POSIX locks on bytes 120-122 of DB-shm,
 * so F_GETLK names the process. "pid N (command line)" in buf. */
static bool lock_holder(const char *path, char *buf, size_t n)
{
	char *shm = xasprintf("%s-shm", path);
	int fd = open(shm, O_RDONLY | O_CLOEXEC);
	free(shm);
	if (fd < 0)
		return false;
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 120, .l_len = 3};
	bool found = fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK && fl.l_pid > 0;
	close(fd);
	if (!found)
		return false;
	char cmd[120] = "";
	char proc[64];
	snprintf(proc, sizeof proc, "/proc/%ld/cmdline", (long)fl.l_pid);
	FILE *f = fopen(proc, "re");
	if (f) {
		size_t got = fread(cmd, 1, sizeof cmd - 1, f);
		fclose(f);
		cmd[got] = '\0';
		/* NUL-separated arguments; control bytes never reach the terminal. */
		for (size_t i = 0; i < got; i++)
			if ((unsigned char)cmd[i] < 0x20 || cmd[i] == 0x7f)
				cmd[i] = ' ';
		while (got > 0 && cmd[got - 1] == ' ')
			cmd[--got] = '\0';
	}
	if (cmd[0])
		snprintf(buf, n, "pid %ld: %s", (long)fl.l_pid, cmd);
	else
		snprintf(buf, n, "pid %ld", (long)fl.l_pid);
	return true;
}

bool store_sql_error(struct store *st, struct err *e, const char *what)
{
	int code = sqlite3_extended_errcode(st->db);
	const char *msg = sqlite3_errmsg(st->db);
	if ((code & 0xFF) == SQLITE_BUSY || (code & 0xFF) == SQLITE_LOCKED) {
		char who[200];
		if (lock_holder(st->path, who, sizeof who))
			return err_set(e, ERR_FAIL,
				       _("%s: the database %s is busy: another program holds its write "
				       "lock (%s) and did not let go within %d s; nothing was changed; "
				       "try again"), what, st->path, who, BUSY_TIMEOUT_MS / 1000);
		return err_set(e, ERR_FAIL,
			       _("%s: the database %s is busy (another dutydesk is writing); "
			       "try again"), what, st->path);
	}
	if ((code & 0xFF) == SQLITE_READONLY)
		return err_set(e, ERR_FAIL, _("%s: the database %s is read-only; nothing was changed"),
			       what, st->path);
	if ((code & 0xFF) == SQLITE_FULL)
		return err_set(e, ERR_FAIL, _("%s: the disk holding %s is full; nothing was changed"),
			       what, st->path);
	if ((code & 0xFF) == SQLITE_IOERR)
		return err_set(e, ERR_FAIL,
			       _("%s: reading or writing %s failed (%s); the operation was not "
			       "completed"), what, st->path, sqlite3_errstr(code));
	if ((code & 0xFF) == SQLITE_CANTOPEN)
		return err_set(e, ERR_FAIL, _("%s: cannot open %s or its journal files (%s)"), what,
			       st->path, msg);
	if ((code & 0xFF) == SQLITE_CORRUPT || (code & 0xFF) == SQLITE_NOTADB)
		return err_set(e, ERR_FAIL,
			       _("%s: %s is damaged or not a dutydesk database (or a read failed); "
			       "if this repeats, restore it from a backup (dutydesk restore FILE)"),
			       what, st->path);
	return err_set(e, ERR_FAIL, "%s: %s", what, msg);
}

static bool migrate(struct store *st, struct err *e)
{
	int v = store_user_version(st);
	if (v < 0)
		return store_sql_error(st, e, "reading the schema version");
	if (v > store_schema_version)
		return err_set(e, ERR_FAIL,
			       _("%s has schema version %d, newer than this dutydesk knows (%d); "
			       "use a newer dutydesk"), st->path, v, store_schema_version);
	for (; v < store_schema_version; v++) {
		char pragma[48];
		snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d;", v + 1);
		if (!store_begin(st, e))
			return false;
		if (!store_script(st, store_migrations[v], e) || !store_script(st, pragma, e)) {
			store_rollback(st);
			err_prefix(e, _("migrating %s to schema version %d"), st->path, v + 1);
			return false;
		}
		if (!store_commit(st, e))
			return false;
	}
	return true;
}

/* The file and its folder (where -wal and -shm live) are writable. */
static bool path_writable(const char *path)
{
	char *dir = store_folder(path);
	bool ok = access(path, W_OK) == 0 && access(dir, W_OK) == 0;
	free(dir);
	return ok;
}

/* "file:" URI of path for immutable=1: percent-encodes all but plain bytes. */
static char *file_uri(const char *path)
{
	struct strbuf sb;
	sb_init(&sb);
	sb_puts(&sb, "file:");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("/-_.~", *p))
			sb_putc(&sb, (char)*p);
		else
			sb_printf(&sb, "%%%02X", *p);
	}
	sb_puts(&sb, "?immutable=1");
	return sb_take(&sb);
}

static bool open_conn(struct store *st, const char *path, bool ro, bool immutable, struct err *e)
{
	st->immutable = immutable;
	struct stat sb;
	if (immutable && stat(path, &sb) == 0) {
		st->seen_mtime = sb.st_mtim;
		st->seen_size = sb.st_size;
	}
	int oflags = (ro ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_NOMUTEX;
	char *uri = immutable ? file_uri(path) : NULL;
	int rc = sqlite3_open_v2(uri ? uri : path, &st->db, oflags | (uri ? SQLITE_OPEN_URI : 0),
				 NULL);
	free(uri);
	if (rc != SQLITE_OK)
		return store_sql_error(st, e, "opening");
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, BUSY_TIMEOUT_MS);
	return true;
}

/* A database this login may not read: it is shared with a group the login
 * is not in. sb is the file's (NULL when even its folder is closed). */
static bool no_access(const char *path, const struct stat *sb, struct err *e)
{
	struct stat dsb;
	char *dir = store_folder(path);
	if (!sb && stat(dir, &dsb) == 0)
		sb = &dsb;
	free(dir);
	struct group *g = sb ? getgrgid(sb->st_gid) : NULL;
	struct passwd *pw = getpwuid(getuid());
	if (g)
		return err_set(e, ERR_FAIL,
			       _("cannot read %s: it is shared with the group %s, and your login %s is "
			       "not in it (nor in its viewers' group); ask the administrator: "
			       "usermod -aG %s %s, then log in again"), path, g->gr_name,
			       pw ? pw->pw_name : "?", g->gr_name, pw ? pw->pw_name : "LOGIN");
	return err_set(e, ERR_FAIL, _("cannot read %s: %s"), path, strerror(EACCES));
}

bool store_open(const char *path, unsigned flags, struct store **out, struct err *e)
{
	*out = NULL;
	bool ro = flags & STORE_READONLY;
	struct stat sb;
	bool exists = stat(path, &sb) == 0;
	if (!exists && errno == EACCES)
		return no_access(path, NULL, e);
	if (exists && access(path, R_OK) != 0 && errno == EACCES)
		return no_access(path, &sb, e);
	if (!exists && !(flags & STORE_CREATE))
		return err_set(e, ERR_FAIL,
			       _("no database at %s; create one with 'dutydesk init' or 'dutydesk demo'"),
			       path);
	if (!exists) {
		if (!store_make_parent_dirs(path, e))
			return false;
		/* Create the file ourselves so that it is 0600 from the start. */
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
		if (fd < 0)
			return err_set(e, ERR_FAIL, _("cannot create %s: %s"), path, strerror(errno));
		close(fd);
	}

	/* A file (or folder, for the WAL's side files) we cannot write to is
	 * opened read-only rather than failing at the first write. */
	if (!ro && exists && !path_writable(path))
		ro = true;

	struct store *st = xcalloc(1, sizeof *st);
	st->path = xstrdup(path);
	if (!open_conn(st, path, ro, false, e)) {
		store_close(st);
		return false;
	}
	if (!ro && sqlite3_db_readonly(st->db, "main") == 1)
		ro = true;
	st->readonly = ro;
	st->forced_readonly = ro && !(flags & STORE_READONLY);

	/* Probe before anything writes: a foreign file fails here, untouched. */
	int64_t probe;
	struct err perr;
	bool probed = store_int(st, &perr, &probe, "SELECT count(*) FROM sqlite_schema", "");
	int prc = sqlite3_extended_errcode(st->db) & 0xFF;
	if (!probed && ro && (prc == SQLITE_CANTOPEN || prc == SQLITE_READONLY)) {
		/* A WAL database in a place where its -shm cannot be made (read-only
		 * media or folder): nobody can write there, so read it as immutable. */
		sqlite3_close(st->db);
		st->db = NULL;
		if (!open_conn(st, path, true, true, e)) {
			store_close(st);
			return false;
		}
		probed = store_int(st, &perr, &probe, "SELECT count(*) FROM sqlite_schema", "");
	}
	if (!probed) {
		if (e)
			*e = perr;
		store_close(st);
		return false;
	}
	int v = store_user_version(st);
	if (probe > 0 && v == 0) {
		err_set(e, ERR_FAIL, _("%s is an SQLite database but not a dutydesk one; refusing to touch it "
			"(check --db, or restore a dutydesk backup: dutydesk restore FILE)"),
			path);
		store_close(st);
		return false;
	}

	const char *pragmas = ro ? "PRAGMA foreign_keys = ON;"
				 : "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
				   " PRAGMA foreign_keys = ON;";
	if (!store_script(st, pragmas, e) || (!ro && !migrate(st, e))) {
		store_close(st);
		return false;
	}
	if (ro && v < store_schema_version) {
		err_set(e, ERR_FAIL, _("%s needs upgrading (schema %d < %d) but is opened read-only"), path,
			v, store_schema_version);
		store_close(st);
		return false;
	}
	store_share_detect(st);
	*out = st;
	return true;
}

static void drop_statements(struct store *st)
{
	for (unsigned i = 0; i < STMT_CACHE; i++) {
		sqlite3_finalize(st->cache[i].stmt);
		free(st->cache[i].sql);
		st->cache[i].stmt = NULL;
		st->cache[i].sql = NULL;
	}
}

void store_reopen_if_changed(struct store *st)
{
	if (!st->immutable)
		return;
	struct stat sb;
	char *shm = xasprintf("%s-shm", st->path);
	bool shm_now = access(shm, F_OK) == 0;
	free(shm);
	if (stat(st->path, &sb) != 0)
		return;
	if (!shm_now && sb.st_size == st->seen_size &&
	    sb.st_mtim.tv_sec == st->seen_mtime.tv_sec &&
	    sb.st_mtim.tv_nsec == st->seen_mtime.tv_nsec)
		return;
	/* A writer made -shm (so a live read-only view is possible now), or
	 * the file changed under the snapshot: open it again. */
	drop_statements(st);
	sqlite3_close(st->db);
	st->db = NULL;
	int64_t probe;
	if (!shm_now || !open_conn(st, st->path, true, false, NULL) ||
	    !store_int(st, NULL, &probe, "SELECT count(*) FROM sqlite_schema", "")) {
		sqlite3_close(st->db);
		st->db = NULL;
		if (!open_conn(st, st->path, true, true, NULL))
			return;
	}
	store_script(st, "PRAGMA foreign_keys = ON;", NULL);
	st->reopens++;
}

void store_close(struct store *st)
{
	if (!st)
		return;
	drop_statements(st);
	if (st->db) {
		/* Only after writes: a read must not rewrite the planner's statistics. */
		if (st->wrote)
			sqlite3_exec(st->db, "PRAGMA optimize;", NULL, NULL, NULL);
		sqlite3_close(st->db);
	}
	free(st->path);
	free(st->login);
	free(st->group);
	free(st->name);
	free(st);
}

bool store_readonly(const struct store *st)
{
	return st->readonly;
}

const char *store_path(const struct store *st)
{
	return st->path;
}

int store_user_version(struct store *st)
{
	int64_t v;
	if (!store_int(st, NULL, &v, "PRAGMA user_version", ""))
		return -1;
	return (int)v;
}

bool store_script(struct store *st, const char *sql, struct err *e)
{
	char *msg = NULL;
	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		sqlite3_free(msg);
		return store_sql_error(st, e, "database");
	}
	return true;
}

bool store_may_write(const struct store *st, struct err *e)
{
	if (st->forced_readonly && st->shared)
		return err_set(e, ERR_FAIL,
			       _("%s is shared with you to read only: writing it takes membership of "
			       "the group %s, and your login %s is not in it; nothing was changed"),
			       st->path, st->group, st->login);
	if (st->forced_readonly)
		return err_set(e, ERR_FAIL,
			       _("the database %s is read-only (no write permission on the file or "
			       "its folder, or a read-only file system); nothing was changed"),
			       st->path);
	if (st->readonly)
		return err_set(e, ERR_FAIL, _("the database %s is open read-only; nothing was changed"),
			       st->path);
	return true;
}

bool store_begin(struct store *st, struct err *e)
{
	if (!store_may_write(st, e))
		return false;
	if (!store_exec(st, e, "BEGIN IMMEDIATE", ""))
		return false;
	st->in_tx = true;
	return true;
}

bool store_commit(struct store *st, struct err *e)
{
	if (!store_exec(st, e, "COMMIT", "")) {
		store_rollback(st);
		return false;
	}
	st->in_tx = false;
	st->wrote = true;
	return true;
}

void store_rollback(struct store *st)
{
	st->in_tx = false;
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

/* One savepoint name serves every part: marks nest, and each statement
 * acts on the latest mark of that name. */
bool store_savepoint(struct store *st, struct err *e)
{
	return store_exec(st, e, "SAVEPOINT part", "");
}

bool store_release(struct store *st, struct err *e)
{
	return store_exec(st, e, "RELEASE part", "");
}

void store_rollback_to(struct store *st)
{
	store_exec(st, NULL, "ROLLBACK TO part", "");
}

/* After an I/O error, a full disk or out of memory SQLite may roll the
 * whole transaction back by itself. Statements run after that would each
 * commit on their own: half an operation. So inside store_begin..commit a
 * statement runs only while the transaction is still there. */
static bool tx_intact(struct store *st, struct err *e)
{
	if (!st->in_tx || !sqlite3_get_autocommit(st->db))
		return true;
	return err_set(e, ERR_FAIL,
		       _("the operation on %s was rolled back after an error reading or writing "
		       "it; nothing was changed"), st->path);
}

sqlite3_stmt *store_prep(struct store *st, const char *sql, struct err *e)
{
	if (!st->db) { /* a reader that could not open the file again */
		err_set(e, ERR_FAIL, _("cannot open %s again (was it moved?)"), st->path);
		return NULL;
	}
	if (!tx_intact(st, e))
		return NULL;
	for (unsigned i = 0; i < STMT_CACHE; i++) {
		if (st->cache[i].sql && strcmp(st->cache[i].sql, sql) == 0) {
			sqlite3_reset(st->cache[i].stmt);
			sqlite3_clear_bindings(st->cache[i].stmt);
			return st->cache[i].stmt;
		}
	}
	sqlite3_stmt *s;
	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL) != SQLITE_OK) {
		store_sql_error(st, e, "preparing a query");
		return NULL;
	}
	/* Round-robin replacement: the hot statements are few. */
	unsigned i = st->cache_next++ % STMT_CACHE;
	sqlite3_finalize(st->cache[i].stmt);
	free(st->cache[i].sql);
	st->cache[i].sql = xstrdup(sql);
	st->cache[i].stmt = s;
	return s;
}

bool store_bind_json(sqlite3_stmt *s, int idx, json_t *v)
{
	int rc;
	if (!v || json_is_null(v))
		rc = sqlite3_bind_null(s, idx);
	else if (json_is_string(v))
		rc = sqlite3_bind_text(s, idx, json_string_value(v), (int)json_string_length(v),
				       SQLITE_TRANSIENT);
	else if (json_is_integer(v))
		rc = sqlite3_bind_int64(s, idx, json_integer_value(v));
	else if (json_is_real(v))
		rc = sqlite3_bind_double(s, idx, json_real_value(v));
	else if (json_is_boolean(v))
		rc = sqlite3_bind_int(s, idx, json_is_true(v));
	else
		return false;
	return rc == SQLITE_OK;
}

bool store_bindv(struct store *st, sqlite3_stmt *s, const char *fmt, va_list ap, struct err *e)
{
	int idx = 1, rc = SQLITE_OK;
	for (const char *f = fmt; *f && rc == SQLITE_OK; f++, idx++) {
		switch (*f) {
		case 's': {
			const char *v = va_arg(ap, const char *);
			rc = v ? sqlite3_bind_text(s, idx, v, -1, SQLITE_TRANSIENT)
			       : sqlite3_bind_null(s, idx);
			break;
		}
		case 'i':
			rc = sqlite3_bind_int64(s, idx, va_arg(ap, int64_t));
			break;
		case 'd':
			rc = sqlite3_bind_double(s, idx, va_arg(ap, double));
			break;
		case 'j':
			rc = store_bind_json(s, idx, va_arg(ap, json_t *)) ? SQLITE_OK : SQLITE_MISUSE;
			break;
		default:
			rc = SQLITE_MISUSE;
		}
	}
	if (rc != SQLITE_OK)
		return store_sql_error(st, e, "binding a value");
	return true;
}

json_t *store_column_json(sqlite3_stmt *s, int i)
{
	switch (sqlite3_column_type(s, i)) {
	case SQLITE_INTEGER:
		return json_integer(sqlite3_column_int64(s, i));
	case SQLITE_FLOAT:
		return json_real(sqlite3_column_double(s, i));
	case SQLITE_TEXT:
		return json_stringn((const char *)sqlite3_column_text(s, i),
				    (size_t)sqlite3_column_bytes(s, i));
	case SQLITE_BLOB: /* never stored by us; shown as null rather than raw */
	default:
		return json_null();
	}
}

/* Prepares and binds; NULL on error. */
static sqlite3_stmt *prepv(struct store *st, struct err *e, const char *sql, const char *fmt,
			   va_list ap)
{
	sqlite3_stmt *s = store_prep(st, sql, e);
	if (!s || !store_bindv(st, s, fmt, ap, e))
		return NULL;
	return s;
}

bool store_exec(struct store *st, struct err *e, const char *sql, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sqlite3_stmt *s = prepv(st, e, sql, fmt, ap);
	va_end(ap);
	if (!s)
		return false;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		;
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return store_sql_error(st, e, "database");
	return true;
}

static json_t *rows(struct store *st, struct err *e, sqlite3_stmt *s, bool first_only)
{
	json_t *arr = json_array();
	int rc, n = sqlite3_column_count(s);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		json_t *o = json_object();
		for (int i = 0; i < n; i++)
			json_object_set_new(o, sqlite3_column_name(s, i), store_column_json(s, i));
		json_array_append_new(arr, o);
		if (first_only)
			break;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		json_decref(arr);
		store_sql_error(st, e, "database");
		return NULL;
	}
	return arr;
}

json_t *store_rows(struct store *st, struct err *e, const char *sql, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sqlite3_stmt *s = prepv(st, e, sql, fmt, ap);
	va_end(ap);
	return s ? rows(st, e, s, false) : NULL;
}

json_t *store_rows_bound(struct store *st, struct err *e, const char *sql, json_t *binds)
{
	sqlite3_stmt *s = store_prep(st, sql, e);
	if (!s)
		return NULL;
	size_t i;
	json_t *v;
	json_array_foreach(binds, i, v)
		store_bind_json(s, (int)i + 1, v);
	return rows(st, e, s, false);
}

json_t *store_row(struct store *st, struct err *e, const char *sql, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sqlite3_stmt *s = prepv(st, e, sql, fmt, ap);
	va_end(ap);
	json_t *arr = s ? rows(st, e, s, true) : NULL;
	if (!arr)
		return NULL;
	json_t *r = json_array_size(arr) ? json_incref(json_array_get(arr, 0)) : json_null();
	json_decref(arr);
	return r;
}

/* The first column of s's first row: a number in *num, heap text (NULL
 * for NULL) in *text, either pointer may be NULL; no row gives 0, NULL.
 * False, touching neither, when s is NULL (it could not be made). */
static bool first_value(struct store *st, struct err *e, sqlite3_stmt *s, int64_t *num,
			char **text)
{
	if (!s)
		return false;
	int rc = sqlite3_step(s);
	bool row = rc == SQLITE_ROW;
	if (num)
		*num = row ? sqlite3_column_int64(s, 0) : 0;
	if (text && row && sqlite3_column_type(s, 0) != SQLITE_NULL)
		*text = xstrdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_reset(s);
	if (!row && rc != SQLITE_DONE)
		return store_sql_error(st, e, "database");
	return true;
}

bool store_int(struct store *st, struct err *e, int64_t *out, const char *sql, const char *fmt,
	       ...)
{
	va_list ap;
	va_start(ap, fmt);
	sqlite3_stmt *s = prepv(st, e, sql, fmt, ap);
	va_end(ap);
	return first_value(st, e, s, out, NULL);
}

bool store_text(struct store *st, struct err *e, char **out, const char *sql, const char *fmt,
		...)
{
	*out = NULL;
	va_list ap;
	va_start(ap, fmt);
	sqlite3_stmt *s = prepv(st, e, sql, fmt, ap);
	va_end(ap);
	return first_value(st, e, s, NULL, out);
}
