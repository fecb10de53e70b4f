/*
 * The kernel's segments and the TSS (arch/x86/gdt.c).
 *
 * Long mode ignores segment bases and limits (except FS/GS bases, set by
 * MSR), but the CPU still needs a GDT: CS chooses 64-bit mode and the
 * privilege level, SS must be valid, and the TSS supplies the stacks the
 * CPU switches to on interrupts (rsp0 for ring 3 -> 0, IST1-7 for gates
 * that ask for a known-good stack).
 */
#ifndef ARCH_X86_GDT_H
#define ARCH_X86_GDT_H

/*
 * Selectors. The order is the one SYSCALL/SYSRET expect: kernel code,
 * kernel data (SYSCALL loads CS and CS+8), then user data and user code
 * (SYSRET to 64-bit mode loads SS = base+8 and CS = base+16, with the
 * base 0x10 in STAR[63:48]).
 */
#define GDT_KERNEL_CS	0x08
#define GDT_KERNEL_DS	0x10
#define GDT_USER_DS	(0x18 | 3)
#define GDT_USER_CS	(0x20 | 3)
#define GDT_TSS		0x28

/* IST slots (1-based, as the IDT gate encodes them; 0 = no switch). */
#define IST_DOUBLE_FAULT	1
#define IST_NMI			2
#define IST_MACHINE_CHECK	3
#define IST_COUNT		3

#include <stdint.h>

/* Boot CPU: prepare and load CPU 0's GDT and TSS, reload every segment
 * register (the GS base with them: percpu comes after). */
void gdt_init(void);

/* Fill CPU `cpu`'s GDT and TSS, with ist_top[i] the top of IST stack i+1. */
void gdt_prepare_cpu(unsigned int cpu, const uint64_t ist_top[IST_COUNT]);
/* The GDTR value of CPU `cpu` (for its trampoline). */
void gdt_describe(unsigned int cpu, uint16_t *limit, uint64_t *base);
/* On CPU `cpu` itself: load its GDT, reload the segments, load its TSS. */
void gdt_load_cpu(unsigned int cpu);

#endif /* ARCH_X86_GDT_H */
