/*
 * The page-fault handler (arch/x86/mm_fault.c): user-range faults go to
 * the address space this CPU runs in, kernel-range faults to the crash
 * report as before.
 */
#ifndef ARCH_X86_MM_FAULT_H
#define ARCH_X86_MM_FAULT_H

/* Route #PF to x86_page_fault(); after idt_init() and percpu setup. */
void page_fault_init(void);

#endif /* ARCH_X86_MM_FAULT_H */
