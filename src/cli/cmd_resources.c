/* dutydesk depot|item|team|expert list, who, stock adjust|writeoff|return|
 * card|alerts, incident dispatch, import, export. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dutydesk/dtime.h"
#include "dutydesk/width.h"

static bool ref(struct cli *c, const char *opt, const char *table, char id[ID_TEXT])
{
	if (!cli_opt(c, opt))
		return err_set(&c->err, ERR_USAGE, "--%s is required", opt);
	if (!q_ref(c->st, table, cli_opt(c, opt), id, &c->err)) {
		err_prefix(&c->err, "--%s", opt);
		return false;
	}
	return true;
}

static bool qty_opt(struct cli *c, long long min, int64_t *out)
{
	long long v;
	if (!cli_opt(c, "qty"))
		return err_set(&c->err, ERR_USAGE, "--qty is required");
	if (!str_to_ll(cli_opt(c, "qty"), min, 1000000000, &v) || v == 0)
		return err_set(&c->err, ERR_USAGE, "--qty: '%s': expected a whole number%s",
			       cli_opt(c, "qty"), min > 0 ? " above 0" : " (negative takes away)");
	*out = v;
	return true;
}

/* ---- lists ---- */

static int list(struct cli *c, json_t *rows, const struct out_col *cols, size_t n)
{
	if (!rows)
		return cli_fail(c);
	q_present(rows);
	out_table(c, rows, cols, n);
	json_decref(rows);
	return 0;
}

static int run_depots(struct cli *c)
{
	static const struct out_col cols[] = {
		{"code", "code", false, 0}, {"name", "name", false, 24}, {"level", "level", false, 0},
		{"township", "township", false, 8}, {"keeper", "keeper", false, 8},
		{"phone", "phone", false, 0}, {"address", "address", false, 30}};
	return list(c, q_depots(c->st, &c->err), cols, ARRAY_LEN(cols));
}

static int run_items(struct cli *c)
{
	const char *cat = NULL;
	if (cli_opt(c, "category")) {
		const struct enum_value *v = enum_find(ENUM_ITEM_CATEGORY, cli_opt(c, "category"));
		if (!v) {
			char buf[400];
			err_set(&c->err, ERR_USAGE, "--category: '%s': expected one of %s",
				cli_opt(c, "category"), enum_ids(ENUM_ITEM_CATEGORY, buf, sizeof buf));
			return cli_fail(c);
		}
		cat = v->id;
	}
	static const struct out_col cols[] = {
		{"code", "code", false, 0}, {"name", "name", false, 16}, {"category", "category", false, 0},
		{"unit", "unit", false, 0}, {"min_stock", "min", true, 0},
		{"shelf_life_days", "shelf life (days)", true, 0}};
	return list(c, q_items(c->st, cat, &c->err), cols, ARRAY_LEN(cols));
}

static bool township_opt(struct cli *c, char code[16], const char **out)
{
	*out = NULL;
	if (!cli_opt(c, "township"))
		return true;
	if (!q_township(c->st, cli_opt(c, "township"), code, &c->err)) {
		err_prefix(&c->err, "--township");
		return false;
	}
	*out = code;
	return true;
}

static const struct out_col team_cols[] = {
	{"code", "code", false, 0},	    {"name", "name", false, 22}, {"type", "type", false, 0},
	{"size", "size", true, 0},	    {"leader", "leader", false, 8},
	{"phone", "phone", false, 0},	    {"township", "township", false, 8},
	{"available", "available", false, 0}};
static const struct out_col expert_cols[] = {
	{"code", "code", false, 0},  {"name", "name", false, 8}, {"field", "field", false, 0},
	{"org", "organisation", false, 20}, {"phone", "phone", false, 0},
	{"township", "township", false, 8}};

static int run_teams(struct cli *c)
{
	char town[16];
	const char *tc, *type = NULL;
	if (!township_opt(c, town, &tc))
		return cli_fail(c);
	if (cli_opt(c, "type")) {
		const struct enum_value *v = enum_find(ENUM_TEAM_TYPE, cli_opt(c, "type"));
		if (!v) {
			char buf[300];
			err_set(&c->err, ERR_USAGE, "--type: '%s': expected one of %s", cli_opt(c, "type"),
				enum_ids(ENUM_TEAM_TYPE, buf, sizeof buf));
			return cli_fail(c);
		}
		type = v->id;
	}
	return list(c, q_teams(c->st, type, tc, cli_opt(c, "available") != NULL, &c->err),
		    team_cols, ARRAY_LEN(team_cols));
}

static int run_experts(struct cli *c)
{
	char town[16];
	const char *tc;
	if (!township_opt(c, town, &tc))
		return cli_fail(c);
	return list(c, q_experts(c->st, cli_opt(c, "field"), tc, &c->err), expert_cols,
		    ARRAY_LEN(expert_cols));
}

/* who can I call for a landslide in 桑壁镇 */
static int run_who(struct cli *c)
{
	char town[16], type[64] = "";
	const char *tc = NULL;
	if (cli_opt(c, "incident")) {
		json_t *r = q_incident_show(c->st, cli_opt(c, "incident"), &c->err);
		if (!r || json_is_null(r)) {
			if (r)
				err_set(&c->err, ERR_FAIL, "incident '%s': no such incident",
					cli_opt(c, "incident"));
			json_decref(r);
			return cli_fail(c);
		}
		snprintf(type, sizeof type, "%s", json_string_value(json_object_get(r, "type")));
		snprintf(town, sizeof town, "%s",
			 json_string_value(json_object_get(r, "township_code")) ?: "");
		tc = town[0] ? town : NULL;
		json_decref(r);
	} else if (cli_opt(c, "type")) {
		if (!q_incident_type(c->st, cli_opt(c, "type"), type, &c->err))
			return err_prefix(&c->err, "--type"), cli_fail(c);
	} else {
		err_set(&c->err, ERR_USAGE, "give --type TYPE or --incident N");
		return cli_fail(c);
	}
	if (cli_opt(c, "township") && !township_opt(c, town, &tc))
		return cli_fail(c);
	json_t *r = responders(c->st, type, tc, &c->err);
	if (!r)
		return cli_fail(c);
	if (c->json) {
		out_json(r);
	} else {
		printf("Teams (%s)\n", json_string_value(json_object_get(r, "team_types")) ?: "all");
		out_table(c, json_object_get(r, "teams"), team_cols, ARRAY_LEN(team_cols));
		printf("\nExperts (%s)\n", json_string_value(json_object_get(r, "expert_fields")) ?: "all");
		out_table(c, json_object_get(r, "experts"), expert_cols, ARRAY_LEN(expert_cols));
	}
	json_decref(r);
	return 0;
}

/* ---- ledger ---- */

static bool do_adjust(struct cli *c)
{
	char depot[ID_TEXT], item[ID_TEXT];
	int64_t n;
	return ref(c, "depot", "depot", depot) && ref(c, "item", "item", item) &&
	       qty_opt(c, -1000000000, &n) &&
	       stock_adjust(c->st, depot, item, n, cli_opt(c, "reason"), &c->err);
}

static int run_adjust(struct cli *c)
{
	return cli_tx(c, do_adjust);
}

static bool do_writeoff(struct cli *c)
{
	char depot[ID_TEXT], item[ID_TEXT];
	int64_t n = 0, written;
	if (!ref(c, "depot", "depot", depot) || !ref(c, "item", "item", item) ||
	    (cli_opt(c, "qty") && !qty_opt(c, 1, &n)))
		return false;
	if (!stock_writeoff(c->st, depot, item, n, cli_opt(c, "reason"), &written, &c->err))
		return false;
	json_object_set_new(c->extra, "written", json_integer(written));
	return true;
}

static int run_writeoff(struct cli *c)
{
	int rc = cli_tx(c, do_writeoff);
	if (rc == 0 && !c->json)
		printf("%lld written off\n", (long long)json_integer_value(json_object_get(c->extra, "written")));
	return rc;
}

static bool do_return(struct cli *c)
{
	char depot[ID_TEXT], item[ID_TEXT], inc[ID_TEXT];
	int64_t n;
	return ref(c, "depot", "depot", depot) && ref(c, "item", "item", item) &&
	       qty_opt(c, 1, &n) && (!cli_opt(c, "incident") || ref(c, "incident", "incident", inc)) &&
	       stock_return(c->st, depot, item, n, cli_opt(c, "incident") ? inc : NULL,
			    cli_opt(c, "reason"), &c->err);
}

static int run_return(struct cli *c)
{
	return cli_tx(c, do_return);
}

static int run_card(struct cli *c)
{
	char depot[ID_TEXT], item[ID_TEXT];
	long long limit = 0;
	if (!ref(c, "depot", "depot", depot) || !ref(c, "item", "item", item))
		return cli_fail(c);
	if (cli_opt(c, "limit") && !str_to_ll(cli_opt(c, "limit"), 1, 1000000000, &limit)) {
		err_set(&c->err, ERR_USAGE, "--limit: '%s': expected a whole number above 0",
			cli_opt(c, "limit"));
		return cli_fail(c);
	}
	json_t *rows = q_stock_card(c->st, depot, item, limit, &c->err);
	if (rows)
		q_present(rows);
	static const struct out_col cols[] = {
		{"created_at", "time", false, 16}, {"kind", "movement", false, 0},
		{"qty_in", "in", true, 0}, {"qty_out", "out", true, 0}, {"balance", "balance", true, 0},
		{"batch", "batch", false, 0}, {"expiry", "expiry", false, 0},
		{"incident", "incident", false, 0}, {"reason", "reason", false, 20}};
	return list(c, rows, cols, ARRAY_LEN(cols));
}

static int run_alerts(struct cli *c)
{
	long long days = 30;
	if (cli_opt(c, "days") && !str_to_ll(cli_opt(c, "days"), 0, 3650, &days)) {
		err_set(&c->err, ERR_USAGE, "--days: '%s': expected a whole number of days (0-3650)",
			cli_opt(c, "days"));
		return cli_fail(c);
	}
	static const struct out_col cols[] = {
		{"alert", "alert", false, 0}, {"depot_code", "depot", false, 0},
		{"item_code", "item", false, 0}, {"item", "name", false, 12},
		{"qty", "qty", true, 0}, {"min_stock", "min", true, 0}, {"expiry", "expiry", false, 0}};
	return list(c, q_stock_alerts(c->st, (int)days, 0, &c->err), cols, ARRAY_LEN(cols));
}

/* ---- dispatch ---- */

/* "WZ-0501:20,WZ-0503:50" */
static bool parse_items(struct cli *c, struct dispatch_line **out, size_t *n)
{
	const char *s = cli_opt(c, "items");
	*out = NULL;
	*n = 0;
	if (str_empty(s))
		return err_set(&c->err, ERR_USAGE, "--items is required, like WZ-0501:20,WZ-0503:50");
	char *copy = xstrdup(s), *save = NULL;
	bool ok = true;
	for (char *tok = strtok_r(copy, ",", &save); tok && ok; tok = strtok_r(NULL, ",", &save)) {
		char *colon = strrchr(tok, ':');
		long long q;
		if (!colon || colon == tok || !str_to_ll(colon + 1, 1, 1000000000, &q)) {
			ok = err_set(&c->err, ERR_USAGE, "--items: '%s': expected CODE:QTY", tok);
			break;
		}
		*colon = '\0';
		*out = xrealloc(*out, (*n + 1) * sizeof **out);
		snprintf((*out)[*n].item_code, sizeof(*out)[*n].item_code, "%s", tok);
		(*out)[*n].qty = q;
		(*n)++;
	}
	free(copy);
	return ok;
}

static json_t *plan;

static bool do_dispatch(struct cli *c)
{
	return dispatch_commit(c->st, c->args[0], plan, cli_opt(c, "note"), &c->err);
}

static int run_dispatch(struct cli *c)
{
	struct dispatch_line *lines;
	size_t n;
	if (!parse_items(c, &lines, &n)) {
		free(lines);
		return cli_fail(c);
	}
	plan = dispatch_plan(c->st, c->args[0], lines, n, cli_opt(c, "depot"), &c->err);
	free(lines);
	if (!plan)
		return cli_fail(c);
	int rc = cli_opt(c, "dry-run") ? 0 : cli_tx(c, do_dispatch);
	if (rc == 0) {
		static const struct out_col cols[] = {
			{"depot_code", "depot", false, 0}, {"depot", "name", false, 20},
			{"item_code", "item", false, 0}, {"item", "name", false, 12},
			{"qty", "qty", true, 0}, {"unit", "unit", false, 0}};
		if (!c->json)
			puts(cli_opt(c, "dry-run") ? "would send (nothing written):" : "sent:");
		out_table(c, plan, cols, ARRAY_LEN(cols));
	}
	json_decref(plan);
	plan = NULL;
	return rc;
}

/* ---- import and export ---- */

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
	 (const char *const[]){"name", "org", "post", "phone", "township", NULL}},
	{"stock", &T_STOCK_MOVEMENT, "receive", NULL},
};

static int kind_index(struct cli *c, const char *k)
{
	for (size_t i = 0; i < ARRAY_LEN(kinds); i++)
		if (str_eq(kinds[i].kind, k))
			return (int)i;
	err_set(&c->err, ERR_USAGE,
		"'%s': expected depots, items, teams, experts, contacts or stock (receipts)", k);
	return -1;
}

/* The whole file in one transaction: every row good, or nothing kept;
 * a dry run checks everything the same way and rolls back. */
static int run_import(struct cli *c)
{
	int k = kind_index(c, c->args[0]);
	if (k < 0)
		return cli_fail(c);
	struct import_result r = {0};
	json_t *fixed = kinds[k].fixed_kind
				? json_pack("{s:s, s:s}", "kind", kinds[k].fixed_kind, "reason", "imported")
				: NULL;
	bool dry = cli_opt(c, "dry-run") != NULL;
	bool ok = store_begin(c->st, &c->err) &&
		  import_file(c->st, kinds[k].t, c->args[1], fixed, NULL, &r, &c->err);
	json_decref(fixed);
	size_t i;
	json_t *m;
	json_array_foreach(r.errors, i, m)
		cli_say("%s\n", json_string_value(m));
	json_decref(r.errors);
	if (!ok || dry) {
		store_rollback(c->st);
		if (!ok)
			return cli_fail(c);
		printf("%d rows good: %d new, %d changed (dry run: nothing written)\n", r.rows,
		       r.inserted, r.updated);
		return 0;
	}
	if (!store_commit(c->st, &c->err))
		return cli_fail(c);
	printf("%d rows imported: %d new, %d changed, %d unchanged\n", r.rows, r.inserted,
	       r.updated, r.rows - r.inserted - r.updated);
	return 0;
}

static int run_export(struct cli *c)
{
	int k = kind_index(c, c->args[0]);
	if (k < 0)
		return cli_fail(c);
	json_t *rows = NULL;
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
		rows = store_rows(c->st, &c->err,
				  "SELECT x.name, x.org, x.post, x.phone, t.name AS township FROM contact x"
				  " LEFT JOIN division t ON t.code = x.township_code WHERE x.archived = 0"
				  " ORDER BY x.rowid", "");
	else {
		/* stock: what is on hand, per lot, in the import's own columns */
		rows = store_rows(c->st, &c->err,
				  "SELECT d.code AS depot, i.code AS item, l.qty, l.batch, l.expiry"
				  " FROM stock_lot l JOIN depot d ON d.id = l.depot_id"
				  " JOIN item i ON i.id = l.item_id WHERE l.qty > 0 ORDER BY 1, 2, 5", "");
	}
	if (!rows)
		return cli_fail(c);
	static const char *const stock_cols[] = {"depot", "item", "qty", "batch", "expiry", NULL};
	return out_export(c, rows, kinds[k].cols ? kinds[k].cols : stock_cols, NULL);
}

static const struct cli_opt item_opts[] = {
	{"category", "CAT", NULL, "only this category (protection, life_rescue, ...)"},
	{NULL, NULL, NULL, NULL}};
static const struct cli_opt team_opts[] = {
	{"type", "TYPE", NULL, "fire_rescue, professional, militia, enterprise, volunteer"},
	{"township", "NAME|CODE", NULL, "this township's teams first"},
	{"available", NULL, NULL, "only teams available now"},
	{NULL, NULL, NULL, NULL}};
static const struct cli_opt expert_opts[] = {
	{"field", "FIELD", NULL, "geology, hydrology, meteorology, fire, medical, ..."},
	{"township", "NAME|CODE", NULL, "this township's experts first"},
	{NULL, NULL, NULL, NULL}};
static const struct cli_opt who_opts[] = {
	{"type", "TYPE", NULL, "incident type (landslide, 滑坡, ...)"},
	{"incident", "N", NULL, "an incident: its type and township"},
	{"township", "NAME|CODE", NULL, "township (nearest first)"},
	{NULL, NULL, NULL, NULL}};
static const struct cli_opt adjust_opts[] = {
	{"depot", "CODE", NULL, "depot (required)"}, {"item", "CODE", NULL, "item (required)"},
	{"qty", "N", NULL, "change, negative to take away (required)"},
	{"reason", "TEXT", NULL, "why (required), e.g. 盘点"},
	{NULL, NULL, NULL, NULL}};
static const struct cli_opt writeoff_opts[] = {
	{"depot", "CODE", NULL, "depot (required)"}, {"item", "CODE", NULL, "item (required)"},
	{"qty", "N", NULL, "how many (default: every expired one)"},
	{"reason", "TEXT", NULL, "why (default: expired)"},
	{NULL, NULL, NULL, NULL}};
static const struct cli_opt return_opts[] = {
	{"depot", "CODE", NULL, "depot it comes back to (required)"},
	{"item", "CODE", NULL, "item (required)"}, {"qty", "N", NULL, "quantity (required)"},
	{"incident", "N", NULL, "the incident it was sent to"},
	{"reason", "TEXT", NULL, "remark"},
	{NULL, NULL, NULL, NULL}};
static const struct cli_opt card_opts[] = {
	{"depot", "CODE", NULL, "depot (required)"}, {"item", "CODE", NULL, "item (required)"},
	{"limit", "N", NULL, "only the last N movements"},
	{NULL, NULL, NULL, NULL}};
static const struct cli_opt alerts_opts[] = {
	{"days", "N", NULL, "expiring within N days (default 30)"}, {NULL, NULL, NULL, NULL}};
static const struct cli_opt dispatch_opts[] = {
	{"items", "CODE:QTY,...", NULL, "what to send (required)"},
	{"depot", "CODE", NULL, "only from this depot (default: nearest first)"},
	{"note", "TEXT", NULL, "timeline text (the items are appended)"},
	{"dry-run", NULL, NULL, "show where it would come from; write nothing"},
	{NULL, NULL, NULL, NULL}};
static const struct cli_opt import_opts[] = {
	{"dry-run", NULL, NULL, "check every row and report; write nothing"},
	{NULL, NULL, NULL, NULL}};
static const struct cli_opt export_opts[] = {
	{"format", "FMT", NULL, "csv (default; import reads it back) or json"},
	{NULL, NULL, NULL, NULL}};

const struct cli_cmd cmds_resources[] = {
	{"depot", "list", NULL, 0, 0, "depots and storage points", NULL, NULL, 0, run_depots},
	{"item", "list", NULL, 0, 0, "the item catalogue", NULL, item_opts, 0, run_items},
	{"team", "list", NULL, 0, 0, "rescue teams", NULL, team_opts, 0, run_teams},
	{"expert", "list", NULL, 0, 0, "experts", NULL, expert_opts, 0, run_experts},
	{"who", NULL, NULL, 0, 0, "who to call: teams and experts for an incident type", NULL,
	 who_opts, 0, run_who},
	{"stock", "adjust", NULL, 0, 0, "stocktaking correction, with a reason", NULL, adjust_opts, 0,
	 run_adjust},
	{"stock", "writeoff", NULL, 0, 0, "write off expired stock", NULL, writeoff_opts, 0,
	 run_writeoff},
	{"stock", "return", NULL, 0, 0, "unused items coming back", NULL, return_opts, 0, run_return},
	{"stock", "card", NULL, 0, 0, "an item's movements in a depot with the balance", NULL,
	 card_opts, 0, run_card},
	{"stock", "alerts", NULL, 0, 0, "expired, expiring and below-minimum stock", NULL,
	 alerts_opts, 0, run_alerts},
	{"incident", "dispatch", "N", 1, 1, "send stock to an incident (nearest depots first)", NULL,
	 dispatch_opts, 0, run_dispatch},
	{"import", NULL, "KIND FILE", 2, 2,
	 "import depots, items, teams, experts, contacts or stock receipts from CSV", NULL,
	 import_opts, 0, run_import},
	{"export", NULL, "KIND", 1, 1,
	 "export depots, items, teams, experts, contacts, or stock on hand per lot (as receipts "
	 "for a new database: importing them again receives them again)",
	 NULL, export_opts, 0, run_export},
	{NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, 0, NULL}};
