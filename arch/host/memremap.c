/*
 * Host build: memremap_range() of mm/vmap.h for a user process. A host
 * "physical address" is the pointer itself (arch/host/include/asm/page.h:
 * the direct map is at 0), so a range a test allocated is already mapped
 * where its direct-map address says: return it, and unmapping does
 * nothing (nor can it say what maps an address: -ENOSYS). This is what lets the pmem driver run on the host over a
 * buffer standing in for an NVDIMM.
 */
#include <mm/vmap.h>
#include <asm/page.h>
#include <lib/errno.h>

void *memremap_range(phys_addr_t phys, size_t size, unsigned int flags)
{
	if (!size || (phys & ~PAGE_MASK) || (size & ~PAGE_MASK))
		return NULL;
	return phys_to_virt(phys);
}

void memunmap_range(void *addr, size_t size)
{
}

/* The host maps nothing of its own: it cannot say what maps an address. */
int kernel_mapping_query(unsigned long virt, struct kernel_mapping *m)
{
	(void)virt;
	(void)m;
	return -ENOSYS;
}
