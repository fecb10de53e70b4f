/*
 * Host build: the CPU operations of arch/x86/include/asm/cpu.h for a
 * user process. There are no interrupts to mask, so the irq calls do
 * nothing; spinning yields the CPU so a waiter does not starve the thread
 * it waits for; the cycle counter is the monotonic clock in nanoseconds.
 */
#ifndef ASM_CPU_H
#define ASM_CPU_H

#include <stdint.h>
#include <stdbool.h>
#include <sched.h>
#include <time.h>

static inline void cpu_relax(void)
{
	sched_yield();
}

#define ARCH_CYCLES_UNIT	"ns"	/* arch_cycles() counts nanoseconds here */

static inline uint64_t arch_cycles(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline unsigned long arch_irq_save(void)
{
	return 0;
}

static inline void arch_irq_restore(unsigned long flags)
{
}

static inline bool arch_irqs_disabled_flags(unsigned long flags)
{
	return false;
}

static inline bool arch_irqs_disabled(void)
{
	return false;
}

static inline void arch_irq_enable(void)  { }
static inline void arch_irq_disable(void) { }

static inline void arch_wait_for_interrupt(void)
{
	sched_yield();
}

/* Ends the process (tests/host/platform.c). */
__attribute__((noreturn)) void arch_halt_forever(void);

#endif /* ASM_CPU_H */
