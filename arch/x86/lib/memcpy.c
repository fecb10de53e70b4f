/*
 * memcpy() and memset() with the x86 string instructions.
 *
 * On CPUs with ERMS ("enhanced rep movsb/stosb", or FSRM, its fast-short
 * successor) the microcode moves bytes with `rep movsb`/`rep stosb` at
 * least as fast as any loop, for every size and alignment. Elsewhere the
 * bulk goes 8 bytes at a time with `rep movsq`/`rep stosq` and the last
 * 0-7 bytes with the byte form. Both are correct for every size,
 * including 0 (a count of zero does nothing).
 *
 * CPUID's word is checked against a measurement: memcpy_init() times both
 * forms on a small buffer and keeps the byte form only if it is really
 * no slower. Emulators report ERMS but may run `rep movsb` a byte per
 * step (QEMU's TCG does, at a tenth of the word form's speed), and a
 * claim the kernel can test cheaply is better tested than trusted.
 *
 * The choice is a flag set once at boot and read with a predicted branch:
 * cheaper than a call through a pointer on this path, which every struct
 * copy the compiler emits goes through. The flag starts false, so the
 * functions work before memcpy_init() (the generic path is always right).
 *
 * The direction flag is clear throughout the kernel (entry code does
 * `cld`), so the strings move upwards.
 */
#include <lib/compiler.h>
#include <lib/printk.h>
#include <lib/string.h>
#include <asm/cpu.h>
#include <asm/cpufeature.h>
#include "memcpy.h"

static bool use_byte_strings;

#define PROBE_BYTES	8192
#define PROBE_RUNS	5

static uint8_t probe_buf[2][PROBE_BYTES] __aligned(64);

/* Fewest TSC cycles of PROBE_RUNS copies of the probe buffer. */
static uint64_t time_copy(bool bytes)
{
	uint64_t best = UINT64_MAX;

	for (int run = 0; run < PROBE_RUNS; run++) {
		void *dst = probe_buf[0];
		const void *src = probe_buf[1];
		size_t n = PROBE_BYTES, words = PROBE_BYTES / 8;
		uint64_t t0 = arch_cycles(), dt;

		if (bytes)
			__asm__ volatile("rep movsb"
					 : "+D"(dst), "+S"(src), "+c"(n) :: "memory");
		else
			__asm__ volatile("rep movsq"
					 : "+D"(dst), "+S"(src), "+c"(words) :: "memory");
		dt = arch_cycles() - t0;
		if (dt < best)
			best = dt;
	}
	return best;
}

void memcpy_init(void)
{
	bool claimed = cpu_has(X86_FEATURE_ERMS) || cpu_has(X86_FEATURE_FSRM);
	uint64_t t_bytes = time_copy(true), t_words = time_copy(false);

	use_byte_strings = claimed && t_bytes <= t_words + t_words / 8;
	pr_info("memcpy: %s (CPUID %s erms; %u-byte copy: movsb %lu, movsq %lu cycles)",
		use_byte_strings ? "rep movsb/stosb" : "rep movsq/stosq + byte tail",
		claimed ? "claims" : "has no", PROBE_BYTES,
		(unsigned long)t_bytes, (unsigned long)t_words);
}

void *memcpy(void *dst, const void *src, size_t n)
{
	void *ret = dst;

	if (likely(use_byte_strings)) {
		__asm__ volatile("rep movsb"
				 : "+D"(dst), "+S"(src), "+c"(n) :: "memory");
		return ret;
	}

	size_t words = n / 8, tail = n % 8;

	__asm__ volatile("rep movsq"
			 : "+D"(dst), "+S"(src), "+c"(words) :: "memory");
	__asm__ volatile("rep movsb"
			 : "+D"(dst), "+S"(src), "+c"(tail) :: "memory");
	return ret;
}

void *memset(void *s, int c, size_t n)
{
	void *ret = s;

	if (likely(use_byte_strings)) {
		__asm__ volatile("rep stosb"
				 : "+D"(s), "+c"(n) : "a"(c) : "memory");
		return ret;
	}

	uint64_t pattern = (uint8_t)c * 0x0101010101010101ULL;
	size_t words = n / 8, tail = n % 8;

	__asm__ volatile("rep stosq"
			 : "+D"(s), "+c"(words) : "a"(pattern) : "memory");
	__asm__ volatile("rep stosb"
			 : "+D"(s), "+c"(tail) : "a"(pattern) : "memory");
	return ret;
}
