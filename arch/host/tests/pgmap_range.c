/*
 * Host build: the "device" ranges of suites mm.memremap and mm.memremap.graveyard
 * (mm/tests/pgmap_test.c, memremap_graveyard_test.c)
 * and of the stand-in pmem device of suites drivers.pmem.zone_device and drivers.pmem.stress
 * (drivers/pmem/tests/pmem_test.h). Ordinary anonymous memory in 128 MiB-aligned
 * sections that belong to no one else's memmap. A host physical address is the
 * pointer itself (arch/host/include/asm/page.h).
 */
#include <sys/mman.h>
#include <stdint.h>
#include <lib/errno.h>
#include <mm/memblock.h>
#include <drivers/pmem/tests/pmem_test.h>
#include <mm/memmap.h>
#include <mm/tests/pgmap_range.h>


void pgmap_test_range_done(void)
{
}

/*
 * Three sections of address space, reserved once (touched only where
 * used): from the middle of the first, up to one section for
 * pgmap_test_range() (a range of more than 64 MiB crosses into the
 * second: two memmap pieces), the third for the pmem suites' stand-in
 * device (pmem_test_standin_range()), so the two never share a section.
 */
static uintptr_t reserve_sections(void)
{
	static uintptr_t base;
	uint64_t sec = 1ULL << SECTION_SIZE_BITS;

	if (!base) {
		void *p = mmap(NULL, 4 * sec, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

		if (p == MAP_FAILED)
			return 0;
		base = ((uintptr_t)p + sec - 1) & ~(uintptr_t)(sec - 1);
		/* the section table's root pages for these ranges, allocated
		 * once here, outside the cases' free-page baselines */
		for (unsigned int i = 0; i < 3; i++)
			if (!sparse_add_section(PHYS_PFN(base + i * sec), 1, NULL))
				sparse_remove_section(PHYS_PFN(base + i * sec), 1, NULL);
	}
	return base;
}

/* size bytes at offset into the reserved sections: 0, or an error. */
static int range_at(uint64_t size, uint64_t offset, phys_addr_t *phys)
{
	uint64_t sec = 1ULL << SECTION_SIZE_BITS;
	uintptr_t base;

	if (size > sec)
		return -EINVAL;
	base = reserve_sections();
	if (!base)
		return -ENOMEM;
	*phys = base + offset;
	return 0;
}

int pgmap_test_range(uint64_t size, phys_addr_t *phys)
{
	/* from the middle of the first: beyond 64 MiB it crosses into the second */
	return range_at(size, (1ULL << SECTION_SIZE_BITS) / 2, phys);
}

int pmem_test_standin_range(uint64_t size, phys_addr_t *phys)
{
	return range_at(size, 2ULL << SECTION_SIZE_BITS, phys);	/* the third */
}
