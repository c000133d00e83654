/* Pane 0: the overview, the smallest complete pane; the example the
 * others follow. It draws the figures the app keeps (app->stats). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "dutydesk/sms.h"
#include "dutydesk/width.h"
#include "tui.h"

static long long num(json_t *o, const char *a, const char *b, const char *c)
{
	json_t *v = json_object_get(o, a);
	if (b)
		v = json_object_get(v, b);
	if (c)
		v = json_object_get(v, c);
	return (long long)json_integer_value(v);
}

static bool init(struct app *app, struct pane *p)
{
	(void)app;
	p->data = NULL;
	return true;
}

static void destroy(struct pane *p)
{
	(void)p;
}

static void reload(struct app *app, struct pane *p)
{
	(void)app;
	(void)p; /* app->stats is reloaded by the app */
}

static void line(WINDOW *w, int *y, int h, int width, enum role r, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
static void line(WINDOW *w, int *y, int h, int width, enum role r, const char *fmt, ...)
{
	if (*y >= h)
		return;
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	put_text(w, (*y)++, 1, buf, width - 2, theme_attr(r));
}

static void draw(struct app *app, struct pane *p, WINDOW *w, int h, int width)
{
	(void)p;
	json_t *s = app->stats;
	int y = 0;
	if (!s) {
		line(w, &y, h, width, R_ERROR, "%s", _("the overview could not be read"));
		return;
	}
	line(w, &y, h, width, R_TITLE, "%s", _("Registers"));
	line(w, &y, h, width, R_NORMAL,
	     _("Geological hazard points %lld  (large %lld, medium %lld, small %lld; road %lld)"),
	     num(s, "geohazards", "total", NULL), num(s, "geohazards", "large", NULL),
	     num(s, "geohazards", "medium", NULL), num(s, "geohazards", "small", NULL),
	     num(s, "geohazards", "road", NULL));
	line(w, &y, h, width, R_NORMAL,
	     _("  county town %lld (%lld/%lld/%lld); high-risk zones %lld households, %lld people"),
	     num(s, "geohazards", "county_town", "total"),
	     num(s, "geohazards", "county_town", "large"),
	     num(s, "geohazards", "county_town", "medium"),
	     num(s, "geohazards", "county_town", "small"),
	     num(s, "geohazards", "high_risk", "households"),
	     num(s, "geohazards", "high_risk", "people"));
	line(w, &y, h, width, R_NORMAL,
	     _("Fire key units %lld  (schools %lld: middle %lld, kindergartens %lld; hospitals %lld;"
	       " scenic %lld; other %lld)"),
	     num(s, "fire_key_units", "total", NULL), num(s, "fire_key_units", "school", NULL),
	     num(s, "fire_key_units", "middle_school", NULL),
	     num(s, "fire_key_units", "kindergarten", NULL),
	     num(s, "fire_key_units", "hospital", NULL), num(s, "fire_key_units", "scenic", NULL),
	     num(s, "fire_key_units", "other", NULL));
	line(w, &y, h, width, R_NORMAL, _("Major hazard sources %lld   Flood points %lld"),
	     num(s, "major_sources", NULL, NULL), num(s, "flood_points", NULL, NULL));
	y++;
	line(w, &y, h, width, R_TITLE, "%s", _("Incidents"));
	long long open = num(s, "incidents", "open", NULL);
	line(w, &y, h, width, open ? R_WARN : R_GOOD,
	     _("Open %lld:  I %lld  II %lld  III %lld  IV %lld  pending %lld"), open,
	     num(s, "incidents", "by_level", "I"), num(s, "incidents", "by_level", "II"),
	     num(s, "incidents", "by_level", "III"), num(s, "incidents", "by_level", "IV"),
	     num(s, "incidents", "by_level", "pending"));
	y++;
	/* warnings sent by SMS: how far they reached, as replies come in */
	json_t *c;
	size_t k;
	if (json_array_size(app->sms_cov))
		line(w, &y, h, width, R_TITLE, "%s", _("Warnings by SMS"));
	json_array_foreach(app->sms_cov, k, c) {
		long long un = num(c, "unconfirmed", NULL, NULL);
		char *cov = sms_coverage_line(c);
		line(w, &y, h, width, un ? R_WARN : R_GOOD, "%s %s  %s",
		     json_string_value(json_object_get(c, "area")),
		     app_label(app, ENUM_COLOUR, json_string_value(json_object_get(c, "colour"))), cov);
		free(cov);
		const char *names = json_string_value(json_object_get(c, "waiting"));
		if (un && names && *names)
			line(w, &y, h, width, R_NORMAL, "  %s %s", _("not confirmed:"), names);
	}
	line(w, &y, h, width, R_TITLE, "%s", _("Stock alerts"));
	line(w, &y, h, width, R_NORMAL,
	     _("below minimum %lld   expiring within %d days %lld   expired %lld"),
	     num(s, "stock", "below_min", NULL), app->cfg.expiry_days,
	     num(s, "stock", "expiring", NULL), num(s, "stock", "expired", NULL));
	size_t i;
	json_t *a;
	json_array_foreach(json_object_get(json_object_get(s, "stock"), "alerts"), i, a) {
		const char *kind = json_string_value(json_object_get(a, "alert"));
		const char *label = str_eq(kind, "expired")    ? _("EXPIRED")
				    : str_eq(kind, "expiring") ? _("expiring")
							       : _("below min");
		const char *exp = json_string_value(json_object_get(a, "expiry"));
		/* Columns padded by display width, not bytes: Chinese aligns. */
		struct strbuf sb;
		sb_init(&sb);
		sb_puts(&sb, "  ");
		sb_cell(&sb, label, 10, false);
		sb_cell(&sb, json_string_value(json_object_get(a, "depot")), 24, false);
		sb_cell(&sb, json_string_value(json_object_get(a, "item")), 10, false);
		sb_printf(&sb, " %lld/%lld %s %s", (long long)json_integer_value(json_object_get(a, "qty")),
			  (long long)json_integer_value(json_object_get(a, "min_stock")),
			  json_string_value(json_object_get(a, "unit")) ?: "", exp ? exp : "");
		line(w, &y, h, width, str_eq(kind, "expired") ? R_OVERDUE : R_WARN, "%s", sb.buf);
		sb_finish(&sb);
	}
}

static bool action(struct app *app, struct pane *p, enum action a)
{
	(void)p;
	if (a == ACT_ADD) {
		app_open_form(app, form_incident_new(app));
		return true;
	}
	return false;
}

static const enum action actions[] = {ACT_ADD, ACT_NONE};

const struct pane_type pane_overview = {
	.name = N_("Overview"),
	.init = init,
	.destroy = destroy,
	.reload = reload,
	.draw = draw,
	.action = action,
	.actions = actions,
};
