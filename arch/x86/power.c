/*
 * Leaving the machine: QEMU's debug-exit device, reset, halt.
 *
 * Each way out that can fail falls through to a stronger one and ends in
 * a halt, so none of these functions ever returns. With QEMU's
 * -no-reboot a reset ends the emulator, which is how tests/qemu-run sees
 * a reboot.
 */
#include <lib/compiler.h>
#include <lib/ktime.h>
#include <asm/cpu.h>
#include <asm/io.h>
#include <asm/platform.h>

#define DEBUG_EXIT_PORT		0xf4	/* QEMU -device isa-debug-exit */

#define RESET_CONTROL_PORT	0xcf9	/* PCH/ICH reset control register */
#define RST_CNT_SYS_RST		0x02	/* full reset, not just the CPU */
#define RST_CNT_RST_CPU		0x04	/* 0 -> 1 starts the reset */

#define KBC_STATUS_PORT		0x64
#define KBC_STATUS_IBF		0x02	/* input buffer full */
#define KBC_CMD_PULSE_RESET	0xfe	/* pulse the CPU reset line */

__noreturn void arch_halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt" ::: "memory");
}

__noreturn void arch_debug_exit(uint32_t code)
{
	/* QEMU exits on the write; a 1-byte device window needs the outb. */
	outl(DEBUG_EXIT_PORT, code);
	outb(DEBUG_EXIT_PORT, code);
	arch_halt_forever();
}

static void reset_via_cf9(void)
{
	outb(RESET_CONTROL_PORT, RST_CNT_SYS_RST);
	outb(RESET_CONTROL_PORT, RST_CNT_SYS_RST | RST_CNT_RST_CPU);
}

static void reset_via_keyboard_controller(void)
{
	for (int i = 0; i < 10000 && (inb(KBC_STATUS_PORT) & KBC_STATUS_IBF); i++)
		cpu_relax();
	outb(KBC_STATUS_PORT, KBC_CMD_PULSE_RESET);
}

/* An empty IDT turns the next exception into a triple fault: a reset. */
static __noreturn void reset_via_triple_fault(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __packed empty_idt = { 0, 0 };

	__asm__ volatile("lidt %0; int3" :: "m"(empty_idt) : "memory");
	arch_halt_forever();
}

__noreturn void arch_reboot(void)
{
	arch_irq_disable();
	reset_via_cf9();
	mdelay(50);
	reset_via_keyboard_controller();
	mdelay(50);
	reset_via_triple_fault();
}
