/*
 * percpu_ref on every CPU at once: the kill-under-load test and the
 * N-CPU figures of the percpu_ref-versus-atomic claim.
 *
 * "mm.percpu_ref.smp" starts a hammering thread on each online CPU, each
 * looping tryget_live/put, get/put and short holds, and kills the ref
 * while they run. It then checks what the life story promises: after the
 * kill is confirmed no tryget_live succeeds; the count never reaches zero
 * while a holder remains; release runs exactly once, after the last put;
 * and nothing warns (a warning here would be the underflow report).
 *
 * The benchmarks run the same get+put pair (or a shared atomic inc+dec)
 * on N CPUs at once, one pinned thread per CPU released by a start flag,
 * and report the mean cycles per pair over all CPUs. With fewer than N
 * CPUs online they are skipped, not failed.
 */
#include <kernel/completion.h>
#include <kernel/kthread.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/timer.h>
#include <lib/bench.h>
#include <lib/err.h>
#include <lib/errno.h>
#include <lib/ktest.h>
#include <mm/percpu_ref.h>
#include <asm/cpu.h>

#define HAMMER_MS	1000
#define KILL_AFTER_MS	300

struct hammer {
	struct percpu_ref ref;
	struct completion released;
	int releases;			/* atomic */
	bool confirmed;			/* atomic: the kill is confirmed */
	unsigned long live_after_confirm; /* atomic: must stay 0 */
	unsigned long pairs;		/* atomic: get/put pairs done */
};

static struct hammer hammer;

static void hammer_release(struct percpu_ref *ref)
{
	struct hammer *h = container_of(ref, struct hammer, ref);

	__atomic_fetch_add(&h->releases, 1, __ATOMIC_RELAXED);
	complete(&h->released);
}

static void hammer_confirm(struct percpu_ref *ref)
{
	struct hammer *h = container_of(ref, struct hammer, ref);

	__atomic_store_n(&h->confirmed, true, __ATOMIC_RELEASE);
}

/* One CPU's share: runs until stopped, never holding a ref at exit. */
static int hammer_thread(void *arg)
{
	struct hammer *h = arg;
	unsigned long pairs = 0;

	while (!kthread_should_stop()) {
		/* Read `confirmed` first: a success after it was seen is a bug. */
		bool confirmed = __atomic_load_n(&h->confirmed, __ATOMIC_ACQUIRE);

		if (percpu_ref_tryget_live(&h->ref)) {
			if (confirmed)
				__atomic_fetch_add(&h->live_after_confirm, 1,
						   __ATOMIC_RELAXED);
			percpu_ref_put(&h->ref);
		}
		/* Plain tryget keeps working until the count reaches zero. */
		if (percpu_ref_tryget(&h->ref)) {
			for (int i = 0; i < 16; i++)
				cpu_relax();		/* a short hold */
			percpu_ref_put(&h->ref);
		}
		pairs++;
		if ((pairs & 1023) == 0)
			yield();
	}
	__atomic_fetch_add(&h->pairs, pairs, __ATOMIC_RELAXED);
	return 0;
}

static void kill_under_load_from_every_cpu(struct ktest *t)
{
	struct task_struct *threads[NR_CPUS] = { 0 };
	struct hammer *h = &hammer;
	unsigned int cpu, started = 0;

	ASSERT_TRUE(t, num_online_cpus() >= 2);	/* declared: KTEST_NEEDS_CPUS(2) */
	*h = (struct hammer){ 0 };
	init_completion(&h->released);
	ASSERT_EQ(t, percpu_ref_init(&h->ref, hammer_release, 0), 0);

	for_each_online_cpu(cpu) {
		threads[cpu] = kthread_run_on(cpu, hammer_thread, h);
		if (IS_ERR(threads[cpu])) {
			ktest_fail(t, "kthread_run_on(%u) failed: %ld", cpu,
				   PTR_ERR(threads[cpu]));
			threads[cpu] = NULL;
			continue;
		}
		started++;
	}
	msleep(KILL_AFTER_MS);
	percpu_ref_kill_and_confirm(&h->ref, hammer_confirm);
	msleep(HAMMER_MS - KILL_AFTER_MS);

	/* Holders still run: the ref must not have been released yet unless
	 * every thread happens to be between pairs; stopping them drops all. */
	for (cpu = 0; cpu < NR_CPUS; cpu++)
		if (threads[cpu])
			kthread_stop(threads[cpu]);

	EXPECT_GT(t, wait_for_completion_timeout(&h->released, 5000), 0);
	EXPECT_EQ(t, __atomic_load_n(&h->releases, __ATOMIC_RELAXED), 1);
	EXPECT_TRUE(t, __atomic_load_n(&h->confirmed, __ATOMIC_ACQUIRE));
	EXPECT_EQ(t, __atomic_load_n(&h->live_after_confirm, __ATOMIC_RELAXED), 0);
	EXPECT_TRUE(t, percpu_ref_is_zero(&h->ref));
	EXPECT_EQ(t, ktest_warnings(t), 0);
	ktest_log(t, "%u CPUs, %lu loop rounds in all", started,
		  __atomic_load_n(&h->pairs, __ATOMIC_RELAXED));
	percpu_ref_exit(&h->ref);
}

static const struct ktest_case percpu_ref_smp_cases[] = {
	KTEST_CASE_NEEDS(kill_under_load_from_every_cpu, KTEST_NEEDS_CPUS(2),
		   "kill while every CPU hammers get/put: release once, no live get after confirm"),
	{}
};
KTEST_SUITE(percpu_ref_smp_suite, "mm.percpu_ref.smp", percpu_ref_smp_cases);

/* --- N CPUs hammering one counter --------------------------------------- */

#define BENCH_PAIRS	20000

struct bench_share {
	bool use_ref;
	struct percpu_ref *ref;
	unsigned long *shared;		/* the atomic variant's counter */
	bool go;			/* atomic: start flag */
	uint64_t cycles[NR_CPUS];	/* each CPU's elapsed cycles */
};

static struct percpu_ref nref;
static unsigned long nshared;
static struct bench_share share;

static void run_pairs(struct bench_share *s, unsigned int cpu)
{
	uint64_t t0 = arch_cycles();

	if (s->use_ref) {
		for (int i = 0; i < BENCH_PAIRS; i++) {
			percpu_ref_get(s->ref);
			percpu_ref_put(s->ref);
		}
	} else {
		for (int i = 0; i < BENCH_PAIRS; i++) {
			__atomic_fetch_add(s->shared, 1, __ATOMIC_SEQ_CST);
			__atomic_fetch_sub(s->shared, 1, __ATOMIC_SEQ_CST);
		}
	}
	s->cycles[cpu] = arch_cycles() - t0;
}

static int bench_thread(void *arg)
{
	struct bench_share *s = arg;

	while (!__atomic_load_n(&s->go, __ATOMIC_ACQUIRE))
		cpu_relax();
	run_pairs(s, smp_processor_id());
	return 0;
}

/* Mean cycles per pair with `ncpus` CPUs (this one included) at once. */
/* `fewer`: the skip reason when fewer than ncpus CPUs are online. */
static long long sample_on_cpus(struct bench_run *r, unsigned int ncpus, const char *fewer,
				bool use_ref)
{
	struct task_struct *threads[NR_CPUS] = { 0 };
	unsigned int self = smp_processor_id(), cpu, used = 1;
	uint64_t total = 0;
	long long err = 0;

	if (num_online_cpus() < ncpus)
		return bench_skip(r, fewer);
	share.use_ref = use_ref;
	share.ref = &nref;
	share.shared = &nshared;
	__atomic_store_n(&share.go, false, __ATOMIC_RELAXED);
	for_each_online_cpu(cpu) {
		if (cpu == self || used == ncpus)
			continue;
		threads[cpu] = kthread_run_on(cpu, bench_thread, &share);
		if (IS_ERR(threads[cpu])) {
			err = PTR_ERR(threads[cpu]);
			threads[cpu] = NULL;
			break;		/* release and join those started */
		}
		used++;
	}
	if (!err)
		msleep(20);		/* let every thread reach its spin */
	__atomic_store_n(&share.go, true, __ATOMIC_RELEASE);
	run_pairs(&share, self);
	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		if (!threads[cpu])
			continue;
		kthread_join(threads[cpu]);
		total += share.cycles[cpu];
	}
	if (err)
		return err;
	total += share.cycles[self];
	return bench_per_op(total, (uint64_t)BENCH_PAIRS * ncpus);
}

static void nref_release(struct percpu_ref *ref)
{
}

static void nref_teardown(struct bench_run *r)
{
	percpu_ref_kill(&nref);
	rcu_barrier();
	percpu_ref_exit(&nref);
}

#define NEEDS(n)	"needs " #n " online CPUs"
#define DEFINE_NCPU_BENCH(n)						\
static long long ref_cpu##n(struct bench_run *r)			\
{									\
	r->cpus = n;							\
	return sample_on_cpus(r, n, NEEDS(n), true);			\
}									\
static long long atomic_cpu##n(struct bench_run *r)			\
{									\
	r->cpus = n;							\
	return sample_on_cpus(r, n, NEEDS(n), false);		\
}									\
BENCH(percpu_ref_getput_cpu##n, .name = "percpu_ref.getput.cpu" #n,	\
      .unit = "cycles", .samples = 7, .setup = nref_setup_any,		\
      .sample = ref_cpu##n, .teardown = nref_teardown);			\
BENCH(atomic_getput_cpu##n, .name = "atomic.getput.cpu" #n,		\
      .unit = "cycles", .samples = 7, .sample = atomic_cpu##n)

static int nref_setup_any(struct bench_run *r)
{
	return percpu_ref_init(&nref, nref_release, 0) ? -ENOMEM : 0;
}

DEFINE_NCPU_BENCH(2);
DEFINE_NCPU_BENCH(4);
