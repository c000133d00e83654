/* SHA-256 (FIPS 180-4) and HMAC-SHA-256 (RFC 2104) from OpenSSL's
 * libcrypto: token hashes, table digests, plan ids and bundle signatures.
 * The digests and their hex spelling (64 lowercase digits) are part of
 * the stored and exchanged formats: hub_node.token_sha256, bundle check
 * lines, plan ids, /v1/digest.
 *
 * libcrypto failing to give SHA-256 (out of memory, a broken provider
 * set-up) aborts with a message, as allocation does: callers never check. */
#ifndef DUTYDESK_HASH_H
#define DUTYDESK_HASH_H

#include <stdbool.h>
#include <stddef.h>

#define SHA256_LEN 32
#define SHA256_HEX 65 /* 64 hex digits and a NUL */

/* Incremental SHA-256: init, add any number of times, done (which frees
 * what init took; a sha256 is used once). */
struct sha256 {
	void *md; /* EVP_MD_CTX */
};
void sha256_init(struct sha256 *c);
void sha256_add(struct sha256 *c, const void *data, size_t n);
void sha256_done(struct sha256 *c, unsigned char out[SHA256_LEN]);

/* One call: the hex digest of data. */
void sha256_hex(const void *data, size_t n, char out[SHA256_HEX]);

/* HMAC-SHA-256 of data under key, in hex. */
void hmac_sha256_hex(const void *key, size_t keylen, const void *data, size_t n,
		     char out[SHA256_HEX]);

/* n bytes as 2n lowercase hex digits and a NUL. */
void hex_encode(const unsigned char *b, size_t n, char *out);

/* Whether given (may be NULL) is the hex digest known, compared in time
 * independent of where they differ: for token hashes and signatures. */
bool hash_hex_equal(const char *given, const char known[SHA256_HEX]);

#endif
