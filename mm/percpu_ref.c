/*
 * percpu_ref: init, the mode switches, kill, reinit (mm/percpu_ref.h has
 * the life story; the gets and puts are inline there).
 *
 * The count. In per-CPU mode the reference count is
 *
 *     sum over CPUs of the per-CPU counters + (count - PERCPU_COUNT_BIAS)
 *
 * where count starts at BIAS + 1 (the initial reference). The bias is
 * 2^63: puts that reach the atomic count while the switch is in flight
 * cannot bring it to zero before the per-CPU sum lands. In atomic mode
 * the count is just `count`. Every quantity is an unsigned long and wraps
 * (a per-CPU counter may be "negative"); only the total means anything.
 *
 * The switch to atomic mode (Linux: __percpu_ref_switch_to_atomic and
 * percpu_ref_switch_to_atomic_rcu):
 *   1. under the switch lock: set ATOMIC in the mode word, note
 *      confirm_switch, take a reference for the switch itself (so the
 *      ref cannot be released under the callback), call_rcu();
 *   2. after the grace period every get/put that read per-CPU mode has
 *      ended: sum the counters and add (sum - BIAS) to count in one add;
 *      WARN if the result is <= 0;
 *   3. drop the switch's reference now if the ref is live: its initial
 *      reference is held (a kill waits for this switch to end before it
 *      drops it), so this put cannot be the last, and the confirmation
 *      and everyone who sees the switch over read an exact count;
 *   4. confirm_switch(ref); under the lock, clear confirm_switch (and,
 *      for a dead ref that may not be reinitialised, free the counters);
 *   5. a dead ref drops the switch's reference only now, when nothing
 *      here touches the ref any more: release may run there.
 * The switch back (__percpu_ref_switch_to_percpu) needs no grace period:
 * it adds the bias back, zeroes the counters and clears ATOMIC with a
 * store-release, so a get that sees per-CPU mode sees zeroed counters.
 *
 * One switch per ref at a time: a new one first waits for the one in
 * flight (rcu_barrier(), with the lock dropped; Linux sleeps on a wait
 * queue). The switch lock is global, as in Linux: switches are rare.
 * No user callback (release, confirm) is called with it held.
 *
 * Kill drops the initial reference inside the read-side section that
 * also covers its call_rcu(), so the sum always lands after that put:
 * otherwise the callback could add a sum of -1 to a count that still
 * holds the initial reference, see 1, and the underflow would go
 * unreported (the ThreadSanitizer host run caught this race).
 */
#include <lib/bug.h>
#include <lib/errno.h>
#include <mm/percpu_ref.h>
#include <lib/printk.h>
#include <lib/spinlock.h>
#include <lib/trace.h>

#define PERCPU_COUNT_BIAS	(1UL << (8 * sizeof(unsigned long) - 1))

static DEFINE_SPINLOCK(percpu_ref_switch_lock);

static unsigned long mode_word(struct percpu_ref *ref)
{
	return __atomic_load_n(&ref->percpu_count_ptr, __ATOMIC_RELAXED);
}

/* Mode-word writes are under the switch lock; readers pair as noted. */
static void set_mode_word(struct percpu_ref *ref, unsigned long v, int memorder)
{
	__atomic_store_n(&ref->percpu_count_ptr, v, memorder);
}

static unsigned long __percpu *counters_of(struct percpu_ref *ref)
{
	return (unsigned long __percpu *)(mode_word(ref) & ~__PERCPU_REF_FLAG_MASK);
}

int percpu_ref_init(struct percpu_ref *ref, percpu_ref_func_t *release,
		    unsigned int flags)
{
	unsigned long __percpu *counters = alloc_percpu(unsigned long);
	unsigned long mode = 0, start = 0;

	if (!counters)
		return -ENOMEM;
	BUILD_BUG_ON(__alignof__(unsigned long) <= __PERCPU_REF_FLAG_MASK);

	ref->allow_reinit = flags & PERCPU_REF_ALLOW_REINIT;
	ref->force_atomic = flags & PERCPU_REF_INIT_ATOMIC;
	if (flags & (PERCPU_REF_INIT_ATOMIC | PERCPU_REF_INIT_DEAD)) {
		mode |= __PERCPU_REF_ATOMIC;
		ref->allow_reinit = true;
	} else {
		start += PERCPU_COUNT_BIAS;
	}
	if (flags & PERCPU_REF_INIT_DEAD)
		mode |= __PERCPU_REF_DEAD;
	else
		start += 1;

	__atomic_store_n(&ref->count, start, __ATOMIC_RELAXED);
	ref->release = release;
	ref->confirm_switch = NULL;
	set_mode_word(ref, (unsigned long)counters | mode, __ATOMIC_RELAXED);
	return 0;
}

void percpu_ref_exit(struct percpu_ref *ref)
{
	unsigned long __percpu *counters;
	unsigned long flags;

	spin_lock_irqsave(&percpu_ref_switch_lock, flags);
	WARN(ref->confirm_switch, "percpu_ref_exit(%p) (release %ps): a mode switch is "
	     "still in flight and its RCU callback will use the ref", ref, ref->release);
	counters = counters_of(ref);
	set_mode_word(ref, __PERCPU_REF_ATOMIC_DEAD, __ATOMIC_RELAXED);
	spin_unlock_irqrestore(&percpu_ref_switch_lock, flags);
	free_percpu(counters);
}

static void percpu_ref_noop_confirm_switch(struct percpu_ref *ref)
{
}

/* Steps 2-5 of the switch to atomic mode, one grace period after step 1. */
static void percpu_ref_switch_to_atomic_rcu(struct rcu_head *rcu)
{
	struct percpu_ref *ref = container_of(rcu, struct percpu_ref, rcu);
	unsigned long __percpu *counters = counters_of(ref);
	unsigned long sum = 0, flags;
	bool put_late;
	long now;

	/* The grace period ended every section that used the counters; its
	 * ordering (kernel/rcu.h) makes their adds visible here. */
	for (unsigned int cpu = 0; cpu < nr_cpu_ids; cpu++)
		sum += __atomic_load_n(per_cpu_ptr(counters, cpu), __ATOMIC_RELAXED);

	/* One add: the bias leaves as the sum arrives. Ordered like a put
	 * (acq_rel, pairing with the puts' decrements). */
	now = (long)__atomic_add_fetch(&ref->count, sum - PERCPU_COUNT_BIAS,
				       __ATOMIC_ACQ_REL);
	WARN(now <= 0, "percpu_ref %p (release %ps): count %ld after the switch to "
	     "atomic mode (per-CPU sum %ld): more puts than gets",
	     ref, ref->release, now, (long)sum);
	trace_event(ref_confirm, ref, now - 1, 0);	/* less the switch's own */

	/* DEAD is set under the lock by a kill that then waits for this
	 * switch; seen clear, the initial reference outlives the callback. */
	put_late = mode_word(ref) & __PERCPU_REF_DEAD;
	if (!put_late)
		percpu_ref_put(ref);	/* the switch's own reference */

	ref->confirm_switch(ref);

	spin_lock_irqsave(&percpu_ref_switch_lock, flags);
	ref->confirm_switch = NULL;
	if ((mode_word(ref) & __PERCPU_REF_DEAD) && !ref->allow_reinit) {
		/* Dead for good: nobody will use the counters again. */
		set_mode_word(ref, __PERCPU_REF_ATOMIC_DEAD, __ATOMIC_RELAXED);
	} else {
		counters = NULL;
	}
	spin_unlock_irqrestore(&percpu_ref_switch_lock, flags);
	free_percpu(counters);

	if (put_late)
		percpu_ref_put(ref);	/* the switch's own reference */
}

/* Step 1. Returns what to confirm now (already atomic), after unlocking. */
static percpu_ref_func_t *__percpu_ref_switch_to_atomic(struct percpu_ref *ref,
							percpu_ref_func_t *confirm)
{
	if (mode_word(ref) & __PERCPU_REF_ATOMIC)
		return confirm;

	/* No barrier: the grace period below orders it for every reader. */
	set_mode_word(ref, mode_word(ref) | __PERCPU_REF_ATOMIC, __ATOMIC_RELAXED);
	trace_event(ref_atomic, ref, 0, 0);
	ref->confirm_switch = confirm ? confirm : percpu_ref_noop_confirm_switch;
	percpu_ref_get(ref);	/* put by the callback, after confirmation */
	call_rcu(&ref->rcu, percpu_ref_switch_to_atomic_rcu);
	return NULL;
}

static void __percpu_ref_switch_to_percpu(struct percpu_ref *ref)
{
	unsigned long __percpu *counters = counters_of(ref);

	if (!(mode_word(ref) & __PERCPU_REF_ATOMIC))
		return;
	if (WARN(!counters, "percpu_ref %p (release %ps): no per-CPU counters to go "
		 "back to (killed without PERCPU_REF_ALLOW_REINIT, or exited)",
		 ref, ref->release))
		return;

	__atomic_fetch_add(&ref->count, PERCPU_COUNT_BIAS, __ATOMIC_RELAXED);
	for (unsigned int cpu = 0; cpu < nr_cpu_ids; cpu++)
		__atomic_store_n(per_cpu_ptr(counters, cpu), 0, __ATOMIC_RELAXED);
	/* Pairs with the acquire in __ref_is_percpu(): per-CPU mode is seen
	 * only with the bias added and the counters zeroed. */
	set_mode_word(ref, mode_word(ref) & ~__PERCPU_REF_ATOMIC, __ATOMIC_RELEASE);
	trace_event(ref_percpu, ref, 0, 0);
}

/* With the switch lock held: wait until no switch of `ref` is in flight.
 * Drops and retakes the lock. */
static void wait_for_switch(struct percpu_ref *ref, unsigned long *flags)
{
	while (ref->confirm_switch) {
		if (rcu_read_lock_held())
			panic("percpu_ref %p: waiting for its mode switch inside an RCU "
			      "read-side section would never end (release %ps)",
			      ref, ref->release);
		spin_unlock_irqrestore(&percpu_ref_switch_lock, *flags);
		rcu_barrier();		/* the switch's callback has run */
		spin_lock_irqsave(&percpu_ref_switch_lock, *flags);
	}
}

/* The mode the ref should be in now; returns what to confirm after unlocking. */
static percpu_ref_func_t *__percpu_ref_switch_mode(struct percpu_ref *ref,
						   percpu_ref_func_t *confirm,
						   unsigned long *flags)
{
	wait_for_switch(ref, flags);
	if (ref->force_atomic || (mode_word(ref) & __PERCPU_REF_DEAD))
		return __percpu_ref_switch_to_atomic(ref, confirm);
	__percpu_ref_switch_to_percpu(ref);
	return NULL;
}

void percpu_ref_switch_to_atomic(struct percpu_ref *ref,
				 percpu_ref_func_t *confirm_switch)
{
	percpu_ref_func_t *confirm_now;
	unsigned long flags;

	spin_lock_irqsave(&percpu_ref_switch_lock, flags);
	ref->force_atomic = true;
	confirm_now = __percpu_ref_switch_mode(ref, confirm_switch, &flags);
	spin_unlock_irqrestore(&percpu_ref_switch_lock, flags);
	if (confirm_now)
		confirm_now(ref);
}

void percpu_ref_switch_to_atomic_sync(struct percpu_ref *ref)
{
	unsigned long flags;

	percpu_ref_switch_to_atomic(ref, NULL);
	spin_lock_irqsave(&percpu_ref_switch_lock, flags);
	wait_for_switch(ref, &flags);
	spin_unlock_irqrestore(&percpu_ref_switch_lock, flags);
}

void percpu_ref_switch_to_percpu(struct percpu_ref *ref)
{
	unsigned long flags;

	spin_lock_irqsave(&percpu_ref_switch_lock, flags);
	ref->force_atomic = false;
	__percpu_ref_switch_mode(ref, NULL, &flags);
	spin_unlock_irqrestore(&percpu_ref_switch_lock, flags);
}

void percpu_ref_kill_and_confirm(struct percpu_ref *ref,
				 percpu_ref_func_t *confirm_kill)
{
	percpu_ref_func_t *confirm_now;
	unsigned long flags;

	spin_lock_irqsave(&percpu_ref_switch_lock, flags);
	WARN(mode_word(ref) & __PERCPU_REF_DEAD,
	     "percpu_ref_kill(%p) called more than once (release %ps), from %pS",
	     ref, ref->release, __builtin_return_address(0));
	set_mode_word(ref, mode_word(ref) | __PERCPU_REF_DEAD, __ATOMIC_RELAXED);
	trace_event(ref_kill, ref, 0, 0);
	wait_for_switch(ref, &flags);
	/*
	 * One read-side section from before call_rcu() to after the put of
	 * the initial reference: the switch's grace period cannot end before
	 * that put is in the count, so the sum lands on a count without it
	 * and an underflow shows as <= 0. (Linux gets the same from its
	 * irq-disabled lock, which is an RCU-sched reader.)
	 */
	rcu_read_lock();
	confirm_now = __percpu_ref_switch_mode(ref, confirm_kill, &flags);
	spin_unlock_irqrestore(&percpu_ref_switch_lock, flags);

	if (confirm_now)
		confirm_now(ref);
	percpu_ref_put(ref);	/* the initial reference: release may run */
	rcu_read_unlock();
}

void percpu_ref_resurrect(struct percpu_ref *ref)
{
	unsigned long flags;

	spin_lock_irqsave(&percpu_ref_switch_lock, flags);
	WARN(!(mode_word(ref) & __PERCPU_REF_DEAD),
	     "percpu_ref_resurrect(%p) of a live ref (release %ps)", ref, ref->release);
	if (WARN(!counters_of(ref), "percpu_ref_resurrect(%p) (release %ps): its "
		 "counters are gone (no PERCPU_REF_ALLOW_REINIT, or exited)",
		 ref, ref->release)) {
		spin_unlock_irqrestore(&percpu_ref_switch_lock, flags);
		return;
	}
	set_mode_word(ref, mode_word(ref) & ~__PERCPU_REF_DEAD, __ATOMIC_RELAXED);
	percpu_ref_get(ref);	/* the new initial reference (atomic mode) */
	__percpu_ref_switch_mode(ref, NULL, &flags);
	spin_unlock_irqrestore(&percpu_ref_switch_lock, flags);
}

void percpu_ref_reinit(struct percpu_ref *ref)
{
	WARN(!percpu_ref_is_zero(ref), "percpu_ref_reinit(%p) (release %ps) with "
	     "count %ld: only a ref that reached zero may be reinitialised",
	     ref, ref->release, percpu_ref_atomic_count(ref));
	percpu_ref_resurrect(ref);
}

bool percpu_ref_is_zero(struct percpu_ref *ref)
{
	unsigned long __percpu *counters;

	if (__ref_is_percpu(ref, &counters))
		return false;
	/* Acquire: pairs with the release of the put that reached zero. */
	return __atomic_load_n(&ref->count, __ATOMIC_ACQUIRE) == 0;
}

long percpu_ref_atomic_count(struct percpu_ref *ref)
{
	return (long)__atomic_load_n(&ref->count, __ATOMIC_RELAXED);
}

long percpu_ref_sum(struct percpu_ref *ref)
{
	unsigned long __percpu *counters;
	unsigned long sum;

	rcu_read_lock();
	sum = __atomic_load_n(&ref->count, __ATOMIC_RELAXED);
	counters = counters_of(ref);
	/*
	 * The bias is in the count in per-CPU mode, and in atomic mode too
	 * until the switch's callback has added the counters' sum (which
	 * takes it out): then count less bias plus the counters is the value.
	 * Without the bias (its top bit clear, for any count the kernel can
	 * reach) the count alone is.
	 */
	if ((long)sum < -(1L << 62) && counters) {
		sum -= PERCPU_COUNT_BIAS;
		for (unsigned int cpu = 0; cpu < nr_cpu_ids; cpu++)
			sum += __atomic_load_n(per_cpu_ptr(counters, cpu), __ATOMIC_RELAXED);
	}
	rcu_read_unlock();
	return (long)sum;
}
