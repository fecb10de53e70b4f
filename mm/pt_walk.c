/*
 * The user half of an address space's page tables: finding a leaf,
 * making room for one, clearing ranges and changing their permissions.
 *
 * Generic: the entry format and the level arithmetic come from
 * <asm/pgtable.h> (one pte_t for every level; a leaf is a 4 KiB entry or
 * a PMD entry with PTE_HUGE; PROT_NONE leaves are not present but keep
 * their frame), so the same code runs in the kernel and, over tables in
 * the host's "RAM", in the host tests.
 *
 * The rules (mm/mm_types.h): entries are filled under page_table_lock;
 * tables are unlinked and freed only with the mmap_lock held for writing
 * and only through the gather (mm/mmu_gather.h), after the flush. A
 * range operation walks level by level, cutting the range into the
 * blocks one entry covers (512 GiB, 1 GiB, 2 MiB, 4 KiB: pt_block_end()).
 */
#include <lib/bug.h>
#include <lib/errno.h>
#include <lib/string.h>
#include <mm/memmap.h>
#include <mm/mm.h>
#include <mm/page_alloc.h>
#include <mm/vm_internal.h>
#include <asm/page.h>

static pte_t *table_of(pte_t e)
{
	return phys_to_virt(pte_table_phys(e));
}

static bool table_empty(const pte_t *table)
{
	for (unsigned int i = 0; i < PT_ENTRIES; i++)
		if (ptep_get(&table[i]))
			return false;
	return true;
}

pgprot_t vma_pgprot(const struct vm_area_struct *vma)
{
	return pgprot_user(vma->vm_flags & VM_READ, vma->vm_flags & VM_WRITE,
			   vma->vm_flags & VM_EXEC);
}

pte_t *pt_table_alloc(struct mm_struct *mm)
{
	struct page *page = alloc_page();

	if (!page)
		return NULL;
	memset(page_address(page), 0, PAGE_SIZE);
	mm->nr_pgtables++;
	return page_address(page);
}

pte_t *pt_alloc_slot(struct mm_struct *mm, unsigned long addr, enum pt_level level,
		     int *err)
{
	pte_t *table = mm->pgd;

	for (enum pt_level l = PT_PGD; l > level; l--) {
		pte_t *slot = &table[pt_index(addr, l)];
		pte_t e = ptep_get(slot);

		if (pte_none(e)) {
			pte_t *below = pt_table_alloc(mm);

			if (!below) {
				*err = -ENOMEM;
				return NULL;
			}
			/* release: the zeroes before the entry that points to them */
			e = pte_mktable(virt_to_phys(below), PAGE_USER_TABLE);
			set_pte(slot, e);
		} else if (pte_leaf(e, l)) {
			*err = -EEXIST;
			return NULL;
		}
		table = table_of(e);
	}
	return &table[pt_index(addr, level)];
}

pte_t *pt_leaf_slot(struct mm_struct *mm, unsigned long addr, enum pt_level *level)
{
	pte_t *table = mm->pgd;

	for (enum pt_level l = PT_PGD; l >= PT_PTE; l--) {
		pte_t *slot = &table[pt_index(addr, l)];
		pte_t e = ptep_get(slot);

		if (pte_none(e))
			return NULL;
		if (pte_leaf(e, l)) {
			*level = l;
			return slot;
		}
		if (!pte_present(e))
			return NULL;	/* a PROT_NONE bit on a table: never made */
		table = table_of(e);
	}
	return NULL;
}

int follow_pte(struct mm_struct *mm, unsigned long addr, pte_t *entry, enum pt_level *level)
{
	pte_t *slot;

	if (addr >= USER_ADDR_END)
		return -ENOENT;
	slot = pt_leaf_slot(mm, addr, level);
	if (!slot)
		return -ENOENT;
	*entry = ptep_get(slot);
	return pte_none(*entry) ? -ENOENT : 0;
}

/*
 * The references a cleared leaf held: one per page of a 4 KiB or 2 MiB
 * leaf of ordinary pages; none for frames without struct pages (special)
 * and none for device pages (the device keeps them while they may be
 * mapped: docs/zone-device.md).
 */
static void release_leaf(struct mmu_gather *tlb, pte_t e, enum pt_level level)
{
	unsigned int nr = level == PT_PMD ? 1U << PMD_ORDER : 1;

	tlb->mm->nr_mapped -= nr;
	if (pte_special(e) || pte_devmap(e))
		return;
	tlb_remove_pages(tlb, pfn_to_page(pte_pfn(e, level)), nr);
}

static void clear_leaf(struct mmu_gather *tlb, pte_t *slot, unsigned long block,
		       enum pt_level level)
{
	pte_t e = ptep_get(slot);

	set_pte(slot, 0);
	tlb_track_range(tlb, block, block + pt_level_size(level));
	release_leaf(tlb, e, level);
}

static void zap_level(struct mmu_gather *tlb, pte_t *table, enum pt_level level,
		      unsigned long addr, unsigned long end)
{
	while (addr < end) {
		unsigned long next = pt_block_end(addr, end, level);
		unsigned long block = ALIGN_DOWN(addr, pt_level_size(level));
		pte_t *slot = &table[pt_index(addr, level)];
		pte_t e = ptep_get(slot);

		if (pte_none(e)) {
			addr = next;
			continue;
		}
		if (pte_leaf(e, level)) {
			clear_leaf(tlb, slot, block, level);
		} else {
			pte_t *below = table_of(e);

			zap_level(tlb, below, level - 1, addr, next);
			if (table_empty(below)) {
				set_pte(slot, 0);
				tlb_track_range(tlb, block, block + pt_level_size(level));
				tlb_remove_table(tlb, below);
				tlb->mm->nr_pgtables--;
			}
		}
		addr = next;
	}
}

void pt_zap_range(struct mmu_gather *tlb, unsigned long start, unsigned long end)
{
	struct mm_struct *mm = tlb->mm;

	spin_lock(&mm->page_table_lock);
	zap_level(tlb, mm->pgd, PT_PGD, start, end);
	spin_unlock(&mm->page_table_lock);
}

/* The leaf e with new access `prot`; frame, caching and software bits kept. */
static pte_t leaf_modify(pte_t e, enum pt_level level, pgprot_t prot)
{
	pgprot_t keep = pte_leaf_prot(e, level) & (PTE_SPECIAL | PTE_DEVMAP | PTE_CACHE_MASK);

	return pte_mkleaf(pte_leaf_phys(e, level), prot | keep, level);
}

static void prot_level(struct mmu_gather *tlb, pte_t *table, enum pt_level level,
		       unsigned long addr, unsigned long end, pgprot_t prot)
{
	while (addr < end) {
		unsigned long next = pt_block_end(addr, end, level);
		unsigned long block = ALIGN_DOWN(addr, pt_level_size(level));
		pte_t *slot = &table[pt_index(addr, level)];
		pte_t e = ptep_get(slot);

		if (pte_none(e)) {
			/* nothing mapped here */
		} else if (!pte_leaf(e, level)) {
			prot_level(tlb, table_of(e), level - 1, addr, next, prot);
		} else if (block < addr || block + pt_level_size(level) > end) {
			clear_leaf(tlb, slot, block, level);	/* a huge leaf only partly inside */
		} else {
			set_pte(slot, leaf_modify(e, level, prot));
			tlb_track_range(tlb, block, block + pt_level_size(level));
		}
		addr = next;
	}
}

void pt_change_prot(struct mmu_gather *tlb, unsigned long start, unsigned long end,
		    pgprot_t prot)
{
	struct mm_struct *mm = tlb->mm;

	spin_lock(&mm->page_table_lock);
	prot_level(tlb, mm->pgd, PT_PGD, start, end, prot);
	spin_unlock(&mm->page_table_lock);
}
