/*
 * Host build: the scheduler under the kernel's wait queues, completions,
 * rw-semaphores and kernel threads (kernel/sched.h, kernel/timer.h). The
 * host compiles kernel/wait.c, completion.c, rwsem.c, kthread.c and
 * task_mm.c as they are; this file is only what differs.
 *
 * A task is a host thread. A kernel thread (kthread_run_on()) is a
 * pthread that enters the host CPU slot it was asked for
 * (arch/host/percpu.c) and runs its function; kthread_join() joins it.
 * Any other thread (main(), a test's own) gets a task of its own the
 * first time it asks for `current` (<asm/current.h>).
 *
 * Why it differs: the host has no run queues to sleep on, and the threads
 * of one slot run side by side. So schedule() of a task that set itself
 * TASK_SLEEPING blocks on a futex on its state word, for at most 1 ms,
 * and returns running, as after a spurious wake-up; the caller looks at
 * its condition again (every wait of kernel/wait.h and kernel/completion.c
 * does). wake_up_process() sets the state back and wakes the futex. A
 * wake-up that comes first makes the futex wait return at once (the state
 * is no longer TASK_SLEEPING); the 1 ms bound keeps a wait whose
 * condition changes without a wake-up from hanging. So an idle kernel
 * thread (the probe thread, a padata worker) sleeps instead of spinning
 * through the host benchmarks it would distort. schedule_until(), the
 * timed sleep, still yields the CPU and looks again.
 * msleep() is nanosleep(); __might_sleep() checks nothing: the host's
 * __preempt_count (per slot) only marks kthread_exit()'s last steps.
 */
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <kernel/kthread.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/timer.h>
#include <lib/bug.h>
#include <lib/ktime.h>

/* kernel/preempt.h: kthread_exit() disables preemption before it ends. */
DEFINE_PER_CPU(unsigned int, __preempt_count);

static __thread struct task_struct *host_task;
static __thread struct task_struct host_thread_task;

struct task_struct *host_current(void)
{
	if (unlikely(!host_task)) {
		task_init_fields(&host_thread_task, host_cpu, NULL, NULL, 0, "host");
		host_task = &host_thread_task;
	}
	return host_task;
}

/* --- sleeping and waking --------------------------------------------------- */

#define SLEEP_POLL_NS	1000000L	/* a sleeper looks at its condition this often */

void schedule(void)
{
	struct task_struct *me = current;

	if (__atomic_load_n(&me->state, __ATOMIC_ACQUIRE) == TASK_SLEEPING) {
		struct timespec poll = { 0, SLEEP_POLL_NS };

		/* Returns at once if the state is no longer TASK_SLEEPING. */
		syscall(SYS_futex, &me->state, FUTEX_WAIT_PRIVATE, TASK_SLEEPING, &poll,
			NULL, 0);
	} else {
		sched_yield();
	}
	__set_current_state(TASK_RUNNING);
}

bool schedule_until(uint64_t deadline)
{
	bool before = ktime_get_ns() < deadline;

	if (before)
		sched_yield();
	__set_current_state(TASK_RUNNING);
	return before;
}

bool wake_up_process(struct task_struct *p)
{
	int sleeping = TASK_SLEEPING;

	if (!__atomic_compare_exchange_n(&p->state, &sleeping, TASK_RUNNING, false,
					 __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
		return false;
	syscall(SYS_futex, &p->state, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	return true;
}

void __might_sleep(unsigned long ip)
{
}

void msleep(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* --- kernel threads (kernel/kthread.c) -------------------------------------- */

bool sched_running(void)
{
	return true;
}

bool sched_cpu_active(unsigned int cpu)
{
	return cpu_online(cpu);
}

struct task_struct *sched_alloc_task(unsigned int cpu, int (*fn)(void *),
				     void *arg, unsigned int flags, const char *name)
{
	struct task_struct *p = calloc(1, sizeof(*p));

	if (p)
		task_init_fields(p, cpu, fn, arg, flags, name);
	return p;
}

static void *host_task_main(void *arg)
{
	struct task_struct *p = arg;

	host_cpu_enter(p->cpu);
	host_task = p;
	kthread_exit(p->fn(p->arg));
}

void sched_start_task(struct task_struct *p)
{
	if (pthread_create(&p->thread.pthread, NULL, host_task_main, p))
		panic("host: no thread for %s", p->name);
}

__noreturn void sched_exit_current(void)
{
	/* The count kthread_exit() raised is its slot's, which other threads
	 * share: no switch restores it here. */
	preempt_enable_no_resched();
	pthread_exit(NULL);
}

void sched_wait_off_cpu(struct task_struct *p)
{
	pthread_join(p->thread.pthread, NULL);
}

void sched_free_task(struct task_struct *p)
{
	free(p);
}
