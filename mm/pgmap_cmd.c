/*
 * Shell commands of ZONE_DEVICE (mm/memremap.h):
 *   pgmap        the teaching modes in force (zone_device.refs=,
 *                memremap.teardown=), then each dev_pagemap: range, memmap
 *                placement and size, usable pages, state (live / dying /
 *                waiting / dead) and the reference count once it is exact
 *                (after the kill: what the teardown still waits for), live
 *                pages otherwise;
 *   pgmap wait NAME STATE [SECONDS]
 *                wait until the dev_pagemap NAME is in STATE (live, dying,
 *                waiting, dead, or gone: no such pgmap any more), at most
 *                SECONDS (default 60; ^C stops it): scripted sessions wait
 *                for the event, not for a guess of how long it takes;
 *   page PFN     one struct page decoded: flags, zone, refcount, pgmap.
 *
 * Neither reads a device memmap without a reference on its pgmap: the
 * teardown waits for that reference before it removes the memmap (which
 * may lie on the device, unmapped at removal). A range being torn down is
 * reported from its reference count alone, its memmap left unread.
 */
#include <kernel/shell.h>
#include <lib/cmdline.h>
#include <lib/errno.h>
#include <mm/percpu_ref.h>
#include <lib/printk.h>
#include <lib/string.h>
#include <lib/trace.h>
#include <lib/vsprintf.h>
#include <mm/memmap.h>
#include <mm/memremap.h>
#include <mm/memremap_graveyard.h>
#include <mm/page_ref.h>

#define PGMAP_GONE	(-1)		/* `pgmap wait`: no pgmap of that name */
#define WAIT_DEFAULT_S	60
#define WAIT_MAX_S	3600

/* Pages of p in use, counted while a reference holds its memmap in
 * place; -1 if p is dying (nothing read). */
static long live_pages_held(struct dev_pagemap *p)
{
	long n;

	if (!percpu_ref_tryget_live(&p->ref))
		return -1;
	trace_event(pgmap_get, p, 1, 0);
	n = (long)pgmap_live_pages(p);
	put_dev_pagemap(p);		/* records the put */
	return n;
}

/* The state of the pgmap called name now, PGMAP_GONE if there is none. */
static int pgmap_state_of(const char *name)
{
	struct dev_pagemap *all[MAX_PGMAPS];
	unsigned int n = pgmap_snapshot(all, MAX_PGMAPS);

	for (unsigned int i = 0; i < n; i++)
		if (!strcmp(pgmap_name(all[i]), name))
			return __atomic_load_n(&all[i]->state, __ATOMIC_ACQUIRE);
	return PGMAP_GONE;
}

/* What the parser takes: `wait`, and the states it waits for (STATE). */
static const struct shell_keyword pgmap_keywords[] = {
	SHELL_WORD("wait"),
	SHELL_VALUE("STATE", "live"),
	SHELL_VALUE("STATE", "dying"),
	SHELL_VALUE("STATE", "waiting"),
	SHELL_VALUE("STATE", "dead"),
	SHELL_VALUE("STATE", "gone"),
	{}
};

/* The state STATE word names, PGMAP_GONE for gone; -2 if none. */
static int parse_wanted_state(const char *word)
{
	if (shell_keyword(pgmap_keywords, "STATE", word) < 0)
		return -2;
	if (!strcmp(word, "gone"))
		return PGMAP_GONE;
	for (int st = PGMAP_LIVE; st <= PGMAP_DEAD; st++)
		if (!strcmp(word, pgmap_state_name(st)))
			return st;
	return -2;
}

struct state_wanted {
	const char *name;
	int want;
};

static bool state_reached(void *arg)
{
	const struct state_wanted *w = arg;

	return pgmap_state_of(w->name) == w->want;
}

static int cmd_pgmap_wait(int argc, char **argv)
{
	unsigned long secs = WAIT_DEFAULT_S, waited;
	struct state_wanted w;
	char what[96];
	char states[64];
	int want, now, err;

	if (argc < 4 || argc > 5)
		return shell_usage_error(argv, "wait needs NAME STATE [SECONDS]");
	want = parse_wanted_state(argv[3]);
	if (want == -2)
		return shell_usage_error(argv, "unknown state '%s' (%s)", argv[3],
					 shell_keyword_list(pgmap_keywords, "STATE", states,
							    sizeof(states)));
	if (argc == 5 && !shell_number(argv, "SECONDS", argv[4], 1, WAIT_MAX_S, &secs))
		return 2;
	/* past WAITING comes only once the pins are gone: not the shell's own */
	if ((want == PGMAP_DEAD || want == PGMAP_GONE) &&
	    shell_holds(argv[2], what, sizeof(what))) {
		kprintf("pgmap wait: refused: %s would wait for the shell itself: %s\n",
			argv[2], what);
		return 1;
	}
	w = (struct state_wanted){ .name = argv[2], .want = want };
	err = shell_wait(state_reached, &w, secs * 1000, &waited);
	if (err) {
		now = pgmap_state_of(argv[2]);
		kprintf("pgmap%s after %lu ms: %s is still %s, not %s\n",
			err == -EINTR ? " wait: interrupted" : ":", waited, argv[2],
			now == PGMAP_GONE ? "gone" : pgmap_state_name(now), argv[3]);
		return err == -EINTR ? SHELL_INTERRUPTED : 1;
	}
	kprintf("pgmap: %s is %s (after %lu ms)\n", argv[2], argv[3], waited);
	return 0;
}

static int cmd_pgmap(int argc, char **argv)
{
	struct dev_pagemap *all[MAX_PGMAPS];
	struct graveyard_stats gs;
	unsigned int n;

	if (argc > 1 && shell_keyword(pgmap_keywords, NULL, argv[1]) >= 0)
		return cmd_pgmap_wait(argc, argv);
	if (argc > 1)
		return shell_usage_error(argv, "takes no arguments, or wait NAME STATE [SECONDS]");
	n = pgmap_snapshot(all, MAX_PGMAPS);
	memremap_modes_init();
	kprintf("teaching modes: zone_device.refs=%s memremap.teardown=%s\n",
		zone_device_refs_name(memremap_modes.refs),
		memremap_teardown_name(memremap_modes.teardown));
	kprintf("%d device page(s) released to their pgmap so far\n",
		(int)__atomic_load_n(&zone_device_page_frees, __ATOMIC_RELAXED));
	memremap_graveyard_reap();
	memremap_graveyard_stats(&gs);
	if (gs.quarantined)
		kprintf("graveyard: %u removed memmap(s) (%llu KiB) kept for %ld pin reference(s) "
			"that outlived their teardown; %lu late access(es) so far\n",
			gs.quarantined, (unsigned long long)(gs.bytes >> 10), gs.outstanding,
			__atomic_load_n(&memremap_late_accesses, __ATOMIC_RELAXED));
	if (!n) {
		kprintf("no dev_pagemap\n");
		return 0;
	}
	kprintf("%-12s %-23s %-7s %9s %8s  %-8s %s\n", "NAME", "RANGE", "MEMMAP", "KIB",
		"PAGES", "STATE", "REFS");
	for (unsigned int i = 0; i < n; i++) {
		struct dev_pagemap *p = all[i];
		int state = __atomic_load_n(&p->state, __ATOMIC_ACQUIRE);
		long live = state == PGMAP_LIVE ? live_pages_held(p) : -1;

		/* one row, one console write: a message from another thread
		 * cannot land inside it */
		char row[160];
		size_t len = scnprintf(row, sizeof(row), "%-12s %#llx-%#llx %-7s %9llu %8lu  %-8s ",
				       pgmap_name(p),
				       (unsigned long long)p->start, (unsigned long long)p->end,
				       (p->flags & MEMREMAP_ALTMAP) ? "device" : "RAM",
				       (unsigned long long)(p->memmap_bytes >> 10), p->nr_pages,
				       pgmap_state_name(state));

		if (live >= 0 && pgmap_refs_hooked(p))
			scnprintf(row + len, sizeof(row) - len,
				  "per-CPU; %ld pages in use (refs=%s: a ref per get, not per page)",
				  live, zone_device_refs_name(pgmap_refs_mode(p)));
		else if (live >= 0)
			scnprintf(row + len, sizeof(row) - len,
				  "per-CPU; %ld pages in use (refs = 1 + that)", live);
		else if (state == PGMAP_LIVE)
			scnprintf(row + len, sizeof(row) - len, "being killed: not read");
		else
			scnprintf(row + len, sizeof(row) - len,
				  "%ld: teardown waiting for %ld pinned page(s)",
				  percpu_ref_atomic_count(&p->ref),
				  percpu_ref_atomic_count(&p->ref));
		kprintf("%s\n", row);
	}
	return 0;
}
SHELL_COMMAND_KEYWORDS(pgmap, "[wait NAME STATE [SECONDS]]",
	      "device page maps (ZONE_DEVICE): teaching modes, state, references; or wait for a state",
	      "(nothing): the teaching modes in force, then each dev_pagemap: range, memmap\n"
	      "      placement and size, pages, state, and its references (live: pages in use;\n"
	      "      after the kill: what the teardown still waits for)\n"
	      "wait NAME STATE [SECONDS]: wait until pgmap NAME is in STATE, at most SECONDS;\n"
	      "      Ctrl-C stops the wait; refused if the shell's own pin would keep it waiting\n"
	      "NAME: a pgmap's name, the device's: pmem0, ... (as 'pgmap' lists them)\n"
	      "STATE: live, dying, waiting, dead, or gone (no pgmap of that name any more)\n"
	      "SECONDS: 1 to 3600 (default 60)\n"
	      "examples: pgmap; pgmap wait pmem0 waiting; pgmap wait pmem0 gone 10\n", cmd_pgmap,
	      pgmap_keywords);

static void put_held(struct dev_pagemap *held)
{
	if (held)
		put_dev_pagemap(held);
}

static int cmd_page(int argc, char **argv)
{
	struct dev_pagemap *held = NULL;
	unsigned long pfn;
	struct page *page;
	char flags[64];

	if (argc != 2)
		return shell_usage_error(argv, "needs one PFN (decimal or 0x...)");
	/* the memmap covers MAX_PHYSMEM_BITS of physical addresses */
	if (!shell_number(argv, "PFN", argv[1], 0, (1UL << (MAX_PHYSMEM_BITS - PAGE_SHIFT)) - 1,
			  &pfn))
		return 2;
	/* a device pfn: its memmap is read only under a pgmap reference */
	if (pgmap_claims_pfn(pfn)) {
		held = get_dev_pagemap(pfn, NULL);
		if (!held) {
			kprintf("pfn %#lx: its device range is being torn down: not read\n", pfn);
			return 1;
		}
	}
	page = __pfn_to_page(pfn);
	if (!page || page_memmap_poisoned(page)) {
		if (page)
			kprintf("pfn %#lx: memmap poison (never initialised, or removed)\n", pfn);
		else
			kprintf("pfn %#lx: no memmap (not RAM, no device range)\n", pfn);
		put_held(held);
		return 1;
	}
	page_flags_name(page_flags(page), flags, sizeof(flags));
	kprintf("pfn %#lx: flags %#lx (%s) zone %u refcount %d", pfn, page_flags(page),
		flags, page_zone_id(page), page_ref_count(page));
	if (is_zone_device_page(page) && page->pgmap)
		kprintf(" pgmap %s (%s)", pgmap_name(page->pgmap),
			pgmap_state_name(__atomic_load_n(&page->pgmap->state,
							 __ATOMIC_ACQUIRE)));
	kprintf("\n");
	put_held(held);
	return 0;
}
SHELL_COMMAND(page, "PFN", "decode the struct page of PFN",
	      "PFN: a page frame number (physical address / 4096), 0 to 0x7ffffffff (decimal\n"
	      "      or 0x hex); a device page is read only under a reference on its pgmap\n"
	      "example: page 0x100000 (the first page of pmem0 under QEMU)\n", cmd_page);
