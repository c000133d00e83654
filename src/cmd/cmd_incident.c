/* dutydesk incident add|list|show|note|correct|close|dispatch */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dutydesk/i18n.h"
#include "cmd_impl.h"

static const struct out_col list_cols[] = {
	{"number"}, {"received_at", N_("received"), .max = 16}, {"level"}, {"status"},
	{"type_name", N_("type"), .max = 10}, {"township", .max = 8}, {"due", N_("next due"), .max = 34},
	{"title", .max = 40},
};

static const struct out_col show_cols[] = {
	{"number"}, {"title"}, {"type_name", N_("type")}, {"class"}, {"level"}, {"status"},
	{"township"}, {"village"}, {"place"}, {"received_at", N_("received")},
	{"occurred_at", N_("occurred")}, {"channel"}, {"reporter"}, {"reporter_phone", "phone"},
	{"reporter_unit", N_("unit")}, {"deaths", .right = true}, {"injured", .right = true},
	{"missing", .right = true}, {"trapped", .right = true}, {"evacuated", .right = true},
	{"affected", .right = true}, {"loss_10k", N_("loss (10k yuan)"), .right = true},
	{"closed_at", N_("closed")},
};

static const struct out_col timeline_cols[] = {
	{"created_at", N_("time"), .max = 16}, {"kind", N_("entry")}, {"author", N_("by"), .max = 10},
	{"text", .max = 60},
};

static bool exec_add(struct cmd_ctx *c)
{
	char number[64];
	if (!incident_add(c->st, c->fields, cmd_opt(c, "note"), number, &c->err))
		return false;
	const char *dup = json_string_value(json_object_get(c->fields, "duplicate_of"));
	if (c->json) {
		out_json_new(c, json_pack("{s:s, s:s?}", "number", number, "duplicate_of", dup));
	} else {
		fprintf(c->out, "%s\n", number);
	}
	if (dup)
		cmd_say(c, _("dutydesk incident add: warning: likely the same call as %s "
			   "(same type and township, or the same caller, within 30 minutes)\n"),
			dup);
	return true;
}

static bool exec_list(struct cmd_ctx *c)
{
	struct incident_filter f = {.open_only = cmd_opt(c, "open") != NULL};
	char town[16];
	long long limit = 0;
	if (!cmd_township(c, town, &f.township_code))
		return false;
	if (cmd_opt(c, "since")) {
		json_t *v = cmd_value(c, &T_INCIDENT, "received_at", "since");
		if (!v)
			return false;
		f.since = json_integer_value(v);
		json_decref(v);
	}
	if (!cmd_limit(c, &limit))
		return false;
	f.limit = limit;
	const struct deadline_rules *rules = cmd_rules(c);
	json_t *rows = rules ? incident_list(c->st, rules, &f, &c->err) : NULL;
	if (!rows)
		return false;
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
	return out_rows(c, rows, list_cols, ARRAY_LEN(list_cols));
}

static bool exec_show(struct cmd_ctx *c)
{
	json_t *r = q_incident_show(c->st, c->args[0], &c->err);
	if (!record_found(r, "incident", c->args[0], &c->err))
		return false;
	out_record(c, r, show_cols, ARRAY_LEN(show_cols));
	if (!c->json) {
		fputc('\n', c->out);
		out_closed_words(c, json_object_get(r, "timeline"));
		out_table(c, json_object_get(r, "timeline"), timeline_cols, ARRAY_LEN(timeline_cols));
		static const struct out_col stock_cols[] = {
			{"item_code", N_("item")}, {"item", N_("name"), .max = 16}, {"sent", .right = true},
			{"returned", .right = true}, {"unit"},
		};
		if (json_array_size(json_object_get(r, "stock"))) {
			fputc('\n', c->out);
			out_table(c, json_object_get(r, "stock"), stock_cols, ARRAY_LEN(stock_cols));
		}
	}
	json_decref(r);
	return true;
}

static bool exec_note(struct cmd_ctx *c)
{
	const char *kind = "note";
	if (cmd_opt(c, "kind")) {
		const struct enum_value *v = enum_find(ENUM_TIMELINE_KIND, cmd_opt(c, "kind"));
		static const char *const allowed[] = {"note", "action", "dispatch", "instruction",
						      "first_report", "follow_up", "final_report"};
		bool ok = false;
		for (size_t i = 0; v && i < ARRAY_LEN(allowed); i++)
			ok = ok || str_eq(v->id, allowed[i]);
		if (!ok)
			return err_set(&c->err, ERR_USAGE,
				       _("--kind: '%s': expected note|action|dispatch|instruction|"
				       "first_report|follow_up|final_report"), cmd_opt(c, "kind"));
		kind = v->id;
	}
	const char *via = NULL;
	if (cmd_opt(c, "via")) {
		const struct enum_value *v = enum_find(ENUM_VIA, cmd_opt(c, "via"));
		if (!v)
			return err_set(&c->err, ERR_USAGE, _("--via: '%s': expected phone|written|fax|system"),
				       cmd_opt(c, "via"));
		via = v->id;
	}
	json_t *fig = json_object();
	static const char *const keys[][2] = {{"deaths", "deaths"},	  {"injured", "injured"},
					      {"missing", "missing"},	  {"trapped", "trapped"},
					      {"evacuated", "evacuated"}, {"affected", "affected"},
					      {"loss_10k", "loss"}};
	for (size_t i = 0; i < ARRAY_LEN(keys); i++) {
		if (!cmd_opt(c, keys[i][1]))
			continue;
		json_t *v = cmd_value(c, &T_TIMELINE, keys[i][0], keys[i][1]);
		if (!v) {
			json_decref(fig);
			return false;
		}
		json_object_set_new(fig, keys[i][0], v);
	}
	int seq = 0;
	bool ok = incident_report(c->st, c->args[0], kind, via, cmd_opt(c, "to"),
				  c->nargs > 1 ? c->args[1] : NULL,
				  fig, &seq, &c->err);
	json_decref(fig);
	if (ok && seq && !c->json) {
		char cn[16];
		fprintf(c->out, "续报%s\n", cn_numeral(seq, cn, sizeof cn));
	}
	return ok;
}

static bool exec_correct(struct cmd_ctx *c)
{
	return incident_correct(c->st, c->args[0], c->args[1], c->args[2], &c->err);
}

static bool exec_move(struct cmd_ctx *c)
{
	if (!incident_move(c->st, c->args[0], c->args[1], &c->err))
		return false;
	if (!c->json)
		fprintf(c->out, _("incident %s moved to %s; the county's hub hands it to that "
				  "township at its next sync\n"), c->args[0], c->args[1]);
	return true;
}

static bool exec_close(struct cmd_ctx *c)
{
	return incident_close(c->st, c->args[0], cmd_opt(c, "note"), &c->err);
}

/* ---- dispatch ---- */

/* "WZ-0501:20,WZ-0503:50" */
static bool parse_items(struct cmd_ctx *c, struct dispatch_line **out, size_t *n)
{
	const char *s = cmd_opt(c, "items");
	*out = NULL;
	*n = 0;
	if (str_empty(s))
		return err_set(&c->err, ERR_USAGE, _("--items is required, like WZ-0501:20,WZ-0503:50"));
	char *copy = xstrdup(s), *save = NULL;
	bool ok = true;
	for (char *tok = strtok_r(copy, ",", &save); tok && ok; tok = strtok_r(NULL, ",", &save)) {
		char *colon = strrchr(tok, ':');
		long long q;
		if (!colon || colon == tok || !str_to_ll(colon + 1, 1, 1000000000, &q)) {
			ok = err_set(&c->err, ERR_USAGE, _("--items: '%s': expected CODE:QTY"), tok);
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

/* The items are read before the write lock is taken: a typo fails at once. */
static bool check_dispatch(struct cmd_ctx *c)
{
	struct dispatch_line *lines;
	size_t n;
	bool ok = parse_items(c, &lines, &n);
	free(lines);
	return ok;
}

/* Where each item comes from, then (not for a dry run) the issues and the
 * timeline entry. */
static bool exec_dispatch(struct cmd_ctx *c)
{
	struct dispatch_line *lines;
	size_t n;
	if (!parse_items(c, &lines, &n)) {
		free(lines);
		return false;
	}
	json_t *plan = dispatch_plan(c->st, c->args[0], lines, n, cmd_opt(c, "depot"), &c->err);
	free(lines);
	if (!plan)
		return false;
	if (!c->dry_run && !dispatch_commit(c->st, c->args[0], plan, cmd_opt(c, "note"), &c->err)) {
		json_decref(plan);
		return false;
	}
	static const struct out_col cols[] = {
		{"depot_code", N_("depot")}, {"depot", N_("name"), .max = 20}, {"item_code", N_("item")},
		{"item", N_("name"), .max = 12}, {"qty", .right = true}, {"unit"},
	};
	if (!c->json)
		fprintf(c->out, "%s\n", c->dry_run ? _("would send (nothing written):") : _("sent:"));
	out_table(c, plan, cols, ARRAY_LEN(cols));
	json_decref(plan);
	return true;
}

static const struct cmd_opt add_opts[] = {
	{"title", "TEXT", "title", N_("what happened, in a few words (required)")},
	{"type", "TYPE", "type", N_("incident type: landslide, collapse, flood, gas_leak, ... or 滑坡 (required)")},
	{"level", "LEVEL", "level", N_("I|II|III|IV or pending (特别重大|重大|较大|一般|待定)")},
	{"township", "NAME|CODE", "township_code", N_("township where it happened")},
	{"village", "NAME|CODE", "village_code", N_("village where it happened")},
	{"place", "TEXT", "place", N_("place, in words")},
	{"at", "TIME", "occurred_at",
	 N_("when it happened: 23:50 (the last one), 昨天 23:50, 12-04 23:50, 4日23:50, "
	 "2026-11-28 17:30 (man: TIMES)")},
	{"channel", "HOW", "channel", N_("phone|fax|national_system|sms|in_person|higher_level")},
	{"reporter", "NAME", "reporter", N_("who reported it")},
	{"phone", "PHONE", "reporter_phone", N_("the reporter's phone")},
	{"unit", "TEXT", "reporter_unit", N_("the reporting unit")},
	{"deaths", "N", "deaths", N_("people dead")},
	{"injured", "N", "injured", N_("people injured")},
	{"missing", "N", "missing", N_("people missing")},
	{"trapped", "N", "trapped", N_("people trapped")},
	{"evacuated", "N", "evacuated", N_("people evacuated")},
	{"affected", "N", "affected", N_("people affected")},
	{"loss", "N", "loss_10k", N_("direct loss, in 10k yuan")},
	{"post", "TEXT", "reporter_post", N_("the reporter's post")},
	{"hazard", "CODE", "hazard_id", N_("the registered hazard point it happened at")},
	{"cause", "TEXT", "cause", N_("cause")},
	{"course", "TEXT", "course", N_("what happened, in order")},
	{"measures", "TEXT", "measures", N_("measures already taken")},
	{"trend", "TEXT", "trend", N_("how it may develop")},
	{"told", "TEXT", "told", N_("leaders and units the caller has already told")},
	{"lon", "DEG", "lon", N_("longitude")},
	{"lat", "DEG", "lat", N_("latitude")},
	{"note", "TEXT", NULL, N_("the caller's account, for the first timeline entry")},
	{0}};

static const struct cmd_opt list_opts[] = {
	{"open", NULL, NULL, N_("only open incidents")},
	{"township", "NAME|CODE", NULL, N_("only this township"), CV_TOWNSHIP},
	{"since", "TIME", NULL, N_("only those received since TIME")},
	{"limit", "N", NULL, N_("at most N, newest first")},
	{0}};

static const struct cmd_opt note_opts[] = {
	{"kind", "KIND", NULL, N_("note (default), action, dispatch, instruction, first_report, "
			       "follow_up or final_report"), CV_WORDS,
	 "note action dispatch instruction first_report follow_up final_report"},
	{"via", "HOW", NULL, N_("how a report went up: phone, written, fax, system"), CV_WORDS,
	 "phone written fax system"},
	{"deaths", "N", NULL, N_("deaths now (changes the incident's figures)")},
	{"injured", "N", NULL, N_("injured now")},
	{"missing", "N", NULL, N_("missing now")},
	{"trapped", "N", NULL, N_("trapped now")},
	{"evacuated", "N", NULL, N_("evacuated now")},
	{"affected", "N", NULL, N_("people affected now")},
	{"loss", "N", NULL, N_("direct loss now, in 10k yuan")},
	{"to", "WHOM", NULL, N_("to whom the report went (e.g. 县政府值班室)")},
	{0}};

static const struct cmd_opt close_opts[] = {
	{"note", "TEXT", NULL, N_("closing remark for the timeline")}, {0}};

static const struct cmd_opt dispatch_opts[] = {
	{"items", "CODE:QTY,...", NULL, N_("what to send (required)")},
	{"depot", "CODE", NULL, N_("only from this depot (default: nearest first)"), CV_DEPOT},
	{"note", "TEXT", NULL, N_("timeline text (the items are appended)")},
	{"dry-run", NULL, NULL, N_("show where it would come from; write nothing")},
	{0}};

const struct cmd cmd_incident_add = {
	.group = "incident", .verb = "add", .summary = N_("record a new incident; prints its number"),
	.table = &T_INCIDENT, .opts = add_opts, .flags = CMD_RECORD | CMD_WRITES, .exec = exec_add,
};

const struct cmd cmd_incident_list = {
	.group = "incident", .verb = "list", .summary = N_("list incidents, newest first"),
	.table = &T_INCIDENT, .opts = list_opts, .exec = exec_list,
};

const struct cmd cmd_incident_show = {
	.group = "incident", .verb = "show", .summary = N_("an incident with its timeline"),
	.args = "N", .nargs_min = 1, .nargs_max = 1, .argv = {CV_INCIDENT},
	.table = &T_INCIDENT, .exec = exec_show,
};

const struct cmd cmd_incident_note = {
	.group = "incident", .verb = "note",
	.summary = N_("add an entry or a report to an incident's timeline"),
	.args = "N [TEXT]", .nargs_min = 1, .nargs_max = 2, .argv = {CV_INCIDENT},
	.table = &T_INCIDENT, .opts = note_opts, .flags = CMD_WRITES, .exec = exec_note,
};

const struct cmd cmd_incident_correct = {
	.group = "incident", .verb = "correct",
	.summary = N_("strike a timeline entry with a correction"),
	.args = "N ENTRY TEXT", .nargs_min = 3, .nargs_max = 3, .argv = {CV_INCIDENT},
	.table = &T_INCIDENT, .flags = CMD_WRITES, .exec = exec_correct,
};

const struct cmd cmd_incident_close = {
	.group = "incident", .verb = "close", .summary = N_("close an incident"),
	.args = "N", .nargs_min = 1, .nargs_max = 1, .argv = {CV_INCIDENT},
	.table = &T_INCIDENT, .opts = close_opts, .flags = CMD_WRITES, .exec = exec_close,
};

const struct cmd cmd_incident_move = {
	.group = "incident", .verb = "move",
	.summary = N_("move an incident to another township (the county's office only)"),
	.args = "N TOWNSHIP", .nargs_min = 2, .nargs_max = 2, .argv = {CV_INCIDENT, CV_TOWNSHIP},
	.table = &T_INCIDENT, .flags = CMD_WRITES, .exec = exec_move,
};

const struct cmd cmd_incident_dispatch = {
	.group = "incident", .verb = "dispatch",
	.summary = N_("send stock to an incident (nearest depots first)"),
	.args = "N", .nargs_min = 1, .nargs_max = 1, .argv = {CV_INCIDENT},
	.opts = dispatch_opts, .flags = CMD_WRITES | CMD_DRYRUN, .check = check_dispatch,
	.exec = exec_dispatch,
};
