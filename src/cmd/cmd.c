/* The table of verbs, how words find one, and their usage texts. */
#include <stdio.h>
#include <string.h>

#include "dutydesk/i18n.h"
#include "cmd_impl.h"

/* The order of `dutydesk --help`. A group's verbs need not be together,
 * but a one-word entry of a group (conflicts) comes after its verbs: the
 * first entry that fits the words wins. */
const struct cmd *const cmd_table[] = {
	&cmd_init, &cmd_demo, &cmd_stats, &cmd_overview,
	&cmd_backup, &cmd_restore, &cmd_share, &cmd_officer_name, &cmd_officer_list,
	&cmd_incident_add, &cmd_incident_list, &cmd_incident_show, &cmd_incident_note,
	&cmd_incident_correct, &cmd_incident_close, &cmd_incident_move,
	&cmd_hazard_list, &cmd_hazard_show, &cmd_hazard_add, &cmd_hazard_inspect,
	&cmd_hazard_households, &cmd_hazard_evacuate, &cmd_hazard_defect, &cmd_hazard_defects,
	&cmd_hazard_verify, &cmd_hazard_overdue, &cmd_hazard_template, &cmd_hazard_export,
	&cmd_hazard_import,
	&cmd_stock_list, &cmd_stock_receive, &cmd_stock_issue, &cmd_stock_transfer,
	&cmd_shift_start, &cmd_shift_handover, &cmd_shift_ack, &cmd_shift_current,
	&cmd_shift_show, &cmd_shift_list, &cmd_roster_import, &cmd_roster_show, &cmd_roster_today,
	&cmd_log_add, &cmd_log_list, &cmd_task_list, &cmd_task_done, &cmd_task_due,
	&cmd_report_incident, &cmd_report_daily, &cmd_report_shift, &cmd_audit,
	&cmd_contact_list, &cmd_contact_search, &cmd_contact_show, &cmd_contact_add,
	&cmd_contact_edit, &cmd_contact_call, &cmd_contact_link,
	&cmd_depot_list, &cmd_item_list, &cmd_team_list, &cmd_expert_list, &cmd_who,
	&cmd_stock_adjust, &cmd_stock_writeoff, &cmd_stock_return, &cmd_stock_card,
	&cmd_stock_alerts, &cmd_incident_dispatch, &cmd_import, &cmd_export,
	&cmd_plan_list, &cmd_plan_show, &cmd_plan_validate, &cmd_plan_load, &cmd_plan_activate,
	&cmd_plan_raise, &cmd_plan_check, &cmd_plan_status, &cmd_plan_close, &cmd_plan_report,
	&cmd_warning_add, &cmd_warning_list, &cmd_warning_points,
	&cmd_sms_recipients, &cmd_sms_send, &cmd_sms_status, &cmd_sms_reply, &cmd_sms_run,
	&cmd_sync, &cmd_conflicts_resolve, &cmd_conflicts, &cmd_divisions_import, &cmd_divisions_list,
	NULL,
};

const struct cmd *cmd_lookup(int nwords, char *const *words, int *used, bool *group_known)
{
	*group_known = false;
	*used = 0;
	if (nwords < 1)
		return NULL;
	const char *verb = nwords > 1 ? words[1] : NULL;
	for (const struct cmd *const *p = cmd_table; *p; p++) {
		const struct cmd *c = *p;
		if (!str_eq(c->group, words[0]))
			continue;
		*group_known = true;
		if (!c->verb || str_eq(c->verb, verb)) {
			*used = c->verb ? 2 : 1;
			return c;
		}
	}
	return NULL;
}

const char *cmd_name(const struct cmd *cmd, char *buf, size_t n)
{
	snprintf(buf, n, "%s%s%s", cmd->group, cmd->verb ? " " : "", cmd->verb ? cmd->verb : "");
	return buf;
}

void cmd_usage(const struct cmd *cmd, const char *prog, FILE *f)
{
	char name[64];
	fprintf(f, "Usage: %s%s [OPTIONS]%s%s\n\n%s\n\nOptions:\n", prog,
		cmd_name(cmd, name, sizeof name), cmd->args ? " " : "", cmd->args ? cmd->args : "",
		_(cmd->summary));
	for (const struct cmd_opt *o = cmd->opts; o && o->name; o++) {
		char left[64];
		snprintf(left, sizeof left, "--%s%s%s", o->name, o->arg ? " " : "",
			 o->arg ? o->arg : "");
		fprintf(f, "  %-24s %s\n", left, _(o->help));
	}
	fprintf(f, "  %-24s %s\n  %-24s %s\n", "--json", _("print JSON"), "-h, --help",
		_("this help"));
}

void cmd_group_usage(const char *group, const char *prog, FILE *f)
{
	fprintf(f, "Usage: %s%s VERB [OPTIONS]\n\nVerbs:\n", prog, group);
	for (const struct cmd *const *p = cmd_table; *p; p++)
		if (str_eq((*p)->group, group))
			fprintf(f, "  %-10s %s\n", (*p)->verb ? (*p)->verb : "", _((*p)->summary));
}
