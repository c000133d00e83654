/* dutydesk incident add|list|show|note|close */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct out_col list_cols[] = {
	{"number", "number", false, 0},   {"received_at", "received", false, 16},
	{"level", "level", false, 0},     {"status", "status", false, 0},
	{"type_name", "type", false, 10}, {"township", "township", false, 8},
	{"due", "next due", false, 34}, {"title", "title", false, 40}};

static const struct out_col show_cols[] = {
	{"number", "number", false, 0},	      {"title", "title", false, 0},
	{"type_name", "type", false, 0},      {"class", "class", false, 0},
	{"level", "level", false, 0},	      {"status", "status", false, 0},
	{"township", "township", false, 0},   {"village", "village", false, 0},
	{"place", "place", false, 0},	      {"received_at", "received", false, 0},
	{"occurred_at", "occurred", false, 0}, {"channel", "channel", false, 0},
	{"reporter", "reporter", false, 0},   {"reporter_phone", "phone", false, 0},
	{"reporter_unit", "unit", false, 0},  {"deaths", "deaths", true, 0},
	{"injured", "injured", true, 0},      {"missing", "missing", true, 0},
	{"trapped", "trapped", true, 0},      {"evacuated", "evacuated", true, 0},
	{"affected", "affected", true, 0},    {"loss_10k", "loss (10k yuan)", true, 0},
	{"closed_at", "closed", false, 0}};

static const struct out_col timeline_cols[] = {
	{"created_at", "time", false, 16}, {"kind", "entry", false, 0},
	{"author", "by", false, 10},       {"text", "text", false, 60}};

static bool do_add(struct cli *c)
{
	char number[64];
	if (!incident_add(c->st, c->fields, cli_opt(c, "note"), number, &c->err))
		return false;
	json_object_set_new(c->extra, "number", json_string(number));
	json_t *dup = json_object_get(c->fields, "duplicate_of");
	if (dup)
		json_object_set(c->extra, "duplicate_of", dup);
	return true;
}

static int run_add(struct cli *c)
{
	int rc = cli_tx(c, do_add);
	const char *dup = cli_opt(c, "duplicate_of");
	if (rc == 0) {
		if (c->json) {
			json_t *o = json_pack("{s:s, s:s?}", "number", cli_opt(c, "number"),
					      "duplicate_of", dup);
			out_json(o);
			json_decref(o);
		} else {
			puts(cli_opt(c, "number"));
		}
		if (dup)
			cli_say("dutydesk incident add: warning: likely the same call as %s "
					"(same type and township, or the same caller, within 30 minutes)\n",
				dup);
	}
	return rc;
}

static int run_list(struct cli *c)
{
	struct incident_filter f = {.open_only = cli_opt(c, "open") != NULL};
	char town[16];
	long long limit = 0;
	if (cli_opt(c, "township")) {
		if (!q_township(c->st, cli_opt(c, "township"), town, &c->err))
			return err_prefix(&c->err, "--township"), cli_fail(c);
		f.township_code = town;
	}
	if (cli_opt(c, "since")) {
		json_t *v = cli_value(c, &T_INCIDENT, "received_at", "since");
		if (!v)
			return cli_fail(c);
		f.since = json_integer_value(v);
		json_decref(v);
	}
	if (cli_opt(c, "limit") && !str_to_ll(cli_opt(c, "limit"), 1, 1000000000, &limit)) {
		err_set(&c->err, ERR_USAGE, "--limit: '%s': expected a whole number above 0",
			cli_opt(c, "limit"));
		return cli_fail(c);
	}
	f.limit = limit;
	struct deadline_rules rules;
	if (!rules_load(&rules, &c->err))
		return cli_fail(c);
	json_t *rows = incident_list(c->st, &rules, &f, &c->err);
	deadline_rules_finish(&rules);
	if (!rows)
		return cli_fail(c);
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		/* "OVERDUE first_report 11-28 17:30" */
		const char *what = json_string_value(json_object_get(r, "next_due_what"));
		const char *at = json_string_value(json_object_get(r, "next_due"));
		if (what && at) {
			char buf[96];
			snprintf(buf, sizeof buf, "%s%s %.5s %.5s",
				 json_is_true(json_object_get(r, "overdue")) ? "OVERDUE " : "", what, at + 5,
				 at + 11);
			json_object_set_new(r, "due", json_string(buf));
		}
	}
	if (c->json)
		json_array_foreach(rows, i, r)
			json_object_del(r, "due");
	out_table(c, rows, list_cols, ARRAY_LEN(list_cols));
	json_decref(rows);
	return 0;
}

static int run_show(struct cli *c)
{
	json_t *r = q_incident_show(c->st, c->args[0], &c->err);
	if (!r)
		return cli_fail(c);
	if (json_is_null(r)) {
		err_set(&c->err, ERR_FAIL, "incident '%s': no such incident", c->args[0]);
		return cli_fail(c);
	}
	out_record(c, r, show_cols, ARRAY_LEN(show_cols));
	if (!c->json) {
		putchar('\n');
		out_table(c, json_object_get(r, "timeline"), timeline_cols, ARRAY_LEN(timeline_cols));
		static const struct out_col stock_cols[] = {
			{"item_code", "item", false, 0}, {"item", "name", false, 16},
			{"sent", "sent", true, 0}, {"returned", "returned", true, 0},
			{"unit", "unit", false, 0}};
		if (json_array_size(json_object_get(r, "stock"))) {
			putchar('\n');
			out_table(c, json_object_get(r, "stock"), stock_cols, ARRAY_LEN(stock_cols));
		}
	}
	json_decref(r);
	return 0;
}

static bool do_note(struct cli *c)
{
	const char *kind = "note";
	if (cli_opt(c, "kind")) {
		const struct enum_value *v = enum_find(ENUM_TIMELINE_KIND, cli_opt(c, "kind"));
		static const char *const allowed[] = {"note", "action", "dispatch", "instruction",
						      "first_report", "follow_up", "final_report"};
		bool ok = false;
		for (size_t i = 0; v && i < ARRAY_LEN(allowed); i++)
			ok = ok || str_eq(v->id, allowed[i]);
		if (!ok)
			return err_set(&c->err, ERR_USAGE,
				       "--kind: '%s': expected note|action|dispatch|instruction|"
				       "first_report|follow_up|final_report", cli_opt(c, "kind"));
		kind = v->id;
	}
	const char *via = NULL;
	if (cli_opt(c, "via")) {
		const struct enum_value *v = enum_find(ENUM_VIA, cli_opt(c, "via"));
		if (!v)
			return err_set(&c->err, ERR_USAGE, "--via: '%s': expected phone|written|fax|system",
				       cli_opt(c, "via"));
		via = v->id;
	}
	json_t *fig = json_object();
	static const char *const keys[] = {"deaths", "injured", "missing", "trapped", "evacuated"};
	for (size_t i = 0; i < ARRAY_LEN(keys); i++) {
		if (!cli_opt(c, keys[i]))
			continue;
		json_t *v = cli_value(c, &T_TIMELINE, keys[i], keys[i]);
		if (!v) {
			json_decref(fig);
			return false;
		}
		json_object_set_new(fig, keys[i], v);
	}
	int seq = 0;
	bool ok = incident_report(c->st, c->args[0], kind, via, c->nargs > 1 ? c->args[1] : NULL,
				  fig, &seq, &c->err);
	json_decref(fig);
	if (ok && seq)
		json_object_set_new(c->extra, "seq", json_integer(seq));
	return ok;
}

static int run_note(struct cli *c)
{
	int rc = cli_tx(c, do_note);
	json_t *seq = json_object_get(c->extra, "seq");
	if (rc == 0 && seq && !c->json) {
		char cn[16];
		printf("续报%s\n", cn_numeral((int)json_integer_value(seq), cn, sizeof cn));
	}
	return rc;
}

static bool do_correct(struct cli *c)
{
	return incident_correct(c->st, c->args[0], c->args[1], c->args[2], &c->err);
}

static int run_correct(struct cli *c)
{
	return cli_tx(c, do_correct);
}

static bool do_close(struct cli *c)
{
	return incident_close(c->st, c->args[0], cli_opt(c, "note"), &c->err);
}

static int run_close(struct cli *c)
{
	return cli_tx(c, do_close);
}

static const struct cli_opt add_opts[] = {
	{"title", "TEXT", "title", "what happened, in a few words (required)"},
	{"type", "TYPE", "type", "incident type: landslide, collapse, flood, gas_leak, ... or 滑坡 (required)"},
	{"level", "LEVEL", "level", "I|II|III|IV or pending (特别重大|重大|较大|一般|待定)"},
	{"township", "NAME|CODE", "township_code", "township where it happened"},
	{"village", "NAME|CODE", "village_code", "village where it happened"},
	{"place", "TEXT", "place", "place, in words"},
	{"at", "TIME", "occurred_at", "when it happened: 2026-11-28 17:30, 17:30 or ISO 8601"},
	{"channel", "HOW", "channel", "phone|fax|national_system|sms|in_person|higher_level"},
	{"reporter", "NAME", "reporter", "who reported it"},
	{"phone", "PHONE", "reporter_phone", "the reporter's phone"},
	{"unit", "TEXT", "reporter_unit", "the reporting unit"},
	{"deaths", "N", "deaths", "people dead"},
	{"injured", "N", "injured", "people injured"},
	{"missing", "N", "missing", "people missing"},
	{"trapped", "N", "trapped", "people trapped"},
	{"evacuated", "N", "evacuated", "people evacuated"},
	{"affected", "N", "affected", "people affected"},
	{"loss", "N", "loss_10k", "direct loss, in 10k yuan"},
	{"post", "TEXT", "reporter_post", "the reporter's post"},
	{"hazard", "CODE", "hazard_id", "the registered hazard point it happened at"},
	{"cause", "TEXT", "cause", "cause"},
	{"course", "TEXT", "course", "what happened, in order"},
	{"measures", "TEXT", "measures", "measures already taken"},
	{"trend", "TEXT", "trend", "how it may develop"},
	{"told", "TEXT", "told", "leaders and units the caller has already told"},
	{"lon", "DEG", "lon", "longitude"},
	{"lat", "DEG", "lat", "latitude"},
	{"note", "TEXT", NULL, "the caller's account, for the first timeline entry"},
	{NULL, NULL, NULL, NULL}};

static const struct cli_opt list_opts[] = {
	{"open", NULL, NULL, "only open incidents"},
	{"township", "NAME|CODE", NULL, "only this township"},
	{"since", "TIME", NULL, "only those received since TIME"},
	{"limit", "N", NULL, "at most N, newest first"},
	{NULL, NULL, NULL, NULL}};

static const struct cli_opt note_opts[] = {
	{"kind", "KIND", NULL, "note (default), action, dispatch, instruction, first_report, "
			       "follow_up or final_report"},
	{"via", "HOW", NULL, "how a report went up: phone, written, fax, system"},
	{"deaths", "N", NULL, "deaths now (changes the incident's figures)"},
	{"injured", "N", NULL, "injured now"},
	{"missing", "N", NULL, "missing now"},
	{"trapped", "N", NULL, "trapped now"},
	{"evacuated", "N", NULL, "evacuated now"},
	{NULL, NULL, NULL, NULL}};

static const struct cli_opt close_opts[] = {
	{"note", "TEXT", NULL, "closing remark for the timeline"}, {NULL, NULL, NULL, NULL}};

const struct cli_cmd cmds_incident[] = {
	{"incident", "add", NULL, 0, 0, "record a new incident; prints its number", &T_INCIDENT,
	 add_opts, CMD_RECORD, run_add},
	{"incident", "list", NULL, 0, 0, "list incidents, newest first", &T_INCIDENT, list_opts, 0,
	 run_list},
	{"incident", "show", "N", 1, 1, "an incident with its timeline", &T_INCIDENT, NULL, 0,
	 run_show},
	{"incident", "note", "N [TEXT]", 1, 2, "add an entry or a report to an incident's timeline",
	 &T_INCIDENT, note_opts, 0, run_note},
	{"incident", "correct", "N ENTRY TEXT", 3, 3, "strike a timeline entry with a correction",
	 &T_INCIDENT, NULL, 0, run_correct},
	{"incident", "close", "N", 1, 1, "close an incident", &T_INCIDENT, close_opts, 0, run_close},
	{NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, 0, NULL}};
