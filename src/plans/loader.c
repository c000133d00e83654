/* The plan loader: libyaml's document API gives every node its mark, so
 * every error can say file:line:column. Everything is checked before
 * anything is returned. */
#include "dutydesk/i18n.h"
#include "dutydesk/plan.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "dutydesk/dtime.h"
#include "dutydesk/i18n.h"
#include "dutydesk/util.h"
#include "dutydesk/yamlnode.h"

const char *const plan_levels[4] = {"IV", "III", "II", "I"};

struct loader {
	const char *name;
	yaml_document_t doc;
	json_t *errors;
	json_t *ids;    /* id -> "path" (for duplicates) */
	json_t *afters; /* [{id, after, line, col, path}] checked at the end */
	int depth;
};

static void problem(struct loader *l, yaml_node_t *n, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void problem(struct loader *l, yaml_node_t *n, const char *path, const char *fmt, ...)
{
	char what[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	char *msg = xasprintf("%s:%zu:%zu: %s%s%s", l->name, n ? n->start_mark.line + 1 : 1,
			      n ? n->start_mark.column + 1 : 1, path, *path ? ": " : "", what);
	json_array_append_new(l->errors, json_string(msg));
	free(msg);
}

static yaml_node_t *node(struct loader *l, int i)
{
	return yaml_document_get_node(&l->doc, i);
}

/* A text value; NULL (with a problem) if it is not one. */
static const char *text(struct loader *l, yaml_node_t *n, const char *path)
{
	const char *s = ynode_text(n);
	if (!s || !*s)
		problem(l, n, path, _("expected text"));
	else if (!str_valid_utf8(s))
		problem(l, n, path, _("not valid UTF-8"));
	else
		return s;
	return NULL;
}

/* A text value kept in the object ctx under key (nothing kept, a problem
 * noted, when it is not text). */
static void text_pair(struct loader *l, const char *key, yaml_node_t *v, const char *path,
		      void *ctx)
{
	const char *s = text(l, v, path);
	if (s)
		json_object_set_new(ctx, key, json_string(s));
}

/* A level written with the Unicode Roman numerals (Ⅰ Ⅱ Ⅲ Ⅳ, U+2160..U+2163,
 * what Chinese input methods give) as the ASCII one; anything else as it is. */
const char *plan_level_ascii(const char *s)
{
	static const char *const roman[][2] = {
		{"\u2160", "I"}, {"\u2161", "II"}, {"\u2162", "III"}, {"\u2163", "IV"}};
	for (size_t i = 0; s && i < sizeof roman / sizeof *roman; i++)
		if (!strcmp(s, roman[i][0]))
			return roman[i][1];
	return s;
}

/* "missing", of a required key: the catalogue's "missing" is 失踪 (of
 * people), so the key's has a msgid of its own and reads "missing" in
 * English all the same. */
static const char *missing_key(void)
{
	static const char id[] = "missing (a required key)";
	const char *t = _(id);
	return t == id || !strcmp(t, id) ? "missing" : t;
}

static bool id_ok(const char *s)
{
	if (!s || !*s || strlen(s) > 63)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
			return false;
	return true;
}

/* Walks a mapping: calls each(key, value) and reports unknown and
 * duplicate keys; allowed is a NULL-terminated list. */
typedef void (*pair_fn)(struct loader *l, const char *key, yaml_node_t *v, const char *path,
			void *ctx);

static bool mapping(struct loader *l, yaml_node_t *n, const char *path, const char *const *allowed,
		    pair_fn each, void *ctx, const char *what)
{
	if (!n || n->type != YAML_MAPPING_NODE) {
		problem(l, n, path, _("expected %s"), _(what));
		return false;
	}
	json_t *seen = json_object();
	yaml_node_t *k, *v;
	ynode_foreach_pair(&l->doc, n, p, k, v) {
		const char *key = plan_level_ascii(ynode_text(k));
		char sub[256];
		snprintf(sub, sizeof sub, "%s%s%s", path, *path ? "." : "", key ? key : "?");
		if (!key) {
			problem(l, k, path, _("expected a key"));
			continue;
		}
		if (json_object_get(seen, key)) {
			problem(l, k, sub, _("duplicate key"));
			continue;
		}
		json_object_set_new(seen, key, json_true());
		bool known = false;
		for (const char *const *a = allowed; *a; a++)
			known = known || !strcmp(*a, key);
		if (!known) {
			struct strbuf sb;
			sb_init(&sb);
			for (const char *const *a = allowed; *a; a++)
				sb_printf(&sb, "%s%s", a == allowed ? "" : ", ", *a);
			problem(l, k, sub, _("unknown key (expected one of %s)"), sb.buf);
			sb_finish(&sb);
			continue;
		}
		each(l, key, v, sub, ctx);
	}
	json_decref(seen);
	return true;
}

static json_t *string_list(struct loader *l, yaml_node_t *n, const char *path)
{
	json_t *a = json_array();
	if (!n || n->type != YAML_SEQUENCE_NODE) {
		problem(l, n, path, _("expected a list like [a, b]"));
		return a;
	}
	int i = 0;
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++, i++) {
		char sub[256];
		snprintf(sub, sizeof sub, "%s[%d]", path, i);
		const char *s = text(l, node(l, *it), sub);
		if (s)
			json_array_append_new(a, json_string(s));
	}
	return a;
}

/* ---- items ---- */

static json_t *items(struct loader *l, yaml_node_t *n, const char *path, bool required);

static void item_pair(struct loader *l, const char *key, yaml_node_t *v, const char *path,
		      void *ctx)
{
	json_t *it = ctx;
	if (!strcmp(key, "id")) {
		const char *s = ynode_text(v);
		if (!id_ok(s)) {
			problem(l, v, path, _("expected an id of a-z, 0-9, '-' or '_' (at most 63)"));
			/* it is there, if malformed: not "missing" as well */
			json_object_set_new(it, "id", json_string(s ? s : ""));
			return;
		}
		json_t *prev = json_object_get(l->ids, s);
		if (prev)
			problem(l, v, path, _("duplicate id '%s' (first at %s)"), s, json_string_value(prev));
		else
			json_object_set_new(l->ids, s, json_string(path));
		json_object_set_new(it, "id", json_string(s));
	} else if (!strcmp(key, "text") || !strcmp(key, "unit")) {
		text_pair(l, key, v, path, it);
	} else if (!strcmp(key, "within")) {
		int m;
		if (!duration_parse(ynode_text(v), &m))
			problem(l, v, path, _("expected a duration like 30m, 2h or 1d"));
		else
			json_object_set_new(it, "within", json_integer(m));
	} else if (!strcmp(key, "after")) {
		const char *s = ynode_text(v);
		if (!id_ok(s)) {
			problem(l, v, path, _("expected the id of another item"));
			return;
		}
		json_object_set_new(it, "after", json_string(s));
		/* where it stood, for the reference check at the end */
		json_object_set_new(it, "_line", json_integer((json_int_t)v->start_mark.line));
		json_object_set_new(it, "_col", json_integer((json_int_t)v->start_mark.column));
	} else if (!strcmp(key, "items")) {
		if (l->depth >= 3) {
			problem(l, v, path, _("substeps nest at most 3 deep"));
			return;
		}
		l->depth++;
		json_object_set_new(it, "items", items(l, v, path, false));
		l->depth--;
	}
}

static json_t *items(struct loader *l, yaml_node_t *n, const char *path, bool required)
{
	static const char *const keys[] = {"id", "text", "unit", N_("within"), "after", "items", NULL};
	json_t *a = json_array();
	if (!n || n->type != YAML_SEQUENCE_NODE) {
		problem(l, n, path, _("expected a list of items"));
		return a;
	}
	if (required && n->data.sequence.items.start == n->data.sequence.items.top)
		problem(l, n, path, _("expected at least one item"));
	int i = 0;
	for (yaml_node_item_t *p = n->data.sequence.items.start; p < n->data.sequence.items.top;
	     p++, i++) {
		char sub[256];
		snprintf(sub, sizeof sub, "%s[%d]", path, i);
		yaml_node_t *in = node(l, *p);
		json_t *it = json_object();
		if (mapping(l, in, sub, keys, item_pair, it, _("an item {id, text, ...}"))) {
			if (!json_object_get(it, "id"))
				problem(l, in, sub, _("an item needs an id"));
			if (!json_object_get(it, "text"))
				problem(l, in, sub, _("an item needs a text"));
			json_t *after = json_object_get(it, "after");
			if (after && json_object_get(it, "id")) {
				char ap[300];
				snprintf(ap, sizeof ap, "%s.after", sub);
				json_array_append_new(l->afters, json_pack("{s:O, s:O, s:O, s:O, s:s}",
					"id", json_object_get(it, "id"), "after", after,
					"line", json_object_get(it, "_line"),
					"col", json_object_get(it, "_col"), "path", ap));
			}
			json_object_del(it, "_line");
			json_object_del(it, "_col");
		}
		json_array_append_new(a, it);
	}
	return a;
}

/* ---- plan ---- */

static void hq_pair(struct loader *l, const char *key, yaml_node_t *v, const char *path, void *ctx)
{
	json_t *hq = ctx;
	if (!strcmp(key, "members")) {
		json_object_set_new(hq, key, string_list(l, v, path));
	} else {
		text_pair(l, key, v, path, hq);
	}
}

static void warning_pair(struct loader *l, const char *key, yaml_node_t *v, const char *path,
			 void *ctx)
{
	json_object_set_new(ctx, key, string_list(l, v, path));
}

static void level_pair(struct loader *l, const char *key, yaml_node_t *v, const char *path,
		       void *ctx)
{
	json_t *lv = ctx;
	if (!strcmp(key, "items")) {
		json_object_set_new(lv, key, items(l, v, path, true));
	} else if (!strcmp(key, "lead")) {
		const char *s = ynode_text(v);
		if (!str_eq(s, "county") && !str_eq(s, "city") && !str_eq(s, "province"))
			problem(l, v, path, _("expected county, city or province"));
		else
			json_object_set_new(lv, key, json_string(s));
	} else {
		text_pair(l, key, v, path, lv);
	}
}

static void levels_pair(struct loader *l, const char *key, yaml_node_t *v, const char *path,
			void *ctx)
{
	static const char *const keys[] = {"trigger", "lead", "items", NULL};
	json_t *lv = json_object();
	if (mapping(l, v, path, keys, level_pair, lv, _("a level {trigger, lead, items}"))) {
		if (!json_object_get(lv, "trigger"))
			problem(l, v, path, _("a level needs its trigger conditions"));
		if (!json_object_get(lv, "items"))
			problem(l, v, path, _("a level needs items"));
	}
	json_object_set_new(ctx, key, lv);
}

/* A response is raised one level at a time, each level adding its items
 * (plan raise): a plan with IV and II but no III cannot be raised past IV.
 * Names each missing level between the lowest and the highest it has. */
static void check_level_gaps(struct loader *l, yaml_node_t *levels, json_t *lv)
{
	int lo = -1, hi = -1;
	for (int i = 0; i < 4; i++)
		if (json_object_get(lv, plan_levels[i])) {
			if (lo < 0)
				lo = i;
			hi = i;
		}
	for (int i = lo + 1; lo >= 0 && i < hi; i++)
		if (!json_object_get(lv, plan_levels[i]))
			problem(l, levels, "levels",
				_("no level %s: a response cannot be raised from %s to %s without it"),
				plan_levels[i], plan_levels[lo], plan_levels[hi]);
}

static void plan_pair(struct loader *l, const char *key, yaml_node_t *v, const char *path,
		      void *ctx)
{
	json_t *plan = ctx;
	if (!strcmp(key, "id")) {
		if (!id_ok(ynode_text(v)))
			problem(l, v, path, _("expected an id of a-z, 0-9, '-' or '_'"));
		json_object_set_new(plan, key, json_string(ynode_text(v) ? ynode_text(v) : ""));
	} else if (!strcmp(key, "title") || !strcmp(key, "version")) {
		text_pair(l, key, v, path, plan);
	} else if (!strcmp(key, "hq")) {
		static const char *const keys[] = {"name", "lead", "members", NULL};
		json_t *hq = json_object();
		if (mapping(l, v, path, keys, hq_pair, hq, _("the command HQ {name, lead, members}")) &&
		    !json_object_get(hq, "name"))
			problem(l, v, path, _("the command HQ needs a name"));
		json_object_set_new(plan, key, hq);
	} else if (!strcmp(key, "applies_to")) {
		json_object_set_new(plan, key, string_list(l, v, path));
	} else if (!strcmp(key, "warnings")) {
		static const char *const keys[] = {"blue", "yellow", "orange", N_("red"), NULL};
		json_t *w = json_object();
		mapping(l, v, path, keys, warning_pair, w, _("warning actions by colour"));
		json_object_set_new(plan, key, w);
	} else if (!strcmp(key, "levels")) {
		json_t *lv = json_object();
		static const char *const keys[] = {"IV", "III", "II", "I", NULL};
		if (mapping(l, v, path, keys, levels_pair, lv, _("levels IV, III, II, I"))) {
			if (json_object_size(lv) == 0)
				problem(l, v, path, _("expected at least one level"));
			check_level_gaps(l, v, lv);
		}
		json_object_set_new(plan, key, lv);
	} else if (!strcmp(key, "contacts")) {
		static const char *const keys[] = {"name", "role", "phone", NULL};
		json_t *a = json_array();
		if (v->type != YAML_SEQUENCE_NODE) {
			problem(l, v, path, _("expected a list of contacts"));
		} else {
			int i = 0;
			for (yaml_node_item_t *it = v->data.sequence.items.start;
			     it < v->data.sequence.items.top; it++, i++) {
				char sub[256];
				snprintf(sub, sizeof sub, "%s[%d]", path, i);
				json_t *c = json_object();
				if (mapping(l, node(l, *it), sub, keys, text_pair, c,
					    _("a contact {name, role, phone}")) &&
				    !json_object_get(c, "name"))
					problem(l, node(l, *it), sub, _("a contact needs a name"));
				json_array_append_new(a, c);
			}
		}
		json_object_set_new(plan, key, a);
	} else if (!strcmp(key, "post")) {
		json_object_set_new(plan, key, items(l, v, path, false));
	}
}

/* Every `after` names an item of this plan, and no chain of them loops. */
static void check_afters(struct loader *l)
{
	size_t i;
	json_t *af;
	json_array_foreach(l->afters, i, af) {
		const char *id = json_string_value(json_object_get(af, "id"));
		const char *after = json_string_value(json_object_get(af, "after"));
		yaml_node_t at = {0};
		at.start_mark.line = (size_t)json_integer_value(json_object_get(af, "line"));
		at.start_mark.column = (size_t)json_integer_value(json_object_get(af, "col"));
		const char *path = json_string_value(json_object_get(af, "path"));
		if (!json_object_get(l->ids, after)) {
			problem(l, &at, path, _("no item '%s' in this plan"), after);
			continue;
		}
		/* follow the chain from id; each item has at most one after */
		struct strbuf chain;
		sb_init(&chain);
		sb_puts(&chain, id);
		const char *cur = after;
		for (size_t steps = 0; cur && steps <= json_array_size(l->afters); steps++) {
			sb_printf(&chain, " -> %s", cur);
			if (!strcmp(cur, id)) {
				problem(l, &at, path, _("a cycle: %s"), chain.buf);
				break;
			}
			const char *next = NULL;
			size_t k;
			json_t *e;
			json_array_foreach(l->afters, k, e)
				if (str_eq(json_string_value(json_object_get(e, "id")), cur))
					next = json_string_value(json_object_get(e, "after"));
			cur = next;
		}
		sb_finish(&chain);
	}
}

/* What libyaml reports badly, found in the text itself and named at its
 * own line and column (in characters): a tab in a line's indentation
 * (libyaml says "found character that cannot start any token", often a
 * line off), and a full-width colon after a key ("id： x" is one plain
 * scalar to YAML, and the error comes lines later). Returns the count. */
static int lexical_problems(struct loader *l, const char *buf, size_t len)
{
	int found = 0;
	size_t line = 0;
	for (size_t i = 0; i < len; line++) {
		size_t end = i;
		while (end < len && buf[end] != '\n')
			end++;
		size_t j = i;
		while (j < end && (buf[j] == ' ' || buf[j] == '\t'))
			j++;
		const char *tab = memchr(buf + i, '\t', j - i);
		yaml_node_t at = {0};
		at.start_mark.line = line;
		bool content = j < end && buf[j] != '#' && buf[j] != '\r';
		if (tab && content) {
			at.start_mark.column = (size_t)(tab - (buf + i));
			problem(l, &at, "", _("a tab in the indentation: YAML indents with spaces"));
			found++;
		}
		/* a key (after "- " for a list item) followed by '：' */
		if (content && buf[j] == '-' && j + 1 < end && buf[j + 1] == ' ')
			for (j += 2; j < end && buf[j] == ' '; j++)
				;
		size_t k = j;
		while (k < end && (isalnum((unsigned char)buf[k]) || buf[k] == '_' || buf[k] == '-'))
			k++;
		size_t c = k;
		while (c < end && buf[c] == ' ')
			c++;
		if (content && k > j && c + 3 <= end && !memcmp(buf + c, "\xEF\xBC\x9A", 3)) {
			size_t col = 0; /* in characters: count the lead bytes */
			for (size_t b = i; b < c; b++)
				col += ((unsigned char)buf[b] & 0xC0) != 0x80;
			at.start_mark.column = col;
			problem(l, &at, "", _("'%.*s：': a full-width colon; YAML needs ':' (ASCII)"),
				(int)(k - j), buf + j);
			found++;
		}
		i = end + 1;
	}
	return found;
}

json_t *plan_load_mem(const char *name, const char *buf, size_t len, json_t **errors)
{
	static const char *const keys[] = {"id", "title", "version", N_("hq"), "applies_to",
					   "warnings", "levels", "contacts", "post", NULL};
	struct loader l = {.name = name, .errors = json_array(), .ids = json_object(),
			   .afters = json_array()};
	yaml_parser_t parser;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	json_t *plan = NULL;
	if (lexical_problems(&l, buf, len)) {
		/* named where they are; libyaml's words would only confuse */
	} else if (!yaml_parser_load(&parser, &l.doc)) {
		yaml_node_t at = {0};
		at.start_mark = parser.problem_mark;
		problem(&l, &at, "", "%s%s%s", parser.problem ? parser.problem : _("not YAML"),
			parser.context ? " " : "", parser.context ? parser.context : "");
	} else {
		yaml_node_t *root = yaml_document_get_root_node(&l.doc);
		plan = json_object();
		if (!root) {
			problem(&l, NULL, "", _("empty file: expected a plan"));
		} else if (mapping(&l, root, "", keys, plan_pair, plan, "a plan (a mapping)")) {
			static const char *const need[] = {"id", "title", "version", N_("hq"), "levels"};
			for (size_t i = 0; i < sizeof need / sizeof *need; i++)
				if (!json_object_get(plan, need[i]))
					problem(&l, root, need[i], "%s", missing_key());
			check_afters(&l);
		}
		yaml_document_delete(&l.doc);
	}
	yaml_parser_delete(&parser);
	json_decref(l.ids);
	json_decref(l.afters);
	if (json_array_size(l.errors)) {
		json_decref(plan);
		plan = NULL;
	}
	*errors = l.errors;
	return plan;
}

json_t *plan_load(const char *path, json_t **errors)
{
	struct strbuf sb;
	sb_init(&sb);
	if (sb_read_file(&sb, path, 8u << 20) < 0) {
		sb_finish(&sb);
		*errors = json_array();
		char *msg = xasprintf(_("%s: cannot read"), path);
		json_array_append_new(*errors, json_string(msg));
		free(msg);
		return NULL;
	}
	json_t *plan = plan_load_mem(path, sb.buf ? sb.buf : "", sb.len, errors);
	if (plan)
		json_object_set_new(plan, "source_path", json_string(path));
	sb_finish(&sb);
	return plan;
}
