/*
 * Walking, mapping and unmapping the kernel's 4-level page tables.
 *
 * Every operation is one recursive walk over a virtual range: at each
 * level the range is cut into the blocks that one entry covers (512 GiB,
 * 1 GiB, 2 MiB, 4 KiB: pt_block_end()) and each block is handled by the entry for it,
 * either directly (a leaf, or nothing mapped) or by descending into the
 * table the entry points to.
 *
 * Mapping puts a leaf at the highest level where the block is whole and
 * virtual and physical addresses are both aligned to it, so a 2 MiB-aligned
 * range gets 2 MiB pages and only its unaligned edges get 4 KiB ones.
 * Unmapping a block that is part of a larger leaf first splits that leaf
 * (one 1 GiB leaf into 512 2 MiB leaves, one 2 MiB leaf into 512 4 KiB
 * leaves) with the same attributes, then unmaps the part asked for.
 *
 * Table pages come from memblock until the page allocator runs, then
 * from it (pgtable_alloc, switching on memblock.retired, which mem_init()
 * sets when it hands memory over); they are always zeroed, and entries are
 * written whole with set_pte() so a lockless walker never reads a torn
 * or half-initialised table. A table that an unmap leaves empty is
 * unlinked and handed back to the caller, to be freed after the TLB
 * flush (struct pt_freelist).
 */
#include <lib/compiler.h>
#include <lib/errno.h>
#include <lib/string.h>
#include <mm/memblock.h>
#include <mm/memmap.h>
#include <mm/page.h>
#include <mm/page_alloc.h>
#include <asm/cpufeature.h>
#include <asm/page.h>
#include "pgtable.h"

pte_t *kernel_pgd;
pte_t pte_supported_mask = ~0UL;

static unsigned long nr_table_pages;	/* atomic: callers hold different locks */

/*
 * memblock until mem_init() retires it, the page allocator after. The
 * boot tables stay reserved pages for good (pgtable_free() keeps them).
 */
pte_t *pgtable_alloc(void)
{
	phys_addr_t phys;
	pte_t *table;

	if (memblock.retired) {
		struct page *page = alloc_pages(0);

		if (!page)
			return NULL;
		phys = PFN_PHYS(page_to_pfn(page));
	} else {
		phys = memblock_alloc(PAGE_SIZE, PAGE_SIZE);
		if (!phys)
			return NULL;
	}
	table = phys_to_virt(phys);
	memset(table, 0, PAGE_SIZE);
	__atomic_fetch_add(&nr_table_pages, 1, __ATOMIC_RELAXED);
	return table;
}

bool pgtable_freeable(const pte_t *table)
{
	struct page *page;

	if (!memblock.retired)
		return false;
	page = virt_to_page(table);
	return page && !PageReserved(page);
}

void pgtable_free(pte_t *table)
{
	__atomic_fetch_sub(&nr_table_pages, 1, __ATOMIC_RELAXED);
	if (pgtable_freeable(table))
		__free_pages(virt_to_page(table), 0);
}

unsigned long pgtable_pages(void)
{
	return __atomic_load_n(&nr_table_pages, __ATOMIC_RELAXED);
}

static pte_t *table_of(pte_t e)
{
	return phys_to_virt(pte_table_phys(e));
}

static bool leaf_fits(enum pt_level level, enum pt_level max_leaf,
		      uint64_t virt, uint64_t next, uint64_t phys)
{
	uint64_t size = pt_level_size(level);

	if (level > max_leaf || level > PT_PUD)
		return false;
	if (level == PT_PUD && !cpu_has(X86_FEATURE_GBPAGES))
		return false;
	return next - virt == size && IS_ALIGNED(phys, size);
}

/* The table below *slot, allocated if the entry is empty. */
static pte_t *table_below(pte_t *slot, pgprot_t prot)
{
	pte_t *table;

	if (pte_present(ptep_get(slot)))
		return table_of(ptep_get(slot));
	table = pgtable_alloc();
	if (table)
		set_pte(slot, pte_mktable(virt_to_phys(table),
					  PAGE_KERNEL_TABLE | (prot & PTE_USER)));
	return table;
}

static int map_level(pte_t *table, enum pt_level level, uint64_t virt, uint64_t end,
		     uint64_t phys, pgprot_t prot, enum pt_level max_leaf)
{
	while (virt < end) {
		uint64_t next = pt_block_end(virt, end, level);
		pte_t *slot = &table[pt_index(virt, level)];
		pte_t e = ptep_get(slot);
		pte_t *below;
		int err;

		if (pte_present(e) && pte_leaf(e, level))
			return -EEXIST;
		/*
		 * A table already here (perhaps empty, a boot table that is
		 * never freed) is used as it is: replacing it with a leaf would
		 * need a TLB flush first. The range then gets smaller pages.
		 */
		if (!pte_present(e) && leaf_fits(level, max_leaf, virt, next, phys)) {
			set_pte(slot, pte_mkleaf(phys, prot, level));
		} else {
			below = table_below(slot, prot);
			if (!below)
				return -ENOMEM;
			err = map_level(below, level - 1, virt, next, phys, prot, max_leaf);
			if (err)
				return err;
		}
		phys += next - virt;
		virt = next;
	}
	return 0;
}

int pt_map(pte_t *pgd, uint64_t virt, uint64_t phys, uint64_t size,
	   pgprot_t prot, enum pt_level max_leaf)
{
	return map_level(pgd, PT_PGD, virt, virt + size, phys, prot, max_leaf);
}

/* Replace the large leaf in *slot by a table of 512 leaves one level down. */
static int split_leaf(pte_t *slot, enum pt_level level)
{
	pte_t e = ptep_get(slot);
	enum pt_level sub = level - 1;
	uint64_t phys = pte_leaf_phys(e, level);
	pgprot_t prot = pte_leaf_prot(e, level);
	pte_t *table = pgtable_alloc();

	if (!table)
		return -ENOMEM;
	for (unsigned int i = 0; i < PT_ENTRIES; i++)
		table[i] = pte_mkleaf(phys + i * pt_level_size(sub), prot, sub);
	/*
	 * Same translation and attributes before and after for every
	 * address, so no flush is needed for the part that stays mapped.
	 */
	set_pte(slot, pte_mktable(virt_to_phys(table), PAGE_KERNEL_TABLE | (prot & PTE_USER)));
	return 0;
}

static bool table_empty(const pte_t *table)
{
	for (unsigned int i = 0; i < PT_ENTRIES; i++)
		if (ptep_get(&table[i]))
			return false;
	return true;
}

static int unmap_level(pte_t *table, enum pt_level level, uint64_t virt, uint64_t end,
		       struct pt_freelist *freed)
{
	while (virt < end) {
		uint64_t next = pt_block_end(virt, end, level);
		pte_t *slot = &table[pt_index(virt, level)];
		pte_t e = ptep_get(slot);
		pte_t *below;
		int err;

		if (pte_present(e) && pte_leaf(e, level)) {
			if (next - virt == pt_level_size(level)) {
				set_pte(slot, 0);
				virt = next;
				continue;
			}
			err = split_leaf(slot, level);
			if (err)
				return err;
			e = ptep_get(slot);
		}
		if (pte_present(e)) {
			below = table_of(e);
			err = unmap_level(below, level - 1, virt, next, freed);
			if (err)
				return err;
			/* PUD tables (under the top level) stay, see paging.c */
			if (level <= PT_PUD && table_empty(below) && pgtable_freeable(below)) {
				set_pte(slot, 0);
				below[0] = (pte_t)freed->head;	/* page-aligned: "not present" */
				freed->head = below;
				freed->count++;
			}
		}
		virt = next;
	}
	return 0;
}

int pt_unmap(pte_t *pgd, uint64_t virt, uint64_t size, struct pt_freelist *freed)
{
	return unmap_level(pgd, PT_PGD, virt, virt + size, freed);
}

void pt_freelist_release(struct pt_freelist *freed)
{
	while (freed->head) {
		pte_t *table = freed->head;

		freed->head = (pte_t *)table[0];
		pgtable_free(table);
	}
	freed->count = 0;
}

pte_t *pt_lookup(pte_t *pgd, uint64_t virt, enum pt_level *level)
{
	pte_t *table = pgd;

	for (enum pt_level l = PT_PGD; l >= PT_PTE; l--) {
		pte_t *slot = &table[pt_index(virt, l)];
		pte_t e = ptep_get(slot);

		if (!pte_present(e))
			return NULL;
		if (pte_leaf(e, l)) {
			*level = l;
			return slot;
		}
		table = table_of(e);
	}
	return NULL;	/* not reached: level 1 entries are leaves */
}

static void walk_level(pte_t *table, enum pt_level level, uint64_t virt, uint64_t end,
		       pt_leaf_fn fn, void *arg)
{
	while (virt < end) {
		uint64_t next = pt_block_end(virt, end, level);
		pte_t e = ptep_get(&table[pt_index(virt, level)]);

		if (pte_present(e)) {
			if (pte_leaf(e, level))
				fn(ALIGN_DOWN(virt, pt_level_size(level)), e, level, arg);
			else
				walk_level(table_of(e), level - 1, virt, next, fn, arg);
		}
		virt = next;
	}
}

void pt_walk_leaves(pte_t *pgd, uint64_t start, uint64_t end, pt_leaf_fn fn, void *arg)
{
	walk_level(pgd, PT_PGD, start, end, fn, arg);
}

struct first_mapped {
	bool found;
	uint64_t where;
};

static void note_first(uint64_t virt, pte_t e, enum pt_level level, void *arg)
{
	struct first_mapped *f = arg;

	if (!f->found)
		*f = (struct first_mapped){ .found = true, .where = virt };
}

bool pt_range_mapped(pte_t *pgd, uint64_t virt, uint64_t size, uint64_t *where)
{
	struct first_mapped f = { 0 };

	pt_walk_leaves(pgd, virt, virt + size, note_first, &f);
	if (f.found && where)
		*where = MAX(f.where, virt);
	return f.found;
}
