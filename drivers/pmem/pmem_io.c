/*
 * pmem I/O: sectors in and out of the mapped range, made durable, and
 * direct access for DAX (drivers/pmem/pmem.h).
 *
 * Every request goes: enter the queue (one usage reference: the mapping
 * cannot go away until it is dropped), check the range, copy, and for a
 * write, write back every cache line the copy touched and fence; then
 * complete (end_io) and exit the queue. The checks come before any byte
 * moves, so a refused request has written nothing.
 *
 * Durability: a write is cached stores followed by write-back of exactly
 * the lines written (arch_wb_cache_range) and a store fence
 * (arch_pmem_drain): when pmem_submit() completes a write, it is in the
 * persistence domain. So FUA costs nothing more, and a PREFLUSH (make
 * the writes completed before durable) is only a fence.
 */
#include <drivers/pmem/pmem.h>
#include <lib/crc32.h>
#include <lib/errno.h>
#include <lib/printk.h>
#include <lib/ratelimit.h>
#include <lib/string.h>
#include <mm/slab.h>
#include <asm/page.h>

/* The range check, with the reason for a refusal: 0 or -EINVAL/-ENOSPC. */
static int pmem_check_request(struct pmem_device *pmem, const struct pmem_request *rq)
{
	const char *name = pmem->dev.name;

	if (rq->dir != PMEM_READ && rq->dir != PMEM_WRITE) {
		pr_err("%s: request with direction %d: neither read nor write", name, rq->dir);
		return -EINVAL;
	}
	if (!rq->count) {
		pr_err("%s: %s of 0 sectors at sector %llu", name,
		       rq->dir == PMEM_WRITE ? "write" : "read", (unsigned long long)rq->sector);
		return -EINVAL;
	}
	if (!rq->buf) {
		pr_err("%s: request without a buffer", name);
		return -EINVAL;
	}
	if (rq->sector >= pmem->nr_sectors) {
		pr_err("%s: %s at sector %llu: past the end (the device has %llu sectors); "
		       "nothing done", name, rq->dir == PMEM_WRITE ? "write" : "read",
		       (unsigned long long)rq->sector, (unsigned long long)pmem->nr_sectors);
		return -EINVAL;
	}
	if (rq->count > pmem->nr_sectors - rq->sector) {
		pr_err("%s: %s of %llu sectors at sector %llu runs past the end (the device "
		       "has %llu sectors); nothing done", name,
		       rq->dir == PMEM_WRITE ? "write" : "read",
		       (unsigned long long)rq->count, (unsigned long long)rq->sector,
		       (unsigned long long)pmem->nr_sectors);
		return -ENOSPC;
	}
	return 0;
}

/* Copy in, then write back exactly the lines touched, then fence. */
static void pmem_write_durable(struct pmem_device *pmem, void *dst, const void *src,
			       size_t len)
{
	memcpy(dst, src, len);
	arch_wb_cache_range(dst, len);
	arch_pmem_drain();
}

static int pmem_do_request(struct pmem_device *pmem, struct pmem_request *rq)
{
	size_t off, len;
	void *at;
	int err;

	if (rq->flags & PMEM_REQ_PREFLUSH) {
		/* Completed writes were written back: wait for those write-backs. */
		arch_pmem_drain();
		__atomic_fetch_add(&pmem->nr_flushes, 1, __ATOMIC_RELAXED);
		if (!rq->count)
			return 0;
	}
	err = pmem_check_request(pmem, rq);
	if (err)
		return err;
	off = (size_t)(rq->sector << PMEM_SECTOR_SHIFT);
	len = (size_t)(rq->count << PMEM_SECTOR_SHIFT);
	at = (char *)pmem_data_virt(pmem) + off;
	if (rq->dir == PMEM_WRITE) {
		pmem_write_durable(pmem, at, rq->buf, len);
		__atomic_fetch_add(&pmem->nr_writes, 1, __ATOMIC_RELAXED);
		__atomic_fetch_add(&pmem->bytes_written, len, __ATOMIC_RELAXED);
	} else {
		memcpy(rq->buf, at, len);
		__atomic_fetch_add(&pmem->nr_reads, 1, __ATOMIC_RELAXED);
		__atomic_fetch_add(&pmem->bytes_read, len, __ATOMIC_RELAXED);
	}
	return 0;
}

void pmem_submit(struct pmem_device *pmem, struct pmem_request *rq)
{
	int err = blk_queue_enter(&pmem->queue, rq->flags & PMEM_REQ_NOWAIT);

	if (err) {
		if (err == -ENODEV)
			pr_err_ratelimited("%s: I/O refused: the device is not bound (queue %s)",
			       pmem->dev.name, blk_queue_state(&pmem->queue));
		__atomic_fetch_add(&pmem->nr_errors, 1, __ATOMIC_RELAXED);
		rq->status = err;
		if (rq->end_io)
			rq->end_io(rq);
		return;
	}
	rq->status = pmem_do_request(pmem, rq);
	if (rq->status)
		__atomic_fetch_add(&pmem->nr_errors, 1, __ATOMIC_RELAXED);
	/* Completion inside the usage reference, as a driver's would be. */
	if (rq->end_io)
		rq->end_io(rq);
	blk_queue_exit(&pmem->queue);
}

int pmem_rw_flags(struct pmem_device *pmem, uint64_t sector, void *buf, uint64_t count,
		  enum pmem_dir dir, unsigned int flags)
{
	struct pmem_request rq = {
		.sector = sector, .count = count, .buf = buf, .dir = dir, .flags = flags,
	};

	pmem_submit(pmem, &rq);		/* completes before returning */
	return rq.status;
}

int pmem_rw(struct pmem_device *pmem, uint64_t sector, void *buf, uint64_t count,
	    enum pmem_dir dir)
{
	return pmem_rw_flags(pmem, sector, buf, count, dir, 0);
}

int pmem_flush(struct pmem_device *pmem, unsigned int flags)
{
	struct pmem_request rq = { .flags = PMEM_REQ_PREFLUSH | flags, .dir = PMEM_WRITE };

	pmem_submit(pmem, &rq);
	return rq.status;
}

long pmem_direct_access(struct pmem_device *pmem, unsigned long pgoff,
			unsigned long nr_pages, void **kaddr, unsigned long *pfn)
{
	unsigned long npages;
	long avail;
	int err = blk_queue_enter(&pmem->queue, true);

	/*
	 * A freeze stops block I/O, not DAX (Linux's dax_direct_access() asks
	 * only whether the device is alive): -EAGAIN means frozen but bound.
	 * The answer never depended on the usage reference, which is dropped
	 * before returning: the caller holds what keeps the binding (the DAX
	 * fault, its mmap_lock, which the teardown's zap must take first).
	 */
	if (err && err != -EAGAIN) {
		pr_err_ratelimited("%s: direct_access refused: the device is not usable (queue %s)",
		       pmem->dev.name, blk_queue_state(&pmem->queue));
		return err;
	}
	npages = (pmem->size - pmem->data_offset) >> PAGE_SHIFT;
	if (pgoff >= npages) {
		pr_err_ratelimited("%s: direct_access at page %lu: past the end (%lu pages)",
		       pmem->dev.name, pgoff, npages);
		if (!err)
			blk_queue_exit(&pmem->queue);
		return -EINVAL;
	}
	avail = (long)MIN(nr_pages, npages - pgoff);
	if (kaddr)
		*kaddr = (char *)pmem_data_virt(pmem) + (pgoff << PAGE_SHIFT);
	if (pfn)
		*pfn = (unsigned long)(pmem_data_phys(pmem) >> PAGE_SHIFT) + pgoff;
	if (!err)
		blk_queue_exit(&pmem->queue);
	return avail;
}

int pmem_crc32(struct pmem_device *pmem, uint64_t sector, uint64_t count,
	       unsigned int flags, uint32_t *crc)
{
	uint64_t done;

	return pmem_crc32_stoppable(pmem, sector, count, flags, NULL, &done, crc);
}

int pmem_crc32_stoppable(struct pmem_device *pmem, uint64_t sector, uint64_t count,
			 unsigned int flags, bool (*stop)(void), uint64_t *done,
			 uint32_t *crc)
{
	const uint64_t chunk = PMEM_CRC_CHUNK >> PMEM_SECTOR_SHIFT;
	struct pmem_request whole = {
		.sector = sector, .count = count, .buf = crc, .dir = PMEM_READ,
	};
	uint32_t c = 0;
	int err;
	void *buf;

	*done = 0;
	if (!count) {
		*crc = 0;
		return 0;
	}
	/* the whole range first, inside a queue reference (nr_sectors is the
	 * binding's): a range that runs past the end reads nothing */
	err = blk_queue_enter(&pmem->queue, flags & PMEM_REQ_NOWAIT);
	if (err)
		return err;
	err = pmem_check_request(pmem, &whole);
	blk_queue_exit(&pmem->queue);
	if (err)
		return err;
	buf = kmalloc(PMEM_CRC_CHUNK);
	if (!buf)
		return -ENOMEM;
	while (count && !err) {
		uint64_t n = MIN(count, chunk);

		if (*done && stop && stop()) {
			err = -EINTR;
			break;
		}
		err = pmem_rw_flags(pmem, sector, buf, n, PMEM_READ, flags);
		if (!err) {
			c = crc32(c, buf, (size_t)(n << PMEM_SECTOR_SHIFT));
			*done += n;
		}
		sector += n;
		count -= n;
	}
	kfree(buf);
	if (!err || err == -EINTR)
		*crc = c;
	return err;
}
