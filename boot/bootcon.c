/*
 * Loader messages: each line is formatted once (GNU-EFI's UnicodeVSPrint,
 * so %r prints an EFI status by name) and written straight to the COM1
 * 16550 UART; warnings and errors also go to the firmware console
 * (ConOut), which a user without a serial line sees. Information lines
 * skip ConOut: OVMF renders each of its lines to the (absent) screen and
 * mirrors it to a serial port, which costs milliseconds under emulation.
 *
 * COM1 is written by polling the line status register; the firmware has
 * already programmed the UART, so we never touch its settings. The poll is
 * bounded so a machine without a UART cannot hang the loader. Once boot
 * services are gone (or half gone after a failed ExitBootServices) only
 * the UART is used.
 */
#include "boot/loader.h"

#define COM1		0x3f8
#define COM1_LSR	(COM1 + 5)
#define LSR_THR_EMPTY	0x20
#define LINE_MAX	1280	/* fits the longest command line */

static BOOLEAN firmware_gone;

static inline void outb(uint16_t port, uint8_t val)
{
	__asm__ volatile("outb %0, %1" : : "a"(val), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t val;

	__asm__ volatile("inb %1, %0" : "=a"(val) : "Nd"(port));
	return val;
}

static void serial_putc(CHAR16 c)
{
	for (int spins = 0; spins < 100000; spins++)
		if (inb(COM1_LSR) & LSR_THR_EMPTY)
			break;
	outb(COM1, c < 0x80 ? (uint8_t)c : '?');
}

/* Writes text with every "\n" turned into "\r\n", to COM1 and maybe ConOut. */
static void emit(const CHAR16 *text, BOOLEAN conout)
{
	static CHAR16 out[2 * LINE_MAX];
	UINTN n = 0;

	for (; *text; text++) {
		if (*text == L'\n')
			out[n++] = L'\r';
		out[n++] = *text;
	}
	out[n] = 0;

	for (UINTN i = 0; i < n; i++)
		serial_putc(out[i]);
	if (conout && !firmware_gone && ST && ST->ConOut)
		ST->ConOut->OutputString(ST->ConOut, out);
}

/* Formats one whole line, so the two outputs never interleave. */
static void say(const CHAR16 *kind, const EFI_STATUS *status, const CHAR16 *fmt,
		va_list args)
{
	static CHAR16 msg[LINE_MAX], line[LINE_MAX];

	UnicodeVSPrint(msg, sizeof(msg), fmt, args);
	if (status)
		UnicodeSPrint(line, sizeof(line), L"zdk loader: %s%s (status: %r)\n",
			      kind, msg, *status);
	else
		UnicodeSPrint(line, sizeof(line), L"zdk loader: %s%s\n", kind, msg);
	emit(line, kind[0] != 0);	/* warnings and errors */
}

void boot_info(const CHAR16 *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	say(L"", NULL, fmt, args);
	va_end(args);
}

void boot_warn(const CHAR16 *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	say(L"warning: ", NULL, fmt, args);
	va_end(args);
}

EFI_STATUS boot_error(EFI_STATUS status, const CHAR16 *fmt, ...)
{
	va_list args;

	if (status == EFI_SUCCESS)
		status = EFI_LOAD_ERROR;
	va_start(args, fmt);
	say(L"error: ", &status, fmt, args);
	va_end(args);
	return status;
}

void bootcon_firmware_gone(void)
{
	firmware_gone = TRUE;
}
