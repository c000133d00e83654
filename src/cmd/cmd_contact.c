/* dutydesk contact add|edit|list|show|search|call|link: the contact book
 * (通讯录), and calls logged against the people in it. */
#include <stdio.h>

#include "dutydesk/i18n.h"
#include "cmd_impl.h"

static const struct out_col list_cols[] = {
	{"name", .max = 8}, {"grp", N_("group")}, {"org", N_("organisation"), .max = 16},
	{"post", .max = 12}, {"mobile"}, {"phone"}, {"township", .max = 8},
};

/* --group as its id in *grp (NULL when not given). */
static bool group_opt(struct cmd_ctx *c, const char **grp)
{
	*grp = NULL;
	if (!cmd_opt(c, "group"))
		return true;
	const struct enum_value *v = enum_find(ENUM_CONTACT_GROUP, cmd_opt(c, "group"));
	if (!v) {
		char buf[200];
		return err_set(&c->err, ERR_USAGE, _("--group: '%s': expected one of %s"),
			       cmd_opt(c, "group"), enum_ids(ENUM_CONTACT_GROUP, buf, sizeof buf));
	}
	*grp = v->id;
	return true;
}

/* list and search: the same filters, search with the text to find. */
static bool list_or_search(struct cmd_ctx *c, const char *text)
{
	char town[16];
	const char *tc, *grp;
	if (!cmd_township(c, town, &tc) || !group_opt(c, &grp))
		return false;
	return out_rows(c, contact_search(c->st, text, grp, tc, &c->err), list_cols,
			ARRAY_LEN(list_cols));
}

static bool exec_list(struct cmd_ctx *c)
{
	return list_or_search(c, NULL);
}

static bool exec_search(struct cmd_ctx *c)
{
	return list_or_search(c, c->args[0]);
}

static bool exec_show(struct cmd_ctx *c)
{
	json_t *r = contact_get(c->st, c->args[0], &c->err);
	if (!r)
		return false;
	static const struct out_col cols[] = {
		{"name"}, {"grp", N_("group")}, {"org", N_("organisation")}, {"post"},
		{"mobile"}, {"phone"}, {"phones", N_("other numbers")}, {"township"}, {"notes"},
		{"initials", N_("initials")}, {"id"},
	};
	out_record(c, r, cols, ARRAY_LEN(cols));
	if (!c->json) {
		static const struct out_col hz[] = {{"code"}, {"name", .max = 30}, {"kind"}};
		static const struct out_col tm[] = {{"code"}, {"name", .max = 30}};
		static const struct out_col calls[] = {
			{"at", N_("time"), .max = 16}, {"incident"}, {"author", N_("by"), .max = 8},
			{"text", .max = 60}};
		if (json_array_size(json_object_get(r, "hazards"))) {
			fprintf(c->out, "\n%s\n", _("Monitors these points:"));
			out_table(c, json_object_get(r, "hazards"), hz, ARRAY_LEN(hz));
		}
		if (json_array_size(json_object_get(r, "teams"))) {
			fprintf(c->out, "\n%s\n", _("Leads these teams:"));
			out_table(c, json_object_get(r, "teams"), tm, ARRAY_LEN(tm));
		}
		if (json_array_size(json_object_get(r, "calls"))) {
			fprintf(c->out, "\n%s\n", _("Calls:"));
			out_list(c, json_incref(json_object_get(r, "calls")), calls, ARRAY_LEN(calls));
		}
	}
	json_decref(r);
	return true;
}

/* add, and edit (its one argument: the contact). */
static bool exec_save(struct cmd_ctx *c)
{
	char id[ID_TEXT];
	bool changed = true;
	if (c->nargs ? !contact_edit(c->st, c->args[0], c->fields, &changed, &c->err)
		     : !contact_add(c->st, c->fields, id, &c->err))
		return false;
	if (c->json)
		return c->nargs || out_json_new(c, json_pack("{s:s}", "id", id));
	fprintf(c->out, "%s\n", c->nargs ? (changed ? _("saved") : _("nothing changed")) : id);
	return true;
}

static bool exec_call(struct cmd_ctx *c)
{
	const struct deadline_rules *rules = cmd_rules(c);
	char who[200];
	if (!rules)
		return false;
	if (cmd_opt(c, "incident") && cmd_opt(c, "about"))
		return err_set(&c->err, ERR_USAGE,
			       _("--about: not with --incident (the call goes to its timeline)"));
	if (!contact_call(c->st, rules, c->args[0], cmd_opt(c, "incident"), cmd_opt(c, "about"),
			  cmd_opt(c, "outcome"), who, sizeof who, &c->err))
		return false;
	if (c->json)
		return true;
	if (cmd_opt(c, "incident"))
		fprintf(c->out, _("call to %s logged in the timeline of %s\n"), who,
			cmd_opt(c, "incident"));
	else
		fprintf(c->out, _("call to %s logged in the duty log\n"), who);
	return true;
}

static bool exec_link(struct cmd_ctx *c)
{
	int created = 0, linked = 0;
	if (!contact_link_people(c->st, &created, &linked, &c->err))
		return false;
	if (c->json)
		return out_json_new(c, json_pack("{s:i, s:i}", "linked", linked, "created", created));
	fprintf(c->out, _("%d monitors and team leaders linked, %d contacts added\n"), linked,
		created);
	return true;
}

#define RECORD_OPTS \
	{"org", "TEXT", "org", N_("unit (organisation)")}, \
	{"post", "TEXT", "post", N_("post (书记, 乡长, 值班室 ...)")}, \
	{"group", "GROUP", "grp", \
	 N_("county_leader, township_leader, department, info_officer, monitor or team")}, \
	{"mobile", "NUMBER", "mobile", N_("mobile number")}, \
	{"phone", "NUMBER", "phone", N_("office phone")}, \
	{"phones", "N1,N2", "phones", N_("further numbers, comma separated")}, \
	{"township", "NAME|CODE", "township_code", N_("township (none: county-wide)")}, \
	{"notes", "TEXT", "notes", N_("notes")},

static const struct cmd_opt add_opts[] = {
	{"name", "NAME", "name", N_("name (required)")}, RECORD_OPTS {0}};
static const struct cmd_opt edit_opts[] = {
	{"name", "NAME", "name", N_("name")}, RECORD_OPTS {0}};
static const struct cmd_opt list_opts[] = {
	{"group", "GROUP", NULL, N_("only this group (county_leader, township_leader, department, "
				    "info_officer, monitor, team)"), CV_WORDS,
	 "county_leader township_leader department info_officer monitor team"},
	{"township", "NAME|CODE", NULL, N_("only this township's"), CV_TOWNSHIP},
	{0}};
static const struct cmd_opt call_opts[] = {
	{"outcome", "TEXT", NULL, N_("how the call went (required)")},
	{"incident", "N", NULL, N_("the incident it was about: logged in its timeline"),
	 CV_INCIDENT},
	{"about", "TEXT", NULL, N_("what it was about (a hazard point, a team ...): in the duty log")},
	{0}};

const struct cmd cmd_contact_add = {
	.group = "contact", .verb = "add", .summary = N_("add a person to the contact book"),
	.table = &T_CONTACT, .opts = add_opts, .flags = CMD_RECORD | CMD_WRITES, .exec = exec_save,
};

const struct cmd cmd_contact_edit = {
	.group = "contact", .verb = "edit",
	.summary = N_("change a contact (the hazards and teams naming them follow)"),
	.args = "NAME|NUMBER|ID", .nargs_min = 1, .nargs_max = 1,
	.table = &T_CONTACT, .opts = edit_opts, .flags = CMD_WRITES, .exec = exec_save,
};

const struct cmd cmd_contact_list = {
	.group = "contact", .verb = "list",
	.summary = N_("the contact book, by group and township"),
	.opts = list_opts, .exec = exec_list,
};

const struct cmd cmd_contact_show = {
	.group = "contact", .verb = "show",
	.summary = N_("a contact, the points they monitor, the teams they lead, the calls to them"),
	.args = "NAME|NUMBER|ID", .nargs_min = 1, .nargs_max = 1, .exec = exec_show,
};

const struct cmd cmd_contact_search = {
	.group = "contact", .verb = "search",
	.summary = N_("find contacts by name, unit, post, number or pinyin initials (zsj: 张书记)"),
	.args = "TEXT", .nargs_min = 1, .nargs_max = 1, .opts = list_opts, .exec = exec_search,
};

const struct cmd cmd_contact_call = {
	.group = "contact", .verb = "call",
	.summary = N_("log a call to a contact and how it went (an incident's timeline, else the "
		      "duty log)"),
	.args = "NAME|NUMBER|ID", .nargs_min = 1, .nargs_max = 1, .opts = call_opts,
	.flags = CMD_WRITES, .exec = exec_call,
};

const struct cmd cmd_contact_link = {
	.group = "contact", .verb = "link",
	.summary = N_("make every hazard monitor and team leader a contact (found by name and "
		      "number, else added)"),
	.flags = CMD_WRITES, .exec = exec_link,
};
