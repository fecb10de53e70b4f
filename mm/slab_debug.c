/*
 * SLAB_DEBUG: red zones, poisoning and state tracking of cache objects.
 *
 * A debug slot is laid out as
 *
 *   | red zone 16 | object (size) | red zone 16 | trailer (struct slot_meta) |
 *                 ^ obj_offset                   ^ free_offset
 *
 * While the object is allocated, the bytes between the size asked for and
 * the cache's size are red zone too, so kmalloc(13) catches a write to
 * byte 13. While it is free, the whole object holds SLAB_FREE_BYTE and the
 * free-list link lives in the trailer, out of the poison's way. The
 * trailer also remembers the state (a double free shows as a free of a
 * free object) and the last caller: the allocator while allocated, the
 * freer while free, so each report can say who did what.
 *
 * Every check runs under the cache lock, on one slot. A broken red zone
 * or poison is reported and repaired (the object is still usable: the
 * damage is elsewhere); a free of a free object is reported and refused.
 */
#include <mm/slab.h>
#include <mm/internal.h>
#include <mm/memmap.h>
#include <lib/bug.h>
#include <lib/string.h>
#include <lib/vsprintf.h>

#define SLAB_REDZONE		16
#define SLAB_RED_BYTE		0xbb
#define SLAB_FREE_BYTE		0x6b

enum slot_state {
	SLOT_FREE = 0x5ee1f3ee,
	SLOT_ALLOCATED = 0xa110c8ed,
};

struct slot_meta {
	void *next_free;	/* the free-list link (free_offset points here) */
	unsigned long caller;	/* allocated: who allocated; free: who freed */
	uint32_t req;		/* bytes asked for (allocated) */
	uint32_t state;		/* enum slot_state */
};

void slab_debug_layout(struct kmem_cache *c)
{
	unsigned int meta = SLAB_REDZONE + c->size + SLAB_REDZONE;

	c->obj_offset = SLAB_REDZONE;
	c->free_offset = meta + (unsigned int)offsetof(struct slot_meta, next_free);
	c->stride = ALIGN_UP(meta + (unsigned int)sizeof(struct slot_meta), 16u);
}

static struct slot_meta *meta_of(const struct kmem_cache *c, void *slot)
{
	return (struct slot_meta *)((char *)slot + SLAB_REDZONE + c->size + SLAB_REDZONE);
}

/* The first byte in [p, p + n) that is not `v`, or NULL (Linux's memchr_inv). */
static const uint8_t *memchr_inv(const void *p, int v, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != (uint8_t)v)
			return &b[i];
	return NULL;
}

/* The first broken red-zone byte around an object with `req` bytes in use. */
static const uint8_t *broken_red_zone(const struct kmem_cache *c, uint8_t *slot,
				      size_t req)
{
	uint8_t *obj = slot + SLAB_REDZONE;
	const uint8_t *bad;

	bad = memchr_inv(slot, SLAB_RED_BYTE, SLAB_REDZONE);
	if (!bad)
		bad = memchr_inv(obj + req, SLAB_RED_BYTE, c->size - req);
	if (!bad)
		bad = memchr_inv(obj + c->size, SLAB_RED_BYTE, SLAB_REDZONE);
	return bad;
}

static void fill_red_zones(const struct kmem_cache *c, uint8_t *slot)
{
	memset(slot, SLAB_RED_BYTE, SLAB_REDZONE);
	memset(slot + SLAB_REDZONE + c->size, SLAB_RED_BYTE, SLAB_REDZONE);
}

void slab_debug_init_slot(struct kmem_cache *c, void *slot)
{
	fill_red_zones(c, slot);
	memset((uint8_t *)slot + SLAB_REDZONE, SLAB_FREE_BYTE, c->size);
	*meta_of(c, slot) = (struct slot_meta){ .state = SLOT_FREE };
}

void slab_debug_alloc(struct kmem_cache *c, struct page *slab, void *slot,
		      size_t req, unsigned long caller)
{
	struct slot_meta *m = meta_of(c, slot);
	uint8_t *obj = (uint8_t *)slot + SLAB_REDZONE;
	const uint8_t *bad;

	if (m->state != SLOT_FREE) {
		slab_report(c, slab, obj, caller,
			    "allocating an object not marked free (state %#x): free list corrupted",
			    m->state);
	} else if ((bad = memchr_inv(obj, SLAB_FREE_BYTE, c->size))) {
		slab_report(c, slab, obj, caller,
			    "written after free: byte %ld is %#x, not the poison %#x (freed by %pS)",
			    (long)(bad - obj), *bad, SLAB_FREE_BYTE, (void *)m->caller);
	} else if ((bad = broken_red_zone(c, slot, c->size))) {
		slab_report(c, slab, obj, caller,
			    "red zone broken while free: byte %ld is %#x (freed by %pS)",
			    (long)(bad - obj), *bad, (void *)m->caller);
	}
	fill_red_zones(c, slot);
	memset(obj + req, SLAB_RED_BYTE, c->size - req);
	*m = (struct slot_meta){ .caller = caller, .req = (uint32_t)req,
				 .state = SLOT_ALLOCATED };
}

bool slab_debug_free(struct kmem_cache *c, struct page *slab, void *slot,
		     unsigned long caller)
{
	struct slot_meta *m = meta_of(c, slot);
	uint8_t *obj = (uint8_t *)slot + SLAB_REDZONE;
	const uint8_t *bad;

	if (m->state == SLOT_FREE) {
		slab_report(c, slab, obj, caller, "double free (freed before by %pS)",
			    (void *)m->caller);
		return false;
	}
	if (m->state != SLOT_ALLOCATED) {
		slab_report(c, slab, obj, caller,
			    "object trailer overwritten (state %#x): not freeing it", m->state);
		return false;
	}
	bad = broken_red_zone(c, slot, m->req);
	if (bad)
		slab_report(c, slab, obj, caller,
			    "%s: byte %ld of a %u-byte object is %#x, not the red zone %#x "
			    "(allocated by %pS)",
			    bad < obj ? "buffer underflow" : "buffer overflow",
			    (long)(bad - obj), m->req, *bad, SLAB_RED_BYTE,
			    (void *)m->caller);
	fill_red_zones(c, slot);
	memset(obj, SLAB_FREE_BYTE, c->size);
	*m = (struct slot_meta){ .caller = caller, .state = SLOT_FREE };
	return true;
}

void slab_report(struct kmem_cache *c, struct page *slab, const void *obj,
		 unsigned long caller, const char *fmt, ...)
{
	char what[192];
	va_list ap;

	va_start(ap, fmt);
	vscnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	__atomic_fetch_add(&c->nr_errors, 1, __ATOMIC_RELAXED);
	__warn(__FILE__, __LINE__, caller,
	       "kmalloc: %s: object %p in cache %s (%u bytes), slab at pfn %#lx",
	       what, obj, c->name, c->size, page_to_pfn(slab));
}
