/* SHA-256 (FIPS 180-4) and HMAC-SHA-256 (RFC 2104): token hashes, table
 * digests and bundle signatures. Small and dependency-free on purpose. */
#ifndef DUTYDESK_SHA256_H
#define DUTYDESK_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32
#define SHA256_HEX 65

struct sha256 {
	uint32_t h[8];
	uint64_t len;
	unsigned char buf[64];
	size_t used;
};
void sha256_init(struct sha256 *c);
void sha256_add(struct sha256 *c, const void *data, size_t n);
void sha256_done(struct sha256 *c, unsigned char out[SHA256_LEN]);
/* One call: the hex digest of data (64 lowercase digits + NUL). */
void sha256_hex(const void *data, size_t n, char out[SHA256_HEX]);
void hex_encode(const unsigned char *b, size_t n, char *out);

struct hmac_sha256 {
	struct sha256 inner;
	unsigned char okey[64];
};
void hmac_init(struct hmac_sha256 *c, const void *key, size_t keylen);
void hmac_add(struct hmac_sha256 *c, const void *data, size_t n);
void hmac_done(struct hmac_sha256 *c, unsigned char out[SHA256_LEN]);

/* Compares n bytes in time independent of where they differ. */
bool mem_equal_ct(const void *a, const void *b, size_t n);

#endif
