/*
 * The sleeping reader-writer semaphore of kernel/rwsem.h, on a wait
 * queue (kernel/wait.h).
 *
 * The fast paths are one compare-exchange; the slow paths are
 * wait_event() with the trylock as the condition, so the usual wait-queue
 * protocol (queue, sleep state with a barrier, try again, schedule)
 * prevents lost wake-ups. A writer that has to wait raises RWSEM_WAITING
 * before every try, which keeps new readers out; a writer that gets the
 * semaphore clears it (it stores RWSEM_WRITER alone), and any other
 * writer still waiting raises it again on its next try.
 */
#include <kernel/rwsem.h>
#include <kernel/sched.h>
#include <asm/barrier.h>

void init_rwsem(struct rw_semaphore *sem)
{
	__atomic_store_n(&sem->count, 0, __ATOMIC_RELAXED);
	init_waitqueue_head(&sem->wait);
}

/* The condition of a waiting writer: announce it, then try. */
static bool write_wait_try(struct rw_semaphore *sem)
{
	__atomic_fetch_or(&sem->count, RWSEM_WAITING, __ATOMIC_RELAXED);
	return down_write_trylock(sem);
}

void down_read(struct rw_semaphore *sem)
{
	might_sleep();
	if (!down_read_trylock(sem))
		wait_event(sem->wait, down_read_trylock(sem));
}

void down_write(struct rw_semaphore *sem)
{
	might_sleep();
	if (!down_write_trylock(sem))
		wait_event(sem->wait, write_wait_try(sem));
}

/*
 * After the change, a full barrier, then the look for sleepers: pairs
 * with the barrier a sleeper's prepare_to_wait() puts between queueing
 * itself and its last try (see the header).
 */
static void wake_sleepers(struct rw_semaphore *sem)
{
	smp_mb();
	if (waitqueue_active(&sem->wait))
		wake_up_all(&sem->wait);
}

void up_read(struct rw_semaphore *sem)
{
	unsigned int v = __atomic_sub_fetch(&sem->count, 1, __ATOMIC_RELEASE);

	if (!(v & RWSEM_READERS))
		wake_sleepers(sem);
}

void up_write(struct rw_semaphore *sem)
{
	__atomic_fetch_and(&sem->count, ~RWSEM_WRITER, __ATOMIC_RELEASE);
	wake_sleepers(sem);
}
