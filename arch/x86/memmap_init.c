/*
 * arch_memblock_init(): the UEFI memory map, told to memblock.
 *
 *   memory    RAM the kernel may use once boot services are gone
 *             (conventional, boot-services and loader code/data), plus the
 *             loader's own allocations, which are RAM too;
 *   reserved  the loader's allocations the kernel still uses: the kernel
 *             image, the loader's page tables (CR3 until paging_init) and
 *             the boot-info (this memory map lives there); and the first
 *             MiB, page 0 included, kept for the SMP trampoline and so
 *             that no valid allocation has physical address 0.
 * Everything else stays out of memblock: ACPI tables (reclaim) and NVS,
 * runtime services, MMIO, persistent memory and firmware-reserved ranges.
 *
 * Allocations end below the loader's direct map, so every byte memblock
 * hands out can be reached through phys_to_virt(), and are taken
 * bottom-up, away from the firmware's pages.
 */
#include <lib/printk.h>
#include <mm/memblock.h>
#include <boot/bootinfo.h>
#include <asm/efi_memmap.h>
#include <asm/page.h>

#define LOW_RESERVE	(1024 * 1024)

static bool loader_type(uint32_t type)
{
	return type == BOOT_MEMTYPE_KERNEL || type == BOOT_MEMTYPE_PAGETABLE ||
	       type == BOOT_MEMTYPE_BOOTINFO;
}

void arch_memblock_init(void)
{
	struct efi_memmap_iter it;
	struct efi_memdesc d;

	for_each_efi_memdesc(&it, &d) {
		uint64_t size = d.num_pages * EFI_PAGE_SIZE;

		if (efi_memtype_usable(d.type)) {
			memblock_add(d.phys_start, size);
		} else if (loader_type(d.type)) {
			memblock_add(d.phys_start, size);
			memblock_reserve(d.phys_start, size);
		}
	}
	memblock_reserve(0, LOW_RESERVE);
	memblock_set_current_limit(direct_map_size());
	/*
	 * OVMF runs at the top of RAM; under QEMU's emulation, overwriting a
	 * page the firmware ran code in costs a code invalidation (0.1-3 ms a
	 * page, measured on the boot page tables and the memmap), memory it
	 * never used costs nothing of the kind. So the boot allocates
	 * bottom-up.
	 */
	memblock_set_bottom_up(true);

	pr_info("memblock: %lu KiB of RAM in %u ranges, %lu KiB reserved; "
		"allocations below %#lx",
		memblock_phys_mem_size() >> 10, memblock.memory.cnt,
		memblock_reserved_size() >> 10, direct_map_size());
	memblock_dump();
}
