/*
 * Generic SMP (kernel/smp.h): the online mask and cross-CPU calls.
 *
 * Each CPU has a call queue: a list of nodes under a spinlock. Calling fn
 * on CPU n is: describe the call (struct smp_call: fn, info, how many
 * targets have yet to run it), put one node per target on that target's
 * queue, send the target the call-function IPI, and, with `wait`, spin
 * until the count of targets still to run it drops to zero. The target's
 * IPI handler takes its whole queue at once (so one IPI may run several
 * calls, and an IPI that finds the queue empty is harmless), runs each
 * fn, and counts the call done.
 *
 * Life of a struct smp_call:
 *   waited       on the caller's stack, with its nodes; the caller may
 *                return (and the stack be reused) as soon as it sees
 *                pending reach 0, so a target touches neither the call nor
 *                its node after its decrement;
 *   asynchronous kmalloc'ed with its nodes; the target whose decrement
 *                reaches 0 frees it (the decrement is fully ordered, so
 *                that target sees every other target's writes first).
 *
 * Ordering: queueing happens under the target queue's lock and before the
 * IPI is sent (the IPI is a store to the LAPIC, ordered after the
 * unlock's release on x86; arch/x86/ipi.c adds the fence x2APIC needs);
 * the handler takes the same lock, so it sees the node. The decrement of
 * `pending` after fn is a release (part of a fully ordered RMW); the
 * waiter's acquire read of `pending` pairs with it, so whatever fn wrote
 * is visible to the caller when smp_call_function_single() returns.
 *
 * Deadlock rule: a CPU answers calls only with interrupts enabled; see
 * kernel/smp.h.
 *
 * Fields (the letters: docs/layout.md, "Field legends"): (i) set before
 * the call is queued, then read-only; (a) atomic; (L) under the queue's
 * lock; (p) written by the owning CPU only.
 */
#include <kernel/cpumask.h>
#include <kernel/smp.h>
#include <lib/atomic.h>
#include <lib/bug.h>
#include <lib/errno.h>
#include <lib/ktime.h>
#include <lib/list.h>
#include <lib/printk.h>
#include <lib/spinlock.h>
#include <mm/slab.h>
#include <asm/cpu.h>
#include <asm/percpu.h>

/* A waiter reports (once) after this long: a CPU that stopped answering. */
#define CALL_STALL_NS	(5 * NSEC_PER_SEC)

struct smp_call {
	smp_call_func_t fn;		/* (i) */
	void *info;			/* (i) */
	atomic_t pending;		/* (a) targets that have not finished fn */
	bool async;			/* (i) kmalloc'ed: the last target frees it */
};

struct smp_call_node {
	struct list_head link;		/* (L) on the target's call queue */
	struct smp_call *call;		/* (i) */
};

struct call_queue {
	spinlock_t lock;
	struct list_head list;		/* (L) smp_call_node.link, oldest first */
	unsigned long handled;		/* (p) calls this CPU ran for others */
};

static DEFINE_PER_CPU(struct call_queue, call_queue);

/* CPU 0, the boot CPU, is online from the first instruction. */
static cpumask_t online_mask = { { 1 } };

unsigned int num_online_cpus(void)
{
	return cpumask_weight(&online_mask);
}

bool cpu_online(unsigned int cpu)
{
	return cpu < nr_cpu_ids && cpumask_test_cpu(cpu, &online_mask);
}

void smp_prepare_cpus(unsigned int possible)
{
	BUG_ON(possible == 0 || possible > NR_CPUS);
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		struct call_queue *q = per_cpu_ptr(&call_queue, cpu);

		spin_lock_init(&q->lock);
		INIT_LIST_HEAD(&q->list);
	}
	nr_cpu_ids = possible;
}

void set_cpu_online(unsigned int cpu)
{
	/* Release: pairs with the acquire in cpu_online(); the CPU's queue
	 * and interrupt setup happen before anyone may call it. */
	cpumask_set_cpu(cpu, &online_mask);
}

unsigned long smp_calls_handled(unsigned int cpu)
{
	return READ_ONCE(per_cpu(call_queue, cpu).handled);
}

static void queue_call(unsigned int cpu, struct smp_call_node *node)
{
	struct call_queue *q = per_cpu_ptr(&call_queue, cpu);

	spin_lock(&q->lock);
	list_add_tail(&node->link, &q->list);
	spin_unlock(&q->lock);
	arch_send_call_function_ipi(cpu);
}

static void wait_for_call(struct smp_call *c)
{
	uint64_t start = ktime_get_ns();
	unsigned long spins = 0;
	bool reported = false;

	/* Acquire: pairs with the targets' fully ordered decrements. */
	while (atomic_read_acquire(&c->pending)) {
		cpu_relax();
		if (reported || ++spins % 4096)
			continue;
		if (ktime_get_ns() - start > CALL_STALL_NS) {
			pr_err("smp: CPU %u has waited %llu ms for %d CPU(s) to run %pS",
			       smp_processor_id(),
			       (unsigned long long)((ktime_get_ns() - start) / NSEC_PER_MSEC),
			       atomic_read(&c->pending), (void *)c->fn);
			reported = true;
		}
	}
}

void smp_call_function_interrupt(void)
{
	struct call_queue *q = this_cpu_ptr(&call_queue);
	LIST_HEAD(work);

	spin_lock(&q->lock);
	list_splice_init(&q->list, &work);
	spin_unlock(&q->lock);

	while (!list_empty(&work)) {
		struct smp_call_node *node = list_first_entry(&work, struct smp_call_node, link);
		struct smp_call *c = node->call;
		bool async = c->async;

		list_del(&node->link);
		c->fn(c->info);
		WRITE_ONCE(q->handled, q->handled + 1);
		/* Neither c nor node may be touched after this (a waiter's
		 * stack); fully ordered, see the top of the file. */
		if (atomic_dec_return(&c->pending) == 0 && async)
			kfree(c);
	}
}

/* Room for a call and n nodes, for an asynchronous call. */
static struct smp_call *alloc_async_call(unsigned int n, struct smp_call_node **nodes)
{
	struct smp_call *c = kmalloc(sizeof(*c) + n * sizeof(**nodes));

	if (c)
		*nodes = (struct smp_call_node *)(c + 1);
	return c;
}

int smp_call_function_single(unsigned int cpu, smp_call_func_t fn, void *info,
			     bool wait)
{
	struct smp_call stack_call, *c = &stack_call;
	struct smp_call_node stack_node, *node = &stack_node;
	unsigned long flags;

	if (!cpu_online(cpu))
		return -ENODEV;
	/* Masked while choosing: the caller cannot move to another CPU. */
	flags = arch_irq_save();
	if (cpu == smp_processor_id()) {
		fn(info);
		arch_irq_restore(flags);
		return 0;
	}
	WARN_ONCE(wait && arch_irqs_disabled_flags(flags),
		  "smp: waiting for CPU %u to run %pS with interrupts off may deadlock",
		  cpu, (void *)fn);
	if (!wait) {
		c = alloc_async_call(1, &node);
		if (!c) {
			arch_irq_restore(flags);
			return -ENOMEM;
		}
	}
	*c = (struct smp_call){ .fn = fn, .info = info, .async = !wait };
	atomic_set(&c->pending, 1);
	node->call = c;
	queue_call(cpu, node);
	arch_irq_restore(flags);

	if (wait)
		wait_for_call(c);
	return 0;
}

int smp_call_function(smp_call_func_t fn, void *info, bool wait)
{
	struct smp_call stack_call, *c = &stack_call;
	struct smp_call_node stack_nodes[NR_CPUS], *nodes = stack_nodes;
	unsigned int targets[NR_CPUS], n = 0, self, cpu;
	unsigned long flags;

	flags = arch_irq_save();
	self = smp_processor_id();
	for_each_online_cpu(cpu)
		if (cpu != self)
			targets[n++] = cpu;
	if (!n) {
		arch_irq_restore(flags);
		return 0;
	}
	WARN_ONCE(wait && arch_irqs_disabled_flags(flags),
		  "smp: waiting for %u CPUs to run %pS with interrupts off may deadlock",
		  n, (void *)fn);
	if (!wait) {
		c = alloc_async_call(n, &nodes);
		if (!c) {
			arch_irq_restore(flags);
			return -ENOMEM;
		}
	}
	*c = (struct smp_call){ .fn = fn, .info = info, .async = !wait };
	atomic_set(&c->pending, (int)n);
	for (unsigned int i = 0; i < n; i++) {
		nodes[i].call = c;
		queue_call(targets[i], &nodes[i]);
	}
	arch_irq_restore(flags);

	if (wait)
		wait_for_call(c);
	return 0;
}

void smp_send_reschedule(unsigned int cpu)
{
	if (cpu_online(cpu))
		arch_send_reschedule_ipi(cpu);
}
