/*
 * kmalloc: size classes over the object caches, large sizes over the page
 * allocator, and kfree() that tells them apart by the page's flags.
 * See mm/slab.h.
 */
#include <mm/slab.h>
#include <mm/internal.h>
#include <mm/memmap.h>
#include <mm/page_ref.h>
#include <lib/bug.h>
#include <lib/string.h>

static const unsigned int kmalloc_sizes[NR_KMALLOC_CACHES] = {
	8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096,
};

static const char *const kmalloc_names[NR_KMALLOC_CACHES] = {
	"kmalloc-8", "kmalloc-16", "kmalloc-32", "kmalloc-64", "kmalloc-96",
	"kmalloc-128", "kmalloc-192", "kmalloc-256", "kmalloc-512",
	"kmalloc-1024", "kmalloc-2048", "kmalloc-4096",
};

static struct kmem_cache kmalloc_caches[NR_KMALLOC_CACHES];
static bool kmalloc_ready;

void kmalloc_init(bool debug)
{
	for (unsigned int i = 0; i < NR_KMALLOC_CACHES; i++)
		kmem_cache_init(&kmalloc_caches[i], kmalloc_names[i], kmalloc_sizes[i],
				debug ? SLAB_DEBUG : 0);
	kmalloc_ready = true;
}

struct kmem_cache *kmalloc_cache(size_t size)
{
	for (unsigned int i = 0; i < NR_KMALLOC_CACHES; i++)
		if (size <= kmalloc_sizes[i])
			return &kmalloc_caches[i];
	return NULL;
}

static void *kmalloc_large(size_t size, unsigned long caller)
{
	unsigned int order = get_order(size);
	struct page *page;

	if (order >= MAX_ORDER)
		return NULL;
	page = alloc_pages(order);
	if (!page)
		return NULL;
	page->alloc_caller = caller;
	SetPageLargeKmalloc(page);
	return page_address(page);
}

static void *__kmalloc(size_t size, unsigned long caller)
{
	struct kmem_cache *c;

	if (!size)
		return ZERO_SIZE_PTR;
	if (WARN_ONCE(!kmalloc_ready, "kmalloc(%zu) from %pS before mem_init",
		      size, (void *)caller))
		return NULL;
	c = kmalloc_cache(size);
	return c ? __kmem_cache_alloc(c, size, caller) : kmalloc_large(size, caller);
}

void *kmalloc(size_t size)
{
	return __kmalloc(size, _RET_IP_);
}

void *kzalloc(size_t size)
{
	void *p = __kmalloc(size, _RET_IP_);

	if (!ZERO_OR_NULL_PTR(p))
		memset(p, 0, size);
	return p;
}

/* The first page of the slab that holds `page`. */
static struct page *slab_head(struct page *page)
{
	unsigned long mask = (1UL << page->slab_cache->order) - 1;

	return page - (page_to_pfn(page) & mask);
}

void kfree(const void *p)
{
	unsigned long caller = _RET_IP_;
	struct page *page;

	if (ZERO_OR_NULL_PTR(p))
		return;
	page = virt_to_page(p);
	if (!page)
		return;		/* warned: not memory with a memmap */
	if (PageSlab(page)) {
		__kmem_cache_free(page->slab_cache, slab_head(page), (void *)p, caller);
	} else if (PageLargeKmalloc(page) && p == page_address(page)) {
		ClearPageLargeKmalloc(page);
		__free_pages(page, page->order);
	} else {
		__warn(__FILE__, __LINE__, caller,
		       "kmalloc: kfree(%p) of memory kmalloc did not hand out "
		       "(pfn %#lx flags %#lx refcount %d)", p, page_to_pfn(page),
		       page_flags(page), page_ref_count(page));
	}
}

size_t ksize(const void *p)
{
	struct page *page;

	if (ZERO_OR_NULL_PTR(p))
		return 0;
	page = virt_to_page(p);
	if (!page)
		return 0;
	if (PageSlab(page))
		return page->slab_cache->size;
	if (PageLargeKmalloc(page))
		return PAGE_SIZE << page->order;
	return 0;
}
