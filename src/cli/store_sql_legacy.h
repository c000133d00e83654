/* For the move of src/cli/cmd_*.c to src/cmd/ only, then deleted: the
 * store's statement helpers, private to src/store/ (declared there in
 * store_impl.h), are still called with SQL by cmd_misc.c, cmd_plan.c,
 * cmd_resources.c and cmd_sync.c. src/meson.build hands this header to
 * the compiler for the dutydesk program (-include), and
 * tests/sql_allow.txt lets the lint pass those four files. Each statement
 * has its named function already (store_office_name, store_op_seq,
 * store_outbox_forget_after, q_plan_library, q_open_activations,
 * q_contact_book, q_lots_on_hand, store_outbox_parked,
 * store_conflict_state); once they call them, this header, its line in
 * src/meson.build and tests/sql_allow.txt go. */
#ifndef DUTYDESK_STORE_SQL_LEGACY_H
#define DUTYDESK_STORE_SQL_LEGACY_H

/* Read before anything else (-include), so it includes nothing: a system
 * header here would fix the feature macros before main.c sets its own.
 * The types are spelled without headers: bool is _Bool, json_t is struct
 * json_t, int64_t is the compiler's __INT64_TYPE__. */
struct store;
struct err;
struct json_t;

_Bool store_exec(struct store *st, struct err *e, const char *sql, const char *fmt, ...);
struct json_t *store_rows(struct store *st, struct err *e, const char *sql, const char *fmt,
			  ...);
_Bool store_int(struct store *st, struct err *e, __INT64_TYPE__ *out, const char *sql,
		const char *fmt, ...);
_Bool store_text(struct store *st, struct err *e, char **out, const char *sql, const char *fmt,
		 ...);

#endif
