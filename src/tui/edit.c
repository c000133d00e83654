/* A one-line editor over wide characters: the cursor moves and deletes by
 * character, the view scrolls by cells, so Chinese never garbles. */
#include <stdlib.h>
#include <string.h>

#include "dutydesk/width.h"
#include "tui.h"

static void grow(struct edit *ed, size_t need)
{
	if (need + 1 <= ed->cap)
		return;
	ed->cap = need + 32;
	ed->buf = xrealloc(ed->buf, ed->cap * sizeof *ed->buf);
}

void edit_set(struct edit *ed, const char *s)
{
	ed->len = ed->cur = 0;
	ed->scroll = 0;
	grow(ed, 16);
	while (s && *s) {
		uint32_t cp;
		s += utf8_decode(s, &cp);
		if (cp < 0x20 || cp == 0x7F)
			cp = ' ';
		grow(ed, ed->len + 1);
		ed->buf[ed->len++] = (wchar_t)cp;
	}
	ed->buf[ed->len] = 0;
	ed->cur = ed->len;
}

void edit_init(struct edit *ed, const char *s)
{
	memset(ed, 0, sizeof *ed);
	edit_set(ed, s);
}

void edit_finish(struct edit *ed)
{
	free(ed->buf);
	memset(ed, 0, sizeof *ed);
}

char *edit_text(const struct edit *ed)
{
	return edit_text_upto(ed, ed->len);
}

void sb_put_cp(struct strbuf *sb, uint32_t c)
{
	char u[4];
	int n;
	if (c < 0x80)
		u[0] = (char)c, n = 1;
	else if (c < 0x800)
		u[0] = (char)(0xC0 | c >> 6), u[1] = (char)(0x80 | (c & 0x3F)), n = 2;
	else if (c < 0x10000)
		u[0] = (char)(0xE0 | c >> 12), u[1] = (char)(0x80 | ((c >> 6) & 0x3F)),
		u[2] = (char)(0x80 | (c & 0x3F)), n = 3;
	else
		u[0] = (char)(0xF0 | c >> 18), u[1] = (char)(0x80 | ((c >> 12) & 0x3F)),
		u[2] = (char)(0x80 | ((c >> 6) & 0x3F)), u[3] = (char)(0x80 | (c & 0x3F)), n = 4;
	sb_add(sb, u, (size_t)n);
}

char *edit_text_upto(const struct edit *ed, size_t upto)
{
	struct strbuf sb;
	sb_init(&sb);
	sb_puts(&sb, "");
	for (size_t i = 0; i < ed->len && i < upto; i++)
		sb_put_cp(&sb, (uint32_t)ed->buf[i]);
	return sb_take(&sb);
}

static void delete_at(struct edit *ed, size_t i, size_t n)
{
	if (i + n > ed->len)
		n = ed->len - i;
	memmove(ed->buf + i, ed->buf + i + n, (ed->len - i - n + 1) * sizeof *ed->buf);
	ed->len -= n;
}

bool edit_replace(struct edit *ed, size_t from, size_t to, const char *s)
{
	if (to > ed->len)
		to = ed->len;
	if (from > to)
		from = to;
	delete_at(ed, from, to - from);
	ed->cur = from;
	while (s && *s) {
		if (ed->len >= EDIT_MAX)
			return false;
		uint32_t cp;
		s += utf8_decode(s, &cp);
		if (cp < 0x20 || cp == 0x7F)
			cp = ' ';
		grow(ed, ed->len + 1);
		memmove(ed->buf + ed->cur + 1, ed->buf + ed->cur,
			(ed->len - ed->cur + 1) * sizeof *ed->buf);
		ed->buf[ed->cur++] = (wchar_t)cp;
		ed->len++;
	}
	return true;
}

bool edit_key(struct edit *ed, int key, bool is_char)
{
	if (is_char && key >= 0x20 && key != 0x7F) {
		if (ed->len >= EDIT_MAX)
			return true;
		grow(ed, ed->len + 1);
		memmove(ed->buf + ed->cur + 1, ed->buf + ed->cur,
			(ed->len - ed->cur + 1) * sizeof *ed->buf);
		ed->buf[ed->cur++] = (wchar_t)key;
		ed->len++;
		return true;
	}
	switch (key) {
	case KEY_LEFT:
	case 2: /* ^B */
		if (ed->cur > 0)
			ed->cur--;
		return true;
	case KEY_RIGHT:
	case 6: /* ^F */
		if (ed->cur < ed->len)
			ed->cur++;
		return true;
	case KEY_HOME:
	case 1: /* ^A */
		ed->cur = 0;
		return true;
	case KEY_END:
	case 5: /* ^E */
		ed->cur = ed->len;
		return true;
	case KEY_BACKSPACE:
	case 127:
	case 8:
		if (ed->cur > 0) {
			ed->cur--;
			delete_at(ed, ed->cur, 1);
		}
		return true;
	case KEY_DC:
	case 4: /* ^D */
		if (ed->cur < ed->len)
			delete_at(ed, ed->cur, 1);
		return true;
	case 21: /* ^U: to the start */
		delete_at(ed, 0, ed->cur);
		ed->cur = 0;
		return true;
	case 11: /* ^K: to the end */
		delete_at(ed, ed->cur, ed->len - ed->cur);
		return true;
	case 23: { /* ^W: the word before */
		size_t i = ed->cur;
		while (i > 0 && ed->buf[i - 1] == ' ')
			i--;
		while (i > 0 && ed->buf[i - 1] != ' ')
			i--;
		delete_at(ed, i, ed->cur - i);
		ed->cur = i;
		return true;
	}
	default:
		return false;
	}
}

static int wc_cells(wchar_t c)
{
	return cp_width((uint32_t)c);
}

int edit_draw(struct edit *ed, WINDOW *w, int y, int x, int width, attr_t a)
{
	if (width < 2)
		return x;
	/* Keep the cursor in view, measured in cells. */
	if ((size_t)ed->scroll > ed->cur)
		ed->scroll = (int)ed->cur;
	int cells = 0; /* once over the text, not once per step: a pasted line is long */
	for (size_t i = (size_t)ed->scroll; i < ed->cur; i++)
		cells += wc_cells(ed->buf[i]);
	while (cells > width - 1)
		cells -= wc_cells(ed->buf[ed->scroll++]);
	wattron(w, a);
	wmove(w, y, x);
	int used = 0, curx = x;
	for (size_t i = (size_t)ed->scroll; i <= ed->len; i++) {
		if (i == ed->cur)
			curx = x + used;
		if (i == ed->len)
			break;
		int cw = wc_cells(ed->buf[i]);
		if (used + cw > width)
			break;
		wchar_t s[2] = {ed->buf[i], 0};
		if (ed->buf[i] < 0x20)
			s[0] = '?';
		waddnwstr(w, s, 1);
		used += cw;
	}
	for (; used < width; used++)
		waddch(w, ' ');
	wattroff(w, a);
	return curx;
}
