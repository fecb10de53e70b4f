/*
 * Pages and the direct map, as generic code sees them on every
 * architecture. <asm/page.h> includes this once it has said where its
 * direct map starts (DIRECT_MAP_BASE); include <asm/page.h>, not this.
 *
 * Every byte of memory (RAM and firmware memory, not device memory) is
 * mapped at DIRECT_MAP_BASE + phys, so generic code turns a physical
 * address into a pointer with phys_to_virt() and back. Device memory gets
 * an address there only once memremap_range() mapped it (mm/vmap.h).
 *
 * Pages are x86-64's 4 KiB on both architectures: the host runs the same
 * page tables (arch/host/include/asm/pgtable.h).
 */
#ifndef LIB_PAGE_DEFS_H
#define LIB_PAGE_DEFS_H

#include <stdbool.h>
#include <stdint.h>

#ifndef DIRECT_MAP_BASE
#error "include <asm/page.h>: it says where the direct map is"
#endif

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))

static inline void *phys_to_virt(uint64_t phys)
{
	return (void *)(uintptr_t)(phys + DIRECT_MAP_BASE);
}

static inline uint64_t virt_to_phys(const void *virt)
{
	return (uint64_t)(uintptr_t)virt - DIRECT_MAP_BASE;
}

/* Where memory ends: the direct map holds memory only below it (set at
 * boot by the architecture, which says which memory). */
uint64_t direct_map_size(void);

/* Does the direct map hold all of [phys, phys + size) from boot on? */
bool phys_in_direct_map(uint64_t phys, uint64_t size);

#endif /* LIB_PAGE_DEFS_H */
