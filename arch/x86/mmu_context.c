/*
 * <asm/mmu_context.h> on x86-64: the kernel half of a new top-level
 * table, loading CR3, and dropping stale user translations.
 *
 * User leaves are never global (PTE_GLOBAL is for the kernel's), so
 * writing CR3 drops every one of them from this CPU's TLB, together with
 * the paging-structure caches; so does INVLPG of any address (the SDM:
 * INVLPG also invalidates all paging-structure-cache entries of the
 * current PCID).
 *
 * flush_tlb_user_range() is the one function through which every
 * user-range flush goes (mm/mmu_gather.c). It is the SMP step's shootdown
 * (flush_tlb_mm_range(), arch/x86/tlb.c) for the CPUs in mm->cpu_mask:
 * each flushes the range (INVLPG page by page, or everything for a large
 * range) and acknowledges from its interrupt handler, and the call
 * returns only when all have. A CPU walking the tables with interrupts
 * off (fast GUP) therefore delays every free of those tables until it is
 * done.
 */
#include <lib/compiler.h>
#include <mm/mm_types.h>
#include <asm/barrier.h>
#include <asm/ctrlregs.h>
#include <asm/mmu_context.h>
#include <asm/page.h>
#include <asm/tlbflush.h>
#include "pgtable.h"

void arch_pgd_init_kernel_half(pte_t *pgd)
{
	for (unsigned int i = PGD_USER_SLOTS; i < PT_ENTRIES; i++)
		set_pte(&pgd[i], ptep_get(&kernel_pgd[i]));
}

void arch_switch_pgd(pte_t *pgd)
{
	uint64_t want = virt_to_phys(pgd ?: kernel_pgd);

	if ((read_cr3() & PTE_ADDR_MASK) != want)
		write_cr3(want);
}

/*
 * The entries were cleared before this call; the fence orders those
 * stores before the reads of mm->cpu_mask inside the shootdown. It pairs
 * with the fence after a CPU sets its bit (switch_mm_irqs_off()), before
 * it walks the table: either we see its bit and it gets the IPI, or it
 * sees the cleared entries.
 */
void flush_tlb_user_range(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	smp_mb();
	flush_tlb_mm_range(&mm->cpu_mask, start, end);
}
