/*
 * Host build: asm/phys_ranges.h for a user process, which has no
 * physical memory map. Nothing overlaps anything; the NFIT tests inject
 * their own platform (struct nfit_ops) to exercise those checks.
 */
#include <asm/phys_ranges.h>

bool arch_phys_overlaps_ram(uint64_t base, uint64_t size)
{
	return false;
}

bool arch_phys_overlaps_kernel(uint64_t base, uint64_t size)
{
	return false;
}
