/*
 * kmalloc and the object caches under it.
 *
 * A cache (struct kmem_cache) hands out objects of one size, carved from
 * slabs: blocks of 2^order pages from the page allocator, each cut into
 * `objects` slots with a free list threaded through the free slots. The
 * slab's first struct page holds the slab's bookkeeping (freelist, inuse)
 * and every page of it has PG_slab and points back at the cache, so
 * kfree() finds an object's cache from its address (virt_to_page) alone.
 *
 * kmalloc(size) picks the smallest size class that fits: 8, 16, 32, 64,
 * 96, 128, 192, 256, 512, 1024, 2048 or 4096 bytes. Anything bigger comes
 * straight from the page allocator (PG_large_kmalloc on the first page,
 * the order in page->order). kfree() takes any of them.
 *
 * Slabs are kept on the cache's lists: `partial` (some slots free; a
 * fully free slab is kept at its tail, at most one, so that an alloc/free
 * pair at a slab's edge does not churn the page allocator) and `full`.
 * Further empty slabs go back to the page allocator at once;
 * kmem_cache_shrink() returns the kept one too.
 *
 * Debugging (SLAB_DEBUG per cache; for the kmalloc classes `slab_debug=on`
 * on the command line, on in the host tests): every slot gets red zones
 * (16 bytes of 0xbb) on both sides, plus the slack between the size asked
 * for and the class size; freed objects are filled with 0x6b and their
 * state, requested size and last caller kept in a trailer. kfree checks
 * the red zones (an overflow or underflow), the state (a double free);
 * allocation checks the poison (a write after free). Each finding is a
 * warning with the object's address, cache, slab and the callers; the
 * object is repaired or, for a double free, left alone, so the free list
 * stays intact. Without SLAB_DEBUG only the cheap check remains: freeing
 * the object that is already first on its slab's free list.
 *
 * Locking: one lock per cache (mm/mm_lock.h) over its lists, its slabs'
 * freelist/inuse and its counters. Objects may be allocated and freed
 * from any context, with interrupts on or off.
 */
#ifndef MM_SLAB_H
#define MM_SLAB_H

#include <lib/compiler.h>
#include <lib/list.h>
#include <mm/mm_lock.h>

#define KMALLOC_MIN_SIZE	8
#define KMALLOC_MAX_CACHE_SIZE	4096
#define NR_KMALLOC_CACHES	12

/* kmalloc(0): a unique non-NULL pointer that faults when used. */
#define ZERO_SIZE_PTR		((void *)16)
#define ZERO_OR_NULL_PTR(p)	((unsigned long)(p) <= (unsigned long)ZERO_SIZE_PTR)

#define SLAB_DEBUG		0x1	/* red zones, poison, state tracking */
#define SLAB_DYNAMIC		0x2	/* (internal) struct from kmem_cache_create */

struct page;

struct kmem_cache {
	struct mm_lock lock;
	/* Field legends (docs/layout.md). (i) fixed at creation */
	const char *name;
	unsigned int size;		/* object bytes the user may touch */
	unsigned int stride;		/* bytes per slot */
	unsigned int obj_offset;	/* object start within its slot */
	unsigned int free_offset;	/* free-list link within a free slot */
	unsigned int order;		/* slab = 2^order pages */
	unsigned int objects;		/* slots per slab */
	unsigned int flags;		/* SLAB_* */
	/* (L) under lock */
	struct list_head partial;	/* slabs with free slots, empty last */
	struct list_head full;		/* slabs without */
	unsigned long nr_slabs;
	unsigned long nr_empty;		/* empty slabs kept (0 or 1) */
	unsigned long nr_inuse;		/* objects handed out */
	unsigned long nr_allocs, nr_frees;
	unsigned long nr_errors;	/* misuse found by the checks */
	struct list_head list;		/* (L: caches_lock) all caches */
};

/* --- kmalloc --------------------------------------------------------------- */

/* size bytes (not zeroed), at least 8-byte aligned; NULL if out of memory. */
void *kmalloc(size_t size);
/* Same, zeroed. */
void *kzalloc(size_t size);
/* Free what kmalloc returned; NULL and ZERO_SIZE_PTR are ignored. */
void kfree(const void *p);
/* Bytes usable at p (the class size, or the pages of a large one). */
size_t ksize(const void *p);

/* mem_init: set up the size classes; `debug` turns on SLAB_DEBUG for them. */
void kmalloc_init(bool debug);
/* The cache kmalloc(size) uses, or NULL for a large size. */
struct kmem_cache *kmalloc_cache(size_t size);

/* --- caches ---------------------------------------------------------------- */

struct kmem_cache *kmem_cache_create(const char *name, size_t size,
				     unsigned int flags);
/* -EBUSY (with a warning, the cache kept) while objects are out. */
int kmem_cache_destroy(struct kmem_cache *c);
void *kmem_cache_alloc(struct kmem_cache *c);
/* NULL is ignored; an object of another cache is reported and refused. */
void kmem_cache_free(struct kmem_cache *c, void *obj);
/* Give empty slabs back to the page allocator. */
void kmem_cache_shrink(struct kmem_cache *c);
void kmem_cache_shrink_all(void);
/* Walk every cache (under the caches lock: fn must not create or destroy). */
void kmem_cache_for_each(void (*fn)(struct kmem_cache *c, void *arg), void *arg);

/* Internal to mm/: static caches, and the entry points with a caller. */
void kmem_cache_init(struct kmem_cache *c, const char *name, size_t size,
		     unsigned int flags);
void *__kmem_cache_alloc(struct kmem_cache *c, size_t req, unsigned long caller);
void __kmem_cache_free(struct kmem_cache *c, struct page *slab, void *obj,
		       unsigned long caller);

#endif /* MM_SLAB_H */
