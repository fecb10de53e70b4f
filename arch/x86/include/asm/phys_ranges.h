/*
 * What the platform knows about a physical address range, for code that
 * must not trust a firmware table's addresses (the NFIT's SPA ranges).
 *
 * Answered from the UEFI memory map the loader handed over, so it works
 * from the first line of start_kernel(), before (and independently of)
 * memblock. Implemented in arch/x86/phys_ranges.c; the host build has its
 * own (arch/host/phys_ranges.c), which knows no RAM at all.
 *
 * Both take size > 0 and a range that does not wrap; any overlap of one
 * byte or more answers true.
 */
#ifndef ASM_PHYS_RANGES_H
#define ASM_PHYS_RANGES_H

#include <stdbool.h>
#include <stdint.h>

/* RAM of any kind: usable, ACPI tables and NVS, runtime services, the
 * loader's allocations (not MMIO, reserved holes or persistent memory). */
bool arch_phys_overlaps_ram(uint64_t base, uint64_t size);
/* The kernel image as the loader placed it. */
bool arch_phys_overlaps_kernel(uint64_t base, uint64_t size);

#endif /* ASM_PHYS_RANGES_H */
