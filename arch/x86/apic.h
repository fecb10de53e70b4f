/*
 * The local APIC of each CPU (arch/x86/apic.c), the interrupt vectors it
 * delivers, and the legacy PIC that is masked so it delivers none
 * (arch/x86/pic.c). For arch/x86 only.
 *
 * Vectors. The CPU's exceptions use 0-31; an interrupt's priority class
 * is its vector / 16, and the LAPIC delivers a class only above the
 * one in service, so the IPIs sit high:
 *
 *   0x20-0x2f  the 8259 PIC, remapped here and masked; only its spurious
 *              IRQ 7 / 15 can still arrive (counted, no EOI)
 *   0xf0       LAPIC timer, HZ per second on every CPU -> timer_tick()
 *   0xf8       TLB shootdown (arch/x86/tlb.c)
 *   0xfa       call function: run the CPU's call queue (kernel/smp.c)
 *   0xfc       reschedule -> scheduler_ipi()
 *   0xfe       LAPIC error (ESR)
 *   0xff       LAPIC spurious interrupt (no EOI: none is in service)
 *
 * Every other vector stays fatal ("unexpected interrupt", idt.c).
 */
#ifndef ARCH_X86_APIC_H
#define ARCH_X86_APIC_H

#include <stdbool.h>
#include <stdint.h>
#include <asm/percpu.h>

#define VECTOR_PIC_BASE		0x20
#define VECTOR_TIMER		0xf0
#define VECTOR_TLB_SHOOTDOWN	0xf8
#define VECTOR_CALL_FUNCTION	0xfa
#define VECTOR_RESCHEDULE	0xfc
#define VECTOR_APIC_ERROR	0xfe
#define VECTOR_SPURIOUS		0xff

/* What each CPU received since boot, for `cpus` and tests. Each field is
 * written by its own CPU only (this_cpu_inc), read by anyone. */
struct cpu_irq_stats {
	unsigned long timer;
	unsigned long call;		/* call-function IPIs */
	unsigned long tlb;		/* TLB shootdown IPIs */
	unsigned long resched;		/* reschedule IPIs */
	unsigned long spurious;		/* LAPIC and PIC spurious interrupts */
	unsigned long error;		/* LAPIC error interrupts */
};
DECLARE_PER_CPU(struct cpu_irq_stats, irq_stats);

/*
 * Boot CPU, once: find the LAPIC (xAPIC through MMIO, or x2APIC if the
 * firmware left it on), set this CPU's up, register the vectors above,
 * calibrate the timer against the TSC and start it. False (reported) if
 * there is no usable LAPIC: the kernel then runs on the boot CPU alone.
 */
bool apic_init_boot(void);
/* An application processor, on itself: the same setup, timer started. */
void apic_setup_ap(void);

uint32_t apic_id(void);				/* of the running CPU */
bool apic_x2apic_mode(void);
uint32_t apic_timer_hz(void);			/* timer clock after its divider */
void apic_eoi(void);

/* Send a fixed interrupt `vector` to the CPU with this APIC id. */
void apic_send_ipi(uint32_t apic_id, uint8_t vector);
/* The start-up sequence (smpboot.c times it). */
void apic_send_init(uint32_t apic_id);
void apic_send_sipi(uint32_t apic_id, uint8_t page);

/* Register the IPI vectors' handlers (ipi.c, tlb.c); before the first IPI. */
void ipi_init(void);
void tlb_shootdown_init(void);

/* pic.c: remap the 8259 pair to VECTOR_PIC_BASE and mask every line. */
void pic_disable(void);

#endif /* ARCH_X86_APIC_H */
