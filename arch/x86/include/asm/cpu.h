/*
 * The few CPU operations generic code needs: spinning politely, halting,
 * interrupt masking, reading the cycle counter.
 */
#ifndef ASM_CPU_H
#define ASM_CPU_H

#include <stdint.h>
#include <stdbool.h>

static inline void cpu_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}

/* Cycle counter (TSC); monotonic on one CPU. ARCH_CYCLES_UNIT names
 * what it counts, for printed figures. */
#define ARCH_CYCLES_UNIT	"cycles"

static inline uint64_t arch_cycles(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline unsigned long arch_irq_save(void)
{
	unsigned long flags;
	__asm__ volatile("pushfq; popq %0; cli" : "=r"(flags) :: "memory");
	return flags;
}

static inline void arch_irq_restore(unsigned long flags)
{
	if (flags & (1UL << 9))		/* RFLAGS.IF */
		__asm__ volatile("sti" ::: "memory");
}

/* Did arch_irq_save() find interrupts masked? */
static inline bool arch_irqs_disabled_flags(unsigned long flags)
{
	return !(flags & (1UL << 9));	/* RFLAGS.IF */
}

/* Are interrupts masked on this CPU (RFLAGS.IF clear)? */
static inline bool arch_irqs_disabled(void)
{
	unsigned long flags;
	__asm__ volatile("pushfq; popq %0" : "=r"(flags) :: "memory");
	return !(flags & (1UL << 9));
}

static inline void arch_irq_enable(void)  { __asm__ volatile("sti" ::: "memory"); }
static inline void arch_irq_disable(void) { __asm__ volatile("cli" ::: "memory"); }

/* Wait for the next interrupt (sti;hlt so a pending one is not missed). */
static inline void arch_wait_for_interrupt(void)
{
	__asm__ volatile("sti; hlt" ::: "memory");
}

/* Stop this CPU for good. */
__attribute__((noreturn)) void arch_halt_forever(void);

#endif /* ASM_CPU_H */
