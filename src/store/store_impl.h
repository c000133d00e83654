/* Private to src/store. */
#ifndef DUTYDESK_STORE_IMPL_H
#define DUTYDESK_STORE_IMPL_H

#include <sqlite3.h>
#include <stdarg.h>

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
	struct {
		char *sql;
		sqlite3_stmt *stmt;
	} cache[STMT_CACHE];
	unsigned cache_next;
};

/* A cached prepared statement, reset and with bindings cleared. */
sqlite3_stmt *store_prep(struct store *st, const char *sql, struct err *e);
bool store_bindv(struct store *st, sqlite3_stmt *s, const char *fmt, va_list ap, struct err *e);
bool store_bind_json(sqlite3_stmt *s, int idx, json_t *v);
json_t *store_column_json(sqlite3_stmt *s, int i);
bool store_sql_error(struct store *st, struct err *e, const char *what);
/* mkdir -p of the folder holding path, new folders mode 0700. */
bool store_make_parent_dirs(const char *path, struct err *e);

/* A record's township and village names beside their codes (record
 * aliased x). */
#define DIVISION_COLS \
	"t.name AS township, x.township_code, v.name AS village, x.village_code"
#define DIVISION_JOINS \
	" LEFT JOIN division t ON t.code = x.township_code" \
	" LEFT JOIN division v ON v.code = x.village_code"

#endif
