/*
 * Memory helpers of the loader.
 *
 * alloc_pages() takes pages of one of our OS-defined memory types (see
 * bootinfo.h) so the kernel finds them in the memory map. For an aligned
 * block it over-allocates by (align - 1 page) and gives the unaligned head
 * and the unused tail back to the firmware.
 *
 * memmap_probe() looks at the current memory map once, before the page
 * tables are built: where memory ends (the end of the highest range that
 * bootinfo_memtype_is_memory() names, for the size of the direct map) and
 * how big the map is (for the boot-info copy). Reserved and MMIO ranges
 * do not count, however high they lie: QEMU 10's firmware reserves 12.5
 * GiB just below 1 TiB, and a direct map sized to reach it would claim
 * the device memory in between. Later allocations only change the types
 * of ranges already in the map, never where memory ends.
 */
#include "boot/loader.h"

EFI_STATUS alloc_pages(UINT32 type, UINTN pages, uint64_t align, uint64_t *phys)
{
	UINTN slack = align > PAGE_SIZE ? align / PAGE_SIZE - 1 : 0;
	EFI_PHYSICAL_ADDRESS base = 0, aligned;
	UINTN head, tail;
	EFI_STATUS st;

	st = BS->AllocatePages(AllocateAnyPages, (EFI_MEMORY_TYPE)type, pages + slack, &base);
	if (EFI_ERROR(st) && slack) {
		/* Alignment is a preference: fall back to any placement. */
		slack = 0;
		st = BS->AllocatePages(AllocateAnyPages, (EFI_MEMORY_TYPE)type, pages, &base);
	}
	if (EFI_ERROR(st))
		return st;

	aligned = slack ? (base + align - 1) & ~(align - 1) : base;
	head = (aligned - base) / PAGE_SIZE;
	tail = slack - head;
	if (head)
		BS->FreePages(base, head);
	if (tail)
		BS->FreePages(aligned + pages * PAGE_SIZE, tail);
	*phys = aligned;
	return EFI_SUCCESS;
}

EFI_STATUS memmap_probe(uint64_t *phys_end, UINTN *map_size, UINTN *desc_size)
{
	EFI_MEMORY_DESCRIPTOR *map;
	UINTN entries, key, dsize;
	UINT32 dversion;
	uint64_t end = 0;

	map = LibMemoryMap(&entries, &key, &dsize, &dversion);
	if (!map)
		return boot_error(EFI_OUT_OF_RESOURCES, L"cannot read the memory map");
	for (UINTN i = 0; i < entries; i++) {
		EFI_MEMORY_DESCRIPTOR *d = (void *)((UINT8 *)map + i * dsize);
		uint64_t top = d->PhysicalStart + d->NumberOfPages * PAGE_SIZE;

		if (bootinfo_memtype_is_memory(d->Type) && top > end)
			end = top;
	}
	FreePool(map);
	*phys_end = end;
	*map_size = entries * dsize;
	*desc_size = dsize;
	return EFI_SUCCESS;
}
