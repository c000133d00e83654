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

int put_wrapped(WINDOW *w, int bottom, int x, const char *s, int width, int max_rows, attr_t a)
{
	if (!s || !*s || width < 2 || max_rows < 1)
		return 0;
	int rows = text_wrap_count(s, width);
	if (rows > max_rows)
		rows = max_rows;
	size_t off = 0, nx;
	for (int r = 0; r < rows; r++) {
		size_t n = text_wrap_line(s + off, width, &nx);
		if (r + 1 == rows && s[off + nx]) {
			/* more than the rows hold: the last one says so */
			put_cell(w, bottom - rows + 1 + r, x, s + off, width, false, a);
			break;
		}
		char *one = xstrndup(s + off, n);
		put_cell(w, bottom - rows + 1 + r, x, one, width, false, a);
		free(one);
		off += nx;
	}
	return rows;
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
