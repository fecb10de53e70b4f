/*
 * Arena zones: a private buddy allocator over one block borrowed from
 * ZONE_NORMAL, so that a test can exhaust, fragment and poison an
 * allocator of known shape (one free block of 2^order pages at start)
 * while the kernel's own allocator carries on undisturbed.
 *
 * The block's pages are moved to the arena's zone id for the arena's
 * lifetime, so __free_pages() and put_page() of an arena page return it
 * to the arena. Destroying the arena needs every page back; the block
 * then returns to ZONE_NORMAL as one allocation.
 */
#include <mm/internal.h>
#include <mm/tests/zone_arena.h>
#include <mm/memmap.h>
#include <mm/page_ref.h>
#include <lib/errno.h>
#include <lib/string.h>

static struct mm_lock arena_ids_lock = MM_LOCK_INIT;

/* Claim a free zone id for `arena`, or 0 if all are taken. */
static unsigned int claim_id(struct zone *arena)
{
	unsigned long flags = mm_lock_irqsave(&arena_ids_lock);
	unsigned int id = 0;

	for (unsigned int i = ZONE_PRIVATE_FIRST; i < NR_ZONE_IDS && !id; i++) {
		if (!zone_table_get(i)) {
			zone_table_set(i, arena);
			id = i;
		}
	}
	mm_unlock_irqrestore(&arena_ids_lock, flags);
	return id;
}

int zone_arena_init(struct zone *arena, const char *name, unsigned int order,
		    bool poison)
{
	struct page *block;
	unsigned long pfn;
	unsigned int id;

	if (order >= MAX_ORDER)
		return -EINVAL;
	id = claim_id(arena);
	if (!id)
		return -EBUSY;
	block = alloc_pages(order);
	if (!block) {
		zone_table_set(id, NULL);
		return -ENOMEM;
	}
	pfn = page_to_pfn(block);
	zone_init(arena, name, id, pfn, pfn + (1UL << order), poison);
	zone_release_pages(arena, pfn, 1UL << order);
	return 0;
}

int zone_arena_destroy(struct zone *arena)
{
	unsigned long pfn = arena->start_pfn, nr = arena->end_pfn - arena->start_pfn;
	struct page *block = pfn_to_page(pfn);
	unsigned long flags;

	flags = mm_lock_irqsave(&arena->lock);
	if (arena->nr_free != arena->managed) {
		mm_unlock_irqrestore(&arena->lock, flags);
		return -EBUSY;
	}
	for (unsigned int o = 0; o < MAX_ORDER; o++) {
		INIT_LIST_HEAD(&arena->free_area[o].free_list);
		arena->free_area[o].nr_free = 0;
	}
	arena->nr_free = 0;
	mm_unlock_irqrestore(&arena->lock, flags);

	/* Every page free, so ours alone: make the block one allocation of
	 * ZONE_NORMAL again and free it there. */
	for (unsigned long i = 0; i < nr; i++) {
		ClearPageBuddy(&block[i]);
		ClearPagePoisoned(&block[i]);
		set_page_zone_id(&block[i], ZONE_NORMAL);
		block[i].order = 0;
	}
	block->order = (uint8_t)__builtin_ctzl(nr);
	set_page_count(block, 1);
	zone_table_set(arena->id, NULL);
	__free_pages(block, block->order);
	return 0;
}
