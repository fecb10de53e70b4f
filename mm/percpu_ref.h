/*
 * percpu_ref: a reference count that costs a per-CPU add while the object
 * lives, and becomes an ordinary atomic count when it is being torn down.
 * (Linux: include/linux/percpu-refcount.h; same names and semantics.)
 *
 * The life story of a ref:
 *
 *  1. percpu_ref_init(ref, release, 0): the owner holds the *initial
 *     reference*; the ref is in per-CPU mode.
 *
 *  2. percpu_ref_get()/put() while the owner keeps its reference: each is
 *     one add to this CPU's counter inside an RCU read-side section; no
 *     shared cache line is written. A get on one CPU and its put on
 *     another leave one counter at +1 and the other at -1: no single
 *     counter means anything, only their sum does, so nothing can notice
 *     the count reaching zero, and nothing tries.
 *
 *  3. percpu_ref_kill(ref): the owner marks the ref DEAD and asks for the
 *     switch to atomic mode. New gets and puts go to the atomic count at
 *     once; but a CPU may be in the middle of a per-CPU get/put that read
 *     the old mode, so the per-CPU counters cannot be summed yet. The
 *     switch waits one RCU grace period (call_rcu), after which every such
 *     section has ended; then it adds the sum of the per-CPU counters to
 *     the atomic count, in one add. Meanwhile the atomic count carries a
 *     large bias (2^63) so that puts landing on it before the sum cannot
 *     drive it to zero; the same add removes the bias. Finally kill drops
 *     the owner's initial reference.
 *
 *  4. Once the switch is confirmed (confirm_kill, see kill_and_confirm),
 *     percpu_ref_tryget_live() fails on every CPU: no new user can come.
 *     Existing holders keep putting (percpu_ref_tryget() may still win
 *     while the count is not zero: a holder may take more).
 *
 *  5. When the atomic count reaches zero, release(ref) runs, exactly once.
 *     If the sum added at the switch leaves the count at zero or below,
 *     somebody put a reference they never got: the switch WARNs, naming
 *     the ref, its release function and the count. That warning is how
 *     the pmem use-after-free was found (docs/percpu.md): the count
 *     reached zero while pages were still pinned.
 *
 *  6. percpu_ref_exit(ref) frees the per-CPU counters (usually from
 *     release, or when an init must be undone). A ref initialised with
 *     PERCPU_REF_ALLOW_REINIT may instead be percpu_ref_reinit()ed after
 *     reaching zero: back to step 2.
 *
 * Modes may also be switched without a kill (switch_to_atomic /
 * switch_to_percpu): the count is the same in both, only its cost moves.
 *
 * Fields of struct percpu_ref, and how they may be accessed (the letters:
 * docs/layout.md, "Field legends"):
 *   (i) set by init, read-only afterwards
 *   (a) atomic read-modify-write only
 *   (L) under percpu_ref_switch_lock (mm/percpu_ref.c)
 *   (L/a) the mode word: written under percpu_ref_switch_lock, read
 *       without any lock, once per get/put, with an acquire load
 *   (o) the owner's: the switch in flight owns it, from call_rcu to its
 *       callback
 */
#ifndef MM_PERCPU_REF_H
#define MM_PERCPU_REF_H

#include <lib/compiler.h>
#include <kernel/rcu.h>
#include <mm/percpu.h>
#include <lib/trace.h>

struct percpu_ref;
typedef void (percpu_ref_func_t)(struct percpu_ref *ref);

/* Low bits of percpu_count_ptr; the counters are 8-byte aligned. */
#define __PERCPU_REF_ATOMIC		1UL	/* gets/puts use `count` */
#define __PERCPU_REF_DEAD		2UL	/* killed (or being killed) */
#define __PERCPU_REF_ATOMIC_DEAD	(__PERCPU_REF_ATOMIC | __PERCPU_REF_DEAD)
#define __PERCPU_REF_FLAG_MASK		__PERCPU_REF_ATOMIC_DEAD

/* percpu_ref_init() flags */
#define PERCPU_REF_INIT_ATOMIC	0x1	/* start in atomic mode (count 1); stays
					 * atomic until switch_to_percpu() */
#define PERCPU_REF_INIT_DEAD	0x2	/* start killed, count 0: reinit() to use;
					 * implies ALLOW_REINIT */
#define PERCPU_REF_ALLOW_REINIT	0x4	/* keep the counters after a kill, so that
					 * reinit()/resurrect() work */

struct percpu_ref {
	unsigned long percpu_count_ptr;		/* (L/a) counters' template address | mode */
	unsigned long count;			/* (a) atomic count, read as signed;
						 *     + bias in per-CPU mode */
	percpu_ref_func_t *release;		/* (i) at zero, once */
	percpu_ref_func_t *confirm_switch;	/* (L) set while a switch is in flight;
						 *     its callback, which owns the
						 *     switch, calls it without the lock */
	bool force_atomic;			/* (L) stay atomic: switch_to_atomic() */
	bool allow_reinit;			/* (L) counters survive a kill */
	struct rcu_head rcu;			/* (o) the switch's grace period */
};

/*
 * Set up `ref` holding one reference (the owner's), or none with
 * PERCPU_REF_INIT_DEAD. release runs when the count reaches zero after a
 * kill (or, in atomic mode, whenever it does). It may run from an RCU
 * callback, from any put, or from percpu_ref_kill(), inside an RCU
 * read-side section: it must not sleep or wait for a grace period (it may
 * call_rcu). No percpu_ref lock is held, so it may call percpu_ref_exit().
 * Returns 0, or -ENOMEM when the per-CPU counters cannot be allocated.
 */
int percpu_ref_init(struct percpu_ref *ref, percpu_ref_func_t *release,
		    unsigned int flags);
/*
 * Free the counters; `ref` must no longer be used (from release, or to
 * undo an init). The count stays readable (percpu_ref_is_zero()). Warns
 * if a mode switch is still in flight: its callback would use `ref`.
 */
void percpu_ref_exit(struct percpu_ref *ref);

/*
 * Switch to atomic mode and stay there (across kill and reinit) until
 * percpu_ref_switch_to_percpu(). confirm_switch(ref), if given, runs once
 * the switch is complete: after a grace period, from an RCU callback; or
 * at once if the ref is already atomic. Does not block unless another
 * switch of `ref` is in flight (then waits for it: process context, no
 * RCU read-side section).
 */
void percpu_ref_switch_to_atomic(struct percpu_ref *ref,
				 percpu_ref_func_t *confirm_switch);
/* The same, and wait until the switch is complete. May wait (see above). */
void percpu_ref_switch_to_atomic_sync(struct percpu_ref *ref);
/*
 * Go back to per-CPU mode, now if the ref is live, otherwise when it is
 * reinitialised. The count is kept. Waits for a switch in flight.
 */
void percpu_ref_switch_to_percpu(struct percpu_ref *ref);

/*
 * Start the teardown: mark the ref DEAD, switch it to atomic mode and
 * drop the initial reference. confirm_kill(ref), if given, runs when
 * every CPU is guaranteed to see DEAD, i.e. percpu_ref_tryget_live()
 * fails everywhere (after a grace period, from an RCU callback; at once,
 * inside an RCU read-side section, if the ref was atomic already); it
 * must not sleep. Call once (a second kill WARNs).
 * The caller's reference is gone on return: use the ref only through
 * references it still holds. Blocks only if a switch is in flight.
 */
void percpu_ref_kill_and_confirm(struct percpu_ref *ref,
				 percpu_ref_func_t *confirm_kill);

static inline void percpu_ref_kill(struct percpu_ref *ref)
{
	percpu_ref_kill_and_confirm(ref, NULL);
}

/*
 * Back to life after a kill, with one reference (the owner's) added to
 * the count; per-CPU mode again unless switch_to_atomic() made it sticky.
 * resurrect: from any count (the ref must be DEAD and keep its counters:
 * PERCPU_REF_ALLOW_REINIT or an INIT_ATOMIC/INIT_DEAD start). reinit:
 * the same, but the count must have reached zero (WARNs otherwise).
 */
void percpu_ref_resurrect(struct percpu_ref *ref);
void percpu_ref_reinit(struct percpu_ref *ref);

/* True once the ref is in atomic mode with a count of zero. */
bool percpu_ref_is_zero(struct percpu_ref *ref);

/*
 * The atomic count, for tests and diagnostics: exact once the ref is in
 * atomic mode and no switch is in flight; meaningless in per-CPU mode.
 */
long percpu_ref_atomic_count(struct percpu_ref *ref);

/*
 * The count as it stands, in either mode and in the middle of a switch,
 * without a switch of its own: while the bias is in the atomic count (per-
 * CPU mode, and a switch to atomic mode until its callback), that count
 * less the bias plus every CPU's counter, read one after another; else the
 * atomic count. Exact only while no one gets or puts; for snapshots
 * (`trace on`) and diagnostics, never for decisions.
 */
long percpu_ref_sum(struct percpu_ref *ref);

/* --- the fast paths ------------------------------------------------------ */

/*
 * Per-CPU mode? Then *counters is the template address of the counters.
 * The caller must be in an RCU read-side section: it may use the counters
 * until the section ends, and no longer. The acquire pairs with the
 * store-release in switch_to_percpu: counters seen in per-CPU mode have
 * been zeroed.
 */
static inline bool __ref_is_percpu(struct percpu_ref *ref,
				   unsigned long __percpu **counters)
{
	unsigned long v = __atomic_load_n(&ref->percpu_count_ptr, __ATOMIC_ACQUIRE);

	if (unlikely(v & __PERCPU_REF_ATOMIC_DEAD))
		return false;
	*counters = (unsigned long __percpu *)v;
	return true;
}

/*
 * Take `nr` references. The caller must already hold one, or know the ref
 * is live (not yet killed): a get never fails, even on a dead ref.
 */
static inline void percpu_ref_get_many(struct percpu_ref *ref, unsigned long nr)
{
	unsigned long __percpu *counters;

	rcu_read_lock();
	if (__ref_is_percpu(ref, &counters))
		this_cpu_add(*counters, nr);
	else
		__atomic_fetch_add(&ref->count, nr, __ATOMIC_RELAXED);
	rcu_read_unlock();
}

static inline void percpu_ref_get(struct percpu_ref *ref)
{
	percpu_ref_get_many(ref, 1);
}

/*
 * Atomic count + 1 unless it is 0; fully ordered when it succeeds, so the
 * new holder sees what earlier holders did before their puts (pairs with
 * the acq_rel decrement in percpu_ref_put_many()).
 */
static inline bool __percpu_ref_inc_not_zero(unsigned long *count)
{
	unsigned long v = __atomic_load_n(count, __ATOMIC_RELAXED);

	do {
		if (!v)
			return false;
	} while (!__atomic_compare_exchange_n(count, &v, v + 1, true,
					      __ATOMIC_SEQ_CST, __ATOMIC_RELAXED));
	return true;
}

/*
 * Take a reference unless the count has reached zero: succeeds while the
 * ref is alive or dying with references left. Any context.
 */
static inline bool percpu_ref_tryget(struct percpu_ref *ref)
{
	unsigned long __percpu *counters;
	bool ok = true;

	rcu_read_lock();
	if (__ref_is_percpu(ref, &counters))
		this_cpu_inc(*counters);
	else
		ok = __percpu_ref_inc_not_zero(&ref->count);
	rcu_read_unlock();
	return ok;
}

/*
 * Take a reference only if the ref is not DEAD. May still succeed on a
 * CPU that has not seen the kill yet; fails everywhere once the kill is
 * confirmed. How lookups refuse a device that is going away. Any context.
 */
static inline bool percpu_ref_tryget_live(struct percpu_ref *ref)
{
	unsigned long __percpu *counters;
	bool ok = false;

	rcu_read_lock();
	if (__ref_is_percpu(ref, &counters)) {
		this_cpu_inc(*counters);
		ok = true;
	} else if (!(__atomic_load_n(&ref->percpu_count_ptr, __ATOMIC_RELAXED) &
		     __PERCPU_REF_DEAD)) {
		ok = __percpu_ref_inc_not_zero(&ref->count);
	}
	rcu_read_unlock();
	return ok;
}

/*
 * Drop `nr` references the caller holds. In atomic mode the put that
 * reaches zero calls release. The acq_rel decrement pairs with the
 * decrements of every other put: everything done under a reference
 * happens before release runs. Any context.
 */
static inline void percpu_ref_put_many(struct percpu_ref *ref, unsigned long nr)
{
	unsigned long __percpu *counters;

	rcu_read_lock();
	if (__ref_is_percpu(ref, &counters))
		this_cpu_sub(*counters, nr);
	else if (unlikely(__atomic_sub_fetch(&ref->count, nr, __ATOMIC_ACQ_REL) == 0)) {
		trace_event(ref_release, ref, 0, 0);
		ref->release(ref);
	}
	rcu_read_unlock();
}

static inline void percpu_ref_put(struct percpu_ref *ref)
{
	percpu_ref_put_many(ref, 1);
}

/* Has the ref been killed? Racy unless the caller serialises with kill. */
static inline bool percpu_ref_is_dying(struct percpu_ref *ref)
{
	return __atomic_load_n(&ref->percpu_count_ptr, __ATOMIC_RELAXED) &
	       __PERCPU_REF_DEAD;
}

#endif /* MM_PERCPU_REF_H */
