/* dutydesk report incident|daily|shift: the texts that go up the line
 * (首报/续报/终报, 值班日报, 交接班记录) as text, Markdown, CSV or JSON. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dutydesk/i18n.h"
#include "cmd_impl.h"
#include "dutydesk/dtime.h"
#include "dutydesk/report.h"

static bool format_of(struct cmd_ctx *c, enum report_format *f)
{
	*f = c->json ? FMT_JSON : FMT_TEXT;
	if (cmd_opt(c, "format") && !report_format_parse(cmd_opt(c, "format"), f))
		return err_set(&c->err, ERR_USAGE, _("--format: '%s': expected text, md, csv, xlsx or json"),
			       cmd_opt(c, "format"));
	return true;
}

/* Writes text to path whole or not at all (a temporary file beside it,
 * then a rename): a report being printed is never half the old one. */
static bool write_out(struct cmd_ctx *c, const char *path, const char *text)
{
	char *tmp = xasprintf("%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	bool ok = f && fputs(text, f) >= 0;
	ok = f && fclose(f) == 0 && ok;
	ok = ok && rename(tmp, path) == 0;
	if (!ok) {
		err_set(&c->err, ERR_FAIL, _("--out: '%s': cannot write (%s)"), path, strerror(errno));
		remove(tmp);
	}
	free(tmp);
	return ok;
}

/* A report made as FMT_SHEETS (its lines in text) as a workbook: the
 * paragraphs on a first sheet, 正文, then each table on a sheet of its own
 * under its title. */
static bool workbook(struct cmd_ctx *c, const char *path, const char *text)
{
	static const char *const para_keys[] = {"内容", NULL};
	json_t *paras = json_array(), *tables = json_array();
	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		json_t *o = json_loadb(p, len, 0, NULL);
		if (json_is_string(json_object_get(o, "para")))
			json_array_append_new(paras, json_pack("{s:O}", "内容", json_object_get(o, "para")));
		else if (o)
			json_array_append(tables, o);
		json_decref(o);
		p = nl ? nl + 1 : p + len;
	}
	size_t n = json_array_size(tables);
	struct out_sheet *sh = xcalloc(n + 1, sizeof *sh);
	const char ***cols = xcalloc(2 * n + 1, sizeof *cols);
	sh[0] = (struct out_sheet){"正文", paras, para_keys, NULL, NULL};
	for (size_t i = 0; i < n; i++) {
		json_t *t = json_array_get(tables, i);
		json_t *keys = json_object_get(t, "keys"), *heads = json_object_get(t, "heads");
		cols[2 * i] = xcalloc(json_array_size(keys) + 1, sizeof **cols);
		cols[2 * i + 1] = xcalloc(json_array_size(keys) + 1, sizeof **cols);
		for (size_t j = 0; j < json_array_size(keys); j++) {
			cols[2 * i][j] = json_string_value(json_array_get(keys, j));
			cols[2 * i + 1][j] = json_string_value(json_array_get(heads, j));
		}
		sh[i + 1] = (struct out_sheet){json_string_value(json_object_get(t, "sheet")),
					       json_object_get(t, "rows"), cols[2 * i], NULL,
					       cols[2 * i + 1]};
	}
	bool ok = out_xlsx(c, path, sh, n + 1);
	for (size_t i = 0; i < 2 * n; i++)
		free(cols[i]);
	free(cols);
	free(sh);
	json_decref(paras);
	json_decref(tables);
	return ok;
}

/* The report when made (out is freed either way); ok passed on. With
 * --out it goes to that file and the output says where. */
static bool emit(struct cmd_ctx *c, bool ok, struct strbuf *out)
{
	const char *path = cmd_opt(c, "out");
	const char *fmt = cmd_opt(c, "format");
	if (ok && fmt && str_eq(fmt, "xlsx")) {
		ok = workbook(c, path, out->buf);
		if (ok && path && !c->json)
			fprintf(c->out, "report written to %s\n", path);
	} else if (ok && path) {
		ok = write_out(c, path, out->buf ? out->buf : "");
		if (ok && !c->json)
			fprintf(c->out, _("report written to %s\n"), path);
	} else if (ok) {
		fputs(out->buf ? out->buf : "", c->json ? cmd_data(c) : c->out);
	}
	sb_finish(out);
	return ok;
}

static bool exec_report_incident(struct cmd_ctx *c)
{
	enum report_format f;
	struct strbuf out;
	sb_init(&out);
	return emit(c, format_of(c, &f) && report_incident(c->st, c->args[0], f, &out, &c->err), &out);
}

static bool exec_report_daily(struct cmd_ctx *c)
{
	enum report_format f;
	char today[11];
	int cutoff = 8 * 60;
	const char *cut = cmd_opt(c, "cutoff");
	if (cut) {
		int h, m;
		char end;
		if (sscanf(cut, "%2d:%2d%c", &h, &m, &end) != 2 || strlen(cut) != 5 || h < 0 ||
		    h > 23 || m < 0 || m > 59) {
			err_set(&c->err, ERR_USAGE, _("--cutoff: '%s': expected a time of day like 08:00"),
				cut);
			return false;
		}
		cutoff = h * 60 + m;
	}
	dd_date_local(dd_now(), today, sizeof today);
	struct strbuf out;
	sb_init(&out);
	const struct deadline_rules *rules;
	if (!format_of(c, &f) || !(rules = cmd_rules(c)))
		return emit(c, false, &out);
	bool ok = report_daily(c->st, rules, cmd_opt(c, "date") ? cmd_opt(c, "date") : today,
			       cutoff, f, &out, &c->err);
	if (!ok && cmd_opt(c, "date"))
		err_prefix(&c->err, _("--date")), c->err.code = ERR_USAGE;
	return emit(c, ok, &out);
}

static bool exec_report_shift(struct cmd_ctx *c)
{
	enum report_format f;
	struct strbuf out;
	sb_init(&out);
	return emit(c, format_of(c, &f) &&
			       report_shift(c->st, c->nargs ? c->args[0] : "last", f, &out, &c->err),
		    &out);
}

#define FORMATS "text md csv xlsx json"

#define OUT_OPT {"out", "FILE", NULL, N_("write the report to FILE (replaced whole) instead")}

static const struct cmd_opt format_opts[] = {
	{"format", "FMT", NULL, N_("text (default), md, csv, xlsx or json"), CV_WORDS, FORMATS},
	OUT_OPT,
	{0}};
static const struct cmd_opt daily_opts[] = {
	{"date", "DATE", NULL, N_("the report's day (default today)")},
	{"cutoff", "HH:MM", NULL, N_("the day runs from the previous day's cutoff (default 08:00)")},
	{"format", "FMT", NULL, N_("text (default), md, csv, xlsx or json"), CV_WORDS, FORMATS},
	OUT_OPT,
	{0}};

const struct cmd cmd_report_incident = {
	.group = "report", .verb = "incident", .summary = N_("the 首报/续报/终报 text for the latest state"),
	.args = "N", .nargs_min = 1, .nargs_max = 1, .argv = {CV_INCIDENT},
	.opts = format_opts, .exec = exec_report_incident,
};

const struct cmd cmd_report_daily = {
	.group = "report", .verb = "daily", .summary = N_("the daily duty report (值班日报)"),
	.opts = daily_opts, .exec = exec_report_daily,
};

const struct cmd cmd_report_shift = {
	.group = "report", .verb = "shift",
	.summary = N_("a shift's handover record: id, current, last (the default) or handed (the "
		      "last handed over)"),
	.args = "[ID]", .nargs_min = 0, .nargs_max = 1,
	.opts = format_opts, .exec = exec_report_shift,
};
