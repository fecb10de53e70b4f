/*
 * pmem and pmem.ram: the driver on the machine's real NVDIMM(s), and the
 * same cases on a RAM-backed device.
 *
 * Suite drivers.pmem uses pmem0 (or every region, for the probe check) and
 * declares that it needs an NVDIMM; suite drivers.pmem.ram runs the same
 * cases on PMEM_TEST_RAM, a device over 4 MiB of kzalloc'd RAM, which
 * exists everywhere (on the host a "physical address" is the pointer). Cases that write save the
 * sectors they touch first and put them back at the end, so running the
 * tests on `make run`'s own backing file leaves its data alone. Unbind
 * cases rebind before they end. The refusal lines of the out-of-range
 * and after-unbind cases are expected in the log.
 */
#include <drivers/acpi/actbl_nfit.h>
#include <drivers/base/devres.h>
#include <drivers/pmem/tests/pmem_test.h>
#include <lib/errno.h>
#include <lib/string.h>
#include <lib/vsprintf.h>
#include <kernel/rcu.h>
#include <mm/memremap.h>
#include <mm/page_alloc.h>
#include <mm/percpu.h>
#include <mm/slab.h>
#include <asm/page.h>

/* p bound (bound now if need be), or the case ends; the caller's reference. */
static struct pmem_device *ensure_bound(struct ktest *t, struct pmem_device *p)
{
	if (p->dev.state != DEVICE_BOUND)
		device_bind(&p->dev, "pmem");
	if (p->dev.state != DEVICE_BOUND) {
		ktest_fail(t, "%s could not be bound (last probe error %d)", p->dev.name,
			   p->dev.last_probe_err);
		put_device(&p->dev);
		ktest_abort(t);
	}
	return p;
}

struct pmem_device *pmem_test_get(struct ktest *t, const char *name)
{
	struct pmem_device *p;

	/* declared: KTEST_NEEDS_NVDIMM, unless it is the RAM device */
	ASSERT_TRUE(t, !strcmp(name, PMEM_TEST_RAM) || pmem_device_count() > 0);
	p = pmem_find(name);
	ASSERT_NOT_NULL(t, p);
	return ensure_bound(t, p);
}

/*
 * Without an NVDIMM: a stand-in device over a range that is no RAM, where
 * the platform has one (the host: ordinary memory in a memmap section of
 * its own, pmem_test_standin_range()), so the suites that need a device
 * with struct pages run under the sanitizers with real threads too. The
 * kernel has none: its runner says so, and KTEST_NEEDS_PMEM skips.
 */
#define PMEM_STANDIN_SIZE	(32ULL << 20)

struct pmem_device *pmem_test_standin(void)
{
	static struct nfit_region region;
	struct pmem_device *p = pmem_find(PMEM_TEST_STANDIN);
	phys_addr_t phys;

	if (p || pmem_test_standin_range(PMEM_STANDIN_SIZE, &phys))
		return p;
	region.base = phys;
	region.size = PMEM_STANDIN_SIZE;
	region.attributes = EFI_MEMORY_WB | EFI_MEMORY_NV;
	p = pmem_device_create(&region, PMEM_TEST_STANDIN);
	if (p) {
		get_device(&p->dev);		/* as pmem_find() would */
		/* the probe runs in the background; this also waits for the
		 * probe thread's put of its reference */
		wait_for_device_probe();
	}
	return p;
}

static struct pmem_device *standin_device(struct ktest *t)
{
	struct pmem_device *p = pmem_test_standin();

	/* declared: KTEST_NEEDS_PMEM */
	ASSERT_NOT_NULL(t, p);
	return ensure_bound(t, p);
}

struct pmem_device *pmem_test_device(struct ktest *t)
{
	return pmem_device_count() ? pmem_test_get(t, "pmem0") : standin_device(t);
}

static struct pmem_device *watched;
static void (*watched_at_unmap)(void);
static struct pmem_teardown_log watch_log;

static void watch_step(struct pmem_device *p, enum pmem_event ev)
{
	if (p != watched)
		return;
	if (watch_log.n < PMEM_TEST_MAX_STEPS)
		watch_log.steps[watch_log.n] = ev;
	watch_log.n++;
	if (ev == PMEM_EV_UNMAPPED && watched_at_unmap)
		watched_at_unmap();
}

void pmem_test_watch(struct pmem_device *p, void (*at_unmap)(void))
{
	watched = p;
	watched_at_unmap = at_unmap;
	memset(&watch_log, 0, sizeof(watch_log));
	__atomic_store_n(&pmem_teardown_observer, watch_step, __ATOMIC_RELEASE);
}

void pmem_test_unwatch(void)
{
	__atomic_store_n(&pmem_teardown_observer, NULL, __ATOMIC_RELEASE);
	watched = NULL;
	watched_at_unmap = NULL;
}

void pmem_test_take_log(struct pmem_teardown_log *out)
{
	*out = watch_log;
	memset(&watch_log, 0, sizeof(watch_log));
}

bool pmem_test_log_in_order(const struct pmem_teardown_log *log)
{
	static const enum pmem_event order[] = {
		PMEM_EV_QUEUE_KILLED, PMEM_EV_QUEUE_DRAINED, PMEM_EV_UNMAPPED,
	};

	return log->n == ARRAY_SIZE(order) && !memcmp(log->steps, order, sizeof(order));
}

static void count_inuse(struct kmem_cache *c, void *arg)
{
	*(unsigned long *)arg += c->nr_inuse;
}

void mem_sample(struct mem_sample *m)
{
	rcu_barrier();
	kmem_cache_shrink_all();
	m->free_pages = nr_free_pages();
	m->kmalloc_inuse = 0;
	kmem_cache_for_each(count_inuse, &m->kmalloc_inuse);
	m->percpu_free = percpu_dynamic_free();
}

void mem_books_now(struct mem_books *b)
{
	struct dev_pagemap *all[MAX_PGMAPS];

	mem_sample(&b->mem);
	b->pgmaps = pgmap_snapshot(all, MAX_PGMAPS);
}

bool mem_books_back(struct ktest *t, const struct mem_books *base, unsigned int n,
		    const char *at)
{
	struct mem_books now;

	mem_books_now(&now);
	if (now.mem.free_pages == base->mem.free_pages &&
	    now.mem.kmalloc_inuse == base->mem.kmalloc_inuse &&
	    now.mem.percpu_free == base->mem.percpu_free && now.pgmaps == base->pgmaps)
		return true;
	ktest_fail(t, "call %u (%s) failed and left: free pages %ld, kmalloc objects %ld, "
		   "per-CPU bytes %ld, pgmaps %d", n, at,
		   (long)(now.mem.free_pages - base->mem.free_pages),
		   (long)(now.mem.kmalloc_inuse - base->mem.kmalloc_inuse),
		   (long)(now.mem.percpu_free - base->mem.percpu_free),
		   (int)now.pgmaps - (int)base->pgmaps);
	return false;
}

/* The sectors a case is about to overwrite, to put back at its end. */
struct saved {
	uint64_t sector, count;
	void *buf;
};

static void save(struct ktest *t, struct pmem_device *p, struct saved *s,
		 uint64_t sector, uint64_t count)
{
	s->sector = sector;
	s->count = count;
	s->buf = kmalloc(count * PMEM_SECTOR_SIZE);
	ASSERT_NOT_NULL(t, s->buf);
	ASSERT_EQ(t, pmem_rw(p, sector, s->buf, count, PMEM_READ), 0);
}

static void restore(struct ktest *t, struct pmem_device *p, struct saved *s)
{
	EXPECT_EQ(t, pmem_rw(p, s->sector, s->buf, s->count, PMEM_WRITE), 0);
	kfree(s->buf);
}

/* Write a pattern at sector, read it back into a second buffer, compare. */
static void round_trip(struct ktest *t, struct pmem_device *p, uint64_t sector,
		       uint64_t count, uint64_t seed)
{
	size_t len = count * PMEM_SECTOR_SIZE;
	uint8_t *out = kmalloc(len), *in = kzalloc(len);
	struct saved s;

	ASSERT_NOT_NULL(t, out);
	ASSERT_NOT_NULL(t, in);
	save(t, p, &s, sector, count);
	pmem_test_pattern(out, len, seed);
	EXPECT_EQ(t, pmem_rw(p, sector, out, count, PMEM_WRITE), 0);
	EXPECT_EQ(t, pmem_rw(p, sector, in, count, PMEM_READ), 0);
	EXPECT_EQ(t, memcmp(in, out, len), 0);
	/* and it is where the mapping says: byte offset sector * 512 */
	EXPECT_EQ(t, memcmp((uint8_t *)pmem_data_virt(p) + sector * PMEM_SECTOR_SIZE, out, len), 0);
	restore(t, p, &s);
	kfree(out);
	kfree(in);
}

static void probe_found_every_region(struct ktest *t)
{
	unsigned int n = nfit_region_count();

	ASSERT_TRUE(t, n > 0);		/* declared: KTEST_NEEDS_NVDIMM */
	EXPECT_EQ(t, pmem_device_count(), n);
	for (unsigned int i = 0; i < n; i++) {
		const struct nfit_region *r = nfit_region_at(i);
		char name[DEVICE_NAME_MAX];
		struct pmem_device *p;

		snprintf(name, sizeof(name), "pmem%u", i);
		p = pmem_find(name);
		ASSERT_NOT_NULL(t, p);
		EXPECT_EQ(t, p->phys, r->base);
		EXPECT_EQ(t, p->size, r->size);
		EXPECT_EQ(t, p->nr_sectors, (r->size - p->data_offset) / 512);
		EXPECT_EQ(t, p->dev.state, DEVICE_BOUND);
		EXPECT_STREQ(t, p->dev.driver ? p->dev.driver->name : "", "pmem");
		EXPECT_STREQ(t, blk_queue_state(&p->queue), "live");
		EXPECT_NOT_NULL(t, p->virt);
		ktest_log(t, "%s: 0x%llx + %llu MiB, flush %s", name,
			  (unsigned long long)p->phys, (unsigned long long)(p->size >> 20),
			  arch_cache_flush_name(p->flush));
		put_device(&p->dev);
	}
}

static void rw_sector_zero_on(struct ktest *t, const char *name)
{
	struct pmem_device *p = pmem_test_get(t, name);

	round_trip(t, p, 0, 1, 1);
	put_device(&p->dev);
}

static void rw_last_sector_on(struct ktest *t, const char *name)
{
	struct pmem_device *p = pmem_test_get(t, name);

	round_trip(t, p, p->nr_sectors - 1, 1, 2);
	round_trip(t, p, p->nr_sectors - 16, 16, 3);	/* up to the very end */
	put_device(&p->dev);
}

static void rw_across_page_boundary_on(struct ktest *t, const char *name)
{
	struct pmem_device *p = pmem_test_get(t, name);

	round_trip(t, p, PAGE_SIZE / PMEM_SECTOR_SIZE - 1, 2, 4);	/* bytes 3584..4607 */
	round_trip(t, p, 2 * 1024 * 1024 / PMEM_SECTOR_SIZE - 3, 9, 5); /* across 2 MiB */
	put_device(&p->dev);
}

static void out_of_range_refused_on(struct ktest *t, const char *name)
{
	struct pmem_device *p = pmem_test_get(t, name);
	uint64_t last = p->nr_sectors - 1;
	uint8_t *buf = kmalloc(2 * PMEM_SECTOR_SIZE), *before = kmalloc(PMEM_SECTOR_SIZE);
	unsigned long errors = READ_ONCE_A(p->nr_errors);

	ASSERT_NOT_NULL(t, buf);
	ASSERT_NOT_NULL(t, before);
	memset(buf, 0xee, 2 * PMEM_SECTOR_SIZE);
	ASSERT_EQ(t, pmem_rw(p, last, before, 1, PMEM_READ), 0);
	EXPECT_EQ(t, pmem_rw(p, p->nr_sectors, buf, 1, PMEM_WRITE), -EINVAL);
	EXPECT_EQ(t, pmem_rw(p, ~0ULL, buf, 1, PMEM_READ), -EINVAL);
	EXPECT_EQ(t, pmem_rw(p, last, buf, 2, PMEM_WRITE), -ENOSPC);	/* half inside */
	EXPECT_EQ(t, pmem_rw(p, 1, buf, ~0ULL, PMEM_WRITE), -ENOSPC);	/* would wrap */
	EXPECT_EQ(t, pmem_rw(p, 0, buf, 0, PMEM_WRITE), -EINVAL);
	EXPECT_EQ(t, pmem_rw(p, 0, NULL, 1, PMEM_READ), -EINVAL);
	EXPECT_EQ(t, pmem_rw(p, 0, buf, 1, (enum pmem_dir)7), -EINVAL);
	EXPECT_EQ(t, READ_ONCE_A(p->nr_errors), errors + 7);
	/* the half-inside write wrote nothing, not even its first sector */
	ASSERT_EQ(t, pmem_rw(p, last, buf, 1, PMEM_READ), 0);
	EXPECT_EQ(t, memcmp(buf, before, PMEM_SECTOR_SIZE), 0);
	kfree(buf);
	kfree(before);
	put_device(&p->dev);
}

static unsigned int end_io_calls;

static void count_end_io(struct pmem_request *rq)
{
	end_io_calls++;
	*(int *)rq->private = rq->status;
}

static void submit_completes_inline_on(struct ktest *t, const char *name)
{
	struct pmem_device *p = pmem_test_get(t, name);
	uint8_t buf[PMEM_SECTOR_SIZE];
	int seen = 1;
	struct pmem_request rq = {
		.sector = 3, .count = 1, .buf = buf, .dir = PMEM_READ,
		.end_io = count_end_io, .private = &seen,
	};

	end_io_calls = 0;
	pmem_submit(p, &rq);
	EXPECT_EQ(t, end_io_calls, 1);		/* completed before returning */
	EXPECT_EQ(t, seen, 0);
	rq.sector = p->nr_sectors;		/* a refused one completes too */
	pmem_submit(p, &rq);
	EXPECT_EQ(t, end_io_calls, 2);
	EXPECT_EQ(t, seen, -EINVAL);
	put_device(&p->dev);
}

static void flush_and_fua_complete_on(struct ktest *t, const char *name)
{
	struct pmem_device *p = pmem_test_get(t, name);
	unsigned long flushes = READ_ONCE_A(p->nr_flushes);
	uint8_t buf[PMEM_SECTOR_SIZE];
	struct saved s;
	struct pmem_request rq = {
		.sector = 5, .count = 1, .buf = buf, .dir = PMEM_WRITE,
		.flags = PMEM_REQ_PREFLUSH | PMEM_REQ_FUA,
	};

	save(t, p, &s, 5, 1);
	pmem_test_pattern(buf, sizeof(buf), 6);
	pmem_submit(p, &rq);
	EXPECT_EQ(t, rq.status, 0);
	EXPECT_EQ(t, pmem_flush(p, 0), 0);
	EXPECT_EQ(t, READ_ONCE_A(p->nr_flushes), flushes + 2);
	EXPECT_EQ(t, memcmp((uint8_t *)pmem_data_virt(p) + 5 * PMEM_SECTOR_SIZE, buf, sizeof(buf)), 0);
	restore(t, p, &s);
	put_device(&p->dev);
}

static void direct_access_addresses_on(struct ktest *t, const char *name)
{
	struct pmem_device *p = pmem_test_get(t, name);
	unsigned long npages = (p->size - p->data_offset) / PAGE_SIZE, pfn = 0;
	void *kaddr = NULL;

	EXPECT_EQ(t, pmem_direct_access(p, 0, 4, &kaddr, &pfn), 4);
	EXPECT_TRUE(t, kaddr == pmem_data_virt(p));
	EXPECT_EQ(t, pfn, pmem_data_phys(p) / PAGE_SIZE);
	EXPECT_EQ(t, pmem_direct_access(p, npages - 1, 10, &kaddr, &pfn), 1);
	EXPECT_TRUE(t, kaddr == (uint8_t *)pmem_data_virt(p) + (npages - 1) * PAGE_SIZE);
	EXPECT_EQ(t, pfn, pmem_data_phys(p) / PAGE_SIZE + npages - 1);
	EXPECT_EQ(t, pmem_direct_access(p, npages, 1, &kaddr, &pfn), -EINVAL);
	put_device(&p->dev);
}

static void flush_method_per_cpuid_on(struct ktest *t, const char *name)
{
	static const enum arch_flush_insn pref[] = {
		ARCH_FLUSH_CLWB, ARCH_FLUSH_CLFLUSHOPT, ARCH_FLUSH_CLFLUSH,
	};
	enum arch_flush_insn want = ARCH_FLUSH_NONE;
	struct pmem_device *p;
	uint8_t buf[256];

	for (unsigned int i = 0; i < ARRAY_SIZE(pref) && want == ARCH_FLUSH_NONE; i++)
		if (arch_cache_flush_has(pref[i]))
			want = pref[i];
	EXPECT_EQ(t, arch_cache_flush_insn(), want);
	ktest_log(t, "CPU: clwb %d clflushopt %d clflush %d -> %s",
		  arch_cache_flush_has(ARCH_FLUSH_CLWB),
		  arch_cache_flush_has(ARCH_FLUSH_CLFLUSHOPT),
		  arch_cache_flush_has(ARCH_FLUSH_CLFLUSH), arch_cache_flush_name(want));
	/* every instruction the CPU has runs over an unaligned range */
	for (unsigned int i = 0; i < ARRAY_SIZE(pref); i++)
		if (arch_cache_flush_has(pref[i]))
			arch_wb_cache_range_with(pref[i], buf + 3, sizeof(buf) - 5);
	arch_pmem_drain();
	p = pmem_test_get(t, name);
	EXPECT_EQ(t, p->flush, want);
	put_device(&p->dev);
}

static void freeze_blocks_new_io_on(struct ktest *t, const char *name)
{
	struct pmem_device *p = pmem_test_get(t, name);
	uint8_t buf[PMEM_SECTOR_SIZE];
	struct pmem_request rq = {
		.sector = 0, .count = 1, .buf = buf, .dir = PMEM_READ,
		.flags = PMEM_REQ_NOWAIT,
	};
	unsigned long zero = READ_ONCE_A(p->queue.nr_zero);

	ASSERT_EQ(t, blk_freeze_queue(&p->queue), 0);
	EXPECT_STREQ(t, blk_queue_state(&p->queue), "frozen");
	EXPECT_EQ(t, READ_ONCE_A(p->queue.nr_zero), zero + 1);	/* drained: the count hit zero */
	pmem_submit(p, &rq);
	EXPECT_EQ(t, rq.status, -EAGAIN);
	/* a freeze stops block I/O, not DAX */
	EXPECT_EQ(t, pmem_direct_access(p, 0, 1, NULL, NULL), 1);
	EXPECT_STREQ(t, blk_queue_state(&p->queue), "frozen");
	blk_unfreeze_queue(&p->queue);
	EXPECT_STREQ(t, blk_queue_state(&p->queue), "live");
	EXPECT_EQ(t, pmem_rw(p, 0, buf, 1, PMEM_READ), 0);
	put_device(&p->dev);
}

/* The steps seen since the watch began: killed, drained, then unmapped. */
static void expect_teardown_order(struct ktest *t)
{
	struct pmem_teardown_log log;

	pmem_test_take_log(&log);
	EXPECT_EQ(t, log.n, 3);
	EXPECT_TRUE(t, pmem_test_log_in_order(&log));
	for (unsigned int i = 0; i < log.n && i < PMEM_TEST_MAX_STEPS; i++)
		ktest_log(t, "teardown step %u: %d", i, log.steps[i]);
}

/* At the unmap, the queue is already dead: nothing can reach the range. */
static struct pmem_device *unmap_of;
static bool dead_at_unmap;

static void note_queue_at_unmap(void)
{
	dead_at_unmap = !strcmp(blk_queue_state(&unmap_of->queue), "dead");
}

static void unbind_drains_then_unmaps_on(struct ktest *t, const char *name)
{
	struct pmem_device *p = pmem_test_get(t, name);
	unsigned long zero = READ_ONCE_A(p->queue.nr_zero);
	int err;

	unmap_of = p;
	dead_at_unmap = false;
	pmem_test_watch(p, note_queue_at_unmap);
	err = device_unbind(&p->dev);
	pmem_test_unwatch();
	ASSERT_EQ(t, err, 0);
	expect_teardown_order(t);
	EXPECT_TRUE(t, dead_at_unmap);
	/* the usage counter went atomic (dead) and reached zero, once */
	EXPECT_TRUE(t, percpu_ref_is_dying(&p->queue.q_usage_counter));
	EXPECT_TRUE(t, percpu_ref_is_zero(&p->queue.q_usage_counter));
	EXPECT_EQ(t, percpu_ref_atomic_count(&p->queue.q_usage_counter), 0);
	EXPECT_EQ(t, READ_ONCE_A(p->queue.nr_zero), zero + 1);
	EXPECT_STREQ(t, blk_queue_state(&p->queue), "dead");
	EXPECT_NULL(t, p->virt);
	EXPECT_EQ(t, device_bind(&p->dev, "pmem"), 0);
	put_device(&p->dev);
}

static void io_after_unbind_fails_on(struct ktest *t, const char *name)
{
	struct pmem_device *p = pmem_test_get(t, name);
	unsigned long refused = READ_ONCE_A(p->queue.nr_enter_refused);
	uint8_t buf[PMEM_SECTOR_SIZE];

	ASSERT_EQ(t, device_unbind(&p->dev), 0);
	EXPECT_EQ(t, pmem_rw(p, 0, buf, 1, PMEM_READ), -ENODEV);
	EXPECT_EQ(t, pmem_rw(p, 0, buf, 1, PMEM_WRITE), -ENODEV);
	EXPECT_EQ(t, pmem_flush(p, 0), -ENODEV);
	EXPECT_EQ(t, pmem_direct_access(p, 0, 1, NULL, NULL), -ENODEV);
	EXPECT_EQ(t, READ_ONCE_A(p->queue.nr_enter_refused), refused + 4);
	EXPECT_EQ(t, device_unbind(&p->dev), -EINVAL);		/* not bound */
	EXPECT_EQ(t, device_bind(&p->dev, "pmem"), 0);
	EXPECT_EQ(t, pmem_rw(p, 0, buf, 1, PMEM_READ), 0);
	put_device(&p->dev);
}

static void rebind_keeps_data_on(struct ktest *t, const char *name)
{
	struct pmem_device *p = pmem_test_get(t, name);
	uint8_t out[4 * PMEM_SECTOR_SIZE], in[sizeof(out)];
	unsigned int probes = p->dev.nprobes;
	struct saved s;

	save(t, p, &s, 100, 4);
	pmem_test_pattern(out, sizeof(out), 7);
	ASSERT_EQ(t, pmem_rw(p, 100, out, 4, PMEM_WRITE), 0);
	for (unsigned int i = 0; i < 3; i++) {
		ASSERT_EQ(t, device_unbind(&p->dev), 0);
		ASSERT_EQ(t, device_bind(&p->dev, "pmem"), 0);
	}
	EXPECT_EQ(t, p->dev.nprobes, probes + 3);
	memset(in, 0, sizeof(in));
	ASSERT_EQ(t, pmem_rw(p, 100, in, 4, PMEM_READ), 0);
	EXPECT_EQ(t, memcmp(in, out, sizeof(out)), 0);
	restore(t, p, &s);
	put_device(&p->dev);
}

static void probe_failure_unwinds_on(struct ktest *t, const char *name)
{
	struct pmem_device *p = pmem_test_get(t, name);
	const char *names[4];

	ASSERT_EQ(t, device_unbind(&p->dev), 0);
	/* the step reporter's and the mapping's records register; the
	 * queue's finds no memory */
	pmem_test_watch(p, NULL);
	devres_inject_alloc_failures(2, 1);
	EXPECT_EQ(t, device_bind(&p->dev, "pmem"), -ENOMEM);
	devres_inject_alloc_failures(0, 0);
	pmem_test_unwatch();
	expect_teardown_order(t);		/* the reset, then the unwind */
	EXPECT_EQ(t, p->dev.state, DEVICE_UNBOUND);
	EXPECT_EQ(t, p->dev.last_probe_err, -ENOMEM);
	EXPECT_EQ(t, p->dev.devres_count, 0);
	EXPECT_STREQ(t, blk_queue_state(&p->queue), "dead");
	ASSERT_EQ(t, device_bind(&p->dev, "pmem"), 0);
	ASSERT_EQ(t, devres_names(&p->dev, names, ARRAY_SIZE(names)), 3);
	EXPECT_STREQ(t, names[0], "pmem_kill_queue");	/* released first */
	/* the mapping: devm_memremap_pages()'s teardown, or a plain unmap (RAM) */
	EXPECT_STREQ(t, names[1], p->has_pages ? "memremap_release" : "pmem_unmap");
	EXPECT_STREQ(t, names[2], "pmem_pgmap_unmapped");	/* reports the unmap */
	put_device(&p->dev);
}

/*
 * Every case but the first runs twice: on the NVDIMM (suite drivers.pmem, skipped
 * without one) and on a RAM-backed device (suite drivers.pmem.ram), which runs
 * everywhere, the host included, so the driver's paths are exercised
 * under the sanitizers too.
 */
#define PMEM_CASES(X)								\
	X(rw_sector_zero, "read-after-write at sector 0, at the mapped offset")	\
	X(rw_last_sector, "read-after-write at the last sector(s)")		\
	X(rw_across_page_boundary, "requests across a 4 KiB and a 2 MiB boundary") \
	X(out_of_range_refused, "out-of-range I/O refused with EINVAL/ENOSPC, nothing written") \
	X(submit_completes_inline, "submit calls end_io once, before returning, with the status") \
	X(flush_and_fua_complete, "PREFLUSH|FUA writes and an empty flush complete") \
	X(direct_access_addresses, "direct_access gives the mapped address, pfn and page count") \
	X(flush_method_per_cpuid, "the write-back instruction is the best CPUID offers") \
	X(freeze_blocks_new_io, "a frozen queue drained to zero, refuses NOWAIT I/O, not DAX") \
	X(unbind_drains_then_unmaps, "unbind: queue killed, drained to zero, then unmapped") \
	X(io_after_unbind_fails, "I/O and direct_access on an unbound device fail with ENODEV") \
	X(rebind_keeps_data, "unbind/bind cycles keep the data")		\
	X(probe_failure_unwinds, "a probe failing at the queue unwinds queue then mapping")

#define NVDIMM_CASE(fn, intent)						\
	static void fn(struct ktest *t) { fn##_on(t, "pmem0"); }
PMEM_CASES(NVDIMM_CASE)

#define LIST_CASE(fn, intent)	KTEST_CASE_NEEDS(fn, KTEST_NEEDS_NVDIMM, intent),
static const struct ktest_case pmem_cases[] = {
	KTEST_CASE_NEEDS(probe_found_every_region, KTEST_NEEDS_NVDIMM,
			 "one bound pmem device per NFIT region, same range"),
	PMEM_CASES(LIST_CASE)
	{}
};
KTEST_SUITE(pmem_suite, "drivers.pmem", pmem_cases);

/* --- the same on a RAM-backed device ------------------------------------------------ */

#define RAM_SIZE	(4UL << 20)

static struct nfit_region ram_region;
static void *ram_buf;

/* The RAM device, created by the first case that needs it. */
static void ram_device(struct ktest *t)
{
	struct pmem_device *p = pmem_find(PMEM_TEST_RAM);

	if (p) {
		put_device(&p->dev);
		return;
	}
	if (!ram_buf)
		ram_buf = kzalloc(RAM_SIZE);
	ASSERT_NOT_NULL(t, ram_buf);
	ASSERT_EQ(t, (uintptr_t)ram_buf % PAGE_SIZE, 0);
	ram_region.base = virt_to_phys(ram_buf);
	ram_region.size = RAM_SIZE;
	ram_region.attributes = EFI_MEMORY_WB;	/* RAM: no NV, so not durable */
	p = pmem_device_create(&ram_region, PMEM_TEST_RAM);
	ASSERT_NOT_NULL(t, p);
	/* and for the probe thread's put; a watchdog, not a timing */
	ASSERT_EQ(t, wait_for_device_probe_timeout(60 * 1000), 0);
	ASSERT_EQ(t, p->dev.state, DEVICE_BOUND);	/* the bus autoprobes */
}

static void ram_probe_warns_not_durable(struct ktest *t)
{
	struct pmem_device *p;

	ram_device(t);
	p = pmem_find(PMEM_TEST_RAM);
	ASSERT_NOT_NULL(t, p);
	EXPECT_FALSE(t, p->durable);		/* the region lacks NV */
	EXPECT_EQ(t, p->phys, virt_to_phys(ram_buf));
	EXPECT_TRUE(t, p->virt == ram_buf);	/* RAM: its direct-map address */
	put_device(&p->dev);
}

#define RAM_CASE(fn, intent)						\
	static void ram_##fn(struct ktest *t) { ram_device(t); fn##_on(t, PMEM_TEST_RAM); }
PMEM_CASES(RAM_CASE)

static void ram_device_unregistered(struct ktest *t)
{
	struct pmem_device *p;

	ram_device(t);
	p = pmem_find(PMEM_TEST_RAM);
	ASSERT_NOT_NULL(t, p);
	EXPECT_EQ(t, device_refcount(&p->dev), 3);	/* creator, list, us */
	put_device(&p->dev);
	device_unregister(&p->dev);			/* unbinds, then frees it */
	EXPECT_NULL(t, pmem_find(PMEM_TEST_RAM));
	kfree(ram_buf);
	ram_buf = NULL;
}

#define RAM_LIST_CASE(fn, intent)	KTEST_CASE(ram_##fn, intent),
static const struct ktest_case pmem_ram_cases[] = {
	KTEST_CASE(ram_probe_warns_not_durable, "a region without NV binds, flagged not durable"),
	PMEM_CASES(RAM_LIST_CASE)
	KTEST_CASE(ram_device_unregistered, "unregistering the bound device unbinds and frees it"),
	{}
};
KTEST_SUITE(pmem_ram_suite, "drivers.pmem.ram", pmem_ram_cases);
