/* The console's lists: what each row holds, the orders a list sorts in
 * and the named conditions that filter it. The console names a list, a
 * sort and a condition; the SQL is here (read by src/store/window.c). */
#include "store_impl.h"

#include <stdlib.h>
#include <string.h>

#include "dutydesk/query.h"

#define END {NULL, NULL}

/* ---- incidents ---- */

static const struct list_named incident_sorts[] = {
	{"received", "x.received_at"},
	{"number", "x.number"},
	{"level", "x.level"},
	{"status", "x.status"},
	{"type", "x.type"},
	{"township", "x.township_code"},
	END,
};

static const struct list_named incident_presets[] = {
	{"open", "x.status = 'open'"},
	{"closed", "x.status = 'closed'"},
	{"level_high", "x.level IN ('I','II')"},
	{"level_3", "x.level = 'III'"},
	{"level_4", "x.level = 'IV'"},
	{"level_pending", "x.level = 'pending'"},
	{"natural", "ty.class = 'natural_disaster'"},
	{"accident", "ty.class = 'accident'"},
	END,
};

/* ---- hazards ---- */

static const struct list_named hazard_sorts[] = {
	{"code", "x.code"},
	{"kind", "x.kind"},
	{"township", "x.township_code"},
	{"people", "x.people"},
	{"name", "x.name"},
	END,
};

/* ---- stock on hand ---- */

static const struct list_named stock_sorts[] = {
	{"key", "d.code || '/' || i.code"},
	{"item", "i.name"},
	{"qty", "b.qty"},
	END,
};

static const struct list_named stock_presets[] = {
	{"below_min", "b.qty < i.min_stock"},
	{"county", "d.level = 'county'"},
	{"township", "d.level = 'township'"},
	END,
};

/* ---- teams and experts ---- */

static const struct list_named team_sorts[] = {
	{"code", "m.code"},
	{"name", "m.name"},
	{"type", "m.type"},
	{"size", "m.size"},
	END,
};

static const struct list_named team_presets[] = {
	{"available", "m.available"},
	{"fire_pro", "m.type IN ('fire_rescue','professional')"},
	{"militia", "m.type = 'militia'"},
	{"enterprise_volunteer", "m.type IN ('enterprise','volunteer')"},
	END,
};

static const struct list_named expert_sorts[] = {
	{"code", "x.code"},
	{"name", "x.name"},
	{"field", "x.field"},
	END,
};

/* ---- plans ---- */

static const struct list_named checklist_sorts[] = {
	{"order", "a.started_at || '/' || printf('%08d', c.ord)"},
	{"state", "c.state"},
	END,
};

static const struct list_named checklist_presets[] = {
	{"open", "c.state = 'open'"},
	{"done", "c.state IN ('done','prev_done','na')"},
	END,
};

static const struct list_named library_sorts[] = {
	{"plan_key", "p.plan_key"},
	{"title", "p.title"},
	END,
};

static const struct list_view views[] = {
	[LIST_INCIDENTS] = {
		.cols = "x.number, strftime('%m-%d %H:%M', x.received_at, 'unixepoch', 'localtime')"
			" AS received, x.level,"
			" x.status,"
			" ty.name_zh AS type_zh, ty.name_en AS type_en, t.name AS township, x.title,"
			" ty.class, x.type, x.received_at, x.closed_at, " Q_REPORT_CLOCK_COLS,
		.from = "incident x JOIN incident_type ty ON ty.id = x.type"
			" LEFT JOIN division t ON t.code = x.township_code",
		.where = "x.archived = 0",
		.id = "x.id",
		.search = "x.title || ' ' || x.number || ' ' || coalesce(x.place, '') || ' ' ||"
			  " coalesce(x.reporter, '') || ' ' || ty.name_zh",
		.township = "x.township_code",
		.sorts = incident_sorts,
		.presets = incident_presets,
	},
	[LIST_HAZARDS] = {
		.cols = "x.code, x.kind, x.subtype, x.scale, t.name AS township, x.people, x.name,"
			" x.high_risk AS hr, x.status, x.to_verify AS tv,"
			" (SELECT max(i.at) FROM inspection i WHERE i.hazard_id = x.id) AS li",
		.from = "hazard x LEFT JOIN division t ON t.code = x.township_code",
		.where = "x.archived = 0",
		.id = "x.id",
		.search = "x.code || ' ' || x.name || ' ' || coalesce(x.monitor, '') || ' ' ||"
			  " coalesce(x.address, '') || ' ' || coalesce(t.name, '')",
		.township = "x.township_code",
		.sorts = hazard_sorts,
		.hazard_filter = true,
	},
	[LIST_STOCK] = {
		.cols = "d.code || '/' || i.code AS key, d.code AS depot_code, d.name AS depot,"
			" i.name AS item, b.qty, i.unit, i.min_stock, b.qty < i.min_stock AS low,"
			" CASE WHEN b.qty < 0 THEN '!NEGATIVE' WHEN b.qty < i.min_stock THEN '!LOW'"
			" ELSE '' END AS flag",
		.from = "stock_balance b JOIN depot d ON d.id = b.depot_id"
			" JOIN item i ON i.id = b.item_id",
		.where = "d.archived = 0",
		.id = "b.depot_id || b.item_id",
		.search = "d.name || ' ' || d.code || ' ' || i.name || ' ' || i.code",
		.township = "d.township_code",
		.sorts = stock_sorts,
		.presets = stock_presets,
	},
	[LIST_TEAMS] = {
		.cols = "m.code, m.name, m.type, m.size, m.leader, m.phone,"
			" CAST(m.available AS TEXT) AS avail",
		.from = "team m",
		.where = "m.archived = 0",
		.id = "m.id",
		.search = "m.name || ' ' || m.code || ' ' || coalesce(m.leader, '') || ' ' ||"
			  " coalesce(m.equipment, '')",
		.township = "m.township_code",
		.sorts = team_sorts,
		.presets = team_presets,
	},
	[LIST_EXPERTS] = {
		.cols = "x.code, x.name, x.field, x.phone, x.org",
		.from = "expert x",
		.where = "x.archived = 0",
		.id = "x.id",
		.search = "x.name || ' ' || x.field || ' ' || coalesce(x.org, '')",
		.township = "x.township_code",
		.sorts = expert_sorts,
	},
	[LIST_CHECKLIST] = {
		.cols = "p.plan_key AS plan, a.level, a.drill, c.state, c.text, c.parent_key,"
			" c.within_min, c.started_at, c.after_key,"
			" (SELECT b.done_at FROM checklist_item b WHERE b.activation_id = c.activation_id"
			"  AND b.item_key = c.after_key) AS after_done_at,"
			" (SELECT count(*) FROM checklist_item t WHERE t.activation_id = a.id) AS total,"
			" (SELECT count(*) FROM checklist_item t WHERE t.activation_id = a.id"
			"  AND t.state <> 'open') AS done,"
			" (SELECT count(*) FROM checklist_item s WHERE s.activation_id = c.activation_id"
			"  AND s.parent_key = c.item_key AND s.archived = 0) AS substeps,"
			" (SELECT count(*) FROM checklist_item s WHERE s.activation_id = c.activation_id"
			"  AND s.parent_key = c.item_key AND s.archived = 0 AND s.state = 'open')"
			"  AS open_substeps,"
			" (SELECT x.number FROM incident x WHERE x.id = a.incident_id) AS incident,"
			" a.id || ' ' || c.item_key AS key",
		.from = "checklist_item c JOIN plan_activation a ON a.id = c.activation_id"
			" JOIN plan p ON p.id = a.plan_id",
		.where = "c.archived = 0 AND a.closed_at IS NULL",
		.id = "c.id",
		.search = "c.text || ' ' || p.title || ' ' || c.item_key",
		.sorts = checklist_sorts,
		.presets = checklist_presets,
	},
	[LIST_PLANS] = {
		.cols = "p.plan_key, p.version, p.title, (SELECT count(*) FROM plan_activation a"
			" JOIN plan q ON q.id = a.plan_id WHERE q.plan_key = p.plan_key"
			" AND a.closed_at IS NULL) AS active",
		.from = "plan p",
		.where = "p.archived = 0 AND p.created_hlc = (SELECT max(created_hlc) FROM plan q"
			 " WHERE q.plan_key = p.plan_key)",
		.id = "p.id",
		.search = "p.title || ' ' || p.plan_key",
		.sorts = library_sorts,
	},
};

const struct list_view *list_view(enum list_id list)
{
	return (size_t)list < ARRAY_LEN(views) ? &views[list] : NULL;
}

const char *list_named(const struct list_named *set, const char *name)
{
	for (const struct list_named *n = set; n && n->name; n++)
		if (str_eq(n->name, name))
			return n->sql;
	return NULL;
}

bool q_list_by_township(enum list_id list)
{
	const struct list_view *v = list_view(list);
	return v && v->township;
}

bool q_list_sorts(enum list_id list, const char *sort)
{
	const struct list_view *v = list_view(list);
	return v && list_named(v->sorts, sort);
}

/* ---- conditions ---- */

struct list_cond {
	char *where;  /* NULL: none */
	json_t *binds; /* values of ?1, ?2 ... */
};

struct list_cond *q_list_cond(enum list_id list, const struct list_filter *f)
{
	const struct list_view *v = list_view(list);
	struct list_cond *c = xcalloc(1, sizeof *c);
	c->binds = json_array();
	if (!v)
		return c;
	struct strbuf w;
	sb_init(&w);
	const char *preset = f ? list_named(v->presets, f->preset) : NULL;
	if (preset)
		sb_printf(&w, "(%s)", preset);
	if (f && f->hazards && v->hazard_filter) {
		/* The township is the list's own condition, after this one. */
		struct hazard_filter hf = *f->hazards;
		hf.township_code = NULL;
		struct strbuf more;
		sb_init(&more);
		hazard_filter_sql(&hf, &more, c->binds);
		if (more.len)
			sb_printf(&w, "%s(%s)", w.len ? " AND " : "", more.buf);
		sb_finish(&more);
	}
	if (f && !str_empty(f->township_code) && v->township) {
		json_array_append_new(c->binds, json_string(f->township_code));
		sb_printf(&w, "%s%s = ?%zu", w.len ? " AND " : "", v->township,
			  json_array_size(c->binds));
	}
	c->where = w.len ? sb_take(&w) : NULL;
	sb_finish(&w);
	return c;
}

void q_list_cond_free(struct list_cond *c)
{
	if (!c)
		return;
	free(c->where);
	json_decref(c->binds);
	free(c);
}

const char *list_cond_where(const struct list_cond *c)
{
	return c ? c->where : NULL;
}

json_t *list_cond_binds(const struct list_cond *c)
{
	return c ? c->binds : NULL;
}
