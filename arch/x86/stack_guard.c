/*
 * Questions about the stack guard pages (stack_guard.h), for the fault
 * report and the backtrace walker: a fault there is a stack overflow, and
 * a frame pointer there must not be followed. The guards of the kernel
 * threads' stacks are the allocator's to tell (kernel/kstack.h).
 */
#include <kernel/kstack.h>
#include <asm/page.h>
#include "stack_guard.h"

bool stack_guard_page(uint64_t addr)
{
	if (kstack_guard_page(addr))	/* below a kernel thread's stack */
		return true;
	for (const void *const *g = __start_stack_guards; g < __stop_stack_guards; g++)
		if (addr - (uint64_t)*g < PAGE_SIZE)
			return true;
	return false;
}
