/*
 * struct pt_regs: the machine state of an interrupted context, as the
 * interrupt stubs (arch/x86/isr.asm) leave it on the stack.
 *
 * Lowest address first: the fifteen general-purpose registers the stub
 * pushes (rax first, so r15 ends lowest), the vector number and error code
 * (the stub pushes a zero where the CPU pushes none), then the frame the
 * CPU itself pushes on every interrupt in long mode. isr.asm and this
 * struct must agree; the static assertions below pin the layout.
 */
#ifndef ASM_PTRACE_H
#define ASM_PTRACE_H

#include <stdbool.h>
#include <stdint.h>

struct pt_regs {
	/* pushed by isr.asm */
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector;
	uint64_t error_code;
	/* pushed by the CPU */
	uint64_t rip;
	uint64_t cs;
	uint64_t rflags;
	uint64_t rsp;
	uint64_t ss;
};

_Static_assert(__builtin_offsetof(struct pt_regs, vector) == 15 * 8,
	       "isr.asm pushes 15 registers below the vector");
_Static_assert(__builtin_offsetof(struct pt_regs, rip) == 17 * 8,
	       "the CPU's frame starts right after the error code");
_Static_assert(sizeof(struct pt_regs) == 22 * 8,
	       "isr.asm keeps the stack 16-byte aligned with this size");

/* Did the interrupt come from ring 3? */
static inline bool user_mode(const struct pt_regs *regs)
{
	return (regs->cs & 3) == 3;
}

#endif /* ASM_PTRACE_H */
