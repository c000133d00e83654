/* SHA-256 and HMAC-SHA-256 through libcrypto's EVP interface (see hash.h).
 *
 * Built twice (src/meson.build): linked to libcrypto for dutydeskd and the
 * tests, and with DD_CRYPTO_DLOPEN for dutydesk, which opens libcrypto at
 * the first hash. Linking it would cost every dutydesk process, and so
 * every start of the console, some 2 ms for a library only init, plan
 * imports, digests and bundles use (the sync client's libcurl opens the
 * same libcrypto when it is loaded). */
#include "dutydesk/hash.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/opensslv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef DD_CRYPTO_DLOPEN
#include <dlfcn.h>
#include <pthread.h>

#define FN(f) __typeof__(f) *f;
static struct {
	FN(EVP_MD_CTX_new)
	FN(EVP_MD_CTX_free)
	FN(EVP_DigestInit_ex)
	FN(EVP_DigestUpdate)
	FN(EVP_DigestFinal_ex)
	FN(EVP_Digest)
	FN(EVP_sha256)
	FN(HMAC)
	FN(CRYPTO_memcmp)
} L;
#undef FN
static const char *load_error;
static char load_why[300];

static void load(void)
{
	/* the ABI these headers describe first */
#ifdef OPENSSL_VERSION_MAJOR
#define STR_(x) #x
#define STR(x) STR_(x)
	static const char *const names[] = {"libcrypto.so." STR(OPENSSL_VERSION_MAJOR),
					    "libcrypto.so"};
#else
	static const char *const names[] = {"libcrypto.so.1.1", "libcrypto.so"};
#endif
	void *h = NULL;
	for (size_t i = 0; !h && i < sizeof names / sizeof names[0]; i++)
		h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(load_why, sizeof load_why, "%s", dlerror());
		load_error = names[0];
		return;
	}
	static const struct {
		const char *name;
		size_t off;
	} syms[] = {
#define SYM(f) {#f, offsetof(__typeof__(L), f)}
		SYM(EVP_MD_CTX_new),   SYM(EVP_MD_CTX_free), SYM(EVP_DigestInit_ex),
		SYM(EVP_DigestUpdate), SYM(EVP_DigestFinal_ex), SYM(EVP_Digest),
		SYM(EVP_sha256),       SYM(HMAC),             SYM(CRYPTO_memcmp),
#undef SYM
	};
	for (size_t i = 0; i < sizeof syms / sizeof syms[0]; i++) {
		void *f = dlsym(h, syms[i].name);
		if (!f) {
			snprintf(load_why, sizeof load_why, "it lacks %s (too old?)", syms[i].name);
			load_error = names[0];
			dlclose(h);
			return;
		}
		memcpy((char *)&L + syms[i].off, &f, sizeof f);
	}
}

/* Opens libcrypto once; without it nothing can be hashed, so the process
 * stops there with what to install, as the dynamic linker would. */
static void need(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, load);
	if (load_error) {
		fprintf(stderr, "dutydesk: hashing needs libcrypto (%s, Debian package libssl3): %s\n",
			load_error, load_why);
		exit(EXIT_FAILURE);
	}
}
#define C(f) L.f
#else
static void need(void)
{
}
#define C(f) f
#endif

static _Noreturn void fail(const char *what)
{
	fprintf(stderr, "dutydesk: libcrypto: %s failed\n", what);
	abort();
}

void sha256_init(struct sha256 *c)
{
	need();
	EVP_MD_CTX *md = C(EVP_MD_CTX_new)();
	if (!md || !C(EVP_DigestInit_ex)(md, C(EVP_sha256)(), NULL))
		fail("SHA-256");
	c->md = md;
}

void sha256_add(struct sha256 *c, const void *data, size_t n)
{
	if (n && !C(EVP_DigestUpdate)(c->md, data, n))
		fail("SHA-256");
}

void sha256_done(struct sha256 *c, unsigned char out[SHA256_LEN])
{
	unsigned int len = 0;
	if (!C(EVP_DigestFinal_ex)(c->md, out, &len) || len != SHA256_LEN)
		fail("SHA-256");
	C(EVP_MD_CTX_free)(c->md);
	c->md = NULL;
}

void sha256_hex(const void *data, size_t n, char out[SHA256_HEX])
{
	need();
	unsigned char h[SHA256_LEN];
	unsigned int len = 0;
	if (!C(EVP_Digest)(n ? data : "", n, h, &len, C(EVP_sha256)(), NULL) || len != SHA256_LEN)
		fail("SHA-256");
	hex_encode(h, SHA256_LEN, out);
}

void hmac_sha256_hex(const void *key, size_t keylen, const void *data, size_t n,
		     char out[SHA256_HEX])
{
	need();
	unsigned char m[SHA256_LEN];
	unsigned int len = 0;
	if (keylen > INT32_MAX ||
	    !C(HMAC)(C(EVP_sha256)(), keylen ? key : "", (int)keylen,
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
	if (!given || strlen(given) != SHA256_HEX - 1)
		return false;
	need();
	return C(CRYPTO_memcmp)(given, known, SHA256_HEX - 1) == 0;
}
