/*
 * Host build: asm/cacheflush.h for a user process. A process cannot make
 * memory persistent, so there is no write-back instruction
 * (ARCH_FLUSH_NONE); the drain is a full fence so ordering stays as the
 * kernel's, and code that writes back still compiles and runs.
 */
#ifndef ASM_CACHEFLUSH_H
#define ASM_CACHEFLUSH_H

#include <stdbool.h>
#include <stddef.h>
#include <lib/cacheflush_defs.h>

static inline enum arch_flush_insn arch_cache_flush_insn(void)
{
	return ARCH_FLUSH_NONE;
}

static inline bool arch_cache_flush_has(enum arch_flush_insn insn)
{
	return insn == ARCH_FLUSH_NONE;
}

static inline unsigned int arch_cache_line_size(void)
{
	return 64;
}

static inline void arch_wb_cache_range_with(enum arch_flush_insn insn, const void *addr,
					    size_t len)
{
}

static inline void arch_wb_cache_range(const void *addr, size_t len)
{
}

static inline void arch_pmem_drain(void)
{
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
}

#endif /* ASM_CACHEFLUSH_H */
