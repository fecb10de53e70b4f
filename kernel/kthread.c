/*
 * Kernel threads (kernel/kthread.h): creation on a CPU, exit, join, stop.
 *
 * The exit handshake (kernel/sched.h tells the whole life): the thread
 * disables preemption, stores its exit code and completes `exited` while
 * it still runs, then marks itself TASK_DEAD and schedules away for good;
 * with preemption disabled that last switch is the only one, so on_cpu
 * drops to 0 exactly once, when the thread is done with its stack. The reaper waits
 * for `exited` (the completion's lock orders the exit code), then for
 * on_cpu to drop to 0 (the thread's last switch is over: nothing runs on
 * its stack any more), and frees it all. The wait for on_cpu is a short
 * spin: the thread was already past complete() and had only the switch
 * left to do.
 */
#include <kernel/fault_inject.h>
#include <kernel/kthread.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <lib/bug.h>
#include <lib/errno.h>
#include <lib/printk.h>
#include <lib/vsprintf.h>

/* The CPU kthread_run() gives the next thread (round-robin). */
static unsigned int next_cpu;	/* (a) */

static int check_cpu(unsigned int cpu)
{
	if (cpu >= NR_CPUS)
		return -EINVAL;
	if (!cpu_online(cpu) && !sched_cpu_active(cpu))
		return -ENODEV;
	return 0;
}

struct task_struct *kthread_run_on_named(unsigned int cpu, int (*fn)(void *arg),
					 void *arg, const char *name)
{
	struct task_struct *p;
	int err = check_cpu(cpu);

	if (err) {
		pr_err("kthread: cannot run %s on CPU %u: %s", name, cpu,
		       err == -EINVAL ? "no such CPU number" : "CPU not online");
		return ERR_PTR(err);
	}
	if (!sched_running())
		return ERR_PTR(-ENODEV);
	p = sched_alloc_task(cpu, fn, arg, PF_KTHREAD, name);
	if (!p)
		return ERR_PTR(-ENOMEM);
	sched_start_task(p);
	return p;
}

struct task_struct *kthread_run_on(unsigned int cpu, int (*fn)(void *arg), void *arg)
{
	char name[TASK_NAME_LEN];

	snprintf(name, sizeof(name), "%ps", (void *)fn);
	return kthread_run_on_named(cpu, fn, arg, name);
}

struct task_struct *kthread_run(int (*fn)(void *arg), void *arg)
{
	unsigned int n = num_online_cpus(), cpu = 0;

	/* The n-th online CPU, counting round-robin. */
	for (unsigned int skip = __atomic_fetch_add(&next_cpu, 1, __ATOMIC_RELAXED) % n;
	     cpu < NR_CPUS; cpu++) {
		if (!cpu_online(cpu))
			continue;
		if (skip-- == 0)
			break;
	}
	if (cpu >= NR_CPUS)
		cpu = 0;
	return kthread_run_on(cpu, fn, arg);
}

__noreturn void kthread_exit(int code)
{
	struct task_struct *me = current;

	BUG_ON(!(me->flags & PF_KTHREAD));
	fault_inject_nth(0);	/* a countdown ends with its task */
	/*
	 * Not preemptible from here on: a preemption after complete() would
	 * switch away (clearing on_cpu) while this thread still has to run
	 * on its stack, and the reaper could free it.
	 */
	preempt_disable();
	me->exit_code = code;
	complete(&me->exited);
	set_current_state(TASK_DEAD);
	sched_exit_current();
}

bool kthread_should_stop(void)
{
	return __atomic_load_n(&current->should_stop, __ATOMIC_ACQUIRE);
}

int kthread_join(struct task_struct *t)
{
	int code;

	if (WARN(t == current, "kthread_join(): thread %s would wait for itself",
		 t->name))
		return -EINVAL;
	if (WARN(!(t->flags & PF_KTHREAD), "kthread_join(): %s is not a kthread",
		 t->name))
		return -EINVAL;
	wait_for_completion(&t->exited);
	sched_wait_off_cpu(t);
	code = t->exit_code;
	sched_free_task(t);
	return code;
}

int kthread_stop(struct task_struct *t)
{
	/* Release: the thread's acquire in kthread_should_stop() sees what
	 * we wrote before asking it to stop. */
	__atomic_store_n(&t->should_stop, true, __ATOMIC_RELEASE);
	wake_up_process(t);
	return kthread_join(t);
}
