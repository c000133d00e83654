/* Plans in use: the library kept in the database (a snapshot per
 * version), activations at a response level, checklist items and their
 * ticks. Every tick is an append-only row and a timeline entry. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "dutydesk/i18n.h"
#include "dutydesk/dtime.h"
#include "dutydesk/model.h"
#include "dutydesk/plan.h"
#include "dutydesk/hash.h"

char *plans_dir(void)
{
	const char *env = getenv("DUTYDESK_PLANS");
	struct stat sb;
	if (!str_empty(env))
		return xstrdup(env);
	char *p = xasprintf("%s/plans", DD_DATADIR);
	if ((stat(p, &sb) == 0 && S_ISDIR(sb.st_mode)) || !run_from_build_tree())
		return p;
	free(p);
	return xasprintf("%s/../plans", DD_SRC_DATADIR);
}

bool plan_store(struct store *st, json_t *plan, char id[ID_TEXT], bool *is_new, struct err *e)
{
	const char *key = json_string_value(json_object_get(plan, "id"));
	const char *version = json_string_value(json_object_get(plan, "version"));
	char *have = NULL;
	if (!store_plan_version_id(st, key, version, &have, e))
		return false;
	if (is_new)
		*is_new = have == NULL;
	if (have) {
		/* a version is a snapshot: the same version is not stored twice */
		snprintf(id, ID_TEXT, "%s", have);
		free(have);
		return true;
	}
	json_t *copy = json_deep_copy(plan);
	json_object_del(copy, "source_path");
	char *src = json_dumps(copy, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(copy);
	json_t *f = json_pack("{s:s, s:s, s:s, s:s}", "plan_key", key, "version", version, "title",
			      json_string_value(json_object_get(plan, "title")), "source", src);
	free(src);
	/* The id comes from key and version, so that every database that
	 * loads the same library holds the same plan rows and sync sees one
	 * record, not one per office. */
	char *kv = xasprintf("%s\x1f%s", key, version);
	char hex[SHA256_HEX];
	sha256_hex(kv, strlen(kv), hex);
	free(kv);
	snprintf(id, ID_TEXT, "plan-%.30s", hex);
	bool ok = rec_insert(st, &T_PLAN, f, id, e);
	json_decref(f);
	return ok;
}

bool plans_load_library(struct store *st, int *loaded, json_t *problems, struct err *e)
{
	char *dir = plans_dir();
	DIR *d = opendir(dir);
	int n = 0;
	bool ok = true;
	if (!d) {
		free(dir);
		*loaded = 0;
		return true; /* no library installed: nothing to load */
	}
	struct dirent *de;
	while (ok && (de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (len < 6 || strcmp(de->d_name + len - 5, ".yaml"))
			continue;
		char *path = xasprintf("%s/%s", dir, de->d_name);
		json_t *errors;
		json_t *plan = plan_load(path, &errors);
		char id[ID_TEXT];
		bool fresh = false;
		if (!plan) {
			/* a broken file is left out, and said so; the others load */
			json_array_extend(problems, errors);
		} else if (plan_store(st, plan, id, &fresh, e)) {
			n += fresh;
		} else {
			ok = false;
		}
		json_decref(plan);
		json_decref(errors);
		free(path);
	}
	closedir(d);
	free(dir);
	*loaded = n;
	return ok;
}

json_t *plan_get(struct store *st, const char *key, struct err *e)
{
	/* the latest version of a plan (by key), or one stored version (by id) */
	json_t *r = store_plan_latest(st, key, e);
	if (!r || json_is_null(r)) {
		if (r)
			err_set(e, ERR_FAIL, _("plan '%s': no such plan (dutydesk plan list)"), key);
		json_decref(r);
		return NULL;
	}
	json_t *plan = json_loads(json_string_value(json_object_get(r, "source")), 0, NULL);
	if (plan) {
		json_object_set(plan, "stored_id", json_object_get(r, "id"));
	} else {
		err_set(e, ERR_FAIL, _("plan '%s': stored copy is damaged"), key);
	}
	json_decref(r);
	return plan;
}

static int level_index(const char *level)
{
	for (int i = 0; i < 4; i++)
		if (str_eq(plan_levels[i], level))
			return i;
	return -1;
}

/* Adds the items of a level (and their substeps) to an activation. */
static bool add_items(struct store *st, const char *activation, json_t *items, const char *parent,
		      const char *level, int *ord, int64_t now, struct err *e)
{
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it) {
		json_t *f = json_pack("{s:s, s:O, s:s, s:i, s:O, s:s, s:I}", "activation_id", activation,
				      "item_key", json_object_get(it, "id"), "level", level, "ord",
				      (*ord)++, "text", json_object_get(it, "text"), "state", "open",
				      "started_at", (json_int_t)now);
		if (parent)
			json_object_set_new(f, "parent_key", json_string(parent));
		static const char *const opt[][2] = {{"unit", "unit"}, {"within", "within_min"},
						     {"after", "after_key"}};
		for (size_t k = 0; k < 3; k++)
			if (json_object_get(it, opt[k][0]))
				json_object_set(f, opt[k][1], json_object_get(it, opt[k][0]));
		char id[ID_TEXT] = "";
		bool ok = rec_insert(st, &T_CHECKLIST_ITEM, f, id, e);
		json_decref(f);
		if (!ok || !add_items(st, activation,
				      json_object_get(it, "items"),
				      json_string_value(json_object_get(it, "id")), level, ord, now, e))
			return false;
	}
	return true;
}

static bool level_items(struct store *st, json_t *plan, const char *activation, const char *level,
			struct err *e)
{
	json_t *lv = json_object_get(json_object_get(plan, "levels"), level);
	if (!lv)
		return err_set(e, ERR_USAGE, _("plan '%s' has no level %s"),
			       json_string_value(json_object_get(plan, "id")), level);
	int64_t ord;
	if (!store_checklist_next_ord(st, activation, &ord, e))
		return false;
	int o = (int)ord;
	return add_items(st, activation, json_object_get(lv, "items"), NULL, level, &o, dd_now(), e);
}

/* The activation row (id, plan, incident number, level, drill...). */
json_t *activation_get(struct store *st, const char *handle, struct err *e)
{
	json_t *rows = store_activations_matching(st, handle, e);
	if (!rows)
		return NULL;
	json_t *r = NULL;
	size_t n = json_array_size(rows);
	/* an incident number names its open activation */
	size_t i;
	json_t *x;
	json_array_foreach(rows, i, x)
		if (!r && (n == 1 || json_is_null(json_object_get(x, "closed_at"))))
			r = json_incref(x);
	json_decref(rows);
	if (!r)
		err_set(e, n ? ERR_USAGE : ERR_FAIL,
			n ? _("activation '%s': more than one; give more of the id")
			  : _("activation '%s': no such activation (dutydesk plan status)"), handle);
	return r;
}

static bool timeline(struct store *st, json_t *act, const char *text, struct err *e)
{
	const char *n = json_string_value(json_object_get(act, "incident"));
	return !n || incident_log(st, n, "action", text, e);
}

bool plan_activate(struct store *st, const char *key, const char *level, const char *number,
		   bool drill, char id[ID_TEXT], struct err *e)
{
	if (level_index(level) < 0)
		return err_set(e, ERR_USAGE, _("level: '%s': expected IV, III, II or I"), level ? level : "");
	if (!number && !drill)
		return err_set(e, ERR_USAGE, _("give the incident (--incident N) or --drill"));
	json_t *plan = plan_get(st, key, e);
	if (!plan)
		return false;
	char inc[ID_TEXT] = "";
	bool ok = !number || q_ref(st, "incident", number, inc, e);
	if (!ok && e)
		e->code = ERR_FAIL; /* a record not found, not a misused command */
	if (ok && number) {
		int64_t open;
		ok = store_plan_open_count(st, inc, json_string_value(json_object_get(plan, "id")),
					   &open, e);
		if (ok && open)
			ok = err_set(e, ERR_FAIL, _("this plan is already active for %s; raise its level "
						  "instead (dutydesk plan raise)"), number);
	}
	if (ok) {
		json_t *f = json_pack("{s:O, s:s, s:I, s:i}", "plan_id", json_object_get(plan, "stored_id"),
				      "level", level, "started_at", (json_int_t)dd_now(), "drill", drill);
		if (number)
			json_object_set_new(f, "incident_id", json_string(inc));
		id[0] = '\0';
		ok = rec_insert(st, &T_PLAN_ACTIVATION, f, id, e) &&
		     level_items(st, plan, id, level, e);
		json_decref(f);
	}
	if (ok && number) {
		char *text = xasprintf("启动《%s》%s级响应", json_string_value(json_object_get(plan, "title")),
				       level);
		ok = incident_log(st, number, "action", text, e);
		free(text);
	}
	json_decref(plan);
	return ok;
}

bool plan_raise(struct store *st, const char *handle, const char *level, struct err *e)
{
	json_t *act = activation_get(st, handle, e);
	if (!act)
		return false;
	int from = level_index(json_string_value(json_object_get(act, "level"))), to = level_index(level);
	bool ok = true;
	if (to < 0)
		ok = err_set(e, ERR_USAGE, _("level: '%s': expected IV, III, II or I"), level ? level : "");
	else if (json_is_integer(json_object_get(act, "closed_at")))
		ok = err_set(e, ERR_FAIL, _("the activation is closed"));
	else if (to <= from)
		ok = err_set(e, ERR_USAGE, _("level %s is not above the current level %s"), level,
			     json_string_value(json_object_get(act, "level")));
	json_t *plan = ok ? plan_get(st, json_string_value(json_object_get(act, "plan_id")), e) : NULL;
	ok = ok && plan;
	/* each level between adds its items; what was done stays done */
	for (int l = from + 1; ok && l <= to; l++)
		ok = level_items(st, plan, json_string_value(json_object_get(act, "id")), plan_levels[l], e);
	if (ok) {
		json_t *f = json_pack("{s:s}", "level", level);
		ok = rec_update(st, &T_PLAN_ACTIVATION, json_string_value(json_object_get(act, "id")), f,
				NULL, e);
		json_decref(f);
		char *text = xasprintf("《%s》响应级别由%s级提升为%s级",
				       json_string_value(json_object_get(act, "title")),
				       json_string_value(json_object_get(act, "level")), level);
		ok = ok && timeline(st, act, text, e);
		free(text);
	}
	json_decref(plan);
	json_decref(act);
	return ok;
}

json_t *plan_items(struct store *st, const char *activation_id, struct err *e)
{
	return store_checklist(st, activation_id, e);
}

/* When an item is due: within from its level's start, or from the time
 * its `after` item was done; 0 when it has no limit or cannot start yet. */
static int64_t due_of(json_t *it)
{
	json_t *w = json_object_get(it, "within_min");
	if (!json_is_integer(w))
		return 0;
	int64_t from = json_integer_value(json_object_get(it, "started_at"));
	if (json_is_string(json_object_get(it, "after_key"))) {
		json_t *ad = json_object_get(it, "after_done_at");
		if (!json_is_integer(ad))
			return 0;
		from = json_integer_value(ad);
	}
	return from + json_integer_value(w) * 60;
}

json_t *plan_status(struct store *st, const char *handle, int64_t now, struct err *e)
{
	json_t *act = activation_get(st, handle, e);
	if (!act)
		return NULL;
	json_t *items = plan_items(st, json_string_value(json_object_get(act, "id")), e);
	if (!items) {
		json_decref(act);
		return NULL;
	}
	int64_t total = 0, done = 0, overdue = 0;
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it) {
		const char *s = json_string_value(json_object_get(it, "state"));
		int64_t due = due_of(it);
		bool open = str_eq(s, "open");
		json_object_set_new(it, "due", due ? json_integer(due) : json_null());
		json_object_set_new(it, "overdue", json_boolean(open && due && due < now));
		total++;
		done += !open;
		overdue += open && due && due < now;
		/* the time an item took, for the drill report */
		json_t *da = json_object_get(it, "done_at");
		if (json_is_integer(da) && str_eq(s, "done")) {
			int64_t from = json_integer_value(json_object_get(it, "after_done_at"));
			if (!from)
				from = json_integer_value(json_object_get(it, "started_at"));
			json_object_set_new(it, "took_min", json_integer((json_integer_value(da) - from) / 60));
		}
	}
	json_object_set_new(act, "items", items);
	json_object_set_new(act, "progress", json_pack("{s:I, s:I, s:I}", "total", (json_int_t)total,
						       "done", (json_int_t)done, "overdue",
						       (json_int_t)overdue));
	return act;
}

static bool set_state(struct store *st, json_t *act, json_t *it, const char *state,
		      const char *reason, struct err *e)
{
	int64_t now = dd_now();
	json_t *f = json_pack("{s:s, s:s?}", "state", state, "reason", reason);
	bool finished = str_eq(state, "done") || str_eq(state, "prev_done");
	json_object_set_new(f, "done_at", finished ? json_integer(now) : json_null());
	json_object_set_new(f, "done_by", finished ? json_string(store_actor(st) ? store_actor(st) : "")
						  : json_null());
	const char *item_id = json_string_value(json_object_get(it, "id"));
	bool ok = rec_update(st, &T_CHECKLIST_ITEM, item_id, f, NULL, e);
	json_decref(f);
	json_t *tick = json_pack("{s:s, s:s, s:s?}", "item_id", item_id, "state", state, "reason",
				 reason);
	char tid[ID_TEXT] = "";
	ok = ok && rec_insert(st, &T_CHECKLIST_TICK, tick, tid, e);
	json_decref(tick);
	static const struct enum_value words[] = {
		{"done", "完成", "done"}, {"prev_done", "此前已完成", "done before"},
		{"na", "不适用", "not applicable"}, {"open", "重新打开", "reopened"}, {NULL, NULL, NULL}};
	char *text = xasprintf("预案工作项[%s]%s：%s%s%s", json_string_value(json_object_get(it, "item_key")),
			       enum_label(words, state, true), json_string_value(json_object_get(it, "text")),
			       reason ? "（" : "", reason ? reason : "");
	if (reason) {
		char *t2 = xasprintf("%s）", text);
		free(text);
		text = t2;
	}
	ok = ok && timeline(st, act, text, e);
	free(text);
	return ok;
}

bool plan_check(struct store *st, const char *handle, const char *item_key, const char *state,
		const char *reason, struct err *e)
{
	static const char *const states[] = {"done", "prev_done", "na", "open"};
	bool known = false;
	for (size_t i = 0; i < 4; i++)
		known = known || str_eq(state, states[i]);
	if (!known)
		return err_set(e, ERR_USAGE, _("state: '%s': expected done, prev_done, na or open"),
			       state ? state : "");
	if (str_eq(state, "na") && str_empty(reason))
		return err_set(e, ERR_USAGE, _("not applicable needs a reason"));
	json_t *act = plan_status(st, handle, dd_now(), e);
	if (!act)
		return false;
	json_t *items = json_object_get(act, "items"), *it = NULL;
	size_t i;
	json_t *x;
	json_array_foreach(items, i, x)
		if (str_eq(json_string_value(json_object_get(x, "item_key")), item_key))
			it = x;
	bool ok = true;
	bool finishing = !str_eq(state, "open");
	if (json_is_integer(json_object_get(act, "closed_at")))
		ok = err_set(e, ERR_FAIL, _("the activation is closed"));
	else if (!it)
		ok = err_set(e, ERR_FAIL, _("item '%s': not in this checklist"), item_key);
	else if (str_eq(json_string_value(json_object_get(it, "state")), state))
		ok = err_set(e, ERR_FAIL, _("item '%s' is already %s"), item_key, state);
	/* a parent is done only when its substeps are */
	json_array_foreach(items, i, x)
		if (ok && it && str_eq(state, "done") &&
		    str_eq(json_string_value(json_object_get(x, "parent_key")), item_key) &&
		    str_eq(json_string_value(json_object_get(x, "state")), "open"))
			ok = err_set(e, ERR_FAIL, _("item '%s' has open substeps (%s first)"), item_key,
				     json_string_value(json_object_get(x, "item_key")));
	if (ok && finishing && str_eq(state, "done") && json_is_string(json_object_get(it, "after_key"))) {
		json_array_foreach(items, i, x)
			if (ok && str_eq(json_string_value(json_object_get(x, "item_key")),
					 json_string_value(json_object_get(it, "after_key"))) &&
			    str_eq(json_string_value(json_object_get(x, "state")), "open"))
				ok = err_set(e, ERR_FAIL, _("item '%s' comes after '%s', which is still open"),
					     item_key, json_string_value(json_object_get(x, "item_key")));
	}
	ok = ok && set_state(st, act, it, state, reason, e);
	/* reopening a substep reopens the parents that were done */
	char up[96] = "";
	if (ok && !finishing && json_is_string(json_object_get(it, "parent_key")))
		snprintf(up, sizeof up, "%s", json_string_value(json_object_get(it, "parent_key")));
	while (ok && up[0]) {
		json_t *p = NULL;
		json_array_foreach(items, i, x)
			if (str_eq(json_string_value(json_object_get(x, "item_key")), up))
				p = x;
		up[0] = '\0';
		if (p && str_eq(json_string_value(json_object_get(p, "state")), "done")) {
			ok = set_state(st, act, p, "open", "a substep was opened again", e);
			if (json_is_string(json_object_get(p, "parent_key")))
				snprintf(up, sizeof up, "%s", json_string_value(json_object_get(p, "parent_key")));
		}
	}
	/* roll up: a parent whose substeps are all finished is done too (unless
	 * its own prerequisite is still open: then it waits for a tick) */
	const char *parent = ok ? json_string_value(json_object_get(it, "parent_key")) : NULL;
	while (ok && parent && finishing) {
		json_t *p = NULL, *fresh = plan_items(st, json_string_value(json_object_get(act, "id")), e);
		bool all = fresh != NULL;
		json_array_foreach(fresh, i, x) {
			if (str_eq(json_string_value(json_object_get(x, "item_key")), parent))
				p = x;
			if (str_eq(json_string_value(json_object_get(x, "parent_key")), parent) &&
			    str_eq(json_string_value(json_object_get(x, "state")), "open"))
				all = false;
		}
		if (all && p && json_is_string(json_object_get(p, "after_key"))) {
			json_array_foreach(fresh, i, x)
				if (str_eq(json_string_value(json_object_get(x, "item_key")),
					   json_string_value(json_object_get(p, "after_key"))) &&
				    str_eq(json_string_value(json_object_get(x, "state")), "open"))
					all = false;
		}
		if (all && p && str_eq(json_string_value(json_object_get(p, "state")), "open")) {
			ok = set_state(st, act, p, "done", NULL, e);
			parent = json_string_value(json_object_get(p, "parent_key"));
			json_incref(p);
			json_decref(fresh);
			json_t *keep = p;
			(void)keep;
			json_decref(p);
		} else {
			json_decref(fresh);
			break;
		}
	}
	json_decref(act);
	return ok;
}

bool plan_close(struct store *st, const char *handle, const char *summary, struct err *e)
{
	if (str_empty(summary))
		return err_set(e, ERR_USAGE, _("summary: close with a summary of the response"));
	json_t *act = activation_get(st, handle, e);
	if (!act)
		return false;
	bool ok = true;
	if (json_is_integer(json_object_get(act, "closed_at")))
		ok = err_set(e, ERR_FAIL, _("the activation is closed already"));
	if (ok) {
		json_t *f = json_pack("{s:I, s:s}", "closed_at", (json_int_t)dd_now(), "summary", summary);
		ok = rec_update(st, &T_PLAN_ACTIVATION, json_string_value(json_object_get(act, "id")), f,
				NULL, e);
		json_decref(f);
		char *text = xasprintf("《%s》响应结束：%s", json_string_value(json_object_get(act, "title")),
				       summary);
		ok = ok && timeline(st, act, text, e);
		free(text);
	}
	json_decref(act);
	return ok;
}

int64_t plans_overdue(struct store *st, int64_t now)
{
	json_t *acts = store_open_activation_ids(st, NULL);
	if (!acts)
		return -1;
	int64_t n = 0;
	size_t i;
	json_t *a;
	json_array_foreach(acts, i, a) {
		json_t *s = plan_status(st, json_string_value(json_object_get(a, "id")), now, NULL);
		if (!s) {
			n = -1;
			break;
		}
		n += json_integer_value(json_object_get(json_object_get(s, "progress"), "overdue"));
		json_decref(s);
	}
	json_decref(acts);
	return n;
}
