/*
 * "arch.x86.phys_ranges": asm/phys_ranges.h on the real machine, the
 * kernel's answers to the NFIT parser's "is this RAM / the kernel?".
 *
 * The expected answers come from the UEFI memory map itself: a usable
 * range is RAM and not the kernel, the loader's kernel-image range is
 * both, MMIO is neither, and past the end of the map there is nothing.
 */
#include <lib/ktest.h>
#include <asm/efi_memmap.h>
#include <asm/phys_ranges.h>
#include <boot/bootinfo.h>

static void map_types_answer(struct ktest *t)
{
	struct efi_memmap_iter it;
	struct efi_memdesc d;
	uint64_t end = 0;
	bool kernel = false, usable = false;

	for_each_efi_memdesc(&it, &d) {
		uint64_t size = d.num_pages * EFI_PAGE_SIZE;

		if (d.phys_start + size > end)
			end = d.phys_start + size;
		if (!size)
			continue;
		if (d.type == BOOT_MEMTYPE_KERNEL) {
			kernel = true;
			EXPECT_TRUE(t, arch_phys_overlaps_kernel(d.phys_start + size - 1, 1));
			EXPECT_TRUE(t, arch_phys_overlaps_ram(d.phys_start, size));
		} else if (d.type == EFI_CONVENTIONAL_MEMORY && !usable) {
			usable = true;
			EXPECT_TRUE(t, arch_phys_overlaps_ram(d.phys_start, EFI_PAGE_SIZE));
			EXPECT_FALSE(t, arch_phys_overlaps_kernel(d.phys_start, EFI_PAGE_SIZE));
		} else if (d.type == EFI_MEMORY_MAPPED_IO) {
			EXPECT_FALSE(t, arch_phys_overlaps_ram(d.phys_start, size));
		}
	}
	EXPECT_TRUE(t, kernel);
	EXPECT_TRUE(t, usable);
	EXPECT_FALSE(t, arch_phys_overlaps_ram(end, 1ULL << 30));
	EXPECT_FALSE(t, arch_phys_overlaps_kernel(end, 1ULL << 30));
	/* A range spanning everything overlaps both. */
	EXPECT_TRUE(t, arch_phys_overlaps_ram(0, end));
	EXPECT_TRUE(t, arch_phys_overlaps_kernel(0, end));
}

static const struct ktest_case phys_ranges_cases[] = {
	KTEST_CASE(map_types_answer, "usable memory is RAM, the kernel image is the kernel, MMIO and past-the-map are neither"),
	{}
};
KTEST_SUITE(phys_ranges_suite, "arch.x86.phys_ranges", phys_ranges_cases);
