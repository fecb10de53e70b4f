/*
 * Pages and the direct map on x86-64: where the direct map starts; the
 * rest, which every architecture shares, is in lib/page_defs.h.
 *
 * Every byte of memory (RAM and firmware memory, not device memory) is
 * mapped at DIRECT_MAP_BASE + phys (arch/x86/direct_map.c; where memory
 * ends, direct_map_size(), comes from the loader's bootinfo in setup.c).
 */
#ifndef ASM_PAGE_H
#define ASM_PAGE_H

/* Where the loader builds the direct map: BOOT_DIRECT_MAP_BASE of the
 * boot contract (boot/bootinfo.h; arch/x86/setup.c checks they agree). */
#define DIRECT_MAP_BASE	0xffff800000000000ULL

#include <lib/page_defs.h>

#endif /* ASM_PAGE_H */
