/* The runner: a verb's words parsed against its entry, the store opened,
 * and a writing verb run inside one transaction whose output is let out
 * only once the transaction is committed: nothing shown claims a write
 * that was rolled back. Both faces run every verb through cmd_run. */
#define _GNU_SOURCE /* open_memstream is POSIX 2008; getopt_long */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dutydesk/i18n.h"
#include "cmd_impl.h"

/* No option or argument is longer: 64 KiB is some 20,000 Chinese characters,
 * and a message quoting a longer value would lose its explanation. */
#define CMD_MAX_VALUE 65536

void cmd_ctx_init(struct cmd_ctx *c, const char *db_path, const char *officer, FILE *out,
		  FILE *data, FILE *msg)
{
	memset(c, 0, sizeof *c);
	c->db_path = db_path;
	c->officer = officer;
	c->out = out;
	c->data = data;
	c->msg = msg;
	c->fields = json_object();
	c->extra = json_object();
}

void cmd_ctx_finish(struct cmd_ctx *c)
{
	json_decref(c->fields);
	json_decref(c->extra);
	c->fields = c->extra = NULL;
	if (c->own_rules_loaded)
		deadline_rules_finish(&c->own_rules);
	c->own_rules_loaded = false;
	if (c->own_store)
		store_close(c->st);
	c->own_store = false;
}

const char *cmd_opt(struct cmd_ctx *c, const char *name)
{
	return json_string_value(json_object_get(c->extra, name));
}

json_t *cmd_value(struct cmd_ctx *c, const struct table *t, const char *col, const char *name)
{
	const struct column *base = table_column(t, col);
	if (!base) {
		err_set(&c->err, ERR_FAIL, _("internal: %s has no column %s"), t->name, col);
		return NULL;
	}
	struct column label = *base;
	char opt[64];
	snprintf(opt, sizeof opt, "--%s", name);
	label.input = opt; /* messages name the option the person typed */
	const char *tc = json_string_value(json_object_get(c->fields, "township_code"));
	return field_parse(c->st, &label, cmd_opt(c, name), tc, &c->err);
}

const struct deadline_rules *cmd_rules(struct cmd_ctx *c)
{
	if (c->rules)
		return c->rules;
	if (!rules_load(&c->own_rules, &c->err))
		return NULL;
	c->own_rules_loaded = true;
	return c->rules = &c->own_rules;
}

void cmd_say(struct cmd_ctx *c, const char *fmt, ...)
{
	i18n_check_shown(fmt);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(c->msg, fmt, ap);
	va_end(ap);
}

FILE *cmd_data(struct cmd_ctx *c)
{
	fflush(c->out); /* keep the order of what both streams wrote */
	return c->data;
}

bool cmd_number(struct cmd_ctx *c, const char *name, long long min, long long max,
		const char *expected, long long *out)
{
	const char *v = cmd_opt(c, name);
	if (v && !str_to_ll(v, min, max, out))
		return err_set(&c->err, ERR_USAGE, _("--%s: '%s': expected %s"), name, v, expected);
	return true;
}

bool cmd_limit(struct cmd_ctx *c, long long *limit)
{
	return cmd_number(c, "limit", 1, 1000000000, _("a whole number above 0"), limit);
}

bool cmd_township(struct cmd_ctx *c, char code[16], const char **out)
{
	*out = NULL;
	if (!cmd_opt(c, "township"))
		return true;
	if (!q_township(c->st, cmd_opt(c, "township"), code, &c->err))
		return err_prefix(&c->err, _("--township")), false;
	*out = code;
	return true;
}

/* Checks below the verbs name a field ("subtype: ..."); the message names
 * the option that filled it ("--subtype: ..."). */
static void name_option(struct cmd_ctx *c)
{
	char *colon = strstr(c->err.msg, ": ");
	if (!c->cmd || !colon)
		return;
	size_t n = (size_t)(colon - c->err.msg);
	for (const struct cmd_opt *o = c->cmd->opts; o && o->name; o++) {
		const char *f = o->field ? o->field : o->name;
		if (o->arg && strlen(f) == n && strncmp(f, c->err.msg, n) == 0) {
			char rest[sizeof c->err.msg];
			snprintf(rest, sizeof rest, "%s", colon + 2);
			snprintf(c->err.msg, sizeof c->err.msg, "--%s: %s", o->name, rest);
			return;
		}
	}
}

/* The exit code of a failure, with its message ready for the face. */
static int fail(struct cmd_ctx *c)
{
	if (!c->err.msg[0])
		err_set(&c->err, ERR_FAIL, _("failed"));
	name_option(c);
	return c->err.code ? c->err.code : ERR_FAIL;
}

/* A new record's required columns must be given (checked before the
 * database is opened: usage errors first). */
static bool check_required(struct cmd_ctx *c)
{
	for (const struct cmd_opt *o = c->cmd->opts; (c->cmd->flags & CMD_RECORD) && o->name; o++) {
		const struct column *col = o->field ? table_column(c->cmd->table, o->field) : NULL;
		if (col && col->required && !cmd_opt(c, o->name))
			return err_set(&c->err, ERR_USAGE, _("--%s is required"), o->name);
	}
	return true;
}

/* Turns the field options into typed values: townships before villages. */
static bool parse_fields(struct cmd_ctx *c)
{
	for (int pass = 0; pass < 2; pass++)
		for (const struct cmd_opt *o = c->cmd->opts; o && o->name; o++) {
			if (!o->field || !cmd_opt(c, o->name))
				continue;
			const struct column *col = table_column(c->cmd->table, o->field);
			if ((col && col->type == CT_VILLAGE) != (pass == 1))
				continue;
			json_t *v = cmd_value(c, c->cmd->table, o->field, o->name);
			if (!v)
				return false;
			if (json_is_null(v) && col && col->required) {
				json_decref(v);
				return err_set(&c->err, ERR_USAGE, _("--%s: must not be empty"), o->name);
			}
			json_object_set_new(c->fields, o->field, v);
		}
	return true;
}

/* getopt over the entry's options; false with a usage error. */
static bool parse_options(struct cmd_ctx *c, int argc, char **argv)
{
	const struct cmd *cmd = c->cmd;
	size_t n = 0;
	for (const struct cmd_opt *o = cmd->opts; o && o->name; o++)
		n++;
	struct option *lo = xcalloc(n + 3, sizeof *lo);
	for (size_t i = 0; i < n; i++)
		lo[i] = (struct option){cmd->opts[i].name,
					cmd->opts[i].arg ? required_argument : no_argument, NULL,
					(int)(i + 1000)};
	lo[n] = (struct option){"json", no_argument, NULL, 'j'};
	lo[n + 1] = (struct option){"help", no_argument, NULL, 'h'};
	bool ok = true;
	int ch;
	optind = 0; /* 0, not 1: glibc then forgets an earlier parse's "+" mode */
	opterr = 0;
	while (ok && (ch = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
		if (ch == 'h') {
			c->helped = true;
			break;
		} else if (ch == 'j') {
			c->json = true;
		} else if (ch >= 1000) {
			const struct cmd_opt *o = &cmd->opts[ch - 1000];
			const char *v = o->arg ? optarg : "1";
			if (strlen(v) > CMD_MAX_VALUE)
				ok = err_set(&c->err, ERR_USAGE, _("--%s: too long (%zu bytes; at most %d)"),
					     o->name, strlen(v), CMD_MAX_VALUE);
			else if (!str_valid_utf8(v))
				ok = err_set(&c->err, ERR_USAGE, _("--%s: not valid UTF-8 text"), o->name);
			else if (json_object_get(c->extra, o->name))
				ok = err_set(&c->err, ERR_USAGE, _("--%s given twice"), o->name);
			json_object_set_new(c->extra, o->name, json_string(v));
		} else {
			ok = err_set(&c->err, ERR_USAGE,
				     ch == ':' ? _("%s needs a value") : _("unknown option '%s' (see --help)"),
				     argv[optind - 1]);
		}
	}
	free(lo);
	if (!ok || c->helped)
		return ok;
	c->args = argv + optind;
	c->nargs = argc - optind;
	if (c->nargs < cmd->nargs_min || c->nargs > cmd->nargs_max)
		return err_set(&c->err, ERR_USAGE, _("expected %s%s (see --help)"),
			       cmd->args ? cmd->args : _("no arguments"),
			       c->nargs > cmd->nargs_max && cmd->args ? " only" : "");
	for (int i = 0; i < c->nargs; i++)
		if (strlen(c->args[i]) > CMD_MAX_VALUE)
			return err_set(&c->err, ERR_USAGE, _("argument %d: too long (%zu bytes; at most %d)"),
				       i + 1, strlen(c->args[i]), CMD_MAX_VALUE);
		else if (!str_valid_utf8(c->args[i]))
			return err_set(&c->err, ERR_USAGE, _("argument %d is not valid UTF-8"), i + 1);
	return check_required(c);
}

/* A writing verb's output, held in memory until its transaction ends. */
struct held {
	FILE *out, *data, *msg; /* the face's streams */
	char *buf[3];
	size_t len[3];
};

static void hold(struct cmd_ctx *c, struct held *h)
{
	memset(h, 0, sizeof *h);
	h->out = c->out, h->data = c->data, h->msg = c->msg;
	c->out = open_memstream(&h->buf[0], &h->len[0]);
	c->data = open_memstream(&h->buf[1], &h->len[1]);
	c->msg = open_memstream(&h->buf[2], &h->len[2]);
	if (!c->out || !c->data || !c->msg) {
		fputs("dutydesk: out of memory\n", stderr);
		abort(); /* as xmalloc does */
	}
}

/* Gives the face its streams back; the messages always (they say what went
 * wrong too), the output only when committed. */
static void release(struct cmd_ctx *c, struct held *h, bool committed)
{
	fclose(c->out);
	fclose(c->data);
	fclose(c->msg);
	c->out = h->out, c->data = h->data, c->msg = h->msg;
	if (committed) {
		fwrite(h->buf[0], 1, h->len[0], c->out);
		fwrite(h->buf[1], 1, h->len[1], cmd_data(c));
		fflush(c->data);
	}
	fwrite(h->buf[2], 1, h->len[2], c->msg);
	fflush(c->msg);
	for (int i = 0; i < 3; i++)
		free(h->buf[i]);
}

/* check, then exec: in one transaction for CMD_WRITES (rolled back for a
 * dry run), the output held until it is committed. */
static bool execute(struct cmd_ctx *c)
{
	const struct cmd *cmd = c->cmd;
	if (cmd->check && !cmd->check(c))
		return false;
	if (!(cmd->flags & CMD_WRITES))
		return cmd->exec(c);
	struct held h;
	hold(c, &h);
	bool ok = store_begin(c->st, &c->err);
	if (ok && !cmd->exec(c)) {
		store_rollback(c->st);
		ok = false;
	} else if (ok && c->dry_run) {
		store_rollback(c->st);
	} else if (ok) {
		ok = store_commit(c->st, &c->err);
	}
	release(c, &h, ok);
	return ok;
}

/* The database file and the WAL files beside it. */
static void remove_db(const char *path)
{
	static const char *const sfx[] = {"", "-wal", "-shm"};
	for (size_t i = 0; i < ARRAY_LEN(sfx); i++) {
		char *p = xasprintf("%s%s", path, sfx[i]);
		unlink(p);
		free(p);
	}
}

int cmd_run(struct cmd_ctx *c, const struct cmd *cmd, int argc, char **argv)
{
	c->cmd = cmd;
	if (!parse_options(c, argc, argv))
		return fail(c);
	if (c->helped) {
		cmd_usage(cmd, c->console ? ":" : "dutydesk ", c->out);
		return 0;
	}
	if ((cmd->flags & CMD_CLIONLY) && c->console) {
		char name[64];
		err_set(&c->err, ERR_USAGE,
			_("only from the command line (it replaces the database this console has "
			"open): quit, then run dutydesk %s"), cmd_name(cmd, name, sizeof name));
		return fail(c);
	}
	c->dry_run = (cmd->flags & CMD_DRYRUN) && cmd_opt(c, "dry-run");
	if (cmd->flags & CMD_NODB)
		return execute(c) ? 0 : fail(c);
	bool existed = true;
	if (!c->st) {
		existed = access(c->db_path, F_OK) == 0;
		if (!store_open(c->db_path, cmd->flags & CMD_CREATES ? STORE_CREATE : 0, &c->st,
				&c->err)) {
			c->st = NULL;
			if (!existed)
				remove_db(c->db_path);
			return fail(c);
		}
		c->own_store = true;
		store_set_actor(c->st, c->officer);
		if (store_shared(c->st) && !store_claim_name(c->st, c->officer, &c->err))
			return fail(c);
	}
	if (store_shared(c->st)) {
		/* The login acts; what defaults to the officer (the shift's
		 * officers, who acknowledges) names it beside its name. */
		store_shown_label(c->st, c->officer_label, sizeof c->officer_label);
		c->officer = c->officer_label;
	}
	if (parse_fields(c) && execute(c))
		return 0;
	int rc = fail(c);
	if (!existed) {
		/* A database this command created and then failed to make or
		 * fill (a full disk, say): gone. */
		store_close(c->st);
		c->st = NULL;
		c->own_store = false;
		remove_db(c->db_path);
	}
	return rc;
}
