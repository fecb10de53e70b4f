/*
 * The out-of-line half of the page refcount API (mm/page_ref.h): the
 * reports of misuse, and __put_page(), where a page's last reference
 * decides where the page goes.
 *
 * The report functions are called from inline get_page()/put_page(), so
 * their return address is the line that misused the page.
 */
#include <mm/internal.h>
#include <mm/memremap.h>
#include <mm/memremap_graveyard.h>
#include <mm/page_ref.h>
#include <lib/compiler.h>

/*
 * get_page() found the count at `old` <= 0: the page is free (or a tail
 * page, or its memmap is poison). Taking a reference would resurrect a
 * free page under the allocator, so the increment is undone.
 */
__noinline void get_page_bad(struct page *page, int old)
{
	__atomic_fetch_sub(&page->_refcount, 1, __ATOMIC_RELAXED);
	if (old < GRAVE_REF_BIAS / 2 && memremap_late_get(page, _RET_IP_))
		return;
	page_report("page_ref", old == 0 ? "get_page of a page with refcount 0 (free?)"
					 : "get_page of a page with a negative refcount",
		    page, _RET_IP_);
}

/*
 * put_page() took the count below zero: either a put on a device page
 * whose memmap was removed (a buried page's count is biased far below
 * zero: the graveyard accounts it and says so), or a put without a get,
 * whose count goes back so that the page's state (free, or being freed by
 * the put that reached 0) is not disturbed further.
 */
__noinline void put_page_underflow(struct page *page, int now)
{
	/* a buried count is far below zero; an ordinary underflow is -1 */
	if (now < GRAVE_REF_BIAS / 2 && memremap_late_put(page, now, _RET_IP_))
		return;
	__atomic_fetch_add(&page->_refcount, 1, __ATOMIC_RELAXED);
	page_report("page_ref", "put_page below zero (a put without a get)", page,
		    _RET_IP_);
}

/*
 * get_page_unless_zero() found the count below zero and took nothing: a
 * buried device page (a lockless walker reached a removed memmap), or a
 * count broken earlier.
 */
__noinline void get_page_refused(struct page *page, int v)
{
	if (v < GRAVE_REF_BIAS / 2 && memremap_late_get(page, _RET_IP_))
		return;
	page_report("page_ref", "speculative get of a page with a negative refcount (refused)",
		    page, _RET_IP_);
}

/*
 * The last reference is gone (put_page() or __free_pages() brought the
 * count to 0): the one place that decides where the page goes.
 */
void __put_page(struct page *page)
{
	if (is_zone_device_page(page)) {
		free_zone_device_page(page);
		return;
	}
	free_the_page(page, page->order, _RET_IP_);
}

/* A device page's reference changed to ref (the trace points of mm/page_ref.h). */
void trace_page_ref(enum trace_id id, struct page *page, int ref)
{
	if (is_zone_device_page(page))
		__trace_event(id, page_to_pfn(page), (uint64_t)(int64_t)ref, 0, 0, 0);
}
