/*
 * Questions about the stack guard pages (stack_guard.h), for the fault
 * report and the backtrace walker: a fault there is a stack overflow, and
 * a frame pointer there must not be followed.
 */
#include <asm/page.h>
#include "stack_guard.h"

bool stack_guard_page(uint64_t addr)
{
	for (const void *const *g = __start_stack_guards; g < __stop_stack_guards; g++)
		if (addr - (uint64_t)*g < PAGE_SIZE)
			return true;
	return false;
}
