/*
 * The libFuzzer targets' common ground (arch/host/fuzz; docs/testing.md,
 * "Fuzzing"). Each NAME_fuzz.c defines LLVMFuzzerTestOneInput over one
 * parser of the generic code, built by `make fuzz-build` with clang's
 * -fsanitize=fuzzer,address,undefined into build/fuzz/NAME.
 *
 * A sanitizer report is a crash; so is a broken promise of the parser:
 * FUZZ_CHECK(cond, fmt, ...) prints the condition and the values that
 * broke it on stderr, then abort()s, and libFuzzer saves the input.
 *
 * The kernel log: fuzz.c registers a console on stderr that shows only
 * emergencies (a panic), so the parsers' refusals of bad input, millions
 * of them, stay in the ring buffer.
 */
#ifndef ARCH_HOST_FUZZ_FUZZ_H
#define ARCH_HOST_FUZZ_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

__attribute__((noreturn, format(printf, 4, 5)))
void fuzz_fail(const char *file, int line, const char *cond, const char *fmt, ...);

#define FUZZ_CHECK(cond, ...)							\
	do {									\
		if (!(cond))							\
			fuzz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__);	\
	} while (0)

/* ZDK_FUZZ_VERBOSE=1 in the environment: targets say what each input
 * gave (to check that a seed reaches what it should). */
extern bool fuzz_verbose;

/* A printf-like sink that formats into a scratch buffer and drops it
 * (for the printers' out functions). */
void fuzz_discard(void *arg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif /* ARCH_HOST_FUZZ_FUZZ_H */
