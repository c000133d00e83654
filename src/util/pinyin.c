/* Pinyin initials from the Unihan readings (see pinyin.h). */
#include "dutydesk/pinyin.h"

#include <stdlib.h>
#include <string.h>

#include "dutydesk/util.h"
#include "dutydesk/width.h"
#include "pinyin_table.h"

#define LETTERS 0x03ffffffu

uint32_t pinyin_mask(uint32_t cp)
{
	if (cp >= 'A' && cp <= 'Z')
		cp += 'a' - 'A';
	if (cp >= 'a' && cp <= 'z')
		return 1u << (cp - 'a');
	if (cp < PINYIN_FIRST || cp > PINYIN_LAST)
		return 0;
	return pinyin_table[cp - PINYIN_FIRST] & LETTERS;
}

/* The initial of cp's usual reading, or 0. */
static char usual(uint32_t cp)
{
	if (cp < 0x80)
		return (cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') ? (char)cp
		       : cp >= 'A' && cp <= 'Z'                          ? (char)(cp + 'a' - 'A')
									    : 0;
	if (cp < PINYIN_FIRST || cp > PINYIN_LAST)
		return 0;
	uint32_t v = pinyin_table[cp - PINYIN_FIRST] >> 27;
	return v ? (char)('a' + v - 1) : 0;
}

char *pinyin_initials(const char *text)
{
	size_t n = 0, cap = strlen(text ? text : "") + 1;
	char *out = xmalloc(cap);
	for (const char *p = text ? text : ""; *p;) {
		uint32_t cp;
		p += utf8_decode(p, &cp);
		char c = usual(cp);
		if (c)
			out[n++] = c;
	}
	out[n] = '\0';
	return out;
}

bool pinyin_query(const char *query)
{
	if (!query || !*query)
		return false;
	for (const char *q = query; *q; q++)
		if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z')))
			return false;
	return true;
}

bool pinyin_match(const char *text, const char *query)
{
	if (!query || !*query)
		return true;
	if (!pinyin_query(query) || !text)
		return false;
	/* the masks of text's characters, then a plain scan: names are short */
	size_t qn = strlen(query), n = 0;
	uint32_t masks[128];
	for (const char *p = text; *p && n < ARRAY_LEN(masks);) {
		uint32_t cp;
		p += utf8_decode(p, &cp);
		masks[n++] = pinyin_mask(cp);
	}
	for (size_t start = 0; start + qn <= n; start++) {
		size_t k = 0;
		while (k < qn && (masks[start + k] & pinyin_mask((unsigned char)query[k])))
			k++;
		if (k == qn)
			return true;
	}
	return false;
}
