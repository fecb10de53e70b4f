/*
 * A physical range that is no RAM and no one's pgmap, for code that
 * wants a dev_pagemap of its own (suite mm.memremap, the page_ref benchmarks).
 * In the kernel: a piece of the first NVDIMM, pmem0 unbound meanwhile
 * (mm/tests/pgmap_test.c); on the host: ordinary memory in a section of
 * its own (arch/host/tests/pgmap_range.c).
 */
#ifndef MM_TESTS_PGMAP_RANGE_H
#define MM_TESTS_PGMAP_RANGE_H

#include <stdint.h>
#include <asm/page.h>

/* 0 and *phys, or -ENODEV (no NVDIMM) / -EINVAL (too large). */
int pgmap_test_range(uint64_t size, phys_addr_t *phys);
/* Done with it: pmem0 is bound again. */
void pgmap_test_range_done(void);

#endif /* MM_TESTS_PGMAP_RANGE_H */
