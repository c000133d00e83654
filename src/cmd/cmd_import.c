/* dutydesk import|export: depots, items, teams, experts, contacts and stock
 * receipts as CSV, checked row by row on the way in. */
#include <stdio.h>

#include "dutydesk/i18n.h"
#include "cmd_impl.h"

static const struct {
	const char *kind;
	const struct table *t;
	const char *fixed_kind; /* hazard kinds */
	const char *const *cols; /* export columns (input names), NULL-terminated */
} kinds[] = {
	{"depots", &T_DEPOT, NULL,
	 (const char *const[]){"code", "name", "level", "township", "address", "keeper", "phone",
			       "notes", NULL}},
	{"items", &T_ITEM, NULL,
	 (const char *const[]){"code", "name", "category", "national_code", "unit", "min_stock",
			       "shelf_life_days", NULL}},
	{"teams", &T_TEAM, NULL,
	 (const char *const[]){"code", "name", "type", "size", "leader", "phone", "township", "base",
			       "equipment", "available", NULL}},
	{"experts", &T_EXPERT, NULL,
	 (const char *const[]){"code", "name", "field", "org", "phone", "township", NULL}},
	{"contacts", &T_CONTACT, NULL,
	 (const char *const[]){"name", "org", "post", "phone", "township", "group", "mobile",
			       "phones", NULL}},
	{"stock", &T_STOCK_MOVEMENT, "receive", NULL},
};

static int kind_index(struct cmd_ctx *c, const char *k)
{
	for (size_t i = 0; i < ARRAY_LEN(kinds); i++)
		if (str_eq(kinds[i].kind, k))
			return (int)i;
	err_set(&c->err, ERR_USAGE,
		_("'%s': expected depots, items, teams, experts, contacts or stock (receipts)"), k);
	return -1;
}

static bool check_kind(struct cmd_ctx *c)
{
	return kind_index(c, c->args[0]) >= 0;
}

/* The whole file in one transaction: every row good, or nothing kept;
 * a dry run checks everything the same way and the runner rolls it back. */
static bool exec_import(struct cmd_ctx *c)
{
	int k = kind_index(c, c->args[0]);
	struct import_result r = {0};
	json_t *fixed = kinds[k].fixed_kind
				? json_pack("{s:s, s:s}", "kind", kinds[k].fixed_kind, "reason", "imported")
				: NULL;
	struct import_opts o = {.encoding = cmd_opt(c, "encoding"), .sheet = cmd_opt(c, "sheet"),
				.blank_clears = cmd_opt(c, "blank-clears") != NULL};
	bool ok = import_file(c->st, kinds[k].t, c->args[1], fixed, &o, &r, &c->err);
	json_decref(fixed);
	return out_import(c, ok, &r, false);
}

static bool exec_export(struct cmd_ctx *c)
{
	int k = kind_index(c, c->args[0]);
	if (k < 0)
		return false;
	json_t *rows;
	const struct table *t = kinds[k].t;
	if (t == &T_DEPOT)
		rows = q_depots(c->st, &c->err);
	else if (t == &T_ITEM)
		rows = q_items(c->st, NULL, &c->err);
	else if (t == &T_TEAM)
		rows = q_teams(c->st, NULL, NULL, false, &c->err);
	else if (t == &T_EXPERT)
		rows = q_experts(c->st, NULL, NULL, &c->err);
	else if (t == &T_CONTACT)
		rows = q_contact_book(c->st, &c->err);
	else /* stock: what is on hand, per lot, in the import's own columns */
		rows = q_lots_on_hand(c->st, &c->err);
	if (!rows)
		return false;
	static const char *const stock_cols[] = {"depot", "item", "qty", "batch", "expiry", NULL};
	return out_export(c, rows, kinds[k].cols ? kinds[k].cols : stock_cols, NULL);
}

#define KINDS "depots items teams experts contacts stock"

static const struct cmd_opt import_opts[] = {
	IMPORT_OPTS
	{0}};
static const struct cmd_opt export_opts[] = {
	{"format", "FMT", NULL, N_("csv (default; import reads it back), xlsx or json"), CV_WORDS,
	 "csv xlsx json"},
	{0}};

const struct cmd cmd_import = {
	.group = "import",
	.summary = N_("import depots, items, teams, experts, contacts or stock receipts from CSV, TSV or .xlsx"),
	.args = "KIND FILE", .nargs_min = 2, .nargs_max = 2, .argv = {CV_WORDS}, .words = KINDS,
	.opts = import_opts, .flags = CMD_WRITES | CMD_DRYRUN, .check = check_kind,
	.exec = exec_import,
};

const struct cmd cmd_export = {
	.group = "export",
	.summary = N_("export depots, items, teams, experts, contacts, or stock on hand per lot (as "
		   "receipts for a new database)"),
	.args = "KIND", .nargs_min = 1, .nargs_max = 1, .argv = {CV_WORDS}, .words = KINDS,
	.opts = export_opts, .exec = exec_export,
};
