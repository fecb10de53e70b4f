/*
 * lib.spinlock: the ticket lock of lib/spinlock.h.
 *
 * The single-CPU cases check the ticket arithmetic and the variants; the
 * others put CPUs (kernel: IPIs, host: threads on CPU slots) on one lock
 * at once and check what a lock promises: counts made under it are exact,
 * waiters are served in the order they arrived, a waiter that waits too
 * long says who holds the lock. They skip on one CPU.
 */
#include <lib/atomic.h>
#include <lib/ktest.h>
#include <lib/ktime.h>
#include <lib/spinlock.h>
#include "other_cpu.h"

/*
 * Pairs per CPU. Few for every-CPU contention: under TCG with more vCPUs
 * than host cores, each hand-off of a ticket lock can wait for the host
 * to schedule the one vCPU whose turn it is (lock-waiter preemption, see
 * docs/smp.md): 0.5 ms a pair with 4 vCPUs on 2 cores, 1.7 ms with 7.
 */
#define COUNT_ROUNDS		20000
#define COUNT_ROUNDS_ALL	250
#define WAIT_NS			(60 * NSEC_PER_SEC)

static void fresh_lock_is_free_and_tickets_advance(struct ktest *t)
{
	DEFINE_SPINLOCK(l);

	EXPECT_FALSE(t, spin_is_locked(&l));
	spin_lock(&l);
	EXPECT_TRUE(t, spin_is_locked(&l));
	EXPECT_EQ(t, l.next, 1);
	EXPECT_EQ(t, l.owner, 0);
	EXPECT_EQ(t, l.holder_cpu, smp_processor_id());
	EXPECT_NE(t, l.holder_ip, 0);
	spin_unlock(&l);
	EXPECT_FALSE(t, spin_is_locked(&l));
	EXPECT_EQ(t, l.owner, 1);
	EXPECT_EQ(t, l.holder_ip, 0);
}

static void trylock_fails_while_held(struct ktest *t)
{
	DEFINE_SPINLOCK(l);

	ASSERT_TRUE(t, spin_trylock(&l));
	EXPECT_FALSE(t, spin_trylock(&l));
	EXPECT_EQ(t, l.next, 1);		/* a failed try draws no ticket */
	spin_unlock(&l);
	EXPECT_TRUE(t, spin_trylock(&l));
	spin_unlock(&l);
	EXPECT_FALSE(t, spin_is_locked(&l));
}

static void tickets_wrap_around(struct ktest *t)
{
	spinlock_t l = { .next = 0xfffffffeu, .owner = 0xfffffffeu };

	for (int i = 0; i < 4; i++) {
		spin_lock(&l);
		EXPECT_TRUE(t, spin_is_locked(&l));
		spin_unlock(&l);
	}
	EXPECT_EQ(t, l.owner, 2);
	EXPECT_FALSE(t, spin_is_locked(&l));
}

static void irqsave_restores_the_interrupt_state(struct ktest *t)
{
	DEFINE_SPINLOCK(l);
	bool before = arch_irqs_disabled();
	unsigned long f1, f2;

	spin_lock_irqsave(&l, f1);
	EXPECT_EQ(t, arch_irqs_disabled(), arch_irqs_disabled_flags(0));
	spin_unlock_irqrestore(&l, f1);
	EXPECT_EQ(t, arch_irqs_disabled(), before);

	ASSERT_TRUE(t, spin_trylock_irqsave(&l, f1));
	EXPECT_FALSE(t, spin_trylock_irqsave(&l, f2));	/* restores on failure */
	spin_unlock_irqrestore(&l, f1);
	EXPECT_EQ(t, arch_irqs_disabled(), before);
}

/* --- several CPUs -------------------------------------------------------- */

struct counter {
	spinlock_t lock;
	unsigned long value;		/* under lock: plain on purpose */
	unsigned long rounds;
	bool irqsave;
	struct start_line start;
};

static void count_under_lock(void *arg)
{
	struct counter *c = arg;
	unsigned long flags;

	start_line_wait(&c->start);
	for (unsigned long i = 0; i < c->rounds; i++) {
		if (c->irqsave) {
			spin_lock_irqsave(&c->lock, flags);
			c->value++;
			spin_unlock_irqrestore(&c->lock, flags);
		} else {
			spin_lock(&c->lock);
			c->value++;
			spin_unlock(&c->lock);
		}
	}
}

static void count_on_cpus(struct ktest *t, unsigned int others, unsigned long rounds,
			  bool irqsave)
{
	struct counter c = { .lock = __SPIN_LOCK_UNLOCKED, .rounds = rounds,
			     .irqsave = irqsave, .start = START_LINE_INIT };
	struct other_cpu_run runs[NR_CPUS];
	unsigned int started = 0;
	uint64_t start;

	ASSERT_TRUE(t, num_online_cpus() >= 2);	/* declared: KTEST_NEEDS_CPUS(2) */
	for (unsigned int i = 1; i <= others; i++) {
		if (other_cpu_start(&runs[i], other_cpu(i), count_under_lock, &c))
			break;
		started++;
	}
	EXPECT_EQ(t, started, others);
	EXPECT_TRUE(t, start_line_go(&c.start, (int)started, WAIT_NS));
	start = ktime_get_ns();
	count_under_lock(&c);
	for (unsigned int i = 1; i <= started; i++)
		ASSERT_TRUE(t, other_cpu_wait(&runs[i], WAIT_NS));
	spin_lock(&c.lock);
	EXPECT_EQ(t, c.value, rounds * (started + 1));
	spin_unlock(&c.lock);
	ktest_log(t, "%u CPUs, %lu contended lock/unlock pairs in %llu ms", started + 1,
		  rounds * (started + 1),
		  (unsigned long long)((ktime_get_ns() - start) / NSEC_PER_MSEC));
}

static void two_cpus_count_exactly(struct ktest *t)
{
	count_on_cpus(t, 1, COUNT_ROUNDS, false);
}

static void two_cpus_count_exactly_irqsave(struct ktest *t)
{
	count_on_cpus(t, 1, COUNT_ROUNDS, true);
}

static void every_cpu_counts_exactly(struct ktest *t)
{
	count_on_cpus(t, num_online_cpus() - 1, COUNT_ROUNDS_ALL, false);
}

struct fifo {
	spinlock_t lock;
	int order;			/* atomic: arrivals served so far */
	int served[2];			/* atomic: when waiter i was served */
};

static void fifo_waiter(void *arg, int who)
{
	struct fifo *f = arg;

	spin_lock(&f->lock);
	__atomic_store_n(&f->served[who], __atomic_add_fetch(&f->order, 1, __ATOMIC_RELAXED),
			 __ATOMIC_RELAXED);
	spin_unlock(&f->lock);
}

static void fifo_first(void *arg)  { fifo_waiter(arg, 0); }
static void fifo_second(void *arg) { fifo_waiter(arg, 1); }

/* Until the lock's ticket counter shows `tickets` drawn. */
static bool wait_for_tickets(spinlock_t *l, unsigned int tickets)
{
	uint64_t start = ktime_get_ns();

	while (__atomic_load_n(&l->next, __ATOMIC_RELAXED) != tickets) {
		if (ktime_get_ns() - start > WAIT_NS)
			return false;
		cpu_relax();
	}
	return true;
}

static void waiters_are_served_in_arrival_order(struct ktest *t)
{
	struct fifo f = { .lock = __SPIN_LOCK_UNLOCKED };
	struct other_cpu_run a, b;

	ASSERT_TRUE(t, num_online_cpus() >= 3);	/* declared: KTEST_NEEDS_CPUS(3) */
	spin_lock(&f.lock);					/* ticket 0 */
	ASSERT_EQ(t, other_cpu_start(&a, other_cpu(1), fifo_first, &f), 0);
	ASSERT_TRUE(t, wait_for_tickets(&f.lock, 2));		/* a holds ticket 1 */
	ASSERT_EQ(t, other_cpu_start(&b, other_cpu(2), fifo_second, &f), 0);
	ASSERT_TRUE(t, wait_for_tickets(&f.lock, 3));		/* b holds ticket 2 */
	spin_unlock(&f.lock);
	ASSERT_TRUE(t, other_cpu_wait(&a, WAIT_NS));
	ASSERT_TRUE(t, other_cpu_wait(&b, WAIT_NS));
	EXPECT_EQ(t, __atomic_load_n(&f.served[0], __ATOMIC_RELAXED), 1);
	EXPECT_EQ(t, __atomic_load_n(&f.served[1], __ATOMIC_RELAXED), 2);
}

static void take_and_drop(void *arg)
{
	spinlock_t *l = arg;

	spin_lock(l);
	spin_unlock(l);
}

#define REPORT_WATCHDOG_NS	(60 * NSEC_PER_SEC)

static void long_wait_is_reported(struct ktest *t)
{
	DEFINE_SPINLOCK(l);
	uint64_t old = READ_ONCE(spin_stall_threshold_ns);
	unsigned long before = __atomic_load_n(&spin_stall_reports, __ATOMIC_RELAXED);
	struct other_cpu_run r;
	uint64_t start;

	ASSERT_TRUE(t, num_online_cpus() >= 2);	/* declared: KTEST_NEEDS_CPUS(2) */
	WRITE_ONCE(spin_stall_threshold_ns, 20 * NSEC_PER_MSEC);
	spin_lock(&l);
	ASSERT_EQ(t, other_cpu_start(&r, other_cpu(1), take_and_drop, &l), 0);
	ASSERT_TRUE(t, wait_for_tickets(&l, 2));
	/* held until the waiter has reported (however long its CPU takes to
	 * spin past the threshold), then a little more: still one report.
	 * Counted on this lock: another lock's wait may pass the lowered
	 * threshold meanwhile (a holder's vCPU descheduled by a busy host) */
	start = ktime_get_ns();
	while (__atomic_load_n(&l.stalls, __ATOMIC_RELAXED) == 0 &&
	       ktime_get_ns() - start < REPORT_WATCHDOG_NS)
		cpu_relax();
	mdelay(50);
	spin_unlock(&l);
	ASSERT_TRUE(t, other_cpu_wait(&r, WAIT_NS));
	WRITE_ONCE(spin_stall_threshold_ns, old);
	EXPECT_EQ(t, __atomic_load_n(&l.stalls, __ATOMIC_RELAXED), 1);
	EXPECT_GE(t, __atomic_load_n(&spin_stall_reports, __ATOMIC_RELAXED) - before, 1);
}

#define BOUNDED_WAIT_NS	(50 * NSEC_PER_MSEC)
#define RETRY_BOUND_NS	(10 * NSEC_PER_SEC)

/*
 * A holder that never lets go (this case holds the lock itself, as a
 * fault inside the section leaves it): the first bounded wait runs out
 * and marks the lock broken; the next does not wait again; the lock,
 * free again, is taken once more and the mark cleared, said once.
 */
static void bounded_wait_remembers_a_broken_lock(struct ktest *t)
{
	DEFINE_SPINLOCK(l);
	bool broken = false;
	uint64_t start, took;

	spin_lock(&l);
	start = ktime_get_ns();
	EXPECT_EQ(t, spin_lock_bounded(&l, &broken, BOUNDED_WAIT_NS, ~0UL), SPIN_BOUNDED_FAILED);
	took = ktime_get_ns() - start;
	EXPECT_GE(t, took, BOUNDED_WAIT_NS);
	EXPECT_TRUE(t, broken);
	/* the next, with a bound of 10 s, tries once and gives up: it takes
	 * far less than the bound however long the host stalls this vCPU */
	start = ktime_get_ns();
	EXPECT_EQ(t, spin_lock_bounded(&l, &broken, RETRY_BOUND_NS, ~0UL), SPIN_BOUNDED_FAILED);
	took = ktime_get_ns() - start;
	EXPECT_LT(t, took, RETRY_BOUND_NS / 2);	/* one try, no second wait */
	EXPECT_EQ(t, l.next, 1);			/* the tries drew no ticket */
	spin_unlock(&l);
	EXPECT_EQ(t, spin_lock_bounded(&l, &broken, BOUNDED_WAIT_NS, ~0UL),
		  SPIN_BOUNDED_RECOVERED);
	EXPECT_FALSE(t, broken);
	spin_unlock(&l);
	EXPECT_EQ(t, spin_lock_bounded(&l, &broken, BOUNDED_WAIT_NS, ~0UL), SPIN_BOUNDED_LOCKED);
	spin_unlock(&l);
	EXPECT_FALSE(t, spin_is_locked(&l));
}

static void bounded_wait_counts_spins_without_a_clock(struct ktest *t)
{
	DEFINE_SPINLOCK(l);
	bool broken = false;

	spin_lock(&l);
	/* a wait bound the clock cannot reach: the spin count ends it */
	EXPECT_EQ(t, spin_lock_bounded(&l, &broken, ~0ULL, 1000), SPIN_BOUNDED_FAILED);
	EXPECT_TRUE(t, broken);
	spin_unlock(&l);
}

static const struct ktest_case spinlock_cases[] = {
	KTEST_CASE(fresh_lock_is_free_and_tickets_advance,
		   "lock draws ticket 0 and records the holder, unlock serves ticket 1"),
	KTEST_CASE(trylock_fails_while_held,
		   "trylock takes a free lock, fails on a held one without drawing a ticket"),
	KTEST_CASE(tickets_wrap_around,
		   "the ticket counters wrap past 2^32 and the lock still works"),
	KTEST_CASE(irqsave_restores_the_interrupt_state,
		   "irqsave masks interrupts, irqrestore and a failed trylock restore them"),
	KTEST_CASE(bounded_wait_remembers_a_broken_lock,
		   "a bounded wait that ran out is not waited again until the lock is had"),
	KTEST_CASE(bounded_wait_counts_spins_without_a_clock,
		   "the spin count bounds the wait where the clock does not"),
	KTEST_CASE_NEEDS(two_cpus_count_exactly, KTEST_NEEDS_CPUS(2),
		   "2 CPUs incrementing a plain counter under the lock reach the exact sum"),
	KTEST_CASE_NEEDS(two_cpus_count_exactly_irqsave, KTEST_NEEDS_CPUS(2),
		   "the same with spin_lock_irqsave"),
	KTEST_CASE_NEEDS(every_cpu_counts_exactly, KTEST_NEEDS_CPUS(2),
		   "every online CPU incrementing under the lock reaches the exact sum"),
	KTEST_CASE_NEEDS(waiters_are_served_in_arrival_order, KTEST_NEEDS_CPUS(3),
		   "a waiter that drew its ticket first gets the lock first (fairness)"),
	KTEST_CASE_NEEDS(long_wait_is_reported, KTEST_NEEDS_CPUS(2),
		   "a waiter spinning past the threshold reports the holder once"),
	{}
};
KTEST_SUITE(spinlock_suite, "lib.spinlock", spinlock_cases);
