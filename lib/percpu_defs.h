/*
 * Per-CPU data as every architecture lays it out; <asm/percpu.h>
 * includes this and adds how a variable joins the template and how this
 * CPU's copy is reached (include <asm/percpu.h>, not this).
 *
 * Each CPU owns an area of PERCPU_AREA_SIZE bytes:
 *
 *   area + 0                     a copy of the template (static variables)
 *   area + PERCPU_DYNAMIC_OFFSET the dynamic region (alloc_percpu, mm/percpu.c)
 *
 * __per_cpu_offset[cpu] = area(cpu) - template. The address of a per-CPU
 * variable, or a pointer returned by alloc_percpu(), is a *template
 * address*: adding a CPU's offset gives that CPU's copy, so
 * per_cpu_ptr(ptr, cpu) = ptr + __per_cpu_offset[cpu]. Template addresses
 * must never be dereferenced directly (the dynamic ones do not even point
 * into the template); the empty __percpu marker says which pointers those
 * are. nr_cpu_ids counts the CPUs generic code iterates over
 * (kernel/smp.h).
 */
#ifndef LIB_PERCPU_DEFS_H
#define LIB_PERCPU_DEFS_H

#define NR_CPUS			64
#define PERCPU_AREA_SIZE	(16 * 1024)
#define PERCPU_DYNAMIC_OFFSET	(8 * 1024)	/* also the template's limit */
#define PERCPU_DYNAMIC_SIZE	(PERCPU_AREA_SIZE - PERCPU_DYNAMIC_OFFSET)

/* Marks a pointer that holds a template address (see above). */
#define __percpu

extern unsigned int nr_cpu_ids;
extern unsigned long __per_cpu_offset[NR_CPUS];

#define DECLARE_PER_CPU(type, name) \
	extern __typeof__(type) name

/* The number of the CPU, as per-CPU data. */
DECLARE_PER_CPU(unsigned int, cpu_number);

#define per_cpu_ptr(ptr, cpu) \
	((__typeof__(ptr))((unsigned long)(ptr) + __per_cpu_offset[(cpu)]))
#define per_cpu(var, cpu)	(*per_cpu_ptr(&(var), (cpu)))

#define this_cpu_inc(var)	this_cpu_add(var, 1)
#define this_cpu_dec(var)	this_cpu_sub(var, 1)

#endif /* LIB_PERCPU_DEFS_H */
