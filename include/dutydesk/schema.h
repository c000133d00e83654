/* What each synced table holds, as data: columns, their types and allowed
 * values. The record writer builds its SQL from this (names come only from
 * here, never from input), importers and the CLI validate with it, and sync
 * will apply remote ops with it. */
#ifndef DUTYDESK_SCHEMA_H
#define DUTYDESK_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An enumerated value: stable identifier, Chinese and English names. */
struct enum_value {
	const char *id, *zh, *en;
};

enum col_type {
	CT_TEXT,     /* UTF-8 text */
	CT_INT,      /* whole number in [min, max] */
	CT_REAL,     /* decimal number in [min, max] */
	CT_BOOL,     /* 0/1; also yes/no, true/false, 是/否 */
	CT_TIME,     /* a time, stored as UTC seconds */
	CT_DATE,     /* a calendar date YYYY-MM-DD */
	CT_ENUM,     /* one of values[] (id, or the Chinese or English name) */
	CT_TOWNSHIP, /* township name or code -> code */
	CT_VILLAGE,  /* village name or code -> code (within the township) */
	CT_TYPE,     /* incident type id or Chinese name -> id */
	CT_REF,      /* code of a record in table ref -> its id */
};

struct column {
	const char *name;  /* column in SQL and key in ops */
	enum col_type type;
	const char *input; /* name in CSV headers / CLI, if not name */
	const struct enum_value *values; /* CT_ENUM, NULL-terminated */
	const char *ref;   /* CT_REF: the table referred to */
	double min, max;   /* CT_INT / CT_REAL bounds */
	bool required;
};

struct table {
	const char *name;
	bool append_only;
	const struct column *cols;
	size_t ncols;
	const char *code_col; /* the human key ("code", "number"), or NULL */
};

extern const struct table T_CONTACT, T_HAZARD, T_HOUSEHOLD, T_INSPECTION, T_SHIFT, T_INCIDENT,
	T_TIMELINE, T_DEPOT, T_ITEM, T_STOCK_MOVEMENT, T_TEAM, T_EXPERT, T_PLAN, T_PLAN_ACTIVATION,
	T_CHECKLIST_ITEM, T_CHECKLIST_TICK, T_DUTY_ENTRY, T_TASK, T_DEFECT;
/* The columns of a roster sheet (not synced, not in table_all). */
extern const struct table T_ROSTER;

const struct table *table_by_name(const char *name);
/* Every synced table, parents before the tables that refer to them. */
const struct table *const *table_all(size_t *n);
/* By SQL name or input alias. */
const struct column *table_column(const struct table *t, const char *name);

/* Enumerations shared by the CLI, importers and display. */
extern const struct enum_value ENUM_LEVEL[], ENUM_INCIDENT_STATUS[], ENUM_HAZARD_KIND[],
	ENUM_SCALE[], ENUM_GEO_SUBTYPE[], ENUM_FIRE_SUBTYPE[], ENUM_MAJOR_SUBTYPE[],
	ENUM_FLOOD_SUBTYPE[], ENUM_HAZARD_STATUS[],
	ENUM_INSPECTION_KIND[], ENUM_RESULT[], ENUM_ITEM_CATEGORY[], ENUM_MOVEMENT_KIND[],
	ENUM_DEPOT_LEVEL[], ENUM_TEAM_TYPE[], ENUM_EXPERT_FIELD[], ENUM_TIMELINE_KIND[], ENUM_CLASS[], ENUM_CHANNEL[],
	ENUM_VIA[], ENUM_DUTY_KIND[], ENUM_COLOUR[], ENUM_DANGER[], ENUM_DEFECT_STATE[],
	ENUM_ROSTER_SHIFT[], ENUM_CONTACT_GROUP[];

/* Finds a value by id, Chinese or English name (case-insensitive). */
const struct enum_value *enum_find(const struct enum_value *vals, const char *text);
/* "a|b|c" of the ids, for messages (static buffer per call site is fine). */
const char *enum_ids(const struct enum_value *vals, char *buf, size_t n);
/* The display name of id in Chinese (zh true) or English; id if unknown. */
const char *enum_label(const struct enum_value *vals, const char *id, bool zh);

#endif
