/*
 * spinlock_t: a short critical section that other CPUs and interrupt
 * handlers exclude themselves from.
 *
 *   static DEFINE_SPINLOCK(lock);
 *   unsigned long flags;
 *
 *   spin_lock_irqsave(&lock, flags);     masks interrupts on this CPU,
 *   ... short, never sleeps ...          then waits its turn
 *   spin_unlock_irqrestore(&lock, flags);
 *
 * Which variant: plain spin_lock() when no interrupt handler takes the
 * lock; spin_lock_irqsave() when one does (else the handler could spin
 * forever on the lock its own CPU holds); spin_lock_irq() /
 * spin_unlock_irq() when the caller knows interrupts are on. Never wait
 * for another CPU (an IPI, a flag) while holding a lock that CPU may want.
 *
 * A ticket lock, so waiters are served in the order they arrived (fair):
 * taking the lock draws the next ticket (one atomic fetch-add on `next`),
 * then waits until `owner`, the ticket being served, reaches it;
 * unlocking serves the next ticket. Waiters only read `owner`, so while
 * they spin the cache line stays shared until the one store that hands
 * the lock on.
 *
 * Ordering: the load of `owner` that sees our ticket is an acquire, the
 * store in unlock a release; each lock's acquire pairs with the previous
 * holder's unlock, so everything written while holding the lock is
 * visible to the next holder.
 *
 * Debugging, always on and cheap: the holder records where it took the
 * lock and on which CPU. A waiter that has spun for more than
 * spin_stall_threshold_ns (5 s) prints, once, the lock, who holds it and
 * from where, and who waits (lib/spinlock.c), counts it in the lock's
 * `stalls`, then keeps waiting.
 *
 * Written with the compiler's __atomic builtins and cpu_relax() only, so
 * the same lock runs on host threads, where ThreadSanitizer checks the
 * acquire/release pairs.
 *
 * Fields (the FreeBSD legend: how each may be read and written; the
 * letters: docs/layout.md, "Field legends"):
 *   (a)    atomic;
 *   (o/a)  written by the owner, the lock's holder, only; read atomically
 *          by anyone.
 */
#ifndef LIB_SPINLOCK_H
#define LIB_SPINLOCK_H

#include <lib/compiler.h>
#include <asm/cpu.h>
#include <asm/percpu.h>

typedef struct {
	unsigned int next;		/* (a) the ticket the next arrival draws */
	unsigned int owner;		/* (o/a) the ticket being served */
	unsigned int holder_cpu;	/* (o/a) debug: CPU of the holder */
	unsigned int stalls;		/* (a) debug: waits on this lock reported as stalls */
	unsigned long holder_ip;	/* (o/a) debug: where it was taken, 0 if free */
} spinlock_t;

#define __SPIN_LOCK_UNLOCKED	{ 0, 0, 0, 0, 0 }
#define DEFINE_SPINLOCK(name)	spinlock_t name = __SPIN_LOCK_UNLOCKED

/* Waits longer than this are reported (lib/spinlock.c); tests lower it. */
extern uint64_t spin_stall_threshold_ns;
/* How many stalls were reported since boot, all locks (atomic); each
 * lock's own count is its `stalls`. */
extern unsigned long spin_stall_reports;

/* The slow path: wait for `ticket` (lib/spinlock.c). */
void spin_lock_wait(spinlock_t *l, unsigned int ticket, unsigned long ip);

static inline void spin_lock_init(spinlock_t *l)
{
	*l = (spinlock_t)__SPIN_LOCK_UNLOCKED;
}

static inline void __spin_set_holder(spinlock_t *l, unsigned long ip)
{
	__atomic_store_n(&l->holder_cpu, smp_processor_id(), __ATOMIC_RELAXED);
	__atomic_store_n(&l->holder_ip, ip, __ATOMIC_RELAXED);
}

static inline void __spin_lock(spinlock_t *l, unsigned long ip)
{
	unsigned int ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);

	/* Acquire: pairs with the release in the previous holder's unlock. */
	if (unlikely(__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket))
		spin_lock_wait(l, ticket, ip);
	__spin_set_holder(l, ip);
}

/* Take the lock if it is free right now; true if taken. */
static inline bool __spin_trylock(spinlock_t *l, unsigned long ip)
{
	/* Acquire: pairs with the release in the previous holder's unlock. */
	unsigned int owner = __atomic_load_n(&l->owner, __ATOMIC_ACQUIRE);

	/*
	 * Free means nobody holds or waits: next == owner. Drawing ticket
	 * `owner` then is taking the lock; if someone drew it first, next
	 * moved and the compare fails.
	 */
	if (!__atomic_compare_exchange_n(&l->next, &owner, owner + 1, false,
					 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return false;
	__spin_set_holder(l, ip);
	return true;
}

static inline void spin_unlock(spinlock_t *l)
{
	unsigned int owner = __atomic_load_n(&l->owner, __ATOMIC_RELAXED);

	__atomic_store_n(&l->holder_ip, 0, __ATOMIC_RELAXED);
	/* Release: pairs with the acquire of the next holder's lock. */
	__atomic_store_n(&l->owner, owner + 1, __ATOMIC_RELEASE);
}

/* Macros, so the holder's recorded address is the caller's. */
#define spin_lock(l)		__spin_lock((l), _THIS_IP_)
#define spin_trylock(l)		__spin_trylock((l), _THIS_IP_)

#define spin_lock_irqsave(l, flags) do {				\
	(flags) = arch_irq_save();					\
	__spin_lock((l), _THIS_IP_);					\
} while (0)

#define spin_unlock_irqrestore(l, flags) do {				\
	spin_unlock(l);							\
	arch_irq_restore(flags);					\
} while (0)

#define spin_trylock_irqsave(l, flags) ({				\
	bool __ok;							\
	(flags) = arch_irq_save();					\
	__ok = __spin_trylock((l), _THIS_IP_);				\
	if (!__ok)							\
		arch_irq_restore(flags);				\
	__ok;								\
})

/* For callers that know interrupts are enabled. */
#define spin_lock_irq(l) do {						\
	arch_irq_disable();						\
	__spin_lock((l), _THIS_IP_);					\
} while (0)

#define spin_unlock_irq(l) do {						\
	spin_unlock(l);							\
	arch_irq_enable();						\
} while (0)

/*
 * For a lock whose holder may never let go (a fault inside the section,
 * on this CPU or another; a CPU that died holding it), where going on
 * without it beats waiting forever (printk's, the shell terminal's): try
 * for at most wait_ns (max_spins turns while the clock reads 0, before it
 * is calibrated). A wait that runs out marks the lock broken (*broken,
 * atomic); while it stays taken, later callers try once and do not wait
 * again. Whoever gets it next clears the mark. Only ever a trylock, so
 * never the stall report (which prints).
 */
enum spin_bounded {
	SPIN_BOUNDED_FAILED,		/* not taken: go on without it */
	SPIN_BOUNDED_LOCKED,		/* taken */
	SPIN_BOUNDED_RECOVERED,		/* taken, after it was marked broken: others
					 * went on without it meanwhile */
};
enum spin_bounded __spin_lock_bounded(spinlock_t *l, bool *broken, uint64_t wait_ns,
				      unsigned long max_spins, unsigned long ip);
#define spin_lock_bounded(l, broken, wait_ns, max_spins) \
	__spin_lock_bounded((l), (broken), (wait_ns), (max_spins), _THIS_IP_)

/* For assertions only: somebody (maybe not the caller) holds it. */
static inline bool spin_is_locked(spinlock_t *l)
{
	return __atomic_load_n(&l->next, __ATOMIC_RELAXED) !=
	       __atomic_load_n(&l->owner, __ATOMIC_RELAXED);
}

#endif /* LIB_SPINLOCK_H */
