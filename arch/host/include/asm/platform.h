/*
 * Host build: the platform interface of arch/x86/include/asm/platform.h,
 * implemented by arch/host/platform.c for a user process. There is no
 * console input, no ACPI hardware and no boot loader: input reads as
 * "nothing waiting", ports read as 0, the command line is empty, and
 * leaving the machine ends the process with the code as its status.
 */
#ifndef ASM_PLATFORM_H
#define ASM_PLATFORM_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

int arch_console_getc(void);		/* always -1: no input */
int arch_console_trygetc(void);		/* always -1 */

__attribute__((noreturn)) void arch_debug_exit(uint32_t code);
__attribute__((noreturn)) void arch_reboot(void);
void acpi_os_write_port(uint16_t port, uint32_t value, unsigned int width_bits);
uint32_t acpi_os_read_port(uint16_t port, unsigned int width_bits);

const char *arch_cmdline(void);		/* "" */
uint64_t arch_rsdp_phys(void);		/* 0 */
uint64_t arch_loader_ns(void);		/* 0 */
uint64_t arch_boot_tsc_ns(uint64_t tsc);

void dump_stack(void);
void dump_stack_from(unsigned long fp, unsigned long ip);

#endif /* ASM_PLATFORM_H */
