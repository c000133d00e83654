/* Reporting deadlines: a rules table read from YAML (data/deadlines.yaml),
 * and the next report due for an incident. Pure computation, no SQL. */
#ifndef DUTYDESK_DEADLINE_H
#define DUTYDESK_DEADLINE_H

#include <stdbool.h>
#include <stdint.h>

#include "dutydesk/util.h"

#define RULE_TYPES 16
#define RULE_TIMES 6

struct deadline_rule {
	char id[48];
	char source[320];
	char cls[32];                  /* "" matches every class */
	char types[RULE_TYPES][32];    /* none: every type */
	int ntypes;
	unsigned levels;               /* bit per level: I II III IV pending */
	int first_min, written_min;    /* 0: no such deadline */
	int follow_at[RULE_TIMES];     /* minutes after local midnight */
	int nfollow;
	int final_min;                 /* after closing */
};

#define WARNING_TASKS 8
/* A task a received warning opens, due within some minutes. */
struct warning_task {
	char title[160];
	int within_min;
};

struct deadline_rules {
	struct deadline_rule *rules;
	int n;
	struct warning_task tasks[WARNING_TASKS];
	int ntasks;
};

/* Reads a rules file; on any problem nothing is kept and e says
 * "file:line:column: rules[2].first_report: expected a duration like 30m". */
bool deadline_rules_load(const char *path, struct deadline_rules *out, struct err *e);
void deadline_rules_finish(struct deadline_rules *r);

/* What the deadline computation needs to know of an incident. Times are
 * UTC seconds; 0 means "not yet". */
struct incident_clock {
	const char *cls, *type, *level; /* level "I".."IV" or "pending" */
	bool closed;
	int64_t received_at, closed_at;
	int64_t first_report_at;   /* first 首报 entry */
	int64_t written_at;        /* first written report (首报 in writing) */
	int64_t last_report_at;    /* latest 首报 or 续报 */
	int64_t final_at;          /* 终报 */
};

struct due {
	const char *what; /* "first_report", "written_report", "follow_up", "final_report" */
	int64_t at;
	const char *rule; /* id of the rule that set it */
};

/* The earliest report still owed; false when none is. */
bool deadline_next(const struct deadline_rules *r, const struct incident_clock *c,
		   struct due *out);

#endif
