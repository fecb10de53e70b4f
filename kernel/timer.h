/*
 * Time for threads: the tick count, sleeping for a while, sleeping until
 * a deadline.
 *
 * Every CPU's timer interrupt calls timer_tick() (kernel/cpu.h) HZ times
 * a second. The boot CPU's tick counts `jiffies`; each CPU's tick wakes
 * the threads of that CPU whose sleep deadline has passed. Deadlines are
 * in nanoseconds of ktime_get_ns() (the TSC), so a sleep ends at the
 * first tick at or after its deadline: msleep(ms) sleeps at least ms
 * milliseconds and at most about one tick (1000 / HZ ms) more, plus the
 * wait for the CPU.
 *
 *   msleep(ms)               sleep at least ms ms (process context;
 *                            before sched_init() it busy-waits)
 *   sleep_until(deadline)    the sleep itself, ticks running: until the
 *                            deadline passes, whatever wakes the thread
 *   schedule_until(deadline) with the state already TASK_SLEEPING: sleep
 *                            until woken or the deadline passes; false
 *                            (without sleeping) if it already has
 */
#ifndef KERNEL_TIMER_H
#define KERNEL_TIMER_H

#include <stdint.h>
#include <lib/compiler.h>
#include <lib/ktime.h>		/* deadline_after_ms(), ms_left_until() */

/* sched_init(): the per-CPU timer lists, before any sleep. */
void timer_init(void);

/* Ticks of the boot CPU since its timer started. */
unsigned long jiffies_read(void);
/* Ticks this CPU has taken (0: its timer does not run yet). */
unsigned long cpu_ticks(unsigned int cpu);

void msleep(unsigned int ms);
void sleep_until(uint64_t deadline_ns);
bool schedule_until(uint64_t deadline_ns);

#endif /* KERNEL_TIMER_H */
