/*
 * What the files of mm/ share with each other and with nobody else.
 */
#ifndef MM_INTERNAL_H
#define MM_INTERNAL_H

#include <mm/page_alloc.h>

/* page_alloc.c: the zone of each id (page flags), and moving a page to one. */
void zone_table_set(unsigned int id, struct zone *zone);
struct zone *zone_table_get(unsigned int id);
void set_page_zone_id(struct page *page, unsigned int id);

/* page_alloc.c: return a block whose refcount is already 0 (__put_page). */
void free_the_page(struct page *page, unsigned int order, unsigned long caller);

/* page_poison.c: fill nr pages with PAGE_POISON and mark them PG_poisoned;
 * check and clear the mark at allocation, reporting a broken pattern. */
void poison_pages(struct page *page, unsigned long nr);
void check_poison_pages(struct zone *zone, struct page *page, unsigned long nr,
			unsigned long caller);

/* page_ref.c: the final put of a device page (the device-page rule). */
void free_zone_device_page(struct page *page);

/* slab_debug.c: the SLAB_DEBUG slot layout and its checks (mm/slab.h). */
struct kmem_cache;
void slab_debug_layout(struct kmem_cache *c);
void slab_debug_init_slot(struct kmem_cache *c, void *slot);
void slab_debug_alloc(struct kmem_cache *c, struct page *slab, void *slot,
		      size_t req, unsigned long caller);
bool slab_debug_free(struct kmem_cache *c, struct page *slab, void *slot,
		     unsigned long caller);
/* A warning about obj in cache c (address, cache, slab pfn, caller); counted. */
__printf(5, 6) void slab_report(struct kmem_cache *c, struct page *slab,
				const void *obj, unsigned long caller,
				const char *fmt, ...);

#endif /* MM_INTERNAL_H */
