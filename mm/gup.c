/*
 * The slow path of get_user_pages (mm/gup.h), and the release.
 *
 * With the mmap_lock held for reading, page by page:
 *   1. the region containing the address (kept while the next addresses
 *      stay inside it): none -> stop with -EFAULT;
 *   2. the region's type and permissions: VM_IO and VM_PFNMAP regions
 *      are never pinned; FOLL_WRITE needs VM_WRITE, a read needs some
 *      access (PROT_NONE refuses) -> stop with -EFAULT;
 *   3. the leaf that maps the address (follow_page): present, writable if
 *      FOLL_WRITE, not special -> take the reference, next page;
 *      a device page (devmap leaf) first gets its dev_pagemap (cached
 *      across the range; a dying device -> stop with -EFAULT);
 *   4. not there (or not writable): handle_mm_fault() as an access of that
 *      kind would, then back to 3; a fault that fails stops the walk with
 *      its error.
 *
 * Why the references are safe to take without page_table_lock: a leaf
 * is cleared, and its page's mapping reference dropped, only with the
 * mmap_lock held for writing (munmap, mprotect, teardown), which we
 * exclude. So the page found in a leaf holds at least that reference
 * until we unlock, and get_page() is an ordinary second reference.
 * Concurrent faults (readers too) only fill empty slots or make a leaf
 * more permissive, which the retry copes with.
 *
 * "Stop" means: return what was pinned so far, or the error if that is
 * nothing.
 */
#include <lib/bug.h>
#include <lib/errno.h>
#include <mm/gup.h>
#include <mm/memremap.h>
#include <mm/memmap.h>
#include <mm/mm.h>
#include <mm/mmap_lock.h>
#include <mm/page_ref.h>
#include <mm/vm_internal.h>
#include <asm/page.h>

/* A fault that succeeded and still leaves no usable leaf: retry this often. */
#define GUP_FAULT_RETRIES	3

static int check_vma_flags(const struct vm_area_struct *vma, unsigned int gup_flags)
{
	if (vma->vm_flags & (VM_IO | VM_PFNMAP))
		return -EFAULT;
	if ((gup_flags & FOLL_WRITE) && !(vma->vm_flags & VM_WRITE))
		return -EFAULT;
	if (!(vma->vm_flags & VM_ACCESS_FLAGS))
		return -EFAULT;
	return 0;
}

/*
 * The slow path's devmap step: get_dev_pagemap(pfn, *cached), one lookup
 * per range thanks to the cache (kept in *cached, one reference, dropped
 * by the caller at the end), and a refusal once the device is dying.
 */
static bool gup_slow_devmap_step(pte_t e, enum pt_level level, struct dev_pagemap **cached)
{
	*cached = get_dev_pagemap(pte_pfn(e, level), *cached);
	return *cached != NULL;
}

/*
 * Step 3: the page at addr with a reference taken, NULL if a fault is
 * needed first, or an error (-EFAULT: frames without struct pages).
 */
static struct page *follow_page(struct vm_area_struct *vma, unsigned long addr,
				unsigned int gup_flags, int *err, struct dev_pagemap **pgmap)
{
	enum pt_level level;
	pte_t *slot = pt_leaf_slot(vma->vm_mm, addr, &level);
	struct page *page;
	pte_t e;

	*err = 0;
	if (!slot)
		return NULL;
	e = ptep_get(slot);
	if (!pte_present(e))
		return NULL;		/* PROT_NONE: the fault decides */
	if ((gup_flags & FOLL_WRITE) && !pte_write(e))
		return NULL;
	if (pte_devmap(e) && !gup_slow_devmap_step(e, level, pgmap)) {
		*err = -EFAULT;
		return NULL;
	}
	if (pte_special(e)) {
		*err = -EFAULT;
		return NULL;
	}
	page = pfn_to_page(pte_pfn(e, level) + ((addr & (pt_level_size(level) - 1)) >> PAGE_SHIFT));
	if (!page) {
		*err = -EFAULT;
		return NULL;
	}
	if (!(gup_flags & (FOLL_GET | FOLL_PIN)))
		return page;
	if (pte_devmap(e)) {
		/*
		 * A device page whose count is already 0 is on its way out:
		 * refuse it, like the fast path's speculative get. The
		 * teardown zaps the mappings before it drops the device's
		 * holds, so with the mmap_lock held this does not happen in
		 * the kernel; the check keeps the rule in one place (and the
		 * host build, which does not model every exclusion, relies
		 * on it).
		 */
		if (!get_page_unless_zero(page)) {
			*err = -EFAULT;
			return NULL;
		}
		if (unlikely(zone_device_hooks))	/* legacy, regression */
			zone_device_get_hook(page);
		return page;
	}
	get_page(page);		/* the mapping holds one: never 0 here */
	return page;
}

static int fault_flags(unsigned int gup_flags)
{
	return FAULT_FLAG_REMOTE | ((gup_flags & FOLL_WRITE) ? FAULT_FLAG_WRITE : 0);
}

/* Steps 3 and 4 for one address of vma: the page, or NULL with *err. */
static struct page *get_one_page(struct vm_area_struct *vma, unsigned long addr,
				 unsigned int gup_flags, int *err, struct dev_pagemap **pgmap)
{
	for (int tries = 0; tries <= GUP_FAULT_RETRIES; tries++) {
		struct page *page = follow_page(vma, addr, gup_flags, err, pgmap);

		if (page || *err)
			return page;
		*err = handle_mm_fault(vma->vm_mm, addr, fault_flags(gup_flags));
		if (*err)
			return NULL;
	}
	WARN(1, "gup: 0x%lx still not mapped after %d successful faults", addr,
	     GUP_FAULT_RETRIES + 1);
	*err = -EFAULT;
	return NULL;
}

static int check_args(unsigned long start, unsigned long nr_pages, unsigned int gup_flags,
		      struct page **pages)
{
	if (gup_flags & ~FOLL_ALL)
		return -EINVAL;
	if ((gup_flags & FOLL_GET) && (gup_flags & FOLL_PIN))
		return -EINVAL;
	if (pages && !(gup_flags & (FOLL_GET | FOLL_PIN)))
		return -EINVAL;
	if (start >= USER_ADDR_END || nr_pages > (USER_ADDR_END - start) >> PAGE_SHIFT)
		return -EFAULT;
	return 0;
}

long get_user_pages(struct mm_struct *mm, unsigned long start, unsigned long nr_pages,
		    unsigned int gup_flags, struct page **pages)
{
	struct vm_area_struct *vma = NULL;
	struct dev_pagemap *pgmap = NULL;	/* cached, one reference */
	unsigned long i;
	int err;

	start = ALIGN_DOWN(start, PAGE_SIZE);
	err = check_args(start, nr_pages, gup_flags, pages);
	if (err || !nr_pages)
		return err;

	mmap_read_lock(mm);
	for (i = 0; i < nr_pages; i++) {
		unsigned long addr = start + (i << PAGE_SHIFT);
		struct page *page;

		if (!vma || addr >= vma->vm_end) {
			vma = vma_lookup(mm, addr);
			err = vma ? check_vma_flags(vma, gup_flags) : -EFAULT;
			if (err)
				break;
		}
		page = get_one_page(vma, addr, gup_flags, &err, &pgmap);
		if (err)
			break;
		if (pages)
			pages[i] = page;
	}
	mmap_read_unlock(mm);
	put_dev_pagemap(pgmap);
	return i ? (long)i : err;
}

void unpin_user_pages(struct page **pages, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		put_page(pages[i]);
}
