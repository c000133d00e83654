/* Pane 4: active checklists (Space ticks, n adds a note), and with v the
 * plan library (a activates a plan, or a drill). */
#include <stdio.h>
#include <string.h>

#include "dutydesk/dtime.h"
#include "dutydesk/model.h"
#include "dutydesk/plan.h"
#include "dutydesk/width.h"
#include "lpane.h"

static const char *state_label(const char *id)
{
	static const struct enum_value states[] = {
		{"open", "待办", "open"}, {"done", "已完成", "done"},
		{"prev_done", "此前已完成", "done before"}, {"na", "不适用", "n/a"},
		{NULL, NULL, NULL}};
	return enum_label(states, id, tui_zh);
}

/* When the item is due: from its level's start, or from its prerequisite's
 * completion; "!" once passed. */
static const char *due_cell(json_t *row, char *buf, size_t n)
{
	buf[0] = '\0';
	json_t *w = json_object_get(row, "within_min");
	if (!json_is_integer(w) || !str_eq(json_string_value(json_object_get(row, "state")), "open"))
		return buf;
	int64_t from = json_integer_value(json_object_get(row, "started_at"));
	if (json_is_string(json_object_get(row, "after_key"))) {
		json_t *ad = json_object_get(row, "after_done_at");
		if (!json_is_integer(ad))
			return buf; /* cannot start yet */
		from = json_integer_value(ad);
	}
	int64_t left = from + json_integer_value(w) * 60 - dd_now();
	int64_t m = (left < 0 ? -left : left) / 60;
	snprintf(buf, n, "%s%lld:%02lld", left < 0 ? "!" : "", (long long)(m / 60), (long long)(m % 60));
	return buf;
}

/* "[演练]title 4/20", or for a response to an incident its number first:
 * "永和-2026-0002 geohazard 0/12". */
static const char *plan_cell(json_t *row, char *buf, size_t n)
{
	const char *inc = json_string_value(json_object_get(row, "incident"));
	snprintf(buf, n, "%s%s%s%s %lld/%lld",
		 json_integer_value(json_object_get(row, "drill")) ? (tui_zh ? "[演练]" : "[D]") : "",
		 inc ? inc : "", inc ? " " : "", json_string_value(json_object_get(row, "plan")) ?: "",
		 (long long)json_integer_value(json_object_get(row, "done")),
		 (long long)json_integer_value(json_object_get(row, "total")));
	return buf;
}

static const char *text_cell(json_t *row, char *buf, size_t n)
{
	const char *t = json_string_value(json_object_get(row, "text"));
	if (!json_is_string(json_object_get(row, "parent_key")))
		return t ? t : "";
	snprintf(buf, n, "  %s", t ? t : ""); /* substeps indented */
	utf8_trim_partial(buf);
	return buf;
}

/* The item's whole text under the list: the Task column cuts it. */
static const char *item_text(json_t *row)
{
	return json_string_value(json_object_get(row, "text"));
}

static const struct list_col cols[] = {
	{"plan", N_("Plan"), 14, 22, false, "order", false,
	 NULL, NULL, plan_cell},
	{"level", N_("Lvl"), 4, 4, false, NULL, false, NULL, NULL, NULL},
	{"state", N_("State"), 6, 8, false, "state", false, state_label, NULL, NULL},
	{"due", N_("Due"), 6, 6, true, NULL, false, NULL, NULL, due_cell},
	{"text", N_("Task"), 10, 0, false, NULL, false, NULL, NULL, text_cell},
};

static const struct filter_def filters[] = {
	{N_("all"), NULL},
	{N_("open items"), "open"},
	{N_("done"), "done"},
};

static enum role row_role(json_t *row)
{
	char buf[32];
	if (due_cell(row, buf, sizeof buf)[0] == '!')
		return R_OVERDUE;
	return str_eq(json_string_value(json_object_get(row, "state")), "open") ? R_NORMAL : R_DIM;
}

static bool detail(struct app *app, const char *key, struct strbuf *out)
{
	/* key: "<activation id> <item key>" */
	char act[ID_TEXT];
	const char *item_key = key_split(key, ' ', act, sizeof act);
	if (!item_key)
		return false;
	json_t *s = plan_status(app->st, act, dd_now(), NULL);
	if (!s)
		return false;
	json_t *p = json_object_get(s, "progress");
	int64_t done = json_integer_value(json_object_get(p, "done")),
		total = json_integer_value(json_object_get(p, "total"));
	char bar[64] = "";
	for (int i = 0; i < 20; i++)
		strcat(bar, total && i < done * 20 / total ? (tui_unicode ? "█" : "#") : (tui_unicode ? "░" : "."));
	sb_printf(out, "# %s%s  %s%s\n", json_integer_value(json_object_get(s, "drill")) ? _("[DRILL] ") : "",
		  json_string_value(json_object_get(s, "title")), _("level "),
		  json_string_value(json_object_get(s, "level")));
	sb_printf(out, "%s %lld/%lld  %s %lld\n", bar, (long long)done, (long long)total, _("overdue"),
		  (long long)json_integer_value(json_object_get(p, "overdue")));
	if (json_is_string(json_object_get(s, "incident")))
		sb_printf(out, "%s\t%s\n", _("Incident"), json_string_value(json_object_get(s, "incident")));
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(s, "items"), i, it) {
		if (!str_eq(json_string_value(json_object_get(it, "item_key")), item_key))
			continue;
		sb_printf(out, "\n# %s\n%s\n", json_string_value(json_object_get(it, "item_key")),
			  json_string_value(json_object_get(it, "text")));
		detail_line(out, N_("Unit"), json_object_get(it, "unit"));
		detail_text(out, N_("State"), state_label(json_string_value(json_object_get(it, "state"))));
		detail_line(out, N_("After"), json_object_get(it, "after_key"));
		detail_line(out, N_("Reason"), json_object_get(it, "reason"));
		detail_line(out, N_("Done by"), json_object_get(it, "done_by"));
		if (json_is_integer(json_object_get(it, "done_at"))) {
			char when[32];
			detail_text(out, N_("Done at"),
				    tui_time_at(json_integer_value(json_object_get(it, "done_at")), when,
						  sizeof when));
		}
	}
	json_decref(s);
	return true;
}

static bool tick(struct app *app, const char *key, const char *state, const char *reason)
{
	char act[ID_TEXT], item[96];
	/* copies: the reload below frees the row the key lives in */
	const char *item_key = key_split(key, ' ', act, sizeof act);
	if (!item_key)
		return false;
	snprintf(item, sizeof item, "%s", item_key);
	struct err e;
	if (!store_begin(app->st, &e) || !plan_check(app->st, act, item, state, reason, &e)) {
		store_rollback(app->st);
		app_message(app, true, "%s", e.msg);
		return false;
	}
	if (!store_commit(app->st, &e)) {
		app_message(app, true, "%s", e.msg);
		return false;
	}
	app_changed(app);
	app_message(app, false, "%s %s", item, state_label(state));
	return true;
}

static const struct lpane_spec spec, library_spec;

static bool action(struct app *app, struct lpane *lp, enum action a, const char *key)
{
	if (a == ACT_VIEW) {
		lpane_set_spec(app, &app->panes[app->active], lp->spec == &spec ? &library_spec : &spec);
		return true;
	}
	if (lp->spec == &library_spec) {
		if ((a == ACT_ADD || a == ACT_OPEN) && key && a == ACT_ADD) {
			app_open_form(app, form_activate(app, key));
			return true;
		}
		return false;
	}
	json_t *row = list_selected(&lp->list);
	if (a == ACT_ADD) {
		/* a: a plan is activated from the library, even with no checklist yet */
		lpane_set_spec(app, &app->panes[app->active], &library_spec);
		app_message(app, false, "%s", _("the plan library: choose a plan, a activates it"));
		return true;
	}
	if (a == ACT_TICK && key && json_integer_value(json_object_get(row, "substeps")) > 0) {
		/* A parent is done by its substeps: Space says so and goes to
		 * the first open one; it never reopens a finished parent. */
		json_int_t open = json_integer_value(json_object_get(row, "open_substeps"));
		if (open > 0) {
			struct err e;
			list_move(&lp->list, app->st, ACT_DOWN, &e);
			app_message(app, true,
				    _("a parent item is done when its substeps are: %lld still open, "
				      "tick them"),
				    (long long)open);
		} else {
			app_message(app, true, "%s",
				    _("a parent item was done by its substeps: to open it again, "
				      "open a substep"));
		}
		return true;
	}
	if (a == ACT_TICK && key) {
		bool open = str_eq(json_string_value(json_object_get(row, "state")), "open");
		tick(app, key, open ? "done" : "open", NULL);
		return true;
	}
	if (a == ACT_NEXT_MATCH && key) {
		/* n: a note on the item, to the incident's timeline */
		app_open_form(app, form_item_note(app, key));
		return true;
	}
	return false;
}

static const struct lpane_spec spec = {
	.list = LIST_CHECKLIST,
	.cols = cols,
	.ncols = ARRAY_LEN(cols),
	.sort_col = 0,
	.filters = filters,
	.nfilters = ARRAY_LEN(filters),
	.key_col = "key",
	.detail = detail,
	.row_role = row_role,
	.action = action,
	.preview = item_text,
};

/* ---- the library ---- */

static const struct list_col lib_cols[] = {
	{"plan_key", N_("Plan"), 14, 16, false, "plan_key", false, NULL, NULL, NULL},
	{"version", N_("Version"), 7, 8, false, NULL, false, NULL, NULL, NULL},
	{"active", N_("Active"), 6, 6, true, NULL, false, NULL, NULL, NULL},
	{"title", N_("Title"), 10, 0, false, "title", false, NULL, NULL, NULL},
};

static bool lib_detail(struct app *app, const char *key, struct strbuf *out)
{
	json_t *plan = plan_get(app->st, key, NULL);
	if (!plan)
		return false;
	json_t *hq = json_object_get(plan, "hq");
	sb_printf(out, "# %s\n", json_string_value(json_object_get(plan, "title")));
	detail_line(out, N_("Command HQ"), json_object_get(hq, "name"));
	detail_line(out, N_("Lead unit"), json_object_get(hq, "lead"));
	for (int l = 0; l < 4; l++) {
		json_t *lv = json_object_get(json_object_get(plan, "levels"), plan_levels[l]);
		if (!lv)
			continue;
		sb_printf(out, "\n# %s %s\n%s\n", _("Level"), plan_levels[l],
			  json_string_value(json_object_get(lv, "trigger")));
		size_t i;
		json_t *it;
		json_array_foreach(json_object_get(lv, "items"), i, it)
			sb_printf(out, "- %s\n", json_string_value(json_object_get(it, "text")));
	}
	json_decref(plan);
	return true;
}

static const struct lpane_spec library_spec = {
	.list = LIST_PLANS,
	.cols = lib_cols,
	.ncols = ARRAY_LEN(lib_cols),
	.key_col = "plan_key",
	.detail = lib_detail,
	.action = action,
};

static const enum action actions[] = {ACT_OPEN, ACT_TICK, ACT_VIEW, ACT_ADD, ACT_SEARCH,
				      ACT_FILTER, ACT_NONE};

LPANE_TYPE(pane_plans, N_("Plans"), spec, actions);
