/* A scratch file per process for targets whose code under test reads files. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fuzz.h"

static char path[256];

static void remove_scratch(void)
{
	if (path[0])
		unlink(path);
}

const char *fuzz_scratch_file(const uint8_t *data, size_t size, const char *suffix)
{
	static bool registered;
	if (!registered)
		registered = atexit(remove_scratch) == 0;
	remove_scratch(); /* a target may use another suffix each time */
	const char *tmp = getenv("TMPDIR");
	snprintf(path, sizeof path, "%s/dutydesk-fuzz-%ld%s", tmp && *tmp ? tmp : "/tmp",
		 (long)getpid(), suffix);
	FILE *f = fopen(path, "wb");
	if (!f)
		abort();
	if (size && fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);
	return path;
}
