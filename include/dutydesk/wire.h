/* Bodies on the wire, shared by dutydeskd and dutydesk: gzip (zlib; the
 * hub inflates gzip request bodies and deflates large responses, the
 * client deflates large pushes) and the JSON nesting check. */
#ifndef DUTYDESK_WIRE_H
#define DUTYDESK_WIRE_H

#include <stdbool.h>
#include <stddef.h>

/* Compresses n bytes as a gzip stream; *out (heap) and *outlen. */
bool gz_deflate(const char *in, size_t n, char **out, size_t *outlen);
/* The same at zlib level 1 to 9 (gz_deflate: 6). */
bool gz_deflate_level(const char *in, size_t n, int level, char **out, size_t *outlen);
/* Inflates a gzip stream, refusing output beyond max bytes (a small body
 * can expand a thousandfold). *out is NUL-terminated. Returns 0 on
 * success, 1 for a corrupt stream, 2 when the output would exceed max. */
int gz_inflate(const char *in, size_t n, size_t max, char **out, size_t *outlen);

/* Deepest nesting of arrays/objects in a JSON text, strings skipped
 * (checked before parsing: jansson's own limit is far higher). */
int json_depth(const char *s, size_t n);

#endif
