/*
 * percpu_ref get+put against a shared atomic inc+dec, in the kernel, on
 * the boot CPU: the figures `make bench` pairs in its ratio table
 * (tests/bench-report). Here get/put is a GS-relative add inside an RCU
 * read-side section that is itself a per-CPU add; the atomic is a locked
 * add. Under QEMU's emulation the absolute cycles mean little, their
 * ratio more. The host program has the same names with 1 and 2 threads
 * (arch/host/tests/bench); the SMP step adds the cpu2/cpu4 kernel figures here,
 * with a thread per CPU. Kernel-only: kernel/ is not in the host build.
 */
#include <lib/bench.h>
#include <lib/errno.h>
#include <mm/percpu_ref.h>
#include <asm/cpu.h>

#define PAIRS	100000

static struct percpu_ref bench_ref;
static unsigned long bench_shared;	/* atomic */

static void noop_release(struct percpu_ref *ref)
{
}

static int ref_setup(struct bench_run *r)
{
	return percpu_ref_init(&bench_ref, noop_release, 0) ? -ENOMEM : 0;
}

static long long ref_sample(struct bench_run *r)
{
	uint64_t t0 = arch_cycles();

	for (int i = 0; i < PAIRS; i++) {
		percpu_ref_get(&bench_ref);
		percpu_ref_put(&bench_ref);
	}
	return bench_per_op(arch_cycles() - t0, PAIRS);
}

static void ref_teardown(struct bench_run *r)
{
	percpu_ref_kill(&bench_ref);
	rcu_barrier();
	percpu_ref_exit(&bench_ref);
}

static long long atomic_sample(struct bench_run *r)
{
	uint64_t t0 = arch_cycles();

	for (int i = 0; i < PAIRS; i++) {
		__atomic_fetch_add(&bench_shared, 1, __ATOMIC_SEQ_CST);
		__atomic_fetch_sub(&bench_shared, 1, __ATOMIC_SEQ_CST);
	}
	return bench_per_op(arch_cycles() - t0, PAIRS);
}

BENCH(percpu_ref_getput_cpu1, .name = "percpu_ref.getput.cpu1", .unit = "cycles",
      .setup = ref_setup, .sample = ref_sample, .teardown = ref_teardown);
BENCH(atomic_getput_cpu1, .name = "atomic.getput.cpu1", .unit = "cycles",
      .sample = atomic_sample);
