/* The console's forms. Each saves through the same model operations and
 * field parsing as the CLI, in one transaction. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dutydesk/dtime.h"
#include "dutydesk/model.h"
#include "dutydesk/plan.h"
#include "tui.h"

/* Adds the choices of q_choices(what) to ff (each under its township,
 * where it has one). */
void load_choices(struct app *app, struct form_field *ff, const char *what)
{
	json_t *rows = q_choices(app->st, what, NULL);
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		form_choice_under(ff, json_string_value(json_object_get(r, "id")),
				  json_string_value(json_object_get(r, "label")),
				  json_string_value(json_object_get(r, "parent")));
		form_choice_also(ff, json_string_value(json_object_get(r, "also")));
	}
	json_decref(rows);
}

/* A pick list of what (villages, hazard points) narrowed to the township
 * chosen in the form's "township" field. */
static struct form_field *in_township(struct app *app, struct form_field *ff, const char *what)
{
	ff->parent = "township";
	load_choices(app, ff, what);
	return ff;
}

/* Labels in the interface language; in Chinese the identifier follows, so
 * that typing Latin letters filters too. */
void enum_choices(struct app *app, struct form_field *ff, const struct enum_value *v)
{
	for (; v->id; v++) {
		char label[128];
		snprintf(label, sizeof label, "%s%s%s", app->zh ? v->zh : v->en, app->zh ? " " : "",
			 app->zh ? v->id : "");
		form_choice(ff, v->id, label);
	}
}

/* Parses form field name as column col of t into fields (skips empty). */
static bool take(struct app *app, struct form *f, json_t *fields, const struct table *t,
		 const char *name, const char *col, struct err *e)
{
	struct form_field *ff = form_field(f, name);
	if (ff)
		ff->column = col; /* the model's messages name it */
	const char *text = form_value(f, name);
	if (!*text)
		return true;
	char *copy = xstrdup(text);
	const char *tc = json_string_value(json_object_get(fields, "township_code"));
	const struct column *c = table_column(t, col);
	if (ff && c) /* what else a message may name it by */
		ff->col_input = c->input;
	json_t *v = field_parse(app->st, c, copy, tc, e);
	free(copy);
	if (!v) {
		if (ff && !form_blame(f, e->msg))
			snprintf(ff->msg, sizeof ff->msg, "%s", e->msg);
		return false;
	}
	if (json_is_null(v))
		json_decref(v);
	else
		json_object_set_new(fields, col, v);
	return true;
}

/* Runs fn in one transaction. */
static bool in_tx(struct app *app, bool (*fn)(struct app *, struct form *, json_t *, struct err *),
		  struct form *f, json_t *fields, struct err *e)
{
	if (!store_begin(app->st, e))
		return false;
	if (!fn(app, f, fields, e)) {
		store_rollback(app->st);
		return false;
	}
	if (!store_commit(app->st, e))
		return false;
	app_changed(app);
	return true;
}

/* ---- incident: intake ---- */
static const char *const figures[] = {"deaths", "injured", "missing", "trapped", "evacuated"};

static bool incident_new_tx(struct app *app, struct form *f, json_t *fields, struct err *e)
{
	char number[64];
	const char *note = form_value(f, "note");
	char *n = xstrdup(note);
	bool ok = incident_add(app->st, fields, n, number, e);
	free(n);
	const char *dup = json_string_value(json_object_get(fields, "duplicate_of"));
	if (ok && dup)
		app_message(app, true, _("saved %s — likely the same call as %s"), number, dup);
	else if (ok)
		app_message(app, false, "%s %s", _("saved"), number);
	if (ok)
		app_select(app, &pane_incidents, number);
	return ok;
}

static bool incident_new_save(struct app *app, struct form *f, struct err *e)
{
	static const char *const map[][2] = {
		{"title", "title"}, {"type", "type"}, {"level", "level"},
		{"township", "township_code"}, {"village", "village_code"}, {"place", "place"},
		{"at", "occurred_at"}, {"channel", "channel"}, {"reporter", "reporter"},
		{"phone", "reporter_phone"}, {"deaths", "deaths"}, {"injured", "injured"},
		{"missing", "missing"}, {"trapped", "trapped"}, {"evacuated", "evacuated"},
		{"post", "reporter_post"}, {"hazard", "hazard_id"}, {"cause", "cause"},
		{"measures", "measures"}, {"trend", "trend"}, {"told", "told"}};
	json_t *fields = json_object();
	bool ok = true;
	for (size_t i = 0; i < ARRAY_LEN(map) && ok; i++)
		ok = take(app, f, fields, &T_INCIDENT, map[i][0], map[i][1], e);
	ok = ok && in_tx(app, incident_new_tx, f, fields, e);
	json_decref(fields);
	return ok;
}

static void incident_fields(struct app *app, struct form *f)
{
	form_add(f, "title", N_("Title"), F_TEXT, true);
	load_choices(app, form_add(f, "type", N_("Type"), F_CHOICE, true), "type");
	enum_choices(app, form_add(f, "level", N_("Level"), F_CHOICE, false), ENUM_LEVEL);
	load_choices(app, form_add(f, "township", N_("Township"), F_CHOICE, false), "township");
	in_township(app, form_add(f, "village", N_("Village"), F_CHOICE, false), "village");
	form_add(f, "place", N_("Place"), F_TEXT, false);
}

struct form *form_incident_new(struct app *app)
{
	struct form *f = form_create("incident", _("New incident (phone report)"));
	incident_fields(app, f);
	form_add(f, "at", N_("Occurred"), F_TIME, false);
	enum_choices(app, form_add(f, "channel", N_("Received by"), F_CHOICE, false), ENUM_CHANNEL);
	form_add(f, "reporter", N_("Reporter"), F_TEXT, false);
	form_add(f, "phone", N_("Phone"), F_TEXT, false);
	for (size_t i = 0; i < ARRAY_LEN(figures); i++)
		form_add(f, figures[i], figures[i][0] == 'd'   ? N_("Deaths")
					: figures[i][0] == 'i' ? N_("Injured")
					: figures[i][0] == 'm' ? N_("Missing")
					: figures[i][0] == 't' ? N_("Trapped")
							       : N_("Evacuated"),
			 F_NUMBER, false);
	form_add(f, "post", N_("Reporter's post"), F_TEXT, false);
	in_township(app, form_add(f, "hazard", N_("Hazard point"), F_CHOICE, false), "hazard");
	form_add(f, "cause", N_("Cause"), F_TEXT, false);
	form_add(f, "measures", N_("Measures taken"), F_TEXT, false);
	form_add(f, "trend", N_("Trend"), F_TEXT, false);
	form_add(f, "told", N_("Already told"), F_TEXT, false);
	form_add(f, "note", N_("Caller's account"), F_TEXT, false);
	form_set(f, "channel", "phone");
	f->save = incident_new_save;
	f->dirty = false;
	return f;
}

/* ---- incident: edit ---- */
static bool incident_edit_tx(struct app *app, struct form *f, json_t *fields, struct err *e)
{
	bool changed;
	char *note = xstrdup(form_value(f, "note"));
	bool ok = incident_edit(app->st, f->target, fields, note, &changed, e);
	free(note);
	if (ok)
		app_message(app, false, "%s", changed ? _("saved") : _("nothing changed"));
	return ok;
}

static bool incident_edit_save(struct app *app, struct form *f, struct err *e)
{
	static const char *const map[][2] = {
		{"title", "title"}, {"type", "type"}, {"level", "level"},
		{"township", "township_code"}, {"village", "village_code"}, {"place", "place"},
		{"deaths", "deaths"}, {"injured", "injured"}, {"missing", "missing"},
		{"trapped", "trapped"}, {"evacuated", "evacuated"}};
	json_t *fields = json_object();
	bool ok = true;
	for (size_t i = 0; i < ARRAY_LEN(map) && ok; i++)
		ok = take(app, f, fields, &T_INCIDENT, map[i][0], map[i][1], e);
	ok = ok && in_tx(app, incident_edit_tx, f, fields, e);
	json_decref(fields);
	return ok;
}

struct form *form_incident_edit(struct app *app, const char *number)
{
	json_t *r = q_incident_show(app->st, number, NULL);
	if (!r || json_is_null(r)) {
		json_decref(r);
		return NULL;
	}
	struct form *f = form_create("incident_edit", _("Edit incident"));
	snprintf(f->target, sizeof f->target, "%s", number);
	incident_fields(app, f);
	for (size_t i = 0; i < 4; i++)
		form_add(f, figures[i], figures[i][0] == 'd'   ? N_("Deaths")
					: figures[i][0] == 'i' ? N_("Injured")
					: figures[i][0] == 'm' ? N_("Missing")
							       : N_("Trapped"),
			 F_NUMBER, false);
	form_add(f, "evacuated", N_("Evacuated"), F_NUMBER, false);
	form_add(f, "note", N_("Timeline note"), F_TEXT, false);
	static const char *const keys[][2] = {
		{"title", "title"}, {"type", "type"}, {"level", "level"},
		{"township", "township_code"}, {"village", "village_code"}, {"place", "place"},
		{"deaths", "deaths"}, {"injured", "injured"}, {"missing", "missing"},
		{"trapped", "trapped"}, {"evacuated", "evacuated"}};
	for (size_t i = 0; i < ARRAY_LEN(keys); i++) {
		json_t *v = json_object_get(r, keys[i][1]);
		char buf[64];
		if (json_is_integer(v)) {
			snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
			form_set(f, keys[i][0], buf);
		} else if (json_is_string(v)) {
			form_set(f, keys[i][0], json_string_value(v));
		}
	}
	json_decref(r);
	f->save = incident_edit_save;
	f->dirty = false;
	return f;
}

/* ---- hazards ---- */
static const char *const hazard_map[][2] = {
	{"kind", "kind"}, {"code", "code"}, {"name", "name"}, {"subtype", "subtype"},
	{"township", "township_code"}, {"village", "village_code"}, {"scale", "scale"},
	{"households", "households"}, {"people", "people"}, {"monitor", "monitor"},
	{"monitor_phone", "monitor_phone"}, {"notes", "notes"}};

static bool hazard_tx(struct app *app, struct form *f, json_t *fields, struct err *e)
{
	bool changed = true;
	char id[ID_TEXT];
	bool ok = f->target[0] ? hazard_edit(app->st, f->target, fields, &changed, e)
			       : hazard_add(app->st, fields, id, e);
	if (ok)
		app_message(app, false, "%s", changed ? _("saved") : _("nothing changed"));
	return ok;
}

static bool hazard_save(struct app *app, struct form *f, struct err *e)
{
	json_t *fields = json_object();
	bool ok = true;
	for (size_t i = 0; i < ARRAY_LEN(hazard_map) && ok; i++)
		if (form_field(f, hazard_map[i][0]))
			ok = take(app, f, fields, &T_HAZARD, hazard_map[i][0], hazard_map[i][1], e);
	ok = ok && in_tx(app, hazard_tx, f, fields, e);
	json_decref(fields);
	return ok;
}

static struct form *hazard_form(struct app *app, const char *title, bool edit)
{
	struct form *f = form_create(edit ? "hazard_edit" : "hazard", title);
	if (!edit) {
		enum_choices(app, form_add(f, "kind", N_("Kind"), F_CHOICE, true), ENUM_HAZARD_KIND);
		form_add(f, "code", N_("Code"), F_TEXT, true);
	}
	form_add(f, "name", N_("Name"), F_TEXT, true);
	struct form_field *st = form_add(f, "subtype", N_("Type"), F_CHOICE, false);
	enum_choices(app, st, ENUM_GEO_SUBTYPE);
	enum_choices(app, st, ENUM_FIRE_SUBTYPE);
	enum_choices(app, st, ENUM_MAJOR_SUBTYPE);
	enum_choices(app, st, ENUM_FLOOD_SUBTYPE);
	load_choices(app, form_add(f, "township", N_("Township"), F_CHOICE, false), "township");
	in_township(app, form_add(f, "village", N_("Village"), F_CHOICE, false), "village");
	enum_choices(app, form_add(f, "scale", N_("Scale"), F_CHOICE, false), ENUM_SCALE);
	form_add(f, "households", N_("Households threatened"), F_NUMBER, false);
	form_add(f, "people", N_("People threatened"), F_NUMBER, false);
	form_add(f, "monitor", N_("Monitor"), F_TEXT, false);
	form_add(f, "monitor_phone", N_("Monitor's phone"), F_TEXT, false);
	form_add(f, "notes", N_("Notes"), F_TEXT, false);
	f->save = hazard_save;
	return f;
}

struct form *form_hazard_new(struct app *app, const char *kind)
{
	struct form *f = hazard_form(app, _("New hazard"), false);
	form_set(f, "kind", kind ? kind : "geohazard");
	f->dirty = false;
	return f;
}

struct form *form_hazard_edit(struct app *app, const char *code)
{
	json_t *r = q_hazard_show(app->st, code, NULL);
	if (!r || json_is_null(r)) {
		json_decref(r);
		return NULL;
	}
	struct form *f = hazard_form(app, _("Edit hazard"), true);
	snprintf(f->target, sizeof f->target, "%s", code);
	for (size_t i = 0; i < ARRAY_LEN(hazard_map); i++) {
		json_t *v = json_object_get(r, hazard_map[i][1]);
		char buf[64];
		if (json_is_integer(v)) {
			snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
			form_set(f, hazard_map[i][0], buf);
		} else if (json_is_string(v)) {
			form_set(f, hazard_map[i][0], json_string_value(v));
		}
	}
	json_decref(r);
	f->dirty = false;
	return f;
}

static bool inspection_tx(struct app *app, struct form *f, json_t *fields, struct err *e)
{
	bool ok = hazard_inspect(app->st, f->target, fields, e);
	if (ok)
		app_message(app, false, "%s", _("inspection recorded"));
	return ok;
}

/* After an abnormal inspection: the incident form, already about the
 * point, so that reporting it is one ^S away (Esc if it is nothing). */
static struct form *incident_for_point(struct app *app, const char *code)
{
	json_t *r = q_hazard_show(app->st, code, NULL);
	if (!r || json_is_null(r)) {
		json_decref(r);
		return NULL;
	}
	struct form *f = form_incident_new(app);
	const char *kind = json_string_value(json_object_get(r, "kind"));
	char title[256];
	snprintf(title, sizeof title, "%s %s", json_string_value(json_object_get(r, "name")),
		 _("abnormal on inspection"));
	form_set(f, "title", title);
	form_set(f, "hazard", code);
	form_set(f, "township", json_string_value(json_object_get(r, "township_code")));
	form_set(f, "village", json_string_value(json_object_get(r, "village_code")));
	/* The incident type the point's kind suggests; the officer can change it. */
	const char *sub = json_string_value(json_object_get(r, "subtype"));
	const char *type = str_eq(kind, "fire_unit") ? "building_fire"
			   : str_eq(kind, "major_source") ? "gas_leak"
			   : str_eq(kind, "flood_point") ? "flood"
			   : sub && strstr("landslide collapse debris_flow ground_subsidence ground_fissure",
					   sub) ? sub : "landslide";
	form_set(f, "type", type);
	json_decref(r);
	f->dirty = true;
	return f;
}

static bool inspection_save(struct app *app, struct form *f, struct err *e)
{
	static const char *const map[][2] = {{"kind", "kind"}, {"result", "result"},
					     {"at", "at"}, {"inspector", "inspector"},
					     {"note", "note"}};
	json_t *fields = json_object();
	bool ok = true;
	for (size_t i = 0; i < ARRAY_LEN(map) && ok; i++)
		ok = take(app, f, fields, &T_INSPECTION, map[i][0], map[i][1], e);
	ok = ok && in_tx(app, inspection_tx, f, fields, e);
	if (ok && str_eq(form_value(f, "result"), "abnormal")) {
		app->next_form = incident_for_point(app, f->target);
		app_message(app, true, "%s",
			    _("abnormal result recorded: report it as an incident (^S), or Esc"));
	}
	json_decref(fields);
	return ok;
}

/* ---- the hazards pane's filter ---- */
static bool hazard_filter_save(struct app *app, struct form *f, struct err *e)
{
	struct hazard_ui_filter h = {0};
	static const struct {
		const char *name;
		size_t off, size;
	} text[] = {
		{"kind", offsetof(struct hazard_ui_filter, kind), sizeof h.kind},
		{"type", offsetof(struct hazard_ui_filter, subtype), sizeof h.subtype},
		{"scale", offsetof(struct hazard_ui_filter, scale), sizeof h.scale},
		{"danger", offsetof(struct hazard_ui_filter, danger), sizeof h.danger},
		{"status", offsetof(struct hazard_ui_filter, status), sizeof h.status},
	};
	for (size_t i = 0; i < ARRAY_LEN(text); i++)
		snprintf((char *)&h + text[i].off, text[i].size, "%s", form_value(f, text[i].name));
	h.overdue = str_eq(form_value(f, "overdue"), "yes");
	h.in_warning = str_eq(form_value(f, "warning"), "yes");
	h.to_verify = str_eq(form_value(f, "verify"), "yes");
	char *town = xstrdup(form_value(f, "township"));
	hazards_filter_set(app, &h, town);
	free(town);
	return true;
}

struct form *form_hazard_filter(struct app *app, const struct hazard_ui_filter *cur,
				const char *township)
{
	static const struct enum_value yes_no[] = {
		{"yes", "是", "yes"}, {"no", "否", "no"}, {NULL, NULL, NULL}};
	struct form *f = form_create("hazard_filter", _("Show hazards (empty: any)"));
	f->reads = true;
	load_choices(app, form_add(f, "township", N_("Township"), F_CHOICE, false), "township");
	enum_choices(app, form_add(f, "kind", N_("Kind"), F_CHOICE, false), ENUM_HAZARD_KIND);
	struct form_field *type = form_add(f, "type", N_("Type"), F_CHOICE, false);
	const struct enum_value *types[] = {ENUM_GEO_SUBTYPE, ENUM_FIRE_SUBTYPE,
					    ENUM_MAJOR_SUBTYPE, ENUM_FLOOD_SUBTYPE};
	for (size_t i = 0; i < ARRAY_LEN(types); i++)
		enum_choices(app, type, types[i]);
	enum_choices(app, form_add(f, "scale", N_("Scale"), F_CHOICE, false), ENUM_SCALE);
	enum_choices(app, form_add(f, "danger", N_("Danger (people threatened)"), F_CHOICE, false),
		     ENUM_DANGER);
	enum_choices(app, form_add(f, "status", N_("Status"), F_CHOICE, false), ENUM_HAZARD_STATUS);
	enum_choices(app, form_add(f, "overdue", N_("Inspection overdue"), F_CHOICE, false), yes_no);
	enum_choices(app, form_add(f, "warning", N_("Inside a warning in force"), F_CHOICE, false),
		     yes_no);
	enum_choices(app, form_add(f, "verify", N_("Imported, to verify"), F_CHOICE, false), yes_no);
	form_set(f, "township", township);
	form_set(f, "kind", cur->kind);
	form_set(f, "type", cur->subtype);
	form_set(f, "scale", cur->scale);
	form_set(f, "danger", cur->danger);
	form_set(f, "status", cur->status);
	form_set(f, "overdue", cur->overdue ? "yes" : "");
	form_set(f, "warning", cur->in_warning ? "yes" : "");
	form_set(f, "verify", cur->to_verify ? "yes" : "");
	f->save = hazard_filter_save;
	f->dirty = false;
	return f;
}

/* ---- evacuation, household by household ---- */
static bool evacuation_tx(struct app *app, struct form *f, json_t *fields, struct err *e)
{
	size_t i;
	json_t *h;
	int n = 0;
	json_array_foreach(json_object_get(f->data, "households"), i, h) {
		const char *id = json_string_value(json_object_get(h, "id"));
		bool was = json_is_true(json_object_get(h, "out"));
		bool now = str_eq(form_value(f, id), "yes");
		if (was == now)
			continue;
		if (!hazard_evacuate(app->st, f->target, id, now, NULL, e))
			return false;
		n++;
	}
	app_message(app, false, _("%d households changed"), n);
	return true;
}

static bool evacuation_save(struct app *app, struct form *f, struct err *e)
{
	return in_tx(app, evacuation_tx, f, NULL, e);
}

struct form *form_evacuation(struct app *app, const char *code)
{
	json_t *r = q_hazard_show(app->st, code, NULL);
	json_t *hh = r && !json_is_null(r) ? json_object_get(r, "household_list") : NULL;
	if (!json_array_size(hh)) {
		app_message(app, true, "%s", _("no households are registered for this point"));
		json_decref(r);
		return NULL;
	}
	static const struct enum_value out[] = {
		{"yes", "已撤离", "evacuated"}, {"no", "未撤离", "not yet"}, {NULL, NULL, NULL}};
	struct form *f = form_create("evacuation", _("Evacuation, household by household"));
	snprintf(f->target, sizeof f->target, "%s", code);
	f->data = json_pack("{s:[]}", "households");
	json_t *list = json_object_get(f->data, "households");
	size_t i;
	json_t *h;
	json_array_foreach(hh, i, h) {
		const char *phone = json_string_value(json_object_get(h, "phone"));
		char *label = xasprintf("%s (%lld) %s", json_string_value(json_object_get(h, "head")),
					(long long)json_integer_value(json_object_get(h, "members")),
					phone ? phone : "");
		json_t *o = json_pack("{s:O, s:s, s:b}", "id", json_object_get(h, "id"), "label",
				      label, "out", json_is_string(json_object_get(h, "evacuated_at")));
		free(label);
		json_array_append_new(list, o);
		/* names and labels live in f->data, which the form owns */
		struct form_field *ff = form_add(f, json_string_value(json_object_get(o, "id")),
						 json_string_value(json_object_get(o, "label")),
						 F_CHOICE, false);
		enum_choices(app, ff, out);
		form_set(f, ff->name, json_is_true(json_object_get(o, "out")) ? "yes" : "no");
	}
	json_decref(r);
	f->save = evacuation_save;
	f->dirty = false;
	return f;
}

struct form *form_inspection(struct app *app, const char *code)
{
	struct form *f = form_create("inspection", _("Inspection"));
	snprintf(f->target, sizeof f->target, "%s", code);
	enum_choices(app, form_add(f, "kind", N_("Check"), F_CHOICE, true), ENUM_INSPECTION_KIND);
	enum_choices(app, form_add(f, "result", N_("Result"), F_CHOICE, true), ENUM_RESULT);
	form_add(f, "at", N_("When (empty: now)"), F_TIME, false);
	form_add(f, "inspector", N_("Inspector"), F_TEXT, false);
	form_add(f, "note", N_("What was seen"), F_TEXT, false);
	form_set(f, "kind", "patrol");
	f->save = inspection_save;
	f->dirty = false;
	return f;
}

/* ---- stock movement ---- */
static bool stock_tx(struct app *app, struct form *f, json_t *fields, struct err *e)
{
	char depot[ID_TEXT], item[ID_TEXT], to[ID_TEXT], inc[ID_TEXT], expiry[11];
	long long qty;
	const char *what = form_value(f, "what");
	char *reason = xstrdup(form_value(f, "reason"));
	char *batch = xstrdup(form_value(f, "batch"));
	char *exp = xstrdup(form_value(f, "expiry"));
	char *incident = xstrdup(form_value(f, "incident"));
	char *recipient = xstrdup(form_value(f, "recipient"));
	bool ok = q_ref(app->st, "depot", form_value(f, "depot"), depot, e) &&
		  q_ref(app->st, "item", form_value(f, "item"), item, e);
	if (ok && !str_to_ll(form_value(f, "qty"), 1, 1000000000, &qty)) {
		snprintf(form_field(f, "qty")->msg, sizeof form_field(f, "qty")->msg, "%s",
			 _("a whole number above 0"));
		ok = err_set(e, ERR_USAGE, "%s", _("quantity: a whole number above 0"));
	}
	if (ok && *exp && !dd_date_parse(exp, expiry, e))
		snprintf(form_field(f, "expiry")->msg, sizeof form_field(f, "expiry")->msg, "%s",
			 e->msg), ok = false;
	if (ok && *incident)
		ok = q_ref(app->st, "incident", incident, inc, e);
	if (ok && str_eq(what, "receive"))
		ok = stock_receive(app->st, depot, item, qty, *batch ? batch : NULL,
				   *exp ? expiry : NULL, *reason ? reason : NULL, e);
	else if (ok && str_eq(what, "issue"))
		ok = stock_issue(app->st, depot, item, qty, *incident ? inc : NULL,
				 *recipient ? recipient : NULL, *reason ? reason : NULL, e);
	else if (ok)
		ok = q_ref(app->st, "depot", form_value(f, "to_depot"), to, e) &&
		     stock_transfer(app->st, depot, to, item, qty, *reason ? reason : NULL, e);
	if (ok)
		app_message(app, false, "%s", _("stock movement saved"));
	free(reason);
	free(batch);
	free(exp);
	free(incident);
	free(recipient);
	return ok;
}

static bool stock_save(struct app *app, struct form *f, struct err *e)
{
	if (str_eq(form_value(f, "what"), "transfer") && !*form_value(f, "to_depot")) {
		snprintf(form_field(f, "to_depot")->msg, sizeof form_field(f, "to_depot")->msg,
			 "%s", _("required for a transfer"));
		return err_set(e, ERR_USAGE, "%s", _("a transfer needs the receiving depot"));
	}
	return in_tx(app, stock_tx, f, NULL, e);
}

struct form *form_stock_move(struct app *app, const char *depot, const char *item)
{
	struct form *f = form_create("stock", _("Stock movement"));
	struct form_field *w = form_add(f, "what", N_("Movement"), F_CHOICE, true);
	form_choice(w, "receive", app->zh ? "入库 receive" : "receive");
	form_choice(w, "issue", app->zh ? "出库 issue" : "issue");
	form_choice(w, "transfer", app->zh ? "调拨 transfer" : "transfer");
	load_choices(app, form_add(f, "depot", N_("Depot"), F_CHOICE, true), "depot");
	load_choices(app, form_add(f, "item", N_("Item"), F_CHOICE, true), "item");
	form_add(f, "qty", N_("Quantity"), F_NUMBER, true);
	load_choices(app, form_add(f, "to_depot", N_("To depot (transfer)"), F_CHOICE, false),
		     "depot");
	load_choices(app, form_add(f, "incident", N_("For incident (issue)"), F_CHOICE, false),
		     "open_incident");
	form_add(f, "recipient", N_("Recipient (issue)"), F_TEXT, false);
	form_add(f, "batch", N_("Batch (receive)"), F_TEXT, false);
	form_add(f, "expiry", N_("Expiry YYYY-MM-DD"), F_TEXT, false);
	form_add(f, "reason", N_("Reason"), F_TEXT, false);
	form_set(f, "what", "issue");
	if (depot)
		form_set(f, "depot", depot);
	if (item)
		form_set(f, "item", item);
	f->save = stock_save;
	f->dirty = false;
	return f;
}

struct form *form_from_draft(struct app *app, json_t *d)
{
	const char *kind = json_string_value(json_object_get(d, "kind"));
	const char *target = json_string_value(json_object_get(d, "target"));
	struct form *f = NULL;
	if (str_eq(kind, "incident"))
		f = form_incident_new(app);
	else if (str_eq(kind, "incident_edit"))
		f = form_incident_edit(app, target);
	else if (str_eq(kind, "note"))
		f = form_incident_note(app, target);
	else if (str_eq(kind, "hazard"))
		f = form_hazard_new(app, NULL);
	else if (str_eq(kind, "hazard_edit"))
		f = form_hazard_edit(app, target);
	else if (str_eq(kind, "inspection"))
		f = form_inspection(app, target);
	else if (str_eq(kind, "stock"))
		f = form_stock_move(app, NULL, NULL);
	else if (str_eq(kind, "dispatch"))
		f = form_dispatch(app, target);
	else if (str_eq(kind, "activate"))
		f = form_activate(app, target);
	else if (str_eq(kind, "item_note"))
		f = form_item_note(app, target);
	else if (str_eq(kind, "evacuation"))
		f = form_evacuation(app, target);
	else
		f = form_verb(app, kind, target);
	if (f)
		form_from_json(f, json_object_get(d, "fields"));
	return f;
}

/* ---- dispatch to an incident: the first ^S shows where the stock would
 * come from, the second sends it ---- */
static json_t *dispatch_preview(struct app *app, struct form *f, struct err *e)
{
	struct dispatch_line line;
	long long q;
	snprintf(line.item_code, sizeof line.item_code, "%s", form_value(f, "item"));
	if (!str_to_ll(form_value(f, "qty"), 1, 1000000000, &q)) {
		snprintf(form_field(f, "qty")->msg, sizeof form_field(f, "qty")->msg, "%s",
			 _("a whole number above 0"));
		err_set(e, ERR_USAGE, "%s", _("quantity: a whole number above 0"));
		return NULL;
	}
	line.qty = q;
	char *depot = xstrdup(form_value(f, "depot"));
	json_t *plan = dispatch_plan(app->st, f->target, &line, 1, *depot ? depot : NULL, e);
	free(depot);
	return plan;
}

static bool dispatch_tx(struct app *app, struct form *f, json_t *plan, struct err *e)
{
	char *note = xstrdup(form_value(f, "note"));
	bool ok = dispatch_commit(app->st, f->target, plan, *note ? note : NULL, e);
	free(note);
	if (ok)
		app_message(app, false, "%s", _("stock sent; the timeline has the dispatch"));
	return ok;
}

static bool dispatch_save(struct app *app, struct form *f, struct err *e)
{
	json_t *plan = dispatch_preview(app, f, e);
	if (!plan)
		return false;
	if (!f->confirmed) {
		/* Say where it comes from, and ask for ^S once more. */
		struct strbuf sb;
		sb_init(&sb);
		sb_puts(&sb, _("will send:"));
		size_t i;
		json_t *p;
		json_array_foreach(plan, i, p)
			sb_printf(&sb, " %s %lld%s", json_string_value(json_object_get(p, "depot")),
				  (long long)json_integer_value(json_object_get(p, "qty")),
				  json_string_value(json_object_get(p, "unit")));
		sb_printf(&sb, " — %s", _("^S again to send, Esc to cancel"));
		f->confirmed = true;
		err_set(e, ERR_USAGE, "%s", sb.buf);
		sb_finish(&sb);
		json_decref(plan);
		return false;
	}
	bool ok = in_tx(app, dispatch_tx, f, plan, e);
	json_decref(plan);
	f->confirmed = false;
	return ok;
}

struct form *form_dispatch(struct app *app, const char *number)
{
	struct form *f = form_create("dispatch", _("Send stock to the incident"));
	snprintf(f->target, sizeof f->target, "%s", number);
	load_choices(app, form_add(f, "item", N_("Item"), F_CHOICE, true), "item");
	form_add(f, "qty", N_("Quantity"), F_NUMBER, true);
	load_choices(app, form_add(f, "depot", N_("From depot (empty: nearest)"), F_CHOICE, false),
		     "depot");
	form_add(f, "note", N_("Timeline text"), F_TEXT, false);
	f->save = dispatch_save;
	f->dirty = false;
	return f;
}

/* ---- plans: activation, and a note on a checklist item ---- */
static bool activate_tx(struct app *app, struct form *f, json_t *unused, struct err *e)
{
	char id[ID_TEXT];
	char *inc = xstrdup(form_value(f, "incident"));
	bool drill = str_eq(form_value(f, "drill"), "1");
	bool ok;
	if (drill && *inc)
		ok = err_set(e, ERR_USAGE, "%s", _("a drill has no incident: clear one of them"));
	else
		ok = plan_activate(app->st, f->target, form_value(f, "level"), *inc ? inc : NULL, drill,
				   id, e);
	free(inc);
	if (ok)
		app_message(app, false, "%s", drill ? _("drill started") : _("plan activated"));
	return ok;
}

static bool activate_save(struct app *app, struct form *f, struct err *e)
{
	return in_tx(app, activate_tx, f, NULL, e);
}

struct form *form_activate(struct app *app, const char *plan_key)
{
	struct form *f = form_create("activate", _("Activate the plan"));
	snprintf(f->target, sizeof f->target, "%s", plan_key);
	struct form_field *lv = form_add(f, "level", N_("Level"), F_CHOICE, true);
	for (int i = 0; i < 4; i++)
		form_choice(lv, plan_levels[i], plan_levels[i]);
	load_choices(app, form_add(f, "incident", N_("Incident"), F_CHOICE, false), "open_incident");
	struct form_field *d = form_add(f, "drill", N_("Drill (演练)"), F_CHOICE, false);
	form_choice(d, "0", app->zh ? "否 no" : "no");
	form_choice(d, "1", app->zh ? "是 yes" : "yes");
	form_set(f, "level", "IV");
	form_set(f, "drill", "0");
	f->save = activate_save;
	f->dirty = false;
	return f;
}

static bool item_note_tx(struct app *app, struct form *f, json_t *unused, struct err *e)
{
	char act[ID_TEXT];
	const char *sp = strchr(f->target, ' ');
	snprintf(act, sizeof act, "%.*s", sp ? (int)(sp - f->target) : 0, f->target);
	json_t *a = activation_get(app->st, act, e);
	if (!a)
		return false;
	char *text = xasprintf("[%s] %s", sp ? sp + 1 : "", form_value(f, "text"));
	const char *n = json_string_value(json_object_get(a, "incident"));
	bool ok;
	if (n) {
		ok = incident_log(app->st, n, "note", text, e);
	} else {
		/* a drill has no incident: the note goes to the duty log */
		json_t *d = json_pack("{s:s, s:s}", "kind", "other", "text", text);
		char id[ID_TEXT];
		ok = duty_log_add(app->st, &app->rules, d, id, e);
		json_decref(d);
	}
	free(text);
	json_decref(a);
	if (ok)
		app_message(app, false, "%s", _("note added"));
	return ok;
}

static bool item_note_save(struct app *app, struct form *f, struct err *e)
{
	return in_tx(app, item_note_tx, f, NULL, e);
}

struct form *form_item_note(struct app *app, const char *key)
{
	struct form *f = form_create("item_note", _("Note on the checklist item"));
	snprintf(f->target, sizeof f->target, "%s", key);
	form_add(f, "text", N_("Text"), F_TEXT, true);
	f->save = item_note_save;
	f->dirty = false;
	return f;
}
