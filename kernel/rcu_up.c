/*
 * RCU while only one CPU runs (kernel/rcu.h).
 *
 * What it assumes: one CPU executes kernel code, and read-side sections
 * are never preempted (there is no scheduler yet, and the sched flavour
 * forbids sleeping in them). Then a reader that started before
 * synchronize_rcu() was called, on the only CPU, must have ended before
 * the call could be made, unless the call comes from inside that very
 * reader. So:
 *
 *   - every point of this CPU outside a read-side section is a quiescent
 *     state, and a grace period is over as soon as one is reached;
 *   - synchronize_rcu() checks that it is not inside a reader (a WARN
 *     naming the caller: the code would deadlock on SMP) and returns;
 *   - call_rcu() queues the callback; queued callbacks run at the next
 *     quiescent point: synchronize_rcu(), rcu_barrier(), and
 *     rcu_quiescent_state(), which the shell's idle loop calls. The
 *     callback may be queued from inside a reader or an interrupt handler
 *     (the queue is guarded by masking interrupts), but it never runs
 *     there.
 *
 * The reader nesting depth is a per-CPU variable, so the one-instruction
 * this_cpu_inc/dec keep rcu_read_lock() cheap and interrupt-safe. An
 * interrupt that arrives inside a reader sees the depth and does not run
 * callbacks.
 *
 * The SMP step replaces this file: per-CPU quiescent-state reports from
 * the scheduler and the idle loop, a grace period that ends when every
 * online CPU has reported, and callbacks run after it.
 */
#include <kernel/rcu.h>
#include <lib/bug.h>
#include <lib/printk.h>
#include <asm/cpu.h>
#include <asm/percpu.h>

static DEFINE_PER_CPU(unsigned int, rcu_nesting);

/* Callbacks waiting for the next quiescent point, oldest first. Guarded
 * by masking interrupts (one CPU). */
static struct rcu_head *cb_head;
static struct rcu_head **cb_tail = &cb_head;

/* Keeps the compiler from moving the section's accesses across the
 * nesting update; one CPU needs no CPU barrier. */
#define compiler_barrier()	__atomic_signal_fence(__ATOMIC_SEQ_CST)

void rcu_read_lock(void)
{
	this_cpu_inc(rcu_nesting);
	compiler_barrier();
}

void rcu_read_unlock(void)
{
	compiler_barrier();
	if (WARN_ONCE(this_cpu_read(rcu_nesting) == 0,
		      "rcu_read_unlock() without rcu_read_lock(), from %pS",
		      __builtin_return_address(0)))
		return;
	this_cpu_dec(rcu_nesting);
}

bool rcu_read_lock_held(void)
{
	return this_cpu_read(rcu_nesting) != 0;
}

void call_rcu(struct rcu_head *head, rcu_callback_t func)
{
	unsigned long flags;

	head->func = func;
	head->next = NULL;
	flags = arch_irq_save();
	*cb_tail = head;
	cb_tail = &head->next;
	arch_irq_restore(flags);
}

/* Run the queued callbacks, and those they queue, until none is left. */
static void run_callbacks(void)
{
	for (;;) {
		unsigned long flags = arch_irq_save();
		struct rcu_head *list = cb_head;

		cb_head = NULL;
		cb_tail = &cb_head;
		arch_irq_restore(flags);
		if (!list)
			return;
		while (list) {
			struct rcu_head *next = list->next;

			list->func(list);	/* may free `list` */
			list = next;
		}
	}
}

void rcu_quiescent_state(void)
{
	if (!rcu_read_lock_held())
		run_callbacks();
}

/* The check synchronize_rcu() and rcu_barrier() share; true if bad. */
static bool inside_reader(const char *what, unsigned long caller)
{
	return WARN(rcu_read_lock_held(),
		    "%s() inside an RCU read-side section (depth %u), called "
		    "from %pS: it would never return on SMP", what,
		    this_cpu_read(rcu_nesting), (void *)caller);
}

void synchronize_rcu(void)
{
	if (inside_reader("synchronize_rcu", _RET_IP_))
		return;
	run_callbacks();
}

void rcu_barrier(void)
{
	if (inside_reader("rcu_barrier", _RET_IP_))
		return;
	run_callbacks();
}
