/*
 * struct page: what the kernel knows about one 4 KiB page frame.
 *
 * There is one struct page for every page frame that has a memmap (see
 * mm/memmap.h for how the memmap is laid out and how a pfn finds its
 * page). It is 64 bytes, so a 4 KiB page costs 1/64 of itself in memmap.
 *
 * The life story of a page
 * ------------------------
 *  1. Unborn. The memmap section that will hold it is allocated (from
 *     memblock at boot, later from the page allocator or from the device
 *     itself through an altmap) and filled with 0xff: a page whose flags
 *     are all ones is "memmap poison" and no code may treat it as a page.
 *  2. Initialised (memmap_init_range): zone set, PG_reserved, refcount 1,
 *     pfn recorded. A reserved page belongs to no allocator: the kernel
 *     image, the boot-info, the loader's page tables, the first MiB, the
 *     memmap itself, holes. It is never freed; freeing it is a bug that
 *     the allocator reports.
 *  3. Free (mem_init hands every page of memblock's free memory to the
 *     buddy allocator): PG_reserved cleared, refcount 0. The first page of
 *     each free block has PG_buddy and the block's order and sits on its
 *     zone's free list for that order; the other pages of the block have
 *     refcount 0 and no PG_buddy. With page poisoning, every free page is
 *     filled with PAGE_POISON and carries PG_poisoned.
 *  4. Allocated (alloc_pages): off the free list, the poison checked,
 *     refcount 1 on the first page (the caller's reference), the order
 *     recorded in that page. The owner may now use the owner fields (a
 *     kmalloc slab uses slab_cache, freelist and the lru link).
 *  5. Shared: others take references with get_page() (they already hold
 *     a pointer the owner gave them) or get_page_unless_zero() (lockless
 *     walkers that found the page without holding a reference), and drop
 *     them with put_page(). See mm/page_ref.h.
 *  6. Freed: the last put_page() (or __free_pages() by the last holder)
 *     brings the refcount to 0 and __put_page() returns the whole block
 *     (page->order) to its zone, where it merges with free buddies: back to
 *     step 3.
 *  Device pages (zone ZONE_DEVICE, mm/memremap.h) are born the same way
 *  in a memmap of their own, get `pgmap` instead of a list link, start
 *  with refcount 1 held by the device and never reach the allocator: their
 *  final put is a separate branch of __put_page().
 *
 * The field legend
 * ----------------
 * Every field says how it may be read and written (the letters:
 * docs/layout.md, "Field legends"):
 *   (i) immutable once memmap_init_range() has run (written before the
 *       page can be reached by anyone else);
 *   (a) atomic: only through the page_ref_* / flag accessors;
 *   (L: zone->lock) under the lock of the page's zone (struct zone,
 *       mm/page_alloc.h) while the page is free; the allocator hands it
 *       over to the owner at allocation;
 *   (o) the owner's: whoever allocated the page writes it; anyone else
 *       only reads it under the owner's rules;
 *   (L: cache->lock) under the lock of the page's kmalloc cache (slab
 *       pages);
 *   (b) device pages: set by the device's owner before the page is
 *       published, unchanged while the device is bound.
 * Flags are changed with atomic read-modify-writes (relaxed: the bits
 * themselves carry no ordering), so two parties allowed to change
 * different bits never lose each other's update; which bits a party may
 * change is the key next to each bit below.
 */
#ifndef MM_PAGE_H
#define MM_PAGE_H

#include <lib/compiler.h>
#include <lib/list.h>
#include <asm/page.h>

struct kmem_cache;
struct dev_pagemap;

struct page {
	unsigned long flags;		/* PG_* bits and the zone id, below */
	union {
		/* (L: zone->lock) free: on free_area[order];
		 * (L: cache->lock) slab: on its cache's list */
		struct list_head lru;
		struct {		/* ZONE_DEVICE pages, never on a list */
			struct dev_pagemap *pgmap;	/* (b) the range's owner */
			void *zone_device_data;		/* (b) the driver's */
		};
	};
	union {
		struct {		/* slab pages (PG_slab) */
			struct kmem_cache *slab_cache;	/* (o) every page of a slab */
			void *freelist;			/* (L: cache->lock) first
							 * page: free objects */
		};
		struct {		/* other allocated pages */
			unsigned long alloc_caller;	/* (o) alloc_pages' caller */
			unsigned long private;		/* (o) for the owner */
		};
	};
	uint16_t slab_inuse;		/* (L: cache->lock) first page of a slab: objects out */
	uint16_t slab_objects;		/* (o) first page of a slab: objects in it */
	uint8_t order;			/* (L: zone->lock) free block's order; allocated: the
					 * allocation's, set by the allocator and
					 * read by the last put (owner: hands off) */
	uint8_t __pad[3];
	int _refcount;			/* (a) see mm/page_ref.h */
	uint32_t __pad2;
	unsigned long pfn;		/* (i) the frame this page describes */
};

_Static_assert(sizeof(struct page) == 64, "struct page must stay 64 bytes");
_Static_assert(offsetof(struct page, pgmap) == offsetof(struct page, lru),
	       "pgmap overlays the list link: a device page is never on a list");

/*
 * page->flags: the low bits are PG_* flags, the top ZONE_ID_BITS are the
 * zone id (i).
 */
enum pageflags {
	PG_reserved,		/* (i) not the allocator's; cleared once when
				 * boot memory is handed to the allocator */
	PG_buddy,		/* (L: zone->lock) first page of a free block */
	PG_poisoned,		/* (L: zone->lock) free and filled with PAGE_POISON */
	PG_slab,		/* (o) part of a kmalloc slab */
	PG_large_kmalloc,	/* (o) first page of a kmalloc > 4 KiB */
	NR_PAGEFLAGS
};

#define ZONE_ID_BITS		3
#define ZONE_ID_SHIFT		(64 - ZONE_ID_BITS)
#define ZONE_ID_MASK		((1UL << ZONE_ID_BITS) - 1)

/* Zone ids (the zones themselves: mm/page_alloc.h). */
enum zone_id {
	ZONE_NORMAL = 0,	/* RAM, the boot allocator's */
	ZONE_DEVICE = 1,	/* device memory with struct pages (pmem) */
	ZONE_PRIVATE_FIRST = 2,	/* private zones, ids claimed at run time */
	NR_ZONE_IDS = 1 << ZONE_ID_BITS,
};

/* A memmap entry that was allocated but never initialised, or removed. */
#define MEMMAP_POISON_BYTE	0xff

static inline unsigned long page_flags(const struct page *page)
{
	return __atomic_load_n(&page->flags, __ATOMIC_RELAXED);
}

static inline bool page_memmap_poisoned(const struct page *page)
{
	return page_flags(page) == ~0UL;
}

static inline unsigned int page_zone_id(const struct page *page)
{
	return (page_flags(page) >> ZONE_ID_SHIFT) & ZONE_ID_MASK;
}

static inline bool is_zone_device_page(const struct page *page)
{
	return page_zone_id(page) == ZONE_DEVICE;
}

#define PAGEFLAG(Name, bit)						\
static inline bool Page##Name(const struct page *page)			\
{									\
	return page_flags(page) & (1UL << (bit));			\
}									\
static inline void SetPage##Name(struct page *page)			\
{									\
	__atomic_fetch_or(&page->flags, 1UL << (bit), __ATOMIC_RELAXED); \
}									\
static inline void ClearPage##Name(struct page *page)			\
{									\
	__atomic_fetch_and(&page->flags, ~(1UL << (bit)), __ATOMIC_RELAXED); \
}

PAGEFLAG(Reserved, PG_reserved)
PAGEFLAG(Buddy, PG_buddy)
PAGEFLAG(Poisoned, PG_poisoned)
PAGEFLAG(Slab, PG_slab)
PAGEFLAG(LargeKmalloc, PG_large_kmalloc)

#undef PAGEFLAG

/* "reserved|buddy" for flags, into buf; returns buf. */
const char *page_flags_name(unsigned long flags, char *buf, size_t size);

/*
 * Report a misuse of `page` as a warning (counted by ktest_warnings):
 *   "WARNING: page_alloc: double free: pfn 0x1234 flags 0x2(buddy) zone 0
 *    refcount 0 order 0 at mm/debug.c:NN in caller+0x12/0x40"
 * `who` names the subsystem, `what` the misuse, `caller` the code that
 * did it (usually _RET_IP_ of the public entry point).
 */
void page_report(const char *who, const char *what, const struct page *page,
		 unsigned long caller);

#endif /* MM_PAGE_H */
