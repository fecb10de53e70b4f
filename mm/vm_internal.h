/*
 * What the address-space files of mm/ (mm.c, vma.c, mmap.c, pt_walk.c,
 * memory.c, gup*.c) share with each other and with nobody else.
 */
#ifndef MM_VM_INTERNAL_H
#define MM_VM_INTERNAL_H

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
