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
#include <asm/cpufeature.h>
#include "memcpy.h"

static bool use_byte_strings;

void memcpy_init(void)
{
	use_byte_strings = cpu_has(X86_FEATURE_ERMS) || cpu_has(X86_FEATURE_FSRM);
	pr_info("memcpy: %s", use_byte_strings ?
		"rep movsb/stosb (erms)" : "rep movsq/stosq + byte tail");
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
