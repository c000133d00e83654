/* Whose a record is: the one place that says which records are the
 * county's reference data and which township a record belongs to.
 *
 * County-level reference data (every node reads it, only the county
 * writes it):
 *   - the catalogue (item) and the plan library (plan), always;
 *   - a depot whose level is 'county' (CK-00, the county store, wherever
 *     it stands);
 *   - a county team: any team but a township's militia ('militia') and an
 *     enterprise's own ('enterprise'); teams have no level of their own,
 *     their type says it (the fire brigade, the professional and the
 *     volunteer teams are the county's, whichever township is their base).
 * Everything else belongs to a township: its township_code, or its
 * parent's township (a timeline entry its incident's, a movement its
 * depot's, ...), which the hub records as the row's owner.
 *
 * The hub decides owners by these rules (src/sync/hub.c); a township node
 * refuses, before anything is written, what its hub would refuse: writing
 * county-level data, writing a record of another township (one the county
 * moved away keeps here as a read-only copy) and moving a record to
 * another township (store_write_check). */
#ifndef DUTYDESK_SCOPE_H
#define DUTYDESK_SCOPE_H

#include <jansson.h>
#include <stdbool.h>

#include "dutydesk/schema.h"
#include "dutydesk/store.h"

/* Whether row (the record's fields, at least those the rule reads: level
 * of a depot, type of a team) is county-level reference data. */
bool scope_county_level(const struct table *t, json_t *row);
/* Whether a change to fields can change whose a row of t is (its township,
 * or the fields the county-level rule reads). */
bool scope_fields_move(const struct table *t, json_t *fields);
/* The table whose row owns a row of t, and the column naming it (NULL:
 * a row of t stands by itself). */
const struct table *scope_parent(const struct table *t, const char **col);
/* Whose the row of t with that id is in st: "*" (county-level), a
 * township code, or "" when the row does not say (no township, not
 * there). Follows parents. */
bool scope_row_owner(struct store *st, const struct table *t, const char *id, char out[16],
		     struct err *e);
/* The same for a row given whole (its township_code, parent column and the
 * fields of the county rule). */
bool scope_owner_of(struct store *st, const struct table *t, json_t *row, char out[16],
		    struct err *e);
/* [{tbl, id}] of every row below the row of t with that id (its timeline,
 * tasks, activations and their checklists; households, inspections and
 * defects; stock movements), parents before children. */
json_t *scope_descendants(struct store *st, const struct table *t, const char *id,
			  struct err *e);
/* Whether owner (a township's code, an area's own records' code, or "*")
 * is in the area whose division code is area: it begins with it (GB/T
 * 2260: a township's 9 digits begin with its county's 6, a county's with
 * its city's 4). "*" (county-level reference data) is in no area; every
 * owner but "*" is in the area "" (the whole hub). */
bool scope_in_area(const char *owner, const char *area);
/* Whether a node of scope code (a township's, or an area's) reads the
 * records owned by owner as those of a division it lies in: owner is the
 * code's 2-, 4- or 6-digit beginning (its province's, city's, county's),
 * an area's own records (a county's warnings, shifts, duty log). The
 * SQL of the same rule: owner IN (substr(code,1,2), substr(code,1,4),
 * substr(code,1,6)). */
bool scope_reads_from_above(const char *code, const char *owner);
/* A township's name and code, "坡头乡 (141032202)" (the code alone when
 * the store does not know it). */
void scope_town_name(struct store *st, const char *code, char *buf, size_t n);
/* On a township node: refuses (with the reason, in the interface's
 * language) a local write the hub would refuse: an insert (id NULL) or an
 * update of the row id of t with fields. The county and the hub may write
 * anything. */
bool store_write_check(struct store *st, const struct table *t, const char *id, json_t *fields,
		       struct err *e);

#endif
