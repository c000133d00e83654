#include "dutydesk/hlc.h"

#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#define HLC_MAX_MS ((UINT64_C(1) << 48) - 1)

static hlc_t make(uint64_t ms, uint64_t c)
{
	if (c > 0xFFFF && ms < HLC_MAX_MS) { /* counter full: borrow the next millisecond */
		ms++;
		c = 0;
	}
	if (ms >= HLC_MAX_MS) /* the top of the range (year 10889): saturate, never go back */
		return ((uint64_t)HLC_MAX_MS << 16) | (c > 0xFFFF || ms > HLC_MAX_MS ? 0xFFFF : c);
	return (ms << 16) | c;
}

int64_t hlc_ms(hlc_t h)
{
	return (int64_t)(h >> 16);
}

hlc_t hlc_next(hlc_t last, int64_t now_ms)
{
	uint64_t l = last >> 16, pt = now_ms > 0 ? (uint64_t)now_ms : 0;
	if (pt > l)
		return make(pt, 0);
	return make(l, (last & 0xFFFF) + 1);
}

hlc_t hlc_recv(hlc_t last, hlc_t remote, int64_t now_ms)
{
	hlc_t m = last > remote ? last : remote;
	return hlc_next(m, now_ms);
}

void hlc_format(hlc_t h, char out[HLC_TEXT])
{
	snprintf(out, HLC_TEXT, "%016llx", (unsigned long long)h);
}

bool hlc_parse(const char *s, hlc_t *out)
{
	if (!s || strlen(s) != 16)
		return false;
	hlc_t v = 0;
	for (int i = 0; i < 16; i++) {
		char c = s[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
		if (d < 0)
			return false;
		v = (v << 4) | (unsigned)d;
	}
	*out = v;
	return true;
}

void id_new(char out[ID_TEXT], int64_t now_ms)
{
	unsigned char b[16];
	size_t got = 0;
	while (got < sizeof b) {
		ssize_t n = getrandom(b + got, sizeof b - got, 0);
		if (n > 0)
			got += (size_t)n;
	}
	uint64_t ms = (uint64_t)now_ms;
	for (int i = 0; i < 6; i++)
		b[i] = (unsigned char)(ms >> (40 - 8 * i));
	b[6] = (unsigned char)((b[6] & 0x0F) | 0x70); /* version 7 */
	b[8] = (unsigned char)((b[8] & 0x3F) | 0x80); /* RFC 4122 variant */
	snprintf(out, ID_TEXT,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11],
		 b[12], b[13], b[14], b[15]);
}
