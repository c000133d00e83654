/* dutydesk plan list|show|validate|load|activate|raise|check|status|close|report */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dutydesk/dtime.h"
#include "dutydesk/plan.h"

static int run_list(struct cli *c)
{
	json_t *rows = store_rows(c->st, &c->err,
		"SELECT p.plan_key AS id, p.title, p.version, (SELECT count(*) FROM plan_activation a"
		" WHERE a.plan_id IN (SELECT id FROM plan q WHERE q.plan_key = p.plan_key)"
		" AND a.closed_at IS NULL) AS active FROM plan p WHERE p.archived = 0"
		" AND p.created_hlc = (SELECT max(created_hlc) FROM plan q WHERE q.plan_key = p.plan_key)"
		" ORDER BY p.plan_key", "");
	if (!rows)
		return cli_fail(c);
	static const struct out_col cols[] = {{"id", "plan", false, 0}, {"version", "version", false, 0},
					      {"active", "active", true, 0}, {"title", "title", false, 40}};
	out_table(c, rows, cols, ARRAY_LEN(cols));
	json_decref(rows);
	return 0;
}

static void print_items(json_t *items, int depth)
{
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it) {
		json_t *w = json_object_get(it, "within");
		printf("%*s- [%s] %s", 4 + 2 * depth, "", json_string_value(json_object_get(it, "id")),
		       json_string_value(json_object_get(it, "text")));
		if (json_is_string(json_object_get(it, "unit")))
			printf("（%s）", json_string_value(json_object_get(it, "unit")));
		if (json_is_integer(w))
			printf(" within %lldm", (long long)json_integer_value(w));
		if (json_is_string(json_object_get(it, "after")))
			printf(" after %s", json_string_value(json_object_get(it, "after")));
		putchar('\n');
		print_items(json_object_get(it, "items"), depth + 1);
	}
}

static int run_show(struct cli *c)
{
	json_t *plan = plan_get(c->st, c->args[0], &c->err);
	if (!plan)
		return cli_fail(c);
	if (c->json) {
		out_json(plan);
	} else {
		json_t *hq = json_object_get(plan, "hq");
		printf("%s  %s (version %s)\n", json_string_value(json_object_get(plan, "id")),
		       json_string_value(json_object_get(plan, "title")),
		       json_string_value(json_object_get(plan, "version")));
		printf("command HQ: %s; lead: %s\n", json_string_value(json_object_get(hq, "name")),
		       json_string_value(json_object_get(hq, "lead")) ?: "");
		for (int l = 0; l < 4; l++) {
			json_t *lv = json_object_get(json_object_get(plan, "levels"), plan_levels[l]);
			if (!lv)
				continue;
			printf("\nlevel %s (%s leads): %s\n", plan_levels[l],
			       json_string_value(json_object_get(lv, "lead")) ?: "?",
			       json_string_value(json_object_get(lv, "trigger")));
			print_items(json_object_get(lv, "items"), 0);
		}
		if (json_array_size(json_object_get(plan, "post"))) {
			printf("\npost-incident\n");
			print_items(json_object_get(plan, "post"), 0);
		}
	}
	json_decref(plan);
	return 0;
}

/* Every file checked; each problem named; exit 1 if any file is broken. */
static int run_validate(struct cli *c)
{
	int bad = 0;
	for (int i = 0; i < c->nargs; i++) {
		json_t *errors;
		json_t *plan = plan_load(c->args[i], &errors);
		size_t k;
		json_t *m;
		json_array_foreach(errors, k, m)
			cli_say("%s\n", json_string_value(m));
		if (plan && !c->json)
			printf("%s: ok (%s, version %s)\n", c->args[i],
			       json_string_value(json_object_get(plan, "id")),
			       json_string_value(json_object_get(plan, "version")));
		bad += plan == NULL;
		json_decref(plan);
		json_decref(errors);
		if (bad)
			break; /* every problem of the first broken file, then stop */
	}
	if (bad) {
		err_set(&c->err, ERR_FAIL, "a broken file; the files after it were not checked");
		return cli_fail(c);
	}
	return 0;
}

static bool do_load(struct cli *c)
{
	for (int i = 0; i < c->nargs; i++) {
		json_t *errors;
		json_t *plan = plan_load(c->args[i], &errors);
		if (!plan) {
			size_t k;
			json_t *m;
			json_array_foreach(errors, k, m)
				cli_say("%s\n", json_string_value(m));
			json_decref(errors);
			return err_set(&c->err, ERR_FAIL, "%s is broken; nothing was loaded", c->args[i]);
		}
		char id[ID_TEXT];
		bool fresh;
		bool ok = plan_store(c->st, plan, id, &fresh, &c->err);
		if (ok && !c->json)
			printf("%s: %s\n", c->args[i], fresh ? "loaded" : "this version is loaded already");
		json_decref(plan);
		json_decref(errors);
		if (!ok)
			return false;
	}
	return true;
}

static int run_load(struct cli *c)
{
	return cli_tx(c, do_load);
}

static char activated[ID_TEXT];

static bool do_activate(struct cli *c)
{
	const char *level = cli_opt(c, "level");
	const struct enum_value *lv = level ? enum_find(ENUM_LEVEL, level) : NULL;
	return plan_activate(c->st, c->args[0], lv ? lv->id : level, cli_opt(c, "incident"),
			     cli_opt(c, "drill") != NULL, activated, &c->err);
}

static int run_activate(struct cli *c)
{
	if (cli_opt(c, "drill") && cli_opt(c, "incident")) {
		err_set(&c->err, ERR_USAGE, "--drill and --incident exclude each other");
		return cli_fail(c);
	}
	int rc = cli_tx(c, do_activate);
	if (rc == 0 && !c->json)
		printf("%s%s\n", activated, cli_opt(c, "drill") ? " (drill 演练)" : "");
	else if (rc == 0) {
		json_t *o = json_pack("{s:s, s:b}", "activation", activated, "drill",
				      cli_opt(c, "drill") != NULL);
		out_json(o);
		json_decref(o);
	}
	return rc;
}

static bool do_raise(struct cli *c)
{
	const struct enum_value *lv = enum_find(ENUM_LEVEL, c->args[1]);
	return plan_raise(c->st, c->args[0], lv ? lv->id : c->args[1], &c->err);
}

static int run_raise(struct cli *c)
{
	return cli_tx(c, do_raise);
}

static bool do_check(struct cli *c)
{
	const char *state = cli_opt(c, "na") ? "na" : cli_opt(c, "prev") ? "prev_done"
			  : cli_opt(c, "open") ? "open" : "done";
	const char *na = cli_opt(c, "na");
	if (na && !na[strspn(na, " \t")])
		return err_set(&c->err, ERR_USAGE, "--na: not applicable needs a reason");
	return plan_check(c->st, c->args[0], c->args[1], state, cli_opt(c, "na"), &c->err);
}

static int run_check(struct cli *c)
{
	return cli_tx(c, do_check);
}

static bool do_close(struct cli *c)
{
	return plan_close(c->st, c->args[0], cli_opt(c, "summary"), &c->err);
}

static int run_close(struct cli *c)
{
	return cli_tx(c, do_close);
}

static void bar(int64_t done, int64_t total, char *buf, size_t n)
{
	int w = 20, fill = total ? (int)(done * w / total) : 0;
	size_t k = 0;
	buf[k++] = '[';
	for (int i = 0; i < w && k + 2 < n; i++)
		buf[k++] = i < fill ? '#' : '.';
	buf[k++] = ']';
	buf[k] = '\0';
}

static int show_status(struct cli *c, const char *handle, bool report)
{
	json_t *s = plan_status(c->st, handle, dd_now(), &c->err);
	if (!s)
		return cli_fail(c);
	json_t *items = json_object_get(s, "items");
	q_present(items);
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it) {
		json_t *due = json_object_get(it, "due");
		if (json_is_integer(due)) {
			char buf[40];
			dd_time_iso(json_integer_value(due), buf, sizeof buf);
			json_object_set_new(it, "due", json_string(buf));
		}
	}
	q_present(s);
	if (c->json) {
		out_json(s);
		json_decref(s);
		return 0;
	}
	json_t *p = json_object_get(s, "progress");
	char b[32];
	bar(json_integer_value(json_object_get(p, "done")), json_integer_value(json_object_get(p, "total")),
	    b, sizeof b);
	printf("%s%s  level %s  %s  %lld/%lld done, %lld overdue  %s\n",
	       json_is_true(json_object_get(s, "drill")) || json_integer_value(json_object_get(s, "drill"))
		       ? "[DRILL 演练] " : "",
	       json_string_value(json_object_get(s, "title")),
	       json_string_value(json_object_get(s, "level")),
	       json_string_value(json_object_get(s, "incident")) ?: "",
	       (long long)json_integer_value(json_object_get(p, "done")),
	       (long long)json_integer_value(json_object_get(p, "total")),
	       (long long)json_integer_value(json_object_get(p, "overdue")), b);
	json_array_foreach(items, i, it) {
		const char *state = json_string_value(json_object_get(it, "state"));
		bool over = json_is_true(json_object_get(it, "overdue"));
		const char *mark = str_eq(state, "done") ? "[x]" : str_eq(state, "prev_done") ? "[p]"
				   : str_eq(state, "na") ? "[-]" : over ? "[!]" : "[ ]";
		int depth = json_is_string(json_object_get(it, "parent_key")) ? 2 : 0;
		printf("%s %*s%-3s %s %s", mark, depth, "", json_string_value(json_object_get(it, "level")),
		       json_string_value(json_object_get(it, "item_key")),
		       json_string_value(json_object_get(it, "text")));
		if (report && json_is_integer(json_object_get(it, "took_min")))
		{
			printf("  took %lldm", (long long)json_integer_value(json_object_get(it, "took_min")));
			if (json_is_integer(json_object_get(it, "within_min")))
				printf(" / within %lldm",
				       (long long)json_integer_value(json_object_get(it, "within_min")));
		}
		else if (json_is_string(json_object_get(it, "due")) && str_eq(state, "open"))
			printf("  %sdue %.5s %.5s", over ? "OVERDUE " : "",
			       json_string_value(json_object_get(it, "due")) + 5,
			       json_string_value(json_object_get(it, "due")) + 11);
		if (json_is_string(json_object_get(it, "reason")))
			printf("  (%s)", json_string_value(json_object_get(it, "reason")));
		putchar('\n');
	}
	json_decref(s);
	return 0;
}

static int run_status(struct cli *c)
{
	if (c->nargs)
		return show_status(c, c->args[0], false);
	json_t *rows = store_rows(c->st, &c->err,
		"SELECT a.id, p.plan_key AS plan, p.title, a.level, a.drill, i.number AS incident,"
		" a.started_at, (SELECT count(*) FROM checklist_item c WHERE c.activation_id = a.id) AS items,"
		" (SELECT count(*) FROM checklist_item c WHERE c.activation_id = a.id AND c.state <> 'open')"
		" AS done FROM plan_activation a JOIN plan p ON p.id = a.plan_id"
		" LEFT JOIN incident i ON i.id = a.incident_id WHERE a.closed_at IS NULL"
		" ORDER BY a.started_at", "");
	if (!rows)
		return cli_fail(c);
	q_present(rows);
	static const struct out_col cols[] = {
		{"id", "activation", false, 13}, {"plan", "plan", false, 0}, {"level", "level", false, 0},
		{"incident", "incident", false, 0}, {"drill", "drill", false, 0},
		{"done", "done", true, 0}, {"items", "of", true, 0}, {"title", "title", false, 30}};
	out_table(c, rows, cols, ARRAY_LEN(cols));
	json_decref(rows);
	return 0;
}

static int run_report(struct cli *c)
{
	return show_status(c, c->args[0], true);
}

static const struct cli_opt activate_opts[] = {
	{"level", "LEVEL", NULL, "response level IV, III, II or I (required)"},
	{"incident", "N", NULL, "the incident the response is for"},
	{"drill", NULL, NULL, "a drill (演练), without an incident"},
	{NULL, NULL, NULL, NULL}};
static const struct cli_opt check_opts[] = {
	{"na", "REASON", NULL, "not applicable, with the reason"},
	{"prev", NULL, NULL, "done before the activation"},
	{"open", NULL, NULL, "open it again"},
	{NULL, NULL, NULL, NULL}};
static const struct cli_opt close_opts[] = {
	{"summary", "TEXT", NULL, "how the response went (required)"}, {NULL, NULL, NULL, NULL}};

const struct cli_cmd cmds_plan[] = {
	{"plan", "list", NULL, 0, 0, "the plan library", NULL, NULL, 0, run_list},
	{"plan", "show", "ID", 1, 1, "a plan: levels, triggers, items", NULL, NULL, 0, run_show},
	{"plan", "validate", "FILE...", 1, 100, "check plan files; names every problem", NULL, NULL,
	 CMD_NODB, run_validate},
	{"plan", "load", "FILE...", 1, 100, "add plan files (new versions) to the library", NULL,
	 NULL, 0, run_load},
	{"plan", "activate", "ID", 1, 1, "start a response (or a drill) at a level", NULL,
	 activate_opts, 0, run_activate},
	{"plan", "raise", "ACTIVATION LEVEL", 2, 2, "raise the response level", NULL, NULL, 0,
	 run_raise},
	{"plan", "check", "ACTIVATION ITEM", 2, 2, "tick an item (done, --prev, --na REASON, --open)",
	 NULL, check_opts, 0, run_check},
	{"plan", "status", "[ACTIVATION]", 0, 1, "active checklists, or one with its items", NULL,
	 NULL, 0, run_status},
	{"plan", "close", "ACTIVATION", 1, 1, "end a response with a summary", NULL, close_opts, 0,
	 run_close},
	{"plan", "report", "ACTIVATION", 1, 1, "each item's time against its limit (drill report)",
	 NULL, NULL, 0, run_report},
	{NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, 0, NULL}};
