/*
 * bench: the benchmark registry (the sibling of ktest).
 *
 * A benchmark registers itself in the "bench_list" linker section and is
 * selected by glob: `bench=GLOBS` on the kernel command line, `bench
 * [GLOBS]` in the shell, or the host bench program's arguments. The
 * harness calls its sample() a few times to warm up, then `samples` times,
 * and reports the median:
 *
 *   bench: pmem.write_bw.4k  1234.567 MB/s  (median of 15, 1 CPU)
 *   BENCH {"name": "pmem.write_bw.4k", "value": 1234.567, "unit": "MB/s", "median_of": 15, "cpus": 1}
 *
 * The second line is for machines (tests/bench-report turns a log into
 * build/bench.json and the ratio table). Figures are printed, never
 * asserted: a benchmark fails only if it cannot run (sample() returns
 * a negative errno), never because it is slow. One that cannot run on
 * this machine returns bench_skip(r, "why") and is reported as skipped.
 *
 * Order: registry order, except that benchmarks marked runs_last go after
 * every other selected one. A run may be stopped between two benchmarks
 * (the shell's Ctrl-C), never inside one. Mark those that change the machine under the
 * others' feet: remapping a device range flushes whole TLBs, and QEMU
 * resizes its software TLB at such flushes, which can make a later copy
 * benchmark many times slower (docs/testing.md, "Benchmarks").
 *
 * Values are fixed-point thousandths (the kernel has no floating point):
 * a sample of 12.5 cycles returns 12500. bench_per_op() and bench_rate()
 * do the usual conversions.
 */
#ifndef LIB_BENCH_H
#define LIB_BENCH_H

#include <lib/compiler.h>

struct bench;

/* One measurement in progress; owned by the harness. */
struct bench_run {
	const struct bench *bench;
	void *priv;			/* for setup/sample/teardown */
	unsigned int cpus;		/* CPUs the sample used (default 1) */
	const char *skip_reason;	/* set by bench_skip(): why not here */
};

/* What one run gave (bench_run_one). */
struct bench_result {
	long long median;		/* thousandths of the unit, if it ran */
	unsigned int samples;		/* how many the median is of */
	unsigned int cpus;
	const char *skip_reason;	/* after BENCH_SKIP: why (never NULL) */
};

struct bench {
	const char *name;		/* "page_ref.getput.normal" */
	const char *unit;		/* "cycles", "ns", "MB/s", "ms" */
	unsigned int samples;		/* 0: BENCH_DEFAULT_SAMPLES */
	int (*setup)(struct bench_run *r);	/* optional; <0: cannot run */
	/* One sample: >= 0 is the value in thousandths of `unit`, < 0 an errno.
	 * BENCH_SKIP (from setup or sample) means "not on this machine", e.g.
	 * too few CPUs: reported as skipped, not as a failure to run. */
	long long (*sample)(struct bench_run *r);
	void (*teardown)(struct bench_run *r);	/* optional */
	bool runs_last;			/* disturbs others: after all of them */
};

#define BENCH_SKIP		(-19)	/* -ENODEV */
#define BENCH_DEFAULT_SAMPLES	15
#define BENCH_MAX_SAMPLES	63
#define BENCH_WARMUP		3

/*
 * The registry is the linker section "bench_list". No function may share
 * that name: in a file that defines a BENCH, the assembler takes a call
 * to a function called bench_list for the section's own symbol and jumps
 * into the pointers (so the listing is bench_print_list()).
 */
#define BENCH(var, ...)							\
	static const struct bench var = { __VA_ARGS__ };		\
	static const struct bench *const __bench_ptr_##var		\
		__used __section("bench_list") = &var

/* What a run of a selection did (bench_run_all(), bench_run_list()). */
struct bench_totals {
	unsigned int selected;		/* benchmarks the globs select */
	unsigned int ran;		/* of those, started (run, skipped or failed) */
	int failed;			/* of those, could not run (skips not counted) */
	bool stopped;			/* stop() ended the run: selected - ran not run */
};

/*
 * Run every registered benchmark matched by globs (runs_last ones last).
 * stop (NULL: never) is asked before each benchmark but the first, never
 * during one: true ends the run there. Returns how many failed to run,
 * skips not counted; *out (may be NULL) says what ran.
 */
int bench_run_all(const char *globs, bool (*stop)(void), struct bench_totals *out);
/* The same over the array [first, end) (tests), printing only if `report`. */
int bench_run_list(const struct bench *const *first, const struct bench *const *end,
		   const char *globs, bool report, bool (*stop)(void), struct bench_totals *out);
bool bench_globs_match_any(const char *globs);
/* Run one benchmark, registered or not, printing its lines if `report`;
 * 0 (res->median in thousandths), BENCH_SKIP (res->skip_reason says why)
 * or the negative errno that stopped it. res may be NULL. */
int bench_run_one(const struct bench *b, struct bench_result *res, bool report);
/* Print every registered benchmark with its unit (`bench -l`). */
void bench_print_list(void);

/* From setup() or sample(): not possible here, and why (a literal: it
 * must outlive the run, and goes into a JSON string, so no quotes). */
static inline int bench_skip(struct bench_run *r, const char *why)
{
	r->skip_reason = why;
	return BENCH_SKIP;
}

/* Thousandths of a unit per operation: cost / ops. */
static inline long long bench_per_op(uint64_t cost, uint64_t ops)
{
	return ops ? (long long)(cost * 1000 / ops) : -1;
}

/* Thousandths of MB/s (10^6 bytes per second) for bytes moved in ns. */
static inline long long bench_mb_per_s(uint64_t bytes, uint64_t ns)
{
	/* bytes / ns * 1e9 / 1e6 * 1000 = bytes * 1e6 / ns */
	return ns ? (long long)(bytes * 1000000ULL / ns) : -1;
}

#endif /* LIB_BENCH_H */
