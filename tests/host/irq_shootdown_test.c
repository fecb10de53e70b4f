/*
 * host.shootdown: the host's model of "a TLB shootdown waits for a CPU
 * with interrupts off" (tests/host/irq_shootdown.c), which the GUP and
 * ZONE_DEVICE races rely on when they run on the host.
 *
 * Threads report through atomics and the main thread asserts. Every wait
 * is for an event (a flag, the waiting count), never for a time.
 */
#include <pthread.h>
#include <sched.h>
#include <lib/ktest.h>
#include <mm/mm.h>
#include <asm/cpu.h>
#include <asm/mmu_context.h>

static struct off_thread {
	struct mm_struct *mm;
	int off;		/* 1 once its interrupts are off */
	int seen_waiting;	/* 1 if a shootdown waited while they were */
	int restored;		/* 1 just before it turned them back on */
} ot;

static void wait_flag(int *flag)
{
	while (!__atomic_load_n(flag, __ATOMIC_ACQUIRE))
		sched_yield();
}

/* Interrupts off in ot.mm until a shootdown is seen waiting. */
static void *irqs_off_until_a_shootdown_waits(void *arg)
{
	unsigned long flags;

	(void)arg;
	*current_mm_slot() = ot.mm;
	flags = arch_irq_save();
	__atomic_store_n(&ot.off, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&host_shootdown_waiting, __ATOMIC_SEQ_CST))
		sched_yield();
	ot.seen_waiting = 1;
	__atomic_store_n(&ot.restored, 1, __ATOMIC_RELEASE);
	arch_irq_restore(flags);
	*current_mm_slot() = NULL;
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
	wait_flag(&ot.off);
	flush_tlb_user_range(&mm_a, 0, 4096);
	EXPECT_EQ(t, __atomic_load_n(&ot.restored, __ATOMIC_ACQUIRE), 1);
	EXPECT_EQ(t, pthread_join(th, NULL), 0);
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
	wait_flag(&ot.off);
	flush_tlb_user_range(&mm_b, 0, 4096);
	EXPECT_EQ(t, __atomic_load_n(&ot.restored, __ATOMIC_ACQUIRE), 0);
	EXPECT_EQ(t, host_shootdown_waits - waits0, 0);
	flush_tlb_user_range(&mm_a, 0, 4096);	/* lets it go */
	EXPECT_EQ(t, pthread_join(th, NULL), 0);
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
static void *flush_with_irqs_off(void *arg)
{
	unsigned long flags;

	*current_mm_slot() = &mm_a;
	flags = arch_irq_save();
	__atomic_fetch_add((int *)arg, 1, __ATOMIC_ACQ_REL);
	while (__atomic_load_n((int *)arg, __ATOMIC_ACQUIRE) < 2)
		sched_yield();
	flush_tlb_user_range(&mm_a, 0, 4096);
	arch_irq_restore(flags);
	*current_mm_slot() = NULL;
	return NULL;
}

static void two_flushers_with_irqs_off_both_finish(struct ktest *t)
{
	pthread_t a, b;
	int both = 0;

	ASSERT_EQ(t, pthread_create(&a, NULL, flush_with_irqs_off, &both), 0);
	ASSERT_EQ(t, pthread_create(&b, NULL, flush_with_irqs_off, &both), 0);
	EXPECT_EQ(t, pthread_join(a, NULL), 0);
	EXPECT_EQ(t, pthread_join(b, NULL), 0);
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
KTEST_SUITE(shootdown_suite, "host.shootdown", shootdown_cases);
