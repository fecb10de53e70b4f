/*
 * The direct map: the machine's memory at DIRECT_MAP_BASE + phys,
 * read-write, NX, global, write-back; and nothing else.
 *
 * Memory is what the firmware's map calls memory
 * (bootinfo_memtype_is_memory(), shared with the loader): RAM, whether
 * free or used by boot services, the loader or the kernel; the firmware's
 * run-time code and data; ACPI tables and NVS. The ranges are collected
 * once at boot, merged, sorted, and never change afterwards: readers need
 * no lock.
 *
 * What the direct map leaves out: holes, MMIO, reserved ranges, and
 * persistent memory, whether the map lists it or not (QEMU's NVDIMMs are
 * only in the NFIT): it belongs to the pmem driver. Those physical addresses have no mapping until a driver asks for
 * one with memremap_range() (vmap.c), which puts it at the same
 * phys_to_virt() address with the caching the driver needs: uncached for
 * the LAPIC's registers, write-back for persistent memory. That is Linux's
 * rule too: memremap(MEMREMAP_WB) hands out the direct map only where the
 * direct map is RAM, and makes a mapping of its own elsewhere.
 *
 * Why not map everything below the highest address, uncached where it is
 * not RAM: a firmware may reserve ranges anywhere (QEMU 10's OVMF reserves
 * 12.5 GiB just below 1 TiB), so "everything" can be a terabyte, and an
 * NVDIMM lying in it would already have an uncached mapping when its
 * driver needs a write-back one. Two mappings of one page with different
 * memory types are not allowed (Intel SDM vol. 3, "Memory Type Aliasing"),
 * so the driver could only fail.
 *
 * pt_map() gives each range the largest pages its alignment allows
 * (1 GiB, 2 MiB) and 4 KiB pages only at unaligned edges.
 */
#define pr_fmt(fmt) "paging: " fmt

#include <boot/bootinfo.h>
#include <lib/bug.h>
#include <lib/compiler.h>
#include <lib/printk.h>
#include <lib/string.h>
#include <asm/efi_memmap.h>
#include <asm/layout.h>
#include <asm/page.h>
#include "direct_map.h"
#include "paging.h"
#include "pgtable.h"

/* The boot map's ranges: written by direct_map_build() before any other
 * CPU runs, read-only afterwards. */
static struct direct_map_ranges boot_ranges;

/* Add [start, end) (rounded out to pages) to the set, merging neighbours. */
static int ranges_add(struct direct_map_ranges *dm, uint64_t start, uint64_t end)
{
	unsigned int i = 0, j;

	start = ALIGN_DOWN(start, PAGE_SIZE);
	end = ALIGN_UP(end, PAGE_SIZE);
	if (start >= end)
		return 0;
	while (i < dm->nr && dm->r[i].end < start)
		i++;
	/* ranges i..j-1 overlap or touch the new one: they become one */
	for (j = i; j < dm->nr && dm->r[j].start <= end; j++) {
		start = MIN(start, dm->r[j].start);
		end = MAX(end, dm->r[j].end);
	}
	if (j == i) {
		if (dm->nr == DIRECT_MAP_MAX_RANGES)
			return -1;
		memmove(&dm->r[i + 1], &dm->r[i], (dm->nr - i) * sizeof(dm->r[0]));
		dm->nr++;
	} else {
		memmove(&dm->r[i + 1], &dm->r[j], (dm->nr - j) * sizeof(dm->r[0]));
		dm->nr -= j - i - 1;
	}
	dm->r[i] = (struct direct_map_range){ start, end };
	return 0;
}

int direct_map_ranges_collect(struct direct_map_ranges *dm, struct efi_memmap_iter *it)
{
	struct efi_memdesc d;

	dm->nr = 0;
	while (efi_memmap_next(it, &d)) {
		if (!bootinfo_memtype_is_memory(d.type))
			continue;
		if (ranges_add(dm, d.phys_start, d.phys_start + d.num_pages * EFI_PAGE_SIZE)) {
			pr_err("more than %d separate memory ranges; the first left out starts at 0x%lx",
			       DIRECT_MAP_MAX_RANGES, d.phys_start);
			return -1;
		}
	}
	return 0;
}

uint64_t direct_map_ranges_end(const struct direct_map_ranges *dm)
{
	return dm->nr ? dm->r[dm->nr - 1].end : 0;
}

enum direct_map_cover direct_map_ranges_cover(const struct direct_map_ranges *dm,
					      uint64_t phys, uint64_t size)
{
	uint64_t end = phys + size;

	for (unsigned int i = 0; i < dm->nr && dm->r[i].start < end; i++) {
		if (dm->r[i].end <= phys)
			continue;
		/* Ranges never touch, so a range that holds part of
		 * [phys, end) and not all of it means something else is next
		 * to it. */
		return dm->r[i].start <= phys && end <= dm->r[i].end ? DIRECT_MAP_ALL
								     : DIRECT_MAP_PART;
	}
	return DIRECT_MAP_NONE;
}

enum direct_map_cover direct_map_covers(uint64_t phys, uint64_t size)
{
	return direct_map_ranges_cover(&boot_ranges, phys, size);
}

bool phys_in_direct_map(uint64_t phys, uint64_t size)
{
	return size && phys + size > phys && direct_map_covers(phys, size) == DIRECT_MAP_ALL;
}

const struct direct_map_ranges *direct_map_ranges(void)
{
	return &boot_ranges;
}

void direct_map_build(pte_t *pgd, uint64_t end)
{
	struct efi_memmap_iter it;

	efi_memmap_iter_init(&it);
	if (direct_map_ranges_collect(&boot_ranges, &it))
		panic("paging: the firmware's memory map has too many ranges for the direct map");
	for (unsigned int i = 0; i < boot_ranges.nr; i++) {
		const struct direct_map_range *r = &boot_ranges.r[i];
		int err;

		if (r->end > end) {
			/* The loader sized the map with the same rule: only a
			 * loader and kernel that disagree get here. */
			pr_warn("memory 0x%lx-0x%lx reaches beyond the direct map's end 0x%lx: "
				"the rest is not mapped", r->start, r->end - 1, end);
			boot_ranges.r[i].end = MAX(r->start, end);
			boot_ranges.nr = r->start < end ? i + 1 : i;
			if (r->start >= end)
				break;
		}
		err = pt_map(pgd, DIRECT_MAP_BASE + r->start, r->start, MIN(r->end, end) - r->start,
			     PAGE_KERNEL, PT_PUD);
		if (err)
			panic("paging: direct map of phys 0x%lx-0x%lx failed (%d)",
			      r->start, r->end - 1, err);
	}
}
