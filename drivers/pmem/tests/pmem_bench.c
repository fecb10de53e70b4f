/*
 * pmem figures (lib/bench.h): `bench=pmem.*,memcpy_bw.*`, `make bench`.
 *
 *   pmem.write_bw.4k   durable writes through pmem_rw, 4 KiB requests, MB/s
 *   pmem.write_bw.1m   the same, 1 MiB requests
 *   pmem.read_bw.4k    reads through pmem_rw, 4 KiB requests
 *   pmem.read_bw.1m    the same, 1 MiB requests
 *   memcpy_bw.4k       plain memcpy between two kmalloc buffers, 4 KiB at a time
 *   memcpy_bw.1m       the same, 1 MiB at a time
 *
 * memcpy_bw is the physical limit the driver's figures are compared with
 * (tests/bench-report's ratio table): a pmem write is the same copy plus
 * a cache write-back per line and a fence, and the queue enter/exit.
 * Each sample moves 4 MiB over a 1 MiB window (pmem0's first MiB, saved
 * in setup and put back in teardown). Figures are printed, never asserted.
 *
 * Layout. The source (buf) starts SKEW, one page, into its allocation, so
 * it lies an odd number of pages from every destination (`saved`, or
 * pmem0's window); without it, two buddy blocks and the device are a
 * power-of-two multiple of pages apart. QEMU's software TLB is
 * direct-mapped and its size, a power of two, changes at whole-TLB
 * flushes: once it is no larger than that distance, the source and
 * destination pages evict each other at every load and store and the
 * copy runs about 12 times slower (3700 -> 290 MB/s, measured after the
 * memremap benchmarks' flushes left 1024 entries with the buffers 1024
 * pages apart). Hardware TLBs are set-associative and 2 MiB pages cover
 * these buffers, so the skew changes nothing there (STREAM's OFFSET
 * exists for the same kind of conflict). docs/testing.md has the story.
 */
#include <drivers/pmem/pmem.h>
#include <lib/bench.h>
#include <lib/errno.h>
#include <lib/ktime.h>
#include <lib/string.h>
#include <mm/slab.h>

#define WINDOW		(1024 * 1024)
#define BYTES_PER_SAMPLE (4 * WINDOW)
#define SKEW		4096		/* an odd number of pages; see above */

struct bw_ctx {
	struct pmem_device *pmem;	/* NULL for memcpy */
	uint8_t *alloc;			/* WINDOW + SKEW bytes */
	uint8_t *buf;			/* alloc + SKEW: the source, WINDOW bytes */
	uint8_t *saved;			/* WINDOW bytes: pmem0's, or memcpy's target */
};

static struct bw_ctx ctx;

static void bw_free(void)
{
	if (ctx.pmem)
		put_device(&ctx.pmem->dev);
	kfree(ctx.alloc);
	kfree(ctx.saved);
	ctx = (struct bw_ctx){ 0 };
}

static int bw_setup(struct bench_run *r, bool need_pmem)
{
	int err;

	ctx = (struct bw_ctx){ 0 };
	ctx.alloc = kmalloc(WINDOW + SKEW);
	ctx.saved = kmalloc(WINDOW);
	if (!ctx.alloc || !ctx.saved) {
		bw_free();
		return -ENOMEM;
	}
	ctx.buf = ctx.alloc + SKEW;
	memset(ctx.buf, 0x5a, WINDOW);
	if (need_pmem) {
		ctx.pmem = pmem_find("pmem0");
		if (!ctx.pmem || ctx.pmem->dev.state != DEVICE_BOUND || ctx.pmem->size < WINDOW) {
			bw_free();
			return bench_skip(r, "no pmem0 of 1 MiB or more bound (no NVDIMM?)");
		}
		err = pmem_rw(ctx.pmem, 0, ctx.saved, WINDOW / PMEM_SECTOR_SIZE, PMEM_READ);
		if (err) {
			bw_free();
			return err;	/* could not save the window: do not write it */
		}
	}
	r->priv = &ctx;
	return 0;
}

static int pmem_bw_setup(struct bench_run *r)
{
	return bw_setup(r, true);
}

static int memcpy_bw_setup(struct bench_run *r)
{
	return bw_setup(r, false);
}

static void bw_teardown(struct bench_run *r)
{
	if (ctx.pmem)
		pmem_rw(ctx.pmem, 0, ctx.saved, WINDOW / PMEM_SECTOR_SIZE, PMEM_WRITE);
	bw_free();
}

static long long pmem_sample(size_t req, enum pmem_dir dir)
{
	uint64_t t0 = ktime_get_ns();

	for (size_t done = 0; done < BYTES_PER_SAMPLE; done += req) {
		uint64_t sector = (done % WINDOW) / PMEM_SECTOR_SIZE;
		int err = pmem_rw(ctx.pmem, sector, ctx.buf, req / PMEM_SECTOR_SIZE, dir);

		if (err)
			return err;
	}
	return bench_mb_per_s(BYTES_PER_SAMPLE, ktime_get_ns() - t0);
}

static long long memcpy_sample(size_t req)
{
	uint64_t t0 = ktime_get_ns();

	for (size_t done = 0; done < BYTES_PER_SAMPLE; done += req) {
		size_t off = done % WINDOW;

		memcpy(ctx.saved + off, ctx.buf + off, req);
		/* keep the copy from being optimised across samples */
		__asm__ volatile("" : : "r"(ctx.saved) : "memory");
	}
	return bench_mb_per_s(BYTES_PER_SAMPLE, ktime_get_ns() - t0);
}

static long long write_4k(struct bench_run *r) { return pmem_sample(4096, PMEM_WRITE); }
static long long write_1m(struct bench_run *r) { return pmem_sample(WINDOW, PMEM_WRITE); }
static long long read_4k(struct bench_run *r)  { return pmem_sample(4096, PMEM_READ); }
static long long read_1m(struct bench_run *r)  { return pmem_sample(WINDOW, PMEM_READ); }
static long long copy_4k(struct bench_run *r)  { return memcpy_sample(4096); }
static long long copy_1m(struct bench_run *r)  { return memcpy_sample(WINDOW); }

#define PMEM_BW(var, nm, fn) BENCH(var, .name = nm, .unit = "MB/s", .setup = pmem_bw_setup, \
				   .sample = fn, .teardown = bw_teardown)
#define COPY_BW(var, nm, fn) BENCH(var, .name = nm, .unit = "MB/s", .setup = memcpy_bw_setup, \
				   .sample = fn, .teardown = bw_teardown)

PMEM_BW(pmem_write_4k, "pmem.write_bw.4k", write_4k);
PMEM_BW(pmem_write_1m, "pmem.write_bw.1m", write_1m);
PMEM_BW(pmem_read_4k, "pmem.read_bw.4k", read_4k);
PMEM_BW(pmem_read_1m, "pmem.read_bw.1m", read_1m);
COPY_BW(memcpy_4k, "memcpy_bw.4k", copy_4k);
COPY_BW(memcpy_1m, "memcpy_bw.1m", copy_1m);
