/* dutydesk stock list|receive|issue|transfer */
#include <stdio.h>

#include "cli.h"
#include "dutydesk/dtime.h"

static const struct out_col list_cols[] = {
	{"depot_code", "depot", false, 0}, {"depot", "name", false, 16},
	{"item_code", "item", false, 0},   {"item", "name", false, 14},
	{"qty", "on hand", true, 0},       {"unit", "unit", false, 0},
	{"min_stock", "min", true, 0},     {"next_expiry", "expiry", false, 0}};

/* Resolves an option naming a depot/item/incident by code to its id. */
static bool ref(struct cli *c, const char *opt, const char *table, char id[ID_TEXT])
{
	if (!q_ref(c->st, table, cli_opt(c, opt), id, &c->err)) {
		err_prefix(&c->err, "--%s", opt);
		return false;
	}
	return true;
}

static bool qty(struct cli *c, int64_t *out)
{
	long long v;
	if (!str_to_ll(cli_opt(c, "qty"), 1, 1000000000, &v))
		return err_set(&c->err, ERR_USAGE, "--qty: '%s': expected a whole number above 0",
			       cli_opt(c, "qty"));
	*out = v;
	return true;
}

static int run_list(struct cli *c)
{
	char depot[ID_TEXT], item[ID_TEXT];
	if ((cli_opt(c, "depot") && !ref(c, "depot", "depot", depot)) ||
	    (cli_opt(c, "item") && !ref(c, "item", "item", item)))
		return cli_fail(c);
	json_t *rows = q_stock_list(c->st, cli_opt(c, "depot") ? depot : NULL,
				    cli_opt(c, "item") ? item : NULL, &c->err);
	if (!rows)
		return cli_fail(c);
	out_table(c, rows, list_cols, ARRAY_LEN(list_cols));
	json_decref(rows);
	return 0;
}

static bool do_receive(struct cli *c)
{
	char depot[ID_TEXT], item[ID_TEXT], expiry[11];
	int64_t n;
	if (!ref(c, "depot", "depot", depot) || !ref(c, "item", "item", item) || !qty(c, &n))
		return false;
	if (cli_opt(c, "expiry") && !dd_date_parse(cli_opt(c, "expiry"), expiry, &c->err)) {
		err_prefix(&c->err, "--expiry");
		return false;
	}
	return stock_receive(c->st, depot, item, n, cli_opt(c, "batch"),
			     cli_opt(c, "expiry") ? expiry : NULL, cli_opt(c, "reason"), &c->err);
}

static bool do_issue(struct cli *c)
{
	char depot[ID_TEXT], item[ID_TEXT], inc[ID_TEXT];
	int64_t n;
	if (!ref(c, "depot", "depot", depot) || !ref(c, "item", "item", item) || !qty(c, &n) ||
	    (cli_opt(c, "incident") && !ref(c, "incident", "incident", inc)))
		return false;
	return stock_issue(c->st, depot, item, n, cli_opt(c, "incident") ? inc : NULL,
			   cli_opt(c, "to"), cli_opt(c, "reason"), &c->err);
}

static bool do_transfer(struct cli *c)
{
	char from[ID_TEXT], to[ID_TEXT], item[ID_TEXT];
	int64_t n;
	return ref(c, "from", "depot", from) && ref(c, "to", "depot", to) &&
	       ref(c, "item", "item", item) && qty(c, &n) &&
	       stock_transfer(c->st, from, to, item, n, cli_opt(c, "reason"), &c->err);
}

/* Every verb that moves stock needs these options. */
static int run_move(struct cli *c, const char *const *need, bool (*fn)(struct cli *c))
{
	for (; *need; need++)
		if (!cli_opt(c, *need)) {
			err_set(&c->err, ERR_USAGE, "--%s is required", *need);
			return cli_fail(c);
		}
	return cli_tx(c, fn);
}

static int run_receive(struct cli *c)
{
	static const char *const need[] = {"depot", "item", "qty", NULL};
	return run_move(c, need, do_receive);
}

static int run_issue(struct cli *c)
{
	static const char *const need[] = {"depot", "item", "qty", NULL};
	return run_move(c, need, do_issue);
}

static int run_transfer(struct cli *c)
{
	static const char *const need[] = {"from", "to", "item", "qty", NULL};
	return run_move(c, need, do_transfer);
}

static const struct cli_opt list_opts[] = {
	{"depot", "CODE", NULL, "only this depot"},
	{"item", "CODE", NULL, "only this item"},
	{NULL, NULL, NULL, NULL}};

static const struct cli_opt receive_opts[] = {
	{"depot", "CODE", NULL, "receiving depot (required)"},
	{"item", "CODE", NULL, "item code (required)"},
	{"qty", "N", NULL, "quantity, in the item's unit (required)"},
	{"batch", "TEXT", NULL, "batch"},
	{"expiry", "DATE", NULL, "expiry date YYYY-MM-DD"},
	{"reason", "TEXT", NULL, "where it came from"},
	{NULL, NULL, NULL, NULL}};

static const struct cli_opt issue_opts[] = {
	{"depot", "CODE", NULL, "issuing depot (required)"},
	{"item", "CODE", NULL, "item code (required)"},
	{"qty", "N", NULL, "quantity (required); first-expiring lots go first"},
	{"incident", "N", NULL, "the incident it goes to"},
	{"to", "TEXT", NULL, "recipient: a township, team or person"},
	{"reason", "TEXT", NULL, "why"},
	{NULL, NULL, NULL, NULL}};

static const struct cli_opt transfer_opts[] = {
	{"from", "CODE", NULL, "depot giving (required)"},
	{"to", "CODE", NULL, "depot receiving (required)"},
	{"item", "CODE", NULL, "item code (required)"},
	{"qty", "N", NULL, "quantity (required)"},
	{"reason", "TEXT", NULL, "why"},
	{NULL, NULL, NULL, NULL}};

const struct cli_cmd cmds_stock[] = {
	{"stock", "list", NULL, 0, 0, "stock on hand per depot and item", NULL, list_opts, 0,
	 run_list},
	{"stock", "receive", NULL, 0, 0, "receive stock into a depot", NULL, receive_opts, 0,
	 run_receive},
	{"stock", "issue", NULL, 0, 0, "issue stock from a depot", NULL, issue_opts, 0, run_issue},
	{"stock", "transfer", NULL, 0, 0, "move stock between depots (both legs at once)", NULL,
	 transfer_opts, 0, run_transfer},
	{NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, 0, NULL}};
