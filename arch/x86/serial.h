/*
 * The COM1 UART (arch/x86/serial.c): the kernel's console.
 *
 * serial_init() programs the UART and can run before anything else;
 * serial_write() then works at once, without printk (for the boot-info
 * check and for faults inside the fault report). serial_console_register()
 * hands the port to printk.
 */
#ifndef ARCH_X86_SERIAL_H
#define ARCH_X86_SERIAL_H

#include <stddef.h>

void serial_init(void);
/* Polled output; "\n" goes out as "\r\n". */
void serial_write(const char *s, size_t len);
void serial_console_register(void);

#endif /* ARCH_X86_SERIAL_H */
