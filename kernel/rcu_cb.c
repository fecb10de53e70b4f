/*
 * RCU callbacks (kernel/rcu.h: call_rcu, rcu_barrier,
 * rcu_quiescent_state): per-CPU lists that follow the grace periods
 * kernel/rcu.c detects.
 *
 * Each CPU has three lists under its rcu_data lock:
 *   next  queued by call_rcu(), no GP chosen yet;
 *   wait  waiting for GP wait_gp to end;
 *   done  their GP is over, to be invoked.
 * advance_locked() moves them along: wait -> done once gp_completed >=
 * wait_gp; next -> wait with wait_gp = gp_started + 1, read under
 * rcu_state.lock (a GP that starts after they were queued: the current
 * one, if any, may have started before), requesting that GP. It runs at
 * call_rcu(), on each tick of a CPU with callbacks and in the CPU's
 * callback thread "rcu/N", which invokes the done list in order, in
 * process context, preemption disabled (callbacks must not sleep).
 *
 * rcu_barrier() queues one callback behind every CPU's callbacks and
 * waits for all of them; a CPU's count drops only after each callback
 * has run, so one that is being invoked still counts.
 *
 * Before sched_init() the boot CPU alone runs, without threads: every
 * point outside a reader is a quiescent state, and run_all_early() runs
 * the queued callbacks at once.
 *
 * Lock order: an rcu_data lock, then rcu_state.lock.
 */
#include <kernel/rcu_sched.h>
#include <kernel/sched.h>
#include <lib/bug.h>
#include <asm/cpu.h>
#include "rcu_internal.h"

/* --- callback lists ---------------------------------------------------- */

/* A zeroed list (tail NULL) is empty too: no setup before the first use. */
static struct rcu_head **cblist_tail(struct rcu_cblist *l)
{
	return l->head ? l->tail : &l->head;
}

static void cblist_init(struct rcu_cblist *l)
{
	l->head = NULL;
	l->tail = &l->head;
}

static void cblist_add(struct rcu_cblist *l, struct rcu_head *h)
{
	struct rcu_head **tail = cblist_tail(l);

	h->next = NULL;
	*tail = h;
	l->tail = &h->next;
}

/* Append all of `from` to `to`, leaving `from` empty. */
static void cblist_splice(struct rcu_cblist *to, struct rcu_cblist *from)
{
	struct rcu_head **tail;

	if (!from->head)
		return;
	tail = cblist_tail(to);
	*tail = from->head;
	to->tail = from->tail;
	cblist_init(from);
}

/* --- callbacks ------------------------------------------------------------- */

/* rdp->lock held: see the top of the file. True if some are done. */
bool advance_locked(struct rcu_data *rdp)
{
	if (rdp->wait.head && ULONG_CMP_GE(gp_completed(), rdp->wait_gp))
		cblist_splice(&rdp->done, &rdp->wait);
	if (rdp->next.head) {
		unsigned long gp;

		spin_lock(&rcu_state.lock);
		gp = rcu_state.gp_started + 1;
		/* `wait` may take them along if it waits for the same GP. */
		if (!rdp->wait.head || rdp->wait_gp == gp) {
			cblist_splice(&rdp->wait, &rdp->next);
			__atomic_store_n(&rdp->wait_gp, gp, __ATOMIC_RELAXED);
			gp_request_locked(gp);
		}
		spin_unlock(&rcu_state.lock);
	}
	return rdp->done.head != NULL;
}

bool advance(struct rcu_data *rdp)
{
	unsigned long flags;
	bool ready;

	spin_lock_irqsave(&rdp->lock, flags);
	ready = advance_locked(rdp);
	spin_unlock_irqrestore(&rdp->lock, flags);
	return ready;
}

/*
 * Invoke this CPU's done callbacks, in order. The whole batch runs with
 * preemption disabled, so two invokers on one CPU (the callback thread
 * and rcu_quiescent_state()) cannot interleave and reorder them.
 */
void invoke_done(struct rcu_data *rdp)
{
	struct rcu_cblist batch;
	unsigned long flags;

	preempt_disable();
	spin_lock_irqsave(&rdp->lock, flags);
	batch = rdp->done;
	cblist_init(&rdp->done);
	spin_unlock_irqrestore(&rdp->lock, flags);
	while (batch.head) {
		struct rcu_head *h = batch.head;

		batch.head = h->next;
		h->func(h);		/* may free h */
		/* Counted after the call: rcu_barrier() must see it pending
		 * until it has run. */
		__atomic_fetch_sub(&rdp->n_cbs, 1, __ATOMIC_RELEASE);
		__atomic_fetch_add(&rdp->n_invoked, 1, __ATOMIC_RELAXED);
	}
	preempt_enable();
}

int rcu_cb_thread(void *arg)
{
	struct rcu_data *rdp = arg;

	for (;;) {
		/* The barrier in set_current_state() pairs with the run-queue
		 * lock of the wake_up_process() in gp_ended() / rcu_tick(). */
		set_current_state(TASK_SLEEPING);
		if (!advance(rdp))
			schedule();
		__set_current_state(TASK_RUNNING);
		invoke_done(rdp);
	}
	return 0;
}

void call_rcu(struct rcu_head *head, rcu_callback_t func)
{
	struct rcu_data *rdp;
	unsigned long flags;

	head->func = func;
	flags = arch_irq_save();
	rdp = &rcu_data[smp_processor_id()];
	spin_lock(&rdp->lock);
	cblist_add(&rdp->next, head);
	__atomic_fetch_add(&rdp->n_cbs, 1, __ATOMIC_RELAXED);
	if (rcu_is_active())
		advance_locked(rdp);
	spin_unlock(&rdp->lock);
	arch_irq_restore(flags);
}

/* Before sched_init(): run every queued callback here (one CPU). */
void run_all_early(void)
{
	struct rcu_data *rdp = &rcu_data[0];
	unsigned long flags;

	for (;;) {
		spin_lock_irqsave(&rdp->lock, flags);
		cblist_splice(&rdp->done, &rdp->wait);
		cblist_splice(&rdp->done, &rdp->next);
		spin_unlock_irqrestore(&rdp->lock, flags);
		if (!rdp->done.head)
			return;
		invoke_done(rdp);
	}
}

struct barrier_data {
	struct barrier_head {
		struct rcu_head head;
		struct barrier_data *b;
	} heads[NR_CPUS];
	unsigned int pending;		/* (a) callbacks still to run, +1 */
	struct completion done;
};

static void barrier_callback(struct rcu_head *head)
{
	struct barrier_data *b = container_of(head, struct barrier_head, head)->b;

	if (__atomic_sub_fetch(&b->pending, 1, __ATOMIC_ACQ_REL) == 0)
		complete(&b->done);
}

void rcu_barrier(void)
{
	struct barrier_data b;
	uint64_t cpus;
	unsigned long flags;

	if (may_not_wait("rcu_barrier", _RET_IP_))
		return;
	if (!rcu_is_active()) {
		run_all_early();
		return;
	}
	b.pending = 1;
	init_completion(&b.done);
	cpus = __atomic_load_n(&rcu_state.cpus, __ATOMIC_ACQUIRE);
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		struct rcu_data *rdp = &rcu_data[cpu];

		if (!(cpus & (1ULL << cpu)))
			continue;
		spin_lock_irqsave(&rdp->lock, flags);
		/* Acquire: pairs with the release in invoke_done(). */
		if (__atomic_load_n(&rdp->n_cbs, __ATOMIC_ACQUIRE)) {
			__atomic_fetch_add(&b.pending, 1, __ATOMIC_RELAXED);
			b.heads[cpu].b = &b;
			b.heads[cpu].head.func = barrier_callback;
			cblist_add(&rdp->next, &b.heads[cpu].head);
			__atomic_fetch_add(&rdp->n_cbs, 1, __ATOMIC_RELAXED);
			advance_locked(rdp);
		}
		spin_unlock_irqrestore(&rdp->lock, flags);
	}
	if (__atomic_sub_fetch(&b.pending, 1, __ATOMIC_ACQ_REL) == 0)
		complete(&b.done);
	expedite();
	wait_for_completion(&b.done);
}

void rcu_quiescent_state(void)
{
	struct rcu_data *rdp;
	unsigned long flags;
	bool ready;

	if (rcu_read_lock_held() || irqs_off_after_boot())
		return;
	if (!rcu_is_active()) {
		run_all_early();
		return;
	}
	flags = arch_irq_save();
	rcu_qs();
	rdp = &rcu_data[smp_processor_id()];
	spin_lock(&rdp->lock);
	ready = advance_locked(rdp);
	spin_unlock(&rdp->lock);
	arch_irq_restore(flags);
	if (ready)
		invoke_done(rdp);
}

