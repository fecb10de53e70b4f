/*
 * arch.host.rcu: the grace-period guarantee of kernel/rcu.h with real threads
 * (arch/host/rcu.c): the host's own RCU, tested where it lives (the
 * kernel's is kernel.rcu.smp).
 *
 * Threads report through atomics and the main thread asserts: the ktest
 * calls are not made from other threads. Each case joins its threads
 * before it returns, so nothing outlives the case.
 */
#include <linux/membarrier.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <kernel/rcu.h>
#include <lib/ktest.h>
#include <lib/ktime.h>
#include <asm/rcu_host.h>

static void spin_ns(uint64_t ns)
{
	uint64_t end = ktime_get_ns() + ns;

	while (ktime_get_ns() < end)
		;
}

static void wait_flag(int *flag)
{
	while (!__atomic_load_n(flag, __ATOMIC_ACQUIRE))
		sched_yield();
}

/* --- a reader that began before synchronize_rcu() ------------------------ */

struct early_reader {
	int started, finished;	/* atomic */
	uint64_t hold_ns;
};

static void *early_reader_fn(void *arg)
{
	struct early_reader *r = arg;

	rcu_read_lock();
	__atomic_store_n(&r->started, 1, __ATOMIC_RELEASE);
	spin_ns(r->hold_ns);
	__atomic_store_n(&r->finished, 1, __ATOMIC_RELAXED);
	rcu_read_unlock();
	return NULL;
}

static void reader_before_sync_finishes_first(struct ktest *t)
{
	unsigned int seed = 1;
	int early = 0;

	for (int i = 0; i < 100; i++) {
		struct early_reader r = { .hold_ns = (rand_r(&seed) % 200) * NSEC_PER_USEC };
		pthread_t th;

		ASSERT_EQ(t, pthread_create(&th, NULL, early_reader_fn, &r), 0);
		wait_flag(&r.started);
		synchronize_rcu();
		/* Relaxed is enough: the grace period ordered it. */
		if (!__atomic_load_n(&r.finished, __ATOMIC_RELAXED))
			early++;
		pthread_join(th, NULL);
	}
	EXPECT_EQ(t, early, 0);
}

/* --- a callback waits for another thread's reader ------------------------ */

struct held_reader {
	int inside, leave;	/* atomic */
};

static void *held_reader_fn(void *arg)
{
	struct held_reader *h = arg;

	rcu_read_lock();
	__atomic_store_n(&h->inside, 1, __ATOMIC_RELEASE);
	wait_flag(&h->leave);
	rcu_read_unlock();
	return NULL;
}

struct counted_cb {
	struct rcu_head head;
	int ran;		/* atomic */
};

static void counted_cb_fn(struct rcu_head *head)
{
	__atomic_fetch_add(&container_of(head, struct counted_cb, head)->ran, 1,
			   __ATOMIC_RELAXED);
}

static void callback_waits_for_other_reader(struct ktest *t)
{
	struct held_reader h = { 0 };
	struct counted_cb cb = { 0 };
	pthread_t th;

	ASSERT_EQ(t, pthread_create(&th, NULL, held_reader_fn, &h), 0);
	wait_flag(&h.inside);
	call_rcu(&cb.head, counted_cb_fn);
	mdelay(50);
	EXPECT_EQ(t, __atomic_load_n(&cb.ran, __ATOMIC_RELAXED), 0);
	__atomic_store_n(&h.leave, 1, __ATOMIC_RELEASE);
	rcu_barrier();
	EXPECT_EQ(t, __atomic_load_n(&cb.ran, __ATOMIC_RELAXED), 1);
	pthread_join(th, NULL);
}

/* --- readers never see a freed object ------------------------------------- */

#define ALIVE	0x600d
#define FREED	0xdead
#define NREADERS 3

struct obj {
	int magic;		/* plain: written before publish, after the GP */
	long serial;
};

static struct obj *gp;
static int stop;		/* atomic */
static long bad_reads;		/* atomic */

static void *pointer_reader(void *unused)
{
	for (unsigned long i = 0; !__atomic_load_n(&stop, __ATOMIC_RELAXED); i++) {
		struct obj *p;

		if (i % 64 == 0)
			sched_yield();	/* two cores, four threads: let the updater run */

		rcu_read_lock();
		p = rcu_dereference(gp);
		if (p->magic != ALIVE)
			__atomic_fetch_add(&bad_reads, 1, __ATOMIC_RELAXED);
		rcu_read_unlock();
	}
	return NULL;
}

static void readers_never_see_freed_objects(struct ktest *t)
{
	pthread_t th[NREADERS];
	uint64_t end = ktime_get_ns() + 200 * NSEC_PER_MSEC;
	long swaps = 0;

	gp = calloc(1, sizeof(*gp));
	ASSERT_NOT_NULL(t, gp);
	gp->magic = ALIVE;
	__atomic_store_n(&stop, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&bad_reads, 0, __ATOMIC_RELAXED);
	for (int i = 0; i < NREADERS; i++)
		ASSERT_EQ(t, pthread_create(&th[i], NULL, pointer_reader, NULL), 0);

	while (ktime_get_ns() < end) {
		struct obj *old = gp, *new = calloc(1, sizeof(*new));

		if (!new)
			break;
		new->magic = ALIVE;
		new->serial = ++swaps;
		rcu_assign_pointer(gp, new);
		synchronize_rcu();
		old->magic = FREED;	/* a reader still here would see this */
		free(old);		/* ... and ASan would report the read */
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	for (int i = 0; i < NREADERS; i++)
		pthread_join(th[i], NULL);
	free(gp);
	gp = NULL;
	ktest_log(t, "%ld pointer swaps, each followed by a grace period", swaps);
	EXPECT_GT(t, swaps, 10);
	EXPECT_EQ(t, __atomic_load_n(&bad_reads, __ATOMIC_RELAXED), 0);
}

/* --- which read side ------------------------------------------------------- */

static void read_side_is_membarrier_where_offered(struct ktest *t)
{
	const char *want = "exchange";
#ifndef HOST_TSAN
	long cmds = syscall(__NR_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);

	if (cmds > 0 && (cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED))
		want = "membarrier";
#endif
	ktest_log(t, "read side: %s", rcu_host_read_side());
	EXPECT_STREQ(t, rcu_host_read_side(), want);
}

/* --- a section that saw the old value never sees the one after the GP ------ */

/*
 * The updater writes x = k, waits a grace period, writes y = k, round
 * after round. A section that read x = k1 began before the grace period
 * of round k1 + 1 did (its read came before the write of x = k1 + 1), so
 * it must end before that grace period does: it can never read y > k1.
 * On x86 the two loads stay in order; what could break this is the
 * section's start (the ctr store) waiting in the store buffer while its
 * loads run, unseen by the scan. Sections that read x twice and found it
 * changed straddled an update: those are the races the case needs.
 *
 * What it proves is the guarantee, over sections that really overlapped
 * an update; it does not catch a missing barrier: with synchronize_rcu()'s
 * membarrier() taken out, the store-buffer window is a few nanoseconds
 * and the case still passed (measured). The barrier's argument is in
 * arch/host/rcu.c.
 */
#define MP_ROUNDS_MAX	200000
#define MP_RACES_WANTED	200

struct mp {
	unsigned long x, y;		/* atomic (relaxed): the updater's writes */
	int stop;			/* atomic */
	unsigned long straddled;	/* atomic: sections that saw x change */
	unsigned long forbidden;	/* atomic: sections that read y > x */
	unsigned long first_x, first_y;	/* atomic: the first forbidden pair */
};

static void *mp_reader(void *arg)
{
	struct mp *m = arg;

	while (!__atomic_load_n(&m->stop, __ATOMIC_RELAXED)) {
		unsigned long x1, x2, y;

		rcu_read_lock();
		x1 = __atomic_load_n(&m->x, __ATOMIC_RELAXED);
		spin_ns(NSEC_PER_USEC);
		y = __atomic_load_n(&m->y, __ATOMIC_RELAXED);
		x2 = __atomic_load_n(&m->x, __ATOMIC_RELAXED);
		rcu_read_unlock();
		if (x2 != x1)
			__atomic_fetch_add(&m->straddled, 1, __ATOMIC_RELAXED);
		if (y > x1 && !__atomic_fetch_add(&m->forbidden, 1, __ATOMIC_RELAXED)) {
			__atomic_store_n(&m->first_x, x1, __ATOMIC_RELAXED);
			__atomic_store_n(&m->first_y, y, __ATOMIC_RELAXED);
		}
	}
	return NULL;
}

static void section_that_saw_old_value_ends_before_gp(struct ktest *t)
{
	struct mp m = { 0 };
	unsigned long k;
	pthread_t th;

	ASSERT_EQ(t, pthread_create(&th, NULL, mp_reader, &m), 0);
	for (k = 1; k <= MP_ROUNDS_MAX; k++) {
		__atomic_store_n(&m.x, k, __ATOMIC_RELAXED);
		synchronize_rcu();
		__atomic_store_n(&m.y, k, __ATOMIC_RELAXED);
		if (__atomic_load_n(&m.straddled, __ATOMIC_RELAXED) >= MP_RACES_WANTED)
			break;
	}
	__atomic_store_n(&m.stop, 1, __ATOMIC_RELAXED);
	pthread_join(th, NULL);
	ktest_log(t, "%lu rounds, %lu sections straddled an update", k, m.straddled);
	EXPECT_GT(t, m.straddled, 0);
	if (m.forbidden)
		ktest_log(t, "first: a section read x = %lu, then y = %lu", m.first_x, m.first_y);
	EXPECT_EQ(t, m.forbidden, 0);
}

static const struct ktest_case rcu_host_cases[] = {
	KTEST_CASE(read_side_is_membarrier_where_offered,
		   "the read side is membarrier's where the kernel offers it, outside TSan"),
	KTEST_CASE(section_that_saw_old_value_ends_before_gp,
		   "sections that overlap updates: one that read the value before an update never "
		   "reads one after its GP (the guarantee, not the barrier: see above)"),
	KTEST_CASE(reader_before_sync_finishes_first,
		   "a reader that began before synchronize_rcu always ends before it returns"),
	KTEST_CASE(callback_waits_for_other_reader,
		   "call_rcu's callback waits for another thread's reader"),
	KTEST_CASE(readers_never_see_freed_objects,
		   "publish, wait a grace period, free: 3 reader threads never see it"),
	{}
};
KTEST_SUITE(rcu_host_suite, "arch.host.rcu", rcu_host_cases);
