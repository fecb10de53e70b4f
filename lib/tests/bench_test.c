/*
 * "lib.bench": the benchmark harness reports the median of its samples,
 * counts warm-up runs apart, turns a sample's error into a failure to
 * run, says why a benchmark was skipped, and runs the runs_last ones
 * after the others. The benchmarks here are not registered, so `make
 * bench` never sees them.
 */
#include <lib/bench.h>
#include <lib/errno.h>
#include <lib/ktest.h>

static unsigned int calls;
static int setups, teardowns;

/* Samples cycle through a fixed shuffled sequence. */
static long long shuffled_sample(struct bench_run *r)
{
	static const long long seq[] = { 50, 10, 90, 30, 70, 20, 80, 40, 60 };

	return seq[calls++ % ARRAY_SIZE(seq)];
}

static int counting_setup(struct bench_run *r)	{ setups++; return 0; }
static void counting_teardown(struct bench_run *r)	{ teardowns++; }

static long long failing_sample(struct bench_run *r)	{ return -ENOMEM; }
static int refusing_setup(struct bench_run *r)		{ return -ENODEV; }


static void reports_the_median(struct ktest *t)
{
	/* 3 warm-ups take seq[0..2]; the 9 samples are seq[3..8] + seq[0..2]
	 * = all nine values once, whose median is 50. */
	const struct bench b = { .name = "test.median", .unit = "cycles",
				 .samples = 9, .sample = shuffled_sample };
	struct bench_result res = { .median = -1 };

	calls = 0;
	ASSERT_EQ(t, bench_run_one(&b, &res, false), 0);
	EXPECT_EQ(t, res.median, 50);
	EXPECT_EQ(t, res.samples, 9);
	EXPECT_EQ(t, calls, BENCH_WARMUP + 9);
}

static void setup_and_teardown_run_once(struct ktest *t)
{
	const struct bench b = { .name = "test.setup", .unit = "ns", .samples = 3,
				 .setup = counting_setup, .sample = shuffled_sample,
				 .teardown = counting_teardown };

	setups = teardowns = 0;
	ASSERT_EQ(t, bench_run_one(&b, NULL, false), 0);
	EXPECT_EQ(t, setups, 1);
	EXPECT_EQ(t, teardowns, 1);
}

static void sample_error_fails_the_run(struct ktest *t)
{
	const struct bench b = { .name = "test.fail", .unit = "ns",
				 .sample = failing_sample };

	EXPECT_EQ(t, bench_run_one(&b, NULL, false), -ENOMEM);
}

static void setup_error_fails_the_run(struct ktest *t)
{
	const struct bench b = { .name = "test.nodev", .unit = "ns",
				 .setup = refusing_setup, .sample = shuffled_sample };

	EXPECT_EQ(t, bench_run_one(&b, NULL, false), -ENODEV);
}

static long long skipping_sample(struct bench_run *r)	{ return BENCH_SKIP; }

static void skip_is_reported_as_skip(struct ktest *t)
{
	const struct bench b = { .name = "test.skip", .unit = "ns",
				 .sample = skipping_sample };
	struct bench_result res = { 0 };

	EXPECT_EQ(t, bench_run_one(&b, &res, false), BENCH_SKIP);
	EXPECT_NOT_NULL(t, res.skip_reason);	/* the generic reason */
}

static int skip_setup(struct bench_run *r)
{
	return bench_skip(r, "no widget");
}

static void skip_says_why(struct ktest *t)
{
	const struct bench b = { .name = "test.skip_why", .unit = "ns",
				 .setup = skip_setup, .sample = shuffled_sample };
	struct bench_result res = { 0 };

	EXPECT_EQ(t, bench_run_one(&b, &res, false), BENCH_SKIP);
	EXPECT_STREQ(t, res.skip_reason, "no widget");
}

/* --- order: runs_last after the others ------------------------------------- */

static const char *order[4];
static unsigned int ordered;

static int recording_setup(struct bench_run *r)
{
	if (ordered < ARRAY_SIZE(order))
		order[ordered++] = r->bench->name;
	return 0;
}

static const struct bench order_last = { .name = "order.last", .unit = "ns", .samples = 1,
	.setup = recording_setup, .sample = shuffled_sample, .runs_last = true };
static const struct bench order_a = { .name = "order.a", .unit = "ns", .samples = 1,
	.setup = recording_setup, .sample = shuffled_sample };
static const struct bench order_b = { .name = "order.b", .unit = "ns", .samples = 1,
	.setup = recording_setup, .sample = shuffled_sample };
static const struct bench *const order_list[] = { &order_last, &order_a, &order_b };

static void runs_last_goes_after_the_others(struct ktest *t)
{
	struct bench_totals tot;

	ordered = 0;
	EXPECT_EQ(t, bench_run_list(order_list, order_list + ARRAY_SIZE(order_list), "order.*",
				    false, NULL, &tot), 0);
	ASSERT_EQ(t, tot.ran, 3);
	EXPECT_EQ(t, tot.selected, 3);
	EXPECT_FALSE(t, tot.stopped);
	ASSERT_EQ(t, ordered, 3);
	EXPECT_STREQ(t, order[0], "order.a");
	EXPECT_STREQ(t, order[1], "order.b");
	EXPECT_STREQ(t, order[2], "order.last");
}

static void order_keeps_the_glob_selection(struct ktest *t)
{
	struct bench_totals tot;

	ordered = 0;
	EXPECT_EQ(t, bench_run_list(order_list, order_list + ARRAY_SIZE(order_list),
				    "order.last,order.b", false, NULL, &tot), 0);
	ASSERT_EQ(t, tot.ran, 2);
	ASSERT_EQ(t, ordered, 2);
	EXPECT_STREQ(t, order[0], "order.b");
	EXPECT_STREQ(t, order[1], "order.last");
}

/* --- stop: asked between benchmarks, never before the first ------------------ */

static unsigned int stop_asked, stop_after;

/* Says stop once it has been asked stop_after times. */
static bool stop_counting(void)
{
	return ++stop_asked > stop_after;
}

static void stop_ends_the_run_between_benchmarks(struct ktest *t)
{
	struct bench_totals tot;

	ordered = 0;
	stop_asked = 0;
	stop_after = 1;			/* the run goes on once, then stops */
	EXPECT_EQ(t, bench_run_list(order_list, order_list + ARRAY_SIZE(order_list), "order.*",
				    false, stop_counting, &tot), 0);
	EXPECT_EQ(t, stop_asked, 2);		/* before the second and the third */
	EXPECT_TRUE(t, tot.stopped);
	EXPECT_EQ(t, tot.selected, 3);
	ASSERT_EQ(t, tot.ran, 2);
	ASSERT_EQ(t, ordered, 2);
	EXPECT_STREQ(t, order[0], "order.a");
	EXPECT_STREQ(t, order[1], "order.b");	/* order.last, runs_last, never ran */
}

static void stop_is_never_asked_before_the_first(struct ktest *t)
{
	struct bench_totals tot;

	ordered = 0;
	stop_asked = 0;
	stop_after = 0;			/* stop at the first ask */
	EXPECT_EQ(t, bench_run_list(order_list, order_list + ARRAY_SIZE(order_list), "order.a",
				    false, stop_counting, &tot), 0);
	EXPECT_EQ(t, stop_asked, 0);
	EXPECT_FALSE(t, tot.stopped);
	EXPECT_EQ(t, tot.ran, 1);
	EXPECT_EQ(t, ordered, 1);
}

static void conversions_are_exact(struct ktest *t)
{
	EXPECT_EQ(t, bench_per_op(12500, 1000), 12500);	/* 12.5 per op */
	EXPECT_EQ(t, bench_per_op(1, 0), -1);
	/* 1 MB in 1 ms = 1000 MB/s, in thousandths */
	EXPECT_EQ(t, bench_mb_per_s(1000000, 1000000), 1000000);
	EXPECT_EQ(t, bench_mb_per_s(1, 0), -1);
}

static const struct ktest_case bench_cases[] = {
	KTEST_CASE(reports_the_median, "the median of the samples, warm-ups excluded"),
	KTEST_CASE(setup_and_teardown_run_once, "setup and teardown bracket all samples once"),
	KTEST_CASE(sample_error_fails_the_run, "a sample's errno is the run's result"),
	KTEST_CASE(setup_error_fails_the_run, "a setup that refuses stops the run"),
	KTEST_CASE(skip_is_reported_as_skip, "BENCH_SKIP is passed through as a skip"),
	KTEST_CASE(skip_says_why, "bench_skip()'s reason reaches the result"),
	KTEST_CASE(runs_last_goes_after_the_others,
		   "runs_last benchmarks run after every other selected one"),
	KTEST_CASE(order_keeps_the_glob_selection, "the two passes run only what the globs select"),
	KTEST_CASE(stop_ends_the_run_between_benchmarks,
		   "stop() is asked between benchmarks; true leaves the rest not run, counted"),
	KTEST_CASE(stop_is_never_asked_before_the_first,
		   "stop() is not asked before the first benchmark: a run always runs one"),
	KTEST_CASE(conversions_are_exact, "per-op and MB/s helpers in thousandths"),
	{}
};
KTEST_SUITE(bench_suite, "lib.bench", bench_cases);
