/*
 * lib.trace: the rings record what is on and nothing else, overwrite
 * their oldest entries when full, never hand a reader a half-written
 * entry, and the dump's lines are exactly docs/tracing.md's format.
 *
 * Each case lends the rings small buffers of its own and gives the real
 * ones back at the end (tracing_borrow / tracing_return). A case skips if
 * tracing is on (trace= or `trace on`): it would mix its events with the
 * user's.
 */
#include <asm/percpu.h>
#include <lib/crc32.h>
#include <lib/errno.h>
#include <lib/ktest.h>
#include <lib/string.h>
#include <lib/trace.h>
#include <lib/trace_dump.h>
#include <lib/vsprintf.h>
#include <lib/tests/other_cpu.h>

#define TEST_ENTRIES	64

static struct trace_entry test_buf[2][TEST_ENTRIES];
static struct trace_ring saved[2];

/* Two CPUs' rings replaced by empty test buffers (cpu and other). */
static void tracing_borrow(struct ktest *t, unsigned int cpu, unsigned int other)
{
	if (__atomic_load_n(&trace_mask, __ATOMIC_RELAXED))
		ktest_skip(t, "tracing is on: these cases would mix their events with it");
	saved[0] = trace_rings[cpu];
	saved[1] = trace_rings[other];
	memset(test_buf, 0, sizeof(test_buf));
	memset(&trace_rings[cpu], 0, sizeof(trace_rings[cpu]));
	memset(&trace_rings[other], 0, sizeof(trace_rings[other]));
	trace_attach(cpu, test_buf[0], TEST_ENTRIES);
	if (other != cpu)
		trace_attach(other, test_buf[1], TEST_ENTRIES);
}

static void tracing_return(unsigned int cpu, unsigned int other)
{
	__atomic_store_n(&trace_mask, 0, __ATOMIC_RELAXED);
	trace_rings[other] = saved[1];
	trace_rings[cpu] = saved[0];
}

static void off_records_nothing(struct ktest *t)
{
	unsigned int cpu = smp_processor_id();

	tracing_borrow(t, cpu, cpu);
	trace_event(pgmap_get, 1, 2, 3);
	EXPECT_EQ(t, trace_rings[cpu].head, 0);
	tracing_return(cpu, cpu);
}

static void on_records_fields_in_order(struct ktest *t)
{
	unsigned int cpu = smp_processor_id();
	struct trace_entry e;

	tracing_borrow(t, cpu, cpu);
	EXPECT_EQ(t, trace_set("pgmap_get", true), 1);
	for (int i = 0; i < 3; i++)
		trace_event(pgmap_get, 0x1000 + i, i, 0);
	trace_event(pgmap_put, 9, 9, 9);		/* off: not recorded */
	EXPECT_EQ(t, trace_rings[cpu].head, 3);
	for (int i = 0; i < 3; i++) {
		ASSERT_EQ(t, trace_read(cpu, i, &e), 0);
		EXPECT_EQ(t, e.seq, i + 1);
		EXPECT_EQ(t, e.id, TRACE_pgmap_get);
		EXPECT_EQ(t, e.cpu, cpu);
		EXPECT_EQ(t, e.arg[0], 0x1000 + i);
		EXPECT_EQ(t, e.arg[1], i);
	}
	EXPECT_EQ(t, trace_read(cpu, 3, &e), -ENOENT);	/* not written yet */
	tracing_return(cpu, cpu);
}

static void full_ring_overwrites_oldest(struct ktest *t)
{
	unsigned int cpu = smp_processor_id();
	struct trace_entry e;

	tracing_borrow(t, cpu, cpu);
	trace_set("unpin", true);
	for (int i = 0; i < TEST_ENTRIES + 10; i++)
		trace_event(unpin, i, 1, 0);
	EXPECT_EQ(t, trace_read(cpu, 9, &e), -ENOENT);		/* overwritten */
	ASSERT_EQ(t, trace_read(cpu, 10, &e), 0);		/* the oldest left */
	EXPECT_EQ(t, e.arg[0], 10);
	ASSERT_EQ(t, trace_read(cpu, TEST_ENTRIES + 9, &e), 0);
	EXPECT_EQ(t, e.arg[0], TEST_ENTRIES + 9);
	tracing_return(cpu, cpu);
}

static void half_written_entry_is_skipped(struct ktest *t)
{
	unsigned int cpu = smp_processor_id();
	struct trace_entry e;

	tracing_borrow(t, cpu, cpu);
	trace_set("unpin", true);
	trace_event(unpin, 1, 1, 0);
	test_buf[0][0].seq = 0;		/* as a writer leaves it mid-write */
	EXPECT_EQ(t, trace_read(cpu, 0, &e), -EAGAIN);
	tracing_return(cpu, cpu);
}

/* The window hook: the ring's writer laps the entry being copied. */
static void lap_in_window(void)
{
	trace_read_window = NULL;		/* once */
	for (int i = 0; i < TEST_ENTRIES; i++)
		trace_event(unpin, 100 + i, 1, 0);
}

static void overwritten_while_copied_is_refused(struct ktest *t)
{
	unsigned int cpu = smp_processor_id();
	struct trace_entry e;

	tracing_borrow(t, cpu, cpu);
	trace_set("unpin", true);
	trace_event(unpin, 1, 1, 0);
	trace_read_window = lap_in_window;
	EXPECT_EQ(t, trace_read(cpu, 0, &e), -EBUSY);	/* passed the first check */
	EXPECT_TRUE(t, trace_read_window == NULL);	/* the lap did happen */
	trace_read_window = NULL;
	tracing_return(cpu, cpu);
}

static void globs_pick_events(struct ktest *t)
{
	uint64_t mask;

	EXPECT_EQ(t, trace_mask_of("pgmap_*", &mask), 4);
	EXPECT_EQ(t, mask, (1ULL << TRACE_pgmap_setup) | (1ULL << TRACE_pgmap_get) |
		  (1ULL << TRACE_pgmap_put) | (1ULL << TRACE_pgmap_count));
	EXPECT_EQ(t, trace_mask_of("unpin,teardown", &mask), 2);
	EXPECT_EQ(t, trace_mask_of("*", &mask), TRACE_NR_EVENTS);
	EXPECT_EQ(t, trace_mask_of("unpin,nosuch*", &mask), -EINVAL);	/* one matches none */
	EXPECT_EQ(t, trace_mask_of("", &mask), -EINVAL);
	EXPECT_EQ(t, trace_mask_of(",,", &mask), -EINVAL);
}

static void refused_glob_changes_nothing(struct ktest *t)
{
	unsigned int cpu = smp_processor_id();

	tracing_borrow(t, cpu, cpu);
	EXPECT_EQ(t, trace_set("page_*,bogus", true), -EINVAL);
	EXPECT_EQ(t, trace_mask, 0);
	tracing_return(cpu, cpu);
}

static void clear_forgets_what_was_held(struct ktest *t)
{
	unsigned int cpu = smp_processor_id();

	tracing_borrow(t, cpu, cpu);
	trace_set("unpin", true);
	trace_event(unpin, 1, 1, 0);
	trace_clear();
	EXPECT_EQ(t, trace_rings[cpu].start, trace_rings[cpu].head);
	EXPECT_EQ(t, trace_rings[cpu].head, 1);
	tracing_return(cpu, cpu);
}

static void line_format_is_exact(struct ktest *t)
{
	char line[TRACE_LINE_MAX];
	struct trace_entry e = { .id = TRACE_page_put, .cpu = 1,
				 .arg = { 0x140000, (uint64_t)-1 } };

	/* the CRCs are zlib's crc32 of the text before " ~", from Python */
	trace_format_event(line, 7, 42, &e);
	EXPECT_STREQ(t, line, "@trace d=7 n=42 cpu=1 t=0 page_put pfn=0x140000 ref=-1 ~189b38d7\n");
	e = (struct trace_entry){ .id = TRACE_teardown, .cpu = 0,
				  .arg = { TRACE_PHASE_wait_begin, 0xffff8000deadbeefULL, 3 } };
	trace_format_event(line, 7, 43, &e);
	EXPECT_STREQ(t, line, "@trace d=7 n=43 cpu=0 t=0 teardown phase=wait_begin "
		     "pgmap=0xffff8000deadbeef value=3 ~a8c663df\n");
	e = (struct trace_entry){ .id = TRACE_pgmap_setup,
				  .arg = { 0x1000, 0x1078, 16385, 16384, trace_pack_name("pmem0") } };
	trace_format_event(line, 7, 44, &e);
	EXPECT_STREQ(t, line, "@trace d=7 n=44 cpu=0 t=0 pgmap_setup pgmap=0x1000 ref=0x1078 "
		     "count=16385 pages=16384 name=pmem0 ~18ecdeb3\n");
}

static void long_name_is_cut_at_eight(struct ktest *t)
{
	char line[TRACE_LINE_MAX];
	struct trace_entry e = { .id = TRACE_pgmap_count,
				 .arg = { 1, 2, trace_pack_name("pmem0123456") } };

	trace_format_event(line, 1, 0, &e);
	EXPECT_TRUE(t, strstr(line, " name=pmem0123 ~") != NULL);
}

/* --- the dump, stopped between two lines ------------------------------------- */

static struct trace_ring saved_all[NR_CPUS];

/* Every CPU's ring put aside, this CPU's replaced by an empty test buffer:
 * a dump then reads this case's events alone. */
static void tracing_borrow_all(struct ktest *t, unsigned int cpu)
{
	if (__atomic_load_n(&trace_mask, __ATOMIC_RELAXED))
		ktest_skip(t, "tracing is on: these cases would mix their events with it");
	memcpy(saved_all, trace_rings, sizeof(saved_all));
	memset(trace_rings, 0, sizeof(saved_all));
	memset(test_buf, 0, sizeof(test_buf));
	trace_attach(cpu, test_buf[0], TEST_ENTRIES);
}

static void tracing_return_all(void)
{
	__atomic_store_n(&trace_mask, 0, __ATOMIC_RELAXED);
	memcpy(trace_rings, saved_all, sizeof(saved_all));
}

#define DUMP_LINES_KEPT	16

static char dump_text[DUMP_LINES_KEPT][TRACE_LINE_MAX];
static unsigned int dump_lines, stop_asks;

static void keep_line(const char *line, void *arg)
{
	if (dump_lines < DUMP_LINES_KEPT)
		strlcpy(dump_text[dump_lines], line, TRACE_LINE_MAX);
	dump_lines++;
}

/* Says stop at its third ask: before the fourth event line. */
static bool stop_at_third_ask(void)
{
	return ++stop_asks >= 3;
}

static void dump_stops_between_lines(struct ktest *t)
{
	unsigned int cpu = smp_processor_id();
	struct trace_dump_stats st;
	char end[64];
	int d;

	tracing_borrow_all(t, cpu);
	trace_set("unpin", true);
	for (int i = 0; i < 10; i++)
		trace_event(unpin, i, 1, 0);
	__atomic_store_n(&trace_mask, 0, __ATOMIC_RELAXED);
	dump_lines = stop_asks = 0;
	d = trace_dump(~0ULL, keep_line, NULL, stop_at_third_ask, &st);
	/* EXPECTs only until the rings are given back */
	EXPECT_GT(t, d, 0);
	EXPECT_EQ(t, stop_asks, 3);		/* not before the first line */
	EXPECT_TRUE(t, st.stopped);
	EXPECT_EQ(t, st.held, 10);
	EXPECT_EQ(t, st.events, 3);
	EXPECT_EQ(t, st.unread, 7);
	EXPECT_EQ(t, dump_lines, 5);		/* begin, n=0..2, end */
	if (dump_lines == 5) {
		EXPECT_TRUE(t, strstr(dump_text[1], " n=0 ") && strstr(dump_text[1], " unpin "));
		EXPECT_TRUE(t, strstr(dump_text[3], " n=2 ") != NULL);
		scnprintf(end, sizeof(end),
			  "@trace d=%d end events=3 overwritten=0 skipped=0 stopped=7 ~", d);
		EXPECT_TRUE(t, !strncmp(dump_text[4], end, strlen(end)));
	}

	/* without stop() it runs out, and its end line has no stopped= */
	dump_lines = 0;
	d = trace_dump(~0ULL, keep_line, NULL, NULL, &st);
	EXPECT_FALSE(t, st.stopped);
	EXPECT_EQ(t, st.events, 10);
	EXPECT_EQ(t, st.unread, 0);
	EXPECT_EQ(t, dump_lines, 12);
	if (dump_lines == 12) {
		scnprintf(end, sizeof(end), "@trace d=%d end events=10 overwritten=0 skipped=0 ~",
			  d);
		EXPECT_TRUE(t, !strncmp(dump_text[11], end, strlen(end)));
	}
	tracing_return_all();
}

/*
 * A writer on another CPU laps a reader of its ring many times: every
 * entry the reader gets must be whole (its three arguments agree with its
 * sequence number), and the reader must have met entries overwritten
 * under it, or the race was not tested.
 */
struct lapper {
	unsigned int laps;
};

static void write_laps(void *arg)
{
	struct lapper *l = arg;

	for (uint64_t i = 0; i < (uint64_t)l->laps * TEST_ENTRIES; i++)
		trace_event(unpin, i, ~i, i * 3);
}

static void reader_never_sees_a_torn_entry(struct ktest *t)
{
	unsigned int cpu = smp_processor_id(), other = other_cpu(1);
	struct lapper l = { .laps = 2000 };
	struct other_cpu_run run;
	unsigned long got = 0, missed = 0, torn = 0;
	struct trace_entry e;

	tracing_borrow(t, cpu, other);
	trace_set("unpin", true);
	ASSERT_EQ(t, other_cpu_start(&run, other, write_laps, &l), 0);
	while (!smp_load_acquire(&run.done)) {
		uint64_t head = __atomic_load_n(&trace_rings[other].head, __ATOMIC_RELAXED);

		for (uint64_t i = head > TEST_ENTRIES ? head - TEST_ENTRIES : 0; i < head; i++) {
			if (trace_read(other, i, &e)) {
				missed++;	/* overwritten, being written, or both */
				continue;
			}
			got++;
			torn += e.arg[0] != e.seq - 1 || e.arg[1] != ~(e.seq - 1) ||
				e.arg[2] != (e.seq - 1) * 3 || e.cpu != other;
		}
	}
	ASSERT_TRUE(t, other_cpu_wait(&run, 10 * NSEC_PER_SEC));
	tracing_return(cpu, other);
	ktest_log(t, "read %lu entries whole, %lu overwritten or being written", got, missed);
	EXPECT_EQ(t, torn, 0);
	EXPECT_GT(t, got, 0);
	EXPECT_GT(t, missed, 0);	/* the writer did lap the reader */
}

static const struct ktest_case trace_cases[] = {
	KTEST_CASE(off_records_nothing, "an event that is off leaves the ring untouched"),
	KTEST_CASE(on_records_fields_in_order, "an event that is on records its fields, in order"),
	KTEST_CASE(full_ring_overwrites_oldest, "a full ring keeps the newest entries"),
	KTEST_CASE(half_written_entry_is_skipped, "an entry being written is not handed out"),
	KTEST_CASE(overwritten_while_copied_is_refused,
		   "an entry rewritten between the two checks is refused, not handed out mixed"),
	KTEST_CASE(globs_pick_events, "comma-separated globs name events; one matching none is refused"),
	KTEST_CASE(refused_glob_changes_nothing, "a refused `trace on` turns nothing on"),
	KTEST_CASE(clear_forgets_what_was_held, "clear moves the start to the head"),
	KTEST_CASE(line_format_is_exact, "the dump's lines match docs/tracing.md, CRC included"),
	KTEST_CASE(long_name_is_cut_at_eight, "a name argument keeps its first eight characters"),
	KTEST_CASE(dump_stops_between_lines,
		   "stop() ends a dump between two lines; its end line counts the unread"),
	KTEST_CASE_NEEDS(reader_never_sees_a_torn_entry, KTEST_NEEDS_CPUS(2),
			 "a reader racing a writer that laps it gets whole entries or none"),
	{}
};
KTEST_SUITE(trace_suite, "lib.trace", trace_cases);
