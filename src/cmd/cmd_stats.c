/* stats and the overview: the register figures, open incidents and stock
 * alerts, checked against the county plan's own. */
#include <stdio.h>
#include <string.h>

#include "dutydesk/i18n.h"
#include "cmd_impl.h"

static long long num(json_t *o, const char *path)
{
	/* "a.b.c" */
	char key[64];
	const char *p = path;
	while (o && *p) {
		size_t n = strcspn(p, ".");
		snprintf(key, sizeof key, "%.*s", (int)n, p);
		o = json_object_get(o, key);
		p += n + (p[n] == '.');
	}
	return o ? (long long)json_integer_value(o) : 0;
}

static bool exec_stats(struct cmd_ctx *c)
{
	long long days = 30;
	if (!cmd_number(c, "days", 0, 3650, _("a whole number of days (0-3650)"), &days))
		return false;
	q_set_expiry_days(c->st, (int)days);
	json_t *s = q_stats(c->st, &c->err);
	if (!s)
		return false;
	if (c->json)
		return out_json_new(c, s);
	fprintf(c->out, _("Geological hazard points  %lld  (large %lld, medium %lld, small %lld; road %lld)\n"),
	       num(s, "geohazards.total"), num(s, "geohazards.large"), num(s, "geohazards.medium"),
	       num(s, "geohazards.small"), num(s, "geohazards.road"));
	fprintf(c->out, _("  in the county town      %lld  (large %lld, medium %lld, small %lld)\n"),
	       num(s, "geohazards.county_town.total"), num(s, "geohazards.county_town.large"),
	       num(s, "geohazards.county_town.medium"), num(s, "geohazards.county_town.small"));
	fprintf(c->out, _("  high-risk zones         %lld households, %lld people\n"),
	       num(s, "geohazards.high_risk.households"), num(s, "geohazards.high_risk.people"));
	fprintf(c->out, _("Fire key units            %lld  (schools %lld: middle %lld, kindergarten %lld; "
	       "hospitals %lld; scenic %lld; other %lld)\n"),
	       num(s, "fire_key_units.total"), num(s, "fire_key_units.school"),
	       num(s, "fire_key_units.middle_school"), num(s, "fire_key_units.kindergarten"),
	       num(s, "fire_key_units.hospital"), num(s, "fire_key_units.scenic"),
	       num(s, "fire_key_units.other"));
	fprintf(c->out, _("Major hazard sources      %lld\nFlood points              %lld\n"),
	       num(s, "major_sources"), num(s, "flood_points"));
	fprintf(c->out, _("Open incidents            %lld  (I %lld, II %lld, III %lld, IV %lld, pending %lld)\n"),
	       num(s, "incidents.open"), num(s, "incidents.by_level.I"),
	       num(s, "incidents.by_level.II"), num(s, "incidents.by_level.III"),
	       num(s, "incidents.by_level.IV"), num(s, "incidents.by_level.pending"));
	fprintf(c->out, _("Stock alerts              below minimum %lld, expiring within %lld days %lld, "
	       "expired %lld\n"),
	       num(s, "stock.below_min"), days, num(s, "stock.expiring"), num(s, "stock.expired"));
	static const struct out_col cols[] = {
		{"alert"}, {"depot", .max = 24}, {"item", .max = 16}, {"qty", .right = true},
		{"min_stock", N_("min"), .right = true}, {"expiry"},
	};
	json_t *alerts = json_object_get(json_object_get(s, "stock"), "alerts");
	if (json_array_size(alerts)) {
		fputc('\n', c->out);
		out_table(c, alerts, cols, ARRAY_LEN(cols));
	}
	json_decref(s);
	return true;
}

static const struct cmd_opt stats_opts[] = {
	{"days", "N", NULL, N_("stock expiring within N days counts as expiring (default 30)")},
	{0}};

const struct cmd cmd_stats = {
	.group = "stats", .summary = N_("the overview: hazards, fire units, incidents, stock alerts"),
	.opts = stats_opts, .exec = exec_stats,
};

const struct cmd cmd_overview = {
	.group = "overview", .summary = N_("the same as stats (what dutydesk shows with no command)"),
	.opts = stats_opts, .exec = exec_stats,
};
