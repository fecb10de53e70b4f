/*
 * Host build: <asm/mmu_context.h> for the address-space code. There is no
 * MMU to program: a "switch" to a table and a TLB flush only count, so
 * the host tests can see that the generic code asked for them
 * (tests/host/mmu_context.c). The user range is the kernel's.
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

#endif /* ASM_MMU_CONTEXT_H */
