/* config.yaml, read with libyaml (see config.h). */
#include "dutydesk/i18n.h"
#include "dutydesk/config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "dutydesk/util.h"
#include "dutydesk/yamlnode.h"

/* The settings at the top level and under sync:, in the order the
 * messages list them. */
static const char *const top_names[] = {
	"office", "officer", "language", "theme", "ambiguous_width",
	"escape_delay_ms", "expiry_days", "bell", "mouse", "keys", "sync",
	"terminal_encoding", "sms",
};
static const char *const sms_names[] = {
	"channel", "gammu_spool", "url", "method", "headers", "body", "secret_file", "template",
	"confirm_words", "retries", "retry_seconds"};
static const char *const sync_names[] = {"server", "token_file", "ca_file", N_("every_minutes")};
/* Names an earlier console took at the top level (and never used); sync
 * reads them under sync:, by these names. */
static const struct {
	const char *old, *now;
} renamed[] = {{"sync_server", "server"}, {"sync_minutes", "every_minutes"}};

static bool one_of(const char *s, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(s, names[i]))
			return true;
	return false;
}

static void list(char *buf, size_t size, const char *const *names, size_t n)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? ", " : "", names[i]);
}

static void format(const struct config *c, char *out, size_t n, unsigned line, unsigned column,
		   const char *key, const char *what)
{
	if (line)
		snprintf(out, n, "%s:%u:%u: %s%s%s", c->path, line, column, key ? key : "",
			 key ? ": " : "", what);
	else
		snprintf(out, n, "%s: %s%s%s", c->path, key ? key : "", key ? ": " : "", what);
}

/* Keeps the first problem (the one to fix first); sync: it is in what
 * sync reads. */
static void warn(struct config *c, const yaml_mark_t *m, const char *key, const char *what,
		 bool sync)
{
	unsigned line = m ? (unsigned)m->line + 1 : 0, column = m ? (unsigned)m->column + 1 : 0;
	if (!c->warning[0]) {
		format(c, c->warning, sizeof c->warning, line, column, key, what);
		c->warning_line = line;
		c->warning_column = column;
	}
	if (sync && !c->sync_warning[0])
		format(c, c->sync_warning, sizeof c->sync_warning, line, column, key, what);
}

void config_warn_at(struct config *c, unsigned line, unsigned column, const char *key,
		    const char *what)
{
	if (c->warning[0] &&
	    (line > c->warning_line || (line == c->warning_line && column >= c->warning_column)))
		return;
	format(c, c->warning, sizeof c->warning, line, column, key, what);
	c->warning_line = line;
	c->warning_column = column;
}

/* "key:" with nothing after it: a section left empty. */
static bool empty(yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE && n->data.scalar.length == 0 &&
	       n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

static void expand_home(char *dst, size_t n, const char *v)
{
	const char *home = getenv("HOME");
	if (v[0] == '~' && v[1] == '/' && home && *home)
		snprintf(dst, n, "%s%s", home, v + 1);
	else
		snprintf(dst, n, "%s", v);
}

static void defaults(struct config *c)
{
	memset(c, 0, sizeof *c);
	snprintf(c->theme, sizeof c->theme, "auto");
	c->ambiguous = 1;
	c->escdelay = 100;
	c->expiry_days = 30;
	c->bell = true;
	c->mouse = true;
	snprintf(c->sms.method, sizeof c->sms.method, "POST");
	c->sms.retries = 5;
	c->sms.retry_seconds = 30;
}

void config_path(char *out, size_t n)
{
	const char *env = getenv("DUTYDESK_CONFIG"), *xdg = getenv("XDG_CONFIG_HOME"),
		   *home = getenv("HOME");
	if (env && *env)
		snprintf(out, n, "%s", env);
	else if (xdg && *xdg)
		snprintf(out, n, "%s/dutydesk/config.yaml", xdg);
	else
		snprintf(out, n, "%s/.config/dutydesk/config.yaml", home && *home ? home : ".");
}

static void read_keys(struct config *c, yaml_document_t *d, yaml_node_t *map)
{
	if (empty(map))
		return;
	if (map->type != YAML_MAPPING_NODE) {
		warn(c, &map->start_mark, "keys", _("expected a mapping of action: keys"), false);
		return;
	}
	yaml_node_t *k, *v;
	ynode_foreach_pair(d, map, p, k, v) {
		const char *ks = ynode_text(k), *vs = ynode_text(v);
		char key[96];
		snprintf(key, sizeof key, "keys.%s", ks ? ks : "?");
		if (!ks || !vs) {
			warn(c, &v->start_mark, key, _("expected keys like \"j Down\""), false);
		} else if (strlen(ks) >= sizeof c->keys[0].action ||
			   strlen(vs) >= sizeof c->keys[0].keys) {
			warn(c, &v->start_mark, key, _("too long"), false);
		} else if (c->nkeys == CONFIG_MAX_KEYS) {
			char what[64];
			snprintf(what, sizeof what, _("more than %d bindings"), CONFIG_MAX_KEYS);
			warn(c, &k->start_mark, "keys", what, false);
			return;
		} else {
			struct config_key *b = &c->keys[c->nkeys++];
			snprintf(b->action, sizeof b->action, "%s", ks);
			snprintf(b->keys, sizeof b->keys, "%s", vs);
			b->line = (unsigned)v->start_mark.line + 1;
			b->column = (unsigned)v->start_mark.column + 1;
		}
	}
}

/* A section's mapping (sync:, sms:): false when it is left empty or is
 * no mapping (said, naming the settings it takes). names gets them listed. */
static bool section(struct config *c, yaml_node_t *map, const char *name,
		    const char *const *known, size_t n, char *names, size_t size, bool sync)
{
	list(names, size, known, n);
	if (empty(map))
		return false;
	if (map->type != YAML_MAPPING_NODE) {
		char what[400];
		snprintf(what, sizeof what, _("expected a mapping of %s"), names);
		warn(c, &map->start_mark, name, what, sync);
		return false;
	}
	return true;
}

static void read_sync(struct config *c, yaml_document_t *d, yaml_node_t *map)
{
	char names[128];
	if (!section(c, map, "sync", sync_names, ARRAY_LEN(sync_names), names, sizeof names, true))
		return;
	struct config_sync *s = &c->sync;
	yaml_node_t *k, *v;
	ynode_foreach_pair(d, map, p, k, v) {
		const char *ks = ynode_text(k), *vs = ynode_text(v);
		char key[96];
		snprintf(key, sizeof key, "sync.%s", ks ? ks : "?");
		long long n;
		if (!ks) {
			warn(c, &k->start_mark, "sync", _("expected a setting name"), true);
		} else if (!strcmp(ks, "server")) {
			if (vs)
				snprintf(s->server, sizeof s->server, "%s", vs);
			else
				warn(c, &v->start_mark, key, _("expected a URL"), true);
		} else if (!strcmp(ks, "token_file") || !strcmp(ks, "ca_file")) {
			if (!vs)
				warn(c, &v->start_mark, key, _("expected a file name"), true);
			else if (!strcmp(ks, "token_file"))
				expand_home(s->token_file, sizeof s->token_file, vs);
			else
				expand_home(s->ca_file, sizeof s->ca_file, vs);
		} else if (!strcmp(ks, "every_minutes")) {
			if (vs && str_to_ll(vs, 0, 1440, &n))
				s->every_minutes = (int)n;
			else
				warn(c, &v->start_mark, key, _("expected minutes from 0 to 1440"), true);
		} else if (one_of(ks, top_names, ARRAY_LEN(top_names))) {
			warn(c, &k->start_mark, key, _("belongs at the top level, not under sync:"), true);
		} else {
			char what[200];
			snprintf(what, sizeof what, _("unknown setting (expected one of %s)"), names);
			warn(c, &k->start_mark, key, what, true);
		}
	}
}

static void read_sms(struct config *c, yaml_document_t *d, yaml_node_t *map)
{
	char names[300];
	if (!section(c, map, "sms", sms_names, ARRAY_LEN(sms_names), names, sizeof names, false))
		return;
	struct config_sms *s = &c->sms;
	yaml_node_t *k, *v;
	ynode_foreach_pair(d, map, p, k, v) {
		const char *ks = ynode_text(k), *vs = ynode_text(v);
		char key[96];
		snprintf(key, sizeof key, "sms.%s", ks ? ks : "?");
		long long n;
		if (!ks) {
			warn(c, &k->start_mark, "sms", _("expected a setting name"), false);
		} else if (!strcmp(ks, "channel")) {
			if (vs && (!strcmp(vs, "gammu") || !strcmp(vs, "http") || !strcmp(vs, "none")))
				snprintf(s->channel, sizeof s->channel, "%s", strcmp(vs, "none") ? vs : "");
			else
				warn(c, &v->start_mark, key, _("expected gammu, http or none"), false);
		} else if (!strcmp(ks, "headers")) {
			if (v->type != YAML_SEQUENCE_NODE) {
				warn(c, &v->start_mark, key, _("expected a list of \"Name: value\""), false);
				continue;
			}
			for (yaml_node_item_t *i = v->data.sequence.items.start;
			     i < v->data.sequence.items.top; i++) {
				yaml_node_t *h = yaml_document_get_node(d, *i);
				const char *hs = ynode_text(h);
				if (!hs || !strchr(hs, ':'))
					warn(c, &h->start_mark, key, _("expected \"Name: value\""), false);
				else if (s->nheaders < CONFIG_SMS_HEADERS)
					snprintf(s->headers[s->nheaders++], sizeof s->headers[0], "%s", hs);
			}
		} else if (!strcmp(ks, "retries") || !strcmp(ks, "retry_seconds")) {
			bool tries = !strcmp(ks, "retries");
			if (vs && str_to_ll(vs, 1, tries ? 100 : 86400, &n))
				*(tries ? &s->retries : &s->retry_seconds) = (int)n;
			else
				warn(c, &v->start_mark, key,
				     tries ? _("expected a number from 1 to 100")
					   : _("expected seconds from 1 to 86400"), false);
		} else if (!vs || (!*vs && strcmp(ks, "confirm_words"))) {
			warn(c, &v->start_mark, key, _("expected text"), false);
		} else if (!strcmp(ks, "gammu_spool")) {
			expand_home(s->gammu_spool, sizeof s->gammu_spool, vs);
		} else if (!strcmp(ks, "secret_file")) {
			expand_home(s->secret_file, sizeof s->secret_file, vs);
		} else if (!strcmp(ks, "url")) {
			snprintf(s->url, sizeof s->url, "%s", vs);
		} else if (!strcmp(ks, "method")) {
			snprintf(s->method, sizeof s->method, "%s", vs);
		} else if (!strcmp(ks, "body")) {
			snprintf(s->body, sizeof s->body, "%s", vs);
		} else if (!strcmp(ks, "template")) {
			snprintf(s->template_text, sizeof s->template_text, "%s", vs);
		} else if (!strcmp(ks, "confirm_words")) {
			snprintf(s->confirm_words, sizeof s->confirm_words, "%s", vs);
		} else {
			char what[400];
			snprintf(what, sizeof what, _("unknown setting (expected one of %s)"), names);
			warn(c, &k->start_mark, key, what, false);
		}
	}
}

/* One of several words. */
static void set_word(struct config *c, yaml_node_t *v, const char *ks, char *dst, size_t n,
		     const char *const *words, const char *what)
{
	const char *vs = ynode_text(v);
	for (size_t i = 0; vs && words[i]; i++)
		if (!strcmp(vs, words[i])) {
			snprintf(dst, n, "%s", vs);
			return;
		}
	warn(c, &v->start_mark, ks, what, false);
}

static void set_int(struct config *c, yaml_node_t *v, const char *ks, int *dst, long long lo,
		    long long hi, const char *what)
{
	const char *vs = ynode_text(v);
	long long n;
	if (vs && str_to_ll(vs, lo, hi, &n))
		*dst = (int)n;
	else
		warn(c, &v->start_mark, ks, what, false);
}

/* An on/off setting: true/false, or on/off as people write it. */
static void set_switch(struct config *c, yaml_node_t *v, const char *ks, bool *dst)
{
	const char *vs = ynode_text(v);
	if (vs && (!strcmp(vs, "true") || !strcmp(vs, "on")))
		*dst = true;
	else if (vs && (!strcmp(vs, "false") || !strcmp(vs, "off")))
		*dst = false;
	else
		warn(c, &v->start_mark, ks, _("expected on or off (true or false)"), false);
}

static void read_top(struct config *c, yaml_document_t *d, yaml_node_t *root)
{
	static const char *const languages[] = {"zh", "en", "auto", NULL};
	static const char *const themes[] = {"auto", "mono", NULL};
	char names[200];
	list(names, sizeof names, top_names, ARRAY_LEN(top_names));
	yaml_node_t *k, *v;
	ynode_foreach_pair(d, root, p, k, v) {
		const char *ks = ynode_text(k), *vs = ynode_text(v);
		if (!ks) {
			warn(c, &k->start_mark, NULL, _("expected a setting name"), false);
		} else if (!strcmp(ks, "office") || !strcmp(ks, "officer")) {
			bool office = !strcmp(ks, "office");
			if (!vs)
				warn(c, &v->start_mark, ks, _("expected text"), false);
			else if (office)
				snprintf(c->office, sizeof c->office, "%s", vs);
			else
				snprintf(c->officer, sizeof c->officer, "%s", vs);
		} else if (!strcmp(ks, "language")) {
			set_word(c, v, ks, c->language, sizeof c->language, languages,
				 _("expected zh, en or auto"));
		} else if (!strcmp(ks, "terminal_encoding")) {
			/* checked against iconv when the terminal is opened */
			if (!vs || !*vs || strlen(vs) >= sizeof c->terminal_encoding)
				warn(c, &v->start_mark, ks, _("expected an encoding (GBK, GB18030, UTF-8)"),
				     false);
			else
				snprintf(c->terminal_encoding, sizeof c->terminal_encoding, "%s", vs);
		} else if (!strcmp(ks, "theme")) {
			set_word(c, v, ks, c->theme, sizeof c->theme, themes, _("expected auto or mono"));
		} else if (!strcmp(ks, "ambiguous_width")) {
			set_int(c, v, ks, &c->ambiguous, 1, 2, "expected 1 or 2");
		} else if (!strcmp(ks, "escape_delay_ms")) {
			set_int(c, v, ks, &c->escdelay, 0, 2000, _("expected milliseconds from 0 to 2000"));
		} else if (!strcmp(ks, "expiry_days")) {
			set_int(c, v, ks, &c->expiry_days, 0, 3650,
				_("expected a number of days from 0 to 3650"));
		} else if (!strcmp(ks, "bell")) {
			set_switch(c, v, ks, &c->bell);
		} else if (!strcmp(ks, "mouse")) {
			set_switch(c, v, ks, &c->mouse);
		} else if (!strcmp(ks, "keys")) {
			read_keys(c, d, v);
		} else if (!strcmp(ks, "sync")) {
			read_sync(c, d, v);
		} else if (!strcmp(ks, "sms")) {
			read_sms(c, d, v);
		} else if (one_of(ks, sync_names, ARRAY_LEN(sync_names))) {
			warn(c, &k->start_mark, ks, _("belongs under sync:"), true);
		} else {
			const char *now = NULL;
			for (size_t i = 0; i < ARRAY_LEN(renamed); i++)
				if (!strcmp(ks, renamed[i].old))
					now = renamed[i].now;
			char what[300];
			if (now)
				snprintf(what, sizeof what, _("belongs under sync:, as %s"), now);
			else
				snprintf(what, sizeof what, _("unknown setting (expected one of %s)"), names);
			warn(c, &k->start_mark, ks, what, now != NULL);
		}
	}
}

/* Line and column (in characters) of a byte offset in f. */
static yaml_mark_t mark_of(FILE *f, size_t offset)
{
	yaml_mark_t m = {0};
	rewind(f);
	for (size_t i = 0; i < offset; i++) {
		int ch = getc(f);
		if (ch == EOF)
			break;
		if (ch == '\n') {
			m.line++;
			m.column = 0;
		} else if ((ch & 0xC0) != 0x80) {
			m.column++;
		}
	}
	return m;
}

void config_load(struct config *c, const char *path)
{
	defaults(c);
	if (path)
		snprintf(c->path, sizeof c->path, "%s", path);
	else
		config_path(c->path, sizeof c->path);
	FILE *f = fopen(c->path, "rb");
	if (!f) {
		if (errno != ENOENT && errno != ENOTDIR) { /* no file: the defaults */
			char what[200];
			snprintf(what, sizeof what, _("cannot read it: %s"), strerror(errno));
			warn(c, NULL, NULL, what, true);
		}
		return;
	}
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &doc)) {
		int err = errno;
		char what[200];
		snprintf(what, sizeof what, "%s", parser.problem ? parser.problem : _("not valid YAML"));
		if (parser.error == YAML_READER_ERROR && ferror(f)) {
			snprintf(what, sizeof what, _("cannot read it: %s"), strerror(err));
			warn(c, NULL, NULL, what, true);
		} else if (parser.error == YAML_READER_ERROR) {
			/* bytes that are not text: the reader knows only the offset */
			yaml_mark_t m = mark_of(f, parser.problem_offset);
			warn(c, &m, NULL, what, true);
		} else {
			warn(c, &parser.problem_mark, NULL, what, true);
		}
		yaml_parser_delete(&parser);
		fclose(f);
		return;
	}
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	if (root && !empty(root) && root->type != YAML_MAPPING_NODE)
		warn(c, &root->start_mark, NULL, _("expected a mapping of settings"), true);
	else if (root && root->type == YAML_MAPPING_NODE)
		read_top(c, &doc, root);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	fclose(f);
}
