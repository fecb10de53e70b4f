/*
 * CPU exceptions (arch/x86/traps.c): vector numbers, the C entry from
 * isr.asm, and the fatal report every unhandled exception or interrupt
 * ends in.
 */
#ifndef ARCH_X86_TRAPS_H
#define ARCH_X86_TRAPS_H

#include <lib/compiler.h>
#include <asm/ptrace.h>

enum x86_trap {
	X86_TRAP_DE = 0,	/* divide error */
	X86_TRAP_DB = 1,	/* debug */
	X86_TRAP_NMI = 2,
	X86_TRAP_BP = 3,	/* int3 */
	X86_TRAP_OF = 4,
	X86_TRAP_BR = 5,
	X86_TRAP_UD = 6,	/* invalid opcode */
	X86_TRAP_NM = 7,
	X86_TRAP_DF = 8,	/* double fault */
	X86_TRAP_TS = 10,
	X86_TRAP_NP = 11,
	X86_TRAP_SS = 12,
	X86_TRAP_GP = 13,	/* general protection */
	X86_TRAP_PF = 14,	/* page fault */
	X86_TRAP_MF = 16,
	X86_TRAP_AC = 17,
	X86_TRAP_MC = 18,	/* machine check */
	X86_TRAP_XM = 19,
	X86_TRAP_VE = 20,
	X86_TRAP_CP = 21,
	X86_TRAP_FIRST_IRQ = 32,
};

/* Page-fault error code bits. */
#define X86_PF_PROT	(1UL << 0)	/* 0: page not present */
#define X86_PF_WRITE	(1UL << 1)
#define X86_PF_USER	(1UL << 2)
#define X86_PF_RSVD	(1UL << 3)	/* reserved bit set in an entry */
#define X86_PF_INSTR	(1UL << 4)	/* instruction fetch */
#define X86_PF_PK	(1UL << 5)	/* protection key */

/* Called by isr.asm for vectors 0-31. */
void x86_exception(struct pt_regs *regs);

/*
 * A catcher the fatal-exception path asks first (NULL: none). The fault
 * fixture of the self-tests (arch/x86/tests/fault_fixture.c) installs
 * itself here on first use: if it is armed and wants this fault it
 * records it and resumes in fault_fixture_run() (does not return);
 * otherwise it returns and the fault is reported as usual.
 */
extern void (*x86_fault_catcher)(const struct pt_regs *regs, uint64_t cr2);

/*
 * Print everything known about regs (exception, error code, CR2,
 * registers, control registers, backtrace) and die(). For handlers that
 * find they cannot handle what they were given.
 */
__noreturn void x86_fatal_exception(struct pt_regs *regs);

#endif /* ARCH_X86_TRAPS_H */
