/*
 * cpumask_t: a set of CPU numbers (0 .. NR_CPUS-1), one bit each.
 *
 * Setting and clearing a bit are atomic (several CPUs may change one
 * mask, as each application processor marks itself online); testing one
 * is an atomic read. Whole-mask operations (copy, weight, iteration)
 * read bit by bit and see a mask that may be changing: fine for the
 * online mask, whose bits only go 0 -> 1 while the kernel runs.
 */
#ifndef KERNEL_CPUMASK_H
#define KERNEL_CPUMASK_H

#include <lib/compiler.h>
#include <asm/percpu.h>

#define CPUMASK_LONGS	((NR_CPUS + 63) / 64)

typedef struct {
	unsigned long bits[CPUMASK_LONGS];	/* (a) */
} cpumask_t;

#define CPUMASK_NONE	{ { 0 } }

static inline void cpumask_set_cpu(unsigned int cpu, cpumask_t *m)
{
	__atomic_fetch_or(&m->bits[cpu / 64], 1UL << (cpu % 64), __ATOMIC_RELEASE);
}

static inline void cpumask_clear_cpu(unsigned int cpu, cpumask_t *m)
{
	__atomic_fetch_and(&m->bits[cpu / 64], ~(1UL << (cpu % 64)), __ATOMIC_RELEASE);
}

/* Acquire: whoever set the bit (release) did so after preparing the CPU. */
static inline bool cpumask_test_cpu(unsigned int cpu, const cpumask_t *m)
{
	return cpu < NR_CPUS &&
	       (__atomic_load_n(&m->bits[cpu / 64], __ATOMIC_ACQUIRE) >> (cpu % 64)) & 1;
}

static inline void cpumask_clear(cpumask_t *m)
{
	for (unsigned int i = 0; i < CPUMASK_LONGS; i++)
		__atomic_store_n(&m->bits[i], 0, __ATOMIC_RELAXED);
}

/* Bits set in x (no libgcc, and POPCNT is not a baseline instruction). */
static inline unsigned int __cpumask_popcount(unsigned long x)
{
	x = x - ((x >> 1) & 0x5555555555555555UL);
	x = (x & 0x3333333333333333UL) + ((x >> 2) & 0x3333333333333333UL);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fUL;
	return (unsigned int)((x * 0x0101010101010101UL) >> 56);
}

static inline unsigned int cpumask_weight(const cpumask_t *m)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < CPUMASK_LONGS; i++)
		n += __cpumask_popcount(__atomic_load_n(&m->bits[i], __ATOMIC_ACQUIRE));
	return n;
}

#define for_each_cpu(cpu, mask)						\
	for ((cpu) = 0; (cpu) < NR_CPUS; (cpu)++)			\
		if (!cpumask_test_cpu((cpu), (mask))) {} else

#endif /* KERNEL_CPUMASK_H */
