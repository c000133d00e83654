/* The console's configuration file (YAML; a bad one keeps the defaults
 * and says why). */
#include "../../src/tui/tui.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config cfg;
	config_load(&cfg, fuzz_scratch_file(data, size, ".yaml"));
	return 0;
}
