/* Reports ready to send or print: an incident's 首报/续报/终报 text, the
 * daily duty report (值班日报) and a shift's handover, as plain text with
 * Chinese columns aligned, Markdown, CSV (UTF-8 with BOM, for spreadsheet
 * programs) or JSON. */
#ifndef DUTYDESK_REPORT_H
#define DUTYDESK_REPORT_H

#include "dutydesk/deadline.h"
#include "dutydesk/store.h"

/* FMT_SHEETS ("xlsx") is what a workbook is made of, one JSON object a
 * line: {"para": TEXT} for each paragraph, {"sheet": TITLE, "heads": [..],
 * "keys": [..], "rows": [..]} for each table (rows with their values
 * typed: numbers as numbers, times as ISO text). */
enum report_format { FMT_TEXT, FMT_MD, FMT_CSV, FMT_JSON, FMT_SHEETS };
bool report_format_parse(const char *s, enum report_format *out);

/* The report for the incident's latest state: 终报 once closed or finally
 * reported, 续报N after a first report, else 首报. */
bool report_incident(struct store *st, const char *number, enum report_format fmt,
		     struct strbuf *out, struct err *e);
/* The duty log over [date-1 cutoff, date cutoff) local (cutoff in minutes
 * after midnight; 08:00 by default), new incidents by class, incidents
 * still open with their next deadline, warnings in force. */
bool report_daily(struct store *st, const struct deadline_rules *r, const char *date,
		  int cutoff_min, enum report_format fmt, struct strbuf *out, struct err *e);
/* A shift's handover summary (id, "current" or "last"). */
bool report_shift(struct store *st, const char *id, enum report_format fmt, struct strbuf *out,
		  struct err *e);

#endif
