/* Time: stored as UTC seconds since the epoch, shown in local time (TZ).
 * DUTYDESK_NOW (a time in any accepted form) fixes the clock for tests. */
#ifndef DUTYDESK_DTIME_H
#define DUTYDESK_DTIME_H

#include <stdbool.h>
#include <stdint.h>

#include "dutydesk/util.h"

int64_t dd_now(void);     /* seconds, UTC */
int64_t dd_now_ms(void);  /* milliseconds, UTC */

/* Parses "2026-11-28 17:30[:ss]", "17:30" (today, local), "2026-11-28"
 * (local midnight) or ISO 8601 ("2026-11-28T17:30[:ss][Z|+08:00]").
 * Without a zone the time is local. Impossible dates and times are refused
 * with a message that says what is wrong. */
bool dd_time_parse(const char *s, int64_t now, int64_t *out, struct err *e);

/* How a time without a date (or without a year) is read. */
enum dd_when {
	DD_TODAY, /* "23:50" today, "12-04" this year, "4日" this month */
	DD_PAST,  /* the most recent such time; and a time in the future (beyond
		   * ten minutes of clock skew) is refused, with the time read */
};
/* As dd_time_parse, and also the forms officers type: "8:00", "23：50"
 * (full-width colon), "昨天 23:50", "前天 08:00", "今天 08:00", "明天 08:00",
 * "12-04 23:50", "12/4 23:50", "12月4日 23:50", "4日23:50" (日 or 号). */
bool dd_time_parse_when(const char *s, int64_t now, enum dd_when when, int64_t *out,
			struct err *e);
/* The forms a person types, for hints ("23:50, 昨天 23:50, ..."; ISO 8601
 * is accepted too). */
const char *dd_time_forms(void);
/* Parses a calendar date "YYYY-MM-DD" and writes it normalised to out[11]. */
bool dd_date_parse(const char *s, char out[11], struct err *e);

/* Local "2026-11-28 17:30" (buf >= 20). */
const char *dd_time_local(int64_t t, char *buf, size_t n);
/* Local ISO 8601 with offset: "2026-11-28T17:30:00+08:00" (buf >= 32). */
const char *dd_time_iso(int64_t t, char *buf, size_t n);
/* Local calendar year of t. */
int dd_time_year(int64_t t);
/* Local date "2026-11-28" of t (buf >= 11). */
const char *dd_date_local(int64_t t, char *buf, size_t n);

/* Minutes in "30m", "2h", "1d", "1h30m" (at most a year); false if not a
 * duration. */
bool duration_parse(const char *s, int *minutes);

#endif
