/*
 * Tasks, idle threads, and the start of the scheduler on each CPU
 * (kernel/sched.h tells a task's life).
 *
 * Every task is on one list (tasks_lock) for the `threads` command and
 * gets an id in creation order. A new task's stack begins with the frame
 * switch_to() expects (arch_thread_setup()), so its first run enters
 * sched_thread_start(), which finishes the switch that brought it there,
 * enables interrupts and calls its function.
 *
 * The boot CPU's boot context becomes "init" (sched_init()), and each
 * AP's boot context its idle thread (cpu_startup_entry()); CPU 0's idle
 * thread gets a stack of its own, since init keeps the boot stack.
 */
#include <kernel/cpu.h>
#include <kernel/kthread.h>
#include <kernel/rcu_sched.h>
#include <kernel/sched.h>
#include <kernel/timer.h>
#include <lib/bug.h>
#include <lib/printk.h>
#include <lib/spinlock.h>
#include <lib/string.h>
#include <lib/vsprintf.h>
#include <mm/slab.h>
#include <asm/cpu.h>
#include "sched_internal.h"

static DEFINE_SPINLOCK(tasks_lock);
static LIST_HEAD(all_tasks);		/* (L: tasks_lock) */
static unsigned int next_task_id;	/* (L: tasks_lock) */

static struct task_struct init_task;

/* --- tasks ------------------------------------------------------------------- */

static void task_init(struct task_struct *p, unsigned int cpu, int (*fn)(void *),
		      void *arg, unsigned int flags, const char *name)
{
	unsigned long irqf;

	task_init_fields(p, cpu, fn, arg, flags, name);
	spin_lock_irqsave(&tasks_lock, irqf);
	p->id = next_task_id++;
	list_add_tail(&p->tasks, &all_tasks);
	spin_unlock_irqrestore(&tasks_lock, irqf);
}

/* A new thread's first instructions (ret_from_kthread calls it). */
static __noreturn void sched_thread_start(struct task_struct *prev)
{
	struct task_struct *me = current;

	finish_task_switch(prev);
	arch_irq_enable();
	kthread_exit(me->fn(me->arg));
}

struct task_struct *sched_alloc_task(unsigned int cpu, int (*fn)(void *),
				     void *arg, unsigned int flags, const char *name)
{
	struct task_struct *p = kzalloc(sizeof(*p));

	if (!p)
		return NULL;
	if (kstack_alloc(&p->stack)) {
		kfree(p);
		return NULL;
	}
	arch_thread_setup(&p->thread, kstack_top(&p->stack), sched_thread_start);
	task_init(p, cpu, fn, arg, flags, name);
	return p;
}

void sched_free_task(struct task_struct *p)
{
	unsigned long flags;

	spin_lock_irqsave(&tasks_lock, flags);
	list_del(&p->tasks);
	spin_unlock_irqrestore(&tasks_lock, flags);
	kstack_free(&p->stack);
	memset(p, 0x6b, sizeof(*p));	/* a stale pointer reads junk */
	kfree(p);
}

void sched_start_task(struct task_struct *p)
{
	struct rq *rq = &runqueues[p->cpu];
	unsigned long flags;
	bool kick;

	spin_lock_irqsave(&rq->lock, flags);
	enqueue(rq, p);
	kick = rq->curr == rq->idle;
	spin_unlock_irqrestore(&rq->lock, flags);
	if (kick)
		resched_cpu(p->cpu);
}

void sched_wait_off_cpu(struct task_struct *p)
{
	/* Acquire: pairs with the release in finish_task_switch(). */
	while (__atomic_load_n(&p->on_cpu, __ATOMIC_ACQUIRE))
		cpu_relax();
}

void sched_for_each_task(void (*fn)(struct task_struct *p, void *arg), void *arg)
{
	struct task_struct *p;
	unsigned long flags;

	spin_lock_irqsave(&tasks_lock, flags);
	list_for_each_entry(p, &all_tasks, tasks)
		fn(p, arg);
	spin_unlock_irqrestore(&tasks_lock, flags);
}

/* --- idle, and the start of each CPU ------------------------------------------ */

/*
 * The idle thread: with interrupts masked, report the quiescent state and
 * look at the queue; halt (sti; hlt, so an interrupt between the check
 * and the halt still wakes it) if it is empty. A remote wake-up that
 * queues a thread here sends the reschedule IPI because curr is idle.
 */
static __noreturn void idle_loop(void)
{
	struct rq *rq = this_rq();

	for (;;) {
		arch_irq_disable();
		rcu_idle_enter();
		if (__atomic_load_n(&rq->nr_queued, __ATOMIC_RELAXED)) {
			schedule_idle();
			continue;
		}
		arch_wait_for_interrupt();
	}
}

static int idle_thread_fn(void *arg)
{
	idle_loop();
}

__noreturn void cpu_startup_entry(unsigned int cpu)
{
	struct rq *rq = &runqueues[cpu];
	struct task_struct *idle;
	char name[TASK_NAME_LEN];

	BUG_ON(cpu >= NR_CPUS || cpu != smp_processor_id());
	while (!sched_running())	/* sched_init() comes first */
		cpu_relax();

	/* This context, on the CPU's boot stack, becomes its idle thread. */
	idle = kzalloc(sizeof(*idle));
	if (!idle)
		panic("sched: no memory for the idle thread of CPU %u", cpu);
	snprintf(name, sizeof(name), "idle/%u", cpu);
	task_init(idle, cpu, idle_thread_fn, NULL, PF_IDLE, name);
	idle->on_cpu = 1;
	spin_lock(&rq->lock);
	rq->idle = idle;
	rq->curr = idle;
	spin_unlock(&rq->lock);
	this_cpu_write(__preempt_count, 0);
	this_cpu_write(current_task, idle);

	sched_set_cpu_active(cpu);
	rcu_cpu_starting(cpu);
	idle_loop();
}

void sched_init(void)
{
	struct rq *rq0 = &runqueues[0];
	struct task_struct *idle;

	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		spin_lock_init(&runqueues[cpu].lock);
		INIT_LIST_HEAD(&runqueues[cpu].queue);
	}
	timer_init();

	/* The boot context, on the boot stack, becomes "init". */
	task_init(&init_task, 0, NULL, NULL, 0, "init");
	init_task.on_cpu = 1;
	rq0->curr = &init_task;
	this_cpu_write(current_task, &init_task);

	idle = sched_alloc_task(0, idle_thread_fn, NULL, PF_IDLE, "idle/0");
	if (!idle)
		panic("sched: no memory for the idle thread of CPU 0");
	rq0->idle = idle;

	sched_set_cpu_active(0);
	sched_set_running();
	rcu_init_sched();
	pr_info("sched: CPU 0 runs init and idle/0; stacks of %u KiB with a guard "
		"below, HZ %u, time slice %u ms", (unsigned int)(KSTACK_SIZE / 1024), HZ, 1000 / HZ);
}
