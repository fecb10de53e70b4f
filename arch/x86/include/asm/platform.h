/*
 * What the x86 platform offers the generic kernel: the console input, the
 * ways to leave the machine, the boot facts, the stack dump.
 * Implemented in arch/x86/ (serial.c, power.c, setup.c, stacktrace.c).
 */
#ifndef ASM_PLATFORM_H
#define ASM_PLATFORM_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

/* --- console input (COM1 receive path) --- */
/* Next byte typed on the console; blocks (halting between interrupts). */
int arch_console_getc(void);
/* A byte if one is waiting, else -1. */
int arch_console_trygetc(void);
/*
 * What the console (COM1) shows goes through filter(s, n, raw), which
 * writes with raw (the UART, "\n" as "\r\n"); NULL: straight out. The
 * shell's terminal uses it to keep its prompt line whole around messages
 * (kernel/shell_tty.h). Called from any CPU, under printk's lock with
 * interrupts masked: the filter must not print or sleep.
 */
typedef void arch_console_raw_fn(const char *s, size_t n);
void arch_console_set_filter(void (*filter)(const char *s, size_t n, arch_console_raw_fn *raw));

/* --- leaving the machine --- */
/* QEMU's isa-debug-exit: QEMU exits with status (code << 1) | 1. */
__attribute__((noreturn)) void arch_debug_exit(uint32_t code);
/* Reset the machine (CF9 / keyboard controller); QEMU -no-reboot exits. */
__attribute__((noreturn)) void arch_reboot(void);
/* Port I/O for ACPI fixed hardware (PM1 control, reset register). */
void acpi_os_write_port(uint16_t port, uint32_t value, unsigned int width_bits);
uint32_t acpi_os_read_port(uint16_t port, unsigned int width_bits);

/* --- boot facts --- */
const char *arch_cmdline(void);		/* the loader's command line */
uint64_t arch_rsdp_phys(void);		/* 0 if none */
/* Loader timing, nanoseconds (0 until the TSC is calibrated). */
uint64_t arch_loader_ns(void);		/* loader entry -> kernel entry */
uint64_t arch_boot_tsc_ns(uint64_t tsc);/* convert a TSC value */
uint64_t arch_since_loader_ns(void);	/* now - loader entry */

/* The APIC id of the CPU running this code. */
unsigned int arch_cpu_apic_id(void);

/* --- diagnostics --- */
/* Print a frame-pointer backtrace starting at the caller, symbolised. */
void dump_stack(void);
/* Same, starting from a given frame (rbp) and instruction pointer. */
void dump_stack_from(unsigned long fp, unsigned long ip);

#endif /* ASM_PLATFORM_H */
