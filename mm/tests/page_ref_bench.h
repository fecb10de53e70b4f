/*
 * What the get/put-pair benchmarks share (page_ref.getput.normal in
 * mm/tests/gup_bench.c, .device and .device_legacy in drivers/pmem/tests/dax_bench.c):
 * which page a sample measures, and the measured loop itself, so the three
 * figures of the legacy/single ratio come from one piece of code.
 *
 * Which page: sample after sample takes the next of PAGE_REF_SPREAD pages,
 * PAGE_REF_STRIDE apart, far enough that their struct pages (64 bytes
 * each) lie in different memmap pages. Under QEMU the cost of one fixed
 * struct page depends on where its memmap page falls in the emulator's
 * direct-mapped software TLB (the same code measured 73 or 114 cycles on
 * two device pages); the median over spread pages is what the code costs.
 */
#ifndef MM_TESTS_PAGE_REF_BENCH_H
#define MM_TESTS_PAGE_REF_BENCH_H

#include <lib/bench.h>
#include <mm/memremap_modes.h>
#include <mm/page_ref.h>
#include <asm/cpu.h>

#define PAGE_REF_SPREAD		15
#define PAGE_REF_STRIDE		67
#define PAGE_REF_PAIRS		1000

/* Offset (in pages) of the page the next sample measures; turn is the caller's. */
static inline unsigned long page_ref_spread_next(unsigned int *turn)
{
	return (unsigned long)((*turn)++ % PAGE_REF_SPREAD) * PAGE_REF_STRIDE;
}

/*
 * PAGE_REF_PAIRS get_page()+put_page() pairs on page (the caller holds a
 * reference, so no put frees it), in thousandths of a cycle per pair. With
 * `hooks`, each pair also runs the legacy design's pgmap hooks. Always
 * inlined and called with a constant, so the plain loop has no branch.
 */
static __always_inline long long page_ref_pairs(struct page *page, bool hooks)
{
	uint64_t t0 = arch_cycles();

	for (unsigned int i = 0; i < PAGE_REF_PAIRS; i++) {
		get_page(page);
		if (hooks)
			zone_device_get_hook(page);
		if (hooks)
			zone_device_put_hook(page);
		put_page(page);
	}
	return bench_per_op(arch_cycles() - t0, PAGE_REF_PAIRS);
}

#endif /* MM_TESTS_PAGE_REF_BENCH_H */
