/*
 * Host build: kernel/kthread.h and msleep() of kernel/timer.h for the
 * generic code and its tests (drivers/pmem/tests/pmem_bind_stress_test.c
 * calls them). A kernel thread is a pthread that enters the host CPU slot
 * it was asked for (arch/host/percpu.c) and runs fn(arg); kthread_stop()
 * sets its stop flag and joins it; msleep() is nanosleep(). The host has
 * no scheduler, so nothing here sleeps on a wait queue.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <kernel/kthread.h>
#include <kernel/smp.h>
#include <kernel/timer.h>
#include <asm/percpu.h>

struct task_struct {
	pthread_t thread;
	unsigned int cpu;
	int (*fn)(void *arg);
	void *arg;
	bool should_stop;	/* atomic: kthread_stop() -> kthread_should_stop() */
	int exit_code;		/* written before the thread ends, read after the join */
};

static __thread struct task_struct *host_current_kthread;

static void *host_kthread_main(void *p)
{
	struct task_struct *t = p;

	host_cpu_enter(t->cpu);
	host_current_kthread = t;
	t->exit_code = t->fn(t->arg);
	return NULL;
}

struct task_struct *kthread_run_on(unsigned int cpu, int (*fn)(void *arg), void *arg)
{
	struct task_struct *t;

	if (cpu >= NR_CPUS)
		return ERR_PTR(-EINVAL);
	if (!cpu_online(cpu))
		return ERR_PTR(-ENODEV);
	t = calloc(1, sizeof(*t));
	if (!t)
		return ERR_PTR(-ENOMEM);
	t->cpu = cpu;
	t->fn = fn;
	t->arg = arg;
	if (pthread_create(&t->thread, NULL, host_kthread_main, t)) {
		free(t);
		return ERR_PTR(-ENOMEM);
	}
	return t;
}

struct task_struct *kthread_run_on_named(unsigned int cpu, int (*fn)(void *arg),
					 void *arg, const char *name)
{
	return kthread_run_on(cpu, fn, arg);
}

struct task_struct *kthread_run(int (*fn)(void *arg), void *arg)
{
	static unsigned int next;

	return kthread_run_on(__atomic_fetch_add(&next, 1, __ATOMIC_RELAXED) %
			      num_online_cpus(), fn, arg);
}

int kthread_join(struct task_struct *t)
{
	int code;

	pthread_join(t->thread, NULL);
	code = t->exit_code;
	free(t);
	return code;
}

int kthread_stop(struct task_struct *t)
{
	__atomic_store_n(&t->should_stop, true, __ATOMIC_RELEASE);
	return kthread_join(t);
}

bool kthread_should_stop(void)
{
	struct task_struct *t = host_current_kthread;

	return t && __atomic_load_n(&t->should_stop, __ATOMIC_ACQUIRE);
}

void kthread_exit(int code)
{
	host_current_kthread->exit_code = code;
	pthread_exit(NULL);
}

void msleep(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}
