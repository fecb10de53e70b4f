/*
 * The direct map's ranges (direct_map.c): which physical memory the
 * kernel maps write-back at phys_to_virt() from boot on, for good.
 *
 * The set is computed from a firmware memory map; the kernel's own set
 * (from the boot map) is fixed once direct_map_build() ran and is read
 * without a lock. Tests compute sets from memory maps of other machines
 * with direct_map_ranges_collect().
 */
#ifndef ARCH_X86_DIRECT_MAP_H
#define ARCH_X86_DIRECT_MAP_H

#include <stdint.h>
#include <asm/efi_memmap.h>

#define DIRECT_MAP_MAX_RANGES	128

struct direct_map_range {
	uint64_t start, end;		/* page-aligned, [start, end) */
};

/* Sorted, disjoint and never touching (touching ranges are merged). */
struct direct_map_ranges {
	struct direct_map_range r[DIRECT_MAP_MAX_RANGES];
	unsigned int nr;
};

/* How much of a physical range the direct map holds. */
enum direct_map_cover {
	DIRECT_MAP_NONE,		/* none of it: memremap_range() maps it */
	DIRECT_MAP_PART,		/* some: no single mapping can serve it */
	DIRECT_MAP_ALL,			/* all of it, write-back */
};

/* The memory ranges of the map it walks (bootinfo_memtype_is_memory());
 * 0, or -1 with a message if there are more than DIRECT_MAP_MAX_RANGES. */
int direct_map_ranges_collect(struct direct_map_ranges *dm, struct efi_memmap_iter *it);
/* The end of the highest range, 0 for an empty set. */
uint64_t direct_map_ranges_end(const struct direct_map_ranges *dm);
enum direct_map_cover direct_map_ranges_cover(const struct direct_map_ranges *dm,
					      uint64_t phys, uint64_t size);

/* The kernel's set, and the question asked of it. */
const struct direct_map_ranges *direct_map_ranges(void);
enum direct_map_cover direct_map_covers(uint64_t phys, uint64_t size);

#endif /* ARCH_X86_DIRECT_MAP_H */
