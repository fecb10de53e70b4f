/*
 * The cost of an uncontended lock+unlock pair (lib/spinlock.h), plain
 * and with the interrupt-saving variant: the floor every critical section
 * pays. One fetch-add (lock xadd) to draw the ticket, a load to see it
 * served, two stores for the holder's debug fields, two stores to unlock;
 * irqsave adds pushf/cli and popf/sti. Runs in the kernel and in the
 * host bench program (arch/host/tests/bench), same names.
 */
#include <lib/bench.h>
#include <lib/spinlock.h>
#include <asm/cpu.h>

#define PAIRS	100000

static DEFINE_SPINLOCK(bench_lock);

static long long lock_unlock_sample(struct bench_run *r)
{
	uint64_t t0 = arch_cycles();

	for (int i = 0; i < PAIRS; i++) {
		spin_lock(&bench_lock);
		spin_unlock(&bench_lock);
	}
	return bench_per_op(arch_cycles() - t0, PAIRS);
}

static long long lock_unlock_irqsave_sample(struct bench_run *r)
{
	uint64_t t0 = arch_cycles();
	unsigned long flags;

	for (int i = 0; i < PAIRS; i++) {
		spin_lock_irqsave(&bench_lock, flags);
		spin_unlock_irqrestore(&bench_lock, flags);
	}
	return bench_per_op(arch_cycles() - t0, PAIRS);
}

BENCH(spinlock_lock_unlock, .name = "spinlock.lock_unlock", .unit = ARCH_CYCLES_UNIT,
      .sample = lock_unlock_sample);
BENCH(spinlock_lock_unlock_irqsave, .name = "spinlock.lock_unlock_irqsave",
      .unit = ARCH_CYCLES_UNIT, .sample = lock_unlock_irqsave_sample);
