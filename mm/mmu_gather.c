/*
 * The free-after-flush batch of mm/mmu_gather.h.
 *
 * One flush covers the union of the ranges tracked since the last one;
 * flush_tlb_user_range() decides how (page by page or everything). Pages
 * are put before tables are freed; both only after the flush returned.
 */
#include <lib/bug.h>
#include <mm/mmu_gather.h>
#include <mm/mm.h>
#include <mm/memmap.h>
#include <mm/page_alloc.h>
#include <mm/page_ref.h>
#include <asm/mmu_context.h>
#include <asm/page.h>

void tlb_gather_init(struct mmu_gather *tlb, struct mm_struct *mm)
{
	*tlb = (struct mmu_gather){ .mm = mm, .start = ~0UL, .end = 0 };
}

void tlb_track_range(struct mmu_gather *tlb, unsigned long start, unsigned long end)
{
	tlb->start = MIN(tlb->start, start);
	tlb->end = MAX(tlb->end, end);
}

void tlb_remove_pages(struct mmu_gather *tlb, struct page *page, unsigned int nr)
{
	if (tlb->nr == GATHER_BATCH)
		tlb_flush_and_free(tlb);
	tlb->batch[tlb->nr].page = page;
	tlb->batch[tlb->nr].nr = nr;
	tlb->nr++;
}

void tlb_remove_table(struct mmu_gather *tlb, pte_t *table)
{
	set_pte(&table[0], (pte_t)(uintptr_t)tlb->tables);	/* page-aligned: not present */
	tlb->tables = table;
}

static void free_queued(struct mmu_gather *tlb)
{
	for (unsigned int i = 0; i < tlb->nr; i++) {
		struct page *page = tlb->batch[i].page;

		for (unsigned int j = 0; j < tlb->batch[i].nr; j++)
			put_page(page + j);
	}
	tlb->nr = 0;
	while (tlb->tables) {
		pte_t *table = tlb->tables;

		tlb->tables = (pte_t *)(uintptr_t)ptep_get(&table[0]);
		set_pte(&table[0], 0);
		__free_page(virt_to_page(table));
	}
}

void tlb_flush_and_free(struct mmu_gather *tlb)
{
	bool queued = tlb->nr || tlb->tables;

	/* something queued whose entries nobody tracked: flush it all */
	if (WARN(queued && tlb->start >= tlb->end,
		 "mmu_gather: %u page runs and tables queued without a range to flush",
		 tlb->nr))
		tlb_track_range(tlb, 0, USER_ADDR_END);
	if (tlb->start < tlb->end) {
		flush_tlb_user_range(tlb->mm, tlb->start, tlb->end);
		tlb->flushes++;
		tlb->start = ~0UL;
		tlb->end = 0;
	} else {
		return;			/* nothing cleared, nothing queued */
	}
	if (tlb->flush_hook)
		tlb->flush_hook(tlb, tlb->hook_arg);
	free_queued(tlb);
}
