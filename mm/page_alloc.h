/*
 * The page allocator: a binary buddy allocator over zones of struct pages.
 *
 * A zone is a span of pfns with a free list per order (0..MAX_ORDER-1): a
 * free block of order k is 2^k pages starting at a pfn that is a multiple
 * of 2^k. Allocating order k takes the first block of the smallest order
 * >= k that has one and splits it, putting the upper halves back on the
 * lists below (the caller gets the lowest pfn). Freeing a block merges it
 * with its buddy (pfn ^ 2^k) while the buddy is a free block of the same
 * order in the same zone, then lists the result.
 *
 * The zones: ZONE_NORMAL is all RAM (mem_init); a private zone gets a
 * free id from ZONE_PRIVATE_FIRST up and its pages that id (the tests'
 * arenas, mm/tests/zone_arena.h, are such zones over a block borrowed
 * from ZONE_NORMAL). A page knows its zone by the id in its flags, so
 * __free_pages() always returns a page to the zone it came from.
 *
 * Locking: the zone lock (mm/mm_lock.h) guards the free lists, every free
 * page's PG_buddy/order/lru and the counters marked (L). Poisoning and its
 * checks run outside the lock, on pages that nobody else can reach.
 * Field legends (docs/layout.md): (i) set by zone_init(), before the zone
 * is used; (L) under the zone's `lock` (zone->lock in mm/page.h).
 *
 * Debugging (off by default in the kernel: `page_poison=on`; on in the
 * host tests): freed pages are filled with PAGE_POISON and checked when
 * allocated; a mismatch (someone wrote to a free page) is reported with
 * the pfn and the first bad offset. Always on: a free of a page that is
 * already free, reserved, a device page, a slab page, or of the wrong
 * order is reported with the pfn, flags, refcount and caller, and is
 * refused, so the free lists stay intact.
 *
 * Per-CPU lists of order-0 pages (Linux's pcp lists) are left out. They
 * would spare an order-0 alloc+free the split and merge through every
 * order (on the host 21 ns a pair against 16.5 ns for order 9, see
 * docs/mm.md), but pages parked on them would be free yet not on the
 * free lists, which the double-free checks and zone_check() rely on; zdk
 * keeps the one zone lock until a measurement shows it contended.
 */
#ifndef MM_PAGE_ALLOC_H
#define MM_PAGE_ALLOC_H

#include <lib/compiler.h>
#include <lib/list.h>
#include <mm/mm_lock.h>
#include <mm/page.h>

#define MAX_ORDER		11	/* orders 0..10: up to 4 MiB */
#define PAGE_POISON		0xaa	/* a free page's every byte */

struct free_area {
	struct list_head free_list;	/* (L) first pages, PG_buddy */
	unsigned long nr_free;		/* (L) blocks on the list */
};

struct zone {
	struct mm_lock lock;
	/* (i) set by zone_init */
	const char *name;
	unsigned int id;		/* enum zone_id, or an arena id */
	unsigned long start_pfn;	/* span: [start_pfn, end_pfn) */
	unsigned long end_pfn;
	bool poison;			/* fill freed pages, check on alloc */
	/* (L) */
	struct free_area free_area[MAX_ORDER];
	unsigned long nr_free;		/* free pages */
	unsigned long managed;		/* pages ever handed to the zone */
	unsigned long nr_alloc;		/* successful allocations */
	unsigned long nr_failed;	/* allocations that found no block */
	unsigned long nr_bad_free;	/* frees refused (reported) */
	unsigned long nr_poison_bad;	/* allocations that found poison broken */
	unsigned long last_poison_pfn;	/* ...the latest: where */
	unsigned long last_poison_offset;
};

extern struct zone zone_normal;

/* The zone a page belongs to (NULL for device pages and unknown ids). */
struct zone *page_zone(const struct page *page);

/* --- allocating and freeing ---------------------------------------------- */

/*
 * 2^order contiguous pages from ZONE_NORMAL, or NULL when no block is
 * free (order >= MAX_ORDER is a bug: it warns). The first page has
 * refcount 1 and page->order == order; the others have refcount 0.
 * The memory is not zeroed.
 */
struct page *alloc_pages(unsigned int order);
struct page *zone_alloc_pages(struct zone *zone, unsigned int order);
#define alloc_page()		alloc_pages(0)

/*
 * Drop the caller's reference to an allocation of `order` pages; the last
 * reference frees it. A bad free is reported and ignored (see above).
 */
void __free_pages(struct page *page, unsigned int order);
#define __free_page(page)	__free_pages((page), 0)
/* The same by direct-map address (Linux's free_pages). */
void free_pages(unsigned long addr, unsigned int order);
#define free_page(addr)		free_pages((addr), 0)

/*
 * Turn an allocation of 2^order pages (the caller's only reference) into
 * 2^order allocations of one page, each with refcount 1 (Linux's
 * split_page): for frames mapped as one block whose pages are counted one
 * by one, such as a 2 MiB leaf.
 */
void split_page(struct page *page, unsigned int order);

/* The smallest order whose block holds `size` bytes. */
unsigned int get_order(size_t size);

/* --- zones ---------------------------------------------------------------------- */

/* An empty zone spanning [start_pfn, end_pfn); registers its id. */
void zone_init(struct zone *zone, const char *name, unsigned int id,
	       unsigned long start_pfn, unsigned long end_pfn, bool poison);

/*
 * Hand [pfn, pfn + nr) to the zone as free memory. The pages must be
 * initialised, in the zone's span, owned by the caller and not yet free;
 * their PG_reserved is cleared (mem_init's release of boot memory).
 */
void zone_release_pages(struct zone *zone, unsigned long pfn, unsigned long nr);

/* --- counters and the consistency check --------------------------------- */

struct zone_counts {
	unsigned long nr_free;
	unsigned long managed;
	unsigned long free_blocks[MAX_ORDER];
	unsigned long nr_alloc, nr_failed, nr_bad_free, nr_poison_bad;
};

void zone_get_counts(struct zone *zone, struct zone_counts *c);
/* Free pages of ZONE_NORMAL. */
unsigned long nr_free_pages(void);

/*
 * Walk the zone's free lists under its lock and check every block: first
 * page marked PG_buddy with the list's order, aligned to it, inside the
 * span and the zone, refcount 0, not mergeable with its buddy; per-order
 * counts and the total agree. Returns 0, or -EINVAL with the first
 * inconsistency described in msg.
 */
int zone_check(struct zone *zone, char *msg, size_t size);

#endif /* MM_PAGE_ALLOC_H */
