/*
 * Dropping stale translations from the TLB after a mapping was removed or
 * weakened (arch/x86/tlb.c). Adding a mapping where nothing was present
 * needs no flush: the CPU does not cache not-present entries.
 *
 * Kernel mappings are global (PTE_GLOBAL), so writing CR3 does not drop
 * them: a single page goes with INVLPG (which also drops a large page
 * containing the address and the cached upper-level entries), everything
 * with a toggle of CR4.PGE.
 *
 * Only this CPU is flushed today. With SMP, flush_tlb_kernel_range() is
 * where the shootdown IPI to the other CPUs goes (and waits for their
 * acknowledgement before the caller frees anything the range mapped).
 */
#ifndef ASM_TLBFLUSH_H
#define ASM_TLBFLUSH_H

#include <stdint.h>

static inline void invlpg(uint64_t virt)
{
	__asm__ volatile("invlpg (%0)" :: "r"(virt) : "memory");
}

/* Every translation on this CPU, global ones included. */
void flush_tlb_all(void);

/* The translations of [start, end) on every CPU that may hold them. */
void flush_tlb_kernel_range(uint64_t start, uint64_t end);

#endif /* ASM_TLBFLUSH_H */
