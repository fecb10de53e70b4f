/*
 * The backtrace of an interrupted context (arch/x86/stacktrace.c): like
 * dump_stack_from(regs->rbp, regs->rip), but it also finds the caller of
 * a function interrupted before (or without) setting up its frame.
 */
#ifndef ARCH_X86_STACKTRACE_H
#define ARCH_X86_STACKTRACE_H

#include <asm/ptrace.h>

void dump_stack_regs(const struct pt_regs *regs);

#endif /* ARCH_X86_STACKTRACE_H */
