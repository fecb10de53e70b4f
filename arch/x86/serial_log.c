/*
 * COM2 as the log console: a polled, output-only 16550 UART at 0x2f8.
 *
 * tests/qemu-run gives an interactive run a second serial port written to
 * the run's log file; the kernel writes every line there, always, so the
 * whole boot is on disk even when the terminal (COM1) shows only a
 * summary (lib/console_mode.h). Without a UART at COM2 (its line status
 * reads 0xff, or the scratch register does not keep a value: nothing
 * drives the bus) no console is registered.
 */
#include <lib/printk.h>
#include <asm/cpu.h>
#include <asm/io.h>
#include "serial_log.h"

#define COM2		0x2f8
#define UART_THR	0	/* transmit holding (DLAB=0) */
#define UART_DLL	0	/* divisor latch low (DLAB=1) */
#define UART_IER	1
#define UART_DLM	1	/* divisor latch high (DLAB=1) */
#define UART_FCR	2
#define UART_LCR	3
#define UART_LSR	5
#define UART_SCR	7	/* scratch: keeps what is written, if a UART is there */
#define LCR_8N1		0x03
#define LCR_DLAB	0x80
#define LSR_THRE	0x20

static void log_write(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n') {
			while (!(inb(COM2 + UART_LSR) & LSR_THRE))
				cpu_relax();
			outb(COM2 + UART_THR, '\r');
		}
		while (!(inb(COM2 + UART_LSR) & LSR_THRE))
			cpu_relax();
		outb(COM2 + UART_THR, s[i]);
	}
}

static struct console log_console = {
	.name = "ttyS1",
	.write = log_write,
	.log_only = true,
};

void serial_log_register(void)
{
	outb(COM2 + UART_SCR, 0x5a);
	if (inb(COM2 + UART_LSR) == 0xff || inb(COM2 + UART_SCR) != 0x5a)
		return;
	outb(COM2 + UART_IER, 0);
	outb(COM2 + UART_LCR, LCR_DLAB);
	outb(COM2 + UART_DLL, 1);	/* 115200 baud */
	outb(COM2 + UART_DLM, 0);
	outb(COM2 + UART_LCR, LCR_8N1);
	outb(COM2 + UART_FCR, 0x07);	/* FIFOs on and cleared */
	console_register(&log_console);
}
