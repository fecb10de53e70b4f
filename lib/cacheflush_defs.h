/*
 * The cache write-back instructions generic code may name, on every
 * architecture: x86-64's three, and none. <asm/cacheflush.h> includes
 * this and says which of them the CPU has and how a range is written back
 * (include <asm/cacheflush.h>, not this).
 */
#ifndef LIB_CACHEFLUSH_DEFS_H
#define LIB_CACHEFLUSH_DEFS_H

enum arch_flush_insn {
	ARCH_FLUSH_NONE,	/* nothing can write a line back: not durable */
	ARCH_FLUSH_CLFLUSH,
	ARCH_FLUSH_CLFLUSHOPT,
	ARCH_FLUSH_CLWB,
	ARCH_FLUSH_COUNT
};

/* "clwb", "clflushopt", "clflush", "none" */
static inline const char *arch_cache_flush_name(enum arch_flush_insn insn)
{
	static const char *const names[ARCH_FLUSH_COUNT] = {
		[ARCH_FLUSH_NONE] = "none",
		[ARCH_FLUSH_CLFLUSH] = "clflush",
		[ARCH_FLUSH_CLFLUSHOPT] = "clflushopt",
		[ARCH_FLUSH_CLWB] = "clwb",
	};

	return (unsigned int)insn < ARCH_FLUSH_COUNT ? names[insn] : "?";
}

#endif /* LIB_CACHEFLUSH_DEFS_H */
