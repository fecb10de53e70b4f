/*
 * Initialising struct pages: what a page is at birth (mm/page.h, step 2).
 *
 * Every struct page of a run gets the same 56 bytes and its own pfn, so a
 * run is written from a template: the fields are composed once, and each
 * page costs seven word stores of the template and one of its pfn, the
 * fewest the 64-byte layout allows (mm/page.h asserts the layout these
 * functions rely on: pfn is the last word). A memset of the same bytes is
 * the floor; `make bench` reports the ratio (mm.memmap_init.vs_memset).
 *
 * A ZONE_DEVICE page is written once, in its final state (Linux's
 * memmap_init_zone_device()): the usable pages of a device range get their
 * pgmap, refcount 1 and no PG_reserved in the same pass that gives them a
 * zone and a pfn; the pages an altmap lends to the memmap itself, or
 * reserves, stay reserved and without a pgmap.
 *
 * The caller owns the pages while they are written: either the section is
 * not published yet (sparse_alloc_section(), mm/memmap.h), or no one can
 * reach the pages (boot, before anything else runs).
 */
#ifndef MM_MEMMAP_INIT_H
#define MM_MEMMAP_INIT_H

#include <lib/compiler.h>
#include <mm/page.h>

struct dev_pagemap;

/* What every page of a run gets besides its pfn. */
struct memmap_fill {
	enum zone_id zone;
	bool reserved;			/* PG_reserved: no allocator's, no device's */
	struct dev_pagemap *pgmap;	/* ZONE_DEVICE usable pages: their owner */
};

/* Write nr_pages struct pages at first, for pfns pfn, pfn + 1, ... */
void memmap_init_pages(struct page *first, unsigned long pfn, unsigned long nr_pages,
		       const struct memmap_fill *fill);

/*
 * Initialise the published struct pages of [pfn, pfn + nr_pages) (which
 * must have a memmap): zone `zone_id`, PG_reserved, refcount 1, no list,
 * no pgmap.
 */
void memmap_init_range(unsigned long pfn, unsigned long nr_pages,
		       enum zone_id zone_id);

#endif /* MM_MEMMAP_INIT_H */
