/*
 * The books the soak checks after every round (soak.h), with every
 * worker idle and nothing pinned or mapped:
 *   - pmem0 bound, its pgmap live, every device page at refcount 1, and
 *     the pgmap's references what its mode says with nothing pinned:
 *     1 + pages with zone_device.refs=single (the single-reference rule,
 *     docs/lifetimes.md), 1 in the hooked teaching modes, where only a
 *     get beyond the device's own takes one (so the seed regression,
 *     whose fast pins drop references they never took, shows below 1);
 *   - its queue live with nothing in flight;
 *   - no page both free and referenced: zone_check() walks the free lists
 *     (each block PG_buddy at refcount 0, the counts agree);
 *   - no warning, no late access to a removed memmap;
 *   - after every round from the ninth of the run on: free pages, kmalloc
 *     objects, free per-CPU bytes, pmem0's device references and the
 *     pgmaps are what they were after the eighth (the first rounds warm
 *     the caches).
 * The unbind's teardown order and the workers' own findings are checked
 * in soak.c as the round runs.
 */
#include <drivers/pmem/tests/kernel/soak.h>
#include <drivers/pmem/tests/zone_device_test.h>
#include <drivers/base/device.h>
#include <lib/bug.h>
#include <lib/printk.h>
#include <lib/string.h>
#include <mm/memremap.h>
#include <mm/memremap_graveyard.h>
#include <mm/memremap_modes.h>
#include <mm/page_alloc.h>
#include <mm/page_ref.h>

static void check_pmem0(struct soak_run *r)
{
	struct pmem_device *p = r->p;
	bool hooked = pgmap_refs_hooked(&p->pgmap);
	long refs, want = hooked ? 1 : 1 + (long)p->pgmap.nr_pages;
	unsigned long live;

	if (p->dev.state != DEVICE_BOUND || p->pgmap.state != PGMAP_LIVE) {
		soak_violation(r, "pmem0 not bound (pgmap %s)", pgmap_state_name(p->pgmap.state));
		return;
	}
	refs = pgmap_ref_count(&p->pgmap);
	if (refs != want)
		soak_violation(r, "pgmap refs %ld, expected %ld with nothing pinned "
			       "(zone_device.refs=%s, %lu pages, %lu live)", refs, want,
			       zone_device_refs_name(pgmap_refs_mode(&p->pgmap)), p->pgmap.nr_pages,
			       pgmap_live_pages(&p->pgmap));
	live = zd_pages_not_idle(p);
	if (live)
		soak_violation(r, "%lu device pages not at refcount 1 with nothing pinned", live);
	if (strcmp(blk_queue_state(&p->queue), "live") || blk_queue_in_flight(&p->queue))
		soak_violation(r, "pmem0's queue %s with %ld in flight",
			       blk_queue_state(&p->queue), blk_queue_in_flight(&p->queue));
}

static void check_memory(struct soak_run *r)
{
	struct dev_pagemap *all[MAX_PGMAPS];
	struct mem_sample now;
	char msg[120];

	if (warn_count() != r->warn0)
		soak_violation(r, "%lu warning(s) (above)", warn_count() - r->warn0);
	if (memremap_late_accesses != r->late0)
		soak_violation(r, "%lu late access(es) to a removed memmap",
			       memremap_late_accesses - r->late0);
	if (zone_check(&zone_normal, msg, sizeof(msg)))
		soak_violation(r, "free lists: %s", msg);
	if (r->rounds < SOAK_WARMUP)
		return;
	/* a replay of what follows needs the warm-up before the round */
	r->replay_back = SOAK_WARMUP;
	mem_sample(&now);
	if (r->rounds == SOAK_WARMUP) {
		r->base = now;
		r->refcount0 = device_refcount(&r->p->dev);
		r->pgmaps0 = pgmap_snapshot(all, MAX_PGMAPS);
		pr_info("soak: the books after %u rounds: %lu free pages, %lu kmalloc objects, "
			"%zu free per-CPU bytes", SOAK_WARMUP, now.free_pages, now.kmalloc_inuse,
			now.percpu_free);
		return;
	}
	r->booked++;
	if (now.free_pages != r->base.free_pages || now.kmalloc_inuse != r->base.kmalloc_inuse ||
	    now.percpu_free != r->base.percpu_free)
		soak_violation(r, "leak: free pages %lu -> %lu, kmalloc objects %lu -> %lu, "
			       "free per-CPU bytes %zu -> %zu", r->base.free_pages,
			       now.free_pages, r->base.kmalloc_inuse, now.kmalloc_inuse,
			       r->base.percpu_free, now.percpu_free);
	if (device_refcount(&r->p->dev) != r->refcount0 ||
	    pgmap_snapshot(all, MAX_PGMAPS) != r->pgmaps0)
		soak_violation(r, "pmem0 references %lu (were %lu), pgmaps %u (were %u)",
			       device_refcount(&r->p->dev), r->refcount0,
			       pgmap_snapshot(all, MAX_PGMAPS), r->pgmaps0);
}

void soak_check_round(struct soak_run *r)
{
	check_pmem0(r);
	check_memory(r);
	r->replay_back = 0;
}
