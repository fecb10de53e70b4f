/*
 * Benchmarks of ZONE_DEVICE on pmem0 (skipped without an NVDIMM or
 * struct pages; the host build runs the first four, on stand-ins):
 *   page_ref.getput.device       get_page()+put_page() on a device page
 *                                (cycles per pair; compare .normal in
 *                                mm/tests/gup_bench.c: the same code path);
 *                                on the host, on a pgmap of its own;
 *   page_ref.getput.device_legacy  the same with legacy's get/put hooks;
 *   gup_fast.dax_4k.get / .put   fast GUP per page of a 4 KiB-leaf DAX
 *   gup_fast.dax_2m.get / .put   mapping / of 2 MiB devmap leaves (ns);
 *                                compare gup_fast.anon_4k and .huge_2m of
 *                                mm/tests/gup_bench.c; on the host, on the
 *                                pmem suites' stand-in device;
 *   memremap.map_per_gib.ram / .altmap        memremap_pages() and
 *   memremap.teardown_per_gib.ram / .altmap   its teardown, in ms per GiB;
 *   memremap.teardown_fixed      the teardown's fixed wait, in ms.
 *
 * The teardown's time is two things: the work that grows with the range
 * (put every page, poison and free the memmap, unmap) and one fixed wait,
 * the pgmap ref's switch to atomic mode (an RCU grace period, then the
 * callback, which runs at a tick). Scaled up from a window, the wait would
 * count 16 times; so the sample switches the ref first, timed apart
 * (teardown_fixed), and memunmap_pages() then finds its kill confirmed at
 * once. On a whole 256 MiB device the puts outlast the wait anyway.
 *
 * What the map/teardown benchmarks touch. They give a window of pmem0
 * (REMAP_BYTES at REMAP_OFFSET, 2 MiB aligned, clamped to the device) a
 * pgmap of its own, so pmem0 is unbound meanwhile (its pgmap covers the
 * whole device) and bound again after each sample. The ram variant writes
 * nothing to the device. The altmap variant puts the window's memmap in
 * the window's first pages and poisons it at teardown: those pages (the
 * altmap's reserve and memmap area, computed from the window's size) are
 * read through the driver in setup, written back through it after each
 * rebind, read back and checked against the CRC-32 of the copy. A
 * mismatch, or an altmap larger than the copy, stops the benchmark with
 * -EIO and an error naming the range; no copy, no run (skipped). So the
 * data on the NVDIMM survives `make bench`.
 *
 * They run last (runs_last): each sample flushes the whole TLB several
 * times, and under QEMU that resizes the emulator's TLB, which changes
 * what later benchmarks measure (docs/testing.md, "Benchmarks").
 */
#include <drivers/pmem/pmem.h>
#include <drivers/pmem/tests/pmem_test.h>
#include <lib/bench.h>
#include <lib/crc32.h>
#include <lib/err.h>
#include <lib/errno.h>
#include <lib/ktime.h>
#include <mm/percpu_ref.h>
#include <lib/printk.h>
#include <lib/string.h>
#include <mm/gup.h>
#include <mm/memremap.h>
#include <mm/mm.h>
#include <mm/page_ref.h>
#include <mm/tests/page_ref_bench.h>
#include <mm/tests/pgmap_range.h>
#include <mm/slab.h>
#include <asm/cpu.h>

#define DAX_BENCH_ADDR	0x40000000UL
#define DAX_PAGES	1024UL		/* 4 MiB */
#define NO_PMEM		"no pmem0 bound with struct pages"

static struct pmem_device *bench_pmem(void)
{
	struct pmem_device *p = pmem_device_count() ? pmem_find("pmem0") : NULL;

	if (p && (p->dev.state != DEVICE_BOUND || !p->has_pages)) {
		put_device(&p->dev);
		p = NULL;
	}
	return p;
}

/*
 * The device pages of the get/put pairs: pmem0's, or where there is no
 * pmem0 (the host benchmark program) a pgmap of their own over the range
 * the pgmap tests use (mm/tests/pgmap_range.h: ordinary memory on the
 * host), so that the host's real CPU measures the pairs too.
 */
#define PAIR_RANGE	(16ULL << 20)

static struct dev_pagemap own_pgmap;
static struct dev_pagemap *pair_pgmap;	/* for the samples */
static struct pmem_device *pair_pmem;	/* with a reference, or NULL */

static int pair_setup(struct bench_run *r)
{
	phys_addr_t phys;

	pair_pmem = bench_pmem();
	if (pair_pmem) {
		pair_pgmap = &pair_pmem->pgmap;
		return 0;
	}
	if (pgmap_test_range(PAIR_RANGE, &phys))
		return bench_skip(r, NO_PMEM);
	own_pgmap = (struct dev_pagemap){ .start = phys, .end = phys + PAIR_RANGE - 1,
					  .name = "bench-pairs" };
	if (IS_ERR(memremap_pages(&own_pgmap))) {
		pgmap_test_range_done();
		return -ENOMEM;
	}
	pair_pgmap = &own_pgmap;
	return 0;
}

static void pair_teardown(struct bench_run *r)
{
	if (pair_pmem) {
		put_device(&pair_pmem->dev);
		pair_pmem = NULL;
	} else {
		memunmap_pages(&own_pgmap);
		pgmap_test_range_done();
	}
	pair_pgmap = NULL;
}

/* The next of the spread device pages (mm/tests/page_ref_bench.h says why). */
static struct page *spread_device_page(void)
{
	static unsigned int turn;

	return __pfn_to_page(pair_pgmap->pfn_first + page_ref_spread_next(&turn));
}

static long long getput_device_sample(struct bench_run *r)
{
	return page_ref_pairs(spread_device_page(), false);
}
BENCH(page_ref_getput_device, .name = "page_ref.getput.device", .unit = ARCH_CYCLES_UNIT,
      .setup = pair_setup, .sample = getput_device_sample, .teardown = pair_teardown);

/*
 * The pre-regression design's pair: the same get/put plus the hooks that
 * zone_device.refs=legacy runs inside them (a percpu_ref get and put on the
 * page's pgmap), called explicitly so the default boot measures both.
 */
static long long getput_device_legacy_sample(struct bench_run *r)
{
	return page_ref_pairs(spread_device_page(), true);
}
BENCH(page_ref_getput_device_legacy, .name = "page_ref.getput.device_legacy",
      .unit = ARCH_CYCLES_UNIT, .setup = pair_setup, .sample = getput_device_legacy_sample,
      .teardown = pair_teardown);

/* --- fast GUP of DAX mappings ------------------------------------------------ */

/*
 * pmem0, or where there is none (the host benchmark program) the stand-in
 * device the pmem suites use (drivers/pmem/tests/pmem_test.h: ordinary
 * memory in a memmap section of its own on the host), bound: the same
 * driver, pgmap and DAX mapping, so the host's real CPU measures them.
 */
struct pmem_device *dax_bench_pmem(void)
{
	struct pmem_device *p = bench_pmem();

	if (p)
		return p;
	p = pmem_test_standin();
	if (!p)
		return NULL;
	if (p->dev.state != DEVICE_BOUND)
		device_bind(&p->dev, "pmem");
	if (p->dev.state != DEVICE_BOUND || !p->has_pages) {
		put_device(&p->dev);
		return NULL;
	}
	return p;
}

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

	db.p = dax_bench_pmem();
	if (!db.p)
		return bench_skip(r, NO_PMEM);
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

#define REMAP_BYTES	(64ULL << 20)
#define REMAP_OFFSET	(64ULL << 20)
#define REMAP_ALIGN	(2ULL << 20)
#define REMAP_MIN	(4ULL << 20)	/* room for an altmap and pages */
#define VERIFY_CHUNK	(64 * 1024)	/* read back in pieces of this */

static struct {
	struct pmem_device *p;
	uint64_t offset, size;		/* the window, bytes into pmem0 */
	uint64_t saved_bytes;		/* altmap: what it may write, from offset */
	uint8_t *saved, *chunk;		/* their copy; a read-back buffer */
	uint32_t crc;			/* CRC-32 of the copy */
	struct dev_pagemap pgmap;
} rm;

/*
 * Bytes from the window's start that an altmap memmap may write: its
 * reserve plus one struct page per pfn, page-rounded, plus one page per
 * memmap section the window spans (mm/memremap.c sizes altmap.free so).
 * The sample checks the real figure (pfn_first) against this one.
 */
static uint64_t altmap_bytes(phys_addr_t start, uint64_t size, unsigned long reserve)
{
	unsigned long first = PHYS_PFN(start), last = PHYS_PFN(start + size - 1);
	unsigned long sections = pfn_to_section_nr(last) - pfn_to_section_nr(first) + 1;

	return (reserve + PFN_UP((last - first + 1) * sizeof(struct page)) + sections)
	       * PAGE_SIZE;
}

static void remap_teardown(struct bench_run *r)
{
	kfree(rm.saved);
	kfree(rm.chunk);
	rm.saved = rm.chunk = NULL;
	if (rm.p)
		put_device(&rm.p->dev);
	rm.p = NULL;
}

static int remap_setup(struct bench_run *r, unsigned int flags)
{
	int err;

	memset(&rm, 0, sizeof(rm));
	rm.p = bench_pmem();
	if (!rm.p)
		return bench_skip(r, NO_PMEM);
	rm.size = MIN(REMAP_BYTES, rm.p->size & ~(REMAP_ALIGN - 1));
	if (rm.size < REMAP_MIN) {
		remap_teardown(r);
		return bench_skip(r, "pmem0 is smaller than the 4 MiB a window needs");
	}
	rm.offset = MIN(REMAP_OFFSET, rm.p->size - rm.size) & ~(REMAP_ALIGN - 1);
	memset(&rm.pgmap, 0, sizeof(rm.pgmap));
	rm.pgmap.start = rm.p->phys + rm.offset;
	rm.pgmap.end = rm.pgmap.start + rm.size - 1;
	rm.pgmap.flags = flags;
	rm.pgmap.altmap_reserve = 0;
	rm.pgmap.name = "bench";
	if (!(flags & MEMREMAP_ALTMAP))
		return 0;			/* the device's bytes are not written */

	rm.saved_bytes = altmap_bytes(rm.pgmap.start, rm.size, rm.pgmap.altmap_reserve);
	rm.saved = kmalloc(rm.saved_bytes);
	rm.chunk = kmalloc(VERIFY_CHUNK);
	if (!rm.saved || !rm.chunk) {
		remap_teardown(r);
		return bench_skip(r, "no memory to save the pmem0 bytes the altmap overwrites");
	}
	err = pmem_rw(rm.p, rm.offset >> PMEM_SECTOR_SHIFT, rm.saved,
		      rm.saved_bytes >> PMEM_SECTOR_SHIFT, PMEM_READ);
	if (err) {
		pr_err("bench: cannot save pmem0 bytes %#llx-%#llx: %d (%s); not mapping them",
		       (unsigned long long)rm.offset,
		       (unsigned long long)(rm.offset + rm.saved_bytes - 1), err, errno_name(err));
		remap_teardown(r);
		return err;
	}
	rm.crc = crc32(0, rm.saved, rm.saved_bytes);
	return 0;
}

static int remap_ram_setup(struct bench_run *r) { return remap_setup(r, 0); }
static int remap_altmap_setup(struct bench_run *r) { return remap_setup(r, MEMREMAP_ALTMAP); }

/* Write the saved bytes back (durable), read them back, compare CRCs. */
static int restore_saved(void)
{
	uint64_t sector = rm.offset >> PMEM_SECTOR_SHIFT;
	uint32_t crc = 0;
	int err;

	err = pmem_rw(rm.p, sector, rm.saved, rm.saved_bytes >> PMEM_SECTOR_SHIFT, PMEM_WRITE);
	for (uint64_t done = 0; !err && done < rm.saved_bytes; done += VERIFY_CHUNK) {
		uint64_t n = MIN((uint64_t)VERIFY_CHUNK, rm.saved_bytes - done);

		err = pmem_rw(rm.p, sector + (done >> PMEM_SECTOR_SHIFT), rm.chunk,
			      n >> PMEM_SECTOR_SHIFT, PMEM_READ);
		crc = crc32(crc, rm.chunk, n);
	}
	if (err || crc != rm.crc) {
		pr_err("bench: DATA LOSS on pmem0 bytes %#llx-%#llx: the altmap benchmark's "
		       "restore %s (CRC %#x, saved %#x)", (unsigned long long)rm.offset,
		       (unsigned long long)(rm.offset + rm.saved_bytes - 1),
		       err ? errno_name(err) : "read back other bytes", crc, rm.crc);
		return -EIO;
	}
	return 0;
}

enum remap_figure { REMAP_MAP, REMAP_TEARDOWN, REMAP_FIXED };

static long long remap_sample(struct bench_run *r, enum remap_figure fig)
{
	bool altmap = rm.pgmap.flags & MEMREMAP_ALTMAP;
	uint64_t t0, t1, t2, t3, used = 0;
	int err = 0;
	void *virt;

	/* -EIO, not -ENODEV: that is BENCH_SKIP, and a failure must show */
	if (rm.p->dev.state != DEVICE_BOUND)
		return -EIO;		/* a rebind failed; reported then */
	device_unbind(&rm.p->dev);
	t0 = ktime_get_ns();
	virt = memremap_pages(&rm.pgmap);
	t1 = t2 = t3 = ktime_get_ns();
	if (!IS_ERR(virt)) {
		used = (rm.pgmap.pfn_first - PHYS_PFN(rm.pgmap.start)) * PAGE_SIZE;
		percpu_ref_switch_to_atomic_sync(&rm.pgmap.ref);	/* the fixed wait */
		t2 = ktime_get_ns();
		memunmap_pages(&rm.pgmap);
		t3 = ktime_get_ns();
	}
	if (device_bind(&rm.p->dev, "pmem")) {
		pr_err("bench: pmem0 does not bind again after the %s window %#llx-%#llx%s",
		       altmap ? "altmap" : "ram", (unsigned long long)rm.pgmap.start,
		       (unsigned long long)rm.pgmap.end,
		       altmap ? ": its saved bytes cannot be written back" : "");
		return -EIO;
	}
	if (altmap && used > rm.saved_bytes) {
		pr_err("bench: DATA LOSS on pmem0: the altmap used %llu bytes from %#llx, only "
		       "%llu were saved (altmap_bytes() is out of date)", (unsigned long long)used,
		       (unsigned long long)rm.offset, (unsigned long long)rm.saved_bytes);
		err = -EIO;
	}
	if (altmap && restore_saved())
		err = -EIO;
	if (err)
		return err;
	if (IS_ERR(virt))
		return PTR_ERR(virt);
	if (fig == REMAP_FIXED)
		return bench_per_op(t2 - t1, 1000000);		/* ns -> ms */
	/* ns for size bytes -> ns per GiB -> ms, in thousandths (bench_per_op) */
	return bench_per_op((fig == REMAP_MAP ? t1 - t0 : t3 - t2) * (1ULL << 30) / rm.size,
			    1000000);
}

static long long map_time(struct bench_run *r) { return remap_sample(r, REMAP_MAP); }
static long long teardown_time(struct bench_run *r) { return remap_sample(r, REMAP_TEARDOWN); }
static long long fixed_time(struct bench_run *r) { return remap_sample(r, REMAP_FIXED); }

#define REMAP_BENCH(var, nm, setup_fn, fn)					\
	BENCH(var, .name = nm, .unit = "ms", .samples = 9, .setup = setup_fn,	\
	      .sample = fn, .teardown = remap_teardown, .runs_last = true)

REMAP_BENCH(memremap_map_ram, "memremap.map_per_gib.ram", remap_ram_setup, map_time);
REMAP_BENCH(memremap_teardown_ram, "memremap.teardown_per_gib.ram", remap_ram_setup,
	    teardown_time);
REMAP_BENCH(memremap_map_altmap, "memremap.map_per_gib.altmap", remap_altmap_setup, map_time);
REMAP_BENCH(memremap_teardown_altmap, "memremap.teardown_per_gib.altmap", remap_altmap_setup,
	    teardown_time);
REMAP_BENCH(memremap_teardown_fixed, "memremap.teardown_fixed", remap_ram_setup, fixed_time);
