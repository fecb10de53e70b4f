/*
 * mm.kmalloc: size classes, large allocations, kfree of each kind, and
 * the checks: red zones, poisoning and double frees in SLAB_DEBUG caches,
 * the cheap double-free check without. The checks are tested on private
 * caches created with or without SLAB_DEBUG, so they run the same whatever
 * `slab_debug=` says about the kmalloc classes.
 */
#include <mm/tests/mm_test.h>
#include <mm/memmap.h>
#include <mm/page_ref.h>
#include <mm/slab.h>
#include <lib/errno.h>
#include <lib/string.h>

static const size_t class_sizes[] = {
	8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096,
};

MM_TEST(every_class_round_trips)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(class_sizes); i++) {
		uint8_t *p = kmalloc(class_sizes[i]);

		ASSERT_NOT_NULL(t, p);
		EXPECT_EQ(t, ksize(p), class_sizes[i]);
		EXPECT_EQ(t, (uintptr_t)p % 8, 0);
		memset(p, 0x11, class_sizes[i]);
		kfree(p);
	}
	EXPECT_EQ(t, ktest_warnings(t), 0);
}

MM_TEST(sizes_round_up_to_their_class)
{
	static const size_t ask[][2] = {
		{ 1, 8 }, { 9, 16 }, { 33, 64 }, { 65, 96 }, { 97, 128 },
		{ 129, 192 }, { 193, 256 }, { 1000, 1024 }, { 4095, 4096 },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(ask); i++) {
		void *p = kmalloc(ask[i][0]);

		ASSERT_NOT_NULL(t, p);
		EXPECT_EQ(t, ksize(p), ask[i][1]);
		kfree(p);
	}
}

MM_TEST(large_sizes_come_from_pages)
{
	unsigned long before = nr_free_pages();
	void *p = kmalloc(4097), *q = kmalloc(16 * 1024);
	struct page *page;

	ASSERT_NOT_NULL(t, p);
	ASSERT_NOT_NULL(t, q);
	EXPECT_EQ(t, (uintptr_t)p % PAGE_SIZE, 0);
	EXPECT_EQ(t, ksize(p), 8192);
	EXPECT_EQ(t, ksize(q), 16384);
	page = virt_to_page(p);
	EXPECT_TRUE(t, PageLargeKmalloc(page));
	EXPECT_EQ(t, page->order, 1);
	EXPECT_EQ(t, nr_free_pages(), before - 2 - 4);
	kfree(p);
	kfree(q);
	EXPECT_EQ(t, nr_free_pages(), before);
}

MM_TEST(too_large_fails_quietly)
{
	EXPECT_NULL(t, kmalloc(PAGE_SIZE << MAX_ORDER));
	EXPECT_NULL(t, kmalloc(SIZE_MAX));
	EXPECT_EQ(t, ktest_warnings(t), 0);
}

MM_TEST(zero_size_and_null)
{
	EXPECT_TRUE(t, kmalloc(0) == ZERO_SIZE_PTR);
	kfree(ZERO_SIZE_PTR);
	kfree(NULL);
	EXPECT_EQ(t, ksize(NULL), 0);
	EXPECT_EQ(t, ktest_warnings(t), 0);
}

MM_TEST(kzalloc_zeroes)
{
	uint8_t *p = kmalloc(200), *q;
	bool zero = true;

	ASSERT_NOT_NULL(t, p);
	memset(p, 0xff, 200);
	kfree(p);
	q = kzalloc(200);		/* likely the same slot */
	ASSERT_NOT_NULL(t, q);
	for (unsigned int i = 0; i < 200; i++)
		zero &= q[i] == 0;
	EXPECT_TRUE(t, zero);
	kfree(q);
}

#define NOBJ	200

MM_TEST(objects_do_not_overlap)
{
	static uint8_t *objs[NOBJ];
	unsigned int bad = 0;

	for (unsigned int i = 0; i < NOBJ; i++) {
		objs[i] = kmalloc(64);
		ASSERT_NOT_NULL(t, objs[i]);
		memset(objs[i], (int)i, 64);
	}
	for (unsigned int i = 0; i < NOBJ; i++)
		for (unsigned int j = 0; j < 64; j++)
			bad += objs[i][j] != (uint8_t)i;
	EXPECT_EQ(t, bad, 0);
	for (unsigned int i = 0; i < NOBJ; i++)
		kfree(objs[i]);
}

MM_TEST(random_sizes_keep_their_contents)
{
	static struct { uint8_t *p; size_t size; } live[64];
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	unsigned int n = 0, bad = 0;

	for (unsigned int step = 0; step < 2000; step++) {
		uint64_t r = test_rand(&seed);

		if (n < ARRAY_SIZE(live) && (n == 0 || (r & 1))) {
			size_t size = 1 + (size_t)((r >> 8) % 6000);

			live[n].p = kmalloc(size);
			ASSERT_NOT_NULL(t, live[n].p);
			live[n].size = size;
			memset(live[n].p, (int)(size & 0xff), size);
			n++;
		} else {
			unsigned int k = (unsigned int)((r >> 8) % n);

			for (size_t i = 0; i < live[k].size; i++)
				bad += live[k].p[i] != (uint8_t)(live[k].size & 0xff);
			kfree(live[k].p);
			live[k] = live[--n];
		}
	}
	while (n)
		kfree(live[--n].p);
	EXPECT_EQ(t, bad, 0);
	EXPECT_EQ(t, ktest_warnings(t), 0);
}

MM_TEST(kfree_finds_the_cache_from_the_address)
{
	void *p = kmalloc(100);
	struct page *page;

	ASSERT_NOT_NULL(t, p);
	page = virt_to_page(p);
	EXPECT_TRUE(t, PageSlab(page));
	EXPECT_TRUE(t, page->slab_cache == kmalloc_cache(100));
	kfree(p);
}

/* --- private caches ---------------------------------------------------------------- */

MM_TEST(slabs_grow_and_shrink)
{
	struct kmem_cache *c = kmem_cache_create("test-64", 64, 0);
	static void *objs[PAGE_SIZE / 64 + 1];
	unsigned int n;

	ASSERT_NOT_NULL(t, c);
	n = c->objects + 1;
	ASSERT_LE(t, n, ARRAY_SIZE(objs));
	for (unsigned int i = 0; i < n; i++)
		ASSERT_NOT_NULL(t, objs[i] = kmem_cache_alloc(c));
	EXPECT_EQ(t, c->nr_slabs, 2);
	EXPECT_EQ(t, c->nr_inuse, n);
	for (unsigned int i = 0; i < n; i++)
		kmem_cache_free(c, objs[i]);
	EXPECT_EQ(t, c->nr_slabs, 1);		/* one empty slab kept */
	kmem_cache_shrink(c);
	EXPECT_EQ(t, c->nr_slabs, 0);
	EXPECT_EQ(t, kmem_cache_destroy(c), 0);
}

MM_TEST(destroy_refuses_live_objects)
{
	struct kmem_cache *c = kmem_cache_create("test-32", 32, 0);
	void *p;

	ASSERT_NOT_NULL(t, c);
	p = kmem_cache_alloc(c);
	ASSERT_NOT_NULL(t, p);
	EXPECT_EQ(t, kmem_cache_destroy(c), -EBUSY);
	EXPECT_EQ(t, ktest_warnings(t), 1);
	kmem_cache_free(c, p);
	EXPECT_EQ(t, kmem_cache_destroy(c), 0);
}

MM_TEST(kfree_of_foreign_pointer_warns)
{
	struct page *page = alloc_page();

	ASSERT_NOT_NULL(t, page);
	kfree(page_address(page));
	EXPECT_EQ(t, ktest_warnings(t), 1);
	EXPECT_EQ(t, page_ref_count(page), 1);
	__free_page(page);
}

MM_TEST(free_of_interior_pointer_warns)
{
	struct kmem_cache *c = kmem_cache_create("test-64", 64, 0);
	char *p;

	ASSERT_NOT_NULL(t, c);
	p = kmem_cache_alloc(c);
	ASSERT_NOT_NULL(t, p);
	kmem_cache_free(c, p + 8);
	EXPECT_EQ(t, ktest_warnings(t), 1);
	EXPECT_EQ(t, c->nr_inuse, 1);
	kmem_cache_free(c, p);
	EXPECT_EQ(t, kmem_cache_destroy(c), 0);
}

MM_TEST(double_free_caught_without_debug)
{
	struct kmem_cache *c = kmem_cache_create("test-48", 48, 0);
	void *p;

	ASSERT_NOT_NULL(t, c);
	p = kmem_cache_alloc(c);
	ASSERT_NOT_NULL(t, p);
	kmem_cache_free(c, p);
	kmem_cache_free(c, p);
	EXPECT_EQ(t, ktest_warnings(t), 1);
	EXPECT_EQ(t, c->nr_inuse, 0);
	EXPECT_EQ(t, c->nr_errors, 1);
	EXPECT_EQ(t, kmem_cache_destroy(c), 0);
}

/* --- SLAB_DEBUG ------------------------------------------------------------------------- */

MM_TEST(debug_double_free_caught)
{
	struct kmem_cache *c = kmem_cache_create("test-dbg", 40, SLAB_DEBUG);
	void *a, *b;

	ASSERT_NOT_NULL(t, c);
	a = kmem_cache_alloc(c);
	b = kmem_cache_alloc(c);
	ASSERT_NOT_NULL(t, a);
	ASSERT_NOT_NULL(t, b);
	kmem_cache_free(c, a);
	kmem_cache_free(c, b);
	kmem_cache_free(c, a);		/* not first on the list: needs the state */
	EXPECT_EQ(t, ktest_warnings(t), 1);
	EXPECT_EQ(t, c->nr_inuse, 0);
	EXPECT_EQ(t, kmem_cache_destroy(c), 0);
}

/* Allocate from a debug cache of `size`, asking for `req`, write `byte` at
 * `at` (relative to the object), free; return the warnings it caused. */
static unsigned long scribble(struct ktest *t, size_t size, size_t req, long at)
{
	struct kmem_cache *c = kmem_cache_create("test-dbg", size, SLAB_DEBUG);
	unsigned long before = ktest_warnings(t);
	uint8_t *p;

	if (!c)
		return ~0UL;
	p = __kmem_cache_alloc(c, req, _THIS_IP_);
	if (p) {
		p[at] = 0x42;
		kmem_cache_free(c, p);
	}
	if (c->nr_inuse != 0 || c->nr_errors != ktest_warnings(t) - before)
		ktest_fail(t, "inuse %lu, errors %lu", c->nr_inuse, c->nr_errors);
	kmem_cache_destroy(c);
	return ktest_warnings(t) - before;
}

MM_TEST(debug_overflow_caught)
{
	EXPECT_EQ(t, scribble(t, 24, 24, 24), 1);
}

MM_TEST(debug_underflow_caught)
{
	EXPECT_EQ(t, scribble(t, 24, 24, -1), 1);
}

MM_TEST(debug_slack_overflow_caught)
{
	EXPECT_EQ(t, scribble(t, 32, 13, 13), 1);	/* kmalloc(13) from the 32s */
}

MM_TEST(debug_writes_inside_pass)
{
	EXPECT_EQ(t, scribble(t, 32, 13, 12), 0);
	EXPECT_EQ(t, scribble(t, 24, 24, 0), 0);
}

MM_TEST(debug_use_after_free_caught)
{
	struct kmem_cache *c = kmem_cache_create("test-dbg", 64, SLAB_DEBUG);
	uint8_t *p, *q;

	ASSERT_NOT_NULL(t, c);
	p = kmem_cache_alloc(c);
	ASSERT_NOT_NULL(t, p);
	kmem_cache_free(c, p);
	p[5] = 0;			/* after the free */
	q = kmem_cache_alloc(c);	/* the same slot: last freed, first out */
	EXPECT_TRUE(t, q == p);
	EXPECT_EQ(t, ktest_warnings(t), 1);
	kmem_cache_free(c, q);
	EXPECT_EQ(t, kmem_cache_destroy(c), 0);
}

static const struct ktest_case kmalloc_cases[] = {
	KTEST_CASE(every_class_round_trips, "each class hands out its size, 8-aligned, and takes it back"),
	KTEST_CASE(sizes_round_up_to_their_class, "a size gets the smallest class that fits"),
	KTEST_CASE(large_sizes_come_from_pages, "above 4 KiB: whole pages, order remembered"),
	KTEST_CASE(too_large_fails_quietly, "a size past MAX_ORDER gives NULL, no warning"),
	KTEST_CASE(zero_size_and_null, "kmalloc(0) is ZERO_SIZE_PTR; kfree of it and NULL is fine"),
	KTEST_CASE(kzalloc_zeroes, "kzalloc returns zeroed memory even from a dirty slot"),
	KTEST_CASE(objects_do_not_overlap, "200 live objects each keep their own bytes"),
	KTEST_CASE(random_sizes_keep_their_contents, "2000 random kmalloc/kfree keep contents intact"),
	KTEST_CASE(kfree_finds_the_cache_from_the_address, "an object's page names its cache"),
	KTEST_CASE(slabs_grow_and_shrink, "a full slab adds one; empties go back but one"),
	KTEST_CASE(destroy_refuses_live_objects, "a cache with objects out is not destroyed"),
	KTEST_CASE(kfree_of_foreign_pointer_warns, "kfree of a page kmalloc never gave warns"),
	KTEST_CASE(free_of_interior_pointer_warns, "freeing the middle of an object is refused"),
	KTEST_CASE(double_free_caught_without_debug, "an immediate double free is caught cheaply"),
	KTEST_CASE(debug_double_free_caught, "SLAB_DEBUG catches any double free"),
	KTEST_CASE(debug_overflow_caught, "a write one past the end is caught at free"),
	KTEST_CASE(debug_underflow_caught, "a write one before the start is caught at free"),
	KTEST_CASE(debug_slack_overflow_caught, "a write past the size asked for is caught"),
	KTEST_CASE(debug_writes_inside_pass, "writes inside the object raise nothing"),
	KTEST_CASE(debug_use_after_free_caught, "a write to a freed object is caught when reused"),
	{}
};
KTEST_SUITE(kmalloc_suite, "mm.kmalloc", kmalloc_cases);
