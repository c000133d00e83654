/* Warning dissemination: recipients, the message, coverage (see sms.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dutydesk/i18n.h"
#include "dutydesk/query.h"
#include "dutydesk/schema.h"
#include "dutydesk/sms.h"
#include "dutydesk/smsstore.h"

const char sms_default_template[] =
	"【{office}】{area}地质灾害{colour}预警，至{until}。{action}收到请回复“收到”";

bool sms_phone_normal(const char *in, char out[16])
{
	char d[32];
	size_t n = 0;
	for (const char *p = in ? in : ""; *p; p++) {
		if (isdigit((unsigned char)*p)) {
			if (n + 1 >= sizeof d)
				return false;
			d[n++] = *p;
		} else if (!strchr(" -()+.", *p)) {
			return false; /* a letter, an extension, two numbers in one field */
		}
	}
	d[n] = '\0';
	const char *s = d;
	if (n == 15 && !strncmp(d, "0086", 4))
		s += 4;
	else if (n == 13 && !strncmp(d, "86", 2))
		s += 2;
	if (strlen(s) != 11 || s[0] != '1' || s[1] < '3' || s[1] > '9')
		return false;
	memcpy(out, s, 12);
	return true;
}

/* A township's leaders and its 信息员: by the contact book's group, or,
 * for a contact without one (a book imported before groups), by the
 * words of the post. */
static bool post_has(const char *post, const char *const *words, size_t n)
{
	for (size_t i = 0; post && i < n; i++)
		if (strstr(post, words[i]))
			return true;
	return false;
}

static bool informant(const char *grp, const char *post)
{
	static const char *const words[] = {"信息员", "监测员"};
	return grp ? !strcmp(grp, "info_officer") : post_has(post, words, ARRAY_LEN(words));
}

static bool leader(const char *grp, const char *post)
{
	static const char *const words[] = {"书记", "乡长", "镇长", "主任", "领导", "县长", "应急办"};
	/* a township's own offices (its 应急办) are told with its leaders */
	return grp ? !strcmp(grp, "township_leader") || !strcmp(grp, "department")
		   : post_has(post, words, ARRAY_LEN(words)) && !informant(grp, post);
}

#define STR(o, k) json_string_value(json_object_get(o, k))

static void count(json_t *by, const char *key)
{
	key = key && *key ? key : "-";
	json_object_set_new(by, key, json_integer(json_integer_value(json_object_get(by, key)) + 1));
}

/* One person into the list: valid and new, a duplicate (dropped), or
 * invalid (listed). */
static void take(json_t *out, json_t *seen, const char *name, const char *raw, const char *kind,
		 const char *township, const char *township_code, const char *contact_id,
		 const char *source)
{
	char phone[16];
	bool ok = sms_phone_normal(raw, phone);
	if (ok && json_object_get(seen, phone))
		return;
	json_t *r = json_pack("{s:s?, s:s, s:s, s:s?, s:s?, s:s?, s:s?}", "name", name, "phone",
			      ok ? phone : raw ? raw : "", "kind", kind, "township", township,
			      "township_code", township_code, "contact_id", contact_id, "source",
			      source);
	if (!ok) {
		json_array_append_new(json_object_get(out, "invalid"), r);
		return;
	}
	json_object_set_new(seen, phone, json_true());
	json_array_append_new(json_object_get(out, "recipients"), r);
	count(json_object_get(out, "by_kind"), kind);
	count(json_object_get(out, "by_township"), township);
}

/* A contact's number for an SMS: the mobile, else the phone when that is
 * a mobile, else whatever there is (to be listed as invalid). */
static const char *contact_number(json_t *c, char buf[32])
{
	char tmp[16];
	const char *m = STR(c, "mobile"), *p = STR(c, "phone");
	if (m && sms_phone_normal(m, tmp))
		return m;
	if (p && sms_phone_normal(p, tmp))
		return p;
	/* one of the further numbers, comma separated */
	char *list = str_list_ascii(STR(c, "phones")), *save = NULL;
	bool found = false;
	for (char *q = strtok_r(list, ",", &save); q && !found; q = strtok_r(NULL, ",", &save))
		if ((found = sms_phone_normal(q, tmp)))
			snprintf(buf, 32, "%s", q);
	free(list);
	return found ? buf : m && *m ? m : p;
}

json_t *sms_recipients(struct store *st, const char *warning_id, json_t *added, int64_t now,
		       struct err *e)
{
	json_t *ws = q_sms_warning(st, warning_id, now, e);
	if (!ws)
		return NULL;
	size_t nw = json_array_size(ws);
	if (nw == 0 || (warning_id && nw > 1)) {
		json_decref(ws);
		if (nw > 1)
			err_set(e, ERR_USAGE, _("warning %s: more than one starts so; give more of its id"),
				warning_id);
		else if (warning_id)
			err_set(e, ERR_FAIL, _("no warning %s (see log list --kind warning)"), warning_id);
		else
			err_set(e, ERR_FAIL, "%s", _("no warning in force"));
		return NULL;
	}
	json_t *w = json_incref(json_array_get(ws, 0));
	json_decref(ws);
	const char *id = STR(w, "id");
	json_t *points = q_warning_points(st, id, now, e);
	json_t *contacts = points ? q_sms_township_contacts(st, STR(w, "area_codes"), e) : NULL;
	if (!contacts) {
		json_decref(points);
		json_decref(w);
		return NULL;
	}
	json_t *out = json_pack("{s:o, s:[], s:[], s:{}, s:{}}", "warning", w, "recipients",
				"invalid", "by_kind", "by_township");
	json_t *seen = json_object();
	size_t i;
	json_t *r;
	/* 1. the monitors of every point inside the area */
	json_array_foreach(points, i, r)
		if (STR(r, "monitor") || STR(r, "monitor_phone"))
			take(out, seen, STR(r, "monitor"), STR(r, "monitor_phone"), "monitor",
			     STR(r, "township"), STR(r, "township_code"), NULL, STR(r, "code"));
	/* 2. the townships' 信息员, 3. their leaders */
	char num[32];
	for (int pass = 0; pass < 2; pass++)
		json_array_foreach(contacts, i, r) {
			const char *post = STR(r, "post"), *grp = STR(r, "grp");
			if (pass == 0 ? !informant(grp, post) : !leader(grp, post))
				continue;
			take(out, seen, STR(r, "name"), contact_number(r, num),
			     pass == 0 ? "informant" : "leader", STR(r, "township"),
			     STR(r, "township_code"), STR(r, "id"), post);
		}
	/* 4. whom the officer adds: a group of the contact book, a contact by
	 * id, or a number */
	bool ok = true;
	json_array_foreach(added, i, r) {
		const char *v = json_string_value(r);
		char phone[16];
		if (v && sms_phone_normal(v, phone)) {
			take(out, seen, NULL, phone, "added", NULL, NULL, NULL, v);
			continue;
		}
		const struct enum_value *g = v ? enum_find(ENUM_CONTACT_GROUP, v) : NULL;
		if (g) {
			json_t *members = q_contacts(st, g->id, NULL, e);
			if (!members) {
				ok = false;
				break;
			}
			size_t j;
			json_t *c;
			json_array_foreach(members, j, c)
				take(out, seen, STR(c, "name"), contact_number(c, num), "added",
				     STR(c, "township"), STR(c, "township_code"), STR(c, "id"), g->zh);
			json_decref(members);
			continue;
		}
		json_t *c = v && strlen(v) >= 4 ? q_sms_contact(st, v, e) : json_null();
		if (!c) {
			ok = false;
			break;
		}
		if (json_is_null(c)) {
			ok = err_set(e, ERR_USAGE,
				     _("--add '%s': neither a mainland mobile number, a contact id nor "
				       "a group of the contact book"),
				     v ? v : "");
			json_decref(c);
			break;
		}
		take(out, seen, STR(c, "name"), contact_number(c, num), "added", STR(c, "township"),
		     STR(c, "township_code"), STR(c, "id"), STR(c, "post"));
		json_decref(c);
	}
	json_decref(seen);
	json_decref(points);
	json_decref(contacts);
	if (!ok) {
		json_decref(out);
		return NULL;
	}
	return out;
}

static const char *colour_action(const char *colour)
{
	if (!colour)
		return "";
	if (!strcmp(colour, "red"))
		return "请立即组织危险区群众撤离，24小时值守。";
	if (!strcmp(colour, "orange"))
		return "请组织危险区群众做好撤离准备，加密巡查。";
	if (!strcmp(colour, "yellow"))
		return "请加密巡查监测，做好撤离准备。";
	return "请加强巡查监测。";
}

char *sms_render(const char *tmpl, json_t *w, const char *action, const char *office)
{
	if (!tmpl || !*tmpl)
		tmpl = sms_default_template;
	char until[32] = "另行通知";
	json_t *u = json_object_get(w, "valid_until");
	if (json_is_integer(u)) {
		time_t t = (time_t)json_integer_value(u);
		struct tm tm;
		localtime_r(&t, &tm);
		strftime(until, sizeof until, "%m月%d日%H时", &tm);
	}
	const char *colour = STR(w, "colour");
	const struct {
		const char *name, *value;
	} vals[] = {
		{"{colour}", enum_label(ENUM_COLOUR, colour, true)},
		{"{area}", STR(w, "area")},
		{"{until}", until},
		{"{action}", action ? action : colour_action(colour)},
		{"{office}", office && *office ? office : "应急管理局"},
		{"{text}", STR(w, "text")},
	};
	struct strbuf sb;
	sb_init(&sb);
	for (const char *p = tmpl; *p;) {
		size_t k;
		for (k = 0; k < ARRAY_LEN(vals); k++)
			if (!strncmp(p, vals[k].name, strlen(vals[k].name)))
				break;
		if (k < ARRAY_LEN(vals)) {
			sb_puts(&sb, vals[k].value ? vals[k].value : "");
			p += strlen(vals[k].name);
		} else {
			sb_putc(&sb, *p++);
		}
	}
	return sb_take(&sb);
}

int sms_segments(const char *text, int *chars)
{
	int n = 0;
	bool ascii = true;
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if (*p >= 0x80)
			ascii = false;
		if ((*p & 0xC0) != 0x80)
			n += (*p >= 0xF0) ? 2 : 1; /* beyond the BMP: a UTF-16 pair */
	}
	if (chars)
		*chars = n;
	int one = ascii ? 160 : 70, part = ascii ? 153 : 67;
	return n <= one ? 1 : (n + part - 1) / part;
}

bool sms_confirms(const char *reply, const char *words)
{
	if (!reply)
		return false;
	if (!words || !*words)
		words = "收到";
	char *copy = str_list_ascii(words), *save = NULL;
	/* ASCII words match in any case */
	char *low = xstrdup(reply);
	for (char *p = low; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	bool yes = false;
	for (char *w = strtok_r(copy, " ,", &save); w && !yes; w = strtok_r(NULL, " ,", &save)) {
		for (char *p = w; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		yes = strstr(low, w) != NULL;
	}
	free(low);
	free(copy);
	return yes;
}

json_t *sms_coverage(json_t *messages)
{
	int64_t total = 0, queued = 0, sent = 0, delivered = 0, confirmed = 0, failed = 0;
	json_t *waiting = json_array();
	size_t i;
	json_t *r;
	json_array_foreach(messages, i, r) {
		const char *s = STR(r, "state");
		bool conf = json_is_integer(json_object_get(r, "confirmed_at"));
		total++;
		if (!strcmp(s, "queued") || !strcmp(s, "sending"))
			queued++;
		else if (!strcmp(s, "failed"))
			failed++;
		else
			sent++;
		if (json_is_integer(json_object_get(r, "delivered_at")) || conf)
			delivered++;
		confirmed += conf;
		if (!conf)
			json_array_append_new(waiting,
				json_pack("{s:O?, s:O?, s:O?, s:O?, s:O?, s:O?}", "name",
					  json_object_get(r, "name"), "phone", json_object_get(r, "phone"),
					  "kind", json_object_get(r, "kind"), "township",
					  json_object_get(r, "township"), "state",
					  json_object_get(r, "state"), "error",
					  json_object_get(r, "error")));
	}
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o}", "total", (json_int_t)total,
			 "queued", (json_int_t)queued, "sent", (json_int_t)sent, "delivered",
			 (json_int_t)delivered, "confirmed", (json_int_t)confirmed, "unconfirmed",
			 (json_int_t)(total - confirmed), "failed", (json_int_t)failed, "waiting",
			 waiting);
}

char *sms_coverage_line(json_t *c)
{
#define N(k) (long long)json_integer_value(json_object_get(c, k))
	struct strbuf sb;
	sb_init(&sb);
	sb_printf(&sb, _("sent %lld  delivered %lld  confirmed %lld  unconfirmed %lld"), N("sent"),
		  N("delivered"), N("confirmed"), N("unconfirmed"));
	if (N("queued"))
		sb_printf(&sb, _("  queued %lld"), N("queued"));
	if (N("failed"))
		sb_printf(&sb, _("  failed %lld"), N("failed"));
#undef N
	return sb_take(&sb);
}

json_t *sms_coverage_since(struct store *st, int64_t since, struct err *e)
{
	json_t *ws = q_sms_warnings(st, since, e);
	if (!ws)
		return NULL;
	json_t *out = json_array();
	size_t i;
	json_t *w;
	json_array_foreach(ws, i, w) {
		json_t *msgs = q_sms_messages(st, STR(w, "warning_id"), e);
		if (!msgs) {
			json_decref(out);
			out = NULL;
			break;
		}
		json_t *c = sms_coverage(msgs);
		json_decref(msgs);
#define N(k) (long long)json_integer_value(json_object_get(c, k))
		char *line = xasprintf("已发 %lld  送达 %lld  确认 %lld  未确认 %lld%s", N("sent"),
				       N("delivered"), N("confirmed"), N("unconfirmed"),
				       N("failed") ? "（含发送失败）" : "");
		struct strbuf names;
		sb_init(&names);
		size_t k, n = json_array_size(json_object_get(c, "waiting"));
		json_t *x;
		json_array_foreach(json_object_get(c, "waiting"), k, x) {
			if (k == 20) {
				sb_printf(&names, "等%zu人", n);
				break;
			}
			sb_printf(&names, "%s%s", k ? "、" : "",
				  STR(x, "name") ? STR(x, "name") : STR(x, "phone"));
		}
		json_array_append_new(out, json_pack("{s:O, s:O, s:O, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:s, s:s}",
			"warning_id", json_object_get(w, "warning_id"), "area", json_object_get(w, "area"),
			"colour", json_object_get(w, "colour"), "total", (json_int_t)N("total"),
			"sent", (json_int_t)N("sent"), "delivered", (json_int_t)N("delivered"),
			"confirmed", (json_int_t)N("confirmed"), "unconfirmed",
			(json_int_t)N("unconfirmed"), "queued", (json_int_t)N("queued"), "failed",
			(json_int_t)N("failed"), "line", line, "waiting", names.buf ? names.buf : ""));
#undef N
		sb_finish(&names);
		free(line);
		json_decref(c);
	}
	json_decref(ws);
	return out;
}
