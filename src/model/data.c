/* Data files: where they are, the CSV importer, reference and demo data. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dutydesk/i18n.h"
#include "config.h"
#include "dutydesk/csv.h"
#include "dutydesk/i18n.h"
#include "dutydesk/sheet.h"
#include "dutydesk/model.h"

char *data_path(const char *rel)
{
	const char *dirs[] = {getenv("DUTYDESK_DATA"), DD_DATADIR,
			      run_from_build_tree() ? DD_SRC_DATADIR : NULL};
	for (size_t i = 0; i < ARRAY_LEN(dirs); i++) {
		if (str_empty(dirs[i]))
			continue;
		char *p = xasprintf("%s/%s", dirs[i], rel);
		if (access(p, R_OK) == 0)
			return p;
		free(p);
	}
	return NULL;
}

struct import {
	const struct table *table;
	json_t *fixed;               /* added to every row (may be NULL) */
	const char *id_prefix;       /* ids made from the code: same on every node */
	const char *const *extra;    /* headers passed to row() as text, not columns */
	bool (*row)(struct store *st, struct import *im, json_t *fields, json_t *extra,
		    struct err *e);
	json_t *errors;              /* when set: every bad row's message, and go on */
	bool update;                 /* a row whose code exists updates that record */
	bool skip_bad;               /* keep the good rows even when some are bad */
	const char *encoding;        /* of the file: utf-8, gbk, gb18030, auto */
	const char *sheet;           /* the sheet asked for, or NULL */
	bool to_verify;              /* mark new and changed rows "to verify" */
	bool blank_clears;           /* an empty cell empties the stored value */
	json_t *seen;                /* code -> line, for updates by code */
	json_t *notes;               /* what was skipped, filled and changed, said */
	json_t *blanks;              /* this row's empty cells: column -> null */
	json_t *known;               /* contacts there already: "name\x1fphone" */
	json_t *receipts;            /* stock receipts: key -> [made, matched] */
	/* rows given to the caller instead of written (import_opts.take) */
	bool (*take)(void *ctx, json_t *fields, json_t *extra, const char *where, struct err *e);
	void *ctx;
	const char *where;           /* the row being read, as file:sheet:row */
	int inserted, updated, kept, again;
	int linked, created;         /* monitors and leaders linked to contacts, contacts added */
	int count[NORM_KINDS];       /* changes of each kind, and the first seen */
	char *example[NORM_KINDS];
};

/* Header names as Chinese registers write them. */
static const char *const header_zh[][2] = {
	{"统一编号", "code"}, {"编号", "code"}, {"代码", "code"}, {"名称", "name"},
	{"隐患点名称", "name"}, {"单位名称", "name"}, {"类型", "subtype"}, {"类别", "subtype"},
	{"灾害类型", "subtype"}, {"乡镇", "township"}, {"乡(镇)", "township"}, {"村", "village"},
	{"村(社区)", "village"}, {"行政村", "village"}, {"组", "grp"}, {"地址", "address"},
	{"位置", "address"}, {"经度", "lon"}, {"纬度", "lat"}, {"规模", "scale"},
	{"规模等级", "scale"}, {"体积", "volume_m3"}, {"方量", "volume_m3"}, {"稳定性", "stability"},
	{"诱发因素", "triggers"}, {"涉路", "road"}, {"道路隐患点", "road"}, {"城区", "county_town"},
	{"高风险", "high_risk"}, {"高风险区", "high_risk"}, {"威胁户数", "households"},
	{"威胁人数", "people"}, {"威胁财产", "property_10k"}, {"威胁财产(万元)", "property_10k"},
	{"乡镇责任人", "resp_township"}, {"乡镇责任人电话", "resp_township_phone"},
	{"村责任人", "resp_village"}, {"村责任人电话", "resp_village_phone"},
	{"监测员", "monitor"}, {"群测群防员", "monitor"}, {"监测员电话", "monitor_phone"},
	{"监测方式", "monitor_method"}, {"监测频次", "monitor_freq"}, {"预警信号", "warning_signal"},
	{"撤离路线", "evac_route"}, {"避险场所", "shelter"}, {"防灾明白卡", "hazard_card"},
	{"避险明白卡", "evac_cards"}, {"状态", "status"}, {"备注", "notes"},
	{"消防安全责任人", "resp_person"}, {"责任人电话", "resp_phone"},
	{"消防安全管理人", "mgr_person"}, {"管理人电话", "mgr_phone"}, {"层数", "floors"},
	{"建筑面积", "area_m2"}, {"人员数量", "occupancy"}, {"企业", "enterprise"},
	{"企业名称", "enterprise"}, {"物质", "substance"}, {"危险物质", "substance"},
	{"等级", "grade"}, {"主要负责人", "principal"}, {"主要负责人电话", "principal_phone"},
	{"技术负责人", "technical"}, {"技术负责人电话", "technical_phone"},
	{"操作负责人", "operational"}, {"操作负责人电话", "operational_phone"},
	/* as counties write them too */
	{"隐患点编号", "code"}, {"野外编号", "code"}, {"队伍编号", "code"}, {"仓库编号", "code"},
	{"专家编号", "code"}, {"隐患类型", "subtype"},
	{"乡镇名称", "township"}, {"所在乡镇", "township"}, {"所属乡镇", "township"},
	{"乡镇(街道)", "township"}, {"村名", "village"}, {"所在村", "village"},
	{"姓名", "name"}, {"队伍名称", "name"}, {"库名", "name"}, {"仓库名称", "name"},
	{"物资名称", "name"}, {"单位", "org"}, {"工作单位", "org"}, {"职务", "post"},
	{"联系电话", "phone"}, {"电话", "phone"}, {"手机", "mobile"}, {"手机号码", "mobile"},
	{"队伍类型", "type"}, {"类型", "type"}, {"人数", "size"}, {"队长", "leader"},
	{"负责人", "leader"}, {"负责人", "keeper"}, {"保管员", "keeper"}, {"驻地", "base"},
	{"装备", "equipment"}, {"主要装备", "equipment"}, {"是否可用", "available"},
	{"专业", "field"}, {"专业领域", "field"}, {"物资编码", "code"}, {"类别", "category"},
	{"计量单位", "unit"}, {"单位", "unit"}, {"最低库存", "min_stock"},
	{"保质期", "shelf_life_days"}, {"级别", "level"}, {"仓库", "depot"}, {"物资", "item"},
	{"数量", "qty"}, {"批次", "batch"}, {"批号", "batch"}, {"有效期", "expiry"},
	{"有效期至", "expiry"}, {"失效日期", "expiry"},
	/* a duty roster (值班表) */
	{"日期", "duty_date"}, {"值班日期", "duty_date"}, {"班次", "duty_shift"},
	{"值班员", "duty_officer"}, {"值班人员", "duty_officer"}, {"值班人", "duty_officer"},
	{"带班领导", "duty_leader"}, {"值班领导", "duty_leader"}, {"白班", "day_officer"},
	{"白班值班员", "day_officer"}, {"夜班", "night_officer"}, {"夜班值班员", "night_officer"},
	{"白班带班领导", "day_leader"}, {"夜班带班领导", "night_leader"},
	{"值班电话", "duty_phone"},
};

/* The column a header names: its SQL name, input alias or Chinese name. */
static const struct column *header_column(const struct table *t, const char *h)
{
	const struct column *c = table_column(t, h);
	for (size_t i = 0; !c && i < ARRAY_LEN(header_zh); i++)
		if (!strcmp(header_zh[i][0], h))
			c = table_column(t, header_zh[i][1]);
	return c;
}

const char *header_chinese(const char *column)
{
	for (size_t i = 0; i < ARRAY_LEN(header_zh); i++)
		if (!strcmp(header_zh[i][1], column))
			return header_zh[i][0];
	return column;
}

static const char *text_of(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));
	return v ? v : "";
}

/* A receipt imported before (the same depot, item, batch, expiry and
 * quantity, received by an import): 1 when one such receipt is there that
 * no row of this file has matched yet; -1 on error. Two equal rows in one
 * file are two receipts; importing the file again receives neither. */
static int receipt_there(struct store *st, struct import *im, json_t *f, struct err *e)
{
	char *key = xasprintf("%s|%s|%s|%s|%lld", text_of(f, "depot_id"), text_of(f, "item_id"),
			      text_of(f, "batch"), text_of(f, "expiry"),
			      (long long)json_integer_value(json_object_get(f, "qty")));
	json_t *card = q_stock_card(st, text_of(f, "depot_id"), text_of(f, "item_id"), -1, e);
	if (!card) {
		free(key);
		return -1;
	}
	json_int_t before = 0;
	json_t *m;
	size_t i;
	json_array_foreach(card, i, m)
		before += str_eq(text_of(m, "kind"), "receive") &&
			  str_eq(text_of(m, "reason"), "imported") &&
			  str_eq(text_of(m, "batch"), text_of(f, "batch")) &&
			  str_eq(text_of(m, "expiry"), text_of(f, "expiry")) &&
			  json_integer_value(json_object_get(m, "qty_in")) ==
				  json_integer_value(json_object_get(f, "qty"));
	json_decref(card);
	/* receipts this run made, and earlier ones this run matched */
	json_t *n = json_object_get(im->receipts, key);
	if (!n) {
		n = json_pack("[I, I]", (json_int_t)0, (json_int_t)0);
		json_object_set_new(im->receipts, key, n);
	}
	json_int_t made = json_integer_value(json_array_get(n, 0));
	json_int_t matched = json_integer_value(json_array_get(n, 1));
	bool there = before - made > matched;
	json_array_set_new(n, there ? 1 : 0, json_integer((there ? matched : made) + 1));
	im->again += there;
	free(key);
	return there;
}

/* "name\x1fnumber" for a contact's office phone and mobile ("" for none). */
static char *contact_key(json_t *r, const char *col)
{
	const char *ph = json_string_value(json_object_get(r, col));
	return xasprintf("%s\x1f%s", json_string_value(json_object_get(r, "name")), ph ? ph : "");
}

static json_t *known_contacts(struct store *st, struct err *e)
{
	json_t *rows = q_contact_book(st, e);
	if (!rows)
		return NULL;
	json_t *known = json_object(), *r;
	size_t i;
	json_array_foreach(rows, i, r)
		for (int k = 0; k < 2; k++) {
			/* the mobile counts only when there is one */
			if (k && !json_string_value(json_object_get(r, "mobile")))
				break;
			char *key = contact_key(r, k ? "mobile" : "phone");
			json_object_set_new(known, key, json_true());
			free(key);
		}
	json_decref(rows);
	return known;
}

static bool insert_row(struct store *st, struct import *im, json_t *fields, json_t *extra,
		       struct err *e)
{
	char id[ID_TEXT] = "";
	const char *code = im->table->code_col
				   ? json_string_value(json_object_get(fields, im->table->code_col))
				   : NULL;
	if (im->table == &T_HAZARD && !hazard_validate(fields, e))
		return false;
	if (im->known) {
		/* a contact already in the book (same name and phone or mobile) is there */
		char *key = contact_key(fields, "phone"), *mkey = contact_key(fields, "mobile");
		bool there = json_object_get(im->known, key) ||
			     (json_object_get(fields, "mobile") && json_object_get(im->known, mkey));
		json_object_set_new(im->known, key, json_true());
		if (json_object_get(fields, "mobile"))
			json_object_set_new(im->known, mkey, json_true());
		free(key);
		free(mkey);
		if (there)
			return true;
	}
	if (im->receipts) {
		int there = receipt_there(st, im, fields, e);
		if (there < 0)
			return false;
		if (there)
			return true;
	}
	if (im->update && code && q_ref(st, im->table->name, code, id, NULL)) {
		/* Re-import: the record is there; change what differs (and only
		 * then mark it to verify: an unchanged row needs no checking). */
		const char *kind = json_string_value(json_object_get(fields, "kind"));
		if (im->table == &T_HAZARD && kind) {
			json_t *ask = json_pack("{s:n}", "kind");
			json_t *cur = rec_current(st, im->table, id, ask, e);
			json_decref(ask);
			if (!cur)
				return false;
			const char *was = json_string_value(json_object_get(cur, "kind"));
			bool other = was && !str_eq(was, kind);
			if (other)
				err_set(e, ERR_FAIL,
					_("%s: '%s': already registered as a %s, not a %s (a code names "
					  "one point; give this one its own code)"),
					im->table->code_col, code, was, kind);
			json_decref(cur);
			if (other)
				return false;
		}
		if (im->blanks && json_object_size(im->blanks)) {
			if (im->blank_clears) {
				if (!rec_blank(st, im->table, im->blanks, e))
					return false;
				json_object_update(fields, im->blanks);
			} else {
				json_t *cur = rec_current(st, im->table, id, im->blanks, e);
				if (!cur)
					return false;
				const char *k;
				json_t *v;
				json_object_foreach(cur, k, v)
					im->kept += strcmp(k, "id") && !json_is_null(v) &&
						    !(json_is_string(v) &&
									  !*json_string_value(v));
				json_decref(cur);
			}
		}
		bool changed = false, same = true;
		if (im->to_verify && !rec_holds(st, im->table, id, fields, &same, e))
			return false;
		if (!same)
			json_object_set_new(fields, "to_verify", json_integer(1));
		bool ok = rec_update(st, im->table, id, fields, &changed, e);
		im->updated += changed;
		return ok;
	}
	if (im->to_verify)
		json_object_set_new(fields, "to_verify", json_integer(1));
	id[0] = '\0';
	if (im->id_prefix)
		snprintf(id, sizeof id, "%s%s", im->id_prefix, code ? code : "");
	im->inserted++;
	/* the monitor or leader it names, as a contact: written with the link */
	return contact_link_fields(st, im->table, fields, &im->created, &im->linked, e) &&
	       rec_insert(st, im->table, fields, id, e);
}

static bool take_row(struct store *st, struct import *im, json_t *fields, json_t *extra,
		     struct err *e)
{
	(void)st;
	return im->take(im->ctx, fields, extra, im->where, e);
}

static bool is_extra(const struct import *im, const char *h)
{
	for (const char *const *x = im->extra; x && *x; x++)
		if (str_eq(*x, h))
			return true;
	return false;
}

/* A header as a column: its name as written, else without a unit suffix
 * in brackets (威胁户数(户), 经度(°)). h is normalised (norm_header). */
static const struct column *match_header(const struct table *t, const char *h)
{
	const struct column *c = header_column(t, h);
	size_t n = strlen(h);
	if (!c && n > 2 && h[n - 1] == ')') {
		const char *open = strrchr(h, '(');
		if (open && open > h) {
			char *base = xstrndup(h, (size_t)(open - h));
			c = header_column(t, base);
			free(base);
		}
	}
	return c;
}

static bool ignored_header(const char *h)
{
	return !*h || str_eq(h, "序号") || str_eq(h, "序") || str_eq(h, "No.") || str_eq(h, "#");
}

static bool row_empty(const struct sheet_row *r)
{
	for (size_t i = 0; i < r->n; i++) {
		const char *p = r->cells[i];
		while (*p == ' ' || *p == '\t' || !strncmp(p, "\xE3\x80\x80", 3) ||
		       !strncmp(p, "\xC2\xA0", 2))
			p += (unsigned char)*p < 0x80 ? 1 : (unsigned char)*p == 0xC2 ? 2 : 3;
		if (*p)
			return false;
	}
	return true;
}

/* How many cells of row r are known headers of t, and how many are not
 * empty. */
static void header_score(const struct import *im, const struct sheet_row *r, size_t *known,
			 size_t *filled)
{
	*known = *filled = 0;
	for (size_t i = 0; i < r->n; i++) {
		char *h = norm_header(r->cells[i]);
		if (*h) {
			++*filled;
			*known += !ignored_header(h) &&
				  (match_header(im->table, h) || is_extra(im, r->cells[i]));
		}
		free(h);
	}
}

/* The header row of a sheet: among its first rows, the first of which
 * most cells (two at least, or the only one) are known headers. */
static long find_header(const struct import *im, const struct sheet *s)
{
	for (size_t r = 0; r < s->nrows && r < 30; r++) {
		size_t known, filled;
		header_score(im, &s->rows[r], &known, &filled);
		if (known && (known >= 2 || filled == 1) && 2 * known >= filled)
			return (long)r;
	}
	return -1;
}

/* 合计, 小计, 总计, 共12处 in one of a row's first cells. */
static bool total_row(const struct sheet_row *r, char **what)
{
	static const char *const words[] = {"合计", "小计", "总计", "总数", "累计"};
	for (size_t i = 0, seen = 0; i < r->n && seen < 3; i++) {
		char *h = norm_header(r->cells[i]);
		if (!*h) {
			free(h);
			continue;
		}
		seen++;
		bool total = false;
		for (size_t w = 0; w < ARRAY_LEN(words); w++)
			total |= !strncmp(h, words[w], strlen(words[w]));
		if (!strncmp(h, "共", 3)) {
			const char *p = h + 3;
			while (*p >= '0' && *p <= '9')
				p++;
			total |= p > h + 3 && (!strncmp(p, "处", 3) || !strncmp(p, "个", 3) ||
					       !strncmp(p, "条", 3) || !strncmp(p, "户", 3));
		}
		if (total) {
			*what = h;
			return true;
		}
		free(h);
	}
	return false;
}

/* A row of units under the header: every cell empty or "(户)", "(°)". */
static bool units_row(const struct sheet_row *r)
{
	size_t units = 0;
	for (size_t i = 0; i < r->n; i++) {
		char *h = norm_header(r->cells[i]);
		size_t n = strlen(h);
		bool unit = n >= 2 && h[0] == '(' && h[n - 1] == ')';
		bool empty = !n;
		free(h);
		if (!unit && !empty)
			return false;
		units += unit;
	}
	return units > 0;
}

static void note(struct import *im, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct import *im, const char *fmt, ...)
{
	if (!im->notes)
		return;
	struct strbuf sb;
	sb_init(&sb);
	va_list ap;
	va_start(ap, fmt);
	sb_vprintf(&sb, fmt, ap);
	va_end(ap);
	json_array_append_new(im->notes, json_string(sb.buf ? sb.buf : ""));
	sb_finish(&sb);
}

static void changed(struct import *im, unsigned kinds, const char *where, const char *head,
		    const char *raw, const char *now)
{
	for (size_t k = 0; k < NORM_KINDS; k++) {
		if (!(kinds & (1u << k)))
			continue;
		if (!im->count[k]++)
			im->example[k] = xasprintf("%s: %s: '%s' -> '%s'", where, head, raw, now);
	}
}

/* A township as clerks write it: 桑壁, 桑壁镇, 永和县桑壁镇. */
static json_t *township_variants(struct store *st, const struct column *c, const char *s)
{
	const char *p = s, *q;
	while ((q = strstr(p, "县")) || (q = strstr(p, "市")))
		if (q[3])
			p = q + 3;
		else
			break;
	size_t n = strlen(p);
	char *base = xstrdup(p);
	if (n > 3 && (!strcmp(p + n - 3, "镇") || !strcmp(p + n - 3, "乡")))
		base[n - 3] = '\0';
	const char *forms[] = {p, base, NULL, NULL};
	char *town = xasprintf("%s镇", base), *xiang = xasprintf("%s乡", base);
	forms[2] = town;
	forms[3] = xiang;
	json_t *v = NULL;
	for (size_t i = 0; i < ARRAY_LEN(forms) && !v; i++) {
		struct err scratch = {0};
		if (strcmp(forms[i], s))
			v = field_parse(st, c, forms[i], NULL, &scratch);
		if (v && json_is_null(v)) {
			json_decref(v);
			v = NULL;
		}
	}
	free(base);
	free(town);
	free(xiang);
	return v;
}

/* "township: 'x': no such township" as the sheet says it:
 * "乡（镇）: 'x': no such township". */
static void name_header(struct err *e, const struct column *c, const char *head)
{
	const char *label = c->input ? c->input : c->name;
	size_t n = strlen(label), skip = 0;
	if (!strncmp(e->msg, label, n) && !strncmp(e->msg + n, ": ", 2))
		skip = n + 2;
	else if (!strncmp(e->msg, c->name, strlen(c->name)) &&
		 !strncmp(e->msg + strlen(c->name), ": ", 2))
		skip = strlen(c->name) + 2;
	memmove(e->msg, e->msg + skip, strlen(e->msg + skip) + 1);
	err_prefix(e, "%s", head);
}

static char *accepted_names(const struct import *im)
{
	struct strbuf sb;
	sb_init(&sb);
	for (size_t i = 0; i < im->table->ncols; i++) {
		const struct column *c = &im->table->cols[i];
		if (str_eq(c->name, "to_verify") || (im->fixed && json_object_get(im->fixed, c->name)))
			continue;
		sb_printf(&sb, "%s%s", sb.len ? ", " : "", c->input ? c->input : c->name);
		for (size_t j = 0; j < ARRAY_LEN(header_zh); j++)
			if (table_column(im->table, header_zh[j][1]) == c)
				sb_printf(&sb, "/%s", header_zh[j][0]);
	}
	for (const char *const *x = im->extra; x && *x; x++)
		sb_printf(&sb, ", %s", *x);
	return sb.buf ? sb_take(&sb) : xstrdup("");
}

/* The sheet to read and its header row: the one asked for, else the first
 * with a row of known headers, else the first (its unknown headers are
 * then reported). */
static struct sheet *pick_sheet(struct import *im, struct workbook *wb, size_t *hrow,
				struct err *e)
{
	struct sheet *s = NULL;
	long h = -1;
	if (im->sheet) {
		s = workbook_sheet(wb, im->sheet);
		if (!s) {
			struct strbuf sb;
			sb_init(&sb);
			for (size_t i = 0; i < wb->nsheets; i++)
				sb_printf(&sb, "%s%s", i ? ", " : "",
					  wb->sheets[i].name ? wb->sheets[i].name : "");
			err_set(e, ERR_USAGE, _("%s: no sheet '%s'; its sheets: %s"), wb->path,
				im->sheet, sb.buf ? sb.buf : "");
			sb_finish(&sb);
			return NULL;
		}
		h = find_header(im, s);
	}
	for (size_t i = 0; !s && i < wb->nsheets; i++)
		if ((h = find_header(im, &wb->sheets[i])) >= 0)
			s = &wb->sheets[i];
	if (!s)
		s = &wb->sheets[0];
	if (h < 0)
		for (size_t r = 0; r < s->nrows && h < 0; r++)
			if (!row_empty(&s->rows[r]))
				h = (long)r;
	if (h < 0) {
		err_set(e, ERR_FAIL, _("%s: empty file: expected a header line"), wb->path);
		return NULL;
	}
	*hrow = (size_t)h;
	return s;
}

static bool run_import(struct store *st, struct import *im, const char *path, int *count,
		       struct err *e)
{
	struct workbook *wb = workbook_open(path, im->encoding, e);
	if (!wb)
		return false;
	size_t hrow = 0, nh = 0;
	struct sheet *sh = pick_sheet(im, wb, &hrow, e);
	bool ok = false;
	const struct column **cols = NULL;
	bool *skip = NULL;
	char **heads = NULL, **last = NULL;
	int rows = 0, blank = 0, bad_rows = 0;
	char where[600];
	if (!sh)
		goto out;
	const struct sheet_row *hr = &sh->rows[hrow];
#define WHERE(line)                                                                            \
	(sh->name ? snprintf(where, sizeof where, "%s:%s:%zu", path, sh->name, (size_t)(line))    \
		  : snprintf(where, sizeof where, "%s:%zu", path, (size_t)(line)),                \
	 where)
	if (sh->name && (wb->nsheets > 1 || hrow))
		note(im, _("sheet '%s', header on row %zu"), sh->name, hr->line);
	for (size_t r = 0; r < hrow; r++)
		if (!row_empty(&sh->rows[r]))
			note(im, _("row %zu skipped: above the header ('%s')"), sh->rows[r].line,
			     sh->rows[r].n ? sh->rows[r].cells[0] : "");
	nh = hr->n;
	cols = xcalloc(nh ? nh : 1, sizeof *cols);
	skip = xcalloc(nh ? nh : 1, sizeof *skip);
	heads = xcalloc(nh ? nh : 1, sizeof *heads);
	last = xcalloc(nh ? nh : 1, sizeof *last);
	struct strbuf unknown;
	sb_init(&unknown);
	size_t nunknown = 0;
	for (size_t i = 0; i < nh; i++) {
		heads[i] = xstrdup(hr->cells[i]);
		char *h = norm_header(heads[i]);
		if (ignored_header(h) || is_extra(im, heads[i])) {
			skip[i] = ignored_header(h);
			free(h);
			continue;
		}
		cols[i] = match_header(im->table, h);
		free(h);
		if (!cols[i]) {
			sb_printf(&unknown, "%s'%s'", nunknown++ ? ", " : "", heads[i]);
			continue;
		}
		for (size_t j = 0; j < i; j++)
			if (cols[j] == cols[i]) {
				err_set(e, ERR_FAIL, _("%s: columns '%s' and '%s' are both %s"),
					WHERE(hr->line), heads[j], heads[i], cols[i]->name);
				sb_finish(&unknown);
				goto out;
			}
	}
	if (nunknown) {
		char *acc = accepted_names(im);
		err_set(e, ERR_FAIL, _("%s: unknown columns for %s: %s; accepted: %s"),
			WHERE(hr->line), im->table->name, unknown.buf, acc);
		free(acc);
		sb_finish(&unknown);
		goto out;
	}
	sb_finish(&unknown);
	for (size_t r = hrow + 1; r < sh->nrows; r++) {
		const struct sheet_row *row = &sh->rows[r];
		char *total = NULL;
		if (row_empty(row)) {
			blank++;
			continue;
		}
		if (r == hrow + 1 && units_row(row)) {
			note(im, _("row %zu skipped: units under the header"), row->line);
			continue;
		}
		if (total_row(row, &total)) {
			note(im, _("row %zu skipped: a total ('%s')"), row->line, total);
			free(total);
			continue;
		}
		/* a CSV row says every field; a sheet's row ends at its last cell */
		bool too_many = strcmp(wb->format, "xlsx") && row->n != nh;
		for (size_t i = nh; i < row->n; i++)
			too_many |= *row->cells[i] != '\0';
		if (too_many) {
			err_set(e, ERR_FAIL, _("%s: %zu fields, but the header has %zu"), WHERE(row->line),
				row->n, nh);
			if (!im->errors)
				goto out;
			json_array_append_new(im->errors, json_string(e->msg));
			bad_rows++;
			continue;
		}
		json_t *fields = im->fixed ? json_deep_copy(im->fixed) : json_object();
		json_t *extra = json_object();
		json_decref(im->blanks);
		im->blanks = json_object();
		bool row_ok = true;
		im->where = WHERE(row->line);
		/* Villages are looked up within the row's township: two passes. */
		for (int pass = 0; pass < 2; pass++) {
			const char *tc = json_string_value(json_object_get(fields, "township_code"));
			for (size_t i = 0; i < nh; i++) {
				const char *raw = i < row->n ? row->cells[i] : "";
				if (skip[i])
					continue;
				if (!cols[i]) {
					if (pass == 0)
						json_object_set_new(extra, heads[i], json_string(raw));
					continue;
				}
				if ((cols[i]->type == CT_VILLAGE) != (pass == 1))
					continue;
				unsigned kinds = 0;
				if (i < row->n && row->merged[i])
					kinds |= NORM_MERGED;
				char *s = norm_cell(cols[i], raw, &kinds);
				/* a township, or a village within it, written once
				 * for its group of rows (a merged cell saved as CSV
				 * or .xls); a new township starts a new group */
				bool group = cols[i]->type == CT_TOWNSHIP ||
				             cols[i]->type == CT_VILLAGE;
				if (group && !*s && last[i]) {
					free(s);
					s = xstrdup(last[i]);
					kinds |= NORM_FILL;
				} else if (group && *s) {
					free(last[i]);
					last[i] = xstrdup(s);
					for (size_t j = 0; cols[i]->type == CT_TOWNSHIP && j < nh; j++)
						if (cols[j] && cols[j]->type == CT_VILLAGE) {
							free(last[j]);
							last[j] = NULL;
						}
				}
				json_t *v = field_parse(st, cols[i], s, tc, e);
				if (!v && cols[i]->type == CT_TOWNSHIP) {
					json_t *t = township_variants(st, cols[i], s);
					if (t) {
						v = t;
						kinds |= NORM_TOWNSHIP;
					}
				}
				if (v && kinds)
					changed(im, kinds, where, heads[i], raw, s);
				free(s);
				if (!v) {
					name_header(e, cols[i], heads[i]);
					err_prefix(e, "%s", where);
					if (!im->errors) {
						json_decref(fields);
						json_decref(extra);
						goto out;
					}
					json_array_append_new(im->errors, json_string(e->msg));
					row_ok = false;
					continue;
				}
				if (json_is_null(v)) {
					json_decref(v);
					if (!json_object_get(fields, cols[i]->name))
						json_object_set_new(im->blanks, cols[i]->name, json_null());
				} else {
					json_object_set_new(fields, cols[i]->name, v);
				}
			}
		}
		if (!row_ok) {
			bad_rows++;
			json_decref(fields);
			json_decref(extra);
			continue;
		}
		/* A row is all or nothing: a savepoint undoes a row that fails
		 * half-way when the import goes on past bad rows. */
		if (im->errors)
			row_ok = store_savepoint(st, e);
		/* Two rows with one code: the second would silently overwrite
		 * the first. */
		const char *code = im->seen && im->table->code_col
			? json_string_value(json_object_get(fields, im->table->code_col)) : NULL;
		if (row_ok && code && json_object_get(im->seen, code)) {
			row_ok = err_set(e, ERR_FAIL, _("%s: '%s': the same code as line %lld"),
					 im->table->code_col, code,
					 (long long)json_integer_value(json_object_get(im->seen, code)));
		} else if (row_ok && code) {
			json_object_set_new(im->seen, code, json_integer((json_int_t)row->line));
		}
		if (row_ok) {
			row_ok = fields_complete(im->table, fields, e) &&
				 (im->row ? im->row : insert_row)(st, im, fields, extra, e);
			if (im->errors && !row_ok)
				store_rollback_to(st);
			if (im->errors)
				store_release(st, NULL);
		}
		json_decref(fields);
		json_decref(extra);
		if (!row_ok) {
			err_prefix(e, "%s", where);
			if (!im->errors)
				goto out;
			/* keep going: every bad row is reported, nothing is kept */
			json_array_append_new(im->errors, json_string(e->msg));
			bad_rows++;
			continue;
		}
		rows++;
	}
#undef WHERE
	if (blank)
		note(im, _("%d empty rows skipped"), blank);
	for (size_t k = 0; k < NORM_KINDS; k++)
		if (im->count[k])
			note(im, _("%s: %d (e.g. %s)"), norm_kind_text(1u << k), im->count[k],
			     im->example[k]);
	ok = true;
	if (im->errors && bad_rows && !im->skip_bad) {
		err_set(e, ERR_FAIL, _("%d bad rows; nothing was imported"), bad_rows);
		ok = false;
	}
out:
	for (size_t i = 0; heads && i < nh; i++) {
		free(heads[i]);
		free(last[i]);
	}
	free(heads);
	free(last);
	free(cols);
	free(skip);
	json_decref(im->blanks);
	im->blanks = NULL;
	for (size_t k = 0; k < NORM_KINDS; k++) {
		free(im->example[k]);
		im->example[k] = NULL;
	}
	workbook_free(wb);
	if (ok && count)
		*count = rows;
	return ok;
}

bool import_csv(struct store *st, const struct table *t, const char *path, json_t *fixed,
		int *count, struct err *e)
{
	struct import im = {.table = t, .fixed = fixed};
	return run_import(st, &im, path, count, e);
}

bool import_file(struct store *st, const struct table *t, const char *path, json_t *fixed,
		 const struct import_opts *o, struct import_result *r, struct err *e)
{
	struct import im = {.table = t, .fixed = fixed, .update = t->code_col != NULL,
			    .errors = json_array(), .skip_bad = o && o->skip_bad,
			    .encoding = o ? o->encoding : NULL, .to_verify = o && o->to_verify,
			    .sheet = o ? o->sheet : NULL, .blank_clears = o && o->blank_clears,
			    .seen = json_object(), .notes = json_array()};
	if (o && o->take) {
		im.take = o->take;
		im.ctx = o->ctx;
		im.extra = o->extra;
		im.row = take_row;
	}
	int rows = 0;
	if (t == &T_CONTACT && !(im.known = known_contacts(st, e)))
		return false;
	if (t == &T_STOCK_MOVEMENT)
		im.receipts = json_object();
	bool ok = run_import(st, &im, path, &rows, e);
	if (ok && (t == &T_HAZARD || t == &T_TEAM)) {
		/* the monitors and leaders it names are contacts: found or added */
		ok = contact_link_people(st, &im.created, &im.linked, e);
		if (im.linked)
			note(&im, _("%d monitors and team leaders linked to the contact book, %d of "
				    "them added to it"),
			     im.linked, im.created);
	}
	if (im.again)
		note(&im, _("%d receipts imported before (same depot, item, batch, expiry and "
			    "quantity) not received again"),
		     im.again);
	json_decref(im.receipts);
	r->rows = rows;
	r->inserted = im.inserted;
	r->updated = im.updated;
	r->kept = im.kept;
	r->errors = im.errors;
	r->notes = im.notes;
	json_decref(im.seen);
	json_decref(im.known);
	return ok;
}

/* Opens a shipped data file or says where it looked. */
static char *need(const char *rel, struct err *e)
{
	char *p = data_path(rel);
	if (!p)
		err_set(e, ERR_FAIL,
			_("data file %s not found (looked in $DUTYDESK_DATA, %s and %s)"), rel,
			DD_DATADIR, DD_SRC_DATADIR);
	return p;
}

typedef bool (*ref_row_fn)(struct store *st, char **f, struct err *e);

static bool division_row(struct store *st, char **f, struct err *e)
{
	long long ill = 0;
	if (!str_empty(f[4]) && !str_to_ll(f[4], 0, 1, &ill))
		return err_set(e, ERR_FAIL, _("illustrative: '%s': expected 0 or 1"), f[4]);
	return store_put_division(st, f[0], f[1], f[2], f[3], ill, e);
}

static bool type_row(struct store *st, char **f, struct err *e)
{
	if (!enum_find(ENUM_CLASS, f[1])) {
		char buf[200];
		return err_set(e, ERR_FAIL, _("class: '%s': expected one of %s"), f[1],
			       enum_ids(ENUM_CLASS, buf, sizeof buf));
	}
	return store_put_incident_type(st, f[0], enum_find(ENUM_CLASS, f[1])->id, f[2], f[3], e);
}

/* A reference CSV with a fixed header. */
static bool load_ref(struct store *st, const char *rel, const char *header, size_t ncols,
		     ref_row_fn fn, struct err *e)
{
	char *path = need(rel, e);
	if (!path)
		return false;
	struct csv *c = csv_open(path, e);
	char **f;
	size_t n;
	bool ok = c != NULL;
	int rc = ok ? csv_next(c, &f, &n, e) : -1;
	if (ok && rc == 1) {
		struct strbuf h;
		sb_init(&h);
		for (size_t i = 0; i < n; i++)
			sb_printf(&h, "%s%s", i ? "," : "", f[i]);
		if (!str_eq(h.buf, header))
			ok = err_set(e, ERR_FAIL, _("%s:%zu: header must be %s"), path, csv_line(c), header);
		sb_finish(&h);
	}
	while (ok && (rc = csv_next(c, &f, &n, e)) == 1) {
		if (n != ncols)
			ok = err_set(e, ERR_FAIL, _("%zu fields, expected %zu"), n, ncols);
		else
			ok = fn(st, f, e);
		if (!ok)
			err_prefix(e, "%s:%zu", path, csv_line(c));
	}
	ok = ok && rc == 0;
	csv_destroy(c);
	free(path);
	return ok;
}

bool reference_load(struct store *st, struct err *e)
{
	return load_ref(st, "divisions.csv", "code,name,level,parent_code,illustrative", 5,
			division_row, e) &&
	       load_ref(st, "incident_types.csv", "id,class,name_zh,name_en", 4, type_row, e);
}

bool catalogue_load(struct store *st, struct err *e)
{
	/* Catalogue items get ids from their codes so every node agrees. */
	char *path = need("items.csv", e);
	if (!path)
		return false;
	int64_t have;
	bool ok = store_item_count(st, &have, e);
	if (ok && have == 0) {
		struct import im = {.table = &T_ITEM, .id_prefix = "item-"};
		ok = run_import(st, &im, path, NULL, e);
	}
	free(path);
	return ok;
}

static bool incident_row(struct store *st, struct import *im, json_t *fields,
			 json_t *extra, struct err *e)
{
	char number[64];
	const char *status = json_string_value(json_object_get(fields, "status"));
	const char *note = json_string_value(json_object_get(extra, "note"));
	bool closed = str_eq(status, "closed");
	json_object_del(fields, "status");
	json_object_del(fields, "number");
	/* Demo reports came in ten minutes after the event. */
	json_t *occ = json_object_get(fields, "occurred_at");
	if (json_is_integer(occ))
		json_object_set_new(fields, "received_at", json_integer(json_integer_value(occ) + 600));
	return incident_add(st, fields, note, number, e) &&
	       (!closed || incident_close(st, number, NULL, e));
}

bool demo_load(struct store *st, struct err *e)
{
	bool empty;
	if (!store_is_empty(st, &empty, e))
		return false;
	if (!empty)
		return err_set(e, ERR_FAIL,
			       _("%s already holds records; demo data goes into a new database "
			       "(use --db NEW.db)"), store_path(st));
	static const char *const incident_extra[] = {"note", NULL};
	static const struct {
		const char *file, *kind;
		const struct table *t;
	} files[] = {
		{"demo/contacts.csv", NULL, &T_CONTACT},
		{"demo/geohazards.csv", "geohazard", &T_HAZARD},
		{"demo/fire_units.csv", "fire_unit", &T_HAZARD},
		{"demo/major_sources.csv", "major_source", &T_HAZARD},
		{"demo/flood_points.csv", "flood_point", &T_HAZARD},
		{"demo/households.csv", NULL, &T_HOUSEHOLD},
		{"demo/inspections.csv", NULL, &T_INSPECTION},
		{"demo/defects.csv", NULL, &T_DEFECT},
		{"demo/depots.csv", NULL, &T_DEPOT},
		{"demo/stock.csv", NULL, &T_STOCK_MOVEMENT},
		{"demo/teams.csv", NULL, &T_TEAM},
		{"demo/experts.csv", NULL, &T_EXPERT},
		{"demo/incidents.csv", NULL, &T_INCIDENT},
	};
	for (size_t i = 0; i < ARRAY_LEN(files); i++) {
		char *path = need(files[i].file, e);
		if (!path)
			return false;
		struct import im = {.table = files[i].t};
		if (files[i].kind)
			im.fixed = json_pack("{s:s}", "kind", files[i].kind);
		if (files[i].t == &T_STOCK_MOVEMENT)
			im.fixed = json_pack("{s:s, s:s}", "kind", "receive", "reason", "demo stock");
		if (files[i].t == &T_INCIDENT) {
			im.extra = incident_extra;
			im.row = incident_row;
		}
		bool ok = run_import(st, &im, path, NULL, e);
		json_decref(im.fixed);
		free(path);
		if (!ok)
			return false;
	}
	/* the monitors of the points and the teams' leaders are contacts too */
	if (!contact_link_people(st, NULL, NULL, e))
		return false;
	/* the duty room's roster for the demo's month */
	char *path = need("demo/roster.csv", e);
	struct roster_result r;
	bool ok = path && roster_import(st, path, NULL, &r, e);
	if (path) {
		json_t *bad = json_array_get(r.errors, 0);
		if (!ok && bad)
			err_set(e, ERR_FAIL, "%s", json_string_value(bad));
		roster_result_finish(&r);
	}
	free(path);
	return ok;
}

json_t *responders(struct store *st, const char *type, const char *township_code,
		   struct err *e)
{
	char *path = need("responders.csv", e);
	if (!path)
		return NULL;
	struct csv *c = csv_open(path, e);
	free(path);
	if (!c)
		return NULL;
	char **f;
	size_t n;
	char *fields = NULL, *types = NULL;
	int rc = csv_next(c, &f, &n, e); /* header */
	while (rc == 1 && (rc = csv_next(c, &f, &n, e)) == 1)
		if (n == 3 && str_eq(f[0], type)) {
			fields = xstrdup(f[1]);
			types = xstrdup(f[2]);
		}
	csv_destroy(c);
	json_t *out = NULL;
	if (rc == 0) {
		/* A type nobody mapped: every team and expert, nearest first. */
		json_t *teams = q_teams(st, types, township_code, false, e);
		json_t *experts = teams ? q_experts(st, fields, township_code, e) : NULL;
		if (experts)
			out = json_pack("{s:s, s:s?, s:s?, s:o, s:o}", "type", type, "expert_fields",
					fields, "team_types", types, "teams", teams, "experts", experts);
		else
			json_decref(teams);
	}
	free(fields);
	free(types);
	return out;
}
