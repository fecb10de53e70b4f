/*
 * `trace dump`: every CPU's ring, merged by time, one line per event on
 * the console, in the format docs/tracing.md specifies:
 *
 *   @trace d=3 begin cpus=2 rings=2 size=16384 recording=24 ~...
 *   @trace d=3 n=0 cpu=1 t=1234567890 page_put pfn=0x140000 ref=1 ~5d1c0a3e
 *   @trace d=3 end events=812 overwritten=0 skipped=0 ~0b9a77c2
 *
 * A dump stopped early (the shell's Ctrl-C, between two event lines) ends
 * with the same end line and " stopped=N", N the entries it left unread:
 * a reader takes it for what it is, incomplete.
 *
 * Each line is one console write, starts with "@trace " and ends with
 * " ~" and the CRC-32 of what precedes the " ~": a reader (scripts/
 * timeline.py) finds the lines among any other output, drops a damaged
 * one and knows from n= and the end line's count whether one is missing.
 * t= is nanoseconds of the CPU clock (arch_boot_tsc_ns()).
 *
 * The dump reads what the rings hold when it starts; recording goes on
 * meanwhile. An entry overwritten before it is printed counts as
 * overwritten, one being written as skipped: neither is printed.
 */
#include <asm/percpu.h>
#include <asm/platform.h>
#include <lib/crc32.h>
#include <lib/errno.h>
#include <lib/string.h>
#include <lib/trace.h>
#include <lib/trace_dump.h>
#include <lib/vsprintf.h>

#define LINE_MAX	TRACE_LINE_MAX
#define ROOM		12	/* for " ~CRC\n" */

/* One CPU's place in the merge (only the dump in progress uses these). */
struct cursor {
	uint64_t next, end;	/* indexes still to read: [next, end) */
	bool have;		/* e holds the next entry to print */
	struct trace_entry e;
};

static struct cursor cursors[NR_CPUS];
static int dumping;		/* one dump at a time (atomic) */
static unsigned int dumps;	/* the d= of the last dump (under dumping) */

/* Close the line: " ~CRC\n" after its len bytes; the whole length. */
static size_t seal(char *line, size_t len)
{
	uint32_t crc = crc32(0, line, len);

	return len + scnprintf(line + len, LINE_MAX - len, " ~%08x\n", crc);
}

/* Print one line: the text so far, then " ~CRC". */
static void emit(char *line, size_t len, void (*out)(const char *line, void *arg), void *arg)
{
	seal(line, len);
	out(line, arg);
}

/* Append " NAME=VALUE" for each argument of e, as its format says. */
static size_t format_args(char *line, size_t len, const struct trace_entry *e)
{
	const char *f = trace_event_format(e->id);

	for (int i = 0; i < 5 && *f; i++) {
		const char *colon = strchr(f, ':');
		int name_len = (int)(colon - f);
		uint64_t v = e->arg[i];
		char text[12] = "";

		switch (colon[1]) {
		case 'x':
			len += scnprintf(line + len, LINE_MAX - ROOM - len, " %.*s=%#llx", name_len, f,
					(unsigned long long)v);
			break;
		case 'd':
			len += scnprintf(line + len, LINE_MAX - ROOM - len, " %.*s=%lld", name_len, f,
					(long long)v);
			break;
		case 'u':
			len += scnprintf(line + len, LINE_MAX - ROOM - len, " %.*s=%llu", name_len, f,
					(unsigned long long)v);
			break;
		case 's':
			for (int c = 0; c < 8 && (v >> (8 * c)) & 0xff; c++) {
				char ch = (char)((v >> (8 * c)) & 0xff);

				text[c] = ch > ' ' && ch < 127 ? ch : '?';
			}
			len += scnprintf(line + len, LINE_MAX - ROOM - len, " %.*s=%s", name_len, f,
					text[0] ? text : "-");
			break;
		case 'p':
			len += scnprintf(line + len, LINE_MAX - ROOM - len, " %.*s=%s", name_len, f,
					trace_phase_name((unsigned int)v));
			break;
		}
		f = colon + 2;
		while (*f == ' ')
			f++;
	}
	return len;
}

/*
 * Fill c->e with the next readable entry of cpu; counts what it skips: an
 * entry whose slot a newer lap has taken is overwritten (gone for good),
 * one still being written for the first time is skipped.
 */
static void advance(unsigned int cpu, struct cursor *c, struct trace_dump_stats *st)
{
	struct trace_ring *r = &trace_rings[cpu];

	c->have = false;
	while (c->next < c->end) {
		uint64_t index = c->next++;
		int err = trace_read(cpu, index, &c->e);

		if (!err) {
			c->have = true;
			return;
		}
		if (err == -EAGAIN &&
		    __atomic_load_n(&r->head, __ATOMIC_RELAXED) - index <= r->size)
			st->skipped++;
		else
			st->overwritten++;
	}
}


size_t trace_format_event(char line[TRACE_LINE_MAX], unsigned int d, uint64_t n,
			  const struct trace_entry *e)
{
	size_t len = scnprintf(line, LINE_MAX - ROOM, "@trace d=%u n=%llu cpu=%u t=%llu %s", d,
			       (unsigned long long)n, e->cpu,
			       (unsigned long long)arch_boot_tsc_ns(e->ts), trace_event_name(e->id));

	return seal(line, format_args(line, len, e));
}

/* Entries not read yet: the cursors' ranges and the entries they hold. */
static uint64_t unread(unsigned int cpus)
{
	uint64_t n = 0;

	for (unsigned int cpu = 0; cpu < cpus; cpu++)
		n += cursors[cpu].end - cursors[cpu].next + cursors[cpu].have;
	return n;
}

int trace_dump(uint64_t mask, void (*out)(const char *line, void *arg), void *arg,
	       bool (*stop)(void), struct trace_dump_stats *st)
{
	char line[LINE_MAX];
	unsigned int d, rings = 0, cpus = nr_cpu_ids < NR_CPUS ? nr_cpu_ids : NR_CPUS;
	uint32_t size = 0;
	size_t len;

	if (__atomic_exchange_n(&dumping, 1, __ATOMIC_ACQUIRE))
		return -EBUSY;
	memset(st, 0, sizeof(*st));
	d = ++dumps;
	for (unsigned int cpu = 0; cpu < cpus; cpu++) {
		struct trace_ring *r = &trace_rings[cpu];
		/* start first: a clear between the loads cannot then put
		 * start past the head read next */
		uint64_t start = __atomic_load_n(&r->start, __ATOMIC_RELAXED);
		uint64_t head = __atomic_load_n(&r->head, __ATOMIC_RELAXED);

		size = r->size > size ? r->size : size;
		rings += r->buf != NULL;
		cursors[cpu].next = start;
		cursors[cpu].end = head;
		if (r->size && head - start > r->size) {
			st->overwritten += head - start - r->size;
			cursors[cpu].next = head - r->size;
		}
		st->held += head - cursors[cpu].next;
		advance(cpu, &cursors[cpu], st);
	}
	len = scnprintf(line, LINE_MAX - ROOM, "@trace d=%u begin cpus=%u rings=%u size=%u "
			"recording=%d", d, cpus, rings, size,
			trace_mask_weight(__atomic_load_n(&trace_mask, __ATOMIC_RELAXED)));
	emit(line, len, out, arg);
	for (;;) {
		struct cursor *first = NULL;
		unsigned int cpu_first = 0;

		for (unsigned int cpu = 0; cpu < cpus; cpu++)
			if (cursors[cpu].have && (!first || cursors[cpu].e.ts < first->e.ts)) {
				first = &cursors[cpu];
				cpu_first = cpu;
			}
		if (!first)
			break;
		if (mask & (1ULL << first->e.id)) {
			/* between two lines, never before the first: a stopped
			 * dump still shows where the rings start */
			if (st->events && stop && stop()) {
				st->stopped = true;
				st->unread = unread(cpus);
				break;
			}
			trace_format_event(line, d, st->events, &first->e);
			out(line, arg);
			st->events++;
		}
		advance(cpu_first, first, st);
	}
	len = scnprintf(line, LINE_MAX - ROOM, "@trace d=%u end events=%llu overwritten=%llu skipped=%llu",
		       d, (unsigned long long)st->events, (unsigned long long)st->overwritten,
		       (unsigned long long)st->skipped);
	if (st->stopped)
		len += scnprintf(line + len, LINE_MAX - ROOM - len, " stopped=%llu",
				 (unsigned long long)st->unread);
	emit(line, len, out, arg);
	__atomic_store_n(&dumping, 0, __ATOMIC_RELEASE);
	return (int)d;
}
