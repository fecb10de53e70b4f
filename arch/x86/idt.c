/*
 * The IDT: 256 interrupt gates, one per stub in isr.asm, plus the table
 * of C handlers the stubs are routed to.
 *
 * Every gate is an interrupt gate (the CPU clears IF on entry), DPL 0 (a
 * user-mode `int N` faults instead), kernel code segment. #DF, NMI and #MC
 * switch to their own IST stacks (gdt.c): they may arrive when the current
 * stack is the problem.
 */
#include <lib/compiler.h>
#include <kernel/preempt.h>
#include "gdt.h"
#include "idt.h"
#include "traps.h"

#define GATE_INTERRUPT	0x8e	/* present, DPL 0, 64-bit interrupt gate */
#define IRQ_RFLAGS_IF	(1UL << 9)	/* RFLAGS.IF: interrupts were enabled */

struct idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;			/* bits 0-2: IST slot, 0 = none */
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t reserved;
} __packed;
_Static_assert(sizeof(struct idt_gate) == 16, "the CPU's 64-bit gate layout");

struct descriptor_pointer {
	uint16_t limit;
	uint64_t base;
} __packed;

/* isr.asm: the entry stub of each vector */
extern const uint64_t isr_stub_table[256];

static struct idt_gate idt[256] __aligned(16);
static idt_handler_t handlers[256];

static void set_gate(unsigned int vector, uint64_t entry, unsigned int ist)
{
	idt[vector] = (struct idt_gate){
		.offset_low = entry & 0xffff,
		.selector = GDT_KERNEL_CS,
		.ist = ist,
		.type_attr = GATE_INTERRUPT,
		.offset_mid = (entry >> 16) & 0xffff,
		.offset_high = entry >> 32,
	};
}

void idt_init(void)
{
	struct descriptor_pointer idtr = {
		.limit = sizeof(idt) - 1,
		.base = (uint64_t)idt,
	};

	for (unsigned int v = 0; v < ARRAY_SIZE(idt); v++)
		set_gate(v, isr_stub_table[v], 0);
	set_gate(X86_TRAP_DF, isr_stub_table[X86_TRAP_DF], IST_DOUBLE_FAULT);
	set_gate(X86_TRAP_NMI, isr_stub_table[X86_TRAP_NMI], IST_NMI);
	set_gate(X86_TRAP_MC, isr_stub_table[X86_TRAP_MC], IST_MACHINE_CHECK);

	__asm__ volatile("lidt %0" :: "m"(idtr) : "memory");
}

void idt_set_handler(uint8_t vector, idt_handler_t fn)
{
	__atomic_store_n(&handlers[vector], fn, __ATOMIC_RELEASE);
}

idt_handler_t idt_handler(uint8_t vector)
{
	return __atomic_load_n(&handlers[vector], __ATOMIC_ACQUIRE);
}

/*
 * An interrupt (vectors 32-255). The handler runs inside irq_enter() /
 * irq_exit(), which mark this CPU's preempt count as "in hardirq"
 * (kernel/preempt.h). On the way out, if the interrupted code had
 * interrupts enabled and is preemptible, a pending reschedule switches
 * threads here: the interrupted thread's registers stay in *regs on its
 * own stack until it is picked again and this function returns to iretq.
 * Handlers therefore send their EOI before returning.
 */
void x86_interrupt(struct pt_regs *regs)
{
	idt_handler_t fn = idt_handler(regs->vector);

	irq_enter();
	if (likely(fn))
		fn(regs);
	else
		x86_fatal_exception(regs);
	irq_exit();
	if (regs->rflags & IRQ_RFLAGS_IF)
		preempt_schedule_irq();
}

/* The IDTR value, for an application processor's trampoline (smpboot.c). */
void idt_describe(uint16_t *limit, uint64_t *base)
{
	*limit = sizeof(idt) - 1;
	*base = (uint64_t)idt;
}
