/*
 * Suite drivers.pmem.zone_device, the accounting scenarios (docs/zone-device.md, scenarios 1, 2, 4, 5,
 * 11, 12): what mapping pmem0 gives each page, what an idle unbind takes
 * back, that pins leave the count exact, that slow GUP looks the pgmap up
 * once per range, that device pages never reach the page allocator, and
 * that conflicting maps are refused without a trace.
 */
#include <drivers/pmem/tests/zone_device_test.h>
#include <lib/err.h>
#include <lib/errno.h>
#include <mm/gup.h>
#include <mm/mm.h>
#include <mm/page_alloc.h>
#include <mm/page_ref.h>
#include <mm/tests/vm_test.h>

#define PG	PAGE_SIZE

static struct page *pinned[512];

/* Scenario 1: refs = 1 + usable pages; each page at 1 with its pgmap. */
void zd_s01_mapping_gives_one_ref_per_page(struct ktest *t)
{
	struct pmem_device *p = zd_get(t);
	struct dev_pagemap *pgmap = &p->pgmap;
	unsigned long bad = 0, expect;

	zd_expect_invariant(t, p);
	for (unsigned long i = 0; i < pgmap->nr_pages; i++) {
		struct page *pg = __pfn_to_page(pgmap->pfn_first + i);

		bad += page_ref_count(pg) != 1 || pg->pgmap != pgmap ||
		       !is_zone_device_page(pg) || PageReserved(pg);
	}
	EXPECT_EQ(t, bad, 0);
	/* every page of the device is usable unless the memmap is on it */
	expect = (pgmap->end + 1 - pgmap->start) >> PAGE_SHIFT;
	if (pgmap->flags & MEMREMAP_ALTMAP)
		EXPECT_TRUE(t, pgmap->nr_pages < expect);
	else
		EXPECT_EQ(t, pgmap->nr_pages, expect);
	EXPECT_EQ(t, pgmap->state, PGMAP_LIVE);
	ktest_log(t, "%lu pages, memmap %llu KiB in %s", pgmap->nr_pages,
		  (unsigned long long)(pgmap->memmap_bytes >> 10),
		  pgmap->flags & MEMREMAP_ALTMAP ? "the device (altmap)" : "RAM");
	put_device(&p->dev);
}

/* Scenario 2: idle unbind: every page 1 -> 0 drops its ref; release once. */
void zd_s02_idle_unbind_releases_every_page(struct ktest *t)
{
	struct pmem_device *p = zd_get(t);
	unsigned long frees = zone_device_page_frees, pages = p->pgmap.nr_pages;
	unsigned long pfn = p->pgmap.pfn_first;

	ASSERT_EQ(t, device_unbind(&p->dev), 0);
	/* each page's final put went down __put_page's device branch */
	EXPECT_EQ(t, zone_device_page_frees - frees, pages);
	EXPECT_TRUE(t, completion_done(&p->pgmap.zero));
	EXPECT_EQ(t, p->pgmap.count_at_kill, 0);	/* nobody held a page */
	EXPECT_EQ(t, p->pgmap.state, PGMAP_DEAD);
	EXPECT_FALSE(t, pfn_valid(pfn));		/* the memmap is gone */
	EXPECT_EQ(t, ktest_warnings(t), 0);		/* no underflow, no late put */
	zd_rebind(t, p);
	put_device(&p->dev);
}

/* Scenario 4: 1000 fast and slow pin/unpin cycles; the count stays exact. */
void zd_s04_1000_pin_cycles_keep_count_exact(struct ktest *t)
{
	struct pmem_device *p = zd_get(t);
	struct mm_struct *mm = zd_map(t, p, ZD_ADDR, PROT_READ | PROT_WRITE);
	unsigned long frees = zone_device_page_frees, pages = p->pgmap.nr_pages;

	for (int i = 0; i < 1000; i++) {
		unsigned long a = ZD_ADDR + (i % 64) * PG;
		long n = (i & 1) ? get_user_pages_fast(a, 1, 0, pinned)
				 : get_user_pages(mm, a, 1, FOLL_GET, pinned);

		if (n != 1) {
			ktest_fail(t, "cycle %d: pinned %ld at 0x%lx", i, n, a);
			break;
		}
		unpin_user_pages(pinned, 1);
	}
	zd_expect_invariant(t, p);
	zd_unmap(mm);
	ASSERT_EQ(t, device_unbind(&p->dev), 0);
	/* after the put loop nothing is left: the pins cost no reference */
	EXPECT_EQ(t, p->pgmap.count_at_kill, 0);
	EXPECT_EQ(t, zone_device_page_frees - frees, pages);
	EXPECT_EQ(t, ktest_warnings(t), 0);
	zd_rebind(t, p);
	put_device(&p->dev);
}

/* Scenario 5: slow GUP of 512 pages: same accounting, one pgmap lookup. */
void zd_s05_slow_gup_one_lookup_per_range(struct ktest *t)
{
	struct pmem_device *p = zd_get(t);
	/* one page off 2 MiB: 4 KiB leaves, so 512 devmap steps */
	struct mm_struct *mm = zd_map(t, p, ZD_ADDR + PG, PROT_READ | PROT_WRITE);
	unsigned long lookups;
	long n;

	test_fault_range(t, mm, ZD_ADDR + PG, 512, FAULT_FLAG_WRITE);
	lookups = get_dev_pagemap_lookups();
	n = get_user_pages(mm, ZD_ADDR + PG, 512, FOLL_GET | FOLL_WRITE, pinned);
	lookups = get_dev_pagemap_lookups() - lookups;
	ASSERT_EQ(t, n, 512);
	EXPECT_EQ(t, lookups, 1);
	zd_check_and_unpin_512(t, p, pinned);
	zd_unmap(mm);
	put_device(&p->dev);
}

/*
 * Scenario 11: an anonymous page and a device page pin and unpin the
 * same way; the anonymous page goes back to the allocator when unmapped,
 * the device pages never do (their final puts at unbind take the device
 * branch, and the free count after unbind + bind is what it was).
 */
void zd_s11_ordinary_pages_unchanged_device_never_freed(struct ktest *t)
{
	struct pmem_device *p = zd_get(t);
	struct mm_struct *mm = zd_map(t, p, ZD_ADDR, PROT_READ | PROT_WRITE);
	unsigned long free0, frees = zone_device_page_frees, pages = p->pgmap.nr_pages;
	long anon = mmap_anon(mm, 0, PG, PROT_READ | PROT_WRITE);
	struct page *a, *d;

	ASSERT_TRUE(t, anon > 0);
	test_fault_range(t, mm, (unsigned long)anon, 1, FAULT_FLAG_WRITE);
	test_fault_range(t, mm, ZD_ADDR, 1, FAULT_FLAG_WRITE);
	free0 = nr_free_pages();
	ASSERT_EQ(t, get_user_pages_fast((unsigned long)anon, 1, 0, &a), 1);
	ASSERT_EQ(t, get_user_pages(mm, (unsigned long)anon, 1, FOLL_GET, pinned), 1);
	ASSERT_EQ(t, get_user_pages_fast(ZD_ADDR, 1, 0, &d), 1);
	ASSERT_EQ(t, get_user_pages(mm, ZD_ADDR, 1, FOLL_GET, pinned + 1), 1);
	EXPECT_EQ(t, page_ref_count(a), 3);	/* the mapping's + two pins */
	EXPECT_EQ(t, page_ref_count(d), 3);	/* the device's + two pins */
	EXPECT_FALSE(t, is_zone_device_page(a));
	EXPECT_TRUE(t, is_zone_device_page(d));
	unpin_user_pages(pinned, 2);
	put_page(a);
	put_page(d);
	EXPECT_EQ(t, page_ref_count(a), 1);
	EXPECT_EQ(t, page_ref_count(d), 1);
	EXPECT_EQ(t, nr_free_pages(), free0);
	EXPECT_EQ(t, munmap(mm, (unsigned long)anon, PG), 0);
	/* the anon page is free (and the page tables that mapped it) */
	EXPECT_EQ(t, page_ref_count(a), 0);
	EXPECT_TRUE(t, nr_free_pages() >= free0 + 1);
	zd_unmap(mm);
	free0 = nr_free_pages();
	ASSERT_EQ(t, device_unbind(&p->dev), 0);
	EXPECT_EQ(t, zone_device_page_frees - frees, pages);
	ASSERT_EQ(t, device_bind(&p->dev, "pmem"), 0);
	/* the RAM memmap was freed and made again: no device page came in */
	EXPECT_EQ(t, nr_free_pages(), free0);
	EXPECT_EQ(t, ktest_warnings(t), 0);
	zd_expect_invariant(t, p);
	put_device(&p->dev);
}

/*
 * A DAX mapping covers the data area at most: with the memmap on the
 * device (pmem.memmap=dev) that is less than the device, and a longer
 * mapping is refused at mmap, not by faults past the end.
 */
void zd_dax_mmap_longer_than_data_refused(struct ktest *t)
{
	struct pmem_device *p = zd_get(t);
	unsigned long data = (unsigned long)(p->size - p->data_offset);
	struct mm_struct *mm = test_mm_create(t);

	EXPECT_EQ(t, pmem_dax_mmap(p, mm, ZD_ADDR, data + PAGE_SIZE, PROT_READ), -EINVAL);
	EXPECT_EQ(t, pmem_dax_mmap(p, mm, ZD_ADDR, data, PROT_READ), (long)ZD_ADDR);
	ktest_log(t, "data area %lu KiB of %llu KiB", data >> 10,
		  (unsigned long long)(p->size >> 10));
	mm_destroy(mm);
	put_device(&p->dev);
}

/* Scenario 12: overlaps refused, nothing left behind, a second probe works. */
void zd_s12_map_conflicts_refused_cleanly(struct ktest *t)
{
	struct pmem_device *p = zd_get(t);
	struct dev_pagemap *all[MAX_PGMAPS];
	unsigned int before = pgmap_snapshot(all, MAX_PGMAPS);
	unsigned long free0 = nr_free_pages();
	static struct dev_pagemap clash;
	struct page *ram = alloc_pages(0);
	void *virt;

	if (!ram) {
		put_device(&p->dev);
		ktest_skip(t, "no free page to stand for RAM");
	}

	/* the second half of pmem0, while pmem0 has it */
	clash = (struct dev_pagemap){ .start = p->phys + (p->size / 2),
				      .end = p->phys + p->size - 1, .name = "clash" };
	virt = memremap_pages(&clash);
	EXPECT_TRUE(t, IS_ERR(virt));
	if (IS_ERR(virt))
		EXPECT_EQ(t, PTR_ERR(virt), -EEXIST);
	/* a page of RAM: it has struct pages already */
	clash = (struct dev_pagemap){ .start = PFN_PHYS(page_to_pfn(ram)),
				      .name = "clash-ram" };
	clash.end = clash.start + PG - 1;
	virt = memremap_pages(&clash);
	EXPECT_TRUE(t, IS_ERR(virt));
	if (IS_ERR(virt))
		EXPECT_EQ(t, PTR_ERR(virt), -EEXIST);
	__free_pages(ram, 0);
	EXPECT_EQ(t, pgmap_snapshot(all, MAX_PGMAPS), before);
	EXPECT_EQ(t, nr_free_pages(), free0);
	/* and pmem0 can go and come back */
	ASSERT_EQ(t, device_unbind(&p->dev), 0);
	EXPECT_EQ(t, pgmap_snapshot(all, MAX_PGMAPS), before - 1);
	zd_rebind(t, p);
	EXPECT_EQ(t, pgmap_snapshot(all, MAX_PGMAPS), before);
	put_device(&p->dev);
}
