/*
 * The kernel's page tables: allocating table pages, mapping, unmapping
 * and looking up ranges (arch/x86/pgtable.c). The entry format is in
 * <asm/pgtable.h>; the policy (what is mapped where, with which
 * attributes) is in paging.c and vmap.c.
 *
 * These functions do not lock and do not flush the TLB: the callers
 * (paging.c at boot, vmap.c afterwards) serialise updates and flush what
 * they removed.
 */
#ifndef ARCH_X86_PGTABLE_H
#define ARCH_X86_PGTABLE_H

#include <stdbool.h>
#include <stdint.h>
#include <asm/pgtable.h>

/* The kernel's top-level table (PML4), once paging_init() built it. */
extern pte_t *kernel_pgd;

/*
 * A zeroed page for a table, as a direct-map pointer; NULL when memory is
 * out. From memblock at boot, from the page allocator once it runs.
 */
pte_t *pgtable_alloc(void);
/*
 * Give back a table that pgtable_alloc() returned and nothing points to
 * (any more, on any CPU's TLB). Tables from memblock stay reserved.
 */
void pgtable_free(pte_t *table);
/* Can pgtable_free() really give this table back? */
bool pgtable_freeable(const pte_t *table);
/* Table pages in use (allocated and not freed). */
unsigned long pgtable_pages(void);

/*
 * Map [virt, virt + size) to [phys, ...) with prot (4 KiB layout, see
 * <asm/pgtable.h>), using the largest leaf up to max_leaf that alignment
 * and the CPU allow (PT_PUD: 1 GiB pages if the CPU has them). All three
 * must be page-aligned. -EEXIST if something is mapped in the way (pages
 * mapped before it stay mapped), -ENOMEM if a table cannot be allocated.
 */
int pt_map(pte_t *pgd, uint64_t virt, uint64_t phys, uint64_t size,
	   pgprot_t prot, enum pt_level max_leaf);

/*
 * Tables an unmap emptied and unlinked. Until the TLB flush a CPU may
 * still walk through them (the paging-structure caches), so they are
 * freed only after it: pt_unmap() collects them here, the caller flushes,
 * then calls pt_freelist_release(). With SMP the flush includes every
 * other CPU's acknowledgement, which is what makes this safe for
 * lockless walkers too.
 */
struct pt_freelist {
	pte_t *head;		/* linked through entry 0 of each table */
	unsigned long count;
};

/*
 * Unmap every page of [virt, virt + size); holes are skipped. A large
 * leaf only partly inside the range is first split into a table of
 * smaller leaves, so the rest of it stays mapped. PMD and PTE tables left
 * empty go on *freed if the page allocator gave them (boot tables and
 * the PUD tables under the top level stay). -ENOMEM if a split needs a
 * table and none can be had (the range is then partly unmapped).
 */
int pt_unmap(pte_t *pgd, uint64_t virt, uint64_t size, struct pt_freelist *freed);
void pt_freelist_release(struct pt_freelist *freed);

/* The leaf entry that maps virt and its level, or NULL if none does. */
pte_t *pt_lookup(pte_t *pgd, uint64_t virt, enum pt_level *level);

/* Is any page of [virt, virt + size) mapped? *where is the first one. */
bool pt_range_mapped(pte_t *pgd, uint64_t virt, uint64_t size, uint64_t *where);

/* Call fn for every leaf in [start, end), in address order. */
typedef void (*pt_leaf_fn)(uint64_t virt, pte_t e, enum pt_level level, void *arg);
void pt_walk_leaves(pte_t *pgd, uint64_t start, uint64_t end, pt_leaf_fn fn, void *arg);

#endif /* ARCH_X86_PGTABLE_H */
