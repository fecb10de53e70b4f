/*
 * The trace rings' setup at boot: trace.size=N entries per CPU (rounded
 * up to a power of two; default TRACE_DEFAULT_ENTRIES), one ring per CPU
 * that is up, a block of the page allocator, never freed; then the events trace=GLOBS names are
 * turned on, before the first device binds, so a bind is traced from
 * its pgmap's birth (docs/tracing.md).
 */
#include <kernel/smp.h>
#include <kernel/trace_setup.h>
#include <lib/boot_param.h>
#include <lib/cmdline.h>
#include <lib/errno.h>
#include <lib/printk.h>
#include <lib/trace.h>
#include <lib/string.h>
#include <mm/memmap.h>
#include <mm/page_alloc.h>

#define TRACE_DEFAULT_ENTRIES	16384		/* 1 MiB per CPU */
#define TRACE_MIN_ENTRIES	64		/* one page */
#define TRACE_MAX_ENTRIES	(PAGE_SIZE / sizeof(struct trace_entry) << (MAX_ORDER - 1))

BOOT_PARAM(trace, "trace", "GLOBS (default none)",
	   "record these trace events from boot (comma-separated; `trace` in the shell)");
BOOT_PARAM(trace_size, "trace.size", "64..65536 (default 16384)",
	   "trace ring entries per CPU (64 bytes each), rounded up to a power of two");

/* The order of the block that holds entries (a power of two) of them. */
static unsigned int ring_order(unsigned long entries)
{
	unsigned int order = 0;

	while ((PAGE_SIZE << order) < entries * sizeof(struct trace_entry))
		order++;
	return order;
}

void trace_setup(const struct cmdline *cl)
{
	unsigned long entries = TRACE_DEFAULT_ENTRIES;
	const char *v = cmdline_get(cl, "trace.size");
	const char *globs = cmdline_get(cl, "trace");
	unsigned int cpu, rings = 0;

	if (v && (parse_ulong(v, &entries) < 0 || entries < TRACE_MIN_ENTRIES ||
		  entries > TRACE_MAX_ENTRIES)) {
		pr_err("trace: trace.size=%s: expected %u..%lu entries per CPU; using %u", v,
		       TRACE_MIN_ENTRIES, TRACE_MAX_ENTRIES, TRACE_DEFAULT_ENTRIES);
		entries = TRACE_DEFAULT_ENTRIES;
	}
	entries = PAGE_SIZE / sizeof(struct trace_entry) << ring_order(entries);
	for_each_online_cpu(cpu) {
		struct page *page = alloc_pages(ring_order(entries));
		struct trace_entry *buf = page ? page_address(page) : NULL;

		if (buf)
			memset(buf, 0, entries * sizeof(*buf));
		else {
			pr_err("trace: no memory for CPU %u's ring (%lu entries, %lu KiB): "
			       "it records nothing", cpu, entries,
			       (unsigned long)(entries * sizeof(*buf) / 1024));
			continue;
		}
		trace_attach(cpu, buf, (uint32_t)entries);
		rings++;
	}
	if (globs && trace_set(globs, true) < 0)
		pr_err("trace: trace=%s: a pattern matches no event ('trace list' names them)",
		       globs);
	else if (globs)
		pr_info("trace: recording %s on %u CPU(s), %lu entries each", globs, rings,
			entries);
}
