/* What the verbs share: option values, messages, the deadline rules, and
 * output as aligned text or JSON. Private to src/cmd. */
#ifndef DUTYDESK_CMD_IMPL_H
#define DUTYDESK_CMD_IMPL_H

#include <jansson.h>
#include <stdio.h>

#include "dutydesk/cmd.h"
#include "dutydesk/model.h"
#include "dutydesk/query.h"
#include "dutydesk/store.h"

/* Text of option name, or NULL when not given. */
const char *cmd_opt(struct cmd_ctx *c, const char *name);
/* Parses option name as column col of table t (messages name the option).
 * New reference, or NULL with c->err set. */
json_t *cmd_value(struct cmd_ctx *c, const struct table *t, const char *col, const char *name);
/* The deadline rules: the face's, else loaded once for this context (and
 * freed with it). NULL with c->err set when they cannot be read. */
const struct deadline_rules *cmd_rules(struct cmd_ctx *c);
/* A message (a warning, a row that was skipped) to c->msg, the CLI's
 * stderr. The CLI makes control and escape bytes in it harmless. */
void cmd_say(struct cmd_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The stream for data (JSON, CSV), after what was written as text. */
FILE *cmd_data(struct cmd_ctx *c);
/* Option name as a whole number from min to max, into *out; left as it
 * is when the option is not given. False with a usage error naming what
 * was expected ("a whole number above 0"). */
bool cmd_number(struct cmd_ctx *c, const char *name, long long min, long long max,
		const char *expected, long long *out);
/* --limit N: at most N rows (from 1). */
bool cmd_limit(struct cmd_ctx *c, long long *limit);
/* --township NAME|CODE as its code (in code), *out pointing at it; *out
 * NULL when not given. False with the message naming --township. */
bool cmd_township(struct cmd_ctx *c, char code[16], const char **out);

/* ---- output (output.c) ---- */
struct out_col {
	const char *key, *head; /* head NULL: the key heads the column */
	bool right;             /* aligned right (numbers) */
	int max;                /* cells; 0: no cap */
	bool as_is;             /* never an enumeration's name, whatever the key */
};
/* An aligned table of rows by display width, or a JSON array with --json. */
void out_table(struct cmd_ctx *c, json_t *rows, const struct out_col *cols, size_t ncols);
/* A query's rows (taken) as out_table; false when rows is NULL (the query
 * failed, c->err set). */
bool out_rows(struct cmd_ctx *c, json_t *rows, const struct out_col *cols, size_t ncols);
/* The same with their times and flags presented first. */
bool out_list(struct cmd_ctx *c, json_t *rows, const struct out_col *cols, size_t ncols);
/* One record as "key: value" lines, or a JSON object with --json. */
void out_record(struct cmd_ctx *c, json_t *obj, const struct out_col *cols, size_t ncols);
/* Rows as CSV for spreadsheet programs: a UTF-8 BOM, the header (heads,
 * or the keys when heads is NULL), CRLF line ends, RFC 4180 quoting. */
void out_csv(struct cmd_ctx *c, json_t *rows, const char *const *keys,
	     const char *(*head)(const char *key));
/* One sheet of a workbook: rows (not taken) under the columns keys
 * (NULL-terminated), headed by heads[j] when heads is given, else by
 * head(key), else by the keys. */
struct out_sheet {
	const char *name;
	json_t *rows;
	const char *const *keys;
	const char *(*head)(const char *key);
	const char *const *heads;
};
/* The sheets as an .xlsx workbook to the data stream, or to path (whole
 * or not at all) when it is not NULL: numbers as numbers, dates and our
 * times as dates, text as text (never a formula, so it needs no guard), a
 * bold frozen header row, columns as wide as their text in display cells.
 * False with c->err set when it cannot be written, or when it would go to
 * a terminal. */
bool out_xlsx(struct cmd_ctx *c, const char *path, const struct out_sheet *sheets, size_t n);
/* hazard template --format xlsx: the register sheet of a kind (columns
 * cols, Chinese headers unless english) and a sheet explaining each column. */
bool hazard_template_xlsx(struct cmd_ctx *c, const char *kind, const char *const *cols,
			  bool english);
/* An export: rows (taken) as --format csv (the default), xlsx or json;
 * false with c->err set on an unknown format. */
bool out_export(struct cmd_ctx *c, json_t *rows, const char *const *keys,
		const char *(*head)(const char *key));
/* An import's outcome: its bad rows as messages ("skipped: " first when
 * skip_bad), then, when ok, the counts. Frees r->errors; returns ok. */
bool out_import(struct cmd_ctx *c, bool ok, struct import_result *r, bool skip_bad);
/* The bad rows (taken; "skipped: " first when skip_bad) to the messages,
 * then the notes (taken): to the output when ok, else to the messages.
 * Returns how many bad rows there were. */
size_t out_import_messages(struct cmd_ctx *c, bool ok, json_t **errors, json_t **notes,
			   bool skip_bad);
/* Rows' status entries of a closing without a remark, whose text ends in
 * "closed" (an incident's timeline, the duty log), in the interface's
 * words; --json keeps them. */
void out_closed_words(struct cmd_ctx *c, json_t *rows);
/* A JSON value, pretty, UTF-8 unescaped, to the data stream. */
void out_json(struct cmd_ctx *c, json_t *v);
/* The same for a value made to be shown (taken): always true, so that a
 * verb can end with return out_json_new(c, v). */
bool out_json_new(struct cmd_ctx *c, json_t *v);
/* A value as display text (heap string). */
char *out_text(json_t *v);

/* ---- the entries, one per verb (cmd_*.c); cmd.c lists them ---- */
/* init --shared GROUP [--viewers GROUP] (cmd_share.c): the database
 * shared once it is made, and what was done said. */
bool cmd_share_after_init(struct cmd_ctx *c);
void cmd_say_shared(struct cmd_ctx *c);
extern const struct cmd cmd_share, cmd_officer_name, cmd_officer_list;
extern const struct cmd cmd_init, cmd_demo, cmd_stats, cmd_overview, cmd_backup, cmd_restore,
	cmd_incident_add, cmd_incident_list, cmd_incident_show, cmd_incident_note,
	cmd_incident_correct, cmd_incident_close, cmd_incident_move, cmd_incident_dispatch, cmd_hazard_list,
	cmd_hazard_show, cmd_hazard_add, cmd_hazard_inspect, cmd_hazard_households,
	cmd_hazard_evacuate, cmd_hazard_defect, cmd_hazard_defects, cmd_hazard_verify,
	cmd_hazard_overdue, cmd_hazard_template, cmd_hazard_export, cmd_hazard_import,
	cmd_stock_list, cmd_stock_receive, cmd_stock_issue, cmd_stock_transfer, cmd_stock_adjust,
	cmd_stock_writeoff, cmd_stock_return, cmd_stock_card, cmd_stock_alerts, cmd_shift_start,
	cmd_shift_handover, cmd_shift_ack, cmd_shift_current, cmd_shift_show, cmd_shift_list,
	cmd_log_add, cmd_log_list, cmd_task_list, cmd_task_done, cmd_task_due, cmd_report_incident,
	cmd_report_daily, cmd_report_shift, cmd_audit, cmd_depot_list, cmd_item_list,
	cmd_team_list, cmd_expert_list, cmd_who, cmd_import, cmd_export, cmd_plan_list,
	cmd_plan_show, cmd_plan_validate, cmd_plan_load, cmd_plan_activate, cmd_plan_raise,
	cmd_plan_check, cmd_plan_status, cmd_plan_close, cmd_plan_report, cmd_warning_add, cmd_warning_list,
	cmd_warning_points, cmd_sms_recipients, cmd_sms_send, cmd_sms_status,
	cmd_sms_reply, cmd_sms_run, cmd_sync, cmd_conflicts_resolve, cmd_conflicts,
	cmd_roster_import, cmd_roster_show, cmd_roster_today, cmd_contact_list,
	cmd_contact_search, cmd_contact_show, cmd_contact_add, cmd_contact_edit, cmd_contact_call,
	cmd_contact_link, cmd_divisions_import, cmd_divisions_list;

/* The options of every sheet read (import, hazard import, roster import),
 * and --dry-run. */
#define SHEET_OPTS \
	{"sheet", "NAME", NULL, N_("the workbook's sheet (default: the first with known headers)")}, \
	{"encoding", "ENC", NULL, N_("of a CSV: utf-8, gbk, gb18030 or utf-16 (default: by content)")}, \
	{"dry-run", NULL, NULL, N_("check every row and report; write nothing")},
/* The options every import of records takes (import, hazard import). */
#define IMPORT_OPTS \
	SHEET_OPTS \
	{"blank-clears", NULL, NULL, N_("an empty cell empties the stored value (default: keeps it)")},

#endif
