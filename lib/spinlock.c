/*
 * The waiting side of the ticket lock (lib/spinlock.h), with the stall
 * detector.
 *
 * A waiter spins on `owner` with cpu_relax() (PAUSE on x86: it tells the
 * core a spin-wait is running, saving power and the memory-order
 * mis-speculation at the loop's exit). Every SPIN_CHECK_EVERY turns it
 * looks at the clock; past spin_stall_threshold_ns it reports, once per
 * wait:
 *
 *   spinlock: lock 0x... stalled: CPU 1 waiting at foo+0x12 for 5000 ms;
 *             held by CPU 0, taken at bar+0x40 (ticket 7, serving 6)
 *
 * and goes on waiting: a stall report is a diagnosis, not a verdict (a
 * lock held across a long printk under emulation can be slow, and a
 * deadlock stays a deadlock, now with a name). The holder's fields are
 * read racily: the holder may change between the reads, which the
 * ticket numbers in the line make visible.
 *
 * Never reports before the clock runs (ktime_get_ns() is 0 until the TSC
 * is calibrated) and never from printk's own lock, which only ever uses
 * spin_trylock (lib/printk.c, through spin_lock_bounded()) and so never
 * comes here.
 *
 * spin_lock_bounded(), the wait that gives up, is here too: a trylock in a
 * loop, bounded by the clock, remembering a lock it gave up on.
 */
#include <lib/atomic.h>
#include <lib/ktime.h>
#include <lib/printk.h>
#include <lib/spinlock.h>

#define SPIN_CHECK_EVERY	1024

uint64_t spin_stall_threshold_ns = 5 * NSEC_PER_SEC;
unsigned long spin_stall_reports;

static void report_stall(spinlock_t *l, unsigned int ticket, unsigned long ip,
			 uint64_t waited_ns)
{
	unsigned long holder_ip = __atomic_load_n(&l->holder_ip, __ATOMIC_RELAXED);
	unsigned int holder_cpu = __atomic_load_n(&l->holder_cpu, __ATOMIC_RELAXED);
	unsigned int owner = __atomic_load_n(&l->owner, __ATOMIC_RELAXED);

	__atomic_fetch_add(&spin_stall_reports, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&l->stalls, 1, __ATOMIC_RELAXED);
	pr_err("spinlock: lock %p stalled: CPU %u waiting at %pS for %llu ms; "
	       "held by CPU %u, taken at %pS (ticket %u, serving %u)",
	       (void *)l, smp_processor_id(), (void *)ip,
	       (unsigned long long)(waited_ns / NSEC_PER_MSEC), holder_cpu,
	       (void *)holder_ip, ticket, owner);
}

void spin_lock_wait(spinlock_t *l, unsigned int ticket, unsigned long ip)
{
	uint64_t start = 0, threshold = READ_ONCE(spin_stall_threshold_ns);
	unsigned int spins = 0;
	bool reported = false;

	/* Acquire: pairs with the release in the previous holder's unlock. */
	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket) {
		uint64_t now;

		cpu_relax();
		if (++spins % SPIN_CHECK_EVERY || reported)
			continue;
		now = ktime_get_ns();
		if (!start)
			start = now;
		else if (now - start > threshold) {
			report_stall(l, ticket, ip, now - start);
			reported = true;
		}
	}
}

enum spin_bounded __spin_lock_bounded(spinlock_t *l, bool *broken, uint64_t wait_ns,
				      unsigned long max_spins, unsigned long ip)
{
	uint64_t start = ktime_get_ns();

	for (unsigned long spins = 0; !__spin_trylock(l, ip); spins++) {
		/* broken once: the holder is likely gone, do not wait again */
		if (__atomic_load_n(broken, __ATOMIC_RELAXED))
			return SPIN_BOUNDED_FAILED;
		if (spins >= max_spins || (start && ktime_get_ns() - start > wait_ns)) {
			__atomic_store_n(broken, true, __ATOMIC_RELAXED);
			return SPIN_BOUNDED_FAILED;
		}
		cpu_relax();
	}
	return __atomic_exchange_n(broken, false, __ATOMIC_RELAXED) ? SPIN_BOUNDED_RECOVERED :
								      SPIN_BOUNDED_LOCKED;
}
