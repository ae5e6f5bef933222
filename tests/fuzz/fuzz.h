/* fuzz — what the fuzz targets share (tests/fuzz/README.md).
 *
 * Each fuzz_*.c defines the libFuzzer entry point and, where it needs
 * one-time setup, LLVMFuzzerInitialize. The same objects link either with
 * libFuzzer (clang, `make fuzz`) or with regress_main.c, a plain main()
 * that replays files (`make fuzz-regress`, any compiler).
 *
 * FUZZ_CHECK states an invariant: when it does not hold the input found a
 * bug, so the process aborts (libFuzzer saves the input as a crash).
 */
#ifndef NE_FUZZ_H
#define NE_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define FUZZ_CHECK(cond, ...)                                                       \
    do {                                                                            \
        if (!(cond)) {                                                              \
            fprintf(stderr, "%s:%d: invariant failed: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                           \
            fputc('\n', stderr);                                                    \
            abort();                                                                \
        }                                                                           \
    } while (0)

#endif
