/*
 * mm.page_alloc: the buddy allocator.
 *
 * Most cases run on an arena (mm_test.h): one free block of order 10 at
 * start, so every count can be predicted exactly. The last ones use the
 * kernel's own ZONE_NORMAL, and every case checks that ZONE_NORMAL's free
 * count is back to its baseline afterwards (MM_TEST).
 */
#include <mm/tests/mm_test.h>
#include <mm/tests/zone_arena.h>
#include <mm/memmap.h>
#include <mm/page_ref.h>
#include <lib/errno.h>
#include <lib/string.h>

static struct zone arena;

MM_TEST(arena_starts_as_one_block)
{
	unsigned long want[MAX_ORDER] = { [ARENA_ORDER] = 1 };

	arena_create(t, &arena, false);
	expect_free_blocks(t, &arena, want);
	EXPECT_EQ(t, arena.managed, ARENA_PAGES);
	arena_destroy(t, &arena);
}

MM_TEST(order0_splits_every_order_once)
{
	unsigned long want[MAX_ORDER] = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0 };
	struct page *page;

	arena_create(t, &arena, false);
	page = zone_alloc_pages(&arena, 0);
	ASSERT_NOT_NULL(t, page);
	EXPECT_EQ(t, page_to_pfn(page), arena.start_pfn);	/* the lowest half */
	expect_free_blocks(t, &arena, want);
	EXPECT_EQ(t, arena.nr_free, ARENA_PAGES - 1);
	__free_page(page);
	arena_destroy(t, &arena);
}

MM_TEST(free_merges_back_to_one_block)
{
	unsigned long want[MAX_ORDER] = { [ARENA_ORDER] = 1 };
	struct page *pages[8];

	arena_create(t, &arena, false);
	for (unsigned int i = 0; i < 8; i++)
		ASSERT_NOT_NULL(t, pages[i] = zone_alloc_pages(&arena, i % 4));
	for (unsigned int i = 0; i < 8; i++)
		__free_pages(pages[(i * 5) % 8], ((i * 5) % 8) % 4);	/* scrambled */
	expect_free_blocks(t, &arena, want);
	arena_destroy(t, &arena);
}

MM_TEST(blocks_are_aligned_to_their_order)
{
	struct page *pages[MAX_ORDER];

	arena_create(t, &arena, false);
	for (unsigned int o = 0; o < ARENA_ORDER; o++) {
		pages[o] = zone_alloc_pages(&arena, o);
		ASSERT_NOT_NULL(t, pages[o]);
		EXPECT_EQ(t, page_to_pfn(pages[o]) & ((1UL << o) - 1), 0);
		EXPECT_EQ(t, pages[o]->order, o);
		EXPECT_EQ(t, page_ref_count(pages[o]), 1);
	}
	for (unsigned int o = 0; o < ARENA_ORDER; o++)
		__free_pages(pages[o], o);
	arena_destroy(t, &arena);
}

MM_TEST(exhaustion_fails_cleanly)
{
	static struct page *pages[ARENA_PAGES];
	struct zone_counts c;

	arena_create(t, &arena, false);
	for (unsigned long i = 0; i < ARENA_PAGES; i++)
		ASSERT_NOT_NULL(t, pages[i] = zone_alloc_pages(&arena, 0));
	EXPECT_NULL(t, zone_alloc_pages(&arena, 0));
	zone_get_counts(&arena, &c);
	EXPECT_EQ(t, c.nr_free, 0);
	EXPECT_EQ(t, c.nr_failed, 1);
	EXPECT_EQ(t, c.nr_alloc, ARENA_PAGES);
	for (unsigned long i = 0; i < ARENA_PAGES; i++)
		__free_page(pages[i]);
	EXPECT_EQ(t, arena.free_area[ARENA_ORDER].nr_free, 1);
	arena_destroy(t, &arena);
}

MM_TEST(fragmentation_blocks_higher_orders)
{
	static struct page *pages[ARENA_PAGES];

	arena_create(t, &arena, false);
	for (unsigned long i = 0; i < ARENA_PAGES; i++)
		ASSERT_NOT_NULL(t, pages[i] = zone_alloc_pages(&arena, 0));
	for (unsigned long i = 0; i < ARENA_PAGES; i += 2)
		__free_page(pages[i]);		/* every other page: no pairs */
	EXPECT_EQ(t, arena.nr_free, ARENA_PAGES / 2);
	EXPECT_EQ(t, arena.free_area[0].nr_free, ARENA_PAGES / 2);
	EXPECT_NULL(t, zone_alloc_pages(&arena, 1));
	for (unsigned long i = 1; i < ARENA_PAGES; i += 2)
		__free_page(pages[i]);
	EXPECT_EQ(t, arena.free_area[ARENA_ORDER].nr_free, 1);
	arena_destroy(t, &arena);
}

MM_TEST(order_too_large_warns)
{
	EXPECT_NULL(t, alloc_pages(MAX_ORDER));
	EXPECT_EQ(t, ktest_warnings(t), 1);
}

/*
 * Random allocations and frees of orders 0..4, checked after every step
 * against a model: a bitmap of the pages handed out (two live blocks
 * must never share a page) and the expected free count.
 */
#define RANDOM_STEPS	3000
#define RANDOM_LIVE	64

MM_TEST(random_sequence_matches_model)
{
	static uint8_t owned[ARENA_PAGES];
	struct { struct page *page; unsigned int order; } live[RANDOM_LIVE];
	unsigned int nlive = 0;
	unsigned long expect_free = ARENA_PAGES;
	uint64_t seed = 0x2545f4914f6cdd1dULL;
	char msg[160];

	memset(owned, 0, sizeof(owned));
	arena_create(t, &arena, false);
	for (unsigned int step = 0; step < RANDOM_STEPS; step++) {
		uint64_t r = test_rand(&seed);
		bool do_alloc = nlive == 0 || (nlive < RANDOM_LIVE && (r & 1));

		if (do_alloc) {
			unsigned int order = (unsigned int)((r >> 8) % 5);
			struct page *p = zone_alloc_pages(&arena, order);
			unsigned long off;

			if (!p) {		/* only when nothing of that order is left */
				EXPECT_LT(t, expect_free, ARENA_PAGES);
				continue;
			}
			off = page_to_pfn(p) - arena.start_pfn;
			ASSERT_LE(t, off + (1UL << order), ARENA_PAGES);
			for (unsigned long i = 0; i < (1UL << order); i++)
				ASSERT_EQ(t, owned[off + i]++, 0);	/* handed out twice? */
			live[nlive].page = p;
			live[nlive++].order = order;
			expect_free -= 1UL << order;
		} else {
			unsigned int k = (unsigned int)((r >> 8) % nlive);
			unsigned long off = page_to_pfn(live[k].page) - arena.start_pfn;

			for (unsigned long i = 0; i < (1UL << live[k].order); i++)
				owned[off + i] = 0;
			__free_pages(live[k].page, live[k].order);
			expect_free += 1UL << live[k].order;
			live[k] = live[--nlive];
		}
		ASSERT_EQ(t, arena.nr_free, expect_free);
		if (step % 256 == 0 && zone_check(&arena, msg, sizeof(msg)) < 0) {
			ktest_fail(t, "step %u: %s", step, msg);
			break;
		}
	}
	while (nlive) {
		nlive--;
		__free_pages(live[nlive].page, live[nlive].order);
	}
	EXPECT_EQ(t, arena.free_area[ARENA_ORDER].nr_free, 1);
	arena_destroy(t, &arena);
}

MM_TEST(double_free_is_caught)
{
	struct page *page;
	struct zone_counts c;

	arena_create(t, &arena, false);
	page = zone_alloc_pages(&arena, 0);
	ASSERT_NOT_NULL(t, page);
	__free_page(page);
	__free_page(page);		/* merged away already: refcount 0 */
	EXPECT_EQ(t, ktest_warnings(t), 1);
	zone_get_counts(&arena, &c);
	EXPECT_EQ(t, c.nr_bad_free, 1);
	EXPECT_EQ(t, c.nr_free, ARENA_PAGES);
	arena_destroy(t, &arena);
}

MM_TEST(double_free_of_a_free_block_head_is_caught)
{
	struct page *a, *b;

	arena_create(t, &arena, false);
	a = zone_alloc_pages(&arena, 0);
	b = zone_alloc_pages(&arena, 0);	/* keeps a's block from merging */
	ASSERT_NOT_NULL(t, a);
	ASSERT_NOT_NULL(t, b);
	__free_page(a);
	EXPECT_TRUE(t, PageBuddy(a));
	__free_page(a);
	EXPECT_EQ(t, ktest_warnings(t), 1);
	EXPECT_EQ(t, arena.free_area[0].nr_free, 1);	/* listed once, not twice */
	__free_page(b);
	arena_destroy(t, &arena);
}

MM_TEST(free_with_wrong_order_is_caught)
{
	struct page *page;

	arena_create(t, &arena, false);
	page = zone_alloc_pages(&arena, 2);
	ASSERT_NOT_NULL(t, page);
	__free_pages(page, 3);
	EXPECT_EQ(t, ktest_warnings(t), 1);
	EXPECT_EQ(t, page_ref_count(page), 1);		/* still allocated */
	__free_pages(page, 2);
	arena_destroy(t, &arena);
}

MM_TEST(free_of_a_tail_page_is_caught)
{
	struct page *page;

	arena_create(t, &arena, false);
	page = zone_alloc_pages(&arena, 1);
	ASSERT_NOT_NULL(t, page);
	__free_page(page + 1);
	EXPECT_EQ(t, ktest_warnings(t), 1);
	EXPECT_EQ(t, arena.nr_free, ARENA_PAGES - 2);
	__free_pages(page, 1);
	arena_destroy(t, &arena);
}

MM_TEST(free_of_reserved_page_is_caught)
{
	/* The memmap lives in reserved memory: its own page is one. */
	struct page *page = virt_to_page(pfn_to_page(zone_normal.start_pfn + 256));

	ASSERT_NOT_NULL(t, page);
	ASSERT_TRUE(t, PageReserved(page));
	__free_page(page);
	EXPECT_EQ(t, ktest_warnings(t), 1);
	EXPECT_EQ(t, page_ref_count(page), 1);
	EXPECT_TRUE(t, PageReserved(page));
}

MM_TEST(poison_catches_write_after_free)
{
	struct page *page;
	struct zone_counts c;

	arena_create(t, &arena, true);
	page = zone_alloc_pages(&arena, 0);
	ASSERT_NOT_NULL(t, page);
	__free_page(page);
	((volatile uint8_t *)page_address(page))[0x123] = 0x42;	/* use after free */
	page = zone_alloc_pages(&arena, 0);	/* the same page, lowest first */
	ASSERT_NOT_NULL(t, page);
	zone_get_counts(&arena, &c);
	EXPECT_EQ(t, c.nr_poison_bad, 1);
	EXPECT_EQ(t, arena.last_poison_pfn, page_to_pfn(page));
	EXPECT_EQ(t, arena.last_poison_offset, 0x123);
	EXPECT_EQ(t, ktest_warnings(t), 1);
	__free_page(page);
	arena_destroy(t, &arena);
}

MM_TEST(poison_passes_clean_pages)
{
	struct page *page;

	arena_create(t, &arena, true);
	page = zone_alloc_pages(&arena, 3);
	ASSERT_NOT_NULL(t, page);
	EXPECT_FALSE(t, PagePoisoned(page));
	EXPECT_EQ(t, ((uint8_t *)page_address(page + 7))[PAGE_SIZE - 1], PAGE_POISON);
	__free_pages(page, 3);
	EXPECT_TRUE(t, PagePoisoned(page + 7));
	EXPECT_EQ(t, ktest_warnings(t), 0);
	EXPECT_EQ(t, arena.nr_poison_bad, 0);
	arena_destroy(t, &arena);
}

MM_TEST(check_reports_a_corrupted_list)
{
	struct page *head;
	char msg[160];
	int err;

	arena_create(t, &arena, false);
	head = pfn_to_page(arena.start_pfn);
	ASSERT_TRUE(t, PageBuddy(head));
	head->order = 3;			/* lie about the block */
	err = zone_check(&arena, msg, sizeof(msg));
	head->order = ARENA_ORDER;
	EXPECT_EQ(t, err, -EINVAL);
	EXPECT_NOT_NULL(t, strstr(msg, "records order 3"));
	EXPECT_EQ(t, zone_check(&arena, msg, sizeof(msg)), 0);
	arena_destroy(t, &arena);
}

MM_TEST(destroy_refuses_while_pages_are_out)
{
	struct page *page;

	arena_create(t, &arena, false);
	page = zone_alloc_pages(&arena, 0);
	ASSERT_NOT_NULL(t, page);
	EXPECT_NE(t, zone_arena_destroy(&arena), 0);
	__free_page(page);
	arena_destroy(t, &arena);
}

/* --- the kernel's own zone ------------------------------------------------------- */

MM_TEST(normal_zone_is_consistent)
{
	char msg[160];
	struct zone_counts c;
	unsigned long sum = 0;

	EXPECT_EQ(t, zone_check(&zone_normal, msg, sizeof(msg)), 0);
	zone_get_counts(&zone_normal, &c);
	for (unsigned int o = 0; o < MAX_ORDER; o++)
		sum += c.free_blocks[o] << o;
	EXPECT_EQ(t, sum, c.nr_free);
	EXPECT_GT(t, c.nr_free, 0);
	EXPECT_LE(t, c.nr_free, c.managed);
}

MM_TEST(normal_alloc_free_orders_0_and_9)
{
	unsigned long before = nr_free_pages();
	struct page *a = alloc_page(), *b = alloc_pages(9);

	ASSERT_NOT_NULL(t, a);
	ASSERT_NOT_NULL(t, b);
	EXPECT_EQ(t, nr_free_pages(), before - 1 - 512);
	memset(page_address(a), 0x5a, PAGE_SIZE);		/* usable memory */
	memset(page_address(b), 0x5a, PAGE_SIZE << 9);
	EXPECT_EQ(t, page_zone(a), &zone_normal);
	__free_page(a);
	__free_pages(b, 9);
	EXPECT_EQ(t, nr_free_pages(), before);
}

MM_TEST(free_pages_by_address)
{
	struct page *page = alloc_pages(1);

	ASSERT_NOT_NULL(t, page);
	free_pages((unsigned long)page_address(page), 1);
	free_pages(0, 0);			/* NULL is ignored */
	EXPECT_EQ(t, ktest_warnings(t), 0);
}

static const struct ktest_case page_alloc_cases[] = {
	KTEST_CASE(arena_starts_as_one_block, "a new arena is one free order-10 block"),
	KTEST_CASE(order0_splits_every_order_once, "one page splits the block into one of each order"),
	KTEST_CASE(free_merges_back_to_one_block, "frees in any order merge back into one block"),
	KTEST_CASE(blocks_are_aligned_to_their_order, "a block of order k starts at a multiple of 2^k"),
	KTEST_CASE(exhaustion_fails_cleanly, "allocates every page, then fails nicely, then recovers"),
	KTEST_CASE(fragmentation_blocks_higher_orders, "every other page free: no order-1 block"),
	KTEST_CASE(order_too_large_warns, "order MAX_ORDER is a bug: NULL and a warning"),
	KTEST_CASE(random_sequence_matches_model, "3000 random allocs/frees agree with a model"),
	KTEST_CASE(double_free_is_caught, "a second free warns and changes nothing"),
	KTEST_CASE(double_free_of_a_free_block_head_is_caught, "a listed block is not listed twice"),
	KTEST_CASE(free_with_wrong_order_is_caught, "freeing with another order is refused"),
	KTEST_CASE(free_of_a_tail_page_is_caught, "freeing the middle of a block is refused"),
	KTEST_CASE(free_of_reserved_page_is_caught, "a reserved page never reaches the free lists"),
	KTEST_CASE(poison_catches_write_after_free, "a write to a free page is found with its offset"),
	KTEST_CASE(poison_passes_clean_pages, "untouched free pages pass the poison check"),
	KTEST_CASE(check_reports_a_corrupted_list, "zone_check names a block whose order lies"),
	KTEST_CASE(destroy_refuses_while_pages_are_out, "an arena with pages out cannot go away"),
	KTEST_CASE(normal_zone_is_consistent, "the kernel's zone passes zone_check"),
	KTEST_CASE(normal_alloc_free_orders_0_and_9, "ZONE_NORMAL serves orders 0 and 9 and takes them back"),
	KTEST_CASE(free_pages_by_address, "free_pages() frees by direct-map address"),
	{}
};
KTEST_SUITE(page_alloc_suite, "mm.page_alloc", page_alloc_cases);
