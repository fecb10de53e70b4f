/*
 * Host build: the "device" range of suite pgmap (mm/tests/pgmap_test.c).
 * Ordinary anonymous memory, reserved once: 256 MiB of address space
 * (touched only where used) so that a 128 MiB-aligned section inside it
 * belongs to no one else's memmap. A host physical address is the
 * pointer itself (tests/host/include/asm/page.h).
 */
#include <sys/mman.h>
#include <stdint.h>
#include <lib/errno.h>
#include <mm/memblock.h>
#include <mm/memmap.h>

int pgmap_test_range(uint64_t size, phys_addr_t *phys);
void pgmap_test_range_done(void);

void pgmap_test_range_done(void)
{
}

int pgmap_test_range(uint64_t size, phys_addr_t *phys)
{
	static uintptr_t base;
	uint64_t sec = 1ULL << SECTION_SIZE_BITS;

	if (size > sec / 2)
		return -EINVAL;
	if (!base) {
		void *p = mmap(NULL, 2 * sec, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

		if (p == MAP_FAILED)
			return -ENOMEM;
		base = ((uintptr_t)p + sec - 1) & ~(uintptr_t)(sec - 1);
		/* the section table's root page for this range, allocated
		 * once here, outside the cases' free-page baselines */
		if (!sparse_add_section(PHYS_PFN(base), 1, NULL))
			sparse_remove_section(PHYS_PFN(base), 1, NULL);
	}
	*phys = base + (sec / 2);
	return 0;
}
