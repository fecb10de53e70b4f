/*
 * The little of SMP that code written before the SMP step needs: how many
 * CPUs are online, and running a function on a given one.
 *
 *   num_online_cpus()       CPUs running kernel code now (1 until SMP)
 *   cpu_online(cpu)         is `cpu` one of them?
 *   smp_call_function_single(cpu, fn, info, wait)
 *                           run fn(info) on `cpu` with interrupts masked
 *                           there; with `wait`, return once it has run.
 *                           0, or -ENODEV if `cpu` is not online.
 *
 * Implementations: kernel/smp_up.c while only the boot CPU runs (the SMP
 * step replaces it with IPIs), and tests/host/percpu.c on the host, where
 * the calling thread runs fn itself "on" host CPU `cpu` (host_cpu_enter)
 * and comes back; that is how one-thread host tests put a get on one CPU
 * and its put on another.
 */
#ifndef KERNEL_SMP_H
#define KERNEL_SMP_H

#include <lib/compiler.h>

unsigned int num_online_cpus(void);
bool cpu_online(unsigned int cpu);
int smp_call_function_single(unsigned int cpu, void (*fn)(void *info),
			     void *info, bool wait);

#endif /* KERNEL_SMP_H */
