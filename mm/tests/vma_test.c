/*
 * mm.vma: address spaces and their regions (mm/mm.h): creating and
 * destroying, mapping where asked or anywhere, refusing bad or
 * overlapping requests, finding regions among many, cutting regions with
 * munmap() and mprotect(), the open/close hooks and the two refcounts.
 *
 * No page is touched here (mm.pgtable does that), so every case runs the
 * same on the host. Each must leave the page allocator as it found it.
 */
#include <lib/errno.h>
#include <mm/mmap_lock.h>
#include <mm/page_alloc.h>
#include <mm/tests/mm_test.h>
#include <mm/tests/vm_test.h>

#define P	PAGE_SIZE
#define A	0x40000000UL		/* a fixed address for the cases */

/* The regions of mm as [start, end) pairs, compared with want[]. */
static void expect_regions(struct ktest *t, struct mm_struct *mm,
			   const unsigned long *want, unsigned int n)
{
	unsigned int i = 0;

	mmap_read_lock(mm);
	for (struct vm_area_struct *v = vma_first(mm); v; v = vma_next(v), i++) {
		if (i >= n || v->vm_start != want[2 * i] || v->vm_end != want[2 * i + 1])
			ktest_fail(t, "region %u is 0x%lx-0x%lx", i, v->vm_start, v->vm_end);
	}
	EXPECT_EQ(t, mm->map_count, n);
	mmap_read_unlock(mm);
	EXPECT_EQ(t, i, n);
}

MM_TEST(create_and_destroy_leave_nothing)
{
	struct mm_struct *mm = test_mm_create(t);

	EXPECT_EQ(t, mm->mm_users, 1);
	EXPECT_EQ(t, mm->mm_count, 1);
	EXPECT_TRUE(t, avl_empty(&mm->mm_vmas));
	EXPECT_EQ(t, mm->nr_pgtables, 0);
	mm_destroy(mm);
}

MM_TEST(mmap_anon_at_fixed_address)
{
	struct mm_struct *mm = test_mm_create(t);
	struct vm_area_struct *v;

	EXPECT_EQ(t, mmap_anon(mm, A, 3 * P, PROT_READ | PROT_WRITE), (long)A);
	mmap_read_lock(mm);
	v = vma_lookup(mm, A + P);
	EXPECT_NOT_NULL(t, v);
	if (v) {
		EXPECT_EQ(t, v->vm_start, A);
		EXPECT_EQ(t, v->vm_end, A + 3 * P);
		EXPECT_EQ(t, v->vm_flags, VM_READ | VM_WRITE);
		EXPECT_NULL(t, v->vm_ops);
	}
	EXPECT_NULL(t, vma_lookup(mm, A + 3 * P));
	EXPECT_NULL(t, vma_lookup(mm, A - 1));
	mmap_read_unlock(mm);
	mm_destroy(mm);
}

MM_TEST(length_rounds_up_to_pages)
{
	struct mm_struct *mm = test_mm_create(t);
	const unsigned long want[] = { A, A + 2 * P };

	EXPECT_EQ(t, mmap_anon(mm, A, P + 1, PROT_READ), (long)A);
	expect_regions(t, mm, want, 1);
	mm_destroy(mm);
}

MM_TEST(prot_write_or_exec_implies_read)
{
	struct mm_struct *mm = test_mm_create(t);

	EXPECT_EQ(t, mmap_anon(mm, A, P, PROT_WRITE), (long)A);
	EXPECT_EQ(t, mmap_anon(mm, A + P, P, PROT_EXEC), (long)(A + P));
	EXPECT_EQ(t, mmap_anon(mm, A + 2 * P, P, PROT_NONE), (long)(A + 2 * P));
	mmap_read_lock(mm);
	EXPECT_EQ(t, vma_lookup(mm, A)->vm_flags, VM_READ | VM_WRITE);
	EXPECT_EQ(t, vma_lookup(mm, A + P)->vm_flags, VM_READ | VM_EXEC);
	EXPECT_EQ(t, vma_lookup(mm, A + 2 * P)->vm_flags, 0);
	mmap_read_unlock(mm);
	mm_destroy(mm);
}

MM_TEST(mmap_anywhere_finds_free_space)
{
	struct mm_struct *mm = test_mm_create(t);
	long a = mmap_anon(mm, 0, 4 * P, PROT_READ);
	long b = mmap_anon(mm, 0, 4 * P, PROT_READ);
	long c = mmap_anon(mm, 0, 4UL << 20, PROT_READ);

	EXPECT_EQ(t, a, (long)MMAP_BASE);
	EXPECT_EQ(t, b, (long)(MMAP_BASE + 4 * P));	/* first fit, right after a */
	EXPECT_GE(t, c, b + 4 * (long)P);
	EXPECT_EQ(t, c % (2L << 20), 0);		/* 2 MiB-aligned: large leaves fit */
	mm_destroy(mm);
}

MM_TEST(mmap_anywhere_fills_a_hole)
{
	struct mm_struct *mm = test_mm_create(t);

	EXPECT_EQ(t, mmap_anon(mm, MMAP_BASE, P, PROT_READ), (long)MMAP_BASE);
	EXPECT_EQ(t, mmap_anon(mm, MMAP_BASE + 3 * P, P, PROT_READ), (long)(MMAP_BASE + 3 * P));
	EXPECT_EQ(t, mmap_anon(mm, 0, 3 * P, PROT_READ), (long)(MMAP_BASE + 4 * P));
	EXPECT_EQ(t, mmap_anon(mm, 0, 2 * P, PROT_READ), (long)(MMAP_BASE + P));
	mm_destroy(mm);
}

MM_TEST(mmap_refuses_overlap)
{
	struct mm_struct *mm = test_mm_create(t);
	const unsigned long want[] = { A, A + 4 * P };

	EXPECT_EQ(t, mmap_anon(mm, A, 4 * P, PROT_READ), (long)A);
	EXPECT_EQ(t, mmap_anon(mm, A + 3 * P, 2 * P, PROT_READ), -EEXIST);
	EXPECT_EQ(t, mmap_anon(mm, A - P, 2 * P, PROT_READ), -EEXIST);
	EXPECT_EQ(t, mmap_anon(mm, A - P, 6 * P, PROT_READ), -EEXIST);
	EXPECT_EQ(t, mmap_anon(mm, A + P, P, PROT_READ), -EEXIST);
	expect_regions(t, mm, want, 1);
	EXPECT_EQ(t, mmap_anon(mm, A + 4 * P, P, PROT_READ), (long)(A + 4 * P));
	mm_destroy(mm);
}

MM_TEST(mmap_refuses_bad_arguments)
{
	struct mm_struct *mm = test_mm_create(t);
	static const struct vm_operations_struct bad_ops = { .name = "bad", .vm_flags = VM_READ };

	EXPECT_EQ(t, mmap_anon(mm, A + 1, P, PROT_READ), -EINVAL);		/* unaligned */
	EXPECT_EQ(t, mmap_anon(mm, A, 0, PROT_READ), -EINVAL);			/* empty */
	EXPECT_EQ(t, mmap_anon(mm, A, -1UL, PROT_READ), -EINVAL);		/* wraps */
	EXPECT_EQ(t, mmap_anon(mm, P, P, PROT_READ), -EINVAL);			/* below 64 KiB */
	EXPECT_EQ(t, mmap_anon(mm, USER_ADDR_END - P, 2 * P, PROT_READ), -EINVAL);
	EXPECT_EQ(t, mmap_anon(mm, 0xffff800000000000UL, P, PROT_READ), -EINVAL); /* kernel */
	EXPECT_EQ(t, mmap_anon(mm, A, P, 0x80), -EINVAL);			/* prot bits */
	EXPECT_EQ(t, mmap_with_ops(mm, A, P, PROT_READ, NULL, NULL), -EINVAL);
	EXPECT_EQ(t, mmap_with_ops(mm, A, P, PROT_READ, &bad_ops, NULL), -EINVAL);
	EXPECT_EQ(t, mmap_anon(mm, 0, USER_ADDR_END, PROT_READ), -EINVAL);	/* too long */
	EXPECT_TRUE(t, avl_empty(&mm->mm_vmas));
	mm_destroy(mm);
}

/*
 * 1000 regions of random sizes with random gaps, mapped in a shuffled
 * order; every lookup must agree with a linear search of the (sorted)
 * reference, and the tree must stay within the AVL height bound.
 */
#define MANY	1000

static unsigned long many_start[MANY], many_end[MANY];

MM_TEST(find_vma_among_many_regions)
{
	struct mm_struct *mm = test_mm_create(t);
	unsigned int order[MANY];
	uint64_t seed = 42;
	unsigned long a = A;
	char msg[100];

	for (unsigned int i = 0; i < MANY; i++) {
		a += (1 + test_rand(&seed) % 4) * P;		/* a gap of 1-4 pages */
		many_start[i] = a;
		a += (1 + test_rand(&seed) % 8) * P;
		many_end[i] = a;
		order[i] = i;
	}
	for (unsigned int i = MANY - 1; i > 0; i--) {		/* shuffle */
		unsigned int j = test_rand(&seed) % (i + 1), tmp = order[i];

		order[i] = order[j];
		order[j] = tmp;
	}
	for (unsigned int i = 0; i < MANY; i++) {
		unsigned int k = order[i];

		ASSERT_EQ(t, mmap_anon(mm, many_start[k], many_end[k] - many_start[k], PROT_READ),
			  (long)many_start[k]);
	}
	EXPECT_EQ(t, mm->map_count, MANY);
	EXPECT_EQ(t, avl_validate(&mm->mm_vmas, msg, sizeof(msg)), MANY);
	EXPECT_LE(t, avl_height(&mm->mm_vmas), 14);	/* the AVL bound for 1000 nodes */

	mmap_read_lock(mm);
	for (unsigned int q = 0; q < 4000; q++) {
		unsigned long addr = A + test_rand(&seed) % (a - A + 8 * P);
		struct vm_area_struct *v = find_vma(mm, addr);
		unsigned int k = 0;

		while (k < MANY && many_end[k] <= addr)
			k++;
		if (k == MANY) {
			EXPECT_NULL(t, v);
		} else if (!v || v->vm_start != many_start[k]) {
			ktest_fail(t, "find_vma(0x%lx) gave 0x%lx, expected 0x%lx", addr,
				   v ? v->vm_start : 0, many_start[k]);
			break;
		}
	}
	mmap_read_unlock(mm);
	mm_destroy(mm);
}

MM_TEST(munmap_middle_splits_region)
{
	struct mm_struct *mm = test_mm_create(t);
	const unsigned long want[] = { A, A + 3 * P, A + 6 * P, A + 10 * P };

	ASSERT_EQ(t, mmap_anon(mm, A, 10 * P, PROT_READ), (long)A);
	EXPECT_EQ(t, munmap(mm, A + 3 * P, 3 * P), 0);
	expect_regions(t, mm, want, 2);
	mmap_read_lock(mm);
	EXPECT_EQ(t, vma_lookup(mm, A + 6 * P)->vm_pgoff, 6);	/* the object offset moves */
	mmap_read_unlock(mm);
	mm_destroy(mm);
}

MM_TEST(munmap_across_regions_and_holes)
{
	struct mm_struct *mm = test_mm_create(t);
	const unsigned long want[] = { A, A + P, A + 9 * P, A + 10 * P };

	ASSERT_EQ(t, mmap_anon(mm, A, 2 * P, PROT_READ), (long)A);
	ASSERT_EQ(t, mmap_anon(mm, A + 3 * P, 2 * P, PROT_READ), (long)(A + 3 * P));
	ASSERT_EQ(t, mmap_anon(mm, A + 6 * P, 4 * P, PROT_READ), (long)(A + 6 * P));
	EXPECT_EQ(t, munmap(mm, A + P, 8 * P), 0);
	expect_regions(t, mm, want, 2);
	EXPECT_EQ(t, munmap(mm, A + 20 * P, P), 0);		/* nothing there: fine */
	EXPECT_EQ(t, munmap(mm, A + 1, P), -EINVAL);
	EXPECT_EQ(t, munmap(mm, A, 0), -EINVAL);
	mm_destroy(mm);
}

MM_TEST(mprotect_splits_and_changes_flags)
{
	struct mm_struct *mm = test_mm_create(t);
	const unsigned long want[] = { A, A + 2 * P, A + 4 * P, A + 8 * P };

	ASSERT_EQ(t, mmap_anon(mm, A, 8 * P, PROT_READ | PROT_WRITE), (long)A);
	EXPECT_EQ(t, mprotect(mm, A + 2 * P, 2 * P, PROT_READ), 0);
	{
		const unsigned long three[] = { A, A + 2 * P, A + 2 * P, A + 4 * P,
						A + 4 * P, A + 8 * P };
		expect_regions(t, mm, three, 3);
	}
	mmap_read_lock(mm);
	EXPECT_EQ(t, vma_lookup(mm, A + P)->vm_flags, VM_READ | VM_WRITE);
	EXPECT_EQ(t, vma_lookup(mm, A + 2 * P)->vm_flags, VM_READ);
	EXPECT_EQ(t, vma_lookup(mm, A + 4 * P)->vm_flags, VM_READ | VM_WRITE);
	mmap_read_unlock(mm);
	EXPECT_EQ(t, munmap(mm, A + 2 * P, 2 * P), 0);
	expect_regions(t, mm, want, 2);
	mm_destroy(mm);
}

MM_TEST(mprotect_refuses_unmapped_range)
{
	struct mm_struct *mm = test_mm_create(t);

	ASSERT_EQ(t, mmap_anon(mm, A, 2 * P, PROT_READ), (long)A);
	ASSERT_EQ(t, mmap_anon(mm, A + 3 * P, 2 * P, PROT_READ), (long)(A + 3 * P));
	EXPECT_EQ(t, mprotect(mm, A, 5 * P, PROT_READ | PROT_WRITE), -ENOMEM);	/* a hole */
	EXPECT_EQ(t, mprotect(mm, A + 8 * P, P, PROT_READ), -ENOMEM);
	EXPECT_EQ(t, mprotect(mm, A, P, 0x10), -EINVAL);
	EXPECT_EQ(t, mm->map_count, 2);			/* nothing was cut */
	mmap_read_lock(mm);
	EXPECT_EQ(t, vma_lookup(mm, A)->vm_flags, VM_READ);
	mmap_read_unlock(mm);
	mm_destroy(mm);
}

MM_TEST(split_opens_and_teardown_closes)
{
	struct mm_struct *mm = test_mm_create(t);
	struct test_obj obj;

	test_obj_create(t, &obj, 16, 0, VMF_PAGE);
	ASSERT_EQ(t, mmap_with_ops(mm, A, 16 * P, PROT_READ, &test_obj_ops, &obj), (long)A);
	EXPECT_EQ(t, munmap(mm, A + 4 * P, 4 * P), 0);	/* cut in three, middle gone */
	EXPECT_EQ(t, obj.opens, 2);
	EXPECT_EQ(t, obj.closes, 1);
	mm_destroy(mm);
	EXPECT_EQ(t, obj.closes, 3);			/* once per piece */
	EXPECT_EQ(t, obj.faults, 0);
	test_obj_destroy(t, &obj);
}

MM_TEST(refcounts_follow_the_life_story)
{
	struct mm_struct *mm = test_mm_create(t);

	mmget(mm);
	EXPECT_EQ(t, mm->mm_users, 2);
	mmput(mm);
	mmgrab(mm);				/* keep the structure */
	ASSERT_EQ(t, mmap_anon(mm, A, P, PROT_READ), (long)A);
	mmput(mm);				/* the last user: mappings go */
	EXPECT_EQ(t, mm->mm_users, 0);
	EXPECT_EQ(t, mm->mm_count, 1);
	EXPECT_TRUE(t, avl_empty(&mm->mm_vmas));
	EXPECT_FALSE(t, mmget_not_zero(mm));	/* too late to become a user */
	mmdrop(mm);				/* frees it */
}

MM_TEST(use_mm_makes_it_current)
{
	struct mm_struct *mm = test_mm_create(t);

	EXPECT_NULL(t, current_mm());
	use_mm(mm);
	EXPECT_TRUE(t, current_mm() == mm);
	EXPECT_EQ(t, mm->mm_count, 2);
	EXPECT_EQ(t, cpumask_weight(&mm->cpu_mask), 1);
	unuse_mm(mm);
	EXPECT_NULL(t, current_mm());
	EXPECT_EQ(t, mm->mm_count, 1);
	EXPECT_EQ(t, cpumask_weight(&mm->cpu_mask), 0);
	mm_destroy(mm);
}

static const struct ktest_case vma_cases[] = {
	KTEST_CASE(create_and_destroy_leave_nothing,
		   "a new mm has one user, one count, no regions; destroying it frees it all"),
	KTEST_CASE(mmap_anon_at_fixed_address, "a fixed mapping is found at its address with its flags"),
	KTEST_CASE(length_rounds_up_to_pages, "a length of one page plus a byte maps two pages"),
	KTEST_CASE(prot_write_or_exec_implies_read, "PROT_WRITE/PROT_EXEC add VM_READ; PROT_NONE is 0"),
	KTEST_CASE(mmap_anywhere_finds_free_space,
		   "mmap at 0 picks first-fit space from MMAP_BASE, 2 MiB-aligned for >= 2 MiB"),
	KTEST_CASE(mmap_anywhere_fills_a_hole, "first fit uses a hole between regions that is big enough"),
	KTEST_CASE(mmap_refuses_overlap, "any overlap with an existing region is -EEXIST and changes nothing"),
	KTEST_CASE(mmap_refuses_bad_arguments,
		   "unaligned, empty, wrapping, low, kernel, bad prot, bad ops: -EINVAL"),
	KTEST_CASE(find_vma_among_many_regions,
		   "1000 shuffled regions: 4000 lookups agree with a linear search, height <= 14"),
	KTEST_CASE(munmap_middle_splits_region, "unmapping the middle leaves two regions, the tail's offset moved"),
	KTEST_CASE(munmap_across_regions_and_holes, "one munmap cuts two regions, drops one, skips holes"),
	KTEST_CASE(mprotect_splits_and_changes_flags, "mprotect of the middle makes three regions, flags per piece"),
	KTEST_CASE(mprotect_refuses_unmapped_range, "a range with a hole is -ENOMEM and nothing is cut"),
	KTEST_CASE(split_opens_and_teardown_closes, "a split opens the new piece; close runs once per piece"),
	KTEST_CASE(refcounts_follow_the_life_story,
		   "the last mmput unmaps, mmget_not_zero then fails, the last mmdrop frees"),
	KTEST_CASE(use_mm_makes_it_current, "use_mm sets current_mm, holds a count and the CPU bit; unuse undoes"),
	{}
};
KTEST_SUITE(vma_suite, "mm.vma", vma_cases);
