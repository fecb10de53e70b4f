/*
 * Fault injection (kernel/fault_inject.h): the countdown of the current
 * task. fault_inject_armed counts the tasks with a countdown running, so
 * that while none has one a fault point costs a load and a branch; the
 * count itself is the task's.
 */
#include <kernel/fault_inject.h>
#include <kernel/preempt.h>
#include <kernel/sched.h>

int fault_inject_armed;			/* (a) tasks armed; relaxed: a hint */

static void set_armed(struct task_struct *t, unsigned int n)
{
	if (!t->fail_nth && n)
		__atomic_fetch_add(&fault_inject_armed, 1, __ATOMIC_RELAXED);
	else if (t->fail_nth && !n)
		__atomic_fetch_sub(&fault_inject_armed, 1, __ATOMIC_RELAXED);
	t->fail_nth = n;
}

bool __should_fail(const struct fault_point *fp)
{
	struct task_struct *t = current;

	/* only the task's own calls count, never an interrupt's (Linux: in_task()) */
	if (!t || !t->fail_nth || in_interrupt())
		return false;
	if (t->fail_nth > 1) {
		t->fail_nth--;
		return false;
	}
	set_armed(t, 0);
	t->fail_at = fp->name;
	return true;
}

void fault_inject_nth(unsigned int n)
{
	struct task_struct *t = current;

	if (!t)
		return;
	set_armed(t, n);
	t->fail_at = NULL;
}

const char *fault_injected(void)
{
	struct task_struct *t = current;

	return t ? t->fail_at : NULL;
}
