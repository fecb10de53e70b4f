/*
 * The call-function and reschedule IPIs: kernel/smp.h's arch hooks and
 * the two vectors' handlers. (The TLB shootdown IPI lives in tlb.c.)
 *
 * Each handler counts the IPI and sends the EOI first, then does its
 * work: the call queue may run several calls, and scheduler_ipi() may
 * switch threads, neither of which should keep the vector in service. An
 * IPI arriving meanwhile is latched by the LAPIC (IRR) and taken after
 * the handler returns, so none is lost; one that finds nothing to do is
 * harmless.
 */
#include <kernel/cpu.h>
#include <kernel/smp.h>
#include <asm/percpu.h>
#include "apic.h"
#include "idt.h"
#include "smpboot.h"

static void call_function_interrupt(struct pt_regs *regs)
{
	this_cpu_inc(irq_stats.call);
	apic_eoi();
	smp_call_function_interrupt();
}

static void reschedule_interrupt(struct pt_regs *regs)
{
	this_cpu_inc(irq_stats.resched);
	apic_eoi();
	scheduler_ipi();
}

void arch_send_call_function_ipi(unsigned int cpu)
{
	apic_send_ipi(cpu_apic_id(cpu), VECTOR_CALL_FUNCTION);
}

void arch_send_reschedule_ipi(unsigned int cpu)
{
	apic_send_ipi(cpu_apic_id(cpu), VECTOR_RESCHEDULE);
}

void ipi_init(void)
{
	idt_set_handler(VECTOR_CALL_FUNCTION, call_function_interrupt);
	idt_set_handler(VECTOR_RESCHEDULE, reschedule_interrupt);
}
