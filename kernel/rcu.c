/*
 * RCU, sched flavour, on every CPU (kernel/rcu.h; docs/rcu.md).
 *
 * Readers. rcu_read_lock() is preempt_disable(): a read-side section is a
 * stretch of code its CPU cannot leave (no sleep, no preemption).
 *
 * Quiescent state (QS): a moment at which a CPU is in no read-side
 * section. This file is told of three kinds (kernel/rcu_sched.h):
 *   - a context switch (the scheduler, whose caller had a preempt count
 *     of 0: a thread leaves the CPU outside any reader);
 *   - the idle loop, before it halts;
 *   - an interrupt (the tick, the reschedule IPI) that arrived while the
 *     preempt-disable depth was 0: the interrupted code was outside
 *     every reader, so at that instant the CPU is quiescent. (Code with
 *     interrupts masked is a reader too; it cannot be interrupted.)
 * rcu_quiescent_state() lets other code report one explicitly.
 *
 * Grace periods (GP) are numbered. rcu_state holds
 *   gp_started    how many GPs have started,
 *   gp_completed  how many have ended (== gp_started: none in progress),
 *   gp_needed     the highest GP number somebody waits for,
 *   qs_pending    a bit for each CPU that still owes the current GP a QS,
 *   cpus          the CPUs that take part (their scheduler runs),
 * all under rcu_state.lock. Starting GP number n = gp_started + 1 sets
 * qs_pending to `cpus`. A CPU at a QS takes the lock and, if its bit is
 * set, clears it; the CPU that clears the last bit ends the GP
 * (gp_completed = n) and starts the next one if gp_needed asks for it.
 * Each CPU remembers (qs_gp) the GP it last reported for, so the check
 * at the next QS is one load when there is nothing to report.
 *
 * Why that is a grace period: a reader that began before GP n started
 * runs on one CPU without leaving it; that CPU's bit is set at the start
 * and can only be cleared under the lock at a QS of that CPU *after* the
 * start, when the CPU is outside every reader: the old reader is over.
 * A CPU that joins during a GP is not in qs_pending: it ran no reader
 * before the start. Memory order: the report and the end are under
 * rcu_state.lock (a locked instruction, a full barrier on x86), so
 * everything each reader did is visible to the CPU that ends the GP;
 * gp_completed is then published with a release store, paired with the
 * acquire loads in synchronize_rcu() and in advance_locked().
 *
 * Callbacks (call_rcu, rcu_barrier) follow these GPs per CPU: see
 * kernel/rcu_cb.c.
 *
 * synchronize_rcu() asks for GP gp_started + 1, sends the reschedule IPI
 * to the CPUs that owe it a QS (an idle CPU or one outside readers then
 * answers at once instead of at its next tick), and sleeps on gp_wq
 * until gp_completed reaches it.
 *
 * Before sched_init() only the boot CPU runs, with no threads: every
 * point outside a reader is a QS there, so synchronize_rcu() returns at
 * once, after running the queued callbacks.
 *
 * Lock order: an rcu_data lock, then rcu_state.lock, then a run queue's
 * (threads are woken only after rcu_state.lock is dropped).
 */
#include <kernel/cpu.h>
#include <kernel/kthread.h>
#include <kernel/rcu_sched.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/timer.h>
#include <lib/bug.h>
#include <lib/ktime.h>
#include <lib/printk.h>
#include <lib/vsprintf.h>
#include <asm/cpu.h>
#include "rcu_internal.h"

#define STALL_NS		(10 * NSEC_PER_SEC)

struct rcu_data rcu_data[NR_CPUS];
struct rcu_state rcu_state = {
	.gp_wq = __WAIT_QUEUE_HEAD_INITIALIZER(rcu_state.gp_wq),
};
bool rcu_active;

/* --- grace periods -------------------------------------------------------- */

/* rcu_state.lock held: start the next GP if one is needed and none runs. */
static void gp_start_locked(void)
{
	if (rcu_state.gp_started != rcu_state.gp_completed ||
	    ULONG_CMP_GE(rcu_state.gp_completed, rcu_state.gp_needed))
		return;
	rcu_state.qs_pending = rcu_state.cpus;
	rcu_state.gp_start_ns = ktime_get_ns();
	__atomic_store_n(&rcu_state.gp_started, rcu_state.gp_started + 1,
			 __ATOMIC_RELEASE);
}

/* rcu_state.lock held: ask for GP `gp` (and start it if possible). */
void gp_request_locked(unsigned long gp)
{
	if (!ULONG_CMP_GE(rcu_state.gp_needed, gp))
		rcu_state.gp_needed = gp;
	gp_start_locked();
}

/*
 * rcu_state.lock held, `cpu` at a QS: clear its bit in the current GP.
 * True if that ended the GP (the next one may have started).
 */
static bool report_qs_locked(unsigned int cpu)
{
	uint64_t bit = 1ULL << cpu;

	if (rcu_state.gp_started == rcu_state.gp_completed ||
	    !(rcu_state.qs_pending & bit))
		return false;
	rcu_state.qs_pending &= ~bit;
	if (rcu_state.qs_pending)
		return false;
	/* Release: pairs with the acquire loads of gp_completed. */
	__atomic_store_n(&rcu_state.gp_completed, rcu_state.gp_started,
			 __ATOMIC_RELEASE);
	gp_start_locked();
	return true;
}

/*
 * Rouse whoever waits for a GP that just ended: synchronize_rcu()
 * callers, and the callback thread of each CPU whose `wait` list it was
 * (a hint read without the lock; the tick catches a miss).
 */
static void gp_ended(void)
{
	unsigned long completed = gp_completed();
	uint64_t cpus = __atomic_load_n(&rcu_state.cpus, __ATOMIC_RELAXED);

	wake_up_all(&rcu_state.gp_wq);
	for (unsigned int cpu = 0; cpus; cpu++, cpus >>= 1) {
		struct rcu_data *rdp = &rcu_data[cpu];

		if (!(cpus & 1) || !rcu_kthread(rdp))
			continue;
		if (__atomic_load_n(&rdp->wait.head, __ATOMIC_RELAXED) &&
		    ULONG_CMP_GE(completed, __atomic_load_n(&rdp->wait_gp, __ATOMIC_RELAXED)))
			wake_up_process(rcu_kthread(rdp));
	}
}

/* This CPU is at a QS now (interrupts masked). */
void rcu_qs(void)
{
	unsigned int cpu = smp_processor_id();
	struct rcu_data *rdp = &rcu_data[cpu];
	bool ended = false;
	unsigned long gp;

	if (!rcu_is_active() || rdp->qs_gp == gp_started())
		return;
	spin_lock(&rcu_state.lock);
	/*
	 * A GP this report ends may start the next one at once; this CPU is
	 * still outside every reader, so it may report for that one too.
	 */
	for (;;) {
		gp = rcu_state.gp_started;
		if (!report_qs_locked(cpu))
			break;
		ended = true;
		if (rcu_state.gp_started == gp)
			break;
	}
	rdp->qs_gp = gp;
	spin_unlock(&rcu_state.lock);
	if (ended)
		gp_ended();
}

/* The CPUs that still owe the current GP a QS get a reschedule IPI. */
void expedite(void)
{
	unsigned int self = smp_processor_id();
	unsigned long flags;
	uint64_t owe;

	spin_lock_irqsave(&rcu_state.lock, flags);
	owe = rcu_state.gp_started != rcu_state.gp_completed ? rcu_state.qs_pending : 0;
	spin_unlock_irqrestore(&rcu_state.lock, flags);
	for (unsigned int cpu = 0; owe; cpu++, owe >>= 1)
		if ((owe & 1) && cpu != self)
			smp_send_reschedule(cpu);
}

/* --- readers ------------------------------------------------------------------ */

void rcu_read_lock(void)
{
	preempt_disable();
}

void rcu_read_unlock(void)
{
	if (WARN_ONCE(!(preempt_count() & PREEMPT_MASK),
		      "rcu_read_unlock() without rcu_read_lock(), from %pS",
		      (void *)_RET_IP_))
		return;
	preempt_enable();
}

bool rcu_read_lock_held(void)
{
	return preempt_count() != 0;
}

/*
 * Interrupts masked where they should not be: boot code runs with them
 * masked until the CPU's timer starts, and may wait for a grace period.
 */
bool irqs_off_after_boot(void)
{
	return arch_irqs_disabled() && cpu_ticks(smp_processor_id());
}

/* The check synchronize_rcu() and rcu_barrier() share; true if bad. */
bool may_not_wait(const char *what, unsigned long caller)
{
	return WARN(rcu_read_lock_held() || irqs_off_after_boot(),
		    "%s() inside an RCU read-side section or atomic context "
		    "(preempt count %#x, interrupts %s), called from %pS: it "
		    "would wait for itself", what, preempt_count(),
		    arch_irqs_disabled() ? "off" : "on", (void *)caller);
}

/* --- waiting -------------------------------------------------------------------- */

void synchronize_rcu(void)
{
	unsigned long flags, gp;

	if (may_not_wait("synchronize_rcu", _RET_IP_))
		return;
	if (!rcu_is_active()) {
		run_all_early();
		return;
	}
	spin_lock_irqsave(&rcu_state.lock, flags);
	gp = rcu_state.gp_started + 1;
	gp_request_locked(gp);
	spin_unlock_irqrestore(&rcu_state.lock, flags);
	expedite();
	/* Our own QS: the context switch of the sleep below (or the check
	 * here, if the other CPUs were quicker). */
	while (!wait_event_timeout(rcu_state.gp_wq, ULONG_CMP_GE(gp_completed(), gp),
				   STALL_NS / NSEC_PER_MSEC))
		pr_err("rcu: synchronize_rcu() from %pS has waited %llu s for "
		       "grace period %lu; CPUs owing a quiescent state: %#llx",
		       (void *)_RET_IP_, STALL_NS / NSEC_PER_SEC, gp,
		       (unsigned long long)__atomic_load_n(&rcu_state.qs_pending,
							   __ATOMIC_RELAXED));
}

/* --- the scheduler's and the tick's reports (kernel/rcu_sched.h) ----------------- */

void rcu_note_context_switch(void)
{
	rcu_qs();
}

void rcu_idle_enter(void)
{
	rcu_qs();
}

/* In an interrupt: was the interrupted code outside every reader? */
static void rcu_irq_qs(void)
{
	if (!(preempt_count() & PREEMPT_MASK))
		rcu_qs();
}

static void check_stall(void)
{
	uint64_t now = ktime_get_ns(), owe = 0;
	unsigned long gp = 0;

	spin_lock(&rcu_state.lock);
	if (rcu_state.gp_started != rcu_state.gp_completed &&
	    now - rcu_state.gp_start_ns > STALL_NS &&
	    rcu_state.stall_warned_gp != rcu_state.gp_started) {
		gp = rcu_state.stall_warned_gp = rcu_state.gp_started;
		owe = rcu_state.qs_pending;
	}
	spin_unlock(&rcu_state.lock);
	if (gp)
		pr_err("rcu: grace period %lu has lasted over %llu s; CPUs that "
		       "have not reported a quiescent state: %#llx (a reader that "
		       "never ends, or a CPU with interrupts masked)", gp,
		       STALL_NS / NSEC_PER_SEC, (unsigned long long)owe);
}

void rcu_tick(void)
{
	unsigned int cpu = smp_processor_id();
	struct rcu_data *rdp = &rcu_data[cpu];

	if (!rcu_is_active())
		return;
	rcu_irq_qs();
	if (__atomic_load_n(&rdp->n_cbs, __ATOMIC_RELAXED) && advance(rdp) && rcu_kthread(rdp))
		wake_up_process(rcu_kthread(rdp));
	if (cpu == 0)
		check_stall();
}

void rcu_ipi(void)
{
	if (rcu_is_active())
		rcu_irq_qs();
}

void rcu_cpu_starting(unsigned int cpu)
{
	struct rcu_data *rdp = &rcu_data[cpu];
	char name[TASK_NAME_LEN];
	struct task_struct *t;
	unsigned long flags;

	spin_lock_irqsave(&rcu_state.lock, flags);
	/* It joins the next GP; it owes the current one nothing. */
	rdp->qs_gp = rcu_state.gp_started;
	__atomic_fetch_or(&rcu_state.cpus, 1ULL << cpu, __ATOMIC_RELEASE);
	spin_unlock_irqrestore(&rcu_state.lock, flags);

	snprintf(name, sizeof(name), "rcu/%u", cpu);
	t = kthread_run_on_named(cpu, rcu_cb_thread, rdp, name);
	if (IS_ERR(t))
		panic("rcu: cannot start the callback thread of CPU %u (%ld)",
		      cpu, PTR_ERR(t));
	/* Release: pairs with the acquire in rcu_kthread(). */
	__atomic_store_n(&rdp->kthread, t, __ATOMIC_RELEASE);
}

void rcu_init_sched(void)
{
	rcu_cpu_starting(0);
	__atomic_store_n(&rcu_active, true, __ATOMIC_RELEASE);
	advance(&rcu_data[0]);		/* callbacks queued before now */
}

void rcu_get_stats(struct rcu_stats *st)
{
	unsigned long flags;

	spin_lock_irqsave(&rcu_state.lock, flags);
	st->gp_started = rcu_state.gp_started;
	st->gp_completed = rcu_state.gp_completed;
	st->gp_needed = rcu_state.gp_needed;
	st->qs_pending = rcu_state.gp_started != rcu_state.gp_completed ?
			 rcu_state.qs_pending : 0;
	st->cpus = rcu_state.cpus;
	spin_unlock_irqrestore(&rcu_state.lock, flags);
	st->cbs_pending = st->cbs_invoked = 0;
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		st->cbs_pending += __atomic_load_n(&rcu_data[cpu].n_cbs, __ATOMIC_RELAXED);
		st->cbs_invoked += __atomic_load_n(&rcu_data[cpu].n_invoked, __ATOMIC_RELAXED);
	}
}
