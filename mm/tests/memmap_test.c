/*
 * mm.memmap: pfn <-> struct page, the sections of RAM, and sections added
 * and removed later (memmap from the page allocator or from an altmap).
 *
 * Later sections go at a "fake" pfn: a section with no memory behind it,
 * chosen in the same section-table root as RAM (so no root page is
 * allocated for it and the free-page baseline holds). The struct pages
 * are real memory; the pfns they describe are not, so no case touches
 * page_address() of a fake pfn.
 */
#include <mm/tests/mm_test.h>
#include <mm/memblock.h>
#include <mm/memmap.h>
#include <mm/memmap_init.h>
#include <mm/page_ref.h>
#include <lib/errno.h>

#define SECTIONS_PER_ROOT	(PAGE_SIZE / sizeof(struct mem_section))

/* A section without a memmap, near RAM's section-table root. */
static unsigned long fake_section_pfn(struct ktest *t)
{
	unsigned long ram = pfn_to_section_nr(zone_normal.start_pfn);
	unsigned long first = ram - ram % SECTIONS_PER_ROOT;

	for (unsigned long i = SECTIONS_PER_ROOT; i-- > 0; ) {
		unsigned long pfn = section_nr_to_pfn(first + i);

		if (!pfn_valid(pfn) && (pfn >= zone_normal.end_pfn ||
					pfn + PAGES_PER_SECTION <= zone_normal.start_pfn))
			return pfn;
	}
	ktest_skip(t, "no section free next to RAM");
}

/* --- RAM ----------------------------------------------------------------------- */

struct ram_walk {
	struct ktest *t;
	unsigned long pages, bad;
	uint8_t sum;
};

static void check_ends(phys_addr_t start, phys_addr_t end, void *arg)
{
	struct ram_walk *w = arg;
	unsigned long ends[2] = { PHYS_PFN(start), PHYS_PFN(end - 1) };

	for (unsigned int i = 0; i < 2; i++) {
		struct page *page = pfn_to_page(ends[i]);

		if (!page || page_to_pfn(page) != ends[i] ||
		    page_address(page) != phys_to_virt(PFN_PHYS(ends[i])) ||
		    virt_to_page(page_address(page)) != page)
			w->bad++;
	}
}

MM_TEST(ram_pfns_round_trip)
{
	struct ram_walk w = { .t = t };

	memblock_memory_ranges(check_ends, &w);
	EXPECT_EQ(t, w.bad, 0);
	EXPECT_EQ(t, ktest_warnings(t), 0);
}

static void touch_pages(phys_addr_t start, phys_addr_t end, void *arg)
{
	struct ram_walk *w = arg;

	for (unsigned long pfn = PHYS_PFN(start); pfn < PFN_UP(end); pfn++) {
		w->sum += *(volatile uint8_t *)phys_to_virt(PFN_PHYS(pfn));
		w->pages++;
		if (!pfn_valid(pfn))
			w->bad++;
	}
}

MM_TEST(direct_map_covers_usable_ram)
{
	struct ram_walk w = { .t = t };

	memblock_memory_ranges(touch_pages, &w);	/* a fault would end the run */
	EXPECT_EQ(t, w.pages, memblock_phys_mem_size() / PAGE_SIZE);
	EXPECT_EQ(t, w.bad, 0);		/* and every page has a struct page */
}

MM_TEST(boot_sections_are_whole_and_early)
{
	struct memmap_stats st;

	memmap_get_stats(&st);
	EXPECT_GT(t, st.sections[MEMMAP_SRC_EARLY], 0);
	EXPECT_EQ(t, st.bytes[MEMMAP_SRC_EARLY],
		  st.sections[MEMMAP_SRC_EARLY] * PAGES_PER_SECTION * sizeof(struct page));
	/* plus the device ranges added since boot (pmem's pgmap: memremap.h) */
	EXPECT_EQ(t, st.pages_covered, st.sections[MEMMAP_SRC_EARLY] * PAGES_PER_SECTION +
		  (st.bytes[MEMMAP_SRC_PAGES] + st.bytes[MEMMAP_SRC_ALTMAP]) / sizeof(struct page));
	EXPECT_EQ(t, sparse_remove_section(zone_normal.start_pfn & PAGE_SECTION_MASK,
					   PAGES_PER_SECTION, NULL), -EBUSY);
}

/* --- missing memmaps ------------------------------------------------------------- */

MM_TEST(missing_section_warns_and_gives_null)
{
	unsigned long pfn = fake_section_pfn(t);

	EXPECT_FALSE(t, pfn_valid(pfn));
	EXPECT_NULL(t, __pfn_to_page(pfn));
	EXPECT_EQ(t, ktest_warnings(t), 0);		/* asking is silent */
	EXPECT_NULL(t, pfn_to_page(pfn));
	EXPECT_EQ(t, ktest_warnings(t), 1);		/* using is caught */
}

MM_TEST(pfn_beyond_physmem_bits_is_caught)
{
	unsigned long pfn = 1UL << (MAX_PHYSMEM_BITS - PAGE_SHIFT);

	EXPECT_FALSE(t, pfn_valid(pfn));
	EXPECT_NULL(t, pfn_to_page(pfn));
	EXPECT_EQ(t, ktest_warnings(t), 1);
	EXPECT_EQ(t, sparse_add_section(pfn, 1, NULL), -ERANGE);
}

/* --- sections added later --------------------------------------------------------- */

MM_TEST(added_section_covers_exactly_its_range)
{
	unsigned long pfn = fake_section_pfn(t) + 4096, before = nr_free_pages();
	struct memmap_stats st0, st1;

	memmap_get_stats(&st0);
	ASSERT_EQ(t, sparse_add_section(pfn, 1024, NULL), 0);
	EXPECT_TRUE(t, pfn_valid(pfn));
	EXPECT_TRUE(t, pfn_valid(pfn + 1023));
	EXPECT_FALSE(t, pfn_valid(pfn - 1));
	EXPECT_FALSE(t, pfn_valid(pfn + 1024));
	EXPECT_TRUE(t, page_memmap_poisoned(__pfn_to_page(pfn + 5)));	/* unborn */
	memmap_get_stats(&st1);
	EXPECT_EQ(t, st1.sections[MEMMAP_SRC_PAGES], st0.sections[MEMMAP_SRC_PAGES] + 1);
	EXPECT_EQ(t, st1.bytes[MEMMAP_SRC_PAGES], st0.bytes[MEMMAP_SRC_PAGES] + 1024 * 64);
	EXPECT_EQ(t, nr_free_pages(), before - 1024 * 64 / PAGE_SIZE);
	EXPECT_EQ(t, sparse_remove_section(pfn, 1024, NULL), 0);
	EXPECT_FALSE(t, pfn_valid(pfn));
}

MM_TEST(init_range_makes_pages)
{
	unsigned long pfn = fake_section_pfn(t);
	struct page *page;

	ASSERT_EQ(t, sparse_add_section(pfn, 64, NULL), 0);
	memmap_init_range(pfn, 64, ZONE_DEVICE);
	page = pfn_to_page(pfn + 63);
	ASSERT_NOT_NULL(t, page);
	EXPECT_EQ(t, page_to_pfn(page), pfn + 63);
	EXPECT_TRUE(t, is_zone_device_page(page));
	EXPECT_TRUE(t, PageReserved(page));
	EXPECT_EQ(t, page_ref_count(page), 1);
	EXPECT_NULL(t, page->pgmap);
	EXPECT_EQ(t, sparse_remove_section(pfn, 64, NULL), 0);
}

MM_TEST(overlapping_adds_are_refused)
{
	unsigned long pfn = fake_section_pfn(t);

	ASSERT_EQ(t, sparse_add_section(pfn, 16, NULL), 0);
	EXPECT_EQ(t, sparse_add_section(pfn + 100, 16, NULL), -EEXIST);	/* same section */
	EXPECT_EQ(t, sparse_add_section(zone_normal.start_pfn, 1, NULL), -EEXIST); /* RAM */
	EXPECT_EQ(t, sparse_remove_section(pfn, 15, NULL), -EINVAL);	/* not as added */
	EXPECT_EQ(t, sparse_remove_section(pfn, 16, NULL), 0);
}

MM_TEST(bad_ranges_are_refused)
{
	unsigned long pfn = fake_section_pfn(t);

	EXPECT_EQ(t, sparse_add_section(pfn, 0, NULL), -EINVAL);
	EXPECT_EQ(t, sparse_add_section(pfn + PAGES_PER_SECTION - 8, 16, NULL), -EINVAL);
	EXPECT_EQ(t, sparse_remove_section(pfn, 16, NULL), -EINVAL);	/* never added */
	EXPECT_FALSE(t, pfn_valid(pfn));
}

/* --- altmaps --------------------------------------------------------------------------- */

#define ALTMAP_ORDER	7		/* 128 pages of "device" backing */
#define ALTMAP_RESERVE	2
#define ALTMAP_NR	4096		/* 256 KiB of struct pages = 64 pages */

MM_TEST(altmap_holds_the_memmap)
{
	unsigned long pfn = fake_section_pfn(t);
	struct page *backing = alloc_pages(ALTMAP_ORDER);
	struct vmem_altmap altmap;
	struct memmap_stats st;
	char *dev;

	ASSERT_NOT_NULL(t, backing);
	dev = page_address(backing);
	altmap = (struct vmem_altmap){ .base_pfn = pfn, .reserve = ALTMAP_RESERVE,
		.free = (1UL << ALTMAP_ORDER) - ALTMAP_RESERVE, .virt = dev };
	ASSERT_EQ(t, sparse_add_section(pfn, ALTMAP_NR, &altmap), 0);
	EXPECT_EQ(t, altmap.alloc, ALTMAP_NR * sizeof(struct page) / PAGE_SIZE);
	EXPECT_EQ(t, (char *)__pfn_to_page(pfn), dev + ALTMAP_RESERVE * PAGE_SIZE);
	memmap_get_stats(&st);
	EXPECT_EQ(t, st.sections[MEMMAP_SRC_ALTMAP], 1);
	EXPECT_EQ(t, sparse_remove_section(pfn, ALTMAP_NR, NULL), -EINVAL); /* wrong source */
	EXPECT_EQ(t, sparse_remove_section(pfn, ALTMAP_NR, &altmap), 0);
	EXPECT_EQ(t, altmap.alloc, 0);
	/* The removed memmap is poison: a late reader sees "no page". */
	EXPECT_TRUE(t, page_memmap_poisoned((struct page *)(dev + ALTMAP_RESERVE * PAGE_SIZE)));
	__free_pages(backing, ALTMAP_ORDER);
}

MM_TEST(altmap_too_small_fails_cleanly)
{
	unsigned long pfn = fake_section_pfn(t);
	struct page *backing = alloc_page();
	struct vmem_altmap altmap;

	ASSERT_NOT_NULL(t, backing);
	altmap = (struct vmem_altmap){ .base_pfn = pfn, .free = 1,
				       .virt = page_address(backing) };
	EXPECT_EQ(t, sparse_add_section(pfn, ALTMAP_NR, &altmap), -ENOMEM);
	EXPECT_EQ(t, altmap.alloc, 0);
	EXPECT_FALSE(t, pfn_valid(pfn));
	__free_page(backing);
}

/* --- device pages and the allocator ------------------------------------------------- */

MM_TEST(device_page_free_is_refused)
{
	unsigned long pfn = fake_section_pfn(t), before;
	struct page *page;

	ASSERT_EQ(t, sparse_add_section(pfn, 8, NULL), 0);
	memmap_init_range(pfn, 8, ZONE_DEVICE);
	page = pfn_to_page(pfn);
	before = nr_free_pages();
	__free_page(page);
	EXPECT_EQ(t, ktest_warnings(t), 1);
	EXPECT_EQ(t, page_ref_count(page), 1);
	EXPECT_EQ(t, nr_free_pages(), before);
	EXPECT_EQ(t, sparse_remove_section(pfn, 8, NULL), 0);
}

MM_TEST(device_page_last_put_stays_out_of_allocator)
{
	unsigned long pfn = fake_section_pfn(t), before;
	struct page *page;

	ASSERT_EQ(t, sparse_add_section(pfn, 8, NULL), 0);
	memmap_init_range(pfn, 8, ZONE_DEVICE);
	page = pfn_to_page(pfn + 3);
	before = nr_free_pages();
	get_page(page);
	put_page(page);
	put_page(page);			/* the device's own reference */
	EXPECT_EQ(t, page_ref_count(page), 0);
	EXPECT_FALSE(t, PageBuddy(page));
	EXPECT_EQ(t, nr_free_pages(), before);
	EXPECT_EQ(t, ktest_warnings(t), 0);
	EXPECT_EQ(t, sparse_remove_section(pfn, 8, NULL), 0);
}

static const struct ktest_case memmap_cases[] = {
	KTEST_CASE(ram_pfns_round_trip, "pfn -> page -> pfn/address -> page agree at every RAM edge"),
	KTEST_CASE(direct_map_covers_usable_ram, "a byte of every RAM page reads through the direct map"),
	KTEST_CASE(boot_sections_are_whole_and_early, "RAM sections are whole, from memblock, permanent"),
	KTEST_CASE(missing_section_warns_and_gives_null, "pfn_to_page without a memmap warns, gives NULL"),
	KTEST_CASE(pfn_beyond_physmem_bits_is_caught, "a pfn past MAX_PHYSMEM_BITS has no page"),
	KTEST_CASE(added_section_covers_exactly_its_range, "a later section is valid exactly where added"),
	KTEST_CASE(init_range_makes_pages, "memmap_init_range gives zone, reserved, refcount 1, pfn"),
	KTEST_CASE(overlapping_adds_are_refused, "a section with a memmap takes no second range"),
	KTEST_CASE(bad_ranges_are_refused, "empty, cross-section and unknown ranges are refused"),
	KTEST_CASE(altmap_holds_the_memmap, "with an altmap the struct pages live on the device"),
	KTEST_CASE(altmap_too_small_fails_cleanly, "an exhausted altmap fails without a trace"),
	KTEST_CASE(device_page_free_is_refused, "__free_pages of a device page warns, frees nothing"),
	KTEST_CASE(device_page_last_put_stays_out_of_allocator, "a device page's last put never frees it"),
	{}
};
KTEST_SUITE(memmap_suite, "mm.memmap", memmap_cases);
