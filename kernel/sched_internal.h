/*
 * What kernel/sched_core.c (switching, waking) and kernel/sched_task.c
 * (tasks, idle, CPU start) share: the run queues. Nothing else includes
 * this.
 */
#ifndef KERNEL_SCHED_INTERNAL_H
#define KERNEL_SCHED_INTERNAL_H

#include <lib/list.h>
#include <lib/spinlock.h>
#include <kernel/sched.h>

/*
 * One per CPU (field legends: docs/layout.md). (L) under `lock`; (i) set
 * when the CPU starts, then immutable. nr_queued and nr_switches are
 * also read without the lock, as hints and for statistics.
 */
struct rq {
	spinlock_t lock;
	struct list_head queue;		/* (L) runnable, waiting: FIFO */
	unsigned int nr_queued;		/* (L/a) its length */
	struct task_struct *curr;	/* (L) the running thread */
	struct task_struct *idle;	/* (i) */
	unsigned long nr_switches;	/* (L/a) */
} __aligned(64);

extern struct rq runqueues[NR_CPUS];

static inline struct rq *this_rq(void)
{
	return &runqueues[smp_processor_id()];
}

/* kernel/sched_core.c */
void enqueue(struct rq *rq, struct task_struct *p);
void resched_cpu(unsigned int cpu);
void finish_task_switch(struct task_struct *last);
/* The idle loop's switch to the queue's head (interrupts masked). */
void schedule_idle(void);
void sched_set_running(void);
void sched_set_cpu_active(unsigned int cpu);

#endif /* KERNEL_SCHED_INTERNAL_H */
