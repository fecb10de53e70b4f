/*
 * Benchmarks of ZONE_DEVICE on pmem0 (skipped without an NVDIMM or
 * struct pages, so the host build runs none of them):
 *   page_ref.getput.device       get_page()+put_page() on a device page
 *                                (cycles per pair; compare .normal in
 *                                mm/gup_bench.c: the same code path);
 *   page_ref.getput.device_legacy  the same with legacy's get/put hooks;
 *   gup_fast.dax_4k.get / .put   fast GUP per page of a 4 KiB-leaf DAX
 *   gup_fast.dax_2m.get / .put   mapping / of 2 MiB devmap leaves (ns);
 *   memremap.map_per_gib.ram / .altmap        devm_memremap_pages() and
 *   memremap.teardown_per_gib.ram / .altmap   its teardown over the whole
 *                                device, scaled to ms per GiB. pmem0 is
 *                                unbound meanwhile; the altmap variant
 *                                writes struct pages over the first MiBs
 *                                of the device's data.
 */
#include <drivers/pmem/pmem.h>
#include <lib/bench.h>
#include <lib/err.h>
#include <lib/errno.h>
#include <lib/ktime.h>
#include <lib/string.h>
#include <mm/gup.h>
#include <mm/memremap.h>
#include <mm/mm.h>
#include <mm/page_ref.h>
#include <asm/cpu.h>

#define PAIRS		1000
#define DAX_BENCH_ADDR	0x40000000UL
#define DAX_PAGES	1024UL		/* 4 MiB */

static struct pmem_device *bench_pmem(void)
{
	struct pmem_device *p = pmem_device_count() ? pmem_find("pmem0") : NULL;

	if (p && (p->dev.state != DEVICE_BOUND || !p->has_pages)) {
		put_device(&p->dev);
		p = NULL;
	}
	return p;
}

static long long getput_device_sample(struct bench_run *r)
{
	struct pmem_device *p = bench_pmem();
	struct page *page;
	uint64_t t0;

	if (!p)
		return BENCH_SKIP;
	page = __pfn_to_page(p->pgmap.pfn_first + 17);
	t0 = arch_cycles();
	for (unsigned int i = 0; i < PAIRS; i++) {
		get_page(page);
		put_page(page);
	}
	t0 = arch_cycles() - t0;
	put_device(&p->dev);
	return bench_per_op(t0, PAIRS);
}
BENCH(page_ref_getput_device, .name = "page_ref.getput.device", .unit = ARCH_CYCLES_UNIT,
      .sample = getput_device_sample);

/*
 * The pre-regression design's pair: the same get/put plus the hooks that
 * pgmap.mode=legacy runs inside them (a percpu_ref get and put on the
 * page's pgmap), called explicitly so the default boot measures both.
 */
static long long getput_device_legacy_sample(struct bench_run *r)
{
	struct pmem_device *p = bench_pmem();
	struct page *page;
	uint64_t t0;

	if (!p)
		return BENCH_SKIP;
	page = __pfn_to_page(p->pgmap.pfn_first + 17);
	t0 = arch_cycles();
	for (unsigned int i = 0; i < PAIRS; i++) {
		get_page(page);
		zone_device_get_hook(page);
		zone_device_put_hook(page);
		put_page(page);
	}
	t0 = arch_cycles() - t0;
	put_device(&p->dev);
	return bench_per_op(t0, PAIRS);
}
BENCH(page_ref_getput_device_legacy, .name = "page_ref.getput.device_legacy",
      .unit = ARCH_CYCLES_UNIT, .sample = getput_device_legacy_sample);

/* --- fast GUP of DAX mappings ------------------------------------------------ */

static struct {
	struct pmem_device *p;
	struct mm_struct *mm;
	struct page *pages[DAX_PAGES];
} db;

static void dax_bench_teardown(struct bench_run *r)
{
	if (db.mm) {
		unuse_mm(db.mm);
		mm_destroy(db.mm);
		db.mm = NULL;
	}
	if (db.p) {
		put_device(&db.p->dev);
		db.p = NULL;
	}
}

static int dax_bench_setup(struct bench_run *r, unsigned long offset)
{
	unsigned long addr = DAX_BENCH_ADDR + offset;

	db.p = bench_pmem();
	if (!db.p)
		return BENCH_SKIP;
	db.mm = mm_create();
	if (!db.mm) {
		dax_bench_teardown(r);
		return -ENOMEM;
	}
	use_mm(db.mm);
	if (pmem_dax_mmap(db.p, db.mm, addr, DAX_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE)
	    != (long)addr ||
	    get_user_pages(db.mm, addr, DAX_PAGES, FOLL_WRITE, NULL) != (long)DAX_PAGES) {
		dax_bench_teardown(r);
		return -EFAULT;
	}
	return 0;
}

static int dax_4k_setup(struct bench_run *r) { return dax_bench_setup(r, PAGE_SIZE); }
static int dax_2m_setup(struct bench_run *r) { return dax_bench_setup(r, 0); }

static long long dax_sample(unsigned long offset, bool put)
{
	uint64_t t0, t1, t2;
	long n;

	t0 = ktime_get_ns();
	n = gup_fast_only(DAX_BENCH_ADDR + offset, DAX_PAGES - 1, FOLL_GET, db.pages);
	t1 = ktime_get_ns();
	unpin_user_pages(db.pages, n);
	t2 = ktime_get_ns();
	if (n != (long)DAX_PAGES - 1)
		return -EFAULT;
	return bench_per_op(put ? t2 - t1 : t1 - t0, n);
}

static long long dax_4k_get(struct bench_run *r) { return dax_sample(PAGE_SIZE, false); }
static long long dax_4k_put(struct bench_run *r) { return dax_sample(PAGE_SIZE, true); }
static long long dax_2m_get(struct bench_run *r) { return dax_sample(0, false); }
static long long dax_2m_put(struct bench_run *r) { return dax_sample(0, true); }

BENCH(gup_fast_dax_4k_get, .name = "gup_fast.dax_4k.get", .unit = "ns",
      .setup = dax_4k_setup, .sample = dax_4k_get, .teardown = dax_bench_teardown);
BENCH(gup_fast_dax_4k_put, .name = "gup_fast.dax_4k.put", .unit = "ns",
      .setup = dax_4k_setup, .sample = dax_4k_put, .teardown = dax_bench_teardown);
BENCH(gup_fast_dax_2m_get, .name = "gup_fast.dax_2m.get", .unit = "ns",
      .setup = dax_2m_setup, .sample = dax_2m_get, .teardown = dax_bench_teardown);
BENCH(gup_fast_dax_2m_put, .name = "gup_fast.dax_2m.put", .unit = "ns",
      .setup = dax_2m_setup, .sample = dax_2m_put, .teardown = dax_bench_teardown);

/* --- map and teardown time ---------------------------------------------------- */

static struct dev_pagemap bench_pgmap;

static long long remap_sample(unsigned int flags, bool teardown)
{
	struct pmem_device *p = bench_pmem();
	uint64_t t0, t1, t2, size;
	void *virt;

	if (!p)
		return BENCH_SKIP;
	size = p->size & ~((2ULL << 20) - 1);
	device_unbind(&p->dev);
	memset(&bench_pgmap, 0, sizeof(bench_pgmap));
	bench_pgmap.start = p->phys;
	bench_pgmap.end = p->phys + size - 1;
	bench_pgmap.flags = flags;
	bench_pgmap.name = "bench";
	t0 = ktime_get_ns();
	virt = devm_memremap_pages(NULL, &bench_pgmap);
	t1 = ktime_get_ns();
	if (!IS_ERR(virt))
		memunmap_pages(&bench_pgmap);
	t2 = ktime_get_ns();
	device_bind(&p->dev, "pmem");
	put_device(&p->dev);
	if (IS_ERR(virt))
		return PTR_ERR(virt);
	/* ns for size bytes -> ms per GiB, in thousandths (bench_per_op) */
	return bench_per_op((teardown ? t2 - t1 : t1 - t0) * ((1ULL << 30) / size), 1000000);
}

static long long map_ram(struct bench_run *r) { return remap_sample(0, false); }
static long long unmap_ram(struct bench_run *r) { return remap_sample(0, true); }
static long long map_alt(struct bench_run *r) { return remap_sample(MEMREMAP_ALTMAP, false); }
static long long unmap_alt(struct bench_run *r) { return remap_sample(MEMREMAP_ALTMAP, true); }

BENCH(memremap_map_ram, .name = "memremap.map_per_gib.ram", .unit = "ms", .samples = 5,
      .sample = map_ram);
BENCH(memremap_teardown_ram, .name = "memremap.teardown_per_gib.ram", .unit = "ms",
      .samples = 5, .sample = unmap_ram);
BENCH(memremap_map_altmap, .name = "memremap.map_per_gib.altmap", .unit = "ms",
      .samples = 5, .sample = map_alt);
BENCH(memremap_teardown_altmap, .name = "memremap.teardown_per_gib.altmap", .unit = "ms",
      .samples = 5, .sample = unmap_alt);
