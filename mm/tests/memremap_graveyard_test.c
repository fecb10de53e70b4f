/*
 * Suite mm.memremap.graveyard: a memmap removed while its pages are pinned
 * (mm/memremap_graveyard.h). Each case maps a test range
 * (mm/tests/pgmap_range.h), pins pages with get_page(), and tears the
 * range down in the v4.12 order (that pgmap's modes only: the boot's stay
 * as they are), so the memmap is buried under the pins; a thread does the
 * late accesses once the teardown waits. What is asserted holds whatever
 * the freed memory would hold: the buried counts are biased, not read
 * from poison.
 *
 * The thread polls the pgmap's state (msleep(1) between looks, only to
 * let the teardown run on a single CPU; a 60 s watchdog ends a wait for
 * a teardown that never waits); nothing waits for a time. Some cases
 * build the seed bug in one pgmap instead (pin_without_pgmap_ref()): the
 * teardown then does not wait at all, and the case makes the late put
 * itself.
 */
#include <kernel/kthread.h>
#include <kernel/rcu.h>
#include <kernel/smp.h>
#include <kernel/timer.h>
#include <lib/err.h>
#include <lib/errno.h>
#include <lib/ktest.h>
#include <lib/ktime.h>
#include <mm/percpu_ref.h>
#include <lib/string.h>
#include <mm/memremap.h>
#include <mm/memremap_graveyard.h>
#include <mm/memremap_modes.h>
#include <mm/page_ref.h>
#include <mm/vmap.h>
#include <mm/tests/mm_test.h>
#include <mm/tests/pgmap_range.h>
#include <mm/tests/range_backup.h>

#define G_SIZE		(16ULL << 20)
#define G_RESERVE	2

static struct dev_pagemap gpgmap;

/*
 * What the late thread does (set by the case before it starts) and what
 * it saw (written by the thread, read by the case after the join).
 */
static struct late_plan {
	struct page *page[2];
	int puts[2];			/* late puts of each page, in order */
	bool get_first;			/* a late get_page() before the puts */
	/* seen by the thread */
	bool never_waited;		/* the teardown ended without waiting */
	int count_after_get;		/* page[0]'s count after the late get */
	long outstanding_at_wait;	/* graveyard stats when the wait began */
	unsigned int quarantined_at_wait;
	int state_before_last;		/* pgmap state before the last put */
	long count_before_last;		/* its count then */
	bool released_before_last;	/* did its release run before it? */
	int count_after[2];		/* each page's count after its first put */
} plan;

#define G_WATCHDOG_NS	(60 * NSEC_PER_SEC)

static int late_thread(void *arg)
{
	uint64_t start = ktime_get_ns();
	struct graveyard_stats gs;
	int st;

	(void)arg;
	while ((st = __atomic_load_n(&gpgmap.state, __ATOMIC_ACQUIRE)) != PGMAP_WAITING &&
	       st != PGMAP_DEAD && ktime_get_ns() - start < G_WATCHDOG_NS)
		msleep(1);
	if (st != PGMAP_WAITING) {
		/* a teardown that does not wait (the bug these cases look for) */
		plan.never_waited = true;
		return 0;
	}
	memremap_graveyard_stats(&gs);
	plan.outstanding_at_wait = gs.outstanding;
	plan.quarantined_at_wait = gs.quarantined;
	if (plan.get_first) {
		get_page(plan.page[0]);
		plan.count_after_get = page_ref_count(plan.page[0]);
	}
	for (int i = 0, left = plan.puts[0] + plan.puts[1]; i < 2; i++) {
		for (int k = 0; k < plan.puts[i]; k++) {
			if (--left == 0) {
				/* the puts before dropped exactly their pages' references */
				plan.released_before_last = completion_done(&gpgmap.zero);
				plan.count_before_last = percpu_ref_atomic_count(&gpgmap.ref);
				plan.state_before_last = __atomic_load_n(&gpgmap.state,
									 __ATOMIC_ACQUIRE);
			}
			put_page(plan.page[i]);
			/* not after the last: a drained grave may be freed then */
			if (k == 0 && left)
				plan.count_after[i] = page_ref_count(plan.page[i]);
		}
	}
	return 0;
}

static phys_addr_t g_phys;

/* gpgmap over size bytes of the test range (flags: MEMREMAP_ALTMAP or 0). */
static void *g_setup(uint64_t size, unsigned int flags)
{
	memset(&gpgmap, 0, sizeof(gpgmap));
	gpgmap.start = g_phys;
	gpgmap.end = g_phys + size - 1;
	gpgmap.flags = flags;
	gpgmap.altmap_reserve = flags ? G_RESERVE : 0;
	gpgmap.name = "grave-test";
	return memremap_pages(&gpgmap);
}

/* Map the range, memmap in RAM, to be torn down in the v4.12 order. */
static void g_map(struct ktest *t)
{
	ASSERT_FALSE(t, IS_ERR(g_setup(G_SIZE, 0)));
	gpgmap.modes.teardown = MEMREMAP_TEARDOWN_V4_12;
}

/* Pin, tear down with the late thread, and join it. */
static void g_teardown(struct ktest *t)
{
	struct task_struct *th;

	memset(&plan.never_waited, 0, sizeof(plan) - offsetof(struct late_plan, never_waited));
	plan.state_before_last = -1;
	th = kthread_run(late_thread, NULL);
	ASSERT_FALSE(t, IS_ERR(th));
	memunmap_pages(&gpgmap);
	EXPECT_EQ(t, kthread_join(th), 0);
	EXPECT_FALSE(t, plan.never_waited);
	memremap_graveyard_reap();
}

static void g_borrow(struct ktest *t)
{
	/* each case sets its own pgmap's teardown; the boot's must be plain */
	memremap_modes_init();
	if (memremap_modes.refs != ZONE_DEVICE_REFS_SINGLE ||
	    memremap_modes.teardown != MEMREMAP_TEARDOWN_FIXED)
		ktest_skip(t, "needs the default modes (booted with zone_device.refs=%s "
			   "memremap.teardown=%s)", zone_device_refs_name(memremap_modes.refs),
			   memremap_teardown_name(memremap_modes.teardown));
	/* KTEST_NEEDS_PMEM is declared; the NVDIMM may still be too small */
	if (pgmap_test_range(G_SIZE, &g_phys))
		ktest_skip(t, "no %llu MiB test range on the NVDIMM",
			   (unsigned long long)(G_SIZE >> 20));
	memset(&plan, 0, sizeof(plan));
}

#define G_TEST(name)							\
	static void name##_mm(struct ktest *t);				\
	static void name(struct ktest *t)				\
	{								\
		g_borrow(t);						\
		name##_mm(t);						\
		pgmap_test_range_done();				\
	}								\
	MM_TEST(name##_mm)

/* A page pinned twice: quarantined with 2 references; only the second put frees it. */
G_TEST(second_late_put_ends_the_wait)
{
	unsigned long late0 = memremap_late_accesses;
	struct graveyard_stats gs, gs0;

	memremap_graveyard_stats(&gs0);
	g_map(t);
	plan.page[0] = __pfn_to_page(gpgmap.pfn_first + 5);
	get_page(plan.page[0]);
	get_page(plan.page[0]);
	plan.puts[0] = 2;
	g_teardown(t);
	EXPECT_EQ(t, plan.quarantined_at_wait, gs0.quarantined + 1);
	EXPECT_EQ(t, plan.outstanding_at_wait, gs0.outstanding + 2);
	EXPECT_EQ(t, plan.count_after[0], GRAVE_REF_BIAS + 1);	/* one left after the first */
	EXPECT_EQ(t, plan.state_before_last, PGMAP_WAITING);	/* the first put did not end it */
	EXPECT_FALSE(t, plan.released_before_last);
	EXPECT_EQ(t, plan.count_before_last, 1);
	EXPECT_EQ(t, gpgmap.count_at_kill, 1);		/* one page: one pgmap reference */
	EXPECT_TRUE(t, completion_done(&gpgmap.zero));
	EXPECT_EQ(t, gpgmap.state, PGMAP_DEAD);
	EXPECT_EQ(t, memremap_late_accesses - late0, 2);
	EXPECT_EQ(t, ktest_warnings(t), 3);		/* the burial, two late puts */
	memremap_graveyard_stats(&gs);
	EXPECT_EQ(t, gs.quarantined, gs0.quarantined);	/* reaped: memory back (MM_TEST) */
}

/* Pins on two pages: each page's last put drops one pgmap reference. */
G_TEST(two_pinned_pages_drop_one_reference_each)
{
	struct graveyard_stats gs0;

	memremap_graveyard_stats(&gs0);
	g_map(t);
	plan.page[0] = __pfn_to_page(gpgmap.pfn_first + 1);
	plan.page[1] = __pfn_to_page(gpgmap.pfn_first + 4000);
	get_page(plan.page[0]);
	get_page(plan.page[1]);
	get_page(plan.page[1]);
	plan.puts[0] = 1;
	plan.puts[1] = 2;
	g_teardown(t);
	EXPECT_EQ(t, gpgmap.count_at_kill, 2);
	EXPECT_EQ(t, plan.outstanding_at_wait, gs0.outstanding + 3);
	EXPECT_EQ(t, plan.count_after[0], GRAVE_REF_BIAS);	/* page 1: none left */
	EXPECT_EQ(t, plan.state_before_last, PGMAP_WAITING);
	EXPECT_FALSE(t, plan.released_before_last);
	EXPECT_EQ(t, plan.count_before_last, 1);	/* page 1's put dropped one */
	EXPECT_TRUE(t, completion_done(&gpgmap.zero));
	EXPECT_EQ(t, ktest_warnings(t), 4);		/* the burial, three late puts */
}

/* A late get_page() is refused and reported; the count stays as it was. */
G_TEST(late_get_is_refused)
{
	unsigned long late0 = memremap_late_accesses;

	g_map(t);
	plan.page[0] = __pfn_to_page(gpgmap.pfn_first + 9);
	get_page(plan.page[0]);
	plan.get_first = true;
	plan.puts[0] = 1;
	g_teardown(t);
	EXPECT_EQ(t, plan.count_after_get, GRAVE_REF_BIAS + 1);	/* not taken */
	EXPECT_EQ(t, memremap_late_accesses - late0, 2);
	EXPECT_TRUE(t, completion_done(&gpgmap.zero));
	EXPECT_EQ(t, ktest_warnings(t), 3);		/* burial, late get, late put */
}

/* A put beyond the references held at burial is refused, the count kept. */
G_TEST(put_without_reference_on_buried_page_is_refused)
{
	g_map(t);
	plan.page[0] = __pfn_to_page(gpgmap.pfn_first + 2);	/* not pinned */
	plan.page[1] = __pfn_to_page(gpgmap.pfn_first + 3);	/* pinned */
	get_page(plan.page[1]);
	plan.puts[0] = 1;
	plan.puts[1] = 1;
	g_teardown(t);
	EXPECT_EQ(t, plan.count_after[0], GRAVE_REF_BIAS);	/* kept as it was */
	/* the refused put dropped no pgmap reference: still waiting for page 3 */
	EXPECT_EQ(t, plan.state_before_last, PGMAP_WAITING);
	EXPECT_FALSE(t, plan.released_before_last);
	EXPECT_EQ(t, plan.count_before_last, 1);
	EXPECT_TRUE(t, completion_done(&gpgmap.zero));
	EXPECT_EQ(t, ktest_warnings(t), 3);		/* burial, refused put, late put */
}

/*
 * The seed bug in one pgmap, on one CPU: a pin whose pgmap reference was
 * never taken (get_page() plus a put of the pgmap's count). The fixed
 * teardown then finds the count at zero, does not wait, and buries the
 * memmap with the pin's reference in it; the pgmap is dead, the grave
 * quarantined until the late put.
 */
static struct page *pin_without_pgmap_ref(struct dev_pagemap *pgmap, unsigned long i)
{
	struct page *p = __pfn_to_page(pgmap->pfn_first + i);

	get_page(p);
	percpu_ref_put(&pgmap->ref);
	return p;
}

/* A RAM memmap stays allocated while a late put can come, then goes back. */
G_TEST(quarantined_memmap_is_freed_after_the_late_put)
{
	struct graveyard_stats gs, gs0;
	struct page *p;

	memremap_graveyard_stats(&gs0);
	g_map(t);
	gpgmap.modes.teardown = MEMREMAP_TEARDOWN_FIXED;
	p = pin_without_pgmap_ref(&gpgmap, 11);
	memunmap_pages(&gpgmap);
	EXPECT_EQ(t, gpgmap.state, PGMAP_DEAD);
	EXPECT_TRUE(t, completion_done(&gpgmap.zero));	/* zero, with the pin held */
	EXPECT_EQ(t, gpgmap.count_at_kill, 0);
	memremap_graveyard_reap();			/* nothing to reap yet */
	memremap_graveyard_stats(&gs);
	EXPECT_EQ(t, gs.quarantined, gs0.quarantined + 1);
	EXPECT_EQ(t, gs.outstanding, gs0.outstanding + 1);
	EXPECT_GE(t, gs.bytes - gs0.bytes, (G_SIZE >> PAGE_SHIFT) * sizeof(struct page));
	EXPECT_EQ(t, page_ref_count(p), GRAVE_REF_BIAS + 1);
	put_page(p);					/* late */
	memremap_graveyard_reap();
	memremap_graveyard_stats(&gs);
	EXPECT_EQ(t, gs.quarantined, gs0.quarantined);	/* and the pages are back: MM_TEST */
	EXPECT_EQ(t, ktest_warnings(t), 2);		/* the burial, the late put */
}

/*
 * An altmap memmap lives on the device: while it holds a pin's count the
 * range is refused to a new pgmap (its memmap pages would be reused);
 * once the late put came, the grave is reaped and the range maps again.
 */
G_TEST(altmap_grave_blocks_the_range_until_drained)
{
	struct range_backup saved;
	struct dev_pagemap again;
	void *virt;
	size_t span = PFN_PHYS(G_RESERVE + PFN_UP((G_SIZE >> PAGE_SHIFT) * sizeof(struct page)) + 2);

	if (range_backup_save(&saved, g_phys, span)) {
		pgmap_test_range_done();
		ktest_skip(t, "no copy of the %zu KiB the altmap memmap would overwrite", span >> 10);
	}
	/* no ASSERT from here until the bytes are back */
	virt = g_setup(G_SIZE, MEMREMAP_ALTMAP);
	EXPECT_FALSE(t, IS_ERR(virt));
	if (!IS_ERR(virt)) {
		struct page *p = pin_without_pgmap_ref(&gpgmap, 3);

		memunmap_pages(&gpgmap);
		EXPECT_EQ(t, gpgmap.state, PGMAP_DEAD);
		memset(&again, 0, sizeof(again));
		again.start = g_phys;
		again.end = g_phys + G_SIZE - 1;
		again.name = "grave-again";
		EXPECT_EQ(t, PTR_ERR(memremap_pages(&again)), -EBUSY);
		/* the memmap is still mapped: the late put finds its count */
		EXPECT_EQ(t, page_ref_count(p), GRAVE_REF_BIAS + 1);
		put_page(p);				/* late */
		virt = memremap_pages(&again);	/* reaps first */
		EXPECT_FALSE(t, IS_ERR(virt));
		if (!IS_ERR(virt))
			memunmap_pages(&again);
		EXPECT_EQ(t, ktest_warnings(t), 2);	/* the burial, the late put */
	}
	range_backup_restore(t, &saved);
}

/* --- puts racing the burial ---------------------------------------------------- */

/*
 * Two pinned pages, A and B, and a thread (on CPU 1 if there is one)
 * that puts them while the teardown buries their memmap (memremap_bury_window holds the
 * burial between taking the section and biasing the counts): A is put in
 * that window, an ordinary put on a memmap already gone from the lookups;
 * B once its count is biased, a late put. Written by the thread, read
 * after the join.
 */
static struct racing_puts {
	struct page *a, *b;
	int window_open;		/* the burial is in the window */
	int a_done;			/* A was put */
	bool a_late, b_late;		/* which of them the graveyard saw */
	bool timed_out;			/* a watchdog ended a wait */
} rp;

static bool wait_flag_ns(int *flag, uint64_t ns)
{
	uint64_t start = ktime_get_ns();

	while (!__atomic_load_n(flag, __ATOMIC_ACQUIRE))
		if (ktime_get_ns() - start > ns)
			return false;
		else
			msleep(1);
	return true;
}

/* In the teardown: let the thread put A before any count is biased. */
static void hold_burial_for_a(const struct page *memmap, unsigned long nr)
{
	if (rp.a < memmap || rp.a >= memmap + nr)
		return;
	__atomic_store_n(&rp.window_open, 1, __ATOMIC_RELEASE);
	if (!wait_flag_ns(&rp.a_done, G_WATCHDOG_NS))
		rp.timed_out = true;
}

static int put_across_the_burial(void *arg)
{
	uint64_t start = ktime_get_ns();
	unsigned long late;

	(void)arg;
	if (!wait_flag_ns(&rp.window_open, G_WATCHDOG_NS)) {
		/* fail, but put the pins: the v4.12 wait would never end */
		rp.timed_out = true;
		put_page(rp.a);
		put_page(rp.b);
		return 0;
	}
	late = __atomic_load_n(&memremap_late_accesses, __ATOMIC_RELAXED);
	put_page(rp.a);		/* before the bias: ordinary */
	rp.a_late = __atomic_load_n(&memremap_late_accesses, __ATOMIC_RELAXED) != late;
	__atomic_store_n(&rp.a_done, 1, __ATOMIC_RELEASE);
	/* B is pinned, so its memmap is kept: reading its count is safe */
	while (page_ref_count(rp.b) >= 0)
		if (ktime_get_ns() - start > G_WATCHDOG_NS) {
			rp.timed_out = true;
			break;		/* put B anyway, so the teardown ends */
		} else {
			msleep(1);
		}
	late = __atomic_load_n(&memremap_late_accesses, __ATOMIC_RELAXED);
	put_page(rp.b);		/* after it: late */
	rp.b_late = __atomic_load_n(&memremap_late_accesses, __ATOMIC_RELAXED) != late;
	return 0;
}

/*
 * Puts from another thread on both sides of the burial, in the teaching
 * modes' put path (an RCU section; the host runs it under ASan and TSan): the
 * one in the burial's window is ordinary and drops its page's pgmap
 * reference itself, the one after the bias is late and drops it through
 * the grave; the v4.12 wait ends, nothing is left held.
 */
G_TEST(puts_across_the_burial_are_ordinary_then_late)
{
	bool teaching = zone_device_teaching;
	unsigned long late0 = memremap_late_accesses;
	struct graveyard_stats gs, gs0;
	struct task_struct *th;

	memremap_graveyard_stats(&gs0);
	g_map(t);
	memset(&rp, 0, sizeof(rp));
	rp.a = __pfn_to_page(gpgmap.pfn_first + 100);
	rp.b = __pfn_to_page(gpgmap.pfn_first + 3000);
	get_page(rp.a);
	get_page(rp.b);
	__atomic_store_n(&zone_device_teaching, true, __ATOMIC_RELEASE);
	memremap_bury_window = hold_burial_for_a;
	th = kthread_run_on(num_online_cpus() > 1 ? 1 : 0, put_across_the_burial, NULL);
	if (IS_ERR(th)) {
		memremap_bury_window = NULL;
		__atomic_store_n(&zone_device_teaching, teaching, __ATOMIC_RELEASE);
		put_page(rp.a);
		put_page(rp.b);
		memunmap_pages(&gpgmap);
		ASSERT_FALSE(t, IS_ERR(th));
	}
	memunmap_pages(&gpgmap);
	EXPECT_EQ(t, kthread_join(th), 0);
	memremap_bury_window = NULL;
	__atomic_store_n(&zone_device_teaching, teaching, __ATOMIC_RELEASE);
	memremap_graveyard_reap();
	EXPECT_FALSE(t, rp.timed_out);
	EXPECT_FALSE(t, rp.a_late);		/* in the window: ordinary */
	EXPECT_TRUE(t, rp.b_late);		/* after the bias: late */
	EXPECT_EQ(t, memremap_late_accesses - late0, 1);
	EXPECT_TRUE(t, completion_done(&gpgmap.zero));	/* each put dropped its page's reference */
	EXPECT_EQ(t, ktest_warnings(t), 2);	/* the burial (B held), B's late put */
	memremap_graveyard_stats(&gs);
	EXPECT_EQ(t, gs.quarantined, gs0.quarantined);
}

/* What maps virt: 1 mapped, 0 not, -1 this build cannot tell. */
static int mapped(unsigned long virt)
{
	struct kernel_mapping m;
	int err = kernel_mapping_query(virt, &m);

	return err == -ENOSYS ? -1 : err == 0;
}

/*
 * A range across a section boundary has two memmap pieces, one after the
 * other at the head of the range (altmap). A pin in the second piece
 * keeps that piece's memmap mapped; the first piece's memmap, the reserve
 * and the data are unmapped at the teardown, and the kept piece after the
 * late put.
 */
G_TEST(altmap_two_pieces_keep_only_the_pinned_memmap)
{
	uint64_t size = G_SIZE + (64ULL << 20);		/* 64 MiB in: crosses 128 MiB */
	unsigned long boundary, per0, per1;
	struct range_backup saved;
	uintptr_t virt, span0, span1;
	struct page *p;
	size_t span;

	if (pgmap_test_range(size, &g_phys)) {
		pgmap_test_range_done();
		ktest_skip(t, "no %llu MiB test range", (unsigned long long)(size >> 20));
	}
	boundary = (PHYS_PFN(g_phys) & PAGE_SECTION_MASK) + PAGES_PER_SECTION;
	if (boundary >= PHYS_PFN(g_phys + size)) {
		pgmap_test_range_done();
		ktest_skip(t, "the test range %#llx+%llu MiB crosses no section boundary",
			   (unsigned long long)g_phys, (unsigned long long)(size >> 20));
	}
	per0 = PFN_UP((boundary - PHYS_PFN(g_phys)) * sizeof(struct page));
	per1 = PFN_UP((PHYS_PFN(g_phys + size) - boundary) * sizeof(struct page));
	span = PFN_PHYS(G_RESERVE + per0 + per1);
	if (range_backup_save(&saved, g_phys, span)) {
		pgmap_test_range_done();
		ktest_skip(t, "no copy of the %zu KiB the altmap memmap would overwrite", span >> 10);
	}
	/* no ASSERT from here until the bytes are back */
	virt = (uintptr_t)g_setup(size, MEMREMAP_ALTMAP);
	EXPECT_FALSE(t, IS_ERR((void *)virt));
	if (!IS_ERR((void *)virt)) {
		span0 = virt + PFN_PHYS(G_RESERVE);
		span1 = span0 + PFN_PHYS(per0);
		p = pin_without_pgmap_ref(&gpgmap, boundary + 5 - gpgmap.pfn_first);
		EXPECT_EQ(t, (uintptr_t)p, span1 + 5 * sizeof(struct page));
		memunmap_pages(&gpgmap);
		EXPECT_EQ(t, gpgmap.state, PGMAP_DEAD);
		if (mapped(virt) < 0) {
			ktest_log(t, "this build cannot query kernel mappings: mapping checks skipped");
		} else {
			EXPECT_EQ(t, mapped(virt), 0);			/* the reserve */
			EXPECT_EQ(t, mapped(span0), 0);			/* piece 0's memmap */
			EXPECT_EQ(t, mapped(span1), 1);			/* piece 1's, kept */
			EXPECT_EQ(t, mapped(span1 + PFN_PHYS(per1)), 0);
			EXPECT_EQ(t, mapped(virt + PFN_PHYS(boundary - PHYS_PFN(g_phys))), 0);
		}
		EXPECT_EQ(t, page_ref_count(p), GRAVE_REF_BIAS + 1);
		put_page(p);					/* late */
		memremap_graveyard_reap();
		if (mapped(span1) >= 0)
			EXPECT_EQ(t, mapped(span1), 0);		/* gone once drained */
		EXPECT_EQ(t, ktest_warnings(t), 2);		/* the burial, the late put */
	}
	range_backup_restore(t, &saved);
}

/* Every case maps a range of its own: an NVDIMM's piece, or the host's. */
#define G_CASE(fn, intent)	KTEST_CASE_NEEDS(fn, KTEST_NEEDS_PMEM, intent)

static const struct ktest_case graveyard_cases[] = {
	G_CASE(second_late_put_ends_the_wait,
		   "a page pinned twice: the wait ends at its second late put, not its first"),
	G_CASE(two_pinned_pages_drop_one_reference_each,
		   "two pinned pages: each page's last late put drops one pgmap reference"),
	G_CASE(late_get_is_refused, "a late get_page is refused and reported"),
	G_CASE(put_without_reference_on_buried_page_is_refused,
		   "a put on a buried page that held nothing is refused, counts kept"),
	G_CASE(quarantined_memmap_is_freed_after_the_late_put,
		   "seed bug on one CPU: a RAM memmap kept until the late put, then freed"),
	G_CASE(puts_across_the_burial_are_ordinary_then_late,
		   "a put in the burial's window is ordinary, one after the bias late; none lost"),
	G_CASE(altmap_two_pieces_keep_only_the_pinned_memmap,
		   "two memmap pieces: only the pinned one stays mapped, until its late put"),
	G_CASE(altmap_grave_blocks_the_range_until_drained,
		   "an altmap memmap in quarantine keeps its range from a new pgmap"),
	{ 0 },
};
KTEST_SUITE(graveyard_suite, "mm.memremap.graveyard", graveyard_cases);
