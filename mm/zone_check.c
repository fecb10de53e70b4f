/*
 * zone_check(): does a zone's bookkeeping agree with its free lists?
 *
 * Walks every free list under the zone lock and checks each block against
 * the rules of mm/page_alloc.h. The first inconsistency found is written
 * into the caller's buffer as a sentence with the numbers in it; the walk
 * is bounded by the zone's size, so a corrupted (cyclic) list ends it too.
 */
#include <mm/page_alloc.h>
#include <mm/memmap.h>
#include <mm/page_ref.h>
#include <lib/errno.h>
#include <lib/vsprintf.h>

/* Describe a problem into msg; returns true ("bad") for the caller to pass on. */
static __printf(3, 4) bool bad(char *msg, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vscnprintf(msg, size, fmt, ap);
	va_end(ap);
	return true;
}

/* The first problem with the block `page` on the order-`order` list. */
static bool block_bad(const struct zone *zone, const struct page *page,
		      unsigned int order, char *msg, size_t size)
{
	unsigned long pfn = page_to_pfn(page);
	unsigned long buddy_pfn = pfn ^ (1UL << order);
	const struct page *buddy;

	if (page_memmap_poisoned(page))
		return bad(msg, size, "order %u list holds a poisoned memmap entry %p",
				 order, (const void *)page);
	if (__pfn_to_page(pfn) != page)
		return bad(msg, size, "order %u list entry %p is not the memmap's page of pfn %#lx",
				 order, (const void *)page, pfn);
	if (!PageBuddy(page))
		return bad(msg, size, "pfn %#lx is on the order-%u list without PG_buddy (flags %#lx)",
				 pfn, order, page_flags(page));
	if (page->order != order)
		return bad(msg, size, "pfn %#lx is on the order-%u list but records order %u",
				 pfn, order, page->order);
	if (pfn & ((1UL << order) - 1))
		return bad(msg, size, "pfn %#lx is not aligned to its order %u", pfn, order);
	if (pfn < zone->start_pfn || pfn + (1UL << order) > zone->end_pfn)
		return bad(msg, size, "block %#lx+%lu lies outside the zone's span %#lx-%#lx",
				 pfn, 1UL << order, zone->start_pfn, zone->end_pfn);
	if (page_zone_id(page) != zone->id)
		return bad(msg, size, "pfn %#lx is on zone %u's list but belongs to zone %u",
				 pfn, zone->id, page_zone_id(page));
	if (page_ref_count(page) != 0)
		return bad(msg, size, "free pfn %#lx has refcount %d",
				 pfn, page_ref_count(page));
	if (order < MAX_ORDER - 1 && buddy_pfn >= zone->start_pfn &&
	    buddy_pfn < zone->end_pfn && (buddy = __pfn_to_page(buddy_pfn)) &&
	    PageBuddy(buddy) && buddy->order == order && page_zone_id(buddy) == zone->id)
		return bad(msg, size, "pfn %#lx and its buddy %#lx are both free at order %u (a missed merge)",
				 pfn, buddy_pfn, order);
	return false;
}

static int walk_free_lists(struct zone *zone, char *msg, size_t size)
{
	unsigned long total = 0;

	for (unsigned int o = 0; o < MAX_ORDER; o++) {
		const struct free_area *area = &zone->free_area[o];
		const struct list_head *pos;
		unsigned long n = 0;

		list_for_each(pos, &area->free_list) {
			if (n > zone->managed) {
				scnprintf(msg, size, "order %u list is longer than the zone (a cycle?)", o);
				return -EINVAL;
			}
			if (block_bad(zone, list_entry(pos, struct page, lru), o, msg, size))
				return -EINVAL;
			n++;
		}
		if (n != area->nr_free) {
			scnprintf(msg, size, "order %u list holds %lu blocks, nr_free says %lu",
				  o, n, area->nr_free);
			return -EINVAL;
		}
		total += n << o;
	}
	if (total != zone->nr_free) {
		scnprintf(msg, size, "free lists hold %lu pages, the zone's nr_free says %lu",
			  total, zone->nr_free);
		return -EINVAL;
	}
	if (zone->nr_free > zone->managed) {
		scnprintf(msg, size, "%lu pages free of only %lu managed", zone->nr_free,
			  zone->managed);
		return -EINVAL;
	}
	return 0;
}

int zone_check(struct zone *zone, char *msg, size_t size)
{
	unsigned long flags = mm_lock_irqsave(&zone->lock);
	int err = walk_free_lists(zone, msg, size);

	mm_unlock_irqrestore(&zone->lock, flags);
	if (!err)
		scnprintf(msg, size, "ok");
	return err;
}
