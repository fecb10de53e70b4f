/*
 * mm.page_ref: the page refcount API (mm/page_ref.h).
 *
 * Pages come from ZONE_NORMAL; a case that needs a page at refcount 0
 * while it is still allocated sets the count by hand and restores 1
 * before freeing, so the allocator never sees the fiction.
 */
#include <mm/tests/mm_test.h>
#include <mm/memmap.h>
#include <mm/page_ref.h>

MM_TEST(new_page_has_one_reference)
{
	struct page *page = alloc_page();

	ASSERT_NOT_NULL(t, page);
	EXPECT_EQ(t, page_ref_count(page), 1);
	put_page(page);			/* the caller's reference frees it */
}

MM_TEST(inc_and_dec_and_test)
{
	struct page *page = alloc_page();

	ASSERT_NOT_NULL(t, page);
	page_ref_inc(page);
	page_ref_inc(page);
	EXPECT_EQ(t, page_ref_count(page), 3);
	EXPECT_FALSE(t, page_ref_dec_and_test(page));
	EXPECT_FALSE(t, page_ref_dec_and_test(page));
	EXPECT_EQ(t, page_ref_count(page), 1);
	__free_page(page);
}

MM_TEST(dec_and_test_true_only_at_zero)
{
	struct page *page = alloc_page();

	ASSERT_NOT_NULL(t, page);
	EXPECT_TRUE(t, page_ref_dec_and_test(page));
	EXPECT_EQ(t, page_ref_count(page), 0);
	set_page_count(page, 1);
	__free_page(page);
}

MM_TEST(get_put_keep_the_page)
{
	unsigned long before = nr_free_pages();
	struct page *page = alloc_page();

	ASSERT_NOT_NULL(t, page);
	get_page(page);
	put_page(page);
	EXPECT_EQ(t, page_ref_count(page), 1);
	EXPECT_EQ(t, nr_free_pages(), before - 1);
	put_page(page);			/* the last one */
	EXPECT_EQ(t, nr_free_pages(), before);
}

MM_TEST(last_put_of_a_shared_page_frees_it)
{
	unsigned long before = nr_free_pages();
	struct page *page = alloc_page();

	ASSERT_NOT_NULL(t, page);
	get_page(page);			/* a second user */
	__free_page(page);		/* the owner lets go first */
	EXPECT_EQ(t, nr_free_pages(), before - 1);
	EXPECT_EQ(t, page_ref_count(page), 1);
	put_page(page);			/* the second user's put frees it */
	EXPECT_EQ(t, nr_free_pages(), before);
}

MM_TEST(last_put_frees_the_whole_block)
{
	unsigned long before = nr_free_pages();
	struct page *page = alloc_pages(3);

	ASSERT_NOT_NULL(t, page);
	get_page(page);
	__free_pages(page, 3);
	EXPECT_EQ(t, nr_free_pages(), before - 8);
	put_page(page);			/* page->order says 3 */
	EXPECT_EQ(t, nr_free_pages(), before);
}

MM_TEST(get_unless_zero_fails_on_zero)
{
	struct page *page = alloc_page();

	ASSERT_NOT_NULL(t, page);
	set_page_count(page, 0);	/* as if being freed */
	EXPECT_FALSE(t, get_page_unless_zero(page));
	EXPECT_EQ(t, page_ref_count(page), 0);
	set_page_count(page, 1);
	__free_page(page);
	EXPECT_EQ(t, ktest_warnings(t), 0);
}

MM_TEST(get_unless_zero_takes_a_live_page)
{
	struct page *page = alloc_page();

	ASSERT_NOT_NULL(t, page);
	EXPECT_TRUE(t, get_page_unless_zero(page));
	EXPECT_EQ(t, page_ref_count(page), 2);
	put_page(page);
	put_page(page);
}

MM_TEST(get_unless_zero_on_a_free_page_fails)
{
	struct page *page = alloc_page();

	ASSERT_NOT_NULL(t, page);
	__free_page(page);		/* really free now: refcount 0 */
	EXPECT_FALSE(t, get_page_unless_zero(page));
	EXPECT_EQ(t, page_ref_count(page), 0);
}

MM_TEST(add_unless_honours_the_limit)
{
	struct page *page = alloc_page();

	ASSERT_NOT_NULL(t, page);
	EXPECT_TRUE(t, page_ref_add_unless(page, 2, 5));
	EXPECT_EQ(t, page_ref_count(page), 3);
	set_page_count(page, 5);
	EXPECT_FALSE(t, page_ref_add_unless(page, 2, 5));
	EXPECT_EQ(t, page_ref_count(page), 5);
	set_page_count(page, 1);
	__free_page(page);
}

MM_TEST(get_page_on_zero_warns_and_takes_nothing)
{
	struct page *page = alloc_page();

	ASSERT_NOT_NULL(t, page);
	set_page_count(page, 0);
	get_page(page);
	EXPECT_EQ(t, ktest_warnings(t), 1);
	EXPECT_EQ(t, page_ref_count(page), 0);
	set_page_count(page, 1);
	__free_page(page);
}

MM_TEST(put_page_below_zero_warns_and_restores)
{
	struct page *page = alloc_page();

	ASSERT_NOT_NULL(t, page);
	set_page_count(page, 0);
	put_page(page);
	EXPECT_EQ(t, ktest_warnings(t), 1);
	EXPECT_EQ(t, page_ref_count(page), 0);
	set_page_count(page, 1);
	__free_page(page);
}

MM_TEST(put_of_a_reserved_page_never_frees_it)
{
	struct page *page = virt_to_page(pfn_to_page(zone_normal.start_pfn + 256));

	ASSERT_NOT_NULL(t, page);
	ASSERT_TRUE(t, PageReserved(page));
	get_page(page);
	put_page(page);
	EXPECT_EQ(t, ktest_warnings(t), 0);
	put_page(page);			/* the reference no one owns: caught */
	EXPECT_EQ(t, ktest_warnings(t), 1);
	EXPECT_TRUE(t, PageReserved(page));
	EXPECT_FALSE(t, PageBuddy(page));
	set_page_count(page, 1);
}

static const struct ktest_case pageref_cases[] = {
	KTEST_CASE(new_page_has_one_reference, "alloc_pages hands out the caller's reference"),
	KTEST_CASE(inc_and_dec_and_test, "inc and dec move the count by one"),
	KTEST_CASE(dec_and_test_true_only_at_zero, "dec_and_test is true exactly at 0"),
	KTEST_CASE(get_put_keep_the_page, "a get/put pair does not free the page"),
	KTEST_CASE(last_put_of_a_shared_page_frees_it, "whoever drops the last reference frees"),
	KTEST_CASE(last_put_frees_the_whole_block, "the last put frees page->order pages"),
	KTEST_CASE(get_unless_zero_fails_on_zero, "the speculative get refuses a count of 0"),
	KTEST_CASE(get_unless_zero_takes_a_live_page, "the speculative get succeeds on a live page"),
	KTEST_CASE(get_unless_zero_on_a_free_page_fails, "a really free page cannot be resurrected"),
	KTEST_CASE(add_unless_honours_the_limit, "add_unless adds unless the count is u"),
	KTEST_CASE(get_page_on_zero_warns_and_takes_nothing, "get_page at 0 warns, count stays 0"),
	KTEST_CASE(put_page_below_zero_warns_and_restores, "a put without a get warns, count stays 0"),
	KTEST_CASE(put_of_a_reserved_page_never_frees_it, "a reserved page's last put is refused"),
	{}
};
KTEST_SUITE(pageref_suite, "mm.page_ref", pageref_cases);
