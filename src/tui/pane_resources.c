/* Pane 3: relief stock on hand, per depot and item (derived balances). */
#include <stdio.h>
#include <string.h>

#include "lpane.h"

static const struct list_col cols[] = {
	{"depot_code", N_("Depot"), 6, 6, false, "d.code || '/' || i.code", false, NULL, NULL, NULL},
	{"depot", N_("Depot name"), 10, 16, false, NULL, false, NULL, NULL, NULL},
	{"item", N_("Item"), 10, 12, false, "i.name", false, NULL, NULL, NULL},
	{"qty", N_("On hand"), 7, 7, true, "b.qty", false, NULL, NULL, NULL},
	{"unit", N_("Unit"), 4, 4, false, NULL, false, NULL, NULL, NULL},
	{"min_stock", N_("Min"), 5, 5, true, NULL, false, NULL, NULL, NULL},
	{"flag", N_("Alert"), 6, 0, false, NULL, false, NULL, NULL, NULL},
};

static const struct filter_def filters[] = {
	{N_("all"), NULL},
	{N_("below minimum"), "b.qty < i.min_stock"},
	{N_("county depot"), "d.level = 'county'"},
	{N_("township storage points"), "d.level = 'township'"},
};

static enum role row_role(json_t *row)
{
	return json_integer_value(json_object_get(row, "low")) ? R_WARN : R_NORMAL;
}

static bool detail(struct app *app, const char *key, struct strbuf *out)
{
	/* key is "DEPOT/ITEM". */
	char depot[64], item[64];
	const char *slash = strchr(key, '/');
	if (!slash)
		return false;
	snprintf(depot, sizeof depot, "%.*s", (int)(slash - key), key);
	snprintf(item, sizeof item, "%s", slash + 1);
	char did[ID_TEXT], iid[ID_TEXT];
	if (!q_ref(app->st, "depot", depot, did, NULL) || !q_ref(app->st, "item", item, iid, NULL))
		return false;
	json_t *rows = q_stock_list(app->st, did, iid, NULL);
	json_t *r = json_array_get(rows, 0);
	if (!r) {
		json_decref(rows);
		return false;
	}
	sb_printf(out, "# %s  %s\n", json_string_value(json_object_get(r, "depot")),
		  json_string_value(json_object_get(r, "item")));
	detail_line(out, N_("Township"), json_object_get(r, "township"));
	detail_line(out, N_("On hand"), json_object_get(r, "qty"));
	detail_line(out, N_("Unit"), json_object_get(r, "unit"));
	detail_line(out, N_("Minimum"), json_object_get(r, "min_stock"));
	detail_line(out, N_("Next expiry"), json_object_get(r, "next_expiry"));
	json_t *lots = q_stock_lots(app->st, did, iid, NULL);
	sb_printf(out, "\n# %s\n", _("Lots (first to expire first)"));
	size_t i;
	json_t *l;
	json_array_foreach(lots, i, l)
		sb_printf(out, "%s\t%lld  %s\n",
			  *json_string_value(json_object_get(l, "batch")) ? json_string_value(json_object_get(l, "batch")) : "-",
			  (long long)json_integer_value(json_object_get(l, "qty")),
			  json_string_value(json_object_get(l, "expiry")));
	json_decref(lots);
	json_decref(rows);
	return true;
}

static bool action(struct app *app, struct lpane *lp, enum action a, const char *key)
{
	if (a != ACT_ADD && a != ACT_MOVE)
		return false;
	char depot[64] = "", item[64] = "";
	const char *slash = key ? strchr(key, '/') : NULL;
	if (slash) {
		snprintf(depot, sizeof depot, "%.*s", (int)(slash - key), key);
		snprintf(item, sizeof item, "%s", slash + 1);
	}
	app_open_form(app, form_stock_move(app, slash ? depot : NULL, slash ? item : NULL));
	return true;
}

static const struct lpane_spec spec = {
	.q = {.cols = "d.code || '/' || i.code AS key, d.code AS depot_code, d.name AS depot,"
		      " i.name AS item, b.qty, i.unit, i.min_stock, b.qty < i.min_stock AS low,"
		      " CASE WHEN b.qty < 0 THEN '!NEGATIVE' WHEN b.qty < i.min_stock THEN '!LOW'"
		      " ELSE '' END AS flag",
	      .from = "stock_balance b JOIN depot d ON d.id = b.depot_id"
		      " JOIN item i ON i.id = b.item_id",
	      .where = "d.archived = 0",
	      .sort = "d.code || '/' || i.code",
	      .id = "b.depot_id || b.item_id",
	      .desc = false,
	      .search = "d.name || ' ' || d.code || ' ' || i.name || ' ' || i.code"},
	.cols = cols,
	.ncols = ARRAY_LEN(cols),
	.sort_col = 0,
	.filters = filters,
	.nfilters = ARRAY_LEN(filters),
	.key_col = "key",
	.township_col = "d.township_code",
	.detail = detail,
	.row_role = row_role,
	.action = action,
};

static const enum action actions[] = {ACT_OPEN, ACT_MOVE, ACT_SEARCH, ACT_FILTER, ACT_SORT,
				      ACT_NONE};

LPANE_TYPE(pane_resources, N_("Resources"), spec, actions);
