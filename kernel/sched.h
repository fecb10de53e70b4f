/*
 * Kernel threads and the per-CPU scheduler.
 *
 * Every CPU has a run queue: a FIFO of the runnable threads waiting for
 * it, under a spinlock. A thread belongs to one CPU for its whole life
 * (kthread_run_on(cpu...), or a CPU chosen round-robin by kthread_run());
 * there is no migration and no load balancing. schedule() on a CPU takes
 * the thread at the head of its queue, or the CPU's idle thread when the
 * queue is empty. A thread leaves the CPU when it
 *
 *   - sleeps: sets its state to TASK_SLEEPING, checks its condition,
 *     calls schedule() (wait queues, completions and msleep do this, see
 *     kernel/wait.h); wake_up_process() makes it runnable again;
 *   - yields: yield() puts it at the tail of the queue;
 *   - is preempted: the timer tick ends its slice (HZ per second) when
 *     another thread is waiting, and the interrupt return path switches
 *     if the interrupted code is preemptible (kernel/preempt.h);
 *   - exits: returns from its function or calls kthread_exit().
 *
 * The boot CPU's boot context becomes the thread "init" (sched_init());
 * every CPU has an idle thread that halts until an interrupt and counts
 * as an RCU quiescent state.
 *
 * Life of a thread (struct task_struct below):
 *
 *   created   kthread_run_on() allocates the task and its stack
 *             (kernel/kstack.h: guard page below), and queues it on its
 *             CPU. It is TASK_RUNNING from then on, except while it sleeps.
 *   runs      its function fn(arg), on its CPU only; may sleep and be
 *             woken any number of times; kthread_should_stop() says whether
 *             kthread_stop() asked it to return.
 *   exits     fn returns (or kthread_exit()): preemption is disabled, the
 *             exit code stored, `exited` completed, the state becomes
 *             TASK_DEAD and the thread switches away for the last time (the
 *             only switch after complete(): it cannot be preempted). It is
 *             still on its stack until that switch is over:
 *             finish_task_switch(), run by the next thread on that CPU,
 *             clears on_cpu (release).
 *   reaped    kthread_join() (or kthread_stop()) waits for `exited`, then
 *             for on_cpu == 0 (acquire), and only then frees the stack and
 *             the task. Exactly one join per thread; the pointer is invalid
 *             after it. A thread that is never joined leaks its stack.
 *
 * The idle threads, init, and the per-CPU RCU threads never exit.
 */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include <lib/compiler.h>
#include <lib/list.h>
#include <lib/string.h>
#include <kernel/completion.h>
#include <kernel/kstack.h>
#include <kernel/preempt.h>
#include <asm/barrier.h>
#include <asm/current.h>
#include <asm/percpu.h>
#include <asm/switch_to.h>

enum task_state {
	TASK_RUNNING = 0,	/* on its CPU, or queued for it */
	TASK_SLEEPING,		/* off the CPU until wake_up_process() */
	TASK_DEAD,		/* exited, waiting for kthread_join() */
};

#define TASK_NAME_LEN	24

#define PF_IDLE		0x1	/* the CPU's idle thread */
#define PF_KTHREAD	0x2	/* made by kthread_run_on(): may be joined */

/*
 * How each field may be read and written (the letters: docs/layout.md,
 * "Field legends"):
 *   (i) set before the task is first queued, then immutable
 *   (L) under the run-queue lock of task->cpu
 *   (p) by task->cpu itself, interrupts masked, inside the scheduler
 *   (o) by the task itself (the owner)
 *   (a) atomic accesses; each says what its pair is
 *   (t) the exit handshake: written by the owner before it completes
 *       `exited`, read by the reaper after waiting for it (the
 *       completion's lock orders the two)
 *   (L: tasks_lock) under tasks_lock (kernel/sched_task.c)
 */
struct task_struct {
	struct thread_struct thread;	/* (p) saved rsp: first (switch_to.asm) */

	unsigned int id;		/* (i) 0 init, then in creation order */
	unsigned int cpu;		/* (i) the only CPU it runs on (the host:
					 * the slot its thread entered first) */
	unsigned int flags;		/* (i) PF_* */
	char name[TASK_NAME_LEN];	/* (i) */
	int (*fn)(void *arg);		/* (i) */
	void *arg;			/* (i) */
	struct kstack stack;		/* (i) base NULL: a boot or AP stack */
	unsigned int fail_nth;		/* (o) kernel/fault_inject.h: fault-point
					 * calls until one fails; 0 none */
	const char *fail_at;		/* (o) the point that failed, or NULL */

	/*
	 * (a) Written with atomic stores: by the owner to TASK_SLEEPING or
	 * TASK_DEAD (set_current_state(), a full barrier after the store,
	 * paired with the waker's lock), and to TASK_RUNNING by
	 * wake_up_process() under the (L) lock. schedule() reads it under
	 * that lock.
	 */
	int state;
	struct list_head run_node;	/* (L) on the run queue iff on_rq */
	bool on_rq;			/* (L) */

	/*
	 * (a) 1 from the moment the scheduler picks it until the switch
	 * away from it is complete: release store in finish_task_switch(),
	 * acquire load in kthread_join() before the stack is freed.
	 */
	int on_cpu;
	/* (a) kthread_stop() sets it, kthread_should_stop() reads it. */
	bool should_stop;

	unsigned int saved_preempt_count; /* (p) across its switches */
	unsigned long nr_switches;	/* (p) times switched in */

	int exit_code;			/* (t) */
	struct completion exited;	/* completed once, by the owner */

	/* (o) the address space it runs in (use_mm(), mm/mm.h); NULL: the
	 * kernel's tables. __schedule() switches to it. */
	struct mm_struct *mm;

	struct list_head tasks;		/* (L: tasks_lock) all tasks, for `threads` */
};

/* `current`, the running thread, is the architecture's (<asm/current.h>). */

/* --- blocking and waking ------------------------------------------------ */

/*
 * The store-then-barrier of a sleeper: set the state, then check the
 * condition. The full barrier after the store pairs with the lock a waker
 * takes in wake_up_process() (and wake_up()): either the waker sees
 * TASK_SLEEPING and wakes us, or our condition check sees what the waker
 * wrote before waking.
 */
static inline void set_current_state(int state)
{
	__atomic_store_n(&current->state, state, __ATOMIC_SEQ_CST);
	smp_mb();
}

/* Without the barrier: back to TASK_RUNNING by the owner. */
static inline void __set_current_state(int state)
{
	__atomic_store_n(&current->state, state, __ATOMIC_RELAXED);
}

/*
 * Leave the CPU if the state says so (TASK_SLEEPING, TASK_DEAD) or
 * another thread should run; returns when this thread runs again.
 * Process context only, preemptible: from atomic context (preempt count
 * or interrupts off) it warns, naming the caller, and sleeps anyway.
 */
void schedule(void);
/* Let the other runnable threads of this CPU run first. */
void yield(void);

/*
 * Make a sleeping thread runnable (queue it on its CPU, kick that CPU if
 * it is idle). Any context. Returns false if it was not sleeping.
 */
bool wake_up_process(struct task_struct *p);

/* Warn (once per call site) if the caller may not sleep here. */
#define might_sleep()	__might_sleep(_THIS_IP_)
void __might_sleep(unsigned long ip);

/* --- setup and state ----------------------------------------------------- */

/* start_kernel(), boot CPU, after mem_init(): the boot context becomes
 * "init", CPU 0 gets its idle and RCU threads. */
void sched_init(void);
/* Has sched_init() run? Before it nothing may sleep. */
bool sched_running(void);
/* Is `cpu` running its scheduler (reached cpu_startup_entry())? */
bool sched_cpu_active(unsigned int cpu);

/* Context switches this CPU has made (for tests and figures). */
unsigned long sched_nr_switches(unsigned int cpu);

/* kernel/timer.c: the tick ends the running thread's slice if another waits. */
void sched_tick(void);

/* Used by kernel/kthread.c. */
struct task_struct *sched_alloc_task(unsigned int cpu, int (*fn)(void *),
				     void *arg, unsigned int flags, const char *name);
void sched_free_task(struct task_struct *p);
void sched_start_task(struct task_struct *p);
/* The last switch of an exiting thread (TASK_DEAD, preemption disabled). */
__noreturn void sched_exit_current(void);
/* Wait until `p` has switched away for the last time (on_cpu == 0). */
void sched_wait_off_cpu(struct task_struct *p);
/* Call fn(p, arg) for every task, under the task list lock. */
void sched_for_each_task(void (*fn)(struct task_struct *p, void *arg), void *arg);

/* A new task's own fields, before its scheduler numbers and lists it
 * (kernel/sched_task.c; on the host, arch/host/sched.c). */
static inline void task_init_fields(struct task_struct *p, unsigned int cpu,
				    int (*fn)(void *), void *arg, unsigned int flags,
				    const char *name)
{
	p->cpu = cpu;
	p->flags = flags;
	p->fn = fn;
	p->arg = arg;
	p->state = TASK_RUNNING;
	p->fail_nth = 0;
	p->fail_at = NULL;
	strlcpy(p->name, name, sizeof(p->name));
	INIT_LIST_HEAD(&p->run_node);
	init_completion(&p->exited);
}

static inline const char *task_state_name(int state)
{
	return state == TASK_RUNNING ? "running" :
	       state == TASK_SLEEPING ? "sleeping" :
	       state == TASK_DEAD ? "dead" : "?";
}

#endif /* KERNEL_SCHED_H */
