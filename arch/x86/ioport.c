/*
 * Port I/O for ACPI's fixed hardware (PM1 control, the reset register):
 * the one way generic code reaches an I/O port, with the access width the
 * ACPI tables specify. A width other than 8, 16 or 32 bits is a bug in
 * the caller (or a table it trusted): warned about, nothing is accessed.
 */
#include <lib/bug.h>
#include <asm/io.h>
#include <asm/platform.h>

void acpi_os_write_port(uint16_t port, uint32_t value, unsigned int width_bits)
{
	switch (width_bits) {
	case 8:
		outb(port, value);
		break;
	case 16:
		outw(port, value);
		break;
	case 32:
		outl(port, value);
		break;
	default:
		WARN(1, "port %#x: bad access width %u", port, width_bits);
	}
}

uint32_t acpi_os_read_port(uint16_t port, unsigned int width_bits)
{
	switch (width_bits) {
	case 8:
		return inb(port);
	case 16:
		return inw(port);
	case 32:
		return inl(port);
	default:
		WARN(1, "port %#x: bad access width %u", port, width_bits);
		return ~0u;
	}
}
