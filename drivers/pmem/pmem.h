/*
 * pmem: a block device over a persistent-memory region of the NFIT
 * (Linux: drivers/nvdimm/pmem.c; same ideas, much less of them).
 *
 * Devices. pmem_init() registers the bus "nvdimm", one device per NFIT
 * persistent-memory region, named pmem0, pmem1, ... in region order
 * (lowest address first), and the driver "pmem", which binds to each.
 *
 * The life story of a pmem device:
 *
 *  1. created at boot (pmem_device_create) from its region: phys, size
 *     and the region are fixed for its whole life; the device and the
 *     request queue embedded in it are never freed while the kernel runs;
 *  2. probe (bind): check what persistence the platform promises and
 *     which cache write-back instruction the CPU has; give the range
 *     struct pages with devm_memremap_pages() (which maps it write-back;
 *     a RAM range gets a plain mapping instead, see pmem.c); bring the
 *     request queue's usage counter to life. Each
 *     step is a devres record, so a failure half-way undoes the steps
 *     before it, newest first;
 *  3. bound: I/O enters the queue (one percpu_ref reference per request),
 *     copies to or from the mapping, exits;
 *  4. unbind (or a failed probe): the devres records unwind in reverse:
 *     the queue dies (new I/O fails with -ENODEV), the I/O in flight
 *     drains (the counter reaches zero), the counter is freed, and only
 *     then runs the pgmap teardown (mm/memremap.h: zap the DAX mappings,
 *     kill, put every page, wait for pinned pages, remove the memmap,
 *     unmap the range); so no I/O ever touches an unmapped range. The
 *     data stays on the device: a new bind sees it again.
 *
 * Fields of struct pmem_device (the letters: docs/layout.md, "Field
 * legends"):
 *   (i) set at creation, read-only afterwards
 *   (b) set by probe before the queue goes live, cleared by the teardown
 *       after the queue is dead: valid to read for an I/O between
 *       blk_queue_enter() and blk_queue_exit() (the counter's release
 *       ordering pairs the probe's writes with the I/O's reads)
 *   (a) atomic counters, for `pmem` and the tests
 *   (L) under dax_lock (the DAX mappings, drivers/pmem/dax.c)
 *   (t) written by the unbind, read once device_unbind() has returned
 */
#ifndef DRIVERS_PMEM_PMEM_H
#define DRIVERS_PMEM_PMEM_H

#include <drivers/acpi/nfit.h>
#include <drivers/base/device.h>
#include <drivers/pmem/queue.h>
#include <lib/list.h>
#include <lib/spinlock.h>
#include <mm/memremap.h>
#include <mm/vmap.h>
#include <asm/cacheflush.h>

#define PMEM_SECTOR_SHIFT	9
#define PMEM_SECTOR_SIZE	(1u << PMEM_SECTOR_SHIFT)	/* 512 bytes */

enum pmem_dir { PMEM_READ, PMEM_WRITE };

/* pmem_request flags */
#define PMEM_REQ_PREFLUSH	0x1	/* make every earlier completed write durable first */
#define PMEM_REQ_FUA		0x2	/* this write durable at completion (always so here) */
#define PMEM_REQ_NOWAIT		0x4	/* frozen queue: fail with -EAGAIN, do not wait */

/*
 * One request. The submitter fills the first part and keeps the struct
 * alive until end_io runs; pmem_submit() calls end_io exactly once, with
 * status 0 or a negative errno, before it returns (the path looks
 * asynchronous so that callers are written for a real one).
 */
struct pmem_request {
	uint64_t sector;		/* first 512-byte sector */
	uint64_t count;			/* sectors; 0 only with PREFLUSH (a flush) */
	void *buf;			/* count * 512 bytes */
	enum pmem_dir dir;
	unsigned int flags;		/* PMEM_REQ_* */
	void (*end_io)(struct pmem_request *rq);
	void *private;			/* the submitter's */
	int status;			/* set before end_io */
};

/*
 * The teardown's steps, each reported where it happens to
 * pmem_teardown_observer: NULL in the product (one predictable branch);
 * a test sets it to see the order, and what else was true at each step.
 */
enum pmem_event {
	PMEM_EV_QUEUE_KILLED = 1,	/* the queue is dying: no new I/O */
	PMEM_EV_QUEUE_DRAINED,		/* its counter reached zero and was freed */
	PMEM_EV_UNMAPPED,		/* the range is unmapped */
};
struct pmem_device;
extern void (*pmem_teardown_observer)(struct pmem_device *pmem, enum pmem_event ev);

struct pmem_device {
	struct device dev;
	const struct nfit_region *region;	/* (i) */
	phys_addr_t phys;			/* (i) */
	uint64_t size;				/* (i) bytes */
	uint64_t nr_sectors;			/* (b) after data_offset */
	void *virt;				/* (b) the write-back mapping */
	/*
	 * Where sector 0 and DAX page 0 are: the start of the range, or with
	 * pmem.memmap=dev the first 2 MiB boundary after the memmap that
	 * devm_memremap_pages() put on the device (altmap).
	 */
	uint64_t data_offset;			/* (b) bytes before sector 0 */
	enum arch_flush_insn flush;		/* (b) the write-back instruction */
	bool durable;				/* (b) persistence is guaranteed */
	const char *domain;			/* (b) what the platform says it covers */
	struct request_queue queue;
	struct dev_pagemap pgmap;		/* (b) struct pages, if has_pages */
	bool has_pages;				/* (b) the range has a pgmap (DAX) */
	/* DAX mappings (drivers/pmem/dax.c) */
	spinlock_t dax_lock;			/* (i) initialised at creation */
	struct list_head dax_maps;		/* (L) this binding's mmap records */
	unsigned int dax_gen;			/* (L) bumped by each probe: the binding */
	bool dax_gone;				/* (L) false only from the end of a probe
						 * that gave struct pages to the start
						 * of its unbind: DAX maps and faults
						 * work only then */
	unsigned long nr_dax_gone_faults;	/* (a) faults refused since */
	unsigned long dax_zapped_bytes;		/* (t) the last unbind's zap */
	/* (a) */
	unsigned long nr_reads, nr_writes, nr_flushes, nr_errors;
	/* (a) the three counters when the boot stages ended (pmem_boot_stages_done()) */
	unsigned long stages_reads, stages_writes, stages_errors;
	uint64_t bytes_read, bytes_written;
};

/* Where sector 0 / DAX page 0 is: physically, and in the mapping (NULL unmapped). */
static inline phys_addr_t pmem_data_phys(const struct pmem_device *pmem)
{
	return pmem->phys + pmem->data_offset;
}

static inline void *pmem_data_virt(const struct pmem_device *pmem)
{
	return pmem->virt ? (char *)pmem->virt + pmem->data_offset : NULL;
}

/* Read an (a) field. */
#define READ_ONCE_A(x)	__atomic_load_n(&(x), __ATOMIC_RELAXED)

static inline struct pmem_device *to_pmem(struct device *dev)
{
	return container_of(dev, struct pmem_device, dev);
}

/* Register the bus, a device per NFIT region and the driver. 0 or errno. */
int pmem_init(void);
/*
 * The boot stages are over: record each device's read, write and error
 * counts, so that `pmem list` shows what happened since, and the
 * self-tests' share (their provoked errors) apart.
 */
void pmem_boot_stages_done(void);
/* fn on each pmem device pmem_init() made and that still exists, pmem0 first. */
void pmem_for_each(void (*fn)(struct pmem_device *p, void *arg), void *arg);
/* pmem devices created by pmem_init() (pmem0 .. pmemN-1). */
unsigned int pmem_device_count(void);
/*
 * Also used by tests with a region of their own. Registered; its probe
 * runs in the background (the driver probes asynchronously):
 * wait_for_device_probe() waits for it to end.
 */
struct pmem_device *pmem_device_create(const struct nfit_region *r, const char *name);
/* The pmem device called name, with a reference (put_device); NULL if none. */
struct pmem_device *pmem_find(const char *name);
bool is_pmem_device(struct device *dev);

/*
 * Read or write count sectors at sector, synchronously: 0, or
 *   -EINVAL  count 0, sector past the end, no buffer, bad direction
 *   -ENOSPC  the request starts inside but runs past the end
 *   -ENODEV  the device is not bound (or is being unbound)
 *   -EAGAIN / -ETIMEDOUT  frozen (see queue.h)
 * A refused request touches nothing. A write that returns 0 is durable.
 */
int pmem_rw(struct pmem_device *pmem, uint64_t sector, void *buf, uint64_t count,
	    enum pmem_dir dir);
/* The same with PMEM_REQ_* flags (PMEM_REQ_NOWAIT: -EAGAIN if frozen). */
int pmem_rw_flags(struct pmem_device *pmem, uint64_t sector, void *buf, uint64_t count,
		  enum pmem_dir dir, unsigned int flags);
/* Make every completed write durable (a PREFLUSH request of 0 sectors). */
int pmem_flush(struct pmem_device *pmem, unsigned int flags);
/* The asynchronous-looking path: completes rq (end_io) before returning. */
void pmem_submit(struct pmem_device *pmem, struct pmem_request *rq);

/*
 * The IEEE CRC-32 (zlib's crc32()) of count sectors from sector, read
 * through the queue in PMEM_CRC_CHUNK pieces with PMEM_REQ_* flags: 0 and
 * *crc (0 for count 0), or pmem_rw's error (-ENOMEM if no chunk buffer).
 * The range is checked whole, inside a queue reference, before anything
 * is read.
 */
#define PMEM_CRC_CHUNK	(64 * 1024)
int pmem_crc32(struct pmem_device *pmem, uint64_t sector, uint64_t count,
	       unsigned int flags, uint32_t *crc);
/*
 * The same, asking stop() between chunks (never inside one): once it says
 * true, -EINTR with *crc the CRC-32 of the *done sectors summed so far.
 * *done: the sectors summed, whatever the result.
 */
int pmem_crc32_stoppable(struct pmem_device *pmem, uint64_t sector, uint64_t count,
			 unsigned int flags, bool (*stop)(void), uint64_t *done,
			 uint32_t *crc);

/*
 * For DAX: the kernel address and pfn of page pgoff of the device, and how
 * many of the nr_pages from there are contiguous (all, up to the end).
 * -ENODEV if not bound (or being unbound), -EINVAL for pgoff past the
 * end; a frozen queue does not refuse it (a freeze stops block I/O, not
 * DAX). The caller must hold what keeps the binding while it calls and
 * uses the answer: the DAX fault holds its mmap_lock, which the
 * teardown's zap must take before anything else is torn down.
 */
long pmem_direct_access(struct pmem_device *pmem, unsigned long pgoff,
			unsigned long nr_pages, void **kaddr, unsigned long *pfn);

/*
 * DAX (drivers/pmem/dax.c): map len bytes of the device from its start at
 * addr of mm (0: anywhere) with prot; faults fill devmap leaves (2 MiB
 * where aligned). Returns the address, or -ENODEV (unbound or no struct
 * pages), -EINVAL, -ENOMEM, or mmap_with_ops()'s error.
 */
struct mm_struct;
extern const struct vm_operations_struct pmem_dax_ops;
long pmem_dax_mmap(struct pmem_device *pmem, struct mm_struct *mm, unsigned long addr,
		   unsigned long len, unsigned int prot);
/*
 * A test's window (NULL otherwise): called by pmem_dax_mmap() once the
 * region exists and can fault, before it returns. A fault and an unbind
 * made here show that the teardown finds a mapping that young.
 */
extern void (*pmem_dax_mmap_window)(struct pmem_device *pmem, struct mm_struct *mm,
				    unsigned long addr);
/* The pgmap's kill_mappings, the teardown's first step: mark gone and zap
 * every DAX mapping of this binding. */
void pmem_dax_kill(struct dev_pagemap *pgmap);

#endif /* DRIVERS_PMEM_PMEM_H */
