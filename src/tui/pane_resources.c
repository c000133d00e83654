/* Pane 3: relief stock on hand, per depot and item (derived balances). */
#include <stdio.h>
#include <string.h>

#include "dutydesk/dtime.h"
#include "dutydesk/model.h"
#include "lpane.h"

static const struct list_col cols[] = {
	{"depot_code", N_("Depot"), 6, 6, false, "key", false, NULL, NULL, NULL},
	{"depot", N_("Depot name"), 10, 16, false, NULL, false, NULL, NULL, NULL},
	{"item", N_("Item"), 10, 12, false, "item", false, NULL, NULL, NULL},
	{"qty", N_("On hand"), 7, 7, true, "qty", false, NULL, NULL, NULL},
	{"unit", N_("Unit"), 4, 4, false, NULL, false, NULL, NULL, NULL},
	{"min_stock", N_("Min"), 5, 5, true, NULL, false, NULL, NULL, NULL},
	{"flag", N_("Alert"), 6, 0, false, NULL, false, NULL, NULL, NULL},
};

static const struct filter_def filters[] = {
	{N_("all"), NULL},
	{N_("below minimum"), "below_min"},
	{N_("county depot"), "county"},
	{N_("township storage points"), "township"},
};

static enum role row_role(json_t *row)
{
	return json_integer_value(json_object_get(row, "low")) ? R_WARN : R_NORMAL;
}

static bool detail(struct app *app, const char *key, struct strbuf *out)
{
	/* key is "DEPOT/ITEM". */
	char depot[64], item[64];
	const char *item_code = key_split(key, '/', depot, sizeof depot);
	if (!item_code)
		return false;
	snprintf(item, sizeof item, "%s", item_code);
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
	/* The stock card: the last movements with the balance after each. */
	json_t *card = q_stock_card(app->st, did, iid, 30, NULL);
	sb_printf(out, "\n# %s\n", _("Stock card (last 30 movements)"));
	json_array_foreach(card, i, l) {
		char when[32];
		json_t *in = json_object_get(l, "qty_in"), *outq = json_object_get(l, "qty_out");
		sb_printf(out, "%s\t%s %s%lld  = %lld  %s\n",
			  tui_time_at(json_integer_value(json_object_get(l, "created_at")), when, sizeof when),
			  app_label(app, ENUM_MOVEMENT_KIND, json_string_value(json_object_get(l, "kind"))),
			  json_is_integer(in) ? "+" : "-",
			  (long long)json_integer_value(json_is_integer(in) ? in : outq),
			  (long long)json_integer_value(json_object_get(l, "balance")),
			  json_string_value(json_object_get(l, "incident")) ?: "");
	}
	json_decref(card);
	json_decref(rows);
	return true;
}

static const struct lpane_spec spec, teams_spec, experts_spec;

static bool action(struct app *app, struct lpane *lp, enum action a, const char *key)
{
	if (a == ACT_VIEW) {
		const struct lpane_spec *next = lp->spec == &spec ? &teams_spec
					      : lp->spec == &teams_spec ? &experts_spec : &spec;
		lpane_set_spec(app, &app->panes[app->active], next);
		return true;
	}
	if (lp->spec != &spec)
		return false;
	if (a != ACT_ADD && a != ACT_MOVE)
		return false;
	char depot[64] = "", item[64] = "";
	const char *item_code = key_split(key, '/', depot, sizeof depot);
	if (item_code)
		snprintf(item, sizeof item, "%s", item_code);
	app_open_form(app, form_stock_move(app, item_code ? depot : NULL, item_code ? item : NULL));
	return true;
}

static const struct lpane_spec spec = {
	.list = LIST_STOCK,
	.cols = cols,
	.ncols = ARRAY_LEN(cols),
	.sort_col = 0,
	.filters = filters,
	.nfilters = ARRAY_LEN(filters),
	.key_col = "key",
	.detail = detail,
	.row_role = row_role,
	.action = action,
};

/* ---- teams and experts: the same pane, switched with v ---- */

static const char *team_type_label(const char *id)
{
	return enum_label(ENUM_TEAM_TYPE, id, tui_zh);
}

static const char *yes_no(const char *id)
{
	return str_eq(id, "1") ? (tui_zh ? "可调" : "yes") : (tui_zh ? "不可" : "no");
}

static const struct list_col team_cols[] = {
	{"code", N_("Code"), 6, 6, false, "code", false, NULL, NULL, NULL},
	{"name", N_("Team"), 12, 20, false, "name", false, NULL, NULL, NULL},
	{"type", N_("Type"), 8, 10, false, "type", false, team_type_label, NULL, NULL},
	{"size", N_("Size"), 4, 4, true, "size", true, NULL, NULL, NULL},
	{"leader", N_("Leader"), 6, 8, false, NULL, false, NULL, NULL, NULL},
	{"phone", N_("Phone"), 11, 11, false, NULL, false, NULL, NULL, NULL},
	{"avail", N_("Ready"), 4, 0, false, NULL, false, yes_no, NULL, NULL},
};

static const struct filter_def team_filters[] = {
	{N_("all"), NULL},
	{N_("available"), "available"},
	{N_("fire rescue and professional"), "fire_pro"},
	{N_("militia"), "militia"},
	{N_("enterprise and volunteer"), "enterprise_volunteer"},
};

static bool team_detail(struct app *app, const char *key, struct strbuf *out)
{
	json_t *rows = q_teams(app->st, NULL, NULL, false, NULL);
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		if (!str_eq(json_string_value(json_object_get(r, "code")), key))
			continue;
		sb_printf(out, "# %s\n", json_string_value(json_object_get(r, "name")));
		detail_text(out, N_("Type"), team_type_label(json_string_value(json_object_get(r, "type"))));
		detail_line(out, N_("Size"), json_object_get(r, "size"));
		detail_line(out, N_("Leader"), json_object_get(r, "leader"));
		detail_line(out, N_("Phone"), json_object_get(r, "phone"));
		detail_line(out, N_("Township"), json_object_get(r, "township"));
		detail_line(out, N_("Base"), json_object_get(r, "base"));
		detail_line(out, N_("Equipment"), json_object_get(r, "equipment"));
	}
	json_decref(rows);
	return true;
}

static const struct lpane_spec teams_spec = {
	.list = LIST_TEAMS,
	.cols = team_cols,
	.ncols = ARRAY_LEN(team_cols),
	.filters = team_filters,
	.nfilters = ARRAY_LEN(team_filters),
	.key_col = "code",
	.detail = team_detail,
	.action = action,
};

static const char *field_label(const char *id)
{
	return enum_label(ENUM_EXPERT_FIELD, id, tui_zh);
}

static const struct list_col expert_cols[] = {
	{"code", N_("Code"), 6, 6, false, "code", false, NULL, NULL, NULL},
	{"name", N_("Expert"), 6, 8, false, "name", false, NULL, NULL, NULL},
	{"field", N_("Field"), 10, 12, false, "field", false, field_label, NULL, NULL},
	{"phone", N_("Phone"), 11, 11, false, NULL, false, NULL, NULL, NULL},
	{"org", N_("Organisation"), 10, 0, false, NULL, false, NULL, NULL, NULL},
};

static bool expert_detail(struct app *app, const char *key, struct strbuf *out)
{
	json_t *rows = q_experts(app->st, NULL, NULL, NULL);
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		if (!str_eq(json_string_value(json_object_get(r, "code")), key))
			continue;
		sb_printf(out, "# %s\n", json_string_value(json_object_get(r, "name")));
		detail_text(out, N_("Field"),
			    field_label(json_string_value(json_object_get(r, "field"))));
		detail_line(out, N_("Organisation"), json_object_get(r, "org"));
		detail_line(out, N_("Phone"), json_object_get(r, "phone"));
		detail_line(out, N_("Township"), json_object_get(r, "township"));
	}
	json_decref(rows);
	return true;
}

static const struct lpane_spec experts_spec = {
	.list = LIST_EXPERTS,
	.cols = expert_cols,
	.ncols = ARRAY_LEN(expert_cols),
	.key_col = "code",
	.detail = expert_detail,
	.action = action,
};

static const enum action actions[] = {ACT_OPEN, ACT_MOVE, ACT_VIEW, ACT_SEARCH, ACT_FILTER,
				      ACT_SORT, ACT_NONE};

LPANE_TYPE(pane_resources, N_("Resources"), spec, actions);
