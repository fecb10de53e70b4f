/*
 * What the scheduler and the tick tell RCU (kernel/rcu.c): the events
 * from which grace periods are detected. Not for other callers (but for
 * rcu_get_stats(), a read-only look for tests and the shell).
 *
 *   rcu_note_context_switch()  this CPU is switching threads outside any
 *                              reader (interrupts masked)
 *   rcu_idle_enter()           the idle loop is about to halt
 *   rcu_tick()                 the timer interrupt (interrupts masked)
 *   rcu_ipi()                  a reschedule IPI (expedited grace periods)
 *   rcu_cpu_starting(cpu)      `cpu` takes part from now on
 *   rcu_init_sched()           sched_init(): threads exist from now on
 */
#ifndef KERNEL_RCU_SCHED_H
#define KERNEL_RCU_SCHED_H

#include <stdint.h>

void rcu_note_context_switch(void);
void rcu_idle_enter(void);
void rcu_tick(void);
void rcu_ipi(void);
void rcu_cpu_starting(unsigned int cpu);
void rcu_init_sched(void);

/* A snapshot of the grace-period machine, for tests and the shell. */
struct rcu_stats {
	unsigned long gp_started, gp_completed, gp_needed;
	uint64_t qs_pending, cpus;
	unsigned long cbs_pending, cbs_invoked;	/* summed over CPUs */
};
void rcu_get_stats(struct rcu_stats *st);

#endif /* KERNEL_RCU_SCHED_H */
