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
/* Cuts an incomplete UTF-8 sequence off the end of s (left by a byte
 * truncation such as snprintf's). */
void utf8_trim_partial(char *s);
/* Appends s with control characters and invalid bytes made harmless. */
void sb_safe(struct strbuf *sb, const char *s);

#endif
