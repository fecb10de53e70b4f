/*
 * kernel.rcu.smp: grace periods across CPUs and threads (kernel/rcu.c).
 *
 * The interface cases that also run on the host are suite "kernel.rcu"
 * (kernel/tests/rcu_test.c); these need kernel threads on several CPUs. The
 * central proof: a reader that began before synchronize_rcu() (or before
 * call_rcu()) has ended by the time it returns (or the callback runs).
 * A reader thread on another CPU marks its section with a state word,
 * written inside the section:
 *
 *   READER_IN     set just after rcu_read_lock()
 *   READER_LEAVING set just before rcu_read_unlock(), after a hold time
 *
 * The updater waits until it sees READER_IN (so the reader began before
 * the updater's call), calls synchronize_rcu(), and must then see
 * READER_LEAVING: it cannot have returned while the reader was still
 * holding. Times are logged; only their order is asserted.
 */
#include <kernel/kthread.h>
#include <kernel/rcu.h>
#include <kernel/rcu_sched.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/timer.h>
#include <lib/errno.h>
#include <lib/ktest.h>
#include <lib/ktime.h>
#include <mm/slab.h>

#define WATCHDOG_MS	5000

enum { READER_IDLE, READER_IN, READER_LEAVING, READER_OUT };

struct reader {
	int state;		/* atomic: READER_* */
	unsigned int hold_ms;
	uint64_t leave_ns;	/* written inside the section, before LEAVING */
};

static int reader_thread(void *arg)
{
	struct reader *r = arg;

	rcu_read_lock();
	__atomic_store_n(&r->state, READER_IN, __ATOMIC_RELEASE);
	mdelay(r->hold_ms);		/* a long section: spinning, not sleeping */
	r->leave_ns = ktime_get_ns();
	__atomic_store_n(&r->state, READER_LEAVING, __ATOMIC_RELEASE);
	rcu_read_unlock();
	__atomic_store_n(&r->state, READER_OUT, __ATOMIC_RELEASE);
	return 0;
}

static unsigned int other_cpu(struct ktest *t)
{
	ASSERT_TRUE(t, num_online_cpus() >= 2);	/* declared: KTEST_NEEDS_CPUS(2) */
	return (smp_processor_id() + 1) % num_online_cpus();
}

static int reader_state(struct reader *r)
{
	return __atomic_load_n(&r->state, __ATOMIC_ACQUIRE);
}

/* Start a reader on `cpu` and return once it is inside its section. */
static struct task_struct *start_reader(struct ktest *t, struct reader *r,
					unsigned int cpu, unsigned int hold_ms)
{
	uint64_t end = ktime_get_ns() + WATCHDOG_MS * NSEC_PER_MSEC;
	struct task_struct *th;

	*r = (struct reader){ .state = READER_IDLE, .hold_ms = hold_ms };
	th = kthread_run_on(cpu, reader_thread, r);
	if (IS_ERR(th)) {
		ktest_fail(t, "kthread_run_on(%u): %ld", cpu, PTR_ERR(th));
		ktest_abort(t);
	}
	while (reader_state(r) == READER_IDLE)
		if (ktime_get_ns() > end) {
			ktest_fail(t, "the reader on CPU %u never started", cpu);
			ktest_abort(t);
		}
	return th;
}

static void reader_before_synchronize_ends_before_it_returns(struct ktest *t)
{
	unsigned int cpu = other_cpu(t);
	static struct reader r;

	for (int round = 0; round < 5; round++) {
		struct task_struct *th = start_reader(t, &r, cpu, 20);
		int seen;

		synchronize_rcu();
		seen = reader_state(&r);
		if (seen < READER_LEAVING)
			ktest_fail(t, "round %d: synchronize_rcu() returned while the "
				   "reader on CPU %u was still in its section (state %d)",
				   round, cpu, seen);
		kthread_join(th);
	}
}

static void reader_delays_the_grace_period(struct ktest *t)
{
	unsigned int cpu = other_cpu(t);
	static struct reader r;
	struct task_struct *th;
	uint64_t t0, t1, idle_ns;

	t0 = ktime_get_ns();
	synchronize_rcu();
	idle_ns = ktime_get_ns() - t0;

	th = start_reader(t, &r, cpu, 50);
	t0 = ktime_get_ns();
	synchronize_rcu();
	t1 = ktime_get_ns();
	kthread_join(th);
	ktest_log(t, "synchronize_rcu: %llu us with no reader, %llu us behind a "
		  "50 ms reader", (unsigned long long)(idle_ns / 1000),
		  (unsigned long long)((t1 - t0) / 1000));
	EXPECT_UGE(t, t1, r.leave_ns);		/* ordering, not a duration */
}

struct stamp {
	struct rcu_head head;
	struct reader *r;
	int ran;		/* atomic */
	int reader_state_seen;
	uint64_t ran_ns;
};

static void stamp_callback(struct rcu_head *head)
{
	struct stamp *s = container_of(head, struct stamp, head);

	s->ran_ns = ktime_get_ns();
	s->reader_state_seen = s->r ? reader_state(s->r) : -1;
	__atomic_fetch_add(&s->ran, 1, __ATOMIC_RELEASE);
}

static int ran(struct stamp *s)
{
	return __atomic_load_n(&s->ran, __ATOMIC_ACQUIRE);
}

static void callback_runs_after_a_reader_that_began_before(struct ktest *t)
{
	unsigned int cpu = other_cpu(t);
	static struct reader r;
	static struct stamp s;
	struct task_struct *th = start_reader(t, &r, cpu, 30);

	s = (struct stamp){ .r = &r };
	call_rcu(&s.head, stamp_callback);
	rcu_barrier();
	kthread_join(th);
	EXPECT_EQ(t, ran(&s), 1);
	EXPECT_GE(t, s.reader_state_seen, READER_LEAVING);
	EXPECT_UGE(t, s.ran_ns, r.leave_ns);
}

static void callback_runs_once_without_a_barrier(struct ktest *t)
{
	static struct stamp s;
	uint64_t end = ktime_get_ns() + WATCHDOG_MS * NSEC_PER_MSEC;

	s = (struct stamp){ 0 };
	call_rcu(&s.head, stamp_callback);
	/* Ticks, quiescent states and rcu/N do it all by themselves. */
	while (!ran(&s) && ktime_get_ns() < end)
		msleep(5);
	EXPECT_EQ(t, ran(&s), 1);
	synchronize_rcu();
	rcu_barrier();
	EXPECT_EQ(t, ran(&s), 1);
}

#define CBS_PER_CPU	200

struct cb_batch {
	struct stamp s[CBS_PER_CPU];
};

static int queue_batch(void *arg)
{
	struct cb_batch *b = arg;

	for (int i = 0; i < CBS_PER_CPU; i++)
		call_rcu(&b->s[i].head, stamp_callback);
	return 0;
}

static void callbacks_from_every_cpu_run_exactly_once(struct ktest *t)
{
	struct cb_batch *batch[NR_CPUS] = { 0 };
	struct task_struct *th[NR_CPUS];
	unsigned int cpu;
	int once = 0, total = 0;

	for_each_online_cpu(cpu) {
		batch[cpu] = kzalloc(sizeof(*batch[cpu]));
		ASSERT_NOT_NULL(t, batch[cpu]);
		th[cpu] = kthread_run_on(cpu, queue_batch, batch[cpu]);
		ASSERT_FALSE(t, IS_ERR(th[cpu]));
	}
	for_each_online_cpu(cpu)
		kthread_join(th[cpu]);
	rcu_barrier();
	for_each_online_cpu(cpu) {
		for (int i = 0; i < CBS_PER_CPU; i++) {
			once += ran(&batch[cpu]->s[i]) == 1;
			total++;
		}
		kfree(batch[cpu]);
	}
	EXPECT_EQ(t, once, total);
}

static int sync_ten_times(void *arg)
{
	for (int i = 0; i < 10; i++)
		synchronize_rcu();
	return 0;
}

static void synchronize_from_every_cpu_at_once(struct ktest *t)
{
	struct task_struct *th[NR_CPUS];
	struct rcu_stats before, after;
	unsigned int cpu;

	rcu_get_stats(&before);
	for_each_online_cpu(cpu) {
		th[cpu] = kthread_run_on(cpu, sync_ten_times, NULL);
		ASSERT_FALSE(t, IS_ERR(th[cpu]));
	}
	for_each_online_cpu(cpu)
		EXPECT_EQ(t, kthread_join(th[cpu]), 0);
	rcu_get_stats(&after);
	/* Ten calls in a row need ten grace periods; others may share them. */
	EXPECT_GE(t, (long)(after.gp_completed - before.gp_completed), 10);
}

static void synchronize_waits_for_a_new_grace_period(struct ktest *t)
{
	struct rcu_stats before, after;

	rcu_get_stats(&before);
	synchronize_rcu();
	rcu_get_stats(&after);
	EXPECT_GE(t, (long)(after.gp_completed - before.gp_started), 1);
	EXPECT_EQ(t, after.cpus & before.cpus, before.cpus);
	EXPECT_NE(t, after.cpus & 1, 0);
}

static void reader_section_is_not_preemptible(struct ktest *t)
{
	EXPECT_EQ(t, preempt_count() & PREEMPT_MASK, 0);
	rcu_read_lock();
	EXPECT_EQ(t, preempt_count() & PREEMPT_MASK, 1);
	rcu_read_lock();
	EXPECT_EQ(t, preempt_count() & PREEMPT_MASK, 2);
	rcu_read_unlock();
	rcu_read_unlock();
	EXPECT_EQ(t, preempt_count() & PREEMPT_MASK, 0);
}

static void every_started_cpu_takes_part(struct ktest *t)
{
	struct rcu_stats st;
	unsigned int cpu;
	uint64_t online = 0;

	for_each_online_cpu(cpu)
		if (sched_cpu_active(cpu))
			online |= 1ULL << cpu;
	rcu_get_stats(&st);
	EXPECT_EQ(t, st.cpus, online);
}

static const struct ktest_case rcu_kernel_cases[] = {
	KTEST_CASE_NEEDS(reader_before_synchronize_ends_before_it_returns, KTEST_NEEDS_CPUS(2),
		   "a reader on another CPU that began first has ended when sync returns"),
	KTEST_CASE_NEEDS(reader_delays_the_grace_period, KTEST_NEEDS_CPUS(2),
		   "synchronize_rcu returns after the reader's last instant, not before"),
	KTEST_CASE_NEEDS(callback_runs_after_a_reader_that_began_before, KTEST_NEEDS_CPUS(2),
		   "a call_rcu callback runs after a reader that began before it ended"),
	KTEST_CASE(callback_runs_once_without_a_barrier,
		   "ticks and the callback thread run a callback once, unprompted"),
	KTEST_CASE(callbacks_from_every_cpu_run_exactly_once,
		   "callbacks queued on every CPU all run exactly once by rcu_barrier"),
	KTEST_CASE(synchronize_from_every_cpu_at_once,
		   "concurrent synchronize_rcu on every CPU all return, 10+ grace periods"),
	KTEST_CASE(synchronize_waits_for_a_new_grace_period,
		   "synchronize_rcu ends a grace period that started after the call"),
	KTEST_CASE(reader_section_is_not_preemptible,
		   "rcu_read_lock raises the preempt count, nested, and unlock drops it"),
	KTEST_CASE(every_started_cpu_takes_part,
		   "every CPU running its scheduler is in the grace-period CPU mask"),
	{}
};
KTEST_SUITE(rcu_kernel_suite, "kernel.rcu.smp", rcu_kernel_cases);
