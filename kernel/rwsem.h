/*
 * struct rw_semaphore: many readers or one writer, and whoever finds it
 * taken sleeps (Linux's rwsem). The lock of an address space's regions
 * (mm->mmap_lock, mm/mmap_lock.h) is one.
 *
 *   down_read(&sem);  ... readers run side by side ...  up_read(&sem);
 *   down_write(&sem); ... alone ...                     up_write(&sem);
 *
 * The state is one word: the number of readers inside, plus RWSEM_WRITER
 * while a writer holds it and RWSEM_WAITING while a writer waits. A
 * waiting writer keeps new readers out, so a stream of readers cannot
 * starve it (readers already inside finish first). Taking it is one
 * compare-exchange when it is free; otherwise the caller sleeps on the
 * semaphore's wait queue until an up_*() that may have freed it wakes
 * every sleeper, and each tries again (wait_event with the try as its
 * condition).
 *
 * Ordering: acquire on every down, release on every up: a reader sees
 * what the last writer wrote before up_write(), a writer what every
 * earlier holder wrote. The lost wake-up: an up_*() makes its change
 * with a full barrier, then looks for sleepers; a sleeper queues itself
 * with a full barrier (prepare_to_wait), then tries again. Each side's
 * barrier pairs with the other's, so either the sleeper's try succeeds
 * or the up_*() sees it queued and wakes it.
 *
 * Rules: down_*() may sleep: process context, preemptible (might_sleep
 * warns otherwise); use the trylocks elsewhere. Not recursive: a reader
 * that takes it again while a writer waits deadlocks. up_*() may be
 * called from any context.
 *
 * Implementation: kernel/rwsem.c, on the host too (whose schedule()
 * blocks on a futex, 1 ms at a time: arch/host/sched.c).
 */
#ifndef KERNEL_RWSEM_H
#define KERNEL_RWSEM_H

#include <lib/compiler.h>
#include <kernel/wait.h>

#define RWSEM_WRITER	0x80000000u
#define RWSEM_WAITING	0x40000000u
#define RWSEM_READERS	0x3fffffffu

struct rw_semaphore {
	unsigned int count;		/* (a) readers | RWSEM_WRITER | RWSEM_WAITING */
	wait_queue_head_t wait;		/* who found it taken */
};

void init_rwsem(struct rw_semaphore *sem);

void down_read(struct rw_semaphore *sem);
/* The acquiring CAS pairs with the release in up_read()/up_write(). */
static inline bool down_read_trylock(struct rw_semaphore *sem)
{
	unsigned int v = __atomic_load_n(&sem->count, __ATOMIC_RELAXED);

	while (!(v & (RWSEM_WRITER | RWSEM_WAITING))) {
		if (__atomic_compare_exchange_n(&sem->count, &v, v + 1, false,
						__ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			return true;
	}
	return false;
}
void up_read(struct rw_semaphore *sem);

void down_write(struct rw_semaphore *sem);
static inline bool down_write_trylock(struct rw_semaphore *sem)
{
	unsigned int v = __atomic_load_n(&sem->count, __ATOMIC_RELAXED);

	while (!(v & (RWSEM_WRITER | RWSEM_READERS))) {
		if (__atomic_compare_exchange_n(&sem->count, &v, RWSEM_WRITER, false,
						__ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			return true;
	}
	return false;
}
void up_write(struct rw_semaphore *sem);

/* For assertions only. */
static inline bool rwsem_is_locked(struct rw_semaphore *sem)
{
	return __atomic_load_n(&sem->count, __ATOMIC_RELAXED) &
	       (RWSEM_WRITER | RWSEM_READERS);
}

static inline bool rwsem_is_write_locked(struct rw_semaphore *sem)
{
	return __atomic_load_n(&sem->count, __ATOMIC_RELAXED) & RWSEM_WRITER;
}

#endif /* KERNEL_RWSEM_H */
