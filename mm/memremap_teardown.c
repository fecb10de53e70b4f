/*
 * memunmap_pages(): the teardown of a dev_pagemap, in the order of
 * mm/memremap.h and docs/zone-device.md (the mappings, the kill, the put
 * loop, the wait for pinned pages, the removal), and what the teaching
 * modes change in it (zone_device.refs=legacy|regression: no put loop;
 * memremap.teardown=v4.12: the removal before the wait).
 *
 * The wait sleeps on a completion that the ref's release completes (on
 * the host, a thread yields instead), announcing itself after 1 s and
 * then every 5 s; `pgmap` shows WAITING and the outstanding count meanwhile.
 */
#include <kernel/rcu.h>
#include <lib/ktime.h>
#include <lib/printk.h>
#include <mm/memremap.h>
#include <mm/memremap_graveyard.h>
#include <mm/memremap_internal.h>
#include <mm/memremap_lookup.h>
#include <mm/page_ref.h>
#include <lib/trace.h>

/* A phase of the teardown begins (the trace event `teardown`). */
#define phase(pgmap, name, value) \
	trace_event(teardown, TRACE_PHASE_##name, pgmap, value)

static void pgmap_kill_confirmed(struct percpu_ref *ref)
{
	complete_all(&container_of(ref, struct dev_pagemap, ref)->confirmed);
}

/*
 * Step 3: sleep until the ref's release ran (the last pinned page was
 * put), however long that takes. The sleep is cut in 10 ms slices only
 * to notice a count gone below zero and to say what it waits for (after
 * 1 s, then every 5 s). A negative count is the seed bug's teaching mode after earlier
 * pin cycles: its release never comes, and leaving the wait then is
 * zdk's addition (the run goes on to show the late put); Linux v4.12 hung.
 */
static void wait_for_zero(struct dev_pagemap *pgmap)
{
	uint64_t next = ktime_get_ns() + NSEC_PER_SEC;

	/*
	 * The count the wait starts from (the pins still held after step 2),
	 * for `pgmap` and the tests: exact once the kill's switch to atomic
	 * mode has landed, which comes before any release.
	 */
	wait_for_completion(&pgmap->confirmed);
	/*
	 * A kill's switch confirms before it drops the reference it holds
	 * for itself (mm/percpu_ref.c), so right after the confirmation the
	 * count may still include it. The switch is an RCU callback:
	 * rcu_barrier() returns once it has returned, put included.
	 */
	rcu_barrier();
	/* released already (pgmap_ref_release() ran): nothing to wait for */
	if (completion_done(&pgmap->zero)) {
		phase(pgmap, wait_begin, 0);
		phase(pgmap, wait_end, 0);
		return;			/* count_at_kill stays 0 */
	}
	pgmap->count_at_kill = percpu_ref_atomic_count(&pgmap->ref);
	trace_event(pgmap_count, pgmap, pgmap->count_at_kill,
		    trace_pack_name(pgmap_name(pgmap)));
	phase(pgmap, wait_begin, pgmap->count_at_kill);
	set_state(pgmap, PGMAP_WAITING);
	while (!wait_for_completion_timeout(&pgmap->zero, 10)) {
		long now = percpu_ref_atomic_count(&pgmap->ref);

		if (now < 0) {
			/* zdk's exit, not Linux's: v4.12 waited here for ever */
			pr_err("memremap: %s: pgmap refs went below zero (%ld): more puts than "
			       "gets, so zero cannot come; zdk stops the wait here (Linux v4.12 "
			       "had no such exit and hung) and removes the range under any pins",
			       pgmap_name(pgmap), now);
			trace_event(pgmap_count, pgmap, now, trace_pack_name(pgmap_name(pgmap)));
			break;
		}
		if (ktime_get_ns() > next) {
			pr_info("memremap: %s: teardown waiting for %ld pinned page(s)",
				pgmap_name(pgmap), now);
			next += 5 * NSEC_PER_SEC;
		}
	}
	phase(pgmap, wait_end, percpu_ref_atomic_count(&pgmap->ref));
}

/*
 * Step 4: the memmap into the graveyard (mm/memremap_graveyard.h), then
 * the mapping. An altmap memmap lies at the head of the range, after the
 * reserve, one piece's after another's: each is unmapped unless its grave
 * keeps it for late puts (the grave unmaps it when they are over).
 */
static void remove_range(struct dev_pagemap *pgmap, unsigned int grave_flags)
{
	uintptr_t virt = (uintptr_t)pgmap->virt;
	uintptr_t end = virt + (uintptr_t)(pgmap->end - pgmap->start + 1);
	uintptr_t head = virt;		/* the altmap memmap's pieces: [head, tail) */
	uintptr_t tail = virt;
	unsigned int n = count_pieces(pgmap);
	unsigned long pfn, nr;
	struct burial b;

	if (pgmap->flags & MEMREMAP_ALTMAP) {
		head = virt + PFN_PHYS(pgmap->altmap.reserve);
		tail = head + PFN_PHYS(pgmap->altmap.alloc);
	}
	/* newest first: an altmap gets its memmap pages back by count */
	for (unsigned int i = n; i > 0; i--) {
		piece_at(pgmap, i - 1, &pfn, &nr);
		memremap_bury(pgmap, pfn, nr, grave_flags, &b);
		if ((pgmap->flags & MEMREMAP_ALTMAP) && !b.keep_mapped)
			memunmap_range(b.memmap, b.bytes);
	}
	if (pgmap->flags & MEMREMAP_ALTMAP) {
		memunmap_range((void *)virt, head - virt);	/* the reserve */
		virt = tail;
	}
	memunmap_range((void *)virt, end - virt);
	pgmap->virt = NULL;
}

void memunmap_pages(struct dev_pagemap *pgmap)
{
	bool hooked = pgmap_refs_hooked(pgmap);
	bool v4_12 = pgmap_teardown_mode(pgmap) == MEMREMAP_TEARDOWN_V4_12;
	unsigned long end = end_pfn(pgmap);

	phase(pgmap, begin, 0);
	phase(pgmap, unmap, 0);
	/* 0. the owner's mappings of the range (DAX) stop reaching the
	 *    pages: unmapped first, before anything else changes, as device
	 *    DAX does; no fault can make new ones (kill_mappings says so) */
	if (pgmap->kill_mappings)
		pgmap->kill_mappings(pgmap);
	/* 1. no new get_dev_pagemap(), no new users (the owner may have
	 *    killed it already, e.g. with its queue) */
	phase(pgmap, kill, 0);
	if (!percpu_ref_is_dying(&pgmap->ref))
		percpu_ref_kill_and_confirm(&pgmap->ref, pgmap_kill_confirmed);
	else {
		/* killed by the owner: wait for its switch to land, so the
		 * count read by wait_for_zero() is the real one */
		percpu_ref_switch_to_atomic_sync(&pgmap->ref);
		complete_all(&pgmap->confirmed);
	}
	set_state(pgmap, PGMAP_DYING);
	/* 2. drop the device's hold on every usable page (the hooked modes
	 *    never took per-page references for it) */
	phase(pgmap, puts, hooked ? 0 : pgmap->nr_pages);
	if (!hooked)
		for (unsigned long pfn = pgmap->pfn_first; pfn < end; pfn++)
			put_page(__pfn_to_page(pfn));
	if (v4_12) {
		/* the v4.12 hole: before the wait, pins still held */
		phase(pgmap, remove, 0);
		remove_range(pgmap, GRAVE_WAITING | GRAVE_RACING);
	}
	/* 3. wait for the pinned pages' final puts */
	wait_for_zero(pgmap);
	memremap_graves_stop_waiting(pgmap);
	/* 4. nothing can reach the pages any more: remove them (the seed
	 *    bug's mode may get here with pins held: puts may be racing) */
	if (!v4_12) {
		phase(pgmap, remove, 0);
		remove_range(pgmap, hooked ? GRAVE_RACING | GRAVE_DEVICE_HOLDS : 0);
	}
	phase(pgmap, rcu, 0);
	pgmap_unclaim(pgmap);			/* + synchronize_rcu() */
	percpu_ref_exit(&pgmap->ref);
	set_state(pgmap, PGMAP_DEAD);
	phase(pgmap, end, 0);
	pr_info("memremap: %s: %#llx-%#llx removed", pgmap_name(pgmap),
		(unsigned long long)pgmap->start, (unsigned long long)pgmap->end);
}
