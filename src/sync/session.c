/* The node's side of a sync, over any transport: push the outbox, pull
 * the hub's log by cursor, follow the hub's epoch. Every step commits what
 * it learnt before the next request, so a run cut off anywhere resumes
 * where it stopped and never loses or doubles an op. */
#include "sync_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dutydesk/dtime.h"

#define PULL_LIMIT 1000
#define MAX_ROUNDS 10000 /* a bound on requests per run, against a looping hub */

static void record_error(struct store *st, const char *msg)
{
	store_sync_note_error(st, msg, dd_now());
}

/* The hub's words for a refused request, or the status alone. */
static bool http_error(const char *what, int status, const char *resp, struct err *e)
{
	json_t *j = resp ? json_loads(resp, 0, NULL) : NULL;
	const char *m = json_string_value(json_object_get(j, "message"));
	err_set(e, ERR_FAIL, "%s: the hub answered %d%s%s", what, status, m ? ": " : "",
		m ? m : "");
	json_decref(j);
	return false;
}

/* A new epoch means the hub was restored: everything this node kept goes
 * again and the log is read from the start. Inside a transaction. */
static bool follow_epoch(struct store *st, const char *epoch, bool *changed, struct err *e)
{
	*changed = false;
	if (!epoch)
		return true;
	char *cur = NULL;
	if (!store_sync_epoch(st, &cur, e))
		return false;
	bool ok = true;
	if (!cur) {
		ok = store_sync_set_epoch(st, epoch, e);
	} else if (!str_eq(cur, epoch)) {
		*changed = true;
		ok = store_outbox_requeue(st, e) && store_sync_restart(st, epoch, e);
	}
	free(cur);
	return ok;
}

/* 409 new_incarnation: this database is behind what the hub holds of the
 * node (restored from a copy, or a new PC under the node's name). It takes
 * the incarnation the hub gave: its pending ops get op ids of their own,
 * and it reads the log again from 0, its own ops included. */
static bool take_incarnation(struct store *st, json_t *reply, struct sync_stats *stats,
			     struct err *e)
{
	json_t *k = json_object_get(reply, "incarnation");
	if (!json_is_integer(k) || json_integer_value(k) < 1)
		return err_set(e, ERR_FAIL, "the hub's answer has no incarnation");
	if (!store_begin(st, e))
		return false;
	bool ok = store_node_take_incarnation(st, json_integer_value(k), e);
	if (ok)
		ok = store_commit(st, e);
	else
		store_rollback(st);
	if (ok)
		stats->incarnation = json_integer_value(k);
	return ok;
}

/* This database's clock for the hub's restore check: not behind any op
 * it made (its persisted clock), nor behind now. */
static void claim_clock(struct store *st, char out[HLC_TEXT])
{
	char *txt = store_clock_text(st);
	hlc_t h = 0, now = hlc_next(0, dd_now_ms());
	if (!txt || !hlc_parse(txt, &h) || h < now)
		h = now;
	free(txt);
	hlc_format(h, out);
}

static bool is_error(int status, json_t *reply, int want, const char *code)
{
	return status == want && str_eq(json_string_value(json_object_get(reply, "error")), code);
}

/* Ops stamped while this node's clock ran ahead, refused by the hub as
 * clock_ahead, would stay refused until real time caught up with them
 * (and every later op with them: the clock never goes back). Once the
 * clock agrees with the hub's again, the pending ops from the first such
 * op on get new stamps just above the hub's clock, in their order, and
 * so do the rows and field versions they wrote. Nobody has accepted the
 * old stamps, so nothing else needs them. Inside a transaction. */
static bool restamp(struct store *st, hlc_t hub, int *count, struct err *e)
{
	*count = 0;
	struct node_info ni;
	if (!store_node(st, &ni, e))
		return false;
	int64_t now = dd_now_ms();
	json_t *rows = store_outbox_all(st, e);
	if (!rows)
		return false;
	hlc_t clock = hub;
	bool from = false, ok = true;
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		hlc_t old;
		const char *oh = json_string_value(json_object_get(r, "hlc"));
		if (!hlc_parse(oh, &old))
			continue;
		bool ahead = hlc_ms(old) > now + SYNC_MAX_FUTURE_MS;
		if (!from && !(ahead && str_eq(json_string_value(json_object_get(r, "state")),
					       "pending"))) {
			if (!ahead && old > clock)
				clock = old;
			continue;
		}
		from = true;
		if (!str_eq(json_string_value(json_object_get(r, "state")), "pending"))
			continue;
		const struct table *t = table_by_name(json_string_value(json_object_get(r, "tbl")));
		const char *id = json_string_value(json_object_get(r, "row_id"));
		if (!t)
			continue;
		clock = hlc_next(clock, now);
		char nh[HLC_TEXT];
		hlc_format(clock, nh);
		json_t *body = op_of_row(r);
		json_object_set_new(body, "hlc", json_string(nh));
		char *nb = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(body);
		ok = store_outbox_restamp(st, json_string_value(json_object_get(r, "op_id")), nh, nb,
					  e) &&
		     store_field_version_restamp(st, t->name, id, oh, nh, ni.node_id, e);
		free(nb);
		/* Append-only rows cannot change (their triggers say so); their
		 * stamp only orders entries of the same second, so the local row
		 * keeps it and the op carries the new one. */
		if (ok && !t->append_only)
			ok = rec_restamp(st, t, id, oh, nh, ni.node_id, e);
		if (!ok)
			break;
		++*count;
	}
	json_decref(rows);
	if (ok && *count) {
		char ch[HLC_TEXT];
		hlc_format(clock, ch);
		ok = store_clock_set(st, ch, e);
	}
	return ok;
}

/* One push request; *done when nothing was pending. */
static bool push_once(struct store *st, const struct sync_transport *t, struct sync_stats *stats,
		      bool *done, bool *epoch_changed, bool *restamped, struct err *e)
{
	*done = false;
	*epoch_changed = false;
	struct node_info ni;
	if (!store_node(st, &ni, e))
		return false;
	json_t *rows = store_outbox_pending(st, SYNC_MAX_OPS, e);
	if (!rows)
		return false;
	/* Nothing pending: one empty push still asks after ops that wait at
	 * the hub for their record (its answer lists them). */
	bool refresh = json_array_size(rows) == 0;
	if (refresh) {
		*done = true;
		json_t *w = store_outbox_hub_waiting_rows(st, e);
		size_t nw = json_array_size(w);
		json_decref(w);
		if (!w || nw == 0) {
			json_decref(rows);
			return w != NULL;
		}
	}
	char *epoch = NULL;
	int64_t op_seq = 0;
	store_sync_epoch(st, &epoch, NULL);
	if (!store_op_seq(st, &op_seq, e)) {
		free(epoch);
		json_decref(rows);
		return false;
	}
	char now[HLC_TEXT];
	claim_clock(st, now);
	json_t *head = json_pack("{s:i, s:i, s:s, s:s?, s:I, s:I, s:s}", "proto", SYNC_PROTO,
				 "schema", store_user_version(st), "node", ni.node_id, "hub_epoch",
				 epoch, "incarnation", (json_int_t)ni.incarnation, "op_seq",
				 (json_int_t)op_seq, "hlc", now);
	free(epoch);
	char *hs = json_dumps(head, JSON_COMPACT);
	json_decref(head);
	/* The ops are sent as they were queued, byte for byte. */
	struct strbuf body;
	sb_init(&body);
	sb_add(&body, hs, strlen(hs) - 1);
	free(hs);
	sb_puts(&body, ",\"ops\":[");
	size_t i, sent = 0;
	json_t *r;
	json_array_foreach(rows, i, r) {
		const char *b = json_string_value(json_object_get(r, "body"));
		if (sent > 0 && body.len + strlen(b) + 16 > SYNC_MAX_BODY)
			break;
		if (sent++)
			sb_putc(&body, ',');
		sb_puts(&body, b);
	}
	sb_puts(&body, "]}");
	json_decref(rows);

	int status = 0, retry = 0;
	char *resp = NULL;
	bool ok = t->request(t->ctx, "POST", "/v1/push", body.buf, &status, &resp, &retry, e);
	sb_finish(&body);
	if (!ok) {
		err_prefix(e, "push");
		return false;
	}
	json_t *reply = json_loads(resp, 0, NULL);
	if (is_error(status, reply, 409, "new_incarnation")) {
		free(resp);
		ok = take_incarnation(st, reply, stats, e);
		json_decref(reply);
		if (!ok)
			err_prefix(e, "push");
		return ok; /* the pending ops go again under their new ids */
	}
	if (status != 200) {
		stats->retry_after = retry;
		stats->status = status;
		http_error("push", status, resp, e);
		free(resp);
		json_decref(reply);
		return false;
	}
	free(resp);
	json_t *results = json_object_get(reply, "results");
	if (!json_is_array(results)) {
		json_decref(reply);
		return err_set(e, ERR_FAIL, "push: the hub's answer has no results");
	}
	char clock_msg[600] = "";
	int progress = 0;
	if (!store_begin(st, e)) {
		json_decref(reply);
		return false;
	}
	json_array_foreach(results, i, r) {
		const char *op_id = json_string_value(json_object_get(r, "op_id"));
		const char *s = json_string_value(json_object_get(r, "status"));
		const char *m = json_string_value(json_object_get(r, "message"));
		enum op_status os;
		if (!op_id || !op_status_parse(s, &os))
			continue;
		bool w = true;
		switch (os) {
		case OP_APPLIED:
		case OP_DUPLICATE:
		case OP_CONFLICT_RECORDED:
		case OP_PENDING:
			w = store_outbox_ack(st, op_id, json_object_get(r, "server_seq"), s, e);
			stats->pushed++;
			if (os == OP_CONFLICT_RECORDED)
				stats->conflicts++;
			progress++;
			break;
		case OP_FORBIDDEN:
		case OP_INVALID:
			/* Never retried: kept aside, shown, never dropped. */
			w = store_outbox_park(st, op_id, m ? m : s, e);
			stats->parked++;
			progress++;
			break;
		case OP_CLOCK_AHEAD:
			w = store_outbox_note(st, op_id, m ? m : s, e);
			snprintf(clock_msg, sizeof clock_msg, "%s",
				 m ? m : "the hub refused ops stamped in its future; check your clock");
			break;
		}
		if (!w) {
			store_rollback(st);
			json_decref(reply);
			return false;
		}
	}
	/* What of this node waits at the hub for its record, or was given up. */
	json_t *waiting = json_object_get(reply, "waiting");
	if (json_is_array(waiting) && !store_outbox_hub_waiting(st, waiting, e)) {
		store_rollback(st);
		json_decref(reply);
		return false;
	}
	const char *hh = json_string_value(json_object_get(reply, "hub_hlc"));
	hlc_t hub = 0;
	/* This clock is not ahead of the hub's (behind is fine). */
	bool sane = hh && hlc_parse(hh, &hub) &&
		    dd_now_ms() <= hlc_ms(hub) + SYNC_MAX_FUTURE_MS / 2;
	int fixed = 0;
	ok = (!hh || clock_merge(st, hh, e)) &&
	     follow_epoch(st, json_string_value(json_object_get(reply, "hub_epoch")), epoch_changed,
			  e);
	/* Refused as ahead while this clock now agrees with the hub's: the
	 * clock was wrong and has been put right; stamp those ops again. */
	if (ok && *clock_msg && sane && !*restamped) {
		ok = restamp(st, hub, &fixed, e);
		*restamped = true;
	}
	if (ok)
		ok = store_commit(st, e);
	if (!ok)
		store_rollback(st);
	json_decref(reply);
	if (!ok)
		return false;
	if (*clock_msg && !fixed)
		return err_set(e, ERR_FAIL, "push: %s", clock_msg);
	if (fixed)
		return true;
	if (!progress && !*epoch_changed && !refresh)
		return err_set(e, ERR_FAIL, "push: the hub answered without taking any op");
	return true;
}

/* One pull request; *more while the hub has more; *restart on a new epoch. */
static bool pull_once(struct store *st, const struct sync_transport *t, struct sync_stats *stats,
		      bool *more, bool *restart, struct err *e)
{
	*more = false;
	*restart = false;
	int64_t cursor, op_seq;
	bool refill;
	struct node_info ni;
	if (!store_sync_cursor(st, &cursor, e) || !store_sync_refill(st, &refill, e) ||
	    !store_op_seq(st, &op_seq, e) || !store_node(st, &ni, e))
		return false;
	char path[256], now[HLC_TEXT];
	claim_clock(st, now);
	/* Who this database is: the hub refuses another node's token, and
	 * tells a database that went back in time to take a new incarnation. */
	snprintf(path, sizeof path,
		 "/v1/pull?since=%lld&limit=%d&incarnation=%lld&op_seq=%lld&hlc=%s&own=%d&node=%s",
		 (long long)cursor, PULL_LIMIT, (long long)ni.incarnation, (long long)op_seq, now,
		 refill ? 1 : 0, ni.node_id);
	int status = 0, retry = 0;
	char *resp = NULL;
	if (!t->request(t->ctx, "GET", path, NULL, &status, &resp, &retry, e)) {
		err_prefix(e, "pull");
		return false;
	}
	json_t *reply = resp ? json_loads(resp, 0, NULL) : NULL;
	if (is_error(status, reply, 409, "new_incarnation")) {
		free(resp);
		bool ok = take_incarnation(st, reply, stats, e);
		json_decref(reply);
		if (!ok)
			err_prefix(e, "pull");
		*restart = ok;
		return ok;
	}
	if (status == 409 && str_eq(json_string_value(json_object_get(reply, "error")),
				    "cursor_ahead")) {
		/* The hub's log is shorter than what this node read: restored. */
		bool ok = store_begin(st, e);
		if (ok) {
			ok = store_outbox_requeue(st, e) &&
			     store_sync_restart(st,
						json_string_value(json_object_get(reply, "hub_epoch")), e);
			if (ok)
				ok = store_commit(st, e);
			else
				store_rollback(st);
		}
		free(resp);
		json_decref(reply);
		*restart = ok;
		return ok;
	}
	if (status != 200) {
		stats->retry_after = retry;
		stats->status = status;
		http_error("pull", status, resp, e);
		free(resp);
		json_decref(reply);
		return false;
	}
	free(resp);
	json_t *ops = json_object_get(reply, "ops");
	json_t *next = json_object_get(reply, "next_cursor");
	if (!json_is_array(ops) || !json_is_integer(next)) {
		json_decref(reply);
		return err_set(e, ERR_FAIL, "pull: the hub's answer has no ops or next_cursor");
	}
	/* Another node's token: nothing of its scope is taken, no cursor moves. */
	const char *whose = json_string_value(json_object_get(reply, "node"));
	if (whose && !str_eq(whose, ni.node_id)) {
		err_set(e, ERR_FAIL, "pull: the token belongs to node %s, not to this node %s; "
			"nothing was taken (check --token-file)", whose, ni.node_id);
		json_decref(reply);
		return false;
	}
	/* The hub's divisions first: its ops may name a township new here. */
	if (!sync_divisions_follow(st, t, reply, e)) {
		json_decref(reply);
		err_prefix(e, "pull");
		return false;
	}
	/* The hub checked every reference; this node holds only its scope, so
	 * a reference may point outside it: foreign keys are not enforced here. */
	if (!store_applying(st, true, e) || !store_begin(st, e)) {
		json_decref(reply);
		return false;
	}
	bool changed = false;
	bool ok = follow_epoch(st, json_string_value(json_object_get(reply, "hub_epoch")), &changed,
			       e);
	/* A county node of one area: its digest is of that area, as the hub's. */
	const char *area = json_string_value(json_object_get(reply, "area"));
	if (ok && area)
		ok = store_sync_set_area(st, area, e);
	if (ok && changed) {
		/* Read again from 0 after re-pushing; this page is dropped. */
		ok = store_commit(st, e);
		if (!ok)
			store_rollback(st);
		store_applying(st, false, NULL);
		json_decref(reply);
		*restart = ok;
		return ok;
	}
	size_t i;
	json_t *op;
	json_array_foreach(ok ? ops : NULL, i, op) {
		enum op_status s;
		char msg[512];
		if (refill) {
			/* Its own op this database still holds: nothing to bring back. */
			bool mine = false;
			const char *oid = json_string_value(json_object_get(op, "op_id"));
			if (oid && !(ok = store_outbox_has(st, oid, &mine, e)))
				break;
			if (mine)
				continue;
		}
		if (!(ok = apply_op(st, op, 0, &s, msg, sizeof msg, e)))
			break;
		if (s == OP_INVALID && !(ok = inbox_keep(st, op, msg, e)))
			break;
		stats->received++;
		if (s == OP_APPLIED || s == OP_CONFLICT_RECORDED || s == OP_PENDING)
			stats->pulled++;
		if (s == OP_CONFLICT_RECORDED)
			stats->conflicts++;
	}
	const char *hh = json_string_value(json_object_get(reply, "hub_hlc"));
	if (ok && hh)
		ok = clock_merge(st, hh, e);
	if (ok && json_integer_value(next) > cursor)
		ok = store_sync_set_cursor(st, (int64_t)json_integer_value(next), e);
	/* Read through: what was lost is back. */
	if (ok && refill && !json_is_true(json_object_get(reply, "has_more")))
		ok = store_sync_set_refill(st, false, e);
	if (ok)
		ok = store_commit(st, e);
	else
		store_rollback(st);
	store_applying(st, false, NULL);
	*more = ok && json_is_true(json_object_get(reply, "has_more"));
	json_decref(reply);
	return ok;
}

static bool push_all(struct store *st, const struct sync_transport *t, struct sync_stats *s,
		     int *rounds, bool *epoch_changed, bool *restamped, struct err *e)
{
	bool done = false;
	*epoch_changed = false;
	while (!done) {
		bool changed;
		if (++*rounds > MAX_ROUNDS)
			return err_set(e, ERR_FAIL, "sync: too many requests in one run");
		if (!push_once(st, t, s, &done, &changed, restamped, e))
			return false;
		*epoch_changed |= changed;
	}
	return true;
}

static bool run(struct store *st, const struct sync_transport *t, struct sync_stats *s,
		struct err *e)
{
	int rounds = 0;
	bool restamped = false;
	for (int pass = 0; pass < 4; pass++) {
		bool changed;
		if (!push_all(st, t, s, &rounds, &changed, &restamped, e))
			return false;
		bool more = true, restart = false;
		while (more && !restart) {
			if (++rounds > MAX_ROUNDS)
				return err_set(e, ERR_FAIL, "sync: too many requests in one run");
			if (!pull_once(st, t, s, &more, &restart, e))
				return false;
		}
		int64_t pending;
		if (!store_outbox_count(st, "pending", &pending, e))
			return false;
		if (!restart && !changed && pending == 0)
			return true;
		/* New local writes during the pull, or a new epoch: another pass. */
	}
	return true;
}

bool sync_run(struct store *st, const struct sync_transport *t, struct sync_stats *out,
	      struct err *e)
{
	struct sync_stats s = {0};
	store_sync_note_attempt(st, dd_now());
	bool ok = run(st, t, &s, e);
	if (ok)
		store_sync_note_success(st, dd_now());
	else
		record_error(st, e->msg);
	store_outbox_count(st, "pending", &s.pending, NULL);
	if (out)
		*out = s;
	return ok;
}

json_t *sync_check(struct store *st, const struct sync_transport *t, struct err *e)
{
	struct node_info ni;
	if (!store_node(st, &ni, e))
		return NULL;
	int status = 0, retry = 0;
	char *resp = NULL;
	if (!t->request(t->ctx, "GET", "/v1/digest", NULL, &status, &resp, &retry, e)) {
		err_prefix(e, "check");
		return NULL;
	}
	if (status != 200) {
		http_error("check", status, resp, e);
		free(resp);
		return NULL;
	}
	json_t *reply = json_loads(resp, 0, NULL);
	free(resp);
	json_t *hd = json_object_get(reply, "digest"), *hc = json_object_get(reply, "counts");
	if (!json_is_object(hd)) {
		json_decref(reply);
		err_set(e, ERR_FAIL, "check: the hub's answer has no digest");
		return NULL;
	}
	/* A node holds its scope and nothing else: its whole digest is it. */
	json_t *counts = NULL;
	json_t *nd = sync_digest_counted(st, NULL, &counts, e);
	json_t *state = nd ? store_sync_status(st, e) : NULL;
	bool refill = false;
	if (!state || !store_sync_refill(st, &refill, e)) {
		json_decref(nd);
		json_decref(counts);
		json_decref(state);
		json_decref(reply);
		return NULL;
	}
	json_t *tables = json_array();
	const char *k;
	json_t *v;
	json_object_foreach(nd, k, v) {
		json_t *hv = json_object_get(hd, k);
		json_int_t mine = json_integer_value(json_object_get(counts, k));
		json_int_t theirs = json_integer_value(json_object_get(hc, k));
		if (!mine && !theirs && hv)
			continue;
		json_array_append_new(tables, json_pack("{s:s, s:b, s:I, s:I}", "table", k, "same",
							hv && json_equal(v, hv), "rows", mine,
							"hub_rows", theirs));
	}
	json_t *out = json_pack("{s:s, s:s?, s:O, s:O, s:O, s:O, s:O, s:O, s:b, s:o}", "node",
				ni.node_id, "hub_node",
				json_string_value(json_object_get(reply, "node")), "pending",
				json_object_get(state, "pending"), "parked",
				json_object_get(state, "parked"), "waiting",
				json_object_get(state, "waiting"), "refused",
				json_object_get(state, "refused"), "cursor",
				json_object_get(state, "cursor"), "hub_cursor",
				json_object_get(reply, "next_cursor"), "refill", refill, "tables",
				tables);
	json_decref(nd);
	json_decref(counts);
	json_decref(state);
	json_decref(reply);
	if (!out)
		err_set(e, ERR_FAIL, "check: the hub's answer has no next_cursor");
	return out;
}

json_t *sync_status(struct store *st, struct err *e)
{
	return store_sync_status(st, e);
}

json_t *sync_conflicts(struct store *st, bool all, struct err *e)
{
	return store_conflicts(st, all, e);
}

bool sync_conflict_resolve(struct store *st, int64_t id, bool take_lost, struct err *e)
{
	if (!store_begin(st, e))
		return false;
	json_t *c = store_conflict_get(st, id, e);
	bool ok = c != NULL;
	if (ok && json_is_null(c))
		ok = err_set(e, ERR_FAIL, "no conflict %lld", (long long)id);
	if (ok && take_lost) {
		const struct table *t = table_by_name(json_string_value(json_object_get(c, "tbl")));
		json_t *lost = json_loads(json_string_value(json_object_get(c, "lost")),
					  JSON_DECODE_ANY, NULL);
		if (!t || !lost) {
			ok = err_set(e, ERR_FAIL, "conflict %lld: cannot read its lost value",
				     (long long)id);
		} else {
			json_t *f = json_object();
			json_object_set(f, json_string_value(json_object_get(c, "field")), lost);
			ok = rec_update(st, t, json_string_value(json_object_get(c, "row_id")), f, NULL,
					e);
			json_decref(f);
		}
		json_decref(lost);
	}
	if (ok)
		ok = store_conflict_reviewed(st, id, e);
	json_decref(c);
	if (ok)
		ok = store_commit(st, e);
	else
		store_rollback(st);
	return ok;
}
