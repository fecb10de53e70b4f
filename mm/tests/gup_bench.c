/*
 * The figures of get_user_pages (lib/bench.h), like Linux's gup_test:
 * nanoseconds per page, the get and the put measured apart.
 *
 *   gup_{fast,slow}.anon_4k.{get,put}      512 pages per call, anonymous
 *                                          4 KiB leaves
 *   gup_{fast,slow}.anon_4k_x1.{get,put}   the same, 1 page per call
 *   gup_{fast,slow}.huge_2m.{get,put}      512 pages per call from one
 *                                          2 MiB leaf (a reference per
 *                                          subpage)
 *   gup_{fast,slow}.huge_2m_x1.{get,put}   1 page per call from it
 *
 * "fast" is get_user_pages_fast() on a populated range (the lockless walk
 * does everything), "slow" is get_user_pages() (mmap_lock, region lookup,
 * one descent per page table, then its leaves read in place). "put" is
 * unpin_user_pages() of what was pinned.
 * Each sample pins the range ROUNDS times (references pile up, which is
 * fine), then unpins all of it; the two halves are timed separately.
 *
 * The setup builds an address space with the range mapped and faulted in
 * and makes the benchmark's thread run in it (use_mm); the teardown
 * undoes it all. Figures are printed, never asserted.
 */
#include <lib/bench.h>
#include <lib/errno.h>
#include <lib/ktime.h>
#include <lib/string.h>
#include <mm/gup.h>
#include <mm/mem_init.h>
#include <mm/memmap.h>
#include <mm/mm.h>
#include <mm/page_alloc.h>
#include <mm/page_ref.h>
#include <mm/tests/page_ref_bench.h>
#include <asm/cpu.h>
#include <asm/page.h>

#define BENCH_ADDR	0x40000000UL	/* 2 MiB-aligned */
#define RANGE_PAGES	512
#define ROUNDS		4

struct gup_bench {
	struct bench b;
	bool fast;		/* get_user_pages_fast() or get_user_pages() */
	bool huge;		/* one 2 MiB leaf or 512 anonymous 4 KiB pages */
	unsigned int per_call;	/* pages per call: 1 or 512 */
	bool put;		/* report the unpin half */
};

static struct {
	struct mm_struct *mm;
	struct page *block;	/* the 2 MiB leaf's pages (huge) */
	struct page *pages[ROUNDS * RANGE_PAGES];
} gb;

static const struct gup_bench *gup_bench_of(struct bench_run *r)
{
	return container_of(r->bench, struct gup_bench, b);
}

static int block_fault(struct vm_fault *vmf)
{
	vmf->pfn = page_to_pfn(gb.block) + (vmf->max_order ? 0 : vmf->pgoff);
	vmf->order = vmf->max_order;
	vmf->kind = VMF_PAGE;
	return 0;
}

static const struct vm_operations_struct block_ops = {
	.name = "gup_bench_block",
	.fault = block_fault,
};

static void free_block(void)
{
	for (unsigned int i = 0; gb.block && i < RANGE_PAGES; i++)
		put_page(gb.block + i);
	gb.block = NULL;
}

static void gup_bench_teardown(struct bench_run *r)
{
	if (gb.mm) {
		unuse_mm(gb.mm);
		mm_destroy(gb.mm);
		gb.mm = NULL;
	}
	free_block();
}

static int gup_bench_setup(struct bench_run *r)
{
	const struct gup_bench *g = gup_bench_of(r);
	long addr;

	if (!mem_init_done())
		return -ENODEV;
	gb.mm = mm_create();
	if (!gb.mm)
		return -ENOMEM;
	use_mm(gb.mm);
	if (g->huge) {
		gb.block = alloc_pages(9);
		if (!gb.block) {
			gup_bench_teardown(r);
			return -ENOMEM;
		}
		split_page(gb.block, 9);
		addr = mmap_with_ops(gb.mm, BENCH_ADDR, RANGE_PAGES * PAGE_SIZE,
				     PROT_READ | PROT_WRITE, &block_ops, NULL);
	} else {
		addr = mmap_anon(gb.mm, BENCH_ADDR, RANGE_PAGES * PAGE_SIZE,
				 PROT_READ | PROT_WRITE);
	}
	/* fault the range in: from now on the fast path needs no fallback */
	if (addr != (long)BENCH_ADDR ||
	    get_user_pages(gb.mm, BENCH_ADDR, RANGE_PAGES, FOLL_WRITE, NULL) != RANGE_PAGES) {
		gup_bench_teardown(r);
		return addr < 0 ? (int)addr : -ENOMEM;
	}
	return 0;
}

static long pin(const struct gup_bench *g, unsigned long addr, unsigned int n,
		struct page **pages)
{
	if (g->fast)
		return get_user_pages_fast(addr, n, FOLL_WRITE, pages);
	return get_user_pages(gb.mm, addr, n, FOLL_WRITE | FOLL_GET, pages);
}

static long long gup_bench_sample(struct bench_run *r)
{
	const struct gup_bench *g = gup_bench_of(r);
	unsigned long total = 0;
	uint64_t t0, t1, t2;

	t0 = ktime_get_ns();
	for (unsigned int round = 0; round < ROUNDS; round++) {
		for (unsigned int i = 0; i < RANGE_PAGES; i += g->per_call) {
			long n = pin(g, BENCH_ADDR + i * PAGE_SIZE, g->per_call,
				     gb.pages + total);

			if (n != (long)g->per_call) {
				unpin_user_pages(gb.pages, total + (n > 0 ? n : 0));
				return n < 0 ? n : -EFAULT;
			}
			total += n;
		}
	}
	t1 = ktime_get_ns();
	unpin_user_pages(gb.pages, total);
	t2 = ktime_get_ns();
	return bench_per_op(g->put ? t2 - t1 : t1 - t0, total);
}

#define GUP_BENCH(var, name_, fast_, huge_, per_call_, put_)			\
	static const struct gup_bench var = {					\
		.b = { .name = name_, .unit = "ns", .setup = gup_bench_setup,	\
		       .sample = gup_bench_sample, .teardown = gup_bench_teardown }, \
		.fast = fast_, .huge = huge_, .per_call = per_call_, .put = put_, \
	};									\
	static const struct bench *const __bench_ptr_##var			\
		__used __section("bench_list") = &var.b

GUP_BENCH(gf_4k_get, "gup_fast.anon_4k.get", true, false, 512, false);
GUP_BENCH(gf_4k_put, "gup_fast.anon_4k.put", true, false, 512, true);
GUP_BENCH(gs_4k_get, "gup_slow.anon_4k.get", false, false, 512, false);
GUP_BENCH(gs_4k_put, "gup_slow.anon_4k.put", false, false, 512, true);
GUP_BENCH(gf_4k1_get, "gup_fast.anon_4k_x1.get", true, false, 1, false);
GUP_BENCH(gf_4k1_put, "gup_fast.anon_4k_x1.put", true, false, 1, true);
GUP_BENCH(gs_4k1_get, "gup_slow.anon_4k_x1.get", false, false, 1, false);
GUP_BENCH(gs_4k1_put, "gup_slow.anon_4k_x1.put", false, false, 1, true);
GUP_BENCH(gf_2m_get, "gup_fast.huge_2m.get", true, true, 512, false);
GUP_BENCH(gf_2m_put, "gup_fast.huge_2m.put", true, true, 512, true);
GUP_BENCH(gs_2m_get, "gup_slow.huge_2m.get", false, true, 512, false);
GUP_BENCH(gs_2m_put, "gup_slow.huge_2m.put", false, true, 512, true);
GUP_BENCH(gf_2m1_get, "gup_fast.huge_2m_x1.get", true, true, 1, false);
GUP_BENCH(gf_2m1_put, "gup_fast.huge_2m_x1.put", true, true, 1, true);
GUP_BENCH(gs_2m1_get, "gup_slow.huge_2m_x1.get", false, true, 1, false);
GUP_BENCH(gs_2m1_put, "gup_slow.huge_2m_x1.put", false, true, 1, true);

/*
 * page_ref.getput.normal: one get_page() + put_page() pair on an
 * ordinary page someone holds (so the put never frees it), in cycles.
 * The device-page variants join it with dev_pagemap.
 *
 * Which page: the next of spread pages (mm/tests/page_ref_bench.h says why).
 */
static struct page *spread_block;	/* one order-10 block, split */

static int getput_normal_setup(struct bench_run *r)
{
	spread_block = alloc_pages(10);
	if (!spread_block)
		return -ENOMEM;
	split_page(spread_block, 10);
	return 0;
}

static void getput_normal_teardown(struct bench_run *r)
{
	for (unsigned int i = 0; i < 1024; i++)
		put_page(spread_block + i);
	spread_block = NULL;
}

static long long getput_normal_sample(struct bench_run *r)
{
	static unsigned int turn;

	return page_ref_pairs(spread_block + page_ref_spread_next(&turn), false);
}

BENCH(page_ref_getput_normal, .name = "page_ref.getput.normal", .unit = ARCH_CYCLES_UNIT,
      .setup = getput_normal_setup, .sample = getput_normal_sample,
      .teardown = getput_normal_teardown);
