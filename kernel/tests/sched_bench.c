/*
 * Figures of the scheduler and RCU (lib/bench.h):
 *
 *   sched.switch      cycles per context switch: two threads on one CPU
 *                     yield to each other; the CPU's switch counter says
 *                     how many switches the time bought.
 *   rcu.synchronize   microseconds per synchronize_rcu() from a thread,
 *                     with the other CPUs idle (their QS comes from the
 *                     reschedule IPI that expedites the grace period, or
 *                     from their next tick).
 *
 * Both run their loops in kernel threads and hand the figure back through
 * a struct; the boot CPU's init thread only waits.
 */
#include <kernel/kthread.h>
#include <kernel/rcu.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <lib/bench.h>
#include <lib/errno.h>
#include <lib/ktime.h>
#include <asm/cpu.h>

#define YIELDS		2000
#define SYNCS		10

struct switch_run {
	int ready;		/* atomic: threads at the start line */
	uint64_t cycles;	/* measured by the first thread */
	unsigned long switches;
};

static int yielder(void *arg)
{
	struct switch_run *s = arg;
	bool first = __atomic_fetch_add(&s->ready, 1, __ATOMIC_ACQ_REL) == 0;
	unsigned int cpu = smp_processor_id();
	unsigned long sw0 = 0;
	uint64_t t0 = 0;

	while (__atomic_load_n(&s->ready, __ATOMIC_ACQUIRE) < 2)
		yield();
	if (first) {
		sw0 = sched_nr_switches(cpu);
		t0 = arch_cycles();
	}
	for (int i = 0; i < YIELDS; i++)
		yield();
	if (first) {
		s->cycles = arch_cycles() - t0;
		s->switches = sched_nr_switches(cpu) - sw0;
	}
	return 0;
}

static long long switch_sample(struct bench_run *r)
{
	struct switch_run s = { 0 };
	unsigned int cpu = num_online_cpus() > 1 ? 1 : 0;
	struct task_struct *a = kthread_run_on(cpu, yielder, &s);
	struct task_struct *b;

	if (IS_ERR(a))
		return PTR_ERR(a);
	b = kthread_run_on(cpu, yielder, &s);
	if (IS_ERR(b)) {
		__atomic_fetch_add(&s.ready, 1, __ATOMIC_RELEASE);
		kthread_join(a);
		return PTR_ERR(b);
	}
	kthread_join(a);
	kthread_join(b);
	return bench_per_op(s.cycles, s.switches);
}
BENCH(sched_switch, .name = "sched.switch", .unit = ARCH_CYCLES_UNIT,
      .sample = switch_sample);

struct sync_run {
	uint64_t ns;
};

static int syncer(void *arg)
{
	struct sync_run *s = arg;
	uint64_t t0 = ktime_get_ns();

	for (int i = 0; i < SYNCS; i++)
		synchronize_rcu();
	s->ns = ktime_get_ns() - t0;
	return 0;
}

static long long synchronize_sample(struct bench_run *r)
{
	struct sync_run s = { 0 };
	struct task_struct *th = kthread_run_on(0, syncer, &s);

	if (IS_ERR(th))
		return PTR_ERR(th);
	kthread_join(th);
	r->cpus = num_online_cpus();
	return bench_per_op(s.ns / NSEC_PER_USEC, SYNCS);
}
BENCH(rcu_synchronize, .name = "rcu.synchronize", .unit = "us",
      .sample = synchronize_sample);
