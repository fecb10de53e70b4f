/*
 * Shell commands of ZONE_DEVICE (mm/memremap.h):
 *   pgmap        the teaching modes in force (zone_device.refs=,
 *                memremap.teardown=), then each dev_pagemap: range, memmap
 *                placement and size, usable pages, state (live / dying /
 *                waiting / dead) and the reference count once it is exact
 *                (after the kill: what the teardown still waits for), live
 *                pages otherwise;
 *   page PFN     one struct page decoded: flags, zone, refcount, pgmap.
 */
#include <drivers/base/device.h>
#include <kernel/shell.h>
#include <lib/cmdline.h>
#include <lib/printk.h>
#include <mm/memremap.h>
#include <mm/page_ref.h>

static int cmd_pgmap(int argc, char **argv)
{
	struct dev_pagemap *all[MAX_PGMAPS];
	unsigned int n = pgmap_snapshot(all, MAX_PGMAPS);

	if (argc > 1)
		return shell_usage_error(argv, "takes no arguments");
	memremap_modes_init();
	kprintf("teaching modes: zone_device.refs=%s memremap.teardown=%s\n",
		zone_device_refs_name(memremap_modes.refs),
		memremap_teardown_name(memremap_modes.teardown));
	kprintf("%d device page(s) released to their pgmap so far\n",
		(int)__atomic_load_n(&zone_device_page_frees, __ATOMIC_RELAXED));
	if (!n) {
		kprintf("no dev_pagemap\n");
		return 0;
	}
	kprintf("%-12s %-23s %-7s %9s %8s  %-8s %s\n", "NAME", "RANGE", "MEMMAP", "KIB",
		"PAGES", "STATE", "REFS");
	for (unsigned int i = 0; i < n; i++) {
		struct dev_pagemap *p = all[i];
		int state = __atomic_load_n(&p->state, __ATOMIC_ACQUIRE);

		kprintf("%-12s %#llx-%#llx %-7s %9llu %8lu  %-8s ",
			p->name ? p->name : (p->dev ? p->dev->name : "?"),
			(unsigned long long)p->start, (unsigned long long)p->end,
			(p->flags & MEMREMAP_ALTMAP) ? "device" : "RAM",
			(unsigned long long)(p->memmap_bytes >> 10), p->nr_pages,
			pgmap_state_name(state));
		if (state == PGMAP_LIVE && memremap_refs_hooked(&p->modes))
			kprintf("per-CPU; %lu pages in use (refs=%s: a ref per get, not per page)\n",
				pgmap_live_pages(p), zone_device_refs_name(p->modes.refs));
		else if (state == PGMAP_LIVE)
			kprintf("per-CPU; %lu pages in use (refs = 1 + that)\n",
				pgmap_live_pages(p));
		else
			kprintf("%ld: teardown waiting for %ld pinned page(s)\n",
				percpu_ref_atomic_count(p->ref),
				percpu_ref_atomic_count(p->ref));
	}
	return 0;
}
SHELL_COMMAND(pgmap, "", "device page maps (ZONE_DEVICE): teaching modes, state, references",
	      cmd_pgmap);

static int cmd_page(int argc, char **argv)
{
	unsigned long pfn;
	struct page *page;
	char flags[64];

	if (argc != 2 || parse_ulong(argv[1], &pfn))
		return shell_usage_error(argv, "needs one PFN (decimal or 0x...)");
	page = __pfn_to_page(pfn);
	if (!page) {
		kprintf("pfn %#lx: no memmap (not RAM, no device range)\n", pfn);
		return 1;
	}
	if (page_memmap_poisoned(page)) {
		kprintf("pfn %#lx: memmap poison (never initialised, or removed)\n", pfn);
		return 1;
	}
	page_flags_name(page_flags(page), flags, sizeof(flags));
	kprintf("pfn %#lx: flags %#lx (%s) zone %u refcount %d", pfn, page_flags(page),
		flags, page_zone_id(page), page_ref_count(page));
	if (is_zone_device_page(page) && page->pgmap)
		kprintf(" pgmap %s (%s)", page->pgmap->name ? page->pgmap->name :
			(page->pgmap->dev ? page->pgmap->dev->name : "?"),
			pgmap_state_name(page->pgmap->state));
	kprintf("\n");
	return 0;
}
SHELL_COMMAND(page, "PFN", "decode the struct page of PFN", cmd_page);
