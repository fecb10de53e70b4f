/*
 * A polled driver for the 16550 UART at COM1, the console of zdk.
 *
 * 115200 baud, 8 data bits, no parity, 1 stop bit, FIFOs on. Output waits
 * for the transmit holding register to be empty before each byte; input
 * is polled from the receive buffer. No interrupts are used, so the
 * driver works from the first instruction of x86_start() to the last line
 * of a fault report.
 *
 * On a machine without a UART at COM1 (the status port reads 0xff, as
 * nothing drives the bus) output is dropped instead of waiting forever
 * for a transmitter that will never be ready.
 *
 * The console's writes may pass through a filter first (the shell's
 * terminal, which erases and redraws its prompt line around messages:
 * arch_console_set_filter()); serial_write() itself never does.
 */
#include <lib/printk.h>
#include <asm/cpu.h>
#include <asm/io.h>
#include <asm/platform.h>
#include "serial.h"

#define COM1		0x3f8

/* Register offsets from the base port. */
#define UART_RBR	0	/* receive buffer (read, DLAB=0) */
#define UART_THR	0	/* transmit holding (write, DLAB=0) */
#define UART_DLL	0	/* divisor latch low (DLAB=1) */
#define UART_IER	1	/* interrupt enable (DLAB=0) */
#define UART_DLM	1	/* divisor latch high (DLAB=1) */
#define UART_FCR	2	/* FIFO control (write) */
#define UART_LCR	3	/* line control */
#define UART_MCR	4	/* modem control */
#define UART_LSR	5	/* line status */

#define LCR_8N1		0x03
#define LCR_DLAB	0x80
#define FCR_ENABLE	0x01
#define FCR_CLEAR_RX	0x02
#define FCR_CLEAR_TX	0x04
#define FCR_TRIGGER_14	0xc0
#define MCR_DTR		0x01
#define MCR_RTS		0x02
#define MCR_OUT2	0x08
#define LSR_DR		0x01	/* a byte is waiting */
#define LSR_THRE	0x20	/* transmit holding register empty */

#define UART_CLOCK	115200	/* divisor 1 = 115200 baud */
#define BAUD		115200

static bool uart_present;

static void uart_out(unsigned int reg, uint8_t v)
{
	outb(COM1 + reg, v);
}

static uint8_t uart_in(unsigned int reg)
{
	return inb(COM1 + reg);
}

void serial_init(void)
{
	unsigned int divisor = UART_CLOCK / BAUD;

	uart_out(UART_IER, 0);
	uart_out(UART_LCR, LCR_DLAB);
	uart_out(UART_DLL, divisor & 0xff);
	uart_out(UART_DLM, divisor >> 8);
	uart_out(UART_LCR, LCR_8N1);
	uart_out(UART_FCR, FCR_ENABLE | FCR_CLEAR_RX | FCR_CLEAR_TX | FCR_TRIGGER_14);
	uart_out(UART_MCR, MCR_DTR | MCR_RTS | MCR_OUT2);
	uart_present = uart_in(UART_LSR) != 0xff;
}

static void put_byte(uint8_t c)
{
	while (!(uart_in(UART_LSR) & LSR_THRE))
		cpu_relax();
	uart_out(UART_THR, c);
}

void serial_write(const char *s, size_t len)
{
	if (!uart_present)
		return;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			put_byte('\r');
		put_byte(s[i]);
	}
}

/* arch_console_set_filter()'s; atomic: set once by the shell, read by every write */
static void (*console_filter)(const char *s, size_t n, arch_console_raw_fn *raw);

void arch_console_set_filter(void (*filter)(const char *s, size_t n, arch_console_raw_fn *raw))
{
	__atomic_store_n(&console_filter, filter, __ATOMIC_RELEASE);
}

static void serial_console_write(const char *s, size_t len)
{
	void (*filter)(const char *, size_t, arch_console_raw_fn *) =
		__atomic_load_n(&console_filter, __ATOMIC_ACQUIRE);

	if (filter)
		filter(s, len, serial_write);
	else
		serial_write(s, len);
}

static struct console serial_console = {
	.name = "ttyS0",
	.write = serial_console_write,
};

void serial_console_register(void)
{
	console_register(&serial_console);
}

int arch_console_trygetc(void)
{
	if (!uart_present || !(uart_in(UART_LSR) & LSR_DR))
		return -1;
	return uart_in(UART_RBR);
}

int arch_console_getc(void)
{
	int c;

	while ((c = arch_console_trygetc()) < 0)
		cpu_relax();
	return c;
}
