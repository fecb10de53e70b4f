/*
 * Memory helpers of the loader.
 *
 * alloc_pages() takes pages of one of our OS-defined memory types (see
 * bootinfo.h) so the kernel finds them in the memory map. For an aligned
 * block it looks in the memory map for the highest aligned run of free
 * pages and asks for exactly that address; only if that fails does it
 * over-allocate by (align - 1 page) and give the unaligned head and the
 * unused tail back. Freeing is what costs under OVMF (about 3 ms per MiB
 * under TCG, as does a first allocation): the exact request frees
 * nothing.
 *
 * zero_mem() stores 8 bytes at a time: gnu-efi's SetMem() and the
 * firmware's store fewer, and each store of a string instruction is one
 * step of the emulator.
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

void zero_mem(void *p, UINTN len)
{
	UINTN quads = len / 8, bytes = len % 8;

	__asm__ volatile("rep stosq" : "+D"(p), "+c"(quads) : "a"(0ULL) : "memory");
	__asm__ volatile("rep stosb" : "+D"(p), "+c"(bytes) : "a"(0) : "memory");
}

/* Below 4 GiB: inside the identity map the loader builds whatever the
 * memory size (MIN_LOADER_MAP in loader.c). */
#define ALIGNED_LIMIT	(4ULL << 30)

/* The highest align-aligned start of `pages` free pages in the map below
 * ALIGNED_LIMIT, or 0. */
static uint64_t find_aligned(UINTN pages, uint64_t align)
{
	EFI_MEMORY_DESCRIPTOR *map;
	UINTN entries, key, dsize;
	UINT32 dversion;
	uint64_t best = 0;

	map = LibMemoryMap(&entries, &key, &dsize, &dversion);
	if (!map)
		return 0;
	for (UINTN i = 0; i < entries; i++) {
		EFI_MEMORY_DESCRIPTOR *d = (void *)((UINT8 *)map + i * dsize);
		uint64_t start = d->PhysicalStart, end = start + d->NumberOfPages * PAGE_SIZE;
		uint64_t at;

		if (end > ALIGNED_LIMIT)
			end = ALIGNED_LIMIT;
		if (d->Type != EfiConventionalMemory || end <= start ||
		    end - start < pages * PAGE_SIZE)
			continue;
		at = (end - pages * PAGE_SIZE) & ~(align - 1);
		if (at >= start && at > best)
			best = at;
	}
	FreePool(map);
	return best;
}

EFI_STATUS alloc_pages(UINT32 type, UINTN pages, uint64_t align, uint64_t *phys)
{
	UINTN slack = align > PAGE_SIZE ? align / PAGE_SIZE - 1 : 0;
	EFI_PHYSICAL_ADDRESS base = 0, aligned;
	UINTN head, tail;
	EFI_STATUS st;

	if (slack) {
		base = find_aligned(pages, align);
		if (base && !EFI_ERROR(BS->AllocatePages(AllocateAddress, (EFI_MEMORY_TYPE)type,
							 pages, &base))) {
			*phys = base;
			return EFI_SUCCESS;
		}
		base = 0;
	}
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
