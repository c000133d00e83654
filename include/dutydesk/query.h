/* Read-side queries: lists, records and the overview, as JSON values the
 * CLI prints and the console draws. Times come back as local ISO 8601
 * strings, flags as booleans, township/village as names with codes beside. */
#ifndef DUTYDESK_QUERY_H
#define DUTYDESK_QUERY_H

#include <jansson.h>
#include <stdint.h>

#include "dutydesk/store.h"

struct incident_filter {
	bool raw;                  /* times as UTC seconds, not presented */
	bool open_only;
	const char *township_code; /* NULL: all */
	int64_t since;             /* 0: no bound */
	int64_t limit;             /* 0: no limit */
};
json_t *q_incident_list(struct store *st, const struct incident_filter *f, struct err *e);
/* The incident with its timeline (key "timeline"); json null if none. */
json_t *q_incident_show(struct store *st, const char *number, struct err *e);

/* Which hazards a list, export, summary or map shows. NULL/false: any. */
struct hazard_filter {
	const char *kind, *township_code, *subtype, *scale, *status;
	const char *danger; /* huge | large | medium | small (geohazards by people) */
	bool overdue;       /* registered, last inspection older than its interval */
	bool in_warning;    /* geohazards inside a warning in force */
	bool to_verify;     /* imported rows not yet checked */
	int64_t now;        /* for overdue and warnings; 0: now */
	int64_t limit;      /* 0: all */
};
/* 险情等级 from the people threatened: huge >= 1000 > large >= 500 >
 * medium >= 100 > small. */
const char *hazard_danger(int64_t people);
/* 1 June to 30 September, local time. */
bool flood_season(int64_t t);
/* Days between inspections a kind is due at time now (flood season or not). */
int hazard_interval_days(const char *kind, int64_t now);
/* Whether a hazard's inspection is overdue at now: registered, and never
 * inspected or last (UTC seconds, json integer or null) longer ago than its
 * interval. The SQL filter (overdue) selects the same rows. */
bool hazard_overdue(const char *kind, const char *status, json_t *last, int64_t now);

/* The filtered hazards by kind and code, each with danger (geohazards),
 * last_inspected_at, inspect_every_days, next_inspection_at, overdue and
 * open_defects (defects not yet rectified). */
json_t *q_hazard_list(struct store *st, const struct hazard_filter *f, struct err *e);
/* The filtered hazards whose inspection is overdue (f->overdue implied),
 * most overdue first (never inspected first): code, kind, name, township,
 * village, people, monitor and monitor_phone (a unit's responsible
 * person where there is no monitor), last_inspected_at,
 * inspect_every_days, next_inspection_at, days_overdue (null: never). */
json_t *q_hazard_overdue(struct store *st, const struct hazard_filter *f, struct err *e);
/* Fire-safety defects: not yet rectified only, of a township, overdue
 * only (due passed and not rectified), of one hazard (code or id). */
struct defect_filter {
	bool open_only, overdue;
	const char *township_code, *hazard_code;
	int64_t now; /* 0: now */
};
/* id, code, unit, kind, township, found_at, text, due_at, state,
 * rectified_at, note, overdue; open ones first, soonest due first. */
json_t *q_defects(struct store *st, const struct defect_filter *f, struct err *e);
/* Every field of the filtered hazards, by code. */
json_t *q_hazards_full(struct store *st, const struct hazard_filter *f, struct err *e);
/* Counts and totals of the filtered hazards: n, geohazards, large, medium,
 * small, road, fire_units, sources, flood_points, households, people,
 * property_10k. */
json_t *q_hazard_summary(struct store *st, const struct hazard_filter *f, struct err *e);
/* The filtered hazards that have coordinates: code, kind, scale, lon, lat,
 * township_code, name. */
json_t *q_hazard_points(struct store *st, const struct hazard_filter *f, struct err *e);
/* The hazard with "inspections", "household_list" and "defects", the
 * inspection clock and open_defects as in q_hazard_list; json null if
 * none. */
json_t *q_hazard_show(struct store *st, const char *code, struct err *e);
/* The threatened households of a point (from its evacuation cards):
 * {id, code, name, kind, register_households, register_people,
 * households: [{id, head, address, members, phone, evacuated_at,
 * evacuated_by}] by head, total_households, evacuated_households,
 * total_people, evacuated_people (people: the members of the listed
 * households)}; json null if there is no such hazard. */
json_t *q_hazard_households(struct store *st, const char *code, struct err *e);

/* Geological hazard points inside the area of the warnings in force at
 * now (or of one warning entry): code, name, township, village, people,
 * households, monitor, monitor_phone, colour; by township and code. */
json_t *q_warning_points(struct store *st, const char *entry_id, int64_t now, struct err *e);
/* On hand per depot and item, from the derived lots (never the ledger). */
json_t *q_stock_list(struct store *st, const char *depot_id, const char *item_id, struct err *e);
/* Lots with quantity left, first-expiring first, for issuing. */
json_t *q_stock_lots(struct store *st, const char *depot_id, const char *item_id, struct err *e);
/* Expired, then expiring within days (soonest first), then below minimum;
 * at most limit rows (0: all). */
json_t *q_stock_alerts(struct store *st, int days, int64_t limit, struct err *e);
/* How many alerts q_stats lists (the counts are always complete). */
#define STATS_ALERTS 20

/* How many days ahead the overview counts stock as expiring (default 30). */
void q_set_expiry_days(struct store *st, int days);
/* The overview: geohazards, fire key units, incidents, and stock: counts
 * of below_min, expiring (30 days) and expired, and the most urgent alerts. */
json_t *q_stats(struct store *st, struct err *e);

/* ---- the console's lists (src/store/lists.c, src/store/window.c) ----
 * Each list the console shows is defined in the store: what a row holds,
 * the orders it sorts in and the conditions that filter it, by name. The
 * console reads only the rows on screen: windows of keyset reads. */
enum list_id {
	LIST_INCIDENTS, /* received, number, level, status, type, township;
			 * open, closed, level_high, level_3, level_4,
			 * level_pending, natural, accident */
	LIST_HAZARDS,   /* code, kind, township, people, name; and a hazard_filter */
	LIST_STOCK,     /* key, item, qty; below_min, county, township */
	LIST_TEAMS,     /* code, name, type, size; available, fire_pro, militia,
			 * enterprise_volunteer */
	LIST_EXPERTS,   /* code, name, field */
	LIST_CHECKLIST, /* order, state; open, done */
	LIST_PLANS,     /* plan_key, title */
};
/* What a list is filtered by; NULL members filter nothing. */
struct list_filter {
	const char *preset;                  /* a condition the list names */
	const char *township_code;           /* "" too: every township */
	const struct hazard_filter *hazards; /* LIST_HAZARDS (its township is
					      * left out: township_code is the
					      * list's) */
};
/* A filter made into the list's condition (opaque): the caller owns it
 * and frees it with q_list_cond_free. A name the list does not know
 * filters nothing. */
struct list_cond;
struct list_cond *q_list_cond(enum list_id list, const struct list_filter *f);
void q_list_cond_free(struct list_cond *c);
/* Whether list can be filtered by township. */
bool q_list_by_township(enum list_id list);
/* Whether list sorts by sort. */
bool q_list_sorts(enum list_id list, const char *sort);
/* Up to n rows of list after (dir 1) or before (dir -1) key, in display
 * order: by sort (a name the list knows; NULL or unknown: its first), then
 * its id, descending when desc; key NULL starts at the top (dir 1) or
 * the bottom (dir -1). cond (may be NULL) filters; search keeps rows
 * whose search text contains it. Each row carries "_k", the key to
 * continue from. A new array for the caller; NULL on error. */
json_t *q_window(struct store *st, enum list_id list, const char *sort, bool desc,
		 const struct list_cond *cond, json_t *key, int dir, int n, const char *search,
		 struct err *e);

/* ---- the duty workflow ---- */
/* The open shift's id, "" when none. */
bool q_current_shift(struct store *st, char id[ID_TEXT], struct err *e);
/* A shift by id, or "current" (open), "last" (started last) or "handed"
 * (handed over last); json null if none. */
json_t *q_shift(struct store *st, const char *id, struct err *e);
json_t *q_shifts(struct store *st, int64_t limit, struct err *e);
/* The duty roster (this office's, local): rows day, shift (all, day,
 * night), officer, leader, phone, notes, starts_at, ends_at (raw). The
 * month's ("2026-12"), by start; the shift under way at t, or the first
 * to start at or after t that has not ended at now (json null when none);
 * whether there is any. */
json_t *q_roster_month(struct store *st, const char *month, struct err *e);
json_t *q_roster_at(struct store *st, int64_t t, struct err *e);
json_t *q_roster_from(struct store *st, int64_t t, int64_t now, struct err *e);
bool q_roster_any(struct store *st, bool *any, struct err *e);
/* Empties a month of the roster; adds one shift (keys as the rows above),
 * read from source (the file) at now. */
bool store_roster_clear_month(struct store *st, const char *month, struct err *e);
bool store_roster_put(struct store *st, json_t *r, const char *source, int64_t now,
		      struct err *e);
/* Whether a shift (started or acknowledged) began in [from, to). */
bool q_shift_started_within(struct store *st, int64_t from, int64_t to, bool *found,
			    struct err *e);
/* What deadlines need of an incident (raw UTC seconds, NULL when not yet):
 * id, number, status, class, type, level, received_at, closed_at,
 * first_report_at, written_at, last_report_at, final_at. */
json_t *q_incident_clock(struct store *st, const char *id, struct err *e);
/* The same for every incident that may still owe a report: open ones, and
 * those closed in the last 30 days without a final report. */
json_t *q_open_clocks(struct store *st, struct err *e);
/* The same by pages of limit, after the incident id after_id (NULL: from
 * the start), for counting without holding them all. */
json_t *q_open_clocks_page(struct store *st, const char *after_id, int64_t limit, struct err *e);
struct log_filter {
	const char *kind, *township_code, *shift_id;
	int64_t since, until, limit; /* until 0: no bound */
};
/* Duty entries and incident timeline entries in one chronological log. */
json_t *q_duty_log(struct store *st, const struct log_filter *f, struct err *e);
json_t *q_tasks(struct store *st, bool open_only, struct err *e);
json_t *q_warnings_in_force(struct store *st, int64_t now, struct err *e);
/* The audit trail since a time, of one record (id, number or code) or all. */
json_t *q_audit(struct store *st, int64_t since, const char *record, int64_t limit,
		struct err *e);
/* New incidents received in [from, to) by class: [{class, n}]. */
json_t *q_shift_figures(struct store *st, int64_t from, int64_t to, struct err *e);
/* Incidents that look like the same call: [{number, title}]. */
json_t *q_duplicates(struct store *st, const char *type, const char *township,
		     const char *phone, int64_t at, int window, struct err *e);
/* Times as local ISO strings, flags as booleans (what every q_ list does). */
void q_present(json_t *rows_or_row);
/* The one field key of object o, when it is an integer time, as local ISO
 * 8601 text (in place): for times whose names q_present does not know. */
void q_present_time(json_t *o, const char *key);
json_t *q_present_all(json_t *rows); /* the same for an array; returns it */

/* ---- resources ---- */
json_t *q_depots(struct store *st, struct err *e);
json_t *q_items(struct store *st, const char *category, struct err *e);
/* types / fields: blank-separated lists, or NULL for all; the township's
 * own come first. */
json_t *q_teams(struct store *st, const char *types, const char *township_code,
		bool available_only, struct err *e);
json_t *q_experts(struct store *st, const char *fields, const char *township_code,
		  struct err *e);
/* The last limit movements of an item in a depot with the balance after
 * each (in, out, balance), oldest first. */
json_t *q_stock_card(struct store *st, const char *depot_id, const char *item_id, int64_t limit,
		     struct err *e);
/* The contact book as it is imported: [{name, org, post, phone,
 * township, group, mobile, phones}] in the order entered. */
json_t *q_contact_book(struct store *st, struct err *e);
/* ---- the contact book (src/store/contacts.c) ---- */
/* Contacts of a group and township (each may be NULL: all), by group
 * (county leaders first, then township leaders, departments, 灾害信息员,
 * monitors, teams), then township (county-wide first), then as entered:
 * [{id, name, grp, org, post, phone, mobile, phones, township,
 * township_code, notes}]. */
json_t *q_contacts(struct store *st, const char *grp, const char *township_code, struct err *e);
/* Contacts key names: by id (or its first 8 or more characters), exact
 * name, or one of their numbers; the same rows as q_contacts, at most 20. */
json_t *q_contact_lookup(struct store *st, const char *key, struct err *e);
/* Where contact id appears: {hazards: [{id, code, name, kind}], teams:
 * [{id, code, name}], calls: [{at, incident, text, author}] newest first}. */
json_t *q_contact_appears(struct store *st, const char *id, struct err *e);
/* The people of table ("hazard": monitors, "team": leaders) not yet linked
 * to the contact they are: [{id, name, phone, township_code, org}]. */
json_t *q_contact_people(struct store *st, const char *table, struct err *e);
/* Stock on hand per lot, as it is imported: [{depot, item, qty, batch,
 * expiry}] by depot and item codes, then expiry. */
json_t *q_lots_on_hand(struct store *st, struct err *e);
/* The latest version of each plan: [{id (the plan key), title, version,
 * active (open activations of any version)}] by key. */
json_t *q_plan_library(struct store *st, struct err *e);
/* Open activations, first started first, with their progress: [{id,
 * plan, title, level, drill, incident, started_at (UTC seconds), items,
 * done}]. */
json_t *q_open_activations(struct store *st, struct err *e);
/* What an incident was sent and what came back, per item. */
json_t *q_incident_stock(struct store *st, const char *incident_id, struct err *e);

/* Choices for a picker: [{id, label}] of "township", "village" (label
 * "村 · 乡镇"), "type", "depot", "item" or "open_incident". */
json_t *q_choices(struct store *st, const char *what, struct err *e);

/* Resolve a person's words to codes/ids; false with a message if none. */
bool q_township(struct store *st, const char *text, char code[16], struct err *e);
/* A county node's area: the division named (name or code) that is not a
 * township or below, every township under it with a code beginning with
 * its own (the hub's scope of the area is by code). */
bool q_area(struct store *st, const char *text, char code[16], struct err *e);
bool q_village(struct store *st, const char *township_code, const char *text, char code[16],
	       struct err *e);
bool q_incident_type(struct store *st, const char *text, char id[64], struct err *e);
/* The id of the record of table ref whose code is text (or whose id is). */
bool q_ref(struct store *st, const char *ref, const char *text, char id[ID_TEXT], struct err *e);

/* ---- lookups the domain makes before it writes (src/store/lookup.c) ----
 * Rows as stored (times as UTC seconds, flags as 0/1), not presented.
 * Every json_t returned is a new reference the caller releases (json_decref);
 * NULL on error. Heap strings (char *) are the caller's to free(). */

/* The office's place name: the township's, or the county's when
 * township_code is "" or NULL. Heap string; NULL when there is none. */
char *store_office_name(struct store *st, const char *township_code);
/* A division's name by its code. Heap string; NULL when there is none. */
char *store_division_name(struct store *st, const char *code);

/* The incident with that number (or id): {id, status, township_code},
 * or json null. */
json_t *store_incident_find(struct store *st, const char *number, struct err *e);
/* How many timeline entries of that kind an incident has. */
bool store_timeline_count(struct store *st, const char *incident_id, const char *kind,
			  int64_t *n, struct err *e);
/* The incident's timeline entries whose id starts with prefix, or the
 * entry at a position ("#3", or "3"), counted from 1 in the timeline's
 * order: [{id, kind}]. */
json_t *store_timeline_prefix(struct store *st, const char *incident_id, const char *prefix,
			      struct err *e);

/* The live hazard with that code (or id): {id, code, name, kind, subtype,
 * township_code, village_code, address, lon, lat}, or json null. */
json_t *store_hazard_find(struct store *st, const char *code, struct err *e);
/* A hazard's live households that text names: by id, the first 8 or more
 * characters of an id, or the head's name: [{id, head, ev}] by id (ev:
 * 1 when evacuated). */
json_t *store_households_matching(struct store *st, const char *hazard_id, const char *text,
				  struct err *e);
/* Every live household of a hazard: [{id, ev}] by id. */
json_t *store_households_evacuated(struct store *st, const char *hazard_id, struct err *e);
/* Live defects whose id is prefix or (8 characters or more) starts with
 * it: [{id, state}], at most 3. */
json_t *store_defects_prefix(struct store *st, const char *prefix, struct err *e);

/* How many items the catalogue holds. */
bool store_item_count(struct store *st, int64_t *n, struct err *e);
/* Live depots with the item (by code) on hand, nearest first: the
 * township's, the county depot, the others; only depot_code when it is
 * not NULL: [{depot_code, depot, item_code, item, unit, available}]. */
json_t *store_depots_holding(struct store *st, const char *item_code,
			     const char *township_code, const char *depot_code, struct err *e);

/* The stored id of a plan's version (*id: heap string, NULL when that
 * version is not stored). */
bool store_plan_version_id(struct store *st, const char *plan_key, const char *version,
			   char **id, struct err *e);
/* The latest live version of a plan by key, or one version by id:
 * {id, plan_key, version, title, source}, or json null. */
json_t *store_plan_latest(struct store *st, const char *key, struct err *e);
/* Activations whose id starts with handle or whose incident's number is
 * handle, latest first: [{id, plan_id, plan_key, title, version, level,
 * drill, started_at, closed_at, summary, incident}]. */
json_t *store_activations_matching(struct store *st, const char *handle, struct err *e);
/* How many activations of the plan are open for the incident. */
bool store_plan_open_count(struct store *st, const char *incident_id, const char *plan_key,
			   int64_t *n, struct err *e);
/* The ids of the open activations: [{id}]. */
json_t *store_open_activation_ids(struct store *st, struct err *e);
/* An activation's live checklist in order: [{id, item_key, parent_key,
 * level, ord, text, unit, within_min, after_key, state, reason, done_at,
 * done_by, started_at, after_done_at}]. */
json_t *store_checklist(struct store *st, const char *activation_id, struct err *e);
/* The place after an activation's last checklist item (0 when empty). */
bool store_checklist_next_ord(struct store *st, const char *activation_id, int64_t *ord,
			      struct err *e);
/* How many live checklist items are open, over every open response. */
bool store_checklist_open_count(struct store *st, int64_t *n, struct err *e);

/* Live tasks whose id starts with prefix: [{id, done_at}], at most 2. */
json_t *store_tasks_prefix(struct store *st, const char *prefix, struct err *e);

/* ---- for the console's ':' line (src/store/complete.c) ---- */
/* What Tab offers for a value: at most limit strings of "incident"
 * (numbers that contain prefix, those that start with it first),
 * "township", "village", "type" (names or codes), "hazard", "depot",
 * "item" (codes), "plan" (keys) or "activation" (open ones' ids) that
 * start with prefix. */
json_t *q_candidates(struct store *st, const char *what, const char *prefix, int limit,
		     struct err *e);

#endif
