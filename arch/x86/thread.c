/*
 * The first frame of a new kernel thread (<asm/switch_to.h>).
 *
 * From the top of the stack down (each line 8 bytes):
 *
 *   top -  8   0                  return address  } the outermost frame
 *   top - 16   0                  saved rbp       } record: traces end here
 *   top - 24   ret_from_kthread   where switch_to()'s ret goes
 *   top - 32   top - 16           rbp: the frame record above
 *   top - 40   entry              rbx: what ret_from_kthread calls
 *   top - 48   0                  r12
 *   top - 56   0                  r13
 *   top - 64   0                  r14
 *   top - 72   0                  r15   <- thread.sp
 *
 * switch_to() pops r15..rbp in that order and returns with rsp at
 * top - 16, 16-byte aligned.
 */
#include <lib/bug.h>
#include <lib/compiler.h>
#include <asm/switch_to.h>

void ret_from_kthread(void);	/* switch_to.asm */

void arch_thread_setup(struct thread_struct *t, void *stack_top,
		       void (*entry)(struct task_struct *prev))
{
	unsigned long top = (unsigned long)stack_top;
	unsigned long *sp = (unsigned long *)top;

	BUG_ON(!IS_ALIGNED(top, 16));
	*--sp = 0;				/* outermost frame: return address */
	*--sp = 0;				/* ... and saved rbp */
	*--sp = (unsigned long)ret_from_kthread;
	*--sp = top - 16;			/* rbp */
	*--sp = (unsigned long)entry;		/* rbx */
	*--sp = 0;				/* r12 */
	*--sp = 0;				/* r13 */
	*--sp = 0;				/* r14 */
	*--sp = 0;				/* r15 */
	BUILD_BUG_ON(ARCH_THREAD_FRAME_SIZE != 9 * 8);
	t->sp = (unsigned long)sp;
}
