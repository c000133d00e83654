/* The duty workflow: deadlines per incident, shifts and handovers, the
 * duty log and its tasks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dutydesk/i18n.h"
#include "dutydesk/dtime.h"
#include "dutydesk/model.h"
#include "dutydesk/sms.h"

bool rules_load(struct deadline_rules *r, struct err *e)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char *local = !str_empty(xdg) ? xasprintf("%s/dutydesk/deadlines.yaml", xdg)
				      : xasprintf("%s/.config/dutydesk/deadlines.yaml",
						  home ? home : ".");
	char *path = access(local, R_OK) == 0 ? local : (free(local), data_path("deadlines.yaml"));
	if (!path)
		return err_set(e, ERR_FAIL, _("data file deadlines.yaml not found"));
	bool ok = deadline_rules_load(path, r, e);
	free(path);
	return ok;
}

static int64_t int_of(json_t *row, const char *k)
{
	json_t *v = json_object_get(row, k);
	return json_is_integer(v) ? json_integer_value(v) : 0;
}

bool incident_next_due(const struct deadline_rules *r, json_t *row, struct due *d)
{
	struct incident_clock c = {
		.cls = json_string_value(json_object_get(row, "class")),
		.type = json_string_value(json_object_get(row, "type")),
		.level = json_string_value(json_object_get(row, "level")),
		.closed = str_eq(json_string_value(json_object_get(row, "status")), "closed"),
		.received_at = int_of(row, "received_at"),
		.closed_at = int_of(row, "closed_at"),
		.first_report_at = int_of(row, "first_report_at"),
		.written_at = int_of(row, "written_at"),
		.last_report_at = int_of(row, "last_report_at"),
		.final_at = int_of(row, "final_at"),
	};
	return deadline_next(r, &c, d);
}

void incident_due(const struct deadline_rules *r, json_t *row, int64_t now)
{
	struct due d;
	if (incident_next_due(r, row, &d)) {
		json_object_set_new(row, "next_due", json_integer(d.at));
		json_object_set_new(row, "next_due_what", json_string(d.what));
		json_object_set_new(row, "due_rule", json_string(d.rule));
		json_object_set_new(row, "overdue", json_boolean(d.at < now));
	} else {
		json_object_set_new(row, "next_due", json_null());
		json_object_set_new(row, "next_due_what", json_null());
		json_object_set_new(row, "due_rule", json_null());
		json_object_set_new(row, "overdue", json_false());
	}
}

json_t *incident_list(struct store *st, const struct deadline_rules *r,
		      const struct incident_filter *f, struct err *e)
{
	struct incident_filter raw = *f;
	raw.raw = true;
	json_t *rows = q_incident_list(st, &raw, e);
	if (!rows)
		return NULL;
	int64_t now = dd_now();
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) {
		incident_due(r, row, now);
		/* next_due is a time like the others: keep its name ending in _at */
		json_object_set(row, "next_due_at", json_object_get(row, "next_due"));
	}
	q_present(rows);
	json_array_foreach(rows, i, row) {
		json_object_set(row, "next_due", json_object_get(row, "next_due_at"));
		json_object_del(row, "next_due_at");
	}
	return rows;
}

int64_t incidents_overdue(struct store *st, const struct deadline_rules *r, int64_t now)
{
	int64_t n = 0;
	char after[ID_TEXT] = "";
	for (;;) {
		json_t *rows = q_open_clocks_page(st, after, 200, NULL);
		if (!rows)
			return -1;
		size_t i, got = json_array_size(rows);
		json_t *row;
		json_array_foreach(rows, i, row) {
			incident_due(r, row, now);
			n += json_is_true(json_object_get(row, "overdue"));
		}
		if (got)
			snprintf(after, sizeof after, "%s",
				 json_string_value(json_object_get(json_array_get(rows, got - 1), "id")));
		json_decref(rows);
		if (got < 200)
			return n;
	}
}

void rows_sort(json_t *rows, int (*cmp)(const void *a, const void *b))
{
	size_t n = json_array_size(rows);
	json_t **v = xcalloc(n ? n : 1, sizeof *v);
	for (size_t i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(rows, i));
	qsort(v, n, sizeof *v, cmp);
	json_array_clear(rows);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(rows, v[i]);
	free(v);
}

static int by_due(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int64_t p = int_of(x, "next_due"), q = int_of(y, "next_due");
	return (p > q) - (p < q);
}

json_t *incidents_due(struct store *st, const struct deadline_rules *r, int64_t now,
		      struct err *e)
{
	json_t *rows = q_open_clocks(st, e);
	if (!rows)
		return NULL;
	json_t *out = json_array();
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) {
		incident_due(r, row, now);
		if (json_is_integer(json_object_get(row, "next_due")))
			json_array_append(out, row);
	}
	json_decref(rows);
	rows_sort(out, by_due); /* soonest first */
	return out;
}

static int by_due_at(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int64_t p = int_of(x, "due_at"), q = int_of(y, "due_at");
	if (!p || !q)
		return (!p) - (!q); /* no time: last */
	return (p > q) - (p < q);
}

static void add_due(json_t *out, const char *what, json_t *due, bool overdue, json_t *record,
		    json_t *title, json_t *owner, json_t *id)
{
	json_array_append_new(out, json_pack("{s:s, s:O, s:b, s:O, s:O, s:O, s:O}", "what", what,
					     "due_at", due ? due : json_null(), "overdue", overdue,
					     "record", record ? record : json_null(), "title",
					     title ? title : json_null(), "owner",
					     owner ? owner : json_null(), "id", id ? id : json_null()));
}

/* The roster's shift under way that nobody took over (roster_unacked). */
static bool add_unacked(struct store *st, json_t *out, int64_t now, struct err *e)
{
	json_t *sh = roster_unacked(st, now, e);
	if (!sh)
		return false;
	if (!json_is_null(sh)) {
		const char *leader = json_string_value(json_object_get(sh, "leader"));
		/* the officer the roster has on it is the row's owner */
		const char *name = roster_shift_name(json_string_value(json_object_get(sh, "shift")));
		char *title = leader ? xasprintf(_("%s not taken over, leader %s"), name, leader)
				     : xasprintf(_("%s not taken over"), name);
		json_t *t = json_string(title);
		add_due(out, "shift_ack", json_object_get(sh, "due_at"), true,
			json_object_get(sh, "day"), t, json_object_get(sh, "officer"), NULL);
		json_decref(t);
		free(title);
	}
	json_decref(sh);
	return true;
}

json_t *watch_due(struct store *st, const struct deadline_rules *r, int64_t now, struct err *e)
{
	json_t *inc = incidents_due(st, r, now, e);
	json_t *tasks = inc ? q_tasks(st, true, e) : NULL;
	json_t *acts = tasks ? store_open_activation_ids(st, e) : NULL;
	if (!acts) {
		json_decref(inc);
		json_decref(tasks);
		return NULL;
	}
	json_t *out = json_array();
	size_t i, k;
	json_t *row, *it;
	json_array_foreach(inc, i, row) {
		const char *what = json_string_value(json_object_get(row, "next_due_what"));
		add_due(out, what ? what : "report", json_object_get(row, "next_due"),
			json_is_true(json_object_get(row, "overdue")), json_object_get(row, "number"),
			json_object_get(row, "title"), NULL, NULL);
	}
	json_array_foreach(acts, i, row) {
		json_t *s = plan_status(st, json_string_value(json_object_get(row, "id")), now, NULL);
		json_t *rec = json_object_get(s, "incident");
		if (!json_is_string(rec))
			rec = json_object_get(s, "plan");
		json_array_foreach(json_object_get(s, "items"), k, it)
			if (str_eq(json_string_value(json_object_get(it, "state")), "open") &&
			    json_is_integer(json_object_get(it, "due")))
				add_due(out, "checklist", json_object_get(it, "due"),
					json_is_true(json_object_get(it, "overdue")), rec,
					json_object_get(it, "text"), NULL,
					json_object_get(it, "item_key"));
		json_decref(s);
	}
	json_array_foreach(tasks, i, row) {
		json_t *due = json_object_get(row, "due_at");
		add_due(out, "task", due, json_is_integer(due) && json_integer_value(due) < now,
			json_object_get(row, "incident"), json_object_get(row, "title"),
			json_object_get(row, "owner"), json_object_get(row, "id"));
	}
	json_decref(inc);
	json_decref(tasks);
	json_decref(acts);
	if (!add_unacked(st, out, now, e)) {
		json_decref(out);
		return NULL;
	}
	rows_sort(out, by_due_at);
	return out;
}

int64_t watch_overdue(struct store *st, const struct deadline_rules *r, int64_t now)
{
	int64_t inc = incidents_overdue(st, r, now), plans = plans_overdue(st, now);
	json_t *tasks = q_tasks(st, true, NULL);
	if (inc < 0 || plans < 0 || !tasks) {
		json_decref(tasks);
		return -1;
	}
	json_t *unacked = roster_unacked(st, now, NULL);
	if (!unacked) {
		json_decref(tasks);
		return -1;
	}
	int64_t n = inc + plans + !json_is_null(unacked);
	json_decref(unacked);
	size_t i;
	json_t *t;
	json_array_foreach(tasks, i, t) {
		json_t *due = json_object_get(t, "due_at");
		n += json_is_integer(due) && json_integer_value(due) < now;
	}
	json_decref(tasks);
	return n;
}

/* ---- shifts ---- */

bool shift_start(struct store *st, const char *officers, const char *leader, struct err *e)
{
	char open[ID_TEXT];
	if (str_empty(officers))
		return err_set(e, ERR_USAGE, _("officers: who is on duty?"));
	if (!q_current_shift(st, open, e))
		return false;
	if (open[0])
		return err_set(e, ERR_FAIL,
			       _("a shift is already open; hand it over first (dutydesk shift handover)"));
	json_t *f = json_pack("{s:I, s:s}", "started_at", (json_int_t)dd_now(), "officers", officers);
	if (!str_empty(leader))
		json_object_set_new(f, "leader", json_string(leader));
	char id[ID_TEXT] = "";
	bool ok = rec_insert(st, &T_SHIFT, f, id, e);
	json_decref(f);
	return ok;
}

bool shift_handover(struct store *st, const struct deadline_rules *r, const char *to,
		    const char *equipment, const char *notes, json_t **summary, struct err *e)
{
	if (summary)
		*summary = NULL;
	if (str_empty(to))
		return err_set(e, ERR_USAGE, _("to: who takes over?"));
	json_t *sh = q_shift(st, "current", e);
	if (!sh)
		return false;
	if (json_is_null(sh)) {
		json_decref(sh);
		return err_set(e, ERR_FAIL, _("no shift is open (dutydesk shift start)"));
	}
	int64_t now = dd_now(), from = int_of(sh, "started_at");
	json_t *by_class = q_shift_figures(st, from, now + 1, e);
	json_t *due = by_class ? incidents_due(st, r, now, e) : NULL;
	json_t *warn = due ? q_warnings_in_force(st, now, e) : NULL;
	json_t *tasks = warn ? q_tasks(st, true, e) : NULL;
	/* warnings sent by SMS in the last two days, and who has not confirmed */
	json_t *sms = tasks ? sms_coverage_since(st, now - 2 * 86400, e) : NULL;
	int64_t items = 0;
	bool ok = sms && store_checklist_open_count(st, &items, e);
	if (ok) {
		/* What the next shift must know, as it stood at the handover. */
		json_t *open = json_array();
		size_t i;
		json_t *row;
		json_array_foreach(due, i, row)
			json_array_append_new(open, json_pack("{s:O, s:O, s:O, s:O, s:O}",
				"number", json_object_get(row, "number"),
				"level", json_object_get(row, "level"),
				"next_due", json_object_get(row, "next_due"),
				"next_due_what", json_object_get(row, "next_due_what"),
				"overdue", json_object_get(row, "overdue")));
		json_t *s = json_pack("{s:I, s:I, s:s, s:s, s:O, s:o, s:O, s:I, s:O, s:s?, s:s?}",
			"from", (json_int_t)from, "to", (json_int_t)now, "outgoing",
			json_string_value(json_object_get(sh, "officers")), "incoming", to,
			"new_by_class", by_class, "open_incidents", open, "warnings", warn,
			"open_checklist_items", (json_int_t)items, "open_tasks", tasks,
			"equipment", equipment, "notes", notes);
		json_object_set(s, "sms", sms);
		char *text = json_dumps(s, JSON_COMPACT);
		json_t *f = json_pack("{s:I, s:s, s:I, s:s}", "ended_at", (json_int_t)now, "handed_to",
				      to, "handed_at", (json_int_t)now, "summary", text);
		if (!str_empty(equipment))
			json_object_set_new(f, "equipment", json_string(equipment));
		if (!str_empty(notes))
			json_object_set_new(f, "notes", json_string(notes));
		ok = rec_update(st, &T_SHIFT, json_string_value(json_object_get(sh, "id")), f, NULL, e);
		json_decref(f);
		free(text);
		if (ok && summary)
			*summary = json_incref(s);
		json_decref(s);
	}
	json_decref(sms);
	json_decref(by_class);
	json_decref(due);
	json_decref(warn);
	json_decref(tasks);
	json_decref(sh);
	return ok;
}

bool shift_ack(struct store *st, const char *name, const char *leader, struct err *e)
{
	if (str_empty(name))
		return err_set(e, ERR_USAGE, _("name: who takes over?"));
	json_t *sh = q_shift(st, "handed", e);
	if (!sh)
		return false;
	bool ok;
	if (json_is_null(sh))
		ok = err_set(e, ERR_FAIL, _("no handover is waiting (dutydesk shift handover --to NAME)"));
	else if (json_is_integer(json_object_get(sh, "acked_at")))
		ok = err_set(e, ERR_FAIL, _("the last handover was already acknowledged by %s"),
			     json_string_value(json_object_get(sh, "acked_by")));
	else {
		json_t *f = json_pack("{s:s, s:I}", "acked_by", name, "acked_at", (json_int_t)dd_now());
		ok = rec_update(st, &T_SHIFT, json_string_value(json_object_get(sh, "id")), f, NULL, e) &&
		     shift_start(st, name, leader, e);
		json_decref(f);
	}
	json_decref(sh);
	return ok;
}

/* ---- duty log and tasks ---- */

bool duty_log_add(struct store *st, const struct deadline_rules *r, json_t *fields,
		  char id[ID_TEXT], struct err *e)
{
	char shift[ID_TEXT];
	id[0] = '\0';
	if (!q_current_shift(st, shift, e))
		return false;
	const char *text = json_string_value(json_object_get(fields, "text"));
	if (str_empty(text))
		return err_set(e, ERR_USAGE, _("text: empty; say what came in"));
	if (!json_is_integer(json_object_get(fields, "at")))
		json_object_set_new(fields, "at", json_integer(dd_now()));
	if (shift[0])
		json_object_set_new(fields, "shift_id", json_string(shift));
	if (!fields_complete(&T_DUTY_ENTRY, fields, e) || !rec_insert(st, &T_DUTY_ENTRY, fields, id, e))
		return false;
	if (!str_eq(json_string_value(json_object_get(fields, "kind")), "warning"))
		return true;
	/* A warning received opens its tasks, each due within its minutes. */
	int64_t at = json_integer_value(json_object_get(fields, "at"));
	for (int i = 0; i < r->ntasks; i++) {
		json_t *t = json_pack("{s:s, s:I, s:s}", "title", r->tasks[i].title, "due_at",
				      (json_int_t)(at + r->tasks[i].within_min * 60LL), "entry_id", id);
		if (shift[0])
			json_object_set_new(t, "shift_id", json_string(shift));
		char tid[ID_TEXT] = "";
		bool ok = rec_insert(st, &T_TASK, t, tid, e);
		json_decref(t);
		if (!ok)
			return false;
	}
	return true;
}

bool task_done(struct store *st, const char *id, struct err *e)
{
	if (str_empty(id))
		return err_set(e, ERR_USAGE, _("task: give its id (or the start of it)"));
	json_t *rows = store_tasks_prefix(st, id, e);
	if (!rows)
		return false;
	size_t n = json_array_size(rows);
	json_t *t = json_array_get(rows, 0);
	bool ok;
	if (n == 0)
		ok = err_set(e, ERR_FAIL, _("task '%s': no such task"), id);
	else if (n > 1)
		ok = err_set(e, ERR_USAGE, _("task '%s': more than one task starts so; give more of the id"),
			     id);
	else if (json_is_integer(json_object_get(t, "done_at")))
		ok = err_set(e, ERR_FAIL, _("task '%s' is already done"), id);
	else {
		json_t *f = json_pack("{s:I}", "done_at", (json_int_t)dd_now());
		ok = rec_update(st, &T_TASK, json_string_value(json_object_get(t, "id")), f, NULL, e);
		json_decref(f);
	}
	json_decref(rows);
	return ok;
}
