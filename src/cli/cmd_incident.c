/* dutydesk incident add|list|show|note|close */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct out_col list_cols[] = {
	{"number", "number", false, 0},   {"received_at", "received", false, 16},
	{"level", "level", false, 0},     {"status", "status", false, 0},
	{"type_name", "type", false, 10}, {"township", "township", false, 8},
	{"title", "title", false, 40}};

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
	return true;
}

static int run_add(struct cli *c)
{
	int rc = cli_tx(c, do_add);
	if (rc == 0) {
		if (c->json) {
			json_t *o = json_pack("{s:s}", "number", cli_opt(c, "number"));
			out_json(o);
			json_decref(o);
		} else {
			puts(cli_opt(c, "number"));
		}
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
	json_t *rows = q_incident_list(c->st, &f, &c->err);
	if (!rows)
		return cli_fail(c);
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
	return incident_log(c->st, c->args[0], kind, c->args[1], &c->err);
}

static int run_note(struct cli *c)
{
	return cli_tx(c, do_note);
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
	{"incident", "note", "N TEXT", 2, 2, "add an entry to an incident's timeline", &T_INCIDENT,
	 note_opts, 0, run_note},
	{"incident", "close", "N", 1, 1, "close an incident", &T_INCIDENT, close_opts, 0, run_close},
	{NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, 0, NULL}};
