/*
 * Host build: <asm/mmu_context.h> for the address-space code. There is no
 * MMU to program: a "switch" to a table only counts; a TLB flush counts
 * and waits for the mm's threads that have interrupts off, as the
 * kernel's shootdown does (arch/host/mmu_context.c, irq_shootdown.c). The user range is the kernel's.
 */
#ifndef ASM_MMU_CONTEXT_H
#define ASM_MMU_CONTEXT_H

#include <stdint.h>
#include <asm/pgtable.h>

struct mm_struct;

#define USER_ADDR_END		0x0000800000000000ULL
#define PGD_USER_SLOTS		256

void arch_pgd_init_kernel_half(pte_t *pgd);
void arch_switch_pgd(pte_t *pgd);
void flush_tlb_user_range(struct mm_struct *mm, unsigned long start, unsigned long end);

/* How often flush_tlb_user_range() ran (host only). */
extern unsigned long host_tlb_flushes;

/*
 * The shootdown's wait: return once every other thread with interrupts
 * off in mm has enabled them (arch/host/irq_shootdown.c).
 */
void host_shootdown_wait(struct mm_struct *mm);
/* How many threads shootdowns have waited for, and are waiting for now
 * (host only). */
extern unsigned long host_shootdown_waits, host_shootdown_waiting;

#endif /* ASM_MMU_CONTEXT_H */
