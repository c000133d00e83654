/* The domain: turning what a person typed into valid records, and the
 * operations of a watch. No SQL and no curses here. Every operation below
 * expects the caller to hold a transaction (store_begin): one command, one
 * transaction, all or nothing. */
#ifndef DUTYDESK_MODEL_H
#define DUTYDESK_MODEL_H

#include <jansson.h>

#include "dutydesk/store.h"

/* ---- fields ---- */
/* The stored value of column c for text typed by a person; json null for
 * empty text. township_code gives the township a village name is looked up
 * in (may be NULL). Returns a new reference, or NULL with e set to
 * "<field>: '<value>': <what was expected>". */
json_t *field_parse(struct store *st, const struct column *c, const char *text,
		    const char *township_code, struct err *e);
/* Kind-specific checks of a hazard (subtype per kind); normalises in place. */
bool hazard_validate(json_t *fields, struct err *e);
/* Every required column of t present and not null. */
bool fields_complete(const struct table *t, json_t *fields, struct err *e);

/* ---- data files ---- */
/* Full path of a shipped data file (DUTYDESK_DATA, the installed data
 * folder, then the source tree); heap string or NULL when not found. */
char *data_path(const char *rel);
/* Loads a CSV whose header names columns of t (or their input aliases);
 * fixed (may be NULL) adds the same fields to every row. Errors name
 * file:line, the column and the value. */
bool import_csv(struct store *st, const struct table *t, const char *path, json_t *fixed,
		int *count, struct err *e);
/* Divisions and incident types (local tables, reloaded by every init). */
bool reference_load(struct store *st, struct err *e);
/* The item catalogue, once (synced records; needs the node identity). */
bool catalogue_load(struct store *st, struct err *e);
/* The shipped demo records; refuses a database that already has records. */
bool demo_load(struct store *st, struct err *e);

/* ---- incidents ---- */
/* Adds an incident (number, received time and status are set here) and
 * its first timeline entry; number gets e.g. "永和-2026-0042". */
bool incident_add(struct store *st, json_t *fields, const char *note, char number[64],
		  struct err *e);
/* Appends a timeline entry of kind (note, action, follow_up, ...). */
bool incident_log(struct store *st, const char *number, const char *kind, const char *text,
		  struct err *e);
bool incident_close(struct store *st, const char *number, const char *text, struct err *e);
/* Changes an incident's header fields; a change of casualty figures, and
 * the note if any, also go to the timeline so earlier figures stay on
 * record. *changed says whether anything changed. */
bool incident_edit(struct store *st, const char *number, json_t *fields, const char *note,
		   bool *changed, struct err *e);
/* Changes a hazard's attributes by code. */
bool hazard_edit(struct store *st, const char *code, json_t *fields, bool *changed,
		 struct err *e);

/* ---- hazards ---- */
bool hazard_add(struct store *st, json_t *fields, char id[ID_TEXT], struct err *e);
bool hazard_inspect(struct store *st, const char *code, json_t *fields, struct err *e);

/* ---- stock: on hand is always the sum of movements ---- */
bool stock_receive(struct store *st, const char *depot_id, const char *item_id, int64_t qty,
		   const char *batch, const char *expiry, const char *reason, struct err *e);
/* Takes from the first-expiring lots; refuses with the quantity available
 * when there is not enough. incident_id and recipient may be NULL. */
bool stock_issue(struct store *st, const char *depot_id, const char *item_id, int64_t qty,
		 const char *incident_id, const char *recipient, const char *reason,
		 struct err *e);
/* Both legs, lot by lot, in the caller's transaction. */
bool stock_transfer(struct store *st, const char *from_id, const char *to_id,
		    const char *item_id, int64_t qty, const char *reason, struct err *e);

#endif
