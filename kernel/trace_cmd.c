/*
 * The shell's `trace` (docs/tracing.md):
 *   trace                 what records, and what each CPU's ring holds
 *   trace list            every event, its arguments, on or off
 *   trace on [GLOBS]      start recording these events (default all);
 *                         each live pgmap's count is recorded at once
 *                         (pgmap_count), so a timeline can start there
 *   trace off [GLOBS]     stop recording them (default all)
 *   trace clear           forget what the rings hold
 *   trace dump [GLOBS]    print what they hold (default all), oldest first;
 *                         ^C stops it between two lines (at 115200 baud a
 *                         full ring of 16384 entries takes minutes)
 */
#include <kernel/shell.h>
#include <kernel/smp.h>
#include <lib/errno.h>
#include <lib/printk.h>
#include <lib/string.h>
#include <lib/trace.h>
#include <lib/trace_dump.h>
#include <mm/memremap.h>

static int trace_status(void)
{
	uint64_t mask = __atomic_load_n(&trace_mask, __ATOMIC_RELAXED);
	unsigned int cpu;

	kprintf("recording: %d of %d events%s\n", trace_mask_weight(mask), TRACE_NR_EVENTS,
		mask ? " ('trace list' names them)" : "");
	kprintf("CPU  ENTRIES  HELD  WRITTEN\n");
	for_each_online_cpu(cpu) {
		struct trace_ring *r = &trace_rings[cpu];
		uint64_t head = __atomic_load_n(&r->head, __ATOMIC_RELAXED);
		uint64_t held = head - __atomic_load_n(&r->start, __ATOMIC_RELAXED);

		if (held > r->size)
			held = r->size;
		kprintf("%3u  %7u  %4llu  %7llu\n", cpu, r->size, (unsigned long long)held,
			(unsigned long long)head);
	}
	return 0;
}

/* Can `trace on` record? Says which CPUs have no ring (their allocation
 * failed at boot: the boot log says why). */
static bool rings_ready(void)
{
	unsigned int cpu, missing = 0, first = 0;

	for_each_online_cpu(cpu)
		if (!trace_rings[cpu].buf && !missing++)
			first = cpu;
	if (missing == num_online_cpus()) {
		kprintf("trace: no CPU has a ring to record into (see the boot log)\n");
		return false;
	}
	if (missing)
		kprintf("trace: %u CPU(s) have no ring and record nothing (the first: CPU %u)\n",
			missing, first);
	return true;
}

static int trace_list(void)
{
	uint64_t mask = __atomic_load_n(&trace_mask, __ATOMIC_RELAXED);

	for (unsigned int id = 0; id < TRACE_NR_EVENTS; id++)
		kprintf("%-3s %-13s %s\n", mask & (1ULL << id) ? "on" : "off",
			trace_event_name(id), trace_event_format(id));
	kprintf("%d events\n", TRACE_NR_EVENTS);
	return 0;
}

static void dump_line(const char *line, void *arg)
{
	kprintf("%s", line);		/* one console write: nothing lands inside it */
}

/* The subcommands: what the parser takes and what `help trace` describes. */
enum { TRACE_LIST, TRACE_ON, TRACE_OFF, TRACE_CLEAR, TRACE_DUMP };
static const struct shell_keyword trace_keywords[] = {
	[TRACE_LIST] = SHELL_WORD("list"),
	[TRACE_ON] = SHELL_WORD("on"),
	[TRACE_OFF] = SHELL_WORD("off"),
	[TRACE_CLEAR] = SHELL_WORD("clear"),
	[TRACE_DUMP] = SHELL_WORD("dump"),
	{}
};

static int trace_dump_cmd(uint64_t mask)
{
	struct trace_dump_stats st;
	/* ^C between two lines: a full ring takes minutes at 115200 baud */
	int d = trace_dump(mask, dump_line, NULL, shell_interrupted, &st);

	if (d < 0) {
		kprintf("trace: another dump is running\n");
		return 1;
	}
	if (st.stopped) {
		kprintf("trace dump: stopped by Ctrl-C: %llu events printed, %llu of the rings' "
			"%llu entries read; the rest not printed\n", (unsigned long long)st.events,
			(unsigned long long)(st.held - st.unread), (unsigned long long)st.held);
		return SHELL_INTERRUPTED;
	}
	kprintf("trace: dump %d: %llu event(s), %llu overwritten, %llu skipped\n", d,
		(unsigned long long)st.events, (unsigned long long)st.overwritten,
		(unsigned long long)st.skipped);
	return 0;
}

static int cmd_trace(int argc, char **argv)
{
	const char *globs = argc > 2 ? argv[2] : "*";
	int sub = argc > 1 ? shell_keyword(trace_keywords, NULL, argv[1]) : -1;
	char known[48];
	uint64_t mask;
	int n;

	if (argc == 1)
		return trace_status();
	if (argc > 3)
		return shell_usage_error(argv, "too many arguments (several patterns: a,b,c)");
	if (sub < 0)
		return shell_usage_error(argv, "unknown subcommand '%s' (%s)", argv[1],
					 shell_keyword_list(trace_keywords, NULL, known,
							    sizeof(known)));
	if (sub == TRACE_LIST || sub == TRACE_CLEAR) {
		if (argc > 2)
			return shell_usage_error(argv, "%s takes no pattern", argv[1]);
		if (sub == TRACE_LIST)
			return trace_list();
		trace_clear();
		kprintf("trace: cleared\n");
		return 0;
	}
	n = trace_mask_of(globs, &mask);
	if (n < 0)
		return shell_usage_error(argv, "'%s' matches no event ('trace list' names them)",
					 globs);
	if (sub == TRACE_DUMP)
		return trace_dump_cmd(mask);
	if (sub == TRACE_ON && !rings_ready())
		return 1;
	trace_set(globs, sub == TRACE_ON);
	if (sub == TRACE_ON)
		memremap_trace_counts();
	kprintf("trace: %d event(s) %s\n", n, sub == TRACE_ON ? "on" : "off");
	return 0;
}
SHELL_COMMAND_KEYWORDS(trace, "[list | on [GLOBS] | off [GLOBS] | clear | dump [GLOBS]]",
	      "record lifetime events and print them (docs/tracing.md)",
	      "(nothing): how many events record, and what each CPU's ring holds\n"
	      "list: every event, its arguments, on or off\n"
	      "on [GLOBS]: start recording these events (default all); each live pgmap's count\n"
	      "      is recorded at once, so a timeline can start there\n"
	      "off [GLOBS]: stop recording them (default all)\n"
	      "clear: forget what the rings hold\n"
	      "dump [GLOBS]: print what the rings hold of these events, oldest first, one\n"
	      "      checksummed line each (scripts/timeline.py reads them); Ctrl-C stops it\n"
	      "      between two lines (its end line then says stopped=, the entries unread)\n"
	      "GLOBS: comma-separated shell patterns over event names (default *), e.g.\n"
	      "      'page_*,pgmap_*' ('trace list' names them)\n"
	      "examples: trace on; trace on 'pgmap_*,pin'; trace dump; trace off\n", cmd_trace,
	      trace_keywords);
