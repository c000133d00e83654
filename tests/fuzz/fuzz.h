/* Fuzz targets: each defines LLVMFuzzerTestOneInput (and may define
 * LLVMFuzzerInitialize). Built with libFuzzer (-Dfuzzing=true, clang) they
 * explore; built normally they are linked with replay.c and run over their
 * seed corpus and every crash found so far (tests/fuzz/corpus/TARGET/). */
#ifndef DUTYDESK_FUZZ_H
#define DUTYDESK_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Writes data to this process's scratch file and returns its path (for
 * loaders that read files). */
const char *fuzz_scratch_file(const uint8_t *data, size_t size, const char *suffix);

#endif
