/*
 * spinlock_t: a short critical section that other CPUs and interrupt
 * handlers exclude themselves from.
 *
 *   static DEFINE_SPINLOCK(lock);
 *   unsigned long flags;
 *
 *   spin_lock_irqsave(&lock, flags);     masks interrupts on this CPU,
 *   ... short, never sleeps ...          then spins until the lock is free
 *   spin_unlock_irqrestore(&lock, flags);
 *
 * Acquire on lock, release on unlock: everything written while holding
 * the lock is visible to the next holder (the pair of every lock is the
 * previous holder's unlock).
 *
 * For now a test-and-set lock written with compiler atomics, correct on
 * any number of CPUs and on host threads (where ThreadSanitizer sees the
 * acquire/release pairs) but not fair. The SMP step brings the real one
 * (ticket or queued, lock debugging) behind this same interface; mm's
 * mm_lock (mm/mm_lock.h) can then become an alias of it.
 */
#ifndef LIB_SPINLOCK_H
#define LIB_SPINLOCK_H

#include <lib/compiler.h>
#include <asm/cpu.h>

typedef struct {
	int locked;			/* 0 free, 1 held; atomic */
} spinlock_t;

#define __SPIN_LOCK_UNLOCKED	{ 0 }
#define DEFINE_SPINLOCK(name)	spinlock_t name = __SPIN_LOCK_UNLOCKED

static inline void spin_lock_init(spinlock_t *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELAXED);
}

static inline void spin_lock(spinlock_t *l)
{
	/* Spin on a plain read so the cache line is not bounced by writes. */
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE)) {
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			cpu_relax();
	}
}

static inline void spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

#define spin_lock_irqsave(l, flags) do {				\
	(flags) = arch_irq_save();					\
	spin_lock(l);							\
} while (0)

#define spin_unlock_irqrestore(l, flags) do {				\
	spin_unlock(l);							\
	arch_irq_restore(flags);					\
} while (0)

/* For assertions only: somebody (maybe not the caller) holds it. */
static inline bool spin_is_locked(spinlock_t *l)
{
	return __atomic_load_n(&l->locked, __ATOMIC_RELAXED) != 0;
}

#endif /* LIB_SPINLOCK_H */
