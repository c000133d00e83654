/* Colour roles. With colour, each role has a pair; without (vt100,
 * NO_COLOR, theme: mono) roles map to bold/reverse/underline, and every
 * meaning is also written in text (levels, "OVERDUE", markers). */
#include <string.h>

#include "tui.h"

static attr_t attrs[R_COUNT];

void theme_init(bool color)
{
	static const struct {
		short fg, bg;
		attr_t extra, mono;
	} roles[R_COUNT] = {
		[R_NORMAL] = {-1, -1, 0, 0},
		[R_HEADER] = {COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE},
		[R_TAB] = {-1, -1, 0, 0},
		[R_TAB_ACTIVE] = {COLOR_BLACK, COLOR_CYAN, A_BOLD, A_REVERSE | A_BOLD},
		[R_HINT] = {COLOR_BLACK, COLOR_WHITE, 0, A_REVERSE},
		/* reverse video: 7 bytes fewer than a colour pair on every move */
		[R_SELECTED] = {-1, -1, A_REVERSE, A_REVERSE},
		[R_TITLE] = {-1, -1, A_BOLD, A_BOLD},
		[R_LEVEL_I] = {COLOR_RED, -1, A_BOLD, A_BOLD},
		[R_LEVEL_II] = {COLOR_MAGENTA, -1, A_BOLD, A_BOLD},
		[R_LEVEL_III] = {COLOR_YELLOW, -1, A_BOLD, 0},
		[R_LEVEL_IV] = {COLOR_BLUE, -1, 0, 0},
		[R_OVERDUE] = {COLOR_RED, -1, A_BOLD, A_BOLD | A_UNDERLINE},
		[R_WARN] = {COLOR_YELLOW, -1, A_BOLD, A_BOLD},
		[R_GOOD] = {COLOR_GREEN, -1, 0, 0},
		[R_DIM] = {-1, -1, A_DIM, 0},
		[R_ERROR] = {COLOR_WHITE, COLOR_RED, A_BOLD, A_REVERSE | A_BOLD},
		[R_FOCUS] = {-1, -1, A_UNDERLINE, A_UNDERLINE},
	};
	if (color) {
		start_color();
		use_default_colors();
	}
	for (int r = 0; r < R_COUNT; r++) {
		if (color && (roles[r].fg >= 0 || roles[r].bg >= 0)) {
			init_pair((short)(r + 1), roles[r].fg, roles[r].bg);
			attrs[r] = COLOR_PAIR(r + 1) | roles[r].extra;
		} else {
			attrs[r] = color ? roles[r].extra : roles[r].mono;
		}
	}
}

attr_t theme_attr(enum role r)
{
	return attrs[r];
}

enum role theme_level(const char *level)
{
	if (!level)
		return R_NORMAL;
	if (strcmp(level, "I") == 0)
		return R_LEVEL_I;
	if (strcmp(level, "II") == 0)
		return R_LEVEL_II;
	if (strcmp(level, "III") == 0)
		return R_LEVEL_III;
	if (strcmp(level, "IV") == 0)
		return R_LEVEL_IV;
	return R_NORMAL;
}
