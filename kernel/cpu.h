/*
 * The hand-off between CPU bring-up (arch/x86/smpboot.c, apic.c) and the
 * scheduler: three calls the architecture makes into the scheduler.
 *
 *   cpu_startup_entry(cpu)   each application processor, once it is fully
 *                            up: its per-CPU area (GS), GDT/TSS/IDT, LAPIC,
 *                            periodic timer armed, marked online; interrupts
 *                            still off. Never returns: this is the CPU's
 *                            idle loop (or the scheduler that runs it).
 *   timer_tick()             every CPU, HZ times a second, from its LAPIC
 *                            timer interrupt, interrupts off, after the EOI
 *                            (so a tick handler that switches threads does
 *                            not hold the timer vector in service).
 *   scheduler_ipi()          on a CPU that received smp_send_reschedule()
 *                            (kernel/smp.h), interrupts off, after the EOI.
 *
 * kernel/cpu_weak.c has weak defaults (idle with sti;hlt, nothing, nothing)
 * so the kernel runs before there is a scheduler; the scheduler's own
 * definitions replace them at link time.
 *
 * The boot CPU does not call cpu_startup_entry: after smp_boot_cpus()
 * returns (interrupts on), start_kernel goes on with the tests and the
 * shell.
 */
#ifndef KERNEL_CPU_H
#define KERNEL_CPU_H

#include <lib/compiler.h>

#define HZ	100	/* timer ticks per second, on every CPU */

__noreturn void cpu_startup_entry(unsigned int cpu);
void timer_tick(void);
void scheduler_ipi(void);

#endif /* KERNEL_CPU_H */
