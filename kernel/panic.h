/*
 * The end of a run that cannot go on.
 *
 * die() is the one exit for every fatal path (panic(), an unexpected CPU
 * exception, a failed boot step): it tells the self-test harness (a
 * running case is reported as failed with the reason), prints the CRASH
 * verdict line and leaves QEMU with the crash code. It never returns and
 * never hangs. The caller has already printed what explains the failure
 * (registers, backtrace, values).
 */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

#include <lib/compiler.h>

__noreturn void die(const char *reason);

#endif /* KERNEL_PANIC_H */
