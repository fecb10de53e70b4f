/*
 * lib.ratelimit: the window's burst passes, the rest is counted, and the
 * first message of the next window reports the count.
 */
#include <lib/ktest.h>
#include <lib/ktime.h>
#include <lib/ratelimit.h>

static void burst_passes_rest_suppressed(struct ktest *t)
{
	struct ratelimit rl = RATELIMIT_INIT(600000, 3);
	unsigned long missed = 99;
	unsigned int passed = 0;

	for (int i = 0; i < 8; i++) {
		passed += ratelimit_ok_at(&rl, 1000 + i, &missed);
		EXPECT_EQ(t, missed, 0);
	}
	EXPECT_EQ(t, passed, 3);
	EXPECT_EQ(t, rl.missed, 5);
}

static void next_window_reports_the_count(struct ktest *t)
{
	struct ratelimit rl = RATELIMIT_INIT(1, 2);	/* 1 ms */
	uint64_t t0 = 5 * NSEC_PER_SEC;
	unsigned long missed;

	EXPECT_TRUE(t, ratelimit_ok_at(&rl, t0, &missed));
	EXPECT_TRUE(t, ratelimit_ok_at(&rl, t0 + 10, &missed));
	for (int i = 0; i < 3; i++)
		EXPECT_FALSE(t, ratelimit_ok_at(&rl, t0 + 100 * i, &missed));
	EXPECT_TRUE(t, ratelimit_ok_at(&rl, t0 + NSEC_PER_MSEC, &missed));
	EXPECT_EQ(t, missed, 3);
	EXPECT_EQ(t, rl.missed, 0);
	EXPECT_TRUE(t, ratelimit_ok_at(&rl, t0 + NSEC_PER_MSEC + 1, &missed));	/* its second */
	EXPECT_EQ(t, missed, 0);
	EXPECT_FALSE(t, ratelimit_ok_at(&rl, t0 + NSEC_PER_MSEC + 2, &missed));
}

static void earlier_clock_keeps_the_window(struct ktest *t)
{
	struct ratelimit rl = RATELIMIT_INIT(1, 1);
	uint64_t t0 = 5 * NSEC_PER_SEC;
	unsigned long missed;

	EXPECT_TRUE(t, ratelimit_ok_at(&rl, t0, &missed));
	/* another CPU's clock, read before the window opened */
	EXPECT_FALSE(t, ratelimit_ok_at(&rl, t0 - 3 * NSEC_PER_MSEC, &missed));
	EXPECT_EQ(t, rl.begin_ns, t0);
}

static void long_window_counter_does_not_wrap(struct ktest *t)
{
	struct ratelimit rl = RATELIMIT_INIT(600000, 2);
	unsigned long missed;

	for (int i = 0; i < 100000; i++)
		ratelimit_ok_at(&rl, 1000 + i, &missed);
	EXPECT_EQ(t, rl.printed, 2);
	EXPECT_EQ(t, rl.missed, 99998);
}

static const struct ktest_case ratelimit_cases[] = {
	KTEST_CASE(burst_passes_rest_suppressed, "a window lets `burst` through and counts the rest"),
	KTEST_CASE(next_window_reports_the_count, "the next window's first message gets the count"),
	KTEST_CASE(earlier_clock_keeps_the_window, "a clock read before the window never moves it"),
	KTEST_CASE(long_window_counter_does_not_wrap, "suppressed calls do not grow `printed`"),
	{}
};
KTEST_SUITE(ratelimit_suite, "lib.ratelimit", ratelimit_cases);
