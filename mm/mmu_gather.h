/*
 * Free after flush: the batch that every unmap of user pages goes through
 * (Linux's mmu_gather).
 *
 * Clearing a page-table entry is not the end of a mapping. Until the TLB
 * flush, a CPU may still translate through the old entry (its TLB) or
 * through the tables above it (its paging-structure caches), and a walker
 * with interrupts off (fast GUP, mm/gup_fast.c) may be in the middle of
 * reading them. So whoever clears entries does not free what they mapped;
 * it gathers:
 *
 *   struct mmu_gather tlb;
 *   tlb_gather_init(&tlb, mm);
 *   set_pte(slot, 0);                         clear the entry,
 *   tlb_track_range(&tlb, addr, addr + size);    remember what to flush,
 *   tlb_remove_pages(&tlb, page, 1);             queue the mapping's reference
 *   ... unlink an emptied table ...
 *   tlb_remove_table(&tlb, table);
 *   tlb_finish(&tlb);                         flush, then free
 *
 * tlb_finish() (and tlb_flush_and_free(), which the batch calls itself
 * when it is full) first calls flush_tlb_user_range() (<asm/mmu_context.h>),
 * which returns only when every CPU that may hold the translations has
 * acknowledged dropping them; only then are the queued page references
 * put and the tables freed. A CPU with interrupts off cannot acknowledge,
 * so a lockless walker that found an entry before it was cleared is done
 * with the tables (and holds its page references, if it took any) before
 * either is freed.
 *
 * Page references are put with put_page(): an anonymous page is freed by
 * it, a page someone pinned (GUP) lives on until that pin is dropped.
 * Tables are linked through their entry 0 while queued: the table is
 * empty and unlinked, and a page-aligned address reads as "not present" to
 * a walker that still looks at it.
 *
 * A gather belongs to one thread, which holds the mm's mmap_lock for
 * writing throughout.
 */
#ifndef MM_MMU_GATHER_H
#define MM_MMU_GATHER_H

#include <lib/compiler.h>
#include <mm/mm_types.h>

#define GATHER_BATCH	32

struct mmu_gather {
	struct mm_struct *mm;
	unsigned long start, end;	/* to flush; empty when start >= end */
	unsigned int nr;		/* entries of batch[] in use */
	struct {
		struct page *page;	/* first of nr consecutive pages */
		unsigned int nr;
	} batch[GATHER_BATCH];
	pte_t *tables;			/* unlinked tables, through entry 0 */
	unsigned long flushes;		/* flushes done (for tests and stats) */
	/* tests: called after each flush, before anything queued is freed */
	void (*flush_hook)(struct mmu_gather *tlb, void *arg);
	void *hook_arg;
};

void tlb_gather_init(struct mmu_gather *tlb, struct mm_struct *mm);

/* [start, end) of mm's user range lost translations: flush it. */
void tlb_track_range(struct mmu_gather *tlb, unsigned long start, unsigned long end);

/*
 * Queue the mapping's references on nr consecutive pages (a 4 KiB leaf:
 * 1, a 2 MiB leaf: 512) to be put after the flush. The entries that
 * mapped them must be cleared and tracked already: a full batch flushes
 * and frees at once.
 */
void tlb_remove_pages(struct mmu_gather *tlb, struct page *page, unsigned int nr);

/* Queue an emptied, unlinked page-table page to be freed after the flush. */
void tlb_remove_table(struct mmu_gather *tlb, pte_t *table);

/* Flush what is tracked, then free what is queued; the gather stays usable. */
void tlb_flush_and_free(struct mmu_gather *tlb);

/* The end of the batch: tlb_flush_and_free(). */
static inline void tlb_finish(struct mmu_gather *tlb)
{
	tlb_flush_and_free(tlb);
}

#endif /* MM_MMU_GATHER_H */
