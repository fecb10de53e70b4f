/*
 * The fast path of get_user_pages: a walk of the current address space's
 * page tables with interrupts off and no lock, as docs/gup.md ("The
 * fast path") describes it.
 *
 * Why the tables cannot go away under the walk: a page-table page is
 * freed only after the TLB shootdown that follows its unlinking has been
 * acknowledged by every CPU that may run on the table (mm/mmu_gather.h),
 * and this CPU, interrupts off, acknowledges nothing until the walk is
 * over. The pages the walk finds are held the same way (their mapping's
 * reference is put only after that flush) and, more to the point, by the
 * walk's own references: each is taken speculatively and kept only if
 * the entry it came from still says the same afterwards.
 *
 * Every entry is read once (ptep_get, one 8-byte load) and every decision
 * is made on that copy. Per leaf, in this order:
 *   1. not present, or PROT_NONE (not present to the CPU), or not a user
 *      page: stop;
 *   2. a write is wanted and the leaf is not writable: stop (permission
 *      comes before the devmap step);
 *   3. a devmap leaf: the devmap step, shared with the slow path
 *      (try_grab_dev_pages(), mm/gup.c): its dev_pagemap (cached across
 *      the range: one reference held by the walk, dropped at its end),
 *      then step 5 on its pages. If the device is going away
 *      (tryget_live failed), undo the pages taken in this range (this
 *      page table) and stop. The pgmap reference only keeps the range
 *      from being torn down between this check and the page reference;
 *      the page reference is what the caller keeps (the single-reference
 *      rule);
 *   4. a special leaf (no struct page): stop (a devmap leaf never is);
 *   5. get_page_unless_zero() (gup_get_pages()): fails at refcount 0 (a
 *      page being freed) or below zero (a buried device page, reported):
 *      stop;
 *   6. read the entry again: if it changed, put_page() what step 5 took
 *      and stop.
 * A 2 MiB leaf goes through 1-4 once, then takes a reference on each
 * subpage the range needs (5), and undoes all of them if the PMD changed
 * (6). The barrier of step 5 (a successful get_page_unless_zero is a
 * full barrier, mm/page_ref.h) keeps the re-read of step 6 after the
 * reference; it pairs with the unmapper's "clear the entry, flush, then
 * put_page()".
 *
 * The teaching modes (mm/memremap_modes.h) change one thing here:
 * zone_device.refs=legacy hooks the devmap step's get like get_page() (a
 * pgmap reference per device page); refs=regression, the seed bug, does
 * not, while put_page() still drops one.
 *
 * "Stop" ends the walk at that page: the pages before it are pinned and
 * get_user_pages_fast() hands the rest of the range to the slow path
 * (mm/gup.c), which takes the mmap_lock, checks the region, faults in
 * and retries.
 */
#include <lib/err.h>
#include <lib/errno.h>
#include <lib/trace.h>
#include <mm/gup.h>
#include <mm/memmap.h>
#include <mm/memremap.h>
#include <mm/mm.h>
#include <mm/page_ref.h>
#include <mm/percpu_stat.h>
#include <mm/vm_internal.h>
#include <asm/cpu.h>
#include <asm/page.h>

static DEFINE_PER_CPU(struct percpu_stat, pmd_undone);
void (*gup_fast_pmd_window)(void *slot, unsigned long long pmd);

unsigned long gup_fast_pmd_undone(void)
{
	return percpu_stat_sum(&pmd_undone);
}

struct gup_fast {
	unsigned int flags;		/* FOLL_* */
	struct page **pages;		/* where pinned pages go, in order */
	unsigned long nr;		/* pinned so far */
	struct dev_pagemap *pgmap;	/* cached across the range, one ref */
};

/* Put back the pages pinned since g->nr was `from`. */
static void undo_pages(struct gup_fast *g, unsigned long from)
{
	while (g->nr > from)
		put_page(g->pages[--g->nr]);
}

/* Steps 1 and 2 on one copy of a leaf entry: may the walk go on with it? */
static bool leaf_allows(pte_t e, const struct gup_fast *g)
{
	if (!pte_present(e) || !pte_user(e))
		return false;
	if ((g->flags & FOLL_WRITE) && !pte_write(e))
		return false;
	return true;
}

/*
 * Steps 3-5 for the nr pages from pfn on, which the leaf e maps: the
 * first one, with a reference on each, or NULL (none taken). A devmap
 * step that finds the device going away also undoes the pages taken in
 * this range (those pinned since `range_start`), as docs/zone-device.md,
 * scenarios asks.
 */
static struct page *grab_leaf_pages(pte_t e, unsigned long pfn, unsigned long nr,
				    struct gup_fast *g, unsigned long range_start)
{
	struct page *page;

	if (pte_devmap(e)) {	/* never special: a fault makes one or the other */
		page = try_grab_dev_pages(pfn, nr, &g->pgmap, GUP_FAST);
		if (page == ERR_PTR(-ENODEV))
			undo_pages(g, range_start);
		return IS_ERR(page) ? NULL : page;
	}
	if (pte_special(e))
		return NULL;
	page = __pfn_to_page(pfn);
	if (!page || !gup_get_pages(page, nr, false))
		return NULL;
	return page;
}

static bool gup_pte_range(pte_t pmd, unsigned long addr, unsigned long end, struct gup_fast *g)
{
	pte_t *table = phys_to_virt(pte_table_phys(pmd));
	unsigned long range_start = g->nr;

	for (; addr < end; addr += PAGE_SIZE) {
		pte_t *slot = &table[pt_index(addr, PT_PTE)];
		pte_t e = ptep_get(slot);
		struct page *page;

		if (!leaf_allows(e, g))
			return false;
		page = grab_leaf_pages(e, pte_pfn(e, PT_PTE), 1, g, range_start);
		if (!page)
			return false;
		if (ptep_get(slot) != e) {
			trace_event(gup_undo, page_to_pfn(page), addr, 1);
			put_page(page);
			return false;
		}
		g->pages[g->nr++] = page;
	}
	return true;
}

static bool gup_huge_pmd(pte_t *slot, pte_t pmd, unsigned long addr, unsigned long end,
			 struct gup_fast *g)
{
	unsigned long n = (end - addr) >> PAGE_SHIFT, i;
	unsigned long pfn = pte_pfn(pmd, PT_PMD) + ((addr & ~PMD_MASK) >> PAGE_SHIFT);
	struct page *page;

	if (!leaf_allows(pmd, g))
		return false;
	page = grab_leaf_pages(pmd, pfn, n, g, g->nr);	/* the leaf's memmap is contiguous */
	if (!page)
		return false;
	if (unlikely(gup_fast_pmd_window))
		gup_fast_pmd_window(slot, pmd);
	if (ptep_get(slot) != pmd) {
		trace_event(gup_undo, page_to_pfn(page), addr, n);
		gup_put_pages(page, n);
		percpu_stat_inc(pmd_undone);
		return false;
	}
	for (i = 0; i < n; i++)
		g->pages[g->nr++] = page + i;
	return true;
}

static bool gup_pmd_range(pte_t pud, unsigned long addr, unsigned long end, struct gup_fast *g)
{
	pte_t *table = phys_to_virt(pte_table_phys(pud));

	while (addr < end) {
		unsigned long next = pt_block_end(addr, end, PT_PMD);
		pte_t *slot = &table[pt_index(addr, PT_PMD)];
		pte_t pmd = ptep_get(slot);

		if (pmd_large(pmd)) {
			if (!gup_huge_pmd(slot, pmd, addr, next, g))
				return false;
		} else if (!pte_present(pmd) || !gup_pte_range(pmd, addr, next, g)) {
			return false;
		}
		addr = next;
	}
	return true;
}

/* Upper levels: a table entry or stop (no 1 GiB user leaves are made). */
static bool gup_pud_range(pte_t pgd, unsigned long addr, unsigned long end, struct gup_fast *g)
{
	pte_t *table = phys_to_virt(pte_table_phys(pgd));

	while (addr < end) {
		unsigned long next = pt_block_end(addr, end, PT_PUD);
		pte_t pud = ptep_get(&table[pt_index(addr, PT_PUD)]);

		if (!pte_present(pud) || pte_leaf(pud, PT_PUD) || !gup_pmd_range(pud, addr, next, g))
			return false;
		addr = next;
	}
	return true;
}

static void gup_fast_walk(struct mm_struct *mm, unsigned long addr, unsigned long end,
			  struct gup_fast *g)
{
	while (addr < end) {
		unsigned long next = pt_block_end(addr, end, PT_PGD);
		pte_t pgd = ptep_get(&mm->pgd[pt_index(addr, PT_PGD)]);

		if (!pte_present(pgd) || !gup_pud_range(pgd, addr, next, g))
			return;
		addr = next;
	}
}

unsigned long gup_fast_only(unsigned long start, unsigned long nr_pages,
			    unsigned int gup_flags, struct page **pages)
{
	struct mm_struct *mm = current_mm();
	struct gup_fast g = { .flags = gup_flags, .pages = pages };
	unsigned long flags;

	start = ALIGN_DOWN(start, PAGE_SIZE);
	if (!mm || !nr_pages || start >= USER_ADDR_END ||
	    nr_pages > (USER_ADDR_END - start) >> PAGE_SHIFT)
		return 0;
	flags = arch_irq_save();
	gup_fast_walk(mm, start, start + (nr_pages << PAGE_SHIFT), &g);
	arch_irq_restore(flags);
	put_dev_pagemap(g.pgmap);
	trace_event(gup_fast, start, nr_pages, g.nr);
	return g.nr;
}

long get_user_pages_fast(unsigned long start, unsigned long nr_pages,
			 unsigned int gup_flags, struct page **pages)
{
	struct mm_struct *mm = current_mm();
	unsigned long done;
	long rest;

	if (!(gup_flags & (FOLL_GET | FOLL_PIN)))
		gup_flags |= FOLL_GET;
	if ((gup_flags & ~FOLL_ALL) || ((gup_flags & FOLL_GET) && (gup_flags & FOLL_PIN)) || !pages)
		return -EINVAL;
	start = ALIGN_DOWN(start, PAGE_SIZE);
	if (start >= USER_ADDR_END || nr_pages > (USER_ADDR_END - start) >> PAGE_SHIFT)
		return -EFAULT;
	if (!nr_pages)
		return 0;
	if (!mm)
		return -EFAULT;

	done = gup_fast_only(start, nr_pages, gup_flags, pages);
	if (done == nr_pages)
		return (long)done;
	rest = get_user_pages(mm, start + (done << PAGE_SHIFT), nr_pages - done, gup_flags,
			      pages + done);
	if (rest < 0)
		return done ? (long)done : rest;
	return (long)(done + rest);
}
