/* The duty roster (值班表): the office's monthly sheet read into shifts,
 * a month replaced whole when it is imported again; the shift under way,
 * the one that comes in next, and a shift nobody has taken over. */
#include <stdio.h>
#include <string.h>

#include "dutydesk/dtime.h"
#include "dutydesk/i18n.h"
#include "dutydesk/model.h"

static const char *text(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));
	return v && *v ? v : NULL;
}

const char *roster_shift_name(const char *shift)
{
	if (str_eq(shift, "day"))
		return _("day shift");
	if (str_eq(shift, "night"))
		return _("night shift");
	return _("all day");
}

/* When a shift of a duty day runs: the day shift from the duty day's
 * start to the night's, the night shift on to the next day's start, a
 * whole day (all) from start to start. */
static bool shift_times(const char *day, const char *shift, int64_t *from, int64_t *to,
			struct err *e)
{
	int64_t midnight;
	if (!dd_time_parse(day, 0, &midnight, e))
		return false;
	char next[11], at[40];
	dd_date_local(midnight + 36 * 3600, next, sizeof next);
	int start = str_eq(shift, "night") ? ROSTER_NIGHT_STARTS : ROSTER_DAY_STARTS;
	int end = str_eq(shift, "day") ? ROSTER_NIGHT_STARTS : ROSTER_DAY_STARTS;
	snprintf(at, sizeof at, "%s %02d:%02d", day, start / 60, start % 60);
	if (!dd_time_parse(at, 0, from, e))
		return false;
	snprintf(at, sizeof at, "%s %02d:%02d", str_eq(shift, "day") ? day : next, end / 60,
		 end % 60);
	return dd_time_parse(at, 0, to, e);
}

/* The shifts read so far: "day shift" -> the shift, and where it was. */
struct sheet_read {
	json_t *shifts, *where;
};

static bool add_shift(struct sheet_read *rd, json_t *f, const char *shift, const char *officer,
		      const char *leader, const char *where, struct err *e)
{
	const char *day = text(f, "duty_date");
	static const char *const all[] = {"all", "day", "night"};
	for (size_t i = 0; i < ARRAY_LEN(all); i++) {
		/* the same shift twice, or a whole day beside its day or night */
		if (!str_eq(all[i], shift) && !str_eq(all[i], "all") && !str_eq(shift, "all"))
			continue;
		char key[40];
		snprintf(key, sizeof key, "%s %s", day, all[i]);
		const char *at = json_string_value(json_object_get(rd->where, key));
		if (at)
			return err_set(e, ERR_FAIL, _("%s %s: the roster gives it already at %s"), day,
				       roster_shift_name(shift), at);
	}
	int64_t from, to;
	if (!shift_times(day, shift, &from, &to, e))
		return false;
	json_t *s = json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:s?, s:I, s:I}", "day", day, "shift",
			      shift, "officer", officer, "leader", leader, "phone",
			      text(f, "duty_phone"), "notes", text(f, "notes"), "starts_at",
			      (json_int_t)from, "ends_at", (json_int_t)to);
	char key[40];
	snprintf(key, sizeof key, "%s %s", day, shift);
	json_object_set_new(rd->shifts, key, s);
	json_object_set_new(rd->where, key, json_string(where));
	return true;
}

/* One row of the sheet: a day with its officer (and 班次), or a day with
 * its day and night officers. */
static bool take_row(void *ctx, json_t *f, json_t *extra, const char *where, struct err *e)
{
	(void)extra;
	struct sheet_read *rd = ctx;
	const char *officer = text(f, "duty_officer"), *leader = text(f, "duty_leader");
	const char *day_o = text(f, "day_officer"), *night_o = text(f, "night_officer");
	if (day_o || night_o) {
		if (officer || text(f, "duty_shift"))
			return err_set(e, ERR_FAIL,
				       _("both an officer (值班员, 班次) and day or night officers "
					 "(白班, 夜班): give one or the other"));
		const char *dl = text(f, "day_leader"), *nl = text(f, "night_leader");
		return (!day_o || add_shift(rd, f, "day", day_o, dl ? dl : leader, where, e)) &&
		       (!night_o || add_shift(rd, f, "night", night_o, nl ? nl : leader, where, e));
	}
	if (!officer)
		return err_set(e, ERR_FAIL, _("nobody on duty: the officer (值班员, or 白班 and 夜班) "
					      "is empty"));
	const char *shift = text(f, "duty_shift");
	return add_shift(rd, f, shift ? shift : "all", officer, leader, where, e);
}

static bool same_shift(json_t *a, json_t *b)
{
	static const char *const keys[] = {"officer", "leader", "phone", "notes", "starts_at",
					   "ends_at"};
	for (size_t i = 0; i < ARRAY_LEN(keys); i++) {
		json_t *x = json_object_get(a, keys[i]), *y = json_object_get(b, keys[i]);
		if (json_is_null(x))
			x = NULL;
		if (json_is_null(y))
			y = NULL;
		if (!(x == y || (x && y && json_equal(x, y))))
			return false;
	}
	return true;
}

/* Each month the sheet names, replaced by what it says. */
static bool replace_months(struct store *st, const char *path, json_t *shifts,
			   struct roster_result *r, struct err *e)
{
	const char *key;
	json_t *s;
	json_object_foreach(shifts, key, s) {
		char month[8];
		snprintf(month, sizeof month, "%.7s", text(s, "day"));
		if (!json_object_get(r->months, month))
			json_object_set_new(r->months, month, json_true());
	}
	int64_t now = dd_now();
	json_t *on;
	json_object_foreach(r->months, key, on) {
		json_t *old = q_roster_month(st, key, e);
		if (!old)
			return false;
		json_t *was = json_object(), *row;
		size_t i;
		json_array_foreach(old, i, row) {
			char k[40];
			snprintf(k, sizeof k, "%s %s", text(row, "day"), text(row, "shift"));
			json_object_set(was, k, row);
		}
		json_decref(old);
		bool ok = store_roster_clear_month(st, key, e);
		const char *k;
		json_object_foreach(shifts, k, s) {
			if (!ok || strncmp(text(s, "day"), key, 7))
				continue;
			json_t *before = json_object_get(was, k);
			if (!before)
				r->added++;
			else if (same_shift(before, s))
				r->unchanged++;
			else
				r->changed++;
			json_object_del(was, k);
			ok = store_roster_put(st, s, path, now, e);
		}
		r->removed += (int)json_object_size(was);
		json_decref(was);
		if (!ok)
			return false;
	}
	return true;
}

bool roster_import(struct store *st, const char *path, const struct import_opts *o,
		   struct roster_result *r, struct err *e)
{
	static const char *const extra[] = {"星期", "周", "星期几", "weekday", NULL};
	struct sheet_read rd = {json_object(), json_object()};
	struct import_opts opts = o ? *o : (struct import_opts){0};
	opts.take = take_row;
	opts.ctx = &rd;
	opts.extra = extra;
	struct import_result ir = {0};
	memset(r, 0, sizeof *r);
	r->months = json_object();
	bool ok = import_file(st, &T_ROSTER, path, NULL, &opts, &ir, e);
	r->rows = ir.rows;
	r->errors = ir.errors;
	r->notes = ir.notes;
	r->shifts = (int)json_object_size(rd.shifts);
	if (ok && !r->shifts)
		ok = err_set(e, ERR_FAIL, _("%s: no day of duty in it: expected a row a day under a "
					    "header like 日期, 带班领导, 值班员 (or 白班, 夜班)"),
			     path);
	ok = ok && replace_months(st, path, rd.shifts, r, e);
	json_decref(rd.shifts);
	json_decref(rd.where);
	return ok;
}

void roster_result_finish(struct roster_result *r)
{
	json_decref(r->months);
	json_decref(r->errors);
	json_decref(r->notes);
	r->months = r->errors = r->notes = NULL;
}

void roster_duty_day(int64_t now, char day[11])
{
	dd_date_local(now - ROSTER_DAY_STARTS * 60, day, 11);
}

json_t *roster_incoming(struct store *st, int64_t now, struct err *e)
{
	json_t *open = q_shift(st, "current", e);
	if (!open)
		return NULL;
	json_t *at = json_object_get(open, "started_at");
	int64_t from = json_is_integer(at) ? json_integer_value(at) + ROSTER_EARLY_MIN * 60
					   : now - ROSTER_EARLY_MIN * 60;
	json_decref(open);
	return q_roster_from(st, from, now, e);
}

json_t *roster_unacked(struct store *st, int64_t now, struct err *e)
{
	json_t *cur = q_roster_at(st, now, e);
	if (!cur || json_is_null(cur))
		return cur;
	int64_t from = json_integer_value(json_object_get(cur, "starts_at"));
	int64_t to = json_integer_value(json_object_get(cur, "ends_at"));
	bool taken = false;
	if (now >= from + ROSTER_ACK_MIN * 60 &&
	    !q_shift_started_within(st, from - ROSTER_EARLY_MIN * 60, to, &taken, e)) {
		json_decref(cur);
		return NULL;
	}
	if (now < from + ROSTER_ACK_MIN * 60 || taken) {
		json_decref(cur);
		return json_null();
	}
	json_object_set_new(cur, "due_at", json_integer(from + ROSTER_ACK_MIN * 60));
	return cur;
}
