/* Pinyin initials of Chinese text, for finding people the way a duty
 * officer types them: `zsj` finds 张书记. The table is made at build time
 * from the Unihan readings of Debian's unicode-data package
 * (src/util/pinyin_table.py); it covers U+3400 to U+9FFF. */
#ifndef DUTYDESK_PINYIN_H
#define DUTYDESK_PINYIN_H

#include <stdbool.h>
#include <stdint.h>

/* The letters a code point's readings start with, as a mask (bit 0: 'a');
 * an ASCII letter or digit is itself (digits: none); 0 for anything else. */
uint32_t pinyin_mask(uint32_t cp);
/* The initials of text by each character's usual reading: 张书记 -> "zsj";
 * ASCII letters and digits are kept (lower case), anything else left out.
 * Heap string. */
char *pinyin_initials(const char *text);
/* Does query (ASCII letters, any case) name consecutive characters of text
 * by their initials, any reading counting (单: d, c or s)? An empty query
 * matches; a query with anything but letters never does. */
bool pinyin_match(const char *text, const char *query);
/* Is query only ASCII letters (something to try as initials)? */
bool pinyin_query(const char *query);

#endif
