/* The stock ledger. On hand is the sum of movements; the store keeps a
 * per-lot sum up to date in the same transaction, read here to pick lots. */
#include <stdio.h>

#include "dutydesk/dtime.h"

#include "dutydesk/model.h"
#include "dutydesk/query.h"

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
		return err_set(e, ERR_USAGE, "qty: %lld: a receipt must be more than 0", (long long)qty);
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
		return err_set(e, ERR_USAGE, "qty: %lld: must be more than 0", (long long)qty);
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
		ok = err_set(e, ERR_FAIL, "not enough stock: %lld asked, %lld available",
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
		return err_set(e, ERR_USAGE, "to: the same depot as from");
	char tid[ID_TEXT];
	id_new(tid, dd_now_ms());
	return take(st, from_id, item_id, qty, "transfer_out", NULL, tid, NULL, reason, to_id, e);
}
