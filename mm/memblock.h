/*
 * memblock: the early allocator, before struct pages exist.
 *
 * Two sorted lists of physical ranges: `memory` (RAM the firmware says the
 * kernel may use) and `reserved` (the kernel image, the boot-info, the
 * loader's page tables, ACPI tables, and everything allocated here). An
 * allocation is a free gap of memory-minus-reserved, taken top-down, and
 * recorded as reserved. When the page allocator starts (mem_init), every
 * page of memory-minus-reserved is handed to it and memblock retires:
 * later calls are a bug and warn.
 *
 * Fed by the architecture from the firmware's map (arch/x86/setup.c, from
 * the UEFI memory map); generic and host-testable otherwise.
 */
#ifndef MM_MEMBLOCK_H
#define MM_MEMBLOCK_H

#include <lib/compiler.h>

typedef uint64_t phys_addr_t;

int memblock_add(phys_addr_t base, phys_addr_t size);
int memblock_reserve(phys_addr_t base, phys_addr_t size);
/* Physical address of `size` bytes aligned to `align`, below `limit`
 * (0 = anywhere in the direct map); 0 on failure (with a pr_err). The
 * memory is not zeroed. */
phys_addr_t memblock_alloc(phys_addr_t size, phys_addr_t align);
/* Total bytes in `memory`, and the end of the highest range. */
phys_addr_t memblock_phys_mem_size(void);
phys_addr_t memblock_end_of_ram(void);
