/*
 * mm->mmap_lock: the lock of an address space's regions.
 *
 *   held for writing  to change the set of regions or their flags
 *                     (mmap, munmap, mprotect, teardown), and to unlink
 *                     and free page-table pages;
 *   held for reading  to look regions up and act on one (a fault, the
 *                     slow path of GUP); page-table entries are then
 *                     filled under mm->page_table_lock.
 *
 * A sleeping reader-writer semaphore (kernel/rwsem.h): take it in process
 * context only, preemptible, never recursively; code that may not sleep
 * (the page-fault handler when the faulting code was atomic) uses
 * mmap_read_trylock(). A thread holding it may sleep and may wait for a
 * TLB shootdown (interrupts stay on).
 */
#ifndef MM_MMAP_LOCK_H
#define MM_MMAP_LOCK_H

#include <kernel/rwsem.h>
#include <mm/mm_types.h>

static inline void mmap_lock_init(struct mm_struct *mm)
{
	init_rwsem(&mm->mmap_lock);
}

static inline void mmap_read_lock(struct mm_struct *mm)
{
	down_read(&mm->mmap_lock);
}

static inline bool mmap_read_trylock(struct mm_struct *mm)
{
	return down_read_trylock(&mm->mmap_lock);
}

static inline void mmap_read_unlock(struct mm_struct *mm)
{
	up_read(&mm->mmap_lock);
}

static inline void mmap_write_lock(struct mm_struct *mm)
{
	down_write(&mm->mmap_lock);
}

static inline void mmap_write_unlock(struct mm_struct *mm)
{
	up_write(&mm->mmap_lock);
}

/* For assertions. */
static inline bool mmap_lock_is_write_locked(struct mm_struct *mm)
{
	return rwsem_is_write_locked(&mm->mmap_lock);
}

static inline bool mmap_lock_is_locked(struct mm_struct *mm)
{
	return rwsem_is_locked(&mm->mmap_lock);
}

#endif /* MM_MMAP_LOCK_H */
