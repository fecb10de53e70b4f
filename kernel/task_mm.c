/*
 * Where the running thread's address space is kept (mm/mm.h's
 * current_mm_slot()): in its task, so that it follows the thread across
 * every switch (__schedule() loads the next thread's table). Before the
 * scheduler runs there is no task, and the boot context of each CPU has
 * a per-CPU slot instead.
 */
#include <kernel/sched.h>
#include <mm/mm.h>
#include <asm/percpu.h>

static DEFINE_PER_CPU(struct mm_struct *, early_mm);

struct mm_struct **current_mm_slot(void)
{
	struct task_struct *t = current;

	return t ? &t->mm : this_cpu_ptr(&early_mm);
}
