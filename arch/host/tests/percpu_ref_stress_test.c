/*
 * mm.percpu_ref.stress: kill a ref while real threads hammer it (the
 * host's; the kernel's is mm.percpu_ref.smp, mm/tests/kernel/).
 *
 * NWORKERS threads, each on its own host CPU slot (1..NWORKERS), loop:
 * tryget_live, take and drop a few more references while holding it, and
 * then either drop it or leave it in a shared pool; other iterations take
 * one out of the pool and drop it, so many puts land on another CPU than
 * their get (per-CPU counters drift far from zero in both directions).
 * The main thread, on CPU 0, lets them run, kills the ref with a confirm
 * callback and then:
 *
 *   1. waits for the confirmation; every tryget_live a worker starts after
 *      seeing it must fail (late_live);
 *   2. once every worker has stopped and the switch is complete, the
 *      atomic count must be exactly the references left in the pool;
 *   3. the workers drain the pool; release must run exactly once, when
 *      no reference is held (outstanding == 0 inside release), and leave
 *      the ref at zero, with no warning.
 *
 * A second variant keeps no pool, so release races with the switch
 * itself. Time bounds only the hammering (a second in all) and a 10 s
 * watchdog; what is asserted is counted, never timed.
 */
#include <pthread.h>

#include <lib/ktest.h>
#include <lib/ktime.h>
#include <mm/percpu_ref.h>
#include <asm/percpu.h>

#define NWORKERS	4
#define LATE_CHECKS	1000
#define POOL_CAP	100000
#define WATCHDOG_NS	(10 * NSEC_PER_SEC)

struct stress {
	struct percpu_ref ref;
	bool use_pool;
	/* All atomic: */
	int confirmed, released, stop, aborted;
	long pool;			/* references parked for anyone to put */
	long outstanding;		/* references the workers hold, pool included */
	long outstanding_at_release;
	long late_live;			/* tryget_live successes after the confirm */
	unsigned long iterations;
	pthread_barrier_t stopped, drain;
};

struct worker {
	struct stress *s;
	unsigned int cpu;
};

static long ld(long *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void add(long *p, long v)
{
	__atomic_fetch_add(p, v, __ATOMIC_ACQ_REL);
}

static void stress_release(struct percpu_ref *ref)
{
	struct stress *s = container_of(ref, struct stress, ref);

	__atomic_store_n(&s->outstanding_at_release, ld(&s->outstanding), __ATOMIC_RELAXED);
	__atomic_fetch_add(&s->released, 1, __ATOMIC_RELEASE);
}

static void stress_confirm(struct percpu_ref *ref)
{
	__atomic_store_n(&container_of(ref, struct stress, ref)->confirmed, 1,
			 __ATOMIC_RELEASE);
}

/* Take one reference out of the pool and drop it; false if it is empty. */
static bool put_from_pool(struct stress *s)
{
	long n = ld(&s->pool);

	do {
		if (n <= 0)
			return false;
	} while (!__atomic_compare_exchange_n(&s->pool, &n, n - 1, true,
					      __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
	add(&s->outstanding, -1);
	percpu_ref_put(&s->ref);
	return true;
}

static void one_iteration(struct stress *s, unsigned long i)
{
	if (!percpu_ref_tryget_live(&s->ref)) {
		sched_yield();
		return;
	}
	add(&s->outstanding, 1);
	percpu_ref_get_many(&s->ref, 3);	/* we hold one: always legal */
	percpu_ref_put_many(&s->ref, 3);
	/* Park one in four, take one back in eight: the pool fills up to
	 * its cap and stays there. */
	if (s->use_pool && i % 4 == 0 && ld(&s->pool) < POOL_CAP) {
		add(&s->pool, 1);		/* leave it for someone else */
		return;
	}
	if (s->use_pool && i % 8 == 1)
		put_from_pool(s);		/* someone else's, maybe another CPU's */
	add(&s->outstanding, -1);
	percpu_ref_put(&s->ref);
}

static void *stress_worker(void *arg)
{
	struct worker *w = arg;
	struct stress *s = w->s;
	unsigned long i = 0;

	host_cpu_enter(w->cpu);
	while (!__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE))
		one_iteration(s, i++);
	/* The kill is confirmed: no tryget_live may succeed from now on. */
	for (int k = 0; k < LATE_CHECKS && !__atomic_load_n(&s->aborted, __ATOMIC_ACQUIRE); k++) {
		if (percpu_ref_tryget_live(&s->ref)) {
			add(&s->late_live, 1);
			percpu_ref_put(&s->ref);
		}
	}
	__atomic_fetch_add(&s->iterations, i, __ATOMIC_RELAXED);
	if (__atomic_load_n(&s->aborted, __ATOMIC_ACQUIRE))
		return NULL;
	pthread_barrier_wait(&s->stopped);	/* main checks the count */
	pthread_barrier_wait(&s->drain);
	while (put_from_pool(s))
		;
	return NULL;
}

static bool wait_flag_or_watchdog(int *flag)
{
	uint64_t end = ktime_get_ns() + WATCHDOG_NS;

	while (!__atomic_load_n(flag, __ATOMIC_ACQUIRE))
		if (ktime_get_ns() > end)
			return false;
		else
			sched_yield();
	return true;
}

static void run_stress(struct ktest *t, bool use_pool, uint64_t hammer_ns)
{
	static struct stress s;
	struct worker w[NWORKERS];
	pthread_t th[NWORKERS];
	long left;

	s = (struct stress){ .use_pool = use_pool };
	ASSERT_EQ(t, percpu_ref_init(&s.ref, stress_release, 0), 0);
	pthread_barrier_init(&s.stopped, NULL, NWORKERS + 1);
	pthread_barrier_init(&s.drain, NULL, NWORKERS + 1);
	host_cpu_enter(0);
	for (int i = 0; i < NWORKERS; i++) {
		w[i] = (struct worker){ .s = &s, .cpu = 1 + i };
		ASSERT_EQ(t, pthread_create(&th[i], NULL, stress_worker, &w[i]), 0);
	}

	mdelay(hammer_ns / NSEC_PER_MSEC);
	percpu_ref_kill_and_confirm(&s.ref, stress_confirm);
	if (!wait_flag_or_watchdog(&s.confirmed)) {
		__atomic_store_n(&s.aborted, 1, __ATOMIC_RELEASE);
		__atomic_store_n(&s.stop, 1, __ATOMIC_RELEASE);
		for (int i = 0; i < NWORKERS; i++)
			pthread_join(th[i], NULL);
		ktest_fail(t, "the kill was not confirmed within 10 s");
		return;
	}
	__atomic_store_n(&s.stop, 1, __ATOMIC_RELEASE);
	rcu_barrier();				/* the switch is complete */
	pthread_barrier_wait(&s.stopped);	/* every worker is idle */

	left = ld(&s.pool);
	ktest_log(t, "%lu iterations on %d CPUs; %ld references in the pool at the kill",
		  __atomic_load_n(&s.iterations, __ATOMIC_RELAXED), NWORKERS, left);
	EXPECT_EQ(t, ld(&s.outstanding), left);
	EXPECT_EQ(t, percpu_ref_atomic_count(&s.ref), left);
	EXPECT_EQ(t, ld(&s.late_live), 0);
	if (left)
		EXPECT_EQ(t, __atomic_load_n(&s.released, __ATOMIC_ACQUIRE), 0);

	pthread_barrier_wait(&s.drain);
	for (int i = 0; i < NWORKERS; i++)
		pthread_join(th[i], NULL);
	EXPECT_EQ(t, __atomic_load_n(&s.released, __ATOMIC_ACQUIRE), 1);
	EXPECT_EQ(t, __atomic_load_n(&s.outstanding_at_release, __ATOMIC_RELAXED), 0);
	EXPECT_TRUE(t, percpu_ref_is_zero(&s.ref));
	EXPECT_EQ(t, ktest_warnings(t), 0);
	percpu_ref_exit(&s.ref);
	pthread_barrier_destroy(&s.stopped);
	pthread_barrier_destroy(&s.drain);
}

static void kill_under_load_with_held_refs(struct ktest *t)
{
	run_stress(t, true, 600 * NSEC_PER_MSEC);
}

static void kill_under_load_release_races_switch(struct ktest *t)
{
	run_stress(t, false, 300 * NSEC_PER_MSEC);
}

static const struct ktest_case percpu_ref_stress_cases[] = {
	KTEST_CASE(kill_under_load_with_held_refs,
		   "4 CPUs hammer get/put across CPUs; kill: exact count, one release"),
	KTEST_CASE(kill_under_load_release_races_switch,
		   "4 CPUs hammer tryget_live/put through the kill: one release at zero"),
	{}
};
KTEST_SUITE(percpu_ref_stress_suite, "mm.percpu_ref.stress", percpu_ref_stress_cases);
