/*
 * The memmap: where the struct page of a pfn lives, and how it gets there.
 *
 * Physical memory is cut into sections of 128 MiB (SECTION_SIZE_BITS).
 * A section either has a memmap, i.e. an array of struct page for a run
 * of its pfns, or it has none; a pfn is valid when its section has a
 * memmap that covers it. The memmap is sparse so that a device range found
 * later (persistent memory) can get a memmap of its own without the boot
 * memmap knowing about it, and so that the holes between RAM ranges cost
 * nothing.
 *
 *   section table (two levels: roots of one page each, allocated on demand)
 *     mem_section[nr] = { memmap -> struct page[nr_pages], start, flags }
 *
 * Where a section's array comes from:
 *   - boot RAM (mem_init, before the page allocator exists): memblock;
 *     always the whole section, holes included (as reserved pages);
 *   - a later range without an altmap: the page allocator;
 *   - a later range with an altmap: the first pages of the range itself
 *     (struct vmem_altmap below), so a large device does not spend RAM on
 *     its own struct pages.
 *
 * Lookups (pfn_to_page, pfn_valid...) take no lock: a section is filled in
 * completely and then published with a release store of its memmap
 * pointer, which pairs with the acquire load in every lookup. Adding and
 * removing sections is serialised by the section lock. Removing a section
 * unpublishes it, poisons its memmap (every byte 0xff: flags of ~0 are
 * recognisable as "no page here") and frees it at once; the caller must
 * already have made sure no one can still reach the pages (for a device
 * range: its refcounts have drained), or take the memmap instead of
 * freeing it (sparse_take_section: the graveyard of a device teardown).
 *
 * pfn_to_page() of a pfn without a memmap is a bug that is caught: it
 * warns with the pfn and returns NULL. Code that merely asks ("is there a
 * page here?") uses pfn_valid() or __pfn_to_page(), which are silent.
 */
#ifndef MM_MEMMAP_H
#define MM_MEMMAP_H

#include <lib/compiler.h>
#include <mm/page.h>

#define SECTION_SIZE_BITS	27			/* 128 MiB */
#define PFN_SECTION_SHIFT	(SECTION_SIZE_BITS - PAGE_SHIFT)
#define PAGES_PER_SECTION	(1UL << PFN_SECTION_SHIFT)
#define PAGE_SECTION_MASK	(~(PAGES_PER_SECTION - 1))

/*
 * Physical address bits the section table covers. x86-64 with 4-level
 * paging reaches 46 bits; one more lets the host test build place its
 * "RAM" (ordinary user memory, identity-mapped) anywhere in a 47-bit user
 * address space.
 */
#define MAX_PHYSMEM_BITS	47
#define NR_MEM_SECTIONS		(1UL << (MAX_PHYSMEM_BITS - SECTION_SIZE_BITS))

#define PFN_PHYS(pfn)		((uint64_t)(pfn) << PAGE_SHIFT)
#define PHYS_PFN(phys)		((unsigned long)((phys) >> PAGE_SHIFT))
#define PFN_UP(x)		((unsigned long)(((x) + PAGE_SIZE - 1) >> PAGE_SHIFT))

static inline unsigned long pfn_to_section_nr(unsigned long pfn)
{
	return pfn >> PFN_SECTION_SHIFT;
}

static inline unsigned long section_nr_to_pfn(unsigned long nr)
{
	return nr << PFN_SECTION_SHIFT;
}

/*
 * A device's own pages lending themselves to its memmap. The range starts
 * at base_pfn; its first `reserve` pages are not for the memmap (labels,
 * an info block), the next `free` pages may hold struct pages, and `alloc`
 * of them are in use. Handed out bottom-up and returned by count: remove
 * sections in the reverse order of adding them.
 *
 *   virt: where base_pfn is mapped in the kernel; NULL means the direct
 *         map (phys_to_virt). The device range must be mapped before its
 *         memmap is added.
 */
struct vmem_altmap {
	unsigned long base_pfn;
	unsigned long reserve;
	unsigned long free;
	unsigned long alloc;
	void *virt;
};

/* Where a section's memmap lives (mem_section.flags). */
#define SECTION_MEMMAP_EARLY	0x1	/* memblock (boot RAM); never removed */
#define SECTION_MEMMAP_PAGES	0x2	/* the page allocator */
#define SECTION_MEMMAP_ALTMAP	0x4	/* the device itself */

struct mem_section {
	struct page *memmap;	/* page of pfn (section start + start) */
	uint16_t start;		/* first pfn covered, from the section start */
	uint16_t nr_pages;	/* pfns covered (1..PAGES_PER_SECTION) */
	uint32_t flags;		/* SECTION_MEMMAP_* */
};

_Static_assert(PAGES_PER_SECTION <= 0xffff, "start and nr_pages fit in 16 bits");

/* --- lookups (lock-free) --------------------------------------------------- */

/* The page of pfn, or NULL (silently) if its section has no memmap. */
struct page *__pfn_to_page(unsigned long pfn);
/* The page of pfn; a pfn without a memmap warns (with the pfn) and gives NULL. */
struct page *pfn_to_page(unsigned long pfn);
bool pfn_valid(unsigned long pfn);

static inline unsigned long page_to_pfn(const struct page *page)
{
	return page->pfn;
}

static inline void *page_address(const struct page *page)
{
	return phys_to_virt(PFN_PHYS(page_to_pfn(page)));
}

/* The page of a direct-map address (warns and gives NULL without one). */
static inline struct page *virt_to_page(const void *addr)
{
	return pfn_to_page(PHYS_PFN(virt_to_phys(addr)));
}

/* --- building and removing ------------------------------------------------- */

/*
 * Give pfns [pfn, pfn + nr_pages) a memmap. The range must lie in one
 * section that has none yet. The array comes from `altmap` if given,
 * else from memblock (before mem_init) or the page allocator (after).
 * The new struct pages are memmap poison until memmap_init_range()
 * (mm/memmap_init.h; boot sections are not filled: mem_init initialises
 * them at once).
 *   -EINVAL  empty range, or it crosses a section boundary
 *   -ERANGE  beyond MAX_PHYSMEM_BITS
 *   -EEXIST  the section already has a memmap (RAM, another device)
 *   -ENOMEM  no memory for the array (altmap exhausted, allocator empty)
 */
int sparse_add_section(unsigned long pfn, unsigned long nr_pages,
		       struct vmem_altmap *altmap);

struct memmap_mem;
/*
 * sparse_add_section() in two halves, for a caller that writes the struct
 * pages before anyone can look them up (a device range, whose sections
 * are initialised on every CPU at once; mm/memmap_init.h):
 *   sparse_alloc_section()   checks the range as sparse_add_section()
 *                            does and allocates its array, unpublished
 *                            and unwritten: *m is the caller's;
 *   sparse_publish_section() publishes it (the caller has written every
 *                            struct page), or -EEXIST if the section got
 *                            a memmap meanwhile (the array stays the
 *                            caller's);
 *   sparse_free_unpublished() gives an array that was not published back
 *                            (altmap arrays in the reverse order of
 *                            their allocation).
 */
int sparse_alloc_section(unsigned long pfn, unsigned long nr_pages,
			 struct vmem_altmap *altmap, struct memmap_mem *m);
int sparse_publish_section(unsigned long pfn, unsigned long nr_pages,
			   const struct memmap_mem *m);
void sparse_free_unpublished(const struct memmap_mem *m, struct vmem_altmap *altmap);
/*
 * Take the memmap of exactly the range added away: unpublish, poison,
 * free it to where it came from (altmap: give the pages back). Boot RAM
 * sections cannot be removed (-EBUSY); a range that does not match what
 * was added is -EINVAL.
 */
int sparse_remove_section(unsigned long pfn, unsigned long nr_pages,
			  struct vmem_altmap *altmap);

/*
 * The memory under one section's memmap, as sparse_take_section() hands
 * it over: owned by whoever holds this until memmap_release().
 */
struct memmap_mem {
	struct page *memmap;	/* the array */
	unsigned long nr_pages;	/* struct pages in it */
	uint64_t bytes;		/* what the source gave, for the stats */
	unsigned int src;	/* MEMMAP_SRC_* */
};

/*
 * The first half of sparse_remove_section(): unpublish the section's
 * memmap (no lookup finds it afterwards) and give its memory to the
 * caller, untouched: the struct pages still hold what they held. An
 * altmap gets its pages back by count now (its owner must not reuse
 * them while the caller keeps the memmap). Errors as for removal.
 */
int sparse_take_section(unsigned long pfn, unsigned long nr_pages,
			struct vmem_altmap *altmap, struct memmap_mem *out);
/* The second half: poison every struct page and free the array to the
 * page allocator (an altmap's pages just stay the device's). */
void memmap_release(const struct memmap_mem *m);

/* The memmap in numbers, for meminfo and the boot figures. */
struct memmap_stats {
	unsigned long sections[3];	/* by source: early, pages, altmap */
	uint64_t bytes[3];		/* memmap bytes by source */
	unsigned long pages_covered;	/* pfns with a struct page */
	unsigned long roots;		/* section-table pages */
};
enum { MEMMAP_SRC_EARLY, MEMMAP_SRC_PAGES, MEMMAP_SRC_ALTMAP };

void memmap_get_stats(struct memmap_stats *st);

#endif /* MM_MEMMAP_H */
