/*
 * Host build: per-CPU data of arch/x86/include/asm/percpu.h for threads.
 *
 * A host "CPU" is a slot: each thread runs "on" the CPU its thread-local
 * host_cpu says (0 until it calls host_cpu_enter()); one thread may move
 * between slots, several threads may share one. The layout is the
 * kernel's (lib/percpu_defs.h): DEFINE_PER_CPU variables form a template
 * (the zdk_percpu section), each slot has an area (plain static arrays,
 * arch/host/percpu.c) that starts as a copy of it, and per_cpu_ptr() adds
 * the slot's offset.
 *
 * The this_cpu operations are relaxed atomic operations on the running
 * slot's copy: in the kernel one instruction cannot be torn by an
 * interrupt, and here two threads on one slot must not lose updates
 * either. Relaxed atomics also make concurrent per-CPU accesses visible
 * to ThreadSanitizer as what they are, not as data races.
 */
#ifndef ASM_PERCPU_H
#define ASM_PERCPU_H

#include <stdint.h>
#include <lib/compiler.h>
#include <lib/percpu_defs.h>

#define HOST_NR_CPUS		8	/* nr_cpu_ids: the slots tests may use */

extern char __start_zdk_percpu[], __stop_zdk_percpu[];
extern __thread unsigned int host_cpu;

#define DEFINE_PER_CPU(type, name) \
	__attribute__((section("zdk_percpu"))) __typeof__(type) name

#define percpu_dynamic_base() \
	((void __percpu *)(__start_zdk_percpu + PERCPU_DYNAMIC_OFFSET))

#define this_cpu_ptr(ptr)	per_cpu_ptr(ptr, host_cpu)
#define smp_processor_id()	host_cpu

#define this_cpu_read(var) \
	__atomic_load_n(this_cpu_ptr(&(var)), __ATOMIC_RELAXED)
#define this_cpu_write(var, val) \
	__atomic_store_n(this_cpu_ptr(&(var)), (val), __ATOMIC_RELAXED)
#define this_cpu_add(var, val) \
	((void)__atomic_fetch_add(this_cpu_ptr(&(var)), (val), __ATOMIC_RELAXED))
#define this_cpu_sub(var, val) \
	((void)__atomic_fetch_sub(this_cpu_ptr(&(var)), (val), __ATOMIC_RELAXED))

/* Run the calling thread "on" host CPU `cpu` (< nr_cpu_ids) from now on. */
void host_cpu_enter(unsigned int cpu);

#endif /* ASM_PERCPU_H */
