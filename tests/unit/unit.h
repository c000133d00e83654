/* Shared scaffolding of the unit tests: a private temporary folder per
 * test group, and assertions that show the error message. Header-only. */
#ifndef DUTYDESK_TEST_UNIT_H
#define DUTYDESK_TEST_UNIT_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dutydesk/store.h"
#include "dutydesk/util.h"
/* White-box: the store's statement helpers (store_rows, store_int ...),
 * for checking and arranging what is in a database. */
#include "store_impl.h"

static char tmpdir[64];
static int serial;

#define assert_contains(hay, needle)                                              \
	do {                                                                      \
		if (!strstr((hay), (needle)))                                     \
			fail_msg("'%s' does not contain '%s'", (hay), (needle));  \
	} while (0)

/* call must succeed; on failure the message in e is shown. */
#define check(call)                                                               \
	do {                                                                      \
		if (!(call))                                                      \
			fail_msg("%s failed: %s", #call, e.msg);                  \
	} while (0)

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	return remove(p);
}

/* cmocka group setup/teardown: make and remove the folder. */
static int group_setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/dd-unit-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	return nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* A new path inside the temporary folder (heap string). */
static inline char *new_path(const char *name)
{
	return xasprintf("%s/%d-%s", tmpdir, ++serial, name);
}

/* cmocka teardown for a group whose state is a store. */
static inline int close_db(void **state)
{
	store_close(*state);
	return 0;
}

/* The string member k of o; the test fails when there is none. */
static inline const char *jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	if (!s)
		fail_msg("no string '%s'", k);
	return s;
}

#endif
