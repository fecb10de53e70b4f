/*
 * lib.ratelimit: the window's burst passes, the rest is counted, and the
 * first message of the next window reports the count.
 */
#include <lib/ktest.h>
#include <lib/ktime.h>
#include <lib/ratelimit.h>

/* Let the clock pass `ns` after t0 (an event, not a measure; 10 s watchdog). */
static void clock_passes(struct ktest *t, uint64_t t0, uint64_t ns)
{
	while (ktime_get_ns() - t0 < ns)
		ASSERT_LT(t, ktime_get_ns() - t0, 10 * NSEC_PER_SEC);
}

static void burst_passes_rest_suppressed(struct ktest *t)
{
	struct ratelimit rl = RATELIMIT_INIT(600000, 3);
	unsigned long missed = 99;
	unsigned int passed = 0;

	for (int i = 0; i < 8; i++) {
		passed += ratelimit_ok(&rl, &missed);
		EXPECT_EQ(t, missed, 0);
	}
	EXPECT_EQ(t, passed, 3);
	EXPECT_EQ(t, rl.missed, 5);
}

static void next_window_reports_the_count(struct ktest *t)
{
	struct ratelimit rl = RATELIMIT_INIT(1, 2);
	unsigned long missed;
	uint64_t t0 = ktime_get_ns();

	EXPECT_TRUE(t, ratelimit_ok(&rl, &missed));
	EXPECT_TRUE(t, ratelimit_ok(&rl, &missed));
	for (int i = 0; i < 3; i++)
		if (ratelimit_ok(&rl, &missed))
			ktest_skip(t, "the 1 ms window closed under us (a slow machine)");
	clock_passes(t, t0, 2 * NSEC_PER_MSEC);
	EXPECT_TRUE(t, ratelimit_ok(&rl, &missed));
	EXPECT_EQ(t, missed, 3);
	EXPECT_EQ(t, rl.missed, 0);
	EXPECT_TRUE(t, ratelimit_ok(&rl, &missed));	/* the new window's second */
	EXPECT_EQ(t, missed, 0);
}

static const struct ktest_case ratelimit_cases[] = {
	KTEST_CASE(burst_passes_rest_suppressed, "a window lets `burst` through and counts the rest"),
	KTEST_CASE(next_window_reports_the_count, "the next window's first message gets the count"),
	{}
};
KTEST_SUITE(ratelimit_suite, "lib.ratelimit", ratelimit_cases);
