/*
 * percpu_ref get+put against a shared atomic inc+dec, per pair, with 1
 * and 2 host threads on their own host CPUs (tests/bench-report puts the
 * ratio of the two in its table).
 *
 * Each sample starts the threads, lines them up on a barrier, and lets
 * each time PAIRS pairs on its own clock; the sample is the mean over the
 * threads. The shared atomic is what a plain refcount costs: with two
 * threads its cache line bounces between the cores on every operation,
 * while the percpu_ref pair touches only the thread's own counter (plus
 * the RCU read side of arch/host/rcu.c: plain stores, or a locked
 * exchange where there is no membarrier; the program prints which). Its
 * per-CPU add and subtract are locked instructions here, not in the
 * kernel (docs/percpu.md, "Figures").
 *
 * Unit: TSC cycles on x86 hosts (rdtsc counts at the nominal frequency),
 * nanoseconds elsewhere.
 */
#include <pthread.h>

#include <lib/bench.h>
#include <lib/errno.h>
#include <lib/ktime.h>
#include <mm/percpu_ref.h>
#include <asm/percpu.h>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define CYCLE_UNIT	"cycles"
static inline uint64_t cycles(void) { return __rdtsc(); }
#else
#define CYCLE_UNIT	"ns"
static inline uint64_t cycles(void) { return ktime_get_ns(); }
#endif

#define PAIRS		1000000
#define MAX_THREADS	4

struct getput {
	bool use_ref;
	unsigned int nthreads;
	struct percpu_ref ref;
	unsigned long shared __aligned(64);	/* the atomic baseline */
	pthread_barrier_t go;
	uint64_t spent[MAX_THREADS];
};

struct getput_thread {
	struct getput *g;
	unsigned int cpu;
};

static void *getput_thread_fn(void *arg)
{
	struct getput_thread *gt = arg;
	struct getput *g = gt->g;
	uint64_t t0;

	host_cpu_enter(gt->cpu);
	pthread_barrier_wait(&g->go);
	t0 = cycles();
	if (g->use_ref) {
		for (int i = 0; i < PAIRS; i++) {
			percpu_ref_get(&g->ref);
			percpu_ref_put(&g->ref);
		}
	} else {
		for (int i = 0; i < PAIRS; i++) {
			__atomic_fetch_add(&g->shared, 1, __ATOMIC_SEQ_CST);
			__atomic_fetch_sub(&g->shared, 1, __ATOMIC_SEQ_CST);
		}
	}
	g->spent[gt->cpu] = cycles() - t0;
	return NULL;
}

static void noop_release(struct percpu_ref *ref)
{
}

static int getput_setup(struct bench_run *r, bool use_ref, unsigned int nthreads)
{
	static struct getput g;

	g = (struct getput){ .use_ref = use_ref, .nthreads = nthreads };
	if (use_ref && percpu_ref_init(&g.ref, noop_release, 0))
		return -ENOMEM;
	r->priv = &g;
	r->cpus = nthreads;
	return 0;
}

static long long getput_sample(struct bench_run *r)
{
	struct getput *g = r->priv;
	struct getput_thread gt[MAX_THREADS];
	pthread_t th[MAX_THREADS];
	uint64_t total = 0;

	pthread_barrier_init(&g->go, NULL, g->nthreads);
	for (unsigned int i = 0; i < g->nthreads; i++) {
		gt[i] = (struct getput_thread){ .g = g, .cpu = i };
		if (pthread_create(&th[i], NULL, getput_thread_fn, &gt[i]))
			return -EAGAIN;
	}
	for (unsigned int i = 0; i < g->nthreads; i++) {
		pthread_join(th[i], NULL);
		total += g->spent[i];
	}
	pthread_barrier_destroy(&g->go);
	return bench_per_op(total, (uint64_t)PAIRS * g->nthreads);
}

static void getput_teardown(struct bench_run *r)
{
	struct getput *g = r->priv;

	if (!g->use_ref)
		return;
	percpu_ref_kill(&g->ref);
	rcu_barrier();
	percpu_ref_exit(&g->ref);
}

#define GETPUT_BENCH(var, name_, use_ref, n)				\
	static int var##_setup(struct bench_run *r)			\
	{								\
		return getput_setup(r, use_ref, n);			\
	}								\
	BENCH(var, .name = name_, .unit = CYCLE_UNIT, .samples = 11,	\
	      .setup = var##_setup, .sample = getput_sample,		\
	      .teardown = getput_teardown)

GETPUT_BENCH(percpu_ref_cpu1, "percpu_ref.getput.cpu1", true, 1);
GETPUT_BENCH(percpu_ref_cpu2, "percpu_ref.getput.cpu2", true, 2);
GETPUT_BENCH(atomic_cpu1, "atomic.getput.cpu1", false, 1);
GETPUT_BENCH(atomic_cpu2, "atomic.getput.cpu2", false, 2);
