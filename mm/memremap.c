/*
 * memremap_pages() and its teardown, the pfn -> dev_pagemap lookup,
 * and the device-page branch of __put_page (see mm/memremap.h for the
 * rule, the order and the life story).
 *
 * Setup builds the range step by step, each step undone by
 * memremap_undo() from the recorded progress, so a failure at any step
 * leaves nothing behind. The teardown is memunmap_pages(), which the
 * owner runs (a device's devres at unbind: drivers/base/devm_memremap.c):
 * kill, put every pfn, wait for zero, then remove. The teaching modes (mm/memremap_modes.h), copied into each pgmap at setup,
 * bend it: zone_device.refs=legacy|regression take no per-page references
 * and skip the put loop; memremap.teardown=v4.12 removes before the wait.
 *
 * The wait sleeps on a completion that the ref's release completes (on
 * the host, a thread yields instead), announcing itself every 5 s;
 * `pgmap` shows WAITING and the outstanding count meanwhile.
 */
#include <kernel/rcu.h>
#include <lib/bug.h>
#include <lib/err.h>
#include <lib/errno.h>
#include <lib/ktime.h>
#include <lib/printk.h>
#include <lib/spinlock.h>
#include <lib/string.h>
#include <mm/internal.h>
#include <mm/memblock.h>
#include <mm/memremap.h>
#include <mm/memremap_graveyard.h>
#include <mm/page_ref.h>
#include <asm/cpu.h>
#include <asm/percpu.h>

static DEFINE_SPINLOCK(pgmap_lock);		/* writers of slots[] */
static struct dev_pagemap *slots[MAX_PGMAPS];	/* read under RCU (acquire) */
static struct dev_pagemap *claimed[MAX_PGMAPS];	/* (L) setup to teardown */
unsigned long zone_device_page_frees;

const char *pgmap_name(const struct dev_pagemap *pgmap)
{
	return pgmap->name ? pgmap->name : "pgmap";
}

const char *pgmap_state_name(int state)
{
	static const char *const names[] = { "unused", "live", "dying", "waiting", "dead" };

	return state >= 0 && state <= PGMAP_DEAD ? names[state] : "?";
}

static void set_state(struct dev_pagemap *pgmap, int state)
{
	__atomic_store_n(&pgmap->state, state, __ATOMIC_RELEASE);
}

/* --- the lookup ----------------------------------------------------------- */

static DEFINE_PER_CPU(unsigned long, lookups);	/* this CPU's, this_cpu_inc */

unsigned long get_dev_pagemap_lookups(void)
{
	unsigned long sum = 0;

	for (unsigned int cpu = 0; cpu < nr_cpu_ids; cpu++)
		sum += per_cpu(lookups, cpu);
	return sum;
}

struct dev_pagemap *get_dev_pagemap(unsigned long pfn, struct dev_pagemap *cached)
{
	struct dev_pagemap *pgmap = NULL;

	if (cached) {
		if (pgmap_covers(cached, pfn))
			return cached;		/* the caller's reference covers it */
		put_dev_pagemap(cached);
	}
	this_cpu_inc(lookups);
	rcu_read_lock();
	for (int i = 0; i < MAX_PGMAPS; i++) {
		/* acquire: pairs with the release store in publish() */
		struct dev_pagemap *p = __atomic_load_n(&slots[i], __ATOMIC_ACQUIRE);

		if (p && pgmap_covers(p, pfn)) {
			if (percpu_ref_tryget_live(p->ref))
				pgmap = p;
			break;
		}
	}
	rcu_read_unlock();
	return pgmap;
}

/* Overlap with a published pgmap, under pgmap_lock. */
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

/* --- the device-page branch of __put_page ---------------------------------- */

/*
 * The last reference of a device page is gone: drop the page's one pgmap
 * reference. The page stays in its memmap at refcount 0 (never freed).
 */
void free_zone_device_page(struct page *page)
{
	struct dev_pagemap *pgmap = page->pgmap;

	__atomic_fetch_add(&zone_device_page_frees, 1, __ATOMIC_RELAXED);
	/* none: a memmap built by hand (tests): stays at 0; the hooked
	 * modes dropped the reference in put_page() already */
	if (pgmap && !zone_device_hooks)
		percpu_ref_put(pgmap->ref);
}

static void pgmap_kill_confirmed(struct percpu_ref *ref)
{
	struct dev_pagemap *pgmap = container_of(ref, struct dev_pagemap, internal_ref);

	/* release: for the flag's readers (`pgmap`); the teardown waits
	 * on the completion, whose lock orders it */
	__atomic_store_n(&pgmap->kill_confirmed, true, __ATOMIC_RELEASE);
	complete_all(&pgmap->confirmed);
}

static void pgmap_ref_release(struct percpu_ref *ref)
{
	struct dev_pagemap *pgmap = container_of(ref, struct dev_pagemap, internal_ref);

	/* release: pairs with the acquire in wait_for_zero() and readers */
	__atomic_store_n(&pgmap->released, true, __ATOMIC_RELEASE);
	complete_all(&pgmap->zero);	/* wakes the teardown */
}

/* --- setup and teardown ---------------------------------------------------- */

/* How far setup got (undo in reverse). */
enum { STEP_NONE, STEP_REF, STEP_SLOT, STEP_MAPPED, STEP_MEMMAP };

static unsigned long first_pfn(const struct dev_pagemap *p) { return PHYS_PFN(p->start); }
static unsigned long end_pfn(const struct dev_pagemap *p) { return PHYS_PFN(p->end) + 1; }

/* Each section-sized piece of the range: [*pfn, *pfn + *nr). */
static bool next_piece(const struct dev_pagemap *p, unsigned long *pfn, unsigned long *nr)
{
	unsigned long end = end_pfn(p), sec_end;

	if (*pfn >= end)
		return false;
	sec_end = (*pfn & PAGE_SECTION_MASK) + PAGES_PER_SECTION;
	*nr = (sec_end < end ? sec_end : end) - *pfn;
	return true;
}

/* Remove the memmap of the first `added` pieces, newest first (altmap). */
static void remove_memmap(struct dev_pagemap *pgmap, unsigned int added)
{
	struct vmem_altmap *altmap = (pgmap->flags & MEMREMAP_ALTMAP) ? &pgmap->altmap : NULL;

	while (added) {
		unsigned long pfn = first_pfn(pgmap), nr = 0;
		unsigned int i = 0;

		/* find piece number added-1 */
		while (next_piece(pgmap, &pfn, &nr) && ++i < added)
			pfn += nr;
		sparse_remove_section(pfn, nr, altmap);
		added--;
	}
}

static unsigned int count_pieces(const struct dev_pagemap *pgmap)
{
	unsigned long pfn = first_pfn(pgmap), nr;
	unsigned int n = 0;

	while (next_piece(pgmap, &pfn, &nr)) {
		n++;
		pfn += nr;
	}
	return n;
}

/* Unpublish (if published) and free the slot; after it no reader sees pgmap. */
static void unclaim(struct dev_pagemap *pgmap)
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

static void memremap_undo(struct dev_pagemap *pgmap, int step, unsigned int pieces)
{
	if (step >= STEP_MEMMAP || pieces)
		remove_memmap(pgmap, pieces);
	if (step >= STEP_MAPPED)
		memunmap_range(pgmap->virt, pgmap->end - pgmap->start + 1);
	pgmap->virt = NULL;
	if (step >= STEP_SLOT)
		unclaim(pgmap);
	if (step >= STEP_REF)
		percpu_ref_exit(&pgmap->internal_ref);
}

/* Does [start, end] touch RAM (memblock memory, or a boot memmap)? */
static bool overlaps_ram(phys_addr_t start, phys_addr_t end)
{
	for (unsigned int i = 0; i < memblock.memory.cnt; i++) {
		const struct memblock_region *r = &memblock.memory.regions[i];

		if (r->size && r->base <= end && start <= r->base + r->size - 1)
			return true;
	}
	return false;	/* a boot memmap section: sparse_add_section says -EEXIST */
}

void *memremap_pages(struct dev_pagemap *pgmap)
{
	const char *name = pgmap_name(pgmap);
	uint64_t size = pgmap->end - pgmap->start + 1;
	unsigned long pfn, nr, memmap_pages;
	unsigned int pieces = 0;
	int step = STEP_NONE, err, slot = -1;
	struct dev_pagemap *other;
	long held;

	if ((pgmap->start & ~PAGE_MASK) || ((pgmap->end + 1) & ~PAGE_MASK) ||
	    pgmap->end <= pgmap->start || (pgmap->flags & ~MEMREMAP_ALTMAP)) {
		pr_err("memremap: %s: bad range %#llx-%#llx or flags %#x (page-aligned, "
		       "non-empty, MEMREMAP_ALTMAP only)", name,
		       (unsigned long long)pgmap->start, (unsigned long long)pgmap->end,
		       pgmap->flags);
		return ERR_PTR(-EINVAL);
	}
	memremap_graveyard_reap();
	if (memremap_graveyard_busy(pgmap->start, pgmap->end, &held)) {
		pr_err("memremap: %s: %#llx-%#llx still holds the memmap of an earlier binding, "
		       "removed under pins (a teaching mode), %ld reference(s) not put yet%s: "
		       "refused", name, (unsigned long long)pgmap->start,
		       (unsigned long long)pgmap->end, held,
		       held ? "" : " (being freed now: try again)");
		return ERR_PTR(-EBUSY);
	}
	if (overlaps_ram(pgmap->start, pgmap->end)) {
		pr_err("memremap: %s: %#llx-%#llx overlaps RAM: refused", name,
		       (unsigned long long)pgmap->start, (unsigned long long)pgmap->end);
		return ERR_PTR(-EEXIST);
	}
	memremap_modes_init();		/* the boot parameters, read once */
	pgmap->modes = memremap_modes;
	pgmap->slot = -1;
	pgmap->released = false;
	pgmap->kill_confirmed = false;
	pgmap->count_at_kill = 0;
	init_completion(&pgmap->confirmed);
	init_completion(&pgmap->zero);
	pgmap->ref = &pgmap->internal_ref;
	err = percpu_ref_init(&pgmap->internal_ref, pgmap_ref_release, 0);
	if (err)
		goto fail;
	step = STEP_REF;

	/* claim a slot: writers see it (overlaps), readers not until publish */
	spin_lock(&pgmap_lock);
	other = find_overlap(pgmap->start, pgmap->end);
	for (int i = 0; !other && i < MAX_PGMAPS; i++)
		if (!claimed[i]) {
			slot = i;
			claimed[i] = pgmap;
			pgmap->slot = i;
			break;
		}
	spin_unlock(&pgmap_lock);
	if (other) {
		pr_err("memremap: %s: %#llx-%#llx overlaps %s (%#llx-%#llx): refused", name,
		       (unsigned long long)pgmap->start, (unsigned long long)pgmap->end,
		       pgmap_name(other), (unsigned long long)other->start,
		       (unsigned long long)other->end);
		err = -EEXIST;
		goto fail;
	}
	if (slot < 0) {
		pr_err("memremap: %s: all %d pgmap slots in use", name, MAX_PGMAPS);
		err = -ENOMEM;
		goto fail;
	}
	step = STEP_SLOT;

	pgmap->virt = memremap_range(pgmap->start, size, MAP_WB);
	if (!pgmap->virt) {
		pr_err("memremap: %s: cannot map %#llx-%#llx write-back", name,
		       (unsigned long long)pgmap->start, (unsigned long long)pgmap->end);
		err = -ENOMEM;
		goto fail;
	}
	step = STEP_MAPPED;

	memmap_pages = PFN_UP((end_pfn(pgmap) - first_pfn(pgmap)) * sizeof(struct page));
	memset(&pgmap->altmap, 0, sizeof(pgmap->altmap));
	if (pgmap->flags & MEMREMAP_ALTMAP) {
		pgmap->altmap.base_pfn = first_pfn(pgmap);
		pgmap->altmap.reserve = pgmap->altmap_reserve;
		pgmap->altmap.free = memmap_pages + count_pieces(pgmap);
		pgmap->altmap.virt = pgmap->virt;
		if (pgmap->altmap.reserve + pgmap->altmap.free >= end_pfn(pgmap) - first_pfn(pgmap)) {
			pr_err("memremap: %s: range too small for its own memmap", name);
			err = -EINVAL;
			goto fail;
		}
	}
	for (pfn = first_pfn(pgmap); next_piece(pgmap, &pfn, &nr); pfn += nr) {
		err = sparse_add_section(pfn, nr, (pgmap->flags & MEMREMAP_ALTMAP) ?
					 &pgmap->altmap : NULL);
		if (err) {
			pr_err("memremap: %s: memmap for pfns %#lx-%#lx: %d (%s)", name, pfn,
			       pfn + nr - 1, err, errno_name(err));
			goto fail;
		}
		pieces++;
		memmap_init_range(pfn, nr, ZONE_DEVICE);
	}
	step = STEP_MEMMAP;
	pgmap->memmap_bytes = (uint64_t)(end_pfn(pgmap) - first_pfn(pgmap)) * sizeof(struct page);
	pgmap->pfn_first = first_pfn(pgmap);
	if (pgmap->flags & MEMREMAP_ALTMAP)
		pgmap->pfn_first += pgmap->altmap.reserve + pgmap->altmap.free;
	pgmap->nr_pages = end_pfn(pgmap) - pgmap->pfn_first;

	/* every usable page: device zone, not reserved, refcount 1, pgmap */
	for (pfn = pgmap->pfn_first; pfn < end_pfn(pgmap); pfn++) {
		struct page *page = __pfn_to_page(pfn);

		ClearPageReserved(page);
		page->pgmap = pgmap;
		page->zone_device_data = NULL;
		set_page_count(page, 1);
	}
	/* the hooked modes take pgmap references in get/put instead */
	if (!memremap_refs_hooked(&pgmap->modes))
		percpu_ref_get_many(pgmap->ref, pgmap->nr_pages);

	set_state(pgmap, PGMAP_LIVE);
	spin_lock(&pgmap_lock);
	/* release: the pgmap and its pages are complete before a lookup finds it */
	__atomic_store_n(&slots[slot], pgmap, __ATOMIC_RELEASE);
	spin_unlock(&pgmap_lock);

	pr_info("memremap: %s: %#llx-%#llx, %lu pages, memmap %llu KiB in %s", name,
		(unsigned long long)pgmap->start, (unsigned long long)pgmap->end,
		pgmap->nr_pages, (unsigned long long)(pgmap->memmap_bytes >> 10),
		(pgmap->flags & MEMREMAP_ALTMAP) ? "the device (altmap)" : "RAM");
	return pgmap->virt;

fail:
	memremap_undo(pgmap, step >= STEP_MEMMAP ? STEP_MAPPED : step, pieces);
	set_state(pgmap, PGMAP_UNUSED);
	return ERR_PTR(err);
}

/*
 * Step 3: sleep until the ref's release ran (the last pinned page was
 * put), however long that takes. The sleep is cut in 10 ms slices only
 * to notice a count gone below zero and to say every 5 s what it waits
 * for. A negative count is the seed bug's teaching mode after earlier
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
	 * The switch confirms before it drops the reference it holds for
	 * itself (mm/percpu_ref.c), so right after the confirmation the
	 * count may still include it. The switch is an RCU callback:
	 * rcu_barrier() returns once it has returned, put included.
	 */
	rcu_barrier();
	/* acquire: pairs with the release store in pgmap_ref_release() */
	if (__atomic_load_n(&pgmap->released, __ATOMIC_ACQUIRE))
		return;			/* count_at_kill stays 0 */
	pgmap->count_at_kill = percpu_ref_atomic_count(pgmap->ref);
	set_state(pgmap, PGMAP_WAITING);
	while (!wait_for_completion_timeout(&pgmap->zero, 10)) {
		long now = percpu_ref_atomic_count(pgmap->ref);

		if (now < 0) {
			/* zdk's exit, not Linux's: v4.12 waited here for ever */
			pr_err("memremap: %s: pgmap refs went below zero (%ld): more puts than "
			       "gets, so zero cannot come; zdk stops the wait here (Linux v4.12 "
			       "had no such exit and hung) and removes the range under any pins",
			       pgmap_name(pgmap), now);
			break;
		}
		if (ktime_get_ns() > next) {
			pr_info("memremap: %s: teardown waiting for %ld pinned page(s)",
				pgmap_name(pgmap), now);
			next += 5 * NSEC_PER_SEC;
		}
	}
}

/* Piece number idx of the range (0: the first): *pfn, *nr. */
static void piece_at(const struct dev_pagemap *p, unsigned int idx, unsigned long *pfn,
		     unsigned long *nr)
{
	*pfn = first_pfn(p);
	*nr = 0;
	while (next_piece(p, pfn, nr) && idx--)
		*pfn += *nr;
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
	bool hooked = memremap_refs_hooked(&pgmap->modes);
	bool v4_12 = pgmap->modes.teardown == MEMREMAP_TEARDOWN_V4_12;
	unsigned long end = end_pfn(pgmap);

	/* 0. the owner's mappings of the range (DAX) stop reaching the
	 *    pages: unmapped first, before anything else changes, as device
	 *    DAX does; no fault can make new ones (kill_mappings says so) */
	if (pgmap->kill_mappings)
		pgmap->kill_mappings(pgmap);
	/* 1. no new get_dev_pagemap(), no new users (the owner may have
	 *    killed it already, e.g. with its queue) */
	if (!percpu_ref_is_dying(pgmap->ref))
		percpu_ref_kill_and_confirm(pgmap->ref, pgmap_kill_confirmed);
	else {
		/* killed by the owner: wait for its switch to land, so the
		 * count read by wait_for_zero() is the real one */
		percpu_ref_switch_to_atomic_sync(pgmap->ref);
		__atomic_store_n(&pgmap->kill_confirmed, true, __ATOMIC_RELEASE);
		complete_all(&pgmap->confirmed);
	}
	set_state(pgmap, PGMAP_DYING);
	/* 2. drop the device's hold on every usable page (the hooked modes
	 *    never took per-page references for it) */
	if (!hooked)
		for (unsigned long pfn = pgmap->pfn_first; pfn < end; pfn++)
			put_page(__pfn_to_page(pfn));
	if (v4_12)
		/* the v4.12 hole: before the wait, pins still held */
		remove_range(pgmap, GRAVE_WAITING | GRAVE_RACING);
	/* 3. wait for the pinned pages' final puts */
	wait_for_zero(pgmap);
	memremap_graves_stop_waiting(pgmap);
	/* 4. nothing can reach the pages any more: remove them (the seed
	 *    bug's mode may get here with pins held: puts may be racing) */
	if (!v4_12)
		remove_range(pgmap, hooked ? GRAVE_RACING | GRAVE_DEVICE_HOLDS : 0);
	unclaim(pgmap);				/* + synchronize_rcu() */
	percpu_ref_exit(&pgmap->internal_ref);
	set_state(pgmap, PGMAP_DEAD);
	pr_info("memremap: %s: %#llx-%#llx removed", pgmap_name(pgmap),
		(unsigned long long)pgmap->start, (unsigned long long)pgmap->end);
}

/* --- diagnostics ------------------------------------------------------------ */

unsigned long pgmap_live_pages(struct dev_pagemap *pgmap)
{
	unsigned long n = 0;

	for (unsigned long pfn = pgmap->pfn_first; pfn < end_pfn(pgmap); pfn++)
		n += page_ref_count(__pfn_to_page(pfn)) > 0;
	return n;
}

int memremap_check_invariant(struct dev_pagemap *pgmap, long *refs, unsigned long *live)
{
	percpu_ref_switch_to_atomic_sync(pgmap->ref);
	*refs = percpu_ref_atomic_count(pgmap->ref);
	*live = pgmap_live_pages(pgmap);
	percpu_ref_switch_to_percpu(pgmap->ref);
	if (*refs != 1 + (long)*live) {
		pr_err("memremap: %s: invariant broken: %ld pgmap refs, 1 + %lu live pages",
		       pgmap_name(pgmap), *refs, *live);
		return -EIO;
	}
	return 0;
}
