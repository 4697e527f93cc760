/*
 * fuzz.h - one source file per fuzz target, two ways to build it.
 *
 * Under `make fuzz` (clang, -fsanitize=fuzzer) a target file defines
 * LLVMFuzzerTestOneInput.  Under `make check` (any compiler, FUZZ_REPLAY
 * defined) it defines fuzz_<name> instead, and tests/fuzz/replay.c runs every
 * file of every tests/fuzz/<name>_corpus/ through it, so the corpora are
 * exercised under gcc+ASan without libFuzzer.
 */
#ifndef AUTHSWEEP_TESTS_FUZZ_FUZZ_H
#define AUTHSWEEP_TESTS_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#ifdef FUZZ_REPLAY
#define FUZZ_TARGET(name)                                                      \
	int fuzz_##name(const uint8_t *data, size_t size);                     \
	int fuzz_##name(const uint8_t *data, size_t size)
#else
#define FUZZ_TARGET(name)                                                      \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);          \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
#endif

/* FUZZ_CHECK stops the run with a crash libFuzzer reports when an invariant
 * the target checks does not hold. */
#define FUZZ_CHECK(cond)                                                       \
	do {                                                                   \
		if (!(cond)) {                                                 \
			__builtin_trap();                                      \
		}                                                              \
	} while (0)

#endif /* AUTHSWEEP_TESTS_FUZZ_FUZZ_H */
