#include "store_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dutydesk/dtime.h"
#include "dutydesk/i18n.h"
#include "dutydesk/query.h"

void q_present_time(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_integer(v))
		return;
	char buf[40];
	dd_time_iso(json_integer_value(v), buf, sizeof buf);
	json_object_set_new(o, key, json_string(buf));
}

/* Integer times to local ISO strings and 0/1 flags to booleans, in place. */
static void present(json_t *o)
{
	static const char *const flags[] = {"road", "county_town", "high_risk", "hazard_card",
					    "available", "archived", "overdue", "below_min", "drill",
					    "to_verify"};
	const char *k;
	json_t *v;
	void *tmp;
	json_object_foreach_safe(o, tmp, k, v) {
		size_t n = strlen(k);
		if (json_is_integer(v) && (strcmp(k, "at") == 0 || strcmp(k, "valid_until") == 0 ||
					   (n > 3 && strcmp(k + n - 3, "_at") == 0))) {
			q_present_time(o, k);
			continue;
		}
		for (size_t i = 0; i < ARRAY_LEN(flags); i++)
			if (strcmp(k, flags[i]) == 0 && json_is_integer(v))
				json_object_set_new(o, k, json_boolean(json_integer_value(v)));
	}
}

void q_present(json_t *v)
{
	if (json_is_object(v))
		present(v);
	size_t i;
	json_t *o;
	if (json_is_array(v))
		json_array_foreach(v, i, o)
			present(o);
}

json_t *q_present_all(json_t *arr)
{
	size_t i;
	json_t *o;
	if (arr)
		json_array_foreach(arr, i, o)
			present(o);
	return arr;
}

#define INCIDENT_COLS \
	"x.id, x.number, x.title, ty.class, x.type, ty.name_zh AS type_name, x.level, x.status, " \
	DIVISION_COLS ", x.place, x.received_at, x.occurred_at, x.channel, x.reporter," \
	" x.reporter_phone, x.reporter_unit, x.deaths, x.injured, x.missing, x.trapped," \
	" x.evacuated, x.affected, x.loss_10k, x.lon, x.lat, x.closed_at, x.reporter_post," \
	" x.cause, x.course, x.measures, x.trend, x.told, x.duplicate_of, " \
	Q_REPORT_CLOCK_COLS

json_t *q_incident_list(struct store *st, const struct incident_filter *f, struct err *e)
{
	/* One statement for every filter combination: unused filters bind NULL. */
	json_t *rows = store_rows(st, e,
		"SELECT " INCIDENT_COLS " FROM incident x"
		" JOIN incident_type ty ON ty.id = x.type" DIVISION_JOINS
		" WHERE x.archived = 0 AND (?1 IS NULL OR x.status = 'open')"
		" AND (?2 IS NULL OR x.township_code = ?2) AND x.received_at >= ?3"
		" ORDER BY x.received_at DESC, x.id DESC LIMIT ?4",
		"ssii", f->open_only ? "1" : NULL, f->township_code, f->since,
		f->limit > 0 ? f->limit : (int64_t)-1);
	return f->raw ? rows : q_present_all(rows);
}

json_t *q_incident_show(struct store *st, const char *number, struct err *e)
{
	json_t *r = store_row(st, e,
		"SELECT " INCIDENT_COLS ", x.summary, h.code AS hazard_code, h.name AS hazard_name,"
		" h.monitor AS hazard_monitor, h.monitor_phone AS hazard_monitor_phone,"
		" h.households AS hazard_households, h.people AS hazard_people FROM incident x"
		" JOIN incident_type ty ON ty.id = x.type" DIVISION_JOINS
		" LEFT JOIN hazard h ON h.id = x.hazard_id"
		" WHERE x.number = ?1 OR x.id = ?1", "s", number);
	if (!r || json_is_null(r))
		return r;
	present(r);
	/* Struck entries stay, marked with the correction that struck them. */
	json_t *tl = q_present_all(store_rows(st, e,
		"SELECT l.id, l.kind, l.seq, l.via, l.text, l.corrects_id,"
		" (SELECT c.id FROM timeline c WHERE c.corrects_id = l.id LIMIT 1) AS corrected_by,"
		" l.deaths, l.injured, l.missing, l.trapped, l.evacuated, l.affected, l.loss_10k,"
		" l.recipient, " ACTOR_SHOWN("l.actor") " AS author,"
		" l.origin_node AS node, l.shift_id AS shift, l.created_at FROM timeline l"
		" WHERE l.incident_id = ? ORDER BY l.created_at, l.hlc", "s",
		json_string_value(json_object_get(r, "id"))));
	if (!tl) {
		json_decref(r);
		return NULL;
	}
	json_object_set_new(r, "timeline", tl);
	/* what was sent to it and what came back */
	json_t *stock = q_incident_stock(st, json_string_value(json_object_get(r, "id")), e);
	if (!stock) {
		json_decref(r);
		return NULL;
	}
	json_object_set_new(r, "stock", stock);
	return r;
}

json_t *q_stock_list(struct store *st, const char *depot_id, const char *item_id, struct err *e)
{
	char today[11];
	dd_date_local(dd_now(), today, sizeof today);
	return store_rows(st, e,
		"SELECT d.code AS depot_code, d.name AS depot, t.name AS township, i.code AS item_code,"
		" i.name AS item, i.category, i.unit, sum(l.qty) AS qty, i.min_stock,"
		" sum(l.qty) < i.min_stock AS below_min,"
		" min(CASE WHEN l.qty > 0 AND l.expiry <> '' THEN l.expiry END) AS next_expiry,"
		" sum(CASE WHEN l.expiry <> '' AND l.expiry < ?3 THEN l.qty ELSE 0 END) AS expired"
		" FROM stock_lot l JOIN depot d ON d.id = l.depot_id JOIN item i ON i.id = l.item_id"
		" LEFT JOIN division t ON t.code = d.township_code"
		" WHERE (?1 IS NULL OR l.depot_id = ?1) AND (?2 IS NULL OR l.item_id = ?2)"
		" GROUP BY l.depot_id, l.item_id ORDER BY d.level, d.code, i.code",
		"sss", depot_id, item_id, today);
}

json_t *q_stock_lots(struct store *st, const char *depot_id, const char *item_id, struct err *e)
{
	return store_rows(st, e,
		"SELECT batch, expiry, qty FROM stock_lot WHERE depot_id = ? AND item_id = ?"
		" AND qty > 0 ORDER BY expiry = '', expiry, batch", "ss", depot_id, item_id);
}

json_t *q_stock_alerts(struct store *st, int days, int64_t limit, struct err *e)
{
	char today[11], until[11];
	int64_t now = dd_now();
	dd_date_local(now, today, sizeof today);
	dd_date_local(now + (int64_t)days * 86400, until, sizeof until);
	return store_rows(st, e,
		"SELECT * FROM (SELECT 'below_min' AS alert, d.code AS depot_code, d.name AS depot,"
		" i.code AS item_code, i.name AS item, b.qty, i.min_stock, NULL AS expiry, i.unit"
		" FROM stock_balance b JOIN depot d ON d.id = b.depot_id JOIN item i ON i.id = b.item_id"
		" WHERE b.qty < i.min_stock"
		" UNION ALL "
		"SELECT CASE WHEN l.expiry < ?1 THEN 'expired' ELSE 'expiring' END,"
		" d.code, d.name, i.code, i.name, l.qty, i.min_stock, l.expiry, i.unit"
		/* Expired lots sort before expiring ones exactly as their dates do,
		 * so only lots up to the limit-th earliest date can be shown: read
		 * those by the expiry index (a few rows), not every lot with a
		 * date (thousands, on a large store). */
		" FROM (SELECT * FROM stock_lot INDEXED BY stock_lot_expiry"
		"  WHERE expiry <> '' AND qty > 0 AND expiry <= coalesce((SELECT expiry FROM stock_lot"
		"   INDEXED BY stock_lot_expiry WHERE expiry <> '' AND qty > 0 AND expiry <= ?2"
		"   ORDER BY expiry LIMIT 1 OFFSET ?4), ?2)) l"
		" JOIN depot d ON d.id = l.depot_id JOIN item i ON i.id = l.item_id"
		") ORDER BY CASE alert WHEN 'expired' THEN 0 WHEN 'expiring' THEN 1 ELSE 2 END,"
		" expiry, depot_code, item_code LIMIT ?3", "ssii", today, until, limit > 0 ? limit : -1,
		limit > 0 ? limit - 1 : INT64_MAX);
}

/* Sets o[key] = r[col] for each pair; r is a row of counts. */
static json_t *pick(json_t *r, const char *const *pairs)
{
	json_t *o = json_object();
	for (; pairs[0]; pairs += 2)
		json_object_set(o, pairs[0], json_object_get(r, pairs[1]));
	return o;
}

void q_set_expiry_days(struct store *st, int days)
{
	st->expiry_days = days;
}

/* The register figures of the overview, from one pass over the
 * hazard_stats covering index grouped by what they count (a few dozen
 * groups on 10,000 points), summed here: twenty FILTER aggregates over
 * every point cost four times as much. Keys as q_stats picks them. */
static json_t *hazard_counts(struct store *st, struct err *e)
{
	json_t *groups = store_rows(st, e,
		"SELECT kind, subtype, scale, road, county_town, high_risk, count(*) AS n,"
		" coalesce(sum(households), 0) AS hh, coalesce(sum(people), 0) AS ppl"
		" FROM hazard INDEXED BY hazard_stats WHERE status = 'registered' AND archived = 0"
		" GROUP BY kind, subtype, scale, road, county_town, high_risk", "");
	if (!groups)
		return NULL;
	enum { GEO, GEO_L, GEO_M, GEO_S, GEO_ROAD, TOWN, TOWN_L, TOWN_M, TOWN_S, RISK_HH,
	       RISK_PPL, FIRE, FIRE_SCHOOL, FIRE_MIDDLE, FIRE_KINDER, FIRE_HOSPITAL,
	       FIRE_SCENIC, FIRE_OTHER, MAJOR, FLOOD, NCOUNTS };
	static const char *const names[NCOUNTS] = {"geo", "geo_large", "geo_medium",
		"geo_small", "geo_road", "town", "town_large", "town_medium", "town_small",
		"risk_households", "risk_people", "fire", "fire_school", "fire_middle",
		"fire_kinder", "fire_hospital", "fire_scenic", "fire_other", "major", "flood"};
	json_int_t c[NCOUNTS] = {0};
	size_t i;
	json_t *g;
	json_array_foreach(groups, i, g) {
		const char *kind = json_string_value(json_object_get(g, "kind"));
		const char *sub = json_string_value(json_object_get(g, "subtype"));
		const char *scale = json_string_value(json_object_get(g, "scale"));
		json_int_t n = json_integer_value(json_object_get(g, "n"));
		bool road = json_integer_value(json_object_get(g, "road")) != 0;
		bool town = json_integer_value(json_object_get(g, "county_town")) != 0;
		bool risk = json_integer_value(json_object_get(g, "high_risk")) != 0;
		int by_scale = !scale ? -1 : !strcmp(scale, "large") ? 0
			     : !strcmp(scale, "medium") ? 1 : !strcmp(scale, "small") ? 2 : -1;
		if (!kind) {
			continue;
		} else if (!strcmp(kind, "geohazard")) {
			c[GEO] += n;
			c[GEO_ROAD] += road ? n : 0;
			c[TOWN] += town ? n : 0;
			if (by_scale >= 0) {
				c[GEO_L + by_scale] += n;
				c[TOWN_L + by_scale] += town ? n : 0;
			}
			if (risk) {
				c[RISK_HH] += json_integer_value(json_object_get(g, "hh"));
				c[RISK_PPL] += json_integer_value(json_object_get(g, "ppl"));
			}
		} else if (!strcmp(kind, "fire_unit")) {
			c[FIRE] += n;
			int k = !sub ? FIRE_OTHER : !strcmp(sub, "middle_school") ? FIRE_MIDDLE
			      : !strcmp(sub, "kindergarten") ? FIRE_KINDER
			      : !strcmp(sub, "hospital") ? FIRE_HOSPITAL
			      : !strcmp(sub, "scenic") ? FIRE_SCENIC : FIRE_OTHER;
			c[k] += n;
			if (k == FIRE_MIDDLE || k == FIRE_KINDER)
				c[FIRE_SCHOOL] += n;
		} else if (!strcmp(kind, "major_source")) {
			c[MAJOR] += n;
		} else if (!strcmp(kind, "flood_point")) {
			c[FLOOD] += n;
		}
	}
	json_decref(groups);
	json_t *h = json_object();
	for (int k = 0; k < NCOUNTS; k++)
		json_object_set_new(h, names[k], json_integer(c[k]));
	return h;
}

json_t *q_stats(struct store *st, struct err *e)
{
	int days = st->expiry_days > 0 ? st->expiry_days : 30;
	json_t *h = hazard_counts(st, e);
	json_t *inc = h ? store_row(st, e,
		"SELECT count(*) AS open,"
		" count(*) FILTER (WHERE level = 'I') AS I, count(*) FILTER (WHERE level = 'II') AS II,"
		" count(*) FILTER (WHERE level = 'III') AS III,"
		" count(*) FILTER (WHERE level = 'IV') AS IV,"
		" count(*) FILTER (WHERE level = 'pending') AS pending"
		" FROM incident WHERE status = 'open' AND archived = 0", "") : NULL;
	char today[11], until[11];
	dd_date_local(dd_now(), today, sizeof today);
	dd_date_local(dd_now() + (int64_t)days * 86400, until, sizeof until);
	json_t *stock = inc ? store_row(st, e,
		"SELECT (SELECT count(*) FROM stock_balance b JOIN item i ON i.id = b.item_id"
		"  WHERE b.qty < i.min_stock) AS below_min,"
		" count(*) FILTER (WHERE expiry >= ?1) AS expiring,"
		" count(*) FILTER (WHERE expiry < ?1) AS expired"
		" FROM stock_lot WHERE expiry <> '' AND qty > 0 AND expiry <= ?2", "ss", today, until)
		: NULL;
	json_t *alerts = stock ? q_stock_alerts(st, days, STATS_ALERTS, e) : NULL;
	json_t *out = NULL;
	if (alerts) {
		static const char *const geo_k[] = {"total", "geo", "large", "geo_large",
			"medium", "geo_medium", "small", "geo_small", "road", "geo_road", NULL};
		static const char *const town_k[] = {"total", "town", "large", "town_large",
			"medium", "town_medium", "small", "town_small", NULL};
		static const char *const risk_k[] = {"households", "risk_households",
			"people", "risk_people", NULL};
		static const char *const fire_k[] = {"total", "fire", "school", "fire_school",
			"middle_school", "fire_middle", "kindergarten", "fire_kinder",
			"hospital", "fire_hospital", "scenic", "fire_scenic", "other", "fire_other",
			NULL};
		static const char *const level_k[] = {"I", "I", "II", "II", "III", "III", "IV", "IV",
			"pending", "pending", NULL};
		json_t *geo = pick(h, geo_k);
		json_object_set_new(geo, "county_town", pick(h, town_k));
		json_object_set_new(geo, "high_risk", pick(h, risk_k));
		json_object_set(stock, "alerts", alerts);
		out = json_pack("{s:o, s:o, s:O, s:O, s:{s:O, s:o}, s:O}",
			"geohazards", geo, "fire_key_units", pick(h, fire_k),
			"major_sources", json_object_get(h, "major"),
			"flood_points", json_object_get(h, "flood"),
			"incidents", "open", json_object_get(inc, "open"), "by_level", pick(inc, level_k),
			"stock", stock);
	}
	json_decref(stock);
	json_decref(h);
	json_decref(inc);
	json_decref(alerts);
	return out;
}

bool q_township(struct store *st, const char *text, char code[16], struct err *e)
{
	char *c = NULL;
	if (!store_text(st, e, &c,
			"SELECT code FROM division WHERE level = 'township' AND (code = ?1 OR name = ?1"
			" OR name = ?1 || '镇' OR name = ?1 || '乡')", "s", text))
		return false;
	if (!c)
		return err_set(e, ERR_USAGE, _("township: '%s': no such township (name or code)"),
			       text);
	snprintf(code, 16, "%s", c);
	free(c);
	return true;
}

bool q_area(struct store *st, const char *text, char code[16], struct err *e)
{
	json_t *d = store_row(st, e,
			      "SELECT code, name, level FROM division WHERE code = ?1 OR name = ?1"
			      " OR name = ?1 || '县' ORDER BY level <> 'county', code LIMIT 1",
			      "s", text);
	if (!d)
		return false;
	const char *c = json_string_value(json_object_get(d, "code"));
	const char *level = json_string_value(json_object_get(d, "level"));
	bool ok = true;
	if (json_is_null(d))
		ok = err_set(e, ERR_USAGE, _("area: '%s': no such division at this hub (name or code "
					     "of a county)"), text);
	else if (!str_eq(level, "county"))
		ok = err_set(e, ERR_USAGE, _("area: '%s' is a %s (%s); an area is a county or a larger "
					     "division (a township's office enrols with --township)"),
			     text, level, c);
	char *stray = NULL;
	if (ok)
		ok = store_text(st, e, &stray,
				"WITH RECURSIVE under(code) AS (SELECT code FROM division"
				" WHERE parent_code = ?1 UNION SELECT d.code FROM division d"
				" JOIN under u ON d.parent_code = u.code)"
				" SELECT d.name || ' (' || d.code || ')' FROM division d JOIN under u"
				" USING (code) WHERE d.level = 'township'"
				" AND substr(d.code, 1, length(?1)) <> ?1 ORDER BY d.code LIMIT 1",
				"s", c);
	if (ok && stray)
		ok = err_set(e, ERR_USAGE, _("area: %s: township %s is under it but its code does not "
					     "begin with %s; the hub scopes an area by its code (fix "
					     "the divisions)"), text, stray, c);
	if (ok)
		snprintf(code, 16, "%s", c);
	free(stray);
	json_decref(d);
	return ok;
}

bool q_village(struct store *st, const char *township_code, const char *text, char code[16],
	       struct err *e)
{
	json_t *r = store_rows(st, e,
		"SELECT code, parent_code FROM division WHERE level IN ('village','community')"
		" AND (code = ?1 OR name = ?1 OR name = ?1 || '村') AND (?2 IS NULL OR parent_code = ?2)",
		"ss", text, township_code);
	if (!r)
		return false;
	size_t n = json_array_size(r);
	if (n == 1)
		snprintf(code, 16, "%s", json_string_value(json_object_get(json_array_get(r, 0), "code")));
	json_decref(r);
	if (n == 0)
		return err_set(e, ERR_USAGE, township_code ? _("village: '%s': no such village in that township")
						     : _("village: '%s': no such village"),
			       text);
	if (n > 1)
		return err_set(e, ERR_USAGE,
			       _("village: '%s': %zu villages have that name; give the township too"),
			       text, n);
	return true;
}

bool q_incident_type(struct store *st, const char *text, char id[64], struct err *e)
{
	char *c = NULL;
	if (!store_text(st, e, &c,
			"SELECT id FROM incident_type WHERE id = ?1 OR name_zh = ?1 OR name_en = ?1 "
			"COLLATE NOCASE", "s", text))
		return false;
	if (!c)
		return err_set(e, ERR_USAGE,
			       _("type: '%s': unknown incident type (see data/incident_types.csv)"), text);
	snprintf(id, 64, "%s", c);
	free(c);
	return true;
}

bool q_ref(struct store *st, const char *ref, const char *text, char id[ID_TEXT], struct err *e)
{
	const struct table *t = table_by_name(ref);
	if (!t || !t->code_col)
		return err_set(e, ERR_FAIL, _("no lookup by code for %s"), ref);
	char sql[160];
	snprintf(sql, sizeof sql, "SELECT id FROM %s WHERE (%s = ?1 OR id = ?1) AND archived = 0",
		 t->name, t->code_col);
	char *c = NULL;
	if (!store_text(st, e, &c, sql, "s", text))
		return false;
	if (!c)
		return err_set(e, ERR_USAGE, _("%s: '%s': no such %s"), ref, text, _(ref));
	snprintf(id, ID_TEXT, "%s", c);
	free(c);
	return true;
}

json_t *q_choices(struct store *st, const char *what, struct err *e)
{
	static const struct {
		const char *what, *sql;
	} q[] = {
		{"township", "SELECT code AS id, name AS label FROM division WHERE level = 'township'"
			     " ORDER BY code"},
		{"village", "SELECT v.code AS id, v.name || ' · ' || t.name AS label,"
			    " v.parent_code AS parent FROM division v"
			    " JOIN division t ON t.code = v.parent_code"
			    " WHERE v.level IN ('village','community') ORDER BY v.code"},
		{"type", "SELECT id, name_zh || ' ' || id AS label FROM incident_type ORDER BY class, id"},
		{"depot", "SELECT code AS id, name || ' ' || code AS label FROM depot"
			  " WHERE archived = 0 ORDER BY level, code"},
		{"item", "SELECT code AS id, name || ' ' || code || ' (' || unit || ')' AS label"
			 " FROM item WHERE archived = 0 ORDER BY code"},
		{"hazard", "SELECT code AS id, code || ' ' || name || coalesce(' · ' || monitor, '')"
			   " AS label, township_code AS parent FROM hazard"
			   " WHERE archived = 0 AND status = 'registered'"
			   " ORDER BY code"},
		{"contact", "SELECT id, name || coalesce(' · ' || post, '') || coalesce(' · ' || org, '')"
			    " || coalesce(' ' || coalesce(mobile, phone), '') AS label,"
			    /* 张书记 for 张建军, 党委书记: the surname and the post's last parts */
			    " substr(name, 1, 1) || post || char(31) || substr(name, 1, 1) || substr(post, 2)"
			    " || char(31) || substr(name, 1, 1) || substr(post, 3) || char(31)"
			    " || substr(name, 1, 1) || substr(post, 4) AS also FROM contact"
			    " WHERE archived = 0 ORDER BY name"},
		{"open_incident", "SELECT number AS id, number || ' ' || title AS label FROM incident"
				  " WHERE status = 'open' AND archived = 0 ORDER BY received_at DESC"
				  " LIMIT 200"},
	};
	for (size_t i = 0; i < ARRAY_LEN(q); i++)
		if (strcmp(q[i].what, what) == 0)
			return store_rows(st, e, q[i].sql, "");
	err_set(e, ERR_FAIL, _("no choices for %s"), what);
	return NULL;
}
