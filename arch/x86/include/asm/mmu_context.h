/*
 * What the generic address-space code (mm/mm.c, mm/mmu_gather.c) asks of
 * the architecture: where the user half ends, how a new top-level table
 * gets the kernel half, how a CPU starts running on a table, and how
 * stale translations of user addresses are dropped
 * (arch/x86/mmu_context.c).
 *
 * The user half is the lower half of the 48-bit space, top-level entries
 * 0-255; the kernel half, entries 256-511, is the same in every address
 * space: each new top-level table gets copies of the kernel's entries,
 * which paging_init() created once and for all (docs/paging.md). The one
 * exception, a memremap_range() beyond the first 512 GiB of physical
 * space adding a top-level entry later, is caught by the page-fault
 * handler: a kernel address that faults because the running table lacks
 * an entry the kernel's has gets the entry copied and the access retried
 * (arch/x86/mm_fault.c), and use_mm() copies the kernel half again.
 */
#ifndef ASM_MMU_CONTEXT_H
#define ASM_MMU_CONTEXT_H

#include <stdint.h>
#include <asm/layout.h>
#include <asm/pgtable.h>

struct mm_struct;

/* The user range is [0, USER_ADDR_END); top-level slots below PGD_USER_SLOTS. */
#define USER_ADDR_END		USER_SPACE_END
#define PGD_USER_SLOTS		256

/* Copy the kernel half of the kernel's top-level table into pgd. */
void arch_pgd_init_kernel_half(pte_t *pgd);

/* From now on this CPU translates through pgd (NULL: the kernel's own). */
void arch_switch_pgd(pte_t *pgd);

/*
 * Drop the translations of [start, end) of mm's user range (and the
 * paging-structure caches above them) on every CPU that may hold them,
 * and return only when every one of them has done so. This is the flush a
 * page or page-table page waits for before it is freed (mm/mmu_gather.c).
 */
void flush_tlb_user_range(struct mm_struct *mm, unsigned long start, unsigned long end);

#endif /* ASM_MMU_CONTEXT_H */
