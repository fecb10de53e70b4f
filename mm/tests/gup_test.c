/*
 * mm.gup: both paths of get_user_pages (mm/gup.h). What they pin and
 * with how many references, where they stop, what they refuse, how the
 * fast path hands the rest to the slow one, 2 MiB leaves, and pins that
 * outlive their mapping and their address space.
 *
 * Every case runs "in" its address space (use_mm) because the fast path
 * walks the running thread's; the host does that too (the task's mm,
 * kernel/task_mm.c),
 * so the suite runs there, except the race, which needs real CPUs,
 * interrupts and TLB shootdowns (mm/tests/gup_race_test.c).
 *
 * Reference arithmetic: a mapped ordinary page has 1 reference (its
 * mapping; a test object's pages 2: the object's and the mapping's);
 * every pin adds exactly 1, every unpin takes it back.
 */
#include <lib/errno.h>
#include <lib/string.h>
#include <mm/gup.h>
#include <mm/memmap.h>
#include <mm/page_alloc.h>
#include <mm/page_ref.h>
#include <mm/tests/mm_test.h>
#include <mm/tests/vm_test.h>

#define P	PAGE_SIZE
#define A	0x40000000UL
#define SZ_2M	(2UL << 20)
#define N	16

static struct page *pages[512], *pages2[512];

/* A fresh mm the case runs in, with [A, A + n pages) mapped anon RW. */
static struct mm_struct *gup_mm(struct ktest *t, unsigned long n, unsigned int prot)
{
	struct mm_struct *mm = test_mm_create(t);

	if (mmap_anon(mm, A, n * P, prot) != (long)A) {
		mm_destroy(mm);
		ASSERT_TRUE(t, false);
	}
	use_mm(mm);
	return mm;
}

static void gup_mm_done(struct mm_struct *mm)
{
	unuse_mm(mm);
	mm_destroy(mm);
}

MM_TEST(slow_pins_faulted_pages_exactly_once)
{
	struct mm_struct *mm = gup_mm(t, N, PROT_READ | PROT_WRITE);

	EXPECT_EQ(t, get_user_pages(mm, A, N, FOLL_WRITE | FOLL_GET, pages), N);
	EXPECT_EQ(t, mm->nr_mapped, N);			/* it faulted them in */
	for (unsigned int i = 0; i < N; i++) {
		EXPECT_TRUE(t, pages[i] == test_page_at(t, mm, A + i * P));
		EXPECT_EQ(t, page_ref_count(pages[i]), 2);	/* mapping + pin */
	}
	unpin_user_pages(pages, N);
	for (unsigned int i = 0; i < N; i++)
		EXPECT_EQ(t, page_ref_count(test_page_at(t, mm, A + i * P)), 1);
	gup_mm_done(mm);
}

MM_TEST(slow_without_pages_only_faults_in)
{
	struct mm_struct *mm = gup_mm(t, N, PROT_READ);

	EXPECT_EQ(t, get_user_pages(mm, A, N, 0, NULL), N);
	EXPECT_EQ(t, mm->nr_mapped, N);
	EXPECT_EQ(t, page_ref_count(test_page_at(t, mm, A)), 1);	/* nothing pinned */
	gup_mm_done(mm);
}

MM_TEST(fast_equals_slow)
{
	struct mm_struct *mm = gup_mm(t, N, PROT_READ | PROT_WRITE);

	ASSERT_EQ(t, get_user_pages(mm, A, N, FOLL_GET, pages2), N);
	EXPECT_EQ(t, gup_fast_only(A, N, FOLL_GET, pages), N);	/* all populated now */
	EXPECT_EQ(t, memcmp(pages, pages2, sizeof(pages[0]) * N), 0);
	EXPECT_EQ(t, page_ref_count(pages[3]), 3);
	unpin_user_pages(pages, N);
	unpin_user_pages(pages2, N);
	EXPECT_EQ(t, page_ref_count(test_page_at(t, mm, A + 3 * P)), 1);
	gup_mm_done(mm);
}

MM_TEST(fast_on_unpopulated_range_falls_back)
{
	struct mm_struct *mm = gup_mm(t, N, PROT_READ | PROT_WRITE);

	EXPECT_EQ(t, gup_fast_only(A, N, FOLL_GET, pages), 0);	/* nothing to walk */
	EXPECT_EQ(t, get_user_pages_fast(A, N, FOLL_WRITE, pages), N);	/* the slow path */
	EXPECT_EQ(t, mm->nr_mapped, N);
	unpin_user_pages(pages, N);
	EXPECT_EQ(t, gup_fast_only(A, N, FOLL_WRITE, pages), N);	/* now it walks */
	unpin_user_pages(pages, N);
	gup_mm_done(mm);
}

MM_TEST(fast_stops_at_a_hole_then_slow_fills_it)
{
	struct mm_struct *mm = gup_mm(t, 8, PROT_READ | PROT_WRITE);

	test_fault_range(t, mm, A, 4, 0);
	test_fault_range(t, mm, A + 5 * P, 3, 0);
	EXPECT_EQ(t, gup_fast_only(A, 8, FOLL_GET, pages), 4);	/* stops at page 4 */
	unpin_user_pages(pages, 4);
	EXPECT_EQ(t, mm->nr_mapped, 7);
	EXPECT_EQ(t, get_user_pages_fast(A, 8, 0, pages), 8);	/* 4 fast, 4 slow */
	EXPECT_EQ(t, mm->nr_mapped, 8);
	for (unsigned int i = 0; i < 8; i++)
		EXPECT_EQ(t, page_ref_count(pages[i]), 2);
	unpin_user_pages(pages, 8);
	gup_mm_done(mm);
}

MM_TEST(unmapped_hole_gives_short_count_or_efault)
{
	struct mm_struct *mm = gup_mm(t, 4, PROT_READ | PROT_WRITE);

	EXPECT_EQ(t, get_user_pages(mm, A, 8, FOLL_GET, pages), 4);		/* short */
	unpin_user_pages(pages, 4);
	EXPECT_EQ(t, get_user_pages(mm, A + 4 * P, 4, FOLL_GET, pages), -EFAULT);
	EXPECT_EQ(t, get_user_pages_fast(A + 2 * P, 4, 0, pages), 2);
	unpin_user_pages(pages, 2);
	EXPECT_EQ(t, get_user_pages_fast(A - P, 2, 0, pages), -EFAULT);	/* hole first */
	gup_mm_done(mm);
}

MM_TEST(write_on_read_only_fails_in_both_paths)
{
	struct mm_struct *mm = gup_mm(t, N, PROT_READ);

	test_fault_range(t, mm, A, N, 0);		/* present, read-only */
	EXPECT_EQ(t, gup_fast_only(A, N, FOLL_WRITE, pages), 0);	/* step 2 stops it */
	EXPECT_EQ(t, get_user_pages(mm, A, N, FOLL_WRITE | FOLL_GET, pages), -EFAULT);
	EXPECT_EQ(t, get_user_pages_fast(A, N, FOLL_WRITE, pages), -EFAULT);
	EXPECT_EQ(t, page_ref_count(test_page_at(t, mm, A)), 1);	/* nothing leaked */
	EXPECT_EQ(t, get_user_pages_fast(A, N, 0, pages), N);		/* reading is fine */
	unpin_user_pages(pages, N);
	gup_mm_done(mm);
}

MM_TEST(mprotect_decides_what_write_gup_gets)
{
	struct mm_struct *mm = gup_mm(t, 1, PROT_READ | PROT_WRITE);
	struct page *page;

	test_fault_range(t, mm, A, 1, FAULT_FLAG_WRITE);
	page = test_page_at(t, mm, A);
	ASSERT_EQ(t, mprotect(mm, A, P, PROT_READ), 0);
	EXPECT_EQ(t, gup_fast_only(A, 1, FOLL_WRITE, pages), 0);
	EXPECT_EQ(t, get_user_pages_fast(A, 1, FOLL_WRITE, pages), -EFAULT);
	ASSERT_EQ(t, mprotect(mm, A, P, PROT_READ | PROT_WRITE), 0);
	EXPECT_EQ(t, gup_fast_only(A, 1, FOLL_WRITE, pages), 1);	/* the leaf was rewritten */
	EXPECT_TRUE(t, pages[0] == page);				/* the same page */
	unpin_user_pages(pages, 1);
	EXPECT_EQ(t, page_ref_count(page), 1);
	gup_mm_done(mm);
}

MM_TEST(prot_none_stops_fast_and_is_refused)
{
	struct mm_struct *mm = gup_mm(t, 4, PROT_READ | PROT_WRITE);

	test_fault_range(t, mm, A, 4, FAULT_FLAG_WRITE);
	ASSERT_EQ(t, mprotect(mm, A, 4 * P, PROT_NONE), 0);
	EXPECT_EQ(t, gup_fast_only(A, 4, FOLL_GET, pages), 0);
	EXPECT_EQ(t, get_user_pages_fast(A, 4, 0, pages), -EFAULT);
	EXPECT_EQ(t, mm->nr_mapped, 4);			/* still there, untouched */
	gup_mm_done(mm);
}

MM_TEST(kernel_addresses_refused)
{
	struct mm_struct *mm = gup_mm(t, 4, PROT_READ | PROT_WRITE);
	unsigned long kernel = 0xffff800000100000UL;

	EXPECT_EQ(t, get_user_pages_fast(kernel, 1, 0, pages), -EFAULT);
	EXPECT_EQ(t, get_user_pages(mm, kernel, 1, FOLL_GET, pages), -EFAULT);
	EXPECT_EQ(t, gup_fast_only(kernel, 1, FOLL_GET, pages), 0);
	/* a range that starts in the user half and runs past its end */
	EXPECT_EQ(t, get_user_pages_fast(USER_ADDR_END - P, 2, 0, pages), -EFAULT);
	EXPECT_EQ(t, get_user_pages(mm, USER_ADDR_END - P, 2, FOLL_GET, pages), -EFAULT);
	gup_mm_done(mm);
}

MM_TEST(bad_flags_refused)
{
	struct mm_struct *mm = gup_mm(t, 1, PROT_READ);

	EXPECT_EQ(t, get_user_pages(mm, A, 1, FOLL_GET | FOLL_PIN, pages), -EINVAL);
	EXPECT_EQ(t, get_user_pages(mm, A, 1, 0, pages), -EINVAL);	/* pages, no GET/PIN */
	EXPECT_EQ(t, get_user_pages(mm, A, 1, 0x100, NULL), -EINVAL);
	EXPECT_EQ(t, get_user_pages_fast(A, 1, FOLL_GET | FOLL_PIN, pages), -EINVAL);
	EXPECT_EQ(t, get_user_pages_fast(A, 1, 0, NULL), -EINVAL);
	EXPECT_EQ(t, get_user_pages(mm, A, 0, FOLL_GET, pages), 0);
	EXPECT_EQ(t, get_user_pages_fast(A, 0, 0, pages), 0);
	gup_mm_done(mm);
}

MM_TEST(fast_without_an_address_space_refused)
{
	EXPECT_NULL(t, current_mm());
	EXPECT_EQ(t, get_user_pages_fast(A, 1, 0, pages), -EFAULT);
	EXPECT_EQ(t, gup_fast_only(A, 1, FOLL_GET, pages), 0);
}

MM_TEST(io_and_pfnmap_regions_refused)
{
	struct mm_struct *mm = test_mm_create(t);
	struct test_obj io, raw;

	test_obj_create(t, &io, 4, 0, VMF_PAGE);
	test_obj_create(t, &raw, 4, 0, VMF_SPECIAL);
	ASSERT_EQ(t, mmap_with_ops(mm, A, 4 * P, PROT_READ | PROT_WRITE, &test_obj_io_ops, &io),
		  (long)A);
	ASSERT_EQ(t, mmap_with_ops(mm, A + 4 * P, 4 * P, PROT_READ, &test_obj_pfnmap_ops, &raw),
		  (long)(A + 4 * P));
	use_mm(mm);
	test_fault_range(t, mm, A, 8, 0);		/* mapped, but not pinnable */
	EXPECT_EQ(t, get_user_pages(mm, A, 1, FOLL_GET, pages), -EFAULT);	/* VM_IO */
	EXPECT_EQ(t, get_user_pages(mm, A + 4 * P, 1, FOLL_GET, pages), -EFAULT);
	EXPECT_EQ(t, gup_fast_only(A + 4 * P, 4, FOLL_GET, pages), 0);	/* special: stop */
	EXPECT_EQ(t, get_user_pages_fast(A + 4 * P, 4, 0, pages), -EFAULT);
	for (unsigned int i = 0; i < 4; i++)
		EXPECT_EQ(t, page_ref_count(io.pages + i), 2);	/* object + mapping, no pin */
	gup_mm_done(mm);
	test_obj_destroy(t, &io);
	test_obj_destroy(t, &raw);
}

MM_TEST(devmap_leaf_without_pgmap_is_refused)
{
	struct mm_struct *mm = test_mm_create(t);
	struct test_obj dev;

	test_obj_create(t, &dev, 4, 0, VMF_DEVMAP);
	ASSERT_EQ(t, mmap_with_ops(mm, A, 4 * P, PROT_READ | PROT_WRITE, &test_obj_ops, &dev),
		  (long)A);
	use_mm(mm);
	test_fault_range(t, mm, A, 4, FAULT_FLAG_WRITE);
	/* no dev_pagemap covers these frames (no live device): both paths refuse
	 * (suite drivers.pmem.zone_device pins devmap leaves of a real pgmap) */
	EXPECT_EQ(t, gup_fast_only(A, 4, FOLL_GET, pages), 0);
	EXPECT_EQ(t, get_user_pages_fast(A, 4, FOLL_WRITE, pages), -EFAULT);
	for (unsigned int i = 0; i < 4; i++)
		EXPECT_EQ(t, page_ref_count(dev.pages + i), 1);	/* the device's only */
	gup_mm_done(mm);
	test_obj_destroy(t, &dev);
}

MM_TEST(failed_devmap_step_undoes_its_range)
{
	struct mm_struct *mm = gup_mm(t, 2, PROT_READ | PROT_WRITE);
	struct test_obj dev;

	test_obj_create(t, &dev, 2, 0, VMF_DEVMAP);
	ASSERT_EQ(t, mmap_with_ops(mm, A + 2 * P, 2 * P, PROT_READ | PROT_WRITE, &test_obj_ops,
				   &dev), (long)(A + 2 * P));
	test_fault_range(t, mm, A, 4, FAULT_FLAG_WRITE);	/* one page table, 4 leaves */
	/* two ordinary pages, then a devmap leaf whose step fails: both undone */
	EXPECT_EQ(t, gup_fast_only(A, 4, FOLL_GET, pages), 0);
	EXPECT_EQ(t, page_ref_count(test_page_at(t, mm, A)), 1);
	EXPECT_EQ(t, page_ref_count(test_page_at(t, mm, A + P)), 1);
	/* the slow path pins the ordinary pages and refuses the pgmap-less leaf */
	EXPECT_EQ(t, get_user_pages_fast(A, 4, 0, pages), 2);
	unpin_user_pages(pages, 2);
	EXPECT_EQ(t, page_ref_count(dev.pages), 1);
	gup_mm_done(mm);
	test_obj_destroy(t, &dev);
}

MM_TEST(huge_leaf_takes_a_reference_per_subpage)
{
	struct mm_struct *mm = test_mm_create(t);
	struct test_obj obj;

	test_obj_create(t, &obj, 512, PMD_ORDER, VMF_PAGE);
	ASSERT_EQ(t, mmap_with_ops(mm, A, SZ_2M, PROT_READ | PROT_WRITE, &test_obj_ops, &obj),
		  (long)A);
	use_mm(mm);
	EXPECT_EQ(t, get_user_pages_fast(A + 100 * P, 200, FOLL_WRITE, pages), 200);
	EXPECT_EQ(t, obj.faults, 1);				/* one 2 MiB leaf */
	EXPECT_EQ(t, gup_fast_only(A + 100 * P, 200, FOLL_GET, pages2), 200);
	EXPECT_EQ(t, memcmp(pages, pages2, 200 * sizeof(pages[0])), 0);
	for (unsigned int i = 0; i < 512; i++) {
		int want = i >= 100 && i < 300 ? 4 : 2;		/* object, mapping, 2 pins */

		if (page_ref_count(obj.pages + i) != want)
			ktest_fail(t, "subpage %u at refcount %d, expected %d", i,
				   page_ref_count(obj.pages + i), want);
	}
	EXPECT_TRUE(t, pages[0] == obj.pages + 100);
	unpin_user_pages(pages, 200);
	unpin_user_pages(pages2, 200);
	EXPECT_EQ(t, get_user_pages(mm, A, 512, FOLL_GET, pages), 512);	/* the slow path */
	EXPECT_EQ(t, page_ref_count(obj.pages + 511), 3);
	unpin_user_pages(pages, 512);
	gup_mm_done(mm);
	test_obj_destroy(t, &obj);
}

MM_TEST(slow_path_spans_huge_leaves_exactly)
{
	struct mm_struct *mm = test_mm_create(t);
	struct test_obj obj;

	test_obj_create(t, &obj, 1024, PMD_ORDER, VMF_PAGE);
	ASSERT_EQ(t, mmap_with_ops(mm, A, 2 * SZ_2M, PROT_READ | PROT_WRITE, &test_obj_ops, &obj),
		  (long)A);
	use_mm(mm);
	/* from inside the first leaf to inside the second: 212 + 288 pages */
	EXPECT_EQ(t, get_user_pages(mm, A + 300 * P, 500, FOLL_GET, pages), 500);
	EXPECT_EQ(t, obj.faults, 2);				/* one per leaf */
	for (unsigned int i = 0; i < 500; i++)
		if (pages[i] != obj.pages + 300 + i)
			ktest_fail(t, "pages[%u] is subpage %ld, expected %u", i,
				   (long)(pages[i] - obj.pages), 300 + i);
	for (unsigned int i = 0; i < 1024; i++) {
		int want = i >= 300 && i < 800 ? 3 : 2;		/* object, mapping, the pin */

		if (page_ref_count(obj.pages + i) != want)
			ktest_fail(t, "subpage %u at refcount %d, expected %d", i,
				   page_ref_count(obj.pages + i), want);
	}
	unpin_user_pages(pages, 500);
	gup_mm_done(mm);
	test_obj_destroy(t, &obj);
}

/* Pages 400-699 of slow_path_crosses_page_tables_exactly left empty. */
static bool crossing_hole(unsigned long i)
{
	return i >= 400 && i < 700 && (i - 400) % 7 == 3;
}

MM_TEST(slow_path_crosses_page_tables_exactly)
{
	struct mm_struct *mm = gup_mm(t, 1536, PROT_READ | PROT_WRITE);
	const unsigned long first = 400, n = 300;	/* pages 400-699: 512 starts a table */
	unsigned long holes = 0;

	/* 511 and 512 present, so one step reaches the table's end; 0 too, so
	 * reading the old table's first entry again would take a wrong page */
	for (unsigned long i = 0; i < first + n; i++) {
		if (crossing_hole(i))
			holes++;
		else
			test_fault_range(t, mm, A + i * P, 1, 0);
	}
	EXPECT_EQ(t, mm->nr_mapped, first + n - holes);
	EXPECT_EQ(t, get_user_pages(mm, A + first * P, n, FOLL_WRITE | FOLL_GET, pages), (long)n);
	EXPECT_EQ(t, mm->nr_mapped, first + n);		/* the holes were faulted in */
	for (unsigned long i = 0; i < n; i++) {
		struct page *mapped = test_page_at(t, mm, A + (first + i) * P);

		if (pages[i] != mapped || page_ref_count(mapped) != 2)
			ktest_fail(t, "page %lu: pfn 0x%lx at refcount %d, mapped pfn 0x%lx",
				   first + i, page_to_pfn(pages[i]), page_ref_count(pages[i]),
				   page_to_pfn(mapped));
	}
	unpin_user_pages(pages, n);
	EXPECT_EQ(t, page_ref_count(test_page_at(t, mm, A + (first - 1) * P)), 1);
	EXPECT_EQ(t, page_ref_count(test_page_at(t, mm, A + first * P)), 1);
	/* only faulting in, across the next table's start at 1024 */
	EXPECT_EQ(t, get_user_pages(mm, A + 700 * P, 400, 0, NULL), 400);
	EXPECT_EQ(t, mm->nr_mapped, 1100);
	EXPECT_EQ(t, page_ref_count(test_page_at(t, mm, A + 1024 * P)), 1);	/* nothing pinned */
	gup_mm_done(mm);
}

MM_TEST(slow_path_batch_stops_at_the_region_end)
{
	struct mm_struct *mm = gup_mm(t, 4, PROT_READ | PROT_WRITE);
	struct test_obj io;

	test_obj_create(t, &io, 4, 0, VMF_PAGE);
	ASSERT_EQ(t, mmap_with_ops(mm, A + 4 * P, 4 * P, PROT_READ | PROT_WRITE, &test_obj_io_ops,
				   &io), (long)(A + 4 * P));
	test_fault_range(t, mm, A, 8, FAULT_FLAG_WRITE);	/* 8 leaves of one table */
	/* the table goes on with present, writable leaves; the VM_IO region refuses them */
	EXPECT_EQ(t, get_user_pages(mm, A, 8, FOLL_WRITE | FOLL_GET, pages), 4);
	for (unsigned int i = 0; i < 4; i++) {
		EXPECT_TRUE(t, pages[i] == test_page_at(t, mm, A + i * P));
		EXPECT_EQ(t, page_ref_count(io.pages + i), 2);	/* object + mapping, no pin */
	}
	unpin_user_pages(pages, 4);
	gup_mm_done(mm);
	test_obj_destroy(t, &io);
}

MM_TEST(slow_path_goes_from_a_huge_leaf_to_a_page_table)
{
	struct mm_struct *mm = test_mm_create(t);
	struct test_obj obj;

	/* one region: a 2 MiB leaf, then 8 pages too few for a second one */
	test_obj_create(t, &obj, 1024, PMD_ORDER, VMF_PAGE);
	ASSERT_EQ(t, mmap_with_ops(mm, A, SZ_2M + 8 * P, PROT_READ | PROT_WRITE, &test_obj_ops,
				   &obj), (long)A);
	use_mm(mm);
	test_fault_range(t, mm, A, 1, 0);		/* the 2 MiB leaf */
	test_fault_range(t, mm, A + SZ_2M, 8, 0);	/* the next PMD entry: a table of 4 KiB leaves */
	/* 12 subpages of the leaf, then the 8 leaves of that table */
	EXPECT_EQ(t, get_user_pages(mm, A + 500 * P, 20, FOLL_GET, pages), 20);
	EXPECT_EQ(t, obj.faults, 9);			/* nothing faulted again */
	for (unsigned int i = 0; i < 20; i++)
		if (pages[i] != obj.pages + 500 + i)
			ktest_fail(t, "pages[%u] is object page %ld, expected %u", i,
				   (long)(pages[i] - obj.pages), 500 + i);
	EXPECT_EQ(t, page_ref_count(obj.pages + 499), 2);	/* object + mapping */
	EXPECT_EQ(t, page_ref_count(obj.pages + 500), 3);	/* and the pin */
	EXPECT_EQ(t, page_ref_count(obj.pages + 519), 3);
	unpin_user_pages(pages, 20);
	gup_mm_done(mm);
	test_obj_destroy(t, &obj);
}

MM_TEST(huge_leaf_write_on_read_only_stops)
{
	struct mm_struct *mm = test_mm_create(t);
	struct test_obj obj;

	test_obj_create(t, &obj, 512, PMD_ORDER, VMF_PAGE);
	ASSERT_EQ(t, mmap_with_ops(mm, A, SZ_2M, PROT_READ, &test_obj_ops, &obj), (long)A);
	use_mm(mm);
	test_fault_range(t, mm, A, 1, 0);
	EXPECT_EQ(t, gup_fast_only(A, 512, FOLL_WRITE, pages), 0);
	EXPECT_EQ(t, get_user_pages_fast(A, 512, FOLL_WRITE, pages), -EFAULT);
	EXPECT_EQ(t, page_ref_count(obj.pages + 7), 2);		/* no reference left over */
	gup_mm_done(mm);
	test_obj_destroy(t, &obj);
}

MM_TEST(pins_outlive_munmap)
{
	struct mm_struct *mm = gup_mm(t, 4, PROT_READ | PROT_WRITE);
	unsigned long before;

	ASSERT_EQ(t, get_user_pages_fast(A, 4, FOLL_WRITE, pages), 4);
	memset(page_address(pages[2]), 0x77, P);
	before = nr_free_pages();
	EXPECT_EQ(t, munmap(mm, A, 4 * P), 0);
	EXPECT_EQ(t, page_ref_count(pages[2]), 1);		/* only the pin */
	EXPECT_EQ(t, ((unsigned char *)page_address(pages[2]))[9], 0x77);
	EXPECT_EQ(t, nr_free_pages(), before + 3);		/* the tables only */
	unpin_user_pages(pages, 4);
	EXPECT_EQ(t, nr_free_pages(), before + 7);		/* and now the pages */
	gup_mm_done(mm);
}

MM_TEST(pins_outlive_the_address_space)
{
	struct mm_struct *mm = gup_mm(t, 4, PROT_READ | PROT_WRITE);

	ASSERT_EQ(t, get_user_pages(mm, A, 4, FOLL_PIN | FOLL_WRITE, pages), 4);
	memset(page_address(pages[0]), 0x42, P);
	gup_mm_done(mm);				/* the mm is gone */
	for (unsigned int i = 0; i < 4; i++)
		EXPECT_EQ(t, page_ref_count(pages[i]), 1);
	EXPECT_EQ(t, ((unsigned char *)page_address(pages[0]))[4095], 0x42);
	unpin_user_pages(pages, 4);			/* MM_TEST: all back */
}

MM_TEST(many_pin_unpin_cycles_leave_counts_exact)
{
	struct mm_struct *mm = gup_mm(t, N, PROT_READ | PROT_WRITE);

	for (unsigned int round = 0; round < 200; round++) {
		long n = round & 1 ? get_user_pages_fast(A, N, FOLL_PIN, pages)
				   : get_user_pages(mm, A, N, FOLL_PIN, pages);

		if (n != N) {
			ktest_fail(t, "round %u pinned %ld", round, n);
			break;
		}
		unpin_user_pages(pages, N);
	}
	for (unsigned int i = 0; i < N; i++)
		EXPECT_EQ(t, page_ref_count(test_page_at(t, mm, A + i * P)), 1);
	gup_mm_done(mm);
}

static const struct ktest_case gup_cases[] = {
	KTEST_CASE(slow_pins_faulted_pages_exactly_once,
		   "slow GUP faults pages in, returns them in order, +1 each; unpin restores 1"),
	KTEST_CASE(slow_without_pages_only_faults_in, "pages == NULL: the range is faulted in, nothing pinned"),
	KTEST_CASE(fast_equals_slow, "on a populated range the fast walk returns the slow path's pages"),
	KTEST_CASE(fast_on_unpopulated_range_falls_back,
		   "the walk alone pins nothing on an empty range; the call faults it all in"),
	KTEST_CASE(fast_stops_at_a_hole_then_slow_fills_it,
		   "the walk stops at the first empty slot; the slow path does the rest"),
	KTEST_CASE(unmapped_hole_gives_short_count_or_efault,
		   "past the region: a short count; starting in a hole: -EFAULT"),
	KTEST_CASE(write_on_read_only_fails_in_both_paths,
		   "FOLL_WRITE on a read-only region: the walk stops, the slow path -EFAULT"),
	KTEST_CASE(mprotect_decides_what_write_gup_gets,
		   "after mprotect RO write GUP fails; after RW it pins the same page"),
	KTEST_CASE(prot_none_stops_fast_and_is_refused, "PROT_NONE leaves stop the walk and are refused"),
	KTEST_CASE(kernel_addresses_refused, "kernel addresses and ranges past the user half: -EFAULT"),
	KTEST_CASE(bad_flags_refused, "GET|PIN, pages without GET/PIN, unknown bits: -EINVAL; 0 pages: 0"),
	KTEST_CASE(fast_without_an_address_space_refused, "no current mm: -EFAULT"),
	KTEST_CASE(io_and_pfnmap_regions_refused,
		   "VM_IO and VM_PFNMAP are never pinned; special leaves stop the walk"),
	KTEST_CASE(devmap_leaf_without_pgmap_is_refused,
		   "a devmap leaf no dev_pagemap covers: fast and slow GUP refuse, no leak"),
	KTEST_CASE(failed_devmap_step_undoes_its_range,
		   "a devmap leaf that stops the walk undoes the pages its page table gave"),
	KTEST_CASE(huge_leaf_takes_a_reference_per_subpage,
		   "a 2 MiB leaf: +1 on each needed subpage only, fast and slow agree"),
	KTEST_CASE(slow_path_spans_huge_leaves_exactly,
		   "the slow path across two 2 MiB leaves: exactly the pages the range covers, +1 each"),
	KTEST_CASE(slow_path_crosses_page_tables_exactly,
		   "the slow path across two page tables with holes: each page once, in order, +1"),
	KTEST_CASE(slow_path_batch_stops_at_the_region_end,
		   "present leaves past the region's end in the same table are not taken"),
	KTEST_CASE(slow_path_goes_from_a_huge_leaf_to_a_page_table,
		   "a 2 MiB leaf's subpages, then the 4 KiB leaves of the next PMD entry's table"),
	KTEST_CASE(huge_leaf_write_on_read_only_stops, "a read-only 2 MiB leaf refuses FOLL_WRITE, no leak"),
	KTEST_CASE(pins_outlive_munmap, "after munmap a pinned page keeps its data until unpinned"),
	KTEST_CASE(pins_outlive_the_address_space, "pages pinned from a destroyed mm live until unpinned"),
	KTEST_CASE(many_pin_unpin_cycles_leave_counts_exact,
		   "200 alternating fast/slow pin+unpin rounds leave every count at 1"),
	{}
};
KTEST_SUITE(gup_suite, "mm.gup", gup_cases);
