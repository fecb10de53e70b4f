/*
 * Cache-line write-back for persistent memory (asm/cacheflush.h).
 *
 * The instruction is chosen from CPUID the first time anyone asks (the
 * features are known long before: cpu_features_init() runs in setup):
 * CLWB, else CLFLUSHOPT, else CLFLUSH. The loop walks the range by the
 * CPU's line size from the line that holds the first byte to the one that
 * holds the last, so a range that straddles lines writes both back.
 */
#include <lib/compiler.h>
#include <asm/cacheflush.h>
#include <asm/cpufeature.h>

/* 0: not chosen yet. Written once with the same value by any racer. */
static int chosen;

bool arch_cache_flush_has(enum arch_flush_insn insn)
{
	switch (insn) {
	case ARCH_FLUSH_NONE:		return true;
	case ARCH_FLUSH_CLFLUSH:	return cpu_has(X86_FEATURE_CLFLUSH);
	case ARCH_FLUSH_CLFLUSHOPT:	return cpu_has(X86_FEATURE_CLFLUSHOPT);
	case ARCH_FLUSH_CLWB:		return cpu_has(X86_FEATURE_CLWB);
	default:			return false;
	}
}

enum arch_flush_insn arch_cache_flush_insn(void)
{
	int c = __atomic_load_n(&chosen, __ATOMIC_RELAXED);

	if (unlikely(!c)) {
		static const enum arch_flush_insn pref[] = {
			ARCH_FLUSH_CLWB, ARCH_FLUSH_CLFLUSHOPT, ARCH_FLUSH_CLFLUSH,
		};
		enum arch_flush_insn pick = ARCH_FLUSH_NONE;

		for (unsigned int i = 0; i < ARRAY_SIZE(pref); i++) {
			if (arch_cache_flush_has(pref[i])) {
				pick = pref[i];
				break;
			}
		}
		c = (int)pick + 1;
		__atomic_store_n(&chosen, c, __ATOMIC_RELAXED);
	}
	return (enum arch_flush_insn)(c - 1);
}

unsigned int arch_cache_line_size(void)
{
	unsigned int size = cpu_clflush_size();

	return size ? size : 64;
}

void arch_wb_cache_range_with(enum arch_flush_insn insn, const void *addr, size_t len)
{
	unsigned long line = arch_cache_line_size();
	unsigned long p = (unsigned long)addr & ~(line - 1);
	unsigned long end = (unsigned long)addr + len;

	if (!len)
		return;
	switch (insn) {
	case ARCH_FLUSH_CLWB:
		for (; p < end; p += line)
			__asm__ volatile("clwb %0" : "+m"(*(volatile char *)p));
		break;
	case ARCH_FLUSH_CLFLUSHOPT:
		for (; p < end; p += line)
			__asm__ volatile("clflushopt %0" : "+m"(*(volatile char *)p));
		break;
	case ARCH_FLUSH_CLFLUSH:
		for (; p < end; p += line)
			__asm__ volatile("clflush %0" : "+m"(*(volatile char *)p));
		break;
	default:
		break;
	}
}

void arch_wb_cache_range(const void *addr, size_t len)
{
	arch_wb_cache_range_with(arch_cache_flush_insn(), addr, len);
}
