/*
 * Host build: the interface of arch/x86/include/asm/phys_ranges.h. A user
 * process has no physical memory map: both answer false
 * (arch/host/phys_ranges.c). Tests that need a platform inject their own
 * answers (struct nfit_ops) instead.
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
