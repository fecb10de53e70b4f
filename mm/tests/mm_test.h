/*
 * Helpers shared by the mm suites (mm/tests/).
 *
 * MM_TEST(name) { ... } defines a case that must leave the page allocator
 * as it found it: ZONE_NORMAL's free page count is sampled before and
 * after the body (with the kmalloc caches' kept empty slabs returned
 * first), and the free lists are checked for consistency afterwards. A
 * case that ends early through an ASSERT has already failed and skips
 * the check.
 *
 * An arena is a private buddy zone of one order-ARENA_ORDER block
 * (mm/page_alloc.h): the allocator's shape is then known exactly, and
 * exhausting it does not starve the kernel.
 */
#ifndef MM_TESTS_MM_TEST_H
#define MM_TESTS_MM_TEST_H

#include <lib/ktest.h>
#include <mm/page_alloc.h>

struct mm_baseline {
	unsigned long nr_free;
};

void mm_baseline_take(struct mm_baseline *b);
void mm_baseline_check(struct ktest *t, const struct mm_baseline *b);

#define MM_TEST(name)							\
	static void name##_body(struct ktest *t);			\
	static void name(struct ktest *t)				\
	{								\
		struct mm_baseline __base;				\
									\
		mm_baseline_take(&__base);				\
		name##_body(t);						\
		mm_baseline_check(t, &__base);				\
	}								\
	static void name##_body(struct ktest *t)

#define ARENA_ORDER	(MAX_ORDER - 1)
#define ARENA_PAGES	(1UL << ARENA_ORDER)

/* A fresh arena in *z (the case ends if none can be made). */
void arena_create(struct ktest *t, struct zone *z, bool poison);
/* Check it and give it back (every page must be free again). */
void arena_destroy(struct ktest *t, struct zone *z);
/* Expect the free-block counts per order to be exactly `want`. */
void expect_free_blocks(struct ktest *t, struct zone *z,
			const unsigned long want[MAX_ORDER]);

/* A small deterministic generator (xorshift64): same seed, same run. */
static inline uint64_t test_rand(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *state = x;
}

#endif /* MM_TESTS_MM_TEST_H */
