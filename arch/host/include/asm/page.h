/*
 * Host build: pages as arch/x86/include/asm/page.h defines them, with a
 * direct map at 0 (a "physical address" is just the pointer) and of size
 * 0: host code has no physical memory to reach.
 */
#ifndef ASM_PAGE_H
#define ASM_PAGE_H

#include <stdbool.h>
#include <stdint.h>

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))

#define DIRECT_MAP_BASE	0ULL

static inline void *phys_to_virt(uint64_t phys)
{
	return (void *)(uintptr_t)(phys + DIRECT_MAP_BASE);
}

static inline uint64_t virt_to_phys(const void *virt)
{
	return (uint64_t)(uintptr_t)virt - DIRECT_MAP_BASE;
}

uint64_t direct_map_size(void);
bool phys_in_direct_map(uint64_t phys, uint64_t size);

#endif /* ASM_PAGE_H */
