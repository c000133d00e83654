/* The store: the one module that talks to SQLite and the only one that
 * writes SQL. Every operation runs in one transaction; every statement is
 * prepared with bound parameters. Outside src/store/ the data is reached
 * through named functions (here, query.h, syncstore.h, hubstore.h); the
 * statement helpers that take SQL text are private to it (store_impl.h). */
#ifndef DUTYDESK_STORE_H
#define DUTYDESK_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "dutydesk/hlc.h"
#include "dutydesk/schema.h"
#include "dutydesk/util.h"

struct store;

enum {
	STORE_CREATE = 1 << 0,   /* create the file (and its folders) if missing */
	STORE_READONLY = 1 << 1, /* open read-only, migrate nothing */
};

/* The database path from --db, else $DUTYDESK_DB, else
 * $XDG_DATA_HOME/dutydesk/dutydesk.db (~/.local/share/...). Heap string. */
char *store_default_path(const char *flag_path);

/* Opens (creating if asked) and migrates forward. *out is destroyed by
 * store_close(). A database whose file or folder cannot be written is
 * opened read-only (store_readonly); its writes are refused. */
bool store_open(const char *path, unsigned flags, struct store **out, struct err *e);
void store_close(struct store *st);
int store_user_version(struct store *st);
const char *store_path(const struct store *st);
bool store_readonly(const struct store *st);
/* Whether a write may begin: false, with why in the user's language (a
 * viewer of a shared database: the group writing takes), when the
 * database is read-only. store_begin asks it first. */
bool store_may_write(const struct store *st, struct err *e);

/* Transactions: begin writes with BEGIN IMMEDIATE so a busy database waits
 * (busy timeout) instead of failing half-way. */
bool store_begin(struct store *st, struct err *e);
bool store_commit(struct store *st, struct err *e);
void store_rollback(struct store *st);
/* Savepoints inside the open transaction, so that one part that fails is
 * undone alone: store_savepoint marks, store_rollback_to undoes what came
 * after the latest mark (which stays), store_release drops the latest
 * mark. Marks nest. */
bool store_savepoint(struct store *st, struct err *e);
bool store_release(struct store *st, struct err *e);
void store_rollback_to(struct store *st);

/* ---- backup and restore (src/store/backup.c) ----
 * store_backup: one consistent copy of the open database (SQLite online
 * backup; consoles may keep writing), checked and synced, then renamed to
 * dest. dest must not exist unless force.
 * store_verify_file: path is an intact dutydesk database of a schema version
 * this program knows (integrity_check); *version (may be NULL) gets it.
 * store_restore: verifies src, keeps the current database as
 * DB.before-restore-STAMP (*kept, heap string; NULL when there was none) and
 * replaces it in one transaction (or as a file when it is missing or
 * damaged), then migrates it forward. */
bool store_backup(struct store *st, const char *dest, bool force, struct err *e);
bool store_verify_file(const char *path, int *version, struct err *e);
bool store_restore(const char *db_path, const char *src, char **kept, struct err *e);

/* Changes when another connection commits (PRAGMA data_version). */
bool store_data_version(struct store *st, int64_t *v);
/* A number that differs whenever the data may have changed since it was
 * last read, by this connection or another: for caches of query results. */
int64_t store_generation(struct store *st);

/* ---- node identity and clock ---- */
struct node_info {
	char node_id[64];
	char township_code[16]; /* "" for the county */
	char role[16];          /* county | township */
	char number_prefix[64];
	int64_t incarnation; /* 0, or the one the hub gave after a restore or a replacement */
};
bool store_node(struct store *st, struct node_info *out, struct err *e);
/* Sets identity; only while the database has no ops of its own yet. */
bool store_set_node(struct store *st, const char *node_id, const char *township_code,
		    const char *role, const char *prefix, struct err *e);
/* The next clock stamp, persisted in the open transaction. */
bool store_tick(struct store *st, hlc_t *out, struct err *e);
/* Increments and returns a named counter inside the open transaction. */
bool store_next_counter(struct store *st, const char *name, int64_t *out, struct err *e);
/* Who is acting, for the audit trail (borrowed; kept until changed). On
 * a shared database the login acts and store_set_actor changes nothing. */
void store_set_actor(struct store *st, const char *actor);
const char *store_actor(const struct store *st);

/* ---- a database shared by the logins of one server (share.c) ----
 * store_share: gives the database, its -wal, -shm and folder to group
 * (group-writable, setgid folder, the WAL kept on close) and, with viewers,
 * read access to that group through an access list; only the file's owner
 * or root, who must be in group. Then st is shared. */
bool store_share(struct store *st, const char *group, const char *viewers, struct err *e);
/* Shared: group-writable. The login acting (never
 * NULL when shared), the file's group, and the name shown for the login
 * (its login_name, else the login; the actor when not shared). */
bool store_shared(const struct store *st);
const char *store_login(const struct store *st);
const char *store_group(const struct store *st);
const char *store_shown_name(const struct store *st);
/* "王明 (wangming)", or the login without a name (the actor when not shared). */
void store_shown_label(const struct store *st, char *buf, size_t n);
/* --officer NAME on a shared database: nothing, this login, its own name,
 * or a free name this login has none yet (then it becomes its name). Any
 * other login or another login's name is refused: nobody acts as another. */
bool store_claim_name(struct store *st, const char *name, struct err *e);
/* Names login: the file's owner or root for any login; a login for itself
 * while it has no name yet. In its own transaction. */
bool store_set_login_name(struct store *st, const char *login, const char *name, struct err *e);
/* [{login, name, set_by, set_at}] by login. */
json_t *q_login_names(struct store *st, struct err *e);


/* ---- records: the only writers of synced tables ----
 * Each call must run inside a transaction. A write also stamps the clock,
 * records per-field versions (mutable tables), queues its op in the outbox
 * and appends to the audit trail. fields is borrowed.
 * rec_insert: id is in/out: an id given (reference data whose ids must be
 * the same on every node) is used, an empty one ("") gets a new id. */
bool rec_insert(struct store *st, const struct table *t, json_t *fields, char id[ID_TEXT],
		struct err *e);
/* The stored values of record id's columns named by the keys of fields
 * (keys that are no column of t are left out): an object, json null when
 * there is no such record, NULL on error. */
/* Sets each key of fields to what a row made without it holds: NULL, or
 * the column's default where the table takes no NULL (a count's 0). */
bool rec_blank(struct store *st, const struct table *t, json_t *fields, struct err *e);
json_t *rec_current(struct store *st, const struct table *t, const char *id, json_t *fields,
		    struct err *e);
/* *same: record id exists and holds every field of fields that is a column
 * of t, numbers compared by value. False on error. */
bool rec_holds(struct store *st, const struct table *t, const char *id, json_t *fields,
	       bool *same, struct err *e);
/* Changes only the fields whose value differs; *changed (may be NULL) says
 * whether anything did. Append-only tables refuse. */
bool rec_update(struct store *st, const struct table *t, const char *id, json_t *fields,
		bool *changed, struct err *e);

/* ---- reference data (never synced) ---- */
bool store_put_division(struct store *st, const char *code, const char *name, const char *level,
			const char *parent, bool illustrative, struct err *e);
/* Each of rows [{code, name, level, parent_code (may be null),
 * illustrative}], parents first, as store_put_division. */
bool store_put_divisions(struct store *st, json_t *rows, struct err *e);
/* A division learnt from the hub: added, or its name, parent and flag
 * taken; one this database has at another level keeps its own row
 * (*kept set). Never deletes. */
bool store_learn_division(struct store *st, const char *code, const char *name, const char *level,
			  const char *parent, bool illustrative, bool *kept, struct err *e);
/* The hub's divisions this database last loaded ("EPOCH:GENERATION", or ""
 * for none; *seen heap), and setting it. */
bool store_divisions_seen(struct store *st, char **seen, struct err *e);
bool store_set_divisions_seen(struct store *st, const char *seen, struct err *e);
bool store_put_incident_type(struct store *st, const char *id, const char *cls,
			     const char *name_zh, const char *name_en, struct err *e);
/* True when the database holds no incidents, hazards, depots or teams. */
/* Divisions, parents before their children: all, or (under a code) that
 * division and those below it: [{code, name, level, parent_code,
 * illustrative}]; NULL on error. */
json_t *store_divisions(struct store *st, const char *under, struct err *e);
bool store_is_empty(struct store *st, bool *empty, struct err *e);

#endif
