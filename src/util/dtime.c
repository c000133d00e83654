#include "dutydesk/dtime.h"
#include "dutydesk/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int64_t fixed_now(bool *set)
{
	const char *env = getenv("DUTYDESK_NOW");
	*set = false;
	if (str_empty(env))
		return 0;
	int64_t t;
	struct err e;
	/* Parse relative to the epoch: a bare "17:30" makes no sense here. */
	if (!dd_time_parse(env, 0, &t, &e))
		return 0;
	*set = true;
	return t;
}

int64_t dd_now_ms(void)
{
	bool set;
	int64_t t = fixed_now(&set);
	if (set)
		return t * 1000;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t dd_now(void)
{
	return dd_now_ms() / 1000;
}

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : d[m - 1];
}

static struct tm local_tm_of(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	return tm;
}

static const char *const month_en[] = {
	N_("January"), N_("February"), N_("March"),     N_("April"),
	N_("May"),     N_("June"),     N_("July"),      N_("August"),
	N_("September"), N_("October"), N_("November"), N_("December")};

/* Reads exactly n digits. */
static bool digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return false;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return true;
}

static bool check_date(const char *s, int y, int mo, int d, struct err *e)
{
	if (y < 1900 || y > 9999)
		return err_set(e, ERR_USAGE, _("'%s': year %d is out of range (1900-9999)"), s, y);
	if (mo < 1 || mo > 12)
		return err_set(e, ERR_USAGE, _("'%s': month must be 01-12"), s);
	if (d < 1 || d > days_in_month(y, mo))
		return err_set(e, ERR_USAGE, _("'%s': impossible date: %s %d has %d days"), s,
			       _(month_en[mo - 1]), y, days_in_month(y, mo));
	return true;
}

static bool check_clock(const char *s, int h, int mi, int sec, struct err *e)
{
	if (h > 23)
		return err_set(e, ERR_USAGE, _("'%s': impossible time: hour must be 00-23"), s);
	if (mi > 59)
		return err_set(e, ERR_USAGE, _("'%s': impossible time: minute must be 00-59"), s);
	if (sec > 59)
		return err_set(e, ERR_USAGE, _("'%s': impossible time: second must be 00-59"), s);
	return true;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant). */
static int64_t days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static bool local_to_utc(const char *s, int y, int mo, int d, int h, int mi, int sec,
			 int64_t *out, struct err *e)
{
	struct tm tm = {0};
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	tm.tm_isdst = -1;
	time_t t = mktime(&tm);
	if (t == (time_t)-1)
		return err_set(e, ERR_USAGE, _("'%s': cannot convert to a time"), s);
	/* A wall-clock time skipped by a daylight-saving change comes back moved. */
	if (tm.tm_hour != h || tm.tm_min != mi || tm.tm_mday != d)
		return err_set(e, ERR_USAGE, _("'%s': that local time does not exist (clock change)"), s);
	*out = (int64_t)t;
	return true;
}

#define TIME_FORMS                                                                      \
	"23:50, 昨天 23:50, 前天 08:00, 今天 08:00, 12-04 23:50, 12月4日 23:50, "      \
	"4日23:50, 2026-12-04 23:50"

const char *dd_time_forms(void)
{
	return TIME_FORMS;
}

static bool bad_time(const char *s, struct err *e)
{
	return err_set(e, ERR_USAGE, _("'%s': not a time; expected like %s or 2026-12-04T23:50:00+08:00"), s,
		       TIME_FORMS);
}

/* The forms with a year (and ISO 8601), and a bare clock for today. */
static bool parse_absolute(const char *s, int64_t now, int64_t *out, struct err *e)
{
	const char *p = s;
	int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
	bool have_date = false;

	if (strlen(s) >= 10 && s[4] == '-') {
		if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) || *p++ != '-' ||
		    !digits(&p, 2, &d))
			goto bad;
		have_date = true;
		if (!check_date(s, y, mo, d, e))
			return false;
		if (*p == '\0')
			return local_to_utc(s, y, mo, d, 0, 0, 0, out, e);
		if (*p != ' ' && *p != 'T')
			goto bad;
		p++;
	}
	if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi))
		goto bad;
	if (*p == ':') {
		p++;
		if (!digits(&p, 2, &sec))
			goto bad;
		if (*p == '.') /* fractional seconds are accepted and dropped */
			for (p++; *p >= '0' && *p <= '9'; p++)
				;
	}
	if (!check_clock(s, h, mi, sec, e))
		return false;
	if (!have_date) {
		if (*p)
			goto bad;
		time_t tn = (time_t)now;
		struct tm tm;
		localtime_r(&tn, &tm);
		return local_to_utc(s, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, h, mi, sec,
				    out, e);
	}
	if (*p == '\0')
		return local_to_utc(s, y, mo, d, h, mi, sec, out, e);

	int off = 0;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p++ == '-' ? -1 : 1, oh, om = 0;
		if (!digits(&p, 2, &oh))
			goto bad;
		if (*p == ':') { /* +HH:MM */
			p++;
			if (!digits(&p, 2, &om))
				goto bad;
		} else if (*p && !digits(&p, 2, &om)) { /* +HHMM */
			goto bad;
		}
		if (oh > 14 || om > 59)
			return err_set(e, ERR_USAGE, _("'%s': impossible zone offset"), s);
		off = sign * (oh * 3600 + om * 60);
	} else {
		goto bad;
	}
	if (*p)
		goto bad;
	*out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - off;
	return true;
bad:
	return bad_time(s, e);
}


/* Reads 1 or 2 digits. */
static bool digits12(const char **p, int *out)
{
	if (**p < '0' || **p > '9')
		return false;
	int v = *(*p)++ - '0';
	if (**p >= '0' && **p <= '9')
		v = v * 10 + (*(*p)++ - '0');
	*out = v;
	return true;
}

/* Skips s at *p if it is there. */
static bool word(const char **p, const char *s)
{
	size_t n = strlen(s);
	if (strncmp(*p, s, n) != 0)
		return false;
	*p += n;
	return true;
}

static void skip_blanks(const char **p)
{
	while (**p == ' ' || **p == '\t')
		(*p)++;
}

/* "H:MM" or "HH:MM[:SS]" and nothing after. */
static bool clock_part(const char *p, int *h, int *mi, int *sec)
{
	*sec = 0;
	if (!digits12(&p, h) || *p++ != ':' || !digits(&p, 2, mi))
		return false;
	if (*p == ':' && (p++, !digits(&p, 2, sec)))
		return false;
	return *p == '\0';
}

/* The local calendar day `days` days from t's. */
static void local_day(int64_t t, int days, int *y, int *mo, int *d)
{
	struct tm tm = local_tm_of(t);
	tm.tm_mday += days;
	tm.tm_hour = 12; /* midday: no clock change moves it to another day */
	tm.tm_isdst = -1;
	time_t tt = mktime(&tm);
	localtime_r(&tt, &tm);
	*y = tm.tm_year + 1900;
	*mo = tm.tm_mon + 1;
	*d = tm.tm_mday;
}

/* How far past now a "past" time may be: a wall clock that is a little
 * fast, or the minute being typed. */
#define PAST_SLACK 600

/* The forms without a year, read as the most recent such time (when) or
 * as today, this month, this year. */
static bool parse_relative(const char *s, int64_t now, enum dd_when when, int64_t *out,
			   struct err *e)
{
	static const struct {
		const char *word;
		int days;
	} day_words[] = {{"今天", 0}, {"今日", 0}, {"昨天", -1}, {"昨日", -1}, {"前天", -2},
			 {"明天", 1}, {"明日", 1}};
	const char *p = s;
	int y, mo = 0, d = 0, h, mi, sec, offset = 0;
	enum { CLOCK, DAY_WORD, MONTH_DAY, DAY } form = CLOCK;
	int64_t limit = now + PAST_SLACK;
	bool past = when == DD_PAST;

	for (size_t i = 0; i < ARRAY_LEN(day_words) && form == CLOCK; i++)
		if (word(&p, day_words[i].word))
			form = DAY_WORD, offset = day_words[i].days;
	if (form == CLOCK) {
		const char *q = p;
		int a, b;
		if (digits12(&q, &a) && (*q == '-' || *q == '/') && (q++, digits12(&q, &b)))
			form = MONTH_DAY, mo = a, d = b, p = q;
		else if (q = p, digits12(&q, &a) && word(&q, "月") && digits12(&q, &b) &&
			 (word(&q, "日") || word(&q, "号")))
			form = MONTH_DAY, mo = a, d = b, p = q;
		else if (q = p, digits12(&q, &a) && (word(&q, "日") || word(&q, "号")))
			form = DAY, d = a, p = q;
	}
	skip_blanks(&p);
	if (!clock_part(p, &h, &mi, &sec))
		return bad_time(s, e);
	if (!check_clock(s, h, mi, sec, e))
		return false;
	if (form == MONTH_DAY && (mo < 1 || mo > 12))
		return err_set(e, ERR_USAGE, _("'%s': month must be 01-12"), s);
	if ((form == MONTH_DAY || form == DAY) && (d < 1 || d > 31))
		return err_set(e, ERR_USAGE, _("'%s': impossible date: no month has %d days"), s,
			       d);
	if (form == MONTH_DAY && d > days_in_month(2000, mo)) /* 2000: a leap year */
		return err_set(e, ERR_USAGE, _("'%s': impossible date: %s has %d days"), s,
			       _(month_en[mo - 1]), days_in_month(2000, mo));

	int ty, tmo, td;
	local_day(now, 0, &ty, &tmo, &td);
	switch (form) {
	case CLOCK:
		y = ty, mo = tmo, d = td;
		if (!local_to_utc(s, y, mo, d, h, mi, sec, out, e))
			return false;
		if (past && *out > limit) { /* not yet today: yesterday's */
			local_day(now, -1, &y, &mo, &d);
			return local_to_utc(s, y, mo, d, h, mi, sec, out, e);
		}
		return true;
	case DAY_WORD:
		local_day(now, offset, &y, &mo, &d);
		return local_to_utc(s, y, mo, d, h, mi, sec, out, e);
	case MONTH_DAY:
	case DAY: {
		/* This year's date, this month's day; when past, the most recent
		 * one (last year's, last month's), except that one a day or two
		 * ahead is a slip, refused as the future below. */
		int y0 = ty, m0 = form == MONTH_DAY ? mo : tmo;
		if (!past || d > days_in_month(y0, m0)) {
			bool ahead = m0 > tmo || (m0 == tmo && d > td);
			if (!past || !ahead)
				return check_date(s, y0, m0, d, e) &&
				       local_to_utc(s, y0, m0, d, h, mi, sec, out, e);
		} else {
			if (!local_to_utc(s, y0, m0, d, h, mi, sec, out, e))
				return false;
			if (*out <= limit || *out - now < 2 * 86400)
				return true;
		}
		/* the one before */
		if (form == MONTH_DAY)
			y0--;
		else if (--m0 == 0)
			y0--, m0 = 12;
		return check_date(s, y0, m0, d, e) && local_to_utc(s, y0, m0, d, h, mi, sec, out, e);
	}
	}
	return bad_time(s, e);
}

bool dd_time_parse_when(const char *s, int64_t now, enum dd_when when, int64_t *out,
			struct err *e)
{
	if (str_empty(s))
		return err_set(e, ERR_USAGE, _("empty time; expected like %s"), TIME_FORMS);
	/* A Chinese keyboard types the full-width colon. */
	char buf[128];
	size_t n = 0;
	for (const char *p = s; *p && n + 1 < sizeof buf; p++) {
		if (strncmp(p, "：", strlen("：")) == 0) {
			buf[n++] = ':';
			p += strlen("：") - 1;
		} else {
			buf[n++] = *p;
		}
	}
	buf[n] = '\0';
	if (strlen(s) >= sizeof buf - 1)
		return bad_time(s, e);
	int64_t t = 0;
	bool year_given = strlen(buf) >= 5 && buf[4] == '-' && buf[0] >= '0' && buf[0] <= '9';
	bool bare_iso_clock = strlen(buf) == 5 && buf[2] == ':'; /* "17:30" */
	if (year_given || (when == DD_TODAY && bare_iso_clock)) {
		if (!parse_absolute(buf, now, &t, e))
			return false;
	} else if (!parse_relative(buf, now, when, &t, e)) {
		return false;
	}
	if (when == DD_PAST && t > now + PAST_SLACK) {
		char when_s[32];
		return err_set(e, ERR_USAGE, _("%s is in the future"),
			       dd_time_local(t, when_s, sizeof when_s));
	}
	*out = t;
	return true;
}

bool dd_time_parse(const char *s, int64_t now, int64_t *out, struct err *e)
{
	return dd_time_parse_when(s, now, DD_TODAY, out, e);
}

bool dd_date_parse(const char *s, char out[11], struct err *e)
{
	const char *p = s;
	int y = 0, mo = 0, d = 0;
	if (str_empty(s) || !digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) ||
	    *p++ != '-' || !digits(&p, 2, &d) || *p)
		return err_set(e, ERR_USAGE, _("'%s': not a date; expected like 2026-11-28"),
			       s ? s : "");
	if (!check_date(s, y, mo, d, e))
		return false;
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)mo % 100u, (unsigned)d % 100u);
	return true;
}

const char *dd_time_local(int64_t t, char *buf, size_t n)
{
	struct tm tm = local_tm_of(t);
	strftime(buf, n, "%Y-%m-%d %H:%M", &tm);
	return buf;
}

const char *dd_time_iso(int64_t t, char *buf, size_t n)
{
	struct tm tm = local_tm_of(t);
	char z[8];
	strftime(buf, n, "%Y-%m-%dT%H:%M:%S", &tm);
	strftime(z, sizeof z, "%z", &tm); /* +0800 -> +08:00 */
	size_t l = strlen(buf);
	if (strlen(z) == 5)
		snprintf(buf + l, n - l, "%.3s:%s", z, z + 3);
	return buf;
}

int dd_time_year(int64_t t)
{
	return local_tm_of(t).tm_year + 1900;
}

const char *dd_date_local(int64_t t, char *buf, size_t n)
{
	struct tm tm = local_tm_of(t);
	strftime(buf, n, "%Y-%m-%d", &tm);
	return buf;
}

bool duration_parse(const char *s, int *minutes)
{
	if (str_empty(s))
		return false;
	long total = 0;
	while (*s) {
		if (*s < '0' || *s > '9')
			return false;
		long n = 0;
		while (*s >= '0' && *s <= '9') {
			n = n * 10 + (*s++ - '0');
			if (n > 100000)
				return false;
		}
		if (*s == 'm')
			total += n;
		else if (*s == 'h')
			total += n * 60;
		else if (*s == 'd')
			total += n * 1440;
		else
			return false;
		s++;
	}
	if (total <= 0 || total > 366L * 1440)
		return false;
	*minutes = (int)total;
	return true;
}
