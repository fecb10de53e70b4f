/*
 * The kernel's test ranges (mm/tests/pgmap_range.h,
 * drivers/pmem/tests/pmem_test.h); the host build has its own over
 * ordinary memory.
 *
 * pgmap_test_range(): a scratch piece of the first NVDIMM, 64 MiB in.
 * The piece is inside pmem0's pgmap while pmem0 is bound, so the first
 * call unbinds pmem0 and pgmap_test_range_done() binds it again. The
 * cases that use it declare KTEST_NEEDS_PMEM, which the runner grants
 * only with an NVDIMM.
 *
 * pmem_test_standin_range(): the kernel has no range to stand in for an
 * NVDIMM (every byte that is no RAM belongs to a device), so -ENODEV.
 */
#include <drivers/acpi/nfit.h>
#include <drivers/base/device.h>
#include <drivers/pmem/pmem.h>
#include <drivers/pmem/tests/pmem_test.h>
#include <lib/errno.h>
#include <mm/tests/pgmap_range.h>

#define TEST_OFFSET	(64ULL << 20)

static struct pmem_device *borrowed;	/* pmem0, unbound while a case runs */

int pgmap_test_range(uint64_t size, phys_addr_t *phys)
{
	const struct nfit_region *r = nfit_region_at(0);

	if (!r || r->size < TEST_OFFSET + size)
		return -ENODEV;
	if (!borrowed) {
		/* the range is pmem0's pgmap while it is bound: borrow it */
		borrowed = pmem_find("pmem0");
		if (borrowed && borrowed->dev.state == DEVICE_BOUND)
			device_unbind(&borrowed->dev);
	}
	*phys = r->base + TEST_OFFSET;
	return 0;
}

void pgmap_test_range_done(void)
{
	if (!borrowed)
		return;
	device_bind(&borrowed->dev, "pmem");
	put_device(&borrowed->dev);
	borrowed = NULL;
}

int pmem_test_standin_range(uint64_t size, phys_addr_t *phys)
{
	return -ENODEV;
}
