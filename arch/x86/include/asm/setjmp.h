/*
 * Non-local return for the self-test harness (ASSERT_*, ktest_skip) and
 * the fault fixture. Saves the callee-saved registers of the SysV ABI.
 * Implemented in arch/x86/tests/setjmp.asm (test code: the self-test harness and
 * the fault fixture are its only users).
 */
#ifndef ASM_SETJMP_H
#define ASM_SETJMP_H

#include <stdint.h>

/* rbx, rbp, r12, r13, r14, r15, rsp, rip */
typedef struct { uint64_t regs[8]; } arch_jmp_buf[1];

__attribute__((returns_twice)) int arch_setjmp(arch_jmp_buf buf);
__attribute__((noreturn)) void arch_longjmp(arch_jmp_buf buf, int val);

#endif /* ASM_SETJMP_H */
