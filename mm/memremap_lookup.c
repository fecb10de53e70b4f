/*
 * The pfn -> dev_pagemap lookup: the slots of mm/memremap_lookup.h, the
 * readers of mm/memremap.h (get_dev_pagemap() and the diagnostics) and
 * the writers memremap_pages() and memunmap_pages() use.
 */
#include <kernel/rcu.h>
#include <lib/errno.h>
#include <lib/spinlock.h>
#include <mm/memremap.h>
#include <mm/memremap_lookup.h>
#include <mm/percpu_stat.h>

static DEFINE_SPINLOCK(pgmap_lock);		/* writers of slots[] and claimed[] */
static struct dev_pagemap *slots[MAX_PGMAPS];	/* (r) read under RCU (acquire) */
static struct dev_pagemap *claimed[MAX_PGMAPS];	/* (L: pgmap_lock) claim to unclaim */

static DEFINE_PER_CPU(struct percpu_stat, lookups);	/* cache misses */

unsigned long get_dev_pagemap_lookups(void)
{
	return percpu_stat_sum(&lookups);
}

struct dev_pagemap *get_dev_pagemap(unsigned long pfn, struct dev_pagemap *cached)
{
	struct dev_pagemap *pgmap = NULL;

	if (cached) {
		if (pgmap_covers(cached, pfn))
			return cached;		/* the caller's reference covers it */
		put_dev_pagemap(cached);
	}
	percpu_stat_inc(lookups);
	rcu_read_lock();
	for (int i = 0; i < MAX_PGMAPS; i++) {
		/* acquire: pairs with the release store in pgmap_publish() */
		struct dev_pagemap *p = __atomic_load_n(&slots[i], __ATOMIC_ACQUIRE);

		if (p && pgmap_covers(p, pfn)) {
			if (percpu_ref_tryget_live(&p->ref)) {
				trace_event(pgmap_get, p, 1, 0);
				pgmap = p;
			}
			break;
		}
	}
	rcu_read_unlock();
	return pgmap;
}

/* Overlap with a claimed pgmap, under pgmap_lock. */
static struct dev_pagemap *find_overlap(phys_addr_t start, phys_addr_t end)
{
	for (int i = 0; i < MAX_PGMAPS; i++)
		if (claimed[i] && claimed[i]->start <= end && start <= claimed[i]->end)
			return claimed[i];
	return NULL;
}

bool pgmap_claims_pfn(unsigned long pfn)
{
	bool claimed_pfn;

	spin_lock(&pgmap_lock);
	claimed_pfn = find_overlap(PFN_PHYS(pfn), PFN_PHYS(pfn) + PAGE_SIZE - 1) != NULL;
	spin_unlock(&pgmap_lock);
	return claimed_pfn;
}

unsigned int pgmap_snapshot(struct dev_pagemap **out, unsigned int max)
{
	unsigned int n = 0;

	spin_lock(&pgmap_lock);
	for (int i = 0; i < MAX_PGMAPS && n < max; i++)
		if (claimed[i])
			out[n++] = claimed[i];
	spin_unlock(&pgmap_lock);
	return n;
}

int pgmap_claim(struct dev_pagemap *pgmap, struct dev_pagemap **other)
{
	int err = -ENOMEM;

	spin_lock(&pgmap_lock);
	*other = find_overlap(pgmap->start, pgmap->end);
	if (*other)
		err = -EEXIST;
	for (int i = 0; !*other && i < MAX_PGMAPS; i++)
		if (!claimed[i]) {
			claimed[i] = pgmap;
			pgmap->slot = i;
			err = 0;
			break;
		}
	spin_unlock(&pgmap_lock);
	return err;
}

void pgmap_publish(struct dev_pagemap *pgmap)
{
	spin_lock(&pgmap_lock);
	/* release: the pgmap and its pages are complete before a lookup finds it */
	__atomic_store_n(&slots[pgmap->slot], pgmap, __ATOMIC_RELEASE);
	spin_unlock(&pgmap_lock);
}

void pgmap_unclaim(struct dev_pagemap *pgmap)
{
	bool published;

	spin_lock(&pgmap_lock);
	published = slots[pgmap->slot] == pgmap;
	__atomic_store_n(&slots[pgmap->slot], NULL, __ATOMIC_RELAXED);
	claimed[pgmap->slot] = NULL;
	pgmap->slot = -1;
	spin_unlock(&pgmap_lock);
	if (published)
		synchronize_rcu();	/* readers that found it have left */
}
