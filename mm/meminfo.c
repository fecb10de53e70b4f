/*
 * The `meminfo` shell command: what the memory manager holds right now.
 *
 *   RAM       memblock's memory, what boot kept reserved, what the
 *             allocator manages and what is free;
 *   buddy     free blocks per order, the allocator's counters;
 *   memmap    sections and bytes of struct pages, by where they live
 *             (boot RAM, the page allocator, device altmaps);
 *   kmalloc   per cache: object size, slot size, objects per slab,
 *             objects in use, slabs, allocations, errors found.
 */
#include <kernel/shell.h>
#include <lib/printk.h>
#include <mm/mem_init.h>
#include <mm/memblock.h>
#include <mm/meminfo.h>
#include <mm/memmap.h>
#include <mm/page_alloc.h>
#include <mm/slab.h>

#define KIB(pages)	((unsigned long)(pages) << (PAGE_SHIFT - 10))

/*
 * Printed here rather than with shell_usage_error(), so that this file
 * also links into the host test build, which has no shell.
 */
static int usage_error(const char *name)
{
	kprintf("%s: takes no arguments\nusage: %s\n", name, name);
	return 2;
}

static void print_ram(const struct zone_counts *c)
{
	uint64_t ram = memblock_phys_mem_size();

	kprintf("RAM:     %8lu KiB total (memblock memory, %u ranges)\n",
		ram >> 10, memblock.memory.cnt);
	kprintf("         %8lu KiB managed by the page allocator, %lu KiB kept reserved at boot\n",
		KIB(c->managed), (ram >> 10) - KIB(c->managed));
	kprintf("         %8lu KiB free (%lu pages), %lu KiB allocated\n",
		KIB(c->nr_free), c->nr_free, KIB(c->managed - c->nr_free));
}

/* The counters when the boot stages ended; written once, then read-only. */
static struct zone_counts at_stages_end;
static bool stages_done;

void meminfo_boot_stages_done(void)
{
	if (mem_init_done()) {
		zone_get_counts(&zone_normal, &at_stages_end);
		stages_done = true;
	}
}

static void print_buddy(const struct zone_counts *c)
{
	const struct zone_counts *b = &at_stages_end;	/* zeros before the stages end */

	kprintf("buddy:   free blocks per order (order: blocks)\n        ");
	for (unsigned int o = 0; o < MAX_ORDER; o++)
		kprintf(" %u:%lu", o, c->free_blocks[o]);
	kprintf("\n         %lu allocations, %lu failed, %lu bad frees refused, "
		"%lu poison errors%s; page_poison %s\n",
		c->nr_alloc - b->nr_alloc, c->nr_failed - b->nr_failed,
		c->nr_bad_free - b->nr_bad_free, c->nr_poison_bad - b->nr_poison_bad,
		stages_done ? " since the boot stages" : "", zone_normal.poison ? "on" : "off");
	if (b->nr_failed || b->nr_bad_free || b->nr_poison_bad)
		kprintf("         (the boot stages' self-tests provoked %lu failed allocations, "
			"%lu refused frees and %lu poison errors on purpose)\n",
			b->nr_failed, b->nr_bad_free, b->nr_poison_bad);
}

static void print_memmap(void)
{
	static const char *const where[] = {
		[MEMMAP_SRC_EARLY] = "boot RAM (memblock)",
		[MEMMAP_SRC_PAGES] = "RAM (page allocator)",
		[MEMMAP_SRC_ALTMAP] = "device (altmap)",
	};
	struct memmap_stats st;

	memmap_get_stats(&st);
	kprintf("memmap:  %lu pfns have a struct page (%zu bytes each), %lu table pages\n",
		st.pages_covered, sizeof(struct page), st.roots);
	for (unsigned int i = 0; i < ARRAY_SIZE(where); i++)
		kprintf("         %-22s %4lu sections %8lu KiB\n", where[i],
			st.sections[i], (unsigned long)(st.bytes[i] >> 10));
}

static void print_cache(struct kmem_cache *c, void *arg)
{
	unsigned long flags = mm_lock_irqsave(&c->lock);
	unsigned long inuse = c->nr_inuse, slabs = c->nr_slabs;
	unsigned long allocs = c->nr_allocs, errors = c->nr_errors;

	mm_unlock_irqrestore(&c->lock, flags);
	kprintf("  %-14s %5u %5u %4u %3u %8lu %6lu %10lu %6lu\n", c->name, c->size,
		c->stride, c->objects, 1u << c->order, inuse, slabs, allocs, errors);
}

static int cmd_meminfo(int argc, char **argv)
{
	struct zone_counts c;

	if (argc > 1)
		return usage_error(argv[0]);	/* not the shell's: see above */
	if (!mem_init_done()) {
		kprintf("meminfo: the page allocator is not up\n");
		return 1;
	}
	zone_get_counts(&zone_normal, &c);
	print_ram(&c);
	print_buddy(&c);
	print_memmap();
	kprintf("kmalloc: slab_debug %s; allocs and errors count since boot%s\n"
		"  %-14s %5s %5s %4s %3s %8s %6s %10s %6s\n",
		mm_options.slab_debug ? "on" : "off",
		stages_done ? ", the boot stages' self-tests included" : "", "cache", "size", "slot",
		"objs", "pgs", "in use", "slabs", "allocs", "errors");
	kmem_cache_for_each(print_cache, NULL);
	return 0;
}
SHELL_COMMAND(meminfo, "", "RAM, free pages per order, memmap, kmalloc caches",
	      "takes no arguments; prints RAM (total, managed, free), the buddy allocator's\n"
	      "free blocks per order and counters, the memmap, the kmalloc caches\n"
	      "example: meminfo\n", cmd_meminfo);
