/*
 * Suite mm.memremap: dev_pagemap and the single-reference rule (mm/memremap.h),
 * the scenarios of docs/zone-device.md that need one CPU.
 *
 * The range (pgmap_test_range()): in the kernel, a scratch piece of the
 * first NVDIMM, 16 MiB, 64 MiB in (kernel/tests/pmem_ranges.c); on the
 * host, ordinary memory in a 128 MiB section of its own, outside the
 * host's "RAM". Every case declares KTEST_NEEDS_PMEM. No struct device: these cases run the teardown themselves
 * (memunmap_pages(), what devres runs at unbind).
 *
 * The altmap case puts the memmap on the range itself: struct pages, and
 * their poison at teardown, over pmem0's data. It saves the bytes it can
 * touch first (mm/tests/range_backup.h) and writes them back after the
 * teardown, or skips if it cannot save them: the boot self-tests run at
 * every `make run` and must not destroy what a user keeps on the NVDIMM.
 *
 * Every case checks the page-allocator free count is back to its
 * baseline (MM_TEST) and leaves no pgmap behind.
 */
#include <drivers/pmem/pmem.h>
#include <lib/err.h>
#include <lib/errno.h>
#include <lib/ktest.h>
#include <lib/string.h>
#include <mm/memremap.h>
#include <mm/page_alloc.h>
#include <mm/page_ref.h>
#include <mm/tests/mm_test.h>
#include <mm/tests/pgmap_range.h>
#include <mm/tests/range_backup.h>

#define TEST_SIZE	(16ULL << 20)
#define TEST_RESERVE	2		/* altmap: pages kept out, like labels */


static phys_addr_t test_phys;

static void borrow(struct ktest *t)
{
	/* KTEST_NEEDS_PMEM is declared; the NVDIMM may still be too small */
	if (pgmap_test_range(TEST_SIZE, &test_phys))
		ktest_skip(t, "no %llu MiB test range on the NVDIMM",
			   (unsigned long long)(TEST_SIZE >> 20));
}

/* A case that may borrow the range; pmem0 is bound again afterwards. */
#define PG_TEST(name)							\
	static void name##_mm(struct ktest *t);				\
	static void name(struct ktest *t)				\
	{								\
		borrow(t);						\
		name##_mm(t);						\
		pgmap_test_range_done();				\
	}								\
	MM_TEST(name##_mm)

/* memremap_pages() of the test range: its address or an ERR_PTR. */
static void *map_test_range(struct dev_pagemap *pgmap, unsigned int flags)
{
	memset(pgmap, 0, sizeof(*pgmap));
	pgmap->start = test_phys;
	pgmap->end = test_phys + TEST_SIZE - 1;
	pgmap->flags = flags;
	pgmap->altmap_reserve = flags & MEMREMAP_ALTMAP ? TEST_RESERVE : 0;
	pgmap->name = "pgmap-test";
	return memremap_pages(pgmap);
}

static void setup(struct ktest *t, struct dev_pagemap *pgmap, unsigned int flags)
{
	ASSERT_FALSE(t, IS_ERR(map_test_range(pgmap, flags)));
}

/*
 * Bytes of the range an altmap memmap may write, from its start: the
 * reserve, the memmap of TEST_SIZE (struct pages rounded up to pages),
 * and one page per section the range touches (each section's piece of
 * the memmap is rounded up on its own).
 */
static size_t altmap_span(void)
{
	unsigned long pages = TEST_SIZE >> PAGE_SHIFT;
	unsigned long sections = pfn_to_section_nr(PHYS_PFN(test_phys + TEST_SIZE - 1)) -
				 pfn_to_section_nr(PHYS_PFN(test_phys)) + 1;

	return PFN_PHYS(TEST_RESERVE + PFN_UP(pages * sizeof(struct page)) + sections);
}

static unsigned int nr_pgmaps(void)
{
	struct dev_pagemap *all[MAX_PGMAPS];

	return pgmap_snapshot(all, MAX_PGMAPS);
}

static struct page *dpage(struct dev_pagemap *pgmap, unsigned long i)
{
	return __pfn_to_page(pgmap->pfn_first + i);
}

/* Scenario 1 on a mapped range: refs = 1 + pages, every page at 1. */
static void expect_mapped(struct ktest *t, struct dev_pagemap *pgmap, unsigned int before)
{
	unsigned long live, bad = 0, total = TEST_SIZE >> PAGE_SHIFT;
	long refs;

	EXPECT_EQ(t, nr_pgmaps(), before + 1);
	EXPECT_EQ(t, memremap_check_invariant(pgmap, &refs, &live), 0);
	EXPECT_EQ(t, refs, 1 + (long)pgmap->nr_pages);
	EXPECT_EQ(t, live, pgmap->nr_pages);
	for (unsigned long i = 0; i < pgmap->nr_pages; i++) {
		struct page *p = dpage(pgmap, i);

		bad += page_ref_count(p) != 1 || p->pgmap != pgmap ||
		       !is_zone_device_page(p) || PageReserved(p);
	}
	EXPECT_EQ(t, bad, 0);
	if (pgmap->flags & MEMREMAP_ALTMAP) {
		EXPECT_EQ(t, pgmap->nr_pages, total - TEST_RESERVE - pgmap->altmap.free);
		EXPECT_TRUE(t, pgmap->altmap.alloc > 0);
		EXPECT_TRUE(t, pgmap->altmap.alloc <= pgmap->altmap.free);
	} else {
		EXPECT_EQ(t, pgmap->nr_pages, total);
	}
	ktest_log(t, "%lu pages, memmap %llu KiB in %s", pgmap->nr_pages,
		  (unsigned long long)(pgmap->memmap_bytes >> 10),
		  pgmap->flags & MEMREMAP_ALTMAP ? "the device (altmap)" : "RAM");
}

/* ... and after memunmap_pages(): dead, the altmap given back, no pgmap. */
static void expect_removed(struct ktest *t, struct dev_pagemap *pgmap, unsigned int before)
{
	EXPECT_EQ(t, pgmap->state, PGMAP_DEAD);
	EXPECT_EQ(t, pgmap->altmap.alloc, 0);
	EXPECT_EQ(t, nr_pgmaps(), before);
	EXPECT_EQ(t, ktest_warnings(t), 0);
}

PG_TEST(map_ram_memmap_one_ref_per_page)
{
	struct dev_pagemap pgmap;
	unsigned int before = nr_pgmaps();

	setup(t, &pgmap, 0);
	expect_mapped(t, &pgmap, before);
	memunmap_pages(&pgmap);
	expect_removed(t, &pgmap, before);
}

PG_TEST(map_altmap_memmap_one_ref_per_page)
{
	struct dev_pagemap pgmap;
	struct range_backup saved;
	unsigned int before = nr_pgmaps();
	void *virt;

	if (range_backup_save(&saved, test_phys, altmap_span())) {
		pgmap_test_range_done();
		ktest_skip(t, "no copy of the %zu KiB of pmem0 the altmap memmap would overwrite "
			   "(no memory, or no mapping): skipped rather than clobber them",
			   altmap_span() >> 10);
	}
	/* no ASSERT from here until the bytes are back */
	virt = map_test_range(&pgmap, MEMREMAP_ALTMAP);
	EXPECT_FALSE(t, IS_ERR(virt));
	if (!IS_ERR(virt)) {
		expect_mapped(t, &pgmap, before);
		/* everything the memmap may write was saved */
		EXPECT_LE(t, PFN_PHYS(pgmap.altmap.reserve + pgmap.altmap.free), saved.bytes);
		memunmap_pages(&pgmap);
		expect_removed(t, &pgmap, before);
	}
	range_backup_restore(t, &saved);
}

/* Scenario 2: every page 1 -> 0, release once, no warning, gone. */
PG_TEST(idle_teardown_releases_every_page)
{
	struct dev_pagemap pgmap;
	unsigned long frees0 = zone_device_page_frees;
	unsigned long pfn;

	setup(t, &pgmap, 0);
	pfn = pgmap.pfn_first;
	memunmap_pages(&pgmap);
	EXPECT_EQ(t, zone_device_page_frees - frees0, pgmap.nr_pages);
	EXPECT_TRUE(t, completion_done(&pgmap.zero));
	EXPECT_FALSE(t, pfn_valid(pfn));
	EXPECT_NULL(t, get_dev_pagemap(pfn, NULL));
	EXPECT_EQ(t, ktest_warnings(t), 0);
}

/* Scenario 4 (one CPU): get/put cycles keep the count exact. */
PG_TEST(get_put_cycles_keep_the_count)
{
	struct dev_pagemap pgmap;
	struct page *p;
	unsigned long live;
	long refs;

	setup(t, &pgmap, 0);
	p = dpage(&pgmap, 7);
	for (int i = 0; i < 1000; i++) {
		get_page(p);
		EXPECT_TRUE(t, get_page_unless_zero(p));
		put_page(p);
		put_page(p);
	}
	get_page(p);	/* one pin held over the check */
	EXPECT_EQ(t, memremap_check_invariant(&pgmap, &refs, &live), 0);
	EXPECT_EQ(t, refs, 1 + (long)pgmap.nr_pages);
	put_page(p);
	memunmap_pages(&pgmap);
	EXPECT_EQ(t, ktest_warnings(t), 0);
}

/* Scenario 5/7: the lookup, the cache, and tryget_live after the kill. */
PG_TEST(lookup_reuses_cache_and_fails_once_dying)
{
	struct dev_pagemap pgmap, *a, *b;
	unsigned long pfn, live;
	long refs;

	setup(t, &pgmap, 0);
	pfn = pgmap.pfn_first;
	a = get_dev_pagemap(pfn, NULL);
	EXPECT_TRUE(t, a == &pgmap);
	b = get_dev_pagemap(pfn + 100, a);	/* covered: a's reference stands */
	EXPECT_TRUE(t, b == a);
	EXPECT_NULL(t, get_dev_pagemap(PHYS_PFN(pgmap.end) + 1, NULL));
	EXPECT_NULL(t, get_dev_pagemap(PHYS_PFN(pgmap.end) + 1, b)); /* drops b's */
	EXPECT_EQ(t, memremap_check_invariant(&pgmap, &refs, &live), 0);
	percpu_ref_kill(&pgmap.ref);
	EXPECT_NULL(t, get_dev_pagemap(pfn, NULL));
	memunmap_pages(&pgmap);		/* the kill is done: it goes on from step 2 */
	EXPECT_EQ(t, pgmap.state, PGMAP_DEAD);
	EXPECT_EQ(t, ktest_warnings(t), 0);
}

/* Scenario 12: conflicts refused, nothing left behind, a retry works. */
PG_TEST(overlaps_are_refused_cleanly)
{
	struct dev_pagemap pgmap, other;
	unsigned int before = nr_pgmaps();
	void *virt;

	setup(t, &pgmap, 0);
	memset(&other, 0, sizeof(other));
	other.start = pgmap.start + (4ULL << 20);
	other.end = pgmap.end + (4ULL << 20);
	other.name = "pgmap-overlap";
	virt = memremap_pages(&other);
	EXPECT_EQ(t, PTR_ERR(virt), -EEXIST);
	EXPECT_EQ(t, nr_pgmaps(), before + 1);
	memunmap_pages(&pgmap);
	/* RAM: the page allocator's own pages */
	{
		struct page *ram = alloc_pages(0);

		ASSERT_NOT_NULL(t, ram);
		memset(&other, 0, sizeof(other));
		other.start = PFN_PHYS(page_to_pfn(ram));
		other.end = other.start + PAGE_SIZE - 1;
		EXPECT_EQ(t, PTR_ERR(memremap_pages(&other)), -EEXIST);
		__free_pages(ram, 0);
	}
	memset(&other, 0, sizeof(other));
	other.start = 1;
	other.end = PAGE_SIZE;
	EXPECT_EQ(t, PTR_ERR(memremap_pages(&other)), -EINVAL);
	EXPECT_EQ(t, nr_pgmaps(), before);
	setup(t, &pgmap, 0);		/* the range is free again */
	memunmap_pages(&pgmap);
	EXPECT_EQ(t, nr_pgmaps(), before);
}

/* Scenario 11: a device page never reaches the allocator. */
PG_TEST(device_page_never_reaches_the_allocator)
{
	struct dev_pagemap pgmap;
	unsigned long free0;
	struct page *p;

	setup(t, &pgmap, 0);
	p = dpage(&pgmap, 3);
	free0 = nr_free_pages();
	__free_pages(p, 0);		/* a bug: reported, refused */
	EXPECT_EQ(t, ktest_warnings(t), 1);
	EXPECT_EQ(t, nr_free_pages(), free0);
	EXPECT_EQ(t, page_ref_count(p), 1);
	/* ordinary pages: unchanged behaviour */
	{
		struct page *ram = alloc_pages(0);

		ASSERT_NOT_NULL(t, ram);
		get_page(ram);
		put_page(ram);
		put_page(ram);		/* back to the allocator */
		EXPECT_EQ(t, nr_free_pages(), free0);
	}
	memunmap_pages(&pgmap);
}

/* The invariant helper notices a put without a get (the seed's drift). */
PG_TEST(invariant_check_catches_a_drift)
{
	struct dev_pagemap pgmap;
	unsigned long live;
	long refs;

	setup(t, &pgmap, 0);
	percpu_ref_put(&pgmap.ref);	/* what the seed's hooked put_page did */
	EXPECT_EQ(t, memremap_check_invariant(&pgmap, &refs, &live), -EIO);
	EXPECT_EQ(t, refs, (long)pgmap.nr_pages);
	percpu_ref_get(&pgmap.ref);
	EXPECT_EQ(t, memremap_check_invariant(&pgmap, &refs, &live), 0);
	memunmap_pages(&pgmap);
}

/* Every case maps a range of its own: an NVDIMM's piece, or the host's. */
#define PG_CASE(fn, intent)	KTEST_CASE_NEEDS(fn, KTEST_NEEDS_PMEM, intent)

static const struct ktest_case pgmap_cases[] = {
	PG_CASE(map_ram_memmap_one_ref_per_page,
		"RAM memmap: refs = 1 + pages, each page at 1 with its pgmap"),
	PG_CASE(map_altmap_memmap_one_ref_per_page,
		"altmap: memmap on the device, given back, the device's bytes restored"),
	PG_CASE(idle_teardown_releases_every_page,
		"idle teardown: every page 1 -> 0 drops its ref, release runs"),
	PG_CASE(get_put_cycles_keep_the_count,
		"1000 get/put cycles leave exactly 1 + pages refs"),
	PG_CASE(lookup_reuses_cache_and_fails_once_dying,
		"cached lookup; tryget_live fails after the kill"),
	PG_CASE(overlaps_are_refused_cleanly,
		"overlap with a pgmap or RAM, bad range: refused, nothing left"),
	PG_CASE(device_page_never_reaches_the_allocator,
		"freeing a device page is reported and refused"),
	PG_CASE(invariant_check_catches_a_drift,
		"a put without a get breaks the invariant check"),
	{ 0 },
};
KTEST_SUITE(pgmap_suite, "mm.memremap", pgmap_cases);
