/*
 * Per-CPU statistics: a count that each CPU changes in its own copy (one
 * instruction: no lock, no atomic, no cache line shared between CPUs)
 * and that whoever asks sums over the CPUs. Linux counts its VM events
 * this way (count_vm_event(), all_vm_events()); a percpu_counter is the
 * same idea with a shared total kept up to date in batches.
 *
 *   static DEFINE_PER_CPU(struct percpu_stat, lookups);
 *   percpu_stat_inc(lookups);                this CPU's copy
 *   n = percpu_stat_sum(&lookups);           every CPU's, added up
 *
 * or allocated (mm/percpu.h): s = alloc_percpu(struct percpu_stat),
 * percpu_stat_inc(*s), percpu_stat_sum(s), free_percpu(s).
 *
 * A copy is written only by its own CPU (this_cpu_inc/dec: an interrupt
 * cannot split the one instruction) and read by any with a relaxed load,
 * so the sum is a snapshot: exact while no CPU counts, otherwise the
 * copies are read at slightly different moments. A count that goes down
 * too (percpu_stat_dec: requests in flight) may leave a copy "below zero"
 * when an item entered on one CPU and left on another; the sum is taken
 * modulo 2^64, so (long)percpu_stat_sum() is the true signed total.
 *
 * Field legend (the letters: docs/layout.md, "Field legends"):
 *   (p) written by its own CPU only (this_cpu ops), read by any (relaxed).
 */
#ifndef MM_PERCPU_STAT_H
#define MM_PERCPU_STAT_H

#include <lib/compiler.h>
#include <asm/percpu.h>

struct percpu_stat {
	unsigned long count;		/* (p) this CPU's part of the total */
};

/* `stat` names this CPU's copy: a DEFINE_PER_CPU variable, or *ptr. */
#define percpu_stat_inc(stat)	this_cpu_inc((stat).count)
#define percpu_stat_dec(stat)	this_cpu_dec((stat).count)

/* Every CPU's copy of *stat (a template address), added up. */
static inline unsigned long percpu_stat_sum(const struct percpu_stat __percpu *stat)
{
	unsigned long sum = 0;

	for (unsigned int cpu = 0; cpu < nr_cpu_ids; cpu++)
		sum += __atomic_load_n(&per_cpu_ptr(stat, cpu)->count, __ATOMIC_RELAXED);
	return sum;
}

#endif /* MM_PERCPU_STAT_H */
