/* Queries of the contact book: the people a duty desk calls, where each
 * appears (the hazards they monitor, the teams they lead) and the calls
 * made to them. */
#include <string.h>

#include "store_impl.h"

#include "dutydesk/query.h"

#define CONTACT_COLS \
	"x.id, x.name, x.grp, x.org, x.post, x.phone, x.mobile, x.phones, t.name AS township," \
	" x.township_code, x.notes"
#define GROUP_ORDER \
	"CASE x.grp WHEN 'county_leader' THEN 1 WHEN 'township_leader' THEN 2" \
	" WHEN 'department' THEN 3 WHEN 'info_officer' THEN 4 WHEN 'monitor' THEN 5" \
	" WHEN 'team' THEN 6 ELSE 7 END"

json_t *q_contacts(struct store *st, const char *grp, const char *township_code, struct err *e)
{
	return store_rows(st, e,
		"SELECT " CONTACT_COLS " FROM contact x LEFT JOIN division t ON t.code = x.township_code"
		" WHERE x.archived = 0 AND (?1 IS NULL OR x.grp = ?1)"
		" AND (?2 IS NULL OR x.township_code = ?2)"
		" ORDER BY " GROUP_ORDER ", x.township_code IS NOT NULL, x.township_code, x.rowid",
		"ss", grp, township_code);
}

json_t *q_contact_lookup(struct store *st, const char *key, struct err *e)
{
	/* by id (or its first 8 or more characters), name or a number */
	return store_rows(st, e,
		"SELECT " CONTACT_COLS " FROM contact x LEFT JOIN division t ON t.code = x.township_code"
		" WHERE x.archived = 0 AND (x.id = ?1 OR (length(?1) >= 8 AND x.id LIKE ?1 || '%')"
		" OR x.name = ?1 OR x.phone = ?1 OR x.mobile = ?1"
		" OR instr(',' || replace(coalesce(x.phones, ''), ' ', '') || ',', ',' || ?1 || ',') > 0)"
		" ORDER BY x.rowid LIMIT 20",
		"s", key);
}

json_t *q_contact_appears(struct store *st, const char *id, struct err *e)
{
	json_t *hz = store_rows(st, e,
		"SELECT id, code, name, kind FROM hazard WHERE monitor_contact_id = ? AND archived = 0"
		" ORDER BY code", "s", id);
	json_t *tm = hz ? store_rows(st, e,
		"SELECT id, code, name FROM team WHERE leader_contact_id = ? AND archived = 0"
		" ORDER BY code", "s", id) : NULL;
	json_t *calls = tm ? store_rows(st, e,
		"SELECT * FROM (SELECT l.created_at AS at, i.number AS incident, l.text, l.actor AS author"
		" FROM timeline l JOIN incident i ON i.id = l.incident_id WHERE l.contact_id = ?1"
		" UNION ALL SELECT d.at, NULL, d.text, d.actor FROM duty_entry d"
		" WHERE d.contact_id = ?1) ORDER BY at DESC LIMIT 50", "s", id) : NULL;
	if (!calls) {
		json_decref(hz);
		json_decref(tm);
		return NULL;
	}
	return json_pack("{s:o, s:o, s:o}", "hazards", hz, "teams", tm, "calls", calls);
}

json_t *q_contact_people(struct store *st, const char *table, struct err *e)
{
	/* Hazard monitors or team leaders whose contact is missing, or is no
	 * longer the person the record names (another name, a number the
	 * contact does not have). */
	return store_rows(st, e,
		"SELECT p.* FROM (SELECT id, monitor AS name, monitor_phone AS phone, township_code,"
		" NULL AS org, monitor_contact_id AS cid, code FROM hazard WHERE ?1 = 'hazard' AND archived = 0"
		" UNION ALL SELECT id, leader, phone, township_code, name, leader_contact_id, code FROM team"
		" WHERE ?1 = 'team' AND archived = 0) p LEFT JOIN contact c ON c.id = p.cid"
		" WHERE nullif(trim(p.name), '') IS NOT NULL"
		" AND (c.id IS NULL OR c.name IS NOT p.name OR (p.phone IS NOT NULL"
		" AND p.phone IS NOT c.phone AND p.phone IS NOT c.mobile"
		" AND instr(',' || replace(coalesce(c.phones, ''), ' ', '') || ',',"
		" ',' || p.phone || ',') = 0)) ORDER BY p.code",
		"s", table);
}
