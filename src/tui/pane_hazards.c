/* Pane 2: hazard registers, as a list or as a map, under one filter
 * (the same one `dutydesk hazard list|export` use). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dutydesk/dtime.h"
#include "dutydesk/map.h"
#include "dutydesk/model.h"
#include "lpane.h"

static const char *kind_label(const char *id)
{
	static const struct enum_value short_kinds[] = {
		{"geohazard", "地灾点", "geo"}, {"fire_unit", "消防单位", "fire"},
		{"major_source", "危险源", "source"}, {"flood_point", "防汛点", "flood"},
		{NULL, NULL, NULL}};
	return enum_label(short_kinds, id, tui_zh);
}

static const char *subtype_label(const char *id)
{
	const struct enum_value *lists[] = {ENUM_GEO_SUBTYPE, ENUM_FIRE_SUBTYPE,
					    ENUM_MAJOR_SUBTYPE, ENUM_FLOOD_SUBTYPE};
	for (size_t i = 0; i < ARRAY_LEN(lists); i++)
		if (enum_find(lists[i], id))
			return enum_label(lists[i], id, tui_zh);
	return id;
}

static const char *scale_label(const char *id)
{
	return enum_label(ENUM_SCALE, id, tui_zh);
}

static const char *danger_label(const char *id)
{
	static const struct enum_value short_grades[] = {
		{"huge", "特大型", "huge"}, {"large", "大型", "large"}, {"medium", "中型", "medium"},
		{"small", "小型", "small"}, {NULL, NULL, NULL}};
	return enum_label(short_grades, id, tui_zh);
}

/* The name, marked when an imported row still waits to be verified. */
static const char *name_cell(json_t *row, char *buf, size_t n)
{
	const char *name = json_string_value(json_object_get(row, "name"));
	snprintf(buf, n, "%s%s", json_integer_value(json_object_get(row, "tv")) ? _("[verify] ") : "",
		 name ? name : "");
	return buf;
}

static const struct list_col cols[] = {
	{"code", N_("Code"), 13, 14, false, "code", false, NULL, NULL, NULL},
	{"kind", N_("Kind"), 8, 8, false, "kind", false, kind_label, NULL, NULL},
	{"subtype", N_("Type"), 10, 10, false, NULL, false, subtype_label, NULL, NULL},
	{"scale", N_("Scale"), 6, 6, false, NULL, false, scale_label, NULL, NULL},
	{"township", N_("Township"), 8, 8, false, "township", false, NULL, NULL, NULL},
	{"people", N_("People"), 6, 6, true, "people", true, NULL, NULL, NULL},
	{"name", N_("Name"), 10, 0, false, "name", false, NULL, NULL, name_cell},
};

/* Overdue inspection first (it is what the officer must act on), then a
 * point in a high-risk zone. */
static enum role row_role(json_t *row)
{
	if (hazard_overdue(json_string_value(json_object_get(row, "kind")),
			   json_string_value(json_object_get(row, "status")),
			   json_object_get(row, "li"), dd_now()))
		return R_OVERDUE;
	return json_integer_value(json_object_get(row, "hr")) ? R_WARN : R_NORMAL;
}

/* The pane's filter, summary and map state (there is one hazards pane). */
static struct {
	struct hazard_ui_filter f;
	bool map;
	char zoom[16];     /* township code the map is zoomed to; "" the county */
	char zoom_name[64];
	json_t *summary;   /* of the filtered rows, until they change */
	json_t *points;    /* the filtered rows with coordinates */
	json_t *all;       /* every hazard with coordinates, for outlines and zoom */
	json_t *outlines;  /* hulls of the county and of each township: [[lon, lat]...] */
	/* what the caches above were made for */
	int64_t gen;
	struct hazard_ui_filter cached_f;
	char cached_town[16];
} hz;

static void to_filter(const struct lpane *lp, struct hazard_filter *f)
{
	memset(f, 0, sizeof *f);
	f->kind = hz.f.kind[0] ? hz.f.kind : NULL;
	f->subtype = hz.f.subtype[0] ? hz.f.subtype : NULL;
	f->scale = hz.f.scale[0] ? hz.f.scale : NULL;
	f->danger = hz.f.danger[0] ? hz.f.danger : NULL;
	f->status = hz.f.status[0] ? hz.f.status : NULL;
	f->overdue = hz.f.overdue;
	f->in_warning = hz.f.in_warning;
	f->to_verify = hz.f.to_verify;
	f->township_code = lp && lp->township[0] ? lp->township : NULL;
}

static void hazards(struct app *app, struct lpane *lp, struct hazard_filter *f)
{
	to_filter(NULL, f); /* the township is the list's own condition */
}

/* The rows may have changed (filter, reload): the summary, points and
 * outlines go, unless neither the filter nor the data did (a pane switch
 * reloads, and recounting 10,000 points each time costs 10 ms). */
static void changed(struct app *app, struct lpane *lp)
{
	/* overdue and "inside a warning" move with the clock too */
	int64_t gen = store_generation(app->st) * 1440 + dd_now() / 60;
	if (hz.summary && gen == hz.gen && !memcmp(&hz.f, &hz.cached_f, sizeof hz.f) &&
	    !strcmp(lp->township, hz.cached_town))
		return;
	hz.gen = gen;
	hz.cached_f = hz.f;
	snprintf(hz.cached_town, sizeof hz.cached_town, "%s", lp->township);
	json_decref(hz.summary);
	json_decref(hz.points);
	json_decref(hz.all);
	json_decref(hz.outlines);
	hz.summary = hz.points = hz.all = hz.outlines = NULL;
}

static void describe(struct app *app, struct lpane *lp, char *buf, size_t n)
{
	struct strbuf sb;
	sb_init(&sb);
	const struct {
		const char *val;
		const struct enum_value *ev;
	} parts[] = {{hz.f.kind, ENUM_HAZARD_KIND}, {hz.f.subtype, NULL}, {hz.f.scale, ENUM_SCALE},
		     {hz.f.status, ENUM_HAZARD_STATUS}};
	for (size_t i = 0; i < ARRAY_LEN(parts); i++)
		if (parts[i].val[0])
			sb_printf(&sb, "%s%s", sb.len ? " · " : "",
				  parts[i].ev ? app_label(app, parts[i].ev, parts[i].val)
					      : subtype_label(parts[i].val));
	if (hz.f.danger[0]) {
		sb_printf(&sb, "%s", sb.len ? " · " : "");
		sb_printf(&sb, _("danger %s"), danger_label(hz.f.danger));
	}
	if (hz.f.overdue)
		sb_printf(&sb, "%s%s", sb.len ? " · " : "", _("inspection overdue"));
	if (hz.f.in_warning)
		sb_printf(&sb, "%s%s", sb.len ? " · " : "", _("inside a warning"));
	if (hz.f.to_verify)
		sb_printf(&sb, "%s%s", sb.len ? " · " : "", _("to verify"));
	if (!sb.len)
		sb_puts(&sb, _("all"));
	if (hz.map)
		sb_printf(&sb, "  %s%s", _("map: "), hz.zoom[0] ? hz.zoom_name : _("county"));
	snprintf(buf, n, "%s", sb.buf);
	sb_finish(&sb);
}

static long long num(json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

/* The register's own summary line: "180 geological hazard points (large 6,
 * medium 10, small 164; 35 road points) · 36 fire key units · ...". */
static bool summary(struct app *app, struct lpane *lp, char *buf, size_t n)
{
	if (!hz.summary) {
		struct hazard_filter f;
		struct err e;
		to_filter(lp, &f);
		hz.summary = q_hazard_summary(app->st, &f, &e);
		if (!hz.summary)
			return false;
	}
	json_t *s = hz.summary;
	struct strbuf sb;
	sb_init(&sb);
	if (num(s, "geohazards"))
		sb_printf(&sb, _("%lld geohazard points (large %lld, medium %lld, small %lld; road %lld)"),
			  num(s, "geohazards"), num(s, "large"), num(s, "medium"), num(s, "small"),
			  num(s, "road"));
	if (num(s, "fire_units"))
		sb_printf(&sb, "%s" , sb.len ? " · " : ""),
			sb_printf(&sb, _("%lld fire key units"), num(s, "fire_units"));
	if (num(s, "sources"))
		sb_printf(&sb, "%s", sb.len ? " · " : ""),
			sb_printf(&sb, _("%lld major hazard sources"), num(s, "sources"));
	if (num(s, "flood_points"))
		sb_printf(&sb, "%s", sb.len ? " · " : ""),
			sb_printf(&sb, _("%lld flood points"), num(s, "flood_points"));
	if (num(s, "people"))
		sb_printf(&sb, "%s", sb.len ? " · " : ""),
			sb_printf(&sb, _("threatening %lld households, %lld people"),
				  num(s, "households"), num(s, "people"));
	if (!num(s, "n"))
		sb_puts(&sb, _("none"));
	snprintf(buf, n, "%s", sb.buf);
	sb_finish(&sb);
	return true;
}

/* ---- the map ---- */

/* One symbol a kind, colour by scale (bold/underline when monochrome). */
static const char *symbol(const char *kind)
{
	return str_eq(kind, "fire_unit") ? "F" : str_eq(kind, "major_source") ? "S"
	       : str_eq(kind, "flood_point") ? "~" : "^";
}

static enum role scale_role(const char *scale)
{
	return str_eq(scale, "large") ? R_OVERDUE : str_eq(scale, "medium") ? R_WARN
	       : str_eq(scale, "small") ? R_GOOD : R_NORMAL;
}

static struct map_pt pt_of(json_t *r)
{
	return (struct map_pt){json_number_value(json_object_get(r, "lon")),
			       json_number_value(json_object_get(r, "lat"))};
}

/* Outlines: the convex hull of each township's points, and the county's,
 * in degrees; made once per change of the registers, drawn every paint. */
static void make_outlines(void)
{
	size_t n = json_array_size(hz.all);
	struct map_pt *pts = xcalloc(n + 1, sizeof *pts), *hull = xcalloc(n + 1, sizeof *hull);
	json_t *towns = json_object(); /* code -> array of row indexes */
	size_t i;
	json_t *r;
	json_array_foreach(hz.all, i, r) {
		const char *t = json_string_value(json_object_get(r, "township_code"));
		if (!t)
			continue;
		json_t *idx = json_object_get(towns, t);
		if (!idx)
			json_object_set_new(towns, t, idx = json_array());
		json_array_append_new(idx, json_integer((json_int_t)i));
	}
	hz.outlines = json_array();
	/* "": the county, every point; then each township's */
	json_t *every = json_array();
	json_array_foreach(hz.all, i, r)
		json_array_append_new(every, json_integer((json_int_t)i));
	json_object_set_new(towns, "", every);
	const char *t;
	json_t *idx;
	json_object_foreach(towns, t, idx) {
		size_t m = 0, k;
		json_t *ix;
		json_array_foreach(idx, k, ix)
			pts[m++] = pt_of(json_array_get(hz.all, (size_t)json_integer_value(ix)));
		size_t h = map_hull(pts, m, hull);
		json_t *poly = json_array();
		for (k = 0; k < h; k++)
			json_array_append_new(poly, json_pack("[f,f]", hull[k].lon, hull[k].lat));
		json_array_append_new(hz.outlines, poly);
	}
	json_decref(towns);
	free(pts);
	free(hull);
}

static bool load_points(struct app *app, struct lpane *lp)
{
	struct err e;
	struct hazard_filter f;
	if (!hz.points) {
		to_filter(lp, &f);
		json_t *pts = q_hazard_points(app->st, &f, &e);
		/* In drawing order, once: the larger scale on top where points
		 * share a cell. */
		static const enum role order[] = {R_NORMAL, R_GOOD, R_WARN, R_OVERDUE};
		hz.points = pts ? json_array() : NULL;
		for (size_t pass = 0; pts && pass < ARRAY_LEN(order); pass++) {
			size_t i;
			json_t *r;
			json_array_foreach(pts, i, r)
				if (scale_role(json_string_value(json_object_get(r, "scale"))) == order[pass])
					json_array_append(hz.points, r);
		}
		json_decref(pts);
	}
	if (!hz.all) {
		memset(&f, 0, sizeof f);
		hz.all = q_hazard_points(app->st, &f, &e);
		if (hz.all)
			make_outlines();
	}
	return hz.points && hz.all;
}

static void draw_outlines(struct canvas *c, const struct map_view *v)
{
	size_t i, k;
	json_t *poly;
	json_array_foreach(hz.outlines, i, poly) {
		size_t h = json_array_size(poly);
		for (k = 0; h >= 2 && k < h; k++) {
			json_t *a = json_array_get(poly, k), *b = json_array_get(poly, (k + 1) % h);
			struct map_pt pa = {json_real_value(json_array_get(a, 0)),
					    json_real_value(json_array_get(a, 1))};
			struct map_pt pb = {json_real_value(json_array_get(b, 0)),
					    json_real_value(json_array_get(b, 1))};
			int x0, y0, x1, y1;
			map_project(v, pa, &x0, &y0);
			map_project(v, pb, &x1, &y1);
			canvas_line(c, x0, y0, x1, y1);
		}
	}
}

static bool map_body(struct app *app, struct lpane *lp, WINDOW *w, int y, int h, int width)
{
	if (!hz.map)
		return false;
	for (int i = 0; i < h; i++)
		put_cell(w, y + i, 0, "", width, false, theme_attr(R_NORMAL));
	int mh = h - 2; /* the selected point and the legend below */
	if (mh < 3 || !load_points(app, lp) || json_array_size(hz.all) == 0) {
		put_text(w, y + 1, 1, _("(no coordinates to map)"), width - 2, theme_attr(R_DIM));
		return true;
	}
	/* The box: the zoomed township's points, else every point. */
	size_t n = json_array_size(hz.all), m = 0;
	struct map_pt *box = xcalloc(n, sizeof *box);
	size_t i;
	json_t *r;
	json_array_foreach(hz.all, i, r)
		if (!hz.zoom[0] || str_eq(hz.zoom, json_string_value(json_object_get(r, "township_code"))))
			box[m++] = pt_of(r);
	struct map_view v;
	map_fit(&v, box, m ? m : n, 2 * width, 4 * mh, 2);
	free(box);
	if (tui_unicode) {
		struct canvas c;
		canvas_init(&c, width, mh);
		draw_outlines(&c, &v);
		for (int row = 0; row < mh; row++)
			for (int col = 0; col < width; col++) {
				char ch[4];
				if (*canvas_cell(&c, col, row, ch))
					mvwaddstr(w, y + row, col, ch);
			}
		canvas_free(&c);
	}
	/* Points over the outlines; the worst scale wins a shared cell. */
	json_t *sel = list_selected(&lp->list);
	const char *sel_code = sel ? json_string_value(json_object_get(sel, "code")) : NULL;
	int sx = -1, sy = -1;
	json_array_foreach(hz.points, i, r) { /* already in drawing order */
		int x, yy;
		if (!map_project(&v, pt_of(r), &x, &yy))
			continue;
		put_text(w, y + yy / 4, x / 2, symbol(json_string_value(json_object_get(r, "kind"))), 1,
			 theme_attr(scale_role(json_string_value(json_object_get(r, "scale")))));
		if (sel_code && str_eq(sel_code, json_string_value(json_object_get(r, "code"))))
			sx = x / 2, sy = yy / 4;
	}
	if (sx >= 0) /* the selection, drawn last so it is never hidden */
		put_text(w, y + sy, sx, symbol(json_string_value(json_object_get(sel, "kind"))), 1,
			 theme_attr(R_SELECTED));
	char line[300], people[64];
	snprintf(people, sizeof people, _("%lld people"), num(sel, "people"));
	if (sel)
		snprintf(line, sizeof line, "%s %s · %s · %s%s", sel_code,
			 json_string_value(json_object_get(sel, "name")) ?: "",
			 json_string_value(json_object_get(sel, "township")) ?: "", people,
			 sx < 0 ? _(" (no coordinates)") : "");
	else
		snprintf(line, sizeof line, "%s", _("(nothing selected)"));
	put_cell(w, y + mh, 0, line, width, false, theme_attr(R_TITLE));
	/* Legend: symbols by kind, colours (or weight) by scale. */
	int x = 0;
	static const char *const kinds[] = {"geohazard", "fire_unit", "major_source", "flood_point"};
	for (size_t k = 0; k < ARRAY_LEN(kinds) && x < width; k++) {
		x += put_text(w, y + mh + 1, x, symbol(kinds[k]), width - x, theme_attr(R_NORMAL));
		x += put_text(w, y + mh + 1, x, kind_label(kinds[k]), width - x, theme_attr(R_DIM)) + 1;
	}
	static const char *const scales[] = {"large", "medium", "small"};
	for (size_t k = 0; k < ARRAY_LEN(scales) && x < width - 2; k++) {
		x += put_text(w, y + mh + 1, x, " ^", width - x, theme_attr(scale_role(scales[k])));
		x += put_text(w, y + mh + 1, x, scale_label(scales[k]), width - x, theme_attr(R_DIM));
	}
	return true;
}

static bool detail(struct app *app, const char *key, struct strbuf *out)
{
	json_t *r = q_hazard_show(app->st, key, NULL);
	if (!r || json_is_null(r)) {
		json_decref(r);
		return false;
	}
	sb_printf(out, "# %s  %s\n", json_string_value(json_object_get(r, "code")),
		  json_string_value(json_object_get(r, "name")));
	static const char *const keys[][2] = {
		{"kind", N_("Kind")}, {"subtype", N_("Type")}, {"status", N_("Status")},
		{"township", N_("Township")}, {"village", N_("Village")}, {"grp", N_("Group")},
		{"address", N_("Address")}, {"scale", N_("Scale")}, {"volume_m3", N_("Volume (m3)")},
		{"stability", N_("Stability")}, {"triggers", N_("Triggers")},
		{"households", N_("Households")}, {"people", N_("People")},
		{"danger", N_("Danger")},
		{"property_10k", N_("Property (10k yuan)")}, {"road", N_("Road point")},
		{"county_town", N_("County town")}, {"high_risk", N_("High risk")},
		{"monitor", N_("Monitor")}, {"monitor_phone", N_("Monitor's phone")},
		{"resp_township", N_("Township responsible")}, {"resp_township_phone", N_("Phone")},
		{"resp_village", N_("Village responsible")}, {"resp_village_phone", N_("Phone")},
		{"monitor_method", N_("Monitoring")}, {"monitor_freq", N_("Frequency")},
		{"warning_signal", N_("Warning signal")}, {"evac_route", N_("Evacuation route")},
		{"shelter", N_("Shelter")}, {"evac_cards", N_("Evacuation cards")},
		{"resp_person", N_("Responsible")}, {"resp_phone", N_("Phone")},
		{"mgr_person", N_("Manager")}, {"mgr_phone", N_("Phone")},
		{"occupancy", N_("Occupancy")}, {"enterprise", N_("Enterprise")},
		{"substance", N_("Substance")}, {"grade", N_("Grade")},
		{"principal", N_("Principal")}, {"principal_phone", N_("Phone")},
		{"notes", N_("Notes")}};
	for (size_t i = 0; i < ARRAY_LEN(keys); i++) {
		json_t *v = json_object_get(r, keys[i][0]);
		static const struct enum_value stability[] = {
			{"stable", "稳定", "stable"}, {"less_stable", "较稳定", "fairly stable"},
			{"unstable", "不稳定", "unstable"}, {NULL, NULL, NULL}};
		const struct enum_value *ev = str_eq(keys[i][0], "kind") ? ENUM_HAZARD_KIND
			: str_eq(keys[i][0], "scale") ? ENUM_SCALE
			: str_eq(keys[i][0], "stability") ? stability
			: str_eq(keys[i][0], "danger") ? ENUM_DANGER
			: str_eq(keys[i][0], "status") ? ENUM_HAZARD_STATUS : NULL;
		if (str_eq(keys[i][0], "subtype") && json_is_string(v)) {
			detail_text(out, keys[i][1], subtype_label(json_string_value(v)));
		} else if (ev && json_is_string(v)) {
			detail_text(out, keys[i][1], app_label(app, ev, json_string_value(v)));
		} else if (json_is_false(v) || (json_is_integer(v) && !json_integer_value(v))) {
			continue;
		} else {
			detail_line(out, keys[i][1], v);
		}
	}
	if (json_is_true(json_object_get(r, "to_verify")))
		sb_printf(out, "%s\t%s\n", _("Imported"), _("to verify"));
	json_t *li = json_object_get(r, "last_inspected_at");
	char when[32];
	sb_printf(out, "%s\t%s\n", _("Last inspected"),
		  json_is_string(li) ? tui_time(json_string_value(li), when, sizeof when) : _("never"));
	sb_printf(out, "%s\t%lld %s\n", _("Inspect every"),
		  (long long)json_integer_value(json_object_get(r, "inspect_every_days")), _("days"));
	size_t n = json_array_size(json_object_get(r, "household_list"));
	if (n) {
		long long out_hh = 0, out_people = 0, people = 0;
		size_t i;
		json_t *h;
		json_array_foreach(json_object_get(r, "household_list"), i, h) {
			long long m = (long long)json_integer_value(json_object_get(h, "members"));
			people += m;
			if (json_is_string(json_object_get(h, "evacuated_at")))
				out_hh++, out_people += m;
		}
		sb_printf(out, "\n# %s (%zu)  ", _("Threatened households"), n);
		sb_printf(out, _("evacuated %lld/%zu households, %lld/%lld people"), out_hh, n,
			  out_people, people);
		sb_puts(out, "\n");
		json_array_foreach(json_object_get(r, "household_list"), i, h) {
			json_t *at = json_object_get(h, "evacuated_at");
			sb_printf(out, "%s\t%s %lld %s  %s\n", json_string_value(json_object_get(h, "head")),
				  json_is_string(at) ? _("[out]") : _("[home]"),
				  (long long)json_integer_value(json_object_get(h, "members")),
				  _("people"), json_string_value(json_object_get(h, "phone")) ?: "");
		}
	}
	size_t nd = json_array_size(json_object_get(r, "defects"));
	if (nd) {
		sb_printf(out, "\n# %s (%zu)\n", _("Fire-safety defects"), nd);
		size_t i;
		json_t *d;
		json_array_foreach(json_object_get(r, "defects"), i, d) {
			const char *due = json_string_value(json_object_get(d, "due_at"));
			sb_printf(out, "%s\t%s%s%.10s\n",
				  app_label(app, ENUM_DEFECT_STATE, json_string_value(json_object_get(d, "state"))),
				  json_string_value(json_object_get(d, "text")) ?: "", due ? "  " : "",
				  due ? due : "");
		}
	}
	sb_printf(out, "\n# %s\n", _("Inspections"));
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(r, "inspections"), i, t) {
		const char *at = json_string_value(json_object_get(t, "at"));
		sb_printf(out, "%s\t%s %s %s\n", tui_time(at, when, sizeof when),
			  app_label(app, ENUM_INSPECTION_KIND, json_string_value(json_object_get(t, "kind"))),
			  app_label(app, ENUM_RESULT, json_string_value(json_object_get(t, "result"))),
			  json_string_value(json_object_get(t, "note")) ?: "");
	}
	json_decref(r);
	return true;
}

void hazards_filter_set(struct app *app, const struct hazard_ui_filter *f, const char *township)
{
	hz.f = *f;
	for (int i = 0; i < NPANES; i++) {
		struct pane *p = &app->panes[i];
		if (p->type != &pane_hazards || !p->data)
			continue;
		/* Sets the township and applies both filters. */
		if (!lpane_township(app, p, township))
			lpane_refilter(app, p);
	}
}

/* Zooms the map to the township of the selected point, or back out. */
static void zoom(struct app *app, struct lpane *lp)
{
	json_t *sel = list_selected(&lp->list);
	if (hz.zoom[0] || !sel) {
		hz.zoom[0] = hz.zoom_name[0] = '\0';
		return;
	}
	struct err e;
	json_t *row = store_hazard_find(app->st, json_string_value(json_object_get(sel, "code")), &e);
	const char *town = json_string_value(json_object_get(row, "township_code"));
	if (town) {
		char *name = store_division_name(app->st, town);
		snprintf(hz.zoom, sizeof hz.zoom, "%s", town);
		snprintf(hz.zoom_name, sizeof hz.zoom_name, "%s", name ? name : hz.zoom);
		free(name);
	}
	json_decref(row);
}

static bool action(struct app *app, struct lpane *lp, enum action a, const char *key)
{
	struct form *f = NULL;
	switch (a) {
	case ACT_ADD:
		f = form_hazard_new(app, hz.f.kind[0] ? hz.f.kind : "geohazard");
		break;
	case ACT_FILTER:
		f = form_hazard_filter(app, &hz.f, lp->township_name);
		break;
	case ACT_VIEW:
		hz.map = !hz.map;
		return true;
	case ACT_ZOOM:
		if (!hz.map)
			return false;
		zoom(app, lp);
		return true;
	case ACT_TICK:
		f = key ? form_evacuation(app, key) : NULL;
		break;
	case ACT_EDIT:
		f = key ? form_hazard_edit(app, key) : NULL;
		break;
	case ACT_INSPECT:
		f = key ? form_inspection(app, key) : NULL;
		break;
	default:
		return false;
	}
	if (f)
		app_open_form(app, f);
	return true;
}

static const struct lpane_spec spec = {
	.list = LIST_HAZARDS,
	.cols = cols,
	.ncols = ARRAY_LEN(cols),
	.sort_col = 0,
	.hazards = hazards,
	.describe = describe,
	.summary = summary,
	.body = map_body,
	.changed = changed,
	.key_col = "code",
	.detail = detail,
	.row_role = row_role,
	.action = action,
};

static const enum action actions[] = {ACT_OPEN, ACT_ADD, ACT_EDIT, ACT_INSPECT, ACT_TICK,
				      ACT_SEARCH, ACT_FILTER, ACT_VIEW, ACT_ZOOM, ACT_SORT,
				      ACT_NONE};

LPANE_TYPE(pane_hazards, N_("Hazards"), spec, actions);
