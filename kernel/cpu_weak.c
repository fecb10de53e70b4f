/*
 * Weak defaults of the calls kernel/cpu.h promises, for a kernel without
 * a scheduler: an application processor idles (interrupts on, HLT until
 * the next one: its timer, an IPI), a tick does nothing, a reschedule
 * request has nothing to reschedule. A strong definition anywhere in the
 * kernel (the scheduler's) replaces each of them at link time.
 */
#include <kernel/cpu.h>
#include <asm/cpu.h>

__attribute__((weak)) __noreturn void cpu_startup_entry(unsigned int cpu)
{
	for (;;)
		arch_wait_for_interrupt();	/* sti; hlt: no wake-up is lost */
}

__attribute__((weak)) void timer_tick(void)
{
}

__attribute__((weak)) void scheduler_ipi(void)
{
}
