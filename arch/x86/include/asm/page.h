/*
 * Pages and the direct map, as generic code may see them.
 *
 * Every byte of physical memory below bootinfo.direct_map_size is mapped
 * at DIRECT_MAP_BASE + phys (see boot/bootinfo.h), so generic code turns
 * a physical address into a pointer with phys_to_virt() and back.
 */
#ifndef ASM_PAGE_H
#define ASM_PAGE_H

#include <stdint.h>
#include <boot/bootinfo.h>

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))

#define DIRECT_MAP_BASE	BOOT_DIRECT_MAP_BASE

static inline void *phys_to_virt(uint64_t phys)
{
	return (void *)(uintptr_t)(phys + DIRECT_MAP_BASE);
}

static inline uint64_t virt_to_phys(const void *virt)
{
	return (uint64_t)(uintptr_t)virt - DIRECT_MAP_BASE;
}

/* Bytes of physical memory the direct map covers (set at boot). */
uint64_t direct_map_size(void);

#endif /* ASM_PAGE_H */
