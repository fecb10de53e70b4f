/*
 * Host build: `current` of kernel/sched.h. A host CPU slot may hold
 * several threads at once (asm/percpu.h), so the running task is not
 * per-CPU data as on x86 but per thread (arch/host/sched.c).
 */
#ifndef ASM_CURRENT_H
#define ASM_CURRENT_H

struct task_struct;

struct task_struct *host_current(void);
#define current		host_current()

#endif /* ASM_CURRENT_H */
