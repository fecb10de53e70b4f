/*
 * Host build: the architecture's part of a task (kernel/sched.h). A host
 * task is a host thread, which the host's own scheduler switches: there
 * is no switch_to() and no first frame to build, only the thread to join
 * (arch/host/sched.c).
 */
#ifndef ASM_SWITCH_TO_H
#define ASM_SWITCH_TO_H

#include <pthread.h>

struct thread_struct {
	pthread_t pthread;	/* a kernel thread's (kthread_run_on()) */
};

#endif /* ASM_SWITCH_TO_H */
