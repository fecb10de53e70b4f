/*
 * Reports about a page: everything a reader needs to tell what went wrong
 * (pfn, flags by name, zone, refcount, order) and who did it (the caller,
 * symbolised: the warning's "in FUNCTION+off"), on one warning line that
 * the self-tests can count.
 */
#include <mm/memmap.h>
#include <mm/page_ref.h>
#include <lib/bug.h>
#include <lib/vsprintf.h>

static const char *const flag_names[NR_PAGEFLAGS] = {
	[PG_reserved] = "reserved",
	[PG_buddy] = "buddy",
	[PG_poisoned] = "poisoned",
	[PG_slab] = "slab",
	[PG_large_kmalloc] = "large_kmalloc",
};

const char *page_flags_name(unsigned long flags, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	if (flags == ~0UL) {
		scnprintf(buf, size, "memmap poison");
		return buf;
	}
	for (unsigned int bit = 0; bit < NR_PAGEFLAGS; bit++)
		if (flags & (1UL << bit))
			n += scnprintf(buf + n, size - n, "%s%s", n ? "|" : "",
				       flag_names[bit]);
	if (!n)
		scnprintf(buf, size, "none");
	return buf;
}

void page_report(const char *who, const char *what, const struct page *page,
		 unsigned long caller)
{
	unsigned long flags = page_flags(page);
	char names[64];

	__warn(__FILE__, __LINE__, caller,
	       "%s: %s: pfn %#lx flags %#lx(%s) zone %lu refcount %d order %u",
	       who, what, page_to_pfn(page), flags,
	       page_flags_name(flags, names, sizeof(names)),
	       (flags >> ZONE_ID_SHIFT) & ZONE_ID_MASK, page_ref_count(page),
	       page->order);
}
