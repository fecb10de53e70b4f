/*
 * mm_lock: the lock of a zone, of a kmalloc cache and of the memmap's
 * section table.
 *
 * A test-and-set spinlock that also masks interrupts on this CPU while it
 * is held, so an interrupt handler that allocates cannot deadlock against
 * the code it interrupted. Held for short, bounded stretches only (list
 * splices, counter updates, at most one line of a misuse report); never
 * across poisoning or checking a page.
 *
 * This is the one place the memory manager's locking is written. It is the
 * same lock as lib/spinlock.h; when that one becomes the SMP step's real
 * lock, this file becomes a thin alias of it and no caller changes.
 * Acquire on lock, release on unlock: everything written under the lock
 * is visible to the next holder.
 */
#ifndef MM_MM_LOCK_H
#define MM_MM_LOCK_H

#include <lib/compiler.h>
#include <asm/cpu.h>

struct mm_lock {
	int locked;			/* 0 free, 1 held (atomic) */
};

#define MM_LOCK_INIT	{ 0 }

static inline void mm_lock_init(struct mm_lock *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELAXED);
}

/* Take the lock with interrupts masked; returns what to restore. */
static inline unsigned long mm_lock_irqsave(struct mm_lock *l)
{
	unsigned long flags = arch_irq_save();

	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE)) {
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			cpu_relax();
	}
	return flags;
}

static inline void mm_unlock_irqrestore(struct mm_lock *l, unsigned long flags)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
	arch_irq_restore(flags);
}

/* For assertions: is somebody holding it? */
static inline bool mm_lock_is_held(struct mm_lock *l)
{
	return __atomic_load_n(&l->locked, __ATOMIC_RELAXED) != 0;
}

#endif /* MM_MM_LOCK_H */
