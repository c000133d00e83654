#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dutydesk/dtime.h"
#include "dutydesk/i18n.h"
#include "dutydesk/model.h"
#include "dutydesk/query.h"

#define TEXT_MAX 20000 /* bytes: a long situation report fits, a pasted file doesn't */

static const char *label(const struct column *c)
{
	return c->input ? c->input : c->name;
}

/* The lookups (township, village, type, references) name themselves
 * ("township: ..."); the message names what the person typed instead
 * ("--township: ..."). */
static void relabel(struct err *e, const struct column *c)
{
	if (!e || !c->input)
		return;
	char *colon = strstr(e->msg, ": ");
	if (!colon || memchr(e->msg, ' ', (size_t)(colon - e->msg)))
		return;
	memmove(e->msg, colon + 2, strlen(colon + 2) + 1);
	err_prefix(e, "%s", c->input);
}

/* A deadline or a validity may lie ahead ("18:00" today); any other time
 * says when something happened: the most recent such time, never ahead. */
static enum dd_when time_when(const struct column *c)
{
	static const char *const ahead[] = {"due_at", "valid_until", "valid_from"};
	for (size_t i = 0; i < ARRAY_LEN(ahead); i++)
		if (str_eq(c->name, ahead[i]))
			return DD_TODAY;
	return DD_PAST;
}

json_t *field_parse(struct store *st, const struct column *c, const char *text,
		    const char *township_code, struct err *e)
{
	/* Spreadsheets pad cells: trim ASCII blanks at both ends. */
	while (text && (*text == ' ' || *text == '\t'))
		text++;
	size_t n = text ? strlen(text) : 0;
	while (n && (text[n - 1] == ' ' || text[n - 1] == '\t' || text[n - 1] == '\r'))
		n--;
	if (n == 0)
		return json_null();
	char *s = xstrndup(text, n);
	json_t *v = NULL;
	char buf[400];
	long long ll;
	double d;

	if (!str_valid_utf8(s)) {
		err_set(e, ERR_USAGE, _("%s: not valid UTF-8 text"), label(c));
		goto out;
	}
	switch (c->type) {
	case CT_TEXT:
		if (n > TEXT_MAX)
			err_set(e, ERR_USAGE, _("%s: too long (%zu bytes; at most %d)"), label(c), n,
				TEXT_MAX);
		else
			v = json_string(s);
		break;
	case CT_INT:
		if (!str_to_ll(s, (long long)c->min, (long long)c->max, &ll))
			err_set(e, ERR_USAGE, _("%s: '%s': expected a whole number from %.0f to %.0f"),
				label(c), s, c->min, c->max);
		else
			v = json_integer(ll);
		break;
	case CT_REAL:
		if (!str_to_double(s, &d) || d < c->min || d > c->max)
			err_set(e, ERR_USAGE, _("%s: '%s': expected a number from %g to %g"), label(c), s,
				c->min, c->max);
		else
			v = json_real(d);
		break;
	case CT_BOOL: {
		static const char *const yes[] = {"1", "yes", "true", "y", "是"};
		static const char *const no[] = {"0", "no", "false", "n", "否"};
		for (size_t i = 0; i < ARRAY_LEN(yes) && !v; i++) {
			if (strcasecmp(s, yes[i]) == 0)
				v = json_integer(1);
			else if (strcasecmp(s, no[i]) == 0)
				v = json_integer(0);
		}
		if (!v)
			err_set(e, ERR_USAGE, _("%s: '%s': expected 1 or 0 (yes/no, 是/否)"), label(c), s);
		break;
	}
	case CT_TIME: {
		int64_t t;
		if (dd_time_parse_when(s, dd_now(), time_when(c), &t, e))
			v = json_integer(t);
		else
			err_prefix(e, "%s", label(c));
		break;
	}
	case CT_DATE: {
		char day[11];
		if (dd_date_parse(s, day, e))
			v = json_string(day);
		else
			err_prefix(e, "%s", label(c));
		break;
	}
	case CT_ENUM: {
		const struct enum_value *ev = enum_find(c->values, s);
		if (ev)
			v = json_string(ev->id);
		else
			err_set(e, ERR_USAGE, _("%s: '%s': expected one of %s"), label(c), s,
				enum_ids(c->values, buf, sizeof buf));
		break;
	}
	case CT_TOWNSHIP:
	case CT_VILLAGE:
	case CT_TYPE:
	case CT_REF: {
		/* a name or code looked up: the code or id it stands for */
		char id[64];
		bool found = c->type == CT_TOWNSHIP ? q_township(st, s, id, e)
			     : c->type == CT_VILLAGE ? q_village(st, township_code, s, id, e)
			     : c->type == CT_TYPE    ? q_incident_type(st, s, id, e)
						     : q_ref(st, c->ref, s, id, e);
		if (found)
			v = json_string(id);
		else
			relabel(e, c);
		break;
	}
	}
out:
	free(s);
	return v;
}

bool record_found(json_t *r, const char *what, const char *key, struct err *e)
{
	if (!r)
		return false;
	if (!json_is_null(r))
		return true;
	json_decref(r);
	if (str_eq(what, "incident"))
		return err_set(e, ERR_FAIL, _("incident '%s': no such incident"), key);
	if (str_eq(what, "hazard"))
		return err_set(e, ERR_FAIL, _("hazard '%s': no such hazard"), key);
	if (str_eq(what, "shift"))
		return err_set(e, ERR_FAIL, _("shift '%s': no such shift"), key);
	return err_set(e, ERR_FAIL, _("%s '%s': no such %s"), what, key, what);
}

bool fields_complete(const struct table *t, json_t *fields, struct err *e)
{
	for (size_t i = 0; i < t->ncols; i++) {
		const struct column *c = &t->cols[i];
		json_t *v = json_object_get(fields, c->name);
		if (c->required && (!v || json_is_null(v)))
			return err_set(e, ERR_USAGE, _("%s: required, but missing"),
				       c->input ? c->input : c->name);
	}
	return true;
}

bool hazard_validate(json_t *fields, struct err *e)
{
	static const struct {
		const char *kind;
		const struct enum_value *subtypes;
	} per_kind[] = {
		{"geohazard", ENUM_GEO_SUBTYPE}, {"fire_unit", ENUM_FIRE_SUBTYPE},
		{"major_source", ENUM_MAJOR_SUBTYPE}, {"flood_point", ENUM_FLOOD_SUBTYPE}};
	const char *kind = json_string_value(json_object_get(fields, "kind"));
	json_t *sub = json_object_get(fields, "subtype");
	if (!kind || !sub || json_is_null(sub))
		return true;
	for (size_t i = 0; i < ARRAY_LEN(per_kind); i++) {
		if (!str_eq(kind, per_kind[i].kind))
			continue;
		const struct enum_value *ev = enum_find(per_kind[i].subtypes, json_string_value(sub));
		if (!ev) {
			char buf[400];
			return err_set(e, ERR_USAGE, _("subtype: '%s': for a %s expected one of %s"),
				       json_string_value(sub), kind,
				       enum_ids(per_kind[i].subtypes, buf, sizeof buf));
		}
		json_object_set_new(fields, "subtype", json_string(ev->id));
	}
	return true;
}

bool list_normalise(json_t *fields, const char *key)
{
	const char *text = json_string_value(json_object_get(fields, key));
	if (!text)
		return true;
	struct strbuf out;
	sb_init(&out);
	const char *p = text;
	bool ok = true;
	for (;;) {
		const char *end = p;
		size_t sep = 0;
		while (*end && !sep) {
			if (*end == ',')
				sep = 1;
			else if (!strncmp(end, "，", 3) || !strncmp(end, "、", 3))
				sep = 3;
			else
				end++;
		}
		const char *a = p, *b = end;
		while (a < b && (*a == ' ' || *a == '\t'))
			a++;
		while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
			b--;
		if (a == b) {
			ok = false;
			break;
		}
		if (out.len)
			sb_putc(&out, ',');
		sb_add(&out, a, (size_t)(b - a));
		if (!sep)
			break;
		p = end + sep;
	}
	if (ok)
		json_object_set_new(fields, key, json_string(out.buf));
	sb_finish(&out);
	return ok;
}
