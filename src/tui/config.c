/* $XDG_CONFIG_HOME/dutydesk/config.yaml, read with libyaml. A problem is
 * reported as file:line:column: key: what was expected, and the console
 * starts with the defaults for what could not be read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "tui.h"

static void defaults(struct config *c)
{
	memset(c, 0, sizeof *c);
	snprintf(c->theme, sizeof c->theme, "auto");
	c->ambiguous = 1;
	c->escdelay = 100;
	c->expiry_days = 30;
	c->bell = true;
	keymap_defaults(&c->keys);
}

static void warn(struct config *c, const yaml_mark_t *m, const char *key, const char *what)
{
	if (c->warning[0])
		return; /* the first problem is the one to fix first */
	snprintf(c->warning, sizeof c->warning, "%s:%zu:%zu: %s%s%s", c->path, m->line + 1,
		 m->column + 1, key ? key : "", key ? ": " : "", what);
}

static const char *scalar(yaml_document_t *d, yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static void set_str(struct config *c, yaml_node_t *v, const char *s, char *dst, size_t n,
		    const char *key)
{
	if (!s)
		warn(c, &v->start_mark, key, "expected text");
	else
		snprintf(dst, n, "%s", s);
}

static void read_keys(struct config *c, yaml_document_t *d, yaml_node_t *map)
{
	if (map->type != YAML_MAPPING_NODE) {
		warn(c, &map->start_mark, "keys", "expected a mapping of action: keys");
		return;
	}
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(d, p->key);
		yaml_node_t *v = yaml_document_get_node(d, p->value);
		const char *ks = scalar(d, k), *vs = scalar(d, v);
		char why[128], key[96];
		snprintf(key, sizeof key, "keys.%s", ks ? ks : "?");
		if (!ks || !vs)
			warn(c, &v->start_mark, key, "expected keys like \"j Down\"");
		else if (!keymap_bind(&c->keys, ks, vs, why, sizeof why))
			warn(c, &v->start_mark, key, why);
	}
}

void config_load(struct config *c, const char *path)
{
	defaults(c);
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	if (path)
		snprintf(c->path, sizeof c->path, "%s", path);
	else if (xdg && *xdg)
		snprintf(c->path, sizeof c->path, "%s/dutydesk/config.yaml", xdg);
	else
		snprintf(c->path, sizeof c->path, "%s/.config/dutydesk/config.yaml",
			 home ? home : ".");
	FILE *f = fopen(c->path, "rb");
	if (!f)
		return; /* no config: defaults */
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &doc)) {
		char what[200];
		snprintf(what, sizeof what, "%s", parser.problem ? parser.problem : "not valid YAML");
		warn(c, &parser.problem_mark, NULL, what);
		yaml_parser_delete(&parser);
		fclose(f);
		return;
	}
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	if (root && root->type != YAML_MAPPING_NODE) {
		warn(c, &root->start_mark, NULL, "expected a mapping of settings");
	} else if (root) {
		for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
		     p < root->data.mapping.pairs.top; p++) {
			yaml_node_t *k = yaml_document_get_node(&doc, p->key);
			yaml_node_t *v = yaml_document_get_node(&doc, p->value);
			const char *ks = scalar(&doc, k), *vs = scalar(&doc, v);
			if (!ks) {
				warn(c, &k->start_mark, NULL, "expected a setting name");
			} else if (!strcmp(ks, "office")) {
				set_str(c, v, vs, c->office, sizeof c->office, ks);
			} else if (!strcmp(ks, "officer")) {
				set_str(c, v, vs, c->officer, sizeof c->officer, ks);
			} else if (!strcmp(ks, "language")) {
				if (!vs || (strcmp(vs, "zh") && strcmp(vs, "en") && strcmp(vs, "auto")))
					warn(c, &v->start_mark, ks, "expected zh, en or auto");
				else
					snprintf(c->language, sizeof c->language, "%s", vs);
			} else if (!strcmp(ks, "theme")) {
				if (!vs || (strcmp(vs, "auto") && strcmp(vs, "mono")))
					warn(c, &v->start_mark, ks, "expected auto or mono");
				else
					snprintf(c->theme, sizeof c->theme, "%s", vs);
			} else if (!strcmp(ks, "ambiguous_width")) {
				if (!vs || (strcmp(vs, "1") && strcmp(vs, "2")))
					warn(c, &v->start_mark, ks, "expected 1 or 2");
				else
					c->ambiguous = vs[0] - '0';
			} else if (!strcmp(ks, "escape_delay_ms")) {
				long long ms;
				if (!vs || !str_to_ll(vs, 0, 2000, &ms))
					warn(c, &v->start_mark, ks, "expected milliseconds from 0 to 2000");
				else
					c->escdelay = (int)ms;
			} else if (!strcmp(ks, "expiry_days")) {
				long long d;
				if (!vs || !str_to_ll(vs, 0, 3650, &d))
					warn(c, &v->start_mark, ks, "expected a number of days from 0 to 3650");
				else
					c->expiry_days = (int)d;
			} else if (!strcmp(ks, "bell")) {
				if (!vs || (strcmp(vs, "true") && strcmp(vs, "false")))
					warn(c, &v->start_mark, ks, "expected true or false");
				else
					c->bell = !strcmp(vs, "true");
			} else if (!strcmp(ks, "keys")) {
				read_keys(c, &doc, v);
			} else if (!strcmp(ks, "sync") || !strcmp(ks, "node") || !strcmp(ks, "sync_server") ||
				   !strcmp(ks, "token_file") || !strcmp(ks, "sync_minutes")) {
				/* read by sync (src/cli/sync_http.c); accepted here */
			} else {
				warn(c, &k->start_mark, ks, "unknown setting");
			}
		}
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	fclose(f);
}
