/* SHA-256 and HMAC-SHA-256 (src/util/hash.c): the published vectors, and
 * what the previous version (its own SHA-256 and HMAC) wrote, which this
 * one must read the same: token hashes kept by hubs, signed and unsigned
 * bundles, plan ids. Built twice: linked to libcrypto, and with TEST_LAZY
 * against the build that opens it at the first hash (dutydesk's). */
#define _XOPEN_SOURCE 700
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "unit.h"

#include "../../src/sync/sync_impl.h"
#include "dutydesk/hash.h"
#include "dutydesk/sync.h"

static struct err e;

#ifdef TEST_LAZY
#include <dlfcn.h>
#include <openssl/opensslv.h>
#define STR_(x) #x
#define STR(x) STR_(x)

/* First of all: nothing has loaded libcrypto before a hash needs it. */
static void test_not_loaded_before_use(void **state)
{
	(void)state;
	const char *so = "libcrypto.so." STR(OPENSSL_VERSION_MAJOR);
	assert_null(dlopen(so, RTLD_NOW | RTLD_NOLOAD));
	char hex[SHA256_HEX];
	sha256_hex("abc", 3, hex);
	void *h = dlopen(so, RTLD_NOW | RTLD_NOLOAD);
	assert_non_null(h);
	dlclose(h);
}
#endif

static void expect_sha(const void *data, size_t n, const char *want)
{
	char hex[SHA256_HEX];
	sha256_hex(data, n, hex);
	assert_string_equal(hex, want);
	/* the same through the incremental interface */
	struct sha256 c;
	unsigned char h[SHA256_LEN];
	sha256_init(&c);
	sha256_add(&c, data, n);
	sha256_done(&c, h);
	hex_encode(h, SHA256_LEN, hex);
	assert_string_equal(hex, want);
}

/* FIPS 180-2 appendix B and the NIST CSRC examples. */
static void test_sha256_nist(void **state)
{
	(void)state;
	expect_sha("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	expect_sha("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	expect_sha(two, strlen(two),
		   "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	const char *four = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
			   "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
	expect_sha(four, strlen(four),
		   "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
	/* A million 'a' fed in odd pieces. */
	struct sha256 c;
	sha256_init(&c);
	char a[997];
	memset(a, 'a', sizeof a);
	for (size_t left = 1000000; left;) {
		size_t n = left < sizeof a ? left : sizeof a;
		sha256_add(&c, a, n);
		left -= n;
	}
	sha256_add(&c, a, 0);
	unsigned char h[SHA256_LEN];
	char hex[SHA256_HEX];
	sha256_done(&c, h);
	hex_encode(h, SHA256_LEN, hex);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void expect_hmac(const void *key, size_t keylen, const void *data, size_t n,
			const char *want)
{
	char hex[SHA256_HEX];
	hmac_sha256_hex(key, keylen, data, n, hex);
	/* test case 5 gives only the first 128 bits */
	assert_memory_equal(hex, want, strlen(want));
}

/* RFC 4231, test cases 1 to 7. */
static void test_hmac_rfc4231(void **state)
{
	(void)state;
	unsigned char k[131], d[50];
	memset(k, 0x0b, 20);
	expect_hmac(k, 20, "Hi There", 8,
		    "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
	expect_hmac("Jefe", 4, "what do ya want for nothing?", 28,
		    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	memset(k, 0xaa, 20);
	memset(d, 0xdd, 50);
	expect_hmac(k, 20, d, 50,
		    "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
	for (int i = 0; i < 25; i++)
		k[i] = (unsigned char)(i + 1);
	memset(d, 0xcd, 50);
	expect_hmac(k, 25, d, 50,
		    "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
	memset(k, 0x0c, 20);
	expect_hmac(k, 20, "Test With Truncation", 20, "a3b6167473100ee06e0c796c2955552b");
	memset(k, 0xaa, 131);
	const char *six = "Test Using Larger Than Block-Size Key - Hash Key First";
	expect_hmac(k, 131, six, strlen(six),
		    "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
	const char *seven = "This is a test using a larger than block-size key and a larger "
			    "than block-size data. The key needs to be hashed before being "
			    "used by the HMAC algorithm.";
	expect_hmac(k, 131, seven, strlen(seven),
		    "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
	/* an empty key and empty data are still an HMAC */
	expect_hmac("", 0, "", 0,
		    "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

static void test_hex_equal(void **state)
{
	(void)state;
	char h[SHA256_HEX];
	sha256_hex("abc", 3, h);
	assert_true(hash_hex_equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", h));
	assert_false(hash_hex_equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ae", h));
	assert_false(hash_hex_equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a", h));
	assert_false(hash_hex_equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad0", h));
	assert_false(hash_hex_equal("", h));
	assert_false(hash_hex_equal(NULL, h));
}

/* ---- what the previous version wrote (its own SHA-256 and HMAC, checked
 * against Python's hashlib and hmac when they were taken) ---- */

#define OLD_TOKEN "7d3f0a9c1e5b24f68a0c3e5d7b9f1a2c4e6081a3c5e7f90b2d4f6a8c0e1b3d5f"
/* hub_node.token_sha256 for OLD_TOKEN, and the key of its bundles */
#define OLD_TOKEN_SHA256 "35e10181f0bbe9e0cc1b94db08ed4845eb859dffbe4924d92d38bd2e23a4a64e"

#define OLD_HEADER                                                                               \
	"{\"dutydesk_bundle\":1,\"from\":\"node\",\"node\":\"sangbi\",\"township\":\"141032101\","  \
	"\"hub_epoch\":\"ep-2026-1\",\"created_at\":1795000000,\"count\":2}\n"
#define OLD_OPS                                                                                  \
	"{\"fields\":{\"level\":\"IV\",\"title\":\"桑壁镇护国村滑坡\",\"trapped\":2},"            \
	"\"op_id\":\"0193a1b2-0000-7000-8000-000000000001\","                                     \
	"\"row_id\":\"0193a1b2-0000-7000-8000-0000000000aa\",\"tbl\":\"incident\"}\n"              \
	"{\"fields\":{\"note\":\"后山滑坡，2人被困\"},"                                            \
	"\"op_id\":\"0193a1b2-0000-7000-8000-000000000002\","                                     \
	"\"row_id\":\"0193a1b2-0000-7000-8000-0000000000bb\",\"tbl\":\"timeline\"}\n"
static const char old_signed[] =
	OLD_HEADER OLD_OPS
	"{\"hmac_sha256\":\"36c37568ef76efd94e1fdedd4f6ea04917df569b06ca6e4a4225b87f0ba1e6eb\"}\n";
static const char old_unsigned[] =
	OLD_HEADER OLD_OPS
	"{\"sha256\":\"2d4afc6051b924207c57e82c341c582dd64f5c93f7da1dd0bc0c454c044d731b\"}\n";

static void test_old_digests(void **state)
{
	(void)state;
	char hex[SHA256_HEX];
	sha256_hex(OLD_TOKEN, strlen(OLD_TOKEN), hex);
	assert_string_equal(hex, OLD_TOKEN_SHA256);
	/* plan ids are plan- and 30 digits of this: key, 0x1f, version */
	sha256_hex("flood\x1f" "2024.1", 12, hex);
	assert_string_equal(hex, "fba76712ce98475c1e1ee2f473138e5053915b51fe04bb066b3ff9552a3640b7");
	/* a key of exactly one block, as bundle keys are */
	hmac_sha256_hex(OLD_TOKEN_SHA256, 64, "桑壁镇", strlen("桑壁镇"), hex);
	assert_string_equal(hex, "8c35f3eab0d2f73df3007a39da5007749aca3c1497ad409a371a7e74bd133032");
}

static char *put_file(const char *name, const char *text)
{
	char *p = new_path(name);
	FILE *f = fopen(p, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
	return p;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	struct strbuf sb;
	sb_init(&sb);
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		sb_add(&sb, buf, n);
	fclose(f);
	return sb_take(&sb);
}

static void test_old_bundles(void **state)
{
	(void)state;
	char key[SHA256_HEX];
	sha256_hex(OLD_TOKEN, strlen(OLD_TOKEN), key);
	struct bundle b;

	/* read and checked */
	char *signed_file = put_file("old-signed.bundle", old_signed);
	check(bundle_read(signed_file, &b, &e));
	assert_int_equal(json_array_size(b.ops), 2);
	check(bundle_verify_hash(&b, key, signed_file, &e));
	char other[SHA256_HEX];
	sha256_hex("another token", 13, other);
	assert_false(bundle_verify_hash(&b, other, signed_file, &e));
	assert_contains(e.msg, "the signature does not match");
	bundle_free(&b);

	char *unsigned_file = put_file("old-unsigned.bundle", old_unsigned);
	check(bundle_read(unsigned_file, &b, &e));
	check(bundle_verify_hash(&b, NULL, unsigned_file, &e));
	bundle_free(&b);

	/* one byte changed: refused */
	char *forged = xstrdup(old_signed);
	strstr(forged, "\"IV\"")[2] = 'I'; /* level IV becomes II */
	char *forged_file = put_file("forged.bundle", forged);
	check(bundle_read(forged_file, &b, &e));
	assert_false(bundle_verify_hash(&b, key, forged_file, &e));
	bundle_free(&b);
	free(forged);

	/* and written again byte for byte, so the previous version reads ours */
	json_t *hdr = json_pack("{s:i, s:s, s:s, s:s, s:s, s:I}", "dutydesk_bundle", 1, "from",
				"node", "node", "sangbi", "township", "141032101", "hub_epoch",
				"ep-2026-1", "created_at", (json_int_t)1795000000);
	check(bundle_read(signed_file, &b, &e));
	char *again = new_path("again.bundle");
	check(bundle_write(again, hdr, b.ops, key, true, &e));
	char *text = slurp(again);
	assert_string_equal(text, old_signed);
	free(text);
	check(bundle_write(again, hdr, b.ops, NULL, false, &e));
	text = slurp(again);
	assert_string_equal(text, old_unsigned);
	free(text);
	bundle_free(&b);
	json_decref(hdr);
	free(again);
	free(forged_file);
	free(unsigned_file);
	free(signed_file);
}

/* A hub database from the previous version keeps SHA-256(token) in hex:
 * the node's token still gets in, another does not. */
static void test_old_token(void **state)
{
	(void)state;
	char *db = new_path("hub.db");
	check(hub_init(db, &e));
	struct hub *h;
	check(hub_open(db, &h, &e));
	char *tok = NULL;
	check(hub_node_add(h, "sangbi", "桑壁镇", NULL, &tok, &e));
	char hex[SHA256_HEX];
	sha256_hex(tok, strlen(tok), hex);
	struct hub_node who;
	check(hub_auth(h, tok, &who, &e));
	assert_string_equal(who.name, "sangbi");
	free(tok);
	check(store_exec(hub_store(h), &e, "UPDATE hub_node SET token_sha256 = ? WHERE name = ?",
			 "ss", OLD_TOKEN_SHA256, "sangbi"));
	memset(&who, 0, sizeof who);
	check(hub_auth(h, OLD_TOKEN, &who, &e));
	assert_string_equal(who.name, "sangbi");
	assert_string_equal(who.township, "141032101");
	assert_false(hub_auth(h, OLD_TOKEN "0", &who, &e));
	assert_contains(e.msg, "unknown token");
	assert_false(hub_auth(h, "7d3f0a9c1e5b24f68a0c3e5d7b9f1a2c4e6081a3c5e7f90b2d4f6a8c0e1b3d5e",
			      &who, &e));
	hub_close(h);
	free(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#ifdef TEST_LAZY
		cmocka_unit_test(test_not_loaded_before_use),
#endif
		cmocka_unit_test(test_sha256_nist), cmocka_unit_test(test_hmac_rfc4231),
		cmocka_unit_test(test_hex_equal),   cmocka_unit_test(test_old_digests),
		cmocka_unit_test(test_old_bundles), cmocka_unit_test(test_old_token),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
