/*
 * Per-CPU data on x86-64: one area per CPU, reached through GS (the
 * layout every architecture shares is in lib/percpu_defs.h).
 *
 * The linker gathers every DEFINE_PER_CPU variable into the .percpu
 * section, [__per_cpu_start, __per_cpu_end): that is the *template*,
 * never used directly. The CPU's GS base holds its own offset
 * (__per_cpu_offset[cpu] = area(cpu) - __per_cpu_start), so
 *
 *   this_cpu_op(var)        = one instruction on %gs:&var, e.g.
 *                             addq %1, %gs:var(%rip)
 *
 * A this_cpu operation is a single instruction, so an interrupt on this
 * CPU sees it either done or not done: it needs no lock and no irq
 * masking. It is *not* atomic against other CPUs (no lock prefix), and it
 * is not a memory barrier.
 *
 * The areas are static (in .bss) for all NR_CPUS CPUs, so every CPU that
 * may ever come up has its area, offset and template copy from the first
 * call (arch/x86/percpu.c, docs/percpu.md). nr_cpu_ids counts the CPUs
 * generic code iterates over; it is 1 until smp_boot_cpus() raises it to
 * the number of possible CPUs, before any of them runs (kernel/smp.h).
 */
#ifndef ASM_PERCPU_H
#define ASM_PERCPU_H

#include <stdint.h>
#include <lib/compiler.h>
#include <lib/percpu_defs.h>

extern char __per_cpu_start[], __per_cpu_end[];

#define DEFINE_PER_CPU(type, name) \
	__section(".percpu") __typeof__(type) name

/* This CPU's own offset, as per-CPU data. */
DECLARE_PER_CPU(unsigned long, this_cpu_off);

/* Template address of the dynamic region (for mm/percpu.c). */
#define percpu_dynamic_base()	((void __percpu *)(__per_cpu_start + PERCPU_DYNAMIC_OFFSET))

/* --- single-instruction operations on this CPU's copy ------------------ */

#define __percpu_check_size(var)					\
	_Static_assert(sizeof(var) == 1 || sizeof(var) == 2 ||		\
		       sizeof(var) == 4 || sizeof(var) == 8,		\
		       "this_cpu ops work on 1, 2, 4 or 8 byte objects")

/* Read: zero-extended into a 64-bit register, then converted to the type. */
#define this_cpu_read(var) ({						\
	unsigned long __pcp_v;						\
	__percpu_check_size(var);					\
	switch (sizeof(var)) {						\
	case 1: __asm__ volatile("movzbl %%gs:%1, %k0"			\
				 : "=r"(__pcp_v) : "m"(var)); break;	\
	case 2: __asm__ volatile("movzwl %%gs:%1, %k0"			\
				 : "=r"(__pcp_v) : "m"(var)); break;	\
	case 4: __asm__ volatile("movl %%gs:%1, %k0"			\
				 : "=r"(__pcp_v) : "m"(var)); break;	\
	case 8: __asm__ volatile("movq %%gs:%1, %0"			\
				 : "=r"(__pcp_v) : "m"(var)); break;	\
	}								\
	(__typeof__(var))__pcp_v;					\
})

/* One instruction `insn` with an immediate or register source. */
#define __this_cpu_rmw(insn, var, val) do {				\
	__percpu_check_size(var);					\
	switch (sizeof(var)) {						\
	case 1: __asm__ volatile(insn "b %1, %%gs:%0" : "+m"(var)	\
			: "qi"((uint8_t)(unsigned long)(val))); break;	\
	case 2: __asm__ volatile(insn "w %1, %%gs:%0" : "+m"(var)	\
			: "ri"((uint16_t)(unsigned long)(val))); break;	\
	case 4: __asm__ volatile(insn "l %1, %%gs:%0" : "+m"(var)	\
			: "ri"((uint32_t)(unsigned long)(val))); break;	\
	case 8: __asm__ volatile(insn "q %1, %%gs:%0" : "+m"(var)	\
			: "re"((uint64_t)(unsigned long)(val))); break;	\
	}								\
} while (0)

#define this_cpu_write(var, val)	__this_cpu_rmw("mov", var, val)
#define this_cpu_add(var, val)		__this_cpu_rmw("add", var, val)
#define this_cpu_sub(var, val)		__this_cpu_rmw("sub", var, val)

/* This CPU's copy of a per-CPU object (a plain pointer, safe to use
 * while the code cannot move to another CPU). */
#define this_cpu_ptr(ptr) \
	((__typeof__(ptr))((unsigned long)(ptr) + this_cpu_read(this_cpu_off)))

#define smp_processor_id()	this_cpu_read(cpu_number)


/* --- setup (arch/x86/percpu.c) ----------------------------------------- */

/* Boot CPU, right after gdt_init()/idt_init(): every area gets its copy
 * of the template and its offset; GS points at CPU 0's area. */
void percpu_init_boot_cpu(void);
/* On CPU `cpu` itself, early in its bring-up: point GS at its area.
 * Any later load of the %gs selector clears the base: reload it after. */
void percpu_setup_cpu(unsigned int cpu);

#endif /* ASM_PERCPU_H */
