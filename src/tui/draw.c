/* Text into cells. All widths by wcwidth (util/width.c); a character is
 * never split; nothing reaches the terminal raw. */
#include <stdlib.h>
#include <string.h>

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
