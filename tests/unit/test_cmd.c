/* The verb layer without a terminal: the runner's transaction and held
 * output, words as the console's ':' line splits them, and Tab's
 * candidates. Each verb runs as both faces run it, through cmd_run. */
#define _GNU_SOURCE /* open_memstream */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "dutydesk/cmd.h"
#include "dutydesk/model.h"
#include "unit.h"

static char *db;

/* What one run printed and how it ended. */
struct run {
	int rc;
	char *out, *data, *msg;
	char err[1024];
};

static void run_free(struct run *r)
{
	free(r->out);
	free(r->data);
	free(r->msg);
}

/* Runs words (group, verb, args...) as the CLI would, on db. */
static struct run run_words(const char *first, ...)
{
	char *argv[32];
	int argc = 0;
	va_list ap;
	va_start(ap, first);
	for (const char *w = first; w && argc < 31; w = va_arg(ap, const char *))
		argv[argc++] = xstrdup(w);
	va_end(ap);
	argv[argc] = NULL;
	struct run r = {0};
	size_t n[3];
	FILE *out = open_memstream(&r.out, &n[0]), *data = open_memstream(&r.data, &n[1]),
	     *msg = open_memstream(&r.msg, &n[2]);
	int used;
	bool group;
	const struct cmd *cmd = cmd_lookup(argc, argv, &used, &group);
	if (!cmd)
		fail_msg("no verb for %s", first);
	struct cmd_ctx c;
	cmd_ctx_init(&c, db, "测试员", out, data, msg);
	r.rc = cmd_run(&c, cmd, argc - used + 1, argv + used - 1);
	snprintf(r.err, sizeof r.err, "%s", c.err.msg);
	cmd_ctx_finish(&c);
	fclose(out);
	fclose(data);
	fclose(msg);
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	return r;
}

/* How many rows a table holds, through the CLI's own JSON. */
static size_t count(const char *group, const char *verb)
{
	struct run r = run_words(group, verb, "--json", NULL);
	assert_int_equal(r.rc, 0);
	json_t *v = json_loads(r.data, 0, NULL);
	size_t n = json_array_size(v);
	json_decref(v);
	run_free(&r);
	return n;
}

static int setup(void **state)
{
	if (group_setup(state))
		return -1;
	db = new_path("cmd.db");
	struct run r = run_words("demo", NULL);
	if (r.rc != 0)
		fprintf(stderr, "demo: %s\n", r.err);
	int rc = r.rc;
	run_free(&r);
	return rc;
}

static int teardown(void **state)
{
	free(db);
	return group_teardown(state);
}

/* A writing verb's output shows once committed, and the write is there. */
static void test_write_committed(void **state)
{
	(void)state;
	size_t before = count("incident", "list");
	struct run r = run_words("incident", "add", "--title", "单元测试", "--type", "landslide", NULL);
	assert_int_equal(r.rc, 0);
	assert_contains(r.out, "永和-");
	run_free(&r);
	assert_int_equal(count("incident", "list"), before + 1);
}

/* A refused write prints nothing it would have claimed, changes nothing,
 * and names the option a bad value came from. */
static void test_write_refused(void **state)
{
	(void)state;
	size_t before = count("incident", "list");
	struct run r = run_words("incident", "add", "--title", "x", "--type", "spaceship", NULL);
	assert_int_equal(r.rc, ERR_USAGE);
	assert_string_equal(r.out, "");
	assert_contains(r.err, "--type");
	run_free(&r);
	assert_int_equal(count("incident", "list"), before);

	/* the first file loads, the second is broken: "loaded" is not shown */
	char *good = new_path("good.yaml"), *bad = new_path("bad.yaml");
	char *dir = plans_dir();
	char *src = xasprintf("%s/geohazard.yaml", dir);
	free(dir);
	FILE *in = fopen(src, "r"), *g = fopen(good, "w"), *b = fopen(bad, "w");
	assert_non_null(in);
	int ch;
	while ((ch = fgetc(in)) != EOF)
		fputc(ch, g);
	fputs("id: broken\n", b);
	fclose(in), fclose(g), fclose(b);
	r = run_words("plan", "load", good, bad, NULL);
	assert_int_equal(r.rc, ERR_FAIL);
	assert_string_equal(r.out, "");
	assert_contains(r.err, "nothing was loaded");
	run_free(&r);
	free(src), free(good), free(bad);
}

/* --dry-run: everything checked, the output shown, nothing kept. */
static void test_dry_run(void **state)
{
	(void)state;
	struct run r = run_words("incident", "dispatch", "永和-2026-0001", "--items", "WZ-0501:1",
				 "--dry-run", NULL);
	assert_int_equal(r.rc, 0);
	assert_contains(r.out, "would send (nothing written)");
	run_free(&r);
	r = run_words("incident", "show", "永和-2026-0001", "--json", NULL);
	json_t *v = json_loads(r.data, 0, NULL);
	assert_int_equal(json_array_size(json_object_get(v, "stock")), 0);
	json_decref(v);
	run_free(&r);
}

/* Usage errors come before the store: a missing required option. */
static void test_usage(void **state)
{
	(void)state;
	struct run r = run_words("stock", "receive", "--depot", "CK-00", NULL);
	assert_int_equal(r.rc, ERR_USAGE);
	assert_string_equal(r.err, "--item is required");
	run_free(&r);
	r = run_words("incident", "note", "--help", NULL);
	assert_int_equal(r.rc, 0);
	assert_contains(r.out, "Usage: dutydesk incident note [OPTIONS] N [TEXT]");
	run_free(&r);
}

/* Words as a shell splits them, Chinese intact. */
static void test_split(void **state)
{
	(void)state;
	int argc;
	char **argv;
	struct err e;
	assert_true(cmd_split("incident note 永和-2026-0007 '续报 内容：\"甲\"' --kind follow_up", &argc,
			      &argv, &e));
	assert_int_equal(argc, 6);
	assert_string_equal(argv[3], "续报 内容：\"甲\"");
	assert_string_equal(argv[5], "follow_up");
	assert_null(argv[6]);
	cmd_words_free(argc, argv);
	assert_true(cmd_split("log add \"a \\\"b\\\" \\$c\" d\\ e ''", &argc, &argv, &e));
	assert_int_equal(argc, 5);
	assert_string_equal(argv[2], "a \"b\" $c");
	assert_string_equal(argv[3], "d e");
	assert_string_equal(argv[4], "");
	cmd_words_free(argc, argv);
	assert_false(cmd_split("log add '未完", &argc, &argv, &e));
	assert_contains(e.msg, "unterminated");
	/* a line being typed: the open quote is the last word */
	size_t start;
	cmd_split_partial("incident note 'abc", &argc, &argv, &start);
	assert_int_equal(argc, 3);
	assert_string_equal(argv[2], "abc");
	assert_int_equal(start, strlen("incident note "));
	cmd_words_free(argc, argv);
	cmd_split_partial("incident ", &argc, &argv, &start);
	assert_int_equal(argc, 2);
	assert_string_equal(argv[1], "");
	cmd_words_free(argc, argv);
	char *q = cmd_quote("it's 1");
	assert_string_equal(q, "'it'\\''s 1'");
	free(q);
}

/* Tab's candidates for the last word (s: blank-separated words). */
static json_t *complete(struct store *st, const char *line)
{
	int argc;
	char **argv;
	size_t start;
	cmd_split_partial(line, &argc, &argv, &start);
	json_t *r = cmd_complete(st, argc, argv, NULL, 100);
	cmd_words_free(argc, argv);
	return r;
}

static bool has(json_t *arr, const char *s)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
		if (strcmp(json_string_value(v), s) == 0)
			return true;
	return false;
}

static void test_complete(void **state)
{
	(void)state;
	struct store *st;
	struct err e;
	check(store_open(db, 0, &st, &e));
	json_t *r = complete(st, "inc");
	assert_int_equal(json_array_size(r), 1);
	assert_true(has(r, "incident"));
	json_decref(r);
	r = complete(st, "incident ");
	assert_true(has(r, "note") && has(r, "dispatch") && !has(r, "incident"));
	json_decref(r);
	r = complete(st, "incident note --k");
	assert_int_equal(json_array_size(r), 1);
	assert_true(has(r, "--kind"));
	json_decref(r);
	r = complete(st, "incident note --kind follow_up --");
	assert_false(has(r, "--kind")); /* given already */
	assert_true(has(r, "--via") && has(r, "--json"));
	json_decref(r);
	r = complete(st, "incident note 0003"); /* numbers that contain it */
	assert_int_equal(json_array_size(r), 1);
	assert_true(has(r, "永和-2026-0003"));
	json_decref(r);
	r = complete(st, "hazard list --township 桑");
	assert_true(has(r, "桑壁镇"));
	json_decref(r);
	r = complete(st, "incident add --type 滑"); /* a field option: its column's type */
	assert_true(has(r, "滑坡"));
	json_decref(r);
	r = complete(st, "stock issue --item WZ-050");
	assert_true(has(r, "WZ-0501"));
	json_decref(r);
	r = complete(st, "hazard verify 141032-HP-001 141032-HP-00"); /* CODE... repeats */
	assert_true(has(r, "141032-HP-002"));
	json_decref(r);
	r = complete(st, "incident note 永和-2026-0001 "); /* TEXT: nothing to offer */
	assert_int_equal(json_array_size(r), 0);
	json_decref(r);
	store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_committed),
		cmocka_unit_test(test_write_refused),
		cmocka_unit_test(test_dry_run),
		cmocka_unit_test(test_usage),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_complete),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
