/* Pane 4: plan activations and their checklist items. */
#include "lpane.h"

static const char *state_label(const char *id)
{
	static const struct enum_value states[] = {
		{"open", "待办", "open"}, {"done", "已完成", "done"},
		{"prev_done", "此前已完成", "done before"}, {"na", "不适用", "n/a"},
		{NULL, NULL, NULL}};
	return enum_label(states, id, tui_zh);
}

static const struct list_col cols[] = {
	{"plan", N_("Plan"), 12, 16, false, "p.title", false, NULL, NULL, NULL},
	{"level", N_("Lvl"), 4, 4, false, NULL, false, NULL, NULL, NULL},
	{"incident", N_("Incident"), 14, 14, false, NULL, false, NULL, NULL, NULL},
	{"state", N_("State"), 6, 8, false, "c.state", false, state_label, NULL, NULL},
	{"text", N_("Task"), 10, 0, false, NULL, false, NULL, NULL, NULL},
};

static const struct filter_def filters[] = {
	{N_("all"), NULL},
	{N_("open items"), "c.state = 'open'"},
	{N_("done"), "c.state IN ('done','prev_done')"},
};

static bool detail(struct app *app, const char *key, struct strbuf *out)
{
	(void)app;
	sb_printf(out, "# %s\n", key);
	return true;
}

static const struct lpane_spec spec = {
	.q = {.cols = "p.title AS plan, a.level, i.number AS incident, c.state, c.text,"
		      " c.item_key || ' ' || c.text AS key",
	      .from = "checklist_item c JOIN plan_activation a ON a.id = c.activation_id"
		      " JOIN plan p ON p.id = a.plan_id LEFT JOIN incident i ON i.id = a.incident_id",
	      .where = "c.archived = 0 AND a.closed_at IS NULL",
	      .sort = "a.started_at || '/' || printf('%08d', c.ord)",
	      .id = "c.id",
	      .desc = false,
	      .search = "c.text || ' ' || p.title"},
	.cols = cols,
	.ncols = ARRAY_LEN(cols),
	.sort_col = 0,
	.filters = filters,
	.nfilters = ARRAY_LEN(filters),
	.key_col = "key",
	.detail = detail,
};

static const enum action actions[] = {ACT_OPEN, ACT_SEARCH, ACT_FILTER, ACT_NONE};

LPANE_TYPE(pane_plans, N_("Plans"), spec, actions);
