/*
 * Kernel threads: run a function on a CPU of its own, then collect its
 * result.
 *
 *   static int worker(void *arg) { ...; return 0; }
 *
 *   struct task_struct *t = kthread_run_on(1, worker, &data);
 *   if (IS_ERR(t))
 *           return PTR_ERR(t);           -EINVAL, -ENODEV, -ENOMEM
 *   ...
 *   int ret = kthread_join(t);           worker's return value
 *
 * kthread_run_on(cpu, fn, arg): a thread bound to `cpu` for life, queued
 * at once. -EINVAL for a cpu >= NR_CPUS, -ENODEV for a CPU that is not
 * online, -ENOMEM without memory for the task or its stack.
 * kthread_run(fn, arg): the same on an online CPU chosen round-robin.
 * The thread is named after fn ("%ps").
 *
 * The thread ends when fn returns, or with kthread_exit(code) from
 * anywhere in it. Every thread is reaped exactly once, by kthread_join()
 * (waits for the end, frees the task and its stack, returns the code) or
 * kthread_stop() (asks it to end first: kthread_should_stop() turns true
 * and the thread is woken if it sleeps; then joins). A thread may not
 * join itself. Joining is for process context: it sleeps.
 */
#ifndef KERNEL_KTHREAD_H
#define KERNEL_KTHREAD_H

#include <lib/compiler.h>
#include <lib/err.h>

struct task_struct;

struct task_struct *kthread_run_on(unsigned int cpu, int (*fn)(void *arg), void *arg);
struct task_struct *kthread_run(int (*fn)(void *arg), void *arg);
/* As kthread_run_on(), with a name of the caller's ("rcu/1"). */
struct task_struct *kthread_run_on_named(unsigned int cpu, int (*fn)(void *arg),
					 void *arg, const char *name);

int kthread_join(struct task_struct *t);
int kthread_stop(struct task_struct *t);
bool kthread_should_stop(void);
__noreturn void kthread_exit(int code);

#endif /* KERNEL_KTHREAD_H */
