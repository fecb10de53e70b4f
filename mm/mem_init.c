/*
 * mem_init(): memblock -> memmap -> buddy allocator -> kmalloc.
 * See mm/mem_init.h for the steps and options.
 */
#include <mm/mem_init.h>
#include <mm/memblock.h>
#include <mm/memmap.h>
#include <mm/memmap_init.h>
#include <mm/page_alloc.h>
#include <mm/slab.h>
#include <lib/boot_param.h>
#include <lib/bug.h>
#include <lib/cmdline.h>
#include <lib/ktime.h>
#include <lib/printk.h>
#include <asm/platform.h>

struct mm_options mm_options;
struct mm_boot_stats mm_boot_stats;
static bool done;

bool mem_init_done(void)
{
	return done;
}

BOOT_PARAM(page_poison, "page_poison", "on|off (default off)",
	   "fill freed pages with a pattern and check it at allocation");
BOOT_PARAM(slab_debug, "slab_debug", "on|off (default off)",
	   "red zones and poison around kmalloc objects");

static void parse_options(void)
{
	const struct cmdline *cl = boot_cmdline();	/* errors: start_kernel reports them */
	static const struct {
		const char *key;
		bool *value;
	} opts[] = {
		{ "page_poison", &mm_options.page_poison },
		{ "slab_debug", &mm_options.slab_debug },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(opts); i++)
		if (cmdline_get_bool(cl, opts[i].key, *opts[i].value, opts[i].value) < 0)
			pr_err("mm: %s=%s: expected on or off", opts[i].key,
			       cmdline_get(cl, opts[i].key));
}

/* Step 1, per memory range: a memmap for each section it touches. */
static void memmap_for_range(phys_addr_t start, phys_addr_t end, void *arg)
{
	unsigned long first = pfn_to_section_nr(PHYS_PFN(start));
	unsigned long last = pfn_to_section_nr(PHYS_PFN(end - 1));

	for (unsigned long nr = first; nr <= last; nr++) {
		unsigned long pfn = section_nr_to_pfn(nr);
		int err;

		if (pfn_valid(pfn))
			continue;	/* the previous range's last section */
		err = sparse_add_section(pfn, PAGES_PER_SECTION, NULL);
		if (err)
			panic("mm: no memmap for section %lu (phys %#lx): error %d",
			      nr, PFN_PHYS(pfn), err);
		memmap_init_range(pfn, PAGES_PER_SECTION, ZONE_NORMAL);
		mm_boot_stats.memmap_span += PFN_PHYS(PAGES_PER_SECTION);
	}
}

/* Step 2, per free range: whole pages to ZONE_NORMAL. */
static void release_range(phys_addr_t start, phys_addr_t end, void *arg)
{
	unsigned long pfn = PFN_UP(start), end_pfn = PHYS_PFN(end);

	if (end_pfn > pfn) {
		zone_release_pages(&zone_normal, pfn, end_pfn - pfn);
		mm_boot_stats.released_pages += end_pfn - pfn;
	}
}

/* "12.345" from thousandths. */
#define MILLI(x)	(unsigned long)((x) / 1000), (unsigned long)((x) % 1000)

static void print_figures(void)
{
	const struct mm_boot_stats *s = &mm_boot_stats;
	uint64_t us_per_gib = s->memmap_span ? s->memmap_ns * 1024 / (s->memmap_span >> 20) : 0;
	uint64_t ram_pages = s->ram_bytes >> PAGE_SHIFT;
	uint64_t tenth_bytes = ram_pages ? s->memmap_bytes * 10 / ram_pages : 0;

	pr_info("mm: memmap: %lu MiB of physical space in %lu KiB of struct pages (%zu bytes each), "
		"in RAM; built in %lu.%03lu ms = %lu.%03lu ms per GiB",
		s->memmap_span >> 20, s->memmap_bytes >> 10, sizeof(struct page),
		MILLI(s->memmap_ns / 1000), MILLI(us_per_gib / 1000));
	pr_info("mm: memmap overhead: %lu.%lu bytes per usable 4 KiB page (%lu MiB of RAM)",
		tenth_bytes / 10, tenth_bytes % 10, s->ram_bytes >> 20);
	pr_info("mm: %lu pages (%lu MiB) free of %lu; handed over in %lu.%03lu ms; "
		"page_poison %s, slab_debug %s",
		nr_free_pages(), nr_free_pages() >> (20 - PAGE_SHIFT), ram_pages,
		MILLI(s->release_ns / 1000), mm_options.page_poison ? "on" : "off",
		mm_options.slab_debug ? "on" : "off");
}

void mem_init(void)
{
	struct memmap_stats ms;
	uint64_t t0, t1;

	if (WARN(done, "mem_init called twice"))
		return;
	parse_options();
	if (!memblock.memory.cnt)
		panic("mm: memblock has no memory");
	mm_boot_stats.ram_bytes = memblock_phys_mem_size();

	t0 = ktime_get_ns();
	memblock_memory_ranges(memmap_for_range, NULL);
	t1 = ktime_get_ns();
	mm_boot_stats.memmap_ns = t1 - t0;
	memmap_get_stats(&ms);
	mm_boot_stats.memmap_bytes = ms.bytes[MEMMAP_SRC_EARLY];

	zone_init(&zone_normal, "Normal", ZONE_NORMAL,
		  PHYS_PFN(memblock_start_of_ram()), PFN_UP(memblock_end_of_ram()),
		  mm_options.page_poison);
	memblock_free_ranges(release_range, NULL);
	memblock_retire();
	mm_boot_stats.release_ns = ktime_get_ns() - t1;

	kmalloc_init(mm_options.slab_debug);
	done = true;
	print_figures();
}
