/* The transports' own pieces: gzip with its size limit, the JSON nesting
 * check and the retry backoff. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "dutydesk/sync_client.h"
#include "dutydesk/wire.h"

static void gzip_round_trip(void **state)
{
	(void)state;
	const char *text = "{\"title\":\"桑壁镇后山滑坡\",\"ops\":[1,2,3]}";
	char *z, *back;
	size_t zlen, blen;
	assert_true(gz_deflate(text, strlen(text), &z, &zlen));
	assert_int_equal(gz_inflate(z, zlen, 1024, &back, &blen), 0);
	assert_int_equal(blen, strlen(text));
	assert_string_equal(back, text);
	free(back);
	char *z1;
	size_t z1len;
	assert_true(gz_deflate_level(text, strlen(text), 1, &z1, &z1len));
	assert_int_equal(gz_inflate(z1, z1len, 1024, &back, &blen), 0);
	assert_string_equal(back, text);
	free(back);
	free(z1);
	/* cut short: corrupt, never a partial body */
	assert_int_equal(gz_inflate(z, zlen / 2, 1024, &back, &blen), 1);
	assert_int_equal(gz_inflate("not gzip", 8, 1024, &back, &blen), 1);
	free(z);
}

static void gzip_limit(void **state)
{
	(void)state;
	size_t n = 3 * 1024 * 1024;
	char *big = malloc(n);
	memset(big, 'a', n);
	char *z, *back;
	size_t zlen, blen;
	assert_true(gz_deflate(big, n, &z, &zlen));
	assert_true(zlen < 10000); /* a small body that would expand a thousandfold */
	assert_int_equal(gz_inflate(z, zlen, n - 1, &back, &blen), 2);
	assert_int_equal(gz_inflate(z, zlen, n, &back, &blen), 0);
	assert_int_equal(blen, n);
	free(back);
	free(z);
	free(big);
}

static void depth(void **state)
{
	(void)state;
	const char *cases[][2] = {
		{"{}", "1"},
		{"[[[]]]", "3"},
		{"{\"a\":[{\"b\":[]}]}", "4"},
		{"{\"s\":\"[[[[[[\"}", "1"},          /* brackets in strings do not count */
		{"{\"s\":\"\\\"[[[[\"}", "1"},        /* nor after an escaped quote */
		{"\"[[[\"", "0"},
		{"[{}, {}, [[]]]", "3"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int d = json_depth(cases[i][0], strlen(cases[i][0]));
		if (d != atoi(cases[i][1]))
			fail_msg("json_depth(%s) = %d, expected %s", cases[i][0], d, cases[i][1]);
	}
}

static void backoff(void **state)
{
	(void)state;
	for (int round = 0; round < 200; round++) {
		int ms = sync_backoff_ms(0, 0);
		assert_in_range(ms, 500, 1000);
		ms = sync_backoff_ms(3, 0);
		assert_in_range(ms, 4000, 8000);
		ms = sync_backoff_ms(30, 0); /* capped at 5 min */
		assert_in_range(ms, 150000, 300000);
		ms = sync_backoff_ms(0, 7); /* never sooner than Retry-After */
		assert_in_range(ms, 7000, 7000);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(gzip_round_trip), cmocka_unit_test(gzip_limit),
		cmocka_unit_test(depth),           cmocka_unit_test(backoff),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
