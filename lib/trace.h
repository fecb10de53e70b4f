/*
 * Lifetime tracing: what happened to the objects zdk teaches, on which
 * CPU, when, with the values that matter (docs/tracing.md).
 *
 * A trace point is trace_event(ID, a, b, c) (trace_event5() for up to
 * five arguments), with ID one of the events of
 * lib/trace_events.h. While the event is off (the default) it costs one
 * load of trace_mask and one predictable branch; while it is on, the
 * record goes into the ring of the CPU that wrote it.
 *
 * Life of the rings:
 *   setup          kernel/trace_setup.c gives each CPU a ring of
 *                  trace.size=N entries (trace_attach()) and turns on the
 *                  events trace=GLOBS names; a CPU without a ring records
 *                  nothing (trace_event() is harmless before setup);
 *   recording      a writer reserves the next slot of its CPU's ring with
 *                  one atomic increment of head (so the rare writer that
 *                  migrated, or an interrupt, is still safe), fills it,
 *                  and publishes it by storing its sequence number last;
 *                  a full ring overwrites its oldest entries;
 *   reading        trace_read() copies an entry and checks its sequence
 *                  number before and after: an entry being rewritten is
 *                  skipped and counted, never shown half-written;
 *   clear          trace_clear() moves each ring's start to its head;
 *                  nothing is freed: the rings live as long as the kernel.
 *
 * Shell: `trace on|off|clear|dump [GLOBS]` (kernel/trace_cmd.c); gdb:
 * zdk-trace (scripts/gdb/zdk.py) reads the same rings.
 */
#ifndef LIB_TRACE_H
#define LIB_TRACE_H

#include <stdint.h>
#include <stddef.h>
#include <lib/compiler.h>
#include <lib/trace_events.h>

enum trace_id {
#define TRACE_ID(name, fmt) TRACE_##name,
	TRACE_EVENTS(TRACE_ID)
#undef TRACE_ID
	TRACE_NR_EVENTS
};

enum trace_phase {
#define TRACE_PHASE_ID(name) TRACE_PHASE_##name,
	TRACE_PHASES(TRACE_PHASE_ID)
#undef TRACE_PHASE_ID
	TRACE_NR_PHASES
};

_Static_assert(TRACE_NR_EVENTS <= 64, "one bit per event in trace_mask");

/* One record: a cache line, so writers on two CPUs never share one. */
struct trace_entry {
	uint64_t seq;		/* index + 1 once published; 0 while written (atomic) */
	uint64_t ts;		/* arch_cycles() at the event (atomic, as below) */
	uint16_t id;		/* enum trace_id */
	uint16_t cpu;		/* the CPU that wrote it */
	uint32_t pad;
	uint64_t arg[5];	/* as lib/trace_events.h names them */
} __attribute__((aligned(64)));

_Static_assert(sizeof(struct trace_entry) == 64, "a trace entry is one cache line");

/* One CPU's ring: written by that CPU (and rarely another), read by anyone. */
struct trace_ring {
	uint64_t head;		/* slots reserved so far (atomic increment) */
	uint64_t start;		/* first index to read: moved by trace_clear() (atomic) */
	struct trace_entry *buf;/* immutable after trace_init(); NULL: no ring */
	uint32_t size;		/* entries, a power of two (immutable) */
} __attribute__((aligned(64)));

/* Which events record: bit ID set (atomic, relaxed: a late or early
 * record around `trace on` is harmless). */
extern uint64_t trace_mask;
/* NR_CPUS rings (lib/trace.c), for the dump and for gdb. */
extern struct trace_ring trace_rings[];

void __trace_event(enum trace_id id, uint64_t a, uint64_t b, uint64_t c, uint64_t d,
		   uint64_t e);

#define TRACE_BIT(name)	(1ULL << TRACE_##name)

/* Is any of the events of bits (TRACE_BIT()s) on? */
#ifndef ZDK_NO_TRACE
static inline __attribute__((always_inline)) bool trace_on_any(uint64_t bits)
{
	return unlikely(__atomic_load_n(&trace_mask, __ATOMIC_RELAXED) & bits);
}
#else
/* A build without tracing (make TRACE=n): every trace point compiles away. */
static inline __attribute__((always_inline)) bool trace_on_any(uint64_t bits)
{
	return false;
}
#endif

static inline __attribute__((always_inline)) bool trace_on(enum trace_id id)
{
	return trace_on_any(1ULL << id);
}

#define trace_event5(id, a, b, c, d, e) do {				\
	if (trace_on(TRACE_##id))					\
		__trace_event(TRACE_##id, (uint64_t)(a), (uint64_t)(b),	\
			      (uint64_t)(c), (uint64_t)(d), (uint64_t)(e));	\
} while (0)
#define trace_event(id, a, b, c)	trace_event5(id, a, b, c, 0, 0)

/* Up to 8 characters of s as one argument (kind 's'). */
uint64_t trace_pack_name(const char *s);

/* Give cpu its ring: buf of size entries (a power of two), zeroed,
 * never freed. Before any event is on. */
void trace_attach(unsigned int cpu, struct trace_entry *buf, uint32_t size);
/* Turn on (on = true) or off the events matching globs (comma-separated
 * shell patterns, "*": all); how many matched, or -EINVAL if a pattern
 * matched none (then nothing changes). */
int trace_set(const char *globs, bool on);
/* How many events a mask names. */
int trace_mask_weight(uint64_t mask);
/* The events globs names as a mask: how many, or -EINVAL as above. */
int trace_mask_of(const char *globs, uint64_t *mask);
/* Forget what the rings hold. */
void trace_clear(void);
/* The name of event id, of a phase; its argument format. */
const char *trace_event_name(unsigned int id);
const char *trace_event_format(unsigned int id);
const char *trace_phase_name(unsigned int phase);

/*
 * Copy entry index of cpu's ring into *e if it is still there and whole:
 * 0; -ENOENT: not written yet, or overwritten before the copy; -EAGAIN:
 * its slot is being written (this entry still, or a newer one: compare
 * index with the head to tell); -EBUSY: overwritten while it was copied.
 */
int trace_read(unsigned int cpu, uint64_t index, struct trace_entry *e);
/* Tests only: called between trace_read()'s copy and its re-check. */
extern void (*trace_read_window)(void);

#endif /* LIB_TRACE_H */
