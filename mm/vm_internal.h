/*
 * What the address-space files of mm/ (mm.c, vma.c, mmap.c, pt_walk.c,
 * memory.c, gup*.c) share with each other and with nobody else.
 */
#ifndef MM_VM_INTERNAL_H
#define MM_VM_INTERNAL_H

#include <lib/err.h>
#include <lib/errno.h>
#include <lib/trace.h>
#include <mm/memmap.h>
#include <mm/memremap.h>
#include <mm/mm_types.h>
#include <mm/mmu_gather.h>

#define PMD_SIZE	(1UL << 21)
#define PMD_MASK	(~(PMD_SIZE - 1))

/* --- pt_walk.c: the user half of an mm's page tables ------------------- */

/*
 * The slot for addr at `level` (PT_PMD or PT_PTE), allocating the tables
 * above it: under page_table_lock. NULL with *err = -ENOMEM, or -EEXIST
 * if a larger leaf is in the way.
 */
pte_t *pt_alloc_slot(struct mm_struct *mm, unsigned long addr, enum pt_level level,
		     int *err);

/*
 * The slot of the leaf (present or PROT_NONE) that maps addr and its
 * level, or NULL. Reads each entry once and takes no lock: the answer is
 * a snapshot unless the caller holds the mmap_lock (tables then stay).
 */
pte_t *pt_leaf_slot(struct mm_struct *mm, unsigned long addr, enum pt_level *level);

/*
 * Clear every leaf in [start, end) (a 2 MiB leaf that reaches into the
 * range goes whole), queue the mapping's page references and every table
 * left empty on the gather. mmap_lock held for writing.
 */
void pt_zap_range(struct mmu_gather *tlb, unsigned long start, unsigned long end);

/*
 * Give every leaf in [start, end) the attributes `prot` (keeping its
 * frame and its software bits); a 2 MiB leaf only partly inside is zapped
 * instead. mmap_lock held for writing; the caller finishes the gather.
 */
void pt_change_prot(struct mmu_gather *tlb, unsigned long start, unsigned long end,
		    pgprot_t prot);

/* Allocate / count a zeroed user page-table page (page_table_lock held). */
pte_t *pt_table_alloc(struct mm_struct *mm);

/* The leaf attributes a region's flags ask for. */
pgprot_t vma_pgprot(const struct vm_area_struct *vma);

/* --- gup.c: what the slow and the fast path of GUP share ---------------- */

struct dev_pagemap;

/*
 * The speculative get of the nr pages of one leaf from page on (the
 * memmap of a leaf is contiguous; Linux: fast GUP's try_grab_folio()):
 * get_page_unless_zero() on each, all
 * or none (if one is refused, those taken are put back). With `hook`,
 * each page's pgmap reference is taken too (zone_device_get_hook(), the
 * hooked teaching modes), right after its page reference, so that the
 * put_page() of an undo drops both. Each successful get is a full
 * barrier (mm/page_ref.h). Never sleeps.
 */
bool gup_get_pages(struct page *page, unsigned long nr, bool hook);
/* put_page() on each of the nr pages from page on. */
void gup_put_pages(struct page *page, unsigned long nr);

enum gup_path { GUP_SLOW, GUP_FAST };

/*
 * The devmap step of both paths (Linux: the devmap branches of
 * follow_page_pte()/follow_devmap_pmd() and gup_pte_range()/
 * __gup_device_huge(), with try_grab_page()): the nr device pages from
 * pfn on, which one devmap leaf maps, with a reference on each.
 *   1. the walk's cached pgmap (*pgmap) if it covers pfn, else a lookup,
 *      get_dev_pagemap(pfn, *pgmap) (the old one's reference dropped);
 *      the result goes back in *pgmap, one reference that the walk drops
 *      at its end;
 *   2. gup_get_pages(), with the get hook if the pgmap's teaching mode
 *      hooks this path's get.
 * Returns the first page (nr 0: no reference, only the check), or
 * ERR_PTR(-ENODEV) if no live pgmap covers pfn (the device is going
 * away), or ERR_PTR(-EFAULT) if a page is on its way out (count 0); either
 * way nothing is taken. Never sleeps: the fast path calls it with
 * interrupts off.
 *
 * Inline, with only the lookup out of line: a device page whose pgmap the
 * walk holds already then costs what an anonymous page costs (the
 * lookup, one call per range, is try_grab_dev_pages_lookup() in
 * mm/gup.c).
 */
struct page *try_grab_dev_pages_lookup(unsigned long pfn, unsigned long nr,
				       struct dev_pagemap **pgmap, enum gup_path path);
void trace_dev_gets(struct page *page, unsigned long nr);

/*
 * Does this path's get of a device page take the page's pgmap reference
 * too, as get_page() does in the hooked teaching modes
 * (mm/memremap_modes.h)? refs=legacy: both paths. refs=regression, the
 * seed bug: only the slow one; the fast path's speculative get went
 * unhooked, so its pin's put_page() drops a reference it never took.
 */
static inline bool dev_get_hooked(const struct dev_pagemap *pgmap, enum gup_path path)
{
	switch (pgmap_refs_mode(pgmap)) {
	case ZONE_DEVICE_REFS_LEGACY:
		return true;
	case ZONE_DEVICE_REFS_REGRESSION:
		return path == GUP_SLOW;
	default:
		return false;
	}
}

/* Step 2, for a live pgmap that covers pfn (the walk holds its reference). */
static inline struct page *grab_dev_pages(unsigned long pfn, unsigned long nr,
					  struct dev_pagemap *pgmap, enum gup_path path)
{
	/*
	 * A device page whose count is already 0 is on its way out: refuse
	 * it. For the fast path this is the speculative get's rule. For the
	 * slow one, the teardown zaps the mappings before it drops the
	 * device's holds, so with the mmap_lock held this does not happen in
	 * the kernel; the check keeps the rule in one place (and the host
	 * build, which does not model every exclusion, relies on it).
	 */
	struct page *page = __pfn_to_page(pfn);	/* there: the pgmap is live */

	if (!page || !gup_get_pages(page, nr, dev_get_hooked(pgmap, path)))
		return ERR_PTR(-EFAULT);
	if (trace_on(TRACE_page_get))	/* the counts read just after the gets */
		trace_dev_gets(page, nr);
	return page;
}

static inline struct page *try_grab_dev_pages(unsigned long pfn, unsigned long nr,
					      struct dev_pagemap **pgmap, enum gup_path path)
{
	if (likely(*pgmap && pgmap_covers(*pgmap, pfn)))
		return grab_dev_pages(pfn, nr, *pgmap, path);
	return try_grab_dev_pages_lookup(pfn, nr, pgmap, path);
}

/* --- vma.c: the region tree (mmap_lock held for writing) ----------------- */

struct vm_area_struct *vma_alloc(struct mm_struct *mm, unsigned long start,
				 unsigned long end, unsigned long flags,
				 const struct vm_operations_struct *ops, void *priv);
/* Into the tree; -EEXIST if it overlaps a region already there. */
int vma_insert(struct mm_struct *mm, struct vm_area_struct *vma);
void vma_remove(struct mm_struct *mm, struct vm_area_struct *vma);
/* The region's close hook, then its memory (it must be out of the tree). */
void vma_free(struct vm_area_struct *vma);
/*
 * Cut vma at addr (strictly inside it): vma keeps [vm_start, addr), the
 * new region returned (inserted, opened) gets [addr, vm_end). NULL if
 * out of memory (nothing changed).
 */
struct vm_area_struct *vma_split(struct vm_area_struct *vma, unsigned long addr);
/* Is [start, end) free of regions? */
bool vma_range_free(struct mm_struct *mm, unsigned long start, unsigned long end);
/* The lowest free [a, a + len) at or above mm->mmap_base, a aligned; 0 if none. */
unsigned long vma_find_gap(struct mm_struct *mm, unsigned long len, unsigned long align);

#endif /* MM_VM_INTERNAL_H */
