/*
 * get_user_pages: the struct pages behind a range of an address space's
 * user addresses, each with a reference taken, so that the kernel (a
 * driver doing DMA, a copy done later) can use them while the owner of
 * the address space unmaps, remaps or tears it down. docs/gup.md tells
 * the whole story, and "The fast path" there is the specification of
 * the fast path.
 *
 *   struct page *pages[16];
 *   long n = get_user_pages_fast(addr, 16, FOLL_WRITE, pages);
 *   if (n < 0) ... nothing pinned ...
 *   ... use pages[0..n) ...
 *   unpin_user_pages(pages, n);
 *
 * Both calls return how many pages from `start` on were pinned, in order
 * (possibly fewer than asked: a hole, a region that refuses, a page that
 * cannot be faulted in stops at that page), or a negative errno if not
 * even the first one was: -EFAULT (nothing mapped there, a kernel
 * address, an I/O or PFN-map region, frames without struct pages, an
 * access the region does not allow), -ENOMEM, -EINVAL (bad flags).
 *
 * Flags:
 *   FOLL_WRITE  the pages will be written: the region must be writable,
 *               and the pages are faulted in writable;
 *   FOLL_GET    take a page reference on each (put_page() releases it);
 *   FOLL_PIN    the same, released with unpin_user_pages(): zdk's pins
 *               are plain references (it keeps no separate pin count).
 * get_user_pages_fast() implies FOLL_GET when neither is given; the slow
 * call wants one of them whenever `pages` is not NULL (with pages NULL it
 * only faults the range in).
 */
#ifndef MM_GUP_H
#define MM_GUP_H

#include <lib/compiler.h>

struct mm_struct;
struct page;

#define FOLL_WRITE	0x01
#define FOLL_GET	0x02
#define FOLL_PIN	0x04
#define FOLL_ALL	(FOLL_WRITE | FOLL_GET | FOLL_PIN)

/*
 * The slow path: any address space (a user reference held by the
 * caller), takes its mmap_lock for reading, checks each region, faults
 * pages in and retries. May allocate; never call with interrupts off.
 */
long get_user_pages(struct mm_struct *mm, unsigned long start, unsigned long nr_pages,
		    unsigned int gup_flags, struct page **pages);

/*
 * The fast path: the address space this CPU runs in (current_mm()),
 * walked with interrupts off and no lock; whatever it cannot do it hands
 * to get_user_pages() for the rest of the range.
 */
long get_user_pages_fast(unsigned long start, unsigned long nr_pages,
			 unsigned int gup_flags, struct page **pages);

/*
 * Only the lockless walk (no fallback): the number of pages it pinned
 * from start on, 0 if it stopped at the first. For tests and benchmarks
 * that must see what the fast path alone does; interrupts are turned off
 * inside.
 */
unsigned long gup_fast_only(unsigned long start, unsigned long nr_pages,
			    unsigned int gup_flags, struct page **pages);

/*
 * What the lockless walk has undone since boot, summed over the CPUs
 * (each CPU counts its own; diagnostics for tests and `meminfo`-like
 * reports): 2 MiB leaves whose PMD changed after their subpage
 * references were taken (all of them put back: docs/lifetimes.md, scenario 6).
 */
unsigned long gup_fast_pmd_undone(void);

/*
 * A test's window into that race (kernel tests only, NULL otherwise):
 * called by the walk, interrupts off, after the subpage references of a
 * 2 MiB leaf are taken and before its PMD is read again, with the slot
 * and the value the walk read. A test changes the PMD here to make the
 * undo happen on demand instead of by chance.
 */
extern void (*gup_fast_pmd_window)(void *slot, unsigned long long pmd);

/* Release n pages pinned by either path (put_page each). */
void unpin_user_pages(struct page **pages, unsigned long n);

/* The same, under the name of the FOLL_GET convention. */
static inline void put_user_pages(struct page **pages, unsigned long n)
{
	unpin_user_pages(pages, n);
}

#endif /* MM_GUP_H */
