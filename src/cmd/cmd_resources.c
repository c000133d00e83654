/* dutydesk depot|item|team|expert list and who: the resources a duty
 * officer calls on, and who to call for an incident. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dutydesk/i18n.h"
#include "cmd_impl.h"
#include "dutydesk/dtime.h"
#include "dutydesk/width.h"

/* ---- lists ---- */

static bool exec_depots(struct cmd_ctx *c)
{
	static const struct out_col cols[] = {
		{"code"}, {"name", .max = 24}, {"level"}, {"township", .max = 8},
		{"keeper", .max = 8}, {"phone"}, {"address", .max = 30},
	};
	return out_list(c, q_depots(c->st, &c->err), cols, ARRAY_LEN(cols));
}

static bool exec_items(struct cmd_ctx *c)
{
	const char *cat = NULL;
	if (cmd_opt(c, "category")) {
		const struct enum_value *v = enum_find(ENUM_ITEM_CATEGORY, cmd_opt(c, "category"));
		if (!v) {
			char buf[400];
			err_set(&c->err, ERR_USAGE, _("--category: '%s': expected one of %s"),
				cmd_opt(c, "category"), enum_ids(ENUM_ITEM_CATEGORY, buf, sizeof buf));
			return false;
		}
		cat = v->id;
	}
	static const struct out_col cols[] = {
		{"code"}, {"name", .max = 16}, {"category"}, {"unit"},
		{"min_stock", N_("min"), .right = true},
		{"shelf_life_days", N_("shelf life (days)"), .right = true},
	};
	return out_list(c, q_items(c->st, cat, &c->err), cols, ARRAY_LEN(cols));
}

static const struct out_col team_cols[] = {
	{"code"}, {"name", .max = 22}, {"type"}, {"size", .right = true}, {"leader", .max = 8},
	{"phone"}, {"township", .max = 8}, {"available"},
};
static const struct out_col expert_cols[] = {
	{"code"}, {"name", .max = 8}, {"field"}, {"org", N_("organisation"), .max = 20}, {"phone"},
	{"township", .max = 8},
};

static bool exec_teams(struct cmd_ctx *c)
{
	char town[16];
	const char *tc, *type = NULL;
	if (!cmd_township(c, town, &tc))
		return false;
	if (cmd_opt(c, "type")) {
		const struct enum_value *v = enum_find(ENUM_TEAM_TYPE, cmd_opt(c, "type"));
		if (!v) {
			char buf[300];
			err_set(&c->err, ERR_USAGE, _("--type: '%s': expected one of %s"), cmd_opt(c, "type"),
				enum_ids(ENUM_TEAM_TYPE, buf, sizeof buf));
			return false;
		}
		type = v->id;
	}
	return out_list(c, q_teams(c->st, type, tc, cmd_opt(c, "available") != NULL, &c->err),
			team_cols, ARRAY_LEN(team_cols));
}

static bool exec_experts(struct cmd_ctx *c)
{
	char town[16];
	const char *tc;
	if (!cmd_township(c, town, &tc))
		return false;
	return out_list(c, q_experts(c->st, cmd_opt(c, "field"), tc, &c->err), expert_cols,
			ARRAY_LEN(expert_cols));
}

/* who can I call for a landslide in 桑壁镇 */
static bool exec_who(struct cmd_ctx *c)
{
	char town[16], type[64] = "";
	const char *tc = NULL;
	if (cmd_opt(c, "incident")) {
		json_t *r = q_incident_show(c->st, cmd_opt(c, "incident"), &c->err);
		if (!record_found(r, "incident", cmd_opt(c, "incident"), &c->err))
			return false;
		snprintf(type, sizeof type, "%s", json_string_value(json_object_get(r, "type")));
		snprintf(town, sizeof town, "%s",
			 json_string_value(json_object_get(r, "township_code")) ?: "");
		tc = town[0] ? town : NULL;
		json_decref(r);
	} else if (cmd_opt(c, "type")) {
		if (!q_incident_type(c->st, cmd_opt(c, "type"), type, &c->err))
			return err_prefix(&c->err, _("--type")), false;
	} else {
		err_set(&c->err, ERR_USAGE, _("give --type TYPE or --incident N"));
		return false;
	}
	if (cmd_opt(c, "township") && !cmd_township(c, town, &tc))
		return false;
	json_t *r = responders(c->st, type, tc, &c->err);
	if (!r)
		return false;
	if (c->json) {
		out_json(c, r);
	} else {
		fprintf(c->out, _("Teams (%s)\n"), json_string_value(json_object_get(r, "team_types")) ?: "all");
		out_table(c, json_object_get(r, "teams"), team_cols, ARRAY_LEN(team_cols));
		fprintf(c->out, _("\nExperts (%s)\n"), json_string_value(json_object_get(r, "expert_fields")) ?: "all");
		out_table(c, json_object_get(r, "experts"), expert_cols, ARRAY_LEN(expert_cols));
	}
	json_decref(r);
	return true;
}

static const struct cmd_opt item_opts[] = {
	{"category", "CAT", NULL, N_("only this category (protection, life_rescue, ...)")},
	{0}};
static const struct cmd_opt team_opts[] = {
	{"type", "TYPE", NULL, N_("fire_rescue, professional, militia, enterprise, volunteer")},
	{"township", "NAME|CODE", NULL, N_("this township's teams first"), CV_TOWNSHIP},
	{"available", NULL, NULL, N_("only teams available now")},
	{0}};
static const struct cmd_opt expert_opts[] = {
	{"field", "FIELD", NULL, N_("geology, hydrology, meteorology, fire, medical, ...")},
	{"township", "NAME|CODE", NULL, N_("this township's experts first"), CV_TOWNSHIP},
	{0}};
static const struct cmd_opt who_opts[] = {
	{"type", "TYPE", NULL, N_("incident type (landslide, 滑坡, ...)"), CV_TYPE},
	{"incident", "N", NULL, N_("an incident: its type and township"), CV_INCIDENT},
	{"township", "NAME|CODE", NULL, N_("township (nearest first)"), CV_TOWNSHIP},
	{0}};
const struct cmd cmd_depot_list = {
	.group = "depot", .verb = "list", .summary = N_("depots and storage points"),
	.exec = exec_depots,
};

const struct cmd cmd_item_list = {
	.group = "item", .verb = "list", .summary = N_("the item catalogue"),
	.opts = item_opts, .exec = exec_items,
};

const struct cmd cmd_team_list = {
	.group = "team", .verb = "list", .summary = N_("rescue teams"),
	.opts = team_opts, .exec = exec_teams,
};

const struct cmd cmd_expert_list = {
	.group = "expert", .verb = "list", .summary = N_("experts"),
	.opts = expert_opts, .exec = exec_experts,
};

const struct cmd cmd_who = {
	.group = "who", .summary = N_("who to call: teams and experts for an incident type"),
	.opts = who_opts, .exec = exec_who,
};
