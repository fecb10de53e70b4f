/*
 * asm/phys_ranges.h from the UEFI memory map: is a physical range RAM, or
 * the kernel image?
 *
 * The map is the firmware's own account and is readable from the start
 * (efi_memmap_init() runs before start_kernel()), so the NFIT checks do
 * not depend on when memblock is filled. RAM here is every type that holds
 * memory contents: what the kernel may use (efi_memtype_usable()), ACPI
 * reclaim and NVS, runtime services code and data, and the loader's own
 * allocations (kernel image, page tables, boot-info). Not RAM: reserved
 * holes, MMIO, unusable and persistent memory (type 14, which is what a
 * real machine's NVDIMM is listed as).
 */
#include <asm/efi_memmap.h>
#include <asm/phys_ranges.h>
#include <boot/bootinfo.h>

static bool holds_memory(uint32_t type)
{
	if (efi_memtype_usable(type))
		return true;
	switch (type) {
	case EFI_ACPI_RECLAIM_MEMORY:
	case EFI_ACPI_MEMORY_NVS:
	case EFI_RUNTIME_SERVICES_CODE:
	case EFI_RUNTIME_SERVICES_DATA:
	case BOOT_MEMTYPE_KERNEL:
	case BOOT_MEMTYPE_PAGETABLE:
	case BOOT_MEMTYPE_BOOTINFO:
		return true;
	default:
		return false;
	}
}

/* Does [base, base + size) overlap a descriptor that `match` accepts? */
static bool overlaps_type(uint64_t base, uint64_t size, bool (*match)(uint32_t type))
{
	struct efi_memmap_iter it;
	struct efi_memdesc d;

	for_each_efi_memdesc(&it, &d) {
		uint64_t end = d.phys_start + d.num_pages * EFI_PAGE_SIZE;

		if (match(d.type) && base < end && d.phys_start < base + size)
			return true;
	}
	return false;
}

static bool is_kernel(uint32_t type)
{
	return type == BOOT_MEMTYPE_KERNEL;
}

bool arch_phys_overlaps_ram(uint64_t base, uint64_t size)
{
	return overlaps_type(base, size, holds_memory);
}

bool arch_phys_overlaps_kernel(uint64_t base, uint64_t size)
{
	return overlaps_type(base, size, is_kernel);
}
