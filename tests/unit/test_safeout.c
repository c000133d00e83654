/* The CLI's safe streams (src/cli/safeout.c) after a failed write: what
 * failed is lost, and what comes next arrives as it is, with nothing of
 * memory before it. A write fails on /dev/full; then a file takes the same
 * file descriptor and the next write goes there. */
#define _GNU_SOURCE /* dup2, pread with the strict C11 of the build */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "safeout.h"

/* A descriptor that fails every write (ENOSPC), and a temporary file. */
static int full_fd(int *file)
{
	int fd = open("/dev/full", O_WRONLY);
	if (fd < 0)
		skip(); /* no /dev/full here */
	FILE *t = tmpfile();
	assert_non_null(t);
	*file = dup(fileno(t));
	fclose(t);
	assert_true(*file >= 0);
	return fd;
}

/* The file's whole content. */
static void expect_file(int file, const char *want)
{
	char buf[8192] = "";
	ssize_t n = pread(file, buf, sizeof buf - 1, 0);
	assert_true(n >= 0);
	buf[n] = '\0';
	assert_string_equal(buf, want);
	close(file);
}

static void test_msg_after_failed_write(void **state)
{
	(void)state;
	int file, fd = full_fd(&file);
	FILE *m = safeout_msg(fd);
	assert_non_null(m);
	/* unbuffered: the write fails at once (fprintf said so only with the fix) */
	fprintf(m, "dutydesk incident add: the first message, %s\n", "lost");
	assert_int_equal(dup2(file, fd), fd);
	clearerr(m);
	fprintf(m, "dutydesk incident add: the second, %s\n", "whole");
	fclose(m);
	close(fd);
	expect_file(file, "dutydesk incident add: the second, whole\n");
}

static void test_text_after_failed_write(void **state)
{
	(void)state;
	int file, fd = full_fd(&file);
	FILE *t = safeout_text(fd);
	assert_non_null(t);
	fprintf(t, "第一行 %s\n", "lost");
	assert_int_equal(fflush(t), EOF);
	assert_int_equal(dup2(file, fd), fd);
	clearerr(t);
	fprintf(t, "第二行 %s\n", "whole");
	assert_int_equal(fclose(t), 0);
	close(fd);
	expect_file(file, "第二行 whole\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_msg_after_failed_write),
		cmocka_unit_test(test_text_after_failed_write),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
