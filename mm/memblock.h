/*
 * memblock: the early allocator, before struct pages exist.
 *
 * Two sorted lists of physical ranges: `memory` (RAM the firmware says the
 * kernel may use, plus the loader's own allocations) and `reserved` (the
 * kernel image, the boot-info, the loader's page tables, the first MiB,
 * and everything allocated here). Ranges that overlap or touch are merged,
 * so each list is a set of disjoint, non-adjacent ranges in address order.
 * An allocation is the highest suitably aligned gap of memory-minus-
 * reserved below the current limit, recorded as reserved. When the page
 * allocator starts (mem_init), every page of memory-minus-reserved is
 * handed to it and memblock retires: the lists stay readable (meminfo,
 * tests), but adding, reserving or allocating is a bug that warns.
 *
 * Fed by the architecture from the firmware's map (arch/x86/memmap_init.c
 * from the UEFI memory map); generic and host-testable otherwise. The
 * boot instance is `memblock`; the *_in functions work on any instance
 * (the tests build their own).
 *
 * Single-threaded: only boot code, before other CPUs run, changes it.
 */
#ifndef MM_MEMBLOCK_H
#define MM_MEMBLOCK_H

#include <lib/compiler.h>

typedef uint64_t phys_addr_t;

#define MEMBLOCK_MAX_REGIONS	128

struct memblock_region {
	phys_addr_t base;
	phys_addr_t size;
};

struct memblock_type {
	unsigned int cnt;			/* regions in use */
	unsigned int max;			/* capacity of regions[] */
	struct memblock_region *regions;	/* sorted, disjoint, not adjacent */
	const char *name;
};

struct memblock {
	struct memblock_type memory;
	struct memblock_type reserved;
	phys_addr_t current_limit;		/* allocations end below; 0 = none */
	bool retired;				/* mem_init has taken over */
	bool bottom_up;				/* allocate from the lowest gap */
};

extern struct memblock memblock;

/* The architecture's part: feed `memblock` from the firmware (setup). */
void arch_memblock_init(void);

/* --- the boot instance ------------------------------------------------------ */

/* 0, -EINVAL (wraps around), -ENOSPC (too many ranges), -EPERM (retired). */
int memblock_add(phys_addr_t base, phys_addr_t size);
int memblock_reserve(phys_addr_t base, phys_addr_t size);
/*
 * Physical address of `size` bytes aligned to `align` (a power of two;
 * 0 means PAGE_SIZE), below the current limit, taken top-down (or
 * bottom-up, see below); 0 on
 * failure (with a pr_err). The memory is not zeroed.
 */
phys_addr_t memblock_alloc(phys_addr_t size, phys_addr_t align);
/* Allocations end below `limit` (the end of the direct map); 0 = none. */
void memblock_set_current_limit(phys_addr_t limit);
/*
 * Take allocations from the lowest gap instead (Linux:
 * memblock_set_bottom_up()). The x86 boot allocates so (the page tables,
 * the memmap): UEFI firmware runs at the top of RAM, and the pages it ran
 * code in are slow to overwrite under QEMU's emulation (docs/mm.md, "The
 * boot memmap").
 */
void memblock_set_bottom_up(bool enable);
/* Total bytes in `memory`, its lowest address and the end of the highest range. */
phys_addr_t memblock_phys_mem_size(void);
phys_addr_t memblock_start_of_ram(void);
phys_addr_t memblock_end_of_ram(void);
/* Total bytes of `reserved` that lie inside `memory`. */
phys_addr_t memblock_reserved_size(void);

/*
 * Call fn(start, end, arg) for every range of memory-minus-reserved, in
 * address order (byte granular: the caller rounds to pages).
 */
typedef void (*memblock_range_fn)(phys_addr_t start, phys_addr_t end, void *arg);
void memblock_free_ranges(memblock_range_fn fn, void *arg);
/* Same for every range of `memory`. */
void memblock_memory_ranges(memblock_range_fn fn, void *arg);

/* mem_init: from now on memblock is read-only. */
void memblock_retire(void);

/* Print both lists at info level. */
void memblock_dump(void);

/* --- any instance ------------------------------------------------------------- */

void memblock_init_instance(struct memblock *mb, struct memblock_region *memory,
			    struct memblock_region *reserved, unsigned int max);
/* Insert [base, base + size) into type, merging; errors as memblock_add. */
int memblock_add_range(struct memblock_type *type, phys_addr_t base,
		       phys_addr_t size);
/* Highest aligned [x, x + size) in memory-minus-reserved below `limit`
 * (0 = none); 0 if there is none. Reserves nothing. */
phys_addr_t memblock_find_in(const struct memblock *mb, phys_addr_t size,
			     phys_addr_t align, phys_addr_t limit);
/* memblock_find_in(mb->current_limit) and reserve it; 0 on failure. */
phys_addr_t memblock_alloc_in(struct memblock *mb, phys_addr_t size,
			      phys_addr_t align);
void memblock_free_ranges_in(const struct memblock *mb, memblock_range_fn fn,
			     void *arg);

#endif /* MM_MEMBLOCK_H */
