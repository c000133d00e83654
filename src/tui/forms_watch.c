/* The watch's forms over its verbs: a timeline entry or report (how, to
 * whom, new figures), closing an incident, a warning, starting, handing
 * over and taking over a shift, stock coming back from an incident. Each
 * field is one option of the verb (same name), so the verb's own checks
 * and messages apply, and a message naming an option lands beside its
 * field; the verb runs as the ':' line runs it, in one transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

enum choices { C_NONE, C_ENUM, C_QUERY, C_KINDS };

struct vfield {
	const char *name, *label; /* the verb's option (or "text"), the label (untranslated) */
	enum field_kind kind;
	bool required, positional; /* positional: an argument after the record, not --name */
	enum choices from;
	const struct enum_value *values; /* C_ENUM */
	const char *query;               /* C_QUERY: what q_choices lists */
};

struct vform {
	const char *kind, *title; /* draft kind, title (untranslated) */
	const char *words;        /* the verb: "incident note" */
	bool target;              /* the record it is about comes first */
	const char *done;         /* the message on success (untranslated), or NULL */
	const struct vfield *fields;
};

#define END_FIELDS {NULL, NULL, F_TEXT, false, false, C_NONE, NULL, NULL}

/* The timeline kinds an officer writes (received, correction and status
 * are made by other operations). */
static const char *const entry_kinds[] = {"note",	 "action",    "dispatch",   "instruction",
					  "first_report", "follow_up", "final_report"};

static const struct vfield note_fields[] = {
	{"kind", N_("Kind"), F_CHOICE, true, false, C_KINDS, NULL, NULL},
	{"text", N_("Text"), F_TEXT, false, true, C_NONE, NULL, NULL},
	{"via", N_("Sent by (report)"), F_CHOICE, false, false, C_ENUM, ENUM_VIA, NULL},
	{"to", N_("Sent to (report)"), F_TEXT, false, false, C_NONE, NULL, NULL},
	{"deaths", N_("Deaths now"), F_NUMBER, false, false, C_NONE, NULL, NULL},
	{"injured", N_("Injured now"), F_NUMBER, false, false, C_NONE, NULL, NULL},
	{"missing", N_("Missing now"), F_NUMBER, false, false, C_NONE, NULL, NULL},
	{"trapped", N_("Trapped now"), F_NUMBER, false, false, C_NONE, NULL, NULL},
	{"evacuated", N_("Evacuated now"), F_NUMBER, false, false, C_NONE, NULL, NULL},
	{"affected", N_("Affected now"), F_NUMBER, false, false, C_NONE, NULL, NULL},
	{"loss", N_("Loss now (10k yuan)"), F_NUMBER, false, false, C_NONE, NULL, NULL},
	END_FIELDS};

static const struct vfield close_fields[] = {
	{"note", N_("Closing remark"), F_TEXT, false, false, C_NONE, NULL, NULL}, END_FIELDS};

static const struct vfield warning_fields[] = {
	{"colour", N_("Colour"), F_CHOICE, true, false, C_ENUM, ENUM_COLOUR, NULL},
	{"townships", N_("Townships (桑壁镇、坡头乡)"), F_TEXT, true, false, C_NONE, NULL, NULL},
	{"until", N_("In force until (2026-12-08 20:00)"), F_TEXT, false, false, C_NONE, NULL, NULL},
	{"from", N_("In force from (default now)"), F_TEXT, false, false, C_NONE, NULL, NULL},
	{"source", N_("Issued by"), F_TEXT, false, false, C_NONE, NULL, NULL},
	{"text", N_("Words of the warning"), F_TEXT, false, false, C_NONE, NULL, NULL},
	END_FIELDS};

/* The warning to send goes as the verb's argument; empty: the latest in
 * force. */
static const struct vfield sms_fields[] = {
	{"warning", N_("Warning (id; empty: the latest in force)"), F_TEXT, false, true, C_NONE, NULL,
	 NULL},
	{"add", N_("Also to (mobiles or contact ids, comma separated)"), F_TEXT, false, false, C_NONE,
	 NULL, NULL},
	{"action", N_("Action asked (empty: the colour's usual one)"), F_TEXT, false, false, C_NONE,
	 NULL, NULL},
	END_FIELDS};

static const struct vfield start_fields[] = {
	{"officers", N_("Officers on duty"), F_TEXT, true, false, C_NONE, NULL, NULL},
	{"leader", N_("Leader on duty (带班领导)"), F_TEXT, false, false, C_NONE, NULL, NULL},
	END_FIELDS};

static const struct vfield handover_fields[] = {
	{"to", N_("Handed to"), F_TEXT, true, false, C_NONE, NULL, NULL},
	{"equipment", N_("Equipment and lines"), F_TEXT, false, false, C_NONE, NULL, NULL},
	{"notes", N_("Notes for the next shift"), F_TEXT, false, false, C_NONE, NULL, NULL},
	END_FIELDS};

static const struct vfield ack_fields[] = {
	{"name", N_("Taken over by"), F_TEXT, true, false, C_NONE, NULL, NULL},
	{"leader", N_("Leader on duty (带班领导)"), F_TEXT, false, false, C_NONE, NULL, NULL},
	END_FIELDS};

static const struct vfield return_fields[] = {
	{"incident", N_("From incident"), F_CHOICE, false, false, C_QUERY, NULL, "open_incident"},
	{"depot", N_("Back to depot"), F_CHOICE, true, false, C_QUERY, NULL, "depot"},
	{"item", N_("Item"), F_CHOICE, true, false, C_QUERY, NULL, "item"},
	{"qty", N_("Quantity"), F_NUMBER, true, false, C_NONE, NULL, NULL},
	{"reason", N_("Reason"), F_TEXT, false, false, C_NONE, NULL, NULL},
	END_FIELDS};

/* A call to a contact: who (a pick list that takes names, units, posts,
 * numbers and pinyin initials), how it went, and the record it was about. */
static const struct vfield call_fields[] = {
	{"contact", N_("Contact"), F_CHOICE, true, true, C_QUERY, NULL, "contact"},
	{"outcome", N_("Outcome"), F_TEXT, true, false, C_NONE, NULL, NULL},
	{"incident", N_("Incident (its timeline)"), F_CHOICE, false, false, C_QUERY, NULL,
	 "open_incident"},
	{"about", N_("About (a point, a team ...)"), F_TEXT, false, false, C_NONE, NULL, NULL},
	END_FIELDS};

static const struct vform vforms[] = {
	{"note", N_("Timeline entry"), "incident note", true, N_("entry added"), note_fields},
	{"close", N_("Close the incident"), "incident close", true, N_("incident closed"),
	 close_fields},
	{"warning", N_("Warning received"), "warning add", false, N_("warning recorded"),
	 warning_fields},
	{"sms", N_("Send the warning by SMS"), "sms send", false,
	 N_("sent; :sms status shows who confirmed"), sms_fields},
	{"shift_start", N_("Start a shift"), "shift start", false, N_("shift started"),
	 start_fields},
	{"handover", N_("Hand the shift over"), "shift handover", false,
	 N_("handed over; the summary is below"), handover_fields},
	{"ack", N_("Take the shift over"), "shift ack", false,
	 N_("handover acknowledged; your shift has started"), ack_fields},
	{"stock_return", N_("Stock back from an incident"), "stock return", false,
	 N_("stock movement saved"), return_fields},
	{"call", N_("Call a contact"), "contact call", false, N_("call logged"), call_fields},
};

static const struct vform *vform_find(const char *kind)
{
	for (size_t i = 0; i < ARRAY_LEN(vforms); i++)
		if (str_eq(vforms[i].kind, kind))
			return &vforms[i];
	return NULL;
}

static void add_choices(struct app *app, struct form_field *ff, const struct vfield *vf)
{
	if (vf->from == C_KINDS) {
		for (size_t i = 0; i < ARRAY_LEN(entry_kinds); i++) {
			char label[96];
			snprintf(label, sizeof label, "%s%s%s",
				 app_label(app, ENUM_TIMELINE_KIND, entry_kinds[i]), app->zh ? " " : "",
				 app->zh ? entry_kinds[i] : "");
			form_choice(ff, entry_kinds[i], label);
		}
	} else if (vf->from == C_ENUM) {
		enum_choices(app, ff, vf->values);
	} else if (vf->from == C_QUERY) {
		load_choices(app, ff, vf->query);
	}
}

static bool vform_save(struct app *app, struct form *f, struct err *e)
{
	const struct vform *vf = vform_find(f->kind);
	if (!vf)
		return err_set(e, ERR_FAIL, "%s", f->kind);
	char *words = xstrdup(vf->words);
	char *argv[48];
	int argc = 0;
	char *save = NULL;
	for (char *w = strtok_r(words, " ", &save); w; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	int first_owned = argc;
	/* the options, then "--" and the record and the positional fields,
	 * so that text typed with a leading '-' (-5℃) is never an option */
	for (const struct vfield *x = vf->fields; x->name; x++)
		if (!x->positional && *form_value(f, x->name) && argc < 40) {
			argv[argc++] = xasprintf("--%s", x->name);
			argv[argc++] = xstrdup(form_value(f, x->name));
		}
	argv[argc++] = xstrdup("--");
	if (vf->target)
		argv[argc++] = xstrdup(f->target);
	for (const struct vfield *x = vf->fields; x->name; x++)
		if (x->positional && *form_value(f, x->name) && argc < 46)
			argv[argc++] = xstrdup(form_value(f, x->name));
	argv[argc] = NULL;
	/* a refusal naming an option goes beside its field (form_blame) */
	bool ok = app_run_words(app, argc, argv, _(vf->done), e);
	for (int i = first_owned; i < argc; i++)
		free(argv[i]);
	free(words);
	return ok;
}

struct form *form_verb(struct app *app, const char *kind, const char *target)
{
	const struct vform *vf = vform_find(kind);
	if (!vf || (vf->target && !target))
		return NULL;
	struct form *f = form_create(vf->kind, _(vf->title));
	if (vf->target)
		snprintf(f->target, sizeof f->target, "%s", target);
	for (const struct vfield *x = vf->fields; x->name; x++)
		add_choices(app, form_add(f, x->name, x->label, x->kind, x->required), x);
	if (str_eq(kind, "note"))
		form_set(f, "kind", "note");
	f->save = vform_save;
	f->dirty = false;
	return f;
}

struct form *form_incident_note(struct app *app, const char *number)
{
	return form_verb(app, "note", number);
}

struct form *form_call(struct app *app, const char *incident, const char *about)
{
	struct form *f = form_verb(app, "call", NULL);
	if (incident)
		form_set(f, "incident", incident);
	else if (about)
		form_set(f, "about", about);
	f->dirty = false;
	return f;
}

struct form *form_incident_close(struct app *app, const char *number)
{
	return form_verb(app, "close", number);
}
