/*
 * The memory manager's figures, in the benchmark registry (lib/bench.h):
 * `bench=mm.*` on the command line, `bench mm.*` in the shell, `make bench`.
 *
 *   mm.alloc_free.order0   alloc_page + __free_page, per pair
 *   mm.alloc_free.order9   alloc_pages(9) + __free_pages (2 MiB), per pair
 *   mm.kmalloc_free.64     kmalloc(64) + kfree, per pair
 *   mm.memmap_init         building the boot memmap, per GiB of RAM sections
 *   mm.memmap_overhead     bytes of struct page per 4 KiB page of RAM
 *   mm.memmap_write        memmap_init_pages() over a 2 MiB scratch array
 *                          (the struct pages of 128 MiB), in ms per GiB covered
 *   mm.memmap_memset       a memset of the same bytes, the same way: the
 *                          floor (bench-report gives the ratio)
 *
 * The first three count arch_cycles() (TSC cycles in the kernel, ns on the
 * host); they include page poisoning and slab debugging when those are on
 * (`page_poison=on`, `slab_debug=on`: off by default in the kernel). The
 * next two are what mem_init measured at boot (one sample: boot happens
 * once); the last two write memory that is already touched, so they
 * compare stores with stores. Figures are printed, never asserted.
 */
#include <lib/bench.h>
#include <lib/errno.h>
#include <mm/mem_init.h>
#include <mm/memmap.h>
#include <mm/memmap_init.h>
#include <lib/ktime.h>
#include <lib/string.h>
#include <mm/page_alloc.h>
#include <mm/slab.h>
#include <asm/cpu.h>

#define PAIRS_SMALL	1000
#define PAIRS_LARGE	100

static int mm_ready(struct bench_run *r)
{
	return mem_init_done() ? 0 : -ENODEV;
}

static long long pages_sample(unsigned int order, unsigned int pairs)
{
	uint64_t t0 = arch_cycles();

	for (unsigned int i = 0; i < pairs; i++) {
		struct page *page = alloc_pages(order);

		if (!page)
			return -ENOMEM;
		__free_pages(page, order);
	}
	return bench_per_op(arch_cycles() - t0, pairs);
}

static long long order0_sample(struct bench_run *r)
{
	return pages_sample(0, PAIRS_SMALL);
}

static long long order9_sample(struct bench_run *r)
{
	return pages_sample(9, PAIRS_LARGE);
}

static long long kmalloc64_sample(struct bench_run *r)
{
	uint64_t t0 = arch_cycles();

	for (unsigned int i = 0; i < PAIRS_SMALL; i++) {
		void *p = kmalloc(64);

		if (!p)
			return -ENOMEM;
		kfree(p);
	}
	return bench_per_op(arch_cycles() - t0, PAIRS_SMALL);
}

/* Thousandths of a ms per GiB = microseconds per GiB. */
static long long memmap_init_sample(struct bench_run *r)
{
	const struct mm_boot_stats *s = &mm_boot_stats;

	if (!s->memmap_span)
		return -ENODEV;
	return (long long)(s->memmap_ns * 1024 / (s->memmap_span >> 20) / 1000);
}

static long long memmap_overhead_sample(struct bench_run *r)
{
	const struct mm_boot_stats *s = &mm_boot_stats;
	uint64_t ram_pages = s->ram_bytes >> PAGE_SHIFT;

	return ram_pages ? bench_per_op(s->memmap_bytes, ram_pages) : -ENODEV;
}

BENCH(mm_order0, .name = "mm.alloc_free.order0", .unit = ARCH_CYCLES_UNIT,
      .setup = mm_ready, .sample = order0_sample);
BENCH(mm_order9, .name = "mm.alloc_free.order9", .unit = ARCH_CYCLES_UNIT,
      .setup = mm_ready, .sample = order9_sample);
BENCH(mm_kmalloc64, .name = "mm.kmalloc_free.64", .unit = ARCH_CYCLES_UNIT,
      .setup = mm_ready, .sample = kmalloc64_sample);
BENCH(mm_memmap_init, .name = "mm.memmap_init", .unit = "ms/GiB", .samples = 1,
      .setup = mm_ready, .sample = memmap_init_sample);
BENCH(mm_memmap_overhead, .name = "mm.memmap_overhead", .unit = "bytes/page",
      .samples = 1, .setup = mm_ready, .sample = memmap_overhead_sample);

/* --- writing struct pages vs a memset ------------------------------------------ */

#define SCRATCH_ORDER	9	/* 2 MiB: 32768 struct pages, 128 MiB covered */

static int scratch_setup(struct bench_run *r)
{
	struct page *page = mem_init_done() ? alloc_pages(SCRATCH_ORDER) : NULL;

	if (!page)
		return -ENOMEM;
	r->priv = page_address(page);
	memset(r->priv, 0, PAGE_SIZE << SCRATCH_ORDER);	/* touched before timing */
	return 0;
}

static void scratch_teardown(struct bench_run *r)
{
	__free_pages(virt_to_page(r->priv), SCRATCH_ORDER);
}

/* Microseconds per GiB covered, from the ns one scratch array took. */
static long long per_gib_covered(uint64_t ns)
{
	uint64_t covered_mib = ((PAGE_SIZE << SCRATCH_ORDER) / sizeof(struct page)) *
			       PAGE_SIZE >> 20;

	return (long long)(ns * 1024 / covered_mib / 1000);
}

static long long memmap_write_sample(struct bench_run *r)
{
	const struct memmap_fill fill = { .zone = ZONE_DEVICE, .reserved = true };
	unsigned long n = (PAGE_SIZE << SCRATCH_ORDER) / sizeof(struct page);
	uint64_t t0 = ktime_get_ns();

	memmap_init_pages(r->priv, 0x100000, n, &fill);
	return per_gib_covered(ktime_get_ns() - t0);
}

static long long memmap_memset_sample(struct bench_run *r)
{
	uint64_t t0 = ktime_get_ns();

	memset(r->priv, 0x5a, PAGE_SIZE << SCRATCH_ORDER);
	return per_gib_covered(ktime_get_ns() - t0);
}

BENCH(mm_memmap_write, .name = "mm.memmap_write", .unit = "ms/GiB",
      .setup = scratch_setup, .sample = memmap_write_sample, .teardown = scratch_teardown);
BENCH(mm_memmap_memset, .name = "mm.memmap_memset", .unit = "ms/GiB",
      .setup = scratch_setup, .sample = memmap_memset_sample, .teardown = scratch_teardown);
