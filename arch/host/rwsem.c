/*
 * Host build: kernel/rwsem.h for host threads. The states and the
 * trylocks are the kernel's; where the kernel sleeps on the wait queue,
 * a host thread yields its CPU and tries again (the wait queue is not
 * used: the host has no scheduler to sleep in).
 */
#include <sched.h>
#include <lib/list.h>
#include <kernel/rwsem.h>

void init_rwsem(struct rw_semaphore *sem)
{
	__atomic_store_n(&sem->count, 0, __ATOMIC_RELAXED);
	INIT_LIST_HEAD(&sem->wait.list);
}

void down_read(struct rw_semaphore *sem)
{
	while (!down_read_trylock(sem))
		sched_yield();
}

void down_write(struct rw_semaphore *sem)
{
	while (!down_write_trylock(sem)) {
		__atomic_fetch_or(&sem->count, RWSEM_WAITING, __ATOMIC_RELAXED);
		sched_yield();
	}
}

void up_read(struct rw_semaphore *sem)
{
	__atomic_fetch_sub(&sem->count, 1, __ATOMIC_RELEASE);
}

void up_write(struct rw_semaphore *sem)
{
	__atomic_fetch_and(&sem->count, ~RWSEM_WRITER, __ATOMIC_RELEASE);
}
