/* Private to src/store. */
#ifndef DUTYDESK_STORE_IMPL_H
#define DUTYDESK_STORE_IMPL_H

#include <sqlite3.h>
#include <stdarg.h>
#include <sys/types.h>
#include <time.h>

#include "dutydesk/query.h"
#include "dutydesk/store.h"

extern const char *const store_migrations[];
extern const int store_schema_version;

#define STMT_CACHE 64

struct store {
	sqlite3 *db;
	char *path;
	bool readonly;
	bool forced_readonly; /* asked read-write, but the file cannot be written */
	bool wrote; /* a write transaction committed */
	bool in_tx; /* between store_begin and store_commit/store_rollback */
	int expiry_days; /* "expiring soon" in the overview; 0: 30 */
	const char *actor;
	/* shared by several logins (src/store/share.c): the login acts */
	bool shared;
	char *login;  /* this process's login, when shared */
	char *group;  /* the file's group, when shared */
	char *name;   /* the login's name from login_name, or NULL */
	uid_t owner;  /* the file's owner: who may rename others */
	/* opened immutable (no -shm and none to be made): what it was like */
	bool immutable;
	struct timespec seen_mtime;
	off_t seen_size;
	int64_t reopens;
	struct {
		char *sql;
		sqlite3_stmt *stmt;
	} cache[STMT_CACHE];
	unsigned cache_next;
};

/* The folder holding path: "/srv/dutydesk" for "/srv/dutydesk/x.db", "/"
 * for "/x.db", "." for "x.db". Heap string. */
char *store_folder(const char *path);
/* Marks st shared when the file says so (group-writable), and then takes the login as the actor (src/store/share.c). */
void store_share_detect(struct store *st);
/* A reader opened immutable reopens when the file changed. */
void store_reopen_if_changed(struct store *st);

/* SQL: the actor column col as shown: "王明 (wangming)" for a login
 * with a name on a shared database, else as recorded. */
#define ACTOR_SHOWN(col) \
	"coalesce((SELECT n.name || ' (' || n.login || ')' FROM login_name n" \
	" WHERE n.login = " col "), " col ")"

/* ---- statements: SQL text is written in src/store/ only ----
 * Each statement is prepared once per connection and cached by its text
 * (store_prep), then reset and bound for every run.
 * Bind formats: one character per argument: 's' const char * (NULL binds
 * NULL), 'i' int64_t, 'd' double, 'j' json_t * (bound by its JSON type;
 * NULL or json null binds NULL). */
bool store_exec(struct store *st, struct err *e, const char *sql, const char *fmt, ...);
/* Runs a script of statements without parameters (schema, pragmas). */
bool store_script(struct store *st, const char *sql, struct err *e);
/* Rows as a JSON array of objects keyed by column name; NULL on error. */
json_t *store_rows(struct store *st, struct err *e, const char *sql, const char *fmt, ...);
/* The same with the values of ?1, ?2 ... in an array (queries whose
 * conditions are put together at run time). */
json_t *store_rows_bound(struct store *st, struct err *e, const char *sql, json_t *binds);
/* The first row, or json null when there is none; NULL on error. */
json_t *store_row(struct store *st, struct err *e, const char *sql, const char *fmt, ...);
/* The first column of the first row as an integer (0 if none). */
bool store_int(struct store *st, struct err *e, int64_t *out, const char *sql, const char *fmt,
	       ...);
/* The first column of the first row as a heap string (NULL if none). */
bool store_text(struct store *st, struct err *e, char **out, const char *sql, const char *fmt,
		...);
/* The hazard filter as SQL over hazard aliased x (never empty), its
 * values appended to binds and numbered ?N after those already there. */
void hazard_filter_sql(const struct hazard_filter *f, struct strbuf *where, json_t *binds);

/* A cached prepared statement, reset and with bindings cleared. */
sqlite3_stmt *store_prep(struct store *st, const char *sql, struct err *e);
bool store_bindv(struct store *st, sqlite3_stmt *s, const char *fmt, va_list ap, struct err *e);
bool store_bind_json(sqlite3_stmt *s, int idx, json_t *v);
json_t *store_column_json(sqlite3_stmt *s, int i);
bool store_sql_error(struct store *st, struct err *e, const char *what);
/* mkdir -p of the folder holding path, new folders mode 0700. */
bool store_make_parent_dirs(const char *path, struct err *e);

/* The select-list fragment (incident aliased x) of what the deadline rules
 * read from an incident's timeline: first_report_at, written_at (the
 * first report or 续报 that went in writing),
 * last_report_at, final_at. One definition for every query that needs it. */
#define Q_REPORT_CLOCK_COLS \
	" (SELECT min(created_at) FROM timeline WHERE incident_id = x.id" \
	"  AND kind = 'first_report') AS first_report_at," \
	" (SELECT min(created_at) FROM timeline WHERE incident_id = x.id" \
	"  AND kind IN ('first_report','follow_up') AND via = 'written') AS written_at," \
	" (SELECT max(created_at) FROM timeline WHERE incident_id = x.id" \
	"  AND kind IN ('first_report','follow_up')) AS last_report_at," \
	" (SELECT min(created_at) FROM timeline WHERE incident_id = x.id" \
	"  AND kind = 'final_report') AS final_at"

/* ---- the console's lists (lists.c; window.c reads them) ---- */
/* A name and the SQL it stands for; arrays end with {NULL, NULL}. */
struct list_named {
	const char *name, *sql;
};
/* The SQL of a name in set, NULL when set does not have it. */
const char *list_named(const struct list_named *set, const char *name);
struct list_view {
	const char *cols;     /* select list */
	const char *from;     /* tables and joins */
	const char *where;    /* fixed condition, or NULL */
	const char *id;       /* unique tie-breaker, e.g. "x.id" */
	const char *search;   /* text expression '/' searches, or NULL */
	const char *township; /* column a township filter compares, or NULL */
	const struct list_named *sorts;   /* the first is the default */
	const struct list_named *presets; /* named conditions, or NULL */
	bool hazard_filter;   /* takes a struct hazard_filter */
};
const struct list_view *list_view(enum list_id list);
/* A built condition's SQL (NULL: none) and the values of its ?1, ?2 ... */
const char *list_cond_where(const struct list_cond *c);
json_t *list_cond_binds(const struct list_cond *c);

/* A record's township and village names beside their codes (record
 * aliased x). */
#define DIVISION_COLS \
	"t.name AS township, x.township_code, v.name AS village, x.village_code"
#define DIVISION_JOINS \
	" LEFT JOIN division t ON t.code = x.township_code" \
	" LEFT JOIN division v ON v.code = x.village_code"

#endif
