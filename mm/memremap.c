/*
 * memremap_pages(), the device-page branch of __put_page, and the
 * invariant check (see mm/memremap.h for the rule, the order and the
 * life story). The ZONE_DEVICE core is four files: this one, the lookup
 * (mm/memremap_lookup.c), the teardown (mm/memremap_teardown.c) and the
 * graveyard of removed memmaps (mm/memremap_graveyard.c); the teaching
 * modes are mm/memremap_modes.c.
 *
 * Setup is a list of named steps, each paired with its undo
 * (setup_steps[]: the ref, a lookup slot, the mapping, the memmap, the
 * pages), so a failure at any step leaves nothing behind. The pgmap is
 * published only when every step is done.
 */
#include <lib/err.h>
#include <lib/errno.h>
#include <lib/printk.h>
#include <lib/string.h>
#include <lib/trace.h>
#include <mm/internal.h>
#include <mm/memblock.h>
#include <mm/memremap.h>
#include <mm/memremap_graveyard.h>
#include <mm/memremap_internal.h>
#include <mm/memremap_lookup.h>
#include <mm/memmap_init.h>
#include <mm/page_ref.h>
#include <mm/slab.h>
#include <kernel/padata.h>

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

/* --- the device-page branch of __put_page ---------------------------------- */

/*
 * The last reference of a device page is gone: drop the page's one pgmap
 * reference. The page stays in its memmap at refcount 0 (never freed).
 */
void free_zone_device_page(struct page *page)
{
	struct dev_pagemap *pgmap = page->pgmap;

	__atomic_fetch_add(&zone_device_page_frees, 1, __ATOMIC_RELAXED);
	trace_event(page_free, page_to_pfn(page), pgmap, 0);
	/* none: a memmap built by hand (tests): stays at 0. The hooked
	 * modes drop it in put_page_teaching() instead, right after this:
	 * one flag decides both */
	if (pgmap && !zone_device_hooks) {
		trace_event(pgmap_put, pgmap, 1, 0);
		percpu_ref_put(&pgmap->ref);
	}
}

static void pgmap_ref_release(struct percpu_ref *ref)
{
	struct dev_pagemap *pgmap = container_of(ref, struct dev_pagemap, ref);

	/* wakes the teardown; completion_done(&pgmap->zero) is true from
	 * here on (its lock orders what came before for its readers) */
	complete_all(&pgmap->zero);
}

/* --- setup ----------------------------------------------------------------- */

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

/* Before any step: a range the setup can take at all, or an error. */
static int check_range(struct dev_pagemap *pgmap, const char *name)
{
	long held;

	if ((pgmap->start & ~PAGE_MASK) || ((pgmap->end + 1) & ~PAGE_MASK) ||
	    pgmap->end <= pgmap->start || (pgmap->flags & ~MEMREMAP_ALTMAP)) {
		pr_err("memremap: %s: bad range %#llx-%#llx or flags %#x (page-aligned, "
		       "non-empty, MEMREMAP_ALTMAP only)", name,
		       (unsigned long long)pgmap->start, (unsigned long long)pgmap->end,
		       pgmap->flags);
		return -EINVAL;
	}
	memremap_graveyard_reap();
	if (memremap_graveyard_busy(pgmap->start, pgmap->end, &held)) {
		pr_err("memremap: %s: %#llx-%#llx still holds the memmap of an earlier binding, "
		       "removed under pins (a teaching mode), %ld reference(s) not put yet%s: "
		       "refused", name, (unsigned long long)pgmap->start,
		       (unsigned long long)pgmap->end, held,
		       held ? "" : " (being freed now: try again)");
		return -EBUSY;
	}
	if (overlaps_ram(pgmap->start, pgmap->end)) {
		pr_err("memremap: %s: %#llx-%#llx overlaps RAM: refused", name,
		       (unsigned long long)pgmap->start, (unsigned long long)pgmap->end);
		return -EEXIST;
	}
	return 0;
}

/*
 * The setup, as steps each paired with its undo. A step that fails has
 * left nothing of its own behind; memremap_pages() then undoes the steps
 * before it, newest first. Each prints why it failed.
 */

/* The range's life: the modes of this boot, the ref, its completions. */
static int setup_ref(struct dev_pagemap *pgmap, const char *name)
{
	memremap_modes_init();		/* the boot parameters, read once */
	pgmap->modes = memremap_modes;
	pgmap->slot = -1;
	pgmap->count_at_kill = 0;
	init_completion(&pgmap->confirmed);
	init_completion(&pgmap->zero);
	if (percpu_ref_init(&pgmap->ref, pgmap_ref_release, 0)) {
		pr_err("memremap: %s: no memory for its percpu_ref", name);
		return -ENOMEM;
	}
	return 0;
}

static void undo_ref(struct dev_pagemap *pgmap)
{
	percpu_ref_exit(&pgmap->ref);
}

/* A lookup slot: writers see the range (overlaps), readers not yet. */
static int setup_slot(struct dev_pagemap *pgmap, const char *name)
{
	struct dev_pagemap *other;
	int err = pgmap_claim(pgmap, &other);

	if (err == -EEXIST)
		pr_err("memremap: %s: %#llx-%#llx overlaps %s (%#llx-%#llx): refused", name,
		       (unsigned long long)pgmap->start, (unsigned long long)pgmap->end,
		       pgmap_name(other), (unsigned long long)other->start,
		       (unsigned long long)other->end);
	else if (err)
		pr_err("memremap: %s: all %d pgmap slots in use", name, MAX_PGMAPS);
	return err;
}

/* The write-back mapping of the whole range. */
static int setup_mapping(struct dev_pagemap *pgmap, const char *name)
{
	pgmap->virt = memremap_range(pgmap->start, pgmap->end - pgmap->start + 1, MAP_WB);
	if (!pgmap->virt) {
		pr_err("memremap: %s: cannot map %#llx-%#llx write-back", name,
		       (unsigned long long)pgmap->start, (unsigned long long)pgmap->end);
		return -ENOMEM;
	}
	return 0;
}

static void undo_mapping(struct dev_pagemap *pgmap)
{
	memunmap_range(pgmap->virt, pgmap->end - pgmap->start + 1);
	pgmap->virt = NULL;
}

/* Remove the memmap of the first `added` pieces, newest first (altmap). */
static void remove_memmap(struct dev_pagemap *pgmap, unsigned int added)
{
	struct vmem_altmap *altmap = (pgmap->flags & MEMREMAP_ALTMAP) ? &pgmap->altmap : NULL;
	unsigned long pfn, nr;

	while (added--) {
		piece_at(pgmap, added, &pfn, &nr);
		sparse_remove_section(pfn, nr, altmap);
	}
}

/* The altmap over the range's head, if the memmap goes on the device. */
static int setup_altmap(struct dev_pagemap *pgmap, const char *name)
{
	unsigned long memmap_pages = PFN_UP((end_pfn(pgmap) - first_pfn(pgmap)) *
					    sizeof(struct page));

	memset(&pgmap->altmap, 0, sizeof(pgmap->altmap));
	if (!(pgmap->flags & MEMREMAP_ALTMAP))
		return 0;
	pgmap->altmap.base_pfn = first_pfn(pgmap);
	pgmap->altmap.reserve = pgmap->altmap_reserve;
	pgmap->altmap.free = memmap_pages + count_pieces(pgmap);
	pgmap->altmap.virt = pgmap->virt;
	if (pgmap->altmap.reserve + pgmap->altmap.free >= end_pfn(pgmap) - first_pfn(pgmap)) {
		pr_err("memremap: %s: range too small for its own memmap", name);
		return -EINVAL;
	}
	return 0;
}

/* The memmap being built: one array per piece, written on every CPU. */
struct memmap_build {
	struct dev_pagemap *pgmap;
	struct memmap_mem *mem;		/* [piece]: allocated, not yet published */
};

/*
 * Write the struct pages of pieces [first, end), each in its final state:
 * the pages before pfn_first (the altmap's) reserved, the others live.
 */
static void build_pieces(unsigned long first, unsigned long end, void *arg)
{
	struct memmap_build *b = arg;
	struct dev_pagemap *pgmap = b->pgmap;
	const struct memmap_fill held = { .zone = ZONE_DEVICE, .reserved = true };
	const struct memmap_fill live = { .zone = ZONE_DEVICE, .pgmap = pgmap };

	for (unsigned long idx = first; idx < end; idx++) {
		unsigned long pfn, nr, split;
		struct page *pages = b->mem[idx].memmap;

		piece_at(pgmap, idx, &pfn, &nr);
		split = MIN(MAX(pgmap->pfn_first, pfn), pfn + nr);
		memmap_init_pages(pages, pfn, split - pfn, &held);
		memmap_init_pages(pages + (split - pfn), split, pfn + nr - split, &live);
		if (pgmap->memmap_progress)
			__atomic_fetch_add(pgmap->memmap_progress, nr, __ATOMIC_RELAXED);
	}
}

/*
 * A memmap for every section-sized piece: the arrays allocated one by one
 * (an altmap hands out in order), written on every CPU at once
 * (padata_do_multithreaded), then published. No one can look a page up
 * before its section is published, so each page is written once.
 */
static int setup_memmap(struct dev_pagemap *pgmap, const char *name)
{
	struct vmem_altmap *altmap = (pgmap->flags & MEMREMAP_ALTMAP) ? &pgmap->altmap : NULL;
	unsigned long pieces = count_pieces(pgmap), allocated, published, pfn, nr;
	struct memmap_build b = { .pgmap = pgmap };
	struct padata_mt_job job = {
		.thread_fn = build_pieces, .fn_arg = &b, .size = pieces, .chunk = 1,
	};
	int err = setup_altmap(pgmap, name);

	if (err)
		return err;
	pgmap->pfn_first = first_pfn(pgmap);
	if (altmap)
		pgmap->pfn_first += pgmap->altmap.reserve + pgmap->altmap.free;
	pgmap->nr_pages = end_pfn(pgmap) - pgmap->pfn_first;

	b.mem = kmalloc(pieces * sizeof(*b.mem));
	if (!b.mem) {
		pr_err("memremap: %s: no memory to track %lu memmap pieces", name, pieces);
		return -ENOMEM;
	}
	for (allocated = 0; allocated < pieces; allocated++) {
		piece_at(pgmap, allocated, &pfn, &nr);
		err = sparse_alloc_section(pfn, nr, altmap, &b.mem[allocated]);
		if (err) {
			pr_err("memremap: %s: memmap for pfns %#lx-%#lx: %d (%s)", name, pfn,
			       pfn + nr - 1, err, errno_name(err));
			goto unalloc;
		}
	}
	padata_do_multithreaded(&job);
	for (published = 0; published < pieces; published++) {
		piece_at(pgmap, published, &pfn, &nr);
		err = sparse_publish_section(pfn, nr, &b.mem[published]);
		if (err) {
			pr_err("memremap: %s: memmap for pfns %#lx-%#lx: %d (%s)", name, pfn,
			       pfn + nr - 1, err, errno_name(err));
			goto unpublish;
		}
	}
	kfree(b.mem);
	pgmap->memmap_bytes = (uint64_t)(end_pfn(pgmap) - first_pfn(pgmap)) * sizeof(struct page);
	pgmap->memmap_threads = job.threads;
	return 0;

unpublish:			/* newest first: the unpublished arrays, then the rest */
	while (allocated-- > published)
		sparse_free_unpublished(&b.mem[allocated], altmap);
	remove_memmap(pgmap, (unsigned int)published);
	kfree(b.mem);
	return err;
unalloc:
	while (allocated--)
		sparse_free_unpublished(&b.mem[allocated], altmap);
	kfree(b.mem);
	return err;
}

static void undo_memmap(struct dev_pagemap *pgmap)
{
	remove_memmap(pgmap, count_pieces(pgmap));
}

/*
 * The pages' pgmap references (the hooked modes take them in get/put
 * instead): the pages themselves were written live by setup_memmap.
 * Cannot fail, and is the last step.
 */
static int setup_pages(struct dev_pagemap *pgmap, const char *name)
{
	if (!pgmap_refs_hooked(pgmap))
		percpu_ref_get_many(&pgmap->ref, pgmap->nr_pages);
	return 0;
}

static const struct setup_step {
	int (*run)(struct dev_pagemap *pgmap, const char *name);
	void (*undo)(struct dev_pagemap *pgmap);
} setup_steps[] = {
	{ setup_ref, undo_ref },
	{ setup_slot, pgmap_unclaim },
	{ setup_mapping, undo_mapping },
	{ setup_memmap, undo_memmap },
	{ setup_pages, NULL },
};

void *memremap_pages(struct dev_pagemap *pgmap)
{
	const char *name = pgmap_name(pgmap);
	unsigned int done;
	int err = check_range(pgmap, name);

	if (err)
		return ERR_PTR(err);
	for (done = 0; done < ARRAY_SIZE(setup_steps); done++) {
		err = setup_steps[done].run(pgmap, name);
		if (err) {
			while (done--)
				if (setup_steps[done].undo)
					setup_steps[done].undo(pgmap);
			set_state(pgmap, PGMAP_UNUSED);
			pgmap->virt = NULL;
			return ERR_PTR(err);
		}
	}
	set_state(pgmap, PGMAP_LIVE);
	trace_event5(pgmap_setup, pgmap, &pgmap->ref,
		     1 + (pgmap_refs_hooked(pgmap) ? 0 : pgmap->nr_pages), pgmap->nr_pages,
		     trace_pack_name(name));
	pgmap_publish(pgmap);	/* lookups find it from here on */
	pr_info("memremap: %s: %#llx-%#llx, %lu pages, memmap %llu KiB in %s, written by %u CPU%s",
		name, (unsigned long long)pgmap->start, (unsigned long long)pgmap->end,
		pgmap->nr_pages, (unsigned long long)(pgmap->memmap_bytes >> 10),
		(pgmap->flags & MEMREMAP_ALTMAP) ? "the device (altmap)" : "RAM",
		pgmap->memmap_threads, pgmap->memmap_threads == 1 ? "" : "s");
	return pgmap->virt;
}

/* --- diagnostics ------------------------------------------------------------ */

unsigned long pgmap_live_pages(struct dev_pagemap *pgmap)
{
	unsigned long n = 0;

	for (unsigned long pfn = pgmap->pfn_first; pfn < end_pfn(pgmap); pfn++)
		n += page_ref_count(__pfn_to_page(pfn)) > 0;
	return n;
}

long pgmap_ref_count(struct dev_pagemap *pgmap)
{
	long refs;

	percpu_ref_switch_to_atomic_sync(&pgmap->ref);
	refs = percpu_ref_atomic_count(&pgmap->ref);
	percpu_ref_switch_to_percpu(&pgmap->ref);
	return refs;
}

void memremap_trace_counts(void)
{
	struct dev_pagemap *all[MAX_PGMAPS];
	unsigned int n = pgmap_snapshot(all, MAX_PGMAPS);

	for (unsigned int i = 0; i < n; i++)
		trace_event(pgmap_count, all[i], percpu_ref_sum(&all[i]->ref),
			    trace_pack_name(pgmap_name(all[i])));
}

int memremap_check_invariant(struct dev_pagemap *pgmap, long *refs, unsigned long *live)
{
	*refs = pgmap_ref_count(pgmap);
	*live = pgmap_live_pages(pgmap);
	if (*refs != 1 + (long)*live) {
		pr_err("memremap: %s: invariant broken: %ld pgmap refs, 1 + %lu live pages",
		       pgmap_name(pgmap), *refs, *live);
		return -EIO;
	}
	return 0;
}
