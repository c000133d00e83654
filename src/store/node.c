/* Node identity, the persisted hybrid logical clock and named counters. */
#include "dutydesk/i18n.h"
#include "store_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dutydesk/dtime.h"
#include "dutydesk/syncstore.h"

bool store_node(struct store *st, struct node_info *out, struct err *e)
{
	json_t *r = store_row(st, e,
			      "SELECT node_id, coalesce(township_code, '') AS t, role, number_prefix, "
			      "incarnation FROM node",
			      "");
	if (!r)
		return false;
	if (json_is_null(r)) {
		json_decref(r);
		return err_set(e, ERR_FAIL, _("%s has no node identity; run 'dutydesk init'"),
			       store_path(st));
	}
	snprintf(out->node_id, sizeof out->node_id, "%s", json_string_value(json_object_get(r, "node_id")));
	snprintf(out->township_code, sizeof out->township_code, "%s",
		 json_string_value(json_object_get(r, "t")));
	snprintf(out->role, sizeof out->role, "%s", json_string_value(json_object_get(r, "role")));
	snprintf(out->number_prefix, sizeof out->number_prefix, "%s",
		 json_string_value(json_object_get(r, "number_prefix")));
	out->incarnation = json_integer_value(json_object_get(r, "incarnation"));
	json_decref(r);
	return true;
}

bool store_set_node(struct store *st, const char *node_id, const char *township_code,
		    const char *role, const char *prefix, struct err *e)
{
	int64_t ops, same;
	if (!store_int(st, e, &same,
		       "SELECT count(*) FROM node WHERE node_id = ? AND coalesce(township_code, '') = ?"
		       " AND role = ? AND number_prefix = ?",
		       "ssss", node_id, township_code ? township_code : "", role, prefix))
		return false;
	if (same)
		return true; /* nothing changes */
	if (!store_int(st, e, &ops, "SELECT count(*) FROM outbox", ""))
		return false;
	if (ops > 0)
		return err_set(e, ERR_FAIL,
			       _("this database already has %lld changes of its own; its node "
			       "identity can no longer change"), (long long)ops);
	char h[HLC_TEXT];
	hlc_format(hlc_next(0, dd_now_ms()), h);
	return store_exec(st, e,
			  "INSERT INTO node (one, node_id, township_code, role, number_prefix, hlc, "
			  "created_at) VALUES (1, ?, ?, ?, ?, ?, ?) ON CONFLICT (one) DO UPDATE SET "
			  "node_id = excluded.node_id, township_code = excluded.township_code, "
			  "role = excluded.role, number_prefix = excluded.number_prefix",
			  "sssssi", node_id, str_empty(township_code) ? NULL : township_code, role,
			  prefix, h, dd_now());
}

bool store_sync_area(struct store *st, char area[16], struct err *e)
{
	char *a = NULL;
	if (!store_text(st, e, &a, "SELECT area FROM sync_state", ""))
		return false;
	snprintf(area, 16, "%s", a ? a : "");
	free(a);
	return true;
}

bool store_sync_set_area(struct store *st, const char *area, struct err *e)
{
	return store_exec(st, e, "UPDATE sync_state SET area = ?1 WHERE area <> ?1", "s", area);
}

bool store_tick(struct store *st, hlc_t *out, struct err *e)
{
	char *last = NULL;
	if (!store_text(st, e, &last, "SELECT hlc FROM node", ""))
		return false;
	hlc_t h = 0;
	if (!last || !hlc_parse(last, &h)) {
		free(last);
		return err_set(e, ERR_FAIL, _("%s has no node identity; run 'dutydesk init'"),
			       store_path(st));
	}
	free(last);
	h = hlc_next(h, dd_now_ms());
	char txt[HLC_TEXT];
	hlc_format(h, txt);
	if (!store_exec(st, e, "UPDATE node SET hlc = ?", "s", txt))
		return false;
	*out = h;
	return true;
}

bool store_next_counter(struct store *st, const char *name, int64_t *out, struct err *e)
{
	if (!store_exec(st, e,
			"INSERT INTO counter (name, value) VALUES (?, 1) "
			"ON CONFLICT (name) DO UPDATE SET value = value + 1",
			"s", name))
		return false;
	return store_int(st, e, out, "SELECT value FROM counter WHERE name = ?", "s", name);
}

void store_set_actor(struct store *st, const char *actor)
{
	if (st->shared)
		return; /* the login acts; names do not */
	st->actor = actor;
}

const char *store_actor(const struct store *st)
{
	return st->actor;
}
