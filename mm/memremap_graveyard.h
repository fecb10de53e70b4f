/*
 * The graveyard: the memmaps of torn-down device ranges, remembered so
 * that a late access to one is recognised by its address, whatever the
 * memory under it holds.
 *
 * A late access is a get or put of a device page after its teardown
 * removed the page's struct page: a pin that outlived the unbind. The
 * fixed teardown cannot produce one (it removes the memmap only once no
 * page is referenced); the teaching modes (mm/memremap_modes.h) do, and
 * must be caught every time, not when the freed memory happens to still
 * look like poison.
 *
 * Life of a grave (one per memmap section; GRAVES of them, reused oldest
 * first):
 *
 *   filling      memremap_bury() claims a slot, takes the section's memmap
 *                away from the lookups (sparse_take_section) and biases each
 *                page's refcount by GRAVE_REF_BIAS, atomically, so that the
 *                count still counts (held references + bias) but sits far
 *                below zero: every later put_page() or get_page() of it
 *                leaves the inline fast path (mm/page_ref.h) and lands in
 *                memremap_late_put() / memremap_late_get(), which find the
 *                grave by the page's address (a speculative
 *                get_page_unless_zero() is refused there too). The
 *                references the pages held at that moment are the grave's
 *                `outstanding` count.
 *   kept         outstanding > 0: pins outlived the removal (quarantine).
 *                The memmap stays where it is (RAM not handed back to the
 *                allocator, an altmap memmap still mapped and its device
 *                pages refused to a new pgmap), so the late puts find their
 *                counts intact. Each late put is reported; the one that
 *                takes a page's count to zero drops that page's pgmap
 *                reference if the teardown still waits for it
 *                (memremap.teardown=v4.12).
 *   releasing    outstanding == 0 (at burial, the normal case, or after the
 *                last late put, at the next reap: memremap_bury(),
 *                memremap_pages(), `pgmap`, all in process context):
 *                found by no lookup; after a grace period where puts may
 *                race, the memmap is poisoned and freed (memmap_release; an
 *                altmap memmap unmapped).
 *   gone         the grave keeps its addresses, for the fault report
 *                (memremap_explain_address()), until its slot is reused.
 *                A filling, kept or releasing grave is never reused.
 *
 * Locking: graveyard_lock (a spinlock taken with interrupts off: the late
 * paths may run inside fast GUP's walk) guards the graves' fields. The
 * page counts are atomics.
 */
#ifndef MM_MEMREMAP_GRAVEYARD_H
#define MM_MEMREMAP_GRAVEYARD_H

#include <lib/compiler.h>
#include <mm/memmap.h>
#include <mm/vmap.h>

struct dev_pagemap;
struct page;

#define GRAVES		32
/* Added to a buried page's count: held references + bias < 0 always. */
#define GRAVE_REF_BIAS	(-(1 << 30))

/*
 * Remove the memmap of [pfn, pfn + nr) of pgmap (one section's piece;
 * pgmap->altmap if the pgmap has one) into a grave, as described above.
 * Process context. Flags:
 *   GRAVE_WAITING       the teardown will wait for the pgmap's count after
 *                       this (v4.12 order), so the late put that frees a
 *                       page drops the page's pgmap reference;
 *   GRAVE_RACING        puts may be running on other CPUs right now (the
 *                       teaching modes, whose puts are RCU read-side
 *                       sections, mm/page_ref.h): the memmap is freed only
 *                       after a grace period;
 *   GRAVE_DEVICE_HOLDS  each device page still holds its device's own
 *                       reference (the hooked modes have no put loop):
 *                       it is no one's to put, so it is not counted.
 * If every grave is quarantined, or the section cannot be taken, the
 * memmap is left where it is, published and intact (reported with
 * pr_err): its pages stay reachable and their puts ordinary, and the
 * range cannot get a new memmap (-EEXIST) until a reboot.
 */
#define GRAVE_WAITING		0x1
#define GRAVE_RACING		0x2
#define GRAVE_DEVICE_HOLDS	0x4

/* What a burial did with the memmap of one piece. */
struct burial {
	long held;		/* page references held at burial */
	struct page *memmap;	/* the piece's memmap */
	uint64_t bytes;		/* its size as allocated */
	bool keep_mapped;	/* an altmap memmap someone may still use:
				 * the caller must not unmap it (the grave
				 * does, once drained) */
};
void memremap_bury(struct dev_pagemap *pgmap, unsigned long pfn, unsigned long nr,
		   unsigned int flags, struct burial *b);
/*
 * A test's window (NULL otherwise): called by memremap_bury() with the
 * section's memmap taken from the lookups and its counts not yet biased,
 * in the teardown's context. A put made from another CPU meanwhile is an
 * ordinary one on a memmap that is already being buried.
 */
extern void (*memremap_bury_window)(const struct page *memmap, unsigned long nr);

/* Stop dropping pgmap references for pgmap's graves (its wait is over). */
void memremap_graves_stop_waiting(struct dev_pagemap *pgmap);

/*
 * From put_page() that took a count below zero (`now` is the new count):
 * if page is in a kept grave with a biased count, account and report the
 * late put, and return true; else false (an ordinary put without a get).
 */
bool memremap_late_put(struct page *page, int now, unsigned long caller);
/* From a get of a biased count (get_page() after its undo, or the
 * refused get_page_unless_zero()): report it if the page is buried. */
bool memremap_late_get(const struct page *page, unsigned long caller);

/*
 * Free the memmaps of drained graves. Process context. Callers: burial,
 * setup of a new pgmap, and tests that check memory is back.
 */
void memremap_graveyard_reap(void);
/*
 * Does [start, end] (physical, inclusive) hold the device pages of an
 * altmap memmap a grave still keeps (late puts use its struct pages)?
 * *held: the references outstanding on such memmaps (0: being freed).
 */
bool memremap_graveyard_busy(phys_addr_t start, phys_addr_t end, long *held);

struct graveyard_stats {
	unsigned int quarantined;	/* graves with references outstanding */
	long outstanding;		/* page references held over all of them */
	uint64_t bytes;			/* memmap bytes they keep */
};
void memremap_graveyard_stats(struct graveyard_stats *st);

/*
 * For the kernel's fault report (registered as a fault explainer,
 * kernel/fault_explain.h): if addr lies in the memmap or the mapping of a
 * torn-down pgmap, print which pfn of which device it was and return
 * true. Any context; takes no lock.
 */
bool memremap_explain_address(unsigned long addr);

/* Late gets and puts recognised since boot. */
extern unsigned long memremap_late_accesses;

#endif /* MM_MEMREMAP_GRAVEYARD_H */
