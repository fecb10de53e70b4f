/*
 * The rate limit of lib/ratelimit.h: a window opens at the first message
 * after the last one closed; inside it, `burst` messages pass.
 */
#include <lib/ktime.h>
#include <lib/ratelimit.h>

bool ratelimit_ok_at(struct ratelimit *rl, uint64_t now, unsigned long *suppressed)
{
	uint64_t begin = __atomic_load_n(&rl->begin_ns, __ATOMIC_RELAXED);

	*suppressed = 0;
	/* a clock read before the window opened (another CPU's) keeps it */
	if (!begin || (now > begin && now - begin >= rl->interval_ns)) {
		/* the one that moves the window's start reports what was missed */
		if (__atomic_compare_exchange_n(&rl->begin_ns, &begin, now ? now : 1, false,
						__ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
			__atomic_store_n(&rl->printed, 1, __ATOMIC_RELAXED);
			*suppressed = __atomic_exchange_n(&rl->missed, 0, __ATOMIC_RELAXED);
			return true;
		}
	}
	/* counts only up to the burst, so it cannot wrap however long the window */
	if (__atomic_load_n(&rl->printed, __ATOMIC_RELAXED) < rl->burst &&
	    __atomic_add_fetch(&rl->printed, 1, __ATOMIC_RELAXED) <= rl->burst)
		return true;
	__atomic_fetch_add(&rl->missed, 1, __ATOMIC_RELAXED);
	return false;
}

bool ratelimit_ok(struct ratelimit *rl, unsigned long *suppressed)
{
	return ratelimit_ok_at(rl, ktime_get_ns(), suppressed);
}
