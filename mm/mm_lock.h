/*
 * mm_lock: the lock of a zone, of a kmalloc cache and of the memmap's
 * section table.
 *
 * The kernel's spinlock (lib/spinlock.h: a fair ticket lock that records
 * its holder and reports a waiter stalled for seconds) taken with
 * interrupts masked on this CPU, so an interrupt handler that allocates
 * cannot deadlock against the code it interrupted. Held for short,
 * bounded stretches only (list splices, counter updates, at most one line
 * of a misuse report); never across poisoning or checking a page.
 *
 * This is the one place the memory manager's locking is written; it stays
 * a thin alias so that the memory manager can change its locking (a
 * per-CPU page list, say) without touching every caller.
 * Acquire on lock, release on unlock: everything written under the lock
 * is visible to the next holder.
 */
#ifndef MM_MM_LOCK_H
#define MM_MM_LOCK_H

#include <lib/compiler.h>
#include <lib/spinlock.h>

struct mm_lock {
	spinlock_t lock;
};

#define MM_LOCK_INIT	{ __SPIN_LOCK_UNLOCKED }

static inline void mm_lock_init(struct mm_lock *l)
{
	spin_lock_init(&l->lock);
}

/* Take the lock with interrupts masked; returns what to restore. */
static inline unsigned long mm_lock_irqsave(struct mm_lock *l)
{
	unsigned long flags;

	spin_lock_irqsave(&l->lock, flags);
	return flags;
}

static inline void mm_unlock_irqrestore(struct mm_lock *l, unsigned long flags)
{
	spin_unlock_irqrestore(&l->lock, flags);
}

/* For assertions: is somebody holding it? */
static inline bool mm_lock_is_held(struct mm_lock *l)
{
	return spin_is_locked(&l->lock);
}

#endif /* MM_MM_LOCK_H */
