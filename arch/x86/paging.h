/*
 * The kernel's own page tables (arch/x86/paging.c, direct_map.c): built
 * and switched to once at boot. docs/paging.md has the layout and the
 * permission map.
 */
#ifndef ARCH_X86_PAGING_H
#define ARCH_X86_PAGING_H

#include <stdint.h>
#include <asm/pgtable.h>

/*
 * Build the kernel's page tables (the image with per-section permissions
 * and guard pages, the direct map), enable NX, write protection and
 * global pages, and load CR3. Needs memblock fed (tables come from it)
 * and the CPU features known. kernel_phys: where the loader placed the
 * image.
 */
void paging_init(uint64_t kernel_phys);

/* direct_map.c: map physical [0, end) at DIRECT_MAP_BASE into pgd. */
void direct_map_build(pte_t *pgd, uint64_t end);

/* Print the layout and the page counts (boot, and the `pagetables` command). */
void paging_print_summary(void);

#endif /* ARCH_X86_PAGING_H */
