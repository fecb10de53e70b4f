/*
 * The sparse memmap: the section table, pfn <-> struct page, and adding
 * and removing a section's memmap. See mm/memmap.h for the design.
 *
 * The table has two levels so that 2^20 possible sections cost 32 KiB of
 * root pointers plus one page per 256 sections actually used: roots are
 * allocated on first use (memblock at boot, the page allocator after) and
 * never freed. Writers (add/remove) hold section_lock only to check and
 * publish; allocating, poisoning and freeing a memmap happen outside it.
 * A memmap taken away (sparse_take_section) belongs to the caller until
 * it hands it to memmap_release(): the graveyard of mm/memremap_graveyard.h
 * keeps one there while late references to its pages can still arrive.
 */
#include <kernel/fault_inject.h>
#include <mm/memmap.h>
#include <mm/memblock.h>
#include <mm/mm_lock.h>
#include <mm/page_alloc.h>
#include <lib/bug.h>
#include <lib/errno.h>
#include <lib/string.h>

#define SECTIONS_PER_ROOT	(PAGE_SIZE / sizeof(struct mem_section))
#define NR_SECTION_ROOTS	(NR_MEM_SECTIONS / SECTIONS_PER_ROOT)

_Static_assert(PAGE_SIZE % sizeof(struct mem_section) == 0,
	       "a root page holds a whole number of sections");

static struct mem_section *section_roots[NR_SECTION_ROOTS];
static struct mm_lock section_lock = MM_LOCK_INIT;
static struct memmap_stats stats;		/* under section_lock */

/* --- lookups ----------------------------------------------------------------- */

static struct mem_section *nr_to_section(unsigned long nr)
{
	struct mem_section *root;

	if (nr >= NR_MEM_SECTIONS)
		return NULL;
	/* Pairs with the release store that published the root. */
	root = __atomic_load_n(&section_roots[nr / SECTIONS_PER_ROOT], __ATOMIC_ACQUIRE);
	return root ? &root[nr % SECTIONS_PER_ROOT] : NULL;
}

struct page *__pfn_to_page(unsigned long pfn)
{
	struct mem_section *ms = nr_to_section(pfn_to_section_nr(pfn));
	unsigned long off = pfn & ~PAGE_SECTION_MASK;
	struct page *memmap;

	if (!ms)
		return NULL;
	/* Pairs with the release store in sparse_add_section(): start and
	 * nr_pages were written before the memmap pointer. */
	memmap = __atomic_load_n(&ms->memmap, __ATOMIC_ACQUIRE);
	if (!memmap || off < ms->start || off - ms->start >= ms->nr_pages)
		return NULL;
	return memmap + (off - ms->start);
}

struct page *pfn_to_page(unsigned long pfn)
{
	struct page *page = __pfn_to_page(pfn);

	if (unlikely(!page))
		__warn(__FILE__, __LINE__, _RET_IP_,
		       "pfn_to_page: pfn %#lx (phys %#lx, section %lu) has no memmap",
		       pfn, PFN_PHYS(pfn), pfn_to_section_nr(pfn));
	return page;
}

bool pfn_valid(unsigned long pfn)
{
	return __pfn_to_page(pfn) != NULL;
}

/* --- the memory under a memmap ---------------------------------------------- */

/* One zeroed page for a root: memblock before mem_init, the allocator after. */
static void *alloc_table_page(void)
{
	void *p = NULL;

	if (!memblock.retired) {
		phys_addr_t phys = memblock_alloc(PAGE_SIZE, PAGE_SIZE);

		p = phys ? phys_to_virt(phys) : NULL;
	} else {
		struct page *page = alloc_page();

		p = page ? page_address(page) : NULL;
	}
	if (p)
		memset(p, 0, PAGE_SIZE);
	return p;
}

FAULT_POINT(fp_memmap, "memmap");

static int memmap_alloc(unsigned long nr_pages, struct vmem_altmap *altmap,
			struct memmap_mem *m)
{
	size_t bytes = nr_pages * sizeof(struct page);

	if (should_fail(&fp_memmap))
		return -ENOMEM;
	if (altmap) {
		unsigned long need = PFN_UP(bytes);
		char *base = altmap->virt ? altmap->virt
					  : phys_to_virt(PFN_PHYS(altmap->base_pfn));

		if (altmap->alloc + need > altmap->free)
			return -ENOMEM;
		m->memmap = (struct page *)(base + (altmap->reserve + altmap->alloc) * PAGE_SIZE);
		altmap->alloc += need;
		m->bytes = need * PAGE_SIZE;
		m->src = MEMMAP_SRC_ALTMAP;
	} else if (!memblock.retired) {
		phys_addr_t phys = memblock_alloc(bytes, PAGE_SIZE);

		if (!phys)
			return -ENOMEM;
		m->memmap = phys_to_virt(phys);
		m->bytes = bytes;
		m->src = MEMMAP_SRC_EARLY;
	} else {
		struct page *page = alloc_pages(get_order(bytes));

		if (!page)
			return -ENOMEM;
		m->memmap = page_address(page);
		m->bytes = PAGE_SIZE << get_order(bytes);
		m->src = MEMMAP_SRC_PAGES;
	}
	m->nr_pages = nr_pages;
	return 0;
}

/* Give the pages under an altmap memmap back to the altmap (by count). */
static void altmap_give_back(const struct memmap_mem *m, struct vmem_altmap *altmap)
{
	unsigned long need = m->bytes / PAGE_SIZE;

	if (!WARN(altmap->alloc < need,
		  "memmap: altmap at pfn %#lx gives back %lu pages of %lu lent",
		  altmap->base_pfn, need, altmap->alloc))
		altmap->alloc -= need;
}

void memmap_release(const struct memmap_mem *m)
{
	memset(m->memmap, MEMMAP_POISON_BYTE, m->nr_pages * sizeof(struct page));
	switch (m->src) {
	case MEMMAP_SRC_ALTMAP:
		break;		/* the device's pages; the altmap had them back */
	case MEMMAP_SRC_PAGES:
		__free_pages(virt_to_page(m->memmap), get_order(m->bytes));
		break;
	default:
		WARN(1, "memmap: boot memmap at %p cannot be freed", (void *)m->memmap);
	}
}

/* Give a memmap that was never published back where it came from. */
static void memmap_free(const struct memmap_mem *m, struct vmem_altmap *altmap)
{
	if (m->src == MEMMAP_SRC_ALTMAP)
		altmap_give_back(m, altmap);
	memmap_release(m);
}

static const uint32_t src_flags[] = {
	[MEMMAP_SRC_EARLY] = SECTION_MEMMAP_EARLY,
	[MEMMAP_SRC_PAGES] = SECTION_MEMMAP_PAGES,
	[MEMMAP_SRC_ALTMAP] = SECTION_MEMMAP_ALTMAP,
};

static unsigned int flags_src(uint32_t flags)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(src_flags); i++)
		if (flags & src_flags[i])
			return i;
	return MEMMAP_SRC_EARLY;
}

/* --- adding and removing ------------------------------------------------------ */

/* The root of section nr, allocated if missing (outside the lock). */
static struct mem_section *section_get_or_alloc(unsigned long nr)
{
	struct mem_section **slot = &section_roots[nr / SECTIONS_PER_ROOT];
	struct mem_section *root = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
	struct mem_section *expected = NULL;
	unsigned long flags;

	if (root)
		return &root[nr % SECTIONS_PER_ROOT];
	root = alloc_table_page();
	if (!root)
		return NULL;
	flags = mm_lock_irqsave(&section_lock);
	/* Pairs with the acquire loads in nr_to_section(). */
	if (__atomic_compare_exchange_n(slot, &expected, root, false,
					__ATOMIC_RELEASE, __ATOMIC_ACQUIRE))
		stats.roots++;
	else
		root = expected;	/* lost a race; the page leaks (rare) */
	mm_unlock_irqrestore(&section_lock, flags);
	return &root[nr % SECTIONS_PER_ROOT];
}

/* The section of [pfn, pfn + nr_pages), checked; NULL with *err set. */
static struct mem_section *section_for(unsigned long pfn, unsigned long nr_pages, int *err)
{
	unsigned long nr = pfn_to_section_nr(pfn);
	struct mem_section *ms;

	*err = -EINVAL;
	if (!nr_pages || pfn_to_section_nr(pfn + nr_pages - 1) != nr)
		return NULL;
	*err = -ERANGE;
	if (nr >= NR_MEM_SECTIONS)
		return NULL;
	*err = -ENOMEM;
	ms = section_get_or_alloc(nr);
	if (!ms)
		return NULL;
	*err = -EEXIST;
	if (__atomic_load_n(&ms->memmap, __ATOMIC_ACQUIRE))
		return NULL;
	*err = 0;
	return ms;
}

int sparse_alloc_section(unsigned long pfn, unsigned long nr_pages,
			 struct vmem_altmap *altmap, struct memmap_mem *m)
{
	int err;

	if (!section_for(pfn, nr_pages, &err))
		return err;
	return memmap_alloc(nr_pages, altmap, m);
}

int sparse_publish_section(unsigned long pfn, unsigned long nr_pages,
			   const struct memmap_mem *m)
{
	struct mem_section *ms;
	unsigned long flags;
	int err;

	ms = section_for(pfn, nr_pages, &err);
	if (!ms)
		return err;
	flags = mm_lock_irqsave(&section_lock);
	if (ms->memmap) {
		mm_unlock_irqrestore(&section_lock, flags);
		return -EEXIST;
	}
	ms->start = (uint16_t)(pfn & ~PAGE_SECTION_MASK);
	ms->nr_pages = (uint16_t)nr_pages;
	ms->flags = src_flags[m->src];
	/* Publish: pairs with the acquire load in __pfn_to_page(). */
	__atomic_store_n(&ms->memmap, m->memmap, __ATOMIC_RELEASE);
	stats.sections[m->src]++;
	stats.bytes[m->src] += m->bytes;
	stats.pages_covered += nr_pages;
	mm_unlock_irqrestore(&section_lock, flags);
	return 0;
}

void sparse_free_unpublished(const struct memmap_mem *m, struct vmem_altmap *altmap)
{
	memmap_free(m, altmap);
}

int sparse_add_section(unsigned long pfn, unsigned long nr_pages,
		       struct vmem_altmap *altmap)
{
	struct memmap_mem m;
	int err = sparse_alloc_section(pfn, nr_pages, altmap, &m);

	if (err)
		return err;
	/*
	 * Unborn pages: flags of ~0 say "no page here yet" (mm/page.h). Boot
	 * sections skip it: mem_init initialises them at once, before anything
	 * else runs, and the fill would double the memmap's boot time.
	 */
	if (m.src != MEMMAP_SRC_EARLY)
		memset(m.memmap, MEMMAP_POISON_BYTE, nr_pages * sizeof(struct page));
	err = sparse_publish_section(pfn, nr_pages, &m);
	if (err)
		memmap_free(&m, altmap);
	return err;
}

int sparse_take_section(unsigned long pfn, unsigned long nr_pages,
			struct vmem_altmap *altmap, struct memmap_mem *out)
{
	struct mem_section *ms = nr_to_section(pfn_to_section_nr(pfn));
	struct memmap_mem m;
	unsigned long flags;

	if (!ms)
		return -EINVAL;
	flags = mm_lock_irqsave(&section_lock);
	/* Exactly the range that was added, from the source it was added with. */
	if (!ms->memmap || ms->start != (pfn & ~PAGE_SECTION_MASK) ||
	    ms->nr_pages != nr_pages ||
	    !(ms->flags & SECTION_MEMMAP_ALTMAP) != !altmap) {
		mm_unlock_irqrestore(&section_lock, flags);
		return -EINVAL;
	}
	if (ms->flags & SECTION_MEMMAP_EARLY) {
		mm_unlock_irqrestore(&section_lock, flags);
		return -EBUSY;
	}
	m.memmap = ms->memmap;
	m.nr_pages = nr_pages;
	m.src = flags_src(ms->flags);
	m.bytes = m.src == MEMMAP_SRC_ALTMAP
		  ? PFN_UP(nr_pages * sizeof(struct page)) * PAGE_SIZE
		  : PAGE_SIZE << get_order(nr_pages * sizeof(struct page));
	__atomic_store_n(&ms->memmap, NULL, __ATOMIC_RELEASE);
	ms->start = ms->nr_pages = 0;
	ms->flags = 0;
	stats.sections[m.src]--;
	stats.bytes[m.src] -= m.bytes;
	stats.pages_covered -= nr_pages;
	mm_unlock_irqrestore(&section_lock, flags);

	if (m.src == MEMMAP_SRC_ALTMAP)
		altmap_give_back(&m, altmap);
	*out = m;
	return 0;
}

int sparse_remove_section(unsigned long pfn, unsigned long nr_pages,
			  struct vmem_altmap *altmap)
{
	struct memmap_mem m;
	int err = sparse_take_section(pfn, nr_pages, altmap, &m);

	if (!err)
		memmap_release(&m);
	return err;
}

void memmap_get_stats(struct memmap_stats *st)
{
	unsigned long flags = mm_lock_irqsave(&section_lock);

	*st = stats;
	mm_unlock_irqrestore(&section_lock, flags);
}
