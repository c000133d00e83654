/* Deadlines from rules: each stage takes the strictest matching rule. */
#include "dutydesk/i18n.h"
#include "dutydesk/deadline.h"
#include "dutydesk/dtime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yaml.h>

#include "dutydesk/yamlnode.h"

static const char *const level_names[] = {"I", "II", "III", "IV", "pending"};

static int level_bit(const char *level)
{
	for (int i = 0; i < 5; i++)
		if (str_eq(level, level_names[i]))
			return 1 << i;
	return 0;
}

/* ---- loading ---- */

struct loader {
	const char *path;
	yaml_document_t doc;
	struct err *e;
};

static bool fail(struct loader *l, yaml_node_t *n, const char *where, const char *what)
{
	return err_set(l->e, ERR_FAIL, "%s:%zu:%zu: %s: %s", l->path, n->start_mark.line + 1,
		       n->start_mark.column + 1, where, what);
}

static bool read_list(struct loader *l, yaml_node_t *v, const char *where,
		      bool (*each)(struct loader *, yaml_node_t *, const char *, void *), void *ctx)
{
	if (v->type != YAML_SEQUENCE_NODE)
		return fail(l, v, where, _("expected a list like [a, b]"));
	int i = 0;
	for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
	     it++, i++) {
		char w[96];
		snprintf(w, sizeof w, "%s[%d]", where, i);
		if (!each(l, yaml_document_get_node(&l->doc, *it), w, ctx))
			return false;
	}
	return true;
}

static bool one_level(struct loader *l, yaml_node_t *n, const char *where, void *ctx)
{
	int bit = level_bit(ynode_text(n));
	if (!bit)
		return fail(l, n, where, _("expected a level: I, II, III, IV or pending"));
	*(unsigned *)ctx |= (unsigned)bit;
	return true;
}

static bool one_type(struct loader *l, yaml_node_t *n, const char *where, void *ctx)
{
	struct deadline_rule *r = ctx;
	const char *s = ynode_text(n);
	if (!s || !*s || strlen(s) >= sizeof r->types[0])
		return fail(l, n, where, _("expected an incident type id"));
	if (r->ntypes == RULE_TYPES)
		return fail(l, n, where, _("too many types (at most 16)"));
	snprintf(r->types[r->ntypes++], sizeof r->types[0], "%s", s);
	return true;
}

static bool one_time(struct loader *l, yaml_node_t *n, const char *where, void *ctx)
{
	struct deadline_rule *r = ctx;
	const char *s = ynode_text(n);
	int h, m;
	char end;
	if (!s || sscanf(s, "%2d:%2d%c", &h, &m, &end) != 2 || strlen(s) != 5 || h > 23 || m > 59 ||
	    h < 0 || m < 0)
		return fail(l, n, where, _("expected a time of day like 08:00"));
	if (r->nfollow == RULE_TIMES)
		return fail(l, n, where, _("too many times (at most 6)"));
	r->follow_at[r->nfollow++] = h * 60 + m;
	return true;
}

static bool duration(struct loader *l, yaml_node_t *v, const char *where, int *out)
{
	if (!duration_parse(ynode_text(v), out))
		return fail(l, v, where, _("expected a duration like 30m, 2h or 1d"));
	return true;
}

static bool read_task(struct loader *l, yaml_node_t *n, const char *where, void *ctx)
{
	struct deadline_rules *rs = ctx;
	if (n->type != YAML_MAPPING_NODE)
		return fail(l, n, where, "expected {title: ..., within: 10m}");
	struct warning_task t = {0};
	yaml_node_t *k, *v;
	ynode_foreach_pair(&l->doc, n, p, k, v) {
		char w[128];
		snprintf(w, sizeof w, "%s.%s", where, ynode_text(k) ? ynode_text(k) : "?");
		if (str_eq(ynode_text(k), "title") && ynode_text(v))
			snprintf(t.title, sizeof t.title, "%s", ynode_text(v));
		else if (str_eq(ynode_text(k), "within")) {
			if (!duration(l, v, w, &t.within_min))
				return false;
		} else
			return fail(l, k, w, _("unknown key (expected title, within)"));
	}
	if (!t.title[0] || !t.within_min)
		return fail(l, n, where, _("a task needs a title and within"));
	if (rs->ntasks == WARNING_TASKS)
		return fail(l, n, where, _("too many tasks (at most 8)"));
	rs->tasks[rs->ntasks++] = t;
	return true;
}

static bool read_rule(struct loader *l, yaml_node_t *n, const char *where, void *ctx)
{
	struct deadline_rules *rs = ctx;
	if (n->type != YAML_MAPPING_NODE)
		return fail(l, n, where, _("expected a rule (a mapping with id, levels, ...)"));
	struct deadline_rule r = {0};
	yaml_node_t *k, *v;
	ynode_foreach_pair(&l->doc, n, p, k, v) {
		const char *key = ynode_text(k);
		char w[128];
		snprintf(w, sizeof w, "%s.%s", where, key ? key : "?");
		bool ok = true;
		if (!key)
			ok = fail(l, k, where, "expected a key");
		else if (!strcmp(key, "id") && ynode_text(v) && strlen(ynode_text(v)) < sizeof r.id)
			snprintf(r.id, sizeof r.id, "%s", ynode_text(v));
		else if (!strcmp(key, "id"))
			ok = fail(l, v, w, _("expected a short name"));
		else if (!strcmp(key, "source") && ynode_text(v))
			snprintf(r.source, sizeof r.source, "%s", ynode_text(v));
		else if (!strcmp(key, "class") && ynode_text(v))
			snprintf(r.cls, sizeof r.cls, "%s", ynode_text(v));
		else if (!strcmp(key, "types"))
			ok = read_list(l, v, w, one_type, &r);
		else if (!strcmp(key, "levels"))
			ok = read_list(l, v, w, one_level, &r.levels);
		else if (!strcmp(key, "first_report"))
			ok = duration(l, v, w, &r.first_min);
		else if (!strcmp(key, "written_report"))
			ok = duration(l, v, w, &r.written_min);
		else if (!strcmp(key, "final_report"))
			ok = duration(l, v, w, &r.final_min);
		else if (!strcmp(key, "follow_up"))
			ok = read_list(l, v, w, one_time, &r);
		else if (!strcmp(key, "source") || !strcmp(key, "class"))
			ok = fail(l, v, w, _("expected text"));
		else
			ok = fail(l, k, w, _("unknown key (expected id, source, class, types, levels, "
					     "first_report, written_report, follow_up, final_report)"));
		if (!ok)
			return false;
	}
	if (!r.id[0])
		return fail(l, n, where, _("a rule needs an id"));
	if (!r.levels)
		return fail(l, n, where, _("a rule needs levels"));
	for (int i = 0; i < rs->n; i++)
		if (!strcmp(rs->rules[i].id, r.id))
			return fail(l, n, where, _("duplicate rule id"));
	rs->rules = xrealloc(rs->rules, (size_t)(rs->n + 1) * sizeof *rs->rules);
	rs->rules[rs->n++] = r;
	return true;
}

bool deadline_rules_load(const char *path, struct deadline_rules *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	FILE *f = fopen(path, "rb");
	if (!f)
		return err_set(e, ERR_FAIL, _("%s: cannot read the deadline rules"), path);
	yaml_parser_t parser;
	struct loader l = {.path = path, .e = e};
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, f);
	bool ok = yaml_parser_load(&parser, &l.doc);
	if (!ok) {
		err_set(e, ERR_FAIL, "%s:%zu:%zu: %s", path, parser.problem_mark.line + 1,
			parser.problem_mark.column + 1, parser.problem ? parser.problem : _("not YAML"));
	} else {
		yaml_node_t *root = yaml_document_get_root_node(&l.doc);
		yaml_node_t *rules = NULL, *k, *v;
		if (root && root->type == YAML_MAPPING_NODE)
			ynode_foreach_pair(&l.doc, root, p, k, v) {
				if (str_eq(ynode_text(k), "rules"))
					rules = v;
				else if (str_eq(ynode_text(k), "warning_tasks"))
					ok = ok && read_list(&l, v, "warning_tasks", read_task, out);
				else
					ok = fail(&l, k, ynode_text(k) ? ynode_text(k) : "?",
						  _("unknown key (expected rules, warning_tasks)"));
			}
		if (ok && !rules)
			ok = err_set(e, ERR_FAIL, _("%s:1:1: rules: missing"), path);
		if (ok)
			ok = read_list(&l, rules, "rules", read_rule, out);
		yaml_document_delete(&l.doc);
	}
	yaml_parser_delete(&parser);
	fclose(f);
	if (!ok)
		deadline_rules_finish(out); /* a broken file never half-loads */
	return ok;
}

void deadline_rules_finish(struct deadline_rules *r)
{
	free(r->rules);
	r->rules = NULL;
	r->n = 0;
}

/* ---- computing ---- */

static bool matches(const struct deadline_rule *r, const struct incident_clock *c)
{
	if (!(r->levels & (unsigned)level_bit(c->level)))
		return false;
	if (r->cls[0] && !str_eq(r->cls, c->cls))
		return false;
	if (r->ntypes) {
		for (int i = 0; i < r->ntypes; i++)
			if (str_eq(r->types[i], c->type))
				return true;
		return false;
	}
	return true;
}

/* The first of the local times of day in r after t. */
static int64_t next_time_of_day(const struct deadline_rule *r, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	int64_t best = 0;
	for (int day = 0; day < 2 && !best; day++)
		for (int i = 0; i < r->nfollow; i++) {
			struct tm d = tm;
			d.tm_mday += day;
			d.tm_hour = r->follow_at[i] / 60;
			d.tm_min = r->follow_at[i] % 60;
			d.tm_sec = 0;
			d.tm_isdst = -1;
			int64_t at = (int64_t)mktime(&d);
			if (at > t && (!best || at < best))
				best = at;
		}
	return best;
}

static void consider(struct due *out, bool *have, const char *what, int64_t at, const char *rule)
{
	if (at && (!*have || at < out->at)) {
		out->what = what;
		out->at = at;
		out->rule = rule;
		*have = true;
	}
}

bool deadline_next(const struct deadline_rules *rs, const struct incident_clock *c,
		   struct due *out)
{
	bool have = false;
	for (int i = 0; i < rs->n; i++) {
		const struct deadline_rule *r = &rs->rules[i];
		if (!matches(r, c))
			continue;
		/* Once closed, only the final report is still owed. */
		if (r->first_min && !c->first_report_at && !c->closed)
			consider(out, &have, "first_report", c->received_at + r->first_min * 60LL, r->id);
		if (r->written_min && !c->written_at && !c->closed)
			consider(out, &have, "written_report", c->received_at + r->written_min * 60LL,
				 r->id);
		if (r->nfollow && !c->closed && c->last_report_at)
			consider(out, &have, "follow_up", next_time_of_day(r, c->last_report_at), r->id);
		if (r->final_min && c->closed && !c->final_at)
			consider(out, &have, "final_report", c->closed_at + r->final_min * 60LL, r->id);
	}
	return have;
}
