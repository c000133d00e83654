/* The hazard register importer: a sheet checked row by row against the
 * schema and the divisions, written in a transaction that is rolled back. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "dutydesk/model.h"
#include "dutydesk/store.h"
#include "fuzz.h"

static struct store *st;
static char path[256];

static void cleanup(void)
{
	store_close(st);
	st = NULL;
	static const char *const sfx[] = {"", "-wal", "-shm"};
	for (size_t i = 0; i < 3; i++) {
		char p[300];
		snprintf(p, sizeof p, "%s%s", path, sfx[i]);
		unlink(p);
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *tmp = getenv("TMPDIR");
	snprintf(path, sizeof path, "%s/dutydesk-fuzz-import-%ld.db", tmp && *tmp ? tmp : "/tmp",
		 (long)getpid());
	unlink(path);
	struct err e;
	if (!store_open(path, STORE_CREATE, &st, &e) || !store_begin(st, &e) ||
	    !reference_load(st, &e) || !store_set_node(st, "county", "", "county", "永和", &e) ||
	    !store_commit(st, &e)) {
		fprintf(stderr, "fuzz_import: %s\n", e.msg);
		abort();
	}
	atexit(cleanup);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!st)
		LLVMFuzzerInitialize(NULL, NULL);
	static const char *const kinds[] = {"geohazard", "fire_unit", "major_source",
					    "flood_point"};
	const char *kind = kinds[size ? data[0] % 4 : 0];
	struct err e;
	if (!store_begin(st, &e))
		abort();
	json_t *fixed = json_pack("{s:s}", "kind", kind);
	struct import_opts o = {.encoding = "auto", .skip_bad = size && (data[0] & 4)};
	struct import_result r = {0};
	import_file(st, &T_HAZARD, fuzz_scratch_file(data, size, ".csv"), fixed, &o, &r, &e);
	json_decref(fixed);
	json_decref(r.errors);
	json_decref(r.notes);
	store_rollback(st);
	return 0;
}
