/* Display width in terminal cells, by wcwidth(), never by bytes.
 * Control characters are shown as '?' (width 1): nothing reaches a
 * terminal raw. Invalid UTF-8 bytes count as U+FFFD. */
#ifndef DUTYDESK_WIDTH_H
#define DUTYDESK_WIDTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dutydesk/util.h"

/* Makes sure LC_CTYPE is a UTF-8 locale (falls back to C.UTF-8) so that
 * wcwidth() knows CJK; returns false when no UTF-8 locale could be had. */
bool width_init_locale(void);
/* The codeset of the user's locale as width_init_locale() found it
 * ("UTF-8", "GBK", "ANSI_X3.4-1968"), taken from the locale's name when
 * that locale is not installed; "" if it names none. */
const char *width_user_codeset(void);
/* East Asian ambiguous characters (“ ” ① …): 1 or 2 cells. */
void width_set_ambiguous(int cells);

/* Decodes one UTF-8 character at s (not at NUL); returns bytes used. */
size_t utf8_decode(const char *s, uint32_t *cp);
int cp_width(uint32_t cp);
int text_width(const char *s);
/* Bytes of the longest prefix of s that fits in max cells; *used gets its
 * width. Never splits a character. */
size_t text_fit(const char *s, int max, int *used);
/* Appends s padded (or truncated with an ellipsis) to exactly cells cells;
 * right aligns when right is true. Control characters become '?'. */
void sb_cell(struct strbuf *sb, const char *s, int cells, bool right);
/* The mark sb_cell ends a cut text with: "…" unless set (a terminal that
 * cannot show it takes "~"); NULL goes back to "…". */
void width_set_ellipsis(const char *mark);
const char *width_ellipsis(void);

/* Wrapping by display width. The first line of s in at most width cells:
 * returns its length in bytes and sets *next to where the following line
 * starts (after the blanks or the newline it ended at; strlen(s) at the
 * end). A line ends at a newline, else at the last place it may break
 * before it is full: at a blank, between Chinese characters (not before
 * closing punctuation such as ，。）nor after opening punctuation such
 * as （“), after a hyphen or a slash in Latin text; a word longer than the
 * line is cut between characters. Never splits a character nor parts a
 * combining mark from its base; a line holds at least one character. */
size_t text_wrap_line(const char *s, int width, size_t *next);
/* s wrapped to width cells, the lines after the first prefixed by indent
 * (counted in width), each line ended by '\n'; returns the line count. */
int sb_wrap(struct strbuf *sb, const char *s, int width, const char *indent);
/* How many lines text_wrap_line makes of s (0 for ""). */
int text_wrap_count(const char *s, int width);
/* Cuts an incomplete UTF-8 sequence off the end of s (left by a byte
 * truncation such as snprintf's). */
void utf8_trim_partial(char *s);
/* Appends s with control characters and invalid bytes made harmless. */
void sb_safe(struct strbuf *sb, const char *s);

#endif
