/*
 * Host build: <asm/mmu_context.h> without an MMU. The kernel half of a
 * host top-level table stays empty (host code never translates through
 * it), a switch does nothing, and a TLB flush is counted and waits, as
 * the kernel's shootdown does, for the threads of the mm that have
 * interrupts off (arch/host/irq_shootdown.c).
 * pte_supported_mask is the x86 walker's: every bit allowed. The
 * running thread's mm is its task's, as in the kernel (kernel/task_mm.c).
 */
#include <mm/mm.h>
#include <asm/mmu_context.h>

pte_t pte_supported_mask = ~0UL;
unsigned long host_tlb_flushes;

void arch_pgd_init_kernel_half(pte_t *pgd)
{
}

void arch_switch_pgd(pte_t *pgd)
{
}

void flush_tlb_user_range(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	__atomic_fetch_add(&host_tlb_flushes, 1, __ATOMIC_RELAXED);
	host_shootdown_wait(mm);	/* arch/host/irq_shootdown.c */
}
