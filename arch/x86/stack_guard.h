/*
 * Guard pages under the kernel's static stacks.
 *
 * A stack that overflows runs off its bottom into whatever lies below.
 * Each static stack (the boot stack in entry.asm, the IST stacks in
 * gdt.c) is therefore page-aligned in .bss with one page of its own just
 * below it, and that page's address is listed in the "stack_guards"
 * linker section. paging_init() maps .bss but leaves every listed page
 * unmapped, so the first push past the bottom of a stack page-faults;
 * the CPU cannot push the fault's frame there either, which turns it into
 * a double fault, and that runs on its own IST stack and is reported.
 *
 * From C:     STACK_GUARD_PAGE(ist_nmi, ist_stacks[1].guard);
 * From NASM:  section stack_guards ... dq boot_stack_guard
 *
 * (The direct-map alias of a guard page stays mapped: only the address
 * the stack grows into matters.)
 */
#ifndef ARCH_X86_STACK_GUARD_H
#define ARCH_X86_STACK_GUARD_H

#include <lib/compiler.h>

#define STACK_GUARD_PAGE(name, page)					\
	static const void *const __stack_guard_##name			\
		__used __section("stack_guards") = (page)

/* linker.ld: the table the macro fills */
extern const void *const __start_stack_guards[], *const __stop_stack_guards[];

/* Does addr lie in one of the guard pages? (stack_guard.c) */
bool stack_guard_page(uint64_t addr);

#endif /* ARCH_X86_STACK_GUARD_H */
