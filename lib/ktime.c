/*
 * What lib/ktime.h builds on the platform's clock and udelay(), the same
 * on every platform: longer busy-waits, and deadlines in ktime_get_ns()
 * time for the timed waits of kernel/wait.h and kernel/completion.h.
 */
#include <lib/ktime.h>

void mdelay(uint64_t msecs)
{
	udelay(msecs * 1000);
}

uint64_t deadline_after_ms(unsigned long ms)
{
	uint64_t now = ktime_get_ns();
	uint64_t max_ms = (UINT64_MAX - now) / NSEC_PER_MSEC;

	return now + (ms > max_ms ? max_ms : ms) * NSEC_PER_MSEC;
}

long ms_left_until(uint64_t deadline)
{
	uint64_t now = ktime_get_ns();

	if (now >= deadline)
		return 1;
	return (long)((deadline - now + NSEC_PER_MSEC - 1) / NSEC_PER_MSEC);
}
