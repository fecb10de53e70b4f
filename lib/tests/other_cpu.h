/*
 * For tests: run a helper on another CPU at the same time as the test
 * itself, then wait for it to finish.
 *
 * In the kernel the helper runs in the other CPU's interrupt context (an
 * asynchronous smp_call_function_single, interrupts off there), on the
 * host in a new thread on another CPU slot (arch/host/percpu.c). Either
 * way it truly runs concurrently with the caller, which is what the
 * spinlock and atomic tests need. The helper must be short: it holds that
 * CPU with interrupts masked.
 */
#ifndef LIB_TESTS_OTHER_CPU_H
#define LIB_TESTS_OTHER_CPU_H

#include <kernel/smp.h>
#include <lib/atomic.h>
#include <lib/ktime.h>
#include <asm/cpu.h>

struct other_cpu_run {
	void (*fn)(void *arg);
	void *arg;
	int done;			/* atomic: fn has returned */
};

static inline void __other_cpu_run(void *p)
{
	struct other_cpu_run *r = p;

	r->fn(r->arg);
	/* Release: pairs with the acquire in other_cpu_wait(); the last
	 * access to *r on this side. */
	smp_store_release(&r->done, 1);
}

/* The n-th online CPU after the caller's (1 <= n < num_online_cpus()). */
static inline unsigned int other_cpu(unsigned int n)
{
	unsigned int cpu = smp_processor_id();

	while (n) {
		cpu = (cpu + 1) % nr_cpu_ids;
		if (cpu_online(cpu) && cpu != smp_processor_id())
			n--;
	}
	return cpu;
}

/* Start fn(arg) on `cpu`; 0 or a negative errno. */
static inline int other_cpu_start(struct other_cpu_run *r, unsigned int cpu,
				  void (*fn)(void *arg), void *arg)
{
	r->fn = fn;
	r->arg = arg;
	r->done = 0;
	return smp_call_function_single(cpu, __other_cpu_run, r, false);
}

/* Wait up to timeout_ns for it; true if it finished. */
static inline bool other_cpu_wait(struct other_cpu_run *r, uint64_t timeout_ns)
{
	uint64_t start = ktime_get_ns();

	while (!smp_load_acquire(&r->done)) {
		if (ktime_get_ns() - start > timeout_ns)
			return false;
		cpu_relax();
	}
	return true;
}

/*
 * A start line, so that helpers on several CPUs and the test itself begin
 * their loops at the same moment (an IPI or a new thread takes a while to
 * arrive; without it the test's own loop may be over first).
 */
struct start_line {
	atomic_t ready;			/* runners at the line */
	atomic_t go;			/* 1: run */
};

#define START_LINE_INIT	{ ATOMIC_INIT(0), ATOMIC_INIT(0) }

/* A runner: arrive, wait for the start. */
static inline void start_line_wait(struct start_line *s)
{
	atomic_inc_return(&s->ready);
	/* Acquire: pairs with the release in start_line_go(). */
	while (!atomic_read_acquire(&s->go))
		cpu_relax();
}

/* The test: wait for `runners` to arrive (up to timeout_ns), then start. */
static inline bool start_line_go(struct start_line *s, int runners, uint64_t timeout_ns)
{
	uint64_t start = ktime_get_ns();

	while (atomic_read_acquire(&s->ready) != runners) {
		if (ktime_get_ns() - start > timeout_ns) {
			atomic_set_release(&s->go, 1);	/* release the ones there */
			return false;
		}
		cpu_relax();
	}
	atomic_set_release(&s->go, 1);
	return true;
}

#endif /* LIB_TESTS_OTHER_CPU_H */
