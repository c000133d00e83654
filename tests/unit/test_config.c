/* config.yaml (src/util/config.c): where it is, every setting, and each
 * problem as file:line:column: key: what was expected, with what sync
 * refuses; then the console's keys: over its keymap (src/tui/keymap.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "unit.h"

#include "../../src/tui/tui.h"
#include "dutydesk/config.h"

#define TOP "office, officer, language, theme, ambiguous_width, escape_delay_ms, expiry_days, bell, mouse, keys, sync, terminal_encoding, sms"
#define SYNC "server, token_file, ca_file, every_minutes"

static char path[128];
static struct config c;

/* Writes text to the test's config file and loads it. */
static void load(const char *text)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	config_load(&c, path);
}

/* The message for line:column of the file. */
static const char *at(const char *where_what)
{
	static char buf[700];
	snprintf(buf, sizeof buf, "%s:%s", path, where_what);
	return buf;
}

static int setup(void **state)
{
	(void)state;
	if (group_setup(state))
		return -1;
	snprintf(path, sizeof path, "%s/config.yaml", tmpdir);
	return 0;
}

static void test_path(void **state)
{
	(void)state;
	char p[512];
	setenv("HOME", "/home/值班", 1);
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("DUTYDESK_CONFIG");
	config_path(p, sizeof p);
	assert_string_equal(p, "/home/值班/.config/dutydesk/config.yaml");
	setenv("XDG_CONFIG_HOME", "", 1);
	config_path(p, sizeof p);
	assert_string_equal(p, "/home/值班/.config/dutydesk/config.yaml");
	setenv("XDG_CONFIG_HOME", "/etc/xdg", 1);
	config_path(p, sizeof p);
	assert_string_equal(p, "/etc/xdg/dutydesk/config.yaml");
	setenv("DUTYDESK_CONFIG", "", 1);
	config_path(p, sizeof p);
	assert_string_equal(p, "/etc/xdg/dutydesk/config.yaml");
	setenv("DUTYDESK_CONFIG", "/srv/dd.yaml", 1);
	config_path(p, sizeof p);
	assert_string_equal(p, "/srv/dd.yaml");
	/* config_load(NULL) reads that file: here a missing one, no problem */
	config_load(&c, NULL);
	assert_string_equal(c.path, "/srv/dd.yaml");
	assert_string_equal(c.warning, "");
	unsetenv("DUTYDESK_CONFIG");
	unsetenv("XDG_CONFIG_HOME");
}

static void test_everything(void **state)
{
	(void)state;
	setenv("HOME", "/home/值班", 1);
	load("office: 桑壁镇应急办\n"
	     "officer: 张三\n"
	     "language: zh\n"
	     "theme: mono\n"
	     "ambiguous_width: 2\n"
	     "escape_delay_ms: 25\n"
	     "expiry_days: 60\n"
	     "bell: false\n"
	     "keys:\n"
	     "  down: \"j Down ^N\"\n"
	     "  quit: Q\n"
	     "sync:\n"
	     "  server: https://hub.example:8443\n"
	     "  token_file: ~/token\n"
	     "  ca_file: /etc/ca.pem\n"
	     "  every_minutes: 5\n"
	     "terminal_encoding: GBK\n");
	assert_string_equal(c.warning, "");
	assert_string_equal(c.sync_warning, "");
	assert_string_equal(c.path, path);
	assert_string_equal(c.office, "桑壁镇应急办");
	assert_string_equal(c.officer, "张三");
	assert_string_equal(c.language, "zh");
	assert_string_equal(c.theme, "mono");
	assert_string_equal(c.terminal_encoding, "GBK");
	assert_int_equal(c.ambiguous, 2);
	assert_int_equal(c.escdelay, 25);
	assert_int_equal(c.expiry_days, 60);
	assert_false(c.bell);
	assert_int_equal(c.nkeys, 2);
	assert_string_equal(c.keys[0].action, "down");
	assert_string_equal(c.keys[0].keys, "j Down ^N");
	assert_int_equal(c.keys[0].line, 10);
	assert_int_equal(c.keys[0].column, 9);
	assert_string_equal(c.keys[1].action, "quit");
	assert_string_equal(c.sync.server, "https://hub.example:8443");
	assert_string_equal(c.sync.token_file, "/home/值班/token");
	assert_string_equal(c.sync.ca_file, "/etc/ca.pem");
	assert_int_equal(c.sync.every_minutes, 5);
}

static void test_defaults(void **state)
{
	(void)state;
	unlink(path);
	config_load(&c, path); /* no file */
	assert_string_equal(c.warning, "");
	assert_string_equal(c.theme, "auto");
	assert_int_equal(c.ambiguous, 1);
	assert_int_equal(c.escdelay, 100);
	assert_int_equal(c.expiry_days, 30);
	assert_true(c.bell);
	assert_true(c.mouse);
	assert_int_equal(c.nkeys, 0);
	assert_string_equal(c.sync.server, "");
	assert_int_equal(c.sync.every_minutes, 0);
	load("mouse: off\n"); /* as people write it */
	assert_string_equal(c.warning, "");
	assert_false(c.mouse);
	load(""); /* empty */
	assert_string_equal(c.warning, "");
	load("# nothing but a comment\n");
	assert_string_equal(c.warning, "");
	load("keys:\nsync:\n"); /* sections left empty */
	assert_string_equal(c.warning, "");
	assert_string_equal(c.sync_warning, "");
}

/* Each problem: the exact message, and whether sync refuses for it. */
static void expect(const char *text, const char *where_what, bool sync)
{
	load(text);
	assert_string_equal(c.warning, at(where_what));
	assert_string_equal(c.sync_warning, sync ? at(where_what) : "");
}

static void test_unknown_and_misplaced(void **state)
{
	(void)state;
	expect("theme: mono\nbogus: 1\n", "2:1: bogus: unknown setting (expected one of " TOP ")",
	       false);
	assert_string_equal(c.theme, "mono"); /* the rest is read */
	expect("node: sangbi\n", "1:1: node: unknown setting (expected one of " TOP ")", false);
	expect("office: x\ntoken_file: ~/t\n", "2:1: token_file: belongs under sync:", true);
	assert_string_equal(c.sync.token_file, "");
	expect("server: https://hub\n", "1:1: server: belongs under sync:", true);
	expect("ca_file: /etc/ca.pem\n", "1:1: ca_file: belongs under sync:", true);
	expect("every_minutes: 5\n", "1:1: every_minutes: belongs under sync:", true);
	expect("sync_server: https://hub\n", "1:1: sync_server: belongs under sync:, as server",
	       true);
	expect("sync_minutes: 5\n", "1:1: sync_minutes: belongs under sync:, as every_minutes",
	       true);
	expect("sync:\n  server: x\n  colour: red\n",
	       "3:3: sync.colour: unknown setting (expected one of " SYNC ")", true);
	assert_string_equal(c.sync.server, "x");
	expect("sync:\n  theme: mono\n", "2:3: sync.theme: belongs at the top level, not under sync:",
	       true);
	assert_string_equal(c.theme, "auto");
	expect("[a, b]: 1\n", "1:1: expected a setting name", false);
	expect("sync:\n  [a]: 1\n", "2:3: sync: expected a setting name", true);
}

static void test_values(void **state)
{
	(void)state;
	expect("office: [a]\n", "1:9: office: expected text", false);
	expect("officer: {a: b}\n", "1:10: officer: expected text", false);
	expect("language: fr\n", "1:11: language: expected zh, en or auto", false);
	expect("terminal_encoding: [GBK]\n", "1:20: terminal_encoding: expected an encoding (GBK, GB18030, UTF-8)", false);
	expect("theme: purple\n", "1:8: theme: expected auto or mono", false);
	assert_string_equal(c.theme, "auto");
	expect("ambiguous_width: 3\n", "1:18: ambiguous_width: expected 1 or 2", false);
	expect("escape_delay_ms: 2001\n",
	       "1:18: escape_delay_ms: expected milliseconds from 0 to 2000", false);
	assert_int_equal(c.escdelay, 100);
	expect("expiry_days: -1\n", "1:14: expiry_days: expected a number of days from 0 to 3650",
	       false);
	expect("bell: yes\n", "1:7: bell: expected on or off (true or false)", false);
	expect("mouse: maybe\n", "1:8: mouse: expected on or off (true or false)", false);
	expect("keys: j\n", "1:7: keys: expected a mapping of action: keys", false);
	expect("keys:\n  down: [j]\n", "2:9: keys.down: expected keys like \"j Down\"", false);
	expect("sync: yes\n", "1:7: sync: expected a mapping of " SYNC, true);
	expect("sync:\n  server: [a]\n", "2:11: sync.server: expected a URL", true);
	expect("sync:\n  token_file: {a: b}\n", "2:15: sync.token_file: expected a file name", true);
	expect("sync:\n  ca_file: [a]\n", "2:12: sync.ca_file: expected a file name", true);
	expect("sync:\n  server: x\n  every_minutes: often\n",
	       "3:18: sync.every_minutes: expected minutes from 0 to 1440", true);
	assert_int_equal(c.sync.every_minutes, 0);
	expect("sync:\n  every_minutes: 1441\n",
	       "2:18: sync.every_minutes: expected minutes from 0 to 1440", true);
}

/* sms: the channel, the gateway's headers, numbers in range. */
static void test_sms(void **state)
{
	(void)state;
	load("sms:\n  channel: http\n  url: http://127.0.0.1:9/send\n"
	     "  headers:\n    - \"Authorization: Bearer {secret}\"\n    - \"X-A: b\"\n"
	     "  body: '{\"m\": \"{phone}\"}'\n  secret_file: ~/s\n  confirm_words: 收到 好\n"
	     "  retries: 3\n  retry_seconds: 10\n");
	assert_string_equal(c.warning, "");
	assert_string_equal(c.sms.channel, "http");
	assert_int_equal(c.sms.nheaders, 2);
	assert_string_equal(c.sms.headers[0], "Authorization: Bearer {secret}");
	assert_string_equal(c.sms.body, "{\"m\": \"{phone}\"}");
	assert_int_equal(c.sms.retries, 3);
	assert_int_equal(c.sms.retry_seconds, 10);
	assert_string_equal(c.sms.method, "POST");
	load("theme: mono\n");
	assert_string_equal(c.sms.channel, "");
	assert_int_equal(c.sms.retries, 5);
	expect("sms:\n  channel: pigeon\n", "2:12: sms.channel: expected gammu, http or none", false);
	expect("sms:\n  headers: [nocolon]\n", "2:13: sms.headers: expected \"Name: value\"", false);
	expect("sms:\n  retries: 0\n", "2:12: sms.retries: expected a number from 1 to 100", false);
	expect("sms:\n  gammu_spool: ''\n", "2:16: sms.gammu_spool: expected text", false);
	expect("sms:\n  colour: red\n",
	       "2:3: sms.colour: unknown setting (expected one of channel, gammu_spool, url, "
	       "method, headers, body, secret_file, template, confirm_words, retries, "
	       "retry_seconds)", false);
}

static void test_file(void **state)
{
	(void)state;
	expect("office: x\ntheme: [\n", "3:1: did not find expected node content", true);
	expect("office: 应急办\nofficer: \xff\n", "2:10: invalid leading UTF-8 octet", true);
	expect("- a\n- b\n", "1:1: expected a mapping of settings", true);
	expect("just words\n", "1:1: expected a mapping of settings", true);
	/* a folder where the file should be */
	char *dir = new_path("config.yaml");
	assert_int_equal(mkdir(dir, 0700), 0);
	config_load(&c, dir);
	char want[300];
	snprintf(want, sizeof want, "%s: cannot read it: Is a directory", dir);
	assert_string_equal(c.warning, want);
	assert_string_equal(c.sync_warning, want);
	rmdir(dir);
	free(dir);
}

/* The first problem is the one shown; sync's is the first in what it reads. */
static void test_first(void **state)
{
	(void)state;
	load("theme: purple\nbogus: 1\nsync:\n  every_minutes: x\n  colour: red\n");
	assert_string_equal(c.warning, at("1:8: theme: expected auto or mono"));
	assert_string_equal(c.sync_warning,
			    at("4:18: sync.every_minutes: expected minutes from 0 to 1440"));
	/* one found later but earlier in the file comes first */
	config_warn_at(&c, 1, 1, "x", "earlier");
	assert_string_equal(c.warning, at("1:1: x: earlier"));
	config_warn_at(&c, 1, 1, "y", "same place, later");
	config_warn_at(&c, 9, 1, "z", "after");
	assert_string_equal(c.warning, at("1:1: x: earlier"));
	load("theme: mono\n");
	config_warn_at(&c, 7, 3, "keys.up", "unknown key 'Upp'");
	assert_string_equal(c.warning, at("7:3: keys.up: unknown key 'Upp'"));
	assert_string_equal(c.sync_warning, "");
}

/* The console's side: keys: over the default keymap. */
static void test_keys(void **state)
{
	(void)state;
	struct keymap km;
	load("keys:\n  down: \"x Down\"\n  quit: Q\n");
	keymap_from_config(&km, &c);
	assert_string_equal(c.warning, "");
	assert_int_equal(keymap_lookup(&km, 'x'), ACT_DOWN);
	assert_int_equal(keymap_lookup(&km, 'j'), ACT_NONE); /* replaced */
	assert_int_equal(keymap_lookup(&km, 'Q'), ACT_QUIT);
	assert_int_equal(keymap_lookup(&km, 'k'), ACT_UP); /* untouched */

	load("keys:\n  down: \"j Dwn\"\n");
	keymap_from_config(&km, &c);
	assert_string_equal(c.warning, at("2:9: keys.down: unknown key 'Dwn'"));
	assert_string_equal(c.sync_warning, "");

	load("keys:\n  frob: x\n");
	keymap_from_config(&km, &c);
	assert_string_equal(
		c.warning,
		at("2:9: keys.frob: unknown action 'frob' (expected one of quit, help, next-pane, "
		   "prev-pane, pane-overview, pane-incidents, pane-hazards, pane-resources, "
		   "pane-plans, down, up, page-down, page-up, top, bottom, open, back, search, "
		   "next-match, prev-match, sort, filter, add, edit, note, inspect, stock-move, "
		   "command, redraw, history, switch-list, call, dispatch, tick, zoom, left, right)"));

	/* a bad key on line 2 comes before a bad theme on line 3 */
	load("keys:\n  down: Dwn\ntheme: purple\n");
	assert_string_equal(c.warning, at("3:8: theme: expected auto or mono"));
	keymap_from_config(&km, &c);
	assert_string_equal(c.warning, at("2:9: keys.down: unknown key 'Dwn'"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path),   cmocka_unit_test(test_everything),
		cmocka_unit_test(test_defaults), cmocka_unit_test(test_unknown_and_misplaced),
		cmocka_unit_test(test_values), cmocka_unit_test(test_file),
		cmocka_unit_test(test_first),  cmocka_unit_test(test_keys), cmocka_unit_test(test_sms),
	};
	return cmocka_run_group_tests(tests, setup, group_teardown);
}
