/*
 * #PF: what the CPU's page faults become.
 *
 *   1. a user-range address (below USER_ADDR_END) while the running
 *      thread is in an address space (current_mm()): handle_user_fault(),
 *      the generic fault path of mm/memory.c, with interrupts as the
 *      faulting code had them (and without waiting for the mmap_lock if
 *      that code may not sleep). If it maps the page, the access is
 *      retried (return).
 *   2. refused (no region, forbidden access, no memory) or no address
 *      space: if the faulting instruction is a user-access routine's
 *      (the exception table, <asm/uaccess.h>), resume at its fixup,
 *      which returns -EFAULT to its caller;
 *   3. a kernel-half address whose top-level entry the running table
 *      lacks although the kernel's has it (added by memremap_range()
 *      after this address space was created): copy the entry, retry;
 *   4. anything else: the crash report (x86_fatal_exception, which first
 *      offers the fault to the fault fixture of the self-tests).
 *
 * Faults with a reserved bit set are never handled: an entry is corrupt.
 */
#include <lib/compiler.h>
#include <kernel/preempt.h>
#include <mm/mm.h>
#include <asm/ctrlregs.h>
#include <asm/mmu_context.h>
#include <asm/page.h>
#include <asm/uaccess.h>
#include "idt.h"
#include "mm_fault.h"
#include "pgtable.h"
#include "traps.h"

#define RFLAGS_IF	(1UL << 9)

extern const struct exception_table_entry __start_ex_table[], __stop_ex_table[];

static bool fixup_exception(struct pt_regs *regs)
{
	for (const struct exception_table_entry *e = __start_ex_table; e < __stop_ex_table; e++) {
		if (e->insn == regs->rip) {
			regs->rip = e->fixup;
			return true;
		}
	}
	return false;
}

static unsigned int fault_flags(uint64_t error_code)
{
	unsigned int flags = 0;

	if (error_code & X86_PF_WRITE)
		flags |= FAULT_FLAG_WRITE;
	if (error_code & X86_PF_INSTR)
		flags |= FAULT_FLAG_INSTRUCTION;
	if (error_code & X86_PF_USER)
		flags |= FAULT_FLAG_USER;
	return flags;
}

/*
 * Step 1: 0 if the address space now maps the page as the access needs.
 * The faulting code's context decides whether we may sleep for the
 * mmap_lock: not if it had interrupts off or a raised preempt count (a
 * spinlock, an interrupt handler); then the fault is handled only if the
 * lock is free at once.
 */
static int user_fault(struct pt_regs *regs, uint64_t addr)
{
	struct mm_struct *mm = current_mm();
	unsigned int flags = fault_flags(regs->error_code);
	int err;

	if (!mm || (regs->error_code & X86_PF_RSVD))
		return -1;
	if (!(regs->rflags & RFLAGS_IF) || preempt_count())
		flags |= FAULT_FLAG_NOWAIT;
	if (regs->rflags & RFLAGS_IF)
		arch_irq_enable();
	err = handle_user_fault(mm, addr, flags);
	arch_irq_disable();
	return err;
}

/* Step 3. */
static bool sync_kernel_top_level(uint64_t addr)
{
	pte_t *running = phys_to_virt(read_cr3() & PTE_ADDR_MASK);
	unsigned int i = pt_index(addr, PT_PGD);
	pte_t k;

	if (running == kernel_pgd || i < PGD_USER_SLOTS)
		return false;
	k = ptep_get(&kernel_pgd[i]);
	/* only a missing entry is ours to fix (the CPU sets A bits on both) */
	if (!pte_present(k) || pte_present(ptep_get(&running[i])))
		return false;
	set_pte(&running[i], k);
	return true;
}

static void x86_page_fault(struct pt_regs *regs)
{
	uint64_t addr = read_cr2();

	if (addr < USER_ADDR_END) {
		if (user_fault(regs, addr) == 0)
			return;
		if (fixup_exception(regs))
			return;
	} else if (!(regs->error_code & X86_PF_PROT) && sync_kernel_top_level(addr)) {
		return;
	}
	write_cr2(addr);	/* the report reads it, and a nested fault may have changed it */
	x86_fatal_exception(regs);
}

void page_fault_init(void)
{
	idt_set_handler(X86_TRAP_PF, x86_page_fault);
}
