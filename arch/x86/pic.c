/*
 * The legacy 8259 PIC pair, silenced.
 *
 * The kernel takes its interrupts from the local APICs (and, later,
 * the IOAPIC), never from the 8259s. After reset they deliver IRQ 0-7 at
 * vectors 8-15, on top of the CPU's exceptions, so before masking them
 * they are reprogrammed (ICW1-ICW4) to deliver at 0x20-0x2f; every line
 * is then masked. A masked PIC can still raise a "spurious" IRQ 7 or 15
 * (a line that dropped before it was acknowledged): those two vectors are
 * counted and otherwise ignored (no EOI: the PIC has nothing in service).
 * The LAPIC's LINT0, where the PIC's output arrives, is masked too
 * (apic.c).
 */
#include <asm/io.h>
#include <asm/percpu.h>
#include "apic.h"
#include "idt.h"

#define PIC1_CMD	0x20
#define PIC1_DATA	0x21
#define PIC2_CMD	0xa0
#define PIC2_DATA	0xa1

#define ICW1_INIT	0x11	/* edge-triggered, cascade, ICW4 follows */
#define ICW4_8086	0x01

static void pic_spurious(struct pt_regs *regs)
{
	this_cpu_inc(irq_stats.spurious);
}

void pic_disable(void)
{
	outb(PIC1_CMD, ICW1_INIT);
	outb(PIC2_CMD, ICW1_INIT);
	outb(PIC1_DATA, VECTOR_PIC_BASE);	/* ICW2: vector of IRQ 0 */
	outb(PIC2_DATA, VECTOR_PIC_BASE + 8);	/* ... and of IRQ 8 */
	outb(PIC1_DATA, 1u << 2);		/* ICW3: the slave is on IRQ 2 */
	outb(PIC2_DATA, 2);			/* ICW3: slave identity */
	outb(PIC1_DATA, ICW4_8086);
	outb(PIC2_DATA, ICW4_8086);
	outb(PIC1_DATA, 0xff);			/* mask all */
	outb(PIC2_DATA, 0xff);

	idt_set_handler(VECTOR_PIC_BASE + 7, pic_spurious);
	idt_set_handler(VECTOR_PIC_BASE + 15, pic_spurious);
}
