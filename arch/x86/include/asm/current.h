/*
 * `current`: the thread running this code (kernel/sched.h). Each CPU
 * keeps it in its per-CPU data, which the scheduler sets at every switch
 * (kernel/sched_core.c): one GS-relative load. NULL before sched_init().
 */
#ifndef ASM_CURRENT_H
#define ASM_CURRENT_H

#include <asm/percpu.h>

struct task_struct;

DECLARE_PER_CPU(struct task_struct *, current_task);
#define current		this_cpu_read(current_task)

#endif /* ASM_CURRENT_H */
