/* Reads of the hazard registers: one filter for the CLI's lists and
 * exports, the console's list, summary line and map, so that what is
 * exported is exactly what the screen shows. */
#include "store_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dutydesk/dtime.h"
#include "dutydesk/query.h"

const char *hazard_danger(int64_t people)
{
	return people >= 1000 ? "huge" : people >= 500 ? "large" : people >= 100 ? "medium"
									   : "small";
}

bool flood_season(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	return tm.tm_mon >= 5 && tm.tm_mon <= 8; /* 1 June to 30 September */
}

static const struct {
	const char *kind;
	int flood_days, other_days;
} intervals[] = {
	{"geohazard", 7, 30},
	{"fire_unit", 30, 30},
	{"major_source", 15, 30},
	{"flood_point", 7, 90},
};

int hazard_interval_days(const char *kind, int64_t now)
{
	for (size_t i = 0; i < ARRAY_LEN(intervals); i++)
		if (str_eq(intervals[i].kind, kind))
			return flood_season(now) ? intervals[i].flood_days : intervals[i].other_days;
	return 30;
}

bool hazard_overdue(const char *kind, const char *status, json_t *last, int64_t now)
{
	return str_eq(status, "registered") &&
	       (!json_is_integer(last) ||
		json_integer_value(last) + 86400LL * hazard_interval_days(kind, now) < now);
}

/* When each kind was last due: now less its interval, as a CASE over
 * x.kind with the cut-offs bound. */
static void overdue_sql(struct strbuf *w, json_t *binds, int64_t now)
{
	sb_puts(w, "coalesce((SELECT max(i.at) FROM inspection i WHERE i.hazard_id = x.id), 0)"
		   " < CASE x.kind");
	for (size_t i = 0; i < ARRAY_LEN(intervals); i++) {
		json_array_append_new(binds, json_string(intervals[i].kind));
		sb_printf(w, " WHEN ?%zu", json_array_size(binds));
		json_array_append_new(
			binds, json_integer(now - 86400LL * hazard_interval_days(intervals[i].kind, now)));
		sb_printf(w, " THEN ?%zu", json_array_size(binds));
	}
	sb_puts(w, " END AND x.status = 'registered'");
}

/* Appends " AND <lhs> ?N" with the value bound as parameter N. */
static void cond(struct strbuf *w, json_t *binds, const char *lhs, json_t *v)
{
	json_array_append_new(binds, v);
	sb_printf(w, " AND %s ?%zu", lhs, json_array_size(binds));
}

void hazard_filter_sql(const struct hazard_filter *f, struct strbuf *w, json_t *binds)
{
	int64_t now = f->now ? f->now : dd_now();
	sb_puts(w, "x.archived = 0");
	if (f->kind)
		cond(w, binds, "x.kind =", json_string(f->kind));
	if (f->township_code)
		cond(w, binds, "x.township_code =", json_string(f->township_code));
	if (f->subtype)
		cond(w, binds, "x.subtype =", json_string(f->subtype));
	if (f->scale)
		cond(w, binds, "x.scale =", json_string(f->scale));
	if (f->status)
		cond(w, binds, "x.status =", json_string(f->status));
	if (f->danger) {
		static const struct {
			const char *id;
			int lo, hi;
		} g[] = {{"huge", 1000, 2000000000}, {"large", 500, 999}, {"medium", 100, 499},
			 {"small", 0, 99}};
		for (size_t i = 0; i < ARRAY_LEN(g); i++)
			if (str_eq(g[i].id, f->danger)) {
				sb_puts(w, " AND x.kind = 'geohazard'");
				cond(w, binds, "x.people >=", json_integer(g[i].lo));
				cond(w, binds, "x.people <=", json_integer(g[i].hi));
			}
	}
	if (f->to_verify)
		sb_puts(w, " AND x.to_verify = 1");
	if (f->overdue) {
		sb_puts(w, " AND ");
		overdue_sql(w, binds, now);
	}
	if (f->in_warning) {
		json_array_append_new(binds, json_integer(now));
		sb_printf(w, " AND x.kind = 'geohazard' AND x.status = 'registered' AND EXISTS"
			     " (SELECT 1 FROM duty_entry wn WHERE wn.kind = 'warning'"
			     " AND wn.area_codes IS NOT NULL"
			     " AND instr(',' || wn.area_codes || ',', ',' || x.township_code || ',') > 0"
			     " AND coalesce(wn.valid_from, wn.at) <= ?%zu"
			     " AND (wn.valid_until IS NULL OR wn.valid_until > ?%zu))",
			  json_array_size(binds), json_array_size(binds));
	}
}

/* The inspection clock of a hazard row (raw times, before q_present):
 * inspect_every_days, next_inspection_at (null when never inspected) and
 * overdue (registered and past it, or never inspected). */
static void inspection_due(json_t *r, int64_t now)
{
	const char *kind = json_string_value(json_object_get(r, "kind"));
	int every = hazard_interval_days(kind, now);
	json_t *last = json_object_get(r, "last_inspected_at");
	const char *status = json_string_value(json_object_get(r, "status"));
	int64_t next = json_is_integer(last) ? json_integer_value(last) + 86400LL * every : 0;
	json_object_set_new(r, "inspect_every_days", json_integer(every));
	json_object_set_new(r, "next_inspection_at", next ? json_integer(next) : json_null());
	json_object_set_new(r, "overdue", json_boolean(hazard_overdue(kind, status, last, now)));
}

/* Adds the danger grade of geological hazard points and the inspection
 * clock of every row. */
static json_t *with_danger(json_t *rows, int64_t now)
{
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		if (str_eq(json_string_value(json_object_get(r, "kind")), "geohazard"))
			json_object_set_new(r, "danger", json_string(hazard_danger(
				json_integer_value(json_object_get(r, "people")))));
		inspection_due(r, now);
	}
	return rows;
}

/* Runs "SELECT cols FROM hazard x ... WHERE <filter> tail". */
static json_t *filtered(struct store *st, const char *cols, const struct hazard_filter *f,
			const char *tail, struct err *e)
{
	struct strbuf sql;
	sb_init(&sql);
	json_t *binds = json_array();
	sb_printf(&sql, "SELECT %s FROM hazard x" DIVISION_JOINS " WHERE ", cols);
	hazard_filter_sql(f, &sql, binds);
	sb_puts(&sql, tail);
	if (f->limit > 0) {
		json_array_append_new(binds, json_integer(f->limit));
		sb_printf(&sql, " LIMIT ?%zu", json_array_size(binds));
	}
	json_t *rows = store_rows_bound(st, e, sql.buf, binds);
	sb_finish(&sql);
	json_decref(binds);
	return rows;
}

#define LAST_INSPECTED \
	"(SELECT max(i.at) FROM inspection i WHERE i.hazard_id = x.id) AS last_inspected_at"
/* Defects not yet rectified (fire units; 0 for the other kinds). */
#define OPEN_DEFECTS \
	"(SELECT count(*) FROM defect d WHERE d.hazard_id = x.id AND d.archived = 0" \
	" AND d.state != 'rectified') AS open_defects"

json_t *q_hazard_list(struct store *st, const struct hazard_filter *f, struct err *e)
{
	return q_present_all(with_danger(filtered(st,
		"x.id, x.code, x.kind, x.subtype, x.name, " DIVISION_COLS ", x.scale, x.road,"
		" x.county_town, x.high_risk, x.households, x.people, x.monitor, x.monitor_phone,"
		" x.status, x.lon, x.lat, x.to_verify, " LAST_INSPECTED ", " OPEN_DEFECTS,
		f, " ORDER BY x.kind, x.code", e), f->now ? f->now : dd_now()));
}

json_t *q_hazards_full(struct store *st, const struct hazard_filter *f, struct err *e)
{
	return q_present_all(filtered(st, "x.*, t.name AS township, v.name AS village", f,
				      " ORDER BY x.code", e));
}

json_t *q_hazard_summary(struct store *st, const struct hazard_filter *f, struct err *e)
{
	json_t *rows = filtered(st,
		"count(*) AS n, sum(x.kind = 'geohazard') AS geohazards,"
		" sum(x.kind = 'geohazard' AND x.scale = 'large') AS large,"
		" sum(x.kind = 'geohazard' AND x.scale = 'medium') AS medium,"
		" sum(x.kind = 'geohazard' AND x.scale = 'small') AS small,"
		" sum(x.kind = 'geohazard' AND x.road) AS road,"
		" sum(x.kind = 'fire_unit') AS fire_units, sum(x.kind = 'major_source') AS sources,"
		" sum(x.kind = 'flood_point') AS flood_points,"
		" coalesce(sum(x.households), 0) AS households, coalesce(sum(x.people), 0) AS people,"
		" coalesce(sum(x.property_10k), 0) AS property_10k",
		f, "", e);
	json_t *r = rows ? json_incref(json_array_get(rows, 0)) : NULL;
	json_decref(rows);
	return r;
}

json_t *q_hazard_points(struct store *st, const struct hazard_filter *f, struct err *e)
{
	return filtered(st, "x.code, x.kind, x.scale, x.lon, x.lat, x.township_code, x.name", f,
			" AND x.lon IS NOT NULL AND x.lat IS NOT NULL ORDER BY x.code", e);
}

json_t *q_hazard_show(struct store *st, const char *code, struct err *e)
{
	json_t *r = store_row(st, e,
		"SELECT x.*, t.name AS township, v.name AS village, " LAST_INSPECTED ", "
		OPEN_DEFECTS " FROM hazard x" DIVISION_JOINS " WHERE x.code = ?1 OR x.id = ?1",
		"s", code);
	if (!r || json_is_null(r))
		return r;
	json_t *one = json_pack("[O]", r);
	with_danger(one, dd_now());
	json_decref(one);
	q_present(r);
	const char *id = json_string_value(json_object_get(r, "id"));
	json_t *insp = q_present_all(store_rows(st, e,
		"SELECT id, kind, at, inspector, result, note, photos, actor, created_at"
		" FROM inspection WHERE hazard_id = ? ORDER BY at DESC, hlc DESC", "s", id));
	json_t *hh = insp ? q_present_all(store_rows(st, e,
		"SELECT id, head, address, members, phone, evacuated_at, evacuated_by FROM household"
		" WHERE hazard_id = ? AND archived = 0 ORDER BY head, id", "s", id)) : NULL;
	json_t *def = hh ? q_present_all(store_rows(st, e,
		"SELECT id, found_at, text, due_at, state, rectified_at, note FROM defect"
		" WHERE hazard_id = ? AND archived = 0 ORDER BY state = 'rectified', found_at, id",
		"s", id)) : NULL;
	if (!def) {
		json_decref(insp);
		json_decref(hh);
		json_decref(r);
		return NULL;
	}
	json_object_set_new(r, "inspections", insp);
	json_object_set_new(r, "household_list", hh);
	json_object_set_new(r, "defects", def);
	return r;
}

json_t *q_warning_points(struct store *st, const char *entry_id, int64_t now, struct err *e)
{
	return q_present_all(store_rows(st, e,
		"SELECT DISTINCT x.code, x.name, t.name AS township, v.name AS village, x.people,"
		" x.households, x.monitor, x.monitor_phone, x.scale, w.colour, x.township_code"
		" FROM duty_entry w"
		" JOIN hazard x ON instr(',' || w.area_codes || ',', ',' || x.township_code || ',') > 0"
		" LEFT JOIN division t ON t.code = x.township_code"
		" LEFT JOIN division v ON v.code = x.village_code"
		" WHERE w.kind = 'warning' AND w.area_codes IS NOT NULL AND x.kind = 'geohazard'"
		" AND x.status = 'registered' AND x.archived = 0"
		" AND (?1 IS NOT NULL AND substr(w.id, 1, length(?1)) = ?1 OR ?1 IS NULL"
		"  AND coalesce(w.valid_from, w.at) <= ?2 AND (w.valid_until IS NULL OR w.valid_until > ?2))"
		" ORDER BY x.township_code, x.code", "si", entry_id, now));
}

json_t *q_hazard_households(struct store *st, const char *code, struct err *e)
{
	json_t *r = store_row(st, e,
		"SELECT id, code, name, kind, households AS register_households,"
		" people AS register_people FROM hazard WHERE (code = ?1 OR id = ?1) AND archived = 0",
		"s", code);
	if (!r || json_is_null(r))
		return r;
	json_t *hh = store_rows(st, e,
		"SELECT id, head, address, members, phone, evacuated_at, evacuated_by FROM household"
		" WHERE hazard_id = ? AND archived = 0 ORDER BY head, id",
		"s", json_string_value(json_object_get(r, "id")));
	if (!hh) {
		json_decref(r);
		return NULL;
	}
	int64_t n = 0, nev = 0, p = 0, pev = 0;
	size_t i;
	json_t *h;
	json_array_foreach(hh, i, h) {
		int64_t m = json_integer_value(json_object_get(h, "members"));
		bool ev = json_is_integer(json_object_get(h, "evacuated_at"));
		n++;
		p += m;
		nev += ev;
		pev += ev ? m : 0;
	}
	json_object_set_new(r, "households", q_present_all(hh));
	json_object_set_new(r, "total_households", json_integer(n));
	json_object_set_new(r, "evacuated_households", json_integer(nev));
	json_object_set_new(r, "total_people", json_integer(p));
	json_object_set_new(r, "evacuated_people", json_integer(pev));
	return r;
}

json_t *q_hazard_overdue(struct store *st, const struct hazard_filter *f, struct err *e)
{
	struct hazard_filter g = *f;
	g.overdue = true;
	g.limit = 0;
	int64_t now = g.now ? g.now : dd_now();
	json_t *rows = filtered(st,
		"x.code, x.kind, x.subtype, x.name, " DIVISION_COLS ", x.people,"
		" coalesce(x.monitor, x.resp_person, x.principal) AS monitor,"
		" coalesce(x.monitor_phone, x.resp_phone, x.principal_phone) AS monitor_phone,"
		" x.status, " LAST_INSPECTED, &g, " ORDER BY x.code", e);
	if (!rows)
		return NULL;
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		inspection_due(r, now);
		json_t *next = json_object_get(r, "next_inspection_at");
		json_object_set_new(r, "days_overdue",
				    json_is_integer(next)
					    ? json_integer((now - json_integer_value(next)) / 86400)
					    : json_null());
	}
	/* Most overdue first: never inspected, then the longest past due. */
	struct sort {
		int64_t key;
		json_t *row;
	};
	size_t n = json_array_size(rows);
	struct sort *v = xcalloc(n ? n : 1, sizeof *v);
	json_array_foreach(rows, i, r) {
		json_t *next = json_object_get(r, "next_inspection_at");
		v[i] = (struct sort){json_is_integer(next) ? json_integer_value(next) : INT64_MIN,
				     json_incref(r)};
	}
	/* insertion sort keeps code order among equals; the lists are short */
	for (size_t a = 1; a < n; a++)
		for (size_t b = a; b > 0 && v[b].key < v[b - 1].key; b--) {
			struct sort t = v[b];
			v[b] = v[b - 1];
			v[b - 1] = t;
		}
	json_array_clear(rows);
	for (i = 0; i < n; i++)
		json_array_append_new(rows, v[i].row);
	free(v);
	return q_present_all(rows);
}

json_t *q_defects(struct store *st, const struct defect_filter *f, struct err *e)
{
	int64_t now = f->now ? f->now : dd_now();
	json_t *rows = store_rows(st, e,
		"SELECT d.id, x.code, x.name AS unit, x.kind, t.name AS township, x.township_code,"
		" d.found_at, d.text, d.due_at, d.state, d.rectified_at, d.note,"
		" (d.state != 'rectified' AND d.due_at IS NOT NULL AND d.due_at < ?3) AS overdue"
		" FROM defect d JOIN hazard x ON x.id = d.hazard_id"
		" LEFT JOIN division t ON t.code = x.township_code"
		" WHERE d.archived = 0 AND x.archived = 0"
		" AND (?1 IS NULL OR d.state != 'rectified')"
		" AND (?2 IS NULL OR x.township_code = ?2)"
		" AND (?4 IS NULL OR (d.state != 'rectified' AND d.due_at < ?3))"
		" AND (?5 IS NULL OR x.code = ?5 OR x.id = ?5)"
		" ORDER BY d.state = 'rectified', d.due_at IS NULL, d.due_at, d.found_at, d.id",
		"ssiss", f->open_only ? "1" : NULL, f->township_code, now, f->overdue ? "1" : NULL,
		f->hazard_code);
	return q_present_all(rows);
}
