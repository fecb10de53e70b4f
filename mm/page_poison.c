/*
 * Page poisoning: a free page is filled with PAGE_POISON (0xaa) and marked
 * PG_poisoned; when it is allocated again the pattern must be intact. A
 * broken pattern means someone wrote to the page while it was free (a use
 * after free, a stray DMA, a wild pointer) and is reported with the pfn,
 * the first bad offset and byte, and who is allocating it now.
 *
 * Whether a zone poisons is fixed when the zone is set up (zone->poison:
 * `page_poison=on` for ZONE_NORMAL, a flag of a private zone's setup,
 * such as the tests' arenas). The per-page mark says which pages were really filled, so a
 * page is never checked against a pattern it was never given (an arena's
 * block moving back to ZONE_NORMAL, for one).
 */
#include <mm/internal.h>
#include <mm/memmap.h>
#include <lib/bug.h>
#include <lib/string.h>

#define POISON_WORD	(0x0101010101010101ULL * PAGE_POISON)

void poison_pages(struct page *page, unsigned long nr)
{
	for (unsigned long i = 0; i < nr; i++) {
		memset(page_address(&page[i]), PAGE_POISON, PAGE_SIZE);
		SetPagePoisoned(&page[i]);
	}
}

/* Offset of the first byte that is not PAGE_POISON, or PAGE_SIZE. */
static unsigned long first_bad_byte(const void *addr)
{
	const uint64_t *w = addr;
	const uint8_t *b = addr;

	for (unsigned long i = 0; i < PAGE_SIZE / sizeof(*w); i++) {
		if (w[i] == POISON_WORD)
			continue;
		for (unsigned long off = i * sizeof(*w); ; off++)
			if (b[off] != PAGE_POISON)
				return off;
	}
	return PAGE_SIZE;
}

void check_poison_pages(struct zone *zone, struct page *page, unsigned long nr,
			unsigned long caller)
{
	for (unsigned long i = 0; i < nr; i++) {
		struct page *p = &page[i];
		const uint8_t *addr;
		unsigned long off;

		if (!PagePoisoned(p))
			continue;
		ClearPagePoisoned(p);
		addr = page_address(p);
		off = first_bad_byte(addr);
		if (off == PAGE_SIZE)
			continue;
		__atomic_fetch_add(&zone->nr_poison_bad, 1, __ATOMIC_RELAXED);
		__atomic_store_n(&zone->last_poison_pfn, page_to_pfn(p), __ATOMIC_RELAXED);
		__atomic_store_n(&zone->last_poison_offset, off, __ATOMIC_RELAXED);
		__warn(__FILE__, __LINE__, caller,
		       "page_alloc: free page written to (use after free?): pfn %#lx "
		       "offset %#lx is %#x, not the poison %#x (zone %s; the allocator follows)",
		       page_to_pfn(p), off, addr[off], PAGE_POISON, zone->name);
	}
}
