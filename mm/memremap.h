/*
 * ZONE_DEVICE: struct pages for a device range (persistent memory), and
 * the single dev_pagemap reference per live device page.
 *
 * Design. memremap_pages() gives a device range struct pages in a
 * memmap of its own (in RAM, or on the device through an altmap), marks
 * every usable page ZONE_DEVICE with page->pgmap, starts each at refcount
 * 1 (the device's hold) and takes ONE reference on the pgmap's percpu_ref
 * per page. get_page()/put_page() know nothing of pgmaps; the final put of
 * a device page (__put_page -> free_zone_device_page) drops that page's
 * pgmap reference and never frees the page. So, while the device is bound:
 *
 *      pgmap refs = 1 (the owner's) + device pages with refcount > 0
 *
 * (memremap_check_invariant() computes both sides.) Teardown, at unbind,
 * in the order of docs/zone-device.md (Linux v5.2, device DAX):
 *   0. the owner's mappings of the range go (pmem: every DAX mapping is
 *      zapped, and no fault can make a new one);
 *   1. kill the ref (get_dev_pagemap() and new users fail);
 *   2. put_page() every device pfn (drops the device's hold);
 *   3. wait until the ref reaches zero (the last pinner's put);
 *   4. remove the memmap (into the graveyard of mm/memremap_graveyard.h,
 *      which frees it at once when no page is referenced), unmap the
 *      range, delete the lookup entry, wait an RCU grace period.
 *
 * The lookup (pfn -> pgmap) is an RCU-protected array of slots: a slot is
 * published with a release store after the pgmap is complete, and
 * unpublished with a plain NULL store followed by synchronize_rcu()
 * before the pgmap may be freed; readers scan the slots under
 * rcu_read_lock() with acquire loads. Writers are serialised by
 * pgmap_lock. MAX_PGMAPS slots: a handful of devices, a linear scan.
 *
 * The life story of a dev_pagemap:
 *   UNUSED   the owner fills range (and altmap_reserve / MEMREMAP_ALTMAP);
 *   LIVE     memremap_pages() succeeded: mapped, memmap built, pages
 *            initialised, refs taken, published;
 *   DYING    teardown step 1-2 done: the ref is dead, the device's holds
 *            are dropped;
 *   WAITING  step 3: pinned pages remain (`pgmap` shows how many);
 *   DEAD     step 4: unpublished, unmapped, the memmap in the graveyard
 *            (freed, or quarantined while a teaching mode's pins hold it).
 *            The struct may be reused for a new memremap_pages().
 *
 * Field legend (the letters: docs/layout.md, "Field legends"):
 *   (o) the owner's: set by the owner before memremap_pages(), read-only
 *       after;
 *   (i) set by memremap_pages() before publication, read-only after;
 *   (a) atomic, or through the type's own calls: the ref through
 *       percpu_ref_*; a completion is initialised by memremap_pages(),
 *       completed once (complete_all()), waited on, or asked with
 *       completion_done();
 *   (L) under pgmap_lock;
 *   (t) written by the teardown only, read once it is over.
 */
#ifndef MM_MEMREMAP_H
#define MM_MEMREMAP_H

#include <lib/compiler.h>
#include <kernel/completion.h>
#include <mm/percpu_ref.h>
#include <mm/memmap.h>
#include <mm/memremap_modes.h>
#include <mm/vmap.h>

struct page;

#define MAX_PGMAPS		16
#define MEMREMAP_ALTMAP		0x1	/* (o) memmap on the device itself */

enum pgmap_state {
	PGMAP_UNUSED, PGMAP_LIVE, PGMAP_DYING, PGMAP_WAITING, PGMAP_DEAD,
};

struct dev_pagemap {
	phys_addr_t start;		/* (o) first byte, page aligned */
	phys_addr_t end;		/* (o) last byte (inclusive) */
	unsigned int flags;		/* (o) MEMREMAP_* */
	unsigned long altmap_reserve;	/* (o) altmap: pages kept out (labels) */
	const char *name;		/* (o) for messages; NULL: "pgmap" */
	struct vmem_altmap altmap;	/* (i) with MEMREMAP_ALTMAP */
	void *virt;			/* (i) the write-back mapping of start */
	unsigned long pfn_first;	/* (i) first usable pfn (after altmap) */
	unsigned long nr_pages;		/* (i) usable pages, each one ref */
	uint64_t memmap_bytes;		/* (i) memmap size (RAM or device) */
	unsigned int memmap_threads;	/* (i) threads that wrote the memmap */
	/* (o) optional: setup adds the struct pages it has written here
	 * (atomically, as it goes: a probe's progress) */
	unsigned long *memmap_progress;
	/* (o) optional: the teardown's first step, before the kill (pmem:
	 * stop DAX faults, zap the DAX mappings) */
	void (*kill_mappings)(struct dev_pagemap *pgmap);
	struct percpu_ref ref;		/* (a) the range's life: percpu_ref_* */
	int state;			/* (a) enum pgmap_state */
	struct completion confirmed;	/* (a) the kill's switch is complete */
	struct completion zero;		/* (a) the ref reached zero (its release
					 * ran): the teardown sleeps on it */
	struct memremap_modes modes;	/* (i) the teaching modes at setup: ask
					 * pgmap_refs_mode() and friends */
	long count_at_kill;		/* (t) pins left after step 2: written by
					 * the teardown, read after it */
	int slot;			/* (L) lookup slot, -1 if none */
};

/*
 * Which teaching mode is a pgmap in (its copy of the boot's modes,
 * mm/memremap_modes.h)? Code that has a pgmap asks these, and only these;
 * get_page() and put_page(), which have none, read the flags of
 * mm/page_ref.h that the same modes set.
 */
static inline enum zone_device_refs pgmap_refs_mode(const struct dev_pagemap *pgmap)
{
	return pgmap->modes.refs;
}

/* Do get_page()/put_page() of its pages take/drop pgmap references? */
static inline bool pgmap_refs_hooked(const struct dev_pagemap *pgmap)
{
	return memremap_refs_hooked(&pgmap->modes);
}

static inline enum memremap_teardown pgmap_teardown_mode(const struct dev_pagemap *pgmap)
{
	return pgmap->modes.teardown;
}

/* --- the API -------------------------------------------------------------- */

/*
 * Map pgmap->start..end and give it struct pages (see above). Returns
 * the kernel address of start, or an ERR_PTR: -EINVAL (bad range or
 * flags), -EEXIST (overlaps RAM or another pgmap), -EBUSY (its device
 * pages still hold a quarantined memmap), -ENOMEM (mapping, memmap, ref).
 * On failure nothing is left behind. The owner calls memunmap_pages()
 * (a device through devres: devm_memremap_pages(),
 * drivers/base/devm_memremap.h).
 */
void *memremap_pages(struct dev_pagemap *pgmap);
/* The teardown now (what devres runs at unbind); may wait for pins. */
void memunmap_pages(struct dev_pagemap *pgmap);

/*
 * The pgmap of a device pfn with a reference (put_dev_pagemap), or NULL
 * if none or dying. `cached` (may be NULL): a pgmap the caller holds a
 * reference on (Linux's convention): if it covers pfn it is returned as
 * it is, that one reference standing for both; otherwise its reference
 * is dropped and the lookup runs. So a walk keeps one pgmap reference
 * across a range and drops it once at the end.
 */
struct dev_pagemap *get_dev_pagemap(unsigned long pfn, struct dev_pagemap *cached);
/* Lookups get_dev_pagemap() ran since boot (cache misses), all CPUs. */
unsigned long get_dev_pagemap_lookups(void);

static inline void put_dev_pagemap(struct dev_pagemap *pgmap)
{
	if (pgmap) {
		trace_event(pgmap_put, pgmap, 1, 0);
		percpu_ref_put(&pgmap->ref);
	}
}

static inline bool pgmap_covers(const struct dev_pagemap *pgmap, unsigned long pfn)
{
	return pfn >= PHYS_PFN(pgmap->start) && pfn <= PHYS_PFN(pgmap->end);
}

/* --- diagnostics (tests, the `pgmap` shell command) ----------------------- */

const char *pgmap_state_name(int state);
/* pgmap->name, else its device's name, else "pgmap". */
const char *pgmap_name(const struct dev_pagemap *pgmap);
/* Pgmaps in the lookup: fill out[] (no references taken), return count. */
unsigned int pgmap_snapshot(struct dev_pagemap **out, unsigned int max);
/* Does a pgmap (live or being torn down) cover pfn? For code that must
 * not read a device memmap it holds no reference on (`page PFN`). */
bool pgmap_claims_pfn(unsigned long pfn);
/* Pages of pgmap with refcount > 0 (a scan of its memmap). */
unsigned long pgmap_live_pages(struct dev_pagemap *pgmap);
/*
 * The pgmap's reference count, exact: the ref switches to atomic mode
 * for the read and back to per-CPU mode after. Only while LIVE.
 */
long pgmap_ref_count(struct dev_pagemap *pgmap);
/*
 * Record each pgmap's count as it stands (trace event pgmap_count, read
 * with percpu_ref_sum(): exact while no one gets or puts), so a trace
 * started now has a value to count from (`trace on`).
 */
void memremap_trace_counts(void);
/*
 * The invariant: switches the ref to atomic mode to read it exactly,
 * returns 0 if refs == 1 + live pages, else -EIO with a report. The ref
 * goes back to per-CPU mode afterwards. Only while LIVE.
 */
int memremap_check_invariant(struct dev_pagemap *pgmap, long *refs, unsigned long *live);

/*
 * Clear the leaves of the regions of mm in [start, end) whose vm_ops and
 * vm_private_data are ops and priv (mm/zap_vmas.c), with TLB shootdown;
 * the regions stay. Returns the bytes covered. Takes mmap_lock (write).
 */
struct mm_struct;
struct vm_operations_struct;
unsigned long zap_vmas_of(struct mm_struct *mm, unsigned long start, unsigned long end,
			  const struct vm_operations_struct *ops, void *priv);

/* Device pages released to __put_page's device branch (a counter). */
extern unsigned long zone_device_page_frees;

#endif /* MM_MEMREMAP_H */
