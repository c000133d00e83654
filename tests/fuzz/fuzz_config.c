/* The configuration file (YAML; a bad one keeps the defaults and says
 * why), read as the console reads it: the whole file, then its keys: over
 * the default keymap. */
#include "../../src/tui/tui.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config cfg;
	struct keymap km;
	config_load(&cfg, fuzz_scratch_file(data, size, ".yaml"));
	keymap_from_config(&km, &cfg);
	return 0;
}
