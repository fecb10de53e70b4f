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
	page_report("page_ref", old == 0 ? "get_page of a page with refcount 0 (free?)"
					 : "get_page of a page with a negative refcount",
		    page, _RET_IP_);
}

/*
 * put_page() took the count below zero: a put without a get. The count
 * goes back to 0 so that the page's state (free, or being freed by the
 * put that reached 0) is not disturbed further.
 */
__noinline void put_page_underflow(struct page *page, int now)
{
	__atomic_fetch_add(&page->_refcount, 1, __ATOMIC_RELAXED);
	if (page_memmap_poisoned(page) && memremap_late_put(page, _RET_IP_))
		return;
	page_report("page_ref", "put_page below zero (a put without a get)", page,
		    _RET_IP_);
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
