/* Data files: where they are, the CSV importer, reference and demo data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dutydesk/i18n.h"
#include "config.h"
#include "dutydesk/csv.h"
#include "dutydesk/model.h"

char *data_path(const char *rel)
{
	const char *dirs[] = {getenv("DUTYDESK_DATA"), DD_DATADIR, DD_SRC_DATADIR};
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
	bool to_verify;              /* mark new and changed rows "to verify" */
	json_t *seen;                /* code -> line, for updates by code */
	int inserted, updated;
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

static bool insert_row(struct store *st, struct import *im, json_t *fields, json_t *extra,
		       struct err *e)
{
	char id[ID_TEXT] = "";
	const char *code = im->table->code_col
				   ? json_string_value(json_object_get(fields, im->table->code_col))
				   : NULL;
	if (im->table == &T_HAZARD && !hazard_validate(fields, e))
		return false;
	if (im->update && code && q_ref(st, im->table->name, code, id, NULL)) {
		/* Re-import: the record is there; change what differs (and only
		 * then mark it to verify: an unchanged row needs no checking). */
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
	return rec_insert(st, im->table, fields, id, e);
}

static bool is_extra(const struct import *im, const char *h)
{
	for (const char *const *x = im->extra; x && *x; x++)
		if (str_eq(*x, h))
			return true;
	return false;
}

static bool run_import(struct store *st, struct import *im, const char *path, int *count,
		       struct err *e)
{
	struct csv *c = csv_open_enc(path, im->encoding, e);
	if (!c)
		return false;
	char **f;
	size_t n, nh = 0;
	bool ok = false;
	const struct column **cols = NULL;
	char **heads = NULL;
	int rows = 0;

	int rc = csv_next(c, &f, &n, e);
	if (rc <= 0) {
		if (rc == 0)
			err_set(e, ERR_FAIL, _("%s: empty file: expected a header line"), path);
		goto out;
	}
	nh = n;
	cols = xcalloc(nh, sizeof *cols);
	heads = xcalloc(nh, sizeof *heads);
	for (size_t i = 0; i < nh; i++) {
		heads[i] = xstrdup(f[i]);
		for (size_t j = 0; j < i; j++)
			if (str_eq(heads[j], heads[i])) {
				err_set(e, ERR_FAIL, _("%s:%zu: column '%s' appears twice"), path,
					csv_line(c), heads[i]);
				goto out;
			}
		if (is_extra(im, heads[i]))
			continue;
		cols[i] = header_column(im->table, heads[i]);
		if (!cols[i]) {
			err_set(e, ERR_FAIL, _("%s:%zu: unknown column '%s' for %s"), path, csv_line(c),
				heads[i], im->table->name);
			goto out;
		}
	}
	while ((rc = csv_next(c, &f, &n, e)) == 1) {
		if (n != nh) {
			err_set(e, ERR_FAIL, _("%s:%zu: %zu fields, but the header has %zu"), path,
				csv_line(c), n, nh);
			if (!im->errors)
				goto out;
			json_array_append_new(im->errors, json_string(e->msg));
			continue;
		}
		json_t *fields = im->fixed ? json_deep_copy(im->fixed) : json_object();
		json_t *extra = json_object();
		bool row_ok = true;
		/* Villages are looked up within the row's township: two passes. */
		for (int pass = 0; pass < 2 && row_ok; pass++) {
			const char *tc = json_string_value(json_object_get(fields, "township_code"));
			for (size_t i = 0; i < nh && row_ok; i++) {
				if (!cols[i]) {
					if (pass == 0)
						json_object_set_new(extra, heads[i], json_string(f[i]));
					continue;
				}
				if ((cols[i]->type == CT_VILLAGE) != (pass == 1))
					continue;
				json_t *v = field_parse(st, cols[i], f[i], tc, e);
				if (!v) {
					row_ok = false;
					break;
				}
				if (json_is_null(v))
					json_decref(v);
				else
					json_object_set_new(fields, cols[i]->name, v);
			}
		}
		/* A row is all or nothing: a savepoint undoes a row that fails
		 * half-way when the import goes on past bad rows. */
		if (row_ok && im->errors)
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
			json_object_set_new(im->seen, code, json_integer((json_int_t)csv_line(c)));
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
			err_prefix(e, "%s:%zu", path, csv_line(c));
			if (!im->errors)
				goto out;
			/* keep going: every bad row is reported, nothing is kept */
			json_array_append_new(im->errors, json_string(e->msg));
			continue;
		}
		rows++;
	}
	ok = rc == 0;
	if (ok && im->errors && json_array_size(im->errors) && !im->skip_bad) {
		err_set(e, ERR_FAIL, _("%zu bad rows; nothing was imported"),
			json_array_size(im->errors));
		ok = false;
	}
out:
	for (size_t i = 0; heads && i < nh; i++)
		free(heads[i]);
	free(heads);
	free(cols);
	csv_destroy(c);
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
			    .seen = json_object()};
	int rows = 0;
	bool ok = run_import(st, &im, path, &rows, e);
	r->rows = rows;
	r->inserted = im.inserted;
	r->updated = im.updated;
	r->errors = im.errors;
	json_decref(im.seen);
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
	return true;
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
