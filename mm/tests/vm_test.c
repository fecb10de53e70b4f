/*
 * The helpers of mm/tests/vm_test.h: test address spaces and the test
 * object's fault handler.
 */
#include <lib/errno.h>
#include <lib/string.h>
#include <mm/memmap.h>
#include <mm/mmap_lock.h>
#include <mm/page_alloc.h>
#include <mm/page_ref.h>
#include <mm/tests/vm_test.h>

struct mm_struct *test_mm_create(struct ktest *t)
{
	struct mm_struct *mm = mm_create();

	ASSERT_NOT_NULL(t, mm);
	return mm;
}

void test_obj_create(struct ktest *t, struct test_obj *obj, unsigned long nr_pages,
		     unsigned int order, enum vmf_kind kind)
{
	unsigned int block = get_order(nr_pages * PAGE_SIZE);

	*obj = (struct test_obj){ .nr_pages = nr_pages, .order = order, .kind = kind };
	ASSERT_EQ(t, 1UL << block, nr_pages);
	obj->pages = alloc_pages(block);
	ASSERT_NOT_NULL(t, obj->pages);
	split_page(obj->pages, block);
	for (unsigned long i = 0; i < nr_pages; i++)
		memset(page_address(obj->pages + i), 0, PAGE_SIZE);
}

void test_obj_destroy(struct ktest *t, struct test_obj *obj)
{
	for (unsigned long i = 0; i < obj->nr_pages; i++) {
		if (page_ref_count(obj->pages + i) != 1)
			ktest_fail(t, "test object page %lu at refcount %d, expected 1", i,
				   page_ref_count(obj->pages + i));
		put_page(obj->pages + i);
	}
}

static int test_obj_fault(struct vm_fault *vmf)
{
	struct test_obj *obj = vmf->vma->vm_private_data;
	unsigned long base = page_to_pfn(obj->pages);

	obj->faults++;
	if (obj->refuse)
		return obj->refuse;
	if (vmf->pgoff >= obj->nr_pages)
		return -EFAULT;
	vmf->kind = obj->kind;
	if (obj->order == PMD_ORDER && vmf->max_order >= PMD_ORDER) {
		vmf->order = PMD_ORDER;
		vmf->pfn = base + ALIGN_DOWN(vmf->pgoff, 1UL << PMD_ORDER);
	} else {
		vmf->order = 0;
		vmf->pfn = base + vmf->pgoff;
	}
	return 0;
}

static void test_obj_open(struct vm_area_struct *vma)
{
	((struct test_obj *)vma->vm_private_data)->opens++;
}

static void test_obj_close(struct vm_area_struct *vma)
{
	((struct test_obj *)vma->vm_private_data)->closes++;
}

const struct vm_operations_struct test_obj_ops = {
	.name = "test_obj",
	.fault = test_obj_fault,
	.open = test_obj_open,
	.close = test_obj_close,
};

const struct vm_operations_struct test_obj_io_ops = {
	.name = "test_obj_io",
	.vm_flags = VM_IO,
	.fault = test_obj_fault,
	.open = test_obj_open,
	.close = test_obj_close,
};

const struct vm_operations_struct test_obj_pfnmap_ops = {
	.name = "test_obj_pfnmap",
	.vm_flags = VM_PFNMAP,
	.fault = test_obj_fault,
	.open = test_obj_open,
	.close = test_obj_close,
};

pte_t test_leaf(struct ktest *t, struct mm_struct *mm, unsigned long addr,
		enum pt_level *level)
{
	pte_t e = 0;

	if (follow_pte(mm, addr, &e, level))
		ktest_fail(t, "nothing maps 0x%lx", addr);
	ASSERT_NE(t, e, 0);
	return e;
}

struct page *test_page_at(struct ktest *t, struct mm_struct *mm, unsigned long addr)
{
	enum pt_level level;
	pte_t e = test_leaf(t, mm, addr, &level);
	unsigned long pfn = pte_pfn(e, level) +
			    ((addr & (pt_level_size(level) - 1)) >> PAGE_SHIFT);

	return pfn_to_page(pfn);
}

void test_fault_range(struct ktest *t, struct mm_struct *mm, unsigned long addr,
		      unsigned long n, unsigned int flags)
{
	for (unsigned long i = 0; i < n; i++) {
		int err = handle_user_fault(mm, addr + i * PAGE_SIZE, flags);

		if (err)
			ktest_fail(t, "fault at 0x%lx: %d", addr + i * PAGE_SIZE, err);
		ASSERT_EQ(t, err, 0);
	}
}
