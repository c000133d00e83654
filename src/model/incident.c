/* Incidents and their append-only timeline. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dutydesk/i18n.h"
#include "dutydesk/dtime.h"
#include "dutydesk/model.h"
#include "dutydesk/query.h"
#include "dutydesk/scope.h"

/* The incident's id from its number (or id). */
static bool find(struct store *st, const char *number, char id[ID_TEXT], char *status,
		 size_t n, struct err *e)
{
	json_t *r = store_incident_find(st, number, e);
	if (!record_found(r, "incident", number, e))
		return false;
	snprintf(id, ID_TEXT, "%s", json_string_value(json_object_get(r, "id")));
	if (status)
		snprintf(status, n, "%s", json_string_value(json_object_get(r, "status")));
	json_decref(r);
	return true;
}

/* Appends a timeline entry; extra (may be NULL) adds figures, seq, via,
 * corrects_id. Every entry carries the open shift. */
static bool add_entry(struct store *st, const char *incident_id, const char *kind,
		      const char *text, json_t *extra, struct err *e)
{
	json_t *f = extra ? json_deep_copy(extra) : json_object();
	char shift[ID_TEXT];
	if (!q_current_shift(st, shift, e)) {
		json_decref(f);
		return false;
	}
	json_object_set_new(f, "incident_id", json_string(incident_id));
	json_object_set_new(f, "kind", json_string(kind));
	if (!str_empty(text))
		json_object_set_new(f, "text", json_string(text));
	if (shift[0])
		json_object_set_new(f, "shift_id", json_string(shift));
	char id[ID_TEXT] = "";
	bool ok = rec_insert(st, &T_TIMELINE, f, id, e);
	json_decref(f);
	return ok;
}

bool incident_add(struct store *st, json_t *fields, const char *note, char number[64],
		  struct err *e)
{
	struct node_info ni;
	if (!store_node(st, &ni, e))
		return false;
	int64_t now = dd_now();
	if (!json_is_integer(json_object_get(fields, "received_at")))
		json_object_set_new(fields, "received_at", json_integer(now));
	json_t *occ = json_object_get(fields, "occurred_at");
	if (json_is_integer(occ) && json_integer_value(occ) > now + 600) {
		char when[32];
		return err_set(e, ERR_USAGE, _("occurred_at: %s is in the future"),
			       dd_time_local(json_integer_value(occ), when, sizeof when));
	}

	int year = dd_time_year(json_integer_value(json_object_get(fields, "received_at")));
	char counter[32];
	snprintf(counter, sizeof counter, "incident:%d", year);
	/* A number already here (pulled from another office under the same
	 * prefix) is skipped, within a bound. */
	for (int tries = 0;; tries++) {
		int64_t seq;
		if (!store_next_counter(st, counter, &seq, e))
			return false;
		/* The prefix is at most 40 bytes by construction (see init).
		 * After a restore or on a replacement PC the node numbers under
		 * a prefix of its incarnation's (桑壁.1-...): its counter may
		 * have gone back, and numbers it made before may be at the hub. */
		if (ni.incarnation > 0)
			snprintf(number, 64, "%.40s.%lld-%d-%04lld", ni.number_prefix,
				 (long long)ni.incarnation, year % 10000, (long long)seq);
		else
			snprintf(number, 64, "%.40s-%d-%04lld", ni.number_prefix, year % 10000,
				 (long long)seq);
		json_t *taken = store_incident_find(st, number, e);
		if (!taken)
			return false;
		bool free_ = json_is_null(taken);
		json_decref(taken);
		if (free_)
			break;
		if (tries == 100000)
			return err_set(e, ERR_FAIL, _("incident numbers %s-%d-...: none free"),
				       ni.number_prefix, year % 10000);
	}
	json_object_set_new(fields, "number", json_string(number));
	json_object_set_new(fields, "status", json_string("open"));
	if (json_is_null(json_object_get(fields, "level")) || !json_object_get(fields, "level"))
		json_object_set_new(fields, "level", json_string("pending"));
	if (!fields_complete(&T_INCIDENT, fields, e))
		return false;
	char shift[ID_TEXT];
	if (!q_current_shift(st, shift, e))
		return false;
	if (shift[0])
		json_object_set_new(fields, "shift_id", json_string(shift));
	char dup[200];
	incident_duplicates(st, fields, dup, sizeof dup);
	if (dup[0])
		json_object_set_new(fields, "duplicate_of", json_string(dup));

	char id[ID_TEXT] = "";
	if (!rec_insert(st, &T_INCIDENT, fields, id, e))
		return false;
	/* The first entry carries the figures as reported, so that later
	 * changes never overwrite what was said first. */
	json_t *fig = json_object();
	static const char *const keys[] = {"deaths", "injured", "missing", "trapped"};
	for (size_t i = 0; i < ARRAY_LEN(keys); i++) {
		json_t *v = json_object_get(fields, keys[i]);
		json_object_set_new(fig, keys[i], json_integer(json_is_integer(v) ? json_integer_value(v) : 0));
	}
	bool ok = add_entry(st, id, "received", note, fig, e);
	json_decref(fig);
	return ok;
}

bool incident_log(struct store *st, const char *number, const char *kind, const char *text,
		  struct err *e)
{
	if (str_empty(text))
		return err_set(e, ERR_USAGE, _("text: empty; say what happened"));
	return incident_report(st, number, kind, NULL, NULL, text, NULL, NULL, e);
}

bool incident_call(struct store *st, const char *number, const char *contact_id, const char *to,
		   const char *text, struct err *e)
{
	char id[ID_TEXT];
	if (!find(st, number, id, NULL, 0, e))
		return false;
	json_t *extra = json_pack("{s:s, s:s, s:s}", "via", "phone", "recipient", to, "contact_id",
				  contact_id);
	bool ok = add_entry(st, id, "action", text, extra, e);
	json_decref(extra);
	return ok;
}

bool incident_close(struct store *st, const char *number, const char *text, struct err *e)
{
	char id[ID_TEXT], status[16];
	if (!find(st, number, id, status, sizeof status, e))
		return false;
	if (str_eq(status, "closed"))
		return err_set(e, ERR_FAIL, _("incident '%s' is already closed"), number);
	json_t *f = json_pack("{s:s, s:I}", "status", "closed", "closed_at", (json_int_t)dd_now());
	bool ok = rec_update(st, &T_INCIDENT, id, f, NULL, e) &&
		  add_entry(st, id, "status", str_empty(text) ? "closed" : text, NULL, e);
	json_decref(f);
	return ok;
}

bool incident_move(struct store *st, const char *number, const char *township, struct err *e)
{
	char id[ID_TEXT], code[16], was[16];
	if (!find(st, number, id, NULL, 0, e) || !q_township(st, township, code, e) ||
	    !scope_row_owner(st, &T_INCIDENT, id, was, e))
		return false;
	if (str_eq(was, code))
		return err_set(e, ERR_FAIL, _("incident '%s' is township %s's already"), number,
			       township);
	/* its village was the old township's */
	json_t *f = json_pack("{s:s, s:n}", "township_code", code, "village_code");
	char *from = *was ? store_division_name(st, was) : NULL;
	char *to = store_division_name(st, code);
	char text[256];
	snprintf(text, sizeof text, _("moved to %s (from %s)"), to ? to : code,
		 from ? from : *was ? was : _("no township"));
	bool ok = rec_update(st, &T_INCIDENT, id, f, NULL, e) &&
		  add_entry(st, id, "note", text, NULL, e);
	free(from);
	free(to);
	json_decref(f);
	return ok;
}

bool incident_edit(struct store *st, const char *number, json_t *fields, const char *note,
		   bool *changed, struct err *e)
{
	char id[ID_TEXT];
	if (!find(st, number, id, NULL, 0, e))
		return false;
	static const char *const fig[] = {"deaths", "injured", "missing", "trapped"};
	json_t *figures = json_object();
	for (size_t i = 0; i < ARRAY_LEN(fig); i++)
		if (json_object_get(fields, fig[i]))
			json_object_set(figures, fig[i], json_object_get(fields, fig[i]));
	bool ch = false;
	bool ok = rec_update(st, &T_INCIDENT, id, fields, &ch, e);
	if (ok && (ch || !str_empty(note)))
		ok = add_entry(st, id, "note", str_empty(note) ? "updated" : note,
			       ch && json_object_size(figures) ? figures : NULL, e);
	json_decref(figures);
	if (changed)
		*changed = ch || !str_empty(note);
	return ok;
}

void incident_duplicates(struct store *st, json_t *fields, char *out, size_t n)
{
	out[0] = '\0';
	json_t *at = json_object_get(fields, "received_at");
	json_t *rows = q_duplicates(st, json_string_value(json_object_get(fields, "type")),
				    json_string_value(json_object_get(fields, "township_code")),
				    json_string_value(json_object_get(fields, "reporter_phone")),
				    json_is_integer(at) ? json_integer_value(at) : dd_now(), 30 * 60,
				    NULL);
	size_t i, len = 0;
	json_t *r;
	json_array_foreach(rows, i, r)
		len += (size_t)snprintf(out + len, len < n ? n - len : 0, "%s%s", i ? ", " : "",
					json_string_value(json_object_get(r, "number")));
	json_decref(rows);
}

static const char *const figure_keys[] = {"deaths",    "injured",  "missing", "trapped",
					  "evacuated", "affected", "loss_10k"};

bool incident_report(struct store *st, const char *number, const char *kind, const char *via,
		     const char *to, const char *text, json_t *figures, int *seq, struct err *e)
{
	char id[ID_TEXT];
	if (seq)
		*seq = 0;
	if (!find(st, number, id, NULL, 0, e))
		return false;
	bool report = str_eq(kind, "first_report") || str_eq(kind, "follow_up") ||
		      str_eq(kind, "final_report");
	if (str_empty(text) && !report && !(figures && json_object_size(figures)))
		return err_set(e, ERR_USAGE, _("text: empty; say what happened"));
	json_t *extra = json_object();
	if (via && report)
		json_object_set_new(extra, "via", json_string(via));
	if (!str_empty(to) && report)
		json_object_set_new(extra, "recipient", json_string(to));
	if (str_eq(kind, "follow_up")) {
		/* 续报一, 续报二 …: numbered by the entries already there. */
		int64_t n;
		if (!store_timeline_count(st, id, "follow_up", &n, e)) {
			json_decref(extra);
			return false;
		}
		json_object_set_new(extra, "seq", json_integer(n + 1));
		if (seq)
			*seq = (int)n + 1;
	}
	json_t *header = json_object();
	for (size_t i = 0; figures && i < ARRAY_LEN(figure_keys); i++) {
		json_t *v = json_object_get(figures, figure_keys[i]);
		if (json_is_number(v)) {
			json_object_set(extra, figure_keys[i], v);
			json_object_set(header, figure_keys[i], v);
		}
	}
	bool ok = add_entry(st, id, kind, text, extra, e) &&
		  (json_object_size(header) == 0 ||
		   rec_update(st, &T_INCIDENT, id, header, NULL, e));
	json_decref(header);
	json_decref(extra);
	return ok;
}

bool incident_correct(struct store *st, const char *number, const char *entry,
		      const char *text, struct err *e)
{
	char id[ID_TEXT];
	if (str_empty(text))
		return err_set(e, ERR_USAGE, _("text: empty; say what is corrected"));
	if (!find(st, number, id, NULL, 0, e))
		return false;
	/* The entry by id or an unambiguous prefix of it (ids are long). */
	json_t *rows = store_timeline_prefix(st, id, entry, e);
	if (!rows)
		return false;
	size_t n = json_array_size(rows);
	char target[ID_TEXT] = "";
	if (n == 1)
		snprintf(target, sizeof target, "%s",
			 json_string_value(json_object_get(json_array_get(rows, 0), "id")));
	json_decref(rows);
	if (n == 0)
		return err_set(e, ERR_FAIL, _("entry '%s': no such entry of incident %s"), entry, number);
	if (n > 1)
		return err_set(e, ERR_USAGE, _("entry '%s': %zu entries start so; give more of the id"),
			       entry, n);
	json_t *extra = json_pack("{s:s}", "corrects_id", target);
	bool ok = add_entry(st, id, "correction", text, extra, e);
	json_decref(extra);
	return ok;
}
