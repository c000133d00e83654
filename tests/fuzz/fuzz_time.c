/* Times and dates as people type them. */
#include <stdlib.h>
#include <string.h>

#include "dutydesk/dtime.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	struct err e;
	int64_t t;
	char buf[64], day[11];
	/* a fixed "now": 2026-11-28 18:00 +08:00 */
	if (dd_time_parse(s, 1795860000, &t, &e)) {
		dd_time_local(t, buf, sizeof buf);
		dd_time_iso(t, buf, sizeof buf);
		dd_date_local(t, buf, sizeof buf);
		(void)dd_time_year(t);
	}
	/* as a time that happened: never after now and ten minutes */
	if (dd_time_parse_when(s, 1795860000, DD_PAST, &t, &e) && t > 1795860000 + 600)
		abort();
	dd_date_parse(s, day, &e);
	free(s);
	return 0;
}
