/*
 * What a trace point costs while its event is off: trace.point_off runs a
 * loop whose body is one trace_event() of an event that is off (the load
 * of trace_mask, the test, the branch not taken), trace.loop_empty the
 * same loop without it; the difference is the cost of one disabled trace
 * point, from the same boot. (A build without trace points: make TRACE=n,
 * and make trace-cost for the whole paths.) Skipped while tracing is on.
 */
#include <lib/bench.h>
#include <lib/trace.h>
#include <asm/cpu.h>

#define POINTS	100000

static int tracing_off(struct bench_run *r)
{
	if (__atomic_load_n(&trace_mask, __ATOMIC_RELAXED))
		return bench_skip(r, "tracing is on");
	return 0;
}

static long long loop_empty_sample(struct bench_run *r)
{
	uint64_t t0 = arch_cycles();

	for (int i = 0; i < POINTS; i++)
		__asm__ volatile("" ::: "memory");
	return bench_per_op(arch_cycles() - t0, POINTS);
}

static long long point_off_sample(struct bench_run *r)
{
	uint64_t t0 = arch_cycles();

	for (int i = 0; i < POINTS; i++) {
		__asm__ volatile("" ::: "memory");
		trace_event(unpin, i, 1, 0);
	}
	return bench_per_op(arch_cycles() - t0, POINTS);
}

BENCH(trace_loop_empty, .name = "trace.loop_empty", .unit = ARCH_CYCLES_UNIT,
      .setup = tracing_off, .sample = loop_empty_sample);
BENCH(trace_point_off, .name = "trace.point_off", .unit = ARCH_CYCLES_UNIT,
      .setup = tracing_off, .sample = point_off_sample);
