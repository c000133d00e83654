/* dutydesk: the console (no command) and the scriptable CLI. */
#define _GNU_SOURCE /* fopencookie */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "dutydesk/console.h"
#include "config.h"
#include "dutydesk/width.h"

/* No option or argument is longer: 64 KiB is some 20,000 Chinese characters,
 * and a message quoting a longer value would lose its explanation. */
#define CLI_MAX_VALUE 65536

static const struct cli_cmd *const groups[] = {cmds_misc, cmds_backup, cmds_incident,
					       cmds_hazard, cmds_stock, cmds_duty,
					       cmds_resources, cmds_plan, cmds_warning, cmds_sync};

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

/* A message to stderr with what the person typed in it made harmless: no
 * control or escape byte reaches the terminal (shown as '?'). */
void cli_say(const char *fmt, ...)
{
	struct strbuf raw, safe;
	sb_init(&raw);
	sb_init(&safe);
	va_list ap;
	va_start(ap, fmt);
	sb_vprintf(&raw, fmt, ap);
	va_end(ap);
	sb_safe(&safe, raw.buf);
	fputs(safe.buf, stderr);
	sb_finish(&raw);
	sb_finish(&safe);
}

/* Checks below the CLI name a field ("subtype: ..."); the message names the
 * option that filled it ("--subtype: ..."). */
static void name_option(struct cli *c)
{
	char *colon = strstr(c->err.msg, ": ");
	if (!c->cmd || !colon)
		return;
	size_t n = (size_t)(colon - c->err.msg);
	for (const struct cli_opt *o = c->cmd->opts; o && o->name; o++) {
		const char *f = o->field ? o->field : o->name;
		if (o->arg && strlen(f) == n && strncmp(f, c->err.msg, n) == 0) {
			char rest[sizeof c->err.msg];
			snprintf(rest, sizeof rest, "%s", colon + 2);
			snprintf(c->err.msg, sizeof c->err.msg, "--%s: %s", o->name, rest);
			return;
		}
	}
}

int cli_fail(struct cli *c)
{
	name_option(c);
	const char *verb = c->cmd && c->cmd->verb ? c->cmd->verb : "";
	cli_say("dutydesk%s%s%s%s: %s\n", c->cmd ? " " : "", c->cmd ? c->cmd->group : "",
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
			if (json_is_null(v) && col && col->required) {
				json_decref(v);
				return err_set(&c->err, ERR_USAGE, "--%s: must not be empty", o->name);
			}
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
			if (strlen(v) > CLI_MAX_VALUE)
				rc = (err_set(&c->err, ERR_USAGE, "--%s: too long (%zu bytes; at most %d)",
					      o->name, strlen(v), CLI_MAX_VALUE),
				      ERR_USAGE);
			else if (!str_valid_utf8(v))
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
		if (strlen(c->args[i]) > CLI_MAX_VALUE) {
			err_set(&c->err, ERR_USAGE, "argument %d: too long (%zu bytes; at most %d)", i + 1,
				strlen(c->args[i]), CLI_MAX_VALUE);
			return cli_fail(c);
		} else if (!str_valid_utf8(c->args[i])) {
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

/* ---- text output made safe for terminals ----
 * Commands print stored text (titles, notes, codes, file contents) in many
 * places; in text mode stdout passes through this filter so that no control
 * or escape byte a record holds reaches the terminal raw: C0 controls other
 * than tab, line feed and carriage return (CSV line ends), DEL and C1
 * controls (UTF-8 C2 80..C2 9F) become '?'. JSON and CSV exports are data
 * and go to the raw stream (cli_data_out). */
static FILE *data_out;

FILE *cli_data_out(void)
{
	if (data_out)
		fflush(stdout); /* keep the order of what both streams wrote */
	return data_out ? data_out : stdout;
}

struct safe_out {
	int fd;
	bool c2; /* a 0xC2 lead byte waits for the next chunk */
};

static bool write_all(int fd, const char *b, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, b, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		b += w;
		n -= (size_t)w;
	}
	return true;
}

static ssize_t safe_write(void *cookie, const char *buf, size_t n)
{
	struct safe_out *so = cookie;
	char out[4096 + 2];
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char b = (unsigned char)buf[i];
		if (so->c2) {
			so->c2 = false;
			if (b >= 0x80 && b <= 0x9F) {
				out[k++] = '?';
				continue;
			}
			out[k++] = (char)0xC2;
		}
		if (b == 0xC2) {
			so->c2 = true;
			continue;
		}
		if ((b < 0x20 && b != '\n' && b != '\t' && b != '\r') || b == 0x7F)
			b = '?';
		out[k++] = (char)b;
		if (k >= 4096) {
			if (!write_all(so->fd, out, k))
				return -1;
			k = 0;
		}
	}
	return k && !write_all(so->fd, out, k) ? -1 : (ssize_t)n;
}

static int safe_close(void *cookie)
{
	struct safe_out *so = cookie;
	if (so->c2)
		write_all(so->fd, "\xC2", 1);
	free(so);
	return 0;
}

static void safe_stdout_begin(void)
{
	fflush(stdout);
	int fd = dup(STDOUT_FILENO);
	FILE *raw = fd >= 0 ? fdopen(fd, "w") : NULL;
	struct safe_out *so = xcalloc(1, sizeof *so);
	so->fd = STDOUT_FILENO;
	FILE *f = raw ? fopencookie(so, "w", (cookie_io_functions_t){NULL, safe_write, NULL,
									safe_close})
		      : NULL;
	if (!f) {
		if (raw)
			fclose(raw);
		else if (fd >= 0)
			close(fd);
		free(so);
		return;
	}
	/* As stdout was: line by line on a terminal. */
	setvbuf(f, NULL, isatty(STDOUT_FILENO) ? _IOLBF : _IOFBF, BUFSIZ);
	data_out = raw;
	stdout = f;
}

static int safe_stdout_end(void)
{
	if (!data_out)
		return 0;
	int rc = fclose(stdout);
	stdout = data_out; /* the raw stream, on the same file */
	data_out = NULL;
	return rc;
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
			cli_say("dutydesk: %s '%s' (see --help)\n",
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
			cli_say("dutydesk %s: unknown verb '%s'\n", group, verb);
			group_usage(group, stderr);
			rc = ERR_USAGE;
		}
	} else if (!cmd) {
		cli_say("dutydesk: unknown command '%s' (see dutydesk --help)\n", group);
		rc = ERR_USAGE;
	} else {
		if (!json)
			safe_stdout_begin();
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
	if (safe_stdout_end() != 0 && rc == 0) {
		fputs("dutydesk: cannot write the output\n", stderr);
		rc = ERR_FAIL;
	}
	return rc;
}
