/* Emergency plans: the strict loader (a table of broken files under
 * tests/data/plans-broken/, each with the exact messages expected), the
 * shipped library, and checklists on temporary databases (activation,
 * raise, ticks, substeps, after, overdue, drills, close, two handles).
 * The clock is fixed with DUTYDESK_NOW. */
#define _XOPEN_SOURCE 700
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dirent.h>
#include <ftw.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "unit.h"

#include "dutydesk/dtime.h"
#include "dutydesk/model.h"
#include "dutydesk/plan.h"
#include "dutydesk/query.h"
#include "dutydesk/store.h"

#define NOW INT64_C(1795860000) /* 2026-11-28 18:00 +08:00 */
#define MIN(m) (NOW + (m) * 60)

/* "2026-11-28 HH:MM[:SS]" */
static void at(const char *hhmm)
{
	char buf[40];
	snprintf(buf, sizeof buf, "2026-11-28 %s", hhmm);
	setenv("DUTYDESK_NOW", buf, 1);
}

/* ---- the loader: broken files ---- */

struct broken {
	const char *file;
	/* every message, in order, without the "<path>:" prefix; NULL-ended */
	const char *want[6];
	bool exact; /* no messages besides these */
};

static const struct broken broken_files[] = {
	{"not-yaml.yaml",
	 {"3:8: did not find expected ',' or ']' while parsing a flow sequence"}, true},
	{"root-list.yaml", {"1:1: expected a plan (a mapping)"}, true},
	{"missing-required.yaml",
	 {"2:1: id: missing", "2:1: title: missing", "2:1: version: missing", "2:1: hq: missing",
	  "2:1: levels: missing"}, true},
	{"missing-title.yaml", {"1:1: title: missing"}, true},
	{"unknown-top-key.yaml",
	 {"4:1: owner: unknown key (expected one of id, title, version, hq, applies_to, warnings,"
	  " levels, contacts, post)"}, true},
	{"unknown-item-key.yaml",
	 {"12:9: levels.IV.items[0].owner: unknown key (expected one of id, text, unit, within,"
	  " after, items)"}, true},
	{"duplicate-key.yaml",
	 {"6:3: hq.name: duplicate key", "13:9: levels.IV.items[0].text: duplicate key"}, true},
	{"bad-id.yaml",
	 {"1:5: id: expected an id of a-z, 0-9, '-' or '_'",
	  "10:13: levels.IV.items[0].id: expected an id of a-z, 0-9, '-' or '_' (at most 63)"},
	 true},
	{"duplicate-item-id.yaml",
	 {"17:13: levels.III.items[1].id: duplicate id 'report' (first at levels.IV.items[0].id)"},
	 true},
	{"post-duplicate.yaml",
	 {"15:9: post[1].id: duplicate id 'a' (first at levels.IV.items[0].id)",
	  "18:9: post[2].id: duplicate id 'post-assess' (first at post[0].id)"}, true},
	{"within-soon.yaml",
	 {"12:17: levels.IV.items[0].within: expected a duration like 30m, 2h or 1d"}, true},
	{"within-zero.yaml",
	 {"12:17: levels.IV.items[0].within: expected a duration like 30m, 2h or 1d"}, true},
	{"dangling-after.yaml", {"14:16: levels.IV.items[1].after: no item 'nosuch' in this plan"},
	 true},
	{"cycle-2.yaml",
	 {"12:16: levels.IV.items[0].after: a cycle: a -> b -> a",
	  "15:16: levels.IV.items[1].after: a cycle: b -> a -> b"}, true},
	/* d comes after the cycle but is not in it: not named */
	{"cycle-3.yaml",
	 {"12:16: levels.IV.items[0].after: a cycle: a -> c -> b -> a",
	  "15:16: levels.IV.items[1].after: a cycle: b -> a -> c -> b",
	  "18:16: levels.IV.items[2].after: a cycle: c -> b -> a -> c"}, true},
	{"level-v.yaml",
	 {"7:3: levels.V: unknown key (expected one of IV, III, II, I)",
	  "7:3: levels: expected at least one level"}, true},
	{"lead-town.yaml", {"9:11: levels.IV.lead: expected county, city or province"}, true},
	{"empty-items.yaml", {"9:12: levels.IV.items: expected at least one item"}, true},
	{"item-no-text.yaml", {"10:9: levels.IV.items[0]: an item needs a text"}, true},
	{"substeps-4-deep.yaml",
	 {"22:23: levels.IV.items[0].items[0].items[0].items[0].items: substeps nest at most 3 deep"},
	 true},
	{"contact-no-name.yaml", {"14:5: contacts[1]: a contact needs a name"}, true},
	/* what libyaml words badly, a line off: named as such, where it is */
	{"tab-indent.yaml",
	 {"5:1: a tab in the indentation: YAML indents with spaces",
	  "11:1: a tab in the indentation: YAML indents with spaces"}, true},
	{"fullwidth-colon.yaml",
	 {"8:12: 'trigger：': a full-width colon; YAML needs ':' (ASCII)",
	  "10:11: 'id：': a full-width colon; YAML needs ':' (ASCII)"}, true},
	/* IV and I: plan raise to I would stop at III */
	{"level-gap.yaml",
	 {"7:3: levels: no level III: a response cannot be raised from IV to I without it",
	  "7:3: levels: no level II: a response cannot be raised from IV to I without it"}, true},
	{"level-no-trigger-no-items.yaml",
	 {"5:3: hq: the command HQ needs a name", "8:5: levels.IV: a level needs its trigger conditions",
	  "8:5: levels.IV: a level needs items"}, true},
};

static char *src_path(const char *rel)
{
	const char *data = getenv("DUTYDESK_DATA");
	if (!data)
		fail_msg("DUTYDESK_DATA is not set (run through meson test)");
	return xasprintf("%s/../%s", data, rel);
}

static void test_broken_files(void **state)
{
	(void)state;
	size_t nfiles = 0;
	for (size_t i = 0; i < sizeof broken_files / sizeof *broken_files; i++) {
		const struct broken *b = &broken_files[i];
		char *rel = xasprintf("tests/data/plans-broken/%s", b->file);
		char *path = src_path(rel);
		free(rel);
		json_t *errors = NULL;
		json_t *plan = plan_load(path, &errors);
		if (plan)
			fail_msg("%s: loaded (a broken plan must never half-load)", b->file);
		assert_non_null(errors);
		size_t n = 0;
		for (; n < 6 && b->want[n]; n++) {
			char *want = xasprintf("%s:%s", path, b->want[n]);
			/* the first in its place; the others in order when exact, else anywhere */
			bool found = str_eq(json_string_value(json_array_get(errors, n)), want);
			size_t k;
			json_t *m;
			if (!b->exact && n > 0)
				json_array_foreach(errors, k, m)
					found = found || str_eq(json_string_value(m), want);
			if (!found) {
				char *all = json_dumps(errors, JSON_INDENT(1));
				fail_msg("%s: message %zu: wanted\n  %s\ngot\n%s", b->file, n, want, all);
			}
			free(want);
		}
		if (b->exact && json_array_size(errors) != n) {
			char *all = json_dumps(errors, JSON_INDENT(1));
			fail_msg("%s: %zu messages, wanted %zu:\n%s", b->file, json_array_size(errors), n,
				 all);
		}
		json_decref(errors);
		free(path);
		nfiles++;
	}
	/* every file of the folder is in the table */
	char *dir = src_path("tests/data/plans-broken");
	DIR *d = opendir(dir);
	assert_non_null(d);
	size_t ondisk = 0;
	struct dirent *de;
	while ((de = readdir(d)))
		if (strstr(de->d_name, ".yaml"))
			ondisk++;
	closedir(d);
	free(dir);
	assert_int_equal(ondisk, nfiles);
}

/* Inline cases: the message of one document. */
static void load_bad(const char *doc, const char *want)
{
	json_t *errors = NULL;
	json_t *plan = plan_load_mem("t.yaml", doc, strlen(doc), &errors);
	if (plan)
		fail_msg("loaded: %s", doc);
	const char *got = json_string_value(json_array_get(errors, 0));
	if (!str_eq(got, want))
		fail_msg("wanted '%s', got '%s'", want, got ? got : "(nothing)");
	json_decref(errors);
}

#define HEAD "id: t\ntitle: 测试\nversion: \"1\"\nhq: {name: 指挥部}\n"
#define ONE_LEVEL "levels:\n  IV:\n    trigger: 一般\n    items:\n"

/* Ⅰ Ⅱ Ⅲ Ⅳ (the Unicode Roman numerals an input method gives) are I-IV. */
static void test_roman_levels(void **state)
{
	(void)state;
	static const char doc[] = HEAD "levels:\n  Ⅳ:\n    trigger: 一般\n    items: [{id: a, text: 甲}]\n"
				  "  Ⅲ:\n    trigger: 较大\n    items: [{id: b, text: 乙}]\n";
	json_t *errors = NULL;
	json_t *plan = plan_load_mem("t.yaml", doc, strlen(doc), &errors);
	if (!plan)
		fail_msg("Ⅳ/Ⅲ refused: %s", json_string_value(json_array_get(errors, 0)));
	assert_non_null(json_object_get(json_object_get(plan, "levels"), "IV"));
	assert_non_null(json_object_get(json_object_get(plan, "levels"), "III"));
	assert_string_equal(plan_level_ascii("Ⅱ"), "II");
	assert_string_equal(plan_level_ascii("Ⅰ"), "I");
	assert_string_equal(plan_level_ascii("II"), "II");
	assert_null(plan_level_ascii(NULL));
	json_decref(plan);
	json_decref(errors);
	/* a colon inside a text is no key's: not named */
	static const char text_colon[] = HEAD "levels:\n  IV:\n    trigger: 注意：一般\n"
					 "    items: [{id: a, text: \"甲：乙\"}]\n";
	plan = plan_load_mem("t.yaml", text_colon, strlen(text_colon), &errors);
	if (!plan)
		fail_msg("a colon in a text refused: %s", json_string_value(json_array_get(errors, 0)));
	json_decref(plan);
	json_decref(errors);
}

static void test_inline_errors(void **state)
{
	(void)state;
	load_bad("", "t.yaml:1:1: empty file: expected a plan");
	load_bad("id: t\ntitle: [a, b]\n", "t.yaml:2:8: title: expected text");
	load_bad(HEAD ONE_LEVEL "      - {id: a, text: 甲, within: 367d}\n",
		 "t.yaml:9:34: levels.IV.items[0].within: expected a duration like 30m, 2h or 1d");
	load_bad(HEAD ONE_LEVEL "      - {id: a, text: 甲, within: 1h 30m}\n",
		 "t.yaml:9:34: levels.IV.items[0].within: expected a duration like 30m, 2h or 1d");
	load_bad(HEAD ONE_LEVEL "      - {id: a, text: 甲, within: 30}\n",
		 "t.yaml:9:34: levels.IV.items[0].within: expected a duration like 30m, 2h or 1d");
	load_bad(HEAD ONE_LEVEL "      - {id: a, text: \"\"}\n",
		 "t.yaml:9:23: levels.IV.items[0].text: expected text");
	/* an id of 64 characters */
	load_bad(HEAD ONE_LEVEL "      - {id: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, text: 甲}\n",
		 "t.yaml:9:14: levels.IV.items[0].id: expected an id of a-z, 0-9, '-' or '_' (at most 63)");
	load_bad(HEAD "levels:\n  IV:\n    trigger: 一般\n    items:\n      - a\n",
		 "t.yaml:9:9: levels.IV.items[0]: expected an item {id, text, ...}");
	load_bad(HEAD ONE_LEVEL "      - {id: a, text: 甲}\nwarnings: {purple: [x]}\n",
		 "t.yaml:10:12: warnings.purple: unknown key (expected one of blue, yellow, orange, red)");
	/* an after to oneself is a cycle of one */
	load_bad(HEAD ONE_LEVEL "      - {id: a, text: 甲, after: a}\n",
		 "t.yaml:9:33: levels.IV.items[0].after: a cycle: a -> a");
}

/* ---- the shipped library ---- */

static void test_shipped_plans(void **state)
{
	(void)state;
	char *dir = src_path("plans");
	DIR *d = opendir(dir);
	if (!d)
		fail_msg("cannot open %s", dir);
	int n = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (len < 6 || strcmp(de->d_name + len - 5, ".yaml"))
			continue;
		char *path = xasprintf("%s/%s", dir, de->d_name);
		json_t *errors = NULL;
		json_t *plan = plan_load(path, &errors);
		if (!plan || json_array_size(errors)) {
			char *all = json_dumps(errors, JSON_INDENT(1));
			fail_msg("%s does not load: %s", path, all);
		}
		/* the file is named by the plan's id; every plan has the four levels */
		char key[64];
		snprintf(key, sizeof key, "%.*s", (int)(len - 5), de->d_name);
		assert_string_equal(json_string_value(json_object_get(plan, "id")), key);
		for (int l = 0; l < 4; l++)
			if (!json_object_get(json_object_get(plan, "levels"), plan_levels[l]))
				fail_msg("%s has no level %s", key, plan_levels[l]);
		json_decref(plan);
		json_decref(errors);
		free(path);
		n++;
	}
	closedir(d);
	free(dir);
	assert_int_equal(n, 9);
}

/* A plan made for these tests: IV has a parent with two substeps, an
 * after chain and an item without a limit; III and II add items. */
static const char test_plan_yaml[] =
	"# 测试用预案\n"
	"id: road_test\n"
	"title: 测试道路塌方预案\n"
	"version: \"1\"\n"
	"hq:\n"
	"  name: 县测试指挥部\n"
	"  lead: 县交通运输局\n"
	"  members: [县应急管理局, 县公安局]\n"
	"applies_to: [collapse, landslide]\n"
	"warnings:\n"
	"  yellow: [设置警示标志]\n"
	"levels:\n"
	"  IV:\n"
	"    trigger: 一般塌方\n"
	"    lead: county\n"
	"    items:\n"
	"      - id: iv-receive\n"
	"        text: 核实并报告\n"
	"        unit: 县应急管理局值班室\n"
	"        within: 30m\n"
	"        items:\n"
	"          - id: iv-receive-log\n"
	"            text: 登记\n"
	"            within: 10m\n"
	"          - id: iv-receive-leader\n"
	"            text: 报告带班领导\n"
	"      - id: iv-close\n"
	"        text: 封闭路段\n"
	"        within: 1h30m\n"
	"        after: iv-receive\n"
	"      - id: iv-clear\n"
	"        text: 清理塌方体\n"
	"        after: iv-close\n"
	"  III:\n"
	"    trigger: 较大塌方\n"
	"    lead: city\n"
	"    items:\n"
	"      - id: iii-report\n"
	"        text: 报告市交通运输局\n"
	"        within: 30m\n"
	"      - id: iii-support\n"
	"        text: 配合市指挥部\n"
	"        after: iii-report\n"
	"  II:\n"
	"    trigger: 重大塌方\n"
	"    lead: province\n"
	"    items:\n"
	"      - {id: ii-report, text: 报告省政府, within: 1h}\n"
	"contacts:\n"
	"  - {name: 县应急管理局值班室, role: 24小时值班, phone: \"0357-0000000\"}\n"
	"post:\n"
	"  - id: post-final\n"
	"    text: 报送终报\n"
	"    within: 7d\n";

static json_t *test_plan(void)
{
	json_t *errors = NULL;
	json_t *plan = plan_load_mem("road_test.yaml", test_plan_yaml, strlen(test_plan_yaml), &errors);
	if (!plan) {
		char *all = json_dumps(errors, JSON_INDENT(1));
		fail_msg("the test plan does not load: %s", all);
	}
	assert_int_equal(json_array_size(errors), 0);
	json_decref(errors);
	return plan;
}

static void test_roundtrip(void **state)
{
	(void)state;
	json_t *p = test_plan();
	assert_string_equal(json_string_value(json_object_get(p, "id")), "road_test");
	assert_string_equal(json_string_value(json_object_get(p, "version")), "1");
	json_t *hq = json_object_get(p, "hq");
	assert_string_equal(json_string_value(json_object_get(hq, "name")), "县测试指挥部");
	assert_int_equal(json_array_size(json_object_get(hq, "members")), 2);
	assert_int_equal(json_array_size(json_object_get(p, "applies_to")), 2);
	json_t *iv = json_object_get(json_object_get(json_object_get(p, "levels"), "IV"), "items");
	assert_int_equal(json_array_size(iv), 3);
	json_t *r = json_array_get(iv, 0);
	assert_string_equal(json_string_value(json_object_get(r, "id")), "iv-receive");
	assert_string_equal(json_string_value(json_object_get(r, "unit")), "县应急管理局值班室");
	assert_int_equal(json_integer_value(json_object_get(r, "within")), 30);
	json_t *sub = json_object_get(r, "items");
	assert_int_equal(json_array_size(sub), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(sub, 0), "id")),
			    "iv-receive-log");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(sub, 0), "within")), 10);
	assert_null(json_object_get(json_array_get(sub, 1), "within"));
	json_t *close = json_array_get(iv, 1);
	assert_int_equal(json_integer_value(json_object_get(close, "within")), 90);
	assert_string_equal(json_string_value(json_object_get(close, "after")), "iv-receive");
	assert_null(json_object_get(close, "_line")); /* no loader internals left */
	assert_null(json_object_get(json_array_get(iv, 2), "within"));
	json_t *ii = json_object_get(json_object_get(json_object_get(p, "levels"), "II"), "items");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(ii, 0), "within")), 60);
	assert_string_equal(json_string_value(json_object_get(json_object_get(
				    json_object_get(p, "levels"), "III"), "lead")), "city");
	json_t *post = json_object_get(p, "post");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(post, 0), "within")),
			 7 * 1440);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
				    json_object_get(p, "contacts"), 0), "phone")), "0357-0000000");
	json_decref(p);

	/* substeps three deep are allowed */
	const char *deep = HEAD ONE_LEVEL
		"      - id: a\n        text: 甲\n        items:\n"
		"          - id: b\n            text: 乙\n            items:\n"
		"              - id: c\n                text: 丙\n                items:\n"
		"                  - {id: d, text: 丁, within: 366d}\n";
	json_t *errors = NULL;
	p = plan_load_mem("deep.yaml", deep, strlen(deep), &errors);
	if (!p)
		fail_msg("3 deep refused: %s", json_string_value(json_array_get(errors, 0)));
	json_decref(errors);
	json_decref(p);
}

/* ---- checklists on a database ---- */

static char db_file[256];

static struct store *open_db(void)
{
	char *path = xasprintf("%s/%d.db", tmpdir, ++serial);
	snprintf(db_file, sizeof db_file, "%s", path);
	struct err e = {0};
	struct store *st = NULL;
	bool ok = store_open(path, STORE_CREATE, &st, &e) && store_begin(st, &e) &&
		  reference_load(st, &e) &&
		  store_set_node(st, "county-1", NULL, "county", "永和", &e) && store_commit(st, &e);
	free(path);
	if (!ok) {
		store_close(st);
		fail_msg("fixture: %s", e.msg);
	}
	store_set_actor(st, "测试员");
	return st;
}

/* A database with the test plan stored. */
static int setup_db(void **state)
{
	at("18:00");
	struct store *st = open_db();
	json_t *p = test_plan();
	struct err e = {0};
	char id[ID_TEXT], id2[ID_TEXT];
	bool fresh = false;
	check(store_begin(st, &e));
	check(plan_store(st, p, id, &fresh, &e));
	assert_true(fresh);
	/* the same version is kept once */
	check(plan_store(st, p, id2, &fresh, &e));
	assert_false(fresh);
	assert_string_equal(id, id2);
	check(store_commit(st, &e));
	json_decref(p);
	*state = st;
	return 0;
}

static int64_t count(struct store *st, const char *sql, const char *arg)
{
	struct err e = {0};
	int64_t n = -1;
	if (arg)
		check(store_int(st, &e, &n, sql, "s", arg));
	else
		check(store_int(st, &e, &n, sql, ""));
	return n;
}

/* call (which uses `e`) must succeed, in its own transaction */
#define OK(st, call)                                                                 \
	do {                                                                         \
		struct err e = {0};                                                  \
		check(store_begin((st), &e));                                        \
		if (!(call)) {                                                       \
			store_rollback(st);                                          \
			fail_msg("%s failed: %s", #call, e.msg);                     \
		}                                                                    \
		check(store_commit((st), &e));                                       \
	} while (0)

/* call must be refused with code and a message containing want_msg */
#define REFUSED(st, call, want_code, want_msg)                                            \
	do {                                                                         \
		struct err e = {0};                                                  \
		check(store_begin((st), &e));                                        \
		bool ok_ = (call);                                                   \
		store_rollback(st);                                                  \
		if (ok_)                                                             \
			fail_msg("%s was accepted", #call);                          \
		assert_contains(e.msg, want_msg);                                    \
		assert_int_equal(e.code, want_code);                                 \
	} while (0)

static void add_incident(struct store *st, char number[64])
{
	json_t *f = json_pack("{s:s, s:s}", "title", "桑壁镇道路塌方", "type", "collapse");
	OK(st, incident_add(st, f, NULL, number, &e));
	json_decref(f);
}

/* The item of a status by key. */
static json_t *item(json_t *status, const char *key)
{
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(status, "items"), i, it)
		if (str_eq(json_string_value(json_object_get(it, "item_key")), key))
			return it;
	fail_msg("no item '%s'", key);
	return NULL;
}

static json_t *status(struct store *st, const char *act, int64_t now)
{
	struct err e = {0};
	json_t *s = plan_status(st, act, now, &e);
	if (!s)
		fail_msg("plan_status: %s", e.msg);
	return s;
}

static const char *state_of(struct store *st, const char *act, const char *key)
{
	static char buf[32];
	json_t *s = status(st, act, NOW);
	snprintf(buf, sizeof buf, "%s", json_string_value(json_object_get(item(s, key), "state")));
	json_decref(s);
	return buf;
}

static int64_t progress(json_t *s, const char *k)
{
	return json_integer_value(json_object_get(json_object_get(s, "progress"), k));
}

static void test_activate_and_raise(void **state)
{
	struct store *st = *state;
	char num[64], act[ID_TEXT];
	at("18:00");
	add_incident(st, num);

	REFUSED(st, plan_activate(st, "road_test", "V", num, false, act, &e), ERR_USAGE,
		"expected IV, III, II or I");
	REFUSED(st, plan_activate(st, "road_test", "IV", NULL, false, act, &e), ERR_USAGE, "--drill");
	REFUSED(st, plan_activate(st, "nosuch", "IV", num, false, act, &e), ERR_FAIL, "no such plan");
	REFUSED(st, plan_activate(st, "road_test", "IV", "永和-2026-9999", false, act, &e), ERR_FAIL,
		"永和-2026-9999");
	assert_int_equal(count(st, "SELECT count(*) FROM plan_activation", NULL), 0);

	OK(st, plan_activate(st, "road_test", "IV", num, false, act, &e));
	json_t *s = status(st, act, NOW);
	assert_string_equal(json_string_value(json_object_get(s, "level")), "IV");
	assert_string_equal(json_string_value(json_object_get(s, "incident")), num);
	assert_int_equal(json_integer_value(json_object_get(s, "drill")), 0);
	assert_int_equal(json_integer_value(json_object_get(s, "started_at")), NOW);
	/* exactly the IV items, substeps included, in plan order */
	static const char *const iv[] = {"iv-receive", "iv-receive-log", "iv-receive-leader",
					 "iv-close", "iv-clear"};
	assert_int_equal(json_array_size(json_object_get(s, "items")), 5);
	for (size_t i = 0; i < 5; i++) {
		json_t *it = json_array_get(json_object_get(s, "items"), i);
		assert_string_equal(json_string_value(json_object_get(it, "item_key")), iv[i]);
		assert_string_equal(json_string_value(json_object_get(it, "level")), "IV");
		assert_string_equal(json_string_value(json_object_get(it, "state")), "open");
	}
	assert_string_equal(json_string_value(json_object_get(item(s, "iv-receive-log"), "parent_key")),
			    "iv-receive");
	assert_int_equal(json_integer_value(json_object_get(item(s, "iv-close"), "within_min")), 90);
	assert_int_equal(progress(s, "total"), 5);
	assert_int_equal(progress(s, "done"), 0);
	json_decref(s);
	/* the activation is on the incident's timeline */
	assert_int_equal(count(st, "SELECT count(*) FROM timeline WHERE kind = 'action' AND text = ?",
			       "启动《测试道路塌方预案》IV级响应"), 1);

	/* the same plan again for the incident: raise instead */
	REFUSED(st, plan_activate(st, "road_test", "III", num, false, act, &e), ERR_FAIL,
		"already active");

	at("18:05");
	OK(st, plan_check(st, act, "iv-receive-log", "done", NULL, &e));

	/* raise to III: III's items added, the IV tick kept */
	at("18:10");
	OK(st, plan_raise(st, act, "III", &e));
	s = status(st, act, MIN(10));
	assert_string_equal(json_string_value(json_object_get(s, "level")), "III");
	assert_int_equal(json_array_size(json_object_get(s, "items")), 7);
	assert_string_equal(json_string_value(json_object_get(item(s, "iv-receive-log"), "state")),
			    "done");
	assert_int_equal(json_integer_value(json_object_get(item(s, "iv-receive-log"), "done_at")),
			 MIN(5));
	json_t *rep = item(s, "iii-report");
	assert_string_equal(json_string_value(json_object_get(rep, "level")), "III");
	assert_string_equal(json_string_value(json_object_get(rep, "state")), "open");
	/* III's limit counts from the raise, not from the activation */
	assert_int_equal(json_integer_value(json_object_get(rep, "due")), MIN(10 + 30));
	assert_int_equal(progress(s, "done"), 1);
	json_decref(s);
	assert_int_equal(count(st, "SELECT count(*) FROM timeline WHERE kind = 'action' AND text = ?",
			       "《测试道路塌方预案》响应级别由IV级提升为III级"), 1);

	/* not to the same level, not lower */
	REFUSED(st, plan_raise(st, act, "III", &e), ERR_USAGE, "not above");
	REFUSED(st, plan_raise(st, act, "IV", &e), ERR_USAGE, "not above the current level III");
	REFUSED(st, plan_raise(st, act, "V", &e), ERR_USAGE, "expected IV, III, II or I");
	assert_int_equal(count(st, "SELECT count(*) FROM checklist_item", NULL), 7);

	/* by the incident's number, straight to I: II's items (the plan has no I) */
	REFUSED(st, plan_raise(st, num, "I", &e), ERR_USAGE, "has no level I");
	OK(st, plan_raise(st, num, "II", &e));
	s = status(st, num, MIN(10));
	assert_string_equal(json_string_value(json_object_get(s, "level")), "II");
	assert_int_equal(json_array_size(json_object_get(s, "items")), 8);
	json_decref(s);
}

static void test_check_rules(void **state)
{
	struct store *st = *state;
	char num[64], act[ID_TEXT];
	at("18:00");
	add_incident(st, num);
	OK(st, plan_activate(st, "road_test", "IV", num, false, act, &e));
	int64_t tl0 = count(st, "SELECT count(*) FROM timeline", NULL);

	REFUSED(st, plan_check(st, act, "iv-receive", "finished", NULL, &e), ERR_USAGE,
		"expected done, prev_done, na or open");
	REFUSED(st, plan_check(st, act, "nosuch", "done", NULL, &e), ERR_FAIL, "not in this checklist");
	REFUSED(st, plan_check(st, "ffffffff", "iv-receive", "done", NULL, &e), ERR_FAIL,
		"no such activation");
	/* a parent with open substeps */
	REFUSED(st, plan_check(st, act, "iv-receive", "done", NULL, &e), ERR_FAIL,
		"item 'iv-receive' has open substeps (iv-receive-log first)");
	/* after an open item */
	REFUSED(st, plan_check(st, act, "iv-close", "done", NULL, &e), ERR_FAIL,
		"item 'iv-close' comes after 'iv-receive', which is still open");
	/* not applicable needs a reason */
	REFUSED(st, plan_check(st, act, "iv-receive-leader", "na", NULL, &e), ERR_USAGE,
		"needs a reason");
	REFUSED(st, plan_check(st, act, "iv-receive-leader", "na", "", &e), ERR_USAGE,
		"needs a reason");
	assert_int_equal(count(st, "SELECT count(*) FROM checklist_tick", NULL), 0);
	assert_int_equal(count(st, "SELECT count(*) FROM timeline", NULL), tl0);

	at("18:04");
	OK(st, plan_check(st, act, "iv-receive-log", "done", NULL, &e));
	REFUSED(st, plan_check(st, act, "iv-receive-log", "done", NULL, &e), ERR_FAIL,
		"item 'iv-receive-log' is already done");
	assert_string_equal(state_of(st, act, "iv-receive"), "open");
	REFUSED(st, plan_check(st, act, "iv-receive", "done", NULL, &e), ERR_FAIL,
		"(iv-receive-leader first)");
	/* the last substep finished (na): the parent is done by itself */
	at("18:06");
	OK(st, plan_check(st, act, "iv-receive-leader", "na", "带班领导已在现场", &e));
	json_t *s = status(st, act, MIN(6));
	json_t *p = item(s, "iv-receive");
	assert_string_equal(json_string_value(json_object_get(p, "state")), "done");
	assert_int_equal(json_integer_value(json_object_get(p, "done_at")), MIN(6));
	assert_string_equal(json_string_value(json_object_get(p, "done_by")), "测试员");
	json_t *l = item(s, "iv-receive-leader");
	assert_string_equal(json_string_value(json_object_get(l, "reason")), "带班领导已在现场");
	assert_true(json_is_null(json_object_get(l, "done_at")));
	/* iv-close is now due 90 minutes after iv-receive was done */
	assert_int_equal(json_integer_value(json_object_get(item(s, "iv-close"), "due")), MIN(6 + 90));
	/* iv-clear has no limit: never due */
	assert_true(json_is_null(json_object_get(item(s, "iv-clear"), "due")));
	assert_int_equal(progress(s, "done"), 3);
	json_decref(s);

	/* the after item is done now */
	at("18:20");
	OK(st, plan_check(st, act, "iv-close", "done", NULL, &e));
	/* and open again */
	at("18:21");
	OK(st, plan_check(st, act, "iv-close", "open", NULL, &e));
	s = status(st, act, MIN(21));
	assert_string_equal(json_string_value(json_object_get(item(s, "iv-close"), "state")), "open");
	assert_true(json_is_null(json_object_get(item(s, "iv-close"), "done_at")));
	json_decref(s);
	REFUSED(st, plan_check(st, act, "iv-clear", "done", NULL, &e), ERR_FAIL,
		"comes after 'iv-close'");
	REFUSED(st, plan_check(st, act, "iv-close", "open", NULL, &e), ERR_FAIL, "already open");
	/* done before the checklist */
	OK(st, plan_check(st, act, "iv-close", "prev_done", NULL, &e));
	assert_string_equal(state_of(st, act, "iv-close"), "prev_done");
	OK(st, plan_check(st, act, "iv-clear", "done", NULL, &e));

	/* reopening a substep reopens the parent that was done by itself */
	OK(st, plan_check(st, act, "iv-receive-log", "open", NULL, &e));
	assert_string_equal(state_of(st, act, "iv-receive"), "open");

	/* every tick is a row (the roll-up too) and a timeline entry */
	int64_t ticks = 1 /* log */ + 2 /* leader na, parent */ + 2 /* close done, open */ +
			1 /* prev */ + 1 /* clear */ + 2 /* log reopened, parent reopened */;
	assert_int_equal(count(st, "SELECT count(*) FROM checklist_tick", NULL), ticks);
	assert_int_equal(count(st, "SELECT count(*) FROM timeline", NULL), tl0 + ticks);
	assert_int_equal(count(st, "SELECT count(*) FROM checklist_tick t JOIN checklist_item c"
				   " ON c.id = t.item_id WHERE c.item_key = 'iv-close'", NULL), 3);
	assert_int_equal(count(st, "SELECT count(*) FROM checklist_tick t JOIN checklist_item c"
				   " ON c.id = t.item_id WHERE c.item_key = 'iv-receive-leader'"
				   " AND t.state = 'na' AND t.reason = ?", "带班领导已在现场"), 1);
	assert_int_equal(count(st, "SELECT count(*) FROM timeline WHERE kind = 'action' AND text = ?",
			       "预案工作项[iv-receive-leader]不适用：报告带班领导（带班领导已在现场）"), 1);
	assert_int_equal(count(st, "SELECT count(*) FROM timeline WHERE kind = 'action' AND text = ?",
			       "预案工作项[iv-receive]完成：核实并报告"), 1);
	assert_int_equal(count(st, "SELECT count(*) FROM timeline WHERE kind = 'action' AND text = ?",
			       "预案工作项[iv-close]重新打开：封闭路段"), 1);
}

static void test_overdue(void **state)
{
	struct store *st = *state;
	char act[ID_TEXT], act2[ID_TEXT];
	at("18:00");
	OK(st, plan_activate(st, "road_test", "IV", NULL, true, act, &e));
	/* iv-receive-log: within 10m of 18:00; iv-receive within 30m */
	int64_t due = NOW + 10 * 60;
	json_t *s = status(st, act, due);
	json_t *it = item(s, "iv-receive-log");
	assert_int_equal(json_integer_value(json_object_get(it, "due")), due);
	assert_false(json_is_true(json_object_get(it, "overdue")));
	assert_int_equal(progress(s, "overdue"), 0);
	/* iv-close waits for iv-receive: not due at all yet */
	assert_true(json_is_null(json_object_get(item(s, "iv-close"), "due")));
	json_decref(s);
	s = status(st, act, due + 1);
	assert_true(json_is_true(json_object_get(item(s, "iv-receive-log"), "overdue")));
	assert_false(json_is_true(json_object_get(item(s, "iv-receive"), "overdue")));
	assert_int_equal(progress(s, "overdue"), 1);
	json_decref(s);
	assert_int_equal(plans_overdue(st, due), 0);
	assert_int_equal(plans_overdue(st, due + 1), 1);
	assert_int_equal(plans_overdue(st, NOW + 30 * 60 + 1), 2);

	/* a second activation counts too */
	OK(st, plan_activate(st, "road_test", "IV", NULL, true, act2, &e));
	assert_int_equal(plans_overdue(st, due + 1), 2);

	/* done items are not overdue; the after item's limit counts from its done time */
	at("18:12");
	OK(st, plan_check(st, act, "iv-receive-log", "done", NULL, &e));
	at("18:40"); /* iv-receive done late, by itself */
	OK(st, plan_check(st, act, "iv-receive-leader", "done", NULL, &e));
	int64_t close_due = MIN(40 + 90);
	s = status(st, act, close_due);
	assert_false(json_is_true(json_object_get(item(s, "iv-receive-log"), "overdue")));
	assert_int_equal(json_integer_value(json_object_get(item(s, "iv-close"), "due")), close_due);
	assert_false(json_is_true(json_object_get(item(s, "iv-close"), "overdue")));
	assert_int_equal(progress(s, "overdue"), 0);
	json_decref(s);
	s = status(st, act, close_due + 1);
	assert_true(json_is_true(json_object_get(item(s, "iv-close"), "overdue")));
	assert_int_equal(progress(s, "overdue"), 1);
	json_decref(s);

	/* the drill report: each item's time from its start (or its after's done time) */
	at("19:05");
	OK(st, plan_check(st, act, "iv-close", "done", NULL, &e));
	s = status(st, act, MIN(65));
	assert_true(json_is_null(json_object_get(s, "incident")));
	assert_int_equal(json_integer_value(json_object_get(s, "drill")), 1);
	assert_int_equal(json_integer_value(json_object_get(item(s, "iv-receive-log"), "took_min")), 12);
	assert_int_equal(json_integer_value(json_object_get(item(s, "iv-receive-leader"), "took_min")), 40);
	assert_int_equal(json_integer_value(json_object_get(item(s, "iv-receive"), "took_min")), 40);
	assert_int_equal(json_integer_value(json_object_get(item(s, "iv-close"), "took_min")), 25);
	assert_null(json_object_get(item(s, "iv-clear"), "took_min"));
	assert_int_equal(progress(s, "done"), 4);
	json_decref(s);
	/* a drill writes no timeline: there is no incident */
	assert_int_equal(count(st, "SELECT count(*) FROM timeline", NULL), 0);
	assert_int_equal(count(st, "SELECT count(*) FROM checklist_tick", NULL), 4);

	/* close: a summary is required; once */
	REFUSED(st, plan_close(st, act, NULL, &e), ERR_USAGE, "summary");
	REFUSED(st, plan_close(st, act, "", &e), ERR_USAGE, "summary");
	at("19:30");
	OK(st, plan_close(st, act, "演练完成，封闭路段超时", &e));
	REFUSED(st, plan_close(st, act, "再次结束", &e), ERR_FAIL, "closed already");
	REFUSED(st, plan_check(st, act, "iv-clear", "done", NULL, &e), ERR_FAIL, "closed");
	REFUSED(st, plan_raise(st, act, "III", &e), ERR_FAIL, "closed");
	s = status(st, act, MIN(90));
	assert_int_equal(json_integer_value(json_object_get(s, "closed_at")), MIN(90));
	assert_string_equal(json_string_value(json_object_get(s, "summary")), "演练完成，封闭路段超时");
	json_decref(s);
	/* closed activations are not counted; the second one still is */
	assert_int_equal(plans_overdue(st, NOW + 30 * 60 + 1), 2);
}

static void test_incident_close_timeline(void **state)
{
	struct store *st = *state;
	char num[64], act[ID_TEXT];
	at("18:00");
	add_incident(st, num);
	OK(st, plan_activate(st, "road_test", "IV", num, false, act, &e));
	OK(st, plan_close(st, num, "险情排除", &e));
	assert_int_equal(count(st, "SELECT count(*) FROM timeline WHERE kind = 'action' AND text = ?",
			       "《测试道路塌方预案》响应结束：险情排除"), 1);
	/* once closed, the plan can be started again for the incident */
	OK(st, plan_activate(st, "road_test", "III", num, false, act, &e));
	json_t *s = status(st, num, NOW);
	assert_string_equal(json_string_value(json_object_get(s, "level")), "III");
	assert_int_equal(json_array_size(json_object_get(s, "items")), 2);
	json_decref(s);
}

/* Two handles on one file: ticks of different items both land; the same
 * item twice: the second is told it is done already. */
static void test_two_handles(void **state)
{
	struct store *a = *state, *b = NULL;
	struct err e0 = {0};
	char act[ID_TEXT];
	at("18:00");
	OK(a, plan_activate(a, "road_test", "IV", NULL, true, act, &e));
	if (!store_open(db_file, 0, &b, &e0))
		fail_msg("second handle: %s", e0.msg);
	store_set_actor(b, "李华");
	/* both read before either writes */
	json_t *sa = status(a, act, NOW), *sb = status(b, act, NOW);
	json_decref(sa);
	json_decref(sb);
	OK(a, plan_check(a, act, "iv-receive-log", "done", NULL, &e));
	OK(b, plan_check(b, act, "iv-receive-leader", "done", NULL, &e));
	/* the second completed the parent: both substeps are seen */
	assert_string_equal(state_of(a, act, "iv-receive"), "done");
	json_t *s = status(a, act, NOW);
	assert_string_equal(json_string_value(json_object_get(item(s, "iv-receive-leader"), "done_by")),
			    "李华");
	assert_string_equal(json_string_value(json_object_get(item(s, "iv-receive-log"), "done_by")),
			    "测试员");
	json_decref(s);

	OK(a, plan_check(a, act, "iv-close", "done", NULL, &e));
	REFUSED(b, plan_check(b, act, "iv-close", "done", NULL, &e), ERR_FAIL,
		"item 'iv-close' is already done");
	assert_int_equal(count(a, "SELECT count(*) FROM checklist_tick t JOIN checklist_item c"
				  " ON c.id = t.item_id WHERE c.item_key = 'iv-close'", NULL), 1);

	/* truly at once: two processes, each its handle, different items */
	OK(a, plan_raise(a, act, "III", &e));
	OK(a, plan_check(a, act, "iii-report", "done", NULL, &e));
	store_close(b);
	int go[2];
	assert_int_equal(pipe(go), 0);
	const char *keys[2] = {"iv-clear", "iii-support"};
	pid_t pids[2];
	for (int i = 0; i < 2; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			struct store *c = NULL;
			struct err ce = {0};
			char x;
			close(go[1]);
			bool ok = store_open(db_file, 0, &c, &ce);
			ssize_t r = read(go[0], &x, 1); /* start together */
			(void)r;
			ok = ok && store_begin(c, &ce) &&
			     plan_check(c, act, keys[i], "done", NULL, &ce) && store_commit(c, &ce);
			if (!ok)
				fprintf(stderr, "child %s: %s\n", keys[i], ce.msg);
			store_close(c);
			_exit(ok ? 0 : 1);
		}
	}
	close(go[0]);
	close(go[1]); /* EOF: both go */
	for (int i = 0; i < 2; i++) {
		int status_ = 0;
		assert_int_equal(waitpid(pids[i], &status_, 0), pids[i]);
		assert_true(WIFEXITED(status_));
		assert_int_equal(WEXITSTATUS(status_), 0);
	}
	assert_string_equal(state_of(a, act, "iv-clear"), "done");
	assert_string_equal(state_of(a, act, "iii-support"), "done");
}

/* The library from a folder: a broken file is left out whole, said so,
 * and the good one loads. */
static void test_library(void **state)
{
	struct store *st = *state;
	char *dir = new_path("plans");
	assert_int_equal(mkdir(dir, 0700), 0);
	char *good = xasprintf("%s/road_test.yaml", dir);
	FILE *f = fopen(good, "w");
	assert_non_null(f);
	/* a new version of the stored plan */
	char *v2 = xstrdup(test_plan_yaml);
	char *ver = strstr(v2, "version: \"1\"");
	ver[10] = '2';
	fputs(v2, f);
	fclose(f);
	char *bad = xasprintf("%s/cycle.yaml", dir);
	char *src = src_path("tests/data/plans-broken/cycle-2.yaml");
	f = fopen(bad, "w");
	assert_non_null(f);
	/* the same text, under another path */
	FILE *in = fopen(src, "r");
	assert_non_null(in);
	char buf[4096];
	size_t n = fread(buf, 1, sizeof buf, in);
	fclose(in);
	fwrite(buf, 1, n, f);
	fclose(f);
	setenv("DUTYDESK_PLANS", dir, 1);
	json_t *problems = json_array();
	int loaded = -1;
	OK(st, plans_load_library(st, &loaded, problems, &e));
	assert_int_equal(loaded, 1);
	assert_int_equal(json_array_size(problems), 2);
	char *want = xasprintf("%s:12:16: levels.IV.items[0].after: a cycle: a -> b -> a", bad);
	assert_string_equal(json_string_value(json_array_get(problems, 0)), want);
	free(want);
	assert_int_equal(count(st, "SELECT count(*) FROM plan WHERE plan_key = 't'", NULL), 0);
	/* the latest version is in use; again: nothing new */
	json_t *p = plan_get(st, "road_test", NULL);
	assert_non_null(p);
	assert_string_equal(json_string_value(json_object_get(p, "version")), "2");
	assert_null(json_object_get(p, "source_path"));
	json_decref(p);
	OK(st, plans_load_library(st, &loaded, problems, &e));
	assert_int_equal(loaded, 0);
	assert_int_equal(count(st, "SELECT count(*) FROM plan", NULL), 2);
	unsetenv("DUTYDESK_PLANS");
	json_decref(problems);
	free(src);
	free(v2);
	free(bad);
	free(good);
	free(dir);
}

int main(void)
{
	setenv("DUTYDESK_NOW", "2026-11-28 18:00", 1);
	unsetenv("DUTYDESK_PLANS");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_broken_files),
		cmocka_unit_test(test_inline_errors),
		cmocka_unit_test(test_roman_levels),
		cmocka_unit_test(test_shipped_plans),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test_setup_teardown(test_activate_and_raise, setup_db, close_db),
		cmocka_unit_test_setup_teardown(test_check_rules, setup_db, close_db),
		cmocka_unit_test_setup_teardown(test_overdue, setup_db, close_db),
		cmocka_unit_test_setup_teardown(test_incident_close_timeline, setup_db, close_db),
		cmocka_unit_test_setup_teardown(test_two_handles, setup_db, close_db),
		cmocka_unit_test_setup_teardown(test_library, setup_db, close_db),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
