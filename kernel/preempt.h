/*
 * The preemption count: may the running thread be switched away from
 * here, and is this an interrupt?
 *
 * One count per CPU (threads never move between CPUs, and a thread
 * leaves the CPU only through schedule(), which saves and restores it):
 *
 *   bits  0-15  preempt_disable() depth: spinlocked sections that asked,
 *               RCU read-side sections (rcu_read_lock() is
 *               preempt_disable()), the scheduler itself
 *   bits 16-23  hardirq depth: irq_enter() .. irq_exit() around every
 *               interrupt handler (arch/x86/idt.c)
 *
 * The thread may sleep or be preempted only with a count of 0 and
 * interrupts enabled ("preemptible"); schedule() checks it and warns,
 * naming the caller, when it is called from atomic context.
 *
 * need_resched is this CPU's "schedule() as soon as allowed" flag, set by
 * the tick (the time slice is over and someone else is runnable), a
 * wake-up of a thread on this CPU, and the reschedule IPI. It is acted on
 * at preempt_enable() down to 0, on return from an interrupt to a
 * preemptible context (preempt_schedule_irq()) and in the idle loop.
 *
 * Every operation here is one GS-relative instruction on this CPU's copy
 * (<asm/percpu.h>): an interrupt sees it done or not done. The compiler
 * barriers keep the protected accesses inside the section; no CPU
 * barrier is needed, since only this CPU reads its count.
 */
#ifndef KERNEL_PREEMPT_H
#define KERNEL_PREEMPT_H

#include <lib/compiler.h>
#include <asm/percpu.h>

#define PREEMPT_MASK	0x0000ffffU
#define HARDIRQ_OFFSET	0x00010000U
#define HARDIRQ_MASK	0x00ff0000U

DECLARE_PER_CPU(unsigned int, __preempt_count);
DECLARE_PER_CPU(unsigned char, __need_resched);

/* A compiler barrier (the SMP step's <asm/barrier.h> has barrier() too). */
#define __preempt_barrier()	__asm__ volatile("" ::: "memory")

static inline unsigned int preempt_count(void)
{
	return this_cpu_read(__preempt_count);
}

static inline bool in_interrupt(void)
{
	return preempt_count() & HARDIRQ_MASK;
}

static inline bool need_resched(void)
{
	return this_cpu_read(__need_resched);
}

static inline void set_need_resched(void)
{
	this_cpu_write(__need_resched, 1);
}

static inline void preempt_disable(void)
{
	this_cpu_inc(__preempt_count);
	__preempt_barrier();
}

/* Re-enable without acting on need_resched (the scheduler's own use). */
static inline void preempt_enable_no_resched(void)
{
	__preempt_barrier();
	this_cpu_dec(__preempt_count);
}

/* Down to 0 with a reschedule pending (and interrupts on): switch now. */
void preempt_schedule(void);

static inline void preempt_enable(void)
{
	__preempt_barrier();
	this_cpu_dec(__preempt_count);
	if (unlikely(this_cpu_read(__need_resched)))
		preempt_schedule();
}

/* Around an interrupt handler (arch code): the hardirq bits. */
static inline void irq_enter(void)
{
	this_cpu_add(__preempt_count, HARDIRQ_OFFSET);
	__preempt_barrier();
}

static inline void irq_exit(void)
{
	__preempt_barrier();
	this_cpu_sub(__preempt_count, HARDIRQ_OFFSET);
}

/*
 * The interrupt return path, after irq_exit(), when the interrupted code
 * had interrupts enabled: if a reschedule is pending and the interrupted
 * code is preemptible, switch threads here (interrupts stay masked; the
 * interrupted thread resumes through this call when it is picked again).
 */
void preempt_schedule_irq(void);

#endif /* KERNEL_PREEMPT_H */
