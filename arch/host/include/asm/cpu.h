/*
 * Host build: the CPU operations of arch/x86/include/asm/cpu.h for a
 * user process. Masking interrupts sets a per-thread flag that the host's
 * TLB shootdown waits on (below); spinning yields the CPU so a waiter does
 * not starve the thread it waits for; the cycle counter is the monotonic
 * clock in nanoseconds.
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

/*
 * "Interrupts" are a per-thread flag (arch/host/irq_shootdown.c) that
 * the host's TLB shootdown honours: flush_tlb_user_range() waits for
 * every other thread of the mm that has them off, as the kernel's
 * shootdown waits for the acknowledgement of a CPU with interrupts off.
 * The flags word is x86's: IF set means enabled.
 */
#define HOST_FLAGS_IF	0x200UL

unsigned long host_irq_save(void);
void host_irq_restore(unsigned long flags);
bool host_irqs_disabled(void);

static inline unsigned long arch_irq_save(void)
{
	return host_irq_save();
}

static inline void arch_irq_restore(unsigned long flags)
{
	host_irq_restore(flags);
}

static inline bool arch_irqs_disabled_flags(unsigned long flags)
{
	return !(flags & HOST_FLAGS_IF);
}

static inline bool arch_irqs_disabled(void)
{
	return host_irqs_disabled();
}

static inline void arch_irq_enable(void)
{
	host_irq_restore(HOST_FLAGS_IF);
}

static inline void arch_irq_disable(void)
{
	(void)host_irq_save();
}

static inline void arch_wait_for_interrupt(void)
{
	sched_yield();
}

/* Ends the process (arch/host/platform.c). */
__attribute__((noreturn)) void arch_halt_forever(void);

#endif /* ASM_CPU_H */
