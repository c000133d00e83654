/* SHA-256 and HMAC-SHA-256 through libcrypto's EVP interface (see hash.h). */
#include "dutydesk/hash.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Noreturn void fail(const char *what)
{
	fprintf(stderr, "dutydesk: libcrypto: %s failed\n", what);
	abort();
}

void sha256_init(struct sha256 *c)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	if (!md || !EVP_DigestInit_ex(md, EVP_sha256(), NULL))
		fail("SHA-256");
	c->md = md;
}

void sha256_add(struct sha256 *c, const void *data, size_t n)
{
	if (n && !EVP_DigestUpdate(c->md, data, n))
		fail("SHA-256");
}

void sha256_done(struct sha256 *c, unsigned char out[SHA256_LEN])
{
	unsigned int len = 0;
	if (!EVP_DigestFinal_ex(c->md, out, &len) || len != SHA256_LEN)
		fail("SHA-256");
	EVP_MD_CTX_free(c->md);
	c->md = NULL;
}

void sha256_hex(const void *data, size_t n, char out[SHA256_HEX])
{
	unsigned char h[SHA256_LEN];
	unsigned int len = 0;
	if (!EVP_Digest(n ? data : "", n, h, &len, EVP_sha256(), NULL) || len != SHA256_LEN)
		fail("SHA-256");
	hex_encode(h, SHA256_LEN, out);
}

void hmac_sha256_hex(const void *key, size_t keylen, const void *data, size_t n,
		     char out[SHA256_HEX])
{
	unsigned char m[SHA256_LEN];
	unsigned int len = 0;
	if (keylen > INT32_MAX ||
	    !HMAC(EVP_sha256(), keylen ? key : "", (int)keylen,
		     (const unsigned char *)(n ? data : ""), n, m, &len) ||
	    len != SHA256_LEN)
		fail("HMAC-SHA-256");
	hex_encode(m, SHA256_LEN, out);
}

void hex_encode(const unsigned char *b, size_t n, char *out)
{
	static const char d[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = d[b[i] >> 4];
		out[2 * i + 1] = d[b[i] & 15];
	}
	out[2 * n] = '\0';
}

bool hash_hex_equal(const char *given, const char known[SHA256_HEX])
{
	/* The length is no secret: every digest has 64 digits. */
	return given && strlen(given) == SHA256_HEX - 1 &&
	       CRYPTO_memcmp(given, known, SHA256_HEX - 1) == 0;
}
