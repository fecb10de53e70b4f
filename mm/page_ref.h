/*
 * The page refcount: who may still use a page, and when it may be freed.
 *
 * page->_refcount counts the references to a page frame (the first page of
 * an allocation). While it is above zero the frame cannot be freed or
 * reused; the put that brings it to zero frees it. Every change is atomic;
 * nothing else about the page may be assumed from the count alone.
 *
 * Life story of the count:
 *   0   free (in the allocator), or a tail page of a larger allocation;
 *   1   alloc_pages() returns the page with one reference: the caller's;
 *   n   get_page() by someone who already holds a reference (or a pointer
 *       the owner vouches for), get_page_unless_zero() by a lockless
 *       walker that found the page without one;
 *   0   the last put_page() (or __free_pages() by the last holder) calls
 *       __put_page(), which returns the block to the allocator.
 * A reserved page (mm/page.h) sits at 1 forever: no one owns its last
 * reference. A device page (ZONE_DEVICE) starts at 1 held by its device;
 * its final put is a branch of __put_page() of its own and never reaches
 * the allocator: that branch is the one place the device-page rule lives.
 *
 * Barriers, and what pairs with what:
 *   - put_page() / page_ref_dec_and_test() are full barriers (acq_rel):
 *     the release half orders this holder's accesses to the page before
 *     its reference is gone; the acquire half, on the final put, makes
 *     every other holder's accesses (released by their own puts) visible
 *     before __put_page() frees or reuses the page. Each put pairs with
 *     every other put.
 *   - get_page_unless_zero() is a full barrier (seq_cst compare-exchange)
 *     when it succeeds: the walker's re-check that it found the right
 *     page (re-reading the page-table entry it came from) cannot move
 *     before the reference is taken. It pairs with the writer that clears
 *     that entry and then drops its reference with put_page() (release):
 *     either the walker sees the entry gone, or its reference is counted
 *     before the final put. On failure (count 0, or below zero: refused
 *     and reported) it does nothing.
 *   - get_page() and page_ref_inc() are relaxed: the caller already holds
 *     a reference, so the page cannot be freed under it and nothing needs
 *     ordering against the increment.
 *   - set_page_count() is a plain (relaxed) store, for the owner of a page
 *     no one else can reach (the allocator before handing it out, memmap
 *     initialisation); the hand-over itself publishes it.
 *
 * Misuse is reported with the pfn, flags, refcount and caller and does
 * not corrupt anything: get_page() of a page at 0 (a free page) warns and
 * takes no reference; a put_page() below zero warns and restores 0. A
 * device page whose memmap was removed under a pin has its count biased
 * far below zero (mm/memremap_graveyard.h), so its late gets and puts
 * take these same out-of-line paths, where the graveyard claims them.
 */
#ifndef MM_PAGE_REF_H
#define MM_PAGE_REF_H

#include <lib/compiler.h>
#include <mm/page.h>
#include <lib/trace.h>	/* enum trace_id */

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

static inline int page_ref_count(const struct page *page)
{
	return __atomic_load_n(&page->_refcount, __ATOMIC_RELAXED);
}

static inline void set_page_count(struct page *page, int v)
{
	__atomic_store_n(&page->_refcount, v, __ATOMIC_RELAXED);
}

/* Take one more reference; the caller already holds one. */
static inline void page_ref_inc(struct page *page)
{
	__atomic_fetch_add(&page->_refcount, 1, __ATOMIC_RELAXED);
}

/* Drop a reference; returns the new count (full barrier). */
static inline int page_ref_dec_return(struct page *page)
{
	return __atomic_sub_fetch(&page->_refcount, 1, __ATOMIC_ACQ_REL);
}

/* Drop a reference; true if it was the last one (full barrier). */
static inline bool page_ref_dec_and_test(struct page *page)
{
	return page_ref_dec_return(page) == 0;
}

/* Add nr unless the count is u; true if added (full barrier on success). */
static inline bool page_ref_add_unless(struct page *page, int nr, int u)
{
	int v = __atomic_load_n(&page->_refcount, __ATOMIC_RELAXED);

	do {
		if (v == u)
			return false;
	} while (!__atomic_compare_exchange_n(&page->_refcount, &v, v + nr, false,
					      __ATOMIC_SEQ_CST, __ATOMIC_RELAXED));
	return true;
}

void get_page_refused(struct page *page, int v);

/* The page_get / page_put trace events of device pages (recorded by GUP's
 * grab and by unpin_user_pages(), not here: get_page() and put_page() stay
 * free of trace points). */
void trace_page_ref(enum trace_id id, struct page *page, int ref);

/*
 * The speculative get of lockless walkers: a reference unless the page is
 * free (count 0) or its count is below zero (a buried device page, or a
 * count broken by a put without a get: refused and reported). Success
 * does not prove the page is still the one the walker meant (it may have
 * been freed and reallocated since it was found): re-check where it came
 * from afterwards, and put_page() if it changed. Full barrier on success.
 */
static inline bool get_page_unless_zero(struct page *page)
{
	int v = __atomic_load_n(&page->_refcount, __ATOMIC_RELAXED);

	do {
		if (unlikely(v <= 0)) {
			if (v < 0)
				get_page_refused(page, v);
			return false;
		}
	} while (!__atomic_compare_exchange_n(&page->_refcount, &v, v + 1, false,
					      __ATOMIC_SEQ_CST, __ATOMIC_RELAXED));
	return true;
}

/*
 * The teaching modes (mm/memremap_modes.h). zone_device_hooks: get_page()
 * calls the get hook (zone_device.refs=legacy or =regression).
 * zone_device_teaching: any teaching mode is in force, and put_page()
 * takes the out-of-line put_page_teaching() (the put hook, and an RCU
 * read-side section around the put: a memmap those modes remove under
 * concurrent puts is freed only after a grace period). Both are written
 * once, before the first device page exists.
 */
extern bool zone_device_hooks, zone_device_teaching;
void zone_device_get_hook(struct page *page);
void put_page_teaching(struct page *page);

/* Out of line: the reports, and the last reference. */
void get_page_bad(struct page *page, int old);
void put_page_underflow(struct page *page, int now);
void __put_page(struct page *page);

/* Another reference to a page the caller holds one of. */
static __always_inline void get_page(struct page *page)
{
	int old = __atomic_fetch_add(&page->_refcount, 1, __ATOMIC_RELAXED);

	if (unlikely(old <= 0))
		get_page_bad(page, old);
	else if (unlikely(zone_device_hooks))
		zone_device_get_hook(page);
}

/* Drop a reference; the last one frees the page (device pages: see above). */
static __always_inline void put_page(struct page *page)
{
	int now;

	if (unlikely(zone_device_teaching)) {
		put_page_teaching(page);
		return;
	}
	now = page_ref_dec_return(page);
	if (now == 0)
		__put_page(page);
	else if (unlikely(now < 0))
		put_page_underflow(page, now);
}

#endif /* MM_PAGE_REF_H */
