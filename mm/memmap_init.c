/*
 * Initialising struct pages from a template: see mm/memmap_init.h.
 */
#include <mm/memmap_init.h>
#include <mm/memmap.h>
#include <lib/bug.h>
#include <lib/string.h>

#define PAGE_WORDS	(sizeof(struct page) / sizeof(unsigned long))

_Static_assert(offsetof(struct page, pfn) == (PAGE_WORDS - 1) * sizeof(unsigned long),
	       "the template's last word is the pfn");

/*
 * Word by word from locals rather than by struct assignment or memcpy:
 * the compiler would turn those into `rep movs`, which QEMU's emulation
 * runs one iteration at a time; the seven template words stay in
 * registers and each page is eight plain stores.
 */
void memmap_init_pages(struct page *first, unsigned long pfn, unsigned long nr_pages,
		       const struct memmap_fill *fill)
{
	union {
		struct page page;
		unsigned long word[PAGE_WORDS];
	} tmpl;
	unsigned long w0, w1, w2, w3, w4, w5, w6;
	unsigned long *dst = (unsigned long *)first;

	memset(&tmpl, 0, sizeof(tmpl));
	tmpl.page.flags = (unsigned long)fill->zone << ZONE_ID_SHIFT;
	if (fill->reserved)
		tmpl.page.flags |= 1UL << PG_reserved;
	tmpl.page.pgmap = fill->pgmap;
	tmpl.page._refcount = 1;
	w0 = tmpl.word[0]; w1 = tmpl.word[1]; w2 = tmpl.word[2]; w3 = tmpl.word[3];
	w4 = tmpl.word[4]; w5 = tmpl.word[5]; w6 = tmpl.word[6];

	for (unsigned long i = 0; i < nr_pages; i++, dst += PAGE_WORDS) {
		dst[0] = w0; dst[1] = w1; dst[2] = w2; dst[3] = w3;
		dst[4] = w4; dst[5] = w5; dst[6] = w6;
		dst[7] = pfn + i;
	}
}

void memmap_init_range(unsigned long pfn, unsigned long nr_pages,
		       enum zone_id zone_id)
{
	const struct memmap_fill fill = { .zone = zone_id, .reserved = true };
	unsigned long end = pfn + nr_pages;

	while (pfn < end) {
		unsigned long section_end = (pfn & PAGE_SECTION_MASK) + PAGES_PER_SECTION;
		unsigned long run = MIN(end, section_end) - pfn;
		struct page *first = pfn_to_page(pfn);
		struct page *last = __pfn_to_page(pfn + run - 1);

		/* One memmap per section: the run is contiguous in it. */
		if (first && !WARN(last != first + (run - 1),
				   "memmap_init_range: pfns %#lx-%#lx are not all in the memmap",
				   pfn, pfn + run - 1))
			memmap_init_pages(first, pfn, run, &fill);
		pfn += run;
	}
}
