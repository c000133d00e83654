/* gzip for HTTP bodies (zlib): the hub inflates gzip request bodies and
 * deflates large responses; the client deflates large pushes. Shared by
 * dutydeskd and dutydesk. */
#ifndef DUTYDESK_GZ_H
#define DUTYDESK_GZ_H

#include <stdbool.h>
#include <stddef.h>

/* Compresses n bytes as a gzip stream; *out (heap) and *outlen. */
bool gz_deflate(const char *in, size_t n, char **out, size_t *outlen);
/* Inflates a gzip stream, refusing output beyond max bytes (a small body
 * can expand a thousandfold). *out is NUL-terminated. Returns 0 on
 * success, 1 for a corrupt stream, 2 when the output would exceed max. */
int gz_inflate(const char *in, size_t n, size_t max, char **out, size_t *outlen);

#endif
