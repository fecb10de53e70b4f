/*
 * Fault injection, after Linux's fail_nth: a task asks that its Nth call
 * from now through any fault point fail (fault_inject_nth()). Each
 * allocation path that can fail names a point (FAULT_POINT) and asks
 * should_fail() before it allocates; a failure looks exactly like the
 * real one (NULL, -ENOMEM), so the error paths that run are the real
 * ones. fault_injected() then says which point failed.
 *
 * The points: "page allocation" (mm/page_alloc.c), "kmalloc"
 * (mm/slab.c), "per-CPU memory" (mm/percpu.c), "memmap" (mm/sparse.c),
 * "devres record" (drivers/base/devres.c).
 *
 * Life: the countdown and the answer live in the task (task_struct's
 * fail_nth and fail_at, (o): the task's own). Another task's
 * allocations never count, nor do interrupts', so a test is not
 * disturbed by the rest of the kernel. A countdown ends when its call
 * fails, when the task disarms it (fault_inject_nth(0)) or when the
 * thread exits. Arm around one call and disarm right after it: a case
 * that ends in between (an ASSERT) would leave its task armed. While no
 * task is armed, a fault point costs one load and a predictable branch.
 */
#ifndef KERNEL_FAULT_INJECT_H
#define KERNEL_FAULT_INJECT_H

#include <lib/compiler.h>

struct fault_point {
	const char *name;		/* (i) "kmalloc", ... */
};

#define FAULT_POINT(var_, name_)	\
	static const struct fault_point var_ = { .name = name_ }

bool __should_fail(const struct fault_point *fp);
extern int fault_inject_armed;		/* (a) tasks with a countdown running */

/* Should this call through fp fail? Counts down the current task's N. */
static inline bool should_fail(const struct fault_point *fp)
{
	return unlikely(__atomic_load_n(&fault_inject_armed, __ATOMIC_RELAXED)) &&
	       __should_fail(fp);
}

/* Make the current task's nth fault-point call from now fail (0: none). */
void fault_inject_nth(unsigned int n);
/* The point that failed since the last fault_inject_nth(), or NULL. */
const char *fault_injected(void);

#endif /* KERNEL_FAULT_INJECT_H */
