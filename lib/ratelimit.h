/*
 * Rate limits for messages that a caller can repeat without end (one per
 * refused request, one per failed fault): at most `burst` messages in each
 * window of `interval_ms` (Linux: lib/ratelimit.c, ___ratelimit()). The
 * first message of a new window says how many were suppressed before it,
 * so the log stays readable and nothing goes unsaid.
 *
 * A struct ratelimit is a static of its call site (printk_ratelimited()),
 * shared by every CPU, without a lock: every field is (a) atomic. Two
 * CPUs may both open a window at its edge; the limit is then burst + a
 * few, and a suppressed message counted at that moment may be reported in
 * the next window's count instead: only the order of magnitude matters.
 */
#ifndef LIB_RATELIMIT_H
#define LIB_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>
#include <lib/printk.h>

struct ratelimit {
	uint64_t interval_ns;		/* (i) */
	unsigned int burst;		/* (i) */
	uint64_t begin_ns;		/* (a) the window's start; 0: none yet */
	unsigned int printed;		/* (a) messages let through in this window */
	unsigned long missed;		/* (a) suppressed, not yet reported */
};

#define RATELIMIT_INIT(interval_ms, burst_)					\
	{ .interval_ns = (uint64_t)(interval_ms) * 1000000, .burst = (burst_) }

/* Ten messages every five seconds, as Linux's printk_ratelimited(). */
#define RATELIMIT_DEFAULT	RATELIMIT_INIT(5000, 10)

/*
 * May the caller print now? If so, *suppressed is the number of messages
 * suppressed since the last one let through (0 most of the time).
 */
bool ratelimit_ok(struct ratelimit *rl, unsigned long *suppressed);
/* The same at time `now` (ktime_get_ns()'s clock): for tests. */
bool ratelimit_ok_at(struct ratelimit *rl, uint64_t now, unsigned long *suppressed);

#define printk_ratelimited(level, fmt, ...) do {				\
	static struct ratelimit __rl = RATELIMIT_DEFAULT;			\
	unsigned long __missed;							\
										\
	if (ratelimit_ok(&__rl, &__missed)) {					\
		if (__missed)							\
			printk_level(level, "(%lu messages like the next one "	\
				     "suppressed)", __missed);			\
		printk_level(level, pr_fmt(fmt), ##__VA_ARGS__);		\
	}									\
} while (0)

#define pr_err_ratelimited(fmt, ...)	printk_ratelimited(LOGLEVEL_ERR, fmt, ##__VA_ARGS__)
#define pr_warn_ratelimited(fmt, ...)	printk_ratelimited(LOGLEVEL_WARNING, fmt, ##__VA_ARGS__)

#endif /* LIB_RATELIMIT_H */
