/*
 * arch.host.shootdown: the host's model of "a TLB shootdown waits for a CPU
 * with interrupts off" (arch/host/irq_shootdown.c), which the GUP and
 * ZONE_DEVICE races rely on when they run on the host.
 *
 * Threads report through atomics and the main thread asserts. Every wait
 * is for an event (a flag, the waiting count), never for a time.
 */
#include <pthread.h>
#include <sched.h>
#include <lib/ktest.h>
#include <lib/ktime.h>
#include <mm/mm.h>
#include <asm/cpu.h>
#include <asm/mmu_context.h>

static struct off_thread {
	struct mm_struct *mm;
	int off;		/* 1 once its interrupts are off */
	int seen_waiting;	/* 1 if a shootdown waited while they were */
	int restored;		/* 1 just before it turned them back on */
	int done;		/* 1 as it returns */
} ot;

#define WATCHDOG_NS	(60 * NSEC_PER_SEC)

/* Until *flag is set, or false after the watchdog. */
static bool wait_flag(int *flag)
{
	uint64_t start = ktime_get_ns();

	while (!__atomic_load_n(flag, __ATOMIC_ACQUIRE))
		if (ktime_get_ns() - start > WATCHDOG_NS)
			return false;
		else
			sched_yield();
	return true;
}

/* Join th, or fail the case (and leave it) if it runs past the watchdog. */
static bool join_within(struct ktest *t, pthread_t th, int *done)
{
	if (!wait_flag(done)) {
		ktest_fail(t, "a thread did not finish within %llu s (left running)",
			   (unsigned long long)(WATCHDOG_NS / NSEC_PER_SEC));
		pthread_detach(th);
		return false;
	}
	return pthread_join(th, NULL) == 0;
}

/* Interrupts off in ot.mm until a shootdown is seen waiting. */
static void *irqs_off_until_a_shootdown_waits(void *arg)
{
	unsigned long flags;

	uint64_t start = ktime_get_ns();

	(void)arg;
	*current_mm_slot() = ot.mm;
	flags = arch_irq_save();
	__atomic_store_n(&ot.off, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&host_shootdown_waiting, __ATOMIC_SEQ_CST) &&
	       ktime_get_ns() - start < WATCHDOG_NS)
		sched_yield();
	ot.seen_waiting = __atomic_load_n(&host_shootdown_waiting, __ATOMIC_SEQ_CST) != 0;
	__atomic_store_n(&ot.restored, 1, __ATOMIC_RELEASE);
	arch_irq_restore(flags);
	*current_mm_slot() = NULL;
	__atomic_store_n(&ot.done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static struct mm_struct mm_a, mm_b;	/* only compared, never used */

/* A flush of the mm returns only after the thread turned interrupts on. */
static void flush_waits_for_a_thread_with_irqs_off(struct ktest *t)
{
	unsigned long waits0 = host_shootdown_waits;
	pthread_t th;

	ot = (struct off_thread){ .mm = &mm_a };
	ASSERT_EQ(t, pthread_create(&th, NULL, irqs_off_until_a_shootdown_waits, NULL), 0);
	ASSERT_TRUE(t, wait_flag(&ot.off));
	flush_tlb_user_range(&mm_a, 0, 4096);
	EXPECT_EQ(t, __atomic_load_n(&ot.restored, __ATOMIC_ACQUIRE), 1);
	if (!join_within(t, th, &ot.done))
		return;
	EXPECT_EQ(t, ot.seen_waiting, 1);
	EXPECT_EQ(t, host_shootdown_waits - waits0, 1);
}

/* A flush of another mm does not wait for it (the kernel IPIs only the mm's CPUs). */
static void flush_of_another_mm_does_not_wait(struct ktest *t)
{
	unsigned long waits0 = host_shootdown_waits;
	pthread_t th;

	ot = (struct off_thread){ .mm = &mm_a };
	ASSERT_EQ(t, pthread_create(&th, NULL, irqs_off_until_a_shootdown_waits, NULL), 0);
	ASSERT_TRUE(t, wait_flag(&ot.off));
	flush_tlb_user_range(&mm_b, 0, 4096);
	EXPECT_EQ(t, __atomic_load_n(&ot.restored, __ATOMIC_ACQUIRE), 0);
	EXPECT_EQ(t, host_shootdown_waits - waits0, 0);
	flush_tlb_user_range(&mm_a, 0, 4096);	/* lets it go */
	join_within(t, th, &ot.done);
}

/* The irq calls nest like x86's flags: only the outer restore turns them on. */
static void irq_save_nests(struct ktest *t)
{
	unsigned long f1, f2;

	EXPECT_FALSE(t, arch_irqs_disabled());
	f1 = arch_irq_save();
	f2 = arch_irq_save();
	EXPECT_TRUE(t, arch_irqs_disabled());
	EXPECT_FALSE(t, arch_irqs_disabled_flags(f1));
	EXPECT_TRUE(t, arch_irqs_disabled_flags(f2));
	arch_irq_restore(f2);
	EXPECT_TRUE(t, arch_irqs_disabled());
	arch_irq_restore(f1);
	EXPECT_FALSE(t, arch_irqs_disabled());
}

/* Two threads that flush with interrupts off answer each other: no deadlock. */
static struct flusher_pair {
	int ready;		/* threads with interrupts off, up to 2 */
	int done[2];
} fp;

static void *flush_with_irqs_off(void *arg)
{
	int *done = arg;
	unsigned long flags;

	*current_mm_slot() = &mm_a;
	flags = arch_irq_save();
	__atomic_fetch_add(&fp.ready, 1, __ATOMIC_ACQ_REL);
	while (__atomic_load_n(&fp.ready, __ATOMIC_ACQUIRE) < 2)
		sched_yield();
	flush_tlb_user_range(&mm_a, 0, 4096);	/* waits for the other... */
	arch_irq_restore(flags);
	*current_mm_slot() = NULL;
	__atomic_store_n(done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void two_flushers_with_irqs_off_both_finish(struct ktest *t)
{
	unsigned long waits0 = host_shootdown_waits;
	pthread_t a, b;

	fp = (struct flusher_pair){ 0 };
	ASSERT_EQ(t, pthread_create(&a, NULL, flush_with_irqs_off, &fp.done[0]), 0);
	ASSERT_EQ(t, pthread_create(&b, NULL, flush_with_irqs_off, &fp.done[1]), 0);
	if (!join_within(t, a, &fp.done[0]) || !join_within(t, b, &fp.done[1]))
		return;
	/* ...which had interrupts off, so at least one flush waited */
	EXPECT_GE(t, host_shootdown_waits - waits0, 1);
}

static const struct ktest_case shootdown_cases[] = {
	KTEST_CASE(flush_waits_for_a_thread_with_irqs_off,
		   "a flush returns only after the mm's thread with interrupts off enabled them"),
	KTEST_CASE(flush_of_another_mm_does_not_wait, "a flush waits only for its own mm's threads"),
	KTEST_CASE(irq_save_nests, "save/restore nest; only the outer restore enables"),
	KTEST_CASE(two_flushers_with_irqs_off_both_finish,
		   "two flushers with interrupts off acknowledge each other"),
	{ 0 },
};
KTEST_SUITE(shootdown_suite, "arch.host.shootdown", shootdown_cases);
