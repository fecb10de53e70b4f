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
 *   3. a devmap leaf: get its dev_pagemap (cached across the range:
 *      one reference held by the walk, dropped at its end) or undo the
 *      pages taken in this range (this page table) and stop: the device
 *      is going away (tryget_live failed);
 *   4. a special leaf (no struct page): stop;
 *   5. get_page_unless_zero(): fails at refcount 0 (a page being freed)
 *      or below zero (a buried device page, reported): stop;
 *   6. read the entry again: if it changed, put_page() what step 5 took
 *      and stop.
 * A 2 MiB leaf goes through 1-4 once, then takes a reference on each
 * subpage the range needs (5), and undoes all of them if the PMD changed
 * (6). The barrier of step 5 (a successful get_page_unless_zero is a
 * full barrier, mm/page_ref.h) keeps the re-read of step 6 after the
 * reference; it pairs with the unmapper's "clear the entry, flush, then
 * put_page()".
 *
 * "Stop" ends the walk at that page: the pages before it are pinned and
 * get_user_pages_fast() hands the rest of the range to the slow path
 * (mm/gup.c), which takes the mmap_lock, checks the region, faults in
 * and retries.
 */
#include <lib/errno.h>
#include <mm/gup.h>
#include <mm/memmap.h>
#include <mm/memremap.h>
#include <mm/mm.h>
#include <mm/page_ref.h>
#include <mm/vm_internal.h>
#include <asm/cpu.h>
#include <asm/page.h>
#include <asm/percpu.h>

static DEFINE_PER_CPU(unsigned long, pmd_undone);	/* this CPU's, this_cpu_inc */
void (*gup_fast_pmd_window)(void *slot, unsigned long long pmd);

unsigned long gup_fast_pmd_undone(void)
{
	unsigned long sum = 0;

	for (unsigned int cpu = 0; cpu < nr_cpu_ids; cpu++)
		sum += per_cpu(pmd_undone, cpu);
	return sum;
}

struct gup_fast {
	unsigned int flags;		/* FOLL_* */
	struct page **pages;		/* where pinned pages go, in order */
	unsigned long nr;		/* pinned so far */
	struct dev_pagemap *pgmap;	/* cached across the range, one ref */
};

/*
 * Step 3: get_dev_pagemap(pfn, cached) for the leaf's frames, keeping the
 * pgmap in g for the next leaves; false once the device is going away.
 * The pgmap reference only keeps the range from being torn down between
 * this check and the page reference of step 5; the page reference is what
 * the caller keeps (the single-reference rule: no pgmap hook in it).
 */
static bool gup_fast_devmap_step(pte_t e, enum pt_level level, struct gup_fast *g)
{
	g->pgmap = get_dev_pagemap(pte_pfn(e, level), g->pgmap);
	return g->pgmap != NULL;
}

/*
 * Step 5, the speculative get. zone_device.refs=legacy hooks it like
 * get_page() (a pgmap reference for a device page); refs=regression is
 * the seed bug: no hook here while put_page() still drops one
 * (mm/memremap_modes.h).
 */
static bool gup_get_page(struct page *page)
{
	if (!get_page_unless_zero(page))
		return false;
	if (unlikely(memremap_modes.refs == ZONE_DEVICE_REFS_LEGACY))
		zone_device_get_hook(page);
	return true;
}

static void put_pages(struct page *page, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		put_page(page + i);
}

/* Put back the pages pinned since g->nr was `from`. */
static void undo_pages(struct gup_fast *g, unsigned long from)
{
	while (g->nr > from)
		put_page(g->pages[--g->nr]);
}

/*
 * Steps 1-4 on one copy of a leaf entry: may the walk take its pages? A
 * failed devmap step also undoes the pages taken in this range (those
 * pinned since `range_start`), as docs/zone-device.md, scenarios asks.
 */
static bool leaf_allows(pte_t e, enum pt_level level, struct gup_fast *g,
			unsigned long range_start)
{
	if (!pte_present(e) || !pte_user(e))
		return false;
	if ((g->flags & FOLL_WRITE) && !pte_write(e))
		return false;
	if (pte_devmap(e) && !gup_fast_devmap_step(e, level, g)) {
		undo_pages(g, range_start);
		return false;
	}
	if (pte_special(e))
		return false;
	return true;
}

static bool gup_pte_range(pte_t pmd, unsigned long addr, unsigned long end, struct gup_fast *g)
{
	pte_t *table = phys_to_virt(pte_table_phys(pmd));
	unsigned long range_start = g->nr;

	for (; addr < end; addr += PAGE_SIZE) {
		pte_t *slot = &table[pt_index(addr, PT_PTE)];
		pte_t e = ptep_get(slot);
		struct page *page;

		if (!leaf_allows(e, PT_PTE, g, range_start))
			return false;
		page = __pfn_to_page(pte_pfn(e, PT_PTE));
		if (!page || !gup_get_page(page))
			return false;
		if (ptep_get(slot) != e) {
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
	struct page *page;

	if (!leaf_allows(pmd, PT_PMD, g, g->nr))
		return false;
	page = __pfn_to_page(pte_pfn(pmd, PT_PMD));
	if (!page)
		return false;
	page += (addr & ~PMD_MASK) >> PAGE_SHIFT;	/* the memmap of a leaf is contiguous */
	for (i = 0; i < n; i++) {
		if (!gup_get_page(page + i)) {
			put_pages(page, i);
			return false;
		}
	}
	if (unlikely(gup_fast_pmd_window))
		gup_fast_pmd_window(slot, pmd);
	if (ptep_get(slot) != pmd) {
		put_pages(page, n);
		this_cpu_inc(pmd_undone);
		return false;
	}
	for (i = 0; i < n; i++)
		g->pages[g->nr++] = page + i;
	return true;
}

/* End of the level-sized block holding addr, or end if that comes first. */
static unsigned long next_block(unsigned long addr, unsigned long end, enum pt_level level)
{
	unsigned long next = (addr | (pt_level_size(level) - 1)) + 1;

	return next - 1 < end - 1 ? next : end;
}

static bool gup_pmd_range(pte_t pud, unsigned long addr, unsigned long end, struct gup_fast *g)
{
	pte_t *table = phys_to_virt(pte_table_phys(pud));

	while (addr < end) {
		unsigned long next = next_block(addr, end, PT_PMD);
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
		unsigned long next = next_block(addr, end, PT_PUD);
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
		unsigned long next = next_block(addr, end, PT_PGD);
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
