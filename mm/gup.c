/*
 * The slow path of get_user_pages (mm/gup.h), the release, and what the
 * two paths share (mm/vm_internal.h): the speculative get of a leaf's
 * pages and the devmap step, try_grab_dev_pages().
 *
 * With the mmap_lock held for reading, one page table at a time: a
 * descent from the top finds the leaf that maps the address, and the
 * leaves after it in the same table are read in place, as fast GUP's
 * walk reads them (a huge leaf gives all its pages the range wants in
 * one step):
 *   1. the region containing the address (kept while the next addresses
 *      stay inside it): none -> stop with -EFAULT;
 *   2. the region's type and permissions: VM_IO and VM_PFNMAP regions
 *      are never pinned; FOLL_WRITE needs VM_WRITE, a read needs some
 *      access (PROT_NONE refuses) -> stop with -EFAULT;
 *   3. the leaves from the address on (follow_leaves): each present,
 *      writable if FOLL_WRITE, not special -> take the reference (of
 *      every page of a huge leaf the range wants), then the next leaf of
 *      the table, until the table, the region or the range ends;
 *      a device page (devmap leaf) goes through the devmap step instead:
 *      its dev_pagemap (cached across the range; a dying device -> stop
 *      with -EFAULT), then the reference unless the count is 0 (-EFAULT);
 *      a leaf after the first that fails any of this ends the step, and
 *      the next one starts at it with a new descent;
 *   4. not there (or not writable): handle_mm_fault() as an access of that
 *      kind would, then back to 3; a fault that fails stops the walk with
 *      its error.
 *
 * Why the references are safe to take without page_table_lock: a leaf
 * is cleared, and its page's mapping reference dropped, only with the
 * mmap_lock held for writing (munmap, mprotect, teardown), which we
 * exclude. So the page found in a leaf holds at least that reference
 * until we unlock, and get_page() is an ordinary second reference. The
 * table we read in place stays for the same reason: tables are unlinked
 * and freed only under the lock held for writing. Concurrent faults
 * (readers too) only fill empty slots or make a leaf more permissive;
 * each entry is read once, and an old copy still names the same page.
 *
 * "Stop" means: return what was pinned so far, or the error if that is
 * nothing.
 */
#include <lib/bug.h>
#include <lib/err.h>
#include <lib/errno.h>
#include <lib/trace.h>
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
 * How many of the *nr pages wanted from addr on the leaf at `level` maps,
 * pfn being addr's: up to the leaf's end, and within one memmap section
 * (a section's struct pages are contiguous; a 1 GiB leaf spans several).
 */
static unsigned long leaf_span(unsigned long addr, enum pt_level level, unsigned long pfn,
			       unsigned long want)
{
	unsigned long in_leaf = (pt_level_size(level) - (addr & (pt_level_size(level) - 1)))
				>> PAGE_SHIFT;
	unsigned long in_section = PAGES_PER_SECTION - (pfn & (PAGES_PER_SECTION - 1));

	return MIN(want, MIN(in_leaf, in_section));
}

/*
 * One leaf's part of step 3: of the `want` pages from addr on (at least
 * 1), those the leaf e at `level` maps (leaf_span()), each with a
 * reference unless we only fault in, stored in pages[] unless it is
 * NULL. Returns how many; 0 if a fault (or a new descent) must decide
 * first: no leaf, PROT_NONE, not writable enough, a table; or -EFAULT:
 * frames without struct pages, a dying device, a device page on its way
 * out. Nothing is taken unless it returns a count.
 */
static long follow_leaf(pte_t e, enum pt_level level, unsigned long addr, unsigned long want,
			unsigned int gup_flags, struct dev_pagemap **pgmap, struct page **pages)
{
	bool get = gup_flags & (FOLL_GET | FOLL_PIN);	/* else: only fault in */
	unsigned long pfn, n;
	struct page *page;

	if (!pte_present(e) || !pte_leaf(e, level))
		return 0;
	if ((gup_flags & FOLL_WRITE) && !pte_write(e))
		return 0;
	pfn = pte_pfn(e, level) + ((addr & (pt_level_size(level) - 1)) >> PAGE_SHIFT);
	n = leaf_span(addr, level, pfn, want);
	if (pte_devmap(e)) {	/* never special: a fault makes one or the other */
		page = try_grab_dev_pages(pfn, get ? n : 0, pgmap, GUP_SLOW);
		if (IS_ERR(page))
			return -EFAULT;
	} else {
		page = pte_special(e) ? NULL : pfn_to_page(pfn);
		if (!page)
			return -EFAULT;
		if (get)	/* the mapping holds one of each: never 0 here */
			for (unsigned long k = 0; k < n; k++)
				get_page(page + k);
	}
	for (unsigned long k = 0; pages && k < n; k++)
		pages[k] = page + k;
	return (long)n;
}

/*
 * Step 3 (Linux's follow_page_mask, batched as fast GUP's gup_pte_range()
 * is): one descent to the leaf that maps addr, then that leaf and the
 * ones after it in the same table, while each gives its pages, until the
 * `want` pages from addr on (at least 1, all in one region) are taken.
 * So a table of 4 KiB leaves is walked to once for up to 512 pages, and
 * a table of 2 MiB leaves once for up to 1 GiB. Returns how many pages
 * were taken (pages[] filled unless NULL), 0 if the first one needs a
 * fault, or the first leaf's error. A later leaf that would need a fault
 * or refuses ends the batch; the next call starts there and decides again.
 */
static long follow_leaves(struct vm_area_struct *vma, unsigned long addr, unsigned long want,
			  unsigned int gup_flags, struct dev_pagemap **pgmap, struct page **pages)
{
	enum pt_level level;
	pte_t *slot = pt_leaf_slot(vma->vm_mm, addr, &level);
	pte_t *table;
	unsigned long done = 0;

	if (!slot)
		return 0;
	table = slot - pt_index(addr, level);
	do {
		long n = follow_leaf(ptep_get(&table[pt_index(addr, level)]), level, addr,
				     want - done, gup_flags, pgmap, pages ? pages + done : NULL);

		if (n <= 0)
			return done ? (long)done : n;
		done += (unsigned long)n;
		addr += (unsigned long)n << PAGE_SHIFT;
	} while (done < want && pt_index(addr, level) != 0);	/* 0: the next table's */
	return (long)done;
}

static int fault_flags(unsigned int gup_flags)
{
	return FAULT_FLAG_REMOTE | ((gup_flags & FOLL_WRITE) ? FAULT_FLAG_WRITE : 0);
}

/* Steps 3 and 4 at addr of vma: follow_leaves(), with addr faulted in
 * first as often as it asks. Its count (at least 1), or an error. */
static long get_pages_at(struct vm_area_struct *vma, unsigned long addr, unsigned long want,
			 unsigned int gup_flags, struct dev_pagemap **pgmap, struct page **pages)
{
	for (int tries = 0; tries <= GUP_FAULT_RETRIES; tries++) {
		long n = follow_leaves(vma, addr, want, gup_flags, pgmap, pages);
		int err;

		if (n)
			return n;
		err = handle_mm_fault(vma->vm_mm, addr, fault_flags(gup_flags));
		if (err)
			return err;
	}
	WARN(1, "gup: 0x%lx still not mapped after %d successful faults", addr,
	     GUP_FAULT_RETRIES + 1);
	return -EFAULT;
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
	for (i = 0; i < nr_pages; ) {
		unsigned long addr = start + (i << PAGE_SHIFT), want;
		long n;

		if (!vma || addr >= vma->vm_end) {
			vma = vma_lookup(mm, addr);
			err = vma ? check_vma_flags(vma, gup_flags) : -EFAULT;
			if (err)
				break;
		}
		/* the rest of the range, within this region */
		want = MIN(nr_pages - i, (vma->vm_end - addr) >> PAGE_SHIFT);
		n = get_pages_at(vma, addr, want, gup_flags, &pgmap, pages ? pages + i : NULL);
		if (n < 0) {
			err = (int)n;
			break;
		}
		i += (unsigned long)n;
	}
	mmap_read_unlock(mm);
	put_dev_pagemap(pgmap);
	trace_event(gup_slow, start, nr_pages, i ? (long)i : err);
	return i ? (long)i : err;
}

/* unpin_user_pages() while its events are on (one test of the mask for
 * the whole call while they are off). */
static __noinline void unpin_user_pages_traced(struct page **pages, unsigned long n)
{
	trace_event(unpin, page_to_pfn(pages[0]), n, 0);
	for (unsigned long i = 0; i < n; i++) {
		/* the count after this put, as read just before it */
		if (trace_on(TRACE_page_put))
			trace_page_ref(TRACE_page_put, pages[i], page_ref_count(pages[i]) - 1);
		put_page(pages[i]);
	}
}

void unpin_user_pages(struct page **pages, unsigned long n)
{
	if (n && trace_on_any(TRACE_BIT(unpin) | TRACE_BIT(page_put))) {
		unpin_user_pages_traced(pages, n);
		return;
	}
	for (unsigned long i = 0; i < n; i++)
		put_page(pages[i]);
}

/* --- what both paths share (mm/vm_internal.h) ----------------------------- */

void gup_put_pages(struct page *page, unsigned long nr)
{
	for (unsigned long i = 0; i < nr; i++)
		put_page(page + i);
}

bool gup_get_pages(struct page *page, unsigned long nr, bool hook)
{
	for (unsigned long i = 0; i < nr; i++) {
		if (!get_page_unless_zero(page + i)) {
			gup_put_pages(page, i);
			return false;
		}
		if (hook)
			zone_device_get_hook(page + i);
	}
	return true;
}

/*
 * The devmap step when the walk's cached pgmap does not cover pfn (the
 * first device page of a walk, or one of another device): a lookup, then
 * the same grab as the inline step of mm/vm_internal.h.
 */
struct page *try_grab_dev_pages_lookup(unsigned long pfn, unsigned long nr,
				       struct dev_pagemap **pgmap, enum gup_path path)
{
	*pgmap = get_dev_pagemap(pfn, *pgmap);
	if (!*pgmap)
		return ERR_PTR(-ENODEV);
	return grab_dev_pages(pfn, nr, *pgmap, path);
}

void trace_dev_gets(struct page *page, unsigned long nr)
{
	for (unsigned long i = 0; i < nr; i++)
		trace_page_ref(TRACE_page_get, page + i, page_ref_count(page + i));
}
