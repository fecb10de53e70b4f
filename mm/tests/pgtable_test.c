/*
 * mm.pgtable: the user page tables behind the regions, driven through
 * handle_mm_fault() (mm/memory.c) and read back with follow_pte(): what a
 * fault maps (zeroed anonymous pages, a handler's 4 KiB and 2 MiB
 * answers, special and device frames), what it refuses, how mprotect()
 * rewrites the leaves and how munmap() and teardown give every page and
 * every table back.
 *
 * Nothing here needs the CPU to translate through the tables, so the
 * suite runs on the host too (the generic walker over tables in the
 * host's "RAM"); mm.fault does the same through real CPU accesses.
 */
#include <lib/errno.h>
#include <lib/string.h>
#include <mm/memmap.h>
#include <mm/page_alloc.h>
#include <mm/page_ref.h>
#include <mm/slab.h>
#include <mm/tests/mm_test.h>
#include <mm/tests/vm_test.h>

#define P	PAGE_SIZE
#define A	0x40000000UL		/* 1 GiB: 2 MiB-aligned */
#define SZ_2M	(2UL << 20)

static bool page_is_zero(struct page *page)
{
	const uint64_t *w = page_address(page);

	for (unsigned int i = 0; i < P / sizeof(*w); i++)
		if (w[i])
			return false;
	return true;
}

MM_TEST(anon_fault_maps_zeroed_page)
{
	struct mm_struct *mm = test_mm_create(t);
	unsigned long before;
	enum pt_level level;
	struct page *page;
	pte_t e;

	ASSERT_EQ(t, mmap_anon(mm, A, 4 * P, PROT_READ | PROT_WRITE), (long)A);
	before = nr_free_pages();		/* after the region's kmalloc */
	EXPECT_EQ(t, follow_pte(mm, A + P, &e, &level), -ENOENT);	/* on demand only */
	EXPECT_EQ(t, handle_user_fault(mm, A + P + 123, 0), 0);
	e = test_leaf(t, mm, A + P, &level);
	EXPECT_EQ(t, level, PT_PTE);
	EXPECT_TRUE(t, pte_present(e) && pte_user(e) && pte_write(e) && !pte_exec(e));
	EXPECT_FALSE(t, pte_special(e) || pte_devmap(e));
	page = test_page_at(t, mm, A + P);
	EXPECT_EQ(t, page_ref_count(page), 1);			/* the mapping's */
	EXPECT_TRUE(t, page_is_zero(page));
	EXPECT_EQ(t, mm->nr_mapped, 1);
	EXPECT_EQ(t, mm->nr_pgtables, 3);			/* PUD, PMD and PTE tables */
	EXPECT_EQ(t, nr_free_pages(), before - 4);
	EXPECT_EQ(t, follow_pte(mm, A, &e, &level), -ENOENT);	/* only that page */
	mm_destroy(mm);
}

MM_TEST(second_fault_is_a_no_op)
{
	struct mm_struct *mm = test_mm_create(t);
	struct page *first;

	ASSERT_EQ(t, mmap_anon(mm, A, P, PROT_READ | PROT_WRITE), (long)A);
	test_fault_range(t, mm, A, 1, FAULT_FLAG_WRITE);
	first = test_page_at(t, mm, A);
	test_fault_range(t, mm, A, 1, 0);
	EXPECT_TRUE(t, test_page_at(t, mm, A) == first);
	EXPECT_EQ(t, mm->nr_mapped, 1);
	mm_destroy(mm);
}

MM_TEST(faults_refused_by_regions)
{
	struct mm_struct *mm = test_mm_create(t);

	ASSERT_EQ(t, mmap_anon(mm, A, P, PROT_READ), (long)A);
	ASSERT_EQ(t, mmap_anon(mm, A + 2 * P, P, PROT_NONE), (long)(A + 2 * P));
	EXPECT_EQ(t, handle_user_fault(mm, A + P, 0), -EFAULT);			/* a hole */
	EXPECT_EQ(t, handle_user_fault(mm, A, FAULT_FLAG_WRITE), -EACCES);	/* read-only */
	EXPECT_EQ(t, handle_user_fault(mm, A, FAULT_FLAG_INSTRUCTION), -EACCES);	/* no exec */
	EXPECT_EQ(t, handle_user_fault(mm, A + 2 * P, 0), -EACCES);		/* PROT_NONE */
	EXPECT_EQ(t, handle_user_fault(mm, 0xffff800000001000UL, 0), -EFAULT);	/* kernel */
	EXPECT_EQ(t, mm->nr_mapped, 0);
	EXPECT_EQ(t, mm->nr_pgtables, 0);		/* a refusal allocates nothing */
	mm_destroy(mm);
}

MM_TEST(leaf_bits_follow_the_region)
{
	struct mm_struct *mm = test_mm_create(t);
	enum pt_level level;
	pte_t e;

	ASSERT_EQ(t, mmap_anon(mm, A, P, PROT_READ), (long)A);
	ASSERT_EQ(t, mmap_anon(mm, A + P, P, PROT_READ | PROT_EXEC), (long)(A + P));
	test_fault_range(t, mm, A, 2, 0);
	e = test_leaf(t, mm, A, &level);
	EXPECT_TRUE(t, pte_present(e) && pte_user(e) && !pte_write(e) && !pte_exec(e));
	e = test_leaf(t, mm, A + P, &level);
	EXPECT_TRUE(t, pte_present(e) && !pte_write(e) && pte_exec(e));
	mm_destroy(mm);
}

MM_TEST(handler_maps_4k_pages_with_a_reference)
{
	struct mm_struct *mm = test_mm_create(t);
	struct test_obj obj;
	enum pt_level level;
	pte_t e;

	test_obj_create(t, &obj, 8, 0, VMF_PAGE);
	ASSERT_EQ(t, mmap_with_ops(mm, A, 8 * P, PROT_READ | PROT_WRITE, &test_obj_ops, &obj),
		  (long)A);
	test_fault_range(t, mm, A + 2 * P, 3, FAULT_FLAG_WRITE);
	EXPECT_EQ(t, obj.faults, 3);
	for (unsigned long i = 0; i < 8; i++) {
		bool mapped = i >= 2 && i < 5;

		EXPECT_EQ(t, page_ref_count(obj.pages + i), mapped ? 2 : 1);
		if (mapped)
			EXPECT_TRUE(t, test_page_at(t, mm, A + i * P) == obj.pages + i);
	}
	e = test_leaf(t, mm, A + 3 * P, &level);
	EXPECT_EQ(t, level, PT_PTE);
	EXPECT_FALSE(t, pte_special(e));
	EXPECT_EQ(t, munmap(mm, A, 8 * P), 0);
	for (unsigned long i = 0; i < 8; i++)
		EXPECT_EQ(t, page_ref_count(obj.pages + i), 1);
	mm_destroy(mm);
	test_obj_destroy(t, &obj);
}

MM_TEST(handler_maps_2m_leaf)
{
	struct mm_struct *mm = test_mm_create(t);
	struct test_obj obj;
	enum pt_level level;
	pte_t e;

	test_obj_create(t, &obj, 512, PMD_ORDER, VMF_PAGE);
	ASSERT_EQ(t, mmap_with_ops(mm, A, SZ_2M, PROT_READ | PROT_WRITE, &test_obj_ops, &obj),
		  (long)A);
	test_fault_range(t, mm, A + 77 * P, 1, 0);
	EXPECT_EQ(t, obj.faults, 1);
	e = test_leaf(t, mm, A + 300 * P, &level);		/* the whole block is mapped */
	EXPECT_EQ(t, level, PT_PMD);
	EXPECT_TRUE(t, pmd_large(e) && pte_present(e) && pte_write(e));
	EXPECT_EQ(t, pte_pfn(e, PT_PMD), page_to_pfn(obj.pages));
	EXPECT_TRUE(t, test_page_at(t, mm, A + 300 * P) == obj.pages + 300);
	EXPECT_EQ(t, mm->nr_mapped, 512);
	EXPECT_EQ(t, mm->nr_pgtables, 2);			/* PUD and PMD only */
	for (unsigned long i = 0; i < 512; i++)
		if (page_ref_count(obj.pages + i) != 2)
			ktest_fail(t, "subpage %lu at refcount %d, expected 2", i,
				   page_ref_count(obj.pages + i));
	mm_destroy(mm);
	test_obj_destroy(t, &obj);
}

MM_TEST(handler_gets_4k_when_2m_does_not_fit)
{
	struct mm_struct *mm = test_mm_create(t);
	struct test_obj obj;
	enum pt_level level;

	test_obj_create(t, &obj, 512, PMD_ORDER, VMF_PAGE);
	/* half a 2 MiB block: no 2 MiB leaf may cover what is not the region's */
	ASSERT_EQ(t, mmap_with_ops(mm, A, SZ_2M / 2, PROT_READ, &test_obj_ops, &obj), (long)A);
	test_fault_range(t, mm, A, 1, 0);
	test_leaf(t, mm, A, &level);
	EXPECT_EQ(t, level, PT_PTE);
	EXPECT_EQ(t, mm->nr_mapped, 1);
	mm_destroy(mm);
	test_obj_destroy(t, &obj);
}

MM_TEST(handler_gets_4k_when_a_table_is_there)
{
	struct mm_struct *mm = test_mm_create(t);
	struct test_obj obj;
	enum pt_level level;

	test_obj_create(t, &obj, 512, 0, VMF_PAGE);
	ASSERT_EQ(t, mmap_with_ops(mm, A, SZ_2M, PROT_READ, &test_obj_ops, &obj), (long)A);
	test_fault_range(t, mm, A, 1, 0);	/* a 4 KiB leaf: now a PTE table is there */
	obj.order = PMD_ORDER;
	test_fault_range(t, mm, A + 5 * P, 1, 0);
	test_leaf(t, mm, A + 5 * P, &level);
	EXPECT_EQ(t, level, PT_PTE);
	EXPECT_EQ(t, mm->nr_mapped, 2);
	mm_destroy(mm);
	test_obj_destroy(t, &obj);
}

MM_TEST(special_and_devmap_leaves_count_nothing)
{
	struct mm_struct *mm = test_mm_create(t);
	struct test_obj sp, dev;
	enum pt_level level;
	pte_t e;

	test_obj_create(t, &sp, 4, 0, VMF_SPECIAL);
	test_obj_create(t, &dev, 4, 0, VMF_DEVMAP);
	ASSERT_EQ(t, mmap_with_ops(mm, A, 4 * P, PROT_READ, &test_obj_pfnmap_ops, &sp), (long)A);
	ASSERT_EQ(t, mmap_with_ops(mm, A + 4 * P, 4 * P, PROT_READ, &test_obj_ops, &dev),
		  (long)(A + 4 * P));
	test_fault_range(t, mm, A, 8, 0);
	e = test_leaf(t, mm, A, &level);
	EXPECT_TRUE(t, pte_special(e) && !pte_devmap(e));
	e = test_leaf(t, mm, A + 4 * P, &level);
	EXPECT_TRUE(t, pte_devmap(e) && !pte_special(e));
	for (unsigned long i = 0; i < 4; i++) {
		EXPECT_EQ(t, page_ref_count(sp.pages + i), 1);
		EXPECT_EQ(t, page_ref_count(dev.pages + i), 1);
	}
	EXPECT_EQ(t, mm->nr_mapped, 8);
	mm_destroy(mm);
	test_obj_destroy(t, &sp);
	test_obj_destroy(t, &dev);
}

MM_TEST(handler_errors_and_bad_answers_refused)
{
	struct mm_struct *mm = test_mm_create(t);
	struct test_obj obj;

	test_obj_create(t, &obj, 4, 0, VMF_PAGE);
	ASSERT_EQ(t, mmap_with_ops(mm, A, 8 * P, PROT_READ, &test_obj_ops, &obj), (long)A);
	EXPECT_EQ(t, handle_user_fault(mm, A + 5 * P, 0), -EFAULT);	/* beyond the object */
	obj.refuse = -ENOMEM;
	EXPECT_EQ(t, handle_user_fault(mm, A, 0), -ENOMEM);
	obj.refuse = 0;
	set_page_count(obj.pages + 1, 0);		/* a page the object does not hold */
	EXPECT_EQ(t, handle_user_fault(mm, A + P, 0), -EINVAL);
	set_page_count(obj.pages + 1, 1);
	obj.order = PMD_ORDER;				/* 2 MiB asked where it cannot fit */
	EXPECT_EQ(t, handle_user_fault(mm, A, 0), 0);	/* max_order 0: it answers 4K */
	EXPECT_EQ(t, mm->nr_mapped, 1);
	mm_destroy(mm);
	test_obj_destroy(t, &obj);
}

MM_TEST(mprotect_rewrites_leaves)
{
	struct mm_struct *mm = test_mm_create(t);
	enum pt_level level;
	struct page *page;
	pte_t e;

	ASSERT_EQ(t, mmap_anon(mm, A, 2 * P, PROT_READ | PROT_WRITE), (long)A);
	test_fault_range(t, mm, A, 2, FAULT_FLAG_WRITE);
	page = test_page_at(t, mm, A);
	memset(page_address(page), 0x5a, P);

	EXPECT_EQ(t, mprotect(mm, A, P, PROT_READ), 0);
	e = test_leaf(t, mm, A, &level);
	EXPECT_TRUE(t, pte_present(e) && !pte_write(e));
	EXPECT_EQ(t, handle_user_fault(mm, A, FAULT_FLAG_WRITE), -EACCES);
	EXPECT_TRUE(t, pte_write(test_leaf(t, mm, A + P, &level)));	/* the other page */

	EXPECT_EQ(t, mprotect(mm, A, P, PROT_NONE), 0);
	e = test_leaf(t, mm, A, &level);		/* still mapped, not present */
	EXPECT_TRUE(t, !pte_present(e) && pte_protnone(e));
	EXPECT_EQ(t, pte_pfn(e, level), page_to_pfn(page));
	EXPECT_EQ(t, handle_user_fault(mm, A, 0), -EACCES);

	EXPECT_EQ(t, mprotect(mm, A, P, PROT_READ | PROT_WRITE), 0);
	e = test_leaf(t, mm, A, &level);
	EXPECT_TRUE(t, pte_present(e) && pte_write(e));
	EXPECT_TRUE(t, test_page_at(t, mm, A) == page);		/* the same page, kept */
	EXPECT_EQ(t, ((unsigned char *)page_address(page))[100], 0x5a);
	EXPECT_EQ(t, page_ref_count(page), 1);
	mm_destroy(mm);
}

MM_TEST(mprotect_of_part_of_a_2m_leaf_unmaps_it)
{
	struct mm_struct *mm = test_mm_create(t);
	struct test_obj obj;
	enum pt_level level;
	pte_t e;

	test_obj_create(t, &obj, 512, PMD_ORDER, VMF_PAGE);
	ASSERT_EQ(t, mmap_with_ops(mm, A, SZ_2M, PROT_READ | PROT_WRITE, &test_obj_ops, &obj),
		  (long)A);
	test_fault_range(t, mm, A, 1, 0);
	EXPECT_EQ(t, mprotect(mm, A, P, PROT_READ), 0);
	EXPECT_EQ(t, follow_pte(mm, A + 100 * P, &e, &level), -ENOENT);	/* the leaf went */
	EXPECT_EQ(t, page_ref_count(obj.pages + 100), 1);
	test_fault_range(t, mm, A + 100 * P, 1, FAULT_FLAG_WRITE);	/* comes back as 4K */
	e = test_leaf(t, mm, A + 100 * P, &level);
	EXPECT_EQ(t, level, PT_PTE);
	EXPECT_TRUE(t, pte_write(e));
	test_fault_range(t, mm, A, 1, 0);
	EXPECT_FALSE(t, pte_write(test_leaf(t, mm, A, &level)));
	mm_destroy(mm);
	test_obj_destroy(t, &obj);
}

MM_TEST(munmap_frees_pages_and_tables)
{
	struct mm_struct *mm = test_mm_create(t);
	unsigned long base, before;
	enum pt_level level;
	pte_t e;

	kmem_cache_shrink_all();
	base = nr_free_pages();
	/* across a 2 MiB boundary: two PTE tables under one PMD table */
	ASSERT_EQ(t, mmap_anon(mm, A + SZ_2M - 8 * P, 16 * P, PROT_READ | PROT_WRITE),
		  (long)(A + SZ_2M - 8 * P));
	before = nr_free_pages();		/* after the region's kmalloc */
	test_fault_range(t, mm, A + SZ_2M - 8 * P, 16, FAULT_FLAG_WRITE);
	EXPECT_EQ(t, mm->nr_pgtables, 4);
	EXPECT_EQ(t, nr_free_pages(), before - 16 - 4);
	EXPECT_EQ(t, munmap(mm, A + SZ_2M - 8 * P, 8 * P), 0);	/* the first table empties */
	EXPECT_EQ(t, mm->nr_pgtables, 3);
	EXPECT_EQ(t, nr_free_pages(), before - 8 - 3);
	EXPECT_EQ(t, follow_pte(mm, A + SZ_2M - P, &e, &level), -ENOENT);
	EXPECT_EQ(t, munmap(mm, A + SZ_2M, 8 * P), 0);
	EXPECT_EQ(t, mm->nr_pgtables, 0);
	EXPECT_EQ(t, mm->nr_mapped, 0);
	kmem_cache_shrink_all();		/* the regions' slab, if now empty */
	EXPECT_EQ(t, nr_free_pages(), base);
	mm_destroy(mm);
}

MM_TEST(teardown_frees_everything)
{
	struct mm_struct *mm = test_mm_create(t);
	long spread[] = { 0x10000000L, 0x7f0000000000L, 0x123456789000L };

	for (unsigned int i = 0; i < ARRAY_SIZE(spread); i++) {
		ASSERT_EQ(t, mmap_anon(mm, spread[i], 3 * P, PROT_READ | PROT_WRITE), spread[i]);
		test_fault_range(t, mm, spread[i], 3, FAULT_FLAG_WRITE);
	}
	EXPECT_EQ(t, mm->nr_mapped, 9);
	EXPECT_EQ(t, mm->nr_pgtables, 9);		/* three PUD, PMD, PTE chains */
	mm_destroy(mm);					/* MM_TEST checks the free count */
}

static const struct ktest_case pgtable_cases[] = {
	KTEST_CASE(anon_fault_maps_zeroed_page,
		   "a read fault maps one zeroed, writable, NX user page through 3 new tables"),
	KTEST_CASE(second_fault_is_a_no_op, "faulting a mapped page again changes nothing"),
	KTEST_CASE(faults_refused_by_regions,
		   "hole -EFAULT, write to RO / exec of NX / PROT_NONE -EACCES, kernel -EFAULT"),
	KTEST_CASE(leaf_bits_follow_the_region, "RO regions get RO leaves, NX unless PROT_EXEC"),
	KTEST_CASE(handler_maps_4k_pages_with_a_reference,
		   "a handler's 4 KiB pages are mapped with +1 each, dropped by munmap"),
	KTEST_CASE(handler_maps_2m_leaf, "a 2 MiB answer is one PMD leaf and +1 on each of 512 pages"),
	KTEST_CASE(handler_gets_4k_when_2m_does_not_fit, "a region of half a 2 MiB block gets 4 KiB leaves"),
	KTEST_CASE(handler_gets_4k_when_a_table_is_there,
		   "after a 4 KiB leaf in the block the handler is offered 4 KiB only"),
	KTEST_CASE(special_and_devmap_leaves_count_nothing,
		   "special and devmap leaves carry their bit and take no page reference"),
	KTEST_CASE(handler_errors_and_bad_answers_refused,
		   "a handler's error is the fault's; a page at refcount 0 is refused -EINVAL"),
	KTEST_CASE(mprotect_rewrites_leaves,
		   "RW->RO->PROT_NONE->RW keeps the same page and its data, access follows prot"),
	KTEST_CASE(mprotect_of_part_of_a_2m_leaf_unmaps_it,
		   "a 2 MiB leaf cut by mprotect goes, and refaults as 4 KiB with the new prot"),
	KTEST_CASE(munmap_frees_pages_and_tables,
		   "munmap frees the pages and each emptied table: free count back to baseline"),
	KTEST_CASE(teardown_frees_everything, "mm_destroy frees pages and tables spread over the space"),
	{}
};
KTEST_SUITE(pgtable_suite, "mm.pgtable", pgtable_cases);
