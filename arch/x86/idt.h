/*
 * The interrupt descriptor table and the per-vector handler registry
 * (arch/x86/idt.c).
 *
 * All 256 vectors have a gate from the start (isr.asm), so no vector can
 * reach the firmware's stale IDT. A vector with no registered handler is
 * fatal: an unexpected CPU exception is reported by traps.c, an
 * unexpected interrupt ("unexpected interrupt N") likewise. Later code
 * (APIC timer, IPIs, device IRQs, the page-fault handler) registers what
 * it handles with idt_set_handler().
 */
#ifndef ARCH_X86_IDT_H
#define ARCH_X86_IDT_H

#include <stdint.h>
#include <asm/ptrace.h>

typedef void (*idt_handler_t)(struct pt_regs *regs);

/* Fill the IDT with the stubs of isr.asm and load it. */
void idt_init(void);
/* The IDTR value every CPU loads (one IDT for all CPUs). */
void idt_describe(uint16_t *limit, uint64_t *base);

/*
 * Route `vector` to fn (NULL restores the default: fatal). For
 * exceptions (0-31) the handler replaces the fatal report; it may fall
 * back to it with x86_fatal_exception(). Call with interrupts off.
 */
void idt_set_handler(uint8_t vector, idt_handler_t fn);
idt_handler_t idt_handler(uint8_t vector);

/* Called by isr.asm for vectors 32-255. */
void x86_interrupt(struct pt_regs *regs);

#endif /* ARCH_X86_IDT_H */
