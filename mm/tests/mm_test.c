/*
 * The shared helpers of the mm suites: the baseline around every case and
 * the arenas. See mm_test.h.
 */
#include <mm/tests/mm_test.h>
#include <mm/tests/zone_arena.h>
#include <mm/memmap.h>
#include <mm/slab.h>

void mm_baseline_take(struct mm_baseline *b)
{
	kmem_cache_shrink_all();
	b->nr_free = nr_free_pages();
}

void mm_baseline_check(struct ktest *t, const struct mm_baseline *b)
{
	char msg[160];

	kmem_cache_shrink_all();
	EXPECT_EQ(t, nr_free_pages(), b->nr_free);
	if (zone_check(&zone_normal, msg, sizeof(msg)) < 0)
		ktest_fail(t, "ZONE_NORMAL inconsistent after the case: %s", msg);
}

void arena_create(struct ktest *t, struct zone *z, bool poison)
{
	int err = zone_arena_init(z, "test-arena", ARENA_ORDER, poison);

	if (err)
		ktest_fail(t, "zone_arena_init: %d", err);
	ASSERT_EQ(t, err, 0);
	ASSERT_EQ(t, z->nr_free, ARENA_PAGES);
}

void arena_destroy(struct ktest *t, struct zone *z)
{
	char msg[160];

	if (zone_check(z, msg, sizeof(msg)) < 0)
		ktest_fail(t, "arena inconsistent: %s", msg);
	EXPECT_EQ(t, zone_arena_destroy(z), 0);
}

void expect_free_blocks(struct ktest *t, struct zone *z,
			const unsigned long want[MAX_ORDER])
{
	struct zone_counts c;

	zone_get_counts(z, &c);
	for (unsigned int o = 0; o < MAX_ORDER; o++) {
		if (c.free_blocks[o] != want[o])
			ktest_fail(t, "order %u: %lu free blocks, expected %lu",
				   o, c.free_blocks[o], want[o]);
	}
}
