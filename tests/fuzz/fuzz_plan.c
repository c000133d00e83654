/* The YAML plan loader (strict: every problem named). */
#include "dutydesk/plan.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *errors = NULL;
	json_t *plan = plan_load_mem("fuzz.yaml", (const char *)data, size, &errors);
	json_decref(plan);
	json_decref(errors);
	return 0;
}
