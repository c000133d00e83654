/* dutydesk: the console (no command) and the scriptable CLI. */
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "../tui/tui_main.h"
#include "config.h"
#include "dutydesk/width.h"

static const struct cli_cmd *const groups[] = {cmds_misc, cmds_backup, cmds_incident, cmds_hazard, cmds_stock,
					       cmds_duty, cmds_resources, cmds_plan, cmds_warning};

static void usage(FILE *f)
{
	fputs("Usage: dutydesk [--db PATH] [--officer NAME] [COMMAND [ARGS...]]\n"
	      "\n"
	      "The duty console of a county emergency-management office, and its CLI.\n"
	      "With no command it shows the overview of the database.\n"
	      "\n"
	      "Options:\n"
	      "  --db PATH        database file (default: $DUTYDESK_DB, else\n"
	      "                   $XDG_DATA_HOME/dutydesk/dutydesk.db)\n"
	      "  --officer NAME   who is acting, for the audit trail (default: $DUTYDESK_OFFICER,\n"
	      "                   else $USER)\n"
	      "  --json           print JSON (also accepted after the command)\n"
	      "  -h, --help       this help; COMMAND --help for a command's options\n"
	      "  -V, --version    print the version\n"
	      "\n"
	      "Commands:\n", f);
	for (size_t g = 0; g < ARRAY_LEN(groups); g++)
		for (const struct cli_cmd *c = groups[g]; c->group; c++) {
			char name[64];
			snprintf(name, sizeof name, "%s%s%s", c->group, c->verb ? " " : "",
				 c->verb ? c->verb : "");
			fprintf(f, "  %-18s %s\n", name, c->summary);
		}
	fputs("\nExit status: 0 success, 1 failure, 2 usage error. See dutydesk(1).\n", f);
}

static void cmd_usage(const struct cli_cmd *cmd, FILE *f)
{
	fprintf(f, "Usage: dutydesk %s%s%s [OPTIONS]%s%s\n\n%s\n\nOptions:\n", cmd->group,
		cmd->verb ? " " : "", cmd->verb ? cmd->verb : "", cmd->args ? " " : "",
		cmd->args ? cmd->args : "", cmd->summary);
	for (const struct cli_opt *o = cmd->opts; o && o->name; o++) {
		char left[64];
		snprintf(left, sizeof left, "--%s%s%s", o->name, o->arg ? " " : "",
			 o->arg ? o->arg : "");
		fprintf(f, "  %-24s %s\n", left, o->help);
	}
	fprintf(f, "  %-24s %s\n  %-24s %s\n", "--json", "print JSON", "-h, --help", "this help");
}

const char *cli_opt(struct cli *c, const char *name)
{
	return json_string_value(json_object_get(c->extra, name));
}

json_t *cli_value(struct cli *c, const struct table *t, const char *col, const char *name)
{
	const struct column *base = table_column(t, col);
	if (!base) {
		err_set(&c->err, ERR_FAIL, "internal: %s has no column %s", t->name, col);
		return NULL;
	}
	struct column label = *base;
	char opt[64];
	snprintf(opt, sizeof opt, "--%s", name);
	label.input = opt; /* messages name the option the person typed */
	const char *tc = json_string_value(json_object_get(c->fields, "township_code"));
	return field_parse(c->st, &label, cli_opt(c, name), tc, &c->err);
}

int cli_fail(struct cli *c)
{
	const char *verb = c->cmd && c->cmd->verb ? c->cmd->verb : "";
	fprintf(stderr, "dutydesk%s%s%s%s: %s\n", c->cmd ? " " : "", c->cmd ? c->cmd->group : "",
		*verb ? " " : "", verb, c->err.msg);
	return c->err.code ? c->err.code : ERR_FAIL;
}

int cli_tx(struct cli *c, bool (*fn)(struct cli *c))
{
	if (!store_begin(c->st, &c->err))
		return cli_fail(c);
	if (!fn(c)) {
		store_rollback(c->st);
		return cli_fail(c);
	}
	if (!store_commit(c->st, &c->err))
		return cli_fail(c);
	return 0;
}

/* A new record's required columns must be given (checked before the
 * database is opened: usage errors first). */
static bool check_required(struct cli *c)
{
	for (const struct cli_opt *o = c->cmd->opts; (c->cmd->flags & CMD_RECORD) && o->name; o++) {
		const struct column *col = o->field ? table_column(c->cmd->table, o->field) : NULL;
		if (col && col->required && !cli_opt(c, o->name))
			return err_set(&c->err, ERR_USAGE, "--%s is required", o->name);
	}
	return true;
}

/* Turns the field options into typed values: townships before villages. */
static bool parse_fields(struct cli *c)
{
	for (int pass = 0; pass < 2; pass++)
		for (const struct cli_opt *o = c->cmd->opts; o && o->name; o++) {
			if (!o->field || !cli_opt(c, o->name))
				continue;
			const struct column *col = table_column(c->cmd->table, o->field);
			if ((col && col->type == CT_VILLAGE) != (pass == 1))
				continue;
			json_t *v = cli_value(c, c->cmd->table, o->field, o->name);
			if (!v)
				return false;
			json_object_set_new(c->fields, o->field, v);
		}
	return true;
}

static int run_cmd(const struct cli_cmd *cmd, int argc, char **argv, struct cli *c)
{
	size_t n = 0;
	for (const struct cli_opt *o = cmd->opts; o && o->name; o++)
		n++;
	struct option *lo = xcalloc(n + 3, sizeof *lo);
	for (size_t i = 0; i < n; i++)
		lo[i] = (struct option){cmd->opts[i].name,
					cmd->opts[i].arg ? required_argument : no_argument, NULL,
					(int)(i + 1000)};
	lo[n] = (struct option){"json", no_argument, NULL, 'j'};
	lo[n + 1] = (struct option){"help", no_argument, NULL, 'h'};
	c->cmd = cmd;
	int rc = 0, ch;
	optind = 0; /* 0, not 1: glibc then forgets the global parse's "+" mode */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
		if (ch == 'h') {
			cmd_usage(cmd, stdout);
			free(lo);
			return 0;
		} else if (ch == 'j') {
			c->json = true;
		} else if (ch >= 1000) {
			const struct cli_opt *o = &cmd->opts[ch - 1000];
			const char *v = o->arg ? optarg : "1";
			if (!str_valid_utf8(v))
				rc = (err_set(&c->err, ERR_USAGE, "--%s: not valid UTF-8 text", o->name),
				      ERR_USAGE);
			else if (json_object_get(c->extra, o->name))
				rc = (err_set(&c->err, ERR_USAGE, "--%s given twice", o->name), ERR_USAGE);
			json_object_set_new(c->extra, o->name, json_string(v));
		} else {
			err_set(&c->err, ERR_USAGE,
				ch == ':' ? "%s needs a value" : "unknown option '%s' (see --help)",
				argv[optind - 1]);
			rc = ERR_USAGE;
		}
		if (rc)
			break;
	}
	free(lo);
	if (rc)
		return cli_fail(c);
	c->args = argv + optind;
	c->nargs = argc - optind;
	if (c->nargs < cmd->nargs_min || c->nargs > cmd->nargs_max) {
		err_set(&c->err, ERR_USAGE, "expected %s%s (see --help)",
			cmd->args ? cmd->args : "no arguments", c->nargs > cmd->nargs_max && cmd->args ? " only" : "");
		return cli_fail(c);
	}
	for (int i = 0; i < c->nargs; i++)
		if (!str_valid_utf8(c->args[i])) {
			err_set(&c->err, ERR_USAGE, "argument %d is not valid UTF-8", i + 1);
			return cli_fail(c);
		}
	if (!check_required(c))
		return cli_fail(c);
	if (cmd->flags & CMD_NODB)
		return cmd->run(c);
	bool existed = access(c->db_path, F_OK) == 0;
	if (!store_open(c->db_path, cmd->flags & CMD_CREATES ? STORE_CREATE : 0, &c->st, &c->err))
		rc = cli_fail(c);
	else {
		store_set_actor(c->st, c->officer);
		rc = parse_fields(c) ? cmd->run(c) : cli_fail(c);
	}
	if (rc != 0 && !existed) {
		/* A database this command created and then failed to make or fill
		 * (a full disk, say): gone. */
		store_close(c->st);
		c->st = NULL;
		static const char *const sfx[] = {"", "-wal", "-shm"};
		for (size_t i = 0; i < ARRAY_LEN(sfx); i++) {
			char *p = xasprintf("%s%s", c->db_path, sfx[i]);
			unlink(p);
			free(p);
		}
	}
	return rc;
}

static const struct cli_cmd *find_cmd(const char *group, const char *verb, bool *group_found)
{
	*group_found = false;
	for (size_t g = 0; g < ARRAY_LEN(groups); g++)
		for (const struct cli_cmd *c = groups[g]; c->group; c++) {
			if (!str_eq(c->group, group))
				continue;
			*group_found = true;
			if (!c->verb || str_eq(c->verb, verb))
				return c;
		}
	return NULL;
}

static void group_usage(const char *group, FILE *f)
{
	fprintf(f, "Usage: dutydesk %s VERB [OPTIONS]\n\nVerbs:\n", group);
	for (size_t g = 0; g < ARRAY_LEN(groups); g++)
		for (const struct cli_cmd *c = groups[g]; c->group; c++)
			if (str_eq(c->group, group))
				fprintf(f, "  %-10s %s\n", c->verb, c->summary);
}

int main(int argc, char **argv)
{
	width_init_locale();
	static const struct option lo[] = {
		{"db", required_argument, NULL, 'd'}, {"officer", required_argument, NULL, 'o'},
		{"json", no_argument, NULL, 'j'},      {"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},   {NULL, 0, NULL, 0}};
	const char *db_flag = NULL, *officer = NULL;
	bool json = false;
	int ch;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:hV", lo, NULL)) != -1) {
		switch (ch) {
		case 'd':
			db_flag = optarg;
			break;
		case 'o':
			officer = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("dutydesk %s\n", DD_VERSION);
			return 0;
		default:
			fprintf(stderr, "dutydesk: %s '%s' (see --help)\n",
				ch == ':' ? "no value for" : "unknown option", argv[optind - 1]);
			return ERR_USAGE;
		}
	}
	if (!officer)
		officer = getenv("DUTYDESK_OFFICER");
	if (str_empty(officer))
		officer = getenv("USER");
	if (str_empty(officer)) {
		struct passwd *pw = getpwuid(getuid());
		officer = pw ? pw->pw_name : NULL;
	}

	struct cli c = {.json = json, .officer = officer, .fields = json_object(),
			.extra = json_object()};
	char *path = store_default_path(db_flag);
	c.db_path = path;
	int rc;
	/* No command: the console on a terminal, the overview text otherwise. */
	if (optind >= argc && !json && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
		int code = tui_main(path, officer);
		free(path);
		json_decref(c.fields);
		json_decref(c.extra);
		return code;
	}
	const char *group = optind < argc ? argv[optind] : "overview";
	const char *verb = optind + 1 < argc ? argv[optind + 1] : NULL;
	bool known_group;
	const struct cli_cmd *cmd = find_cmd(group, verb, &known_group);
	if (!cmd && known_group) {
		if (!verb || str_eq(verb, "--help") || str_eq(verb, "-h")) {
			group_usage(group, verb ? stdout : stderr);
			rc = verb ? 0 : ERR_USAGE;
		} else {
			fprintf(stderr, "dutydesk %s: unknown verb '%s'\n", group, verb);
			group_usage(group, stderr);
			rc = ERR_USAGE;
		}
	} else if (!cmd) {
		fprintf(stderr, "dutydesk: unknown command '%s' (see dutydesk --help)\n", group);
		rc = ERR_USAGE;
	} else {
		int skip = optind + (cmd->verb ? 1 : 0);
		/* argv[skip] becomes argv[0] of the command's own option parse. */
		if (optind >= argc)
			skip = argc - 1;
		rc = run_cmd(cmd, argc - skip, argv + skip, &c);
	}
	store_close(c.st);
	json_decref(c.fields);
	json_decref(c.extra);
	free(path);
	return rc;
}
