/*
 * What the scheduler (kernel/sched_core.c) needs from the CPU to run
 * several threads on one: a saved stack pointer per thread, a switch
 * between two threads, and the first frame of a new thread.
 *
 * A thread that is not running is nothing but its stack: switch_to()
 * pushes the callee-saved registers of the SysV ABI (rbp, rbx, r12-r15)
 * on the old thread's stack, stores rsp in prev->thread.sp, loads
 * next->thread.sp, pops next's registers and returns on next's stack,
 * into the schedule() call that next left through. Everything else the
 * compiler keeps across a call is already on the stack, and the kernel
 * uses no FPU/SSE state (-mgeneral-regs-only), so there is nothing more
 * to save. switch_to() returns the task that ran on this CPU just before
 * (for the new thread, not necessarily `prev` of its own call: prev is
 * whoever switched *to* us), which is what finish_task_switch() needs.
 *
 * Both sides run with interrupts masked; RFLAGS is not switched, and the
 * interrupt flag comes back with each thread's own saved flags when it
 * leaves schedule().
 *
 * A new thread: arch_thread_setup() builds, at the top of its stack, the
 * frame switch_to() expects, so the first switch to it "returns" into
 * ret_from_kthread (switch_to.asm), which calls entry(prev) on a stack
 * whose outermost frame is zero (the backtrace walker stops there).
 * entry never returns.
 */
#ifndef ASM_SWITCH_TO_H
#define ASM_SWITCH_TO_H

#include <stddef.h>

struct task_struct;

/* The architecture's part of a task: must be its first member. */
struct thread_struct {
	unsigned long sp;		/* saved rsp while not running */
};

/* switch_to.asm: see above. Interrupts masked. */
struct task_struct *switch_to(struct task_struct *prev, struct task_struct *next);

/*
 * Prepare `t` so that the first switch_to() into it calls entry(prev)
 * on the stack that ends (exclusive) at stack_top, 16-byte aligned.
 */
void arch_thread_setup(struct thread_struct *t, void *stack_top,
		       void (*entry)(struct task_struct *prev));

/* Bytes arch_thread_setup() uses at the top of the stack. */
#define ARCH_THREAD_FRAME_SIZE	72

#endif /* ASM_SWITCH_TO_H */
