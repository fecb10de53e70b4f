/*
 * Dropping stale translations from the TLBs after a mapping was removed
 * or weakened (arch/x86/tlb.c). Adding a mapping where nothing was
 * present needs no flush: the CPU does not cache not-present entries.
 *
 * Kernel mappings are global (PTE_GLOBAL), so writing CR3 does not drop
 * them: a single page goes with INVLPG (which also drops a large page
 * containing the address and the cached upper-level entries), everything
 * with a toggle of CR4.PGE.
 *
 * The ranged flushes reach every CPU that may hold the translations (the
 * shootdown IPI) and return only when all of them have flushed, so the
 * caller may then free what the range mapped, page-table pages included.
 * What "acknowledged" means on x86, and why a CPU with interrupts off
 * keeps the page tables it walks alive, is in tlb.c and docs/smp.md.
 * Call them with interrupts enabled once other CPUs run (a CPU that spins
 * with interrupts off on a lock the caller holds would never answer).
 */
#ifndef ASM_TLBFLUSH_H
#define ASM_TLBFLUSH_H

#include <stdint.h>
#include <kernel/cpumask.h>

static inline void invlpg(uint64_t virt)
{
	__asm__ volatile("invlpg (%0)" :: "r"(virt) : "memory");
}

/* Every translation on this CPU, global ones included. */
void flush_tlb_all(void);

/*
 * The translations of [start, end) on the CPUs in `cpus` (NULL: every
 * online CPU), this one included if it is in the set. For an address
 * space's user range: pass the CPUs that may have run it, or
 * NULL until address spaces track that. A target flushes in whatever
 * address space it runs, which is right: a CPU that does not run the
 * address space holds no non-global entry of it (no PCID here).
 */
void flush_tlb_mm_range(const cpumask_t *cpus, uint64_t start, uint64_t end);

/* The translations of [start, end) of the kernel half, on every CPU. */
void flush_tlb_kernel_range(uint64_t start, uint64_t end);

/* Does a shootdown wait for cpu's acknowledgement right now? (For tests
 * that must see a walker with interrupts off hold one up.) */
bool tlb_shootdown_pending(unsigned int cpu);

#endif /* ASM_TLBFLUSH_H */
