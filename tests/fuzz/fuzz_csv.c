/* The CSV reader: from memory, and from a file with the encoding guessed
 * (UTF-8, else GB18030 through iconv). */
#include <stdlib.h>
#include <string.h>

#include "dutydesk/csv.h"
#include "fuzz.h"

static void drain(struct csv *c)
{
	char **f;
	size_t n;
	struct err e;
	int rc;
	while ((rc = csv_next(c, &f, &n, &e)) == 1)
		for (size_t i = 0; i < n; i++)
			if (!f[i] || strlen(f[i]) > 1u << 30) /* touch every field */
				abort();
	(void)csv_line(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csv *c = csv_open_mem("fuzz.csv", (const char *)data, size);
	drain(c);
	csv_destroy(c);
	struct err e;
	c = csv_open_enc(fuzz_scratch_file(data, size, ".csv"), "auto", &e);
	if (c) {
		drain(c);
		csv_destroy(c);
	}
	return 0;
}
