/*
 * What a cross-CPU call and a TLB shootdown cost, in TSC cycles:
 *
 *   ipi.roundtrip     smp_call_function_single(other, nop, wait): queue,
 *                     IPI, the other CPU's handler, the acknowledgement
 *                     seen back here (cycles per call);
 *   ipi.broadcast     smp_call_function(nop, wait) to every other CPU;
 *   tlb.shootdown     flush_tlb_kernel_range() of one page: local INVLPG,
 *                     IPI to every other CPU, each flushes and answers.
 *
 * Under QEMU's TCG an IPI wakes another host thread, so these measure the
 * emulator as much as the protocol; on hardware a round trip is a few
 * thousand cycles. They need a second CPU (-ENODEV: cannot run on one).
 */
#include <kernel/smp.h>
#include <lib/bench.h>
#include <lib/errno.h>
#include <asm/cpu.h>
#include <asm/layout.h>
#include <asm/tlbflush.h>

#define CALLS		200
#define SHOOTDOWNS	200

static void nop(void *info)
{
}

static int need_two(struct bench_run *r)
{
	if (num_online_cpus() < 2)
		return -ENODEV;
	r->cpus = 2;
	return 0;
}

static int need_all(struct bench_run *r)
{
	if (num_online_cpus() < 2)
		return -ENODEV;
	r->cpus = num_online_cpus();
	return 0;
}

static long long roundtrip_sample(struct bench_run *r)
{
	unsigned int other = smp_processor_id();
	uint64_t t0;

	do
		other = (other + 1) % nr_cpu_ids;
	while (!cpu_online(other));
	t0 = arch_cycles();

	for (int i = 0; i < CALLS; i++)
		if (smp_call_function_single(other, nop, NULL, true))
			return -ENODEV;
	return bench_per_op(arch_cycles() - t0, CALLS);
}

static long long broadcast_sample(struct bench_run *r)
{
	uint64_t t0 = arch_cycles();

	for (int i = 0; i < CALLS; i++)
		if (smp_call_function(nop, NULL, true))
			return -ENOMEM;
	return bench_per_op(arch_cycles() - t0, CALLS);
}

static long long shootdown_sample(struct bench_run *r)
{
	uint64_t t0 = arch_cycles();

	for (int i = 0; i < SHOOTDOWNS; i++)	/* an unmapped page: INVLPG is fine */
		flush_tlb_kernel_range(VMAP_END - PAGE_SIZE, VMAP_END);
	return bench_per_op(arch_cycles() - t0, SHOOTDOWNS);
}

BENCH(ipi_roundtrip, .name = "ipi.roundtrip", .unit = "cycles",
      .setup = need_two, .sample = roundtrip_sample);
BENCH(ipi_broadcast, .name = "ipi.broadcast", .unit = "cycles",
      .setup = need_all, .sample = broadcast_sample);
BENCH(tlb_shootdown, .name = "tlb.shootdown", .unit = "cycles",
      .setup = need_all, .sample = shootdown_sample);
