/*
 * "lib.ktest.selftest.late_read": a deliberate read through a stale kernel pointer
 * into a device range whose pgmap was torn down, which must end the run
 * as a crash whose report says what the address was: which pfn of which
 * device, and that its mapping was removed at the teardown (the
 * graveyard's explanation, mm/memremap_graveyard.h
 * memremap_explain_address()).
 * Selected only by name; tests/test-all checks the report. Needs an
 * NVDIMM (the range is borrowed from pmem0, mm/tests/pgmap_range.h).
 */
#include <lib/compiler.h>
#include <lib/err.h>
#include <lib/ktest.h>
#include <lib/string.h>
#include <mm/memremap.h>
#include <mm/tests/pgmap_range.h>

#define LATE_SIZE	(16ULL << 20)

static struct dev_pagemap late_pgmap;

static __noinline unsigned long read_through(volatile const unsigned long *p)
{
	return *p;
}

static void late_read_is_explained(struct ktest *t)
{
	phys_addr_t phys;
	unsigned long *stale;

	/* KTEST_NEEDS_PMEM is declared; the NVDIMM may still be too small */
	if (pgmap_test_range(LATE_SIZE, &phys))
		ktest_skip(t, "no %llu MiB test range on the NVDIMM",
			   (unsigned long long)(LATE_SIZE >> 20));
	memset(&late_pgmap, 0, sizeof(late_pgmap));
	late_pgmap.start = phys;
	late_pgmap.end = phys + LATE_SIZE - 1;
	late_pgmap.name = "late-read";
	stale = memremap_pages(&late_pgmap);
	ASSERT_FALSE(t, IS_ERR(stale));
	stale += 4096 / sizeof(*stale) * 5;		/* pfn 5 of the range */
	memunmap_pages(&late_pgmap);
	ktest_log(t, "about to read through a pointer into the removed range, on purpose");
	ktest_log(t, "read 0x%lx: the range was still mapped", read_through(stale));
	ktest_fail(t, "the read through the removed mapping did not fault");
}

static const struct ktest_case late_cases[] = {
	KTEST_CASE_NEEDS(late_read_is_explained, KTEST_NEEDS_PMEM,
			 "a read into a torn-down range crashes, explained"),
	{}
};
KTEST_SUITE_BOOT_ONLY(selftest_late_read_suite, "lib.ktest.selftest.late_read", late_cases);
