/*
 * mm.percpu_ref: the life story of mm/percpu_ref.h, case by case.
 *
 * Each case owns a `struct tref`: the ref, how often release and confirm
 * ran, and the count at confirmation. Kills and switches finish in an RCU
 * callback, so a case calls rcu_barrier() before it looks at the result
 * (in the single-CPU kernel that is where the callback runs; on the host
 * it waits for the callback thread). Every case ends with
 * percpu_ref_exit() so the per-CPU counters go back to the allocator.
 *
 * "Another CPU" is reached with smp_call_function_single(): on the host a
 * one-thread hop to another host CPU slot, in the kernel an IPI once the
 * SMP step brings them; until then the cases that need it skip.
 */
#include <kernel/rcu.h>
#include <kernel/smp.h>
#include <lib/ktest.h>
#include <mm/percpu_ref.h>

struct tref {
	struct percpu_ref ref;
	int released;		/* atomic: release() calls */
	int confirmed;		/* atomic: confirm calls */
	long count_at_confirm;
};

static void tref_release(struct percpu_ref *ref)
{
	__atomic_fetch_add(&container_of(ref, struct tref, ref)->released, 1,
			   __ATOMIC_RELAXED);
}

static void tref_confirm(struct percpu_ref *ref)
{
	struct tref *tr = container_of(ref, struct tref, ref);

	tr->count_at_confirm = percpu_ref_atomic_count(ref);
	__atomic_fetch_add(&tr->confirmed, 1, __ATOMIC_RELAXED);
}

static int released(struct tref *tr)
{
	return __atomic_load_n(&tr->released, __ATOMIC_RELAXED);
}

static int confirmed(struct tref *tr)
{
	return __atomic_load_n(&tr->confirmed, __ATOMIC_RELAXED);
}

static void tref_init(struct ktest *t, struct tref *tr, unsigned int flags)
{
	*tr = (struct tref){ 0 };
	ASSERT_EQ(t, percpu_ref_init(&tr->ref, tref_release, flags), 0);
}

/* A CPU other than this one (the case declares KTEST_NEEDS_CPUS(2)). */
static unsigned int other_cpu(struct ktest *t)
{
	ASSERT_TRUE(t, num_online_cpus() >= 2);	/* declared: KTEST_NEEDS_CPUS(2) */
	return (smp_processor_id() + 1) % num_online_cpus();
}

static void get3(void *arg)
{
	percpu_ref_get_many(arg, 3);
}

static void put1(void *arg)
{
	percpu_ref_put(arg);
}

static void get_put_then_kill_releases_once(struct ktest *t)
{
	struct tref tr;

	tref_init(t, &tr, 0);
	for (int i = 0; i < 100; i++)
		percpu_ref_get(&tr.ref);
	for (int i = 0; i < 100; i++)
		percpu_ref_put(&tr.ref);
	EXPECT_FALSE(t, percpu_ref_is_zero(&tr.ref));
	percpu_ref_kill(&tr.ref);
	rcu_barrier();
	EXPECT_EQ(t, released(&tr), 1);
	EXPECT_TRUE(t, percpu_ref_is_zero(&tr.ref));
	EXPECT_EQ(t, ktest_warnings(t), 0);
	percpu_ref_exit(&tr.ref);
}

static void cross_cpu_counts_sum_exactly_at_kill(struct ktest *t)
{
	unsigned int here = smp_processor_id(), other = other_cpu(t);
	unsigned long __percpu *counters;
	struct tref tr;

	tref_init(t, &tr, 0);
	counters = (unsigned long __percpu *)tr.ref.percpu_count_ptr;
	ASSERT_EQ(t, smp_call_function_single(other, get3, &tr.ref, true), 0);
	percpu_ref_put(&tr.ref);
	percpu_ref_put(&tr.ref);
	/* Neither counter means anything alone: +3 there, -2 here. */
	EXPECT_EQ(t, *per_cpu_ptr(counters, other), 3);
	EXPECT_EQ(t, (long)*per_cpu_ptr(counters, here), -2);

	percpu_ref_kill(&tr.ref);
	rcu_barrier();
	EXPECT_EQ(t, percpu_ref_atomic_count(&tr.ref), 1);
	EXPECT_EQ(t, released(&tr), 0);
	ASSERT_EQ(t, smp_call_function_single(other, put1, &tr.ref, true), 0);
	EXPECT_EQ(t, released(&tr), 1);
	EXPECT_EQ(t, ktest_warnings(t), 0);
	percpu_ref_exit(&tr.ref);
}

static void live_switch_confirms_an_exact_count(struct ktest *t)
{
	struct tref tr;

	tref_init(t, &tr, 0);
	percpu_ref_get_many(&tr.ref, 3);
	percpu_ref_switch_to_atomic(&tr.ref, tref_confirm);
	rcu_barrier();
	ASSERT_EQ(t, confirmed(&tr), 1);
	/* 3 gets + the initial reference; the switch's own is already gone */
	EXPECT_EQ(t, tr.count_at_confirm, 3 + 1);
	percpu_ref_put_many(&tr.ref, 3);
	percpu_ref_kill(&tr.ref);
	EXPECT_EQ(t, released(&tr), 1);
	EXPECT_EQ(t, ktest_warnings(t), 0);
	percpu_ref_exit(&tr.ref);
}

static void kill_switch_holds_its_reference_through_confirm(struct ktest *t)
{
	struct tref tr;

	tref_init(t, &tr, 0);
	percpu_ref_get(&tr.ref);
	rcu_read_lock();		/* the switch's callback waits for this */
	percpu_ref_kill_and_confirm(&tr.ref, tref_confirm);
	percpu_ref_put(&tr.ref);	/* the last holder, before the callback */
	EXPECT_EQ(t, released(&tr), 0);	/* the switch still holds one */
	rcu_read_unlock();
	rcu_barrier();
	ASSERT_EQ(t, confirmed(&tr), 1);
	EXPECT_EQ(t, tr.count_at_confirm, 1);	/* the switch's own, nothing else */
	EXPECT_EQ(t, released(&tr), 1);		/* dropped after the confirmation */
	EXPECT_EQ(t, ktest_warnings(t), 0);
	percpu_ref_exit(&tr.ref);
}

static void release_waits_for_the_last_holder(struct ktest *t)
{
	struct tref tr;

	tref_init(t, &tr, 0);
	percpu_ref_get_many(&tr.ref, 2);
	percpu_ref_kill_and_confirm(&tr.ref, tref_confirm);
	rcu_barrier();
	EXPECT_EQ(t, confirmed(&tr), 1);
	EXPECT_EQ(t, percpu_ref_atomic_count(&tr.ref), 2);
	percpu_ref_put(&tr.ref);
	EXPECT_EQ(t, released(&tr), 0);
	percpu_ref_put(&tr.ref);
	EXPECT_EQ(t, released(&tr), 1);
	rcu_barrier();
	EXPECT_EQ(t, released(&tr), 1);
	EXPECT_EQ(t, confirmed(&tr), 1);
	percpu_ref_exit(&tr.ref);
}

static void tryget_live_fails_after_confirm(struct ktest *t)
{
	struct tref tr;

	tref_init(t, &tr, 0);
	EXPECT_TRUE(t, percpu_ref_tryget_live(&tr.ref));	/* held below */
	percpu_ref_kill_and_confirm(&tr.ref, tref_confirm);
	rcu_barrier();
	ASSERT_EQ(t, confirmed(&tr), 1);
	EXPECT_TRUE(t, percpu_ref_is_dying(&tr.ref));
	EXPECT_FALSE(t, percpu_ref_tryget_live(&tr.ref));
	/* A holder may still take more while the count is not zero. */
	EXPECT_TRUE(t, percpu_ref_tryget(&tr.ref));
	percpu_ref_put(&tr.ref);
	percpu_ref_put(&tr.ref);
	EXPECT_EQ(t, released(&tr), 1);
	EXPECT_FALSE(t, percpu_ref_tryget(&tr.ref));
	EXPECT_FALSE(t, percpu_ref_tryget_live(&tr.ref));
	percpu_ref_exit(&tr.ref);
}

static void reinit_after_zero(struct ktest *t)
{
	struct tref tr;

	tref_init(t, &tr, PERCPU_REF_ALLOW_REINIT);
	for (int round = 1; round <= 3; round++) {
		percpu_ref_get(&tr.ref);
		percpu_ref_put(&tr.ref);
		percpu_ref_kill(&tr.ref);
		rcu_barrier();
		EXPECT_TRUE(t, percpu_ref_is_zero(&tr.ref));
		EXPECT_EQ(t, released(&tr), round);
		percpu_ref_reinit(&tr.ref);
		EXPECT_FALSE(t, percpu_ref_is_dying(&tr.ref));
		EXPECT_FALSE(t, percpu_ref_is_zero(&tr.ref));
		EXPECT_TRUE(t, percpu_ref_tryget_live(&tr.ref));
		percpu_ref_put(&tr.ref);
	}
	percpu_ref_kill(&tr.ref);
	rcu_barrier();
	EXPECT_EQ(t, released(&tr), 4);
	EXPECT_EQ(t, ktest_warnings(t), 0);
	percpu_ref_exit(&tr.ref);
}

static void reinit_without_allow_reinit_warns(struct ktest *t)
{
	struct tref tr;

	tref_init(t, &tr, 0);
	percpu_ref_kill(&tr.ref);
	rcu_barrier();
	ASSERT_EQ(t, released(&tr), 1);
	percpu_ref_reinit(&tr.ref);	/* its counters were freed at the switch */
	EXPECT_EQ(t, ktest_warnings(t), 1);
	EXPECT_TRUE(t, percpu_ref_is_dying(&tr.ref));
	percpu_ref_exit(&tr.ref);
}

static void underflow_warns_at_the_switch(struct ktest *t)
{
	struct tref tr;

	tref_init(t, &tr, 0);
	percpu_ref_get(&tr.ref);
	percpu_ref_put(&tr.ref);
	percpu_ref_put(&tr.ref);	/* one put too many: nobody notices yet */
	EXPECT_EQ(t, ktest_warnings(t), 0);
	percpu_ref_kill(&tr.ref);
	rcu_barrier();
	EXPECT_EQ(t, ktest_warnings(t), 1);
	EXPECT_EQ(t, released(&tr), 0);	/* the count went past zero */
	EXPECT_EQ(t, percpu_ref_atomic_count(&tr.ref), -1);
	percpu_ref_exit(&tr.ref);
}

static void switch_round_trips_keep_the_count(struct ktest *t)
{
	struct tref tr;

	tref_init(t, &tr, 0);
	percpu_ref_get_many(&tr.ref, 3);
	percpu_ref_switch_to_atomic(&tr.ref, tref_confirm);
	rcu_barrier();
	EXPECT_EQ(t, confirmed(&tr), 1);
	EXPECT_EQ(t, percpu_ref_atomic_count(&tr.ref), 4);

	percpu_ref_switch_to_percpu(&tr.ref);
	percpu_ref_get_many(&tr.ref, 2);
	percpu_ref_put(&tr.ref);
	percpu_ref_switch_to_atomic_sync(&tr.ref);
	EXPECT_EQ(t, percpu_ref_atomic_count(&tr.ref), 5);
	percpu_ref_switch_to_percpu(&tr.ref);

	percpu_ref_kill(&tr.ref);
	rcu_barrier();
	EXPECT_EQ(t, percpu_ref_atomic_count(&tr.ref), 4);
	percpu_ref_put_many(&tr.ref, 4);
	EXPECT_EQ(t, released(&tr), 1);
	EXPECT_EQ(t, ktest_warnings(t), 0);
	percpu_ref_exit(&tr.ref);
}

static void get_many_put_many(struct ktest *t)
{
	struct tref tr;

	tref_init(t, &tr, 0);
	percpu_ref_get_many(&tr.ref, 1000);
	percpu_ref_put_many(&tr.ref, 400);
	percpu_ref_kill(&tr.ref);
	rcu_barrier();
	EXPECT_EQ(t, percpu_ref_atomic_count(&tr.ref), 600);
	percpu_ref_get_many(&tr.ref, 10);		/* atomic mode now */
	percpu_ref_put_many(&tr.ref, 609);
	EXPECT_EQ(t, released(&tr), 0);
	percpu_ref_put_many(&tr.ref, 1);
	EXPECT_EQ(t, released(&tr), 1);
	percpu_ref_exit(&tr.ref);
}

static void init_atomic_start(struct ktest *t)
{
	struct tref tr;

	tref_init(t, &tr, PERCPU_REF_INIT_ATOMIC);
	EXPECT_EQ(t, tr.ref.percpu_count_ptr & __PERCPU_REF_ATOMIC_DEAD,
		  __PERCPU_REF_ATOMIC);
	EXPECT_EQ(t, percpu_ref_atomic_count(&tr.ref), 1);
	percpu_ref_get(&tr.ref);
	EXPECT_EQ(t, percpu_ref_atomic_count(&tr.ref), 2);
	/* Already atomic: the kill is confirmed at once, no grace period. */
	percpu_ref_kill_and_confirm(&tr.ref, tref_confirm);
	EXPECT_EQ(t, confirmed(&tr), 1);
	EXPECT_EQ(t, released(&tr), 0);
	percpu_ref_put(&tr.ref);
	EXPECT_EQ(t, released(&tr), 1);

	/* INIT_ATOMIC allows reinit; and it stays atomic (sticky) ... */
	percpu_ref_reinit(&tr.ref);
	EXPECT_EQ(t, percpu_ref_atomic_count(&tr.ref), 1);
	EXPECT_TRUE(t, tr.ref.percpu_count_ptr & __PERCPU_REF_ATOMIC);
	/* ... until switched to per-CPU mode, count kept. */
	percpu_ref_switch_to_percpu(&tr.ref);
	EXPECT_FALSE(t, tr.ref.percpu_count_ptr & __PERCPU_REF_ATOMIC);
	percpu_ref_kill(&tr.ref);
	rcu_barrier();
	EXPECT_EQ(t, released(&tr), 2);
	EXPECT_EQ(t, ktest_warnings(t), 0);
	percpu_ref_exit(&tr.ref);
}

static void init_dead_start(struct ktest *t)
{
	struct tref tr;

	tref_init(t, &tr, PERCPU_REF_INIT_DEAD);
	EXPECT_TRUE(t, percpu_ref_is_dying(&tr.ref));
	EXPECT_TRUE(t, percpu_ref_is_zero(&tr.ref));
	EXPECT_FALSE(t, percpu_ref_tryget(&tr.ref));
	EXPECT_FALSE(t, percpu_ref_tryget_live(&tr.ref));
	percpu_ref_reinit(&tr.ref);
	EXPECT_FALSE(t, tr.ref.percpu_count_ptr & __PERCPU_REF_ATOMIC_DEAD);
	EXPECT_TRUE(t, percpu_ref_tryget_live(&tr.ref));
	percpu_ref_put(&tr.ref);
	percpu_ref_kill(&tr.ref);
	rcu_barrier();
	EXPECT_EQ(t, released(&tr), 1);
	EXPECT_EQ(t, ktest_warnings(t), 0);
	percpu_ref_exit(&tr.ref);
}

static void second_kill_warns(struct ktest *t)
{
	struct tref tr;

	tref_init(t, &tr, 0);
	percpu_ref_get_many(&tr.ref, 2);
	percpu_ref_kill(&tr.ref);
	percpu_ref_kill(&tr.ref);	/* warns, and drops one more reference */
	EXPECT_EQ(t, ktest_warnings(t), 1);
	rcu_barrier();
	EXPECT_EQ(t, percpu_ref_atomic_count(&tr.ref), 1);
	percpu_ref_put(&tr.ref);
	EXPECT_EQ(t, released(&tr), 1);
	percpu_ref_exit(&tr.ref);
}

static void resurrect_keeps_the_holders(struct ktest *t)
{
	struct tref tr;

	tref_init(t, &tr, PERCPU_REF_ALLOW_REINIT);
	percpu_ref_get(&tr.ref);
	percpu_ref_kill(&tr.ref);
	percpu_ref_resurrect(&tr.ref);	/* waits for the kill's switch */
	EXPECT_FALSE(t, percpu_ref_is_dying(&tr.ref));
	percpu_ref_put(&tr.ref);	/* the holder from before the kill */
	percpu_ref_kill(&tr.ref);
	rcu_barrier();
	EXPECT_EQ(t, released(&tr), 1);
	EXPECT_EQ(t, ktest_warnings(t), 0);
	percpu_ref_exit(&tr.ref);
}

static const struct ktest_case percpu_ref_cases[] = {
	KTEST_CASE(get_put_then_kill_releases_once,
		   "balanced gets and puts, then a kill: release runs once, count 0"),
	KTEST_CASE_NEEDS(cross_cpu_counts_sum_exactly_at_kill, KTEST_NEEDS_CPUS(2),
		   "gets on one CPU, puts on another: the counters sum exactly at the kill"),
	KTEST_CASE(release_waits_for_the_last_holder,
		   "after the kill, release runs only at the last holder's put"),
	KTEST_CASE(tryget_live_fails_after_confirm,
		   "tryget_live fails once the kill is confirmed; tryget works until zero"),
	KTEST_CASE(reinit_after_zero,
		   "an ALLOW_REINIT ref is killed and reinitialised three times"),
	KTEST_CASE(reinit_without_allow_reinit_warns,
		   "reinit of a ref whose counters were freed warns instead of crashing"),
	KTEST_CASE(underflow_warns_at_the_switch,
		   "one put too many is caught by the WARN at the switch to atomic"),
	KTEST_CASE(switch_round_trips_keep_the_count,
		   "atomic <-> per-CPU switches keep the count exactly"),
	KTEST_CASE(live_switch_confirms_an_exact_count,
		   "a live ref's switch drops its own reference before it is confirmed"),
	KTEST_CASE(kill_switch_holds_its_reference_through_confirm,
		   "a kill's switch keeps its reference until after the confirmation"),
	KTEST_CASE(get_many_put_many,
		   "get_many/put_many move the count by n, in both modes"),
	KTEST_CASE(init_atomic_start,
		   "INIT_ATOMIC: atomic from the start, kill confirmed at once, sticky"),
	KTEST_CASE(init_dead_start,
		   "INIT_DEAD: zero and dead until reinit, then a normal life"),
	KTEST_CASE(second_kill_warns,
		   "killing twice warns"),
	KTEST_CASE(resurrect_keeps_the_holders,
		   "resurrect during the kill's switch keeps the references held"),
	{}
};
KTEST_SUITE(percpu_ref_suite, "mm.percpu_ref", percpu_ref_cases);
