/*
 * The lifetime trace events: one line each, name and arguments.
 *
 * TRACE_EVENTS(E) expands E(name, "arg:kind ...") for every event, in
 * the order of their ids (enum trace_id, lib/trace.h). An event has up to
 * five arguments; each is named, with a kind that says how `trace dump`
 * prints it (docs/tracing.md):
 *   x  hexadecimal (pfns, addresses)     d  signed decimal (counts)
 *   u  unsigned decimal                  s  up to 8 characters packed
 *                                           into the value (a device name)
 *   p  a teardown phase, by name (enum trace_phase)
 * The ids are a bit each in the 64-bit mask of enabled events: at most 64.
 */
#ifndef LIB_TRACE_EVENTS_H
#define LIB_TRACE_EVENTS_H

#define TRACE_EVENTS(E)							\
	/* device pages: a reference taken or dropped (ref: the count	\
	 * after); page_free is the final put that gives the page's	\
	 * pgmap reference back */					\
	E(page_get,	"pfn:x ref:d")					\
	E(page_put,	"pfn:x ref:d")					\
	E(page_free,	"pfn:x pgmap:x")				\
	/* a pgmap's reference count: setup (ref: its percpu_ref, count:	\
	 * its value after setup, pages: its device pages, each at	\
	 * refcount 1, name: the device), get and put of nr references,	\
	 * a reading (exact at the wait's start and when the wait gives	\
	 * up; a snapshot at `trace on`) */				\
	E(pgmap_setup,	"pgmap:x ref:x count:d pages:d name:s")		\
	E(pgmap_get,	"pgmap:x nr:d")					\
	E(pgmap_put,	"pgmap:x nr:d")					\
	E(pgmap_count,	"pgmap:x count:d name:s")			\
	/* percpu_ref mode switches and the end of its life */		\
	E(ref_kill,	"ref:x")					\
	E(ref_atomic,	"ref:x")					\
	E(ref_confirm,	"ref:x count:d")				\
	E(ref_percpu,	"ref:x")					\
	E(ref_release,	"ref:x")					\
	/* GUP: a pin (fast or slow: nr asked, got: pinned or -errno),	\
	 * a page a walk took and gave back, an unpin */		\
	E(gup_fast,	"addr:x nr:d got:d")				\
	E(gup_slow,	"addr:x nr:d got:d")				\
	E(gup_undo,	"pfn:x addr:x nr:d")				\
	E(unpin,	"pfn:x nr:d")					\
	/* DAX: a fault answered (ret: the leaf's order, 0 or 9, with	\
	 * its pfn; or -errno), a mapping's leaves zapped at unbind */	\
	E(dax_fault,	"addr:x pfn:x ret:d")				\
	E(dax_zap,	"map:x bytes:x")				\
	/* the teardown of a pgmap, phase by phase (value: the phase's	\
	 * number: the count at the kill, pages waited for...) */	\
	E(teardown,	"phase:p pgmap:x value:d")			\
	/* a pmem queue: a request enters or leaves, a freeze changes */ \
	E(queue_enter,	"queue:x ret:d")				\
	E(queue_exit,	"queue:x")					\
	E(queue_freeze,	"queue:x frozen:d")				\
	/* something went wrong: a WARN (at: its caller), a late access	\
	 * to a device page whose memmap was removed (put: 1, get: 0) */ \
	E(warn,		"at:x line:d")						\
	E(late_access,	"pfn:x put:d")

/* The teardown's phases (memunmap_pages(), mm/memremap_teardown.c). */
#define TRACE_PHASES(P)							\
	P(begin) P(unmap) P(kill) P(puts) P(wait_begin) P(wait_end)	\
	P(remove) P(rcu) P(end)

#endif /* LIB_TRACE_EVENTS_H */
