/* Pane 1: the incident log. */
#include <string.h>

#include "dutydesk/dtime.h"
#include "dutydesk/model.h"
#include "lpane.h"

static const char *level_label(const char *id)
{
	return str_eq(id, "pending") ? (tui_zh ? "待定" : "?") : id;
}

/* The next report due, as a countdown: "1:42" left, "!0:15" overdue.
 * When it falls due depends on the row alone, so it is worked out once per
 * row read (kept in the row as "_due") and the countdown from it whenever
 * the row is drawn, so that it moves with the clock. */
static const char *due_cell(json_t *row, char *buf, size_t n)
{
	buf[0] = '\0';
	if (!tui_rules)
		return buf;
	json_t *due = json_object_get(row, "_due");
	if (!due) {
		struct due d;
		due = incident_next_due(tui_rules, row, &d) ? json_integer(d.at) : json_null();
		json_object_set_new(row, "_due", due);
	}
	if (json_is_integer(due)) {
		int64_t left = json_integer_value(due) - dd_now();
		bool over = left < 0;
		int64_t m = (over ? -left : left) / 60;
		if (m >= 100 * 60)
			snprintf(buf, n, "%s%lldd", over ? "!" : "", (long long)(m / 1440));
		else
			snprintf(buf, n, "%s%lld:%02lld", over ? "!" : "", (long long)(m / 60),
				 (long long)(m % 60));
	}
	return buf;
}

static const char *status_label(const char *id)
{
	return enum_label(ENUM_INCIDENT_STATUS, id, tui_zh);
}

static const struct list_col cols[] = {
	{"number", N_("Number"), 14, 14, false, "number", true, NULL, NULL, NULL},
	{"received", N_("Received"), 11, 11, false, "received", true, NULL, NULL, NULL},
	{"level", N_("Lvl"), 5, 5, false, "level", false, level_label, NULL, NULL},
	{"status", N_("State"), 6, 6, false, "status", false, status_label, NULL, NULL},
	{"type_zh", N_("Type"), 8, 8, false, "type", false, NULL, "type_en", NULL},
	{"township", N_("Township"), 8, 8, false, "township", false, NULL, NULL, NULL},
	{"due", N_("Due"), 6, 6, true, NULL, false, NULL, NULL, due_cell},
	{"title", N_("Title"), 10, 0, false, NULL, false, NULL, NULL, NULL},
};

static const struct filter_def filters[] = {
	{N_("all"), NULL},
	{N_("open"), "open"},
	{N_("closed"), "closed"},
	{N_("level I-II"), "level_high"},
	{N_("level III"), "level_3"},
	{N_("level IV"), "level_4"},
	{N_("level pending"), "level_pending"},
	{N_("natural disasters"), "natural"},
	{N_("accidents"), "accident"},
};

static enum role row_role(json_t *row)
{
	char buf[32];
	if (due_cell(row, buf, sizeof buf)[0] == '!')
		return R_OVERDUE; /* the Due column says it in text too ("!") */
	return theme_level(json_string_value(json_object_get(row, "level")));
}

/* Under a timeline entry: how and to whom a report went, and the figures
 * it brought ("phone → 县政府值班室  Injured 1  Affected 40"). */
static void timeline_how(struct app *app, json_t *t, struct strbuf *out)
{
	static const struct {
		const char *key, *label;
	} figs[] = {{"deaths", N_("Deaths")},	    {"injured", N_("Injured")},
		    {"missing", N_("Missing")},	    {"trapped", N_("Trapped")},
		    {"evacuated", N_("Evacuated")}, {"affected", N_("Affected")},
		    {"loss_10k", N_("Loss (10k yuan)")}};
	struct strbuf sb;
	sb_init(&sb);
	sb_puts(&sb, "");
	const char *via = json_string_value(json_object_get(t, "via"));
	const char *to = json_string_value(json_object_get(t, "recipient"));
	if (via)
		sb_puts(&sb, app_label(app, ENUM_VIA, via));
	if (to)
		sb_printf(&sb, "%s%s ", sb.len ? " " : "", tui_unicode ? "→" : "->"), sb_puts(&sb, to);
	for (size_t i = 0; i < ARRAY_LEN(figs); i++) {
		json_t *v = json_object_get(t, figs[i].key);
		if (json_is_number(v))
			sb_printf(&sb, "%s%s %g", sb.len ? "  " : "", _(figs[i].label),
				  json_number_value(v));
	}
	if (sb.len)
		sb_printf(out, "\t%s\n", sb.buf);
	sb_finish(&sb);
}

static bool detail(struct app *app, const char *key, struct strbuf *out)
{
	json_t *r = q_incident_show(app->st, key, NULL);
	if (!r || json_is_null(r)) {
		json_decref(r);
		return false;
	}
	sb_printf(out, "# %s  %s\n", json_string_value(json_object_get(r, "number")),
		  json_string_value(json_object_get(r, "title")));
	static const char *const keys[][2] = {
		{"type_name", N_("Type")}, {"level", N_("Level")}, {"status", N_("Status")},
		{"township", N_("Township")}, {"village", N_("Village")}, {"place", N_("Place")},
		{"received_at", N_("Received")}, {"occurred_at", N_("Occurred")},
		{"channel", N_("Received by")}, {"reporter", N_("Reporter")},
		{"reporter_phone", N_("Phone")}, {"reporter_unit", N_("Unit")},
		{"deaths", N_("Deaths")}, {"injured", N_("Injured")}, {"missing", N_("Missing")},
		{"trapped", N_("Trapped")}, {"evacuated", N_("Evacuated")},
		{"affected", N_("Affected")}, {"loss_10k", N_("Loss (10k yuan)")},
		{"closed_at", N_("Closed")}};
	for (size_t i = 0; i < ARRAY_LEN(keys); i++) {
		json_t *v = json_object_get(r, keys[i][0]);
		if (str_eq(keys[i][0], "level") || str_eq(keys[i][0], "status") ||
		    str_eq(keys[i][0], "channel")) {
			const struct enum_value *ev = str_eq(keys[i][0], "level") ? ENUM_LEVEL
				: str_eq(keys[i][0], "status") ? ENUM_INCIDENT_STATUS : ENUM_CHANNEL;
			if (json_is_string(v))
				detail_text(out, keys[i][1], app_label(app, ev, json_string_value(v)));
		} else if (json_is_integer(v) && json_integer_value(v) == 0 &&
			   !str_eq(keys[i][0], "deaths")) {
			continue; /* zero figures say nothing but deaths */
		} else {
			detail_line(out, keys[i][1], v);
		}
	}
	if (json_is_string(json_object_get(r, "hazard_code"))) {
		sb_printf(out, "\n# %s %s %s\n", _("Hazard point"),
			  json_string_value(json_object_get(r, "hazard_code")),
			  json_string_value(json_object_get(r, "hazard_name")));
		detail_line(out, N_("Monitor"), json_object_get(r, "hazard_monitor"));
		detail_line(out, N_("Monitor's phone"), json_object_get(r, "hazard_monitor_phone"));
		detail_line(out, N_("Households"), json_object_get(r, "hazard_households"));
		detail_line(out, N_("People"), json_object_get(r, "hazard_people"));
	}
	sb_printf(out, "\n# %s\n", _("Timeline"));
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(r, "timeline"), i, t) {
		const char *at = json_string_value(json_object_get(t, "created_at"));
		const char *kind = json_string_value(json_object_get(t, "kind"));
		const char *text = json_string_value(json_object_get(t, "text"));
		const char *who = json_string_value(json_object_get(t, "author"));
		char label[64], cn[16];
		if (str_eq(kind, "follow_up"))
			snprintf(label, sizeof label, "%s%s", app_label(app, ENUM_TIMELINE_KIND, kind),
				 app->zh ? cn_numeral((int)json_integer_value(json_object_get(t, "seq")), cn,
						      sizeof cn)
					 : "");
		else
			snprintf(label, sizeof label, "%s", app_label(app, ENUM_TIMELINE_KIND, kind));
		bool struck = json_is_string(json_object_get(t, "corrected_by"));
		char when[32];
		/* #N: what :incident correct takes for the entry */
		sb_printf(out, "%s\t%s%s%s%s%s  #%zu\n", tui_time(at, when, sizeof when), label,
			  struck ? _(" [corrected]") : "", who ? " (" : "", who ? who : "", who ? ")" : "",
			  i + 1);
		timeline_how(app, t, out);
		if (text && str_eq(kind, "status")) /* the state it went to, in words */
			sb_printf(out, "\t%s\n", app_label(app, ENUM_INCIDENT_STATUS, text));
		else if (text)
			sb_printf(out, "\t%s\n", text);
	}
	json_decref(r);
	return true;
}

static bool action(struct app *app, struct lpane *lp, enum action a, const char *key)
{
	struct form *f = NULL;
	switch (a) {
	case ACT_ADD:
		f = form_incident_new(app);
		break;
	case ACT_EDIT:
		f = key ? form_incident_edit(app, key) : NULL;
		break;
	case ACT_NOTE:
		f = key ? form_incident_note(app, key) : NULL;
		break;
	case ACT_MOVE:
		f = form_stock_move(app, NULL, NULL);
		if (f && key)
			form_set(f, "incident", key);
		break;
	case ACT_DISPATCH:
		f = key ? form_dispatch(app, key) : NULL;
		break;
	default:
		return false;
	}
	if (f)
		app_open_form(app, f);
	return true;
}

static const struct lpane_spec spec = {
	.list = LIST_INCIDENTS,
	.cols = cols,
	.ncols = ARRAY_LEN(cols),
	.sort_col = 1,
	.filters = filters,
	.nfilters = ARRAY_LEN(filters),
	.key_col = "number",
	.detail = detail,
	.row_role = row_role,
	.action = action,
};

static const enum action actions[] = {ACT_OPEN, ACT_ADD, ACT_EDIT, ACT_NOTE, ACT_DISPATCH,
				      ACT_MOVE, ACT_SEARCH, ACT_FILTER, ACT_SORT,
				      ACT_NONE};

LPANE_TYPE(pane_incidents, N_("Incidents"), spec, actions);
