/* dutydesk stock list|receive|issue|transfer|adjust|writeoff|return|card|alerts:
 * stock on hand is always the sum of the movements these make. */
#include <stdio.h>

#include "dutydesk/i18n.h"
#include "cmd_impl.h"
#include "dutydesk/dtime.h"

static const struct out_col list_cols[] = {
	{"depot_code", N_("depot")}, {"depot", N_("name"), .max = 16}, {"item_code", N_("item")},
	{"item", N_("name"), .max = 14}, {"qty", N_("on hand"), .right = true}, {"unit"},
	{"min_stock", N_("min"), .right = true}, {"next_expiry", N_("expiry")},
};

/* Resolves an option naming a depot/item/incident by code to its id. */
static bool ref(struct cmd_ctx *c, const char *opt, const char *table, char id[ID_TEXT])
{
	if (!cmd_opt(c, opt))
		return err_set(&c->err, ERR_USAGE, _("--%s is required"), opt);
	if (!q_ref(c->st, table, cmd_opt(c, opt), id, &c->err)) {
		err_prefix(&c->err, "--%s", opt);
		return false;
	}
	return true;
}

/* --qty: from min (1, or negative for a correction), never 0. */
static bool qty_opt(struct cmd_ctx *c, long long min, int64_t *out)
{
	long long v;
	if (!cmd_opt(c, "qty"))
		return err_set(&c->err, ERR_USAGE, _("--qty is required"));
	if (!str_to_ll(cmd_opt(c, "qty"), min, 1000000000, &v) || v == 0)
		return err_set(&c->err, ERR_USAGE, _("--qty: '%s': expected a whole number%s"),
			       cmd_opt(c, "qty"), min > 0 ? _(" above 0") : _(" (negative takes away)"));
	*out = v;
	return true;
}

static bool exec_list(struct cmd_ctx *c)
{
	char depot[ID_TEXT], item[ID_TEXT];
	if ((cmd_opt(c, "depot") && !ref(c, "depot", "depot", depot)) ||
	    (cmd_opt(c, "item") && !ref(c, "item", "item", item)))
		return false;
	json_t *rows = q_stock_list(c->st, cmd_opt(c, "depot") ? depot : NULL,
				    cmd_opt(c, "item") ? item : NULL, &c->err);
	return out_rows(c, rows, list_cols, ARRAY_LEN(list_cols));
}

static bool exec_receive(struct cmd_ctx *c)
{
	char depot[ID_TEXT], item[ID_TEXT], expiry[11];
	int64_t n;
	if (!ref(c, "depot", "depot", depot) || !ref(c, "item", "item", item) || !qty_opt(c, 1, &n))
		return false;
	if (cmd_opt(c, "expiry") && !dd_date_parse(cmd_opt(c, "expiry"), expiry, &c->err)) {
		err_prefix(&c->err, _("--expiry"));
		return false;
	}
	return stock_receive(c->st, depot, item, n, cmd_opt(c, "batch"),
			     cmd_opt(c, "expiry") ? expiry : NULL, cmd_opt(c, "reason"), &c->err);
}

static bool exec_issue(struct cmd_ctx *c)
{
	char depot[ID_TEXT], item[ID_TEXT], inc[ID_TEXT];
	int64_t n;
	if (!ref(c, "depot", "depot", depot) || !ref(c, "item", "item", item) || !qty_opt(c, 1, &n) ||
	    (cmd_opt(c, "incident") && !ref(c, "incident", "incident", inc)))
		return false;
	return stock_issue(c->st, depot, item, n, cmd_opt(c, "incident") ? inc : NULL,
			   cmd_opt(c, "to"), cmd_opt(c, "reason"), &c->err);
}

static bool exec_transfer(struct cmd_ctx *c)
{
	char from[ID_TEXT], to[ID_TEXT], item[ID_TEXT];
	int64_t n;
	return ref(c, "from", "depot", from) && ref(c, "to", "depot", to) &&
	       ref(c, "item", "item", item) && qty_opt(c, 1, &n) &&
	       stock_transfer(c->st, from, to, item, n, cmd_opt(c, "reason"), &c->err);
}

/* Every verb that moves stock needs these options, asked for before the
 * write lock is taken. */
static bool need(struct cmd_ctx *c, const char *const *names)
{
	for (; *names; names++)
		if (!cmd_opt(c, *names))
			return err_set(&c->err, ERR_USAGE, _("--%s is required"), *names);
	return true;
}

/* receive and issue: a depot, an item and a quantity */
static bool check_move(struct cmd_ctx *c)
{
	static const char *const names[] = {"depot", "item", "qty", NULL};
	return need(c, names);
}

static bool check_transfer(struct cmd_ctx *c)
{
	static const char *const names[] = {"from", "to", "item", "qty", NULL};
	return need(c, names);
}

/* ---- the ledger: corrections, write-offs, returns, an item's card ---- */

static bool exec_adjust(struct cmd_ctx *c)
{
	char depot[ID_TEXT], item[ID_TEXT];
	int64_t n;
	return ref(c, "depot", "depot", depot) && ref(c, "item", "item", item) &&
	       qty_opt(c, -1000000000, &n) &&
	       stock_adjust(c->st, depot, item, n, cmd_opt(c, "reason"), &c->err);
}

static bool exec_writeoff(struct cmd_ctx *c)
{
	char depot[ID_TEXT], item[ID_TEXT];
	int64_t n = 0, written;
	if (!ref(c, "depot", "depot", depot) || !ref(c, "item", "item", item) ||
	    (cmd_opt(c, "qty") && !qty_opt(c, 1, &n)))
		return false;
	if (!stock_writeoff(c->st, depot, item, n, cmd_opt(c, "reason"), &written, &c->err))
		return false;
	if (!c->json)
		fprintf(c->out, _("%lld written off\n"), (long long)written);
	return true;
}

static bool exec_return(struct cmd_ctx *c)
{
	char depot[ID_TEXT], item[ID_TEXT], inc[ID_TEXT];
	int64_t n;
	return ref(c, "depot", "depot", depot) && ref(c, "item", "item", item) &&
	       qty_opt(c, 1, &n) && (!cmd_opt(c, "incident") || ref(c, "incident", "incident", inc)) &&
	       stock_return(c->st, depot, item, n, cmd_opt(c, "incident") ? inc : NULL,
			    cmd_opt(c, "reason"), &c->err);
}

static bool exec_card(struct cmd_ctx *c)
{
	char depot[ID_TEXT], item[ID_TEXT];
	long long limit = 0;
	if (!ref(c, "depot", "depot", depot) || !ref(c, "item", "item", item))
		return false;
	if (!cmd_limit(c, &limit))
		return false;
	static const struct out_col cols[] = {
		{"created_at", N_("time"), .max = 16}, {"kind", N_("movement")},
		{"qty_in", N_("in"), .right = true}, {"qty_out", N_("out"), .right = true},
		{"balance", .right = true}, {"batch"}, {"expiry"}, {"incident"},
		{"reason", .max = 20},
	};
	return out_list(c, q_stock_card(c->st, depot, item, limit, &c->err), cols, ARRAY_LEN(cols));
}

static bool exec_alerts(struct cmd_ctx *c)
{
	long long days = 30;
	if (!cmd_number(c, "days", 0, 3650, _("a whole number of days (0-3650)"), &days))
		return false;
	static const struct out_col cols[] = {
		{"alert"}, {"depot_code", N_("depot")}, {"item_code", N_("item")},
		{"item", N_("name"), .max = 12}, {"qty", .right = true},
		{"min_stock", N_("min"), .right = true}, {"expiry"},
	};
	return out_list(c, q_stock_alerts(c->st, (int)days, 0, &c->err), cols, ARRAY_LEN(cols));
}

static const struct cmd_opt list_opts[] = {
	{"depot", "CODE", NULL, N_("only this depot"), CV_DEPOT},
	{"item", "CODE", NULL, N_("only this item"), CV_ITEM},
	{0}};

static const struct cmd_opt receive_opts[] = {
	{"depot", "CODE", NULL, N_("receiving depot (required)"), CV_DEPOT},
	{"item", "CODE", NULL, N_("item code (required)"), CV_ITEM},
	{"qty", "N", NULL, N_("quantity, in the item's unit (required)")},
	{"batch", "TEXT", NULL, "batch"},
	{"expiry", "DATE", NULL, N_("expiry date YYYY-MM-DD")},
	{"reason", "TEXT", NULL, N_("where it came from")},
	{0}};

static const struct cmd_opt issue_opts[] = {
	{"depot", "CODE", NULL, N_("issuing depot (required)"), CV_DEPOT},
	{"item", "CODE", NULL, N_("item code (required)"), CV_ITEM},
	{"qty", "N", NULL, N_("quantity (required); first-expiring lots go first")},
	{"incident", "N", NULL, N_("the incident it goes to"), CV_INCIDENT},
	{"to", "TEXT", NULL, N_("recipient: a township, team or person")},
	{"reason", "TEXT", NULL, N_("why")},
	{0}};

static const struct cmd_opt transfer_opts[] = {
	{"from", "CODE", NULL, N_("depot giving (required)"), CV_DEPOT},
	{"to", "CODE", NULL, N_("depot receiving (required)"), CV_DEPOT},
	{"item", "CODE", NULL, N_("item code (required)"), CV_ITEM},
	{"qty", "N", NULL, N_("quantity (required)")},
	{"reason", "TEXT", NULL, N_("why")},
	{0}};

/* The depot and item a correction, a write-off or a card is of. */
#define DEPOT_ITEM \
	{"depot", "CODE", NULL, N_("depot (required)"), CV_DEPOT}, \
	{"item", "CODE", NULL, N_("item (required)"), CV_ITEM},

static const struct cmd_opt adjust_opts[] = {
	DEPOT_ITEM
	{"qty", "N", NULL, N_("change, negative to take away (required)")},
	{"reason", "TEXT", NULL, N_("why (required), e.g. 盘点")},
	{0}};
static const struct cmd_opt writeoff_opts[] = {
	DEPOT_ITEM
	{"qty", "N", NULL, N_("how many (default: every expired one)")},
	{"reason", "TEXT", NULL, N_("why (default: expired)")},
	{0}};
static const struct cmd_opt return_opts[] = {
	{"depot", "CODE", NULL, N_("depot it comes back to (required)"), CV_DEPOT},
	{"item", "CODE", NULL, N_("item (required)"), CV_ITEM}, {"qty", "N", NULL, N_("quantity (required)")},
	{"incident", "N", NULL, N_("the incident it was sent to"), CV_INCIDENT},
	{"reason", "TEXT", NULL, N_("remark")},
	{0}};
static const struct cmd_opt card_opts[] = {
	DEPOT_ITEM
	{"limit", "N", NULL, N_("only the last N movements")},
	{0}};
static const struct cmd_opt alerts_opts[] = {
	{"days", "N", NULL, N_("expiring within N days (default 30)")}, {0}};

const struct cmd cmd_stock_list = {
	.group = "stock", .verb = "list", .summary = N_("stock on hand per depot and item"),
	.opts = list_opts, .exec = exec_list,
};

const struct cmd cmd_stock_receive = {
	.group = "stock", .verb = "receive", .summary = N_("receive stock into a depot"),
	.opts = receive_opts, .flags = CMD_WRITES, .check = check_move, .exec = exec_receive,
};

const struct cmd cmd_stock_issue = {
	.group = "stock", .verb = "issue", .summary = N_("issue stock from a depot"),
	.opts = issue_opts, .flags = CMD_WRITES, .check = check_move, .exec = exec_issue,
};

const struct cmd cmd_stock_transfer = {
	.group = "stock", .verb = "transfer",
	.summary = N_("move stock between depots (both legs at once)"),
	.opts = transfer_opts, .flags = CMD_WRITES, .check = check_transfer, .exec = exec_transfer,
};

const struct cmd cmd_stock_adjust = {
	.group = "stock", .verb = "adjust", .summary = N_("stocktaking correction, with a reason"),
	.opts = adjust_opts, .flags = CMD_WRITES, .exec = exec_adjust,
};

const struct cmd cmd_stock_writeoff = {
	.group = "stock", .verb = "writeoff", .summary = N_("write off expired stock"),
	.opts = writeoff_opts, .flags = CMD_WRITES, .exec = exec_writeoff,
};

const struct cmd cmd_stock_return = {
	.group = "stock", .verb = "return", .summary = N_("unused items coming back"),
	.opts = return_opts, .flags = CMD_WRITES, .exec = exec_return,
};

const struct cmd cmd_stock_card = {
	.group = "stock", .verb = "card",
	.summary = N_("an item's movements in a depot with the balance"),
	.opts = card_opts, .exec = exec_card,
};

const struct cmd cmd_stock_alerts = {
	.group = "stock", .verb = "alerts", .summary = N_("expired, expiring and below-minimum stock"),
	.opts = alerts_opts, .exec = exec_alerts,
};
