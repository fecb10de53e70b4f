/*
 * The direct map: all of physical [0, direct_map_size()) at
 * DIRECT_MAP_BASE + phys, read-write, NX, global.
 *
 * The range is the loader's: max(end of the firmware's memory map, 4 GiB),
 * so it covers all RAM and also the MMIO the kernel touches below 4 GiB
 * (LAPIC 0xfee00000, IOAPIC 0xfec00000, HPET...). Caching is decided per
 * range, in two classes:
 *
 *   write-back  RAM: memblock's memory ranges (which include the loader's
 *               kernel, page tables and boot-info), and from the UEFI map
 *               the firmware's memory that memblock leaves out but the
 *               kernel reads or that is RAM all the same: ACPI tables
 *               (reclaim and NVS), runtime-services code and data, and
 *               persistent memory if the map lists it;
 *   uncached    everything else: holes, MMIO, "reserved" ranges (PCIe
 *               ECAM...), where a cached or speculative access must not go.
 *
 * The write-back ranges are merged into one sorted list, then [0, end) is
 * mapped as alternating uncached gaps and write-back runs; pt_map() gives
 * each run the largest pages its alignment allows (1 GiB, 2 MiB) and
 * 4 KiB pages only at unaligned edges.
 */
#define pr_fmt(fmt) "paging: " fmt

#include <lib/bug.h>
#include <lib/compiler.h>
#include <lib/printk.h>
#include <lib/string.h>
#include <mm/memblock.h>
#include <asm/efi_memmap.h>
#include <asm/layout.h>
#include <asm/page.h>
#include "paging.h"
#include "pgtable.h"

#define MAX_WB_RANGES	128

struct range {
	uint64_t start, end;
};

/* Sorted, disjoint, not touching (touching ranges are merged). */
static struct range wb[MAX_WB_RANGES];
static unsigned int nr_wb;

/* Add [start, end) (rounded out to pages) to the write-back set. */
static void wb_add(uint64_t start, uint64_t end)
{
	unsigned int i = 0, j;

	start = ALIGN_DOWN(start, PAGE_SIZE);
	end = ALIGN_UP(end, PAGE_SIZE);
	if (start >= end)
		return;
	while (i < nr_wb && wb[i].end < start)
		i++;
	/* ranges i..j-1 overlap or touch the new one: they become one */
	for (j = i; j < nr_wb && wb[j].start <= end; j++) {
		start = MIN(start, wb[j].start);
		end = MAX(end, wb[j].end);
	}
	if (j == i) {
		if (nr_wb == MAX_WB_RANGES)
			panic("paging: more than %d write-back ranges at 0x%lx", MAX_WB_RANGES, start);
		memmove(&wb[i + 1], &wb[i], (nr_wb - i) * sizeof(wb[0]));
		nr_wb++;
	} else {
		memmove(&wb[i + 1], &wb[j], (nr_wb - j) * sizeof(wb[0]));
		nr_wb -= j - i - 1;
	}
	wb[i] = (struct range){ start, end };
}

/* Firmware memory that memblock leaves out but that is RAM all the same. */
static bool efi_type_write_back(uint32_t type)
{
	switch (type) {
	case EFI_RUNTIME_SERVICES_CODE:
	case EFI_RUNTIME_SERVICES_DATA:
	case EFI_ACPI_RECLAIM_MEMORY:
	case EFI_ACPI_MEMORY_NVS:
	case EFI_PERSISTENT_MEMORY:
		return true;
	default:
		return false;
	}
}

static void add_ram(phys_addr_t start, phys_addr_t end, void *arg)
{
	wb_add(start, end);
}

static void collect_write_back(void)
{
	struct efi_memmap_iter it;
	struct efi_memdesc d;

	memblock_memory_ranges(add_ram, NULL);
	for_each_efi_memdesc(&it, &d)
		if (efi_type_write_back(d.type))
			wb_add(d.phys_start, d.phys_start + d.num_pages * EFI_PAGE_SIZE);
}

static void map_or_die(pte_t *pgd, uint64_t phys, uint64_t end, pgprot_t prot)
{
	int err = pt_map(pgd, DIRECT_MAP_BASE + phys, phys, end - phys, prot, PT_PUD);

	if (err)
		panic("paging: direct map of phys 0x%lx-0x%lx failed (%d)", phys, end - 1, err);
}

void direct_map_build(pte_t *pgd, uint64_t end)
{
	uint64_t pos = 0;

	collect_write_back();
	for (unsigned int i = 0; i < nr_wb && pos < end; i++) {
		uint64_t s = MIN(wb[i].start, end), e = MIN(wb[i].end, end);

		if (s > pos)
			map_or_die(pgd, pos, s, PAGE_KERNEL | PTE_CACHE_UC);
		if (e > s)
			map_or_die(pgd, s, e, PAGE_KERNEL);
		pos = MAX(pos, e);
	}
	if (pos < end)
		map_or_die(pgd, pos, end, PAGE_KERNEL | PTE_CACHE_UC);
	if (nr_wb && wb[nr_wb - 1].end > end)
		pr_warn("memory up to 0x%lx lies beyond the direct map's end 0x%lx: not mapped",
			wb[nr_wb - 1].end, end);
}
