/* Hybrid logical clock and UUIDv7 ids. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dutydesk/hlc.h"

#define MS INT64_C(1795858200000)
#define H(ms, c) (((hlc_t)(ms) << 16) | (hlc_t)(c))

static void test_next_follows_wall_clock(void **state)
{
	(void)state;
	hlc_t h = hlc_next(0, MS);
	assert_int_equal(hlc_ms(h), MS);
	assert_int_equal(h & 0xFFFF, 0);
	hlc_t h2 = hlc_next(h, MS + 5);
	assert_true(h2 > h);
	assert_int_equal(hlc_ms(h2), MS + 5);
	assert_int_equal(h2 & 0xFFFF, 0);
}

static void test_next_same_ms_counts(void **state)
{
	(void)state;
	hlc_t h = hlc_next(0, MS);
	for (unsigned i = 1; i <= 100; i++) {
		hlc_t n = hlc_next(h, MS);
		assert_true(n > h);
		assert_int_equal(hlc_ms(n), MS);
		assert_int_equal(n & 0xFFFF, i);
		h = n;
	}
}

static void test_next_clock_backwards(void **state)
{
	(void)state;
	hlc_t last = H(MS, 7);
	hlc_t prev = last;
	/* the wall clock jumps back an hour, then creeps forward */
	for (int64_t i = 0; i < 50; i++) {
		hlc_t n = hlc_next(prev, MS - 3600000 + i);
		assert_true(n > prev);
		assert_int_equal(hlc_ms(n), MS);
		prev = n;
	}
	assert_int_equal(prev, H(MS, 57));
	/* a clock before the epoch or at 0 still moves forward */
	assert_true(hlc_next(prev, -5) > prev);
	assert_true(hlc_next(0, 0) > 0);
	/* once the wall clock passes again it takes over */
	assert_int_equal(hlc_next(prev, MS + 1), H(MS + 1, 0));
}

static void test_counter_overflow(void **state)
{
	(void)state;
	hlc_t full = H(MS, 0xFFFF);
	hlc_t n = hlc_next(full, MS);
	assert_true(n > full);
	assert_int_equal(n, H(MS + 1, 0));
	/* and again when the clock is behind */
	n = hlc_next(full, MS - 1000);
	assert_int_equal(n, H(MS + 1, 0));
	/* a run of 70,000 events in one millisecond never repeats or goes back */
	hlc_t h = hlc_next(0, MS);
	for (int i = 0; i < 70000; i++) {
		hlc_t x = hlc_next(h, MS);
		assert_true(x > h);
		h = x;
	}
	assert_int_equal(hlc_ms(h), MS + 1);
}

static void test_recv(void **state)
{
	(void)state;
	hlc_t local = H(MS, 3), remote = H(MS + 500, 9);
	/* remote ahead of us and of the wall clock */
	hlc_t r = hlc_recv(local, remote, MS);
	assert_true(r > local && r > remote);
	assert_int_equal(r, H(MS + 500, 10));
	/* local ahead */
	r = hlc_recv(remote, local, MS);
	assert_true(r > local && r > remote);
	/* equal stamps */
	r = hlc_recv(remote, remote, MS);
	assert_true(r > remote);
	/* wall clock ahead of both */
	r = hlc_recv(local, remote, MS + 1000);
	assert_true(r > local && r > remote);
	assert_int_equal(r, H(MS + 1000, 0));
	/* remote with a full counter */
	r = hlc_recv(local, H(MS + 500, 0xFFFF), MS);
	assert_int_equal(r, H(MS + 501, 0));
}

static void test_format_parse(void **state)
{
	(void)state;
	char t[HLC_TEXT];
	hlc_format(H(MS, 0x1234), t);
	assert_int_equal(strlen(t), 16);
	hlc_t back = 0;
	assert_true(hlc_parse(t, &back));
	assert_int_equal(back, H(MS, 0x1234));
	hlc_format(0, t);
	assert_string_equal(t, "0000000000000000");
	hlc_format(UINT64_MAX, t);
	assert_string_equal(t, "ffffffffffffffff");
	assert_true(hlc_parse(t, &back));
	assert_true(back == UINT64_MAX);

	/* text order is numeric order */
	static const hlc_t v[] = {0, 1, 0xF, 0x10, 0xFFFF, 0x10000, H(MS, 0), H(MS, 1),
				  H(MS, 0xFFFF), H(MS + 1, 0), H(MS + 16, 0), UINT64_MAX};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		for (size_t j = 0; j < sizeof v / sizeof v[0]; j++) {
			char a[HLC_TEXT], b[HLC_TEXT];
			hlc_format(v[i], a);
			hlc_format(v[j], b);
			int c = strcmp(a, b);
			assert_true((c < 0) == (v[i] < v[j]));
			assert_true((c == 0) == (v[i] == v[j]));
		}
	}

	back = 42;
	static const char *const bad[] = {"", "0", "000000000000000",  "00000000000000000",
					  "00000000000000AB", "0000000000000g00", "000000000000000 ",
					  " 000000000000000", "-000000000000001", "0x00000000000001"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (hlc_parse(bad[i], &back))
			fail_msg("hlc_parse accepted '%s'", bad[i]);
	assert_false(hlc_parse(NULL, &back));
	assert_int_equal(back, 42);
}

/* At the top of the 48-bit millisecond range (year 10889) the clock
 * saturates instead of wrapping or going back: a corrupt or hostile remote
 * stamp of ffffffffffffffff is matched, never undercut, and later stamps
 * stay there. Below the top a full counter still moves to the next
 * millisecond. */
static void test_saturation(void **state)
{
	(void)state;
	const uint64_t top_ms = (UINT64_C(1) << 48) - 1;
	hlc_t top = UINT64_MAX;
	assert_true(top == H(top_ms, 0xFFFF));
	/* a remote stamp at the very top: the result is not below it */
	assert_true(hlc_recv(H(MS, 0), top, MS) == top);
	/* and every stamp after that stays at the top, never below */
	assert_true(hlc_next(top, MS) == top);
	assert_true(hlc_next(top, (int64_t)top_ms) == top);
	assert_true(hlc_recv(top, H(MS, 5), MS) == top);
	/* in the top millisecond the counter still counts up to its end */
	assert_true(hlc_next(H(top_ms, 5), MS) == H(top_ms, 6));
	assert_true(hlc_next(H(top_ms, 0xFFFE), MS) == top);
	/* a full counter one millisecond below the top carries into the top */
	assert_true(hlc_next(H(top_ms - 1, 0xFFFF), MS) == H(top_ms, 0));
	/* a wall clock beyond the range saturates too */
	assert_true(hlc_next(H(MS, 0), (int64_t)(top_ms + 10)) == top);
	/* a run of stamps near the top never goes back */
	hlc_t h = H(top_ms - 1, 0xFFF0);
	for (int i = 0; i < 40; i++) {
		hlc_t n = hlc_next(h, MS);
		if (n < h)
			fail_msg("hlc_next(%016llx) = %016llx went back", (unsigned long long)h,
				 (unsigned long long)n);
		h = n;
	}
	assert_true(h == H(top_ms, 0x18));
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

static void test_id_new(void **state)
{
	(void)state;
	enum { N = 10000 };
	char(*ids)[ID_TEXT] = calloc(N, ID_TEXT);
	assert_non_null(ids);
	for (int i = 0; i < N; i++) {
		id_new(ids[i], MS + i / 100);
		const char *s = ids[i];
		assert_int_equal(strlen(s), 36);
		for (int k = 0; k < 36; k++) {
			if (k == 8 || k == 13 || k == 18 || k == 23)
				assert_int_equal(s[k], '-');
			else
				assert_true(is_hex(s[k]));
		}
		assert_int_equal(s[14], '7');
		assert_non_null(strchr("89ab", s[19]));
	}
	/* the first 48 bits are the milliseconds, so ids sort by time */
	char want[16];
	uint64_t ms = (uint64_t)MS;
	snprintf(want, sizeof want, "%08llx-%04llx", (unsigned long long)(ms >> 16),
		 (unsigned long long)(ms & 0xFFFF));
	assert_memory_equal(ids[0], want, 13);
	assert_true(strcmp(ids[0], ids[N - 1]) < 0);

	qsort(ids, N, ID_TEXT, cmp_str);
	for (int i = 1; i < N; i++)
		if (strcmp(ids[i - 1], ids[i]) == 0)
			fail_msg("duplicate id %s", ids[i]);
	free(ids);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_next_follows_wall_clock),
		cmocka_unit_test(test_next_same_ms_counts),
		cmocka_unit_test(test_next_clock_backwards),
		cmocka_unit_test(test_counter_overflow),
		cmocka_unit_test(test_recv),
		cmocka_unit_test(test_format_parse),
		cmocka_unit_test(test_id_new),
		cmocka_unit_test(test_saturation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
