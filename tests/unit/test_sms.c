/* Warning dissemination's model: numbers, segments, confirmations, the
 * message from its template. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dutydesk/sms.h"

static void test_phone(void **state)
{
	(void)state;
	char p[16];
	static const char *const good[] = {"13800138000", "138 0013 8000", "+86 138-0013-8000",
					   "0086 13800138000", "86-13800138000", "(138)00138000",
					   "19912345678"};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		assert_true(sms_phone_normal(good[i], p));
		assert_true(p[0] == '1' && strlen(p) == 11);
	}
	assert_string_equal((sms_phone_normal("+86 199-1234-5678", p), p), "19912345678");
	static const char *const bad[] = {"", "1380013800", "138001380001", "0357-1234567",
					  "12800138000", "10086", "138O0138000", "13800138000转8",
					  "13800138000,13900139000", NULL};
	for (size_t i = 0; bad[i]; i++)
		assert_false(sms_phone_normal(bad[i], p));
	assert_false(sms_phone_normal(NULL, p));
}

static void test_segments(void **state)
{
	(void)state;
	int n;
	assert_int_equal(sms_segments("收到", &n), 1);
	assert_int_equal(n, 2);
	char buf[400] = "";
	for (int i = 0; i < 70; i++)
		strcat(buf, "预");
	assert_int_equal(sms_segments(buf, &n), 1);
	strcat(buf, "警");
	assert_int_equal(sms_segments(buf, &n), 2); /* 71: 67 + 4 */
	assert_int_equal(n, 71);
	char ascii[200];
	memset(ascii, 'a', 160);
	ascii[160] = '\0';
	assert_int_equal(sms_segments(ascii, NULL), 1);
	strcat(ascii, "b");
	assert_int_equal(sms_segments(ascii, NULL), 2);
}

static void test_confirms(void **state)
{
	(void)state;
	assert_true(sms_confirms("收到，马上组织巡查", NULL));
	assert_true(sms_confirms("已收到", ""));
	assert_false(sms_confirms("好的", NULL));
	assert_false(sms_confirms(NULL, NULL));
	assert_true(sms_confirms("OK 明白", "收到 ok"));
	assert_true(sms_confirms("明白", "收到，明白"));
	assert_false(sms_confirms("收", "收到"));
}

static void test_render(void **state)
{
	(void)state;
	/* valid_until: 2026-11-29 08:00 in Beijing */
	json_t *w = json_pack("{s:s, s:s, s:I}", "colour", "red", "area", "桑壁镇", "valid_until",
		      (json_int_t)1795910400);
	setenv("TZ", "Asia/Shanghai", 1);
	char *t = sms_render(NULL, w, NULL, "永和县应急管理局");
	assert_non_null(strstr(t, "【永和县应急管理局】桑壁镇地质灾害红色预警，至11月29日08时。"));
	assert_non_null(strstr(t, "请立即组织危险区群众撤离"));
	int n;
	assert_int_equal(sms_segments(t, &n), 1);
	free(t);
	t = sms_render("{area}{colour}:{action}{unknown}", w, "撤离", NULL);
	assert_string_equal(t, "桑壁镇红色:撤离{unknown}");
	free(t);
	json_decref(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_phone), cmocka_unit_test(test_segments),
		cmocka_unit_test(test_confirms), cmocka_unit_test(test_render),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
