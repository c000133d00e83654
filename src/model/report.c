/* Reports in four formats from one description: sections of lines and
 * tables. Text pads by display width so Chinese columns align. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dutydesk/csv.h"
#include "dutydesk/i18n.h"
#include "dutydesk/dtime.h"
#include "dutydesk/model.h"
#include "dutydesk/report.h"
#include "dutydesk/sms.h"
#include "dutydesk/width.h"

bool report_format_parse(const char *s, enum report_format *out)
{
	static const char *const names[] = {"text", "md", "csv", "json", "xlsx"};
	for (int i = 0; i < 5; i++)
		if (str_eq(s, names[i]) || (i == 1 && str_eq(s, "markdown"))) {
			*out = (enum report_format)i;
			return true;
		}
	return false;
}

struct rcol {
	const char *key, *head;
	int max; /* cells in text; 0: no cap */
};

/* A value as report text; our ISO times read as "11-28 17:30". */
static char *cell(json_t *v)
{
	if (!v || json_is_null(v))
		return xstrdup("");
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		if (strlen(s) == 25 && s[10] == 'T')
			return xasprintf("%.5s %.5s", s + 5, s + 11);
		return xstrdup(s);
	}
	if (json_is_integer(v))
		return xasprintf("%lld", (long long)json_integer_value(v));
	if (json_is_real(v))
		return xasprintf("%g", json_real_value(v));
	if (json_is_boolean(v))
		return xstrdup(json_is_true(v) ? "是" : "否");
	return xstrdup("");
}

/* The table in text or Markdown; CSV writes only the header and rows. */
static void table(struct strbuf *out, enum report_format fmt, const char *title, json_t *rows,
		  const struct rcol *cols, size_t n)
{
	size_t nr = json_array_size(rows);
	if (fmt == FMT_SHEETS) {
		json_t *heads = json_array(), *keys = json_array(), *typed = json_array();
		for (size_t j = 0; j < n; j++) {
			json_array_append_new(heads, json_string(cols[j].head));
			json_array_append_new(keys, json_string(cols[j].key));
		}
		for (size_t i = 0; i < nr; i++) {
			json_t *r = json_array_get(rows, i), *o = json_object();
			for (size_t j = 0; j < n; j++) {
				json_t *v = json_object_get(r, cols[j].key);
				json_object_set_new(o, cols[j].key,
						    json_is_boolean(v) ? json_string(json_is_true(v) ? "是" : "否")
						    : v ? json_incref(v) : json_null());
			}
			json_array_append_new(typed, o);
		}
		json_t *t = json_pack("{s:s, s:o, s:o, s:o}", "sheet", title ? title : "表",
				      "heads", heads, "keys", keys, "rows", typed);
		char *line = json_dumps(t, JSON_COMPACT | JSON_PRESERVE_ORDER);
		sb_puts(out, line);
		sb_putc(out, '\n');
		free(line);
		json_decref(t);
		return;
	}
	if (fmt == FMT_CSV) {
		sb_puts(out, "\xEF\xBB\xBF"); /* BOM: spreadsheet programs then read UTF-8 */
		for (size_t j = 0; j < n; j++) {
			if (j)
				sb_putc(out, ',');
			csv_cell(out, cols[j].head, true);
		}
		sb_puts(out, "\r\n");
		for (size_t i = 0; i < nr; i++) {
			for (size_t j = 0; j < n; j++) {
				json_t *v = json_object_get(json_array_get(rows, i), cols[j].key);
				char *t = cell(v);
				if (j)
					sb_putc(out, ',');
				csv_cell(out, t, !json_is_number(v));
				free(t);
			}
			sb_puts(out, "\r\n");
		}
		return;
	}
	if (title)
		sb_printf(out, fmt == FMT_MD ? "\n### %s\n\n" : "\n%s\n", title);
	if (nr == 0) {
		sb_puts(out, fmt == FMT_MD ? "无。\n" : "  无。\n");
		return;
	}
	if (fmt == FMT_MD) {
		for (size_t j = 0; j < n; j++)
			sb_printf(out, "| %s ", cols[j].head);
		sb_puts(out, "|\n");
		for (size_t j = 0; j < n; j++)
			sb_puts(out, "|---");
		sb_puts(out, "|\n");
		for (size_t i = 0; i < nr; i++) {
			for (size_t j = 0; j < n; j++) {
				char *t = cell(json_object_get(json_array_get(rows, i), cols[j].key));
				sb_puts(out, "| ");
				for (char *p = t; *p; p++)
					if (*p == '|')
						sb_puts(out, "\\|");
					else if (*p == '\n')
						sb_puts(out, "<br>");
					else
						sb_putc(out, *p);
				sb_putc(out, ' ');
				free(t);
			}
			sb_puts(out, "|\n");
		}
		return;
	}
	int w[16] = {0};
	for (size_t j = 0; j < n && j < 16; j++) {
		w[j] = text_width(cols[j].head);
		for (size_t i = 0; i < nr; i++) {
			char *t = cell(json_object_get(json_array_get(rows, i), cols[j].key));
			int tw = text_width(t);
			w[j] = tw > w[j] ? tw : w[j];
			free(t);
		}
		if (cols[j].max && w[j] > cols[j].max)
			w[j] = cols[j].max;
	}
	for (size_t i = 0; i <= nr; i++) {
		struct strbuf line;
		sb_init(&line);
		sb_puts(&line, "  ");
		for (size_t j = 0; j < n && j < 16; j++) {
			char *t = i == 0 ? xstrdup(cols[j].head)
					 : cell(json_object_get(json_array_get(rows, i - 1), cols[j].key));
			if (j)
				sb_puts(&line, "  ");
			/* the last column is not cut: a report keeps every word */
			if (j + 1 == n)
				sb_safe(&line, t);
			else
				sb_cell(&line, t, w[j], false);
			free(t);
		}
		while (line.len && line.buf[line.len - 1] == ' ')
			line.buf[--line.len] = '\0';
		sb_puts(out, line.buf);
		sb_putc(out, '\n');
		sb_finish(&line);
	}
}

static void para(struct strbuf *out, enum report_format fmt, const char *fmtstr, ...)
	__attribute__((format(printf, 3, 4)));
static void para(struct strbuf *out, enum report_format fmt, const char *fmtstr, ...)
{
	if (fmt == FMT_CSV || fmt == FMT_JSON)
		return;
	va_list ap;
	va_start(ap, fmtstr);
	struct strbuf t;
	sb_init(&t);
	sb_vprintf(&t, fmtstr, ap);
	va_end(ap);
	if (fmt == FMT_SHEETS) {
		const char *p = t.buf ? t.buf : "";
		json_t *o = json_pack("{s:s}", "para", p + strspn(p, "\n"));
		char *line = json_dumps(o, JSON_COMPACT);
		sb_puts(out, line);
		sb_putc(out, '\n');
		free(line);
		json_decref(o);
		sb_finish(&t);
		return;
	}
	sb_safe(out, t.buf ? t.buf : "");
	sb_puts(out, fmt == FMT_MD ? "\n\n" : "\n");
	sb_finish(&t);
}

/* "2026年11月28日17时30分" from a local ISO time. */
static const char *cn_time(json_t *v, char *buf, size_t n)
{
	const char *s = json_string_value(v);
	if (!s || strlen(s) < 16)
		return "（时间不详）";
	snprintf(buf, n, "%.4s年%.2s月%.2s日%.2s时%.2s分", s, s + 5, s + 8, s + 11, s + 14);
	return buf;
}

/* next_due (UTC seconds) as a local ISO time, like the other times, and
 * Chinese labels for what is due and the level. */
static void due_iso(json_t *rows)
{
	static const struct enum_value what[] = {
		{"first_report", "首报", "first report"}, {"written_report", "书面报告", "written report"},
		{"follow_up", "续报", "follow-up"}, {"final_report", "终报", "final report"},
		{NULL, NULL, NULL}};
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) {
		q_present_time(row, "next_due");
		const char *w = json_string_value(json_object_get(row, "next_due_what"));
		const char *l = json_string_value(json_object_get(row, "level"));
		json_object_set_new(row, "due_label", json_string(enum_label(what, w, true)));
		json_object_set_new(row, "level_label", json_string(enum_label(ENUM_LEVEL, l, true)));
	}
}

static void colour_labels(json_t *rows)
{
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) {
		const char *c = json_string_value(json_object_get(row, "colour"));
		if (c)
			json_object_set_new(row, "colour_label",
					    json_string(enum_label(ENUM_COLOUR, c, true)));
	}
}

/* 五、预警短信: each warning's coverage, and who has not confirmed. */
static void sms_paras(struct strbuf *out, enum report_format fmt, json_t *sms)
{
	if (!json_array_size(sms))
		return;
	para(out, fmt, "%s", fmt == FMT_MD ? "\n## 五、预警短信" : "\n五、预警短信");
	size_t i;
	json_t *w;
	json_array_foreach(sms, i, w) {
		const char *colour = json_string_value(json_object_get(w, "colour"));
		const char *wait = json_string_value(json_object_get(w, "waiting"));
		para(out, fmt, "%s%s预警：%s", json_string_value(json_object_get(w, "area")),
		     enum_label(ENUM_COLOUR, colour, true),
		     json_string_value(json_object_get(w, "line")));
		if (wait && *wait)
			para(out, fmt, "未确认：%s", wait);
	}
}

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static long long num(json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

bool report_incident(struct store *st, const char *number, enum report_format fmt,
		     struct strbuf *out, struct err *e)
{
	json_t *r = q_incident_show(st, number, e);
	if (!record_found(r, "incident", number, e))
		return false;
	json_t *tl = json_object_get(r, "timeline");
	int follow = 0;
	bool first = false, final = false;
	size_t i;
	json_t *t;
	json_array_foreach(tl, i, t) {
		const char *k = str(t, "kind");
		first |= str_eq(k, "first_report");
		final |= str_eq(k, "final_report");
		follow += str_eq(k, "follow_up");
	}
	char kind[64], cn[16], when[64], now_iso[40];
	if (final || str_eq(str(r, "status"), "closed"))
		snprintf(kind, sizeof kind, "终报");
	else if (first)
		snprintf(kind, sizeof kind, "续报（%s）", cn_numeral(follow + 1, cn, sizeof cn));
	else
		snprintf(kind, sizeof kind, "首报");
	if (fmt == FMT_JSON) {
		json_object_set_new(r, "report", json_string(kind));
		char *s = json_dumps(r, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		sb_puts(out, s);
		sb_putc(out, '\n');
		free(s);
		json_decref(r);
		return true;
	}
	struct node_info ni;
	char *office = NULL;
	if (store_node(st, &ni, NULL))
		office = store_office_name(st, ni.township_code);
	if (fmt != FMT_CSV) {
		para(out, fmt, "%s%s应急管理%s", fmt == FMT_MD ? "# " : "", office ? office : "",
		     ni.township_code[0] ? "办" : "局");
		para(out, fmt, "%s关于%s的%s", fmt == FMT_MD ? "## " : "", str(r, "title"), kind);
		para(out, fmt, "%s接%s%s报告（来报人：%s%s%s%s）。", cn_time(json_object_get(r, "received_at"), when, sizeof when),
		     str(r, "township"), str(r, "reporter_unit"), str(r, "reporter")[0] ? str(r, "reporter") : "不详",
		     str(r, "reporter_post")[0] ? "，" : "", str(r, "reporter_post"),
		     str(r, "reporter_phone")[0] ? "" : "");
		if (str(r, "reporter_phone")[0])
			para(out, fmt, "来报电话：%s", str(r, "reporter_phone"));
		para(out, fmt, "一、基本情况：%s，%s%s%s发生%s，初判等级：%s（%s）。",
		     cn_time(json_object_get(r, "occurred_at"), when, sizeof when), str(r, "township"),
		     str(r, "village"), str(r, "place"), str(r, "type_name"),
		     enum_label(ENUM_LEVEL, str(r, "level"), true), str(r, "level"));
		para(out, fmt, "二、人员伤亡：死亡%lld人，受伤%lld人，失踪%lld人，被困%lld人；转移%lld人，受影响%lld人。",
		     num(r, "deaths"), num(r, "injured"), num(r, "missing"), num(r, "trapped"),
		     num(r, "evacuated"), num(r, "affected"));
		if (str(r, "hazard_code")[0])
			para(out, fmt, "隐患点：%s %s，监测员%s（%s），威胁%lld户%lld人。", str(r, "hazard_code"),
			     str(r, "hazard_name"), str(r, "hazard_monitor"), str(r, "hazard_monitor_phone"),
			     num(r, "hazard_households"), num(r, "hazard_people"));
		if (str(r, "cause")[0] || str(r, "course")[0])
			para(out, fmt, "三、原因及经过：%s%s", str(r, "cause"), str(r, "course"));
		if (str(r, "measures")[0])
			para(out, fmt, "四、已采取措施：%s", str(r, "measures"));
		if (str(r, "trend")[0])
			para(out, fmt, "五、发展趋势：%s", str(r, "trend"));
		if (str(r, "told")[0])
			para(out, fmt, "来报人已报告：%s", str(r, "told"));
	}
	/* The record, every entry including those struck by a correction. */
	json_t *rows = json_array();
	json_array_foreach(tl, i, t) {
		json_t *row = json_deep_copy(t);
		const char *k = str(t, "kind");
		char label[64];
		if (str_eq(k, "follow_up"))
			snprintf(label, sizeof label, "续报%s",
				 cn_numeral((int)num(t, "seq"), cn, sizeof cn));
		else
			snprintf(label, sizeof label, "%s", enum_label(ENUM_TIMELINE_KIND, k, true));
		if (json_is_string(json_object_get(t, "corrected_by")))
			strncat(label, "（已更正）", sizeof label - strlen(label) - 1);
		json_object_set_new(row, "entry", json_string(label));
		json_array_append_new(rows, row);
	}
	static const struct rcol cols[] = {{"created_at", "时间", 11}, {"entry", "类别", 16},
					   {"author", "记录人", 10}, {"text", "内容", 0}};
	table(out, fmt, fmt == FMT_CSV ? NULL : "处置记录", rows, cols, 4);
	json_decref(rows);
	if (fmt != FMT_CSV) {
		dd_time_iso(dd_now(), now_iso, sizeof now_iso);
		json_t *nv = json_string(now_iso);
		para(out, fmt, "\n报送时间：%s    签发：________", cn_time(nv, when, sizeof when));
		json_decref(nv);
	}
	free(office);
	json_decref(r);
	return true;
}

bool report_daily(struct store *st, const struct deadline_rules *rules, const char *date,
		  int cutoff_min, enum report_format fmt, struct strbuf *out, struct err *e)
{
	char day[11];
	if (!dd_date_parse(date, day, e))
		return false;
	char at[32];
	snprintf(at, sizeof at, "%s %02d:%02d", day, cutoff_min / 60, cutoff_min % 60);
	int64_t to;
	if (!dd_time_parse(at, 0, &to, e))
		return false;
	int64_t from = to - 86400;
	struct log_filter lf = {.since = from, .until = to};
	json_t *log = q_duty_log(st, &lf, e);
	json_t *cls = log ? q_shift_figures(st, from, to, e) : NULL;
	json_t *due = cls ? incidents_due(st, rules, to, e) : NULL;
	json_t *warn = due ? q_warnings_in_force(st, to, e) : NULL;
	json_t *sms = warn ? sms_coverage_since(st, from, e) : NULL;
	if (!sms) {
		json_decref(warn);
		json_decref(log);
		json_decref(cls);
		json_decref(due);
		return false;
	}
	q_present(log);
	q_present(due);
	due_iso(due);
	q_present(warn);
	colour_labels(warn);
	size_t i;
	json_t *row;
	json_array_foreach(log, i, row) {
		const struct enum_value *ev = enum_find(ENUM_DUTY_KIND, str(row, "kind"))
						      ? ENUM_DUTY_KIND : ENUM_TIMELINE_KIND;
		json_object_set_new(row, "kind_label", json_string(enum_label(ev, str(row, "kind"), true)));
		/* the incident is in its own column: the content is the entry's
		 * own text (a change of state in words) */
		if (str_eq(str(row, "kind"), "status"))
			json_object_set_new(row, "entry", json_string(enum_label(
				ENUM_INCIDENT_STATUS, str(row, "entry"), true)));
	}
	json_array_foreach(cls, i, row)
		json_object_set_new(row, "label", json_string(enum_label(ENUM_CLASS, str(row, "class"), true)));
	json_array_foreach(due, i, row)
		json_object_set_new(row, "due", json_string(json_is_true(json_object_get(row, "overdue")) ? "已超时" : ""));
	if (fmt == FMT_JSON) {
		char fa[40], ta[40];
		dd_time_iso(from, fa, sizeof fa);
		dd_time_iso(to, ta, sizeof ta);
		json_t *o = json_pack("{s:s, s:s, s:s, s:O, s:O, s:O, s:O, s:O}", "date", day, "from",
				      fa, "to", ta, "new_by_class", cls,
				      "open_incidents", due, "warnings", warn, "sms", sms, "log", log);
		q_present(o);
		char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		sb_puts(out, s);
		sb_putc(out, '\n');
		free(s);
		json_decref(o);
	} else {
		char a[32], b[32];
		dd_time_local(from, a, sizeof a);
		dd_time_local(to, b, sizeof b);
		para(out, fmt, "%s值班日报 %s（%s 至 %s）", fmt == FMT_MD ? "# " : "", day, a, b);
		static const struct rcol cc[] = {{"label", "类别", 0}, {"n", "新接报", 0}};
		static const struct rcol dc[] = {{"number", "编号", 0}, {"level_label", "级别", 0},
						 {"due_label", "下一报送", 0}, {"next_due", "时限", 0},
						 {"due", "", 0}};
		static const struct rcol wc[] = {{"at", "接收", 0}, {"colour_label", "颜色", 0},
						 {"area", "范围", 20}, {"valid_until", "有效至", 0},
						 {"text", "内容", 0}};
		static const struct rcol lc[] = {{"at", "时间", 0}, {"kind_label", "类别", 8},
						 {"township", "乡镇", 8}, {"incident", "事件", 0},
						 {"author", "记录人", 8}, {"entry", "内容", 0}};
		if (fmt != FMT_CSV) {
			table(out, fmt, "一、新接报事件", cls, cc, 2);
			table(out, fmt, "二、待报送事件及时限", due, dc, 5);
			table(out, fmt, "三、生效中的预警", warn, wc, 5);
		}
		table(out, fmt, fmt == FMT_CSV ? NULL : "四、值班日志", log, lc, 6);
		if (fmt != FMT_CSV)
			sms_paras(out, fmt, sms);
	}
	json_decref(sms);
	json_decref(log);
	json_decref(cls);
	json_decref(due);
	json_decref(warn);
	return true;
}

bool report_shift(struct store *st, const char *id, enum report_format fmt, struct strbuf *out,
		  struct err *e)
{
	json_t *sh = q_shift(st, id, e);
	if (!record_found(sh, "shift", id, e))
		return false;
	json_t *sum = json_loads(str(sh, "summary")[0] ? str(sh, "summary") : "{}", 0, NULL);
	if (!sum)
		sum = json_object();
	json_t *open = json_object_get(sum, "open_incidents");
	json_t *tasks = json_object_get(sum, "open_tasks");
	json_t *warn = json_object_get(sum, "warnings");
	json_t *cls = json_object_get(sum, "new_by_class");
	q_present(sh);
	q_present(open);
	due_iso(open);
	q_present(tasks);
	q_present(warn);
	colour_labels(warn);
	if (fmt == FMT_JSON) {
		json_object_set(sh, "handover", sum);
		json_object_del(sh, "summary");
		char *s = json_dumps(sh, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		sb_puts(out, s);
		sb_putc(out, '\n');
		free(s);
	} else {
		char a[64], b[64];
		para(out, fmt, "%s交接班记录", fmt == FMT_MD ? "# " : "");
		para(out, fmt, "班次：%s 至 %s", cn_time(json_object_get(sh, "started_at"), a, sizeof a),
		     json_is_string(json_object_get(sh, "ended_at"))
			     ? cn_time(json_object_get(sh, "ended_at"), b, sizeof b) : "（进行中）");
		para(out, fmt, "交班：%s  带班领导：%s  接班：%s  确认：%s %s", str(sh, "officers"),
		     str(sh, "leader")[0] ? str(sh, "leader") : "—",
		     str(sh, "handed_to")[0] ? str(sh, "handed_to") : "—",
		     str(sh, "acked_by")[0] ? str(sh, "acked_by") : "（未确认）",
		     json_is_string(json_object_get(sh, "acked_at"))
			     ? cn_time(json_object_get(sh, "acked_at"), b, sizeof b) : "");
		size_t i;
		json_t *row;
		json_array_foreach(cls, i, row)
			json_object_set_new(row, "label", json_string(enum_label(ENUM_CLASS, str(row, "class"), true)));
		static const struct rcol cc[] = {{"label", "类别", 0}, {"n", "新接报", 0}};
		static const struct rcol oc[] = {{"number", "编号", 0}, {"level_label", "级别", 0},
						 {"due_label", "下一报送", 0}, {"next_due", "时限", 0}};
		static const struct rcol wc[] = {{"at", "接收", 0}, {"colour_label", "颜色", 0},
						 {"area", "范围", 20}, {"text", "内容", 0}};
		static const struct rcol tc[] = {{"due_at", "时限", 0}, {"owner", "责任人", 8},
						 {"title", "事项", 0}};
		if (fmt != FMT_CSV) {
			table(out, fmt, "一、本班新接报", cls, cc, 2);
			table(out, fmt, "二、待报送事件", open, oc, 4);
			table(out, fmt, "三、生效中的预警", warn, wc, 4);
			table(out, fmt, "四、待办事项", tasks, tc, 3);
			para(out, fmt, "\n未完成的预案工作项：%lld", num(sum, "open_checklist_items"));
			para(out, fmt, "设备通信状态：%s", str(sum, "equipment")[0] ? str(sum, "equipment") : "—");
			para(out, fmt, "备注：%s", str(sum, "notes")[0] ? str(sum, "notes") : "—");
			sms_paras(out, fmt, json_object_get(sum, "sms"));
		} else {
			table(out, fmt, NULL, open, oc, 4);
		}
	}
	json_decref(sum);
	json_decref(sh);
	return true;
}
