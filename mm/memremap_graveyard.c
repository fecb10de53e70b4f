/*
 * The graveyard of removed device memmaps (mm/memremap_graveyard.h):
 * burial with biased counts, quarantine while late references are held,
 * the late get/put reports, reaping, and the fault report's explanation.
 */
#include <kernel/rcu.h>
#include <lib/bug.h>
#include <lib/errno.h>
#include <lib/printk.h>
#include <lib/spinlock.h>
#include <lib/string.h>
#include <mm/memmap.h>
#include <mm/memremap.h>
#include <mm/memremap_graveyard.h>
#include <mm/page_ref.h>
#include <mm/vmap.h>

enum grave_state {
	GRAVE_EMPTY,		/* never used */
	GRAVE_KEPT,		/* memmap memory still held (quarantined, or drained
				 * and not reaped yet) */
	GRAVE_GONE,		/* memmap released; the addresses are remembered */
};

static DEFINE_SPINLOCK(graveyard_lock);

/*
 * One removed section's memmap. (G) graveyard_lock; (I) written at burial
 * under the lock, then immutable until the slot is claimed again.
 */
static struct grave {
	int state;			/* (G) enum grave_state */
	unsigned long seq;		/* (I) burial number: newest explains first */
	struct memmap_mem mem;		/* (I) the memory, while KEPT */
	unsigned long pfn;		/* (I) first pfn of the section's piece */
	uintptr_t virt;			/* (I) the removed mapping of pfn.. */
	phys_addr_t memmap_phys;	/* (I) altmap: where mem lies on the device */
	bool mapped_memmap;		/* (I) mem is device memory left mapped */
	bool racing;			/* (I) puts may race: free after a grace period */
	bool burying;			/* (G) counts not all biased yet, or being
					 * released: no one else touches mem */
	long outstanding;		/* (G) references held at burial, not put yet */
	struct dev_pagemap *waiting;	/* (G) its pgmap while the teardown waits */
	char name[16];			/* (I) the pgmap's name */
} graves[GRAVES];
static unsigned int next_grave;		/* (G) the slot to try first */
static unsigned long burials;		/* (G) burials so far */
unsigned long memremap_late_accesses;	/* atomic */

static bool holds(const struct grave *g, const struct page *page)
{
	return g->state == GRAVE_KEPT && page >= g->mem.memmap &&
	       page < g->mem.memmap + g->mem.nr_pages;
}

/* A KEPT grave whose memory is no longer needed (under graveyard_lock). */
static bool drained(const struct grave *g)
{
	return g->state == GRAVE_KEPT && !g->burying && g->outstanding == 0;
}

/* Poison and free the memmap of a drained grave (ours: burying set). */
static void release(struct grave *g)
{
	/* puts that decremented before the bias may still read their page */
	if (g->racing)
		synchronize_rcu();
	memmap_release(&g->mem);
	if (g->mapped_memmap)
		memunmap_range(g->mem.memmap, g->mem.bytes);
	spin_lock(&graveyard_lock);
	g->state = GRAVE_GONE;	/* remembered for explanations */
	g->burying = false;
	spin_unlock(&graveyard_lock);
}

void memremap_graveyard_reap(void)
{
	for (int i = 0; i < GRAVES; i++) {
		struct grave *g = &graves[i];
		bool reap;

		spin_lock(&graveyard_lock);
		reap = drained(g);
		if (reap)
			g->burying = true;	/* ours: no one else reaps it */
		spin_unlock(&graveyard_lock);
		if (reap)
			release(g);
	}
}

/* A slot that holds no memory, oldest first; NULL if all are quarantined. */
static struct grave *claim_slot(void)
{
	for (unsigned int k = 0; k < GRAVES; k++) {
		struct grave *g = &graves[(next_grave + k) % GRAVES];

		if (g->state != GRAVE_KEPT) {
			next_grave = (next_grave + k + 1) % GRAVES;
			return g;
		}
	}
	return NULL;
}

void memremap_bury(struct dev_pagemap *pgmap, unsigned long pfn, unsigned long nr,
		   unsigned int flags, struct burial *b)
{
	struct vmem_altmap *altmap = (pgmap->flags & MEMREMAP_ALTMAP) ? &pgmap->altmap : NULL;
	const char *name = pgmap_name(pgmap);
	int hold = (flags & GRAVE_DEVICE_HOLDS) ? 1 : 0;
	struct memmap_mem mem;
	struct grave *g;
	bool free_now;
	int err;

	memremap_graveyard_reap();
	b->held = 0;
	b->memmap = __pfn_to_page(pfn);
	b->bytes = 0;
	b->keep_mapped = altmap != NULL;	/* until it is known to be free */

	/* a grave first: without one the memmap stays where it is */
	spin_lock(&graveyard_lock);
	g = claim_slot();
	if (g) {
		g->state = GRAVE_KEPT;
		g->burying = true;
		g->mem.memmap = NULL;	/* holds nothing until it is filled */
		g->mem.nr_pages = 0;
	}
	spin_unlock(&graveyard_lock);
	if (!g) {
		pr_err("memremap: %s: graveyard full (%d graves hold pinned memmaps): the memmap of "
		       "pfns %#lx-%#lx is left in place; the range cannot be mapped again until a "
		       "reboot", name, GRAVES, pfn, pfn + nr - 1);
		return;
	}
	err = sparse_take_section(pfn, nr, altmap, &mem);
	if (err) {
		pr_err("memremap: %s: memmap of pfns %#lx-%#lx cannot be removed: %d (%s); left in "
		       "place", name, pfn, pfn + nr - 1, err, errno_name(err));
		spin_lock(&graveyard_lock);
		g->state = GRAVE_EMPTY;
		g->burying = false;
		spin_unlock(&graveyard_lock);
		return;
	}
	spin_lock(&graveyard_lock);
	g->seq = ++burials;
	g->mem = mem;
	g->pfn = pfn;
	g->virt = (uintptr_t)pgmap->virt + (uintptr_t)(PFN_PHYS(pfn) - pgmap->start);
	g->mapped_memmap = altmap != NULL;
	g->memmap_phys = altmap ? pgmap->start + ((uintptr_t)mem.memmap - (uintptr_t)pgmap->virt) : 0;
	g->racing = flags & GRAVE_RACING;
	g->outstanding = 0;
	g->waiting = (flags & GRAVE_WAITING) ? pgmap : NULL;
	strlcpy(g->name, name, sizeof(g->name));
	spin_unlock(&graveyard_lock);
	b->memmap = mem.memmap;
	b->bytes = mem.bytes;

	/*
	 * The bias, page by page, atomically: a put that came before it was an
	 * ordinary one (the page's own final put, if it reached zero); every
	 * one after it finds the count far below zero and comes to the grave,
	 * which is registered already. `old` is what the page held, the
	 * device's own hold included where it was never put (it goes with
	 * the bias: the count becomes the pins' references + bias).
	 */
	for (unsigned long i = 0; i < nr; i++) {
		struct page *page = &mem.memmap[i];
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
			b->held += old - hold;
	}

	spin_lock(&graveyard_lock);
	g->outstanding += b->held;	/* late puts may have taken theirs off */
	g->burying = false;
	free_now = drained(g);
	if (free_now)
		g->burying = true;	/* ours to release */
	spin_unlock(&graveyard_lock);

	if (b->held)
		WARN(1, "memremap: %s: memmap of pfns %#lx-%#lx removed while its pages hold "
		     "%ld reference(s) (pins outlived the teardown); quarantined until they "
		     "are put", name, pfn, pfn + nr - 1, b->held);
	if (free_now) {
		b->keep_mapped = false;
		g->mapped_memmap = false;	/* the caller unmaps it with the range */
		release(g);
	}
}

void memremap_graves_stop_waiting(struct dev_pagemap *pgmap)
{
	spin_lock(&graveyard_lock);
	for (int i = 0; i < GRAVES; i++)
		if (graves[i].waiting == pgmap)
			graves[i].waiting = NULL;
	spin_unlock(&graveyard_lock);
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
	struct grave *g;

	if (still > -(long)GRAVE_REF_BIAS / 2)
		return false;		/* not a biased count */
	spin_lock(&graveyard_lock);
	g = find_kept(page);
	if (!g) {
		spin_unlock(&graveyard_lock);
		return false;
	}
	pfn = g->pfn + (unsigned long)(page - g->mem.memmap);
	strlcpy(name, g->name, sizeof(name));
	if (still < 0)		/* under the lock: the grave cannot drain meanwhile */
		__atomic_fetch_add(&page->_refcount, 1, __ATOMIC_RELAXED);
	else if (still == 0)
		drop = g->waiting;
	spin_unlock(&graveyard_lock);

	__atomic_fetch_add(&memremap_late_accesses, 1, __ATOMIC_RELAXED);
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
	if (drop)	/* the page's pgmap reference: a waiting teardown counts it */
		percpu_ref_put(drop->ref);
	/* the last access to the memmap was the decrement: it may go now */
	spin_lock(&graveyard_lock);
	g->outstanding--;
	spin_unlock(&graveyard_lock);
	return true;
}

bool memremap_late_get(const struct page *page, unsigned long caller)
{
	unsigned long pfn = 0;
	char name[16] = "";
	struct grave *g;

	spin_lock(&graveyard_lock);
	g = find_kept(page);
	if (g) {
		pfn = g->pfn + (unsigned long)(page - g->mem.memmap);
		strlcpy(name, g->name, sizeof(name));
	}
	spin_unlock(&graveyard_lock);
	if (!g)
		return false;
	__atomic_fetch_add(&memremap_late_accesses, 1, __ATOMIC_RELAXED);
	WARN(1, "memremap: late access: get_page of pfn %#lx of %s after its memmap was "
	     "removed (refused) by %pS", pfn, name, (void *)caller);
	return true;
}

bool memremap_graveyard_busy(phys_addr_t start, phys_addr_t end, long *held)
{
	bool busy = false;

	*held = 0;
	spin_lock(&graveyard_lock);
	for (int i = 0; i < GRAVES; i++) {
		const struct grave *g = &graves[i];

		if (g->state == GRAVE_KEPT && g->mapped_memmap && g->memmap_phys <= end &&
		    start < g->memmap_phys + g->mem.bytes) {
			busy = true;
			*held += g->outstanding;
		}
	}
	spin_unlock(&graveyard_lock);
	return busy;
}

void memremap_graveyard_stats(struct graveyard_stats *st)
{
	memset(st, 0, sizeof(*st));
	spin_lock(&graveyard_lock);
	for (int i = 0; i < GRAVES; i++) {
		const struct grave *g = &graves[i];

		if (g->state == GRAVE_KEPT && (g->outstanding || g->burying)) {
			st->quarantined++;
			st->outstanding += g->outstanding;
			st->bytes += g->mem.bytes;
		}
	}
	spin_unlock(&graveyard_lock);
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

		if (g->state == GRAVE_EMPTY || (best && g->seq < best->seq))
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
