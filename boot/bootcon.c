/*
 * Loader messages: each line is formatted once (GNU-EFI's UnicodeVSPrint,
 * so %r prints an EFI status by name) and then written twice, to the
 * firmware console (ConOut) and straight to the COM1 16550 UART.
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
#define LINE_MAX	320

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

/* Writes text with every "\n" turned into "\r\n", to both consoles. */
static void emit(const CHAR16 *text)
{
	CHAR16 out[2 * LINE_MAX];
	UINTN n = 0;

	for (; *text; text++) {
		if (*text == L'\n')
			out[n++] = L'\r';
		out[n++] = *text;
	}
	out[n] = 0;

	for (UINTN i = 0; i < n; i++)
		serial_putc(out[i]);
	if (!firmware_gone && ST && ST->ConOut)
		ST->ConOut->OutputString(ST->ConOut, out);
}

static void vline(const CHAR16 *prefix, const CHAR16 *fmt, va_list args)
{
	CHAR16 line[LINE_MAX];

	emit(prefix);
	UnicodeVSPrint(line, sizeof(line), fmt, args);
	emit(line);
}

void boot_info(const CHAR16 *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vline(L"zdk loader: ", fmt, args);
	va_end(args);
	emit(L"\n");
}

void boot_warn(const CHAR16 *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vline(L"zdk loader: warning: ", fmt, args);
	va_end(args);
	emit(L"\n");
}

EFI_STATUS boot_error(EFI_STATUS status, const CHAR16 *fmt, ...)
{
	CHAR16 tail[64];
	va_list args;

	if (status == EFI_SUCCESS)
		status = EFI_LOAD_ERROR;
	va_start(args, fmt);
	vline(L"zdk loader: error: ", fmt, args);
	va_end(args);
	UnicodeSPrint(tail, sizeof(tail), L" (status: %r)\n", status);
	emit(tail);
	return status;
}

void bootcon_firmware_gone(void)
{
	firmware_gone = TRUE;
}
