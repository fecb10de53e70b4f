/*
 * The graveyard of removed device memmaps (mm/memremap_graveyard.h):
 * burial with biased counts, quarantine while late references are held,
 * the late get/put reports, reaping, and the fault report's explanation.
 */
#include <kernel/fault_explain.h>
#include <kernel/rcu.h>
#include <lib/bug.h>
#include <lib/errno.h>
#include <lib/printk.h>
#include <lib/spinlock.h>
#include <lib/string.h>
#include <lib/trace.h>
#include <mm/memmap.h>
#include <mm/memremap.h>
#include <mm/memremap_graveyard.h>
#include <mm/page_ref.h>
#include <mm/vmap.h>

enum grave_state {
	GRAVE_EMPTY,		/* never used */
	GRAVE_FILLING,		/* claimed by a burial: the section is being taken
				 * and its counts biased (late puts of pages
				 * already biased are accounted) */
	GRAVE_KEPT,		/* the memmap is held: quarantined (outstanding >
				 * 0), or drained and not released yet */
	GRAVE_RELEASING,	/* being poisoned and freed: found by no lookup */
	GRAVE_GONE,		/* released; its addresses are remembered */
};

static DEFINE_SPINLOCK(graveyard_lock);

/*
 * Interrupts off while it is held: the late paths run from fast GUP,
 * whose walk has them off, and a holder preempted by the tick would keep
 * that CPU from answering a TLB shootdown.
 */
static unsigned long lock_graves(void)
{
	unsigned long flags;

	spin_lock_irqsave(&graveyard_lock, flags);
	return flags;
}

static void unlock_graves(unsigned long flags)
{
	spin_unlock_irqrestore(&graveyard_lock, flags);
}

/*
 * One removed section's memmap (field legends: docs/layout.md). (L) under
 * graveyard_lock; (i) written under the lock by the burial that claimed
 * the slot, then read-only until the slot is claimed again.
 */
static struct grave {
	int state;			/* (L) enum grave_state */
	unsigned long seq;		/* (i) burial number: newest explains first */
	struct memmap_mem mem;		/* (i) the memory (nr_pages 0 until taken) */
	unsigned long pfn;		/* (i) first pfn of the section's piece */
	uintptr_t virt;			/* (i) the removed mapping of pfn.. */
	phys_addr_t memmap_phys;	/* (i) altmap: where mem lies on the device */
	bool mapped_memmap;		/* (L) mem is device memory the grave unmaps */
	bool racing;			/* (i) puts may race: free after a grace period */
	long outstanding;		/* (L) references held at burial, not put yet */
	struct dev_pagemap *waiting;	/* (L) its pgmap while the teardown waits */
	char name[16];			/* (i) the pgmap's name */
} graves[GRAVES];
static unsigned int next_grave;		/* (L) the slot to try first */
static unsigned long burials;		/* (L) burials so far */
unsigned long memremap_late_accesses;	/* atomic */
void (*memremap_bury_window)(const struct page *memmap, unsigned long nr);

/* Does g hold page's struct page, for the late paths? (L) */
static bool holds(const struct grave *g, const struct page *page)
{
	return (g->state == GRAVE_FILLING || g->state == GRAVE_KEPT) &&
	       page >= g->mem.memmap && page < g->mem.memmap + g->mem.nr_pages;
}

/* Poison and free the memmap of a grave we set RELEASING; then GONE. */
static void release(struct grave *g)
{
	unsigned long flags;

	/* puts that decremented before the bias may still read their page */
	if (g->racing)
		synchronize_rcu();
	memmap_release(&g->mem);
	if (g->mapped_memmap)
		memunmap_range(g->mem.memmap, g->mem.bytes);
	flags = lock_graves();
	g->state = GRAVE_GONE;
	unlock_graves(flags);
}

/* Take a drained KEPT grave for release (L): true if it was one. */
static bool take_drained(struct grave *g)
{
	if (g->state != GRAVE_KEPT || g->outstanding)
		return false;
	g->state = GRAVE_RELEASING;
	return true;
}

void memremap_graveyard_reap(void)
{
	for (int i = 0; i < GRAVES; i++) {
		unsigned long flags = lock_graves();
		bool reap = take_drained(&graves[i]);

		unlock_graves(flags);
		if (reap)
			release(&graves[i]);
	}
}

/* A slot that holds no memory, oldest first, made FILLING and blank (L). */
static struct grave *claim_slot(void)
{
	for (unsigned int k = 0; k < GRAVES; k++) {
		struct grave *g = &graves[(next_grave + k) % GRAVES];

		if (g->state == GRAVE_EMPTY || g->state == GRAVE_GONE) {
			next_grave = (next_grave + k + 1) % GRAVES;
			memset(g, 0, sizeof(*g));
			g->state = GRAVE_FILLING;
			return g;
		}
	}
	return NULL;
}

/*
 * A piece that stays where it is (no grave, or the section could not be
 * taken): its pages lose their pgmap, which the teardown exits next, so
 * that a pin's final put drops nothing (free_zone_device_page() and the
 * put hook skip a page without one).
 */
static void leave_in_place(struct page *memmap, unsigned long nr)
{
	for (unsigned long i = 0; memmap && i < nr; i++)
		__atomic_store_n(&memmap[i].pgmap, NULL, __ATOMIC_RELEASE);
}

/*
 * The bias, page by page, atomically: a put that came before it was an
 * ordinary one (the page's own final put, if it reached zero); every one
 * after it finds the count far below zero and comes to the grave, which
 * is registered already. `old` is what the page held, the device's own
 * hold included where it was never put (it goes with the bias: the count
 * becomes the pins' references + bias). Returns the references held.
 */
static long bias_counts(struct page *memmap, unsigned long nr, int hold)
{
	long held = 0;

	for (unsigned long i = 0; i < nr; i++) {
		struct page *page = &memmap[i];
		int old;

		if (PageReserved(page)) {
			/* not a device page (an altmap's own pages): its 1 is no
			 * one's reference, and no one can put it */
			set_page_count(page, GRAVE_REF_BIAS);
			continue;
		}
		old = __atomic_fetch_add(&page->_refcount, GRAVE_REF_BIAS - hold,
					 __ATOMIC_ACQ_REL);
		if (old > hold)
			held += old - hold;
	}
	return held;
}

/* What the grave remembers of the piece (g FILLING, ours). */
static void fill_grave(struct grave *g, struct dev_pagemap *pgmap, unsigned long pfn,
		       const struct memmap_mem *mem, unsigned int flags)
{
	bool altmap = pgmap->flags & MEMREMAP_ALTMAP;
	unsigned long irq = lock_graves();

	g->seq = ++burials;
	g->mem = *mem;
	g->pfn = pfn;
	g->virt = (uintptr_t)pgmap->virt + (uintptr_t)(PFN_PHYS(pfn) - pgmap->start);
	g->mapped_memmap = altmap;
	g->memmap_phys = altmap ? pgmap->start + ((uintptr_t)mem->memmap -
						 (uintptr_t)pgmap->virt) : 0;
	g->racing = flags & GRAVE_RACING;
	g->waiting = (flags & GRAVE_WAITING) ? pgmap : NULL;
	strlcpy(g->name, pgmap_name(pgmap), sizeof(g->name));
	unlock_graves(irq);
}

void memremap_bury(struct dev_pagemap *pgmap, unsigned long pfn, unsigned long nr,
		   unsigned int flags, struct burial *b)
{
	struct vmem_altmap *altmap = (pgmap->flags & MEMREMAP_ALTMAP) ? &pgmap->altmap : NULL;
	const char *name = pgmap_name(pgmap);
	int hold = (flags & GRAVE_DEVICE_HOLDS) ? 1 : 0;
	struct memmap_mem mem;
	unsigned long irq;
	struct grave *g;
	bool free_now;
	int err;

	memremap_graveyard_reap();
	b->held = 0;
	b->memmap = __pfn_to_page(pfn);
	b->bytes = 0;
	b->keep_mapped = altmap != NULL;	/* until it is known to be free */

	/* a grave first: without one the memmap stays where it is */
	irq = lock_graves();
	g = claim_slot();
	unlock_graves(irq);
	if (!g) {
		pr_err("memremap: %s: graveyard full (%d graves hold pinned memmaps): the memmap of "
		       "pfns %#lx-%#lx is left in place; the range cannot be mapped again until a "
		       "reboot", name, GRAVES, pfn, pfn + nr - 1);
		leave_in_place(b->memmap, nr);
		return;
	}
	err = sparse_take_section(pfn, nr, altmap, &mem);
	if (err) {
		pr_err("memremap: %s: memmap of pfns %#lx-%#lx cannot be removed: %d (%s); left in "
		       "place", name, pfn, pfn + nr - 1, err, errno_name(err));
		irq = lock_graves();
		g->state = GRAVE_EMPTY;
		unlock_graves(irq);
		leave_in_place(b->memmap, nr);
		return;
	}
	fill_grave(g, pgmap, pfn, &mem, flags);
	b->memmap = mem.memmap;
	b->bytes = mem.bytes;
	{
		void (*window)(const struct page *, unsigned long) =
			__atomic_load_n(&memremap_bury_window, __ATOMIC_ACQUIRE);

		if (unlikely(window))
			window(mem.memmap, nr);
	}

	b->held = bias_counts(mem.memmap, nr, hold);

	irq = lock_graves();
	g->outstanding += b->held;	/* late puts may have taken theirs off */
	g->state = GRAVE_KEPT;
	free_now = take_drained(g);
	if (free_now)
		g->mapped_memmap = false;	/* the caller unmaps it with the range */
	unlock_graves(irq);

	if (b->held)
		WARN(1, "memremap: %s: memmap of pfns %#lx-%#lx removed while its pages hold "
		     "%ld reference(s) (pins outlived the teardown); quarantined until they "
		     "are put", name, pfn, pfn + nr - 1, b->held);
	if (free_now) {
		b->keep_mapped = false;
		release(g);
	}
}

void memremap_graves_stop_waiting(struct dev_pagemap *pgmap)
{
	unsigned long flags = lock_graves();

	for (int i = 0; i < GRAVES; i++)
		if (graves[i].waiting == pgmap)
			graves[i].waiting = NULL;
	unlock_graves(flags);
}

/* The kept grave whose memmap holds page (under graveyard_lock). */
static struct grave *find_kept(const struct page *page)
{
	for (int i = 0; i < GRAVES; i++)
		if (holds(&graves[i], page))
			return &graves[i];
	return NULL;
}

bool memremap_late_put(struct page *page, int now, unsigned long caller)
{
	struct dev_pagemap *drop = NULL;
	unsigned long pfn;
	long still = (long)now - GRAVE_REF_BIAS;	/* the page's references after this put */
	char name[16];
	unsigned long flags;
	struct grave *g;

	if (still > -(long)GRAVE_REF_BIAS / 2)
		return false;		/* not a biased count */
	flags = lock_graves();
	g = find_kept(page);
	if (!g) {
		unlock_graves(flags);
		return false;
	}
	pfn = g->pfn + (unsigned long)(page - g->mem.memmap);
	strlcpy(name, g->name, sizeof(name));
	if (still < 0)		/* under the lock: the grave cannot be released meanwhile */
		__atomic_fetch_add(&page->_refcount, 1, __ATOMIC_RELAXED);
	else if (still == 0)
		drop = g->waiting;
	unlock_graves(flags);

	__atomic_fetch_add(&memremap_late_accesses, 1, __ATOMIC_RELAXED);
	trace_event(late_access, pfn, 1, 0);
	if (still < 0) {
		/* more puts than the page held at burial: the count was put back */
		WARN(1, "memremap: late access: put_page of pfn %#lx of %s, whose memmap was "
		     "removed, without a reference to drop (a put without a get; count kept at "
		     "%ld + bias) by %pS", pfn, name, still + 1, (void *)caller);
		return true;
	}
	WARN(1, "memremap: late access: put_page of pfn %#lx of %s after its memmap was "
	     "removed (use after free of a pinned device page), %ld reference(s) left on it, "
	     "by %pS", pfn, name, still, (void *)caller);
	if (drop) {	/* the page's pgmap reference: a waiting teardown counts it */
		trace_event(pgmap_put, drop, 1, 0);
		percpu_ref_put(&drop->ref);
	}
	/* the last access to the memmap was the decrement: it may go now */
	flags = lock_graves();
	g->outstanding--;
	unlock_graves(flags);
	return true;
}

bool memremap_late_get(const struct page *page, unsigned long caller)
{
	unsigned long pfn = 0, flags;
	char name[16] = "";
	struct grave *g;

	flags = lock_graves();
	g = find_kept(page);
	if (g) {
		pfn = g->pfn + (unsigned long)(page - g->mem.memmap);
		strlcpy(name, g->name, sizeof(name));
	}
	unlock_graves(flags);
	if (!g)
		return false;
	__atomic_fetch_add(&memremap_late_accesses, 1, __ATOMIC_RELAXED);
	trace_event(late_access, pfn, 0, 0);
	WARN(1, "memremap: late access: get_page of pfn %#lx of %s after its memmap was "
	     "removed (refused) by %pS", pfn, name, (void *)caller);
	return true;
}

bool memremap_graveyard_busy(phys_addr_t start, phys_addr_t end, long *held)
{
	unsigned long flags;
	bool busy = false;

	*held = 0;
	flags = lock_graves();
	for (int i = 0; i < GRAVES; i++) {
		const struct grave *g = &graves[i];

		if (g->state != GRAVE_EMPTY && g->state != GRAVE_GONE && g->mapped_memmap &&
		    g->memmap_phys <= end &&
		    start < g->memmap_phys + g->mem.bytes) {
			busy = true;
			*held += g->outstanding;
		}
	}
	unlock_graves(flags);
	return busy;
}

void memremap_graveyard_stats(struct graveyard_stats *st)
{
	unsigned long flags;

	memset(st, 0, sizeof(*st));
	flags = lock_graves();
	for (int i = 0; i < GRAVES; i++) {
		const struct grave *g = &graves[i];

		if ((g->state == GRAVE_KEPT && g->outstanding) || g->state == GRAVE_FILLING) {
			st->quarantined++;
			st->outstanding += g->outstanding;
			st->bytes += g->mem.bytes;
		}
	}
	unlock_graves(flags);
}

bool memremap_explain_address(unsigned long addr)
{
	const struct grave *best = NULL;
	bool in_memmap = false;

	/*
	 * No lock: the fault path calls this, maybe from under the lock, and
	 * a torn read can only make the explanation wrong, not fault. The
	 * newest burial that covers addr explains it (an address range is
	 * reused by each binding).
	 */
	for (int i = 0; i < GRAVES; i++) {
		const struct grave *g = &graves[i];
		uintptr_t memmap = (uintptr_t)g->mem.memmap;
		bool m, v;

		if (g->state == GRAVE_EMPTY || g->state == GRAVE_FILLING ||
		    (best && g->seq < best->seq))
			continue;
		m = addr >= memmap && addr < memmap + g->mem.nr_pages * sizeof(struct page);
		v = g->virt && addr >= g->virt && addr < g->virt + (g->mem.nr_pages << PAGE_SHIFT);
		if (m || v) {
			best = g;
			in_memmap = m;
		}
	}
	if (!best)
		return false;
	if (in_memmap)
		pr_emerg("late access: 0x%lx is in the struct page of pfn %#lx of %s, whose memmap "
			 "was removed at its teardown", addr, best->pfn +
			 (addr - (uintptr_t)best->mem.memmap) / sizeof(struct page), best->name);
	else
		pr_emerg("late access: 0x%lx is pfn %#lx of %s, whose mapping was removed at its "
			 "teardown (a stale kernel pointer into the device)", addr,
			 best->pfn + ((addr - best->virt) >> PAGE_SHIFT), best->name);
	return true;
}

static const struct fault_explainer graveyard_explainer = {
	.name = "memremap graveyard", .explain = memremap_explain_address,
};
FAULT_EXPLAINER(graveyard_explainer);
