/*
 * Object caches: slabs of pages cut into slots, a free list per slab, and
 * the cache's partial/full lists. See mm/slab.h for the design and
 * slab_debug.c for the red zones and poisoning of SLAB_DEBUG caches.
 */
#include <kernel/fault_inject.h>
#include <mm/slab.h>
#include <mm/internal.h>
#include <mm/memmap.h>
#include <lib/bug.h>
#include <lib/errno.h>
#include <lib/string.h>

static struct mm_lock caches_lock = MM_LOCK_INIT;
static LIST_HEAD(caches);

/* --- layout ------------------------------------------------------------------ */

/* Smallest slab order that wastes at most 1/8 of the slab (order 3 at most). */
static unsigned int slab_order(unsigned int stride)
{
	for (unsigned int order = 0; order < 3; order++) {
		unsigned long bytes = PAGE_SIZE << order;
		unsigned long objects = bytes / stride;

		if (objects && (bytes - objects * stride) * 8 <= bytes)
			return order;
	}
	return 3;
}

void kmem_cache_init(struct kmem_cache *c, const char *name, size_t size,
		     unsigned int flags)
{
	*c = (struct kmem_cache){ .name = name, .flags = flags };
	mm_lock_init(&c->lock);
	INIT_LIST_HEAD(&c->partial);
	INIT_LIST_HEAD(&c->full);
	c->size = (unsigned int)ALIGN_UP(MAX(size, (size_t)KMALLOC_MIN_SIZE), 8);
	if (flags & SLAB_DEBUG) {
		slab_debug_layout(c);
	} else {
		c->stride = c->size;
		c->obj_offset = 0;
		c->free_offset = 0;	/* a free slot's first word */
	}
	c->order = slab_order(c->stride);
	c->objects = (unsigned int)((PAGE_SIZE << c->order) / c->stride);

	unsigned long lf = mm_lock_irqsave(&caches_lock);
	list_add_tail(&c->list, &caches);
	mm_unlock_irqrestore(&caches_lock, lf);
}

static void **free_link(const struct kmem_cache *c, void *slot)
{
	return (void **)((char *)slot + c->free_offset);
}

/* Is p the start of one of slab's slots? */
static bool slot_in_slab(const struct kmem_cache *c, struct page *slab, const void *p)
{
	const char *base = page_address(slab);
	unsigned long off = (unsigned long)((const char *)p - base);

	return (const char *)p >= base && off % c->stride == 0 && off / c->stride < c->objects;
}

/* --- slabs ------------------------------------------------------------------- */

static struct page *new_slab(struct kmem_cache *c)
{
	struct page *slab = alloc_pages(c->order);
	char *base;

	if (!slab)
		return NULL;
	for (unsigned long i = 0; i < (1UL << c->order); i++) {
		SetPageSlab(&slab[i]);
		slab[i].slab_cache = c;
	}
	slab->slab_objects = (uint16_t)c->objects;
	slab->slab_inuse = 0;

	/* Thread the free list through the slots in address order. */
	base = page_address(slab);
	for (unsigned int i = 0; i < c->objects; i++) {
		void *slot = base + (size_t)i * c->stride;

		if (c->flags & SLAB_DEBUG)
			slab_debug_init_slot(c, slot);
		*free_link(c, slot) = i + 1 < c->objects ? base + (size_t)(i + 1) * c->stride
							 : NULL;
	}
	slab->freelist = base;
	return slab;
}

static void discard_slab(struct kmem_cache *c, struct page *slab)
{
	for (unsigned long i = 0; i < (1UL << c->order); i++) {
		ClearPageSlab(&slab[i]);
		slab[i].slab_cache = NULL;
		slab[i].freelist = NULL;
	}
	slab->slab_objects = slab->slab_inuse = 0;
	__free_pages(slab, c->order);
}

/* --- allocating and freeing ------------------------------------------------------ */

FAULT_POINT(fp_kmalloc, "kmalloc");

void *__kmem_cache_alloc(struct kmem_cache *c, size_t req, unsigned long caller)
{
	struct page *slab;
	unsigned long flags;
	void *slot;

	if (should_fail(&fp_kmalloc))
		return NULL;

	flags = mm_lock_irqsave(&c->lock);
	if (list_empty(&c->partial)) {
		mm_unlock_irqrestore(&c->lock, flags);
		slab = new_slab(c);
		if (!slab)
			return NULL;
		flags = mm_lock_irqsave(&c->lock);
		list_add(&slab->lru, &c->partial);
		c->nr_slabs++;
	} else {
		slab = list_first_entry(&c->partial, struct page, lru);
		if (slab->slab_inuse == 0 && c->nr_empty)
			c->nr_empty--;		/* the kept empty slab is in use again */
	}

	slot = slab->freelist;
	slab->freelist = *free_link(c, slot);
	if ((c->flags & SLAB_DEBUG) && slab->freelist && !slot_in_slab(c, slab, slab->freelist)) {
		slab_report(c, slab, (char *)slot + c->obj_offset, caller,
			    "free-list link %p points outside the slab: the rest is abandoned",
			    slab->freelist);
		slab->freelist = NULL;
		slab->slab_inuse = slab->slab_objects - 1;	/* lost slots stay "in use" */
	}
	if (++slab->slab_inuse == slab->slab_objects)
		list_move(&slab->lru, &c->full);
	c->nr_inuse++;
	c->nr_allocs++;
	if (c->flags & SLAB_DEBUG)
		slab_debug_alloc(c, slab, slot, req, caller);
	mm_unlock_irqrestore(&c->lock, flags);
	return (char *)slot + c->obj_offset;
}

void __kmem_cache_free(struct kmem_cache *c, struct page *slab, void *obj,
		       unsigned long caller)
{
	char *base = page_address(slab), *slot = (char *)obj - c->obj_offset;
	struct page *discard = NULL;
	unsigned long flags;
	bool ok = true;

	if ((char *)obj < base + c->obj_offset || !slot_in_slab(c, slab, slot)) {
		slab_report(c, slab, obj, caller, "free of a pointer that is not an object's start");
		return;
	}

	flags = mm_lock_irqsave(&c->lock);
	if (c->flags & SLAB_DEBUG) {
		ok = slab_debug_free(c, slab, slot, caller);
	} else if (slot == slab->freelist) {
		slab_report(c, slab, obj, caller,
			    "double free (the object is first on its slab's free list)");
		ok = false;
	}
	if (!ok) {		/* reported; the free lists stay as they are */
		mm_unlock_irqrestore(&c->lock, flags);
		return;
	}
	*free_link(c, slot) = slab->freelist;
	slab->freelist = slot;
	if (slab->slab_inuse-- == slab->slab_objects)
		list_move(&slab->lru, &c->partial);
	c->nr_inuse--;
	c->nr_frees++;
	if (slab->slab_inuse == 0) {
		if (c->nr_empty) {
			list_del(&slab->lru);
			c->nr_slabs--;
			discard = slab;
		} else {
			list_move_tail(&slab->lru, &c->partial);
			c->nr_empty++;
		}
	}
	mm_unlock_irqrestore(&c->lock, flags);
	if (discard)
		discard_slab(c, discard);
}

void *kmem_cache_alloc(struct kmem_cache *c)
{
	return __kmem_cache_alloc(c, c->size, _RET_IP_);
}

void kmem_cache_free(struct kmem_cache *c, void *obj)
{
	struct page *page;

	if (!obj)
		return;
	page = virt_to_page(obj);
	if (!page)
		return;		/* warned: not memory with a memmap */
	if (!PageSlab(page) || page->slab_cache != c) {
		page_report("kmalloc", "kmem_cache_free of an object from another cache",
			    page, _RET_IP_);
		return;
	}
	__kmem_cache_free(c, page - (page_to_pfn(page) & ((1UL << c->order) - 1)),
			  obj, _RET_IP_);
}

/* --- whole caches ---------------------------------------------------------------- */

void kmem_cache_shrink(struct kmem_cache *c)
{
	struct page *slab, *tmp;
	LIST_HEAD(empty);
	unsigned long flags;

	flags = mm_lock_irqsave(&c->lock);
	list_for_each_entry_safe(slab, tmp, &c->partial, lru) {
		if (slab->slab_inuse == 0) {
			list_move(&slab->lru, &empty);
			c->nr_slabs--;
		}
	}
	c->nr_empty = 0;
	mm_unlock_irqrestore(&c->lock, flags);

	list_for_each_entry_safe(slab, tmp, &empty, lru)
		discard_slab(c, slab);
}

struct kmem_cache *kmem_cache_create(const char *name, size_t size,
				     unsigned int flags)
{
	struct kmem_cache *c;

	if (!size || size > KMALLOC_MAX_CACHE_SIZE)
		return NULL;
	c = kmalloc(sizeof(*c));
	if (c)
		kmem_cache_init(c, name, size, (flags & SLAB_DEBUG) | SLAB_DYNAMIC);
	return c;
}

int kmem_cache_destroy(struct kmem_cache *c)
{
	unsigned long flags;

	if (WARN(c->nr_inuse, "kmem_cache_destroy(%s): %lu objects still in use",
		 c->name, c->nr_inuse))
		return -EBUSY;
	kmem_cache_shrink(c);
	flags = mm_lock_irqsave(&caches_lock);
	list_del(&c->list);
	mm_unlock_irqrestore(&caches_lock, flags);
	if (c->flags & SLAB_DYNAMIC)
		kfree(c);
	return 0;
}

void kmem_cache_for_each(void (*fn)(struct kmem_cache *c, void *arg), void *arg)
{
	struct kmem_cache *c;
	unsigned long flags = mm_lock_irqsave(&caches_lock);

	list_for_each_entry(c, &caches, list)
		fn(c, arg);
	mm_unlock_irqrestore(&caches_lock, flags);
}

static void shrink_one(struct kmem_cache *c, void *arg)
{
	kmem_cache_shrink(c);
}

void kmem_cache_shrink_all(void)
{
	kmem_cache_for_each(shrink_one, NULL);
}
