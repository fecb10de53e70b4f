/*
 * Suites mm.tlb.smp and mm.gup.smp: the address-space cases that need a
 * second CPU, kernel threads and real TLB shootdowns (so the host build,
 * which has none, leaves this folder out). A kernel thread bound to
 * another CPU runs "in" the test's address space (use_mm) while the case
 * changes it from this one.
 *
 *   tlb_shootdown_reaches_other_cpu      the other CPU caches a read and a
 *       write translation; after munmap / mprotect here its next accesses
 *       must fault (a stale TLB entry would let them through);
 *   table_free_waits_for_irq_off_walker  the other CPU walks with
 *       interrupts off until it sees the shootdown of a munmap here wait
 *       for it, and WALK_AFTER walks more; the munmap must not return
 *       (free the tables) before it turns them back on;
 *   gup_fast_races_munmap                the other CPU pins the range with
 *       fast GUP (and now and then the full call) while this one maps,
 *       faults in, tags and unmaps it, RACE_ROUNDS times and until the
 *       other side made RACE_CALLS calls: every page it gets must be live
 *       (a reference held, not free, not poisoned) and hold zeroes or the
 *       tag of its own index, and every count must come back (free pages
 *       back to the baseline).
 *
 * Threads report through shared structs; only the case checks. Every
 * wait is for an event, bounded by a watchdog.
 */
#include <kernel/kthread.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <lib/errno.h>
#include <lib/ktest.h>
#include <lib/ktime.h>
#include <lib/string.h>
#include <mm/gup.h>
#include <mm/mem_init.h>
#include <mm/memmap.h>
#include <mm/page_alloc.h>
#include <mm/page_ref.h>
#include <mm/tests/mm_test.h>
#include <mm/tests/vm_test.h>
#include <asm/cpu.h>
#include <asm/tlbflush.h>
#include <asm/uaccess.h>

#define P		PAGE_SIZE
#define A		0x40000000UL
#define WATCHDOG_MS	60000
#define RACE_PAGES	16
#define RACE_ROUNDS	1000	/* map/unmap rounds of gup_fast_races_munmap */
#define RACE_CALLS	10000	/* ... and at least this many GUP calls meanwhile */
#define WALK_AFTER	1000	/* walks once the shootdown is seen waiting */

static unsigned int second_cpu(struct ktest *t)
{
	unsigned int cpu;

	ASSERT_TRUE(t, num_online_cpus() >= 2);	/* declared: KTEST_NEEDS_CPUS(2) */
	for_each_online_cpu(cpu)
		if (cpu != smp_processor_id())
			return cpu;
	ktest_fail(t, "no other CPU online");
	ktest_abort(t);
}

static bool wait_phase(int *phase, int want)
{
	uint64_t end = ktime_get_ns() + WATCHDOG_MS * NSEC_PER_MSEC;

	while (__atomic_load_n(phase, __ATOMIC_ACQUIRE) < want) {
		if (ktime_get_ns() > end)
			return false;
		cpu_relax();
	}
	return true;
}

static void set_phase(int *phase, int v)
{
	__atomic_store_n(phase, v, __ATOMIC_RELEASE);
}

static struct mm_struct *mm_with(struct ktest *t, unsigned long pages)
{
	struct mm_struct *mm = test_mm_create(t);

	if (mmap_anon(mm, A, pages * P, PROT_READ | PROT_WRITE) != (long)A) {
		mm_destroy(mm);
		ASSERT_TRUE(t, false);
	}
	return mm;
}

/* --- the shootdown reaches the other CPU ------------------------------------ */

struct shoot {
	struct mm_struct *mm;
	int phase;		/* 1: translations cached; 2: changed here */
	int read_ok;		/* before: the loads/stores worked */
	int after_munmap;	/* get_user of the unmapped page */
	int after_mprotect;	/* put_user to the page made read-only */
};

static int shoot_side(void *arg)
{
	struct shoot *s = arg;
	uint64_t v;

	use_mm(s->mm);
	s->read_ok = get_user_u64(&v, (void *)A) == 0 &&
		     put_user_u64(7, (void *)(A + P)) == 0;
	set_phase(&s->phase, 1);
	wait_phase(&s->phase, 2);		/* interrupts on: the shootdown lands */
	s->after_munmap = get_user_u64(&v, (void *)A);
	s->after_mprotect = put_user_u64(8, (void *)(A + P));
	unuse_mm(s->mm);
	return 0;
}

static void tlb_shootdown_reaches_other_cpu(struct ktest *t)
{
	unsigned int cpu = second_cpu(t);
	struct shoot s = { 0 };
	struct task_struct *th;
	struct mm_baseline base;

	mm_baseline_take(&base);
	s.mm = mm_with(t, 2);
	test_fault_range(t, s.mm, A, 2, FAULT_FLAG_WRITE);
	th = kthread_run_on(cpu, shoot_side, &s);
	ASSERT_FALSE(t, IS_ERR(th));
	EXPECT_TRUE(t, wait_phase(&s.phase, 1));
	EXPECT_EQ(t, munmap(s.mm, A, P), 0);
	EXPECT_EQ(t, mprotect(s.mm, A + P, P, PROT_READ), 0);
	set_phase(&s.phase, 2);
	EXPECT_EQ(t, kthread_join(th), 0);
	EXPECT_TRUE(t, s.read_ok);
	EXPECT_EQ(t, s.after_munmap, -EFAULT);
	EXPECT_EQ(t, s.after_mprotect, -EFAULT);
	mm_destroy(s.mm);
	mm_baseline_check(t, &base);
}

/* --- freeing waits for a walker with interrupts off ---------------------------- */

struct walk {
	struct mm_struct *mm;
	int phase;		/* 1: walking, interrupts off */
	bool saw_shootdown;	/* a shootdown waited for this CPU meanwhile */
	uint64_t irqs_on_ns;	/* when it turned them back on */
	unsigned long walks, pinned;
};

static int walk_side(void *arg)
{
	struct walk *w = arg;
	struct page *pages[4];
	unsigned int cpu = smp_processor_id();
	unsigned long flags, after = 0;
	uint64_t start;

	use_mm(w->mm);
	flags = arch_irq_save();
	set_phase(&w->phase, 1);
	start = ktime_get_ns();
	/* walk until the munmap's shootdown waits for this CPU, then some more */
	while (after < WALK_AFTER &&
	       ktime_get_ns() - start < WATCHDOG_MS * NSEC_PER_MSEC) {
		unsigned long n = gup_fast_only(A, 4, FOLL_GET, pages);

		w->pinned += n;
		w->walks++;
		unpin_user_pages(pages, n);
		if (w->saw_shootdown || tlb_shootdown_pending(cpu)) {
			w->saw_shootdown = true;
			after++;
		}
	}
	w->irqs_on_ns = ktime_get_ns();
	arch_irq_restore(flags);
	unuse_mm(w->mm);
	return 0;
}

static void table_free_waits_for_irq_off_walker(struct ktest *t)
{
	unsigned int cpu = second_cpu(t);
	struct walk w = { 0 };
	struct task_struct *th;
	struct mm_baseline base;
	uint64_t t0, returned;

	mm_baseline_take(&base);
	w.mm = mm_with(t, 4);
	test_fault_range(t, w.mm, A, 4, FAULT_FLAG_WRITE);
	th = kthread_run_on(cpu, walk_side, &w);
	ASSERT_FALSE(t, IS_ERR(th));
	EXPECT_TRUE(t, wait_phase(&w.phase, 1));
	t0 = ktime_get_ns();
	EXPECT_EQ(t, munmap(w.mm, A, 4 * P), 0);	/* frees 4 pages and 3 tables */
	returned = ktime_get_ns();
	EXPECT_EQ(t, kthread_join(th), 0);
	EXPECT_GT(t, w.walks, 0);
	EXPECT_TRUE(t, w.saw_shootdown);		/* the munmap did wait for it */
	EXPECT_GE(t, returned, w.irqs_on_ns);		/* not before the walker was done */
	ktest_log(t, "munmap waited %llu us for the walker (%lu walks, %lu pages pinned)",
		  (unsigned long long)((returned - t0) / 1000), w.walks, w.pinned);
	mm_destroy(w.mm);
	mm_baseline_check(t, &base);
}

/* --- fast GUP against munmap --------------------------------------------------------- */

#define TAG(round, i)	(0x7a67000000000000ULL | ((uint64_t)(round) << 16) | (i))
#define TAG_INDEX(w)	((w) & 0xffff)

struct race {
	struct mm_struct *mm;
	int phase;		/* 1: the pinning side runs; 2: stop */
	unsigned long calls, pinned, bad;
	unsigned long bad_pfn;
	uint64_t bad_word;
	int bad_refcount;
};

/* Is this page, pinned for index i, one the mapping could have held? */
static bool page_is_live(struct race *r, struct page *page, unsigned long i)
{
	uint64_t w = *(volatile uint64_t *)page_address(page);

	if (page_ref_count(page) >= 1 && !PageBuddy(page) && !PagePoisoned(page) &&
	    (w == 0 || ((w >> 48) == 0x7a67 && TAG_INDEX(w) == i)))
		return true;
	if (!r->bad) {
		r->bad_pfn = page_to_pfn(page);
		r->bad_word = w;
		r->bad_refcount = page_ref_count(page);
	}
	return false;
}

static int race_side(void *arg)
{
	struct race *r = arg;
	static struct page *pages[RACE_PAGES];

	use_mm(r->mm);
	set_phase(&r->phase, 1);
	while (__atomic_load_n(&r->phase, __ATOMIC_ACQUIRE) < 2) {
		long n = r->calls % 8 == 7 ? get_user_pages_fast(A, RACE_PAGES, 0, pages)
					   : (long)gup_fast_only(A, RACE_PAGES, FOLL_GET, pages);

		__atomic_store_n(&r->calls, r->calls + 1, __ATOMIC_RELAXED);
		for (long i = 0; i < n; i++)
			if (!page_is_live(r, pages[i], i))
				r->bad++;
		if (n > 0) {
			r->pinned += n;
			unpin_user_pages(pages, n);
		}
	}
	unuse_mm(r->mm);
	return 0;
}

static void gup_fast_races_munmap(struct ktest *t)
{
	unsigned int cpu = second_cpu(t);
	static struct page *pages[RACE_PAGES];
	struct race r = { 0 };
	struct task_struct *th;
	struct mm_baseline base;
	unsigned long rounds = 0;
	uint64_t end;

	mm_baseline_take(&base);
	r.mm = test_mm_create(t);
	th = kthread_run_on(cpu, race_side, &r);
	ASSERT_FALSE(t, IS_ERR(th));
	EXPECT_TRUE(t, wait_phase(&r.phase, 1));
	end = ktime_get_ns() + WATCHDOG_MS * NSEC_PER_MSEC;
	while ((rounds < RACE_ROUNDS ||
		__atomic_load_n(&r.calls, __ATOMIC_RELAXED) < RACE_CALLS) &&
	       ktime_get_ns() < end) {
		long n;

		if (mmap_anon(r.mm, A, RACE_PAGES * P, PROT_READ | PROT_WRITE) != (long)A) {
			ktest_fail(t, "round %lu: mmap_anon failed", rounds);
			break;
		}
		n = get_user_pages(r.mm, A, RACE_PAGES, FOLL_GET, pages);
		for (long i = 0; i < n; i++)
			*(volatile uint64_t *)page_address(pages[i]) = TAG(rounds, i);
		if (n > 0)
			unpin_user_pages(pages, n);
		if (munmap(r.mm, A, RACE_PAGES * P)) {
			ktest_fail(t, "round %lu: munmap failed", rounds);
			break;
		}
		rounds++;
	}
	set_phase(&r.phase, 2);
	EXPECT_EQ(t, kthread_join(th), 0);
	ktest_log(t, "%lu map/unmap rounds; %lu GUP calls pinned %lu pages; page_poison %s",
		  rounds, r.calls, r.pinned, mm_options.page_poison ? "on" : "off");
	if (r.bad)
		ktest_fail(t, "%lu dead pages returned; first: pfn 0x%lx refcount %d word 0x%llx",
			   r.bad, r.bad_pfn, r.bad_refcount, (unsigned long long)r.bad_word);
	if (rounds < RACE_ROUNDS || r.calls < RACE_CALLS)
		ktest_fail(t, "in %u s only %lu map/unmap rounds and %lu GUP calls (want %u and %u)",
			   WATCHDOG_MS / 1000, rounds, r.calls, RACE_ROUNDS, RACE_CALLS);
	mm_destroy(r.mm);
	mm_baseline_check(t, &base);
}

static const struct ktest_case tlb_smp_cases[] = {
	KTEST_CASE_NEEDS(tlb_shootdown_reaches_other_cpu, KTEST_NEEDS_CPUS(2),
			 "a page another CPU just used faults there after munmap/mprotect here"),
	KTEST_CASE_NEEDS(table_free_waits_for_irq_off_walker, KTEST_NEEDS_CPUS(2),
			 "munmap returns only after a CPU walking with interrupts off enables them"),
	{}
};
KTEST_SUITE(tlb_smp_suite, "mm.tlb.smp", tlb_smp_cases);

static const struct ktest_case gup_smp_cases[] = {
	KTEST_CASE_NEEDS(gup_fast_races_munmap, KTEST_NEEDS_CPUS(2),
			 "fast GUP on another CPU while this one maps and unmaps 1000 times: "
			 "never a freed page"),
	{}
};
KTEST_SUITE(gup_smp_suite, "mm.gup.smp", gup_smp_cases);
