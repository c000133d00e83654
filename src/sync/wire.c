/* Bodies on the wire: gzip with zlib (windowBits 16+15 selects the gzip
 * wrapper) and the JSON nesting check. */
#include "dutydesk/wire.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "dutydesk/util.h"

bool gz_deflate(const char *in, size_t n, char **out, size_t *outlen)
{
	return gz_deflate_level(in, n, 6, out, outlen);
}

bool gz_deflate_level(const char *in, size_t n, int level, char **out, size_t *outlen)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	if (deflateInit2(&z, level, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return false;
	size_t cap = deflateBound(&z, (uLong)n) + 16;
	char *buf = xmalloc(cap);
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)n;
	z.next_out = (Bytef *)buf;
	z.avail_out = (uInt)cap;
	int rc = deflate(&z, Z_FINISH);
	size_t len = cap - z.avail_out;
	deflateEnd(&z);
	if (rc != Z_STREAM_END) {
		free(buf);
		return false;
	}
	*out = buf;
	*outlen = len;
	return true;
}

int gz_inflate(const char *in, size_t n, size_t max, char **out, size_t *outlen)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	if (inflateInit2(&z, 16 + 15) != Z_OK)
		return 1;
	size_t cap = n * 4 + 1024;
	if (cap > max + 1)
		cap = max + 1;
	char *buf = xmalloc(cap + 1);
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)n;
	size_t len = 0;
	int rc = Z_OK;
	while (rc != Z_STREAM_END) {
		if (len == cap) {
			if (cap > max) { /* filled max+1 bytes: too big */
				inflateEnd(&z);
				free(buf);
				return 2;
			}
			cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			buf = xrealloc(buf, cap + 1);
		}
		z.next_out = (Bytef *)buf + len;
		z.avail_out = (uInt)(cap - len);
		rc = inflate(&z, Z_NO_FLUSH);
		len = cap - z.avail_out;
		if (rc == Z_STREAM_END)
			break;
		if (rc != Z_OK || (z.avail_in == 0 && len < cap)) {
			/* corrupt, or the input ended before the stream did */
			inflateEnd(&z);
			free(buf);
			return 1;
		}
	}
	inflateEnd(&z);
	if (len > max) {
		free(buf);
		return 2;
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	return 0;
}

int json_depth(const char *s, size_t n)
{
	int depth = 0, max = 0;
	bool in_str = false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (in_str) {
			if (ch == '\\')
				i++;
			else if (ch == '"')
				in_str = false;
		} else if (ch == '"') {
			in_str = true;
		} else if (ch == '{' || ch == '[') {
			if (++depth > max)
				max = depth;
		} else if (ch == '}' || ch == ']') {
			depth--;
		}
	}
	return max;
}
