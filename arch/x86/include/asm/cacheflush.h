/*
 * Writing CPU caches back to memory, for persistent memory.
 *
 * A store to a write-back mapping of an NVDIMM sits in the CPU cache; it
 * is in the persistence domain (survives power loss) only once the line
 * has been written back to the memory controller. So a durable write is:
 *
 *   memcpy(pmem, buf, len);
 *   arch_wb_cache_range(pmem, len);   write back every line touched
 *   arch_pmem_drain();                wait until those write-backs are done
 *
 * x86 offers three instructions, chosen once from CPUID in this order of
 * preference (arch/x86/cacheflush.c):
 *   CLWB        writes the line back and may keep it cached (reads after
 *               the write stay fast); weakly ordered: needs the fence
 *   CLFLUSHOPT  writes back and evicts; weakly ordered: needs the fence
 *   CLFLUSH     writes back and evicts; ordered with other CLFLUSHes and
 *               stores, slowest
 * arch_pmem_drain() is SFENCE: the write-backs issued before it complete
 * before any store after it (it pairs with nothing on another CPU: it
 * orders this CPU's write-backs against the point where the caller
 * reports the write durable).
 *
 * Generic code asks which instruction is in use through the enum and its
 * name (lib/cacheflush_defs.h); it never names an x86 instruction itself.
 * The host build has its own version of this header (no instruction:
 * ARCH_FLUSH_NONE, a fence).
 */
#ifndef ASM_CACHEFLUSH_H
#define ASM_CACHEFLUSH_H

#include <stdbool.h>
#include <stddef.h>
#include <lib/cacheflush_defs.h>

/* The instruction arch_wb_cache_range() uses (the best the CPU has). */
enum arch_flush_insn arch_cache_flush_insn(void);
/* Does the CPU have it? (CPUID; ARCH_FLUSH_NONE: always true) */
bool arch_cache_flush_has(enum arch_flush_insn insn);
/* Bytes one write-back covers (CPUID; 64 on every current CPU). */
unsigned int arch_cache_line_size(void);

/* Write back every cache line that [addr, addr + len) touches. */
void arch_wb_cache_range(const void *addr, size_t len);
/* The same with a given instruction, which the CPU must have (for tests). */
void arch_wb_cache_range_with(enum arch_flush_insn insn, const void *addr, size_t len);

/* Wait for the write-backs issued so far (SFENCE). */
static inline void arch_pmem_drain(void)
{
	__asm__ volatile("sfence" ::: "memory");
}

#endif /* ASM_CACHEFLUSH_H */
