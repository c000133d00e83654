/* Queries of the duty workflow: shifts, the duty log, tasks, what the
 * deadline rules need of each incident, the audit trail. */
#include "store_impl.h"

#include <stdint.h>
#include <stdio.h>
#include "dutydesk/dtime.h"
#include <stdlib.h>
#include <string.h>

#include "dutydesk/query.h"

bool q_current_shift(struct store *st, char id[ID_TEXT], struct err *e)
{
	char *s = NULL;
	if (!store_text(st, e, &s,
			"SELECT id FROM shift WHERE ended_at IS NULL AND archived = 0"
			" ORDER BY started_at DESC LIMIT 1", ""))
		return false;
	snprintf(id, ID_TEXT, "%s", s ? s : "");
	free(s);
	return true;
}

json_t *q_shift(struct store *st, const char *id, struct err *e)
{
	return store_row(st, e,
		"SELECT id, started_at, ended_at, officers, leader, notes, handed_to, handed_at,"
		" acked_by, acked_at, equipment, summary FROM shift WHERE id = ?1"
		" OR id = (SELECT id FROM shift WHERE ?1 = 'current' AND ended_at IS NULL"
		"          ORDER BY started_at DESC LIMIT 1)"
		" OR id = (SELECT id FROM shift WHERE ?1 = 'last' ORDER BY started_at DESC LIMIT 1)"
		" OR id = (SELECT id FROM shift WHERE ?1 = 'handed' AND handed_at IS NOT NULL"
		"          ORDER BY handed_at DESC LIMIT 1)",
		"s", id);
}

json_t *q_shifts(struct store *st, int64_t limit, struct err *e)
{
	return store_rows(st, e,
		"SELECT id, started_at, ended_at, officers, leader, handed_to, acked_by, acked_at"
		" FROM shift WHERE archived = 0 ORDER BY started_at DESC LIMIT ?", "i",
		limit > 0 ? limit : (int64_t)-1);
}

/* The clock fields the deadline rules read of each incident. */
#define CLOCK_SQL \
	"SELECT x.id, x.number, x.title, x.status, ty.class, x.type, x.level, x.received_at, x.closed_at, " \
	Q_REPORT_CLOCK_COLS " FROM incident x JOIN incident_type ty ON ty.id = x.type"

json_t *q_incident_clock(struct store *st, const char *id, struct err *e)
{
	return store_row(st, e, CLOCK_SQL " WHERE x.id = ?", "s", id);
}

json_t *q_open_clocks_page(struct store *st, const char *after_id, int64_t limit, struct err *e)
{
	/* Open incidents, and those closed in the last 30 days whose final
	 * report is still owed (older ones are history, not a watch's work). */
	/* The candidates come from two indexes (open; closed lately), not
	 * from a walk of every incident by id: 1 ms instead of 50-300 ms
	 * over 100,000 incidents, every minute of the watch. */
	return store_rows(st, e,
		CLOCK_SQL " WHERE x.rowid IN (SELECT rowid FROM incident WHERE status = 'open'"
		" UNION ALL SELECT rowid FROM incident WHERE closed_at > ?1)"
		" AND x.archived = 0 AND (x.status = 'open' OR NOT EXISTS"
		" (SELECT 1 FROM timeline WHERE incident_id = x.id AND kind = 'final_report'))"
		" AND x.id > ?2 ORDER BY x.id LIMIT ?3",
		"isi", dd_now() - 30 * 86400, after_id ? after_id : "", limit > 0 ? limit : (int64_t)-1);
}

json_t *q_open_clocks(struct store *st, struct err *e)
{
	return q_open_clocks_page(st, NULL, 0, e);
}

json_t *q_duty_log(struct store *st, const struct log_filter *f, struct err *e)
{
	/* One chronological log: duty entries and incident timeline entries;
	 * text names an entry's incident by its title, entry is its own text. */
	return store_rows(st, e,
		"SELECT * FROM ("
		" SELECT d.id, d.at, d.kind, NULL AS incident, d.text, t.name AS township,"
		"  d.township_code, d.colour, d.area, d.valid_until, d.source, " ACTOR_SHOWN("d.actor") " AS author,"
		"  d.shift_id, NULL AS seq, d.hlc, d.text AS entry FROM duty_entry d"
		"  LEFT JOIN division t ON t.code = d.township_code"
		" UNION ALL"
		" SELECT l.id, l.created_at, l.kind, x.number, coalesce(x.title || ': ', '') ||"
		"  coalesce(l.text, ''), t.name, x.township_code, NULL, NULL, NULL, l.via, " ACTOR_SHOWN("l.actor") ","
		"  l.shift_id, l.seq, l.hlc, l.text FROM timeline l JOIN incident x ON x.id = l.incident_id"
		"  LEFT JOIN division t ON t.code = x.township_code)"
		" WHERE (?1 IS NULL OR kind = ?1) AND (?2 IS NULL OR township_code = ?2)"
		" AND (?3 IS NULL OR shift_id = ?3) AND at >= ?4 AND at < ?5"
		" ORDER BY at, hlc LIMIT ?6",
		"sssiii", f->kind, f->township_code, f->shift_id, f->since, f->until ? f->until : INT64_MAX,
		f->limit > 0 ? f->limit : (int64_t)-1);
}

json_t *q_tasks(struct store *st, bool open_only, struct err *e)
{
	return store_rows(st, e,
		"SELECT k.id, k.title, k.due_at, k.owner, k.done_at, i.number AS incident, k.entry_id"
		" FROM task k LEFT JOIN incident i ON i.id = k.incident_id"
		" WHERE k.archived = 0 AND (?1 = 0 OR k.done_at IS NULL)"
		" ORDER BY k.done_at IS NOT NULL, k.due_at, k.id", "i", (int64_t)open_only);
}

json_t *q_warnings_in_force(struct store *st, int64_t now, struct err *e)
{
	return store_rows(st, e,
		"SELECT d.id, d.at, d.colour, d.area, d.valid_until, d.text, d.source FROM duty_entry d"
		" WHERE d.kind = 'warning' AND (d.valid_until IS NULL OR d.valid_until > ?)"
		" ORDER BY d.at", "i", now);
}

json_t *q_audit(struct store *st, int64_t since, const char *record, int64_t limit,
		struct err *e)
{
	return store_rows(st, e,
		"SELECT a.at, a.node, " ACTOR_SHOWN("a.actor") " AS actor, a.tbl AS record_type, a.row_id AS record, a.action,"
		" a.detail, a.op_id FROM audit a"
		" WHERE a.at >= ?1 AND (?2 IS NULL OR a.row_id = ?2 OR a.row_id IN"
		"  (SELECT id FROM incident WHERE number = ?2 UNION SELECT id FROM hazard WHERE code = ?2"
		"   UNION SELECT id FROM depot WHERE code = ?2 UNION SELECT id FROM item WHERE code = ?2)"
		"  OR a.row_id IN (SELECT l.id FROM timeline l JOIN incident x ON x.id = l.incident_id"
		"   WHERE x.number = ?2 OR x.id = ?2))"
		" ORDER BY a.id LIMIT ?3", "isi", since, record, limit > 0 ? limit : (int64_t)-1);
}

json_t *q_shift_figures(struct store *st, int64_t from, int64_t to, struct err *e)
{
	return store_rows(st, e,
		"SELECT ty.class, count(*) AS n FROM incident x JOIN incident_type ty ON ty.id = x.type"
		" WHERE x.received_at >= ? AND x.received_at < ? GROUP BY ty.class ORDER BY ty.class",
		"ii", from, to);
}

json_t *q_duplicates(struct store *st, const char *type, const char *township,
		     const char *phone, int64_t at, int window, struct err *e)
{
	/* The same call twice: same type and township, or the same caller's
	 * phone, received within the window. */
	return store_rows(st, e,
		"SELECT number, title FROM incident WHERE archived = 0"
		" AND received_at BETWEEN ?4 - ?5 AND ?4 + ?5"
		" AND ((type = ?1 AND coalesce(township_code, '') = coalesce(?2, ''))"
		"  OR (?3 IS NOT NULL AND reporter_phone = ?3))"
		" ORDER BY received_at DESC LIMIT 3", "sssii", type, township, phone, at,
		(int64_t)window);
}
