/* Text into cells. All widths by wcwidth (util/width.c); a character is
 * never split; nothing reaches the terminal raw. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dutydesk/dtime.h"

#include "dutydesk/width.h"
#include "tui.h"

bool tui_unicode = true;

int put_text(WINDOW *w, int y, int x, const char *s, int width, attr_t a)
{
	if (width <= 0 || !s)
		return 0;
	struct strbuf sb;
	sb_init(&sb);
	int used;
	size_t n = text_fit(s, width, &used);
	char *part = xstrndup(s, n);
	sb_safe(&sb, part);
	free(part);
	/* sb_safe keeps newlines: a list cell shows them as blanks. */
	for (size_t i = 0; i < sb.len; i++)
		if (sb.buf[i] == '\n')
			sb.buf[i] = ' ';
	wattron(w, a);
	mvwaddstr(w, y, x, sb.buf ? sb.buf : "");
	wattroff(w, a);
	sb_finish(&sb);
	return used;
}

void put_cell(WINDOW *w, int y, int x, const char *s, int width, bool right, attr_t a)
{
	if (width <= 0)
		return;
	struct strbuf sb;
	sb_init(&sb);
	sb_cell(&sb, s, width, right);
	wattron(w, a);
	mvwaddstr(w, y, x, sb.buf ? sb.buf : "");
	wattroff(w, a);
	sb_finish(&sb);
}

void hline_at(WINDOW *w, int y, int x, int n)
{
	if (tui_unicode)
		mvwhline_set(w, y, x, WACS_HLINE, n);
	else
		mvwhline(w, y, x, '-', n);
}

void vline_at(WINDOW *w, int y, int x, int n)
{
	if (tui_unicode)
		mvwvline_set(w, y, x, WACS_VLINE, n);
	else
		mvwvline(w, y, x, '|', n);
}

const char *tui_time(const char *iso, char *buf, size_t n)
{
	if (!iso || strlen(iso) < 16 || iso[4] != '-' || iso[10] != 'T' || iso[13] != ':')
		return iso ? iso : "";
	time_t now = (time_t)dd_now();
	struct tm tm;
	localtime_r(&now, &tm);
	char year[8];
	snprintf(year, sizeof year, "%04d", tm.tm_year + 1900);
	if (strncmp(iso, year, 4) == 0)
		snprintf(buf, n, "%.5s %.5s", iso + 5, iso + 11);
	else
		snprintf(buf, n, "%.10s %.5s", iso, iso + 11);
	return buf;
}

const char *tui_time_at(int64_t t, char *buf, size_t n)
{
	char iso[40];
	dd_time_iso(t, iso, sizeof iso);
	return tui_time(iso, buf, n);
}
