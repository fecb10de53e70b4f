/*
 * kernel.rcu: the interface of kernel/rcu.h, as the calling CPU sees it.
 *
 * These cases hold in the kernel (kernel/rcu.c) and on the host
 * (arch/host/rcu.c) alike, so the host build compiles this file too.
 * What needs several CPUs (a reader elsewhere holding up a grace period)
 * is suite kernel.rcu.smp (kernel/tests/rcu_smp_test.c) in the kernel,
 * and arch.host.rcu (arch/host/tests/rcu_threads_test.c) on the host.
 */
#include <kernel/rcu.h>
#include <lib/ktest.h>
#include <lib/ktime.h>

struct tcb {
	struct rcu_head head;
	int ran;		/* atomic */
	int order;
};

static int order_counter;	/* atomic */

static void tcb_func(struct rcu_head *head)
{
	struct tcb *c = container_of(head, struct tcb, head);

	c->order = __atomic_add_fetch(&order_counter, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&c->ran, 1, __ATOMIC_RELAXED);
}

static int ran(struct tcb *c)
{
	return __atomic_load_n(&c->ran, __ATOMIC_RELAXED);
}

static void barrier_runs_queued_callbacks_in_order(struct ktest *t)
{
	struct tcb c[3] = { 0 };

	for (int i = 0; i < 3; i++)
		call_rcu(&c[i].head, tcb_func);
	rcu_barrier();
	for (int i = 0; i < 3; i++)
		EXPECT_EQ(t, ran(&c[i]), 1);
	EXPECT_LT(t, c[0].order, c[1].order);
	EXPECT_LT(t, c[1].order, c[2].order);
	rcu_barrier();
	EXPECT_EQ(t, ran(&c[0]), 1);
}

static void callback_waits_for_our_reader(struct ktest *t)
{
	struct tcb c = { 0 };

	rcu_read_lock();
	call_rcu(&c.head, tcb_func);
	rcu_quiescent_state();		/* inside a reader: not a quiescent state */
	mdelay(20);			/* the host's callback thread would run it now */
	EXPECT_EQ(t, ran(&c), 0);
	rcu_read_unlock();
	rcu_barrier();
	EXPECT_EQ(t, ran(&c), 1);
}

static void quiescent_state_runs_callbacks_eventually(struct ktest *t)
{
	struct tcb c = { 0 };
	uint64_t end = ktime_get_ns() + 5 * NSEC_PER_SEC;

	call_rcu(&c.head, tcb_func);
	while (!ran(&c) && ktime_get_ns() < end)
		rcu_quiescent_state();
	EXPECT_EQ(t, ran(&c), 1);
	rcu_barrier();
}

static void readers_nest(struct ktest *t)
{
	EXPECT_FALSE(t, rcu_read_lock_held());
	rcu_read_lock();
	rcu_read_lock();
	EXPECT_TRUE(t, rcu_read_lock_held());
	rcu_read_unlock();
	EXPECT_TRUE(t, rcu_read_lock_held());
	rcu_read_unlock();
	EXPECT_FALSE(t, rcu_read_lock_held());
}

static void waiting_inside_a_reader_warns(struct ktest *t)
{
	rcu_read_lock();
	synchronize_rcu();
	EXPECT_EQ(t, ktest_warnings(t), 1);
	rcu_barrier();
	EXPECT_EQ(t, ktest_warnings(t), 2);
	rcu_read_unlock();
	synchronize_rcu();
	EXPECT_EQ(t, ktest_warnings(t), 2);
}

static void publish_and_read(struct ktest *t)
{
	static int a = 1, b = 2;
	static int *gp = &a;
	int *p;

	rcu_read_lock();
	p = rcu_dereference(gp);
	rcu_read_unlock();
	EXPECT_EQ(t, *p, 1);
	rcu_assign_pointer(gp, &b);
	synchronize_rcu();		/* no reader can still hold &a */
	rcu_read_lock();
	EXPECT_EQ(t, *rcu_dereference(gp), 2);
	rcu_read_unlock();
	rcu_assign_pointer(gp, &a);
}

static const struct ktest_case rcu_cases[] = {
	KTEST_CASE(barrier_runs_queued_callbacks_in_order,
		   "rcu_barrier runs every queued callback once, in call order"),
	KTEST_CASE(callback_waits_for_our_reader,
		   "a callback queued inside a reader does not run until it ends"),
	KTEST_CASE(quiescent_state_runs_callbacks_eventually,
		   "callbacks run without rcu_barrier (quiescent points, callback thread)"),
	KTEST_CASE(readers_nest,
		   "read-side sections nest; rcu_read_lock_held follows"),
	KTEST_CASE(waiting_inside_a_reader_warns,
		   "synchronize_rcu and rcu_barrier inside a reader warn and return"),
	KTEST_CASE(publish_and_read,
		   "rcu_assign_pointer publishes, rcu_dereference reads, sync separates"),
	{}
};
KTEST_SUITE(rcu_suite, "kernel.rcu", rcu_cases);
