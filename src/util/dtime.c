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

bool dd_time_parse(const char *s, int64_t now, int64_t *out, struct err *e)
{
	if (str_empty(s))
		return err_set(e, ERR_USAGE, _("empty time; expected like 2026-11-28 17:30"));
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
	return err_set(e, ERR_USAGE,
		       _("'%s': not a time; expected like 2026-11-28 17:30, 17:30 or "
		       "2026-11-28T17:30:00+08:00"), s);
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

static struct tm local_tm(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	return tm;
}

const char *dd_time_local(int64_t t, char *buf, size_t n)
{
	struct tm tm = local_tm(t);
	strftime(buf, n, "%Y-%m-%d %H:%M", &tm);
	return buf;
}

const char *dd_time_iso(int64_t t, char *buf, size_t n)
{
	struct tm tm = local_tm(t);
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
	return local_tm(t).tm_year + 1900;
}

const char *dd_date_local(int64_t t, char *buf, size_t n)
{
	struct tm tm = local_tm(t);
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
