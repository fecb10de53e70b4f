/*
 * The buddy allocator: free lists per order, split on allocation, merge on
 * free, and the checks that keep a bad free from corrupting the lists.
 * See mm/page_alloc.h for the design; the consistency check is in
 * zone_check.c, poisoning in page_poison.c.
 */
#include <kernel/fault_inject.h>
#include <mm/internal.h>
#include <mm/memmap.h>
#include <mm/page_ref.h>
#include <lib/bug.h>
#include <lib/printk.h>

struct zone zone_normal;

/* Zones by id (page flags); written when a zone is set up or torn down. */
static struct zone *zone_table[NR_ZONE_IDS];

struct zone *page_zone(const struct page *page)
{
	return zone_table_get(page_zone_id(page));
}

struct zone *zone_table_get(unsigned int id)
{
	return __atomic_load_n(&zone_table[id], __ATOMIC_ACQUIRE);
}

void zone_table_set(unsigned int id, struct zone *zone)
{
	__atomic_store_n(&zone_table[id], zone, __ATOMIC_RELEASE);
}

unsigned int get_order(size_t size)
{
	unsigned int order = 0;

	/* Bounded, so a size near SIZE_MAX gives a huge order, not a bad shift. */
	while (order < 63 - PAGE_SHIFT && (PAGE_SIZE << order) < size)
		order++;
	return order;
}

void zone_init(struct zone *zone, const char *name, unsigned int id,
	       unsigned long start_pfn, unsigned long end_pfn, bool poison)
{
	*zone = (struct zone){
		.name = name, .id = id, .start_pfn = start_pfn,
		.end_pfn = end_pfn, .poison = poison,
	};
	mm_lock_init(&zone->lock);
	for (unsigned int o = 0; o < MAX_ORDER; o++)
		INIT_LIST_HEAD(&zone->free_area[o].free_list);
	zone_table_set(id, zone);
}

/* --- the free lists (zone lock held) ---------------------------------------- */

static void add_to_free_list(struct zone *zone, struct page *page,
			     unsigned int order)
{
	struct free_area *area = &zone->free_area[order];

	SetPageBuddy(page);
	page->order = (uint8_t)order;
	list_add(&page->lru, &area->free_list);
	area->nr_free++;
}

static void del_from_free_list(struct zone *zone, struct page *page,
			       unsigned int order)
{
	list_del(&page->lru);
	ClearPageBuddy(page);
	zone->free_area[order].nr_free--;
}

/* Is `buddy` the first page of a free block of `order` in `zone`? */
static bool page_is_buddy(const struct zone *zone, const struct page *buddy,
			  unsigned int order)
{
	return PageBuddy(buddy) && buddy->order == order &&
	       page_zone_id(buddy) == zone->id;
}

/*
 * Put the free block [pfn, pfn + 2^order) on the lists, merging it with
 * its buddy for as long as the buddy is a free block of the same order.
 */
static void __free_one_page(struct zone *zone, unsigned long pfn,
			    unsigned int order)
{
	while (order < MAX_ORDER - 1) {
		unsigned long buddy_pfn = pfn ^ (1UL << order);
		struct page *buddy;

		if (buddy_pfn < zone->start_pfn || buddy_pfn >= zone->end_pfn)
			break;
		buddy = __pfn_to_page(buddy_pfn);
		if (!buddy || !page_is_buddy(zone, buddy, order))
			break;
		del_from_free_list(zone, buddy, order);
		pfn &= ~(1UL << order);
		order++;
	}
	add_to_free_list(zone, __pfn_to_page(pfn), order);
}

/*
 * Split the block `page` of order `high` down to `low`: each step puts the
 * upper half on the list one order below and keeps the lower half. A
 * block never crosses a section, so its pages are contiguous in the memmap.
 */
static void expand(struct zone *zone, struct page *page, unsigned int low,
		   unsigned int high)
{
	while (high > low) {
		high--;
		add_to_free_list(zone, page + (1UL << high), high);
	}
}

static struct page *rmqueue(struct zone *zone, unsigned int order)
{
	for (unsigned int o = order; o < MAX_ORDER; o++) {
		struct free_area *area = &zone->free_area[o];
		struct page *page;

		if (list_empty(&area->free_list))
			continue;
		page = list_first_entry(&area->free_list, struct page, lru);
		del_from_free_list(zone, page, o);
		expand(zone, page, order, o);
		zone->nr_free -= 1UL << order;
		return page;
	}
	return NULL;
}

/* --- allocating -------------------------------------------------------------- */

static void prep_new_page(struct zone *zone, struct page *page,
			  unsigned int order, unsigned long caller)
{
	if (zone->poison)
		check_poison_pages(zone, page, 1UL << order, caller);
	if (page_ref_count(page) != 0 || (page_flags(page) &
	    ((1UL << PG_reserved) | (1UL << PG_slab) | (1UL << PG_large_kmalloc))))
		page_report("page_alloc", "free page in a bad state (corrupted?)",
			    page, caller);
	page->order = (uint8_t)order;
	page->alloc_caller = caller;
	page->private = 0;
	set_page_count(page, 1);
}

FAULT_POINT(fp_pages, "page allocation");

static struct page *__zone_alloc_pages(struct zone *zone, unsigned int order,
				       unsigned long caller)
{
	struct page *page;
	unsigned long flags;

	if (WARN(order >= MAX_ORDER, "alloc_pages: order %u from %pS (max %u)",
		 order, (void *)caller, MAX_ORDER - 1))
		return NULL;
	if (WARN_ONCE(!zone->name, "alloc_pages from %pS before mem_init",
		      (void *)caller))
		return NULL;
	flags = mm_lock_irqsave(&zone->lock);
	/* an injected failure counts as a real one */
	page = should_fail(&fp_pages) ? NULL : rmqueue(zone, order);
	if (page)
		zone->nr_alloc++;
	else
		zone->nr_failed++;
	mm_unlock_irqrestore(&zone->lock, flags);

	if (page)
		prep_new_page(zone, page, order, caller);
	return page;
}

struct page *zone_alloc_pages(struct zone *zone, unsigned int order)
{
	return __zone_alloc_pages(zone, order, _RET_IP_);
}

struct page *alloc_pages(unsigned int order)
{
	return __zone_alloc_pages(&zone_normal, order, _RET_IP_);
}

/*
 * Every page of the block becomes an order-0 allocation with one
 * reference, owned by the caller; each then goes back on its own (and the
 * buddy merges them again as they do).
 */
void split_page(struct page *page, unsigned int order)
{
	if (WARN(page_ref_count(page) != 1 || page->order != order,
		 "split_page: pfn 0x%lx has refcount %d and order %u, expected 1 and %u",
		 page_to_pfn(page), page_ref_count(page), page->order, order))
		return;
	for (unsigned long i = 1; i < (1UL << order); i++) {
		page[i].order = 0;
		page[i].alloc_caller = page->alloc_caller;
		page[i].private = 0;
		set_page_count(&page[i], 1);
	}
	page->order = 0;
}

/* --- freeing ------------------------------------------------------------------ */

/* Why this page may not go back to the allocator, or NULL if it may. */
static const char *free_bad_reason(const struct page *page)
{
	unsigned long f = page_flags(page);

	if (f == ~0UL)
		return "free of an uninitialised or removed memmap entry";
	if (is_zone_device_page(page))
		return "free of a device page (device pages never reach the allocator)";
	if (f & (1UL << PG_reserved))
		return "free of a reserved page";
	if (f & (1UL << PG_buddy))
		return "double free (the page is already free)";
	if (f & (1UL << PG_slab))
		return "free of a kmalloc slab page";
	if (f & (1UL << PG_large_kmalloc))
		return "free of a kmalloc allocation (use kfree)";
	if (!page_zone(page))
		return "free of a page whose zone is gone";
	return NULL;
}

static void bad_free(struct page *page, const char *why, unsigned long caller)
{
	struct zone *zone = page_zone(page);

	page_report("page_alloc", why, page, caller);
	if (zone && !page_memmap_poisoned(page))
		__atomic_fetch_add(&zone->nr_bad_free, 1, __ATOMIC_RELAXED);
}

void free_the_page(struct page *page, unsigned int order, unsigned long caller)
{
	const char *why = free_bad_reason(page);
	unsigned long nr = 1UL << order, flags;
	struct zone *zone;

	if (why) {
		bad_free(page, why, caller);
		return;
	}
	zone = page_zone(page);
	page->order = 0;
	page->alloc_caller = 0;
	if (zone->poison)
		poison_pages(page, nr);

	flags = mm_lock_irqsave(&zone->lock);
	__free_one_page(zone, page_to_pfn(page), order);
	zone->nr_free += nr;
	mm_unlock_irqrestore(&zone->lock, flags);
}

static void free_pages_caller(struct page *page, unsigned int order,
			      unsigned long caller)
{
	const char *why = free_bad_reason(page);

	if (!why && page_ref_count(page) <= 0)
		why = "double free (refcount 0: already free, or not the first page of an allocation)";
	if (!why && order != page->order)
		why = "free with the wrong order (the page records the order it was allocated with)";
	if (why) {
		bad_free(page, why, caller);
		return;
	}
	/* The last reference: the same path as put_page()'s. */
	if (page_ref_dec_and_test(page))
		__put_page(page);
}

void __free_pages(struct page *page, unsigned int order)
{
	free_pages_caller(page, order, _RET_IP_);
}

void free_pages(unsigned long addr, unsigned int order)
{
	struct page *page;

	if (!addr)
		return;
	page = virt_to_page((void *)addr);
	if (page)
		free_pages_caller(page, order, _RET_IP_);
}

/* --- handing memory to a zone ------------------------------------------------ */

void set_page_zone_id(struct page *page, unsigned int id)
{
	unsigned long f = page_flags(page) & ~(ZONE_ID_MASK << ZONE_ID_SHIFT);

	__atomic_store_n(&page->flags, f | ((unsigned long)id << ZONE_ID_SHIFT),
			 __ATOMIC_RELAXED);
}

/* The largest order a block starting at pfn with nr pages left can have. */
static unsigned int block_order(unsigned long pfn, unsigned long nr)
{
	unsigned int order = pfn ? (unsigned int)__builtin_ctzl(pfn) : MAX_ORDER - 1;

	order = MIN(order, MAX_ORDER - 1);
	while ((1UL << order) > nr)
		order--;
	return order;
}

void zone_release_pages(struct zone *zone, unsigned long pfn, unsigned long nr)
{
	while (nr) {
		unsigned int order = block_order(pfn, nr);
		unsigned long n = 1UL << order, flags;
		struct page *page = pfn_to_page(pfn);

		if (!page || WARN(pfn < zone->start_pfn || pfn + n > zone->end_pfn,
				  "zone %s: pfns %#lx+%lu outside its span", zone->name,
				  pfn, n))
			return;
		for (unsigned long i = 0; i < n; i++) {
			ClearPageReserved(&page[i]);
			set_page_zone_id(&page[i], zone->id);
			set_page_count(&page[i], 0);
		}
		if (zone->poison)
			poison_pages(page, n);

		flags = mm_lock_irqsave(&zone->lock);
		__free_one_page(zone, pfn, order);
		zone->nr_free += n;
		zone->managed += n;
		mm_unlock_irqrestore(&zone->lock, flags);
		pfn += n;
		nr -= n;
	}
}

/* --- counters ------------------------------------------------------------------- */

void zone_get_counts(struct zone *zone, struct zone_counts *c)
{
	unsigned long flags = mm_lock_irqsave(&zone->lock);

	c->nr_free = zone->nr_free;
	c->managed = zone->managed;
	for (unsigned int o = 0; o < MAX_ORDER; o++)
		c->free_blocks[o] = zone->free_area[o].nr_free;
	c->nr_alloc = zone->nr_alloc;
	c->nr_failed = zone->nr_failed;
	c->nr_bad_free = __atomic_load_n(&zone->nr_bad_free, __ATOMIC_RELAXED);
	c->nr_poison_bad = __atomic_load_n(&zone->nr_poison_bad, __ATOMIC_RELAXED);
	mm_unlock_irqrestore(&zone->lock, flags);
}

unsigned long nr_free_pages(void)
{
	unsigned long flags = mm_lock_irqsave(&zone_normal.lock);
	unsigned long n = zone_normal.nr_free;

	mm_unlock_irqrestore(&zone_normal.lock, flags);
	return n;
}
