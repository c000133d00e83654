/* Queries of the resources pane: depots, items, teams, experts, a stock
 * card, and what an incident was sent. */
#include "store_impl.h"

#include "dutydesk/query.h"

json_t *q_depots(struct store *st, struct err *e)
{
	return store_rows(st, e,
		"SELECT d.id, d.code, d.name, d.level, t.name AS township, d.township_code, d.address,"
		" d.keeper, d.phone, d.notes FROM depot d LEFT JOIN division t ON t.code = d.township_code"
		" WHERE d.archived = 0 ORDER BY d.level, d.code", "");
}

json_t *q_items(struct store *st, const char *category, struct err *e)
{
	return store_rows(st, e,
		"SELECT id, code, name, category, national_code, unit, min_stock, shelf_life_days"
		" FROM item WHERE archived = 0 AND (?1 IS NULL OR category = ?1) ORDER BY code",
		"s", category);
}

json_t *q_teams(struct store *st, const char *types, const char *township_code,
		bool available_only, struct err *e)
{
	/* types: blank-separated list, or NULL for all. The township's own
	 * teams come first. */
	return store_rows(st, e,
		"SELECT m.id, m.code, m.name, m.type, m.size, m.leader, m.phone, t.name AS township,"
		" m.township_code, m.base, m.equipment, m.available FROM team m"
		" LEFT JOIN division t ON t.code = m.township_code WHERE m.archived = 0"
		" AND (?1 IS NULL OR instr(' ' || ?1 || ' ', ' ' || m.type || ' ') > 0)"
		" AND (?3 = 0 OR m.available)"
		" ORDER BY coalesce(m.township_code = ?2, 0) DESC, m.available DESC, m.code",
		"ssi", types, township_code, (int64_t)available_only);
}

json_t *q_experts(struct store *st, const char *fields, const char *township_code,
		  struct err *e)
{
	return store_rows(st, e,
		"SELECT x.id, x.code, x.name, x.field, x.org, x.phone, t.name AS township,"
		" x.township_code FROM expert x LEFT JOIN division t ON t.code = x.township_code"
		" WHERE x.archived = 0 AND (?1 IS NULL OR instr(' ' || ?1 || ' ', ' ' || x.field || ' ') > 0)"
		" ORDER BY coalesce(x.township_code = ?2, 0) DESC, x.code",
		"ss", fields, township_code);
}

json_t *q_stock_card(struct store *st, const char *depot_id, const char *item_id, int64_t limit,
		     struct err *e)
{
	/* The stock card: every movement with the balance after it. */
	return store_rows(st, e,
		"SELECT * FROM (SELECT m.created_at, m.kind, CASE WHEN m.qty > 0 THEN m.qty END AS qty_in,"
		" CASE WHEN m.qty < 0 THEN -m.qty END AS qty_out,"
		" sum(m.qty) OVER (ORDER BY m.created_at, m.hlc) AS balance, m.batch, m.expiry,"
		" i.number AS incident, m.recipient, m.reason, m.actor, m.hlc FROM stock_movement m"
		" LEFT JOIN incident i ON i.id = m.incident_id"
		" WHERE m.depot_id = ?1 AND m.item_id = ?2 ORDER BY m.created_at DESC, m.hlc DESC"
		" LIMIT ?3) ORDER BY created_at, hlc",
		"ssi", depot_id, item_id, limit > 0 ? limit : (int64_t)-1);
}

json_t *q_incident_stock(struct store *st, const char *incident_id, struct err *e)
{
	return store_rows(st, e,
		"SELECT i.code AS item_code, i.name AS item, i.unit,"
		" sum(CASE WHEN m.kind = 'issue' THEN -m.qty ELSE 0 END) AS sent,"
		" sum(CASE WHEN m.kind = 'return' THEN m.qty ELSE 0 END) AS returned"
		" FROM stock_movement m JOIN item i ON i.id = m.item_id WHERE m.incident_id = ?"
		" GROUP BY m.item_id ORDER BY i.code", "s", incident_id);
}

json_t *q_contact_book(struct store *st, struct err *e)
{
	return store_rows(st, e,
			  "SELECT x.name, x.org, x.post, x.phone, t.name AS township, x.grp AS \"group\","
			  " x.mobile, x.phones FROM contact x"
			  " LEFT JOIN division t ON t.code = x.township_code WHERE x.archived = 0"
			  " ORDER BY x.rowid",
			  "");
}

json_t *q_lots_on_hand(struct store *st, struct err *e)
{
	return store_rows(st, e,
			  "SELECT d.code AS depot, i.code AS item, l.qty, l.batch, l.expiry"
			  " FROM stock_lot l JOIN depot d ON d.id = l.depot_id"
			  " JOIN item i ON i.id = l.item_id WHERE l.qty > 0 ORDER BY 1, 2, 5",
			  "");
}
