/*
 * mem_init(): from memblock to a working page allocator and kmalloc.
 *
 * Called once by start_kernel(), after the architecture has fed memblock
 * (and built its page tables from it), before anything allocates:
 *   1. the memmap for every section that holds RAM (struct pages from
 *      memblock, all reserved), timed;
 *   2. ZONE_NORMAL spanning all RAM, and every page of memblock's free
 *      memory handed to it; memblock retires;
 *   3. the kmalloc size classes.
 * It prints the figures (memmap size and time per GiB, bytes per page).
 *
 * Options, read from the command line (and set on by the host tests
 * before they boot their memory):
 *   page_poison=on   poison freed pages, check them when allocated
 *   slab_debug=on    red zones and poisoning for the kmalloc classes
 */
#ifndef MM_MEM_INIT_H
#define MM_MEM_INIT_H

#include <lib/compiler.h>

struct mm_options {
	bool page_poison;
	bool slab_debug;
};
extern struct mm_options mm_options;

/* What mem_init measured. */
struct mm_boot_stats {
	uint64_t memmap_ns;		/* allocating + initialising the RAM memmap */
	uint64_t memmap_span;		/* bytes of physical space it covers */
	uint64_t memmap_bytes;		/* bytes of struct pages */
	uint64_t release_ns;		/* handing free memory to the allocator */
	uint64_t ram_bytes;		/* memblock memory */
	unsigned long released_pages;	/* pages handed to the allocator */
};
extern struct mm_boot_stats mm_boot_stats;

void mem_init(void);
/* Has mem_init() run (is the page allocator up)? */
bool mem_init_done(void);

#endif /* MM_MEM_INIT_H */
