/*
 * Pages and the direct map, as generic code may see them.
 *
 * Every byte of memory (RAM and firmware memory, not device memory) is
 * mapped at DIRECT_MAP_BASE + phys (arch/x86/direct_map.c), so generic
 * code turns a physical address into a pointer with phys_to_virt() and
 * back. Device memory gets an address there only once memremap_range()
 * mapped it (mm/vmap.h).
 */
#ifndef ASM_PAGE_H
#define ASM_PAGE_H

#include <stdbool.h>
#include <stdint.h>

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))

/* Where the loader builds the direct map: BOOT_DIRECT_MAP_BASE of the
 * boot contract (boot/bootinfo.h; arch/x86/setup.c checks they agree). */
#define DIRECT_MAP_BASE	0xffff800000000000ULL

static inline void *phys_to_virt(uint64_t phys)
{
	return (void *)(uintptr_t)(phys + DIRECT_MAP_BASE);
}

static inline uint64_t virt_to_phys(const void *virt)
{
	return (uint64_t)(uintptr_t)virt - DIRECT_MAP_BASE;
}

/* Where memory ends: the direct map holds memory only below it (set at
 * boot; arch/x86/direct_map.c says which memory). */
uint64_t direct_map_size(void);

/* Does the direct map hold all of [phys, phys + size) from boot on? */
bool phys_in_direct_map(uint64_t phys, uint64_t size);

#endif /* ASM_PAGE_H */
