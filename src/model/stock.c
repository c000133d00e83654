/* The stock ledger. On hand is the sum of movements; the store keeps a
 * per-lot sum up to date in the same transaction, read here to pick lots. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dutydesk/i18n.h"
#include "dutydesk/dtime.h"

#include "dutydesk/model.h"
#include "dutydesk/query.h"
#include "dutydesk/scope.h"

static bool movement(struct store *st, const char *depot_id, const char *item_id, int64_t qty,
		     const char *kind, const char *batch, const char *expiry,
		     const char *incident_id, const char *transfer_id, const char *recipient,
		     const char *reason, struct err *e)
{
	json_t *f = json_pack("{s:s, s:s, s:I, s:s, s:s, s:s}", "depot_id", depot_id, "item_id",
			      item_id, "qty", (json_int_t)qty, "kind", kind, "batch",
			      batch ? batch : "", "expiry", expiry ? expiry : "");
	if (incident_id)
		json_object_set_new(f, "incident_id", json_string(incident_id));
	if (transfer_id)
		json_object_set_new(f, "transfer_id", json_string(transfer_id));
	if (recipient)
		json_object_set_new(f, "recipient", json_string(recipient));
	if (reason)
		json_object_set_new(f, "reason", json_string(reason));
	char id[ID_TEXT] = "";
	bool ok = rec_insert(st, &T_STOCK_MOVEMENT, f, id, e);
	json_decref(f);
	return ok;
}

bool stock_receive(struct store *st, const char *depot_id, const char *item_id, int64_t qty,
		   const char *batch, const char *expiry, const char *reason, struct err *e)
{
	if (qty <= 0)
		return err_set(e, ERR_USAGE, _("qty: %lld: a receipt must be more than 0"), (long long)qty);
	return movement(st, depot_id, item_id, qty, "receive", batch, expiry, NULL, NULL, NULL,
			reason, e);
}

/* Takes qty out of depot lot by lot, first-expiring first; each lot taken
 * is one movement of kind. For a transfer, to_depot receives the same lots. */
static bool take(struct store *st, const char *depot_id, const char *item_id, int64_t qty,
		 const char *kind, const char *incident_id, const char *transfer_id,
		 const char *recipient, const char *reason, const char *to_depot, struct err *e)
{
	if (qty <= 0)
		return err_set(e, ERR_USAGE, _("qty: %lld: must be more than 0"), (long long)qty);
	json_t *lots = q_stock_lots(st, depot_id, item_id, e);
	if (!lots)
		return false;
	int64_t have = 0;
	size_t i;
	json_t *l;
	json_array_foreach(lots, i, l)
		have += json_integer_value(json_object_get(l, "qty"));
	bool ok = true;
	if (have < qty) {
		ok = err_set(e, ERR_FAIL, _("not enough stock: %lld asked, %lld available"),
			     (long long)qty, (long long)have);
		goto out;
	}
	int64_t left = qty;
	json_array_foreach(lots, i, l) {
		if (left == 0)
			break;
		int64_t n = json_integer_value(json_object_get(l, "qty"));
		if (n > left)
			n = left;
		const char *batch = json_string_value(json_object_get(l, "batch"));
		const char *expiry = json_string_value(json_object_get(l, "expiry"));
		ok = movement(st, depot_id, item_id, -n, kind, batch, expiry, incident_id,
			      transfer_id, recipient, reason, e) &&
		     (!to_depot || movement(st, to_depot, item_id, n, "transfer_in", batch, expiry,
					    NULL, transfer_id, NULL, reason, e));
		if (!ok)
			break;
		left -= n;
	}
out:
	json_decref(lots);
	return ok;
}

bool stock_issue(struct store *st, const char *depot_id, const char *item_id, int64_t qty,
		 const char *incident_id, const char *recipient, const char *reason,
		 struct err *e)
{
	return take(st, depot_id, item_id, qty, "issue", incident_id, NULL, recipient, reason, NULL,
		    e);
}

bool stock_transfer(struct store *st, const char *from_id, const char *to_id,
		    const char *item_id, int64_t qty, const char *reason, struct err *e)
{
	if (str_eq(from_id, to_id))
		return err_set(e, ERR_USAGE, _("to: the same depot as from"));
	char tid[ID_TEXT];
	id_new(tid, dd_now_ms());
	return take(st, from_id, item_id, qty, "transfer_out", NULL, tid, NULL, reason, to_id, e);
}

bool stock_adjust(struct store *st, const char *depot_id, const char *item_id, int64_t qty,
		  const char *reason, struct err *e)
{
	if (str_empty(reason))
		return err_set(e, ERR_USAGE, _("reason: an adjustment needs a reason (e.g. 盘点)"));
	if (qty == 0)
		return err_set(e, ERR_USAGE, _("qty: an adjustment of 0 changes nothing"));
	if (qty > 0)
		return movement(st, depot_id, item_id, qty, "adjust", NULL, NULL, NULL, NULL, NULL,
				reason, e);
	return take(st, depot_id, item_id, -qty, "adjust", NULL, NULL, NULL, reason, NULL, e);
}

bool stock_writeoff(struct store *st, const char *depot_id, const char *item_id, int64_t qty,
		    const char *reason, int64_t *written, struct err *e)
{
	char today[11];
	dd_date_local(dd_now(), today, sizeof today);
	json_t *lots = q_stock_lots(st, depot_id, item_id, e);
	if (!lots)
		return false;
	int64_t expired = 0, left = qty > 0 ? qty : INT64_MAX;
	size_t i;
	json_t *l;
	json_array_foreach(lots, i, l) {
		const char *x = json_string_value(json_object_get(l, "expiry"));
		if (x && *x && strcmp(x, today) < 0)
			expired += json_integer_value(json_object_get(l, "qty"));
	}
	bool ok = true;
	if (expired == 0)
		ok = err_set(e, ERR_FAIL, _("nothing has expired here"));
	else if (qty > expired)
		ok = err_set(e, ERR_FAIL, _("only %lld have expired; %lld asked"), (long long)expired,
			     (long long)qty);
	int64_t done = 0;
	json_array_foreach(lots, i, l) {
		const char *x = json_string_value(json_object_get(l, "expiry"));
		if (!ok || left == 0)
			break;
		if (!x || !*x || strcmp(x, today) >= 0)
			continue;
		int64_t n = json_integer_value(json_object_get(l, "qty"));
		if (n > left)
			n = left;
		ok = movement(st, depot_id, item_id, -n, "writeoff",
			      json_string_value(json_object_get(l, "batch")), x, NULL, NULL, NULL,
			      reason ? reason : "expired", e);
		left -= n;
		done += n;
	}
	json_decref(lots);
	if (written)
		*written = done;
	return ok;
}

bool stock_return(struct store *st, const char *depot_id, const char *item_id, int64_t qty,
		  const char *incident_id, const char *reason, struct err *e)
{
	if (qty <= 0)
		return err_set(e, ERR_USAGE, _("qty: %lld: must be more than 0"), (long long)qty);
	return movement(st, depot_id, item_id, qty, "return", NULL, NULL, incident_id, NULL, NULL,
			reason, e);
}

/* The depots of have this node may issue from (a township's node may not
 * issue from a county depot or another township's, see dutydesk/scope.h). */
static json_t *issuable(struct store *st, json_t *have, struct err *e)
{
	json_t *keep = json_array();
	size_t k;
	json_t *h;
	json_array_foreach(have, k, h) {
		char id[ID_TEXT];
		struct err no;
		if (!q_ref(st, "depot", json_string_value(json_object_get(h, "depot_code")), id, e)) {
			json_decref(keep);
			keep = NULL;
			break;
		}
		json_t *f = json_pack("{s:s}", "depot_id", id);
		if (store_write_check(st, &T_STOCK_MOVEMENT, NULL, f, &no))
			json_array_append(keep, h);
		json_decref(f);
	}
	json_decref(have);
	return keep;
}

json_t *dispatch_plan(struct store *st, const char *number, const struct dispatch_line *lines,
		      size_t n, const char *depot_code, struct err *e)
{
	json_t *inc = store_incident_find(st, number, e);
	if (!record_found(inc, "incident", number, e))
		return NULL;
	const char *town = json_string_value(json_object_get(inc, "township_code"));
	json_t *plan = json_array();
	bool ok = true;
	for (size_t i = 0; i < n && ok; i++) {
		/* Depots holding the item, nearest first: same township, the
		 * county depot, then the other townships. */
		json_t *have = store_depots_holding(st, lines[i].item_code, town, depot_code, e);
		if (have && !depot_code)
			have = issuable(st, have, e);
		if (!have) {
			ok = false;
			break;
		}
		int64_t left = lines[i].qty, total = 0;
		size_t k;
		json_t *h;
		json_array_foreach(have, k, h)
			total += json_integer_value(json_object_get(h, "available"));
		if (lines[i].qty <= 0) {
			ok = err_set(e, ERR_USAGE, _("%s: quantity must be more than 0"), lines[i].item_code);
		} else if (total < lines[i].qty) {
			char id[ID_TEXT];
			ok = q_ref(st, "item", lines[i].item_code, id, e) &&
			     err_set(e, ERR_FAIL, _("%s: not enough stock: %lld asked, %lld available%s%s"),
				     lines[i].item_code, (long long)lines[i].qty, (long long)total,
				     depot_code ? " in " : "", depot_code ? depot_code : "");
			if (e)
				e->code = ERR_FAIL;
		}
		json_array_foreach(have, k, h) {
			if (!ok || left == 0)
				break;
			int64_t take_n = json_integer_value(json_object_get(h, "available"));
			if (take_n > left)
				take_n = left;
			json_t *row = json_deep_copy(h);
			json_object_set_new(row, "qty", json_integer(take_n));
			json_array_append_new(plan, row);
			left -= take_n;
		}
		json_decref(have);
	}
	json_decref(inc);
	if (!ok) {
		json_decref(plan);
		return NULL;
	}
	return plan;
}

bool dispatch_commit(struct store *st, const char *number, json_t *plan, const char *note,
		     struct err *e)
{
	char inc[ID_TEXT];
	if (!q_ref(st, "incident", number, inc, e))
		return false;
	struct strbuf text;
	sb_init(&text);
	sb_puts(&text, str_empty(note) ? "调拨物资：" : note);
	if (!str_empty(note))
		sb_puts(&text, "；物资：");
	size_t i;
	json_t *p;
	bool ok = true;
	json_array_foreach(plan, i, p) {
		char depot[ID_TEXT], item[ID_TEXT];
		int64_t qty = json_integer_value(json_object_get(p, "qty"));
		ok = q_ref(st, "depot", json_string_value(json_object_get(p, "depot_code")), depot, e) &&
		     q_ref(st, "item", json_string_value(json_object_get(p, "item_code")), item, e) &&
		     stock_issue(st, depot, item, qty, inc, NULL, "dispatch", e);
		if (!ok)
			break;
		sb_printf(&text, "%s%s %lld%s（%s）", i ? "，" : "",
			  json_string_value(json_object_get(p, "item")), (long long)qty,
			  json_string_value(json_object_get(p, "unit")),
			  json_string_value(json_object_get(p, "depot")));
	}
	ok = ok && incident_log(st, number, "dispatch", text.buf, e);
	sb_finish(&text);
	return ok;
}
