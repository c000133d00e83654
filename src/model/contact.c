/* The contact book (通讯录): the people a duty desk calls, found by name,
 * unit, post, number or pinyin initials; hazard monitors and team leaders
 * are contacts too, one person one record; calls logged against them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dutydesk/i18n.h"
#include "dutydesk/model.h"
#include "dutydesk/pinyin.h"
#include "dutydesk/query.h"
#include "dutydesk/width.h"

/* s without blanks at either end, in place. */
static char *trimmed(char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n'))
		s[--n] = '\0';
	size_t k = strspn(s, " \t\n");
	memmove(s, s + k, n - k + 1);
	return s;
}

static const char *text_of(json_t *row, const char *key)
{
	return json_string_value(json_object_get(row, key));
}

/* Does number appear among the contact's (phone, mobile, phones)? */
static bool has_number(json_t *row, const char *number)
{
	if (str_empty(number))
		return false;
	if (str_eq(text_of(row, "phone"), number) || str_eq(text_of(row, "mobile"), number))
		return true;
	const char *list = text_of(row, "phones");
	size_t n = strlen(number);
	for (const char *p = list; p && (p = strstr(p, number)); p += n)
		if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return true;
	return false;
}

/* The contacts of exactly this name (new reference; NULL on error). */
static json_t *named(struct store *st, const char *name, struct err *e)
{
	json_t *rows = q_contact_lookup(st, name, e);
	for (size_t i = rows ? json_array_size(rows) : 0; i-- > 0;)
		if (!str_eq(text_of(json_array_get(rows, i), "name"), name))
			json_array_remove(rows, i);
	return rows;
}

static bool no_numbers(json_t *row)
{
	return str_empty(text_of(row, "phone")) && str_empty(text_of(row, "mobile")) &&
	       str_empty(text_of(row, "phones"));
}

/* The number to dial: the mobile, else the office phone, else the first
 * further number (heap, "" when none). */
static char *best_number(json_t *row)
{
	const char *m = text_of(row, "mobile"), *p = text_of(row, "phone");
	if (!str_empty(m))
		return xstrdup(m);
	if (!str_empty(p))
		return xstrdup(p);
	const char *l = text_of(row, "phones");
	return l ? xstrndup(l, strcspn(l, ",")) : xstrdup("");
}

/* ---- search ---- */

/* The first character of s (heap). */
static char *first_char(const char *s)
{
	uint32_t cp;
	return xstrndup(s, *s ? utf8_decode(s, &cp) : 0);
}

/* 张书记 for 张建军, 县委书记: the surname, then (a part of) the post,
 * typed in characters or as initials. */
static bool surname_and_post(json_t *row, const char *q)
{
	const char *name = text_of(row, "name"), *post = text_of(row, "post");
	if (str_empty(name) || str_empty(post) || !q[0] || !q[1])
		return false;
	if (pinyin_query(q)) {
		uint32_t cp;
		utf8_decode(name, &cp);
		return (pinyin_mask(cp) & pinyin_mask((unsigned char)q[0])) && pinyin_match(post, q + 1);
	}
	char *sur = first_char(name);
	size_t n = strlen(sur);
	bool ok = !strncmp(q, sur, n) && q[n] && strstr(post, q + n);
	free(sur);
	return ok;
}

/* 2: text finds the row by its name; 1: by something else; 0: not at all. */
static int finds(json_t *row, const char *q)
{
	static const char *const others[] = {"org", "post", "notes", "township"};
	static const char *const numbers[] = {"phone", "mobile", "phones"};
	const char *name = text_of(row, "name");
	bool initials = pinyin_query(q);
	if ((name && strstr(name, q)) || (initials && pinyin_match(name, q)))
		return 2;
	if (surname_and_post(row, q))
		return 2;
	for (size_t i = 0; i < ARRAY_LEN(others); i++) {
		const char *v = text_of(row, others[i]);
		if (v && (strstr(v, q) || (initials && !str_eq(others[i], "notes") &&
					  pinyin_match(v, q))))
			return 1;
	}
	for (size_t i = 0; i < ARRAY_LEN(numbers); i++) {
		const char *v = text_of(row, numbers[i]);
		if (v && strstr(v, q))
			return 1;
	}
	return 0;
}

json_t *contact_search(struct store *st, const char *text, const char *grp,
		       const char *township_code, struct err *e)
{
	json_t *rows = q_contacts(st, grp, township_code, e);
	if (!rows)
		return NULL;
	char *q = xstrdup(text ? text : "");
	trimmed(q);
	json_t *by_name = json_array(), *others = json_array();
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		int how = *q ? finds(r, q) : 2;
		if (!how)
			continue;
		char *ini = pinyin_initials(text_of(r, "name"));
		json_object_set_new(r, "initials", json_string(ini));
		free(ini);
		json_array_append(how == 2 ? by_name : others, r);
	}
	json_array_extend(by_name, others);
	json_decref(others);
	json_decref(rows);
	free(q);
	return by_name;
}

/* ---- one contact ---- */

json_t *contact_get(struct store *st, const char *key, struct err *e)
{
	if (str_empty(key)) {
		err_set(e, ERR_USAGE, _("contact: give a name, a number or an id"));
		return NULL;
	}
	json_t *rows = q_contact_lookup(st, key, e);
	if (!rows)
		return NULL;
	if (json_array_size(rows) != 1) {
		struct strbuf sb;
		sb_init(&sb);
		sb_puts(&sb, "");
		size_t i;
		json_t *r;
		json_array_foreach(rows, i, r)
			sb_printf(&sb, "%s%s %s%s%s", i ? ", " : "", text_of(r, "id"),
				  text_of(r, "name"), text_of(r, "org") ? " " : "",
				  text_of(r, "org") ? text_of(r, "org") : "");
		if (json_array_size(rows) == 0)
			err_set(e, ERR_USAGE, _("contact '%s': no such contact (try contact search)"),
				key);
		else
			err_set(e, ERR_USAGE, _("contact '%s': %zu contacts answer to it: %s; give the id"),
				key, json_array_size(rows), sb.buf);
		sb_finish(&sb);
		json_decref(rows);
		return NULL;
	}
	json_t *c = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	json_t *where = q_contact_appears(st, text_of(c, "id"), e);
	if (!where) {
		json_decref(c);
		return NULL;
	}
	char *ini = pinyin_initials(text_of(c, "name"));
	json_object_set_new(c, "initials", json_string(ini));
	free(ini);
	json_object_update(c, where);
	json_decref(where);
	return c;
}

/* The contact of this name that has number (or, number empty, the first
 * of the name; or one of the name without any number, which takes it):
 * its row (new reference), json null when there is none. */
static json_t *same_person(struct store *st, const char *name, const char *number,
			   struct err *e)
{
	json_t *rows = named(st, name, e);
	if (!rows)
		return NULL;
	json_t *found = NULL, *bare = NULL;
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		if (!found && (str_empty(number) || has_number(r, number)))
			found = r;
		if (!bare && no_numbers(r))
			bare = r;
	}
	json_t *out = json_incref(found ? found : bare ? bare : json_null());
	json_decref(rows);
	return out;
}

static bool numbers_normalise(json_t *fields, struct err *e)
{
	if (!list_normalise(fields, "phones"))
		return err_set(e, ERR_USAGE, _("phones: '%s': an empty number in the list"),
			       text_of(fields, "phones"));
	return true;
}

bool contact_add(struct store *st, json_t *fields, char id[ID_TEXT], struct err *e)
{
	id[0] = '\0';
	if (!fields_complete(&T_CONTACT, fields, e) || !numbers_normalise(fields, e))
		return false;
	json_t *rows = named(st, text_of(fields, "name"), e);
	if (!rows)
		return false;
	static const char *const keys[] = {"phone", "mobile"};
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		bool same = no_numbers(r) && no_numbers(fields);
		for (size_t k = 0; k < ARRAY_LEN(keys) && !same; k++)
			same = has_number(r, text_of(fields, keys[k]));
		const char *l = text_of(fields, "phones");
		for (const char *p = l; p && *p && !same; p += strcspn(p, ",") + (p[strcspn(p, ",")] != 0)) {
			char *one = xstrndup(p, strcspn(p, ","));
			same = has_number(r, one);
			free(one);
		}
		if (same) {
			err_set(e, ERR_USAGE,
				_("name: '%s' is in the contact book already (%s), with a number in "
				  "common: change that one with contact edit"),
				text_of(fields, "name"), text_of(r, "id"));
			json_decref(rows);
			return false;
		}
	}
	json_decref(rows);
	return rec_insert(st, &T_CONTACT, fields, id, e);
}

/* Brings the hazards and teams that name contact c (its row) in line
 * with it: the name, and a number it has. */
static bool follow(struct store *st, json_t *c, struct err *e)
{
	json_t *where = q_contact_appears(st, text_of(c, "id"), e);
	if (!where)
		return false;
	char *best = best_number(c);
	bool ok = true;
	for (int k = 0; k < 2 && ok; k++) {
		bool hazard = k == 0;
		const char *name_col = hazard ? "monitor" : "leader";
		const char *phone_col = hazard ? "monitor_phone" : "phone";
		const struct table *t = hazard ? &T_HAZARD : &T_TEAM;
		size_t i;
		json_t *l;
		json_array_foreach(json_object_get(where, hazard ? "hazards" : "teams"), i, l) {
			json_t *want = json_pack("{s:s, s:s}", name_col, "", phone_col, "");
			json_t *cur = rec_current(st, t, text_of(l, "id"), want, e);
			json_decref(want);
			if (!cur) {
				ok = false;
				break;
			}
			json_t *f = json_pack("{s:s}", name_col, text_of(c, "name"));
			if (!has_number(c, text_of(cur, phone_col)) && *best)
				json_object_set_new(f, phone_col, json_string(best));
			ok = rec_update(st, t, text_of(l, "id"), f, NULL, e);
			json_decref(f);
			json_decref(cur);
			if (!ok)
				break;
		}
	}
	free(best);
	json_decref(where);
	return ok;
}

bool contact_edit(struct store *st, const char *key, json_t *fields, bool *changed,
		  struct err *e)
{
	json_t *c = contact_get(st, key, e);
	if (!c)
		return false;
	char id[ID_TEXT];
	snprintf(id, sizeof id, "%s", text_of(c, "id"));
	json_decref(c);
	bool moved = false;
	if (!numbers_normalise(fields, e) || !rec_update(st, &T_CONTACT, id, fields, &moved, e))
		return false;
	if (changed)
		*changed = moved;
	if (!moved)
		return true;
	json_t *rows = q_contact_lookup(st, id, e);
	bool ok = rows && follow(st, json_array_get(rows, 0), e);
	json_decref(rows);
	return ok;
}

/* ---- monitors and leaders ---- */

/* The contact a hazard's monitor (hazard) or a team's leader is: found by
 * name and number, or added; cid gets its id, *created counts an added one. */
static bool person_contact(struct store *st, bool hazard, const char *name, const char *number,
			   const char *township_code, const char *org, char cid[ID_TEXT],
			   int *created, struct err *e)
{
	json_t *c = same_person(st, name, number, e);
	if (!c)
		return false;
	bool ok = true;
	cid[0] = '\0';
	if (json_is_null(c)) {
		/* a mobile number (11 digits, 1...) as the mobile, else the phone */
		bool mobile = number && strlen(number) == 11 && number[0] == '1';
		json_t *f = json_pack("{s:s, s:s, s:s?, s:s?, s:s?}", "name", name, "grp",
				      hazard ? "monitor" : "team", mobile ? "mobile" : "phone", number,
				      "township_code", township_code, "org", org);
		ok = rec_insert(st, &T_CONTACT, f, cid, e);
		json_decref(f);
		if (created && ok)
			(*created)++;
	} else {
		snprintf(cid, ID_TEXT, "%s", text_of(c, "id"));
		if (!str_empty(number) && !has_number(c, number)) {
			/* the one of the name without a number takes this one */
			json_t *f = json_pack("{s:s}", "mobile", number);
			ok = rec_update(st, &T_CONTACT, cid, f, NULL, e);
			json_decref(f);
		}
	}
	json_decref(c);
	return ok;
}

bool contact_link_fields(struct store *st, const struct table *t, json_t *fields, int *created,
			 int *linked, struct err *e)
{
	bool hazard = t == &T_HAZARD;
	const char *name = text_of(fields, hazard ? "monitor" : "leader");
	const char *col = hazard ? "monitor_contact_id" : "leader_contact_id";
	if ((t != &T_HAZARD && t != &T_TEAM) || str_empty(name) || json_object_get(fields, col))
		return true;
	char cid[ID_TEXT];
	if (!person_contact(st, hazard, name, text_of(fields, hazard ? "monitor_phone" : "phone"),
			    text_of(fields, "township_code"), hazard ? NULL : text_of(fields, "name"),
			    cid, created, e))
		return false;
	json_object_set_new(fields, col, json_string(cid));
	if (linked)
		(*linked)++;
	return true;
}

static bool link_table(struct store *st, const char *table, int *created, int *linked,
		       struct err *e)
{
	bool hazard = str_eq(table, "hazard");
	json_t *people = q_contact_people(st, table, e);
	if (!people)
		return false;
	bool ok = true;
	size_t i;
	json_t *p;
	json_array_foreach(people, i, p) {
		char cid[ID_TEXT];
		ok = person_contact(st, hazard, text_of(p, "name"), text_of(p, "phone"),
				    text_of(p, "township_code"), text_of(p, "org"), cid, created, e);
		if (!ok)
			break;
		json_t *f = json_pack("{s:s}", hazard ? "monitor_contact_id" : "leader_contact_id", cid);
		ok = rec_update(st, hazard ? &T_HAZARD : &T_TEAM, text_of(p, "id"), f, NULL, e);
		json_decref(f);
		if (!ok)
			break;
		if (linked)
			(*linked)++;
	}
	json_decref(people);
	return ok;
}

bool contact_link_people(struct store *st, int *created, int *linked, struct err *e)
{
	return link_table(st, "hazard", created, linked, e) &&
	       link_table(st, "team", created, linked, e);
}

/* ---- calls ---- */

bool contact_call(struct store *st, const struct deadline_rules *r, const char *key,
		  const char *number, const char *about, const char *outcome, char *who,
		  size_t n, struct err *e)
{
	char *said = xstrdup(outcome ? outcome : "");
	trimmed(said);
	if (!*said) {
		free(said);
		return err_set(e, ERR_USAGE, _("outcome: empty; say how the call went"));
	}
	json_t *c = contact_get(st, key, e);
	if (!c) {
		free(said);
		return false;
	}
	/* 张三（桑壁镇人民政府 应急办值班，13800000000） */
	struct strbuf sb;
	sb_init(&sb);
	char *dial = best_number(c);
	const char *org = text_of(c, "org"), *post = text_of(c, "post");
	sb_printf(&sb, "%s", org ? org : "");
	if (post)
		sb_printf(&sb, "%s%s", sb.len ? " " : "", post);
	if (*dial)
		sb_printf(&sb, "%s%s", sb.len ? _(", ") : "", dial);
	char *text = sb.len ? xasprintf(_("called %s (%s): %s"), text_of(c, "name"), sb.buf, said)
			    : xasprintf(_("called %s: %s"), text_of(c, "name"), said);
	if (!str_empty(about) && !number) {
		char *t = xasprintf(_("%s (about %s)"), text, about);
		free(text);
		text = t;
	}
	snprintf(who, n, "%s", text_of(c, "name"));
	bool ok;
	if (number) {
		ok = incident_call(st, number, text_of(c, "id"), text_of(c, "name"), text, e);
	} else {
		json_t *f = json_pack("{s:s, s:s, s:s, s:s?}", "kind", "other", "text", text,
				      "contact_id", text_of(c, "id"), "township_code",
				      text_of(c, "township_code"));
		char id[ID_TEXT];
		ok = duty_log_add(st, r, f, id, e);
		json_decref(f);
	}
	sb_finish(&sb);
	free(dial);
	free(text);
	free(said);
	json_decref(c);
	return ok;
}
