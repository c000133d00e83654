/* The domain: turning what a person typed into valid records, and the
 * operations of a watch. No SQL and no curses here. Every operation below
 * expects the caller to hold a transaction (store_begin): one command, one
 * transaction, all or nothing. */
#ifndef DUTYDESK_MODEL_H
#define DUTYDESK_MODEL_H

#include <jansson.h>

#include "dutydesk/deadline.h"
#include "dutydesk/query.h"
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
/* A list typed into one field as one "a,b,c" text: split at commas (also
 * the Chinese ，and 、), blanks around each trimmed. False, the field left
 * as it was, when an element is empty. */
bool list_normalise(json_t *fields, const char *key);
/* Every required column of t present and not null. */
bool fields_complete(const struct table *t, json_t *fields, struct err *e);
/* What a lookup of a what by key returned (r, taken when false): true when
 * it found one; false when the lookup failed (e set) or found none (r
 * released, e: "incident '永和-2026-0007': no such incident"). */
bool record_found(json_t *r, const char *what, const char *key, struct err *e);

/* ---- data files ---- */
/* Full path of a shipped data file (DUTYDESK_DATA, the installed data
 * folder, then the source tree); heap string or NULL when not found. */
char *data_path(const char *rel);
/* Loads a CSV whose header names columns of t (or their input aliases);
 * fixed (may be NULL) adds the same fields to every row. Errors name
 * file:line, the column and the value. */
bool import_csv(struct store *st, const struct table *t, const char *path, json_t *fixed,
		int *count, struct err *e);
/* An import of a whole file: every row checked, every bad row reported
 * (file:line: column: value: what was expected), nothing kept unless all
 * are good; a row whose code exists updates that record (re-importing
 * changes nothing twice); two rows with one code are an error. errors is
 * a new array the caller frees. */
struct import_result {
	int rows, inserted, updated;
	int kept;      /* empty cells that left a stored value as it was */
	json_t *errors;
	json_t *notes; /* what was read and how: rows skipped, cells filled, values changed */
};
struct import_opts {
	const char *encoding; /* utf-8, gbk, gb18030, utf-16; NULL or "auto": by content */
	const char *sheet;    /* a workbook's sheet; NULL: the first with known headers */
	bool skip_bad;        /* keep the good rows, report the bad ones */
	bool to_verify;       /* mark new and changed rows "to verify" (hazards) */
	bool blank_clears;    /* an empty cell empties the stored value */
	/* When set, each good row's fields (and its extra headers' text) go
	 * to take instead of being written; where is "file:sheet:row". A
	 * false return makes the row bad, with e's message. */
	bool (*take)(void *ctx, json_t *fields, json_t *extra, const char *where, struct err *e);
	void *ctx;
	const char *const *extra; /* headers read as text, not as columns */
};
/* Headers may also be the Chinese names registers use (统一编号, 乡镇,
 * 威胁人数 ...); header_chinese gives the one a column is written as. */
bool import_file(struct store *st, const struct table *t, const char *path, json_t *fixed,
		 const struct import_opts *o, struct import_result *r, struct err *e);
const char *header_chinese(const char *column);

/* ---- cells as clerks type them (src/model/normal.c) ---- */
enum norm_kind {
	NORM_GUARD = 1, NORM_WIDTH = 2, NORM_SPACE = 4, NORM_ABOUT = 8, NORM_UNIT = 16,
	NORM_THOUSANDS = 32, NORM_DMS = 64, NORM_DATE = 128, NORM_SERIAL = 256,
	NORM_TOWNSHIP = 512, NORM_FILL = 1024, NORM_MERGED = 2048,
};
#define NORM_KINDS 12
/* NFKC (heap; a copy when s is not UTF-8). */
char *norm_nfkc(const char *s);
/* A header as matched: NFKC, every space removed (heap). */
char *norm_header(const char *h);
/* A cell's text as column c reads it (heap); *kinds gains what changed. */
char *norm_cell(const struct column *c, const char *raw, unsigned *kinds);
/* What a kind of change is, for the import's report. */
const char *norm_kind_text(unsigned kind);

/* A divisions CSV file (code,name,level,parent_code[,illustrative]), each
 * row checked and against the others and the divisions st knows (parents
 * of the right level, in the file or known, which where names in a
 * message: "at the hub"; a known division keeps its level): the rows to
 * write [{code, name, level, parent_code, illustrative, line}], the new or
 * changed ones, parents first (*added, *changed: how many). NULL with e
 * naming FILE:LINE. Writes nothing. */
json_t *divisions_read(struct store *st, const char *file, const char *where, int *added,
		       int *changed, struct err *e);
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
/* Appends a call made by phone to contact_id (whose name is to) as an
 * action entry of the incident's timeline. */
bool incident_call(struct store *st, const char *number, const char *contact_id, const char *to,
		   const char *text, struct err *e);
bool incident_close(struct store *st, const char *number, const char *text, struct err *e);
/* Moves an incident to another township (township: name or code), with a
 * timeline entry saying so; a township's node refuses it (only the county
 * moves records between townships, see dutydesk/scope.h). */
bool incident_move(struct store *st, const char *number, const char *township, struct err *e);
/* Changes an incident's header fields; a change of casualty figures, and
 * the note if any, also go to the timeline so earlier figures stay on
 * record. *changed says whether anything changed. */
bool incident_edit(struct store *st, const char *number, json_t *fields, const char *note,
		   bool *changed, struct err *e);
/* Changes a hazard's attributes by code. */
bool hazard_edit(struct store *st, const char *code, json_t *fields, bool *changed,
		 struct err *e);

/* Appends a report or note to the timeline: kind first_report,
 * follow_up (numbered 续报一, 续报二 … by itself), final_report,
 * instruction, dispatch, action, note; via (phone, written, fax, system)
 * and to (whom it went to; may be NULL) for reports; figures (deaths,
 * injured, missing, trapped, evacuated, affected, loss_10k; may be NULL)
 * also change the incident's header, the earlier figures staying on
 * record in earlier entries. *seq gets the 续报 number (0 otherwise). */
bool incident_report(struct store *st, const char *number, const char *kind, const char *via,
		     const char *to, const char *text, json_t *figures, int *seq, struct err *e);
/* Strikes an earlier entry (by id or its unique prefix) with a correction;
 * nothing is deleted. */
bool incident_correct(struct store *st, const char *number, const char *entry,
		      const char *text, struct err *e);
/* Likely duplicates of a call being entered (same type and township, or
 * the same caller, within 30 minutes): "永和-2026-0042, ..." or "". */
void incident_duplicates(struct store *st, json_t *fields, char *out, size_t n);

/* ---- deadlines ---- */
/* Loads the rules: $XDG_CONFIG_HOME/dutydesk/deadlines.yaml if present,
 * else the shipped data/deadlines.yaml. */
bool rules_load(struct deadline_rules *r, struct err *e);
/* Adds next_due (UTC seconds), next_due_what, due_rule and overdue to an
 * incident row that has the clock fields of q_incident_clock (raw). */
void incident_due(const struct deadline_rules *r, json_t *row, int64_t now);
/* The next report due of an incident row (its clock columns), without
 * touching the row; false when nothing is due. */
bool incident_next_due(const struct deadline_rules *r, json_t *row, struct due *d);
/* Incidents as q_incident_list, with their next deadline, presented. */
json_t *incident_list(struct store *st, const struct deadline_rules *r,
		      const struct incident_filter *f, struct err *e);
/* Sorts a JSON array in place; cmp compares two json_t *const * (qsort's
 * order, stable for equal elements only as qsort is). */
void rows_sort(json_t *rows, int (*cmp)(const void *a, const void *b));
/* How many incidents have a report overdue (read by pages: a watch over a
 * large database keeps its memory small); -1 when the store could not say. */
int64_t incidents_overdue(struct store *st, const struct deadline_rules *r, int64_t now);
/* Open incidents that owe a report, soonest first, each with next_due
 * and overdue (raw times). */
json_t *incidents_due(struct store *st, const struct deadline_rules *r, int64_t now,
		      struct err *e);

/* ---- shifts, duty log, tasks ---- */
/* Starts a shift; refuses while another is open. */
bool shift_start(struct store *st, const char *officers, const char *leader, struct err *e);
/* Hands the open shift over to `to`: builds and keeps the summary (new
 * reports by class, open incidents with their next deadline, warnings in
 * force, open checklist items, equipment, open tasks with owners, notes)
 * and ends the shift. *summary (may be NULL) gets it (new reference). */
bool shift_handover(struct store *st, const struct deadline_rules *r, const char *to,
		    const char *equipment, const char *notes, json_t **summary, struct err *e);
/* The incoming officer acknowledges the last handover; their shift starts,
 * with leader (may be NULL) as the leader on duty. */
bool shift_ack(struct store *st, const char *name, const char *leader, struct err *e);

/* ---- the duty roster (值班表, src/model/roster.c) ---- */
/* The duty day starts at 08:00 (as the daily report's day); its day shift
 * (白班) runs to 18:00, its night shift (夜班) to 08:00 the next day; a
 * whole day's shift (全天) from 08:00 to 08:00. Minutes after midnight. */
enum { ROSTER_DAY_STARTS = 8 * 60, ROSTER_NIGHT_STARTS = 18 * 60 };
/* A shift is taken over by a shift started (or acknowledged) from an
 * hour before its start; nobody 15 minutes after its start is a task. */
enum { ROSTER_EARLY_MIN = 60, ROSTER_ACK_MIN = 15 };
struct roster_result {
	int rows, shifts;                /* rows read, shifts they give */
	int added, changed, removed, unchanged;
	json_t *months;                  /* "2026-12" -> true: the months replaced */
	json_t *errors, *notes;          /* as struct import_result's */
};
/* Reads a roster sheet (CSV, .xlsx, .xls; o as import_file's): a row a
 * day with 日期, 带班领导 and 值班员 (or 白班 and 夜班, and their leaders),
 * or a row a shift with 班次; each month it names is replaced by it, all
 * or nothing (every bad row reported as file:sheet:row). Free r with
 * roster_result_finish. */
bool roster_import(struct store *st, const char *path, const struct import_opts *o,
		   struct roster_result *r, struct err *e);
void roster_result_finish(struct roster_result *r);
/* The duty day at now ("2026-12-07" until 08:00 on the 8th). */
void roster_duty_day(int64_t now, char day[11]);
/* A shift's name (all, day, night) in the interface's language. */
const char *roster_shift_name(const char *shift);
/* The shift coming in at a handover at now: the first not yet ended to
 * start an hour after the open shift began (one that took over early is
 * the shift it took over), or with no shift open, from an hour before
 * now (q_roster_from's row, json null when none). */
json_t *roster_incoming(struct store *st, int64_t now, struct err *e);
/* The shift under way when nobody took it over 15 minutes after its
 * start (its row, with due_at), else json null; NULL on error. */
json_t *roster_unacked(struct store *st, int64_t now, struct err *e);
/* Adds a duty-log entry (fields typed as T_DUTY_ENTRY); a warning also
 * opens the rules' warning tasks, each due within its minutes. */
bool duty_log_add(struct store *st, const struct deadline_rules *r, json_t *fields,
		  char id[ID_TEXT], struct err *e);
bool task_done(struct store *st, const char *id, struct err *e);
/* Everything the watch owes, soonest first (no time last): each open
 * incident's next report, each open checklist item with a time, each open
 * task. Rows: what (the report owed: first_report, written_report,
 * follow_up, final_report; or checklist, task), due_at, overdue, record
 * (incident number or plan), title, owner, id. The overdue ones are what
 * watch_overdue counts. */
json_t *watch_due(struct store *st, const struct deadline_rules *r, int64_t now, struct err *e);
/* The header's count: incidents with a report overdue, checklist items and
 * tasks past their time; -1 when the store could not say (never a 0 that
 * is not). */
int64_t watch_overdue(struct store *st, const struct deadline_rules *r, int64_t now);
bool hazard_add(struct store *st, json_t *fields, char id[ID_TEXT], struct err *e);
bool hazard_inspect(struct store *st, const char *code, json_t *fields, struct err *e);
/* Ticks one threatened household of the point hazard_code as evacuated
 * (now, by the acting officer: store_set_actor), or with evacuated false
 * clears the tick. household is the household's id (or its first 8 or
 * more characters) or the head of household's name; a name two
 * households of the point share is refused, naming both ids. Ticking an
 * evacuated household again keeps its first time. *changed (may be NULL)
 * says whether anything changed. Synced and audited (rec_update). */
bool hazard_evacuate(struct store *st, const char *hazard_code, const char *household,
		     bool evacuated, bool *changed, struct err *e);
/* The same for every household of the point; *n gets how many changed. */
bool hazard_evacuate_all(struct store *st, const char *hazard_code, bool evacuated, int *n,
			 struct err *e);
/* Opens an incident for an abnormal finding at a point (code or id):
 * linked to it (hazard_id), in its township and village, at its
 * coordinates, its type from the point's kind and type (a landslide
 * point: landslide; a fire unit: building_fire; a gas source: gas_leak;
 * a flood point: flood), reporter (may be NULL: the inspector) and note
 * in the first entry; at (0: now) is when it was found. number gets the
 * incident's number. */
bool hazard_incident(struct store *st, const char *code, const char *reporter, const char *note,
		     int64_t at, char number[64], struct err *e);
/* Clears a hazard's "to verify" mark (set by an import with to_verify). */
bool hazard_verify(struct store *st, const char *code, bool *changed, struct err *e);

/* ---- defects of fire units (and major hazard sources) ---- */
/* Records a defect of the unit hazard_code: fields typed as T_DEFECT
 * (text required; found_at defaults to now; due_at optional, not before
 * found_at); it starts open. id gets its id. */
bool defect_add(struct store *st, const char *hazard_code, json_t *fields, char id[ID_TEXT],
		struct err *e);
/* Moves a defect (its id, or 8 or more of its first characters) to state
 * open, rectifying or rectified (Chinese names too): becoming rectified
 * stamps rectified_at now, any other state clears it. note (NULL: kept;
 * "": cleared) replaces the note. *changed may be NULL. */
bool defect_set(struct store *st, const char *defect, const char *state, const char *note,
		bool *changed, struct err *e);

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
/* A stocktaking correction (qty may be negative: taken from the lots
 * expiring first); a reason is required. */
bool stock_adjust(struct store *st, const char *depot_id, const char *item_id, int64_t qty,
		  const char *reason, struct err *e);
/* Writes off expired stock: every expired lot, or qty of them (first
 * expired first). *written gets the quantity. */
bool stock_writeoff(struct store *st, const char *depot_id, const char *item_id, int64_t qty,
		    const char *reason, int64_t *written, struct err *e);
/* Unused items coming back (from an incident, when incident_id is set). */
bool stock_return(struct store *st, const char *depot_id, const char *item_id, int64_t qty,
		  const char *incident_id, const char *reason, struct err *e);

/* ---- dispatch to an incident ---- */
struct dispatch_line {
	char item_code[64];
	int64_t qty;
};
/* Where the items would come from, nearest first (depots of the incident's
 * township, then the county depot, then the others), or from depot_code
 * only: [{depot_code, depot, item_code, item, qty, unit}]. Refuses, with
 * what is available, when the depots together hold too little. */
json_t *dispatch_plan(struct store *st, const char *number, const struct dispatch_line *lines,
		      size_t n, const char *depot_code, struct err *e);
/* Issues the plan's movements to the incident and adds one dispatch entry
 * to its timeline, in the caller's transaction. */
bool dispatch_commit(struct store *st, const char *number, json_t *plan, const char *note,
		     struct err *e);

/* ---- plans ---- */
/* Where the plan library is: $DUTYDESK_PLANS, the installed plans/, or
 * the source tree's. Heap string. */
char *plans_dir(void);
/* Keeps a snapshot of a plan version (the same version is kept once). */
bool plan_store(struct store *st, json_t *plan, char id[ID_TEXT], bool *is_new, struct err *e);
/* Validates and stores every plan of the library; a broken file is left
 * out whole and its problems appended to problems. */
bool plans_load_library(struct store *st, int *loaded, json_t *problems, struct err *e);
/* The stored plan (latest version by key, or by stored id); new ref. */
json_t *plan_get(struct store *st, const char *key, struct err *e);
/* An activation by id (or its start) or by incident number (its open
 * one): id, plan_key, title, level, drill, incident, started_at, ... */
json_t *activation_get(struct store *st, const char *handle, struct err *e);
/* Activates a plan at a level for an incident, or as a drill (number
 * NULL): the checklist is made from the stored plan version. */
bool plan_activate(struct store *st, const char *key, const char *level, const char *number,
		   bool drill, char id[ID_TEXT], struct err *e);
/* Raises the response level: the new levels' items are added, what was
 * done stays done. */
bool plan_raise(struct store *st, const char *handle, const char *level, struct err *e);
/* The checklist: items with due (UTC seconds or null), overdue, took_min;
 * progress {total, done, overdue}. */
json_t *plan_status(struct store *st, const char *handle, int64_t now, struct err *e);
json_t *plan_items(struct store *st, const char *activation_id, struct err *e);
/* Ticks an item: done, prev_done, na (reason required) or open again; a
 * parent is done only when its substeps are, and is done by itself when
 * the last of them is. Every tick is recorded and goes to the timeline. */
bool plan_check(struct store *st, const char *handle, const char *item_key, const char *state,
		const char *reason, struct err *e);
bool plan_close(struct store *st, const char *handle, const char *summary, struct err *e);
/* Open checklist items past their time, over every open activation; -1
 * when the store could not say. */
int64_t plans_overdue(struct store *st, int64_t now);

/* ---- who to call ---- */
/* Teams and experts for an incident type in a township (the township's
 * own, then county-wide): {teams: [...], experts: [...]}, from
 * data/responders.csv. */
json_t *responders(struct store *st, const char *type, const char *township_code,
		   struct err *e);

/* ---- the contact book (src/model/contact.c) ----
 * One person, one record: a hazard's monitor and a team's leader are the
 * contact they name (hazard.monitor_contact_id, team.leader_contact_id),
 * their name and number on the hazard and the team kept as copies. */
/* The contacts (of group grp and township, each may be NULL) that text
 * finds: in the name, unit, post or notes, in a number, or as pinyin
 * initials of the name, unit or post (`zsj`: 张书记), or as surname and
 * post (`zsj` and 张书记 find 张建军, 县委书记); the name's finds first.
 * Every row gains "initials" (of the name). text NULL or "": all. */
json_t *contact_search(struct store *st, const char *text, const char *grp,
		       const char *township_code, struct err *e);
/* The one contact key names (id or its first 8 characters or more, exact
 * name, or a number), with where it appears (q_contact_appears). NULL
 * with e naming the key when none, or several, are found (their ids). */
json_t *contact_get(struct store *st, const char *key, struct err *e);
/* Adds a contact (fields typed as T_CONTACT; numbers in phones split as
 * list_normalise does); refuses one already in the book (the same name
 * and a number in common, or both without numbers). */
bool contact_add(struct store *st, json_t *fields, char id[ID_TEXT], struct err *e);
/* Changes a contact; the hazards and teams that name it follow (the name,
 * and the number when theirs is no longer one of its). */
bool contact_edit(struct store *st, const char *key, json_t *fields, bool *changed,
		  struct err *e);
/* Links every hazard monitor and team leader to their contact: the one of
 * the same name that has their number (or, without a number, of the same
 * name), else a new one (group monitor or team). *created and *linked (may
 * be NULL) count what was done. */
bool contact_link_people(struct store *st, int *created, int *linked, struct err *e);
/* The same for a hazard or team about to be inserted (fields typed as its
 * table): sets its monitor_contact_id or leader_contact_id, so that the
 * record is written once. Other tables, or no person named: nothing. */
bool contact_link_fields(struct store *st, const struct table *t, json_t *fields, int *created,
			 int *linked, struct err *e);
/* Logs a call to the contact key names: outcome (required) and, when
 * number names an incident, to its timeline (an action, by phone, to the
 * contact), else to the duty log (about: what it was about, may be NULL).
 * who (n bytes) gets the contact's name. */
bool contact_call(struct store *st, const struct deadline_rules *r, const char *key,
		  const char *number, const char *about, const char *outcome, char *who,
		  size_t n, struct err *e);

#endif
