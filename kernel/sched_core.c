/*
 * The scheduler: per-CPU run queues, schedule(), wake-ups, preemption
 * (kernel/sched.h tells the rules; docs/sched.md the whole story).
 *
 * A run queue is a FIFO of the runnable threads of one CPU that are not
 * running, plus that CPU's running thread (`curr`) and idle thread. Its
 * lock guards the queue, `curr`, every task's on_rq and run_node, and the
 * TASK_SLEEPING -> TASK_RUNNING transition of the CPU's tasks.
 *
 * The switch. __schedule() runs with interrupts masked. It takes the run
 * queue lock, chooses `next`, and keeps the lock *across* switch_to(): the
 * lock is released by finish_task_switch(), on next's stack, once prev's
 * registers are saved. So while any other CPU can see prev off the queue
 * (and could wake it), prev's stack is no longer in use, and a task picked
 * from the queue always has a complete saved context. Every path into a
 * switched-in thread goes through finish_task_switch(): the return from
 * switch_to() in __schedule(), and sched_thread_start() for a new thread
 * (kernel/sched_task.c).
 *
 * Choosing next, given why prev is here (enum sched_mode):
 *   - prev is the idle thread: the queue's head, else idle again;
 *   - prev is going to sleep (SM_SLEEP and state not TASK_RUNNING): the
 *     head, else idle; prev is not queued (a wake-up will queue it);
 *   - prev stays runnable (yield, preemption, or a sleep undone by a
 *     wake-up that came first): with an empty queue prev goes on; a
 *     yield or pending reschedule puts prev at the tail and takes the
 *     head; a plain schedule() without a pending reschedule goes on.
 * A preempted thread stays runnable whatever its state says (it may have
 * been preempted between set_current_state() and schedule()); it calls
 * schedule() itself when it runs again.
 *
 * Lock order: a wait queue's lock, then a run queue's; RCU's locks, then
 * a run queue's. __schedule() tells RCU about the context switch before
 * it takes its run queue lock, so that RCU may wake threads.
 */
#include <kernel/cpu.h>
#include <kernel/rcu_sched.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/timer.h>
#include <lib/bug.h>
#include <lib/spinlock.h>
#include <mm/mm.h>
#include <asm/cpu.h>
#include "sched_internal.h"

_Static_assert(offsetof(struct task_struct, thread.sp) == 0,
	       "switch_to.asm finds the saved rsp at offset 0");

DEFINE_PER_CPU(unsigned int, __preempt_count);
DEFINE_PER_CPU(unsigned char, __need_resched);
DEFINE_PER_CPU(struct task_struct *, current_task);

struct rq runqueues[NR_CPUS];

enum sched_mode {
	SM_SLEEP,	/* schedule(): leave the CPU if the state says so */
	SM_YIELD,	/* yield(), the idle loop: let the queue go first */
	SM_PREEMPT,	/* preemption: prev stays runnable, whatever its state */
};

static bool sched_up;			/* (a) sched_init() has run */
static uint64_t active_cpus;		/* (a) CPUs running their scheduler */

void sched_set_running(void)
{
	__atomic_store_n(&sched_up, true, __ATOMIC_RELEASE);
}

void sched_set_cpu_active(unsigned int cpu)
{
	__atomic_fetch_or(&active_cpus, 1ULL << cpu, __ATOMIC_RELEASE);
}

bool sched_running(void)
{
	return __atomic_load_n(&sched_up, __ATOMIC_ACQUIRE);
}

bool sched_cpu_active(unsigned int cpu)
{
	return cpu < NR_CPUS &&
	       (__atomic_load_n(&active_cpus, __ATOMIC_ACQUIRE) & (1ULL << cpu));
}

unsigned long sched_nr_switches(unsigned int cpu)
{
	return cpu < NR_CPUS ?
	       __atomic_load_n(&runqueues[cpu].nr_switches, __ATOMIC_RELAXED) : 0;
}

/* --- the queue ------------------------------------------------------------- */

void enqueue(struct rq *rq, struct task_struct *p)
{
	list_add_tail(&p->run_node, &rq->queue);
	p->on_rq = true;
	__atomic_store_n(&rq->nr_queued, rq->nr_queued + 1, __ATOMIC_RELAXED);
}

static struct task_struct *dequeue_head(struct rq *rq)
{
	struct task_struct *p;

	if (list_empty(&rq->queue))
		return NULL;
	p = list_first_entry(&rq->queue, struct task_struct, run_node);
	list_del_init(&p->run_node);
	p->on_rq = false;
	__atomic_store_n(&rq->nr_queued, rq->nr_queued - 1, __ATOMIC_RELAXED);
	return p;
}

/* Make `cpu` look at its queue soon: at once if it is this one. */
void resched_cpu(unsigned int cpu)
{
	if (cpu == smp_processor_id()) {
		set_need_resched();
		return;
	}
	__atomic_store_n(&per_cpu(__need_resched, cpu), 1, __ATOMIC_RELAXED);
	smp_send_reschedule(cpu);
}

/* --- switching ------------------------------------------------------------- */

/*
 * On the new thread's stack, right after switch_to(): `last` is off this
 * CPU now. Its on_cpu is cleared with a release store that pairs with the
 * acquire in sched_wait_off_cpu(): a reaper that sees 0 may free last's
 * stack, which nobody will touch again.
 */
void finish_task_switch(struct task_struct *last)
{
	struct rq *rq = this_rq();

	__atomic_store_n(&last->on_cpu, 0, __ATOMIC_RELEASE);
	spin_unlock(&rq->lock);
	this_cpu_write(__preempt_count, current->saved_preempt_count);
}

/* Interrupts masked; see the top of the file for how next is chosen. */
static void __schedule(enum sched_mode mode)
{
	struct rq *rq = this_rq();
	struct task_struct *prev = current, *next;
	unsigned int count = preempt_count();
	bool resched, runnable;

	prev->saved_preempt_count = count;
	this_cpu_write(__preempt_count, 1);	/* the scheduler's own */
	if (!(count & PREEMPT_MASK))
		rcu_note_context_switch();

	spin_lock(&rq->lock);
	resched = this_cpu_read(__need_resched);
	this_cpu_write(__need_resched, 0);
	runnable = mode != SM_SLEEP ||
		   __atomic_load_n(&prev->state, __ATOMIC_RELAXED) == TASK_RUNNING;

	if (prev->flags & PF_IDLE) {
		next = dequeue_head(rq) ?: prev;
	} else if (!runnable) {
		next = dequeue_head(rq) ?: rq->idle;
	} else if (list_empty(&rq->queue) || (mode == SM_SLEEP && !resched)) {
		next = prev;
	} else {
		enqueue(rq, prev);
		next = dequeue_head(rq);
	}

	if (next == prev) {
		spin_unlock(&rq->lock);
		this_cpu_write(__preempt_count, count);
		return;
	}
	rq->curr = next;
	__atomic_store_n(&rq->nr_switches, rq->nr_switches + 1, __ATOMIC_RELAXED);
	next->nr_switches++;
	__atomic_store_n(&next->on_cpu, 1, __ATOMIC_RELAXED);
	this_cpu_write(current_task, next);
	if (prev->mm != next->mm)
		switch_mm_irqs_off(prev->mm, next->mm);	/* mm/mm.h */

	prev = switch_to(prev, next);
	/* Back on this thread's stack, maybe much later. */
	finish_task_switch(prev);
}

/* Is this CPU running threads yet? */
static bool sched_here(void)
{
	return this_cpu_read(current_task) != NULL;
}

/*
 * The atomic-context check. Sleeping with a raised preempt count (a
 * section that disabled preemption, an RCU reader, an interrupt handler)
 * or with interrupts masked would stall RCU, deadlock on a held lock, or
 * sleep in a handler. Boot code runs with interrupts masked until the
 * CPU's timer starts ticking, and may sleep then: that is not reported.
 */
static void check_may_sleep(const char *what, unsigned long caller)
{
	unsigned int count = preempt_count();
	bool irqs_off = arch_irqs_disabled() && cpu_ticks(smp_processor_id());

	if (likely(!count && !irqs_off))
		return;
	WARN(true, "%s() from atomic context, called from %pS: preempt count %#x "
	     "(%u disabled, %u hardirq), interrupts %s, thread %s on CPU %u",
	     what, (void *)caller, count, count & PREEMPT_MASK,
	     (count & HARDIRQ_MASK) / HARDIRQ_OFFSET, irqs_off ? "off" : "on",
	     current ? current->name : "(none)", smp_processor_id());
}

void __might_sleep(unsigned long ip)
{
	if (sched_here())
		check_may_sleep("might_sleep", ip);
}

void schedule(void)
{
	unsigned long flags;

	if (WARN_ONCE(!sched_here(), "schedule() on CPU %u before its scheduler "
		      "runs, called from %pS", smp_processor_id(),
		      (void *)_RET_IP_))
		return;
	check_may_sleep("schedule", _RET_IP_);
	flags = arch_irq_save();
	__schedule(SM_SLEEP);
	arch_irq_restore(flags);
}

void yield(void)
{
	unsigned long flags;

	if (!sched_here())
		return;
	check_may_sleep("yield", _RET_IP_);
	flags = arch_irq_save();
	__schedule(SM_YIELD);
	arch_irq_restore(flags);
}

void preempt_schedule(void)
{
	unsigned long flags;

	if (preempt_count() || arch_irqs_disabled() || !sched_here())
		return;
	flags = arch_irq_save();
	__schedule(SM_PREEMPT);
	arch_irq_restore(flags);
}

void preempt_schedule_irq(void)
{
	if (!need_resched() || preempt_count() || !sched_here())
		return;
	__schedule(SM_PREEMPT);
}

bool wake_up_process(struct task_struct *p)
{
	struct rq *rq = &runqueues[p->cpu];
	unsigned long flags;
	bool kick = false;

	spin_lock_irqsave(&rq->lock, flags);
	if (__atomic_load_n(&p->state, __ATOMIC_RELAXED) != TASK_SLEEPING) {
		spin_unlock_irqrestore(&rq->lock, flags);
		return false;
	}
	__atomic_store_n(&p->state, TASK_RUNNING, __ATOMIC_RELAXED);
	/* Still curr: it has not left yet and will see TASK_RUNNING. */
	if (!p->on_rq && rq->curr != p) {
		enqueue(rq, p);
		kick = rq->curr == rq->idle;
	}
	spin_unlock_irqrestore(&rq->lock, flags);
	if (kick)
		resched_cpu(p->cpu);
	return true;
}

__noreturn void sched_exit_current(void)
{
	struct task_struct *me = current;

	arch_irq_disable();
	__schedule(SM_SLEEP);
	panic("thread %s (id %u) ran again after exiting", me->name, me->id);
}

void sched_tick(void)
{
	if (sched_here() && __atomic_load_n(&this_rq()->nr_queued, __ATOMIC_RELAXED))
		set_need_resched();
}

void scheduler_ipi(void)
{
	rcu_ipi();
	if (sched_here() && __atomic_load_n(&this_rq()->nr_queued, __ATOMIC_RELAXED))
		set_need_resched();
}

void schedule_idle(void)
{
	__schedule(SM_YIELD);
}
